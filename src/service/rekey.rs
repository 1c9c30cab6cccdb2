//! Changing the database key (`database_rekey`, `sportello rekey`): after an
//! operator is revoked, so that an old copy of the keys file with their
//! password opens neither the database nor its new backups. The design (who
//! keeps access and how, the backups taken before) is in `crate::keyring`'s
//! notes and in ARCHITECTURE.md.
//!
//! The order is what makes a crash harmless (`crate::crashpoint` names each
//! step for the tests that kill it there):
//! 1. the new keys are written aside, `<database>.keys.nuove`;
//! 2. the database file takes the new key in one transaction
//!    ([`crate::storage::Storage::rekey`]);
//! 3. the audit row, committed to the disk;
//! 4. the new keys become the keys file, the pending file goes;
//! 5. a new automatic backup, under the new key.
//!
//! Until 2 commits the old keys file opens the database; from then the
//! pending one does; the next login tries both and finishes or drops the
//! pending file (`Service::database_key`). A re-key cut short after 2 has shown
//! no one its recovery key and passwords: the administrator logs in (their
//! password opens either way) and runs it again.

use serde::Serialize;

use super::{timestamp, Action, Service, RECOVERY_USERNAME};
use crate::crashpoint::crashpoint;
use crate::error::{Code, Error};
use crate::keyring::{self, DbKey, KdfParams, Keyring};

/// What the administrator is shown once, and must pass on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rekeyed {
    /// The new recovery key, for the office safe (the old one no longer opens
    /// the database).
    pub recovery_key: String,
    /// The one-time passwords of the other active operators, to hand over in
    /// person; each must be changed at its first login.
    pub one_time_passwords: Vec<OneTimePassword>,
    /// The backup taken under the new key, if automatic backups are on.
    pub backup: Option<String>,
    /// What went wrong after the key was changed (the backup), told rather
    /// than hiding the new recovery key behind an error.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OneTimePassword {
    pub username: String,
    pub name: String,
    pub password: String,
}

impl Service {
    /// Gives the database a new key (administrators; `password` is the acting
    /// administrator's own, asked again). See the module's notes.
    pub fn database_rekey(&self, password: &str) -> Result<Rekeyed, Error> {
        self.authorize(Action::DatabaseRekey)?;
        let database = self
            .database_path()
            .ok_or_else(|| {
                Error::new(Code::Conflict, "Un database in memoria non ha una chiave da cambiare")
            })?
            .to_path_buf();
        // Held to the end, before the connection (as every change of the keys
        // file does): nothing wraps the old key into the keys file meanwhile,
        // and the key in memory changes with the file's.
        let mut held = self.key.write().unwrap_or_else(|e| e.into_inner());
        let current = Keyring::load(&database)?.ok_or_else(|| {
            Error::new(
                Code::Conflict,
                "Il database non ha un file delle chiavi: non c'è una chiave da cambiare",
            )
        })?;
        let me = self.operator.username.clone();
        // The recovery account has no password: everyone, administrators
        // included, then gets a one-time one.
        let by_recovery = me == RECOVERY_USERNAME;
        if !by_recovery {
            let key = current
                .unlock(&me, password)
                .map_err(|_| Error::invalid("password", "La password non è corretta"))?;
            if key.bytes() != held.bytes() {
                return Err(Error::new(
                    Code::Conflict,
                    "Il file delle chiavi è cambiato da quando si è acceduto: uscire, accedere di nuovo e riprovare",
                ));
            }
        }
        let holders = current.usernames();
        let accounts = self.store.transaction(|tx| tx.operators_all())?;
        let params = KdfParams::from_env()?;
        let new_key = DbKey::generate()?;
        let mut pending = Keyring::new_pending(&database, &new_key);
        let mut handed = Vec::new();
        // Who keeps access: the active accounts that can log in now. A revoked
        // account has no entry; one never given a password gets none.
        for (op, active) in accounts {
            if !active || op.username == RECOVERY_USERNAME || !holders.contains(&op.username) {
                continue;
            }
            if op.id == self.operator.id {
                pending.set_password(&new_key, &me, password, &params, current.must_change(&me))?;
            } else {
                let one_time = keyring::one_time_password()?;
                pending.set_password(&new_key, &op.username, &one_time, &params, true)?;
                handed.push(OneTimePassword {
                    username: op.username.clone(),
                    name: op.name.clone(),
                    password: one_time.to_string(),
                });
            }
        }
        if pending.usernames().is_empty() {
            return Err(Error::new(
                Code::Conflict,
                "Nessun operatore attivo con una password: dopo il cambio nessuno potrebbe accedere",
            ));
        }
        crashpoint("rekey:start");
        pending.save()?;
        crashpoint("rekey:pending-written");

        let old_key = held.duplicate();
        if let Err(e) = self.store.rekey(&new_key) {
            // Rolled back: the file kept the old key, the new keys go. (If
            // even that cannot be told, the pending file stays for the next
            // login to settle.)
            if crate::storage::key_opens(&database, &old_key).unwrap_or(false) {
                let _ = Keyring::remove_pending(&database);
            }
            return Err(e);
        }
        *held = new_key.duplicate();
        crashpoint("rekey:before-audit");
        let audited = self.run_durable(Action::DatabaseRekey, None, |_, _| Ok(()));
        crashpoint("rekey:audited");
        // Whatever the audit row did, the keys file must follow the database.
        pending.install(&database)?;
        crashpoint("rekey:installed");
        drop(held);
        audited?;

        let mut warnings = Vec::new();
        let policy = crate::storage::backup::BackupPolicy::from_env(&database)?;
        let backup = match self.store.fresh_backup(&policy, &timestamp(self.clock)) {
            Ok(b) => b.map(|p| p.display().to_string()),
            Err(e) => {
                warnings.push(format!(
                    "La chiave è stata cambiata, ma la copia di sicurezza con la nuova chiave non è stata fatta: {}",
                    e.message
                ));
                None
            }
        };
        Ok(Rekeyed {
            recovery_key: new_key.recovery_code().to_string(),
            one_time_passwords: handed,
            backup,
            warnings,
        })
    }
}
