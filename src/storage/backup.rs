//! Backups and restore, always through SQLite's online backup API, never a
//! file copy: a copy of a database in WAL mode taken while it is open may miss
//! the commits still in the WAL or catch a page half-written; the backup API
//! copies one consistent snapshot, page by page, into a new file that
//! SQLCipher encrypts with the same key as the database. (`VACUUM INTO` is not
//! used: under SQLCipher it has written damaged or partly plain copies.)
//!
//! A backup is opened with the database's key, so the current keys file (or
//! the office's recovery key) opens every backup; no keys file is copied next
//! to it, so an operator revoked since cannot use an old one.
//!
//! Except across a re-key (`Service::database_rekey`): the backups taken
//! before it keep the old key (they are left as they were: rewriting them
//! would add a second place where a crash could leave a file no key opens,
//! and they hold nothing newer than what the revoked operator could already
//! read). They open with the old recovery key, which the office keeps with
//! them; the automatic ones leave with the rotation within [`DEFAULT_KEEP`]
//! days. The re-key takes a new automatic backup at once, under the new key.
//!
//! Every file is written beside its destination under a temporary name,
//! checked, flushed and then renamed: a failure (or a full disk) leaves the
//! destination as it was and no half-written file behind.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use super::{db_err, migrations, open_keyed, APPLICATION_ID};
use crate::error::{Code, Error};
use crate::keyring::DbKey;

/// What a checked backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupInfo {
    pub path: String,
    pub schema_version: u32,
    pub size_bytes: u64,
}

/// Automatic backups kept beside the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupPolicy {
    pub dir: PathBuf,
    /// How many automatic backups to keep (0 = none taken).
    pub keep: usize,
}

/// Default number of automatic backups: one a day for a working week and a half.
pub const DEFAULT_KEEP: usize = 7;

/// Prefix of the automatic backups: only these are ever pruned.
const AUTO_PREFIX: &str = "sportello-";

impl BackupPolicy {
    /// `copie-di-sicurezza/` beside the database, keeping [`DEFAULT_KEEP`];
    /// `SPORTELLO_BACKUP_KEEP` (a number, 0 = off) and `SPORTELLO_BACKUP_DIR`
    /// change them for an office.
    pub fn from_env(database: &Path) -> Result<BackupPolicy, Error> {
        let keep = match std::env::var("SPORTELLO_BACKUP_KEEP") {
            Ok(v) if !v.trim().is_empty() => v.trim().parse().map_err(|_| {
                Error::invalid(
                    "SPORTELLO_BACKUP_KEEP",
                    format!("«{v}» non è un numero di copie di sicurezza da conservare"),
                )
            })?,
            _ => DEFAULT_KEEP,
        };
        let dir = match std::env::var_os("SPORTELLO_BACKUP_DIR").filter(|d| !d.is_empty()) {
            Some(d) => PathBuf::from(d),
            None => database
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join("copie-di-sicurezza"),
        };
        Ok(BackupPolicy { dir, keep })
    }
}

fn io(path: &Path, what: &str, e: std::io::Error) -> Error {
    if e.raw_os_error() == Some(28) || e.kind() == std::io::ErrorKind::StorageFull {
        return Error::new(
            Code::DiskFull,
            format!("Il disco è pieno: {what} {} non è stata scritta", path.display()),
        );
    }
    Error::new(Code::Io, format!("{what} {}: {e}", path.display()))
}

