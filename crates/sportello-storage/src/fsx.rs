//! Files with personal data: created private (0600 on Unix), written whole or
//! not at all, never over a file created meanwhile (with the crash points of
//! `crate::crashpoint` at every rename and flush).
//!
//! Private by default because the folder of a database is often a shared
//! drive or a laptop's home: a family's names and codici fiscali must not be
//! readable by every account of the computer. An office that shares a folder
//! on purpose gives it to a group (README, «Cartella condivisa»): the program
//! never widens a mode and never narrows that of an existing file.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Code, Error};

/// Opens `path` for writing, creating it: it must not exist (never
/// overwrites), mode 0600 on Unix.
pub fn create_private_new(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// `.<name>.<pid>.tmp` beside `path`: where a file is written before it takes
/// its name ([`remove_stale_temporaries`] knows the pattern).
pub fn temp_beside(path: &Path) -> PathBuf {
    let dir = parent_dir(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dir.join(format!(".{name}.{}.tmp", std::process::id()))
}

pub fn parent_dir(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Writes `bytes` at `path` whole, private: a 0600 temporary file beside it,
/// flushed, renamed over `path`, and the directory flushed. A failure leaves
/// `path` as it was and no temporary file; one left by an earlier write of
/// the same file killed before its rename is removed.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_private_then(path, bytes, |tmp| {
        crate::crashpoint::crashpoint("write-before-rename");
        std::fs::rename(tmp, path)?;
        sync_dir(path);
        Ok(())
    })
}

/// As [`write_private_atomic`], for a file that must be new: `path` must not
/// exist, and one that appears while it is written is not replaced
/// (`AlreadyExists`, through [`publish_new`]). A copy handed to the operator
/// never takes the place of some other file.
pub fn write_private_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_private_then(path, bytes, |tmp| publish_new(tmp, path))
}

/// The common part of the two writers: what a killed write of the same file
/// left is removed, `bytes` go to a 0600 temporary file beside `path`,
/// flushed, and `name_it` gives it its name; on any failure the temporary
/// file is removed.
fn write_private_then(
    path: &Path,
    bytes: &[u8],
    name_it: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if let Some(name) = path.file_name() {
        remove_stale_temporaries(parent_dir(path), &format!("{}.", name.to_string_lossy()));
    }
    let tmp = temp_beside(path);
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        let mut f = create_private_new(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        name_it(&tmp)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Gives the complete file `tmp` the name `out`, which must not exist: a
/// hard link (atomic, and refused by the system when `out` appeared
/// meanwhile), then `tmp` removed. Where links are not supported (some
/// network drives), a copy into a file created exclusively. `AlreadyExists`
/// when `out` exists: nothing is overwritten.
pub fn publish_new(tmp: &Path, out: &Path) -> std::io::Result<()> {
    match std::fs::hard_link(tmp, out) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(e),
        Err(_) => {
            let mut dst = create_private_new(out)?;
            let copied = (|| {
                let mut src = std::fs::File::open(tmp)?;
                std::io::copy(&mut src, &mut dst)?;
                dst.sync_all()
            })();
            if let Err(e) = copied {
                let _ = std::fs::remove_file(out);
                return Err(e);
            }
        }
    }
    sync_dir(out);
    crate::crashpoint::crashpoint("publish-before-unlink");
    std::fs::remove_file(tmp)?;
    sync_dir(out);
    Ok(())
}

/// Flushes the directory entry of a created or renamed file (best effort:
/// not every system can open a directory).
pub fn sync_dir(file: &Path) {
    if let Ok(d) = std::fs::File::open(parent_dir(file)) {
        let _ = d.sync_all();
    }
}

/// Sets `path` to 0600 (Unix): for files another library creates (SQLite's
/// own) before anything is written in them.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Gives `path` (a new private file) the owner and group permissions of
/// `like`, never those for others: a database shared with a group on purpose
/// stays shared when a restore replaces it.
pub fn share_like(path: &Path, like: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(like) {
            let mode = meta.permissions().mode() & 0o770;
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode | 0o600));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, like);
}

