//! A database of an earlier, unencrypted version: refused at login with the
//! way out, then encrypted in place by `sportello encrypt` (its automatic
//! backups too), after which nothing of it is in clear and its data is whole.

use crate::service_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use service_support::{create, create_family, login, today, ADMIN, PASSWORD};
use sportello::Code;

/// A plain copy of the encrypted database `from` at `to`, as an earlier
/// version of the program would have left it.
fn decrypt_copy(from: &Path, to: &Path) {
    let conn = service_support::raw(from);
    conn.execute("ATTACH DATABASE ?1 AS chiaro KEY ''", [to.to_str().unwrap()]).unwrap();
    conn.query_row("SELECT sqlcipher_export('chiaro')", [], |_| Ok(())).unwrap();
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA chiaro.user_version = {version}; PRAGMA chiaro.application_id = {};",
        sportello::storage::APPLICATION_ID
    ))
    .unwrap();
    conn.execute_batch("DETACH DATABASE chiaro").unwrap();
}

/// An office folder as an earlier, unencrypted version left it: a plain
/// database with one family and a plain automatic backup. Answers the
/// temporary folder, the database, the backups' folder and the backup.
fn plain_office() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("origine").join("sportello.sqlite");
    let s = create(&source, &dir.path().join("doc"), today());
    create_family(&s);
    drop(s);
    let db = dir.path().join("ufficio").join("sportello.sqlite");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    decrypt_copy(&source, &db);
    let backups = db.parent().unwrap().join("copie-di-sicurezza");
    std::fs::create_dir_all(&backups).unwrap();
    let old_backup = backups.join("sportello-20261101T080000000Z.sqlite");
    decrypt_copy(&source, &old_backup);
    (dir, db, backups, old_backup)
}

fn has(path: &Path, needle: &[u8]) -> bool {
    std::fs::read(path).unwrap().windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_plain_database_is_refused_then_encrypted_in_place_with_its_backups() {
    let (dir, db, _backups, old_backup) = plain_office();
    assert!(has(&db, b"SQLite format 3") && has(&db, "Dell'Orto".as_bytes()));

    // Without keys: the login says what to do, and leaves the file alone.
    let err = login(&db, &dir.path().join("doc"), ADMIN, today()).err().unwrap();
    assert_eq!(err.code, Code::Unauthorized, "{err:?}");
    assert!(err.message.contains("sportello encrypt"), "{}", err.message);
    assert!(sportello::service::Service::database_state(&db).unwrap().needs_encryption);

    let run = |operator: &str| {
        Command::new(env!("CARGO_BIN_EXE_sportello"))
            .args(["encrypt", "--database", db.to_str().unwrap()])
            .env("SPORTELLO_OPERATOR", operator)
            .env("SPORTELLO_PASSWORD", PASSWORD)
            .env("SPORTELLO_KDF_MEMORY_KIB", "256")
            .output()
            .unwrap()
    };
    // Only an amministratore of that database may.
    let out = run("sconosciuto");
    assert_eq!(out.status.code(), Some(2));
    assert!(has(&db, b"SQLite format 3"), "untouched");

    let out = run(ADMIN);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Chiave di recupero"), "{stdout}");
    for f in [&db, &old_backup] {
        assert!(!has(f, b"SQLite format 3"), "{} still plain", f.display());
        assert!(!has(f, "Dell'Orto".as_bytes()), "{} still readable", f.display());
    }
    let leftovers: Vec<_> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("in-chiaro") || n.contains(".cifrato"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The password opens it, the data is whole, the recovery key works too.
    let s = login(&db, &dir.path().join("doc"), ADMIN, today()).unwrap();
    assert_eq!(s.households_search("dell'orto").unwrap().len(), 1);
    assert!(s.storage().check().unwrap().is_empty());
    assert!(s.storage().audit_verify().unwrap().ok);
    drop(s);
    let code = stdout.lines().last().unwrap().trim().to_string();
    let key =
        sportello::service::Service::database_key(&db, &sportello::service::Credentials::recovery(code));
    assert!(key.is_ok());
    sportello::storage::backup::validate(&old_backup, Some(&key.unwrap())).unwrap();
    // Twice is refused: it is encrypted now.
    assert_eq!(run(ADMIN).status.code(), Some(2));
}

/// `sportello encrypt` killed where the encrypted file takes the database's
/// name (before and after), or while its backups are encrypted: the database
/// is never missing, a second run finishes the work, and no plain copy is
/// left beside it.
#[test]
fn encrypt_killed_at_the_switch_is_finished_by_the_next_run() {
    for at in ["encrypt:kept", "encrypt:renamed"] {
        for backup_only in [false, true] {
            let (dir, db, backups, old_backup) = plain_office();
            let run = |crash: Option<&str>| {
                let mut cmd = Command::new(env!("CARGO_BIN_EXE_sportello"));
                cmd.args(["encrypt", "--database", db.to_str().unwrap()])
                    .env("SPORTELLO_OPERATOR", ADMIN)
                    .env("SPORTELLO_PASSWORD", PASSWORD)
                    .env("SPORTELLO_KDF_MEMORY_KIB", "256")
                    .env_remove("SPORTELLO_CRASH_AT");
                if let Some(at) = crash {
                    cmd.env("SPORTELLO_CRASH_AT", at);
                }
                cmd.output().unwrap()
            };
            if backup_only {
                // The kill falls on the backup: the database is done first.
                std::fs::rename(&old_backup, backups.join("parcheggiata")).unwrap();
                assert!(run(None).status.success());
                std::fs::rename(backups.join("parcheggiata"), &old_backup).unwrap();
                assert!(has(&old_backup, b"SQLite format 3"));
            }
            let out = run(Some(at));
            assert!(!out.status.success(), "{at}: not killed");
            assert!(db.is_file(), "{at}: the database is missing after the kill");
            // The next run finishes the work; when the kill came after the
            // last file was switched there is nothing left to encrypt, and
            // it says so (the clean-up is done when it takes the lock).
            let out = run(None);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success()
                    || (at == "encrypt:renamed"
                        && backup_only
                        && stderr.contains("non è un database in chiaro")),
                "{at} (backup only: {backup_only}): {stderr}"
            );
            for f in [&db, &old_backup] {
                assert!(!has(f, b"SQLite format 3"), "{at}: {} still plain", f.display());
            }
            for folder in [db.parent().unwrap(), backups.as_path()] {
                let left: Vec<_> = std::fs::read_dir(folder)
                    .unwrap()
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.contains("in-chiaro") || n.contains(".cifrato"))
                    .collect();
                assert!(left.is_empty(), "{at}: {left:?}");
            }
            let s = login(&db, &dir.path().join("doc"), ADMIN, today()).unwrap();
            assert_eq!(s.households_search("dell'orto").unwrap().len(), 1, "{at}");
        }
    }
}
