//! A household form saved on a stale copy, merged field by field (sync.md
//! "What must hold" 2; docs/ipc.md `household_save`): this replaces the
//! whole-record refusal of a save whose `updated_at` is old.
//!
//! The form sends back what it loaded (`base`) beside what it saves. For each
//! field: unchanged in the form → what stands now stays (someone else's edit
//! survives); changed in the form and not by anyone else → written; changed
//! by both to different values → a conflict (`sync_conflicts`, kind `campo`)
//! with both values, what stands now standing, for the coordinator to decide.
//! Members are matched by id: a member the form removed goes unless someone
//! changed them meanwhile; one someone else removed stays removed unless the
//! form changed them (both cases: a conflict, kind `eliminato`).
//!
//! Why the form's copy and not a reconstruction from this replica's record
//! of changes: the concurrency token does not move when a package brings an
//! older edit (who and when keep the later pair, docs/sync.md), so "the
//! version with that `updated_at`" is not always the version the operator
//! saw; what the form loaded is, exactly, and costs one more object in the
//! save.

use serde::Serialize;
use serde_json::Value;

use crate::domain::household::HouseholdDraft;
use crate::domain::{Household, Isee, Member, StrEnum};
use crate::error::{Code, Error};

/// A field both the form and someone else changed, as the save reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormConflict {
    /// The conflict row (`sync_conflicts_list`, `sync_conflict_resolve`).
    pub id: String,
    /// Where the form shows it: `phone`, `isee.value`, `members[1].first_name`,
    /// `members[1]` (a whole member).
    pub field: String,
    pub table: String,
    pub record: String,
    pub column: String,
    /// What stands (someone else's value) and what the form brought.
    pub ours: Value,
    pub theirs: Value,
}

/// A conflict found by the merge, before it has a row.
pub(super) struct Found {
    pub field: String,
    pub table: &'static str,
    pub record: String,
    pub column: String,
    pub kind: &'static str,
    pub ours: Value,
    pub theirs: Value,
}

/// Three-way choice of one value: `Err(())` when both sides changed it to
/// different values (what stands now then stays).
fn pick<T: PartialEq + Clone>(base: &T, mine: &T, now: &T) -> Result<T, ()> {
    if mine == base {
        Ok(now.clone())
    } else if now == base || now == mine {
        Ok(mine.clone())
    } else {
        Err(())
    }
}

fn isee_columns(i: Option<&Isee>) -> Vec<(&'static str, &'static str, Value)> {
    let s = |v: Option<String>| v.map_or(Value::Null, Value::String);
    vec![
        ("isee.protocol", "isee_protocol", s(i.map(|i| i.protocol.clone()))),
        ("isee.kind", "isee_kind", s(i.map(|i| i.kind.as_str().to_string()))),
        ("isee.value", "isee_value", s(i.map(|i| i.value.to_string()))),
        ("isee.issued_on", "isee_issued_on", s(i.map(|i| i.issued_on.to_string()))),
        ("isee.expires_on", "isee_expires_on", s(i.map(|i| i.expires_on.to_string()))),
    ]
}

/// A member's permit as the table's three columns.
const PERMIT_COLUMNS: [(&str, &str); 3] =
    [("kind", "permit_kind"), ("number", "permit_number"), ("expires_on", "permit_expires_on")];

/// A member as the table's columns hold it (booleans as 0/1, the permit as
/// its three columns, a child's employment as ""), for conflict rows.
fn member_columns(m: &Member) -> serde_json::Map<String, Value> {
    let mut o = match serde_json::to_value(m) {
        Ok(Value::Object(o)) => o,
        _ => serde_json::Map::new(),
    };
    for v in o.values_mut() {
        if let Value::Bool(b) = v {
            *v = Value::from(i64::from(*b));
        }
    }
    let permit = o.remove("permit").unwrap_or(Value::Null);
    for (key, column) in PERMIT_COLUMNS {
        o.insert(column.to_string(), permit.get(key).cloned().unwrap_or(Value::Null));
    }
    if o.get("employment") == Some(&Value::Null) {
        o.insert("employment".to_string(), Value::String(String::new()));
    }
    o
}

/// Back from [`member_columns`] to the shape of a [`Member`].
fn member_of_columns(mut o: serde_json::Map<String, Value>) -> Result<Member, Error> {
    for flag in ["disability_certified", "not_self_sufficient"] {
        if let Some(Value::Number(n)) = o.get(flag) {
            let b = n.as_i64() == Some(1);
            o.insert(flag.to_string(), Value::Bool(b));
        }
    }
    let mut permit = serde_json::Map::new();
    for (key, column) in PERMIT_COLUMNS {
        permit.insert(key.to_string(), o.remove(column).unwrap_or(Value::Null));
    }
    let has_permit = permit.get("kind").is_some_and(|k| !k.is_null());
    o.insert("permit".to_string(), if has_permit { Value::Object(permit) } else { Value::Null });
    if o.get("employment") == Some(&Value::String(String::new())) {
        o.insert("employment".to_string(), Value::Null);
    }
    serde_json::from_value::<Member>(Value::Object(o))
        .map_err(|e| Error::new(Code::Internal, format!("unione dei componenti non riuscita: {e}")))
}

