//! The audit log as a hash chain: who read or changed whose data, and when,
//! in rows that cannot be edited, removed or reordered without it showing.
//!
//! Each row stores `prev_hash` (the hash of the row before it, or [`GENESIS`]
//! for the first) and `hash` = SHA-256 of a canonical serialisation of the row
//! together with `prev_hash`. The triggers of schema 3 refuse UPDATE and DELETE
//! through SQLite; someone editing the file by other means breaks the chain at
//! the row they touched, and [`verify`] names it.
//!
//! What a chain alone cannot show: whoever can rewrite the file can also
//! recompute every hash after their edit, or cut the last rows. Against that the
//! office keeps the `head` of [`VerifyReport`] (e.g. printed with the periodic
//! backup) and compares it later: the row count and head of an older report must
//! still be a prefix of the chain.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OpenFlags};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::db_err;
use crate::error::{Code, Error};

/// `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Tag of the serialisation: a future format gets a new tag, never a silent change.
const FORMAT: &str = "sportello-audit-v1";

/// The outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// True when every row is in the chain.
    pub ok: bool,
    /// Rows checked (up to and including the first broken one).
    pub rows: u64,
    /// Hash of the last row when the chain is whole (`None` for an empty log).
    pub head: Option<String>,
    /// The first row that breaks the chain.
    pub broken: Option<BrokenRow>,
    /// Damage to the file itself (pages whose HMAC fails, SQLite's integrity
    /// check), in Italian: the chain of a damaged file is not to be trusted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub file_problems: Vec<String>,
    /// Append-only triggers removed from the file (by name).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub guards_missing: Vec<String>,
    /// At the hub: the chain of each device, as it arrived ([`verify_devices`]).
    /// `ok` is false when any of them is broken.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<DeviceChain>,
    /// The rows removed past their term (schema 26): the chain starts from
    /// this anchor instead of the genesis.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
}

/// The start of a log whose oldest rows were removed past their term
/// (issue 16 item 4; `audit_anchors`, schema 26): the rows up to
/// `through_seq` are gone, `last_hash` is the hash of the last of them.
/// Believed only when a kept row states it ([`anchor_token`] in its detail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchor {
    pub through_seq: i64,
    pub removed: i64,
    pub last_hash: String,
    /// The rows of the days before this one were removed.
    pub before_day: String,
    pub at: String,
    pub by: String,
}

/// The action of the row written with a removal (the service's
/// `retention_erase_records`): only a row of this action confirms an
/// anchor — never a text an operator typed (a reason in another act's row).
pub const ANCHOR_ACTION: &str = "retention_erase_records";

/// What the row written with a removal says of its anchor: the last row
/// removed and its hash. A kept row — itself in the chain — of
/// [`ANCHOR_ACTION`] carrying it is what makes the anchor believed.
pub fn anchor_token(through_seq: i64, last_hash: &str) -> String {
    format!("ancora del registro: rimosse le righe fino alla {through_seq}, impronta della riga {through_seq} {last_hash}")
}

/// The latest anchor, if any (a file before schema 26 has none).
pub fn latest_anchor(conn: &Connection) -> Result<Option<Anchor>, Error> {
    if !has_table(conn, "audit_anchors") {
        return Ok(None);
    }
    conn.query_row(
        "SELECT through_seq, removed, last_hash, before_day, at, by FROM audit_anchors
         ORDER BY through_seq DESC LIMIT 1",
        [],
        |r| {
            Ok(Anchor {
                through_seq: r.get(0)?,
                removed: r.get(1)?,
                last_hash: r.get(2)?,
                before_day: r.get(3)?,
                at: r.get(4)?,
                by: r.get(5)?,
            })
        },
    )
    .map(Some)
    .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
    .map_err(db_err)
}

/// What [`remove_before`] removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    pub through_seq: i64,
    pub removed: i64,
    pub last_hash: String,
}

