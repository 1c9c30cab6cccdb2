//! Calls ("avvisi/bandi"), their applications, the frozen published versions of
//! the ranking and the appeals (schema 2). Rows only: the rules that decide what
//! may be written live in `rules::appeals`, and the service assembles them.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{col, date, db_err, opt_col, opt_date, opt_date_sql, Sql, Stamp, Tx, Values};
use crate::domain::Id;
use crate::error::{Code, Error};
use crate::money::Money;
use crate::rules::appeals::{Appeal, AppealOutcome, PublishedVersion};
use crate::rules::applications::Application;
use crate::rules::rule_set::RuleSetRef;

/// The head of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallRow {
    pub id: Id,
    pub title: String,
    /// `b2-anziani`, `b2-disabili`.
    pub measure: String,
    pub rule_set: RuleSetRef,
    pub budget: Money,
    pub office: String,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    pub created_at: String,
    pub updated_at: String,
}

/// An application of a call and, where it exists, the household it belongs to
/// and the member of it who applied (schema 14).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationRow {
    #[serde(flatten)]
    pub application: Application,
    pub household_id: Option<Id>,
    #[serde(default)]
    pub member_id: Option<Id>,
}

/// A published version as stored: the rule-level version plus what the office
/// keeps beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRow {
    pub version: PublishedVersion,
    /// The rule set the ranking was computed under (also inside the ranking).
    pub rule_set: RuleSetRef,
    /// Protocol → explanation trace, as JSON (frozen as computed).
    pub explanations_json: String,
    /// The public PDF's file name in the call's folder.
    pub pdf_file: String,
    pub pdf: Vec<u8>,
    pub created_at: String,
}

