//! The viewing area: where a document, decrypted, is written for the system's
//! PDF viewer to open ("Apri con il programma del computer") — the one moment
//! a document leaves the encrypted database. The app's own viewer
//! (`document_view`) needs none of this: the PDF stays in memory.
//!
//! It is a private folder (0700), one per database, in the first of:
//!
//! 1. `SPORTELLO_VIEWING_DIR` (tests, demos, an office's own choice);
//! 2. `XDG_RUNTIME_DIR/sportello` (on Linux a tmpfs: memory, never the disk);
//! 3. on Linux, `/dev/shm/sportello-<uid>` (a tmpfs too, where a session has
//!    no runtime directory: a service, `su`, a minimal desktop);
//! 4. the temporary folder, `sportello-<uid>` (`sportello-<user>` on Windows,
//!    whose `%TEMP%` is private to the account): on the disk. On Windows the
//!    files are created as temporary files, which the system keeps in its
//!    cache rather than writing them out while memory allows.
//!
//! It is emptied when the service is dropped (logout, idle lock, exit) and
//! again at the next login on the same database, for a program that was
//! killed or a copy the viewer still held open (Windows refuses to delete an
//! open file). On Unix each folder names the process that made it, and any
//! later Sportello process removes the folders of processes that are gone,
//! whatever their database; in the shared folders (2-4) the folder made for
//! the account goes too once empty, so nothing of Sportello's is left there.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Code, Error};

/// The file, in each database's folder, naming the process that made it.
const OWNER_FILE: &str = ".processo";

#[derive(Debug)]
pub struct ViewingArea {
    dir: PathBuf,
    /// The folder made for the account in a shared place (cases 2-4 above),
    /// removed when empty; `None` for `SPORTELLO_VIEWING_DIR`.
    own_base: Option<PathBuf>,
}

/// Where the areas of every database go: the base folder, and whether
/// Sportello made it (and removes it once empty).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Base {
    dir: PathBuf,
    own: bool,
}

/// The choice of the base folder, from the environment and the places this
/// system has (a parameter, so that it is tested without touching either).
fn choose_base(
    env: impl Fn(&str) -> Option<OsString>,
    shm: Option<&Path>,
    temp: &Path,
    account: &str,
) -> Base {
    let set = |k: &str| env(k).filter(|d| !d.is_empty()).map(PathBuf::from);
    if let Some(dir) = set("SPORTELLO_VIEWING_DIR") {
        return Base { dir, own: false };
    }
    if let Some(run) = set("XDG_RUNTIME_DIR") {
        return Base { dir: run.join("sportello"), own: true };
    }
    if let Some(shm) = shm {
        return Base { dir: shm.join(format!("sportello-{account}")), own: true };
    }
    Base { dir: temp.join(format!("sportello-{account}")), own: true }
}

/// This system's memory-backed folder for everyone's files, if any.
fn shared_memory_dir() -> Option<&'static Path> {
    let shm = Path::new("/dev/shm");
    (cfg!(target_os = "linux") && shm.is_dir()).then_some(shm)
}