/// Removes the oldest rows of the log, those of the days before
/// `before_day` (ISO), as a prefix of the chain: up to the row before the
/// first row of `before_day` or later. Records the anchor (and the hashes of
/// removed rows a device's chain hangs from). The append-only trigger is
/// lifted for the deletion and put back in the same transaction. The caller
/// must then append a row carrying [`anchor_token`] (in the same
/// transaction), or the anchor is not believed. `None`: nothing to remove.
pub(crate) fn remove_before(
    conn: &Connection,
    before_day: &str,
    erasure_id: &str,
    at: &str,
    by: &str,
) -> Result<Option<Cut>, Error> {
    let first_kept: Option<i64> = conn
        .query_row("SELECT min(seq) FROM audit_log WHERE substr(at, 1, 10) >= ?1", [before_day], |r| r.get(0))
        .map_err(db_err)?;
    let through: Option<i64> = match first_kept {
        Some(k) => conn.query_row("SELECT max(seq) FROM audit_log WHERE seq < ?1", [k], |r| r.get(0)),
        None => conn.query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0)),
    }
    .map_err(db_err)?;
    let Some(through) = through else { return Ok(None) };
    let removed: i64 = conn
        .query_row("SELECT count(*) FROM audit_log WHERE seq <= ?1", [through], |r| r.get(0))
        .map_err(db_err)?;
    let last_hash: Option<String> = conn
        .query_row("SELECT hash FROM audit_log WHERE seq = ?1", [through], |r| r.get(0))
        .map_err(db_err)?;
    let last_hash = last_hash.ok_or_else(|| {
        Error::new(Code::Storage, format!("Registro degli accessi: la riga {through} non è sigillata"))
    })?;
    let anchor_id = crate::domain::Id::new().to_string();
    conn.execute(
        "INSERT INTO audit_anchors (id, through_seq, removed, last_hash, before_day, erasure_id, at, by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![anchor_id, through, removed, last_hash, before_day, erasure_id, at, by],
    )
    .map_err(db_err)?;
    if has_table(conn, "sync_peers") {
        conn.execute(
            "INSERT INTO audit_anchor_links (id, anchor_id, seq, hash)
             SELECT lower(hex(randomblob(16))), ?1, l.seq, l.hash FROM audit_log l
             WHERE l.seq <= ?2 AND l.seq IN (SELECT audit_from FROM sync_peers WHERE audit_from > 0)
               AND l.seq NOT IN (SELECT seq FROM audit_anchor_links)",
            params![anchor_id, through],
        )
        .map_err(db_err)?;
    }
    let guard = GUARDS.iter().find(|(n, _)| *n == "audit_log_no_delete").expect("the guard is listed");
    conn.execute_batch("DROP TRIGGER audit_log_no_delete").map_err(db_err)?;
    conn.execute("DELETE FROM audit_log WHERE seq <= ?1", [through]).map_err(db_err)?;
    conn.execute_batch(guard.1).map_err(db_err)?;
    Ok(Some(Cut { through_seq: through, removed, last_hash }))
}

/// The check of one device's audit chain kept at the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceChain {
    pub device_id: String,
    /// The device's name (its id when it is no longer registered).
    pub device: String,
    pub ok: bool,
    /// Rows checked (up to and including the first broken one).
    pub rows: u64,
    pub head: Option<String>,
    pub broken: Option<BrokenRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenRow {
    pub seq: i64,
    pub at: String,
    pub action: String,
    /// Italian, for the operator.
    pub reason: String,
}

