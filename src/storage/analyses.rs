//! Analisi preliminare: one per household, with its areas, participants and
//! employability profiles.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::{date, db_err, word, Stamp, Tx};
use crate::domain::analysis::AnalysisDraft;
use crate::domain::{Analysis, AreaAssessment, Employability, Id, StrEnum};
use crate::error::Error;

impl Tx<'_> {
    pub fn analysis_of_household(&self, household: Id) -> Result<Option<Analysis>, Error> {
        let id: Option<Id> = self
            .tx
            .query_row("SELECT id FROM analyses WHERE household_id = ?1", [household], |r| r.get(0))
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
                [id],
                |r| {
                    Ok(Analysis {
                        id: r.get(0)?,
                        household_id: r.get(1)?,
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

        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT member_id FROM analysis_participants WHERE analysis_id = ?1 ORDER BY position",
            )
            .map_err(db_err)?;
        a.participants =
            stmt.query_map([id], |r| r.get(0)).map_err(db_err)?.collect::<Result<_, _>>().map_err(db_err)?;

        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT domain, need, resources, notes FROM analysis_areas WHERE analysis_id = ?1 ORDER BY position",
            )
            .map_err(db_err)?;
        a.domains = stmt
            .query_map([id], |r| {
                Ok(AreaAssessment {
                    domain: word(r, 0)?,
                    need: word(r, 1)?,
                    resources: r.get(2)?,
                    notes: r.get(3)?,
                })
            })
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;

        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT member_id, profile, notes FROM analysis_employability WHERE analysis_id = ?1 ORDER BY position",
            )
            .map_err(db_err)?;
        a.employability = stmt
            .query_map([id], |r| {
                Ok(Employability { member_id: r.get(0)?, profile: word(r, 1)?, notes: r.get(2)? })
            })
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
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
        if old.is_some() {
            self.tx
                .execute(
                    "UPDATE analyses SET interview_date = ?2, outcome = ?3, outcome_reason = ?4,
                        signing_deadline = ?5, updated_at = ?6, updated_by = ?7 WHERE id = ?1",
                    params![
                        id,
                        d.interview_date.to_string(),
                        d.outcome.as_str(),
                        d.outcome_reason,
                        signing_deadline.to_string(),
                        stamp.at,
                        stamp.by
                    ],
                )
                .map_err(db_err)?;
            for table in ["analysis_participants", "analysis_areas", "analysis_employability"] {
                self.tx
                    .execute(&format!("DELETE FROM {table} WHERE analysis_id = ?1"), [id])
                    .map_err(db_err)?;
            }
        } else {
            self.tx
                .execute(
                    "INSERT INTO analyses (id, household_id, interview_date, outcome, outcome_reason, signing_deadline,
                        operator_id, created_at, updated_at, created_by, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?7, ?7)",
                    params![
                        id,
                        d.household_id,
                        d.interview_date.to_string(),
                        d.outcome.as_str(),
                        d.outcome_reason,
                        signing_deadline.to_string(),
                        stamp.by,
                        stamp.at
                    ],
                )
                .map_err(db_err)?;
        }
        for (pos, m) in d.participants.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO analysis_participants (analysis_id, member_id, position) VALUES (?1, ?2, ?3)",
                    params![id, m, pos as i64],
                )
                .map_err(db_err)?;
        }
        for (pos, a) in d.domains.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO analysis_areas (analysis_id, position, domain, need, resources, notes)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![id, pos as i64, a.domain.as_str(), a.need.as_str(), a.resources, a.notes],
                )
                .map_err(db_err)?;
        }
        for (pos, e) in d.employability.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO analysis_employability (analysis_id, member_id, position, profile, notes)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, e.member_id, pos as i64, e.profile.as_str(), e.notes],
                )
                .map_err(db_err)?;
        }
        Ok(())
    }
}
