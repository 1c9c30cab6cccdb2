//! Monitoring of a progetto personalizzato (schema 24): the meetings held and
//! their annulments, the versions a re-design replaced, the closure. Every row
//! is written once; the project's own row carries the version in force.

use chrono::NaiveDate;
use rusqlite::params;

use super::{col, date, db_err, opt_col, opt_date, opt_date_sql, word, Sql, Stamp, Tx};
use crate::domain::monitoring::{
    Closure, ClosureDraft, CommitmentProgress, MeetingAnnulment, MeetingDraft, MonitoringMeeting,
    ObjectiveResult, OtherParticipant, ProjectVersion,
};
use crate::domain::{
    project, Commitment, CommitmentStatus, Id, Project, ProjectStatus, Signature, StrEnum, Support,
};
use crate::error::Error;

/// A participant's row: kind, member, name, role.
type Participant = (String, Option<Id>, Option<String>, Option<String>);

impl Tx<'_> {
    /// Fills what schema 24 adds to a project read by `project_get`: the old
    /// versions, the meetings held, the closure.
    pub(crate) fn monitoring_fill(&self, p: &mut Project) -> Result<(), Error> {
        p.versions = self.project_versions(p.id)?;
        p.monitoring = self.monitoring_meetings(p.id)?;
        p.closure = self.project_closure(p.id)?;
        Ok(())
    }

    fn monitoring_meetings(&self, project: Id) -> Result<Vec<MonitoringMeeting>, Error> {
        let mut meetings = self.rows(
            "SELECT m.id, m.project_id, m.version, m.held_on, m.note, m.next_meeting_on, m.created_at,
                    COALESCE(o.name, '')
             FROM monitoring_meetings m LEFT JOIN operators o ON o.id = m.created_by
             WHERE m.project_id = ?1 ORDER BY m.held_on, m.created_at, m.id",
            [project.sql()],
            |r| {
                Ok(MonitoringMeeting {
                    id: col(r, 0)?,
                    project_id: col(r, 1)?,
                    version: r.get(2)?,
                    held_on: date(r, 3)?,
                    members_present: Vec::new(),
                    operators: Vec::new(),
                    others: Vec::new(),
                    progress: Vec::new(),
                    note: r.get(4)?,
                    next_meeting_on: opt_date(r, 5)?,
                    recorded_at: r.get(6)?,
                    recorded_by_name: r.get(7)?,
                    annulled: None,
                })
            },
        )?;
        for m in &mut meetings {
            let people: Vec<Participant> = self.rows(
                "SELECT kind, member_id, name, role FROM monitoring_participants WHERE meeting_id = ?1
                 ORDER BY position, id",
                [m.id.sql()],
                |r| Ok((r.get(0)?, opt_col(r, 1)?, r.get(2)?, r.get(3)?)),
            )?;
            for (kind, member, name, role) in people {
                match (kind.as_str(), member, name, role) {
                    ("componente", Some(id), _, _) => m.members_present.push(id),
                    ("operatore", _, Some(name), _) => m.operators.push(name),
                    (_, _, Some(name), Some(role)) => m.others.push(OtherParticipant { name, role }),
                    _ => {}
                }
            }
            m.progress = self.rows(
                "SELECT commitment_id, action, member_id, progress, previous, note FROM monitoring_progress
                 WHERE meeting_id = ?1 ORDER BY position, id",
                [m.id.sql()],
                |r| {
                    Ok(CommitmentProgress {
                        commitment_id: col(r, 0)?,
                        action: r.get(1)?,
                        member_id: col(r, 2)?,
                        progress: word(r, 3)?,
                        previous: word(r, 4)?,
                        note: r.get(5)?,
                    })
                },
            )?;
            // The first annulment counts (two replicas may each annul it).
            m.annulled = self
                .rows(
                    "SELECT a.reason, a.annulled_at, COALESCE(o.name, '') FROM monitoring_annulments a
                     LEFT JOIN operators o ON o.id = a.annulled_by
                     WHERE a.meeting_id = ?1 ORDER BY a.annulled_at, a.id LIMIT 1",
                    [m.id.sql()],
                    |r| {
                        Ok(MeetingAnnulment {
                            reason: r.get(0)?,
                            annulled_at: r.get(1)?,
                            annulled_by_name: r.get(2)?,
                        })
                    },
                )?
                .pop();
        }
        Ok(meetings)
    }

    /// Writes a meeting held on project `project` (version `version`) and
    /// moves each commitment to its progress; the meeting's id.
    pub fn meeting_insert(
        &self,
        project: Id,
        version: u32,
        d: &MeetingDraft,
        stamp: &Stamp,
    ) -> Result<Id, Error> {
        let id = Id::new();
        self.tx
            .execute(
                "INSERT INTO monitoring_meetings (id, project_id, version, held_on, note, next_meeting_on, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id.sql(),
                    project.sql(),
                    version,
                    d.held_on.to_string(),
                    d.note,
                    opt_date_sql(d.next_meeting_on),
                    stamp.at,
                    stamp.by.sql()
                ],
            )
            .map_err(db_err)?;
        let mut pos = 0i64;
        let mut participant = |kind: &str, member: Option<Id>, name: Option<&str>, role: Option<&str>| {
            pos += 1;
            self.tx
                .execute(
                    "INSERT INTO monitoring_participants (id, meeting_id, position, kind, member_id, name, role)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![Id::new().sql(), id.sql(), pos, kind, member.map(|m| m.sql()), name, role],
                )
                .map_err(db_err)
        };
        for m in &d.members_present {
            participant("componente", Some(*m), None, None)?;
        }
        for o in &d.operators {
            participant("operatore", None, Some(o), None)?;
        }
        for o in &d.others {
            participant("altro", None, Some(&o.name), Some(&o.role))?;
        }
        for (i, e) in d.progress.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO monitoring_progress (id, meeting_id, position, commitment_id, action, member_id, progress, previous, note)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        Id::new().sql(),
                        id.sql(),
                        i as i64,
                        e.commitment_id.sql(),
                        e.action,
                        e.member_id.sql(),
                        e.progress.as_str(),
                        e.previous.as_str(),
                        e.note
                    ],
                )
                .map_err(db_err)?;
            self.commitment_set_status(project, e.commitment_id, e.progress.status())?;
        }
        Ok(id)
    }

    /// Sets the status of a commitment of the version in force.
    pub fn commitment_set_status(
        &self,
        project: Id,
        commitment: Id,
        status: CommitmentStatus,
    ) -> Result<(), Error> {
        self.tx
            .execute(
                "UPDATE commitments SET status = ?3 WHERE id = ?2 AND project_id = ?1",
                params![project.sql(), commitment.sql(), status.as_str()],
            )
            .map_err(db_err)?;
        Ok(())
    }

    pub fn meeting_annul(&self, meeting: Id, reason: &str, stamp: &Stamp) -> Result<(), Error> {
        self.tx
            .execute(
                "INSERT INTO monitoring_annulments (id, meeting_id, reason, annulled_at, annulled_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![Id::new().sql(), meeting.sql(), reason, stamp.at, stamp.by.sql()],
            )
            .map_err(db_err)?;
        Ok(())
    }

    // ---- versions ---------------------------------------------------------------

    fn project_versions(&self, project: Id) -> Result<Vec<ProjectVersion>, Error> {
        let mut versions = self.rows(
            "SELECT v.id, v.number, v.signed_on, v.signing_deadline, v.document_id, v.reason, v.replaced_on,
                    COALESCE(o.name, '')
             FROM project_versions v LEFT JOIN operators o ON o.id = v.created_by
             WHERE v.project_id = ?1 ORDER BY v.number, v.id",
            [project.sql()],
            |r| {
                Ok(ProjectVersion {
                    id: col(r, 0)?,
                    number: r.get(1)?,
                    objectives: Vec::new(),
                    expected_results: Vec::new(),
                    commitments: Vec::new(),
                    supports: Vec::new(),
                    signatures: Vec::new(),
                    signed_on: opt_date(r, 2)?,
                    signing_deadline: date(r, 3)?,
                    document_id: opt_col(r, 4)?,
                    reason: r.get(5)?,
                    replaced_on: date(r, 6)?,
                    replaced_by_name: r.get(7)?,
                })
            },
        )?;
        for v in &mut versions {
            let texts: Vec<(String, String)> = self.rows(
                "SELECT kind, text FROM project_version_texts WHERE version_id = ?1 ORDER BY kind, position",
                [v.id.sql()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            for (kind, text) in texts {
                if kind == "objective" {
                    v.objectives.push(text);
                } else {
                    v.expected_results.push(text);
                }
            }
            let rows: Vec<(Commitment, String)> = self.rows(
                "SELECT commitment_id, action, member_id, due_date, status, others FROM project_version_commitments
                 WHERE version_id = ?1 ORDER BY position",
                [v.id.sql()],
                |r| {
                    Ok((
                        Commitment {
                            id: col(r, 0)?,
                            action: r.get(1)?,
                            member_id: col(r, 2)?,
                            other_member_ids: Vec::new(),
                            due_date: date(r, 3)?,
                            status: word(r, 4)?,
                        },
                        r.get(5)?,
                    ))
                },
            )?;
            for (mut c, others) in rows {
                for o in others.split_whitespace() {
                    c.other_member_ids.push(Id::parse("others", o)?);
                }
                v.commitments.push(c);
            }
            v.supports = self.rows(
                "SELECT id, description, provider FROM project_version_supports WHERE version_id = ?1 ORDER BY position",
                [v.id.sql()],
                |r| Ok(Support { id: col(r, 0)?, description: r.get(1)?, provider: r.get(2)? }),
            )?;
            let deadline = v.signing_deadline;
            v.signatures = self.rows(
                "SELECT member_id, signer_id, signed_on FROM project_version_signatures WHERE version_id = ?1
                 ORDER BY signed_on, id",
                [v.id.sql()],
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
        }
        Ok(versions)
    }

    /// Copies the version in force of `p` (as read, with its signatures that
    /// count) into the versions kept, replaced on `on` for `reason`.
    pub fn version_archive(
        &self,
        p: &Project,
        document: Option<Id>,
        reason: &str,
        on: NaiveDate,
        stamp: &Stamp,
    ) -> Result<Id, Error> {
        let id = Id::new();
        self.tx
            .execute(
                "INSERT INTO project_versions (id, project_id, number, signed_on, signing_deadline, document_id, reason,
                   replaced_on, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    id.sql(),
                    p.id.sql(),
                    p.version,
                    opt_date_sql(p.signed_on),
                    p.signing_deadline.to_string(),
                    document.map(|d| d.sql()),
                    reason,
                    on.to_string(),
                    stamp.at,
                    stamp.by.sql()
                ],
            )
            .map_err(db_err)?;
        let texts = p
            .objectives
            .iter()
            .map(|t| ("objective", t))
            .enumerate()
            .chain(p.expected_results.iter().map(|t| ("expected_result", t)).enumerate());
        for (pos, (kind, text)) in texts {
            self.tx
                .execute(
                    "INSERT INTO project_version_texts (id, version_id, kind, position, text) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![Id::new().sql(), id.sql(), kind, pos as i64, text],
                )
                .map_err(db_err)?;
        }
        for (pos, c) in p.commitments.iter().enumerate() {
            let others = c.other_member_ids.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(" ");
            self.tx
                .execute(
                    "INSERT INTO project_version_commitments (id, version_id, commitment_id, position, action, member_id,
                       others, due_date, status)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![
                        Id::new().sql(),
                        id.sql(),
                        c.id.sql(),
                        pos as i64,
                        c.action,
                        c.member_id.sql(),
                        others,
                        c.due_date.to_string(),
                        c.status.as_str()
                    ],
                )
                .map_err(db_err)?;
        }
        for (pos, s) in p.supports.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO project_version_supports (id, version_id, position, description, provider)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![Id::new().sql(), id.sql(), pos as i64, s.description, s.provider],
                )
                .map_err(db_err)?;
        }
        for s in &p.signatures {
            self.tx
                .execute(
                    "INSERT INTO project_version_signatures (id, version_id, member_id, signer_id, signed_on)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        Id::new().sql(),
                        id.sql(),
                        s.member_id.sql(),
                        s.signer_id.sql(),
                        s.signed_on.to_string()
                    ],
                )
                .map_err(db_err)?;
        }
        Ok(id)
    }

    /// Opens version `number` of project `id` in bozza, to be signed by
    /// `deadline`, from `since`.
    pub fn project_open_version(
        &self,
        id: Id,
        number: u32,
        deadline: NaiveDate,
        since: NaiveDate,
        stamp: &Stamp,
    ) -> Result<(), Error> {
        self.tx
            .execute(
                "UPDATE projects SET version = ?2, signing_deadline = ?3, version_since = ?4, status = ?5,
                   signed_on = NULL, updated_at = ?6, updated_by = ?7 WHERE id = ?1",
                params![
                    id.sql(),
                    number,
                    deadline.to_string(),
                    since.to_string(),
                    ProjectStatus::Bozza.as_str(),
                    stamp.at,
                    stamp.by.sql()
                ],
            )
            .map_err(db_err)?;
        Ok(())
    }

    /// The day the version in force was opened by a re-design (`None`: the first).
    pub fn project_version_since(&self, id: Id) -> Result<Option<NaiveDate>, Error> {
        let v =
            self.rows("SELECT version_since FROM projects WHERE id = ?1", [id.sql()], |r| opt_date(r, 0))?;
        Ok(v.into_iter().next().flatten())
    }

    /// The last patto printed for the household (the text the family signed).
    pub fn latest_patto_document(&self, household: Id) -> Result<Option<Id>, Error> {
        let v = self.rows(
            "SELECT id FROM documents WHERE household_id = ?1 AND kind = 'patto'
             ORDER BY created_at DESC, id DESC LIMIT 1",
            [household.sql()],
            |r| col(r, 0),
        )?;
        Ok(v.into_iter().next())
    }

    // ---- closure ----------------------------------------------------------------

    fn project_closure(&self, project: Id) -> Result<Option<Closure>, Error> {
        let head: Vec<(Id, Closure)> = self.rows(
            "SELECT c.id, c.closed_on, c.reason, c.note, c.created_at, COALESCE(o.name, '')
             FROM project_closures c LEFT JOIN operators o ON o.id = c.created_by
             WHERE c.project_id = ?1 ORDER BY c.created_at, c.id LIMIT 1",
            [project.sql()],
            |r| {
                Ok((
                    col(r, 0)?,
                    Closure {
                        closed_on: date(r, 1)?,
                        reason: word(r, 2)?,
                        note: r.get(3)?,
                        objectives: Vec::new(),
                        recorded_at: r.get(4)?,
                        recorded_by_name: r.get(5)?,
                    },
                ))
            },
        )?;
        let Some((id, mut closure)) = head.into_iter().next() else { return Ok(None) };
        closure.objectives = self.rows(
            "SELECT objective, outcome, note FROM closure_outcomes WHERE closure_id = ?1 ORDER BY position, id",
            [id.sql()],
            |r| Ok(ObjectiveResult { objective: r.get(0)?, outcome: word(r, 1)?, note: r.get(2)? }),
        )?;
        Ok(Some(closure))
    }

    pub fn closure_insert(&self, project: Id, d: &ClosureDraft, stamp: &Stamp) -> Result<(), Error> {
        let id = Id::new();
        self.tx
            .execute(
                "INSERT INTO project_closures (id, project_id, closed_on, reason, note, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    id.sql(),
                    project.sql(),
                    d.closed_on.to_string(),
                    d.reason.as_str(),
                    d.note,
                    stamp.at,
                    stamp.by.sql()
                ],
            )
            .map_err(db_err)?;
        for (i, o) in d.objectives.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO closure_outcomes (id, closure_id, position, objective, outcome, note)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![Id::new().sql(), id.sql(), i as i64, o.objective, o.outcome.as_str(), o.note],
                )
                .map_err(db_err)?;
        }
        Ok(())
    }

    /// Projects being monitored (sottoscritto, in corso): (project, household).
    pub fn monitored_projects(&self) -> Result<Vec<(Id, Id)>, Error> {
        self.rows(
            "SELECT id, household_id FROM projects WHERE status IN ('sottoscritto', 'in_corso') ORDER BY id",
            [],
            |r| Ok((col(r, 0)?, col(r, 1)?)),
        )
    }
}