/// One row as stored, every column as text (what the hash covers).
struct Row {
    seq: i64,
    at: String,
    operator_id: String,
    action: String,
    record_id: Option<String>,
    detail: Option<String>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 over the format tag, the previous hash and the row as a JSON array:
/// serde_json writes an array of strings, nulls and an integer one way only, and
/// its quoting keeps any text (newlines, quotes, Nguyễn) unambiguous.
fn row_hash(prev_hash: &str, row: &Row) -> String {
    let body = serde_json::json!([row.seq, row.at, row.operator_id, row.action, row.record_id, row.detail]);
    let mut h = Sha256::new();
    h.update(FORMAT.as_bytes());
    h.update(b"\n");
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(body.to_string().as_bytes());
    hex(&h.finalize())
}

fn last_link(conn: &Connection) -> Result<(i64, String), Error> {
    let last: Option<(i64, Option<String>)> = conn
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
        .map_err(db_err)?;
    match last {
        None => Ok(match latest_anchor(conn)? {
            Some(a) => (a.through_seq, a.last_hash),
            None => (0, GENESIS.to_string()),
        }),
        Some((seq, Some(hash))) => Ok((seq, hash)),
        Some((seq, None)) => Err(Error::new(
            Code::Storage,
            format!("Registro degli accessi: la riga {seq} non è sigillata; riaprire il database"),
        )),
    }
}

/// Appends one row, chained to the last. Call it inside the command's write
/// transaction: the transaction is what keeps two writers from taking the
/// same link.
pub(crate) fn append(
    conn: &Connection,
    at: &str,
    operator_id: &str,
    action: &str,
    record_id: Option<&str>,
    detail: Option<&str>,
) -> Result<i64, Error> {
    let (last_seq, prev_hash) = last_link(conn)?;
    let row = Row {
        seq: last_seq + 1,
        at: at.to_string(),
        operator_id: operator_id.to_string(),
        action: action.to_string(),
        record_id: record_id.map(str::to_string),
        detail: detail.map(str::to_string),
    };
    let hash = row_hash(&prev_hash, &row);
    conn.execute(
        "INSERT INTO audit_log (seq, at, operator_id, action, record_id, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![row.seq, row.at, row.operator_id, row.action, row.record_id, row.detail, prev_hash, hash],
    )
    .map_err(db_err)?;
    Ok(row.seq)
}

/// Seals the rows written before schema 3 (no hash yet), in order, once; the
/// triggers allow setting the two hash columns of an unsealed row and nothing
/// else. Returns how many rows were sealed.
pub(crate) fn seal_unsealed(conn: &mut Connection) -> Result<u64, Error> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(db_err)?;
    let unsealed: i64 = tx
        .query_row("SELECT count(*) FROM audit_log WHERE hash IS NULL", [], |r| r.get(0))
        .map_err(db_err)?;
    if unsealed == 0 {
        return Ok(0);
    }
    let rows = read_rows(&tx)?;
    let mut prev = GENESIS.to_string();
    let mut sealed = 0;
    for (row, stored_prev, stored_hash) in rows {
        match stored_hash {
            Some(h) if stored_prev.as_deref() == Some(prev.as_str()) => prev = h,
            Some(_) => {
                return Err(Error::new(
                    Code::Storage,
                    format!("Registro degli accessi alterato alla riga {}: impossibile sigillarlo", row.seq),
                ))
            }
            None => {
                let hash = row_hash(&prev, &row);
                tx.execute(
                    "UPDATE audit_log SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
                    params![row.seq, prev, hash],
                )
                .map_err(db_err)?;
                prev = hash;
                sealed += 1;
            }
        }
    }
    tx.commit().map_err(db_err)?;
    Ok(sealed)
}

type StoredRow = (Row, Option<String>, Option<String>);

fn text(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        // Lossy on purpose: a byte flipped into invalid UTF-8 must still be
        // read (and then fail the hash), not stop the check.
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
    }
}

/// The columns `seq, at, operator_id, action, record_id, detail, prev_hash,
/// hash` of an audit table (ours or a device's) as a stored row.
fn stored_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredRow> {
    Ok((
        Row {
            seq: r.get(0)?,
            at: text(r.get_ref(1)?).unwrap_or_default(),
            operator_id: text(r.get_ref(2)?).unwrap_or_default(),
            action: text(r.get_ref(3)?).unwrap_or_default(),
            record_id: text(r.get_ref(4)?),
            detail: text(r.get_ref(5)?),
        },
        text(r.get_ref(6)?),
        text(r.get_ref(7)?),
    ))
}

fn read_rows(conn: &Connection) -> Result<Vec<StoredRow>, Error> {
    let mut stmt = conn
        .prepare("SELECT seq, at, operator_id, action, record_id, detail, prev_hash, hash FROM audit_log ORDER BY seq")
        .map_err(db_err)?;
    let rows = stmt.query_map([], stored_row).map_err(db_err)?;
    rows.collect::<Result<_, _>>().map_err(db_err)
}

