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
//!
//! One holder is waited for instead: the office's sync server (`sportello
//! sync serve`), which holds the lock only for the length of one exchange
//! with a device (a fraction of a second) and says so in the lock file
//! ([`SYNC_SERVER`]). A command on the hub's file then waits for the exchange
//! to end (at most [`WAIT_FOR_SERVER`]) rather than failing while the server
//! is busy; the server, in turn, waits a bounded time for a command that
//! holds the file (see `service::sync_net`).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Code, Error};

#[derive(Debug)]
pub struct DatabaseLock {
    // Held for its lock; closing the file releases it.
    _file: File,
    path: PathBuf,
}

/// What the sync server writes in the lock file while it holds it.
pub const SYNC_SERVER: &str = "sync serve";

/// How long a command waits for an exchange of the sync server to end.
pub const WAIT_FOR_SERVER: Duration = Duration::from_secs(30);

/// The lock file of a database: `sportello.sqlite` → `sportello.sqlite.lock`.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl DatabaseLock {
    /// Takes the lock of `database` or fails at once with [`Code::Conflict`]
    /// when another instance (the app or the command line) holds it.
    /// A holder that is the sync server is waited for (at most
    /// [`WAIT_FOR_SERVER`]): it lets go at the end of each exchange.
    pub fn acquire(database: &Path) -> Result<DatabaseLock, Error> {
        DatabaseLock::take(database, None, None)
    }

    /// The lock for one exchange of the sync server: whoever holds it is
    /// waited for, at most `wait`; the lock file then says it is the server's.
    pub fn acquire_for_exchange(database: &Path, wait: Duration) -> Result<DatabaseLock, Error> {
        DatabaseLock::take(database, Some(wait), Some(SYNC_SERVER))
    }

    fn take(database: &Path, wait: Option<Duration>, tag: Option<&str>) -> Result<DatabaseLock, Error> {
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
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {
                    let limit = wait.unwrap_or_else(|| match holder(&path) {
                        Holder::Server => WAIT_FOR_SERVER,
                        // Between taking the lock and writing its name: a moment.
                        Holder::Unknown => Duration::from_millis(200),
                        Holder::Other => Duration::ZERO,
                    });
                    if start.elapsed() < limit {
                        std::thread::sleep(Duration::from_millis(15));
                        continue;
                    }
                    return Err(busy(database, holder(&path) == Holder::Server));
                }
                Err(TryLockError::Error(e)) => {
                    return Err(Error::new(
                        Code::Io,
                        format!("impossibile bloccare il database {}: {e}", database.display()),
                    ))
                }
            }
        }
        // Who holds it, for a person looking at the folder and for a command
        // deciding whether to wait; the lock is what counts.
        let who = match tag {
            Some(t) => format!("{} {t}", std::process::id()),
            None => std::process::id().to_string(),
        };
        let _ = file.set_len(0).and_then(|_| writeln!(file, "{who}"));
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holder {
    Server,
    Other,
    /// The file is empty: its holder has not written its name yet.
    Unknown,
}

fn holder(lock_file: &Path) -> Holder {
    match std::fs::read_to_string(lock_file) {
        Ok(s) if s.trim().is_empty() => Holder::Unknown,
        Ok(s) if s.trim_end().ends_with(SYNC_SERVER) => Holder::Server,
        _ => Holder::Other,
    }
}

fn busy(database: &Path, server: bool) -> Error {
    if server {
        return Error::new(
            Code::Conflict,
            format!(
                "Il database {} è occupato dal server di sincronizzazione dell'ufficio da più di {} secondi: \
                 riprovare tra poco",
                database.display(),
                WAIT_FOR_SERVER.as_secs()
            ),
        );
    }
    Error::new(
        Code::Conflict,
        format!(
            "Il database {} è già in uso da un'altra finestra di Sportello o da un comando \
             in corso: chiuderli e riprovare",
            database.display()
        ),
    )
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

    #[test]
    fn a_command_waits_for_an_exchange_of_the_sync_server_and_the_server_for_a_command() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sportello.sqlite");
        let exchange = DatabaseLock::acquire_for_exchange(&db, Duration::ZERO).unwrap();
        assert!(std::fs::read_to_string(lock_path(&db)).unwrap().contains(SYNC_SERVER));
        let start = Instant::now();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            drop(exchange);
        });
        // Not refused at once: taken when the exchange lets go.
        let command = DatabaseLock::acquire(&db).unwrap();
        assert!(start.elapsed() >= Duration::from_millis(300));
        release.join().unwrap();
        // The server waits for a command a bounded time, then gives up.
        let start = Instant::now();
        let err = DatabaseLock::acquire_for_exchange(&db, Duration::from_millis(200)).unwrap_err();
        assert_eq!(err.code, Code::Conflict);
        assert!(start.elapsed() >= Duration::from_millis(200));
        drop(command);
        DatabaseLock::acquire_for_exchange(&db, Duration::ZERO).unwrap();
    }
}
