//! Issue 9: the office's data must not be lost by a slip. A login never
//! creates a database in place of a missing one; restore keeps every replaced
//! copy; backups never overwrite; the demo appears whole; `audit verify`
//! checks the file; files are private; SQLCipher's own lines stay off
//! standard error; backups and restores are on the audit log.

use crate::service_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use service_support::{create_family, env, single_json, today};
use sportello::domain::household::HouseholdInput;
use sportello::service::Service;
use sportello::storage::backup;
use sportello::storage::lock::DatabaseLock;
use sportello::Code;

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn count(db: &Path, table: &str) -> i64 {
    let conn = service_support::raw(db);
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

fn single(s: &Service, last: &str, first: &str) {
    let input: HouseholdInput = serde_json::from_value(single_json(last, first, "1960-02-03", "F")).unwrap();
    s.household_save(input).unwrap();
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// The audit rows of `db` with action `action`, as (operator username, detail).
fn audit_rows(db: &Path, action: &str) -> Vec<(String, String)> {
    let conn = service_support::raw(db);
    let mut st = conn
        .prepare(
            "SELECT o.username, coalesce(a.detail, '') FROM audit_log a JOIN operators o ON o.id = a.operator_id
             WHERE a.action = ?1 ORDER BY a.seq",
        )
        .unwrap();
    st.query_map([action], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect()
}

#[test]
fn a_login_on_a_missing_or_empty_database_creates_nothing() {
    let e = env();
    create_family(&e.service);
    let db = e.db();
    let docs = e.docs();
    drop(e.service);
    let backups = e.dir.path().join("copie-di-sicurezza");
    let before = files_in(&backups);

    std::fs::rename(&db, e.dir.path().join("spostato.sqlite")).unwrap();
    let err = service_support::login(&db, &docs, "averdi", today()).err().expect("refused");
    assert_eq!(err.code, Code::NotFound, "{err:?}");
    assert!(err.message.contains(p(&db)) && err.message.contains("sportello restore"), "{}", err.message);
    assert!(!db.exists(), "no database created in place of the missing one");
    let (code, stdout, stderr) =
        service_support::sportello(&["audit", "history", "--database", p(&db), "--household", "2026/000001"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("non esiste"), "{stderr}");
    assert!(!db.exists(), "nor by the command line");

    std::fs::write(&db, b"").unwrap();
    let err = service_support::login(&db, &docs, "averdi", today()).err().expect("refused");
    assert_eq!(err.code, Code::Corrupt, "{err:?}");
    assert!(err.message.contains("vuoto") && err.message.contains("sportello restore"), "{}", err.message);
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0, "the empty file is left as it was");
    assert_eq!(files_in(&backups), before, "no automatic backup of an empty database");
    assert!(!e.dir.path().join("sportello.sqlite-wal").exists());
}

#[test]
fn a_new_database_is_never_created_over_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.sqlite");
    std::fs::write(&db, b"qualcosa").unwrap();
    let key = sportello::keyring::DbKey::generate().unwrap();
    let err = sportello::storage::Storage::create(&db, &key).err().expect("refused");
    assert_eq!(err.code, Code::Conflict, "{err:?}");
    assert_eq!(std::fs::read(&db).unwrap(), b"qualcosa");
}

#[test]
fn restores_keep_every_replaced_copy_and_are_on_record() {
    let e = env();
    create_family(&e.service);
    let copy = e.dir.path().join("copia.sqlite");
    e.service.storage().backup_to(&copy).unwrap();
    single(&e.service, "Rossi", "Maria");
    let db = e.db();
    let docs = e.docs();
    drop(e.service);

    let (code, stdout, stderr) =
        service_support::sportello(&["restore", "--from", p(&copy), "--database", p(&db)]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let first = PathBuf::from(format!("{}.prima-del-ripristino", db.display()));
    assert!(stdout.contains(p(&first)), "{stdout}");
    assert_eq!(count(&first, "households"), 2);

    let s = service_support::login(&db, &docs, "averdi", today()).unwrap();
    single(&s, "Bianchi", "Giulia");
    single(&s, "Neri", "Carla");
    drop(s);
    let (code, stdout, stderr) =
        service_support::sportello(&["restore", "--from", p(&copy), "--database", p(&db)]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let second = PathBuf::from(format!("{}.prima-del-ripristino.2", db.display()));
    assert!(stdout.contains(p(&second)), "{stdout}");
    assert_eq!(count(&first, "households"), 2, "the first kept copy is untouched");
    assert_eq!(count(&second, "households"), 3);
    assert_eq!(count(&db, "households"), 1);
    assert_eq!(backup::replaced_copies(&db), vec![first, second.clone()]);

    // Who restored, from where, and where the replaced database went.
    let rows = audit_rows(&db, "backup");
    let last = rows.last().expect("the restore is on record");
    assert_eq!(last.0, "averdi");
    assert!(last.1.contains("ripristino dalla copia") && last.1.contains("copia.sqlite"), "{}", last.1);
    assert!(last.1.contains(p(&second)), "{}", last.1);
    assert!(!backup::restore_journal_path(&db).exists());
    let s = service_support::login(&db, &docs, "averdi", today()).unwrap();
    assert!(s.storage().audit_verify().unwrap().ok);
}

#[test]
fn a_restore_cut_short_after_its_journal_is_finished_by_the_next_holder_of_the_lock() {
    let e = env();
    create_family(&e.service);
    let copy = e.dir.path().join("copia.sqlite");
    e.service.storage().backup_to(&copy).unwrap();
    single(&e.service, "Rossi", "Maria");
    let db = e.db();
    drop(e.service);
    // What a restore leaves when killed right after writing its journal: the
    // prepared copy beside the database, and the journal naming the kept copy.
    let prepared = e.dir.path().join(".sportello.sqlite.ripristino");
    std::fs::copy(&copy, &prepared).unwrap();
    let kept = backup::next_replaced_path(&db);
    std::fs::write(backup::restore_journal_path(&db), format!("conserva={}\n", kept.display())).unwrap();

    drop(DatabaseLock::acquire(&db).unwrap());
    assert_eq!(count(&db, "households"), 1, "the restore is finished");
    assert_eq!(count(&kept, "households"), 2, "the replaced database is kept");
    assert!(!prepared.exists() && !backup::restore_journal_path(&db).exists());

    // A prepared copy without its journal (killed while copying) is dropped.
    std::fs::write(&prepared, b"a meta").unwrap();
    drop(DatabaseLock::acquire(&db).unwrap());
    assert!(!prepared.exists());
    assert_eq!(count(&db, "households"), 1);
}

#[test]
fn the_commits_still_in_the_wal_of_a_crashed_app_stay_with_the_kept_copy() {
    let e = env();
    create_family(&e.service);
    let copy = e.dir.path().join("copia.sqlite");
    e.service.storage().backup_to(&copy).unwrap();
    single(&e.service, "Rossi", "Maria");
    let db = e.db();
    let wal = e.dir.path().join("sportello.sqlite-wal");
    // The app stops without closing (a crash): its last commits are only in the WAL.
    std::mem::forget(e.service);
    assert!(std::fs::metadata(&wal).unwrap().len() > 0);
    let key = service_support::key(&db);
    let info = backup::restore(&copy, &db, Some(&key)).unwrap();
    let kept = PathBuf::from(info.kept.expect("kept"));
    assert_eq!(count(&kept, "households"), 2, "the kept copy has the commits of the WAL");
    assert_eq!(count(&db, "households"), 1, "and the old WAL is not replayed into the restored file");
}

#[test]
fn two_backups_to_the_same_file_never_both_succeed() {
    let e = env();
    create_family(&e.service);
    let db = e.db();
    for round in 0..4 {
        let out = e.dir.path().join(format!("copia-{round}.sqlite"));
        let spawn = || {
            service_support::cli_login(&mut Command::new(env!("CARGO_BIN_EXE_sportello")))
                .args(["backup", "--database", p(&db), "--out", p(&out)])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
        let ok = outs.iter().filter(|o| o.status.success()).count();
        assert_eq!(ok, 1, "round {round}: exactly one backup takes the name");
        let failed = outs.iter().find(|o| !o.status.success()).unwrap();
        assert!(String::from_utf8_lossy(&failed.stderr).contains("esiste già"), "{failed:?}");
        backup::validate(&out, Some(&service_support::key(&db))).unwrap();
    }
    assert!(files_in(e.dir.path()).iter().all(|n| !n.contains(".tmp")), "{:?}", files_in(e.dir.path()));
}

#[test]
fn a_backup_is_on_record_with_where_it_went() {
    let e = env();
    create_family(&e.service);
    let out = e.dir.path().join("per-la-cassaforte.sqlite");
    let (code, stdout, stderr) =
        service_support::sportello(&["backup", "--database", p(&e.db()), "--out", p(&out)]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let rows = audit_rows(&e.db(), "backup");
    let last = rows.last().expect("on record");
    assert_eq!(last.0, "averdi");
    assert!(last.1.contains("per-la-cassaforte.sqlite"), "{}", last.1);
    assert!(e.service.storage().audit_verify().unwrap().ok);
}

/// Flips bytes in the middle of the last page of the households' rows in
/// `db` (closed, WAL folded): a page of data, which the file can be opened
/// without (the last page of the file may hold the schema, and then nothing
/// opens it at all).
fn damage_last_page(db: &Path) {
    let page: usize = service_support::raw(db)
        .query_row("SELECT max(pageno) FROM dbstat WHERE name = 'households'", [], |r| r.get::<_, i64>(0))
        .unwrap() as usize;
    let mut bytes = std::fs::read(db).unwrap();
    let at = (page - 1) * 4096 + 1000;
    for b in &mut bytes[at..at + 16] {
        *b ^= 0x5a;
    }
    std::fs::write(db, bytes).unwrap();
}

#[test]
fn audit_verify_says_damaged_for_a_damaged_page_and_sqlcipher_keeps_quiet() {
    let e = env();
    create_family(&e.service);
    let db = e.db();
    drop(e.service);
    let (code, stdout, _) = service_support::sportello(&["audit", "verify", "--database", p(&db)]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("integro"), "{stdout}");

    damage_last_page(&db);
    let (code, stdout, stderr) = service_support::sportello(&["audit", "verify", "--database", p(&db)]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("DANNEGGIATO") && !stdout.contains("integro"), "{stdout}");
    assert!(!stderr.contains("CORE") && !stderr.contains("hmac"), "SQLCipher's own lines: {stderr}");
    let (code, stdout, _) = service_support::sportello(&["audit", "verify", "--database", p(&db), "--json"]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["ok"], json!(false));
    assert!(!report["file_problems"].as_array().unwrap().is_empty(), "{report}");

    // A damaged backup: one Italian message on standard error, nothing else.
    let damaged = e.dir.path().join("danneggiata.sqlite");
    std::fs::copy(&db, &damaged).unwrap();
    let (code, _, stderr) =
        service_support::sportello(&["restore", "--from", p(&damaged), "--database", p(&db)]);
    assert_eq!(code, 2);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("CORE"), "{stderr}");
}

#[test]
fn a_backup_with_a_broken_chain_or_no_guards_is_restored_with_a_warning_on_record() {
    let e = env();
    create_family(&e.service);
    let copy = e.dir.path().join("copia.sqlite");
    e.service.storage().backup_to(&copy).unwrap();
    let db = e.db();
    drop(e.service);
    {
        let conn = service_support::raw(&copy);
        conn.execute_batch(
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;
             UPDATE audit_log SET detail = 'ritoccato' WHERE seq = 1;",
        )
        .unwrap();
    }
    let (code, stdout, stderr) =
        service_support::sportello(&["restore", "--from", p(&copy), "--database", p(&db)]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("Attenzione") && stdout.contains("alterato"), "{stdout}");
    assert!(stdout.contains("audit_log_no_update"), "{stdout}");
    let rows = audit_rows(&db, "backup");
    let last = rows.last().unwrap();
    assert!(last.1.contains("avvisi") && last.1.contains("alterato"), "{}", last.1);
    // The guards are back; the broken row stays as evidence.
    let conn = service_support::raw(&db);
    assert!(sportello::storage::audit::missing_guards(&conn).is_empty());
    assert!(conn.execute("DELETE FROM audit_log WHERE seq = 1", []).is_err());
    let (code, stdout, _) = service_support::sportello(&["audit", "verify", "--database", p(&db)]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("ALTERATO"), "{stdout}");
}

#[test]
fn audit_verify_names_a_removed_guard() {
    let e = env();
    let db = e.db();
    drop(e.service);
    service_support::raw(&db).execute_batch("DROP TRIGGER audit_log_no_delete;").unwrap();
    let (code, stdout, _) = service_support::sportello(&["audit", "verify", "--database", p(&db)]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("audit_log_no_delete") && !stdout.contains("integro"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn files_with_personal_data_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let e = env();
    create_family(&e.service);
    let db = e.db();
    assert_eq!(mode(&db), 0o600, "database");
    assert_eq!(mode(&e.dir.path().join("sportello.sqlite-wal")), 0o600, "its WAL");
    assert_eq!(mode(&sportello::keyring::Keyring::path_for(&db)), 0o600, "keys");
    for b in backup::automatic_backups(&e.dir.path().join("copie-di-sicurezza")).unwrap() {
        assert_eq!(mode(&b), 0o600, "{}", b.display());
    }
    let out = e.dir.path().join("copia.sqlite");
    let (code, stdout, stderr) =
        service_support::sportello(&["backup", "--database", p(&db), "--out", p(&out)]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(mode(&out), 0o600, "backup");
    drop(e.service);
    let (code, _, stderr) = service_support::sportello(&["restore", "--from", p(&out), "--database", p(&db)]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(mode(&db), 0o600, "restored database");
    let log = e.dir.path().join(sportello::storage::LIBRARY_LOG);
    if log.exists() {
        assert_eq!(mode(&log), 0o600);
    }

    // An office that shares the database with a group on purpose keeps it so.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o660)).unwrap();
    let (code, _, stderr) = service_support::sportello(&["restore", "--from", p(&out), "--database", p(&db)]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(mode(&db), 0o660);
    // A database an earlier version left world-readable is closed to others at login.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o664)).unwrap();
    drop(service_support::login(&db, &e.dir.path().join("documenti"), "averdi", today()).unwrap());
    assert_eq!(mode(&db), 0o660);
}

#[cfg(target_os = "linux")]
#[test]
fn temporaries_of_interrupted_writes_are_removed_at_the_next_run() {
    let e = env();
    let db = e.db();
    drop(e.service);
    // Left by processes that are gone (pid_max is at most 2^22).
    let beside = e.dir.path().join(".sportello.sqlite.4999999.tmp");
    let auto =
        e.dir.path().join("copie-di-sicurezza/.sportello-20261120T080000000Z.sqlite.4999999.tmp-journal");
    let building = e.dir.path().join(".sportello.sqlite.nuovo");
    let unrelated = e.dir.path().join(".altro.txt.4999999.tmp");
    for f in [&beside, &auto, &building, &unrelated] {
        std::fs::write(f, b"dati personali").unwrap();
    }
    drop(DatabaseLock::acquire(&db).unwrap());
    assert!(!beside.exists() && !auto.exists() && !building.exists());
    assert!(unrelated.exists(), "only the database's own temporaries");
}

#[test]
fn the_demo_refuses_any_existing_file_even_empty() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    std::fs::write(&db, b"").unwrap();
    let (code, stdout, stderr) =
        service_support::sportello(&["demo", "--database", p(&db), "--today", "2026-11-20"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("esiste già"), "{stderr}");
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0);
}

#[test]
fn a_restore_by_the_recovery_key_is_on_record_as_recupero() {
    let e = env();
    create_family(&e.service);
    let copy = e.dir.path().join("copia.sqlite");
    e.service.storage().backup_to(&copy).unwrap();
    let db = e.db();
    let docs = e.docs();
    drop(e.service);
    let code = {
        let key = service_support::key(&db);
        key.recovery_code().to_string()
    };
    let out = Command::new(env!("CARGO_BIN_EXE_sportello"))
        .args(["restore", "--from", p(&copy), "--database", p(&db)])
        .env("SPORTELLO_RECOVERY_KEY", &code)
        .env_remove("SPORTELLO_OPERATOR")
        .env_remove("SPORTELLO_PASSWORD")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let rows = audit_rows(&db, "backup");
    assert_eq!(rows.last().unwrap().0, "recupero");
    let s = service_support::login(&db, &docs, "averdi", today()).unwrap();
    assert!(s.storage().audit_verify().unwrap().ok);
}

#[test]
fn a_backup_from_the_app_is_on_record_with_where_it_went() {
    let e = env();
    create_family(&e.service);
    let out = e.dir.path().join("dalla-finestra.sqlite");
    e.service.backup_to(&out).unwrap();
    let rows = audit_rows(&e.db(), "backup");
    assert!(rows.iter().any(|(who, d)| who == "averdi" && d.contains("dalla-finestra.sqlite")), "{rows:?}");
    assert!(e.service.storage().audit_verify().unwrap().ok);
}