/// Walks the chain from the first row and stops at the first that does not fit.
pub fn verify(conn: &Connection) -> Result<VerifyReport, Error> {
    let has_chain: i64 = conn
        .query_row("SELECT count(*) FROM pragma_table_info('audit_log') WHERE name = 'hash'", [], |r| {
            r.get(0)
        })
        .map_err(db_err)?;
    if has_chain == 0 {
        return Err(Error::new(
            Code::Storage,
            "Il registro degli accessi di questo database non è ancora concatenato: aprirlo una volta con questa versione di Sportello",
        ));
    }
    let anchor = latest_anchor(conn)?;
    let token = anchor.as_ref().map(|a| anchor_token(a.through_seq, &a.last_hash));
    let mut confirmed = false;
    let mut prev = anchor.as_ref().map_or_else(|| GENESIS.to_string(), |a| a.last_hash.clone());
    let mut count = 0u64;
    for (row, stored_prev, stored_hash) in read_rows(conn)? {
        count += 1;
        if let (Some(t), Some(d)) = (&token, &row.detail) {
            confirmed |= row.action == ANCHOR_ACTION
                && row.seq > anchor.as_ref().map_or(0, |a| a.through_seq)
                && d.contains(t.as_str());
        }
        let reason = if stored_prev.as_deref() != Some(prev.as_str()) {
            Some("non segue la riga precedente (righe rimosse, inserite o riordinate)")
        } else {
            match &stored_hash {
                None => Some("non è sigillata"),
                Some(h) if *h != row_hash(&prev, &row) => Some("il contenuto è stato modificato"),
                Some(_) => None,
            }
        };
        if let Some(reason) = reason {
            return Ok(VerifyReport {
                ok: false,
                rows: count,
                head: None,
                broken: Some(BrokenRow {
                    seq: row.seq,
                    at: row.at,
                    action: row.action,
                    reason: reason.into(),
                }),
                file_problems: Vec::new(),
                guards_missing: Vec::new(),
                devices: Vec::new(),
                anchor,
            });
        }
        prev = stored_hash.unwrap_or_default();
    }
    if let (Some(a), false) = (&anchor, confirmed) {
        // An anchor no kept row states: rows removed by other means, with an
        // anchor forged to hide it.
        return Ok(VerifyReport {
            ok: false,
            rows: count,
            head: None,
            broken: Some(BrokenRow {
                seq: a.through_seq,
                at: a.at.clone(),
                action: "ancora".into(),
                reason: format!(
                    "le righe fino alla {} risultano rimosse, ma nessuna riga del registro conferma la rimozione (ancora non confermata)",
                    a.through_seq
                ),
            }),
            file_problems: Vec::new(),
            guards_missing: Vec::new(),
            devices: Vec::new(),
            anchor,
        });
    }
    Ok(VerifyReport {
        ok: true,
        rows: count,
        head: (count > 0).then_some(prev),
        broken: None,
        file_problems: Vec::new(),
        guards_missing: Vec::new(),
        devices: Vec::new(),
        anchor,
    })
}

fn has_table(conn: &Connection, name: &str) -> bool {
    conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", [name], |r| {
        r.get::<_, i64>(0)
    })
    .is_ok_and(|n| n > 0)
}

/// Walks the chain of every device kept at this hub (`audit_remote`, schema
/// 9): from its first row — the genesis, or, for a device made as a copy of
/// this database, the row of our own log where its chain leaves ours — to
/// its last, each row linked to the one before and its hash recomputed. A
/// missing row is a gap, named. Sorted by device name.
pub fn verify_devices(conn: &Connection) -> Result<Vec<DeviceChain>, Error> {
    if !has_table(conn, "audit_remote") {
        return Ok(Vec::new());
    }
    let devices: Vec<(String, String, i64)> = {
        let mut stmt = conn
            .prepare(
                "SELECT d.device_id, coalesce(p.name, d.device_id), coalesce(p.audit_from, 0)
                 FROM (SELECT DISTINCT device_id FROM audit_remote) d
                 LEFT JOIN sync_peers p ON p.device_id = d.device_id ORDER BY 2, 1",
            )
            .map_err(db_err)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)?
    };
    let mut out = Vec::new();
    for (device_id, device, from) in devices {
        let anchor: Option<String> = if from == 0 {
            Some(GENESIS.to_string())
        } else {
            // Our row, or its hash kept by the anchor that removed it.
            let links = if has_table(conn, "audit_anchor_links") {
                " UNION ALL SELECT hash FROM audit_anchor_links WHERE seq = ?1"
            } else {
                ""
            };
            conn.query_row(
                &format!("SELECT hash FROM audit_log WHERE seq = ?1{links} LIMIT 1"),
                [from],
                |r| r.get(0),
            )
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
            .map_err(db_err)?
            .flatten()
        };
        let mut stmt = conn
            .prepare(
                "SELECT seq, at, operator_id, action, record_id, detail, prev_hash, hash FROM audit_remote
                 WHERE device_id = ?1 ORDER BY seq",
            )
            .map_err(db_err)?;
        let rows: Vec<StoredRow> = stmt
            .query_map([&device_id], stored_row)
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
        let mut chain = DeviceChain { device_id, device, ok: true, rows: 0, head: None, broken: None };
        let mut prev = anchor.clone().unwrap_or_default();
        for (expected, (row, stored_prev, stored_hash)) in (from + 1..).zip(rows) {
            chain.rows += 1;
            let reason = if anchor.is_none() {
                Some(format!("non si aggancia: manca la riga {from} del registro di questo database"))
            } else if row.seq != expected {
                Some(format!("mancano le righe dalla {expected} alla {} (righe rimosse)", row.seq - 1))
            } else if stored_prev.as_deref() != Some(prev.as_str()) {
                Some("non segue la riga precedente (righe rimosse, inserite o riordinate)".to_string())
            } else if stored_hash.as_deref() != Some(row_hash(&prev, &row).as_str()) {
                Some("il contenuto è stato modificato".to_string())
            } else {
                None
            };
            if let Some(reason) = reason {
                chain.ok = false;
                chain.broken = Some(BrokenRow { seq: row.seq, at: row.at, action: row.action, reason });
                break;
            }
            prev = stored_hash.unwrap_or_default();
        }
        if chain.ok {
            chain.head = Some(prev);
        }
        out.push(chain);
    }
    Ok(out)
}

