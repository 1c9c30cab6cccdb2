//! The history of each field (schema 22): written from the changeset of every
//! write transaction (local, or another replica's applied here), read back
//! for a case's "Storico modifiche" (GDPR art. 16: what a rectification
//! changed, who and when).

use rusqlite::hooks::Action as Op;
use rusqlite::types::Value;
use rusqlite::{params, Connection};

use super::sync::Change;
use super::{db_err, Sql, Stamp, Tx};
use crate::domain::Id;
use crate::error::Error;

/// Columns whose change is not the person's data: who and when (the row's
/// own stamp, in every history row already), creation, search keys, the
/// order of lists, and the case number the office gives (a provisional
/// number of a laptop made final by the hub at its next import: the office's
/// numbering, not a rectification; thousands of them in one import).
fn bookkeeping(col: &str) -> bool {
    matches!(
        col,
        "updated_at"
            | "updated_by"
            | "created_at"
            | "created_by"
            | "position"
            | "seq"
            | "case_number"
            | "case_provisional"
    ) || col.ends_with("_key")
}

fn columns(conn: &Connection, table: &str) -> Result<Vec<String>, Error> {
    let mut stmt =
        conn.prepare_cached("SELECT name FROM main.pragma_table_info(?1) ORDER BY cid").map_err(db_err)?;
    let rows = stmt.query_map([table], |r| r.get::<_, String>(0)).map_err(db_err)?;
    rows.collect::<Result<_, _>>().map_err(db_err)
}

/// Appends a row for each column an UPDATE of `changes` changed (the new
/// value defined), skipping bookkeeping and binary columns. `origin`: the
/// name of the replica the change was made on, when not this one.
pub(super) fn record(
    conn: &Connection,
    changes: &[Change],
    stamp: Option<&Stamp>,
    origin: Option<&str>,
) -> Result<(), Error> {
    let mut cached: Option<(String, Vec<String>)> = None;
    for c in changes.iter().filter(|c| c.op == Op::SQLITE_UPDATE) {
        if cached.as_ref().is_none_or(|(t, _)| *t != c.table) {
            cached = Some((c.table.clone(), columns(conn, &c.table)?));
        }
        let Some((_, cols)) = cached.as_ref() else { continue };
        if cols.len() != c.new.len() {
            continue;
        }
        // The row's key: its first primary-key column (every synced table's
        // is a TEXT UUID, or the first of a composite key).
        let Some(key) = c.pk.iter().position(|k| *k).and_then(|i| c.old.get(i).cloned().flatten()) else {
            continue;
        };
        let row_id = match key {
            Value::Text(t) => t,
            Value::Integer(i) => i.to_string(),
            _ => continue,
        };
        for (i, new) in c.new.iter().enumerate() {
            let Some(new) = new else { continue };
            if bookkeeping(&cols[i]) || matches!(new, Value::Blob(_)) {
                continue;
            }
            let old = c.old.get(i).cloned().flatten().unwrap_or(Value::Null);
            if matches!(old, Value::Blob(_)) {
                continue;
            }
            conn.prepare_cached(
                "INSERT INTO field_history (at, operator_id, origin_name, tbl, row_id, col, old_value, new_value)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(db_err)?
            .execute(params![
                stamp.map(|s| s.at.clone()),
                stamp.map(|s| s.by.to_string()),
                origin,
                c.table,
                row_id,
                cols[i],
                old,
                new
            ])
            .map_err(db_err)?;
        }
    }
    Ok(())
}

/// One change of one field, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChangeRow {
    pub seq: i64,
    pub at: Option<String>,
    pub operator_id: Option<Id>,
    pub operator_name: Option<String>,
    pub username: Option<String>,
    pub origin_name: Option<String>,
    pub table: String,
    pub row_id: String,
    pub column: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

fn text(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(f) => Some(f.to_string()),
        Value::Text(t) => Some(t),
        Value::Blob(_) => Some("(dati binari)".to_string()),
    }
}

impl Tx<'_> {
    /// The changes of the case `household`'s records (the household, its
    /// members, analysis, project with its commitments, supports and
    /// meetings, eligibility facts, housing stays and waiting list), oldest first.
    pub fn field_history_of_case(&self, household: Id) -> Result<Vec<FieldChangeRow>, Error> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT f.seq, f.at, f.operator_id, o.name, o.username, f.origin_name, f.tbl, f.row_id, f.col,
                        f.old_value, f.new_value
                 FROM field_history f LEFT JOIN operators o ON o.id = f.operator_id
                 WHERE (f.tbl = 'households' AND f.row_id = ?1)
                    OR (f.tbl = 'members' AND f.row_id IN (SELECT id FROM members WHERE household_id = ?1))
                    OR (f.tbl = 'analyses' AND f.row_id IN (SELECT id FROM analyses WHERE household_id = ?1))
                    OR (f.tbl = 'quadri' AND f.row_id IN (SELECT id FROM quadri WHERE household_id = ?1))
                    OR (f.tbl = 'projects' AND f.row_id IN (SELECT id FROM projects WHERE household_id = ?1))
                    OR (f.tbl = 'commitments' AND f.row_id IN (SELECT c.id FROM commitments c JOIN projects p
                            ON p.id = c.project_id WHERE p.household_id = ?1))
                    OR (f.tbl = 'supports' AND f.row_id IN (SELECT s.id FROM supports s JOIN projects p
                            ON p.id = s.project_id WHERE p.household_id = ?1))
                    OR (f.tbl = 'meetings' AND f.row_id IN (SELECT m.id FROM meetings m JOIN projects p
                            ON p.id = m.project_id WHERE p.household_id = ?1))
                    OR (f.tbl = 'eligibility_facts' AND f.row_id = ?1)
                    OR (f.tbl = 'housing_stays' AND f.row_id IN (SELECT id FROM housing_stays WHERE household_id = ?1))
                    OR (f.tbl = 'housing_waiting' AND f.row_id IN (SELECT id FROM housing_waiting WHERE household_id = ?1))
                 ORDER BY f.seq",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map([household.sql()], |r| {
                Ok(FieldChangeRow {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    operator_id: r.get::<_, Option<String>>(2)?.and_then(|s| s.parse().ok()),
                    operator_name: r.get(3)?,
                    username: r.get(4)?,
                    origin_name: r.get(5)?,
                    table: r.get(6)?,
                    row_id: r.get(7)?,
                    column: r.get(8)?,
                    old: text(r.get(9)?),
                    new: text(r.get(10)?),
                })
            })
            .map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    }
}