fn temp_beside(path: &Path) -> PathBuf {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dir.join(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes a consistent snapshot of `conn`'s database to `out` (which must not
/// exist: a backup never overwrites another), encrypted with `key`.
pub fn copy_into(conn: &Connection, key: Option<&DbKey>, out: &Path) -> Result<BackupInfo, Error> {
    if out.exists() {
        return Err(Error::new(
            Code::Conflict,
            format!("Il file {} esiste già: scegliere un altro nome per la copia", out.display()),
        ));
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, "impossibile creare la cartella", e))?;
    }
    let tmp = temp_beside(out);
    let _ = std::fs::remove_file(&tmp);
    let result = (|| {
        snapshot(conn, key, &tmp)?;
        let info = validate(&tmp, key)?;
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| io(&tmp, "la copia", e))?;
        std::fs::rename(&tmp, out).map_err(|e| io(out, "la copia", e))?;
        sync_dir(out);
        Ok(BackupInfo { path: out.display().to_string(), ..info })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Copies `conn`'s database into the new file `to` with the backup API. The
/// destination gets the same key first, so no page is ever written in clear.
fn snapshot(conn: &Connection, key: Option<&DbKey>, to: &Path) -> Result<(), Error> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut dst = open_keyed(to, flags, key)?;
    {
        let backup = rusqlite::backup::Backup::new(conn, &mut dst).map_err(db_err)?;
        // All pages in one step: the source is one snapshot, and the office
        // database is small enough (tens of MB) for that to be quick.
        backup.run_to_completion(i32::MAX, std::time::Duration::ZERO, None).map_err(db_err)?;
    }
    // The copy keeps the journal mode in its header: make it a plain
    // self-contained file (no -wal beside a backup).
    dst.pragma_update(None, "journal_mode", "DELETE").map_err(db_err)?;
    dst.close().map_err(|(_, e)| db_err(e))
}

/// Flushes the directory entry of a renamed file (best effort: not every
/// system can open a directory).
fn sync_dir(file: &Path) {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// Checks that `path` is a sound Sportello database this program can open:
/// SQLite's integrity check, the application id and the schema version.
pub fn validate(path: &Path, key: Option<&DbKey>) -> Result<BackupInfo, Error> {
    let bad = |why: String| {
        Error::new(Code::Storage, format!("La copia {} non è utilizzabile: {why}", path.display()))
    };
    let size_bytes = std::fs::metadata(path).map_err(|e| bad(format!("{e}")))?.len();
    let conn = open_keyed(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX, key)
        .map_err(|e| bad(e.message))?;
    let app: i32 =
        conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(|e| bad(db_err(e).message))?;
    if app != APPLICATION_ID {
        return Err(bad("non è un database di Sportello".into()));
    }
    let problems = migrations::check(&conn).map_err(|e| bad(e.message))?;
    if !problems.is_empty() {
        return Err(bad(format!("è danneggiata ({})", problems.join("; "))));
    }
    let schema_version = migrations::user_version(&conn)?;
    if schema_version == 0 || schema_version > migrations::latest() {
        return Err(bad(format!(
            "schema {schema_version}, mentre questa versione di Sportello legge gli schemi da 1 a {}",
            migrations::latest()
        )));
    }
    Ok(BackupInfo { path: path.display().to_string(), schema_version, size_bytes })
}

/// Takes an automatic backup named after `stamp` (`2026-11-20T09:30:00.123Z`)
/// unless one of the same day exists, then keeps only the newest
/// `policy.keep`. Returns the new backup, if one was taken.
pub fn rotate(
    conn: &Connection,
    key: Option<&DbKey>,
    policy: &BackupPolicy,
    stamp: &str,
) -> Result<Option<PathBuf>, Error> {
    rotate_with(conn, key, policy, stamp, false)
}

/// As [`rotate`], taking a backup even if the day has one.
pub fn rotate_now(
    conn: &Connection,
    key: Option<&DbKey>,
    policy: &BackupPolicy,
    stamp: &str,
) -> Result<Option<PathBuf>, Error> {
    rotate_with(conn, key, policy, stamp, true)
}

fn rotate_with(
    conn: &Connection,
    key: Option<&DbKey>,
    policy: &BackupPolicy,
    stamp: &str,
    even_if_taken_today: bool,
) -> Result<Option<PathBuf>, Error> {
    if policy.keep == 0 {
        return Ok(None);
    }
    // `2026-11-20T09:30:00.123Z` → `20261120T093000123Z`: sorts by time, valid on every system.
    let compact: String = stamp.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let day = compact.get(..8).unwrap_or(&compact).to_string();
    let mut existing = automatic_backups(&policy.dir)?;
    let taken_today = existing.iter().any(|p| file_name(p).starts_with(&format!("{AUTO_PREFIX}{day}")));
    let out = policy.dir.join(format!("{AUTO_PREFIX}{compact}.sqlite"));
    let taken = if (taken_today && !even_if_taken_today) || out.exists() {
        None
    } else {
        copy_into(conn, key, &out)?;
        existing.push(out.clone());
        existing.sort();
        Some(out)
    };
    remove_stale_temporaries(&policy.dir);
    let excess = existing.len().saturating_sub(policy.keep);
    for old in &existing[..excess] {
        std::fs::remove_file(old).map_err(|e| io(old, "impossibile eliminare la copia", e))?;
    }
    Ok(taken)
}

/// A backup interrupted by a crash leaves its temporary file: removed once it
/// is an hour old (no `VACUUM INTO` of an office database takes that long, so
/// another instance's backup in progress is never touched).
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let hour = std::time::Duration::from_secs(3600);
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if !(n.starts_with(&format!(".{AUTO_PREFIX}")) && n.ends_with(".tmp")) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|a| a > hour);
        if old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The automatic backups in `dir`, oldest first.
pub fn automatic_backups(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir, "impossibile leggere la cartella", e)),
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = file_name(p);
            n.starts_with(AUTO_PREFIX) && n.ends_with(".sqlite")
        })
        .collect();
    out.sort();
    Ok(out)
}

