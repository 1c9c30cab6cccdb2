//! The shell's own commands around the service: what the login screen needs
//! before there is one (`app_state`), creating the first database
//! (`setup_create`), logging in with a password or the recovery key
//! (`login`), restoring a damaged database (`restore_backups`,
//! `restore_backup`), and locking (`lock`, `logout`).
//!
//! Thin like the others: the library decides (keys, roles, backups); this
//! module reads the inputs and moves the service in and out of `Sessions`.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};
use sportello::keyring::KdfParams;
use sportello::service::{Credentials, NewDatabase, OpenOptions, Service};
use sportello::{Code, Error, Result};

use crate::options::Places;
use crate::service_backend::ServiceBackend;
use crate::session::{LockReason, Sessions};

/// Where the database is and which day is today: what a login opens.
pub struct Gate {
    pub places: Places,
    pub today: Option<NaiveDate>,
    /// The last login failed because the file is damaged (the screen offers
    /// a restore).
    pub damaged: AtomicBool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LoginInput {
    username: Option<String>,
    password: Option<String>,
    recovery_key: Option<String>,
    /// `restore_backup`: the file name of the chosen automatic backup.
    backup: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SetupInput {
    username: Option<String>,
    name: Option<String>,
    password: Option<String>,
    password_repeat: Option<String>,
}

fn read<T: for<'de> Deserialize<'de> + Default>(input: Value) -> Result<T> {
    if input.is_null() {
        return Ok(T::default());
    }
    serde_json::from_value(input).map_err(|e| Error::new(Code::Invalid, format!("Richiesta non valida: {e}")))
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.trim().is_empty())
}

/// A recovery key when one is typed, otherwise username and password.
fn credentials(i: &LoginInput) -> Result<Credentials> {
    if let Some(code) = given(&i.recovery_key) {
        return Ok(Credentials::recovery(code.trim()));
    }
    let username = given(&i.username)
        .ok_or_else(|| Error::invalid("username", "Indicare il nome utente"))?
        .trim()
        .to_string();
    // The password as typed: spaces are part of it.
    let password = i
        .password
        .clone()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Error::invalid("password", "Indicare la password"))?;
    Ok(Credentials::password(username, password))
}

impl Gate {
    pub fn new(places: Places, today: Option<NaiveDate>) -> Gate {
        Gate { places, today, damaged: AtomicBool::new(false) }
    }

    /// `app_state`: where the database is and what the first screen must be.
    pub fn app_state(&self, sessions: &Sessions) -> Result<Value> {
        let db = Service::database_state(&self.places.database)?;
        let idle = sessions.idle().as_secs();
        Ok(json!({
            "database_path": db.database_path,
            "needs_setup": db.needs_setup,
            "keys_missing": db.keys_missing,
            "locked": !sessions.is_open(),
            "lock_reason": match sessions.reason() {
                LockReason::Idle => "idle",
                LockReason::Locked => "locked",
                LockReason::NotLoggedIn => "not_logged_in",
            },
            "idle_lock_minutes": idle.div_ceil(60),
            "idle_lock_seconds": idle,
            "damaged": self.damaged.load(Ordering::SeqCst),
        }))
    }

    /// `setup_create`: the first administrator of a new database. Answers the
    /// recovery key, to be shown once; the administrator is logged in.
    pub fn setup_create(&self, sessions: &Sessions, input: Value) -> Result<Value> {
        let i: SetupInput = read(input)?;
        let password = i.password.clone().unwrap_or_default();
        if password.is_empty() {
            return Err(Error::invalid("password", "Scegliere una password"));
        }
        if i.password_repeat.as_deref() != Some(password.as_str()) {
            return Err(Error::invalid("password_repeat", "Le due password non coincidono"));
        }
        sessions.end(LockReason::NotLoggedIn);
        // The service holds the database's lock from before the file exists:
        // nobody else creates it meanwhile.
        let (service, recovery) = Service::create_exclusive(NewDatabase {
            database: self.places.database.clone(),
            documents_dir: self.places.documents.clone(),
            username: i.username.unwrap_or_default().trim().to_string(),
            name: i.name.unwrap_or_default(),
            password: password.into(),
            today: self.today,
            kdf: KdfParams::from_env()?,
        })?;
        sessions.start(Box::new(ServiceBackend::new(service)));
        self.damaged.store(false, Ordering::SeqCst);
        Ok(json!({ "recovery_key": recovery.to_string() }))
    }

    /// `login`: opens the database for the account (or the recovery key) and
    /// answers the session. A damaged file is remembered for `app_state`.
    pub fn login(&self, sessions: &Sessions, input: Value) -> Result<Value> {
        let i: LoginInput = read(input)?;
        let credentials = credentials(&i)?;
        // Whoever was logged in lets go of the key and the database's lock first.
        sessions.end(LockReason::NotLoggedIn);
        let opened = Service::open_exclusive(OpenOptions {
            database: self.places.database.clone(),
            documents_dir: self.places.documents.clone(),
            credentials,
            today: self.today,
        });
        let service = match opened {
            Ok(s) => s,
            Err(e) => {
                // A damaged file, or a database gone while its keys file is
                // still there (a restore cut short, a file moved): the login
                // screen offers the automatic backups; nothing is created.
                if matches!(e.code, Code::Corrupt | Code::NotFound) {
                    self.damaged.store(true, Ordering::SeqCst);
                }
                return Err(e);
            }
        };
        self.damaged.store(false, Ordering::SeqCst);
        let backend = ServiceBackend::new(service);
        let session = crate::backend::Backend::call(&backend, "session", Value::Null)?;
        sessions.start(Box::new(backend));
        Ok(session)
    }

