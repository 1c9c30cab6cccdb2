//! Retention of what is not a case (issue 16 item 4; schema 26): the
//! applications to a call, its published rankings, its reimbursement file,
//! and the access log's oldest rows, each past its term under the retention
//! schedule, erased (or, for a ranking, anonymised) when the coordinatore
//! approves, with a verbale (`record_erasures`) that names no one.
//!
//! One erasure covers one call and one kind (the call's whole batch: the
//! applications of a call all start their term the same day), or one cut of
//! the access log. What each does:
//! - `domanda` (5 years from the call's last published ranking): the
//!   applications and their appeals are deleted, except those with an award
//!   — those belong to the reimbursement file, kept 10 years as accounting
//!   records (c.c. art. 2220), and are listed again once it is erased;
//! - `graduatoria` (10 years from the last publication): anonymised. The
//!   published versions keep positions, protocols, scores and amounts (and
//!   the public PDF, which lists protocols only); the per-application
//!   explanations (ages, ISEE values, facts) go, and whatever application
//!   is still there loses its link to a household or a member;
//! - `rimborso` (10 years from the call's last liquidation list): awards
//!   (IBAN, holder's name and codice fiscale), claims, spending documents,
//!   liquidation lists (their PDFs name the beneficiaries) and their items;
//! - `registro_accessi` (2 years from the access): the log's oldest rows, as
//!   a prefix of the chain, with an anchor (storage::audit::remove_before).
//!
//! The tables are hub-only (sync_scope HUB_TABLES) or local: no device holds
//! them, so no device purges anything; the verbale travels (OFFICE_TABLES).
//! The append-only triggers of those tables are lifted inside the erasure's
//! own transaction and put back before it commits (a failure rolls both
//! back). Deleted rows' changes are cut from the outbox. `secure_delete` is
//! on, and after the commit the file is rebuilt (`VACUUM`) and the WAL
//! truncated, as for a case (storage::retention::scrub).

use rusqlite::{params, Connection, TransactionBehavior};

use super::sync::{quote, read_changes, table_columns};
use super::sync_scope::cut;
use super::{db_err, Stamp, Storage, Tx};
use crate::domain::Id;
use crate::error::{Code, Error};

/// A call's records of one kind and the day their term started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordClosing {
    /// `domanda` | `graduatoria` | `rimborso`.
    pub kind: &'static str,
    pub call_id: Id,
    pub call_title: String,
    /// ISO day the term runs from.
    pub closed_on: String,
    /// How many records (applications, published versions, awards).
    pub count: u64,
    /// Applications kept with their reimbursement file (`domanda` only).
    pub held: u64,
}

/// The verbale of an erasure of records (schema 26).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordErasureRow {
    pub id: Id,
    pub record_kind: String,
    pub mode: String,
    pub call_id: Option<Id>,
    pub subject: String,
    pub schedule_id: String,
    pub schedule_version: u32,
    pub schedule_entry: String,
    pub closed_on: String,
    pub kept_until: String,
    pub decided_on: String,
    pub at: String,
    pub by: Id,
    pub counts: Vec<(String, u64)>,
}

/// The tables of each kind, children first (the order of deletion).
fn tables_of(kind: &str) -> &'static [&'static str] {
    match kind {
        "domanda" => &["appeals", "call_applications"],
        "rimborso" => &[
            "liquidation_items",
            "liquidations",
            "reimbursement_documents",
            "reimbursement_claims",
            "awards",
        ],
        "graduatoria" => &["ranking_versions", "call_applications"],
        _ => &[],
    }
}

/// The call's rows of `table` that the erasure of `kind` removes.
fn condition(kind: &str, table: &str) -> &'static str {
    match (kind, table) {
        ("domanda", "call_applications") => {
            "call_id = ?1 AND NOT EXISTS (SELECT 1 FROM awards w WHERE w.call_id = call_applications.call_id AND w.protocol = call_applications.protocol)"
        }
        ("domanda", "appeals") => {
            "call_id = ?1 AND NOT EXISTS (SELECT 1 FROM awards w WHERE w.call_id = appeals.call_id AND w.protocol = appeals.protocol)"
        }
        ("rimborso", "awards") => "call_id = ?1",
        ("rimborso", "reimbursement_claims") => "award_id IN (SELECT id FROM awards WHERE call_id = ?1)",
        ("rimborso", "reimbursement_documents") => {
            "claim_id IN (SELECT c.id FROM reimbursement_claims c JOIN awards w ON w.id = c.award_id WHERE w.call_id = ?1)"
        }
        ("rimborso", "liquidations") => "call_id = ?1",
        ("rimborso", "liquidation_items") => "liquidation_id IN (SELECT id FROM liquidations WHERE call_id = ?1)",
        _ => "call_id = ?1",
    }
}

