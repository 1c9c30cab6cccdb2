//! Crash safety: a child process (`sportello stress-write`) writes households
//! and signatures while this test kills it with SIGKILL at random moments, 200
//! times on one database. After each kill the file passes SQLite's integrity
//! check, the audit chain is whole, and every record the child reported as
//! committed (it prints ids only after the commit) is there.
#![cfg(unix)]

use std::collections::HashSet;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension};
use sportello::service::{Credentials, Service};
use sportello::storage::{audit, migrations};

const KILLS: u64 = 200;
const PASSWORD: &str = "password della prova";

#[test]
fn sigkill_at_random_moments_loses_nothing_committed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sportello.sqlite");
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut households = HashSet::new();
    let mut signatures = HashSet::new();
    let mut killed_with_data_in_flight = 0;
    for run in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sportello"))
            .args(["stress-write", "--database", db.to_str().unwrap(), "--seed", &run.to_string()])
            .env("SPORTELLO_BACKUP_KEEP", "2")
            .env("SPORTELLO_OPERATOR", "stress")
            .env("SPORTELLO_PASSWORD", PASSWORD)
            .env("SPORTELLO_KDF_MEMORY_KIB", "256")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        // From "still starting" (opening, migrating the new file) to "well into the loop".
        std::thread::sleep(Duration::from_micros(x % 60_000));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        let mut out = String::new();
        child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        // Killed by the signal, not stopped or failed on its own (a failure would be a bug).
        assert_eq!(status.signal(), Some(9), "run {run}: {status:?} {err}");
        if !out.is_empty() {
            killed_with_data_in_flight += 1;
        }
        for line in out.lines() {
            let parts: Vec<&str> = line.split(' ').collect();
            match parts.as_slice() {
                ["household", id] => {
                    households.insert(id.to_string());
                }
                ["signature", p, m] => {
                    signatures.insert((p.to_string(), m.to_string()));
                }
                // The last line may be cut by the kill: only whole lines count.
                _ => {}
            }
        }

        // A new database appears whole (built aside, renamed into place once
        // its keys are saved): until then there is nothing to check.
        if !db.exists() {
            assert!(households.is_empty(), "run {run}: database gone after commits");
            continue;
        }
        let key = Service::database_key(&db, &Credentials::password("stress", PASSWORD)).unwrap();
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"{}\";", &*key.sqlcipher_literal())).unwrap();
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok", "run {run}");
        // Migrations are one transaction: a kill while creating the file leaves
        // it empty or whole, never at a partial schema.
        let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        if version == 0 {
            assert!(households.is_empty(), "run {run}: schema gone after commits");
            let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
            assert_eq!(tables, 0, "run {run}: a half-created schema");
            continue;
        }
        assert_eq!(version, migrations::latest(), "run {run}");
        let report = audit::verify(&conn).unwrap();
        assert!(report.ok, "run {run}: {report:?}");
        for h in &households {
            let found: Option<String> = conn
                .query_row("SELECT id FROM households WHERE id = ?1", [h], |r| r.get(0))
                .optional()
                .unwrap();
            assert!(found.is_some(), "run {run}: household {h} reported committed but missing");
        }
        for (p, m) in &signatures {
            let found: Option<i64> = conn
                .query_row("SELECT 1 FROM signatures WHERE project_id = ?1 AND member_id = ?2", [p, m], |r| {
                    r.get(0)
                })
                .optional()
                .unwrap();
            assert!(found.is_some(), "run {run}: signature {p}/{m} reported committed but missing");
        }
    }
    // The kills did land while records were being written.
    assert!(households.len() > 50, "{} households", households.len());
    assert!(!signatures.is_empty());
    assert!(killed_with_data_in_flight > KILLS / 4, "{killed_with_data_in_flight}");
    eprintln!(
        "{KILLS} kills: {} households and {} signatures reported and found",
        households.len(),
        signatures.len()
    );
}
