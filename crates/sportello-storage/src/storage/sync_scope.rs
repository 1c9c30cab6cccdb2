//! Enrolled devices and their scope (issue 11 point 1; docs/sync.md,
//! "Enrolment and scope"): which case a row belongs to, the device's new
//! database written at enrolment with the cases of its operators only, the
//! hub's packages for a device cut to its scope (a case entering it arrives
//! whole, one leaving it is removed there), and the device's side of that
//! removal.
//!
//! The scope is the case scope of the service (service/access.rs,
//! [`super::scope::CaseFilter`]) for each of the device's operators, united:
//! an operatore's own cases, their équipe's and those with nobody in charge;
//! every case for a coordinatore or an amministratore. It is computed at the
//! hub from its current operators and households at every export.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::Path;

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::sync::{quote, random32, read_changes, read_identity, text, Change, Outgoing, Peer};
use super::{db_err, Stamp, Storage};
use crate::domain::Id;
use crate::error::{Code, Error};
use crate::keyring::DbKey;
use crate::sync::{refused, DeviceKeys, Entry};

// --- Which case a row belongs to ---------------------------------------------------

/// Where the rows of a synced table belong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Home {
    /// Everyone's: operators, the office, the calls (no family in them).
    Office,
    /// The office's work on the calls (applications, published rankings,
    /// appeals): kept at the hub, never sent to an enrolled device.
    Hub,
    /// The households table itself.
    Case,
    /// A device's own rows (the blocks of case numbers granted to it, by
    /// `device_id`): sent to that device only. Another device's blocks are
    /// no use to it, and their counts of used numbers would arrive as edits
    /// of rows it never had.
    Device,
    /// A row of a case: its case is that of the row named by the first of
    /// these (column, parent table) whose value is known.
    Via(&'static [(&'static str, &'static str)]),
}

/// The tables of a case, parents first (the order of a whole case's
/// inserts; removal goes the other way).
pub(crate) const CASE_TABLES: &[&str] = &[
    "households",
    "members",
    "analyses",
    "analysis_participants",
    "analysis_areas",
    "analysis_employability",
    // The équipe's quadro di analisi (schema 27), after the analysis it deepens.
    "quadri",
    "quadro_equipe",
    "quadro_participants",
    "quadro_areas",
    "quadro_priorities",
    "projects",
    "project_texts",
    "commitments",
    "commitment_others",
    "supports",
    "meetings",
    "signatures",
    "signature_annulments",
    "documents",
    "eligibility_facts",
    "eligibility_checks",
    "eligibility_answers",
    "conflict_resolutions",
    // Temporary housing (schema 19): a household's place on the waiting
    // list and its stays (after projects: a stay names its project).
    "housing_waiting",
    "housing_stays",
    // Monitoring, re-design and closure of the project (schema 24): the
    // project's rows, with the case.
    "project_versions",
    "project_version_texts",
    "project_version_commitments",
    "project_version_supports",
    "project_version_signatures",
    "monitoring_meetings",
    "monitoring_participants",
    "monitoring_progress",
    "monitoring_annulments",
    "project_closures",
    "closure_outcomes",
    // A member in an intervention of a programme (schema 25), from the patto.
    "enrolments",
    // The informativa given to a member (schema 21): after members.
    "informativa_deliveries",
];

/// Everyone's tables, copied whole into a device's database.
/// The housing units (schema 19) are the office's: an address and its beds.
/// The funded programmes (schema 25), their partners, governance and
/// catalogue of interventions: organisations and a title, parents first.
pub(crate) const OFFICE_TABLES: &[&str] = &[
    "operators",
    "office",
    "calls",
    "housing_units",
    "programmes",
    "programme_partners",
    "programme_bodies",
    "interventions",
    // The versions of the informativa (schema 21) are the office's own text.
    "informativa_versions",
    // The verbali of erasures (schema 23): every device purges the case they name.
    "erasures",
    "erasure_counts",
    // The verbali of the other erasures (schema 26): the records they name
    // are hub-only or local; the verbale travels.
    "record_erasures",
    "record_erasure_counts",
];

/// The hub's own: see [`Home::Hub`]. Decision: the applications of a call
/// carry birth dates and the link to a household of any équipe, and are
/// ranked together at the office; a device does not need them to work on
/// its cases. Cheap to send, but not needed: data minimisation wins.
pub(crate) const HUB_TABLES: &[&str] = &[
    "call_applications",
    "ranking_versions",
    "appeals",
    // Paying what a ranking awarded (schema 16): the office's, like the ranking.
    "awards",
    "reimbursement_claims",
    "reimbursement_documents",
    "liquidations",
    "liquidation_items",
    // A funded project's finances (schema 20): the office's accounts.
    "funded_projects",
    "finance_commitments",
    "finance_payments",
    "finance_annulments",
    // The data subjects' requests (schema 22): the office's register.
    "data_requests",
    "data_request_applications",
    // Anonymised statistics of erased cases (schema 23): the office's.
    "retention_statistics",
];

/// Each device's own rows: see [`Home::Device`].
pub(crate) const DEVICE_TABLES: &[&str] = &["case_blocks"];

pub(crate) fn home(table: &str) -> Home {
    match table {
        "operators"
        | "office"
        | "calls"
        | "housing_units"
        | "informativa_versions"
        | "programmes"
        | "programme_partners"
        | "programme_bodies"
        | "interventions"
        // The verbali of erasures (schema 23) go to every device: each
        // purges the erased case it holds (storage::retention).
        | "erasures"
        | "erasure_counts"
        | "record_erasures"
        | "record_erasure_counts" => Home::Office,
        "households" => Home::Case,
        "members"
        | "analyses"
        | "projects"
        | "documents"
        | "eligibility_facts"
        | "eligibility_checks"
        | "housing_waiting"
        | "housing_stays"
        | "enrolments"
        | "informativa_deliveries"
        | "quadri" => Home::Via(&[("household_id", "households")]),
        "quadro_participants" => Home::Via(&[("quadro_id", "quadri"), ("member_id", "members")]),
        "quadro_equipe" | "quadro_areas" | "quadro_priorities" => Home::Via(&[("quadro_id", "quadri")]),
        "analysis_participants" | "analysis_employability" => {
            Home::Via(&[("analysis_id", "analyses"), ("member_id", "members")])
        }
        "analysis_areas" => Home::Via(&[("analysis_id", "analyses")]),
        "project_texts" | "supports" | "meetings" => Home::Via(&[("project_id", "projects")]),
        "commitments" | "signatures" | "signature_annulments" => {
            Home::Via(&[("project_id", "projects"), ("member_id", "members")])
        }
        "commitment_others" => Home::Via(&[("commitment_id", "commitments"), ("member_id", "members")]),
        "project_versions" | "monitoring_meetings" | "project_closures" => {
            Home::Via(&[("project_id", "projects")])
        }
        "project_version_texts" | "project_version_supports" => {
            Home::Via(&[("version_id", "project_versions")])
        }
        "project_version_commitments" | "project_version_signatures" => {
            Home::Via(&[("version_id", "project_versions"), ("member_id", "members")])
        }
        "monitoring_participants" | "monitoring_progress" => {
            Home::Via(&[("meeting_id", "monitoring_meetings"), ("member_id", "members")])
        }
        "monitoring_annulments" => Home::Via(&[("meeting_id", "monitoring_meetings")]),
        "closure_outcomes" => Home::Via(&[("closure_id", "project_closures")]),
        "eligibility_answers" => Home::Via(&[("check_id", "eligibility_checks")]),
        // A choice on a conflict goes where its case goes; one on a record
        // of no case goes where that record goes (`Resolver::choice_reaches`).
        "conflict_resolutions" => Home::Via(&[("household_id", "households")]),
        t if HUB_TABLES.contains(&t) => Home::Hub,
        t if DEVICE_TABLES.contains(&t) => Home::Device,
        // A table not named here (a new one) is not sent to a device until
        // someone says whose it is: a test holds every synced table to one
        // of the three lists.
        _ => Home::Hub,
    }
}