/// Adds the devices' chains to `report` (at a hub); any broken one makes it not ok.
pub fn add_devices(conn: &Connection, report: &mut VerifyReport) -> Result<(), Error> {
    report.devices = verify_devices(conn)?;
    if report.devices.iter().any(|d| !d.ok) {
        report.ok = false;
    }
    Ok(())
}

/// Verifies the database at `path` without changing it (read-only: no
/// migration, no sealing), as `sportello audit verify` does.
pub fn verify_file(path: &Path, key: Option<&crate::keyring::DbKey>) -> Result<VerifyReport, Error> {
    if !path.is_file() {
        return Err(Error::new(Code::Storage, format!("Database non trovato: {}", path.display())));
    }
    let conn =
        super::open_keyed(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX, key)?;
    let app: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(db_err)?;
    if app != super::APPLICATION_ID {
        return Err(Error::new(Code::Storage, "Il file indicato non è un database di Sportello"));
    }
    // The file first: a chain read from damaged pages proves nothing.
    let file_problems = file_problems(&conn, key.is_some());
    let mut report = match verify(&conn) {
        Ok(r) => r,
        Err(e) if !file_problems.is_empty() => VerifyReport {
            ok: false,
            rows: 0,
            head: None,
            broken: None,
            file_problems: vec![e.message],
            guards_missing: Vec::new(),
            devices: Vec::new(),
            anchor: None,
        },
        Err(e) => return Err(e),
    };
    // The devices' chains, from a sound file only (the same reason).
    if file_problems.is_empty() {
        add_devices(&conn, &mut report)?;
    }
    if !file_problems.is_empty() {
        report.ok = false;
        report.head = None;
        report.file_problems.splice(0..0, file_problems);
    }
    report.guards_missing = missing_guards(&conn);
    if !report.guards_missing.is_empty() {
        report.ok = false;
    }
    Ok(report)
}

/// SQLCipher's check of every page's HMAC (a page changed on disk) and
/// SQLite's integrity check, in Italian; empty when the file is sound.
pub fn file_problems(conn: &Connection, encrypted: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = |sql: &str, ok: &dyn Fn(&str) -> bool, what: &str| {
        let rows = (|| -> rusqlite::Result<Vec<Option<String>>> {
            let mut st = conn.prepare(sql)?;
            let mut rows = st.query([])?;
            let mut found = Vec::new();
            while let Some(r) = rows.next()? {
                found.push(r.get(0)?);
            }
            Ok(found)
        })();
        match rows {
            Ok(rows) => {
                for r in rows.into_iter().flatten().filter(|r| !ok(r)).take(20) {
                    out.push(format!("{what}: {r}"));
                }
            }
            Err(e) => out.push(format!("{what}: {}", db_err(e).message)),
        }
    };
    if encrypted {
        // One row per page whose HMAC fails; no row when all are sound.
        run("PRAGMA cipher_integrity_check", &|_| false, "pagina cifrata alterata");
    }
    run("PRAGMA integrity_check", &|r| r == "ok", "controllo di integrità");
    out
}

