//! Opening a database: migrations from an empty file, the connection settings,
//! and the files that must be refused without being touched.

use sportello::keyring::DbKey;
use sportello::storage::migrations::latest;
use sportello::storage::{Storage, APPLICATION_ID};
use sportello::Code;

const TABLES: &[&str] = &[
    "operators",
    "office",
    "audit_log",
    "case_counters",
    "households",
    "members",
    "analyses",
    "analysis_participants",
    "analysis_areas",
    "analysis_employability",
    // Schema 27: the équipe's quadro di analisi.
    "quadri",
    "quadro_equipe",
    "quadro_participants",
    "quadro_areas",
    "quadro_priorities",
    "projects",
    "project_texts",
    "commitments",
    "commitment_others",
    "supports",
    "meetings",
    "signatures",
    "documents",
    // Schema 24: monitoring, re-design, closure.
    "project_versions",
    "project_version_commitments",
    "monitoring_meetings",
    "monitoring_participants",
    "monitoring_progress",
    "monitoring_annulments",
    "project_closures",
    "closure_outcomes",
];

#[test]
fn an_empty_file_is_migrated_to_the_latest_schema_and_validates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("new.sqlite");
    let store = Storage::create(&path, &key()).unwrap();
    let diag = store.diagnostics().unwrap();
    assert_eq!(diag.schema_version, latest());
    assert!(latest() >= 1);
    assert_eq!(diag.journal_mode, "wal");
    assert!(diag.foreign_keys);
    assert!(diag.busy_timeout_ms >= 1000);
    assert_eq!(diag.application_id, APPLICATION_ID);
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
    drop(store);

    let conn = raw(&path);
    for t in TABLES {
        let strict: i64 = conn
            .query_row("SELECT strict FROM pragma_table_list WHERE name = ?1", [t], |r| r.get(0))
            .unwrap_or_else(|_| panic!("table {t} missing"));
        assert_eq!(strict, 1, "{t} should be STRICT");
    }
    // Opening again is a no-op at the same version.
    let store = Storage::open(&path, &key()).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
}

#[test]
fn a_database_newer_than_the_program_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.sqlite");
    drop(Storage::create(&path, &key()).unwrap());
    {
        let conn = raw(&path);
        conn.pragma_update(None, "user_version", latest() + 1).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Storage::open(&path, &key()).err().expect("must be refused");
    assert_eq!(err.code, Code::Storage);
    assert!(err.message.contains("più recente"), "{}", err.message);
    assert!(err.message.contains("aggiornare il programma"), "{}", err.message);
    assert!(path.exists());
    let conn = raw(&path);
    let v: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, latest() + 1);
    drop(conn);
    assert_eq!(std::fs::read(&path).unwrap().len(), before.len());
}

#[test]
fn a_file_that_is_not_a_sportello_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.sqlite");
    {
        let conn = rusqlite::Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine');").unwrap();
    }
    let before = std::fs::read(&other).unwrap();
    let err = Storage::open(&other, &key()).err().expect("must be refused");
    assert_eq!(err.code, Code::Storage);
    assert!(err.message.contains("non è un database di Sportello"), "{}", err.message);
    assert_eq!(std::fs::read(&other).unwrap(), before);

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "questo non è un database, solo testo che occupa più di cento byte. ".repeat(10))
        .unwrap();
    let err = Storage::open(&text, &key()).err().expect("must be refused");
    // Not plain SQLite: to SQLCipher it is a file its key does not open.
    assert_eq!(err.code, Code::Corrupt);
}

#[test]
fn a_wrong_key_never_opens_the_file_and_never_changes_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.sqlite");
    drop(Storage::create(&path, &key()).unwrap());
    let before = std::fs::read(&path).unwrap();
    let other = DbKey::from_bytes(&[9u8; 32]).unwrap();
    let err = Storage::open(&path, &other).err().expect("a wrong key must be refused");
    assert_eq!(err.code, Code::Corrupt, "{err:?}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "untouched");
    assert!(Storage::open(&path, &key()).is_ok(), "the right key still opens it");
}

#[test]
fn a_plain_sportello_database_is_told_to_be_encrypted_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in-chiaro.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
        conn.execute_batch("CREATE TABLE x (y TEXT);").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Storage::open(&path, &key()).err().expect("refused");
    assert_eq!(err.code, Code::Storage);
    assert!(err.message.contains("non è cifrato"), "{}", err.message);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

fn key() -> DbKey {
    DbKey::from_bytes(&[7u8; 32]).unwrap()
}

/// A raw connection with the tests' key.
fn raw(path: &std::path::Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"{}\";", &*key().sqlcipher_literal())).unwrap();
    conn
}

/// Schema 24 rebuilds `commitments` (for the status `sospeso`): the rows of a
/// database of the schema before, and the other members of each commitment
/// that name them, come through whole, with the foreign keys on again.
#[test]
fn schema_24_keeps_the_commitments_and_the_members_involved() {
    use sportello::storage::migrations::{migrate, MIGRATIONS};
    let before: Vec<_> = MIGRATIONS.iter().take_while(|m| m.version < 24).collect();
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    let slice = &MIGRATIONS[..before.len()];
    migrate(&mut conn, slice).unwrap();
    conn.execute_batch(include_str!("fixtures/rows-before-schema-24.sql")).unwrap();
    migrate(&mut conn, MIGRATIONS).unwrap();
    let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
    assert_eq!(fk, 1, "foreign keys on again after the migrations");
    let others: Vec<(String, String)> = conn
        .prepare("SELECT commitment_id, member_id FROM commitment_others")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(others, [("c1".to_string(), "m2".to_string())]);
    conn.execute("UPDATE commitments SET status = 'sospeso' WHERE id = 'c1'", []).unwrap();
    let (status, action): (String, String) =
        conn.query_row("SELECT status, action FROM commitments", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((status.as_str(), action.as_str()), ("sospeso", "Colloquio al Centro per l'impiego"));
    let version: i64 = conn.query_row("SELECT version FROM projects", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 1);
    // The references hold and cascade as before the rebuild.
    assert_eq!(sportello::storage::migrations::check(&conn).unwrap(), Vec::<String>::new());
    conn.execute("DELETE FROM commitments WHERE id = 'c1'", []).unwrap();
    let left: i64 = conn.query_row("SELECT count(*) FROM commitment_others", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
}