/// An SQL condition on the rows of `table` (in `schema`) that belong to the
/// cases whose id satisfies `set` (`IN (…)`, `= ?1`), through the first
/// parent of each step.
pub(super) fn case_condition(table: &str, schema: &str, set: &str) -> String {
    match home(table) {
        Home::Case => format!("id {set}"),
        Home::Via(v) => {
            let (col, parent) = v[0];
            if parent == "households" {
                format!("{} {set}", quote(col))
            } else {
                format!(
                    "{} IN (SELECT id FROM {schema}.{} WHERE {})",
                    quote(col),
                    quote(parent),
                    case_condition(parent, schema, set)
                )
            }
        }
        Home::Office | Home::Hub | Home::Device => "0".into(),
    }
}

/// The ids of the cases in the scope of the device `?1` at the hub: the
/// union of its active operators' case scopes (service/access.rs).
const SCOPE_SQL: &str =
    "SELECT h.id FROM main.households h LEFT JOIN main.operators r ON r.id = h.responsabile_id
    WHERE EXISTS (SELECT 1 FROM main.sync_peer_operators po JOIN main.operators o ON o.id = po.operator_id
        WHERE po.device_id = ?1 AND o.active = 1
          AND (o.role IN ('coordinatore', 'amministratore')
               OR (h.restricted_on IS NULL
                   AND (h.responsabile_id IS NULL OR h.responsabile_id = o.id OR r.equipe = o.equipe))))
    ORDER BY h.id";

fn columns(conn: &Connection, schema: &str, table: &str) -> Result<Vec<(String, bool)>, Error> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT name, pk FROM {schema}.pragma_table_info(?1)"))
        .map_err(db_err)?;
    let rows =
        stmt.query_map([table], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? > 0))).map_err(db_err)?;
    rows.collect::<Result<_, _>>().map_err(db_err)
}

/// Finds the case of a row change: from the change's own values, the rows
/// here, or (for rows deleted since) the other changes being sorted.
pub(super) struct Resolver<'c> {
    conn: &'c Connection,
    cols: HashMap<String, Vec<String>>,
    /// (table, id) → the values of that row seen in the changes being
    /// sorted: a row deleted since is still placed by its old values.
    known: HashMap<(String, String), HashMap<String, Value>>,
    memo: HashMap<(String, String), Option<String>>,
}

impl<'c> Resolver<'c> {
    pub(super) fn new(conn: &'c Connection) -> Self {
        Resolver { conn, cols: HashMap::new(), known: HashMap::new(), memo: HashMap::new() }
    }

    fn cols(&mut self, table: &str) -> Result<&[String], Error> {
        if !self.cols.contains_key(table) {
            let c = columns(self.conn, "main", table)?.into_iter().map(|c| c.0).collect();
            self.cols.insert(table.to_string(), c);
        }
        Ok(&self.cols[table])
    }

    fn value_in(&mut self, c: &Change, col: &str) -> Result<Option<String>, Error> {
        let Some(i) = self.cols(&c.table)?.iter().position(|n| n == col) else { return Ok(None) };
        Ok(c.new.get(i).cloned().flatten().or_else(|| c.old.get(i).cloned().flatten()).and_then(|v| text(&v)))
    }

    /// Remembers the values of a change's row (by its `id`), for the rows
    /// that are no longer here.
    pub(super) fn learn(&mut self, c: &Change) -> Result<(), Error> {
        let cols = self.cols(&c.table)?.to_vec();
        let Some(id) = self.value_in(c, "id")? else { return Ok(()) };
        let row = self.known.entry((c.table.clone(), id)).or_default();
        for (i, name) in cols.iter().enumerate() {
            if let Some(v) = c.new.get(i).cloned().flatten().or_else(|| c.old.get(i).cloned().flatten()) {
                row.entry(name.clone()).or_insert(v);
            }
        }
        Ok(())
    }

    fn column(&mut self, table: &str, id: &str, col: &str) -> Result<Option<String>, Error> {
        let sql = format!("SELECT {} FROM main.{} WHERE id = ?1", quote(col), quote(table));
        let here: Option<Value> = self
            .conn
            .prepare_cached(&sql)
            .map_err(db_err)?
            .query_row([id], |r| r.get(0))
            .optional()
            .map_err(db_err)?;
        if let Some(v) = here.as_ref().and_then(text) {
            return Ok(Some(v));
        }
        Ok(self.known.get(&(table.to_string(), id.to_string())).and_then(|r| r.get(col)).and_then(text))
    }

    /// The case of the row `id` of `table`.
    fn of_row(&mut self, table: &str, id: &str) -> Result<Option<String>, Error> {
        let key = (table.to_string(), id.to_string());
        if let Some(h) = self.memo.get(&key) {
            return Ok(h.clone());
        }
        let found = match home(table) {
            Home::Case => Some(id.to_string()),
            Home::Via(paths) => {
                let mut found = None;
                for (col, parent) in paths {
                    if let Some(v) = self.column(table, id, col)? {
                        found = if *parent == "households" { Some(v) } else { self.of_row(parent, &v)? };
                        if found.is_some() {
                            break;
                        }
                    }
                }
                found
            }
            Home::Office | Home::Hub | Home::Device => None,
        };
        self.memo.insert(key, found.clone());
        Ok(found)
    }

    /// The device a row change of a [`Home::Device`] table belongs to: an
    /// update carries only the columns it changed, so the row is looked up.
    fn device_of(&mut self, c: &Change) -> Result<Option<String>, Error> {
        if let Some(d) = self.value_in(c, "device_id")? {
            return Ok(Some(d));
        }
        match self.value_in(c, "id")? {
            Some(id) => self.column(&c.table, &id, "device_id"),
            None => Ok(None),
        }
    }

    /// Whether a choice on a conflict (a change of `conflict_resolutions`)
    /// goes to the enrolled device `device`, which holds the cases `held`
    /// (each as of the hub's change number it got it whole), in the hub's
    /// change `seq`. Where the record it is about goes: a choice on
    /// everyone's tables (an operator, a call, the office) to every device,
    /// which holds them and may hold the same conflict; on a block of case
    /// numbers to the device of that block; on the hub's own tables (a
    /// call's applications) to none; on a case's row with its case.
    fn choice_reaches(
        &mut self,
        c: &Change,
        device: &str,
        held: &HashMap<String, i64>,
        seq: i64,
    ) -> Result<bool, Error> {
        let id = self.value_in(c, "id")?;
        let of = |r: &mut Self, col: &str| -> Result<Option<String>, Error> {
            match r.value_in(c, col)? {
                Some(v) => Ok(Some(v)),
                None => match &id {
                    Some(id) => r.column(&c.table, id, col),
                    None => Ok(None),
                },
            }
        };
        let about = of(self, "table_name")?;
        Ok(match about.as_deref().map(home) {
            Some(Home::Office) => true,
            Some(Home::Hub) => false,
            Some(Home::Device) => match of(self, "record")? {
                Some(block) => self.column("case_blocks", &block, "device_id")?.as_deref() == Some(device),
                None => false,
            },
            Some(Home::Case | Home::Via(_)) | None => {
                self.of_change(c)?.and_then(|h| held.get(&h).copied()).is_some_and(|entered| seq > entered)
            }
        })
    }

