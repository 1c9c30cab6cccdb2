//! Conflicts for people: listing them with what they are about (the case,
//! the value standing now), recording one found by a form saved on a stale
//! copy, and resolving one (docs/sync.md "Resolving a conflict").
//!
//! A choice is written like any edit (the field, or the row, through this
//! transaction's capture) and as a row of `conflict_resolutions`, which
//! travels too: a trigger closes every open conflict on the same (table,
//! record, field) on the replica where the choice is made and on each one it
//! reaches. The losing value stays in the closed conflict row.

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::{bookkeeping, quote, read_changes, text, to_json, ConflictRow, Op};
use crate::domain::Id;
use crate::error::{Code, Error};
use crate::storage::{db_err, Stamp, Tx};

/// A conflict as the "Conflitti" screen shows it: the row of `sync
/// conflicts`, with the value standing here now, the case it belongs to, and
/// how it was resolved (when it was).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictView {
    #[serde(flatten)]
    pub row: ConflictRow,
    /// What stands here now: the field's value, or the whole row (null: the
    /// row is not here).
    pub current: serde_json::Value,
    pub household_id: Option<String>,
    pub case_number: Option<String>,
    /// The richiedente's "Cognome Nome": whose case it is, in words.
    pub household_name: Option<String>,
    /// The person a member's conflict is about ("Cognome Nome").
    pub member_name: Option<String>,
    pub operator_name: Option<String>,
    pub detected_at: String,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    /// `{id, choice: ours|theirs|altro, chosen, device}` once resolved.
    pub resolution: Option<serde_json::Value>,
}

/// A conflict found on this replica (a form saved on a stale copy): `ours`
/// is the value that stands, `theirs` the one the form brought.
#[derive(Debug, Clone, Copy)]
pub struct LocalConflict<'a> {
    pub table: &'a str,
    pub record: &'a str,
    pub field: &'a str,
    pub kind: &'a str,
    pub ours: &'a serde_json::Value,
    pub theirs: &'a serde_json::Value,
}

/// A conflict row as a resolution reads it.
struct Stored {
    table: String,
    record: String,
    field: String,
    kind: String,
    ours: Option<String>,
    theirs: Option<String>,
    resolved_at: Option<String>,
}

/// What a resolution did, for the audit row and the answer.
pub struct Resolved {
    pub household_id: Option<Id>,
    pub detail: String,
}

/// One side of a conflict as a person chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Ours,
    Theirs,
}

impl Choice {
    pub fn parse(s: &str) -> Option<Choice> {
        match s {
            "ours" => Some(Choice::Ours),
            "theirs" => Some(Choice::Theirs),
            _ => None,
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            Choice::Ours => "ours",
            Choice::Theirs => "theirs",
        }
    }
}

fn from_json(v: &serde_json::Value) -> Value {
    use base64::Engine;
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => n.as_f64().map_or(Value::Null, Value::Real),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        serde_json::Value::Object(o) if o.len() == 1 && o.contains_key("base64") => o["base64"]
            .as_str()
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
            .map_or(Value::Null, Value::Blob),
        other => Value::Text(other.to_string()),
    }
}

struct Info {
    cols: Vec<String>,
    pk: Vec<bool>,
}

fn table_info(conn: &Connection, table: &str) -> Result<Info, Error> {
    let (cols, pk) = super::table_columns(conn, table)?;
    if cols.is_empty() || !super::synced(table) {
        return Err(Error::new(Code::Storage, format!("tabella «{table}» sconosciuta in un conflitto")));
    }
    Ok(Info { cols, pk })
}

/// The key columns of `record` (a conflict's record: the key's text, or a
/// JSON array of a composite key's values).
fn record_keys(info: &Info, record: &str) -> Result<Vec<(String, Value)>, Error> {
    let names: Vec<&String> = info.cols.iter().zip(&info.pk).filter(|(_, k)| **k).map(|(c, _)| c).collect();
    let values: Vec<Value> = if names.len() == 1 {
        vec![Value::Text(record.to_string())]
    } else {
        let arr: Vec<serde_json::Value> = serde_json::from_str(record).map_err(|_| {
            Error::new(Code::Storage, format!("chiave «{record}» illeggibile in un conflitto"))
        })?;
        arr.iter().map(from_json).collect()
    };
    if values.len() != names.len() {
        return Err(Error::new(Code::Storage, format!("chiave «{record}» incompleta in un conflitto")));
    }
    Ok(names.into_iter().cloned().zip(values).collect())
}

