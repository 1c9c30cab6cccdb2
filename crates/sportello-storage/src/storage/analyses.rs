//! Analisi preliminare: one per household, with its areas, participants and
//! employability profiles.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::{col, date, db_err, word, Sql, Stamp, Tx, Values};
use crate::domain::analysis::AnalysisDraft;
use crate::domain::{Analysis, AreaAssessment, Employability, Id, StrEnum};
use crate::error::Error;

impl Tx<'_> {
    pub fn analysis_of_household(&self, household: Id) -> Result<Option<Analysis>, Error> {
        let id: Option<Id> = self
            .tx
            .query_row("SELECT id FROM analyses WHERE household_id = ?1", [household.sql()], |r| col(r, 0))
            .optional()
            .map_err(db_err)?;
        match id {
            Some(id) => self.analysis_get(id),
            None => Ok(None),
        }
    }

    pub fn analysis_get(&self, id: Id) -> Result<Option<Analysis>, Error> {
        let head = self
            .tx
            .query_row(
                "SELECT a.id, a.household_id, a.interview_date, o.name, a.outcome, a.outcome_reason,
                        a.signing_deadline, a.created_at, a.updated_at
                 FROM analyses a JOIN operators o ON o.id = a.operator_id WHERE a.id = ?1",
                [id.sql()],
                |r| {
                    Ok(Analysis {
                        id: col(r, 0)?,
                        household_id: col(r, 1)?,
                        interview_date: date(r, 2)?,
                        participants: Vec::new(),
                        operator: r.get(3)?,
                        domains: Vec::new(),
                        employability: Vec::new(),
                        outcome: word(r, 4)?,
                        outcome_reason: r.get(5)?,
                        signing_deadline: date(r, 6)?,
                        created_at: r.get(7)?,
                        updated_at: r.get(8)?,
                    })
                },
            )
            .optional()
            .map_err(db_err)?;
        let Some(mut a) = head else { return Ok(None) };

        a.participants = self.rows(
            "SELECT member_id FROM analysis_participants WHERE analysis_id = ?1 ORDER BY position",
            [id.sql()],
            |r| col(r, 0),
        )?;

        a.domains = self.rows("SELECT domain, need, resources, notes FROM analysis_areas WHERE analysis_id = ?1 ORDER BY position", [id.sql()], |r| {
                Ok(AreaAssessment {
                    domain: word(r, 0)?,
                    need: word(r, 1)?,
                    resources: r.get(2)?,
                    notes: r.get(3)?,
                })
            })?;

        a.employability = self.rows("SELECT member_id, profile, notes FROM analysis_employability WHERE analysis_id = ?1 ORDER BY position", [id.sql()], |r| {
                Ok(Employability { member_id: col(r, 0)?, profile: word(r, 1)?, notes: r.get(2)? })
            })?;
        Ok(Some(a))
    }

    /// Inserts (`old` = `None`) or replaces the analysis `id`. The operator who
    /// recorded it stays the first one; `updated_*` follow each change.
    pub fn analysis_write(
        &self,
        id: Id,
        old: Option<&Analysis>,
        d: &AnalysisDraft,
        signing_deadline: NaiveDate,
        stamp: &Stamp,
    ) -> Result<(), Error> {
        // The columns a change writes; a new analysis adds who recorded it.
        let values = Values::new()
            .with("interview_date", d.interview_date.to_string())
            .with("outcome", d.outcome.as_str())
            .with("outcome_reason", &d.outcome_reason)
            .with("signing_deadline", signing_deadline.to_string())
            .with("updated_at", &stamp.at)
            .with("updated_by", stamp.by.sql());
        if old.is_some() {
            values.update(&self.tx, "analyses", &Values::new().with("id", id.sql())).map_err(db_err)?;
            for table in ["analysis_participants", "analysis_areas", "analysis_employability"] {
                self.tx
                    .execute(&format!("DELETE FROM {table} WHERE analysis_id = ?1"), [id.sql()])
                    .map_err(db_err)?;
            }
        } else {
            values
                .with("id", id.sql())
                .with("household_id", d.household_id.sql())
                .with("operator_id", stamp.by.sql())
                .with("created_at", &stamp.at)
                .with("created_by", stamp.by.sql())
                .insert(&self.tx, "analyses")
                .map_err(db_err)?;
        }
        for (pos, m) in d.participants.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO analysis_participants (analysis_id, member_id, position) VALUES (?1, ?2, ?3)",
                    params![id.sql(), m.sql(), pos as i64],
                )
                .map_err(db_err)?;
        }
        for (pos, a) in d.domains.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO analysis_areas (analysis_id, position, domain, need, resources, notes)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![id.sql(), pos as i64, a.domain.as_str(), a.need.as_str(), a.resources, a.notes],
                )
                .map_err(db_err)?;
        }
        for (pos, e) in d.employability.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO analysis_employability (analysis_id, member_id, position, profile, notes)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id.sql(), e.member_id.sql(), pos as i64, e.profile.as_str(), e.notes],
                )
                .map_err(db_err)?;
        }
        Ok(())
    }
}
