//! Opening a database: migrations from an empty file, the connection settings,
//! and the files that must be refused without being touched.

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
    "projects",
    "project_texts",
    "commitments",
    "commitment_others",
    "supports",
    "meetings",
    "signatures",
    "documents",
];

#[test]
fn an_empty_file_is_migrated_to_the_latest_schema_and_validates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("new.sqlite");
    let store = Storage::open(&path, None).unwrap();
    let diag = store.diagnostics().unwrap();
    assert_eq!(diag.schema_version, latest());
    assert!(latest() >= 1);
    assert_eq!(diag.journal_mode, "wal");
    assert!(diag.foreign_keys);
    assert!(diag.busy_timeout_ms >= 1000);
    assert_eq!(diag.application_id, APPLICATION_ID);
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
    drop(store);

    let conn = rusqlite::Connection::open(&path).unwrap();
    for t in TABLES {
        let strict: i64 = conn
            .query_row("SELECT strict FROM pragma_table_list WHERE name = ?1", [t], |r| r.get(0))
            .unwrap_or_else(|_| panic!("table {t} missing"));
        assert_eq!(strict, 1, "{t} should be STRICT");
    }
    // Opening again is a no-op at the same version.
    let store = Storage::open(&path, None).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
}

#[test]
fn a_database_newer_than_the_program_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.sqlite");
    drop(Storage::open(&path, None).unwrap());
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", latest() + 1).unwrap();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Storage::open(&path, None).err().expect("must be refused");
    assert_eq!(err.code, Code::Storage);
    assert!(err.message.contains("più recente"), "{}", err.message);
    assert!(err.message.contains("aggiornare il programma"), "{}", err.message);
    assert!(path.exists());
    let conn = rusqlite::Connection::open(&path).unwrap();
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
    let err = Storage::open(&other, None).err().expect("must be refused");
    assert_eq!(err.code, Code::Storage);
    assert!(err.message.contains("non è un database di Sportello"), "{}", err.message);
    assert_eq!(std::fs::read(&other).unwrap(), before);

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "questo non è un database, solo testo che occupa più di cento byte. ".repeat(10))
        .unwrap();
    let err = Storage::open(&text, None).err().expect("must be refused");
    assert_eq!(err.code, Code::Storage);
}

#[test]
fn a_key_is_refused_until_encryption_exists() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.sqlite");
    let err = Storage::open(&path, Some("segreta")).err().expect("no silent plain-text database");
    assert_eq!(err.code, Code::Storage);
    assert!(!path.exists());
}