    /// The case of a row change (`None`: not a case's row, or not found).
    pub(super) fn of_change(&mut self, c: &Change) -> Result<Option<String>, Error> {
        match home(&c.table) {
            Home::Case => self.value_in(c, "id"),
            Home::Via(paths) => {
                let id = self.value_in(c, "id")?;
                for (col, parent) in paths {
                    let v = match self.value_in(c, col)? {
                        Some(v) => Some(v),
                        None => match &id {
                            Some(id) => self.column(&c.table, id, col)?,
                            None => None,
                        },
                    };
                    if let Some(v) = v {
                        let h = if *parent == "households" { Some(v) } else { self.of_row(parent, &v)? };
                        if h.is_some() {
                            return Ok(h);
                        }
                    }
                }
                Ok(None)
            }
            Home::Office | Home::Hub | Home::Device => Ok(None),
        }
    }
}

// --- The changeset format, for cutting and making changesets ------------------------
//
// SQLite's session extension documents it (sqlite3session.h): per table,
// 'T', the number of columns (varint), one primary-key flag byte per
// column, the table's name and a 0; then its changes: the operation
// (INSERT 18, DELETE 9, UPDATE 23), the "indirect" flag, and one record
// (two for an UPDATE, old then new) of one value per column: a type byte
// (0 undefined, 1 integer, 2 real, 3 text, 4 blob, 5 null) and its data.

const OP_INSERT: u8 = 18;
const OP_DELETE: u8 = 9;
const OP_UPDATE: u8 = 23;

fn bad() -> Error {
    refused("un insieme di cambiamenti non è leggibile")
}

