//! Restoring a damaged database from the app's login screen: which automatic
//! backups the person at the keyboard may restore, and the restore itself.
//!
//! The database file may be the damaged one, so nothing here reads it: the
//! key comes from the keys file (or the recovery key), and the account is
//! checked in the backup about to become the database — an amministratore
//! there, active. The recovery key acts as the built-in administrator.
//! The backup is named by its file name among the automatic ones, never by a
//! path from the window, so the screen cannot make the program read any
//! other file.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Credentials, Service};
use crate::domain::Role;
use crate::error::{Code, Error};
use crate::keyring::DbKey;
use crate::storage::backup::{self, BackupInfo, BackupPolicy};
use crate::storage::lock::DatabaseLock;

/// An automatic backup the login screen offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestorableBackup {
    /// `sportello-20261120T093000123Z.sqlite`: what the screen sends back.
    pub file_name: String,
    /// When it was taken, UTC (`2026-11-20T09:30:00.123Z`), from its name.
    pub taken_at: Option<String>,
    pub size_bytes: u64,
}

impl Service {
    /// The automatic backups of `database`, newest first, that `credentials`
    /// may restore: the key must open them and the account must be an active
    /// amministratore in each. A wrong password is `unauthorized`; an account
    /// that is no administrator in any of them is `forbidden`.
    pub fn restorable_backups(
        database: &Path,
        credentials: &Credentials,
    ) -> Result<Vec<RestorableBackup>, Error> {
        let key = Service::database_key(database, credentials)?;
        let dir = BackupPolicy::from_env(database)?.dir;
        let all = backup::automatic_backups(&dir)?;
        let mut out = Vec::new();
        let mut readable = 0;
        for path in all.iter().rev() {
            match may_restore(path, &key, credentials) {
                Ok(true) => {
                    readable += 1;
                    out.push(describe(path));
                }
                Ok(false) => readable += 1,
                // A backup this key does not open (an older database's) or a
                // damaged one is simply not offered.
                Err(_) => {}
            }
        }
        if out.is_empty() && readable > 0 {
            return Err(not_an_administrator());
        }
        Ok(out)
    }

    /// Replaces `database` with the automatic backup named `file_name`, for
    /// an administrator of that backup. The damaged file is kept beside it
    /// (`<database>.prima-del-ripristino`). The caller then logs in as usual.
    pub fn restore_from_backup(
        database: &Path,
        file_name: &str,
        credentials: &Credentials,
    ) -> Result<BackupInfo, Error> {
        let key = Service::database_key(database, credentials)?;
        let dir = BackupPolicy::from_env(database)?.dir;
        let from = backup::automatic_backups(&dir)?
            .into_iter()
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == file_name))
            .ok_or_else(|| {
                Error::not_found(format!("Copia di sicurezza «{file_name}» non trovata")).with_field("backup")
            })?;
        // Opened once: checked, the account read, and copied.
        let copy = backup::open_checked(&from, Some(&key))?;
        let operator = match credentials {
            Credentials::Recovery { .. } => super::session::recovery_administrator(),
            Credentials::Password { username, .. } => copy
                .operator(username)?
                .filter(|o| o.role == Role::Amministratore)
                .ok_or_else(not_an_administrator)?,
        };
        let _lock = DatabaseLock::acquire(database)?;
        let info = backup::restore_checked(copy, database, Some(&key))?;
        Ok(record_restore(database, &key, &operator, &from, info))
    }
}

/// Records a restore done on the restored database: who, when, from which
/// copy, where the replaced database is kept, and what was wrong in the copy.
/// A failure to record is added to the warnings: the restore itself is done.
pub(crate) fn record_restore(
    database: &Path,
    key: &DbKey,
    operator: &crate::domain::Operator,
    from: &Path,
    mut info: BackupInfo,
) -> BackupInfo {
    let mut detail = format!("ripristino dalla copia {}", from.display());
    if let Some(k) = &info.kept {
        detail.push_str(&format!("; database sostituito conservato in {k}"));
    }
    if !info.warnings.is_empty() {
        detail.push_str(&format!("; avvisi: {}", info.warnings.join("; ")));
    }
    let at = super::timestamp_now();
    if let Err(e) = backup::record(
        database,
        key,
        &at,
        operator,
        crate::domain::StrEnum::as_str(super::Action::Backup),
        &detail,
    ) {
        info.warnings
            .push(format!("il ripristino non è stato registrato nel registro degli accessi: {}", e.message));
    }
    if let Err(e) = backup::reserve_case_numbers_after_restore(database, key, &at) {
        info.warnings.push(format!(
            "i numeri di fascicolo assegnati dopo la copia non sono stati riservati: {} (non iscrivere né sincronizzare dispositivi prima di averlo risolto)",
            e.message
        ));
    }
    info
}

/// Whether the account of `credentials` is an active amministratore in the
/// backup at `path` (the recovery key always is).
fn may_restore(path: &Path, key: &DbKey, credentials: &Credentials) -> Result<bool, Error> {
    let copy = backup::open_checked(path, Some(key))?;
    if matches!(credentials, Credentials::Recovery { .. }) {
        return Ok(true);
    }
    let op = copy.operator(credentials.username())?;
    Ok(op.is_some_and(|o| o.role == Role::Amministratore))
}

fn describe(path: &PathBuf) -> RestorableBackup {
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    RestorableBackup {
        taken_at: taken_at(&file_name),
        size_bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        file_name,
    }
}

/// `sportello-20261120T093000123Z.sqlite` → `2026-11-20T09:30:00.123Z`.
fn taken_at(file_name: &str) -> Option<String> {
    let s = file_name.strip_prefix("sportello-")?.strip_suffix(".sqlite")?;
    let b = s.as_bytes();
    if b.len() != 19 || b[8] != b'T' || b[18] != b'Z' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| {
        let part = s.get(r)?;
        part.bytes().all(|c| c.is_ascii_digit()).then_some(part)
    };
    Some(format!(
        "{}-{}-{}T{}:{}:{}.{}Z",
        digits(0..4)?,
        digits(4..6)?,
        digits(6..8)?,
        digits(9..11)?,
        digits(11..13)?,
        digits(13..15)?,
        digits(15..18)?
    ))
}

fn not_an_administrator() -> Error {
    Error::new(
        Code::Forbidden,
        "Solo un amministratore (o la chiave di recupero dell'ufficio) può ripristinare una copia di sicurezza",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_of_a_backup_comes_from_its_name() {
        assert_eq!(
            taken_at("sportello-20261120T093000123Z.sqlite").as_deref(),
            Some("2026-11-20T09:30:00.123Z")
        );
        assert_eq!(taken_at("sportello-2026112.sqlite"), None);
        assert_eq!(taken_at("sportello-2026x120T093000123Z.sqlite"), None);
        assert_eq!(taken_at("altro.sqlite"), None);
    }
}
