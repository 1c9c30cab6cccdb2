//! Retention and erasure (issue 16 item 4; GDPR art. 5(1)(e), 17): the
//! cases and their closing days, and the erasure of a case everywhere a
//! copy of its values lies in this database.
//!
//! Where copies lie, and what happens to each:
//! - the case's rows (`sync_scope::CASE_TABLES`: members with their search
//!   keys, analyses, projects and their texts, signatures, documents with
//!   their PDFs, eligibility checks, housing stays, choices on conflicts):
//!   deleted;
//! - `sync_conflicts` about those rows (they hold both values of a field):
//!   deleted;
//! - `sync_outbox`: the changesets that carried the case's changes (old and
//!   new values of every column) are rewritten without them (`cut`; a
//!   changeset left empty stays as an empty entry, so the numbers other
//!   replicas count by do not move);
//! - `sync_peer_outbox`: a whole copy of the case queued for a device is
//!   emptied (the device, applying an empty copy, removes what it holds);
//! - the applications to a call that named the case or a member: the link
//!   is cut (the application is the office's, kept under its own term);
//! - the audit log: its rows hold ids (record, operator) and the action;
//!   append-only and hash-chained, it is kept whole. Detail texts are the
//!   reasons typed for some acts (an annulment, a restriction): the forms
//!   ask for reasons without names (docs/ipc.md); they are not rewritten.
//!
//! The deletion is done with `secure_delete` on (freed pages are zeroed),
//! and is not captured as a change: the erasure travels as its own record
//! (`erasures`, an insert), and every replica purges the case when it meets
//! it ([`purge_erased`]). After the commit the file is rebuilt (`VACUUM`)
//! and the WAL checkpointed with TRUNCATE ([`scrub`]), so no page of the
//! file nor of the WAL keeps old bytes of the case.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::sync::{quote, read_changes, Capture};
use super::sync_scope::{case_condition, cut, forget_case_traces, Resolver, CASE_TABLES};
use super::{db_err, Stamp, Storage, Tx};
use crate::domain::Id;
use crate::error::{Code, Error};

/// A case and the day its last activity was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseClosing {
    pub household_id: Id,
    pub case_number: String,
    /// ISO day of the last change recorded on the case or any of its rows.
    pub last_activity: String,
    /// A stay in temporary housing not ended: the case is not closed.
    pub open_stay: bool,
    /// Processing restricted (art. 18): kept, never erased meanwhile.
    pub restricted: bool,
}

/// The erasure's verbale, as written (and as the ledger carries it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureRow {
    pub id: Id,
    /// `cancellazione` or `anonimizzazione` (statistics kept first).
    pub mode: String,
    pub household_id: Id,
    pub case_number: String,
    pub record_kind: String,
    pub schedule_id: String,
    pub schedule_version: u32,
    pub schedule_entry: String,
    pub closed_on: String,
    pub kept_until: String,
    pub decided_on: String,
    pub at: String,
    pub by: Id,
    /// (table, rows removed), in the order of the case's tables.
    pub counts: Vec<(String, u64)>,
}