fn get_varint(b: &[u8], pos: &mut usize) -> Result<u64, Error> {
    let mut v: u64 = 0;
    for i in 0..9 {
        let byte = *b.get(*pos).ok_or_else(bad)?;
        *pos += 1;
        if i == 8 {
            return Ok((v << 8) | u64::from(byte));
        }
        v = (v << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(bad())
}

fn put_varint(out: &mut Vec<u8>, v: u64) {
    if v >> 56 != 0 {
        let mut buf = [0u8; 9];
        buf[8] = v as u8;
        let mut x = v >> 8;
        for b in buf[..8].iter_mut().rev() {
            *b = ((x & 0x7f) as u8) | 0x80;
            x >>= 7;
        }
        out.extend_from_slice(&buf);
        return;
    }
    let mut groups = Vec::with_capacity(9);
    let mut x = v;
    loop {
        groups.push((x & 0x7f) as u8);
        x >>= 7;
        if x == 0 {
            break;
        }
    }
    for (i, g) in groups.iter().enumerate().rev() {
        out.push(if i == 0 { *g } else { g | 0x80 });
    }
}

fn skip_value(b: &[u8], pos: &mut usize) -> Result<(), Error> {
    let t = *b.get(*pos).ok_or_else(bad)?;
    *pos += 1;
    let len = match t {
        0 | 5 => 0,
        1 | 2 => 8,
        3 | 4 => usize::try_from(get_varint(b, pos)?).map_err(|_| bad())?,
        _ => return Err(bad()),
    };
    *pos = pos.checked_add(len).filter(|p| *p <= b.len()).ok_or_else(bad)?;
    Ok(())
}

/// One table of a changeset: the byte ranges of its header and of each of
/// its changes.
type Block = (Range<usize>, Vec<Range<usize>>);

/// The tables of a changeset, as byte ranges.
fn blocks(cs: &[u8]) -> Result<Vec<Block>, Error> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < cs.len() {
        let start = pos;
        if cs[pos] != b'T' {
            return Err(bad());
        }
        pos += 1;
        let ncol = usize::try_from(get_varint(cs, &mut pos)?).map_err(|_| bad())?;
        pos = pos.checked_add(ncol).filter(|p| *p <= cs.len()).ok_or_else(bad)?;
        let nul = cs[pos..].iter().position(|b| *b == 0).ok_or_else(bad)?;
        pos += nul + 1;
        let header = start..pos;
        let mut changes = Vec::new();
        while pos < cs.len() && cs[pos] != b'T' {
            let c = pos;
            let records = match cs[pos] {
                OP_INSERT | OP_DELETE => 1,
                OP_UPDATE => 2,
                _ => return Err(bad()),
            };
            pos += 2;
            for _ in 0..records * ncol {
                skip_value(cs, &mut pos)?;
            }
            changes.push(c..pos);
        }
        out.push((header, changes));
    }
    Ok(out)
}

/// The changeset of the changes of `cs` whose `keep` is true (in the order
/// the session iterator reads them).
pub(super) fn cut(cs: &[u8], keep: &[bool]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let mut i = 0;
    for (header, changes) in blocks(cs)? {
        let mut first = true;
        for c in changes {
            if *keep.get(i).ok_or_else(bad)? {
                if first {
                    out.extend_from_slice(&cs[header.clone()]);
                    first = false;
                }
                out.extend_from_slice(&cs[c]);
            }
            i += 1;
        }
    }
    if i != keep.len() {
        return Err(bad());
    }
    Ok(out)
}

/// Reads one value of a record (`None`: undefined, a column the change
/// does not carry).
fn get_value(b: &[u8], pos: &mut usize) -> Result<Option<Value>, Error> {
    let t = *b.get(*pos).ok_or_else(bad)?;
    *pos += 1;
    let eight = |pos: &mut usize| -> Result<[u8; 8], Error> {
        let s: [u8; 8] = b.get(*pos..*pos + 8).and_then(|s| s.try_into().ok()).ok_or_else(bad)?;
        *pos += 8;
        Ok(s)
    };
    Ok(match t {
        0 => None,
        5 => Some(Value::Null),
        1 => Some(Value::Integer(i64::from_be_bytes(eight(pos)?))),
        2 => Some(Value::Real(f64::from_bits(u64::from_be_bytes(eight(pos)?)))),
        3 | 4 => {
            let n = usize::try_from(get_varint(b, pos)?).map_err(|_| bad())?;
            let end = pos.checked_add(n).filter(|e| *e <= b.len()).ok_or_else(bad)?;
            let s = &b[*pos..end];
            *pos = end;
            Some(if t == 3 {
                Value::Text(String::from_utf8(s.to_vec()).map_err(|_| bad())?)
            } else {
                Value::Blob(s.to_vec())
            })
        }
        _ => return Err(bad()),
    })
}

/// Who and when of a row's last change travel as a pair (docs/sync.md,
/// "Who and when"): a changeset carries a column of an UPDATE only when its
/// value changed, so a save by the operator who saved the row last carries
/// `updated_at` and not `updated_by`, and a receiver would pair the sender's
/// time with its own last editor (divergence 7 of the simulation). Every
/// UPDATE of `cs` whose `updated_at` changed and whose `updated_by` did not
/// is given `updated_by` (old = new = the row's value now, read in the
/// capturing transaction). `None`: nothing to add, `cs` stands as it is.
pub(super) fn carry_updated_by(conn: &Connection, cs: &[u8]) -> Result<Option<Vec<u8>>, Error> {
    let mut out = Vec::with_capacity(cs.len() + 64);
    let mut added = false;
    for (header, changes) in blocks(cs)? {
        let h = &cs[header];
        out.extend_from_slice(h);
        let mut pos = 1;
        let ncol = usize::try_from(get_varint(h, &mut pos)?).map_err(|_| bad())?;
        let pk: Vec<bool> = h.get(pos..pos + ncol).ok_or_else(bad)?.iter().map(|b| *b != 0).collect();
        let table = std::str::from_utf8(&h[pos + ncol..h.len() - 1]).map_err(|_| bad())?;
        let pair = if changes.iter().any(|c| cs[c.start] == OP_UPDATE) {
            let cols = columns(conn, "main", table)?;
            let at = cols.iter().position(|c| c.0 == "updated_at");
            let by = cols.iter().position(|c| c.0 == "updated_by");
            match (at, by) {
                (Some(at), Some(by)) if cols.len() == ncol => Some((cols, at, by)),
                _ => None,
            }
        } else {
            None
        };
        let Some((cols, at, by)) = pair else {
            for c in changes {
                out.extend_from_slice(&cs[c]);
            }
            continue;
        };
        for c in changes {
            let b = &cs[c.clone()];
            if b[0] != OP_UPDATE {
                out.extend_from_slice(b);
                continue;
            }
            // The old record, then the new one: each value's bytes, and
            // the old record's values (the primary key's are always there).
            let mut p = 2;
            let mut spans = Vec::with_capacity(2 * ncol);
            let mut old = Vec::with_capacity(ncol);
            for i in 0..2 * ncol {
                let start = p;
                if i < ncol {
                    old.push(get_value(b, &mut p)?);
                } else {
                    skip_value(b, &mut p)?;
                }
                spans.push(start..p);
            }
            let defined = |i: usize| b[spans[ncol + i].start] != 0;
            if !defined(at) || defined(by) {
                out.extend_from_slice(b);
                continue;
            }
            let keys: Vec<(&str, Value)> = (0..ncol)
                .filter(|i| pk[*i])
                .map(|i| old[i].clone().map(|v| (cols[i].0.as_str(), v)).ok_or_else(bad))
                .collect::<Result<_, _>>()?;
            let sql = format!(
                "SELECT {} FROM main.{} WHERE {}",
                quote("updated_by"),
                quote(table),
                keys.iter()
                    .enumerate()
                    .map(|(n, (c, _))| format!("{} = ?{}", quote(c), n + 1))
                    .collect::<Vec<_>>()
                    .join(" AND ")
            );
            let now: Option<Value> = conn
                .prepare_cached(&sql)
                .map_err(db_err)?
                .query_row(rusqlite::params_from_iter(keys.iter().map(|k| &k.1)), |r| r.get(0))
                .optional()
                .map_err(db_err)?;
            let Some(now) = now else {
                out.extend_from_slice(b);
                continue;
            };
            out.extend_from_slice(&b[..2]);
            for (i, span) in spans.iter().enumerate() {
                if i == by || i == ncol + by {
                    put_value(&mut out, &now);
                } else {
                    out.extend_from_slice(&b[span.clone()]);
                }
            }
            added = true;
        }
    }
    Ok(added.then_some(out))
}

fn put_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(5),
        Value::Integer(i) => {
            out.push(1);
            out.extend_from_slice(&i.to_be_bytes());
        }
        Value::Real(f) => {
            out.push(2);
            out.extend_from_slice(&f.to_bits().to_be_bytes());
        }
        Value::Text(s) => {
            out.push(3);
            put_varint(out, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Blob(b) => {
            out.push(4);
            put_varint(out, b.len() as u64);
            out.extend_from_slice(b);
        }
    }
}

/// Appends to `out` the inserts of `rows` of `table` (columns in the
/// table's order, `pk` their primary-key flags).
fn put_inserts(out: &mut Vec<u8>, table: &str, pk: &[bool], rows: &[Vec<Value>]) {
    if rows.is_empty() {
        return;
    }
    out.push(b'T');
    put_varint(out, pk.len() as u64);
    out.extend(pk.iter().map(|k| u8::from(*k)));
    out.extend_from_slice(table.as_bytes());
    out.push(0);
    for row in rows {
        out.extend_from_slice(&[OP_INSERT, 0]);
        for v in row {
            put_value(out, v);
        }
    }
}

/// The whole case `household` as a changeset of inserts, parents first.
fn case_changeset(conn: &Connection, household: &str) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    for table in CASE_TABLES {
        let cols = columns(conn, "main", table)?;
        let sql = format!(
            "SELECT {} FROM main.{} WHERE {} ORDER BY rowid",
            cols.iter().map(|c| quote(&c.0)).collect::<Vec<_>>().join(", "),
            quote(table),
            case_condition(table, "main", "= ?1")
        );
        let mut stmt = conn.prepare_cached(&sql).map_err(db_err)?;
        let rows = stmt
            .query_map([household], |r| (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect())
            .map_err(db_err)?
            .collect::<Result<Vec<Vec<Value>>, _>>()
            .map_err(db_err)?;
        let pk: Vec<bool> = cols.iter().map(|c| c.1).collect();
        put_inserts(&mut out, table, &pk, &rows);
    }
    Ok(out)
}

/// At the hub, after applying a package of the enrolled device `device`
/// (`applied`: its entries applied now, not replays): a case the device is
/// getting whole (an "entra" entry it has not acknowledged, or has only just)
/// whose rows these entries changed gets a fresh whole copy under a new
/// number, in place of the pending one. The pending copy was taken before
/// these changes arrived; applied on the device over its own later values it
/// would set them back (and a case that had left the device meanwhile would
/// come back without its rows made there), while the hub never sends a
/// device's changes back to it. Found by the simulation
/// (tests/sync_simulation.rs). Cost: a device editing such a case in every
/// cycle gets it whole again each time, until a cycle without edits of it.
pub(super) fn refresh_entering(tx: &Connection, device: &str, applied: &[&Entry]) -> Result<(), Error> {
    let pending: Vec<(i64, String)> = {
        let mut stmt = tx
            .prepare_cached(
                // Only while the device still holds the case from that entry:
                // after it a leaving entry may be pending, which a fresh copy
                // numbered after it would undo on the device.
                "SELECT o.seq, o.household_id FROM sync_peer_outbox o JOIN sync_peer_households h
                   ON h.device_id = o.device_id AND h.household_id = o.household_id AND h.entered_seq = o.seq
                 WHERE o.device_id = ?1 AND o.kind = 'entra' ORDER BY o.seq",
            )
            .map_err(db_err)?;
        let rows = stmt.query_map([device], |r| Ok((r.get(0)?, r.get(1)?))).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)?
    };
    if pending.is_empty() || applied.is_empty() {
        return Ok(());
    }
    let changes = applied.iter().map(|e| read_changes(&e.changeset)).collect::<Result<Vec<_>, _>>()?;
    let mut resolver = Resolver::new(tx);
    for c in changes.iter().flatten() {
        resolver.learn(c)?;
    }
    let mut touched = BTreeSet::new();
    for c in changes.iter().flatten() {
        if let Some(h) = resolver.of_change(c)? {
            touched.insert(h);
        }
    }
    for (seq, h) in pending.into_iter().filter(|(_, h)| touched.contains(h)) {
        let fresh: i64 = tx
            .query_row(
                "UPDATE sync_device SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq",
                [],
                |r| r.get(0),
            )
            .map_err(db_err)?;
        let cs = case_changeset(tx, &h)?;
        tx.execute("DELETE FROM sync_peer_outbox WHERE device_id = ?1 AND seq = ?2", params![device, seq])
            .map_err(db_err)?;
        tx.execute(
            "INSERT INTO sync_peer_outbox (device_id, seq, household_id, kind, changeset) VALUES (?1, ?2, ?3, 'entra', ?4)",
            params![device, fresh, h, cs],
        )
        .map_err(db_err)?;
        tx.execute(
            "UPDATE sync_peer_households SET entered_seq = ?3 WHERE device_id = ?1 AND household_id = ?2",
            params![device, h, fresh],
        )
        .map_err(db_err)?;
    }
    Ok(())
}

// --- Enrolment ------------------------------------------------------------------

/// A device to enrol at this hub.
pub struct NewDevice<'a> {
    pub name: &'a str,
    pub operators: &'a [Id],
}

/// What enrolment made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    pub device_id: String,
    /// The cases written into the device's database.
    pub cases: usize,
}

