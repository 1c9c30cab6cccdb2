//! One writing process per database: an advisory lock on `<database>.lock`,
//! held as long as the [`DatabaseLock`] lives and released by the system when
//! the process ends, even killed (a stale lock file is harmless: the lock is
//! the kernel's, not the file's existence).
//!
//! Why a lock file and not `locking_mode=EXCLUSIVE`: the exclusive mode makes a
//! second instance wait for the busy timeout and then fail with a generic
//! "database is locked", and it would also block read-only tools such as
//! `sportello audit verify` and `sportello backup` while the app is open. The
//! lock file answers at once with a message that says what to do.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Code, Error};

#[derive(Debug)]
pub struct DatabaseLock {
    // Held for its lock; closing the file releases it.
    _file: File,
    path: PathBuf,
}

/// The lock file of a database: `sportello.sqlite` → `sportello.sqlite.lock`.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl DatabaseLock {
    /// Takes the lock of `database` or fails at once with [`Code::Conflict`]
    /// when another instance (the app or the command line) holds it.
    pub fn acquire(database: &Path) -> Result<DatabaseLock, Error> {
        let path = lock_path(database);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::new(Code::Io, format!("impossibile creare la cartella {}: {e}", dir.display()))
            })?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| {
                Error::new(Code::Io, format!("impossibile creare il file di blocco {}: {e}", path.display()))
            })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(Error::new(
                    Code::Conflict,
                    format!(
                        "Il database {} è già in uso da un'altra finestra di Sportello o da un comando \
                         in corso: chiuderli e riprovare",
                        database.display()
                    ),
                ))
            }
            Err(TryLockError::Error(e)) => {
                return Err(Error::new(
                    Code::Io,
                    format!("impossibile bloccare il database {}: {e}", database.display()),
                ))
            }
        }
        // Who holds it, for a person looking at the folder; the lock is what counts.
        let _ = file.set_len(0).and_then(|_| writeln!(file, "{}", std::process::id()));
        let lock = DatabaseLock { _file: file, path };
        // Whoever holds the lock is the only writer: the moment to put right
        // what a crash of an earlier one left.
        super::backup::tidy(database)?;
        Ok(lock)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sportello.sqlite");
        let first = DatabaseLock::acquire(&db).unwrap();
        let err = DatabaseLock::acquire(&db).unwrap_err();
        assert_eq!(err.code, Code::Conflict);
        assert!(err.message.contains("già in uso"), "{}", err.message);
        drop(first);
        DatabaseLock::acquire(&db).unwrap();
    }
}
