//! Backups, restore, damaged files, a full disk and the one-writer lock
//! (issue 5, crash safety and backups).

use crate::service_support;

use std::path::{Path, PathBuf};

use serde_json::json;
use service_support::{create_family, env, single_json, today};
use sportello::domain::household::HouseholdInput;
use sportello::service::{OpenOptions, Service};
use sportello::storage::backup::{self, BackupPolicy};
use sportello::storage::lock::DatabaseLock;
use sportello::storage::Storage;
use sportello::Code;

fn count(db: &Path, table: &str) -> i64 {
    let conn = service_support::raw(db);
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

fn single(s: &Service, last: &str, first: &str, birth: &str) {
    let input: HouseholdInput = serde_json::from_value(single_json(last, first, birth, "F")).unwrap();
    s.household_save(input).unwrap();
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn backup_takes_the_commits_still_in_the_wal_while_the_app_is_open() {
    let e = env();
    create_family(&e.service);
    // The service stays open: its last commits are in the WAL, not yet in the
    // main file, where a file copy would miss them.
    assert!(e.dir.path().join("sportello.sqlite-wal").exists());
    let out = e.dir.path().join("copia.sqlite");
    let (code, stdout, stderr) =
        service_support::sportello(&["backup", "--database", p(&e.db()), "--out", p(&out)]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("Copia di sicurezza creata e verificata"), "{stdout}");
    assert_eq!(count(&out, "households"), 1);
    assert_eq!(count(&out, "members"), 3);
    let info = backup::validate(&out, Some(&service_support::key(&out))).unwrap();
    assert_eq!(info.schema_version, e.service.storage().schema_version().unwrap());
    // A backup never overwrites another file.
    let (code, _, stderr) =
        service_support::sportello(&["backup", "--database", p(&e.db()), "--out", p(&out)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("esiste già"), "{stderr}");
    let leftovers: Vec<_> = std::fs::read_dir(e.dir.path())
        .unwrap()
        .filter_map(|d| d.ok())
        .filter(|d| d.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn restore_checks_the_backup_then_replaces_the_database_keeping_the_old_one() {
    let e = env();
    create_family(&e.service);
    let copy = e.dir.path().join("copia.sqlite");
    e.service.storage().backup_to(&copy).unwrap();
    single(&e.service, "Rossi", "Maria", "1960-02-03");
    let db = e.db();
    let docs = e.docs();
    drop(e.service);
    assert_eq!(count(&db, "households"), 2);

    let (code, stdout, stderr) =
        service_support::sportello(&["restore", "--from", p(&copy), "--database", p(&db)]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("ripristinato"), "{stdout}");
    assert_eq!(count(&db, "households"), 1, "back to the backup");
    assert_eq!(count(&backup::replaced_copies(&db)[0], "households"), 2, "the replaced database is kept");
    // The restored database opens, verifies and works.
    let s = service_support::login(&db, &docs, "averdi", today()).unwrap();
    assert!(s.storage().check().unwrap().is_empty());
    assert!(s.storage().audit_verify().unwrap().ok);
    single(&s, "Bianchi", "Giulia", "1970-05-06");
}

#[test]
fn restore_refuses_a_damaged_or_newer_backup_and_touches_nothing() {
    let e = env();
    create_family(&e.service);
    let copy = e.dir.path().join("copia.sqlite");
    e.service.storage().backup_to(&copy).unwrap();
    let db = e.db();
    drop(e.service);
    let before = std::fs::read(&db).unwrap();

    let truncated = e.dir.path().join("troncata.sqlite");
    let bytes = std::fs::read(&copy).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let (code, stdout, stderr) =
        service_support::sportello(&["restore", "--from", p(&truncated), "--database", p(&db)]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("non è utilizzabile"), "{stderr}");

    let newer = e.dir.path().join("futura.sqlite");
    std::fs::copy(&copy, &newer).unwrap();
    service_support::raw(&newer).pragma_update(None, "user_version", 999).unwrap();
    let (code, _, stderr) =
        service_support::sportello(&["restore", "--from", p(&newer), "--database", p(&db)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("schema 999"), "{stderr}");

    let text = e.dir.path().join("note.txt");
    std::fs::write(&text, "appunti").unwrap();
    let (code, _, _) = service_support::sportello(&["restore", "--from", p(&text), "--database", p(&db)]);
    assert_eq!(code, 2);

    assert_eq!(std::fs::read(&db).unwrap(), before, "the database is untouched");
    assert!(backup::replaced_copies(&db).is_empty());
}

#[test]
fn one_writer_per_database_with_a_clear_message() {
    let e = env();
    let db = e.dir.path().join("altro").join("sportello.sqlite");
    drop(service_support::create(&db, &e.docs(), today()));
    let open = || {
        Service::open_exclusive(OpenOptions {
            database: db.clone(),
            documents_dir: e.docs(),
            credentials: sportello::service::Credentials::password("averdi", service_support::PASSWORD),
            today: Some(today()),
        })
    };
    let first = open().unwrap();
    let err = open().err().expect("a second instance must be refused");
    assert_eq!(err.code, Code::Conflict);
    assert!(err.message.contains("già in uso"), "{}", err.message);
    // The command line too.
    let copy = e.dir.path().join("copia.sqlite");
    first.storage().backup_to(&copy).unwrap();
    let (code, _, stderr) =
        service_support::sportello(&["restore", "--from", p(&copy), "--database", p(&db)]);
    assert_eq!(code, 2);
    assert!(stderr.contains("già in uso"), "{stderr}");
    let fresh = e.dir.path().join("nuovo.sqlite");
    let held = DatabaseLock::acquire(&fresh).unwrap();
    let (code, _, stderr) =
        service_support::sportello(&["demo", "--database", p(&fresh), "--today", "2026-11-20"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("già in uso"), "{stderr}");
    assert!(!fresh.exists(), "nothing written while another holds the lock");
    drop(held);
    drop(first);
    drop(open().unwrap());
    // A lock held by this process through another handle (the app's) blocks too.
    let held = DatabaseLock::acquire(&db).unwrap();
    assert_eq!(open().err().map(|e| e.code), Some(Code::Conflict));
    drop(held);
}

#[test]
fn automatic_backups_one_a_day_keeping_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sportello.sqlite");
    let key = sportello::keyring::DbKey::generate().unwrap();
    let store = Storage::create(&db, &key).unwrap();
    let policy = BackupPolicy { dir: dir.path().join("copie"), keep: 3 };
    for day in 1..=6 {
        let at = format!("2026-11-0{day}T08:00:00.000Z");
        assert!(store.rotate_backups(&policy, &at).unwrap().is_some(), "{at}");
        let again = format!("2026-11-0{day}T17:00:00.000Z");
        assert!(store.rotate_backups(&policy, &again).unwrap().is_none(), "one a day");
    }
    let names: Vec<String> = backup::automatic_backups(&policy.dir)
        .unwrap()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "sportello-20261104T080000000Z.sqlite",
            "sportello-20261105T080000000Z.sqlite",
            "sportello-20261106T080000000Z.sqlite"
        ]
    );
    // Other files in the folder are never pruned; the temporary file of a
    // backup cut by a crash goes once its process is gone (or, where the
    // system cannot tell, once it is old), not while it may be in use.
    std::fs::write(policy.dir.join("mia-copia.sqlite"), "x").unwrap();
    let stale = policy.dir.join(".sportello-20261101T080000000Z.sqlite.4999999.tmp");
    let recent = policy.dir.join(format!(".sportello-20261106T080000000Z.sqlite.{}.tmp", std::process::id()));
    for t in [&stale, &recent] {
        std::fs::write(t, "mezza copia").unwrap();
    }
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
    std::fs::File::options().write(true).open(&stale).unwrap().set_modified(two_hours_ago).unwrap();
    store.rotate_backups(&policy, "2026-11-07T08:00:00.000Z").unwrap();
    assert!(policy.dir.join("mia-copia.sqlite").exists());
    assert!(!stale.exists() && recent.exists());
    assert_eq!(backup::automatic_backups(&policy.dir).unwrap().len(), 3);
    for b in backup::automatic_backups(&policy.dir).unwrap() {
        backup::validate(&b, Some(&key)).unwrap();
    }
    let off = BackupPolicy { dir: dir.path().join("mai"), keep: 0 };
    assert!(store.rotate_backups(&off, "2026-11-08T08:00:00.000Z").unwrap().is_none());
    assert!(!off.dir.exists());
}

#[test]
fn the_service_takes_the_days_backup_on_open() {
    if std::env::var_os("SPORTELLO_BACKUP_KEEP").is_some()
        || std::env::var_os("SPORTELLO_BACKUP_DIR").is_some()
    {
        return; // configured by the environment: not the default this test is about
    }
    let e = env();
    let copies = backup::automatic_backups(&e.dir.path().join("copie-di-sicurezza")).unwrap();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(copies[0].file_name().unwrap().to_string_lossy().starts_with("sportello-20261120T"));
}

/// A closed database with some data, checkpointed into its main file.
fn sample_db() -> (tempfile::TempDir, PathBuf, Vec<u8>) {
    let e = env();
    create_family(&e.service);
    for i in 0..20 {
        single(&e.service, "Esposito", "Anna", &format!("1980-01-{:02}", i + 1));
    }
    let db = e.db();
    drop(e.service);
    // No free page: every page the tests below damage is one SQLite reads at
    // open (quick_check walks the trees; a page on the free list holds
    // nothing, is read by nobody, and which pages are free after the
    // migrations depended on the run: the test failed once on a free page).
    let conn = service_support::keyed(&db, &service_support::key(&db));
    conn.execute_batch("VACUUM").unwrap();
    let free: i64 = conn.pragma_query_value(None, "freelist_count", |r| r.get(0)).unwrap();
    assert_eq!(free, 0);
    drop(conn);
    let bytes = std::fs::read(&db).unwrap();
    assert!(
        !e.dir.path().join("sportello.sqlite-wal").exists()
            || std::fs::metadata(e.dir.path().join("sportello.sqlite-wal")).unwrap().len() == 0
    );
    (e.dir, db, bytes)
}

fn open_copy(dir: &Path, name: &str, bytes: &[u8]) -> Result<Storage, sportello::Error> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    Storage::open(&path, &service_support::key(&path))
}

#[test]
fn a_truncated_or_damaged_file_is_a_typed_error_at_open() {
    let (dir, _db, bytes) = sample_db();
    let page = 4096;
    assert!(bytes.len() > 8 * page, "{}", bytes.len());
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("half", bytes[..bytes.len() / 2].to_vec()),
        ("one-page-and-a-bit", bytes[..page + 100].to_vec()),
        ("header-only", bytes[..100].to_vec()),
    ];
    let mut magic = bytes.clone();
    magic[3] ^= 0x20;
    cases.push(("magic", magic));
    // The b-tree page type of every page but the first: each is a damaged tree.
    for n in 1..4 {
        let mut b = bytes.clone();
        b[n * page] = 0x77;
        cases.push(("page-type", b));
    }
    for (i, (name, b)) in cases.iter().enumerate() {
        let err = open_copy(dir.path(), &format!("{name}-{i}.sqlite"), b)
            .err()
            .unwrap_or_else(|| panic!("{name}: opened"));
        assert_eq!(err.code, Code::Corrupt, "{name}: {err:?}");
        assert!(
            err.message.contains("danneggiato") || err.message.contains("non è un database"),
            "{name}: {}",
            err.message
        );
    }
}

#[test]
fn flipped_bytes_anywhere_never_panic() {
    let (dir, _db, bytes) = sample_db();
    // A cheap deterministic generator: the positions differ on every run of the loop, not between runs.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut refused = 0;
    for i in 0..60 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut b = bytes.clone();
        let at = (x as usize) % b.len();
        b[at] ^= 1 << (x >> 60 & 7);
        match open_copy(dir.path(), &format!("flip-{i}.sqlite"), &b) {
            // A flip in free space or inside a text value is not structural:
            // the file opens and must still answer queries without panicking.
            Ok(store) => {
                let _ = store.check();
                let _ = store.audit_verify();
            }
            Err(e) => {
                assert!(matches!(e.code, Code::Corrupt | Code::Storage), "{e:?}");
                refused += 1;
            }
        }
        let _ = std::fs::remove_file(dir.path().join(format!("flip-{i}.sqlite")));
    }
    eprintln!("{refused} of 60 flipped copies refused at open");
}

#[test]
fn a_full_disk_is_a_typed_error_and_leaves_nothing_half_written() {
    let e = env();
    let s = &e.service;
    create_family(s);
    // The database may not grow any more, as a disk with no room left: the
    // first saves fill the free pages a migration may have left, then one fails.
    s.storage().limit_pages(1).unwrap();
    let mut big: serde_json::Value = single_json("Gallo", "Rosa", "1950-03-04", "F");
    big["notes"] = json!("Relazione del servizio. ".repeat(200));
    let (err, audit_before, saved) = (0..500)
        .find_map(|i| {
            let before = s.storage().transaction(|tx| tx.audit_entries(None)).unwrap().len();
            let born = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Days::new(i);
            let mut one = single_json("Gallo", "Rosa", &born.to_string(), "F");
            one["notes"] = big["notes"].clone();
            let input: HouseholdInput = serde_json::from_value(one).unwrap();
            s.household_save(input).err().map(|e| (e, before, i))
        })
        .expect("the database must fill up");
    assert_eq!(err.code, Code::DiskFull, "{err:?}");
    assert!(err.message.contains("disco è pieno"), "{}", err.message);
    // Nothing of the failed save: no household, no member, no audit row.
    let n = s.storage().transaction(|tx| tx.audit_entries(None)).unwrap().len();
    assert_eq!(n, audit_before);
    assert_eq!(s.households_search("gallo").unwrap().len(), saved as usize);
    assert!(s.storage().check().unwrap().is_empty());
    // Room again: the same save goes through.
    s.storage().limit_pages(1_000_000).unwrap();
    let mut one = single_json("Gallo", "Rosa", "1949-12-31", "F");
    one["notes"] = big["notes"].clone();
    s.household_save(serde_json::from_value(one).unwrap()).unwrap();
    assert_eq!(s.households_search("gallo").unwrap().len(), saved as usize + 1);
    assert!(s.storage().audit_verify().unwrap().ok);
}

#[test]
fn signatures_commit_with_full_sync_and_the_rest_with_normal() {
    let e = env();
    // NORMAL (1) outside the durable commits, before and after one.
    assert_eq!(e.service.storage().synchronous().unwrap(), 1);
    let r = e.service.storage().durable_transaction(|_| Ok(7)).unwrap();
    assert_eq!(r, 7);
    assert_eq!(e.service.storage().synchronous().unwrap(), 1);
    // A failing durable transaction restores NORMAL too.
    let err = e
        .service
        .storage()
        .durable_transaction(|_| Err::<(), _>(sportello::Error::new(Code::Conflict, "no")))
        .unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    assert_eq!(e.service.storage().synchronous().unwrap(), 1);
}

#[test]
fn a_full_disk_during_an_import_saves_no_application_at_all() {
    let e = env();
    let s = &e.service;
    let call = s
        .call(
            "call_save",
            json!({"call": {"title": "Avviso B2 2019", "measure": "b2-anziani", "rule_set": "milano-b2-2019",
                            "budget": "200000.00"}}),
        )
        .unwrap();
    let call_id = sportello::domain::Id::parse("id", call["id"].as_str().unwrap()).unwrap();
    // 600 applications: more than the free pages of the file can take.
    let mut csv = String::from(
        "protocol,submitted_on,birth_date,isee,isee_expires_on,resident,continuation,non_self_sufficient,independent_living,other_interventions,amount\n",
    );
    for i in 0..600 {
        csv.push_str(&format!(
            "2019/{:06},2019-02-04,1933-03-{:02},{}.00,2019-12-31,true,{},true,false,false,4800.00\n",
            100 + i,
            1 + i % 28,
            (i * 37) % 20_000,
            i % 2 == 0
        ));
    }
    let audit_before = s.storage().transaction(|tx| tx.audit_entries(None)).unwrap().len();
    s.storage().limit_pages(1).unwrap();
    let err = s.applications_import(call_id, &csv).unwrap_err();
    assert_eq!(err.code, Code::DiskFull, "{err:?}");
    // All or none: no application, no audit row of the failed import.
    assert_eq!(s.storage().transaction(|tx| tx.audit_entries(None)).unwrap().len(), audit_before);
    s.storage().limit_pages(1_000_000).unwrap();
    let got = s.call("call_get", json!({ "id": call_id.to_string() })).unwrap();
    assert_eq!(got["applications"].as_array().expect("applications").len(), 0, "{got}");
    assert!(s.storage().check().unwrap().is_empty());
    // With room again the same import goes through whole.
    let out = s.applications_import(call_id, &csv).unwrap();
    assert_eq!(out.imported, 600, "{out:?}");
}