fn json<T: Serialize>(v: &T) -> Result<String, Error> {
    serde_json::to_string(v).map_err(|e| Error::new(Code::Internal, format!("serializzazione JSON: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(idx: usize, s: &str) -> rusqlite::Result<T> {
    serde_json::from_str(s).map_err(|e| {
        super::conversion(idx, Error::new(Code::Storage, format!("dato JSON non valido nel database: {e}")))
    })
}

fn call_from_row(r: &Row<'_>) -> rusqlite::Result<CallRow> {
    Ok(CallRow {
        id: col(r, 0)?,
        title: r.get(1)?,
        measure: r.get(2)?,
        rule_set: RuleSetRef { id: r.get(3)?, version: r.get(4)? },
        budget: col(r, 5)?,
        office: r.get(6)?,
        window_from: date(r, 7)?,
        window_to: date(r, 8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

const CALL_COLUMNS: &str = "id, title, measure, rule_set_id, rule_set_version, budget, office, window_from, \
                            window_to, created_at, updated_at";

fn application_from_row(r: &Row<'_>) -> rusqlite::Result<ApplicationRow> {
    Ok(ApplicationRow {
        application: Application {
            protocol: r.get(0)?,
            submitted_on: date(r, 1)?,
            birth_date: date(r, 2)?,
            isee: opt_col(r, 3)?,
            isee_expires_on: opt_date(r, 4)?,
            resident: r.get(5)?,
            continuation: r.get(6)?,
            non_self_sufficient: r.get(7)?,
            independent_living: r.get(8)?,
            other_interventions: r.get(9)?,
            amount: col(r, 10)?,
        },
        household_id: opt_col(r, 11)?,
        member_id: opt_col(r, 12)?,
    })
}

fn version_from_row(r: &Row<'_>) -> rusqlite::Result<VersionRow> {
    let version = PublishedVersion {
        version: r.get(0)?,
        published_on: date(r, 1)?,
        appeal_deadline: date(r, 2)?,
        deadline_office_closed: r.get(3)?,
        ranking: from_json(6, &r.get::<_, String>(6)?)?,
        upheld_appeals: from_json(7, &r.get::<_, String>(7)?)?,
        changes: from_json(8, &r.get::<_, String>(8)?)?,
    };
    Ok(VersionRow {
        version,
        rule_set: RuleSetRef { id: r.get(4)?, version: r.get(5)? },
        explanations_json: r.get(9)?,
        pdf_file: r.get(10)?,
        pdf: r.get(11)?,
        created_at: r.get(12)?,
    })
}

fn appeal_from_row(r: &Row<'_>) -> rusqlite::Result<Appeal> {
    let outcome: String = r.get(6)?;
    let decided_on = opt_date(r, 7)?;
    let note: Option<String> = r.get(8)?;
    let outcome = match (outcome.as_str(), decided_on) {
        ("pending", _) => AppealOutcome::Pending,
        ("rejected", Some(decided_on)) => {
            AppealOutcome::Rejected { decided_on, note: note.unwrap_or_default() }
        }
        ("upheld", Some(decided_on)) => AppealOutcome::Upheld {
            decided_on,
            note: note.unwrap_or_default(),
            original: from_json(9, &r.get::<_, String>(9)?)?,
            corrected: from_json(10, &r.get::<_, String>(10)?)?,
        },
        (other, _) => {
            return Err(super::conversion(
                6,
                Error::new(Code::Storage, format!("esito di ricorso «{other}» inatteso nel database")),
            ))
        }
    };
    Ok(Appeal {
        id: r.get(0)?,
        protocol: r.get(1)?,
        against_version: r.get(2)?,
        filed_on: date(r, 3)?,
        grounds: r.get(4)?,
        documents: from_json(5, &r.get::<_, String>(5)?)?,
        outcome,
    })
}

/// The columns of a call, for its INSERT and its UPDATE alike.
fn call_values(c: &CallRow) -> Values<'_> {
    Values::new()
        .with("title", &c.title)
        .with("measure", &c.measure)
        .with("rule_set_id", &c.rule_set.id)
        .with("rule_set_version", c.rule_set.version)
        .with("budget", c.budget.sql())
        .with("office", &c.office)
        .with("window_from", c.window_from.to_string())
        .with("window_to", c.window_to.to_string())
}

/// The columns of an application (its data and household link), for its INSERT
/// and its UPDATE alike.
fn application_values<'a>(a: &'a ApplicationRow, stamp: &'a Stamp) -> Values<'a> {
    let x = &a.application;
    Values::new()
        .with("household_id", a.household_id.sql())
        .with("member_id", a.member_id.sql())
        .with("submitted_on", x.submitted_on.to_string())
        .with("birth_date", x.birth_date.to_string())
        .with("isee", x.isee.sql())
        .with("isee_expires_on", opt_date_sql(x.isee_expires_on))
        .with("resident", x.resident)
        .with("continuation", x.continuation)
        .with("non_self_sufficient", x.non_self_sufficient)
        .with("independent_living", x.independent_living)
        .with("other_interventions", x.other_interventions)
        .with("amount", x.amount.sql())
        .with("updated_at", &stamp.at)
        .with("updated_by", stamp.by.sql())
}

impl Tx<'_> {
    pub fn call_insert(&self, c: &CallRow, stamp: &Stamp) -> Result<(), Error> {
        call_values(c)
            .with("id", c.id.sql())
            .with("created_at", &stamp.at)
            .with("updated_at", &stamp.at)
            .with("created_by", stamp.by.sql())
            .with("updated_by", stamp.by.sql())
            .insert(&self.tx, "calls")
            .map_err(db_err)?;
        Ok(())
    }

    pub fn call_update(&self, c: &CallRow, stamp: &Stamp) -> Result<(), Error> {
        call_values(c)
            .with("updated_at", &c.updated_at)
            .with("updated_by", stamp.by.sql())
            .update(&self.tx, "calls", &Values::new().with("id", c.id.sql()))
            .map_err(db_err)?;
        Ok(())
    }

    pub fn call_get(&self, id: Id) -> Result<Option<CallRow>, Error> {
        self.tx
            .query_row(&format!("SELECT {CALL_COLUMNS} FROM calls WHERE id = ?1"), [id.sql()], call_from_row)
            .optional()
            .map_err(db_err)
    }

    /// Every call, newest first.
    pub fn calls_list(&self) -> Result<Vec<CallRow>, Error> {
        self.rows(
            &format!("SELECT {CALL_COLUMNS} FROM calls ORDER BY created_at DESC, id DESC"),
            [],
            call_from_row,
        )
    }

    /// The applications of a call in input order.
    pub fn call_applications(&self, call: Id) -> Result<Vec<ApplicationRow>, Error> {
        self.rows(
            "SELECT protocol, submitted_on, birth_date, isee, isee_expires_on, resident, continuation,
                        non_self_sufficient, independent_living, other_interventions, amount, household_id,
                        member_id
                 FROM call_applications WHERE call_id = ?1 ORDER BY seq",
            [call.sql()],
            application_from_row,
        )
    }

    /// Adds an application at the end of the call's input order.
    pub fn application_insert(&self, call: Id, a: &ApplicationRow, stamp: &Stamp) -> Result<(), Error> {
        let seq: i64 = self
            .tx
            .query_row(
                "SELECT coalesce(max(seq), 0) + 1 FROM call_applications WHERE call_id = ?1",
                [call.sql()],
                |r| r.get(0),
            )
            .map_err(db_err)?;
        application_values(a, stamp)
            .with("call_id", call.sql())
            .with("protocol", &a.application.protocol)
            .with("seq", seq)
            .with("created_at", &stamp.at)
            .with("created_by", stamp.by.sql())
            .insert(&self.tx, "call_applications")
            .map_err(db_err)?;
        Ok(())
    }

    /// Replaces an application's data and household link (same protocol).
    pub fn application_update(&self, call: Id, a: &ApplicationRow, stamp: &Stamp) -> Result<(), Error> {
        let protocol = &a.application.protocol;
        let keys = Values::new().with("call_id", call.sql()).with("protocol", protocol);
        let n = application_values(a, stamp).update(&self.tx, "call_applications", &keys).map_err(db_err)?;
        if n != 1 {
            return Err(Error::not_found(format!("domanda «{protocol}» non trovata nell'avviso")));
        }
        Ok(())
    }

    pub fn version_insert(&self, call: Id, v: &VersionRow, stamp: &Stamp) -> Result<(), Error> {
        let p = &v.version;
        self.tx
            .execute(
                "INSERT INTO ranking_versions (call_id, version, published_on, appeal_deadline,
                    deadline_office_closed, rule_set_id, rule_set_version, ranking_json,
                    upheld_appeals_json, changes_json, explanations_json, pdf_file, pdf, created_at,
                    created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
                params![
                    call.sql(),
                    p.version,
                    p.published_on.to_string(),
                    p.appeal_deadline.to_string(),
                    p.deadline_office_closed,
                    v.rule_set.id,
                    v.rule_set.version,
                    json(&p.ranking)?,
                    json(&p.upheld_appeals)?,
                    json(&p.changes)?,
                    v.explanations_json,
                    v.pdf_file,
                    v.pdf,
                    stamp.at,
                    stamp.by.sql()
                ],
            )
            .map_err(db_err)?;
        Ok(())
    }

    /// The published versions of a call, oldest first.
    pub fn versions_of_call(&self, call: Id) -> Result<Vec<VersionRow>, Error> {
        self.rows(
            "SELECT version, published_on, appeal_deadline, deadline_office_closed, rule_set_id,
                        rule_set_version, ranking_json, upheld_appeals_json, changes_json,
                        explanations_json, pdf_file, pdf, created_at
                 FROM ranking_versions WHERE call_id = ?1 ORDER BY version",
            [call.sql()],
            version_from_row,
        )
    }

    pub fn appeal_insert(&self, call: Id, a: &Appeal, stamp: &Stamp) -> Result<(), Error> {
        self.tx
            .execute(
                "INSERT INTO appeals (call_id, id, protocol, against_version, filed_on, grounds,
                    documents_json, outcome, filed_at, filed_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8, ?9)",
                params![
                    call.sql(),
                    a.id,
                    a.protocol,
                    a.against_version,
                    a.filed_on.to_string(),
                    a.grounds,
                    json(&a.documents)?,
                    stamp.at,
                    stamp.by.sql()
                ],
            )
            .map_err(db_err)?;
        Ok(())
    }

    /// Writes the decision of a pending appeal (the schema refuses a second one).
    pub fn appeal_decide(&self, call: Id, a: &Appeal, stamp: &Stamp) -> Result<(), Error> {
        let (outcome, decided_on, note, original, corrected) = match &a.outcome {
            AppealOutcome::Pending => {
                return Err(Error::new(Code::Internal, "decisione di ricorso senza esito"));
            }
            AppealOutcome::Rejected { decided_on, note } => ("rejected", *decided_on, note, None, None),
            AppealOutcome::Upheld { decided_on, note, original, corrected } => {
                ("upheld", *decided_on, note, Some(json(original)?), Some(json(corrected)?))
            }
        };
        let n = self
            .tx
            .execute(
                "UPDATE appeals SET outcome = ?3, decided_on = ?4, note = ?5, original_json = ?6,
                    corrected_json = ?7, decided_at = ?8, decided_by = ?9
                 WHERE call_id = ?1 AND id = ?2",
                params![
                    call.sql(),
                    a.id,
                    outcome,
                    decided_on.to_string(),
                    note,
                    original,
                    corrected,
                    stamp.at,
                    stamp.by.sql()
                ],
            )
            .map_err(db_err)?;
        if n != 1 {
            return Err(Error::not_found(format!("ricorso n. {} non trovato", a.id)));
        }
        Ok(())
    }

    /// The appeals of a call, in filing order.
    pub fn appeals_of_call(&self, call: Id) -> Result<Vec<Appeal>, Error> {
        self.rows(
            "SELECT id, protocol, against_version, filed_on, grounds, documents_json, outcome,
                        decided_on, note, original_json, corrected_json
                 FROM appeals WHERE call_id = ?1 ORDER BY id",
            [call.sql()],
            appeal_from_row,
        )
    }

    /// Whether a household exists (to link an application to it).
    /// The household a member belongs to (`None`: no such member).
    pub fn household_of_member(&self, member: Id) -> Result<Option<Id>, Error> {
        self.tx
            .query_row("SELECT household_id FROM members WHERE id = ?1", [member.sql()], |r| col(r, 0))
            .optional()
            .map_err(db_err)
    }

    pub fn household_exists(&self, id: Id) -> Result<bool, Error> {
        self.tx
            .query_row("SELECT 1 FROM households WHERE id = ?1", [id.sql()], |_| Ok(()))
            .optional()
            .map(|o| o.is_some())
            .map_err(db_err)
    }
}