    /// `restore_backups`: the automatic backups these credentials may restore.
    pub fn restore_backups(&self, input: Value) -> Result<Value> {
        let i: LoginInput = read(input)?;
        let list = Service::restorable_backups(&self.places.database, &credentials(&i)?)?;
        serde_json::to_value(list).map_err(|e| Error::new(Code::Internal, e.to_string()))
    }

    /// `restore_backup`: restores the chosen backup, then logs in with the
    /// same credentials.
    pub fn restore_backup(&self, sessions: &Sessions, input: Value) -> Result<Value> {
        let raw = input.clone();
        let i: LoginInput = read(input)?;
        let backup =
            given(&i.backup).ok_or_else(|| Error::invalid("backup", "Scegliere una copia di sicurezza"))?;
        sessions.end(LockReason::NotLoggedIn);
        Service::restore_from_backup(&self.places.database, backup, &credentials(&i)?)?;
        self.damaged.store(false, Ordering::SeqCst);
        self.login(sessions, raw)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// A fresh folder under the temporary directory, removed at the end.
    struct TempDir(std::path::PathBuf);
    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir = std::env::temp_dir().join(format!("sportello-app-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
        fn path(&self) -> &std::path::Path {
            &self.0
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn gate(dir: &std::path::Path) -> Gate {
        std::env::set_var("SPORTELLO_KDF_MEMORY_KIB", "256");
        Gate::new(
            Places { database: dir.join("sportello.sqlite"), documents: dir.join("documenti") },
            NaiveDate::from_ymd_opt(2026, 11, 21),
        )
    }

    fn setup(g: &Gate, s: &Sessions) -> String {
        let answer = g
            .setup_create(
                s,
                json!({"username": "amministratore", "name": "Anna Verdi",
                       "password": "password di prova", "password_repeat": "password di prova"}),
            )
            .unwrap();
        answer["recovery_key"].as_str().unwrap().to_string()
    }

    #[test]
    fn first_run_creates_the_database_and_logs_the_administrator_in() {
        let dir = TempDir::new("primo-avvio");
        let (g, s) = (gate(dir.path()), Sessions::new(Duration::from_secs(600)));
        let st = g.app_state(&s).unwrap();
        assert_eq!((st["needs_setup"].as_bool(), st["locked"].as_bool()), (Some(true), Some(true)));
        assert_eq!(st["idle_lock_minutes"], json!(10));
        let mismatch = g
            .setup_create(
                &s,
                json!({"username": "a", "name": "A", "password": "0123456789", "password_repeat": "x"}),
            )
            .unwrap_err();
        assert_eq!(mismatch.field.as_deref(), Some("password_repeat"));
        let key = setup(&g, &s);
        assert!(key.len() > 40 && key.contains('-'), "{key}");
        assert!(s.is_open());
        assert_eq!(s.call("session", Value::Null).unwrap()["operator"]["name"], json!("Anna Verdi"));
        assert_eq!(g.app_state(&s).unwrap()["needs_setup"], json!(false));

        // Locked: the key is gone and commands refused; a wrong password stays out.
        s.end(LockReason::Locked);
        assert_eq!(s.call("session", Value::Null).unwrap_err().code, Code::Locked);
        let wrong =
            g.login(&s, json!({"username": "amministratore", "password": "sbagliata!!"})).unwrap_err();
        assert_eq!(
            (wrong.code, wrong.message.as_str()),
            (Code::Unauthorized, "Nome utente o password non corretti")
        );
        assert!(!s.is_open());
        let missing = g.login(&s, json!({"username": "amministratore"})).unwrap_err();
        assert_eq!(missing.field.as_deref(), Some("password"));
        let session =
            g.login(&s, json!({"username": "amministratore", "password": "password di prova"})).unwrap();
        assert_eq!(session["operator"]["role"], json!("amministratore"));

        // The recovery key enters as the built-in administrator.
        let session = g.login(&s, json!({"recovery_key": key.to_lowercase()})).unwrap();
        assert_eq!(session["operator"]["name"], json!(sportello::service::RECOVERY_NAME));
    }

    #[test]
    fn a_damaged_database_is_reported_and_restored_from_the_login_screen() {
        if std::env::var_os("SPORTELLO_BACKUP_DIR").is_some()
            || std::env::var_os("SPORTELLO_BACKUP_KEEP").is_some()
        {
            return;
        }
        let dir = TempDir::new("ripristino");
        let (g, s) = (gate(dir.path()), Sessions::new(Duration::from_secs(600)));
        setup(&g, &s);
        s.end(LockReason::NotLoggedIn);
        let db = dir.path().join("sportello.sqlite");
        let bytes = std::fs::read(&db).unwrap();
        std::fs::write(&db, &bytes[..bytes.len() / 2]).unwrap();
        let creds = json!({"username": "amministratore", "password": "password di prova"});
        let e = g.login(&s, creds.clone()).unwrap_err();
        assert_eq!(e.code, Code::Corrupt, "{e:?}");
        assert_eq!(g.app_state(&s).unwrap()["damaged"], json!(true));
        let list = g.restore_backups(creds.clone()).unwrap();
        let name = list[0]["file_name"].as_str().unwrap().to_string();
        let mut chosen = creds.clone();
        chosen["backup"] = json!(name);
        let session = g.restore_backup(&s, chosen).unwrap();
        assert_eq!(session["operator"]["name"], json!("Anna Verdi"));
        assert!(s.is_open());
        assert_eq!(g.app_state(&s).unwrap()["damaged"], json!(false));
    }
}