fn busy() -> Error {
    Error::new(Code::Internal, "connessione non disponibile")
}

impl Storage {
    /// Enrols `device` at this hub and fills the new, empty database at
    /// `out` (made by [`Storage::create`] with this database's `key`, not
    /// yet published) with its scope: everyone's tables, and the cases of its
    /// operators with every row of them. One transaction over both files: the
    /// device is registered here (its public keys, operators, the cases it
    /// holds, everything up to this hub's last change acknowledged), and
    /// there it gets its own identity and keys and this hub as its hub.
    /// Nothing is captured: the copy is no one's change. `audit` is the
    /// hub's row of it.
    pub fn sync_enrol(
        &self,
        out: &Path,
        key: &DbKey,
        device: &NewDevice<'_>,
        audit: (&Stamp, &str, &str),
    ) -> Result<Enrolled, Error> {
        let mut conn = self.conn.lock().map_err(|_| busy())?;
        let name = out.to_str().ok_or_else(|| {
            Error::invalid("out", "Il percorso del nuovo database contiene caratteri non rappresentabili")
        })?;
        conn.execute("ATTACH DATABASE ?1 AS dev KEY ?2", params![name, &*key.sqlcipher_literal()])
            .map_err(db_err)?;
        // A self-contained file (no -wal beside it) until the device opens
        // it: it is checked read-only, then published by a link.
        let result = enrol_into(&mut conn, device, audit).and_then(|e| {
            conn.query_row("PRAGMA dev.journal_mode = DELETE", [], |_| Ok(())).map(|_| e).map_err(db_err)
        });
        let detached = conn.execute_batch("DETACH DATABASE dev").map_err(db_err);
        let out = result?;
        detached?;
        Ok(out)
    }

    /// Forgets a device whose enrolment could not be finished (its database
    /// was not published): nothing of it stays but the audit row.
    pub fn sync_forget_device(&self, device_id: &str) -> Result<(), Error> {
        let mut conn = self.conn.lock().map_err(|_| busy())?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
        for t in
            ["sync_peer_outbox", "sync_peer_households", "sync_peer_operators", "sync_seen", "sync_peers"]
        {
            tx.execute(&format!("DELETE FROM main.{t} WHERE device_id = ?1"), [device_id]).map_err(db_err)?;
        }
        tx.commit().map_err(db_err)
    }
}

fn enrol_into(
    conn: &mut Connection,
    device: &NewDevice<'_>,
    audit: (&Stamp, &str, &str),
) -> Result<Enrolled, Error> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
    tx.execute_batch("PRAGMA defer_foreign_keys = ON").map_err(db_err)?;
    if !super::case_numbers::is_hub(&tx)? {
        return Err(Error::new(
            Code::Conflict,
            "Questo database è un dispositivo: i dispositivi si iscrivono alla sede centrale (hub)",
        ));
    }
    let hub = read_identity(&tx)?;
    if hub.sign_secret.iter().all(|b| *b == 0) {
        return Err(Error::new(Code::Internal, "le chiavi di questo database non sono ancora state create"));
    }
    let hub_public =
        DeviceKeys { sign_secret: hub.sign_secret.clone(), box_secret: hub.box_secret.clone() }.public();
    let (sign, boxed) = (random32()?, random32()?);
    let public = DeviceKeys { sign_secret: sign.clone(), box_secret: boxed.clone() }.public();
    let device_id = Id::new().to_string();
    // Registered at the hub: everything up to its last change is in the copy.
    tx.execute(
        "INSERT INTO main.sync_peers (device_id, name, sign_public, box_public, received_seq, acked_seq, hub)
         VALUES (?1, ?2, ?3, ?4, 0, ?5, 0)",
        params![device_id, device.name, &public.sign[..], &public.encrypt[..], hub.last_seq],
    )
    .map_err(|e| {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
            Error::new(Code::Conflict, format!("Esiste già un dispositivo di nome «{}»", device.name))
                .with_field("device")
        } else {
            db_err(e)
        }
    })?;
    for op in device.operators {
        tx.execute(
            "INSERT OR IGNORE INTO main.sync_peer_operators (device_id, operator_id) VALUES (?1, ?2)",
            params![device_id, op.to_string()],
        )
        .map_err(db_err)?;
    }
    let scope: Vec<String> = {
        let mut stmt = tx.prepare(SCOPE_SQL).map_err(db_err)?;
        let rows = stmt.query_map([&device_id], |r| r.get(0)).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)?
    };
    tx.execute_batch("CREATE TEMP TABLE IF NOT EXISTS sync_enrol_scope (household_id TEXT PRIMARY KEY); DELETE FROM temp.sync_enrol_scope;")
        .map_err(db_err)?;
    for h in &scope {
        tx.execute("INSERT INTO temp.sync_enrol_scope (household_id) VALUES (?1)", [h]).map_err(db_err)?;
        tx.execute(
            "INSERT INTO main.sync_peer_households (device_id, household_id, entered_seq) VALUES (?1, ?2, ?3)",
            params![device_id, h, hub.last_seq],
        )
        .map_err(db_err)?;
    }
    let copy = |table: &str, condition: &str| -> Result<(), Error> {
        let cols = columns(&tx, "main", table)?;
        let list = cols.iter().map(|c| quote(&c.0)).collect::<Vec<_>>().join(", ");
        tx.execute(
            &format!(
                "INSERT OR REPLACE INTO dev.{t} ({list}) SELECT {list} FROM main.{t} WHERE {condition} ORDER BY rowid",
                t = quote(table)
            ),
            [],
        )
        .map_err(db_err)?;
        Ok(())
    };
    // Everyone's tables, and the device's first block of case numbers,
    // granted here so that the first family it takes in charge offline
    // already has its final number (its own count of provisional numbers
    // starts from nothing: those are the device's alone).
    for table in OFFICE_TABLES {
        copy(table, "1")?;
    }
    let year: i32 = audit.0.at.get(..4).and_then(|y| y.parse().ok()).ok_or_else(|| {
        Error::new(Code::Internal, format!("momento dell'iscrizione non leggibile: {}", audit.0.at))
    })?;
    let policy = super::case_numbers::policy(&tx)?;
    super::case_numbers::grant(&tx, &device_id, year, policy.block_size, &audit.0.at)?;
    copy("case_blocks", &format!("device_id = '{}'", device_id.replace('\'', "''")))?;
    for table in CASE_TABLES {
        copy(table, &case_condition(table, "main", "IN (SELECT household_id FROM temp.sync_enrol_scope)"))?;
    }
    // The choices made on everyone's records, which go to every device.
    let office = OFFICE_TABLES.iter().map(|t| format!("'{t}'")).collect::<Vec<_>>().join(", ");
    copy("conflict_resolutions", &format!("table_name IN ({office})"))?;
    tx.execute_batch("DROP TABLE temp.sync_enrol_scope").map_err(db_err)?;
    // The device's own identity (its secret halves only there), and this
    // hub as its hub, whose changes up to now it holds.
    tx.execute(
        "UPDATE dev.sync_device SET device_id = ?1, name = ?2, sign_secret = ?3, box_secret = ?4, last_seq = 0
         WHERE id = 1",
        params![device_id, device.name, &sign[..], &boxed[..]],
    )
    .map_err(db_err)?;
    tx.execute(
        "INSERT INTO dev.sync_peers (device_id, name, sign_public, box_public, received_seq, acked_seq, hub)
         VALUES (?1, ?2, ?3, ?4, ?5, 0, 1)",
        params![hub.device_id, hub.name, &hub_public.sign[..], &hub_public.encrypt[..], hub.last_seq],
    )
    .map_err(db_err)?;
    let (stamp, action, detail) = audit;
    super::audit::append(&tx, &stamp.at, &stamp.by.to_string(), action, None, Some(detail))?;
    tx.commit().map_err(db_err)?;
    Ok(Enrolled { device_id, cases: scope.len() })
}

