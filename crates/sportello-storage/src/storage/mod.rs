//! The only module that touches SQLite: connection setup, versioned migrations,
//! and the queries of each record type.
//!
//! Architecture invariant: no rules and no clock here. Callers pass the acting
//! operator and the timestamp ([`Stamp`]); every command runs in one transaction
//! ([`Storage::transaction`]), so a failure leaves nothing half-written.
//!
//! One file per database, opened with WAL (readers never wait for the writer),
//! `foreign_keys=ON`, a busy timeout (two app windows or the CLI may share it),
//! and an application id that tells a Sportello database from any other file.

mod analyses;
pub mod audit;
pub mod backup;
mod calls;
pub mod case_numbers;
mod columns;
mod data_requests;
mod documents;
pub mod eligibility;
pub mod encrypt;
mod field_history;
mod households;
mod housing;
mod informativa;
pub mod lock;
pub mod migrations;
mod monitoring;
mod operators;
mod programmes;
mod project_finance;
mod projects;
mod quadri;
mod reimbursements;
pub mod retention;
pub mod retention_records;
pub mod scope;
pub mod search;
pub mod sync;
mod sync_scope;

// The column conversions, for the modules below (`super::col`, `super::date`…).
use columns::{col, conversion, date, opt_col, opt_date, opt_date_sql, opt_word, word, Sql, Values};

use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use crate::domain::Id;
use crate::error::{Code, Error};
use crate::keyring::DbKey;

pub use calls::{ApplicationRow, CallRow, VersionRow};
pub use data_requests::DataRequestRow;
pub use field_history::FieldChangeRow;
pub use households::SearchQuery;
pub use housing::{StayRow, UnitRow, WaitingRow, WaitingState};
pub use operators::AuditEntry;
pub use project_finance::{Annulment, CommitmentRow, FundedProjectRow, PaymentRow};
pub use reimbursements::{AwardRow, ClaimDocumentRow, ClaimRow, LiquidationItem, LiquidationRow};
pub use scope::{CaseAuditRow, CaseExposure, CaseFilter, ExposureQuery};
pub use sync_scope::{Enrolled, NewDevice};

/// `PRAGMA application_id` of a Sportello database ("SPRT").
pub const APPLICATION_ID: i32 = 0x5350_5254;

/// How long a writer waits for another before giving up with a clear error.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Who acts and when, stamped on every row written.
#[derive(Debug, Clone)]
pub struct Stamp {
    pub at: String,
    pub by: Id,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    pub schema_version: u32,
    pub journal_mode: String,
    pub foreign_keys: bool,
    pub busy_timeout_ms: u64,
    pub application_id: i32,
}

pub struct Storage {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
    /// The file's key, for the backups (encrypted with it too). Wiped on drop.
    /// Changes only with [`Storage::rekey`], which holds the connection.
    key: RwLock<Option<DbKey>>,
}

/// One open transaction: every query of the service goes through it.
pub struct Tx<'c> {
    tx: rusqlite::Transaction<'c>,
    /// Who acts and when, as the service stamped this transaction: recorded
    /// with its changes for sync ([`sync`]).
    stamp: std::cell::RefCell<Option<Stamp>>,
}

impl Tx<'_> {
    /// Tells the transaction who acts and when (the service's gate does).
    pub fn note_stamp(&self, stamp: &Stamp) {
        *self.stamp.borrow_mut() = Some(stamp.clone());
    }
}

impl Tx<'_> {
    /// Every row of a (cached) query, each made by `f`.
    pub(crate) fn rows<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, Error> {
        let mut stmt = self.tx.prepare_cached(sql).map_err(db_err)?;
        let rows = stmt.query_map(params, f).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    }
}

