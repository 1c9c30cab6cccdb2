//! Accounts: passwords (one's own, or set by an administrator), revocation,
//! the list of operators; backups and audit verification, which are the
//! administrator's.
//!
//! A password lives only in the keys file, as the database key wrapped by it
//! (`crate::keyring`); the database holds the account, its role and whether
//! it is active. A change touches the keys file inside the transaction that
//! records it, before the commit: if the file cannot be written the record is
//! rolled back too.

use std::path::Path;

use serde::Serialize;

use super::{Action, Service};
use crate::domain::{Operator, Role, StrEnum};
use crate::error::{Code, Error};
use crate::keyring::{self, KdfParams};
use crate::storage::backup::BackupInfo;

/// One account, as the administrator's screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OperatorAccount {
    #[serde(flatten)]
    pub operator: Operator,
    pub role_label: String,
    /// The operator's équipe (operators of one équipe see each other's cases).
    pub equipe: Option<String>,
    /// The codice fiscale (the SIUSS flow names who prepared it); `None`: not recorded.
    pub codice_fiscale: Option<String>,
    pub active: bool,
    /// Has a password in the keys file (can log in).
    pub has_password: bool,
    /// Must choose a new password at the next login.
    pub must_change_password: bool,
}

impl Service {
    /// Changes the acting operator's own password (the old one is asked again:
    /// an unlocked, unattended screen is not enough to take over an account).
    pub fn password_change(&self, old_password: &str, new_password: &str) -> Result<(), Error> {
        let username = self.operator.username.clone();
        let key = self.key_guard();
        let mut ring = self.keyring_for(&key)?;
        if username == super::RECOVERY_USERNAME {
            return Err(Error::new(Code::Forbidden, "La chiave di recupero non ha una password da cambiare"));
        }
        ring.unlock(&username, old_password)
            .map_err(|_| Error::invalid("old_password", "La password attuale non è corretta"))?;
        if old_password == new_password {
            return Err(Error::invalid(
                "new_password",
                "La nuova password deve essere diversa da quella attuale",
            ));
        }
        keyring::check_new_password(new_password).map_err(|e| e.with_field("new_password"))?;
        let params = KdfParams::from_env()?;
        self.run(Action::PasswordChange, Some(self.operator.id), |_, _| {
            ring.set_password(&key, &username, new_password, &params, false)?;
            ring.save()
        })
    }

    /// Sets the password of an account (a new colleague, or one who forgot
    /// it). They must change it at their next login.
    pub fn operator_set_password(&self, username: &str, password: &str) -> Result<(), Error> {
        let key = self.key_guard();
        let mut ring = self.keyring_for(&key)?;
        let params = KdfParams::from_env()?;
        self.authorize(Action::OperatorSetPassword)?;
        let (op, active) = self.account(username)?;
        self.run(Action::OperatorSetPassword, Some(op.id), |_, _| {
            if !active {
                return Err(Error::new(
                    Code::Conflict,
                    format!("L'operatore «{username}» è stato revocato: non può ricevere una password"),
                ));
            }
            if op.username == super::RECOVERY_USERNAME {
                return Err(Error::invalid("username", "«recupero» non ha una password"));
            }
            ring.set_password(&key, &op.username, password, &params, op.id != self.operator.id)?;
            ring.save()
        })
    }

    /// Revokes an account: it cannot log in any more (its copy of the key is
    /// removed and the account deactivated, so even an old copy of the keys
    /// file is refused); its past stays in the audit log.
    pub fn operator_revoke(&self, username: &str) -> Result<(), Error> {
        let key = self.key_guard();
        let mut ring = self.keyring_for(&key)?;
        self.authorize(Action::OperatorRevoke)?;
        let (op, _) = self.account(username)?;
        self.run(Action::OperatorRevoke, Some(op.id), |tx, _| {
            if op.id == self.operator.id {
                return Err(Error::new(Code::Conflict, "Non si può revocare il proprio account"));
            }
            if op.role == Role::Amministratore {
                let admins = tx
                    .operators_all()?
                    .into_iter()
                    .filter(|(o, active)| *active && o.role == Role::Amministratore && o.id != op.id)
                    .filter(|(o, _)| o.username != super::RECOVERY_USERNAME)
                    .count();
                if admins == 0 {
                    return Err(Error::new(Code::Conflict, "Non si può revocare l'ultimo amministratore"));
                }
            }
            tx.operator_deactivate(op.id)?;
            ring.remove(&op.username);
            ring.save()
        })
    }

    /// The account `username` (active or not), looked up before the command
    /// that names it, so that its audit row names the account's record.
    fn account(&self, username: &str) -> Result<(Operator, bool), Error> {
        self.store.transaction(|tx| tx.operator_by_username_any(username))?.ok_or_else(|| {
            Error::not_found(format!("Operatore «{username}» non trovato")).with_field("username")
        })
    }

    /// Every account, with whether it can log in.
    pub fn operators_list(&self) -> Result<Vec<OperatorAccount>, Error> {
        let ring = self.keyring()?;
        let with_password = ring.usernames();
        self.run(Action::OperatorsList, None, |tx, _| {
            tx.operators_all()?
                .into_iter()
                .map(|(op, active)| {
                    Ok(OperatorAccount {
                        role_label: op.role.label().to_string(),
                        equipe: tx.operator_equipe(op.id)?,
                        codice_fiscale: tx.operator_cf(op.id)?.map(|c| c.as_str().to_string()),
                        has_password: with_password.contains(&op.username),
                        must_change_password: ring.must_change(&op.username),
                        active,
                        operator: op,
                    })
                })
                .collect()
        })
    }

    /// Whether the acting operator must change their password before working.
    pub fn must_change_password(&self) -> bool {
        self.must_change_password
    }

    /// An encrypted, checked backup of the open database at `out`
    /// (administrators). Every backup holds every family: it is on record.
    pub fn backup_to(&self, out: &Path) -> Result<BackupInfo, Error> {
        self.run(Action::Backup, None, |_, _| Ok(()))?;
        let info = self.store.backup_to(out)?;
        // Where every family went, once the copy exists.
        let to = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
        let detail = format!("copia di sicurezza creata in {}", to.display());
        let stamp = crate::storage::Stamp { at: super::timestamp(self.clock), by: self.operator.id };
        self.store.transaction(|tx| tx.audit_append(&stamp, Action::Backup.as_str(), None, Some(&detail)))?;
        Ok(info)
    }

    /// Walks the hash chain of the audit log.
    pub fn audit_verify(&self) -> Result<crate::storage::audit::VerifyReport, Error> {
        self.run(Action::AuditVerify, None, |_, _| Ok(()))?;
        self.store.audit_verify()
    }
}
