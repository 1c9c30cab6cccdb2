//! Encrypting a plain database of an earlier version in place: SQLCipher's
//! `sqlcipher_export` copies schema and rows into a new encrypted file beside
//! it, the copy is checked, then it takes the database's name and the plain
//! file is overwritten and removed.
//!
//! Overwriting is best effort: on an SSD or a journaling file system the old
//! blocks may survive until reused. The office should encrypt before real
//! data is entered, or treat the disk as holding clear data until then.

use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::{backup, db_err, is_plain_sqlite, migrations, APPLICATION_ID};
use crate::error::{Code, Error};
use crate::keyring::DbKey;

/// Encrypts the plain Sportello database at `path` with `key`. The caller
/// holds the database's lock. Returns the schema version of the result.
pub fn encrypt_in_place(path: &Path, key: &DbKey) -> Result<u32, Error> {
    finish_interrupted_encryption(path);
    if !is_plain_sqlite(path) {
        return Err(Error::new(Code::Conflict, format!("Il database {} è già cifrato", path.display())));
    }
    // CREATE: the attached encrypted copy is a new file.
    let plain =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)
            .map_err(db_err)?;
    let app: i32 = plain.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(db_err)?;
    if app != APPLICATION_ID {
        return Err(Error::new(Code::Storage, "Il file indicato non è un database di Sportello"));
    }
    let version = migrations::user_version(&plain)?;
    // Every commit into the main file first: the WAL must not outlive it.
    plain.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(db_err)?;
    let tmp = beside(path, "cifrato");
    remove_with_sidecars(&tmp);
    let result = (|| {
        let literal = key.sqlcipher_literal();
        let attach = zeroize::Zeroizing::new(format!("ATTACH DATABASE ?1 AS cifrato KEY \"{}\"", &*literal));
        plain.execute(&attach, [tmp.to_string_lossy()]).map_err(db_err)?;
        plain.query_row("SELECT sqlcipher_export('cifrato')", [], |_| Ok(())).map_err(db_err)?;
        // sqlcipher_export copies schema and rows; the header fields too, to be sure.
        plain
            .execute_batch(&format!(
                "PRAGMA cifrato.user_version = {version}; PRAGMA cifrato.application_id = {APPLICATION_ID};"
            ))
            .map_err(db_err)?;
        plain.execute_batch("DETACH DATABASE cifrato").map_err(db_err)?;
        backup::validate(&tmp, Some(key))?;
        Ok(())
    })();
    drop(plain);
    if let Err(e) = result {
        remove_with_sidecars(&tmp);
        return Err(e);
    }
    // The database never goes missing: the plain file gets a second name (a
    // hard link, or a copy where links are not supported), then one rename
    // puts the encrypted file over it; only then is the plain data zeroed
    // through its second name. A kill at any point leaves `path` whole
    // (plain or encrypted), and the next run finishes the clean-up
    // ([`finish_interrupted_encryption`]).
    let clear = beside(path, "in-chiaro");
    let _ = std::fs::remove_file(&clear);
    std::fs::hard_link(path, &clear)
        .or_else(|_| std::fs::copy(path, &clear).map(|_| ()))
        .map_err(|e| Error::new(Code::Io, format!("{}: {e}", clear.display())))?;
    crate::crashpoint::crashpoint("encrypt:kept");
    std::fs::rename(&tmp, path).map_err(|e| Error::new(Code::Io, format!("{}: {e}", path.display())))?;
    crate::fsx::sync_dir(path);
    crate::crashpoint::crashpoint("encrypt:renamed");
    shred(&clear);
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        shred(Path::new(&side));
    }
    Ok(version)
}

/// Clears what an encryption cut short left beside `path`: the plain file's
/// second name. While it is still the database itself (same file: the kill
/// came before the switch), it is only unlinked; once the encrypted file has
/// taken the name, it is the old plain data, zeroed and removed. Runs at every
/// encryption and whenever the database's lock is taken ([`super::backup::tidy`]).
pub fn finish_interrupted_encryption(path: &Path) {
    let clear = beside(path, "in-chiaro");
    let Ok(kept) = std::fs::metadata(&clear) else { return };
    if same_file(&kept, path) {
        let _ = std::fs::remove_file(&clear);
    } else {
        shred(&clear);
    }
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).is_ok_and(|b| a.dev() == b.dev() && a.ino() == b.ino())
}

/// Without inode numbers: a copy was made (no hard links), so the kept file
/// is the database's twin only while the database is still plain.
#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, path: &Path) -> bool {
    is_plain_sqlite(path)
}

/// Overwrites a file with zeros, flushes it and removes it (best effort).
pub fn shred(path: &Path) {
    if let Ok(meta) = std::fs::metadata(path) {
        if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(path) {
            let zeros = vec![0u8; 64 * 1024];
            let mut left = meta.len();
            while left > 0 {
                let n = left.min(zeros.len() as u64) as usize;
                if f.write_all(&zeros[..n]).is_err() {
                    break;
                }
                left -= n as u64;
            }
            let _ = f.sync_all();
        }
    }
    let _ = std::fs::remove_file(path);
}

fn beside(path: &Path, what: &str) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{what}"))
}

fn remove_with_sidecars(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}