/// The household as it stands, in the shape of a validated form.
pub(super) fn draft_of(h: &Household) -> HouseholdDraft {
    HouseholdDraft {
        id: Some(h.id),
        updated_at: Some(h.updated_at.clone()),
        address: h.address.clone(),
        cap: h.cap.clone(),
        comune: h.comune.clone(),
        phone: h.phone.clone(),
        email: h.email.clone(),
        notes: h.notes.clone(),
        isee: h.isee.clone(),
        members: h.members.clone(),
    }
}

/// Merges the form (`mine`, loaded as `base`) over what stands (`now`).
pub(super) fn merge(
    base: &HouseholdDraft,
    mine: &HouseholdDraft,
    now: &HouseholdDraft,
) -> Result<(HouseholdDraft, Vec<Found>), Error> {
    let record = now.id.map(|i| i.to_string()).unwrap_or_default();
    let mut found = Vec::new();
    let mut out = now.clone();
    out.updated_at = now.updated_at.clone();
    macro_rules! field {
        ($f:ident) => {
            match pick(&base.$f, &mine.$f, &now.$f) {
                Ok(v) => out.$f = v,
                Err(()) => found.push(Found {
                    field: stringify!($f).to_string(),
                    table: "households",
                    record: record.clone(),
                    column: stringify!($f).to_string(),
                    kind: "campo",
                    ours: serde_json::to_value(&now.$f).unwrap_or(Value::Null),
                    theirs: serde_json::to_value(&mine.$f).unwrap_or(Value::Null),
                }),
            }
        };
    }
    field!(address);
    field!(cap);
    field!(comune);
    field!(phone);
    field!(email);
    field!(notes);
    // The ISEE is one attestation: taken whole, a conflict on each column
    // that differs (so the coordinator sees exactly what disagrees).
    match pick(&base.isee, &mine.isee, &now.isee) {
        Ok(v) => out.isee = v,
        Err(()) => {
            let (n, m) = (isee_columns(now.isee.as_ref()), isee_columns(mine.isee.as_ref()));
            for ((field, column, ours), (_, _, theirs)) in n.into_iter().zip(m) {
                if ours != theirs {
                    found.push(Found {
                        field: field.to_string(),
                        table: "households",
                        record: record.clone(),
                        column: column.to_string(),
                        kind: "campo",
                        ours,
                        theirs,
                    });
                }
            }
        }
    }

    let find = |list: &[Member], id| list.iter().position(|m: &Member| m.id == id);
    let mut members = Vec::new();
    for cur in &now.members {
        let (b, m) = (find(&base.members, cur.id), find(&mine.members, cur.id));
        match (b, m) {
            (Some(b), Some(m)) => {
                let (b, m) = (&base.members[b], &mine.members[m]);
                let (bj, mj, nj) = (member_columns(b), member_columns(m), member_columns(cur));
                let mut merged = nj.clone();
                for (k, nv) in &nj {
                    let (bv, mv) = (bj.get(k).unwrap_or(&Value::Null), mj.get(k).unwrap_or(&Value::Null));
                    match pick(bv, mv, nv) {
                        Ok(v) => {
                            merged.insert(k.clone(), v);
                        }
                        Err(()) => found.push(Found {
                            // As the form names it: `members[1].permit.number`.
                            field: match PERMIT_COLUMNS.iter().find(|(_, c)| c == k) {
                                Some((key, _)) => format!("members[{}].permit.{key}", members.len()),
                                None => format!("members[{}].{k}", members.len()),
                            },
                            table: "members",
                            record: cur.id.to_string(),
                            column: k.clone(),
                            kind: "campo",
                            ours: nv.clone(),
                            theirs: mv.clone(),
                        }),
                    }
                }
                members.push(member_of_columns(merged)?);
            }
            (Some(b), None) => {
                // The form removed them: gone, unless someone changed them since.
                if base.members[b] != *cur {
                    found.push(Found {
                        field: format!("members[{}]", members.len()),
                        table: "members",
                        record: cur.id.to_string(),
                        column: "*".to_string(),
                        kind: "eliminato",
                        ours: Value::Object(member_columns(cur)),
                        theirs: Value::Null,
                    });
                    members.push(cur.clone());
                }
            }
            // Added by someone else meanwhile (or by this form with an id
            // already stored): what stands stays.
            (None, _) => members.push(cur.clone()),
        }
    }
    for m in &mine.members {
        if find(&now.members, m.id).is_some() {
            continue;
        }
        match find(&base.members, m.id) {
            None => members.push(m.clone()),
            Some(b) => {
                // Someone removed them meanwhile: they stay removed, unless the
                // form changed them (then both are kept, in a conflict).
                if base.members[b] != *m {
                    found.push(Found {
                        field: format!(
                            "members[{}]",
                            mine.members.iter().position(|x| x.id == m.id).unwrap_or(0)
                        ),
                        table: "members",
                        record: m.id.to_string(),
                        column: "*".to_string(),
                        kind: "eliminato",
                        ours: Value::Null,
                        theirs: Value::Object(member_columns(m)),
                    });
                }
            }
        }
    }
    out.members = members;
    Ok((out, found))
}
