//! Progetto personalizzato: writing it, its status, the paper signatures, the
//! deadlines board and the data of the printed agreement.

use chrono::NaiveDate;

use super::{not_found, office, Action, Service};
use crate::dates::format_it;
use crate::domain::agreement::Patto;
use crate::domain::project::{self, ProjectInput};
use crate::domain::{board, BoardKind, BoardRow, Id, PermitDue, Project, ProjectStatus, Signature, StrEnum};
use crate::error::{Code, Error};
use crate::storage::Tx;

/// A project with who must sign it (computed from the household and the
/// commitments, as of the analysis date).
pub(super) fn load_project(tx: &Tx<'_>, id: Id) -> Result<Project, Error> {
    let mut p = tx.project_get(id)?.ok_or_else(|| not_found("Progetto"))?;
    let household = tx.household_get(p.household_id)?.ok_or_else(|| not_found("Nucleo"))?;
    let analysis = tx.analysis_get(p.analysis_id)?.ok_or_else(|| not_found("Analisi preliminare"))?;
    p.required_signers = project::required_signers(&household, &p.commitments, analysis.interview_date);
    let planned: Vec<NaiveDate> = p.meetings.iter().map(|m| m.date).collect();
    p.next_meeting = crate::domain::monitoring::next_meeting(&planned, &p.monitoring);
    Ok(p)
}

impl Service {
    pub fn project_get(&self, household_id: Id) -> Result<Option<Project>, Error> {
        self.run(Action::ProjectGet, Some(household_id), |tx, _| {
            tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            match tx.project_of_household(household_id)? {
                Some(p) => load_project(tx, p.id).map(Some),
                None => Ok(None),
            }
        })
    }

    /// Writes the project (a new one starts as a bozza). Only while nobody has
    /// signed: once a signature is in, the text on paper is what was signed.
    pub fn project_save(&self, input: ProjectInput) -> Result<Project, Error> {
        let household_id = input.household_id()?;
        self.run(Action::ProjectSave, Some(household_id), |tx, stamp| {
            let household = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            let analysis = tx.analysis_of_household(household_id)?.ok_or_else(|| {
                Error::new(Code::Conflict, "Registrare prima l'analisi preliminare: il progetto nasce da lì")
            })?;
            let draft = input.validate(&household, analysis.interview_date)?;
            let old = tx.project_of_household(household_id)?;
            if old.is_none() {
                super::quadri::check_quadro_for_project(tx, &analysis)?;
            }
            if let Some(given) = draft.id {
                if old.as_ref().map(|p| p.id) != Some(given) {
                    return Err(not_found("Progetto"));
                }
            }
            if let Some(old) = &old {
                if !old.status.editable() {
                    return Err(Error::new(
                        Code::Conflict,
                        format!("Il progetto è «{}»: non si può più modificare", old.status.label()),
                    ));
                }
                if !old.signatures.is_empty() {
                    return Err(Error::new(
                        Code::Conflict,
                        "Il progetto è già stato firmato: per modificarlo, riportarlo in bozza annullando le firme con un motivo (le firme andranno raccolte di nuovo)",
                    ));
                }
            }
            let id = old.as_ref().map_or_else(Id::new, |p| p.id);
            let items = draft
                .commitments
                .iter()
                .map(|c| c.id)
                .chain(draft.supports.iter().map(|s| s.id))
                .chain(draft.meetings.iter().map(|m| m.id));
            for item in items {
                if tx.project_item_elsewhere(item, id)? {
                    return Err(Error::invalid("id", "Voce che appartiene a un altro progetto"));
                }
            }
            tx.project_write(id, old.is_some(), analysis.id, &draft, stamp)?;
            load_project(tx, id)
        })
    }

    /// Moves the project by hand: bozza ⇄ da firmare, sottoscritto → in corso →
    /// concluso. Going back to bozza annuls the signatures that count, with
    /// `reason` (required when there is one): they stay, annulled.
    pub fn project_set_status(&self, project_id: Id, status: ProjectStatus) -> Result<Project, Error> {
        self.project_set_status_with(project_id, status, None)
    }

