//! The re-key (issue 9, point 11): after an operator is revoked, an old copy
//! of the keys file with their password must open neither the database nor
//! its new backups. The administrator keeps their password, the other active
//! operators get one-time passwords, the recovery key changes; a kill at any
//! step leaves a database that the old or the new keys open, never neither.

use crate::service_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use service_support::{create_family, env, Env, ADMIN, PASSWORD};
use sportello::domain::Role;
use sportello::keyring::{DbKey, Keyring};
use sportello::service::{Credentials, OpenOptions, Service};
use sportello::storage::key_opens;
use sportello::Code;

fn open(e: &Env, credentials: Credentials) -> sportello::Result<Service> {
    try_open(e, credentials)
}

/// The error of a login expected to fail.
fn refused(e: &Env, credentials: Credentials) -> sportello::Error {
    match try_open(e, credentials) {
        Ok(_) => panic!("the login should have been refused"),
        Err(err) => err,
    }
}

fn try_open(e: &Env, credentials: Credentials) -> sportello::Result<Service> {
    Service::open_with(OpenOptions {
        database: e.db(),
        documents_dir: e.docs(),
        credentials,
        today: Some(service_support::today()),
    })
}

/// One more one-person household, the `i`-th (distinct birth date, so a
/// distinct codice fiscale).
fn person(s: &Service, i: i64) {
    let born = service_support::d("1940-01-01") + chrono::Duration::days(i);
    let v = service_support::single_json("Gallo", "Rosa", &born.to_string(), "F");
    s.call("household_save", serde_json::json!({ "household": v })).unwrap();
}

/// An office of three: the administrator «averdi», «mrossi» who stays and
/// «lbianchi» who leaves; a family on file. Returns the keys file as it was
/// before the revocation (what «lbianchi» may have copied) and the old key.
fn office(e: &Env) -> (Vec<u8>, DbKey) {
    let s = &e.service;
    create_family(s);
    for (u, n) in [("mrossi", "Mario Rossi"), ("lbianchi", "Luca Bianchi")] {
        s.operator_save(u, n, Role::Operatore).unwrap();
        s.operator_set_password(u, PASSWORD).unwrap();
    }
    let old_keys = std::fs::read(Keyring::path_for(&e.db())).unwrap();
    let old_key = Service::database_key(&e.db(), &Credentials::password(ADMIN, PASSWORD)).unwrap();
    s.operator_revoke("lbianchi").unwrap();
    (old_keys, old_key)
}

/// What a revoked operator gets from an old keys file and their password.
fn key_from_old_file(dir: &Path, old_keys: &[u8]) -> DbKey {
    let copy = dir.join("copia-vecchia.keys");
    std::fs::write(&copy, old_keys).unwrap();
    Keyring::load_file(&copy).unwrap().unwrap().unlock("lbianchi", PASSWORD).unwrap()
}