impl Storage {
    /// Opens the existing database at `path` with `key` and migrates it. A
    /// file database is always encrypted: `key` is required. A missing or
    /// empty file is [`Code::NotFound`] and nothing is created in its place
    /// (a new database comes only from [`Storage::create`]); a key that is
    /// not the file's, or a damaged file, is a typed error; the file is left
    /// as it was in every case. A restore interrupted by a crash is finished
    /// first ([`backup::finish_interrupted_restore`]).
    pub fn open(path: &Path, key: &DbKey) -> Result<Storage, Error> {
        Storage::open_checked(path, key, true)
    }

    /// As [`Storage::open`], without reading every page to find damage
    /// first: for the sync server, which opens the office's database for
    /// each exchange (every few seconds per desk) after a login that
    /// checked it; a database restored meanwhile was checked by the restore.
    pub fn open_for_exchange(path: &Path, key: &DbKey) -> Result<Storage, Error> {
        Storage::open_checked(path, key, false)
    }

    fn open_checked(path: &Path, key: &DbKey, check: bool) -> Result<Storage, Error> {
        if backup::restore_journal_path(path).exists() {
            // The lock's holder finishes the restore; held by another
            // instance, it is told as a conflict.
            drop(lock::DatabaseLock::acquire(path)?);
        }
        require_existing(path)?;
        crate::fsx::close_to_others(path);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = open_keyed(path, flags, Some(key))?;
        Storage::setup_checked(conn, Some(path.to_path_buf()), Some(key.duplicate()), check)
    }