    /// [`Service::project_set_status`] with the reason of going back to bozza.
    pub fn project_set_status_with(
        &self,
        project_id: Id,
        status: ProjectStatus,
        reason: Option<&str>,
    ) -> Result<Project, Error> {
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if let Some(r) = reason {
            printable_reason(r)?;
        }
        self.run_durable_noted(Action::ProjectSetStatus, Some(project_id), |tx, stamp| {
            let p = load_project(tx, project_id)?;
            project::check_transition(p.status, status)?;
            let mut detail = None;
            let signed_on = match status {
                ProjectStatus::DaFirmare => {
                    project::check_ready_to_sign(&p)?;
                    // A signature that counts on a bozza arrived from another
                    // replica, made on an earlier text: a person decides.
                    if !p.signatures.is_empty() {
                        return Err(Error::new(
                            Code::Conflict,
                            format!(
                                "Sul progetto in bozza risultano firme di un testo precedente ({}), arrivate da un altro dispositivo: annullarle con un motivo prima di mandarlo alla firma",
                                signer_names(tx, &p)?.join(", ")
                            ),
                        ));
                    }
                    // The signatures to collect are the paper's: a minor with
                    // a commitment needs someone to sign for them first.
                    let household = tx.household_get(p.household_id)?.ok_or_else(|| not_found("Nucleo"))?;
                    let analysis =
                        tx.analysis_get(p.analysis_id)?.ok_or_else(|| not_found("Analisi preliminare"))?;
                    project::check_signers(&household, &p.commitments, analysis.interview_date)?;
                    None
                }
                ProjectStatus::Bozza => {
                    if !p.signatures.is_empty() {
                        let Some(reason) = reason else {
                            return Err(Error::invalid(
                                "reason",
                                "Indicare il motivo: riportando il progetto in bozza le firme raccolte vengono annullate",
                            ));
                        };
                        let names = signer_names(tx, &p)?;
                        for sig in &p.signatures {
                            tx.signature_annul(project_id, sig.member_id, reason, stamp)?;
                        }
                        detail = Some(format!("firme annullate ({}): {reason}", names.join(", ")));
                    } else if let Some(reason) = reason {
                        detail = Some(format!("riportato in bozza: {reason}"));
                    }
                    None
                }
                _ => p.signed_on,
            };
            tx.project_set_status(project_id, status, signed_on, stamp)?;
            Ok((load_project(tx, project_id)?, detail))
        })
    }

    /// Records that `member_id`'s signature (their own, or for a minor the
    /// guardian's) is on the paper agreement, dated `signed_on`. A signature
    /// that counts is not overwritten: it is annulled first, with a reason.
    /// The last one makes the project "sottoscritto". One dated after the
    /// deadline is recorded, flagged late (here and in the audit row).
    pub fn signature_record(
        &self,
        project_id: Id,
        member_id: Id,
        signed_on: NaiveDate,
    ) -> Result<Project, Error> {
        let today = self.today();
        self.run_durable_noted(Action::SignatureRecord, Some(project_id), |tx, stamp| {
            let p = load_project(tx, project_id)?;
            if p.status != ProjectStatus::DaFirmare {
                return Err(Error::new(
                    Code::Conflict,
                    format!(
                        "Le firme si registrano quando il progetto è «da firmare» (ora è «{}»)",
                        p.status.label()
                    ),
                ));
            }
            let Some(required) = p.required_signers.iter().find(|r| r.member_id == member_id) else {
                return Err(Error::invalid(
                    "member_id",
                    "Per questo componente non è prevista una firma del progetto",
                ));
            };
            if p.signatures.iter().any(|s| s.member_id == member_id) {
                return Err(Error::new(
                    Code::Conflict,
                    format!(
                        "La firma di {} è già registrata: per correggerla, annullarla indicando il motivo e registrarla di nuovo",
                        required.signer_name
                    ),
                ));
            }
            let analysis = tx.analysis_get(p.analysis_id)?.ok_or_else(|| not_found("Analisi preliminare"))?;
            if signed_on > today {
                return Err(Error::invalid("signed_on", "La data della firma non può essere nel futuro"));
            }
            if signed_on < analysis.interview_date {
                return Err(Error::invalid("signed_on", "La data della firma precede l'analisi preliminare"));
            }
            // A re-designed version is signed from the day it was opened.
            if tx.project_version_since(project_id)?.is_some_and(|since| signed_on < since) {
                return Err(Error::invalid("signed_on", "La data della firma precede la riprogettazione del progetto"));
            }
            let late = project::signed_late(signed_on, p.signing_deadline);
            let detail = late.then(|| {
                format!(
                    "firma di {} del {}, oltre il termine del {}",
                    required.signer_name,
                    format_it(signed_on),
                    format_it(p.signing_deadline)
                )
            });
            let sig = Signature { member_id, signer_id: required.signer_id, signed_on, late };
            tx.signature_put(project_id, &sig, stamp)?;
            let p = load_project(tx, project_id)?;
            let complete =
                p.required_signers.iter().all(|r| p.signatures.iter().any(|s| s.member_id == r.member_id));
            if complete {
                let last = p.signatures.iter().map(|s| s.signed_on).max();
                tx.project_set_status(project_id, ProjectStatus::Sottoscritto, last, stamp)?;
                return Ok((load_project(tx, project_id)?, detail));
            }
            Ok((p, detail))
        })
    }