impl Storage {
    /// Erases the case `row.household_id` (see the module's notes), after
    /// `gate` allowed it (`Ok(Err(refusal))`: its audit row alone is
    /// committed, nothing else). `row.counts` is filled here. The file is
    /// rebuilt and the WAL truncated after the commit ([`scrub`]).
    pub fn erase_case(
        &self,
        mut row: ErasureRow,
        gate: impl FnOnce(&Tx<'_>) -> Result<Result<Stamp, Error>, Error>,
        after: impl FnOnce(&Tx<'_>, &Stamp, &ErasureRow) -> Result<(), Error>,
    ) -> Result<ErasureRow, Error> {
        let mut conn =
            self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        conn.execute_batch("PRAGMA secure_delete = ON").map_err(db_err)?;
        let out = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
            let tx = Tx { tx, stamp: std::cell::RefCell::new(None) };
            let stamp = match gate(&tx)? {
                Ok(s) => s,
                Err(refused) => {
                    tx.tx.commit().map_err(db_err)?;
                    return Err(refused);
                }
            };
            let household = row.household_id.to_string();
            let exists: Option<String> = tx
                .tx
                .query_row("SELECT case_number FROM households WHERE id = ?1", [&household], |r| r.get(0))
                .optional()
                .map_err(db_err)?;
            if exists.is_none() {
                return Err(Error::new(Code::NotFound, "Nucleo non trovato (già cancellato?)"));
            }
            if row.mode == "anonimizzazione" {
                keep_statistics(&tx.tx, &household, &row.decided_on)?;
            }
            row.counts = purge(&tx.tx, &household)?;
            // Only the verbale is captured: it is what travels.
            let capture = Capture::start(&tx.tx)?;
            insert_row(&tx.tx, &row)?;
            capture.finish(&tx.tx, Some(&stamp), None)?;
            after(&tx, &stamp, &row)?;
            tx.tx.commit().map_err(db_err)?;
            Ok(row)
        })();
        let row = out?;
        scrub(&conn)?;
        Ok(row)
    }

    /// The erasures recorded here, newest first.
    pub fn erasures(&self) -> Result<Vec<ErasureRow>, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        read_rows(&conn)
    }

    /// Re-applies erasures recorded outside this database (the ledger next
    /// to it, after a restore of an older backup): each case of `rows`
    /// still here is purged, and its verbale written as it was (same id)
    /// if missing. Returns the ids of the cases purged again.
    pub fn reapply_erasures(&self, rows: &[ErasureRow]) -> Result<Vec<Id>, Error> {
        let mut conn =
            self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        conn.execute_batch("PRAGMA secure_delete = ON").map_err(db_err)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
        let mut again = Vec::new();
        let mut written = false;
        for r in rows {
            let household = r.household_id.to_string();
            let present: bool = tx
                .query_row("SELECT EXISTS (SELECT 1 FROM households WHERE id = ?1)", [&household], |x| {
                    x.get(0)
                })
                .map_err(db_err)?;
            let mut counts = Vec::new();
            if present {
                counts = purge(&tx, &household)?;
                again.push(r.household_id);
                written = true;
            }
            let recorded: bool = tx
                .query_row("SELECT EXISTS (SELECT 1 FROM erasures WHERE id = ?1)", [r.id.to_string()], |x| {
                    x.get(0)
                })
                .map_err(db_err)?;
            if !recorded {
                let capture = Capture::start(&tx)?;
                // What the restored copy held of the case, counted again.
                insert_row(&tx, &ErasureRow { counts, ..r.clone() })?;
                capture.finish(&tx, Some(&Stamp { at: r.at.clone(), by: r.by }), None)?;
                written = true;
            }
        }
        if !written {
            // Nothing to do (every opening asks): no write, no checkpoint.
            return Ok(again);
        }
        tx.commit().map_err(db_err)?;
        scrub(&conn)?;
        Ok(again)
    }
}

impl Tx<'_> {
    /// Every case with its last activity (the coordinatore's list of cases
    /// past their term is made from it).
    pub fn case_closings(&self) -> Result<Vec<CaseClosing>, Error> {
        // The latest `updated_at` (or `created_at`) over the case's rows.
        let mut parts = Vec::new();
        for table in CASE_TABLES {
            let (cols, _) = super::sync::table_columns(&self.tx, table)?;
            let col = if cols.iter().any(|c| c == "updated_at") {
                "updated_at"
            } else if cols.iter().any(|c| c == "created_at") {
                "created_at"
            } else {
                continue;
            };
            parts.push(format!(
                "SELECT max(substr({col}, 1, 10)) FROM main.{} WHERE {}",
                quote(table),
                case_condition(table, "main", "= h.id")
            ));
        }
        // max() of several values is NULL when one is: a table without rows
        // of the case counts as nothing.
        let last = parts.iter().map(|p| format!("coalesce(({p}), '')")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT h.id, h.case_number, max({last}),
                EXISTS (SELECT 1 FROM housing_stays s WHERE s.household_id = h.id AND s.exit_date IS NULL),
                h.restricted_on IS NOT NULL
             FROM households h ORDER BY h.case_year, h.case_seq"
        );
        self.rows(&sql, [], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })?
        .into_iter()
        .map(|(id, case_number, last_activity, open_stay, restricted)| {
            Ok(CaseClosing {
                household_id: id
                    .parse()
                    .map_err(|_| Error::new(Code::Storage, format!("identificativo non valido: {id}")))?,
                case_number,
                last_activity,
                open_stay,
                restricted,
            })
        })
        .collect()
    }
}