    /// Creates a new, empty encrypted database at `path` (which must not
    /// exist: [`Code::Conflict`]), private to the account (0600), and
    /// migrates it. Only for a new database (`Service::create`, in the `sportello` crate).
    pub fn create(path: &Path, key: &DbKey) -> Result<Storage, Error> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::new(Code::Io, format!("impossibile creare la cartella {}: {e}", dir.display()))
            })?;
        }
        // Created here, empty and 0600, before SQLite writes a page: SQLite
        // gives its -wal and -shm the mode of the database file.
        crate::fsx::create_private_new(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::new(
                    Code::Conflict,
                    format!("Il database {} esiste già: non viene sostituito da uno nuovo", path.display()),
                )
            } else {
                crate::fsx::io_error(path, "impossibile creare il database", e)
            }
        })?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = open_keyed(path, flags, Some(key))?;
        Storage::setup(conn, Some(path.to_path_buf()), Some(key.duplicate()))
    }

    /// A PLAIN file database, only for the benchmark that measures what
    /// encryption costs. Never for real data.
    #[doc(hidden)]
    pub fn open_unencrypted_for_benchmark(path: &Path) -> Result<Storage, Error> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = open_keyed(path, flags, None)?;
        Storage::setup(conn, Some(path.to_path_buf()), None)
    }

    /// A private database in memory (tests, benchmarks).
    pub fn open_in_memory() -> Result<Storage, Error> {
        let conn = Connection::open_in_memory().map_err(db_err)?;
        Storage::setup(conn, None, None)
    }

    fn setup(conn: Connection, path: Option<PathBuf>, key: Option<DbKey>) -> Result<Storage, Error> {
        Storage::setup_checked(conn, path, key, true)
    }

    fn setup_checked(
        mut conn: Connection,
        path: Option<PathBuf>,
        key: Option<DbKey>,
        check: bool,
    ) -> Result<Storage, Error> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db_err)?;
        // 32 MB of page cache (SQLite's default is 2 MB): with SQLCipher a page
        // read from the file is decrypted and its HMAC checked, so keeping an
        // office database's working set (indexes of names and codici fiscali)
        // in memory is what keeps search as you type as fast as on a plain
        // file. Decrypted pages live in this process's memory only.
        conn.pragma_update(None, "cache_size", -32_768).map_err(db_err)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db_err)?;
        check_application_id(&conn)?;
        if path.is_some() && check {
            // A damaged or truncated file is told at once, with the way out,
            // rather than failing on some later screen.
            quick_check(&conn)?;
        }
        if path.is_some() {
            let mode: String =
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)).map_err(db_err)?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Error::new(
                    Code::Storage,
                    format!("impossibile attivare il journal WAL (modalità {mode})"),
                ));
            }
        }
        // In WAL mode NORMAL never corrupts the file; a power cut may lose the last
        // commits, which FULL would keep at the price of a disk flush per keystroke
        // of search (each one writes its audit row). What must survive a power
        // cut (a signature, a published ranking) goes through
        // [`Storage::durable_transaction`], which commits with FULL.
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(db_err)?;
        migrations::migrate(&mut conn, migrations::MIGRATIONS)?;
        audit::seal_unsealed(&mut conn)?;
        Ok(Storage { conn: Mutex::new(conn), path, key: RwLock::new(key) })
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Closes the connection, folding the WAL into the main file.
    pub fn close(self) -> Result<(), Error> {
        let conn =
            self.conn.into_inner().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        conn.close().map_err(|(_, e)| db_err(e))
    }

    /// Runs `f` in one write transaction (taken at once, so two writers never
    /// deadlock): committed if `f` succeeds, rolled back otherwise.
    pub fn transaction<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T, Error>) -> Result<T, Error> {
        let mut conn = self.conn.lock().map_err(|_| {
            Error::new(Code::Internal, "connessione al database non disponibile dopo un errore")
        })?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
        let tx = Tx { tx, stamp: std::cell::RefCell::new(None) };
        // Every change of a synced table is recorded, in this transaction,
        // as the replica's next change for the others (docs/sync.md).
        let capture = sync::Capture::start(&tx.tx)?;
        let out = f(&tx)?;
        capture.finish(&tx.tx, tx.stamp.borrow().as_ref(), None)?;
        tx.tx.commit().map_err(db_err)?;
        Ok(out)
    }

    /// As [`Storage::transaction`], with `synchronous=FULL` for its commit: the
    /// WAL is flushed to the disk before it returns, so a power cut right
    /// after cannot lose it. For signatures and published rankings, whose loss
    /// would be told to a family or the public.
    pub fn durable_transaction<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T, Error>) -> Result<T, Error> {
        self.set_synchronous("FULL")?;
        let out = self.transaction(f);
        let back = self.set_synchronous("NORMAL");
        let out = out?;
        back?;
        Ok(out)
    }

    fn set_synchronous(&self, level: &str) -> Result<(), Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        conn.pragma_update(None, "synchronous", level).map_err(db_err)
    }

    /// `synchronous` now (1 = NORMAL, 2 = FULL), for tests.
    pub fn synchronous(&self) -> Result<i64, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        conn.pragma_query_value(None, "synchronous", |r| r.get(0)).map_err(db_err)
    }

    /// Writes a consistent, encrypted copy of the database to `out` ([`backup::copy_into`]).
    pub fn backup_to(&self, out: &Path) -> Result<backup::BackupInfo, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let key = self.current_key()?;
        backup::copy_into(&conn, key.as_ref(), out)
    }

    /// Takes the day's automatic backup and prunes the old ones ([`backup::rotate`]).
    pub fn rotate_backups(
        &self,
        policy: &backup::BackupPolicy,
        stamp: &str,
    ) -> Result<Option<PathBuf>, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let key = self.current_key()?;
        backup::rotate(&conn, key.as_ref(), policy, stamp)
    }

    /// An automatic backup now, even if the day has one already (after a
    /// re-key: the day's earlier backup is under the old key), then pruning.
    pub fn fresh_backup(&self, policy: &backup::BackupPolicy, stamp: &str) -> Result<Option<PathBuf>, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let key = self.current_key()?;
        backup::rotate_now(&conn, key.as_ref(), policy, stamp)
    }

    fn current_key(&self) -> Result<Option<DbKey>, Error> {
        let key = self.key.read().map_err(|_| Error::new(Code::Internal, "chiave non disponibile"))?;
        Ok(key.as_ref().map(DbKey::duplicate))
    }

    /// Gives the database file the key `new_key` (SQLCipher's `PRAGMA rekey`,
    /// every page rewritten in one transaction) and keeps using it.
    ///
    /// The rewrite runs with a rollback journal, not the WAL: SQLCipher writes
    /// the journal's pages with the old key, so a crash in the middle rolls
    /// the file back, whole, to the old key at the next open, and a commit
    /// leaves it whole under the new one; a file is never half one, half the
    /// other. `synchronous=FULL` for that commit: a power cut must not undo it
    /// once the caller goes on to write the new keys. The WAL comes back after.
    /// Another process reading the file meanwhile makes it fail with
    /// [`Code::Conflict`], nothing changed.
    pub fn rekey(&self, new_key: &DbKey) -> Result<(), Error> {
        let Some(path) = self.path.clone() else {
            return Err(Error::new(Code::Conflict, "Un database in memoria non ha una chiave da cambiare"));
        };
        if self.current_key()?.is_none() {
            return Err(Error::new(
                Code::Conflict,
                "Il database non è cifrato: cifrarlo prima di cambiarne la chiave",
            ));
        }
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let busy: i64 =
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0)).map_err(db_err)?;
        if busy != 0 {
            return Err(Error::new(
                Code::Conflict,
                "Il database è in uso da un altro programma (una copia o una verifica in corso): riprovare tra poco",
            ));
        }
        let mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "DELETE", |r| r.get(0)).map_err(db_err)?;
        let result = (|| {
            if !mode.eq_ignore_ascii_case("delete") {
                return Err(Error::new(
                    Code::Storage,
                    format!("impossibile lasciare il journal WAL (modalità {mode})"),
                ));
            }
            conn.pragma_update(None, "synchronous", "FULL").map_err(db_err)?;
            crate::crashpoint::crashpoint("rekey:journal-delete");
            let sql =
                zeroize::Zeroizing::new(format!("PRAGMA rekey = \"{}\";", &*new_key.sqlcipher_literal()));
            if let Err(e) = conn.execute_batch(&sql) {
                // Rolled back, but SQLCipher has already made the new key this
                // connection's key for writing: give it the old one back, or its
                // next commit would write pages the old key cannot read.
                if let Some(old) = self.current_key()? {
                    let back =
                        zeroize::Zeroizing::new(format!("PRAGMA rekey = \"{}\";", &*old.sqlcipher_literal()));
                    let _ = conn.execute_batch(&back);
                }
                return Err(db_err(e));
            }
            crate::crashpoint::crashpoint("rekey:rekeyed");
            Ok(())
        })();
        let back = (|| {
            let mode: String =
                conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)).map_err(db_err)?;
            conn.pragma_update(None, "synchronous", "NORMAL").map_err(db_err)?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Error::new(
                    Code::Storage,
                    format!("impossibile riattivare il journal WAL (modalità {mode})"),
                ));
            }
            Ok(())
        })();
        result?;
        back?;
        drop(conn);
        // SQLCipher's pragma reports some failures only as a row: a second
        // connection with the new key is the proof that the file has it.
        if !key_opens(&path, new_key)? {
            return Err(Error::new(Code::Storage, "il cambio della chiave del database non è riuscito"));
        }
        *self.key.write().map_err(|_| Error::new(Code::Internal, "chiave non disponibile"))? =
            Some(new_key.duplicate());
        Ok(())
    }

    /// Caps the database at `pages` pages, as a full disk would (tests of
    /// [`Code::DiskFull`]). Returns the cap in force.
    #[doc(hidden)]
    pub fn limit_pages(&self, pages: i64) -> Result<i64, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        conn.pragma_update_and_check(None, "max_page_count", pages, |r| r.get(0)).map_err(db_err)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        migrations::user_version(&conn)
    }

    /// How the connection is set up (for an "about" screen and for tests).
    pub fn diagnostics(&self) -> Result<Diagnostics, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let text = |name: &str| -> Result<String, Error> {
            conn.pragma_query_value(None, name, |r| r.get::<_, rusqlite::types::Value>(0))
                .map(|v| match v {
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })
                .map_err(db_err)
        };
        Ok(Diagnostics {
            schema_version: migrations::user_version(&conn)?,
            journal_mode: text("journal_mode")?,
            foreign_keys: text("foreign_keys")? == "1",
            busy_timeout_ms: text("busy_timeout")?.parse().unwrap_or(0),
            application_id: text("application_id")?.parse().unwrap_or(0),
        })
    }

    /// Walks the hash chain of the audit log ([`audit::verify`]).
    pub fn audit_verify(&self) -> Result<audit::VerifyReport, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let mut report = audit::verify(&conn)?;
        // "Integro" only for a sound file whose log is still append-only.
        let keyed =
            self.key.read().map_err(|_| Error::new(Code::Internal, "chiave non disponibile"))?.is_some();
        report.file_problems = audit::file_problems(&conn, keyed);
        report.guards_missing = audit::missing_guards(&conn);
        if !report.file_problems.is_empty() || !report.guards_missing.is_empty() {
            report.ok = false;
            report.head = None;
        }
        // The devices' chains (at a hub), from a sound file only.
        if report.file_problems.is_empty() {
            audit::add_devices(&conn, &mut report)?;
        }
        Ok(report)
    }

    /// Checks the file: SQLite's integrity check and every foreign key.
    /// Returns the problems found (empty = sound).
    pub fn check(&self) -> Result<Vec<String>, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        migrations::check(&conn)
    }

    /// How many rows each table holds, by table name (the diagnostics bundle:
    /// numbers, nobody's data).
    pub fn table_counts(&self) -> Result<Vec<(String, u64)>, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let names: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
            .map_err(db_err)?;
        names
            .into_iter()
            .map(|name| {
                // The names come from the schema itself, quoted as identifiers.
                let sql = format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\""));
                let n: i64 = conn.query_row(&sql, [], |r| r.get(0)).map_err(db_err)?;
                Ok((name, n.max(0) as u64))
            })
            .collect()
    }
}