/// The file where the database replaced by a restore is kept.
pub fn replaced_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".prima-del-ripristino");
    PathBuf::from(name)
}

/// Replaces `database` with the backup `from`, after checking it with `key`.
/// The caller holds the database's lock ([`super::lock::DatabaseLock`]).
///
/// The backup is first copied (backup API) beside the database and checked;
/// the current database, if any, is checkpointed (its WAL emptied) and kept as
/// `<database>.prima-del-ripristino` (still encrypted); then the new file
/// takes its name.
pub fn restore(from: &Path, database: &Path, key: Option<&DbKey>) -> Result<BackupInfo, Error> {
    validate(from, key)?;
    let tmp = temp_beside(database);
    let _ = std::fs::remove_file(&tmp);
    let prepared = (|| {
        let src = open_keyed(from, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX, key)?;
        snapshot(&src, key, &tmp)?;
        drop(src);
        let info = validate(&tmp, key)?;
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| io(&tmp, "la copia", e))?;
        Ok(info)
    })();
    let info = match prepared {
        Ok(i) => i,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    if database.exists() {
        // An old WAL left beside the new file would be replayed into it.
        if let Ok(old) = open_keyed(database, OpenFlags::SQLITE_OPEN_READ_WRITE, key) {
            let _ = old.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        let kept = replaced_path(database);
        std::fs::rename(database, &kept)
            .map_err(|e| io(database, "impossibile mettere da parte il database", e))?;
    }
    for suffix in ["-wal", "-shm"] {
        let mut side = database.as_os_str().to_owned();
        side.push(suffix);
        let side = PathBuf::from(side);
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| io(&side, "impossibile eliminare", e))?;
        }
    }
    std::fs::rename(&tmp, database).map_err(|e| io(database, "impossibile ripristinare", e))?;
    sync_dir(database);
    Ok(BackupInfo { path: database.display().to_string(), ..info })
}

/// Backs up the database file at `database` (read-only: no migration, works
/// while the app has it open) to `out`.
pub fn backup_file(database: &Path, out: &Path, key: Option<&DbKey>) -> Result<BackupInfo, Error> {
    if !database.is_file() {
        return Err(Error::new(Code::Storage, format!("Database non trovato: {}", database.display())));
    }
    let conn = open_keyed(database, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX, key)?;
    let app: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(db_err)?;
    if app != APPLICATION_ID {
        return Err(Error::new(Code::Storage, "Il file indicato non è un database di Sportello"));
    }
    copy_into(&conn, key, out)
}
