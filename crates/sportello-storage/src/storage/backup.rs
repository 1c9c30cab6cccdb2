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
    /// After a restore: where the replaced database is kept (a name starting
    /// `<database>.prima-del-ripristino`, never one used before).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kept: Option<String>,
    /// What is wrong in a copy that is nonetheless usable (a broken audit
    /// chain, missing append-only triggers), in Italian: told and recorded.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
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
    crate::fsx::temp_beside(path)
}

/// Writes a consistent snapshot of `conn`'s database to `out` (which must not
/// exist: a backup never overwrites another), encrypted with `key`.
pub fn copy_into(conn: &Connection, key: Option<&DbKey>, out: &Path) -> Result<BackupInfo, Error> {
    let exists = || {
        Error::new(
            Code::Conflict,
            format!("Il file {} esiste già: scegliere un altro nome per la copia", out.display()),
        )
    };
    // Left by a backup to the same name killed before it finished.
    if let Some(name) = out.file_name() {
        crate::fsx::remove_stale_temporaries(crate::fsx::parent_dir(out), &name.to_string_lossy());
    }
    if out.exists() {
        return Err(exists());
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, "impossibile creare la cartella", e))?;
    }
    let tmp = temp_beside(out);
    remove_sqlite_files(&tmp);
    let result = (|| {
        snapshot(conn, key, &tmp)?;
        let info = validate(&tmp, key)?;
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| io(&tmp, "la copia", e))?;
        crate::crashpoint::crashpoint("backup-before-publish");
        // Created exclusively: a file that took the name meanwhile (another
        // backup to the same path) is never overwritten.
        crate::fsx::publish_new(&tmp, out).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                exists()
            } else {
                io(out, "la copia", e)
            }
        })?;
        Ok(BackupInfo { path: out.display().to_string(), ..info })
    })();
    if result.is_err() {
        remove_sqlite_files(&tmp);
    }
    result
}

/// Removes a database file SQLite was writing and its side files.
fn remove_sqlite_files(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let _ = std::fs::remove_file(side(path, suffix));
    }
}