/// Opens the file at `path` and gives SQLCipher its key before anything else
/// is read, then checks that the key opens it: a wrong key, a plain (not
/// encrypted) SQLite file and a damaged first page each get their message.
pub(crate) fn open_keyed(path: &Path, flags: OpenFlags, key: Option<&DbKey>) -> Result<Connection, Error> {
    configure_library_log(path);
    let conn = Connection::open_with_flags(path, flags).map_err(|e| {
        Error::new(Code::Storage, format!("impossibile aprire il database {}: {e}", path.display()))
    })?;
    if let Some(key) = key {
        // The raw-key form (x'…'): no passphrase derivation inside SQLCipher.
        let sql = zeroize::Zeroizing::new(format!("PRAGMA key = \"{}\";", &*key.sqlcipher_literal()));
        conn.execute_batch(&sql).map_err(db_err)?;
    }
    if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        return Err(match e.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) if is_plain_sqlite(path) && !is_plain_sportello(path) => {
                Error::new(Code::Storage, "Il file indicato non è un database di Sportello: non è stato modificato")
            }
            Some(ErrorCode::NotADatabase) if is_plain_sqlite(path) => Error::new(
                Code::Storage,
                format!(
                    "Il database {} non è cifrato: convertirlo con «sportello encrypt --database {}» \
                     prima di usarlo",
                    path.display(),
                    path.display()
                ),
            ),
            Some(ErrorCode::NotADatabase) => Error::new(
                Code::Corrupt,
                format!(
                    "Il database {} non si apre con questa chiave: è danneggiato oppure appartiene a un altro \
                     file delle chiavi. Non è stato modificato: ripristinarlo dall'ultima copia di sicurezza",
                    path.display()
                ),
            ),
            _ => db_err(e),
        });
    }
    // Sorting and temporary indexes stay in memory: SQLite's temporary files
    // would otherwise hold decrypted rows on disk.
    conn.pragma_update(None, "temp_store", "MEMORY").map_err(db_err)?;
    Ok(conn)
}