#[test]
fn after_revoke_and_rekey_an_old_keys_file_opens_neither_the_database_nor_its_new_backups() {
    let e = env();
    let (old_keys, old_key) = office(&e);
    let old_recovery = old_key.recovery_code().to_string();
    let revoked = key_from_old_file(e.dir.path(), &old_keys);
    assert!(key_opens(&e.db(), &revoked).unwrap(), "before the re-key the old file still opens it");
    let backups_before =
        sportello::storage::backup::automatic_backups(&e.dir.path().join("copie-di-sicurezza")).unwrap();
    assert!(!backups_before.is_empty());

    let done = e.service.database_rekey(PASSWORD).unwrap();
    // The service goes on working under the new key.
    person(&e.service, 1);
    let handed: Vec<&str> = done.one_time_passwords.iter().map(|p| p.username.as_str()).collect();
    assert_eq!(handed, ["mrossi"], "only the other active operator with a password");
    assert!(done.warnings.is_empty(), "{:?}", done.warnings);
    assert!(!Keyring::pending_path_for(&e.db()).exists());

    // The revoked operator's old file and password: neither the database nor
    // the backup taken after.
    assert!(!key_opens(&e.db(), &revoked).unwrap());
    let new_backup = PathBuf::from(done.backup.clone().expect("a backup under the new key"));
    assert!(!key_opens(&new_backup, &revoked).unwrap());
    // The old recovery key likewise; it still opens the backups taken before.
    let err = refused(&e, Credentials::recovery(old_recovery.clone()));
    assert_eq!(err.code, Code::Unauthorized, "{err:?}");
    assert!(key_opens(&backups_before[0], &old_key).unwrap(), "older backups keep the old key");

    // The new recovery key opens the database and the new backup.
    let new_key = sportello::keyring::RecoveryCode::parse(&done.recovery_key).unwrap();
    assert!(key_opens(&e.db(), &new_key).unwrap());
    assert!(key_opens(&new_backup, &new_key).unwrap());
    open(&e, Credentials::recovery(done.recovery_key.clone())).unwrap();

    // The administrator keeps their password.
    let admin = open(&e, Credentials::password(ADMIN, PASSWORD)).unwrap();
    assert!(!admin.must_change_password());
    // mrossi: the old password no longer, the one-time one yes, to be changed.
    let err = refused(&e, Credentials::password("mrossi", PASSWORD));
    assert_eq!(err.code, Code::Unauthorized);
    let mrossi = open(&e, Credentials::password("mrossi", &done.one_time_passwords[0].password)).unwrap();
    assert!(mrossi.must_change_password());
    // lbianchi is still refused with the current keys file.
    let err = refused(&e, Credentials::password("lbianchi", PASSWORD));
    assert_eq!(err.code, Code::Unauthorized);

    // On record, in one intact chain.
    let rows = admin.storage().transaction(|tx| tx.audit_entries(None)).unwrap();
    assert_eq!(rows.iter().filter(|r| r.action == "database_rekey").count(), 1);
    assert!(admin.storage().audit_verify().unwrap().ok);
    assert!(admin.storage().check().unwrap().is_empty());
}

#[test]
fn only_an_administrator_with_their_password_changes_the_key() {
    let e = env();
    office(&e);
    let fingerprint = || Keyring::load(&e.db()).unwrap().unwrap().fingerprint().to_string();
    let before = fingerprint();
    let coordinator =
        service_support::operators::as_operator(&e, "gneri", "Giulia Neri", Role::Coordinatore, None);
    let err = coordinator.call("database_rekey", serde_json::json!({ "password": PASSWORD })).unwrap_err();
    assert_eq!(err.code, Code::Forbidden, "{err:?}");
    let err =
        e.service.call("database_rekey", serde_json::json!({ "password": "non è questa" })).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("password")), "{err:?}");
    assert_eq!(fingerprint(), before);
    assert!(!Keyring::pending_path_for(&e.db()).exists());
    let rows = e.service.storage().transaction(|tx| tx.audit_entries(None)).unwrap();
    assert!(rows.iter().all(|r| r.action != "database_rekey"), "a refused re-key changed nothing");
}

// --- The command line, and kills -------------------------------------------

fn rekey_cli(db: &Path, crash_at: Option<&str>, operator: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sportello"));
    service_support::cli_login(&mut cmd)
        .args(["rekey", "--json", "--database", db.to_str().unwrap()])
        .env("SPORTELLO_OPERATOR", operator)
        .env("SPORTELLO_DOCUMENTS", db.parent().unwrap().join("documenti"))
        .env_remove("SPORTELLO_BACKUP_DIR")
        .env_remove("SPORTELLO_CRASH_AT")
        // An abort may leave a core file where the process runs: not in the repository.
        .current_dir(db.parent().unwrap());
    if let Some(label) = crash_at {
        cmd.env("SPORTELLO_CRASH_AT", label);
    }
    cmd.output().unwrap()
}

