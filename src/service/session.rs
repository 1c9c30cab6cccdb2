//! Opening the service: creating an encrypted database, logging in with a
//! password or the office's recovery key, and what a login checks.
//!
//! The order is always: keys file → database key → SQLCipher opens the file →
//! the account is looked up in the database (active, with its role). A wrong
//! password stops at the first step, before the database file is opened.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use zeroize::Zeroizing;

use super::{timestamp, Action, Clock, Service};
use crate::calendar::Comuni;
use crate::domain::{Id, Office, Operator, Role, StrEnum};
use crate::error::{Code, Error};
use crate::keyring::{self, DbKey, KdfParams, Keyring, RecoveryCode};
use crate::storage::{Stamp, Storage};

/// Who is opening the database.
#[derive(Clone)]
pub enum Credentials {
    /// An operator and their password.
    Password { username: String, password: Zeroizing<String> },
    /// The office's recovery key (from the safe): acts as the built-in
    /// administrator account [`RECOVERY_USERNAME`].
    Recovery { code: Zeroizing<String> },
}

impl Credentials {
    pub fn password(username: impl Into<String>, password: impl Into<String>) -> Credentials {
        Credentials::Password { username: username.into(), password: Zeroizing::new(password.into()) }
    }

    pub fn recovery(code: impl Into<String>) -> Credentials {
        Credentials::Recovery { code: Zeroizing::new(code.into()) }
    }

    pub fn username(&self) -> &str {
        match self {
            Credentials::Password { username, .. } => username,
            Credentials::Recovery { .. } => RECOVERY_USERNAME,
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({})", self.username())
    }
}

/// The account that acts when the recovery key is used: an administrator,
/// so that the office can set new passwords; every act of it is on record.
pub const RECOVERY_USERNAME: &str = "recupero";

/// How to open the service.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub database: PathBuf,
    pub documents_dir: PathBuf,
    pub credentials: Credentials,
    /// A fixed "today" (tests, demos); `None` = the computer's date.
    pub today: Option<NaiveDate>,
}

/// A new database and its first account, an administrator.
#[derive(Debug, Clone)]
pub struct NewDatabase {
    pub database: PathBuf,
    pub documents_dir: PathBuf,
    pub username: String,
    pub name: String,
    pub password: Zeroizing<String>,
    pub today: Option<NaiveDate>,
    /// Argon2id's cost for the passwords ([`KdfParams::from_env`] in the app).
    pub kdf: KdfParams,
}

/// What the login screen needs to know before anyone logs in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DatabaseState {
    pub database_path: String,
    /// No keys file and no database: the first administrator is to be created.
    pub needs_setup: bool,
    /// A database without its keys file: only the recovery key opens it.
    pub keys_missing: bool,
    /// A plain database of an earlier version: to be encrypted first.
    pub needs_encryption: bool,
}

impl Service {
    /// Where `database` stands before a login.
    pub fn database_state(database: &Path) -> Result<DatabaseState, Error> {
        let keys = Keyring::load(database)?.is_some();
        let db = database.is_file() && std::fs::metadata(database).map(|m| m.len() > 0).unwrap_or(false);
        Ok(DatabaseState {
            database_path: database.display().to_string(),
            needs_setup: !keys && !db,
            keys_missing: !keys && db && !crate::storage::is_plain_sqlite(database),
            needs_encryption: db && crate::storage::is_plain_sqlite(database),
        })
    }