/// The append-only triggers of `tables` (name, SQL), as stored.
fn triggers_of(tx: &Connection, tables: &[&str]) -> Result<Vec<(String, String)>, Error> {
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = tx
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1 ORDER BY name",
            )
            .map_err(db_err)?;
        let rows = stmt.query_map([t], |r| Ok((r.get(0)?, r.get(1)?))).map_err(db_err)?;
        out.extend(rows.collect::<Result<Vec<(String, String)>, _>>().map_err(db_err)?);
    }
    Ok(out)
}

/// Runs `f` with the triggers of `tables` lifted, and puts them back (same
/// transaction: a failure rolls both back).
fn lifted<T>(tx: &Connection, tables: &[&str], f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    let triggers = triggers_of(tx, tables)?;
    for (name, _) in &triggers {
        tx.execute_batch(&format!("DROP TRIGGER {}", quote(name))).map_err(db_err)?;
    }
    let out = f()?;
    for (_, sql) in &triggers {
        tx.execute_batch(sql).map_err(db_err)?;
    }
    Ok(out)
}

fn count(tx: &Connection, sql: &str, call: &str) -> Result<u64, Error> {
    tx.query_row(sql, [call], |r| r.get::<_, i64>(0)).map(|n| n as u64).map_err(db_err)
}

impl Tx<'_> {
    /// Every call's applications, rankings and reimbursement files with the
    /// day their term runs from (a kind with nothing left is not listed; a
    /// ranking already anonymised is not listed again).
    pub fn record_closings(&self) -> Result<Vec<RecordClosing>, Error> {
        let calls: Vec<(String, String)> =
            self.rows("SELECT id, title FROM calls ORDER BY created_at, id", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        let mut out = Vec::new();
        for (id, title) in calls {
            let call_id: Id = id
                .parse()
                .map_err(|_| Error::new(Code::Storage, format!("identificativo non valido: {id}")))?;
            let last_published: Option<String> = self
                .tx
                .query_row("SELECT max(published_on) FROM ranking_versions WHERE call_id = ?1", [&id], |r| {
                    r.get(0)
                })
                .map_err(db_err)?;
            if let Some(published) = &last_published {
                let total =
                    count(&self.tx, "SELECT count(*) FROM call_applications WHERE call_id = ?1", &id)?;
                let free = count(
                    &self.tx,
                    &format!(
                        "SELECT count(*) FROM call_applications WHERE {}",
                        condition("domanda", "call_applications")
                    ),
                    &id,
                )?;
                if total > 0 {
                    out.push(RecordClosing {
                        kind: "domanda",
                        call_id,
                        call_title: title.clone(),
                        closed_on: published.clone(),
                        count: free,
                        held: total - free,
                    });
                }
                let anonymised = count(
                    &self.tx,
                    "SELECT count(*) FROM record_erasures WHERE record_kind = 'graduatoria' AND call_id = ?1",
                    &id,
                )?;
                if anonymised == 0 {
                    let versions =
                        count(&self.tx, "SELECT count(*) FROM ranking_versions WHERE call_id = ?1", &id)?;
                    out.push(RecordClosing {
                        kind: "graduatoria",
                        call_id,
                        call_title: title.clone(),
                        closed_on: published.clone(),
                        count: versions,
                        held: 0,
                    });
                }
            }
            let awards = count(&self.tx, "SELECT count(*) FROM awards WHERE call_id = ?1", &id)?;
            if awards > 0 {
                // The last liquidation list; a file never liquidated runs
                // from its last claim, or from the award.
                let closed: String = self
                    .tx
                    .query_row(
                        "SELECT coalesce(
                            (SELECT max(issued_on) FROM liquidations WHERE call_id = ?1),
                            (SELECT max(c.received_on) FROM reimbursement_claims c JOIN awards w ON w.id = c.award_id
                              WHERE w.call_id = ?1),
                            (SELECT max(substr(created_at, 1, 10)) FROM awards WHERE call_id = ?1))",
                        [&id],
                        |r| r.get(0),
                    )
                    .map_err(db_err)?;
                out.push(RecordClosing {
                    kind: "rimborso",
                    call_id,
                    call_title: title.clone(),
                    closed_on: closed,
                    count: awards,
                    held: 0,
                });
            }
        }
        Ok(out)
    }

    /// How many rows of the access log [`super::audit::remove_before`]
    /// would remove with `before_day`.
    pub fn access_log_before(&self, before_day: &str) -> Result<u64, Error> {
        self.tx
            .query_row(
                "SELECT count(*) FROM audit_log WHERE seq < coalesce(
                    (SELECT min(seq) FROM audit_log WHERE substr(at, 1, 10) >= ?1),
                    (SELECT max(seq) + 1 FROM audit_log))",
                [before_day],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(db_err)
    }

    /// The day of the oldest row of the access log (None: empty, or this
    /// replica is not the hub). Decision: the log is cut at the hub only. A
    /// device's rows travel to the hub (`audit_remote`), which checks its
    /// chain row by row: a device cutting its own log would open a gap there
    /// for every row not yet sent.
    pub fn access_log_oldest(&self) -> Result<Option<String>, Error> {
        if !super::case_numbers::is_hub(&self.tx)? {
            return Ok(None);
        }
        self.tx.query_row("SELECT min(substr(at, 1, 10)) FROM audit_log", [], |r| r.get(0)).map_err(db_err)
    }
}