/// The anonymous statistics of the case `household` (migration 23,
/// `retention_statistics`), added to the counts of the year of `decided_on`.
fn keep_statistics(tx: &Connection, household: &str, decided_on: &str) -> Result<(), Error> {
    let year: i64 = decided_on
        .get(..4)
        .and_then(|y| y.parse().ok())
        .ok_or_else(|| Error::new(Code::Internal, format!("data non valida: {decided_on}")))?;
    // (what, value) pairs, one per member or per household; bands, never
    // exact values: five years of birth, ISEE in bands of 5,000 euro.
    let sql = "
        SELECT 'sesso', sex FROM members WHERE household_id = ?1
        UNION ALL
        SELECT 'fascia_nascita',
               printf('%d-%d', (CAST(substr(birth_date, 1, 4) AS INTEGER) / 5) * 5,
                               (CAST(substr(birth_date, 1, 4) AS INTEGER) / 5) * 5 + 4)
          FROM members WHERE household_id = ?1
        UNION ALL
        SELECT 'comune_residenza', coalesce(residence_comune, '') FROM members WHERE household_id = ?1
        UNION ALL
        SELECT 'comune_nucleo', comune FROM households WHERE id = ?1
        UNION ALL
        SELECT 'componenti_nucleo', CAST((SELECT count(*) FROM members WHERE household_id = ?1) AS TEXT)
          FROM households WHERE id = ?1
        UNION ALL
        SELECT 'fascia_isee',
               CASE WHEN isee_value IS NULL THEN 'non presentato'
                    ELSE printf('%d-%d', (CAST(isee_value AS INTEGER) / 5000) * 5000,
                                         (CAST(isee_value AS INTEGER) / 5000) * 5000 + 4999) END
          FROM households WHERE id = ?1";
    let pairs: Vec<(String, String)> = {
        let mut stmt = tx.prepare(sql).map_err(db_err)?;
        let rows = stmt.query_map([household], |r| Ok((r.get(0)?, r.get(1)?))).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)?
    };
    for (what, value) in pairs {
        tx.execute(
            "INSERT INTO retention_statistics (id, year, what, value, count) VALUES (?1, ?2, ?3, ?4, 1)
             ON CONFLICT (year, what, value) DO UPDATE SET count = count + 1",
            params![Id::new().to_string(), year, what, value],
        )
        .map_err(db_err)?;
    }
    Ok(())
}

impl Storage {
    /// The anonymous statistics kept: (year, what, value, count).
    pub fn retention_statistics(&self) -> Result<Vec<(i64, String, String, i64)>, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let mut stmt = conn
            .prepare("SELECT year, what, value, count FROM retention_statistics ORDER BY year, what, value")
            .map_err(db_err)?;
        let rows =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    }
}

/// After an erasure's commit: the file is rebuilt from its live rows
/// (`VACUUM`, in memory: `temp_store` is MEMORY) and the WAL checkpointed
/// and truncated. `secure_delete` zeroes what the erasure deletes, but not
/// what ordinary writes left behind before it — an old value of a field
/// rewritten, a changeset rewritten by the outbox's cut — in the unused
/// space of pages still in use (found by the plain-file scan of
/// tests/service_retention.rs: an interior page of `sync_outbox` still held
/// the surname of an erased case). A rebuilt file has no such space.
pub(super) fn scrub(conn: &Connection) -> Result<(), Error> {
    conn.execute_batch("VACUUM").map_err(db_err)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(db_err)
}