/// SQLCipher writes its own English lines (`ERROR CORE … hmac check
/// failed`, one per damaged page) to standard error unless told otherwise:
/// the command line's contract is one Italian message there. Its log setting
/// is global to the library, so it is made once per process, before the first
/// file is opened, on a throwaway in-memory connection that is never keyed:
/// changing it while another thread keys a connection (the tests open
/// databases in parallel) made a `PRAGMA key` fail now and then. The lines go
/// to [`LIBRARY_LOG`] beside the first database the process opens (0600);
/// where that file cannot be made, they are silenced.
fn configure_library_log(database: &Path) {
    static DONE: std::sync::Once = std::sync::Once::new();
    DONE.call_once(|| {
        let Ok(c) = Connection::open_in_memory() else { return };
        let _ = c.query_row("PRAGMA cipher_log = off", [], |_| Ok(()));
        let file = crate::fsx::parent_dir(database).join(LIBRARY_LOG);
        if !file.exists() && crate::fsx::create_private_new(&file).is_err() {
            return;
        }
        let Some(text) = file.to_str() else { return };
        let sql = format!("PRAGMA cipher_log = '{}'", text.replace('\'', "''"));
        let _ = c.query_row(&sql, [], |_| Ok(()));
    });
}

/// Name of the file beside the database where SQLCipher's own messages go:
/// page numbers and error codes, never a row's content.
pub const LIBRARY_LOG: &str = "sportello-sqlcipher.log";