impl Storage {
    /// Erases (or anonymises) the records of `row` (module notes), after
    /// `gate` allowed it; `before_day` is the access log's cut (for
    /// `registro_accessi`). `after` writes the erasure's audit row, given
    /// the anchor's token when rows of the log were removed (it must carry
    /// it: storage::audit). `row.counts` is filled here. The WAL is
    /// checkpointed (TRUNCATE) after the commit.
    pub fn erase_records(
        &self,
        mut row: RecordErasureRow,
        before_day: Option<&str>,
        gate: impl FnOnce(&Tx<'_>) -> Result<Result<Stamp, Error>, Error>,
        after: impl FnOnce(&Tx<'_>, &Stamp, &RecordErasureRow, Option<String>) -> Result<(), Error>,
    ) -> Result<RecordErasureRow, Error> {
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
            let mut token = None;
            row.counts = match (row.record_kind.as_str(), row.call_id, before_day) {
                ("registro_accessi", None, Some(day)) => {
                    match super::audit::remove_before(
                        &tx.tx,
                        day,
                        &row.id.to_string(),
                        &stamp.at,
                        &stamp.by.to_string(),
                    )? {
                        Some(c) => {
                            token = Some(super::audit::anchor_token(c.through_seq, &c.last_hash));
                            vec![("audit_log".to_string(), c.removed as u64)]
                        }
                        None => {
                            return Err(Error::new(Code::Conflict, "Nessuna riga del registro da cancellare"))
                        }
                    }
                }
                (kind @ ("domanda" | "rimborso" | "graduatoria"), Some(call), _) => {
                    purge_records(&tx.tx, kind, &call.to_string())?
                }
                _ => return Err(Error::new(Code::Internal, "cancellazione: tipo non previsto")),
            };
            if row.counts.iter().all(|(_, n)| *n == 0) {
                return Err(Error::new(Code::Conflict, "Nulla da cancellare (già cancellato?)"));
            }
            // Only the verbale is captured: it is what travels.
            let capture = super::sync::Capture::start(&tx.tx)?;
            insert_row(&tx.tx, &row)?;
            write_counts(&tx.tx, &row)?;
            capture.finish(&tx.tx, Some(&stamp), None)?;
            after(&tx, &stamp, &row, token)?;
            tx.tx.commit().map_err(db_err)?;
            Ok(row)
        })();
        let row = out?;
        super::retention::scrub(&conn)?;
        Ok(row)
    }