/// The triggers that keep the audit log (and published rankings, decided
/// appeals) append-only, by name.
const GUARDS: &[(&str, &str)] = &[
    (
        "audit_log_no_update",
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
         WHEN OLD.hash IS NOT NULL
           OR NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at OR NEW.operator_id IS NOT OLD.operator_id
           OR NEW.action IS NOT OLD.action OR NEW.record_id IS NOT OLD.record_id OR NEW.detail IS NOT OLD.detail
         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
    ),
    (
        "audit_log_no_delete",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
         BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
    ),
    (
        "audit_log_sealed",
        "CREATE TRIGGER audit_log_sealed BEFORE INSERT ON audit_log
         WHEN NEW.hash IS NULL OR NEW.prev_hash IS NULL
         BEGIN SELECT RAISE(ABORT, 'audit_log rows must carry prev_hash and hash'); END;",
    ),
    (
        "ranking_versions_no_update",
        "CREATE TRIGGER ranking_versions_no_update BEFORE UPDATE ON ranking_versions
         BEGIN SELECT RAISE(ABORT, 'ranking_versions: a published version is never changed'); END;",
    ),
    (
        "ranking_versions_no_delete",
        "CREATE TRIGGER ranking_versions_no_delete BEFORE DELETE ON ranking_versions
         BEGIN SELECT RAISE(ABORT, 'ranking_versions: a published version is never deleted'); END;",
    ),
];

/// The same for the devices' chains kept at a hub (schema 9).
const REMOTE_GUARDS: &[(&str, &str)] = &[
    (
        "audit_remote_no_update",
        "CREATE TRIGGER audit_remote_no_update BEFORE UPDATE ON audit_remote
         BEGIN SELECT RAISE(ABORT, 'audit_remote is append-only'); END;",
    ),
    (
        "audit_remote_no_delete",
        "CREATE TRIGGER audit_remote_no_delete BEFORE DELETE ON audit_remote
         BEGIN SELECT RAISE(ABORT, 'audit_remote is append-only'); END;",
    ),
];

fn guards(conn: &Connection) -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    let remote: &[(&str, &str)] = if has_table(conn, "audit_remote") { REMOTE_GUARDS } else { &[] };
    GUARDS.iter().chain(remote.iter())
}

/// The append-only triggers missing from the database of `conn` (a file
/// edited by other means), by name.
pub fn missing_guards(conn: &Connection) -> Vec<String> {
    guards(conn)
        .filter(|(name, _)| {
            conn.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                [name],
                |r| r.get::<_, i64>(0),
            )
            .map_or(true, |n| n == 0)
        })
        .map(|(name, _)| name.to_string())
        .collect()
}

/// Puts back the append-only triggers that are missing; returns their names.
pub(crate) fn restore_guards(conn: &Connection) -> Result<Vec<String>, Error> {
    let missing = missing_guards(conn);
    for (name, sql) in guards(conn) {
        if missing.iter().any(|m| m == name) {
            conn.execute_batch(sql).map_err(db_err)?;
        }
    }
    Ok(missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(seq: i64, detail: Option<&str>) -> Row {
        Row {
            seq,
            at: "2026-11-20T09:30:00.000Z".into(),
            operator_id: "op".into(),
            action: "household_get".into(),
            record_id: Some("rec".into()),
            detail: detail.map(str::to_string),
        }
    }

    #[test]
    fn the_hash_covers_every_column_and_the_previous_hash() {
        let base = row_hash(GENESIS, &row(1, None));
        assert_eq!(base.len(), 64);
        assert_ne!(base, row_hash(GENESIS, &row(2, None)));
        assert_ne!(base, row_hash(GENESIS, &row(1, Some(""))), "NULL and empty text differ");
        assert_ne!(base, row_hash(&"1".repeat(64), &row(1, None)));
        let mut r = row(1, None);
        r.record_id = None;
        assert_ne!(base, row_hash(GENESIS, &r));
        assert_eq!(base, row_hash(GENESIS, &row(1, None)), "deterministic");
    }
}