/// Takes away what `others` (every account of the computer) may do with an
/// existing file of personal data: a database created world-readable by an
/// earlier version. The owner's and the group's permissions stay.
pub fn close_to_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode();
            if mode & 0o007 != 0 {
                let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o7770));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// Removes the temporary files of writes interrupted by a crash in `dir`:
/// `.<name>.<pid>.tmp` (and SQLite's `-journal`, `-wal`, `-shm` of one) whose
/// `<name>` starts with `prefix` (`""` for any) and whose process is gone.
/// Where the system cannot tell (no `/proc`), those older than an hour: no
/// write of an office's files takes that long. Returns what was removed.
pub fn remove_stale_temporaries(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return removed };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = stale_pid(&n, prefix) else { continue };
        let gone = if pid == std::process::id() {
            false
        } else if Path::new("/proc/self").exists() {
            !Path::new(&format!("/proc/{pid}")).exists()
        } else {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|a| a > std::time::Duration::from_secs(3600))
        };
        if gone && std::fs::remove_file(e.path()).is_ok() {
            removed.push(e.path());
        }
    }
    removed
}

/// The pid of a temporary file's name `.<name>.<pid>.tmp[-journal|-wal|-shm]`.
fn stale_pid(file_name: &str, prefix: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?;
    if !rest.starts_with(prefix) {
        return None;
    }
    let base =
        ["", "-journal", "-wal", "-shm"].iter().find_map(|s| rest.strip_suffix(&format!(".tmp{s}")))?;
    let (_, pid) = base.rsplit_once('.')?;
    pid.parse().ok()
}

pub fn io_error(path: &Path, what: &str, e: std::io::Error) -> Error {
    if e.raw_os_error() == Some(28) || e.kind() == std::io::ErrorKind::StorageFull {
        return Error::new(
            Code::DiskFull,
            format!("Il disco è pieno: {what} {} non è stato scritto", path.display()),
        );
    }
    Error::new(Code::Io, format!("{what} {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_carry_the_pid() {
        assert_eq!(stale_pid(".sportello-2026.sqlite.4242.tmp", "sportello-"), Some(4242));
        assert_eq!(stale_pid(".sportello-2026.sqlite.4242.tmp-journal", "sportello-"), Some(4242));
        assert_eq!(stale_pid(".copia.sqlite.17.tmp", "sportello-"), None, "other prefix");
        assert_eq!(stale_pid(".copia.sqlite.17.tmp", ""), Some(17));
        assert_eq!(stale_pid("copia.sqlite.17.tmp", ""), None, "not hidden: not ours");
        assert_eq!(stale_pid(".copia.sqlite.tmp", ""), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_temporaries_of_a_dead_process_go_those_of_a_live_one_stay() {
        let dir = tempfile::tempdir().unwrap();
        // pid_max is at most 2^22 on Linux: this one cannot be running.
        let dead = dir.path().join(".x.pdf.4999999.tmp");
        let mine = dir.path().join(format!(".x.pdf.{}.tmp", std::process::id()));
        let kept = dir.path().join("x.pdf");
        for p in [&dead, &mine, &kept] {
            std::fs::write(p, b"x").unwrap();
        }
        assert_eq!(remove_stale_temporaries(dir.path(), ""), vec![dead.clone()]);
        assert!(!dead.exists() && mine.exists() && kept.exists());
    }

    #[cfg(unix)]
    #[test]
    fn private_writes_are_0600_and_never_overwrite_when_published() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("esito.pdf");
        write_private_atomic(&p, b"uno").unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        let tmp = dir.path().join(".t");
        std::fs::write(&tmp, b"due").unwrap();
        let err = publish_new(&tmp, &p).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&p).unwrap(), b"uno");
        let out = dir.path().join("nuovo");
        publish_new(&tmp, &out).unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"due");
        assert!(!tmp.exists());
    }
}