    /// The verbali of the erasures of records, newest first.
    pub fn record_erasures(&self) -> Result<Vec<RecordErasureRow>, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        read_rows(&conn)
    }

    /// After a restore of an older backup (the ledger beside the database):
    /// the erasures of calls' records of `rows` are applied again where the
    /// restored copy still holds them, and their verbali written if missing.
    /// The access log's cuts are not re-applied (the restored log is the
    /// log as it was, with its chain; the next review lists its old rows
    /// again). Returns how many erasures were applied again.
    pub fn reapply_record_erasures(&self, rows: &[RecordErasureRow]) -> Result<usize, Error> {
        let mut conn =
            self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        conn.execute_batch("PRAGMA secure_delete = ON").map_err(db_err)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
        let mut again = 0;
        let mut written = false;
        for r in rows {
            let recorded: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM record_erasures WHERE id = ?1)",
                    [r.id.to_string()],
                    |x| x.get(0),
                )
                .map_err(db_err)?;
            let mut counts = Vec::new();
            if let (Some(call), "domanda" | "rimborso" | "graduatoria") = (r.call_id, r.record_kind.as_str())
            {
                let call = call.to_string();
                let present: bool = tx
                    .query_row("SELECT EXISTS (SELECT 1 FROM calls WHERE id = ?1)", [&call], |x| x.get(0))
                    .map_err(db_err)?;
                if present && (!recorded || r.record_kind != "graduatoria") {
                    counts = purge_records(&tx, &r.record_kind, &call)?;
                    if counts.iter().any(|(_, n)| *n > 0) {
                        again += 1;
                        written = true;
                    }
                }
            }
            if !recorded {
                let capture = super::sync::Capture::start(&tx)?;
                let row = RecordErasureRow { counts, ..r.clone() };
                insert_row(&tx, &row)?;
                write_counts(&tx, &row)?;
                capture.finish(&tx, Some(&Stamp { at: r.at.clone(), by: r.by }), None)?;
                written = true;
            }
        }
        if !written {
            return Ok(0);
        }
        tx.commit().map_err(db_err)?;
        super::retention::scrub(&conn)?;
        Ok(again)
    }
}

/// Removes (or anonymises) the call's records of `kind`, without capture:
/// what was removed, counted by table. The outbox loses the changes of the
/// rows removed.
fn purge_records(tx: &Connection, kind: &str, call: &str) -> Result<Vec<(String, u64)>, Error> {
    tx.execute_batch("PRAGMA defer_foreign_keys = ON").map_err(db_err)?;
    let tables = tables_of(kind);
    let mut counts = Vec::new();
    if kind == "graduatoria" {
        lifted(tx, &["ranking_versions"], || {
            let n = tx
                .execute(
                    "UPDATE ranking_versions SET explanations_json = '{}' WHERE call_id = ?1 AND explanations_json <> '{}'",
                    [call],
                )
                .map_err(db_err)?;
            counts.push(("ranking_explanations".to_string(), n as u64));
            let n = tx
                .execute(
                    "UPDATE call_applications SET household_id = NULL, member_id = NULL
                     WHERE call_id = ?1 AND (household_id IS NOT NULL OR member_id IS NOT NULL)",
                    [call],
                )
                .map_err(db_err)?;
            counts.push(("call_applications_links".to_string(), n as u64));
            Ok(())
        })?;
        return Ok(counts);
    }
    for table in tables {
        let n = count(
            tx,
            &format!("SELECT count(*) FROM {} WHERE {}", quote(table), condition(kind, table)),
            call,
        )?;
        counts.push((table.to_string(), n));
    }
    // The outbox's changes of the rows about to go (their values).
    let doomed: Vec<(String, Vec<Vec<rusqlite::types::Value>>)> = tables
        .iter()
        .map(|t| {
            let (cols, pk) = table_columns(tx, t)?;
            let list = cols
                .iter()
                .zip(&pk)
                .filter(|(_, p)| **p)
                .map(|(c, _)| quote(c))
                .collect::<Vec<_>>()
                .join(", ");
            let mut stmt = tx
                .prepare(&format!("SELECT {list} FROM {} WHERE {}", quote(t), condition(kind, t)))
                .map_err(db_err)?;
            let n = stmt.column_count();
            let rows = stmt
                .query_map([call], |r| (0..n).map(|i| r.get::<_, rusqlite::types::Value>(i)).collect())
                .map_err(db_err)?;
            Ok((t.to_string(), rows.collect::<Result<Vec<Vec<_>>, _>>().map_err(db_err)?))
        })
        .collect::<Result<_, Error>>()?;
    purge_outbox_rows(tx, &doomed)?;
    lifted(tx, tables, || {
        for table in tables {
            tx.execute(&format!("DELETE FROM {} WHERE {}", quote(table), condition(kind, table)), [call])
                .map_err(db_err)?;
        }
        Ok(())
    })?;
    Ok(counts)
}