fn where_keys(keys: &[(String, Value)], first: usize) -> String {
    super::where_keys(keys, first)
}

fn select_row(
    conn: &Connection,
    table: &str,
    info: &Info,
    keys: &[(String, Value)],
) -> Result<Option<Vec<Value>>, Error> {
    let sql = format!(
        "SELECT {} FROM {} WHERE {}",
        info.cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", "),
        quote(table),
        where_keys(keys, 1)
    );
    conn.query_row(&sql, rusqlite::params_from_iter(keys.iter().map(|k| &k.1)), |r| {
        (0..info.cols.len()).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()
    })
    .optional()
    .map_err(db_err)
}

fn row_json(info: &Info, row: &[Value]) -> serde_json::Value {
    super::row_object(&info.cols, row)
}

/// The row as it was when this replica deleted it, from its own record of
/// changes (a deletion's changeset carries every old value): what a restore
/// needs when the other side only sent the fields it changed.
fn deleted_row(
    conn: &Connection,
    table: &str,
    info: &Info,
    keys: &[(String, Value)],
) -> Result<Option<Vec<Value>>, Error> {
    let mut stmt = conn.prepare("SELECT changeset FROM sync_outbox ORDER BY seq DESC").map_err(db_err)?;
    let mut rows = stmt.query([]).map_err(db_err)?;
    while let Some(r) = rows.next().map_err(db_err)? {
        let blob: Vec<u8> = r.get(0).map_err(db_err)?;
        for c in read_changes(&blob)? {
            if c.table != table || c.op != Op::SQLITE_DELETE || c.old.len() != info.cols.len() {
                continue;
            }
            let same = keys.iter().all(|(name, v)| {
                info.cols.iter().position(|c| c == name).is_some_and(|i| c.old[i].as_ref() == Some(v))
            });
            if same {
                return Ok(Some(c.old.into_iter().map(|v| v.unwrap_or(Value::Null)).collect()));
            }
        }
    }
    Ok(None)
}

/// Writes `sets` over the row at `keys`, with who and when (where the table
/// has them) and the members' search keys when a name changes.
fn write_fields(
    conn: &Connection,
    table: &str,
    info: &Info,
    keys: &[(String, Value)],
    here: &[Value],
    mut sets: Vec<(usize, Value)>,
    stamp: &Stamp,
) -> Result<(), Error> {
    if sets.is_empty() {
        return Ok(());
    }
    let pos = |n: &str| info.cols.iter().position(|c| c == n);
    if let (Some(at), Some(by)) = (pos("updated_at"), pos("updated_by")) {
        sets.retain(|(i, _)| *i != at && *i != by);
        sets.push((at, Value::Text(stamp.at.clone())));
        sets.push((by, Value::Text(stamp.by.to_string())));
    }
    if table == "members" {
        let mut merged = here.to_vec();
        for (i, v) in &sets {
            merged[*i] = v.clone();
        }
        if let (Some(f), Some(l), Some(lf), Some(fl)) =
            (pos("first_name"), pos("last_name"), pos("last_first_key"), pos("first_last_key"))
        {
            let (first, last) = (text(&merged[f]).unwrap_or_default(), text(&merged[l]).unwrap_or_default());
            sets.retain(|(i, _)| *i != lf && *i != fl);
            sets.push((lf, Value::Text(crate::storage::search::fold(&format!("{last}{first}")))));
            sets.push((fl, Value::Text(crate::storage::search::fold(&format!("{first}{last}")))));
        }
    }
    let sql = format!(
        "UPDATE {} SET {} WHERE {}",
        quote(table),
        sets.iter()
            .enumerate()
            .map(|(n, (i, _))| format!("{} = ?{}", quote(&info.cols[*i]), n + 1))
            .collect::<Vec<_>>()
            .join(", "),
        where_keys(keys, sets.len() + 1)
    );
    let values = sets.iter().map(|(_, v)| v).chain(keys.iter().map(|k| &k.1));
    conn.execute(&sql, rusqlite::params_from_iter(values)).map_err(refused_by_schema)?;
    Ok(())
}

fn refused_by_schema(e: rusqlite::Error) -> Error {
    if super::is_constraint(&e) {
        let why = e.to_string();
        let hint = if why.contains("codice_fiscale") {
            "lo stesso codice fiscale è già registrato per un'altra persona: correggere prima la scheda presente"
        } else if why.contains("FOREIGN KEY") {
            "altri dati vi fanno riferimento, oppure manca un dato a cui si riferisce"
        } else {
            "i valori non rispettano le regole dei dati"
        };
        Error::new(Code::Conflict, format!("Questa scelta non si può applicare: {hint} ({why})"))
    } else {
        db_err(e)
    }
}