fn side(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Copies `conn`'s database into the new file `to` with the backup API. The
/// destination gets the same key first, so no page is ever written in clear.
fn snapshot(conn: &Connection, key: Option<&DbKey>, to: &Path) -> Result<(), Error> {
    // Created empty and 0600 before SQLite writes a page (its journal takes
    // the same mode).
    crate::fsx::create_private_new(to).map_err(|e| io(to, "la copia", e))?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
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

fn sync_dir(file: &Path) {
    crate::fsx::sync_dir(file)
}

/// Checks that `path` is a sound Sportello database this program can open:
/// SQLite's integrity check, the application id and the schema version.
pub fn validate(path: &Path, key: Option<&DbKey>) -> Result<BackupInfo, Error> {
    open_checked(path, key).map(|c| c.info)
}

/// A copy opened read-only and checked ([`validate`]), kept open: the account
/// asking to restore it is read ([`CheckedCopy::operator`]) and the restore
/// copied ([`restore_checked`]) through the same connection, so a restore
/// opens the copy once.
pub struct CheckedCopy {
    conn: Connection,
    info: BackupInfo,
}

impl CheckedCopy {
    pub fn info(&self) -> &BackupInfo {
        &self.info
    }

    /// The active account `username` in the copy.
    pub fn operator(&self, username: &str) -> Result<Option<crate::domain::Operator>, Error> {
        super::active_operator(&self.conn, username)
    }
}

/// Opens `path` read-only and checks it as [`validate`] does.
pub fn open_checked(path: &Path, key: Option<&DbKey>) -> Result<CheckedCopy, Error> {
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
    let info = BackupInfo {
        path: path.display().to_string(),
        schema_version,
        size_bytes,
        kept: None,
        warnings: Vec::new(),
    };
    Ok(CheckedCopy { conn, info })
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

/// A backup interrupted by a crash leaves its temporary file (and SQLite's
/// `-journal` of it): removed once the process that wrote it is gone.
fn remove_stale_temporaries(dir: &Path) {
    crate::fsx::remove_stale_temporaries(dir, AUTO_PREFIX);
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

/// The first name `<database>.prima-del-ripristino` (then `.2`, `.3`, …)
/// that no file (nor its `-wal`) has: where a restore keeps the database it
/// replaces, never over a copy kept by an earlier restore.
pub fn next_replaced_path(database: &Path) -> PathBuf {
    let base = side(database, ".prima-del-ripristino");
    let mut n = 1u32;
    loop {
        let candidate = if n == 1 { base.clone() } else { side(&base, &format!(".{n}")) };
        if !candidate.exists() && !side(&candidate, "-wal").exists() && !side(&candidate, "-journal").exists()
        {
            return candidate;
        }
        n += 1;
    }
}

/// Every copy kept by earlier restores of `database`, oldest first.
pub fn replaced_copies(database: &Path) -> Vec<PathBuf> {
    let base = side(database, ".prima-del-ripristino");
    let mut out = Vec::new();
    let mut missing = 0;
    let mut n = 1u32;
    // A gap (a copy the office deleted) does not hide the later ones.
    while missing < 100 {
        let candidate = if n == 1 { base.clone() } else { side(&base, &format!(".{n}")) };
        if candidate.exists() {
            out.push(candidate);
            missing = 0;
        } else {
            missing += 1;
        }
        n += 1;
    }
    out
}

/// `<database>.ripristino-in-corso`: written once the new file is complete
/// and checked, removed once it has replaced the database. While it exists a
/// restore was cut short, and the next holder of the lock finishes it.
pub fn restore_journal_path(database: &Path) -> PathBuf {
    side(database, ".ripristino-in-corso")
}

/// `.<name>.ripristino` beside the database: the new file being prepared.
fn restore_temp_path(database: &Path) -> PathBuf {
    let name = database.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    crate::fsx::parent_dir(database).join(format!(".{name}.ripristino"))
}

/// Replaces `database` with the backup `from`, after checking it with `key`.
/// The caller holds the database's lock ([`super::lock::DatabaseLock`]).
///
/// One atomic replacement, so that a crash at any moment leaves a whole
/// database under its name (the old or the new) and the old one kept:
/// 1. the backup is copied (backup API) to `.<name>.ripristino` beside the
///    database, checked and flushed;
/// 2. the journal `<database>.ripristino-in-corso` names the copy to keep;
/// 3. the current database, checkpointed, gets a second name (a hard link,
///    or a copy where links are not supported), `<database>.prima-del-ripristino`
///    or the next free `.2`, `.3`…, with its `-wal` if one is left;
/// 4. the old `-wal`/`-shm` are removed (they would be replayed into the new file);
/// 5. one rename puts the new file in place; the journal is removed.
///
/// A crash before 2 leaves a temporary file the next run removes; after 2,
/// [`finish_interrupted_restore`] completes 3–5.
pub fn restore(from: &Path, database: &Path, key: Option<&DbKey>) -> Result<BackupInfo, Error> {
    restore_checked(open_checked(from, key)?, database, key)
}

/// As [`restore`], from a copy already opened and checked with `key`.
pub fn restore_checked(copy: CheckedCopy, database: &Path, key: Option<&DbKey>) -> Result<BackupInfo, Error> {
    // An earlier restore cut short is finished first: its kept copy is named.
    finish_interrupted_restore(database)?;
    let tmp = restore_temp_path(database);
    remove_sqlite_files(&tmp);
    let prepared = (|| {
        let src = copy.conn;
        let warnings = copy_warnings(&src);
        snapshot(&src, key, &tmp)?;
        drop(src);
        if !warnings.is_empty() {
            // A copy edited by other means gets back the triggers that keep
            // its log append-only (the broken chain stays as found: evidence).
            let fix =
                open_keyed(&tmp, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX, key)?;
            super::audit::restore_guards(&fix)?;
            fix.close().map_err(|(_, e)| db_err(e))?;
        }
        let info = validate(&tmp, key)?;
        // An office that shares the database with a group keeps it shared.
        crate::fsx::share_like(&tmp, database);
        std::fs::File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| io(&tmp, "la copia", e))?;
        crate::crashpoint::crashpoint("restore-prepared");
        Ok(BackupInfo { warnings, ..info })
    })();
    let info = match prepared {
        Ok(i) => i,
        Err(e) => {
            remove_sqlite_files(&tmp);
            return Err(e);
        }
    };
    if database.exists() {
        // Folds the old WAL into the file, so that the kept copy is whole on its own.
        if let Ok(old) =
            open_keyed(database, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX, key)
        {
            let _ = old.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }
    let kept = database.exists().then(|| next_replaced_path(database));
    let journal = restore_journal_path(database);
    let body = match &kept {
        Some(k) => format!("conserva={}\n", k.display()),
        None => String::new(),
    };
    crate::fsx::write_private_atomic(&journal, body.as_bytes())
        .map_err(|e| io(&journal, "impossibile registrare il ripristino", e))?;
    crate::crashpoint::crashpoint("restore-journal-written");
    let kept = complete_restore(database, &tmp, kept.as_deref())?;
    Ok(BackupInfo {
        path: database.display().to_string(),
        kept: kept.map(|k| k.display().to_string()),
        ..info
    })
}

/// Steps 3–5 of [`restore`]: idempotent, so that a crash at any point is
/// finished by running it again. Returns the kept copy.
fn complete_restore(database: &Path, tmp: &Path, kept: Option<&Path>) -> Result<Option<PathBuf>, Error> {
    let journal = restore_journal_path(database);
    if tmp.exists() {
        if let Some(kept) = kept {
            if database.exists() && !kept.exists() {
                keep_copy(database, kept)?;
                crate::crashpoint::crashpoint("restore-kept");
            }
            for suffix in ["-wal", "-journal"] {
                let own = side(database, suffix);
                let kept_side = side(kept, suffix);
                if std::fs::metadata(&own).is_ok_and(|m| m.len() > 0) && !kept_side.exists() {
                    // Commits the checkpoint could not fold in (a damaged
                    // file), or a hot journal: they stay with their copy.
                    keep_copy(&own, &kept_side)?;
                }
            }
        }
        for suffix in ["-wal", "-shm", "-journal"] {
            let p = side(database, suffix);
            match std::fs::remove_file(&p) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(&p, "impossibile eliminare", e)),
            }
        }
        crate::crashpoint::crashpoint("restore-before-rename");
        std::fs::rename(tmp, database).map_err(|e| io(database, "impossibile ripristinare", e))?;
        sync_dir(database);
        crate::crashpoint::crashpoint("restore-renamed");
    }
    std::fs::remove_file(&journal).map_err(|e| io(&journal, "impossibile chiudere il ripristino", e))?;
    sync_dir(database);
    Ok(kept.map(Path::to_path_buf))
}

/// Gives the file at `from` the second name `to` (which must not exist).
fn keep_copy(from: &Path, to: &Path) -> Result<(), Error> {
    match std::fs::hard_link(from, to) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(io(to, "esiste già, non viene sovrascritto:", e))
        }
        Err(_) => {
            // No hard links here (some network drives): a flushed copy.
            let copied = (|| {
                let mut dst = crate::fsx::create_private_new(to)?;
                let mut src = std::fs::File::open(from)?;
                std::io::copy(&mut src, &mut dst)?;
                dst.sync_all()
            })();
            if let Err(e) = copied {
                let _ = std::fs::remove_file(to);
                return Err(io(to, "impossibile conservare il database sostituito", e));
            }
        }
    }
    sync_dir(to);
    Ok(())
}