    /// Annuls the signature that counts for `member_id`, with `reason`
    /// (required): it stays, annulled, with who and when, in the project and
    /// in the audit log, and no longer counts (a new one can be recorded).
    /// While the project waits for signatures (da firmare), or is back in
    /// bozza with a signature that arrived from another replica; once
    /// sottoscritto the signatures are final.
    pub fn signature_annul(&self, project_id: Id, member_id: Id, reason: &str) -> Result<Project, Error> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("reason", "Indicare il motivo dell'annullamento della firma"));
        }
        printable_reason(reason)?;
        self.run_durable_noted(Action::SignatureAnnul, Some(project_id), |tx, stamp| {
            let p = load_project(tx, project_id)?;
            if !p.status.awaits_signatures() {
                return Err(Error::new(
                    Code::Conflict,
                    format!("Il progetto è «{}»: le firme non si annullano più", p.status.label()),
                ));
            }
            let Some(sig) = p.signatures.iter().find(|s| s.member_id == member_id) else {
                return Err(Error::invalid(
                    "member_id",
                    "Per questo componente non c'è una firma da annullare",
                ));
            };
            let name = member_name(tx, p.household_id, sig.signer_id)?;
            tx.signature_annul(project_id, member_id, reason, stamp)?;
            let detail = format!("firma di {name} del {} annullata: {reason}", format_it(sig.signed_on));
            Ok((load_project(tx, project_id)?, Some(detail)))
        })
    }

    /// Projects waiting for signatures (and analyses whose project is still to
    /// be written, when the outcome calls for one), and the residence permits
    /// of members from outside the EU that end within the warning window or
    /// have lapsed; overdue first. An operatore sees the cases in their scope
    /// (access.rs).
    pub fn deadlines_board(&self) -> Result<Vec<BoardRow>, Error> {
        let today = self.today();
        self.run(Action::DeadlinesBoard, None, |tx, _| {
            let comune = self.calendar_of(&office(tx)?.comune)?;
            let scope = self.case_filter(tx)?;
            let mut rows = Vec::new();
            for w in tx.awaiting_signatures()? {
                if w.project_id.is_none() && !w.outcome.needs_project() {
                    continue;
                }
                if let Some(f) = &scope {
                    if !tx.case_in_scope(w.household_id, f)? {
                        continue;
                    }
                }
                let household = tx.household_get(w.household_id)?.ok_or_else(|| not_found("Nucleo"))?;
                let missing = match w.project_id {
                    Some(pid) => {
                        let p = load_project(tx, pid)?;
                        project::missing_signatures(&household, &p.required_signers, &p.signatures)
                    }
                    None => {
                        let required = project::required_signers(&household, &[], w.analysis_date);
                        project::missing_signatures(&household, &required, &[])
                    }
                };
                let (days_left, state) = board::classify(w.deadline, today, &comune)?;
                let working_days_left = board::working_days_left(today, w.deadline, &comune)?;
                rows.push(BoardRow {
                    kind: BoardKind::Firma,
                    project_id: w.project_id,
                    household_id: w.household_id,
                    case_number: household.case_number.clone(),
                    household_name: household.name(),
                    analysis_date: Some(w.analysis_date),
                    deadline: w.deadline,
                    days_left,
                    working_days_left: Some(working_days_left),
                    state,
                    missing_signatures: missing,
                    responsabile: household.responsabile.clone(),
                    permit: None,
                    stay: None,
                    request: None,
                    quadro_due: w.project_id.is_none()
                        && w.outcome == crate::domain::Outcome::EquipeMultidisciplinare
                        && !tx.quadro_exists(w.household_id)?,
                });
            }
            // Residence permits: from the warning window before their expiry,
            // and lapsed ones.
            let window = crate::domain::permit::warning_window(today)?.value;
            let until = today + chrono::Duration::days(i64::from(window));
            for (household_id, member) in tx.permits_ending_by(until)? {
                let Some(permit) = &member.permit else { continue };
                let Some((days_left, state)) = board::classify_permit(permit, today)? else { continue };
                if let Some(f) = &scope {
                    if !tx.case_in_scope(household_id, f)? {
                        continue;
                    }
                }
                let household = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
                rows.push(BoardRow {
                    kind: BoardKind::Permesso,
                    project_id: None,
                    household_id,
                    case_number: household.case_number.clone(),
                    household_name: household.name(),
                    analysis_date: None,
                    deadline: permit.expires_on.unwrap_or(today),
                    days_left,
                    working_days_left: None,
                    state,
                    missing_signatures: Vec::new(),
                    responsabile: household.responsabile.clone(),
                    permit: Some(PermitDue {
                        member_id: member.id,
                        member_name: member.full_name(),
                        kind: permit.kind,
                        number: permit.number.clone(),
                    }),
                    stay: None,
                    request: None,
                    quadro_due: false,
                });
            }
            // Stays in temporary housing ending soon or overstayed.
            rows.extend(self.housing_board_rows(tx, today, scope.as_ref())?);
            // Monitoring meetings due soon or overdue (issue 12 item 3).
            rows.extend(self.monitoring_board_rows(tx, today, scope.as_ref())?);
            // Data subjects' requests (GDPR art. 12(3)): the coordinator's.
            rows.extend(self.data_request_board_rows(tx, today)?);
            board::sort(&mut rows);
            Ok(rows)
        })
    }

    /// The patto as `agreement_print` prints it (the value the printer renders).
    pub fn agreement_data(&self, project_id: Id) -> Result<Patto, Error> {
        self.run(Action::AgreementData, Some(project_id), |tx, _| {
            let p = load_project(tx, project_id)?;
            let household = tx.household_get(p.household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            // The patto's data are what gets printed (`sportello agreement`).
            super::printing::require_final_number(&household)?;
            let analysis = tx.analysis_get(p.analysis_id)?.ok_or_else(|| not_found("Analisi preliminare"))?;
            let office = office(tx)?;
            let comune = self.calendar_of(&office.comune)?;
            Patto::from_case(
                &office,
                &comune.nome,
                &household,
                &p,
                analysis.interview_date,
                &analysis.operator,
            )
        })
    }
}

/// The names of who signed the signatures that count on `p`.
fn signer_names(tx: &Tx<'_>, p: &Project) -> Result<Vec<String>, Error> {
    p.signatures.iter().map(|s| member_name(tx, p.household_id, s.signer_id)).collect()
}

fn member_name(tx: &Tx<'_>, household: Id, member: Id) -> Result<String, Error> {
    let h = tx.household_get(household)?.ok_or_else(|| not_found("Nucleo"))?;
    Ok(h.members.iter().find(|m| m.id == member).map_or_else(|| member.to_string(), |m| m.full_name()))
}

/// The reason of an annulment goes into the audit log and from there into
/// the printed "Registro degli accessi": a character its font cannot print
/// is refused now, in the dialog, rather than making the register
/// unprintable later.
fn printable_reason(reason: &str) -> Result<(), Error> {
    crate::print::fonts::check_printable("reason", reason)
}