// --- The hub's package for an enrolled device -------------------------------------

/// Whether `peer` was enrolled with operators (its packages are cut to
/// their scope); a peer without (a whole copy) gets everything.
pub(super) fn scoped(conn: &Connection, peer: &str) -> Result<bool, Error> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM main.sync_peer_operators WHERE device_id = ?1)",
        [peer],
        |r| r.get(0),
    )
    .map_err(db_err)
}

/// The hub's changes for the enrolled device `p` that it has not
/// acknowledged, cut to its scope as it is now. Cases that entered the
/// scope since the last export get an entry of their own (the whole case),
/// cases that left it one (`leaves`); both are numbered among this hub's
/// changes and kept until acknowledged, so a package made again carries
/// them again, unchanged.
pub(super) fn outgoing(conn: &mut Connection, p: &Peer) -> Result<Outgoing, Error> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
    tx.execute(
        "DELETE FROM sync_peer_outbox WHERE device_id = ?1 AND seq <= ?2",
        params![p.device_id, p.acked_seq],
    )
    .map_err(db_err)?;
    let scope: BTreeSet<String> = {
        let mut stmt = tx.prepare(SCOPE_SQL).map_err(db_err)?;
        let rows = stmt.query_map([&p.device_id], |r| r.get(0)).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)?
    };
    let held = held_cases(&tx, &p.device_id)?;
    let next = |tx: &Connection| -> Result<i64, Error> {
        tx.query_row(
            "UPDATE sync_device SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq",
            [],
            |r| r.get(0),
        )
        .map_err(db_err)
    };
    for h in scope.iter().filter(|h| !held.contains_key(*h)) {
        let seq = next(&tx)?;
        let cs = case_changeset(&tx, h)?;
        tx.execute(
            "INSERT INTO sync_peer_outbox (device_id, seq, household_id, kind, changeset) VALUES (?1, ?2, ?3, 'entra', ?4)",
            params![p.device_id, seq, h, cs],
        )
        .map_err(db_err)?;
        tx.execute(
            "INSERT INTO sync_peer_households (device_id, household_id, entered_seq) VALUES (?1, ?2, ?3)",
            params![p.device_id, h, seq],
        )
        .map_err(db_err)?;
    }
    for h in held.keys().filter(|h| !scope.contains(*h)) {
        let seq = next(&tx)?;
        tx.execute(
            "INSERT INTO sync_peer_outbox (device_id, seq, household_id, kind, changeset) VALUES (?1, ?2, ?3, 'esce', x'')",
            params![p.device_id, seq, h],
        )
        .map_err(db_err)?;
        tx.execute(
            "DELETE FROM sync_peer_households WHERE device_id = ?1 AND household_id = ?2",
            params![p.device_id, h],
        )
        .map_err(db_err)?;
    }
    let held = held_cases(&tx, &p.device_id)?;
    let me = read_identity(&tx)?;
    let mut entries: Vec<Entry> = Vec::new();
    {
        // The device's own changes come back too, as the hub applied them
        // (the device applies them only where its value is still the one
        // they replaced: an "echo", never a conflict). Without them a
        // device that applied another replica's older change of the same
        // field after making its own (the hub's value standing in a
        // conflict there) kept that older value while the hub has the
        // device's: found by the simulation (tests/sync_simulation.rs).
        let mut stmt = tx
            .prepare(
                "SELECT seq, at, operator_id, origin_device, origin_name, origin_seq, changeset FROM sync_outbox
                 WHERE seq > ?1 ORDER BY seq",
            )
            .map_err(db_err)?;
        let rows =
            stmt.query_map(params![p.acked_seq], |r| super::sync::outbox_entry(r, &me)).map_err(db_err)?;
        let all = rows.collect::<Result<Vec<_>, _>>().map_err(db_err)?;
        let changes = all.iter().map(|e| read_changes(&e.changeset)).collect::<Result<Vec<_>, _>>()?;
        let mut resolver = Resolver::new(&tx);
        for c in changes.iter().flatten() {
            resolver.learn(c)?;
        }
        for (e, changes) in all.into_iter().zip(changes) {
            let mut keep = Vec::with_capacity(changes.len());
            for c in &changes {
                keep.push(match home(&c.table) {
                    _ if c.table == "conflict_resolutions" => {
                        resolver.choice_reaches(c, &p.device_id, &held, e.seq)?
                    }
                    Home::Office => true,
                    Home::Hub => false,
                    Home::Device => resolver.device_of(c)?.as_deref() == Some(p.device_id.as_str()),
                    Home::Case | Home::Via(_) => resolver
                        .of_change(c)?
                        .and_then(|h| held.get(&h).copied())
                        .is_some_and(|entered| e.seq > entered),
                });
            }
            if keep.iter().all(|k| *k) {
                entries.push(e);
            } else if keep.iter().any(|k| *k) {
                let source_hash = Some(e.hash());
                let changeset = cut(&e.changeset, &keep)?;
                entries.push(Entry { changeset, source_hash, ..e });
            }
        }
    }
    {
        let mut stmt = tx
            .prepare(
                "SELECT seq, household_id, kind, changeset FROM sync_peer_outbox WHERE device_id = ?1 AND seq > ?2
                 ORDER BY seq",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map(params![p.device_id, p.acked_seq], |r| {
                let seq: i64 = r.get(0)?;
                let household: String = r.get(1)?;
                let kind: String = r.get(2)?;
                Ok(Entry {
                    seq,
                    at: None,
                    operator_id: None,
                    origin_device: me.device_id.clone(),
                    origin_name: me.name.clone(),
                    origin_seq: seq,
                    changeset: r.get(3)?,
                    enters: (kind == "entra").then(|| household.clone()),
                    leaves: (kind == "esce").then_some(household),
                    source_hash: None,
                })
            })
            .map_err(db_err)?;
        entries.extend(rows.collect::<Result<Vec<_>, _>>().map_err(db_err)?);
    }
    entries.sort_by_key(|e| e.seq);
    tx.commit().map_err(db_err)?;
    Ok(Outgoing { base: p.acked_seq.min(me.last_seq), seq: me.last_seq, ack: p.received_seq, entries })
}

fn held_cases(conn: &Connection, device: &str) -> Result<HashMap<String, i64>, Error> {
    let mut stmt = conn
        .prepare_cached("SELECT household_id, entered_seq FROM sync_peer_households WHERE device_id = ?1")
        .map_err(db_err)?;
    let rows = stmt.query_map([device], |r| Ok((r.get(0)?, r.get(1)?))).map_err(db_err)?;
    rows.collect::<Result<_, _>>().map_err(db_err)
}

// --- On the device: a case leaving its scope ---------------------------------------