fn insert_row(conn: &Connection, r: &ErasureRow) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO erasures (id, household_id, case_number, mode, record_kind, schedule_id, schedule_version,
            schedule_entry, closed_on, kept_until, decided_on, created_at, updated_at, created_by, updated_by)
         VALUES (?1, ?2, ?3, ?13, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12, ?12)",
        params![
            r.id.to_string(),
            r.household_id.to_string(),
            r.case_number,
            r.record_kind,
            r.schedule_id,
            r.schedule_version,
            r.schedule_entry,
            r.closed_on,
            r.kept_until,
            r.decided_on,
            r.at,
            r.by.to_string(),
            r.mode
        ],
    )
    .map_err(db_err)?;
    for (what, n) in &r.counts {
        conn.execute(
            "INSERT INTO erasure_counts (id, erasure_id, what, count) VALUES (?1, ?2, ?3, ?4)",
            params![Id::new().to_string(), r.id.to_string(), what, *n as i64],
        )
        .map_err(db_err)?;
    }
    Ok(())
}

fn read_rows(conn: &Connection) -> Result<Vec<ErasureRow>, Error> {
    let parse = |s: String| -> Result<Id, Error> {
        s.parse().map_err(|_| Error::new(Code::Storage, format!("identificativo non valido: {s}")))
    };
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, household_id, case_number, record_kind, schedule_id, schedule_version, schedule_entry,
                closed_on, kept_until, decided_on, created_at, created_by, mode
             FROM erasures ORDER BY created_at DESC, id",
        )
        .map_err(db_err)?;
    type Raw =
        (String, String, String, String, String, u32, String, String, String, String, String, String, String);
    let raw: Vec<Raw> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
            ))
        })
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    let mut counts = conn
        .prepare_cached("SELECT what, count FROM erasure_counts WHERE erasure_id = ?1 ORDER BY rowid")
        .map_err(db_err)?;
    raw.into_iter()
        .map(|r| {
            let c: Vec<(String, u64)> = counts
                .query_map([&r.0], |x| Ok((x.get::<_, String>(0)?, x.get::<_, i64>(1)? as u64)))
                .map_err(db_err)?
                .collect::<Result<_, _>>()
                .map_err(db_err)?;
            Ok(ErasureRow {
                id: parse(r.0)?,
                mode: r.12,
                household_id: parse(r.1)?,
                case_number: r.2,
                record_kind: r.3,
                schedule_id: r.4,
                schedule_version: r.5,
                schedule_entry: r.6,
                closed_on: r.7,
                kept_until: r.8,
                decided_on: r.9,
                at: r.10,
                by: parse(r.11)?,
                counts: c,
            })
        })
        .collect()
}

/// Removes every copy of the case `household` here (module notes), without
/// capture: what was removed, counted by table.
fn purge(tx: &Connection, household: &str) -> Result<Vec<(String, u64)>, Error> {
    tx.execute_batch("PRAGMA defer_foreign_keys = ON").map_err(db_err)?;
    // The outbox first: its changes are placed through the rows still here.
    purge_outbox(tx, &[household.to_string()], 0)?;
    tx.execute("UPDATE sync_peer_outbox SET changeset = x'' WHERE household_id = ?1", [household])
        .map_err(db_err)?;
    let mut counts = Vec::new();
    for table in CASE_TABLES {
        let n: i64 = tx
            .query_row(
                &format!(
                    "SELECT count(*) FROM main.{} WHERE {}",
                    quote(table),
                    case_condition(table, "main", "= ?1")
                ),
                [household],
                |r| r.get(0),
            )
            .map_err(db_err)?;
        if n > 0 {
            counts.push((table.to_string(), n as u64));
        }
    }
    forget_case_traces(tx, household)?;
    let linked: usize = tx
        .execute(
            "UPDATE call_applications SET household_id = NULL, member_id = NULL
             WHERE household_id = ?1 OR member_id IN (SELECT id FROM members WHERE household_id = ?1)",
            [household],
        )
        .map_err(db_err)?;
    if linked > 0 {
        counts.push(("call_applications_links".into(), linked as u64));
    }
    for table in CASE_TABLES.iter().rev() {
        tx.execute(
            &format!("DELETE FROM main.{} WHERE {}", quote(table), case_condition(table, "main", "= ?1")),
            [household],
        )
        .map_err(db_err)?;
    }
    tx.execute("DELETE FROM sync_leaving WHERE household_id = ?1", [household]).map_err(db_err)?;
    Ok(counts)
}