impl ViewingArea {
    pub fn for_database(database: &Path) -> ViewingArea {
        let base =
            choose_base(|k| std::env::var_os(k), shared_memory_dir(), &std::env::temp_dir(), &account());
        let area = ViewingArea {
            dir: base.dir.join(database_tag(database)),
            own_base: base.own.then(|| base.dir.clone()),
        };
        area.clear();
        sweep_abandoned(&base.dir);
        area
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` as `name` in the area (readable by the user only).
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
        let path = self.dir.join(name);
        let result = (|| {
            // The account's folder is made with the database's (0700 both),
            // and both are checked before anything is written in them.
            create_private_dir(&self.dir)?;
            if let Some(base) = &self.own_base {
                check_private(base)?;
            }
            check_private(&self.dir)?;
            mark_owner(&self.dir)?;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            #[cfg(windows)]
            {
                use std::os::windows::fs::OpenOptionsExt;
                // FILE_ATTRIBUTE_TEMPORARY: kept in the cache, not written
                // out to the disk while memory allows.
                opts.attributes(0x100);
            }
            opts.open(&path)?.write_all(bytes)
        })();
        result.map_err(|e| {
            Error::new(Code::Io, format!("impossibile preparare il documento per la visualizzazione: {e}"))
        })?;
        Ok(path)
    }

    /// Removes one file written here (a document no program could open).
    /// A path outside the area is left alone.
    pub fn discard(&self, path: &Path) {
        if path.parent() == Some(self.dir.as_path()) {
            let _ = std::fs::remove_file(path);
        }
    }

    /// Removes every document written for viewing, and the account's
    /// folder in a shared place once nothing else is in it.
    pub fn clear(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(base) = &self.own_base {
            // Fails, as it should, while another database's area is there.
            let _ = std::fs::remove_dir(base);
        }
    }
}

impl Drop for ViewingArea {
    fn drop(&mut self) {
        self.clear();
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// A folder in a place everyone writes to (`/tmp`, `/dev/shm`) could have been
/// made beforehand by someone else, or be a link to their folder: a document
/// is written only into a real folder of this account that nobody else can
/// read.
fn check_private(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::symlink_metadata(dir)?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if !meta.is_dir() || meta.uid() != me || meta.mode() & 0o077 != 0 {
            return Err(std::io::Error::other(format!(
                "la cartella {} non è una cartella privata di questo utente",
                dir.display()
            )));
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
    }
    Ok(())
}

/// Writes the number of this process into the folder (Unix: for
/// [`sweep_abandoned`]).
fn mark_owner(dir: &Path) -> std::io::Result<()> {
    if cfg!(unix) {
        std::fs::write(dir.join(OWNER_FILE), std::process::id().to_string())?;
    }
    Ok(())
}

/// Removes the folders, under `base`, of Sportello processes that ended
/// without emptying them (killed, a power cut): their documents would stay
/// there until that database is opened again, which for a test's database is
/// never. A folder without the owner file, or of a live process, is left.
fn sweep_abandoned(base: &Path) {
    #[cfg(unix)]
    {
        let Ok(entries) = std::fs::read_dir(base) else { return };
        for entry in entries.flatten() {
            let dir = entry.path();
            let Ok(owner) = std::fs::read_to_string(dir.join(OWNER_FILE)) else { continue };
            let Ok(pid) = owner.trim().parse::<libc::pid_t>() else { continue };
            if pid > 0 && !process_alive(pid) {
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
        let _ = std::fs::remove_dir(base);
    }
    #[cfg(not(unix))]
    {
        let _ = base;
    }
}

#[cfg(unix)]
fn process_alive(pid: libc::pid_t) -> bool {
    // SAFETY: kill(2) with signal 0 sends nothing; it only checks the pid.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// A short, stable name for the database's folder (two databases open at
/// once never share one).
fn database_tag(database: &Path) -> String {
    use sha2::{Digest, Sha256};
    let abs = std::path::absolute(database).unwrap_or_else(|_| database.to_path_buf());
    let d = Sha256::digest(abs.as_os_str().as_encoded_bytes());
    d[..6].iter().map(|b| format!("{b:02x}")).collect()
}

/// The account's name in a shared folder: the user id on Unix (a login name
/// can be chosen to collide), the login name on Windows.
fn account() -> String {
    #[cfg(unix)]
    {
        // SAFETY: geteuid has no preconditions and cannot fail.
        unsafe { libc::geteuid() }.to_string()
    }
    #[cfg(not(unix))]
    {
        std::env::var("USERNAME").or_else(|_| std::env::var("USER")).unwrap_or_else(|_| "utente".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| OsString::from(v))
    }

    #[test]
    fn the_base_is_memory_whenever_the_system_has_some() {
        let temp = Path::new("/tmp");
        let shm = Some(Path::new("/dev/shm"));
        let given = choose_base(
            env(&[("SPORTELLO_VIEWING_DIR", "/x"), ("XDG_RUNTIME_DIR", "/run/user/1000")]),
            shm,
            temp,
            "1000",
        );
        assert_eq!(given, Base { dir: "/x".into(), own: false });
        let runtime = choose_base(env(&[("XDG_RUNTIME_DIR", "/run/user/1000")]), shm, temp, "1000");
        assert_eq!(runtime, Base { dir: "/run/user/1000/sportello".into(), own: true });
        // No runtime directory (or an empty one): the shared memory, not the disk.
        let no_runtime = choose_base(env(&[("XDG_RUNTIME_DIR", "")]), shm, temp, "1000");
        assert_eq!(no_runtime, Base { dir: "/dev/shm/sportello-1000".into(), own: true });
        // Neither (Windows, macOS): the temporary folder, the account's own folder in it.
        let disk = choose_base(env(&[]), None, temp, "1000");
        assert_eq!(disk, Base { dir: "/tmp/sportello-1000".into(), own: true });
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_made_by_someone_else_or_a_link_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let t = tempfile::tempdir().unwrap();
        let open = t.path().join("aperta");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(check_private(&open).is_err(), "readable by others");
        let link = t.path().join("collegamento");
        let private = t.path().join("privata");
        create_private_dir(&private).unwrap();
        std::os::unix::fs::symlink(&private, &link).unwrap();
        assert!(check_private(&private).is_ok());
        assert!(check_private(&link).is_err(), "a link is not the folder");
    }

    #[cfg(unix)]
    #[test]
    fn folders_of_ended_processes_are_swept_and_live_ones_kept() {
        let t = tempfile::tempdir().unwrap();
        let base = t.path().join("sportello-prova");
        let area = |tag: &str, pid: &str| {
            let dir = base.join(tag);
            create_private_dir(&dir).unwrap();
            std::fs::write(dir.join(OWNER_FILE), pid).unwrap();
            std::fs::write(dir.join("patto.pdf"), b"%PDF-1.7").unwrap();
            dir
        };
        // A child that has ended and been reaped: its pid names no process.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let abandoned = area("aaaa", &dead.to_string());
        let live = area("bbbb", &std::process::id().to_string());
        let unmarked = base.join("cccc");
        create_private_dir(&unmarked).unwrap();
        sweep_abandoned(&base);
        assert!(!abandoned.exists(), "the folder of an ended process goes");
        assert!(live.join("patto.pdf").exists(), "a live process keeps its folder");
        assert!(unmarked.exists(), "a folder without its owner is not Sportello's to judge");
    }
}