    /// Creates a new encrypted database with its administrator and returns
    /// the service logged in as them, and the recovery key — shown once,
    /// never stored anywhere by the program.
    pub fn create(n: NewDatabase) -> Result<(Service, RecoveryCode), Error> {
        let state = Service::database_state(&n.database)?;
        // A keys file with no database is a creation cut short: start again.
        let unfinished = !n.database.exists() && Keyring::load(&n.database)?.is_some();
        if !state.needs_setup && !unfinished {
            return Err(Error::new(
                Code::Conflict,
                format!(
                    "Il database {} esiste già: accedere con il proprio nome utente",
                    n.database.display()
                ),
            ));
        }
        let username =
            crate::domain::form::required_line("username", &Some(n.username.clone()), "il nome utente")?;
        check_username(&username)?;
        let name = crate::domain::form::name("name", &Some(n.name.clone()), "il nome dell'amministratore")?;
        keyring::check_new_password(&n.password)?;
        let key = DbKey::generate()?;
        let mut ring = Keyring::new(&n.database, &key);
        ring.set_password(&key, &username, &n.password, &n.kdf, false)?;
        // Built aside and renamed into place once its keys are saved: a crash
        // leaves either no database or a whole one that its keys open.
        let aside = aside_path(&n.database);
        remove_database_files(&aside);
        let clock = n.today.map_or(Clock::System, Clock::Fixed);
        let now = timestamp(clock);
        let built = (|| {
            let store = Storage::create(&aside, &key)?;
            store.transaction(|tx| {
                let op = administrator(&username, &name);
                tx.operator_insert(&op, &now)?;
                let stamp = Stamp { at: now.clone(), by: op.id };
                tx.audit_append(
                    &stamp,
                    Action::OperatorRegistered.as_str(),
                    Some(op.id),
                    Some(op.role.as_str()),
                )?;
                tx.office_set(&Office::default(), &stamp)?;
                Ok(())
            })?;
            // Closing the only connection folds the WAL into the file.
            store.close()?;
            ring.save()?;
            crate::crashpoint::crashpoint("create-before-publish");
            // Never over a database that appeared meanwhile.
            crate::fsx::publish_new(&aside, &n.database).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    Error::new(
                        Code::Conflict,
                        format!("Il database {} esiste già: non viene sostituito", n.database.display()),
                    )
                } else {
                    Error::new(
                        Code::Io,
                        format!("impossibile creare il database {}: {e}", n.database.display()),
                    )
                }
            })
        })();
        if let Err(e) = built {
            remove_database_files(&aside);
            return Err(e);
        }
        let code = key.recovery_code();
        let service = Service::unlocked(
            &n.database,
            &n.documents_dir,
            key,
            Credentials::password(username, ""),
            n.today,
        )?;
        Ok((service, code))
    }

    /// As [`Service::create`], holding the database's lock from before the
    /// file exists (nobody else creates it meanwhile) for as long as the
    /// service lives: the app's first run.
    pub fn create_exclusive(n: NewDatabase) -> Result<(Service, RecoveryCode), Error> {
        let lock = crate::storage::lock::DatabaseLock::acquire(&n.database)?;
        let (mut service, code) = Service::create(n)?;
        service._lock = Some(lock);
        Ok((service, code))
    }

    /// Logs in: opens the database (migrating it if needed) for the account
    /// of `o.credentials`.
    pub fn open_with(o: OpenOptions) -> Result<Service, Error> {
        let key = Service::database_key(&o.database, &o.credentials)?;
        Service::unlocked(&o.database, &o.documents_dir, key, o.credentials, o.today)
    }

    /// As [`Service::open_with`], holding the database's lock for as long as the
    /// service lives: what the app and the command line use, so a second
    /// instance is told at once that the database is in use.
    pub fn open_exclusive(o: OpenOptions) -> Result<Service, Error> {
        let lock = crate::storage::lock::DatabaseLock::acquire(&o.database)?;
        let key = Service::database_key_with(&o.database, &o.credentials, Tidy::LockHeld)?;
        let mut s = Service::unlocked(&o.database, &o.documents_dir, key, o.credentials, o.today)?;
        s._lock = Some(lock);
        Ok(s)
    }

    /// The database key for `credentials`, from the keys file (or the recovery
    /// key itself when the keys file is lost). Touches no database file.
    pub fn database_key(database: &Path, credentials: &Credentials) -> Result<DbKey, Error> {
        Service::database_key_with(database, credentials, Tidy::IfUnlocked)
    }

    fn database_key_with(database: &Path, credentials: &Credentials, tidy: Tidy) -> Result<DbKey, Error> {
        if let Some(pending) = Keyring::load_pending(database)? {
            if let Some(key) = settle_rekey(database, credentials, pending, tidy)? {
                return Ok(key);
            }
        }
        let ring = Keyring::load(database)?;
        match (credentials, ring) {
            (Credentials::Password { username, password }, Some(ring)) => ring.unlock(username, password),
            (Credentials::Recovery { code }, Some(ring)) => ring.unlock_recovery(code),
            (Credentials::Recovery { code }, None) => RecoveryCode::parse(code),
            (_, None) if crate::storage::is_plain_sqlite(database) => Err(Error::new(
                Code::Unauthorized,
                format!(
                    "Il database {} è di una versione precedente e non è cifrato: un amministratore lo cifra \
                     con «sportello encrypt --database {}»",
                    database.display(),
                    database.display()
                ),
            )),
            (Credentials::Password { .. }, None) if database.exists() => Err(Error::new(
                Code::Unauthorized,
                format!(
                    "Manca il file delle chiavi del database ({}): accedere con la chiave di recupero dell'ufficio",
                    Keyring::path_for(database).display()
                ),
            )),
            (Credentials::Password { .. }, None) => Err(Error::new(
                Code::NotFound,
                format!("Il database {} non esiste ancora: crearlo con il primo amministratore", database.display()),
            )),
        }
    }

    /// The active account of `credentials` in the database file, read without
    /// changing it, and the key: for the command line's file-level tools
    /// (backup, verification), which check the role before acting.
    pub fn authenticate(database: &Path, credentials: &Credentials) -> Result<(DbKey, Operator), Error> {
        let key = Service::database_key(database, credentials)?;
        if matches!(credentials, Credentials::Recovery { .. }) {
            let op = crate::storage::peek_operator(database, &key, RECOVERY_USERNAME)?
                .unwrap_or_else(|| administrator(RECOVERY_USERNAME, RECOVERY_NAME));
            return Ok((key, op));
        }
        let op = crate::storage::peek_operator(database, &key, credentials.username())?
            .ok_or_else(keyring::wrong_credentials)?;
        Ok((key, op))
    }

    /// Opens with a key already in hand (after a login, or in the demo
    /// generator, which would otherwise pay Argon2 at every step).
    pub(crate) fn unlocked(
        database: &Path,
        documents_dir: &Path,
        key: DbKey,
        credentials: Credentials,
        today: Option<NaiveDate>,
    ) -> Result<Service, Error> {
        let store = Storage::open(database, &key)?;
        Service::with_store(store, database, documents_dir, key, credentials, today)
    }

    /// Sets the day of a fixed-day session: the demo generator plays the
    /// stories of hundreds of households through one session per operator,
    /// each step on its day, because every opening of the database checks
    /// the whole file (`quick_check`) and would make the demo quadratic.
    /// A session on the computer's clock is never moved.
    pub(crate) fn set_fixed_day(&mut self, day: NaiveDate) {
        if let Clock::Fixed(_) = self.clock {
            self.clock = Clock::Fixed(day);
        }
    }

    /// A service on a PLAIN database, for the benchmark that measures what
    /// encryption costs (`benches/encryption.rs`). Never for real data.
    #[doc(hidden)]
    pub fn create_unencrypted_for_benchmark(n: NewDatabase) -> Result<Service, Error> {
        let store = Storage::open_unencrypted_for_benchmark(&n.database)?;
        let now = timestamp(n.today.map_or(Clock::System, Clock::Fixed));
        store.transaction(|tx| {
            let op = administrator(&n.username, &n.name);
            tx.operator_insert(&op, &now)?;
            tx.office_set(&Office::default(), &Stamp { at: now.clone(), by: op.id })
        })?;
        let credentials = Credentials::password(n.username.clone(), "");
        Service::with_store(store, &n.database, &n.documents_dir, DbKey::generate()?, credentials, n.today)
    }

    fn with_store(
        store: Storage,
        database: &Path,
        documents_dir: &Path,
        key: DbKey,
        credentials: Credentials,
        today: Option<NaiveDate>,
    ) -> Result<Service, Error> {
        let comuni = Comuni::load(Comuni::data_dir_from_env().as_deref())?;
        let clock = today.map_or(Clock::System, Clock::Fixed);
        let now = timestamp(clock);
        let is_recovery = matches!(credentials, Credentials::Recovery { .. });
        let username = credentials.username().to_string();
        let operator = store.transaction(|tx| {
            let op = match tx.operator_by_username_any(&username)? {
                Some((op, true)) => op,
                Some((_, false)) => {
                    return Err(Error::new(
                        Code::Unauthorized,
                        "L'account è stato disattivato: rivolgersi all'amministratore",
                    ))
                }
                None if is_recovery => {
                    let op = administrator(RECOVERY_USERNAME, RECOVERY_NAME);
                    tx.operator_insert(&op, &now)?;
                    op
                }
                None => return Err(keyring::wrong_credentials()),
            };
            let stamp = Stamp { at: now.clone(), by: op.id };
            let how = if is_recovery { "chiave di recupero" } else { "password" };
            tx.audit_append(&stamp, Action::Login.as_str(), Some(op.id), Some(how))?;
            Ok(op)
        })?;
        let must_change_password = match &credentials {
            Credentials::Password { .. } => {
                Keyring::load(database)?.is_some_and(|r| r.must_change(&username))
            }
            Credentials::Recovery { .. } => false,
        };
        // Erasures recorded after the backup this database was restored
        // from are applied again (service/retention.rs), before the day's
        // backup, which must not hold them.
        super::retention::reapply_ledger(&store, database)?;
        // The day's automatic backup, before the operator changes anything.
        let policy = crate::storage::backup::BackupPolicy::from_env(database)?;
        store.rotate_backups(&policy, &now)?;
        let service = Service {
            store,
            _lock: None,
            documents_dir: documents_dir.to_path_buf(),
            operator,
            clock,
            comuni,
            key: std::sync::RwLock::new(key),
            must_change_password,
            viewing: super::viewing::ViewingArea::for_database(database),
        };
        service.import_legacy_documents()?;
        Ok(service)
    }

    /// Encrypts a plain database of an earlier version (and its automatic
    /// backups) and gives it its keys file, with `username` — an active
    /// amministratore of that database — as its first password holder.
    /// Returns the recovery key, shown once. Holds the database's lock
    /// meanwhile: the app or another command is told at once.
    pub fn encrypt_plain_database(
        database: &Path,
        username: &str,
        password: &str,
        kdf: KdfParams,
    ) -> Result<RecoveryCode, Error> {
        let _lock = crate::storage::lock::DatabaseLock::acquire(database)?;
        if !crate::storage::is_plain_sqlite(database) {
            return Service::encrypt_plain_backups(database, username, password);
        }
        let op = crate::storage::peek_operator_with(database, None, username)?.ok_or_else(|| {
            Error::invalid("username", format!("«{username}» non è un operatore attivo di questo database"))
        })?;
        if op.role != Role::Amministratore {
            return Err(Error::new(Code::Forbidden, "Solo un amministratore può cifrare il database"));
        }
        keyring::check_new_password(password)?;
        // The keys are saved before the file is encrypted: a crash in between
        // leaves a plain file and keys that open its future encrypted copy
        // (running the command again with the same password carries on).
        let key = match Keyring::load(database)? {
            Some(ring) => ring.unlock(username, password)?,
            None => {
                let key = DbKey::generate()?;
                let mut ring = Keyring::new(database, &key);
                ring.set_password(&key, username, password, &kdf, false)?;
                ring.save()?;
                key
            }
        };
        crate::storage::encrypt::encrypt_in_place(database, &key)?;
        let policy = crate::storage::backup::BackupPolicy::from_env(database)?;
        for b in crate::storage::backup::automatic_backups(&policy.dir)? {
            if crate::storage::is_plain_sqlite(&b) {
                crate::storage::encrypt::encrypt_in_place(&b, &key)?;
            }
        }
        Ok(key.recovery_code())
    }

    /// An encryption cut short after the database itself: its automatic
    /// backups still in clear are encrypted with the keys file's key. With
    /// none left, the database is simply not one to encrypt.
    fn encrypt_plain_backups(database: &Path, username: &str, password: &str) -> Result<RecoveryCode, Error> {
        let not_plain = || {
            Error::new(
                Code::Conflict,
                format!("Il database {} non è un database in chiaro da cifrare", database.display()),
            )
        };
        let policy = crate::storage::backup::BackupPolicy::from_env(database)?;
        let plain: Vec<_> = crate::storage::backup::automatic_backups(&policy.dir)?
            .into_iter()
            .filter(|b| crate::storage::is_plain_sqlite(b))
            .collect();
        let Some(ring) = Keyring::load(database)?.filter(|_| !plain.is_empty()) else {
            return Err(not_plain());
        };
        let key = ring.unlock(username, password)?;
        let op = crate::storage::peek_operator(database, &key, username)?;
        if op.map(|o| o.role) != Some(Role::Amministratore) {
            return Err(Error::new(Code::Forbidden, "Solo un amministratore può cifrare il database"));
        }
        for b in plain {
            crate::storage::encrypt::encrypt_in_place(&b, &key)?;
        }
        Ok(key.recovery_code())
    }

    /// The key of the open database (for operator management and backups): a
    /// copy, wiped when dropped, since a re-key replaces it.
    pub(crate) fn key(&self) -> DbKey {
        self.key.read().unwrap_or_else(|e| e.into_inner()).duplicate()
    }

    /// The keys file of the open database.
    pub(crate) fn keyring(&self) -> Result<Keyring, Error> {
        self.keyring_for(&self.key())
    }

    /// As [`Service::keyring`], for `key` held by the caller.
    pub(crate) fn keyring_for(&self, key: &DbKey) -> Result<Keyring, Error> {
        let db = self.database_path().ok_or_else(|| Error::new(Code::Internal, "database senza file"))?;
        Ok(Keyring::load(db)?.unwrap_or_else(|| Keyring::new(db, key)))
    }

    /// The key, held until the guard is dropped: whoever changes the keys file
    /// holds it from reading the file to writing it back, so a re-key (which
    /// holds it for writing) never has its keys file overwritten by a change
    /// made with the old key. Always taken before the connection.
    pub(crate) fn key_guard(&self) -> std::sync::RwLockReadGuard<'_, DbKey> {
        self.key.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// Whether settling a re-key cut short may change the keys files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tidy {
    /// This process holds the database's lock (the app, a command that writes).
    LockHeld,
    /// Only if the lock is free: a read-only tool (backup, verification) must
    /// not touch the files of a re-key another process is running.
    IfUnlocked,
}