/// Rewrites the outbox's changesets without the changes of `cases`.
fn purge_outbox(tx: &Connection, cases: &[String], after: i64) -> Result<(), Error> {
    let rows: Vec<(i64, Vec<u8>)> = {
        let mut stmt = tx
            .prepare_cached("SELECT seq, changeset FROM sync_outbox WHERE seq > ?1 ORDER BY seq")
            .map_err(db_err)?;
        let rows = stmt.query_map([after], |r| Ok((r.get(0)?, r.get(1)?))).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)?
    };
    let changes = rows.iter().map(|(_, cs)| read_changes(cs)).collect::<Result<Vec<_>, _>>()?;
    let mut resolver = Resolver::new(tx);
    for c in changes.iter().flatten() {
        resolver.learn(c)?;
    }
    for ((seq, cs), changes) in rows.iter().zip(&changes) {
        let mut keep = Vec::with_capacity(changes.len());
        for c in changes {
            let case = resolver.of_change(c)?;
            let of_erased = case.is_some_and(|h| cases.contains(&h))
                // The verbale's own insert names the case by id only: kept.
                && c.table != "erasures";
            keep.push(!of_erased);
        }
        if keep.iter().any(|k| !k) {
            let kept = cut(cs, &keep)?;
            tx.execute("UPDATE sync_outbox SET changeset = ?2 WHERE seq = ?1", params![seq, kept])
                .map_err(db_err)?;
        }
    }
    Ok(())
}

/// On import (every replica), after the package's changes: the cases named
/// by an erasure that are here — the erasure has just arrived, or a stale
/// change of an erased case came in — are purged, without capture. The
/// outbox loses the changes of erased cases: all of it for the erasures that
/// arrived with this import (`erasures_after`: the last rowid of `erasures`
/// before it; a case that left this device's scope in the same package was
/// removed by `sync_scope::leave`, which keeps the outbox), and for every
/// erased case the changes this import stored (`seq_after`: the last number
/// before it). The conflicts opened on an erased case's own row go too.
/// Returns how many cases were purged.
pub(super) fn purge_erased(tx: &Connection, seq_after: i64, erasures_after: i64) -> Result<usize, Error> {
    let read = |sql: &str, p: i64| -> Result<Vec<String>, Error> {
        let mut stmt = tx.prepare_cached(sql).map_err(db_err)?;
        let rows = stmt.query_map([p], |r| r.get(0)).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    };
    let erased = read("SELECT household_id FROM erasures WHERE ?1 >= 0", 0)?;
    if erased.is_empty() {
        return Ok(0);
    }
    let arrived = read("SELECT household_id FROM erasures WHERE rowid > ?1", erasures_after)?;
    tx.execute_batch("PRAGMA secure_delete = ON").map_err(db_err)?;
    let mut purged = 0;
    for h in &erased {
        let present: bool = tx
            .query_row("SELECT EXISTS (SELECT 1 FROM households WHERE id = ?1)", [h], |r| r.get(0))
            .map_err(db_err)?;
        if present {
            purge(tx, h)?;
            purged += 1;
        }
    }
    if !arrived.is_empty() {
        purge_outbox(tx, &arrived, 0)?;
    }
    purge_outbox(tx, &erased, seq_after)?;
    tx.execute(
        "DELETE FROM sync_conflicts WHERE table_name = 'households'
            AND record IN (SELECT household_id FROM erasures)",
        [],
    )
    .map_err(db_err)?;
    Ok(purged)
}
