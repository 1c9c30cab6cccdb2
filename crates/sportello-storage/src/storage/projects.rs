//! Progetto personalizzato: the project row, its texts, commitments, supports,
//! meetings and signatures. Who must sign is not stored: it follows from the
//! household and the commitments (the service computes it).

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::{col, date, db_err, opt_col, opt_date, opt_date_sql, word, Sql, Stamp, Tx};
use crate::domain::project::{self, ProjectDraft};
use crate::domain::{
    AnnulledSignature, Commitment, Id, Meeting, Outcome, Project, ProjectStatus, Signature, StrEnum, Support,
};
use crate::error::Error;

/// An analysis whose project is not signed yet: a row of the deadlines board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Awaiting {
    pub household_id: Id,
    pub analysis_date: NaiveDate,
    pub deadline: NaiveDate,
    pub outcome: Outcome,
    pub project_id: Option<Id>,
}

impl Tx<'_> {
    pub fn project_of_household(&self, household: Id) -> Result<Option<Project>, Error> {
        let id: Option<Id> = self
            .tx
            .query_row("SELECT id FROM projects WHERE household_id = ?1", [household.sql()], |r| col(r, 0))
            .optional()
            .map_err(db_err)?;
        match id {
            Some(id) => self.project_get(id),
            None => Ok(None),
        }
    }

    pub fn project_get(&self, id: Id) -> Result<Option<Project>, Error> {
        let head = self
            .tx
            .query_row(
                "SELECT p.id, p.household_id, p.analysis_id, p.status,
                        COALESCE(p.signing_deadline, a.signing_deadline), p.signed_on,
                        p.created_at, p.updated_at, p.version
                 FROM projects p JOIN analyses a ON a.id = p.analysis_id WHERE p.id = ?1",
                [id.sql()],
                |r| {
                    Ok(Project {
                        id: col(r, 0)?,
                        household_id: col(r, 1)?,
                        analysis_id: col(r, 2)?,
                        status: word(r, 3)?,
                        signing_deadline: date(r, 4)?,
                        signed_on: opt_date(r, 5)?,
                        created_at: r.get(6)?,
                        updated_at: r.get(7)?,
                        objectives: Vec::new(),
                        expected_results: Vec::new(),
                        commitments: Vec::new(),
                        supports: Vec::new(),
                        meetings: Vec::new(),
                        required_signers: Vec::new(),
                        signatures: Vec::new(),
                        annulled_signatures: Vec::new(),
                        version: r.get(8)?,
                        versions: Vec::new(),
                        monitoring: Vec::new(),
                        next_meeting: None,
                        closure: None,
                    })
                },
            )
            .optional()
            .map_err(db_err)?;
        let Some(mut p) = head else { return Ok(None) };
        self.monitoring_fill(&mut p)?;

        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT kind, text FROM project_texts WHERE project_id = ?1 ORDER BY kind, position",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map([id.sql()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(db_err)?;
        for row in rows {
            let (kind, text) = row.map_err(db_err)?;
            if kind == "objective" {
                p.objectives.push(text);
            } else {
                p.expected_results.push(text);
            }
        }

        p.commitments = self.rows("SELECT id, action, member_id, due_date, status FROM commitments WHERE project_id = ?1 ORDER BY position", [id.sql()], |r| {
                Ok(Commitment {
                    id: col(r, 0)?,
                    action: r.get(1)?,
                    member_id: col(r, 2)?,
                    other_member_ids: Vec::new(),
                    due_date: date(r, 3)?,
                    status: word(r, 4)?,
                })
            })?;
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT member_id FROM commitment_others WHERE commitment_id = ?1 ORDER BY position",
            )
            .map_err(db_err)?;
        for c in &mut p.commitments {
            c.other_member_ids = stmt
                .query_map([c.id.sql()], |r| col(r, 0))
                .map_err(db_err)?
                .collect::<Result<_, _>>()
                .map_err(db_err)?;
        }

        p.supports = self.rows(
            "SELECT id, description, provider FROM supports WHERE project_id = ?1 ORDER BY position",
            [id.sql()],
            |r| Ok(Support { id: col(r, 0)?, description: r.get(1)?, provider: r.get(2)? }),
        )?;

        p.meetings = self.rows(
            "SELECT id, date, time, duration_minutes, place, notes, evaluation FROM meetings
                 WHERE project_id = ?1 ORDER BY date, time, id",
            [id.sql()],
            |r| {
                Ok(Meeting {
                    id: col(r, 0)?,
                    date: date(r, 1)?,
                    time: r.get(2)?,
                    duration_minutes: r.get(3)?,
                    place: r.get(4)?,
                    notes: r.get(5)?,
                    evaluation: r.get(6)?,
                })
            },
        )?;

        // A signature counts unless an annulment names its recording.
        let deadline = p.signing_deadline;
        p.signatures = self.rows(
            "SELECT s.member_id, s.signer_id, s.signed_on FROM signatures s
                 JOIN members m ON m.id = s.member_id
                 WHERE s.project_id = ?1 AND NOT EXISTS (
                   SELECT 1 FROM signature_annulments a WHERE a.project_id = s.project_id
                     AND a.member_id = s.member_id AND a.signature_record IS s.record_id)
                 ORDER BY m.position",
            [id.sql()],
            |r| {
                let signed_on = date(r, 2)?;
                Ok(Signature {
                    member_id: col(r, 0)?,
                    signer_id: col(r, 1)?,
                    signed_on,
                    late: project::signed_late(signed_on, deadline),
                })
            },
        )?;
        p.annulled_signatures = self.rows(
            "SELECT a.id, a.member_id, a.signer_id, a.signed_on, a.reason, a.annulled_at, a.annulled_by,
                    COALESCE(o.name, '')
             FROM signature_annulments a LEFT JOIN operators o ON o.id = a.annulled_by
             WHERE a.project_id = ?1 ORDER BY a.annulled_at, a.id",
            [id.sql()],
            |r| {
                let signed_on = date(r, 3)?;
                Ok(AnnulledSignature {
                    id: col(r, 0)?,
                    member_id: col(r, 1)?,
                    signer_id: col(r, 2)?,
                    signed_on,
                    late: project::signed_late(signed_on, deadline),
                    reason: r.get(4)?,
                    annulled_at: r.get(5)?,
                    annulled_by: col(r, 6)?,
                    annulled_by_name: r.get(7)?,
                })
            },
        )?;
        Ok(Some(p))
    }

    /// Inserts (`exists` = false, as a bozza) or rewrites the content of project `id`.
    pub fn project_write(
        &self,
        id: Id,
        exists: bool,
        analysis: Id,
        d: &ProjectDraft,
        stamp: &Stamp,
    ) -> Result<(), Error> {
        if exists {
            self.tx
                .execute(
                    "UPDATE projects SET updated_at = ?2, updated_by = ?3 WHERE id = ?1",
                    params![id.sql(), stamp.at, stamp.by.sql()],
                )
                .map_err(db_err)?;
            for table in ["project_texts", "commitments", "supports", "meetings"] {
                self.tx
                    .execute(&format!("DELETE FROM {table} WHERE project_id = ?1"), [id.sql()])
                    .map_err(db_err)?;
            }
        } else {
            self.tx
                .execute(
                    "INSERT INTO projects (id, household_id, analysis_id, status, created_at, updated_at, created_by, updated_by)
                     VALUES (?1, ?2, ?3, 'bozza', ?4, ?4, ?5, ?5)",
                    params![id.sql(), d.household_id.sql(), analysis.sql(), stamp.at, stamp.by.sql()],
                )
                .map_err(db_err)?;
        }
        let texts = d
            .objectives
            .iter()
            .map(|t| ("objective", t))
            .enumerate()
            .chain(d.expected_results.iter().map(|t| ("expected_result", t)).enumerate());
        for (pos, (kind, text)) in texts {
            self.tx
                .execute(
                    "INSERT INTO project_texts (project_id, kind, position, text) VALUES (?1, ?2, ?3, ?4)",
                    params![id.sql(), kind, pos as i64, text],
                )
                .map_err(db_err)?;
        }
        for (pos, c) in d.commitments.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO commitments (id, project_id, position, action, member_id, due_date, status)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        c.id.sql(),
                        id.sql(),
                        pos as i64,
                        c.action,
                        c.member_id.sql(),
                        c.due_date.to_string(),
                        c.status.as_str()
                    ],
                )
                .map_err(db_err)?;
            for (j, o) in c.other_member_ids.iter().enumerate() {
                self.tx
                    .execute(
                        "INSERT INTO commitment_others (commitment_id, member_id, position) VALUES (?1, ?2, ?3)",
                        params![c.id.sql(), o.sql(), j as i64],
                    )
                    .map_err(db_err)?;
            }
        }
        for (pos, s) in d.supports.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO supports (id, project_id, position, description, provider) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![s.id.sql(), id.sql(), pos as i64, s.description, s.provider],
                )
                .map_err(db_err)?;
        }
        for m in &d.meetings {
            self.tx
                .execute(
                    "INSERT INTO meetings (id, project_id, date, time, duration_minutes, place, notes, evaluation)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![m.id.sql(), id.sql(), m.date.to_string(), m.time, m.duration_minutes, m.place, m.notes, m.evaluation],
                )
                .map_err(db_err)?;
        }
        Ok(())
    }

    /// Whether an id is already used by a commitment, support or meeting of
    /// another project (ids sent by a form must not steal someone else's rows).
    pub fn project_item_elsewhere(&self, item: Id, project: Id) -> Result<bool, Error> {
        let hit: Option<i64> = self
            .tx
            .query_row(
                "SELECT 1 FROM commitments WHERE id = ?1 AND project_id <> ?2
                 UNION ALL SELECT 1 FROM supports WHERE id = ?1 AND project_id <> ?2
                 UNION ALL SELECT 1 FROM meetings WHERE id = ?1 AND project_id <> ?2",
                params![item.sql(), project.sql()],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_err)?;
        Ok(hit.is_some())
    }

    pub fn project_set_status(
        &self,
        id: Id,
        status: ProjectStatus,
        signed_on: Option<NaiveDate>,
        stamp: &Stamp,
    ) -> Result<(), Error> {
        self.tx
            .execute(
                "UPDATE projects SET status = ?2, signed_on = ?3, updated_at = ?4, updated_by = ?5 WHERE id = ?1",
                params![id.sql(), status.as_str(), opt_date_sql(signed_on), stamp.at, stamp.by.sql()],
            )
            .map_err(db_err)?;
        Ok(())
    }

    /// Records a new signature for `member` (a new recording: an annulment
    /// of an earlier one on the same row does not reach it).
    pub fn signature_put(&self, project: Id, s: &Signature, stamp: &Stamp) -> Result<(), Error> {
        self.tx
            .execute(
                "INSERT INTO signatures (project_id, member_id, signer_id, signed_on, recorded_at, recorded_by, record_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(project_id, member_id) DO UPDATE SET signer_id = excluded.signer_id,
                   signed_on = excluded.signed_on, recorded_at = excluded.recorded_at,
                   recorded_by = excluded.recorded_by, record_id = excluded.record_id",
                params![
                    project.sql(),
                    s.member_id.sql(),
                    s.signer_id.sql(),
                    s.signed_on.to_string(),
                    stamp.at,
                    stamp.by.sql(),
                    Id::new().sql()
                ],
            )
            .map_err(db_err)?;
        Ok(())
    }

    /// Annuls the signature of `member` that counts now (if any), keeping a
    /// copy of it with the reason; whether there was one.
    pub fn signature_annul(
        &self,
        project: Id,
        member: Id,
        reason: &str,
        stamp: &Stamp,
    ) -> Result<bool, Error> {
        let n = self
            .tx
            .execute(
                "INSERT INTO signature_annulments (id, project_id, member_id, signature_record, signer_id,
                   signed_on, recorded_at, recorded_by, reason, annulled_at, annulled_by)
                 SELECT ?1, s.project_id, s.member_id, s.record_id, s.signer_id, s.signed_on, s.recorded_at,
                   s.recorded_by, ?4, ?5, ?6
                 FROM signatures s WHERE s.project_id = ?2 AND s.member_id = ?3 AND NOT EXISTS (
                   SELECT 1 FROM signature_annulments a WHERE a.project_id = s.project_id
                     AND a.member_id = s.member_id AND a.signature_record IS s.record_id)",
                params![Id::new().sql(), project.sql(), member.sql(), reason, stamp.at, stamp.by.sql()],
            )
            .map_err(db_err)?;
        Ok(n > 0)
    }

    /// Analyses whose project is not signed yet: with a project in bozza or da
    /// firmare, or with no project at all.
    pub fn awaiting_signatures(&self) -> Result<Vec<Awaiting>, Error> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT a.household_id, COALESCE(p.version_since, a.interview_date),
                        COALESCE(p.signing_deadline, a.signing_deadline), a.outcome, p.id
                 FROM analyses a LEFT JOIN projects p ON p.analysis_id = a.id
                 WHERE p.id IS NULL OR p.status IN ('bozza', 'da_firmare')
                 ORDER BY 3",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Awaiting {
                    household_id: col(r, 0)?,
                    analysis_date: date(r, 1)?,
                    deadline: date(r, 2)?,
                    outcome: word(r, 3)?,
                    project_id: opt_col(r, 4)?,
                })
            })
            .map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    }
}