/// A re-key cut short left its new keys in `<database>.keys.nuove` beside the
/// keys file: the database file has one of the two keys, never a mix (see
/// [`crate::storage::Storage::rekey`]). The key that opens it, if
/// `credentials` unlock it from either file: the new one first (the pending
/// file then becomes the keys file), else the old one (the pending file is
/// dropped: the re-key never happened). `None` when neither opens the file
/// (the ordinary login then says why).
fn settle_rekey(
    database: &Path,
    credentials: &Credentials,
    mut pending: Keyring,
    tidy: Tidy,
) -> Result<Option<DbKey>, Error> {
    if !database.is_file() {
        return Ok(None);
    }
    let unlock = |ring: &Keyring| match credentials {
        Credentials::Password { username, password } => ring.unlock(username, password).ok(),
        Credentials::Recovery { code } => ring.unlock_recovery(code).ok(),
    };
    let current = Keyring::load(database)?;
    let new_key = unlock(&pending);
    let old_key = current.as_ref().and_then(unlock);
    let lock = match tidy {
        Tidy::LockHeld => None,
        Tidy::IfUnlocked => match crate::storage::lock::DatabaseLock::acquire(database) {
            Ok(l) => Some(l),
            // Another process holds the database: maybe the re-key itself.
            Err(_) => {
                for key in [new_key, old_key].into_iter().flatten() {
                    if crate::storage::key_opens(database, &key)? {
                        return Ok(Some(key));
                    }
                }
                return Ok(None);
            }
        },
    };
    if let Some(key) = &new_key {
        if crate::storage::key_opens(database, key)? {
            pending.install(database)?;
            drop(lock);
            return Ok(Some(key.duplicate()));
        }
    }
    // The old key opens the file only if the new one never reached it (the
    // probe above has rolled back a re-key cut short): the pending keys go.
    if let Some(key) = old_key {
        if crate::storage::key_opens(database, &key)? {
            Keyring::remove_pending(database)?;
            drop(lock);
            return Ok(Some(key));
        }
        if new_key.is_none() {
            // An operator whose password the re-key replaced: only the
            // administrator who ran it can finish it.
            return Err(Error::new(
                Code::Unauthorized,
                "La chiave del database è stata cambiata da un amministratore e il cambio non è stato \
                 completato: l'amministratore deve accedere per completarlo e consegnare le nuove password",
            ));
        }
    }
    Ok(None)
}