/// Rewrites the outbox without the changes of the rows `doomed` (by table,
/// their primary keys' values in the table's order).
fn purge_outbox_rows(
    tx: &Connection,
    doomed: &[(String, Vec<Vec<rusqlite::types::Value>>)],
) -> Result<(), Error> {
    if doomed.iter().all(|(_, rows)| rows.is_empty()) {
        return Ok(());
    }
    let rows: Vec<(i64, Vec<u8>)> = {
        let mut stmt = tx.prepare("SELECT seq, changeset FROM sync_outbox ORDER BY seq").map_err(db_err)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)?
    };
    for (seq, cs) in rows {
        let changes = read_changes(&cs)?;
        let keep: Vec<bool> = changes
            .iter()
            .map(|c| {
                let Some((_, keys)) = doomed.iter().find(|(t, _)| *t == c.table) else { return true };
                let key: Vec<rusqlite::types::Value> =
                    c.pk.iter()
                        .enumerate()
                        .filter(|(_, p)| **p)
                        .map(|(i, _)| {
                            c.new
                                .get(i)
                                .cloned()
                                .flatten()
                                .or_else(|| c.old.get(i).cloned().flatten())
                                .unwrap_or(rusqlite::types::Value::Null)
                        })
                        .collect();
                !keys.contains(&key)
            })
            .collect();
        if keep.iter().any(|k| !k) {
            let kept = cut(&cs, &keep)?;
            tx.execute("UPDATE sync_outbox SET changeset = ?2 WHERE seq = ?1", params![seq, kept])
                .map_err(db_err)?;
        }
    }
    Ok(())
}

fn insert_row(conn: &Connection, r: &RecordErasureRow) -> Result<(), Error> {
    conn.execute(
        "INSERT INTO record_erasures (id, record_kind, mode, call_id, subject, schedule_id, schedule_version,
            schedule_entry, closed_on, kept_until, decided_on, created_at, updated_at, created_by, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12, ?13, ?13)",
        params![
            r.id.to_string(),
            r.record_kind,
            r.mode,
            r.call_id.map(|c| c.to_string()),
            r.subject,
            r.schedule_id,
            r.schedule_version,
            r.schedule_entry,
            r.closed_on,
            r.kept_until,
            r.decided_on,
            r.at,
            r.by.to_string(),
        ],
    )
    .map_err(db_err)?;
    Ok(())
}

fn write_counts(conn: &Connection, r: &RecordErasureRow) -> Result<(), Error> {
    for (what, n) in &r.counts {
        conn.execute(
            "INSERT INTO record_erasure_counts (id, erasure_id, what, count) VALUES (?1, ?2, ?3, ?4)",
            params![Id::new().to_string(), r.id.to_string(), what, *n as i64],
        )
        .map_err(db_err)?;
    }
    Ok(())
}

fn read_rows(conn: &Connection) -> Result<Vec<RecordErasureRow>, Error> {
    let parse = |s: String| -> Result<Id, Error> {
        s.parse().map_err(|_| Error::new(Code::Storage, format!("identificativo non valido: {s}")))
    };
    type Raw = (
        String,
        String,
        String,
        Option<String>,
        String,
        String,
        u32,
        String,
        String,
        String,
        String,
        String,
        String,
    );
    let raw: Vec<Raw> = {
        let mut stmt = conn
            .prepare(
                "SELECT id, record_kind, mode, call_id, subject, schedule_id, schedule_version, schedule_entry,
                    closed_on, kept_until, decided_on, created_at, created_by
                 FROM record_erasures ORDER BY created_at DESC, id",
            )
            .map_err(db_err)?;
        let rows = stmt
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
            .map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)?
    };
    let mut counts = conn
        .prepare("SELECT what, count FROM record_erasure_counts WHERE erasure_id = ?1 ORDER BY rowid")
        .map_err(db_err)?;
    raw.into_iter()
        .map(|r| {
            let c: Vec<(String, u64)> = counts
                .query_map([&r.0], |x| Ok((x.get::<_, String>(0)?, x.get::<_, i64>(1)? as u64)))
                .map_err(db_err)?
                .collect::<Result<_, _>>()
                .map_err(db_err)?;
            Ok(RecordErasureRow {
                id: parse(r.0)?,
                record_kind: r.1,
                mode: r.2,
                call_id: r.3.map(parse).transpose()?,
                subject: r.4,
                schedule_id: r.5,
                schedule_version: r.6,
                schedule_entry: r.7,
                closed_on: r.8,
                kept_until: r.9,
                decided_on: r.10,
                at: r.11,
                by: parse(r.12)?,
                counts: c,
            })
        })
        .collect()
}