/// The case `household` left this device's scope (the hub said so): it is
/// removed here, without being captured (it is not this device's deletion,
/// and must never travel back as one), unless this device holds changes of
/// it that the hub has not acknowledged (`ack`: the last of this device's
/// changes the hub has applied). Then it stays, listed in `sync_leaving`,
/// until an import acknowledges them ([`settle_leaving`]). Also kept while
/// an application of a call made here refers to it (a call's work is the
/// office's; removing the case would break that reference).
pub(super) fn leave(tx: &Connection, household: &str, ack: i64) -> Result<(), Error> {
    let mut unsent: Option<i64> = None;
    {
        let mut stmt = tx
            .prepare_cached("SELECT seq, changeset FROM sync_outbox WHERE seq > ?1 AND origin_device IS NULL ORDER BY seq")
            .map_err(db_err)?;
        let rows: Vec<(i64, Vec<u8>)> = stmt
            .query_map([ack], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
        let changes = rows.iter().map(|(_, cs)| read_changes(cs)).collect::<Result<Vec<_>, _>>()?;
        let mut resolver = Resolver::new(tx);
        for c in changes.iter().flatten() {
            resolver.learn(c)?;
        }
        for ((seq, _), changes) in rows.iter().zip(&changes) {
            for c in changes {
                if resolver.of_change(c)?.as_deref() == Some(household) {
                    unsent = Some(*seq);
                }
            }
        }
    }
    let referenced: bool = tx
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM call_applications WHERE household_id = ?1)",
            [household],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    if unsent.is_some() || referenced {
        tx.execute(
            "INSERT INTO sync_leaving (household_id, until_seq) VALUES (?1, ?2)
             ON CONFLICT (household_id) DO UPDATE SET until_seq = excluded.until_seq",
            params![household, unsent.unwrap_or(0)],
        )
        .map_err(db_err)?;
        return Ok(());
    }
    // Overwritten where it lay, not only unlinked: a lost laptop must not
    // give back a case that left it.
    tx.execute_batch("PRAGMA secure_delete = ON").map_err(db_err)?;
    // Its conflicts too (they hold both values of a field). The hub has
    // each of them: a conflict here is the hub's value meeting one of ours,
    // and ours reached the hub (the case left only now), meeting its value
    // there in turn.
    forget_case_traces(tx, household)?;
    for table in CASE_TABLES.iter().rev() {
        tx.execute(
            &format!("DELETE FROM main.{} WHERE {}", quote(table), case_condition(table, "main", "= ?1")),
            [household],
        )
        .map_err(db_err)?;
    }
    tx.execute("DELETE FROM sync_leaving WHERE household_id = ?1", [household]).map_err(db_err)?;
    Ok(())
}

/// What a replica keeps beside a case's rows that holds its values: the
/// conflicts about them (both values of a field) and the history of their
/// fields (schema 22: old and new values). Removed with the case, whether it
/// leaves a device's scope or is erased (`retention`): called while the
/// case's rows are still there to name them.
pub(super) fn forget_case_traces(tx: &Connection, household: &str) -> Result<(), Error> {
    for table in CASE_TABLES {
        let (cols, pk) = super::sync::table_columns(tx, table)?;
        let keys: Vec<String> = cols.iter().zip(&pk).filter(|(_, k)| **k).map(|(c, _)| quote(c)).collect();
        // As `sync_conflicts.record` names a row: its key's text, or a JSON
        // array of a composite key's values.
        let record = match keys.as_slice() {
            [one] => one.clone(),
            many => format!("json_array({})", many.join(", ")),
        };
        tx.execute(
            &format!(
                "DELETE FROM sync_conflicts WHERE table_name = ?2 AND record IN (SELECT {record} FROM main.{} WHERE {})",
                quote(table),
                case_condition(table, "main", "= ?1")
            ),
            params![household, table],
        )
        .map_err(db_err)?;
        // `field_history.row_id` is a row's first key column, as text.
        if let Some(first) = keys.first() {
            tx.execute(
                &format!(
                    "DELETE FROM field_history WHERE tbl = ?2 AND row_id IN
                     (SELECT CAST({first} AS TEXT) FROM main.{} WHERE {})",
                    quote(table),
                    case_condition(table, "main", "= ?1")
                ),
                params![household, table],
            )
            .map_err(db_err)?;
        }
    }
    Ok(())
}

/// The cases waiting to leave ([`leave`]) whose changes the hub has now
/// acknowledged are removed; the others wait on.
pub(super) fn settle_leaving(tx: &Connection, ack: i64) -> Result<(), Error> {
    let waiting: Vec<String> = {
        let mut stmt = tx
            .prepare_cached("SELECT household_id FROM sync_leaving ORDER BY household_id")
            .map_err(db_err)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)?
    };
    for h in waiting {
        leave(tx, &h, ack)?;
    }
    Ok(())
}

/// After a whole case (`changeset`, the hub's copy of it) was applied on
/// this device: rows of that case still here that the copy does not have
/// are removed, without capture, unless this device made them and the hub
/// has not acknowledged them yet (`ack`). They are rows the hub removed
/// while the case was away from this device (a project's commitments
/// rewritten, a member taken out): the device held the case in
/// `sync_leaving`, or it came back before leaving, and the hub's changes of
/// a case a device does not hold are never sent. Without this the device
/// kept them for ever. Found by the simulation (tests/sync_simulation.rs).
pub(super) fn prune_entered(
    tx: &Connection,
    household: &str,
    changeset: &[u8],
    ack: i64,
) -> Result<(), Error> {
    let key = |table: &str, pk: &[Value]| format!("{table}:{pk:?}");
    let pk_of = |c: &Change| -> Vec<Value> {
        (0..c.pk.len())
            .filter(|i| c.pk[*i])
            .map(|i| c.new[i].clone().or_else(|| c.old[i].clone()).unwrap_or(Value::Null))
            .collect()
    };
    let mut keep: std::collections::HashSet<String> =
        read_changes(changeset)?.iter().map(|c| key(&c.table, &pk_of(c))).collect();
    {
        let mut stmt = tx
            .prepare_cached("SELECT changeset FROM sync_outbox WHERE seq > ?1 AND origin_device IS NULL")
            .map_err(db_err)?;
        let own: Vec<Vec<u8>> =
            stmt.query_map([ack], |r| r.get(0)).map_err(db_err)?.collect::<Result<_, _>>().map_err(db_err)?;
        for cs in own {
            for c in read_changes(&cs)? {
                if c.op == rusqlite::hooks::Action::SQLITE_INSERT {
                    keep.insert(key(&c.table, &pk_of(&c)));
                }
            }
        }
    }
    for table in CASE_TABLES.iter().rev() {
        let cols = columns(tx, "main", table)?;
        let pk: Vec<&String> = cols.iter().filter(|c| c.1).map(|c| &c.0).collect();
        let sql = format!(
            "SELECT rowid, {} FROM main.{} WHERE {}",
            pk.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", "),
            quote(table),
            case_condition(table, "main", "= ?1")
        );
        let rows: Vec<(i64, Vec<Value>)> = {
            let mut stmt = tx.prepare_cached(&sql).map_err(db_err)?;
            let rows = stmt
                .query_map([household], |r| {
                    Ok((
                        r.get(0)?,
                        (1..=pk.len()).map(|i| r.get::<_, Value>(i)).collect::<Result<Vec<_>, _>>()?,
                    ))
                })
                .map_err(db_err)?;
            rows.collect::<Result<_, _>>().map_err(db_err)?
        };
        for (rowid, values) in rows {
            if !keep.contains(&key(table, &values)) {
                tx.execute(&format!("DELETE FROM main.{} WHERE rowid = ?1", quote(table)), [rowid])
                    .map_err(db_err)?;
            }
        }
    }
    Ok(())
}