/// What a restore cut short by a crash left, put right: with its journal,
/// the prepared copy replaces the database (the old one kept as the journal
/// says); without, a half-prepared copy is removed. The caller holds the
/// lock ([`super::lock::DatabaseLock::acquire`] calls it). Returns the kept
/// copy when a restore was finished.
pub fn finish_interrupted_restore(database: &Path) -> Result<Option<PathBuf>, Error> {
    let journal = restore_journal_path(database);
    let tmp = restore_temp_path(database);
    let text = match std::fs::read_to_string(&journal) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            remove_sqlite_files(&tmp);
            return Ok(None);
        }
        Err(e) => return Err(io(&journal, "impossibile leggere", e)),
    };
    let kept = text.lines().find_map(|l| l.strip_prefix("conserva=")).map(PathBuf::from);
    // SQLite's rollback journal of the prepared copy: the copy was complete
    // and flushed before the journal was written, so it holds nothing.
    let _ = std::fs::remove_file(side(&tmp, "-journal"));
    complete_restore(database, &tmp, kept.as_deref())
}

/// Records on the audit log of `database` a copy made of it or a restore into
/// it (`detail`: from where, to where, what was wrong), as the account
/// `operator` (added first if it is not in that file: the recovery key's
/// built-in administrator, or an account that a restored copy predates).
/// Every backup and restore carries every family: who, when, where to.
pub fn record(
    database: &Path,
    key: &DbKey,
    at: &str,
    operator: &crate::domain::Operator,
    action: &str,
    detail: &str,
) -> Result<(), Error> {
    let store = super::Storage::open(database, key)?;
    store.transaction(|tx| {
        let id = match tx.operator_by_username_any(&operator.username)? {
            Some((op, _)) => op.id,
            None => {
                tx.operator_insert(operator, at)?;
                operator.id
            }
        };
        tx.audit_append(&super::Stamp { at: at.to_string(), by: id }, action, None, Some(detail))
    })?;
    store.close()
}