impl Tx<'_> {
    /// The conflicts, oldest first: the open ones, or all (`resolved`), of
    /// one case (`household`) or every one.
    pub fn sync_conflict_views(
        &self,
        household: Option<Id>,
        resolved: bool,
    ) -> Result<Vec<ConflictView>, Error> {
        let conn: &Connection = &self.tx;
        let mut stmt = conn
            .prepare(
                "SELECT c.id, c.table_name, c.record, c.field, c.kind, c.ours, c.theirs, c.device_name,
                        c.operator_id, c.changed_at, c.detected_at, c.resolved_at, c.resolved_by, c.resolution,
                        o.name, r.name
                 FROM sync_conflicts c
                 LEFT JOIN operators o ON o.id = c.operator_id
                 LEFT JOIN operators r ON r.id = c.resolved_by
                 WHERE ?1 OR c.resolved_at IS NULL
                 ORDER BY c.detected_at, c.rowid",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map([resolved], |r| {
                Ok((
                    super::conflict_row(r)?,
                    r.get::<_, String>(10)?,
                    r.get::<_, Option<String>>(11)?,
                    r.get::<_, Option<String>>(13)?,
                    r.get::<_, Option<String>>(14)?,
                    r.get::<_, Option<String>>(15)?,
                ))
            })
            .map_err(db_err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db_err)?;
        let wanted = household.map(|h| h.to_string());
        let mut out = Vec::new();
        for (row, detected_at, resolved_at, resolution, operator_name, resolved_by) in rows {
            let household_id = household_of(conn, &row.table, &row.record, &row.ours, &row.theirs)?;
            if wanted.is_some() && household_id != wanted {
                continue;
            }
            let current = current_value(conn, &row)?;
            let (case_number, household_name): (Option<String>, Option<String>) = match &household_id {
                Some(h) => conn
                    .query_row(
                        "SELECT h.case_number,
                                (SELECT m.last_name || ' ' || m.first_name FROM members m
                                 WHERE m.household_id = h.id ORDER BY m.relationship <> 'richiedente', m.position LIMIT 1)
                         FROM households h WHERE h.id = ?1",
                        [h],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()
                    .map_err(db_err)?
                    .unwrap_or((None, None)),
                None => (None, None),
            };
            let member_name = if row.table == "members" {
                let here: Option<String> = conn
                    .query_row(
                        "SELECT last_name || ' ' || first_name FROM members WHERE id = ?1",
                        [&row.record],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(db_err)?;
                here.or_else(|| {
                    [&row.ours, &row.theirs].iter().find_map(|v| {
                        Some(format!("{} {}", v.get("last_name")?.as_str()?, v.get("first_name")?.as_str()?))
                    })
                })
            } else {
                None
            };
            out.push(ConflictView {
                row,
                current,
                household_id,
                case_number,
                household_name,
                member_name,
                operator_name,
                detected_at,
                resolved_at,
                resolved_by,
                resolution: resolution.and_then(|s| serde_json::from_str(&s).ok()),
            });
        }
        Ok(out)
    }

    /// How many conflicts of the case `household` are open here.
    pub fn household_open_conflicts(&self, household: Id) -> Result<usize, Error> {
        Ok(self.sync_conflict_views(Some(household), false)?.len())
    }

    /// Records a conflict found here (a form saved on a stale copy): `ours`
    /// is the value that stands, `theirs` the one the form brought.
    pub fn sync_record_conflict(&self, c: &LocalConflict<'_>, stamp: &Stamp) -> Result<String, Error> {
        let LocalConflict { table, record, field, kind, ours, theirs } = *c;
        let conn: &Connection = &self.tx;
        let (device_id, name, seq): (String, String, i64) = conn
            .query_row("SELECT device_id, name, last_seq FROM sync_device WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(db_err)?;
        let id = Id::new().to_string();
        conn.execute(
            "INSERT INTO sync_conflicts (id, table_name, record, field, kind, ours, theirs, device_id, device_name,
                origin_seq, operator_id, changed_at, detected_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
            params![
                id,
                table,
                record,
                field,
                kind,
                ours.to_string(),
                theirs.to_string(),
                device_id,
                name,
                seq,
                stamp.by.to_string(),
                stamp.at
            ],
        )
        .map_err(db_err)?;
        Ok(id)
    }

    /// Resolves the open conflict `id` with `choice`: the chosen side is
    /// written (a field, or a whole row: restored, updated or deleted), the
    /// choice recorded, and every open conflict on the same field closed.
    pub fn sync_conflict_resolve(&self, id: &str, choice: Choice, stamp: &Stamp) -> Result<Resolved, Error> {
        let conn: &Connection = &self.tx;
        let found: Option<Stored> = conn
            .query_row(
                "SELECT table_name, record, field, kind, ours, theirs, resolved_at FROM sync_conflicts WHERE id = ?1",
                [id],
                |r| {
                    Ok(Stored {
                        table: r.get(0)?,
                        record: r.get(1)?,
                        field: r.get(2)?,
                        kind: r.get(3)?,
                        ours: r.get(4)?,
                        theirs: r.get(5)?,
                        resolved_at: r.get(6)?,
                    })
                },
            )
            .optional()
            .map_err(db_err)?;
        let Some(Stored { table, record, field, kind, ours, theirs, resolved_at }) = found else {
            return Err(Error::not_found("Conflitto non trovato").with_field("id"));
        };
        if resolved_at.is_some() {
            return Err(Error::new(Code::Conflict, "Questo conflitto è già stato risolto").with_field("id"));
        }
        let parse = |s: Option<String>| {
            s.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(serde_json::Value::Null)
        };
        let (ours, theirs) = (parse(ours), parse(theirs));
        let (chosen, other) = match choice {
            Choice::Ours => (ours.clone(), theirs.clone()),
            Choice::Theirs => (theirs.clone(), ours.clone()),
        };
        let info = table_info(conn, &table)?;
        let keys = record_keys(&info, &record)?;
        let here = select_row(conn, &table, &info, &keys)?;
        let mut replaced: Option<serde_json::Value> = None;
        if field != "*" {
            let Some(here) = here else {
                return Err(Error::new(
                    Code::Conflict,
                    "La scheda a cui si riferisce questo campo non c'è più qui: risolvere prima il conflitto sulla scheda intera",
                ));
            };
            let i = info.cols.iter().position(|c| *c == field).ok_or_else(|| {
                Error::new(Code::Storage, format!("campo «{field}» sconosciuto in un conflitto"))
            })?;
            let now = to_json(&here[i]);
            if now != chosen {
                if now != other {
                    replaced = Some(now);
                }
                write_fields(conn, &table, &info, &keys, &here, vec![(i, from_json(&chosen))], stamp)?;
            }
        } else {
            if kind == "fatto" && chosen.is_null() {
                return Err(Error::new(
                    Code::Conflict,
                    "Un fatto registrato (una firma, un documento, una verifica) non si cancella: si può solo confermare",
                )
                .with_field("choice"));
            }
            match (&chosen, here) {
                (serde_json::Value::Null, None) | (serde_json::Value::String(_), _) => {}
                (serde_json::Value::Null, Some(row)) => {
                    replaced = Some(row_json(&info, &row));
                    let sql = format!("DELETE FROM {} WHERE {}", quote(&table), where_keys(&keys, 1));
                    conn.execute(&sql, rusqlite::params_from_iter(keys.iter().map(|k| &k.1)))
                        .map_err(refused_by_schema)?;
                }
                (serde_json::Value::Object(values), Some(row)) => {
                    let sets: Vec<(usize, Value)> = info
                        .cols
                        .iter()
                        .enumerate()
                        .filter(|(i, c)| !info.pk[*i] && !bookkeeping(c))
                        .filter_map(|(i, c)| values.get(c).map(|v| (i, from_json(v))))
                        .filter(|(i, v)| row[*i] != *v)
                        .collect();
                    if !sets.is_empty() && row_json(&info, &row) != other {
                        replaced = Some(row_json(&info, &row));
                    }
                    write_fields(conn, &table, &info, &keys, &row, sets, stamp)?;
                }
                (serde_json::Value::Object(values), None) => {
                    // Restored: from the whole row the conflict kept or, when
                    // the other side sent only what it changed, over the row as
                    // this replica deleted it (its own record of changes).
                    let mut row: Vec<Value> = match deleted_row(conn, &table, &info, &keys)? {
                        Some(r) => r,
                        None => vec![Value::Null; info.cols.len()],
                    };
                    for (i, c) in info.cols.iter().enumerate() {
                        if let Some(v) = values.get(c) {
                            row[i] = from_json(v);
                        }
                    }
                    for (name, v) in &keys {
                        if let Some(i) = info.cols.iter().position(|c| c == name) {
                            row[i] = v.clone();
                        }
                    }
                    if row.iter().zip(&info.cols).any(|(v, c)| *v == Value::Null && c == "created_at") {
                        return Err(Error::new(
                            Code::Conflict,
                            "La scheda non si può ricostruire: di lei sono arrivati solo i campi cambiati",
                        ));
                    }
                    let sql = format!(
                        "INSERT INTO {} ({}) VALUES ({})",
                        quote(&table),
                        info.cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", "),
                        (1..=info.cols.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
                    );
                    conn.execute(&sql, rusqlite::params_from_iter(row.iter())).map_err(refused_by_schema)?;
                }
                _ => return Err(Error::new(Code::Storage, "valore illeggibile in un conflitto")),
            }
        }
        let household = household_of(conn, &table, &record, &ours, &theirs)?;
        let (device_id, device_name): (String, String) = conn
            .query_row("SELECT device_id, name FROM sync_device WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(db_err)?;
        conn.execute(
            "INSERT INTO conflict_resolutions (id, conflict_id, table_name, record, field, kind, choice, chosen,
                replaced, device_id, device_name, resolved_at, resolved_by, household_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                Id::new().to_string(),
                id,
                table,
                record,
                field,
                kind,
                choice.as_str(),
                chosen.to_string(),
                replaced.as_ref().map(|v| v.to_string()),
                device_id,
                device_name,
                stamp.at,
                stamp.by.to_string(),
                household
            ],
        )
        .map_err(db_err)?;
        let household_id = household.and_then(|h| h.parse::<Id>().ok());
        let side = match choice {
            Choice::Ours => "il valore di questa copia",
            Choice::Theirs => "il valore arrivato dall'altra",
        };
        Ok(Resolved { household_id, detail: format!("{table}.{field} di {record}: scelto {side}") })
    }
}

/// What stands here now for a conflict: the field's value, or the whole row.
fn current_value(conn: &Connection, row: &ConflictRow) -> Result<serde_json::Value, Error> {
    let Ok(info) = table_info(conn, &row.table) else { return Ok(serde_json::Value::Null) };
    let Ok(keys) = record_keys(&info, &row.record) else { return Ok(serde_json::Value::Null) };
    let Some(here) = select_row(conn, &row.table, &info, &keys)? else { return Ok(serde_json::Value::Null) };
    if row.field == "*" {
        return Ok(row_json(&info, &here));
    }
    Ok(info.cols.iter().position(|c| *c == row.field).map_or(serde_json::Value::Null, |i| to_json(&here[i])))
}

/// The case a conflict is about: through the record's key (a household, or a
/// row that belongs to one) or, for a row that is not here, through the
/// household, project or analysis named in the values the conflict kept.
fn household_of(
    conn: &Connection,
    table: &str,
    record: &str,
    ours: &serde_json::Value,
    theirs: &serde_json::Value,
) -> Result<Option<String>, Error> {
    let lookup = |id: &str| -> Result<Option<String>, Error> {
        conn.query_row(
            "SELECT id FROM households WHERE id = ?1
             UNION ALL SELECT household_id FROM members WHERE id = ?1
             UNION ALL SELECT household_id FROM projects WHERE id = ?1
             UNION ALL SELECT household_id FROM analyses WHERE id = ?1
             UNION ALL SELECT household_id FROM documents WHERE id = ?1
             UNION ALL SELECT household_id FROM eligibility_checks WHERE id = ?1
             UNION ALL SELECT p.household_id FROM commitments c JOIN projects p ON p.id = c.project_id WHERE c.id = ?1
             UNION ALL SELECT p.household_id FROM supports s JOIN projects p ON p.id = s.project_id WHERE s.id = ?1
             UNION ALL SELECT p.household_id FROM meetings m JOIN projects p ON p.id = m.project_id WHERE m.id = ?1
             LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .optional()
        .map_err(db_err)
    };
    if matches!(table, "households" | "eligibility_facts") {
        return Ok(Some(record.to_string()));
    }
    let ids: Vec<String> = if record.starts_with('[') {
        serde_json::from_str::<Vec<serde_json::Value>>(record)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    } else {
        vec![record.to_string()]
    };
    for id in &ids {
        if let Some(h) = lookup(id)? {
            return Ok(Some(h));
        }
    }
    for side in [ours, theirs] {
        if let Some(h) = side.get("household_id").and_then(|v| v.as_str()) {
            return Ok(Some(h.to_string()));
        }
        for key in ["project_id", "analysis_id"] {
            if let Some(id) = side.get(key).and_then(|v| v.as_str()) {
                if let Some(h) = lookup(id)? {
                    return Ok(Some(h));
                }
            }
        }
    }
    Ok(None)
}