/// Whether `key` opens the database file at `path`. `false` when the file
/// answers "not a database" with it (another key); an error for anything else
/// (missing, unreadable). Opened for writing, never created: a rollback left
/// by a crash (a re-key cut short) is finished here, whatever the key.
pub fn key_opens(path: &Path, key: &DbKey) -> Result<bool, Error> {
    if !path.is_file() {
        return Err(Error::new(Code::NotFound, format!("Database non trovato: {}", path.display())));
    }
    match open_keyed(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX, Some(key)) {
        Ok(_) => Ok(true),
        Err(e) if e.code == Code::Corrupt => Ok(false),
        Err(e) => Err(e),
    }
}

/// The active account `username` in the database file at `path`, read
/// without changing anything (no migration, no lock): how the command line
/// checks the role of whoever asks for a backup or a verification.
pub fn peek_operator(
    path: &Path,
    key: &DbKey,
    username: &str,
) -> Result<Option<crate::domain::Operator>, Error> {
    peek_operator_with(path, Some(key), username)
}

/// As [`peek_operator`]; `None` for a plain database of an earlier version.
pub fn peek_operator_with(
    path: &Path,
    key: Option<&DbKey>,
    username: &str,
) -> Result<Option<crate::domain::Operator>, Error> {
    if !path.is_file() {
        return Err(Error::new(Code::NotFound, format!("Database non trovato: {}", path.display())));
    }
    let conn = open_keyed(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX, key)?;
    active_operator(&conn, username)
}

/// The active account `username` on an open connection (see [`peek_operator`]).
fn active_operator(conn: &Connection, username: &str) -> Result<Option<crate::domain::Operator>, Error> {
    conn.query_row(
        "SELECT id, username, name, role FROM operators WHERE username = ?1 AND active = 1",
        [username],
        |r| {
            Ok(crate::domain::Operator {
                id: col(r, 0)?,
                username: r.get(1)?,
                name: r.get(2)?,
                role: word(r, 3)?,
            })
        },
    )
    .map(Some)
    .or_else(|e| if matches!(e, rusqlite::Error::QueryReturnedNoRows) { Ok(None) } else { Err(db_err(e)) })
}

