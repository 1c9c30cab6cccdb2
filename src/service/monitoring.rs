//! After the patto is signed (issue 12 item 3): the monitoring meetings held,
//! the re-design of the project as a new version signed again, its closure,
//! and the monitoring meetings on the Scadenze board.
//!
//! Nothing here is edited in place: a meeting recorded by mistake is annulled
//! with its reason (the record stays, and the commitments go back to the
//! status the remaining meetings give them) and recorded again; a version
//! replaced by a re-design is kept as it was signed; a closure is final.

use chrono::NaiveDate;

use super::projects::load_project;
use super::{not_found, office, Action, Service};
use crate::calendar::try_add_working_days;
use crate::dates::format_it;
use crate::domain::monitoring::{self, ClosureInput, MeetingInput};
use crate::domain::{procedure, BoardKind, BoardRow, Id, Project, ProjectStatus, StrEnum};
use crate::error::{Code, Error};
use crate::storage::{CaseFilter, Tx};

impl Service {
    /// Records a monitoring meeting held on the project in force: every
    /// commitment's progress moves its status; the first meeting moves a
    /// sottoscritto project to in corso.
    pub fn monitoring_record(&self, project_id: Id, input: MeetingInput) -> Result<Project, Error> {
        let today = self.today();
        self.run_durable_noted(Action::MonitoringRecord, Some(project_id), |tx, stamp| {
            let p = load_project(tx, project_id)?;
            let household = tx.household_get(p.household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            let draft = input.validate(&p, &household, today)?;
            tx.meeting_insert(project_id, p.version, &draft, stamp)?;
            if p.status == ProjectStatus::Sottoscritto {
                tx.project_set_status(project_id, ProjectStatus::InCorso, p.signed_on, stamp)?;
            }
            let detail = format!("incontro di monitoraggio del {}", format_it(draft.held_on));
            Ok((load_project(tx, project_id)?, Some(detail)))
        })
    }

    /// Annuls a meeting recorded by mistake, with `reason`: it stays, marked,
    /// and each commitment it moved goes back to the progress of the latest
    /// meeting that still counts, else to its status before.
    pub fn monitoring_annul(&self, project_id: Id, meeting_id: Id, reason: &str) -> Result<Project, Error> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("reason", "Indicare il motivo dell'annullamento dell'incontro"));
        }
        crate::print::fonts::check_printable("reason", reason)?;
        self.run_durable_noted(Action::MonitoringAnnul, Some(project_id), |tx, stamp| {
            let p = load_project(tx, project_id)?;
            read_only_if_concluded(&p)?;
            let Some(meeting) = p.monitoring.iter().find(|m| m.id == meeting_id) else {
                return Err(Error::invalid("meeting_id", "L'incontro non fa parte di questo progetto"));
            };
            if meeting.annulled.is_some() {
                return Err(Error::new(Code::Conflict, "L'incontro è già annullato"));
            }
            tx.meeting_annul(meeting_id, reason, stamp)?;
            for e in &meeting.progress {
                if !p.commitments.iter().any(|c| c.id == e.commitment_id) {
                    continue;
                }
                let latest = p
                    .monitoring
                    .iter()
                    .filter(|m| m.id != meeting_id && m.annulled.is_none())
                    .filter_map(|m| {
                        m.progress.iter().find(|x| x.commitment_id == e.commitment_id).map(|x| (m, x))
                    })
                    .max_by(|(a, _), (b, _)| (a.held_on, &a.recorded_at).cmp(&(b.held_on, &b.recorded_at)));
                let status = latest.map_or(e.previous, |(_, x)| x.progress.status());
                tx.commitment_set_status(project_id, e.commitment_id, status)?;
            }
            let detail =
                format!("incontro di monitoraggio del {} annullato: {reason}", format_it(meeting.held_on));
            Ok((load_project(tx, project_id)?, Some(detail)))
        })
    }

    /// Re-designs a signed project: the version in force is kept as it was
    /// signed (texts, commitments, supports, signatures, its printed patto),
    /// and the next version opens in bozza from it, to be signed again within
    /// the signing window from today. Its signatures are annulled with the
    /// reason: they were given to the old text.
    pub fn project_redesign(&self, project_id: Id, reason: &str) -> Result<Project, Error> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("reason", "Indicare il motivo della riprogettazione"));
        }
        crate::print::fonts::check_printable("reason", reason)?;
        let today = self.today();
        self.run_durable_noted(Action::ProjectRedesign, Some(project_id), |tx, stamp| {
            let p = load_project(tx, project_id)?;
            if !monitoring::monitored(p.status) {
                return Err(Error::new(
                    Code::Conflict,
                    format!(
                        "Si riprogetta un progetto sottoscritto o in corso (ora è «{}»)",
                        p.status.label()
                    ),
                ));
            }
            let document = tx.latest_patto_document(p.household_id)?;
            tx.version_archive(&p, document, reason, today, stamp)?;
            let next = p.version + 1;
            let why = format!("riprogettazione (versione {next}): {reason}");
            for sig in &p.signatures {
                tx.signature_annul(project_id, sig.member_id, &why, stamp)?;
            }
            let window = procedure::signing_window(today)?;
            let comune = self.calendar_of(&office(tx)?.comune)?;
            let deadline = try_add_working_days(today, window.working_days, &comune)?;
            tx.project_open_version(project_id, next, deadline, today, stamp)?;
            let detail = format!("versione {} sostituita dalla versione {next}: {reason}", p.version);
            Ok((load_project(tx, project_id)?, Some(detail)))
        })
    }

    /// Closes the project: the outcome of each objective, the day and the
    /// reason; it becomes concluso and read-only.
    pub fn project_close(&self, project_id: Id, input: ClosureInput) -> Result<Project, Error> {
        let today = self.today();
        self.run_durable_noted(Action::ProjectClose, Some(project_id), |tx, stamp| {
            let p = load_project(tx, project_id)?;
            let draft = input.validate(&p, today)?;
            tx.closure_insert(project_id, &draft, stamp)?;
            tx.project_set_status(project_id, ProjectStatus::Concluso, p.signed_on, stamp)?;
            let detail =
                format!("progetto chiuso il {}: {}", format_it(draft.closed_on), draft.reason.label());
            Ok((load_project(tx, project_id)?, Some(detail)))
        })
    }

    /// The Scadenze rows of the monitoring meetings: planned within the
    /// warning window (`assets/procedure/monitoraggio.toml`) or passed with
    /// no meeting recorded since.
    pub(super) fn monitoring_board_rows(
        &self,
        tx: &Tx<'_>,
        today: NaiveDate,
        scope: Option<&CaseFilter>,
    ) -> Result<Vec<BoardRow>, Error> {
        let window = monitoring::warning_window(today)?.value;
        let mut rows = Vec::new();
        for (project_id, household_id) in tx.monitored_projects()? {
            if let Some(f) = scope {
                if !tx.case_in_scope(household_id, f)? {
                    continue;
                }
            }
            let p = load_project(tx, project_id)?;
            let Some(due) = p.next_meeting else { continue };
            let Some((days_left, state)) = monitoring::classify_meeting(due, today, window) else { continue };
            let household = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            rows.push(BoardRow {
                kind: BoardKind::Monitoraggio,
                project_id: Some(project_id),
                household_id,
                case_number: household.case_number.clone(),
                household_name: household.name(),
                analysis_date: None,
                deadline: due,
                days_left,
                working_days_left: None,
                state,
                missing_signatures: Vec::new(),
                responsabile: household.responsabile.clone(),
                permit: None,
                stay: None,
                request: None,
                quadro_due: false,
            });
        }
        Ok(rows)
    }
}

fn read_only_if_concluded(p: &Project) -> Result<(), Error> {
    if p.status == ProjectStatus::Concluso {
        return Err(Error::new(Code::Conflict, "Il progetto è concluso: non si può più modificare"));
    }
    Ok(())
}