fn rekeyed(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_command_line_rekeys_for_an_administrator_only() {
    let e = env();
    let (old_keys, _) = office(&e);
    let db = e.db();
    let Env { dir, service } = e;
    drop(service);
    let out = rekey_cli(&db, None, "mrossi");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("amministratore"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    let v = rekeyed(&rekey_cli(&db, None, ADMIN));
    let key = sportello::keyring::RecoveryCode::parse(v["recovery_key"].as_str().unwrap()).unwrap();
    assert!(key_opens(&db, &key).unwrap());
    assert!(!key_opens(&db, &key_from_old_file(dir.path(), &old_keys)).unwrap());
    assert_eq!(v["one_time_passwords"][0]["username"], "mrossi");
}

/// Every step of the re-key, in order: a kill at the first three leaves the
/// old key, at the others the new one.
const STEPS: &[(&str, bool)] = &[
    ("rekey:start", false),
    ("rekey:pending-written", false),
    ("rekey:journal-delete", false),
    ("rekey:rekeyed", true),
    ("rekey:before-audit", true),
    ("rekey:audited", true),
    ("rekey:installed", true),
];

/// After a kill: the database opens with the old keys or the pending new
/// ones (checked before any login settles them), the administrator's login
/// settles them, the file is sound, every family is there, and a second
/// re-key finishes the job.
fn check_after_kill(db: &Path, old_key: &DbKey, families: usize, expect_new: Option<bool>, what: &str) {
    let admin = Credentials::password(ADMIN, PASSWORD);
    let old_opens = key_opens(db, old_key).unwrap();
    let new_opens = match Keyring::load_pending(db).unwrap() {
        Some(p) => key_opens(db, &p.unlock(ADMIN, PASSWORD).unwrap()).unwrap(),
        None => {
            let current = Keyring::load(db).unwrap().unwrap();
            !current.wraps(old_key) && key_opens(db, &current.unlock(ADMIN, PASSWORD).unwrap()).unwrap()
        }
    };
    assert!(old_opens || new_opens, "{what}: neither the old nor the new keys open the database");
    assert!(!(old_opens && new_opens), "{what}");
    if let Some(new) = expect_new {
        assert_eq!(new_opens, new, "{what}: new key in the file");
    }
    let key = Service::database_key(db, &admin).unwrap();
    assert!(key_opens(db, &key).unwrap(), "{what}");
    assert!(!Keyring::pending_path_for(db).exists(), "{what}: the login settles the pending keys");
    assert!(Keyring::load(db).unwrap().unwrap().wraps(&key), "{what}");
    let s = Service::open_with(OpenOptions {
        database: db.to_path_buf(),
        documents_dir: db.parent().unwrap().join("documenti"),
        credentials: admin,
        today: Some(service_support::today()),
    })
    .unwrap_or_else(|e| panic!("{what}: {e:?}"));
    assert!(s.storage().check().unwrap().is_empty(), "{what}");
    assert!(s.storage().audit_verify().unwrap().ok, "{what}");
    drop(s);
    let n: usize = service_support::keyed(db, &key)
        .query_row("SELECT count(*) FROM households", [], |r| r.get::<_, i64>(0))
        .unwrap() as usize;
    assert_eq!(n, families, "{what}: families");
    let v = rekeyed(&rekey_cli(db, None, ADMIN));
    let key = sportello::keyring::RecoveryCode::parse(v["recovery_key"].as_str().unwrap()).unwrap();
    assert!(key_opens(db, &key).unwrap() && !key_opens(db, old_key).unwrap(), "{what}: the re-key run again");
}

#[cfg(unix)]
#[test]
fn a_kill_at_each_step_leaves_a_database_the_old_or_the_new_keys_open() {
    use std::os::unix::process::ExitStatusExt;
    for &(step, new) in STEPS {
        let e = env();
        let (_, old_key) = office(&e);
        let db = e.db();
        let Env { dir, service } = e;
        drop(service);
        let out = rekey_cli(&db, Some(step), ADMIN);
        assert_eq!(out.status.signal(), Some(6), "{step}: {}", String::from_utf8_lossy(&out.stderr));
        check_after_kill(&db, &old_key, 1, Some(new), step);
        drop(dir);
    }
}

#[cfg(unix)]
#[test]
fn kills_at_random_moments_of_a_rekey_never_lose_the_key() {
    use std::os::unix::process::ExitStatusExt;
    let e = env();
    // Enough pages that the rewrite takes a while.
    for i in 0..150 {
        person(&e.service, i);
    }
    e.service.operator_save("mrossi", "Mario Rossi", Role::Operatore).unwrap();
    e.service.operator_set_password("mrossi", PASSWORD).unwrap();
    let db = e.db();
    let Env { dir, service } = e;
    drop(service);
    // How long a whole re-key takes here, to kill it anywhere in it.
    let start = std::time::Instant::now();
    rekeyed(&rekey_cli(&db, None, ADMIN));
    let whole = start.elapsed().as_micros() as u64;
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut killed = 0;
    for run in 0..12 {
        let old_key = Service::database_key(&db, &Credentials::password(ADMIN, PASSWORD)).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_sportello"));
        service_support::cli_login(&mut child)
            .args(["rekey", "--json", "--database", db.to_str().unwrap()])
            .env("SPORTELLO_DOCUMENTS", dir.path().join("documenti"))
            .env_remove("SPORTELLO_CRASH_AT")
            .current_dir(dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = child.spawn().unwrap();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        std::thread::sleep(std::time::Duration::from_micros(x % whole.max(1)));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.signal() == Some(9) {
            killed += 1;
        }
        check_after_kill(&db, &old_key, 150, None, &format!("run {run}"));
    }
    assert!(killed > 0, "no run was killed before it finished");
}

#[test]
fn with_the_recovery_key_every_operator_gets_a_one_time_password() {
    let e = env();
    let (_, old_key) = office(&e);
    let Env { dir, service } = e;
    // A re-key needs the database to itself: the administrator's session ends first.
    drop(service);
    let e =
        Env { service: open_at(dir.path(), Credentials::recovery(old_key.recovery_code().to_string())), dir };
    let done = e.service.database_rekey("").unwrap();
    let mut handed: Vec<&str> = done.one_time_passwords.iter().map(|p| p.username.as_str()).collect();
    handed.sort();
    assert_eq!(handed, [ADMIN, "mrossi"], "the recovery account has no password to keep");
    let err = refused(&e, Credentials::password(ADMIN, PASSWORD));
    assert_eq!(err.code, Code::Unauthorized);
    let admin = done.one_time_passwords.iter().find(|p| p.username == ADMIN).unwrap();
    assert!(open(&e, Credentials::password(ADMIN, &admin.password)).unwrap().must_change_password());
    assert!(!key_opens(&e.db(), &old_key).unwrap());
}

fn open_at(dir: &Path, credentials: Credentials) -> Service {
    Service::open_with(OpenOptions {
        database: dir.join("sportello.sqlite"),
        documents_dir: dir.join("documenti"),
        credentials,
        today: Some(service_support::today()),
    })
    .unwrap()
}

#[test]
fn while_another_program_has_the_database_open_nothing_changes() {
    let e = env();
    let (_, old_key) = office(&e);
    let other = open(&e, Credentials::password(ADMIN, PASSWORD)).unwrap();
    let err = e.service.database_rekey(PASSWORD).unwrap_err();
    assert_eq!(err.code, Code::Conflict, "{err:?}");
    assert!(!Keyring::pending_path_for(&e.db()).exists(), "the new keys went with the refusal");
    assert!(Keyring::load(&e.db()).unwrap().unwrap().wraps(&old_key));
    assert!(key_opens(&e.db(), &old_key).unwrap());
    // Both go on working under the old key.
    person(&e.service, 7);
    person(&other, 8);
}