/// A new administrator account (the first of a database, or `recupero`).
fn administrator(username: &str, name: &str) -> Operator {
    Operator { id: Id::new(), username: username.into(), name: name.into(), role: Role::Amministratore }
}

/// The built-in administrator the recovery key acts as (a new id: inserted
/// where the database has none).
pub fn recovery_administrator() -> Operator {
    administrator(RECOVERY_USERNAME, RECOVERY_NAME)
}

/// `.<name>.nuovo` beside the database: where a new one is built.
fn aside_path(database: &Path) -> PathBuf {
    let name = database.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    database.with_file_name(format!(".{name}.nuovo"))
}

fn remove_database_files(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

pub const RECOVERY_NAME: &str = "Chiave di recupero dell'ufficio";

/// Usernames are what operators type at every login: short, no spaces, no
/// characters a keyboard layout may hide.
pub fn check_username(username: &str) -> Result<(), Error> {
    let ok = !username.is_empty()
        && username.chars().count() <= 40
        && username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !ok {
        return Err(Error::invalid(
            "username",
            "Il nome utente può contenere solo lettere senza accento, cifre, punto, trattino e trattino basso (al più 40)",
        ));
    }
    if username == RECOVERY_USERNAME {
        return Err(Error::invalid(
            "username",
            "«recupero» è riservato alla chiave di recupero dell'ufficio",
        ));
    }
    Ok(())
}