/// A missing or empty file where a database should be: never created here.
fn require_existing(path: &Path) -> Result<(), Error> {
    let len = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Some(m.len()),
        Ok(_) => {
            return Err(Error::new(Code::Storage, format!("{} non è un file di database", path.display())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(crate::fsx::io_error(path, "impossibile leggere il database", e)),
    };
    match len {
        None => Err(Error::new(
            Code::NotFound,
            format!(
                "Il database {} non esiste: non ne viene creato uno vuoto al suo posto. Se è stato spostato, \
                 indicarne il percorso; se è andato perso, ripristinarlo dall'ultima copia di sicurezza \
                 (sportello restore --from COPIA --database {})",
                path.display(),
                path.display()
            ),
        )),
        Some(0) => Err(Error::new(
            Code::Corrupt,
            format!(
                "Il database {} è vuoto (0 byte): non è stato modificato. Ripristinarlo dall'ultima copia di \
                 sicurezza (sportello restore --from COPIA --database {})",
                path.display(),
                path.display()
            ),
        )),
        Some(_) => Ok(()),
    }
}

/// Whether a plain SQLite file carries Sportello's application id (read
/// straight from the header: offset 68, big-endian).
fn is_plain_sportello(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 72];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok()
        && i32::from_be_bytes([head[68], head[69], head[70], head[71]]) == APPLICATION_ID
}

/// Whether the file starts with SQLite's plain header (an unencrypted database).
pub fn is_plain_sqlite(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok()
        && &head == b"SQLite format 3\0"
}

fn quick_check(conn: &Connection) -> Result<(), Error> {
    let damaged = |detail: String| {
        Error::new(
            Code::Corrupt,
            format!(
                "Il database è danneggiato ({detail}): non è stato modificato. Ripristinarlo dall'ultima \
                 copia di sicurezza (sportello restore --from COPIA --database DATABASE)"
            ),
        )
    };
    let first: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0)).map_err(|e| {
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => damaged(e.to_string()),
            _ => db_err(e),
        }
    })?;
    if first != "ok" {
        return Err(damaged(first));
    }
    Ok(())
}

fn check_application_id(conn: &Connection) -> Result<(), Error> {
    let app: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(db_err)?;
    if app == APPLICATION_ID {
        return Ok(());
    }
    let objects: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(db_err)?;
    if app != 0 || objects > 0 {
        return Err(Error::new(
            Code::Storage,
            "Il file indicato non è un database di Sportello: non è stato modificato",
        ));
    }
    conn.pragma_update(None, "application_id", APPLICATION_ID).map_err(db_err)
}

/// Maps a SQLite failure to the library's error, in Italian.
pub(crate) fn db_err(e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => {
            Error::new(Code::DiskFull, "Il disco è pieno: l'operazione non è stata salvata")
        }
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            Error::new(Code::Conflict, "Il database è occupato da un'altra operazione: riprovare tra poco")
        }
        Some(ErrorCode::DatabaseCorrupt) => Error::new(
            Code::Corrupt,
            "Il database è danneggiato: ripristinarlo dall'ultima copia di sicurezza (sportello restore)",
        ),
        Some(ErrorCode::NotADatabase) => {
            Error::new(Code::Corrupt, "Il file non è un database di Sportello oppure è danneggiato")
        }
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => {
            Error::new(Code::Storage, format!("Il database non è accessibile in scrittura: {e}"))
        }
        _ => Error::new(Code::Storage, format!("Errore del database: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synchronous_in(tx: &Tx<'_>) -> i64 {
        tx.tx.pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap()
    }

    #[test]
    fn durable_transactions_commit_with_full_sync_the_others_with_normal() {
        let dir = tempfile::tempdir().unwrap();
        let key = DbKey::generate().unwrap();
        let store = Storage::create(&dir.path().join("s.sqlite"), &key).unwrap();
        assert_eq!(store.transaction(|tx| Ok(synchronous_in(tx))).unwrap(), 1, "NORMAL");
        assert_eq!(store.durable_transaction(|tx| Ok(synchronous_in(tx))).unwrap(), 2, "FULL");
        assert_eq!(store.transaction(|tx| Ok(synchronous_in(tx))).unwrap(), 1, "NORMAL again");
    }
}