/// After `database` was restored from a backup: a hub skips the case
/// numbers it may have granted after that backup
/// ([`super::Storage::case_blocks_reserve_after_restore`]). `at`: RFC 3339, whose
/// year is the one reserved.
pub fn reserve_case_numbers_after_restore(database: &Path, key: &DbKey, at: &str) -> Result<(), Error> {
    let year: i32 = at
        .get(..4)
        .and_then(|y| y.parse().ok())
        .ok_or_else(|| Error::new(Code::Internal, format!("momento del ripristino non leggibile: {at}")))?;
    let store = super::Storage::open(database, key)?;
    store.case_blocks_reserve_after_restore(year, at)?;
    store.close()
}

/// What crashes left beside `database`, put right by the holder of its lock:
/// a restore cut short is finished ([`finish_interrupted_restore`]), the
/// temporary files of interrupted writes are removed (beside the database and
/// among the automatic backups), and so are the build files of a new
/// database (`.<name>.nuovo`) or of a demo (`.<name>.demo`).
pub fn tidy(database: &Path) -> Result<(), Error> {
    finish_interrupted_restore(database)?;
    super::encrypt::finish_interrupted_encryption(database);
    let dir = crate::fsx::parent_dir(database);
    if let Some(name) = database.file_name().map(|n| n.to_string_lossy().into_owned()) {
        crate::fsx::remove_stale_temporaries(dir, &name);
        // Build files of a new database or of the demo (their builders hold
        // this lock, so none is in progress).
        remove_sqlite_files(&dir.join(format!(".{name}.nuovo")));
        let demo = dir.join(format!(".{name}.demo"));
        remove_sqlite_files(&demo);
        let _ = std::fs::remove_file(side(&demo, ".keys"));
        remove_sqlite_files(&dir.join(format!("..{name}.demo.nuovo")));
    }
    if let Ok(policy) = BackupPolicy::from_env(database) {
        remove_stale_temporaries(&policy.dir);
        // An encryption of the backups cut short: a plain second name left.
        for b in automatic_backups(&policy.dir).unwrap_or_default() {
            super::encrypt::finish_interrupted_encryption(&b);
        }
    }
    Ok(())
}

/// What is wrong with a copy that is still usable: its audit chain broken,
/// or the triggers that make the audit log append-only missing.
fn copy_warnings(conn: &Connection) -> Vec<String> {
    let mut out = Vec::new();
    match super::audit::verify(conn) {
        Ok(r) if r.ok => {}
        Ok(r) => {
            let b = r.broken.as_ref();
            out.push(format!(
                "il registro degli accessi della copia è alterato (riga {}{})",
                b.map(|b| b.seq).unwrap_or_default(),
                b.map(|b| format!(": {}", b.reason)).unwrap_or_default()
            ));
        }
        Err(e) => {
            out.push(format!("il registro degli accessi della copia non è verificabile: {}", e.message))
        }
    }
    let missing = super::audit::missing_guards(conn);
    if !missing.is_empty() {
        out.push(format!(
            "mancavano nella copia le protezioni del registro degli accessi ({}): sono state ricreate",
            missing.join(", ")
        ));
    }
    out
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