impl super::Tx<'_> {
    /// On a replica that syncs with a hub: how many of its own changes of
    /// the case `household` the hub has not acknowledged yet (one per saved
    /// form or command; the case's header says "Modifiche in attesa di
    /// invio"). `None` on a replica without a hub (the hub itself, a
    /// database on its own): there nothing waits to go anywhere.
    pub fn household_waiting(&self, household: Id) -> Result<Option<usize>, Error> {
        let conn: &Connection = &self.tx;
        let acked: Option<i64> = conn
            .query_row("SELECT acked_seq FROM sync_peers WHERE hub = 1 ORDER BY rowid LIMIT 1", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db_err)?;
        let Some(acked) = acked else { return Ok(None) };
        // What goes to the hub: the changes made here (docs/sync.md).
        let own: Vec<Vec<u8>> = {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT changeset FROM sync_outbox WHERE seq > ?1 AND origin_device IS NULL ORDER BY seq",
                )
                .map_err(db_err)?;
            let rows = stmt.query_map([acked], |r| r.get(0)).map_err(db_err)?;
            rows.collect::<Result<_, _>>().map_err(db_err)?
        };
        let changes = own.iter().map(|cs| read_changes(cs)).collect::<Result<Vec<_>, _>>()?;
        let mut resolver = Resolver::new(conn);
        for c in changes.iter().flatten() {
            resolver.learn(c)?;
        }
        let household = household.to_string();
        let mut waiting = 0;
        for change in &changes {
            for c in change {
                if resolver.of_change(c)?.as_deref() == Some(household.as_str()) {
                    waiting += 1;
                    break;
                }
            }
        }
        Ok(Some(waiting))
    }
}

/// A case that comes (back) into the scope is no longer waiting to leave.
pub(super) fn entered(tx: &Connection, household: &str) -> Result<(), Error> {
    tx.execute("DELETE FROM sync_leaving WHERE household_id = ?1", [household]).map_err(db_err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::hooks::Action as Op;

    #[test]
    fn every_synced_table_is_a_cases_everyones_or_the_hubs_and_a_case_lists_parents_first() {
        let store = Storage::open_in_memory().unwrap();
        let conn = store.conn.lock().unwrap();
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let synced: Vec<&String> = tables.iter().filter(|t| super::super::sync::synced(t)).collect();
        assert!(synced.len() > 20, "{synced:?}");
        for t in synced {
            let t = t.as_str();
            let lists = [
                CASE_TABLES.contains(&t),
                OFFICE_TABLES.contains(&t),
                HUB_TABLES.contains(&t),
                DEVICE_TABLES.contains(&t),
            ];
            assert_eq!(lists.iter().filter(|x| **x).count(), 1, "«{t}» must be in exactly one list");
            match home(t) {
                Home::Office => assert!(OFFICE_TABLES.contains(&t), "{t}"),
                Home::Hub => assert!(HUB_TABLES.contains(&t), "{t}"),
                Home::Device => assert!(DEVICE_TABLES.contains(&t), "{t}"),
                Home::Case => assert_eq!(t, "households"),
                Home::Via(paths) => {
                    let cols: Vec<String> =
                        columns(&conn, "main", t).unwrap().into_iter().map(|c| c.0).collect();
                    let me = CASE_TABLES.iter().position(|x| *x == t).unwrap();
                    for (col, parent) in paths {
                        assert!(cols.iter().any(|c| c == col), "{t}.{col}");
                        let p = CASE_TABLES.iter().position(|x| x == parent).unwrap();
                        assert!(p < me, "{parent} before {t}");
                    }
                }
            }
        }
    }

    #[test]
    fn an_update_of_when_carries_who_even_when_who_did_not_change() {
        use rusqlite::session::Session;
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT, updated_at TEXT, updated_by TEXT);
             CREATE TABLE u (id TEXT PRIMARY KEY, v TEXT);
             INSERT INTO t VALUES ('a', 'x', '2026-01-01', 'mrossi'), ('b', 'x', '2026-01-01', 'mrossi');
             INSERT INTO u VALUES ('a', 'x');",
        )
        .unwrap();
        let capture = |sql: &str| -> Vec<u8> {
            let mut session = Session::new(&conn).unwrap();
            session.attach(None::<&str>).unwrap();
            conn.execute_batch(sql).unwrap();
            let mut cs = Vec::new();
            session.changeset_strm(&mut cs).unwrap();
            cs
        };
        // The same operator saves again: the time changes, who does not.
        let cs = capture(
            "UPDATE t SET v = 'y', updated_at = '2026-01-02' WHERE id = 'a';
             UPDATE t SET v = 'z', updated_at = '2026-01-02', updated_by = 'lbianchi' WHERE id = 'b';
             UPDATE u SET v = 'y';
             INSERT INTO t VALUES ('c', 'x', '2026-01-02', 'gneri');",
        );
        let before = read_changes(&cs).unwrap();
        let a = before.iter().find(|c| c.table == "t" && c.old[0] == Some(Value::Text("a".into()))).unwrap();
        assert_eq!((&a.old[3], &a.new[3]), (&None, &None), "SQLite leaves who out");
        let done = carry_updated_by(&conn, &cs).unwrap().expect("who added");
        let after = read_changes(&done).unwrap();
        assert_eq!(after.len(), before.len());
        for (b, c) in before.iter().zip(&after) {
            assert_eq!((&b.table, b.op, &b.pk), (&c.table, c.op, &c.pk));
            let is_a = c.table == "t" && c.old.first() == Some(&Some(Value::Text("a".into())));
            if is_a {
                let mrossi = Some(Value::Text("mrossi".into()));
                assert_eq!((&c.old[3], &c.new[3]), (&mrossi, &mrossi));
                assert_eq!((&c.old[..3], &c.new[..3]), (&b.old[..3], &b.new[..3]));
            } else {
                assert_eq!((&c.old, &c.new), (&b.old, &b.new), "{}", c.table);
            }
        }
        // Nothing to add: the changeset stands as it is.
        let cs =
            capture("UPDATE t SET v = 'w', updated_at = '2026-01-03', updated_by = 'gneri' WHERE id = 'a';");
        assert_eq!(carry_updated_by(&conn, &cs).unwrap(), None);
        let cs = capture("UPDATE t SET v = 'v' WHERE id = 'a'; UPDATE u SET v = 'z';");
        assert_eq!(carry_updated_by(&conn, &cs).unwrap(), None);
    }

    #[test]
    fn varints_read_back_what_is_written() {
        for v in [0u64, 1, 127, 128, 240, 2287, 16_383, 16_384, 1 << 40, u64::MAX >> 9, u64::MAX] {
            let mut b = Vec::new();
            put_varint(&mut b, v);
            let mut pos = 0;
            assert_eq!(get_varint(&b, &mut pos).unwrap(), v, "{v}");
            assert_eq!(pos, b.len());
        }
    }

    #[test]
    fn inserts_made_here_read_back_through_the_session_iterator_and_cut_keeps_the_chosen_ones() {
        let rows = vec![
            vec![Value::Text("a".into()), Value::Integer(-7), Value::Null],
            vec![Value::Text("b".into()), Value::Real(1.5), Value::Blob(vec![0, 1, 2])],
            vec![Value::Text("c".repeat(300)), Value::Integer(i64::MAX), Value::Text("é".into())],
        ];
        let mut cs = Vec::new();
        put_inserts(&mut cs, "t", &[true, false, false], &rows);
        put_inserts(&mut cs, "u", &[true, false, false], &rows[..1]);
        let read = read_changes(&cs).unwrap();
        assert_eq!(read.len(), 4);
        assert!(read.iter().all(|c| c.op == Op::SQLITE_INSERT && c.pk == [true, false, false]));
        assert_eq!(read[2].new.iter().map(|v| v.clone().unwrap()).collect::<Vec<_>>(), rows[2]);
        assert_eq!(read[3].table, "u");
        assert_eq!(cut(&cs, &[true; 4]).unwrap(), cs);
        let some = cut(&cs, &[false, true, false, true]).unwrap();
        let read = read_changes(&some).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!((read[0].table.as_str(), read[1].table.as_str()), ("t", "u"));
        assert_eq!(read[0].new[0], Some(Value::Text("b".into())));
        assert!(cut(&cs, &[true; 3]).is_err(), "a mask of the wrong length is refused");
        assert!(cut(&cs, &[false; 4]).unwrap().is_empty());
    }
}
