//! Eligibility in the app: the facts the household form does not hold, and the
//! checks made (each answer with its rule sets and trace), kept unchanged.

use rusqlite::{params, OptionalExtension};

use super::{col, date, db_err, Sql, Stamp, Tx};
use crate::domain::Id;
use crate::error::{Code, Error};

/// `other_subsidies` and `urgent_need` of a household (rules.md §3, misure 1-5).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FactsRow {
    pub other_subsidies: bool,
    pub urgent_need: Option<String>,
    /// Empty when never recorded.
    pub updated_at: String,
    pub updated_by: String,
}

/// One stored answer: JSON texts as the service wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    pub measure: String,
    pub eligible: bool,
    pub reasons: String,
    pub rule_sets: String,
    pub trace: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRow {
    pub id: Id,
    pub household_id: Id,
    pub reference_date: chrono::NaiveDate,
    pub comune: String,
    pub input: String,
    pub created_at: String,
    /// The operator's name.
    pub operator: String,
    pub answers: Vec<AnswerRow>,
}

fn json_err(e: serde_json::Error) -> Error {
    Error::new(Code::Storage, format!("dati della verifica dei requisiti non leggibili: {e}"))
}

impl Tx<'_> {
    pub fn eligibility_facts_get(&self, household: Id) -> Result<Option<FactsRow>, Error> {
        self.tx
            .query_row(
                "SELECT f.other_subsidies, f.urgent_need, f.updated_at, o.name
                 FROM eligibility_facts f JOIN operators o ON o.id = f.updated_by WHERE f.household_id = ?1",
                [household.sql()],
                |r| {
                    Ok(FactsRow {
                        other_subsidies: r.get::<_, i64>(0)? != 0,
                        urgent_need: r.get(1)?,
                        updated_at: r.get(2)?,
                        updated_by: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(db_err)
    }

    pub fn eligibility_facts_put(
        &self,
        household: Id,
        other_subsidies: bool,
        urgent_need: Option<&str>,
        stamp: &Stamp,
    ) -> Result<(), Error> {
        self.tx
            .execute(
                "INSERT INTO eligibility_facts (household_id, other_subsidies, urgent_need, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (household_id) DO UPDATE SET other_subsidies = excluded.other_subsidies,
                   urgent_need = excluded.urgent_need, updated_at = excluded.updated_at,
                   updated_by = excluded.updated_by",
                params![household.sql(), other_subsidies as i64, urgent_need, stamp.at, stamp.by.sql()],
            )
            .map_err(db_err)?;
        Ok(())
    }

    /// Stores a check and its answers (in the order given).
    pub fn eligibility_check_insert(&self, c: &CheckRow, stamp: &Stamp) -> Result<(), Error> {
        self.tx
            .execute(
                "INSERT INTO eligibility_checks (id, household_id, reference_date, comune, input, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![c.id.sql(), c.household_id.sql(), c.reference_date.to_string(), c.comune, c.input, stamp.at, stamp.by.sql()],
            )
            .map_err(db_err)?;
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO eligibility_answers (check_id, position, measure, eligible, reasons, rule_sets, trace)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .map_err(db_err)?;
        for (i, a) in c.answers.iter().enumerate() {
            stmt.execute(params![
                c.id.sql(),
                i as i64,
                a.measure,
                a.eligible as i64,
                a.reasons,
                a.rule_sets,
                a.trace
            ])
            .map_err(db_err)?;
        }
        Ok(())
    }

    pub fn eligibility_check_get(&self, id: Id) -> Result<Option<CheckRow>, Error> {
        let head = self
            .tx
            .query_row(
                "SELECT c.id, c.household_id, c.reference_date, c.comune, c.input, c.created_at, o.name
                 FROM eligibility_checks c JOIN operators o ON o.id = c.created_by WHERE c.id = ?1",
                [id.sql()],
                |r| {
                    Ok(CheckRow {
                        id: col(r, 0)?,
                        household_id: col(r, 1)?,
                        reference_date: date(r, 2)?,
                        comune: r.get(3)?,
                        input: r.get(4)?,
                        created_at: r.get(5)?,
                        operator: r.get(6)?,
                        answers: Vec::new(),
                    })
                },
            )
            .optional()
            .map_err(db_err)?;
        let Some(mut c) = head else { return Ok(None) };
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT measure, eligible, reasons, rule_sets, trace FROM eligibility_answers
                 WHERE check_id = ?1 ORDER BY position",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map([id.sql()], |r| {
                Ok(AnswerRow {
                    measure: r.get(0)?,
                    eligible: r.get::<_, i64>(1)? != 0,
                    reasons: r.get(2)?,
                    rule_sets: r.get(3)?,
                    trace: r.get(4)?,
                })
            })
            .map_err(db_err)?;
        c.answers = rows.collect::<Result<_, _>>().map_err(db_err)?;
        // A row written by this program always parses; say so if one does not.
        for a in &c.answers {
            serde_json::from_str::<serde_json::Value>(&a.trace).map_err(json_err)?;
        }
        Ok(Some(c))
    }

    /// The checks of a household, newest first.
    pub fn eligibility_checks_of_household(&self, household: Id) -> Result<Vec<CheckRow>, Error> {
        let ids: Vec<Id> = {
            let mut stmt = self
                .tx
                .prepare_cached(
                    "SELECT id FROM eligibility_checks WHERE household_id = ?1 ORDER BY created_at DESC, id DESC",
                )
                .map_err(db_err)?;
            let rows = stmt.query_map([household.sql()], |r| col(r, 0)).map_err(db_err)?;
            rows.collect::<Result<_, _>>().map_err(db_err)?
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(c) = self.eligibility_check_get(id)? {
                out.push(c);
            }
        }
        Ok(out)
    }
}
