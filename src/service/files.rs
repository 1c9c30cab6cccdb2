//! The commands on a database file as a whole, for the command line: a copy
//! (`sportello backup`), a restore (`sportello restore`), the check of the
//! file and its audit log (`sportello audit verify`). They act before (or
//! without) a session: the key comes from the credentials, the account and
//! its role are read in the file, and the role is checked against the one
//! table of permissions ([`super::access`]). The command line reaches the
//! files through here only, never through `storage`.

use std::path::{Path, PathBuf};

use super::{access, Credentials, Service};
use crate::domain::{Operator, StrEnum};
use crate::error::{Code, Error};
use crate::storage::audit::VerifyReport;
use crate::storage::backup::{self, BackupInfo};
use crate::storage::lock::DatabaseLock;

/// An error of a file-level command and the file it is about (the database,
/// the copy read, or the copy written), so that the command line says which.
#[derive(Debug)]
pub struct FileError {
    pub file: PathBuf,
    pub error: Error,
}

/// Attributes errors to `file`.
fn about(file: &Path) -> impl Fn(Error) -> FileError + '_ {
    move |error| FileError { file: file.to_path_buf(), error }
}

/// The role check of the file-level commands (the service's table decides).
fn require(op: &Operator, command: &str) -> Result<(), Error> {
    if access::allowed(command, op.role) {
        return Ok(());
    }
    Err(Error::new(
        Code::Forbidden,
        format!("Operazione non consentita al ruolo {} ({})", op.role.label(), op.username),
    ))
}

/// The path as recorded on the audit log: absolute, so that it says where.
pub(crate) fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

impl Service {
    /// Copies `database` into the new file `out` (SQLite's backup API, read
    /// only: it works while the app has the database open) for an account
    /// whose role may take backups, encrypted with the database's key, and
    /// records it on the database's audit log. A failure to record is in the
    /// answer's warnings: the copy itself is made.
    pub fn backup_file(
        database: &Path,
        out: &Path,
        credentials: &Credentials,
    ) -> Result<BackupInfo, FileError> {
        let (key, operator) = Service::authenticate(database, credentials).map_err(about(database))?;
        require(&operator, "backup").map_err(about(database))?;
        let mut info = backup::backup_file(database, out, Some(&key)).map_err(about(out))?;
        let detail = format!("copia di sicurezza creata in {}", absolute(out).display());
        let at = super::timestamp_now();
        if let Err(e) =
            backup::record(database, &key, &at, &operator, super::Action::Backup.as_str(), &detail)
        {
            info.warnings
                .push(format!("la copia non è stata registrata nel registro degli accessi: {}", e.message));
        }
        Ok(info)
    }

    /// Replaces `database` with the copy `from` (one atomic replacement, the
    /// replaced file kept: see `storage::backup::restore`), holding the
    /// database's lock. The database may be the damaged file being replaced:
    /// the key comes from its keys file (or the recovery key) and the account
    /// is checked in the copy about to become the database, opened once for
    /// the check, the account and the copy. Recorded on the restored
    /// database's audit log.
    pub fn restore_file(
        from: &Path,
        database: &Path,
        credentials: &Credentials,
    ) -> Result<BackupInfo, FileError> {
        let _lock = DatabaseLock::acquire(database).map_err(about(database))?;
        let key = Service::database_key(database, credentials).map_err(about(database))?;
        let copy = backup::open_checked(from, Some(&key)).map_err(about(from))?;
        let operator = match credentials {
            Credentials::Password { username, .. } => {
                let op = copy.operator(username).map_err(about(from))?.ok_or_else(|| FileError {
                    file: from.to_path_buf(),
                    error: crate::keyring::wrong_credentials(),
                })?;
                require(&op, "backup").map_err(about(from))?;
                op
            }
            Credentials::Recovery { .. } => super::recovery_administrator(),
        };
        let info = backup::restore_checked(copy, database, Some(&key)).map_err(about(from))?;
        Ok(super::restore::record_restore(database, &key, &operator, &absolute(from), info))
    }

    /// Checks the database file (every page, SQLite's integrity check) and
    /// its audit log (the hash chain, the append-only triggers) without
    /// changing it, for an account whose role may verify the log.
    pub fn audit_verify_file(database: &Path, credentials: &Credentials) -> Result<VerifyReport, Error> {
        let (key, operator) = Service::authenticate(database, credentials)?;
        require(&operator, "audit_verify")?;
        crate::storage::audit::verify_file(database, Some(&key))
    }
}
