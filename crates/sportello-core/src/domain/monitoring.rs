//! Monitoring of a signed progetto personalizzato (issue 12 item 3): the
//! meetings held (who was there, each commitment's progress, the next meeting
//! planned), the versions of a re-designed project, and its closure with the
//! outcome of each objective. Pure: forms in, strict values or an error naming
//! the field out; the date is a parameter.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalog::dated::{self, Dated};
use crate::catalog::monitoring::builtin;
use crate::domain::board::BoardState;
use crate::domain::form;
use crate::domain::household::Household;
use crate::domain::project::{Commitment, CommitmentStatus, Project, ProjectStatus, Signature, Support};
use crate::domain::{Id, StrEnum};
use crate::error::{Code, Error};

string_enum!(
    /// A commitment's progress as the meeting found it.
    Progress {
        Rispettato = "rispettato": "rispettato",
        InCorso = "in_corso": "in corso",
        NonRispettato = "non_rispettato": "non rispettato",
        Sospeso = "sospeso": "sospeso",
    }
);

impl Progress {
    /// The commitment's status after the meeting.
    pub fn status(self) -> CommitmentStatus {
        match self {
            Progress::Rispettato => CommitmentStatus::Rispettato,
            Progress::InCorso => CommitmentStatus::InCorso,
            Progress::NonRispettato => CommitmentStatus::NonRispettato,
            Progress::Sospeso => CommitmentStatus::Sospeso,
        }
    }
}

string_enum!(
    /// Why a project is closed.
    ClosureReason {
        ObiettiviRaggiunti = "obiettivi_raggiunti": "obiettivi raggiunti",
        Trasferimento = "trasferimento": "trasferimento in un altro comune",
        AltroServizio = "altro_servizio": "passaggio a un altro servizio",
        Rinuncia = "rinuncia": "rinuncia del nucleo",
        Decadenza = "decadenza": "decadenza o revoca della misura",
        Decesso = "decesso": "decesso",
        Altro = "altro": "altro",
    }
);

string_enum!(
    /// What became of an objective at the closure.
    ObjectiveOutcome {
        Raggiunto = "raggiunto": "raggiunto",
        ParzialmenteRaggiunto = "parzialmente_raggiunto": "parzialmente raggiunto",
        NonRaggiunto = "non_raggiunto": "non raggiunto",
    }
);

// ---------------------------------------------------------------------------
// Strict values.

/// Someone from another service or a professional at the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherParticipant {
    pub name: String,
    /// "assistente sociale del CPS", "educatrice della cooperativa".
    pub role: String,
}

/// One commitment as the meeting found it. The commitment's text and member
/// are copied: the record reads the same after a re-design changes the patto.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitmentProgress {
    pub commitment_id: Id,
    pub action: String,
    pub member_id: Id,
    pub progress: Progress,
    /// The commitment's status before the meeting (what an annulment restores).
    pub previous: CommitmentStatus,
    pub note: Option<String>,
}

/// The annulment of a meeting recorded by mistake: the record stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingAnnulment {
    pub reason: String,
    /// UTC, RFC 3339.
    pub annulled_at: String,
    pub annulled_by_name: String,
}

/// A monitoring meeting held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitoringMeeting {
    pub id: Id,
    pub project_id: Id,
    /// The version of the project in force at the meeting.
    pub version: u32,
    pub held_on: NaiveDate,
    /// Members of the household present, in the household's order.
    pub members_present: Vec<Id>,
    /// The operators there ("Anna Verdi"), as written.
    pub operators: Vec<String>,
    pub others: Vec<OtherParticipant>,
    pub progress: Vec<CommitmentProgress>,
    pub note: Option<String>,
    pub next_meeting_on: Option<NaiveDate>,
    pub recorded_at: String,
    pub recorded_by_name: String,
    /// `Some`: it no longer counts.
    pub annulled: Option<MeetingAnnulment>,
}

/// A version of the project replaced by a re-design, as it was signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectVersion {
    pub id: Id,
    pub number: u32,
    pub objectives: Vec<String>,
    pub expected_results: Vec<String>,
    pub commitments: Vec<Commitment>,
    pub supports: Vec<Support>,
    pub signatures: Vec<Signature>,
    pub signed_on: Option<NaiveDate>,
    pub signing_deadline: NaiveDate,
    /// The printed patto of this version (the last one printed before it was
    /// replaced), kept in the case's documents.
    pub document_id: Option<Id>,
    /// Why it was re-designed, when and by whom.
    pub reason: String,
    pub replaced_on: NaiveDate,
    pub replaced_by_name: String,
}

/// One objective's outcome at the closure (the objective's text copied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveResult {
    pub objective: String,
    pub outcome: ObjectiveOutcome,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub closed_on: NaiveDate,
    pub reason: ClosureReason,
    pub note: Option<String>,
    pub objectives: Vec<ObjectiveResult>,
    pub recorded_at: String,
    pub recorded_by_name: String,
}

/// What is written for a new meeting (the service adds who and when).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingDraft {
    pub held_on: NaiveDate,
    pub members_present: Vec<Id>,
    pub operators: Vec<String>,
    pub others: Vec<OtherParticipant>,
    pub progress: Vec<CommitmentProgress>,
    pub note: Option<String>,
    pub next_meeting_on: Option<NaiveDate>,
}

/// What is written for a closure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosureDraft {
    pub closed_on: NaiveDate,
    pub reason: ClosureReason,
    pub note: Option<String>,
    pub objectives: Vec<ObjectiveResult>,
}

// ---------------------------------------------------------------------------
// Forms.

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OtherInput {
    pub name: Option<String>,
    pub role: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProgressInput {
    pub commitment_id: Option<String>,
    pub progress: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MeetingInput {
    pub held_on: Option<String>,
    pub members_present: Vec<Option<String>>,
    pub operators: Vec<Option<String>>,
    pub others: Vec<OtherInput>,
    pub progress: Vec<ProgressInput>,
    pub note: Option<String>,
    pub next_meeting_on: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutcomeInput {
    pub outcome: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClosureInput {
    pub closed_on: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// One per objective of the project, in its order.
    pub objectives: Vec<OutcomeInput>,
}

/// Whether monitoring meetings can be recorded on a project in `status`: once
/// the patto is signed, until it is closed.
pub fn monitored(status: ProjectStatus) -> bool {
    matches!(status, ProjectStatus::Sottoscritto | ProjectStatus::InCorso)
}

impl MeetingInput {
    /// Checks the form against the project in force and its household, on `today`.
    pub fn validate(
        &self,
        p: &Project,
        household: &Household,
        today: NaiveDate,
    ) -> Result<MeetingDraft, Error> {
        if !monitored(p.status) {
            return Err(Error::new(
                Code::Conflict,
                format!(
                    "Gli incontri di monitoraggio si registrano sul progetto sottoscritto o in corso (ora è «{}»)",
                    p.status.label()
                ),
            ));
        }
        let held_on = form::required_date("held_on", &self.held_on, "la data dell'incontro")?;
        if held_on > today {
            return Err(Error::invalid("held_on", "La data dell'incontro non può essere nel futuro"));
        }
        if let Some(signed) = p.signed_on {
            if held_on < signed {
                return Err(Error::invalid(
                    "held_on",
                    "L'incontro di monitoraggio non può precedere la sottoscrizione del progetto",
                ));
            }
        }
        let mut members_present = Vec::new();
        for (i, m) in self.members_present.iter().enumerate() {
            let field = format!("members_present[{i}]");
            let Some(id) = form::optional_id(&field, m)? else { continue };
            if household.member(id).is_none() {
                return Err(Error::invalid(field, "Il componente non appartiene al nucleo"));
            }
            if !members_present.contains(&id) {
                members_present.push(id);
            }
        }
        members_present.sort_by_key(|id| household.members.iter().position(|m| m.id == *id));
        let mut operators = Vec::new();
        for (i, o) in self.operators.iter().enumerate() {
            if let Some(name) = form::optional_line(&format!("operators[{i}]"), o)? {
                operators.push(name);
            }
        }
        if operators.is_empty() {
            return Err(Error::invalid("operators[0]", "Indicare almeno un operatore presente all'incontro"));
        }
        let mut others = Vec::new();
        for (i, o) in self.others.iter().enumerate() {
            let f = |n: &str| format!("others[{i}].{n}");
            if form::clean(&o.name).is_none() && form::clean(&o.role).is_none() {
                continue;
            }
            let name = form::required_line(&f("name"), &o.name, "il nome del partecipante")?;
            let role = form::required_line(&f("role"), &o.role, "il servizio o il ruolo del partecipante")?;
            others.push(OtherParticipant { name, role });
        }
        let mut progress = Vec::new();
        for (i, e) in self.progress.iter().enumerate() {
            let f = |n: &str| format!("progress[{i}].{n}");
            let id = form::required_id(&f("commitment_id"), &e.commitment_id, "l'impegno")?;
            let Some(c) = p.commitments.iter().find(|c| c.id == id) else {
                return Err(Error::invalid(
                    f("commitment_id"),
                    "L'impegno non fa parte del progetto in vigore",
                ));
            };
            if progress.iter().any(|x: &CommitmentProgress| x.commitment_id == id) {
                return Err(Error::invalid(f("commitment_id"), "Impegno ripetuto nel modulo"));
            }
            let value: Progress =
                form::required_choice(&f("progress"), &e.progress, "l'andamento dell'impegno")?;
            progress.push(CommitmentProgress {
                commitment_id: id,
                action: c.action.clone(),
                member_id: c.member_id,
                progress: value,
                previous: c.status,
                note: form::optional_text(&f("note"), &e.note)?,
            });
        }
        // Every commitment of the patto is looked at: one left out would keep
        // a status nobody checked.
        if let Some(i) = p.commitments.iter().position(|c| !progress.iter().any(|x| x.commitment_id == c.id))
        {
            return Err(Error::invalid(
                format!("progress[{i}].progress"),
                format!("Indicare l'andamento dell'impegno «{}»", p.commitments[i].action),
            ));
        }
        progress.sort_by_key(|x| p.commitments.iter().position(|c| c.id == x.commitment_id));
        let next_meeting_on = form::optional_date("next_meeting_on", &self.next_meeting_on)?;
        if next_meeting_on.is_some_and(|n| n <= held_on) {
            return Err(Error::invalid(
                "next_meeting_on",
                "Il prossimo incontro va fissato dopo la data di questo incontro",
            ));
        }
        Ok(MeetingDraft {
            held_on,
            members_present,
            operators,
            others,
            progress,
            note: form::optional_text("note", &self.note)?,
            next_meeting_on,
        })
    }
}

impl ClosureInput {
    /// Checks the closure of `p` on `today`: one outcome per objective.
    pub fn validate(&self, p: &Project, today: NaiveDate) -> Result<ClosureDraft, Error> {
        if p.status == ProjectStatus::Concluso {
            return Err(Error::new(Code::Conflict, "Il progetto è già concluso"));
        }
        let closed_on = form::required_date("closed_on", &self.closed_on, "la data di chiusura")?;
        if closed_on > today {
            return Err(Error::invalid("closed_on", "La data di chiusura non può essere nel futuro"));
        }
        if let Some(last) = p.monitoring.iter().filter(|m| m.annulled.is_none()).map(|m| m.held_on).max() {
            if closed_on < last {
                return Err(Error::invalid(
                    "closed_on",
                    "La data di chiusura precede l'ultimo incontro di monitoraggio",
                ));
            }
        }
        let reason = form::required_choice("reason", &self.reason, "il motivo della chiusura")?;
        let note = form::optional_text("note", &self.note)?;
        if reason == ClosureReason::Altro && note.is_none() {
            return Err(Error::invalid("note", "Con il motivo «altro» descrivere il motivo nella nota"));
        }
        if self.objectives.len() != p.objectives.len() {
            return Err(Error::invalid(
                "objectives",
                format!(
                    "Indicare l'esito di ognuno dei {} obiettivi del progetto (ne sono arrivati {})",
                    p.objectives.len(),
                    self.objectives.len()
                ),
            ));
        }
        let mut objectives = Vec::new();
        for (i, (o, text)) in self.objectives.iter().zip(&p.objectives).enumerate() {
            let f = |n: &str| format!("objectives[{i}].{n}");
            objectives.push(ObjectiveResult {
                objective: text.clone(),
                outcome: form::required_choice(&f("outcome"), &o.outcome, "l'esito dell'obiettivo")?,
                note: form::optional_text(&f("note"), &o.note)?,
            });
        }
        Ok(ClosureDraft { closed_on, reason, note, objectives })
    }
}

// ---------------------------------------------------------------------------
// The next meeting and the board.

/// The date of the next monitoring meeting: the one fixed at the last meeting
/// held (by date) that counts; before any, the first meeting the patto
/// planned. `None`: nothing fixed.
pub fn next_meeting(planned: &[NaiveDate], held: &[MonitoringMeeting]) -> Option<NaiveDate> {
    let last = held
        .iter()
        .filter(|m| m.annulled.is_none())
        .max_by(|a, b| (a.held_on, &a.recorded_at).cmp(&(b.held_on, &b.recorded_at)));
    match last {
        Some(m) => m.next_meeting_on,
        None => planned.iter().min().copied(),
    }
}

/// Calendar days before a planned monitoring meeting from which the Scadenze
/// board shows it (`assets/procedure/monitoraggio.toml`, in force on `on`).
pub fn warning_window(on: NaiveDate) -> Result<&'static Dated<u32>, Error> {
    dated::pick(&builtin()?.warning_days, on, "il preavviso degli incontri di monitoraggio")
}

/// Days left and state of a monitoring meeting planned on `due`, on `today`
/// with a warning window of `window` days: `None` while it is further away;
/// "in scadenza" from `window` days before up to the day itself (0); "scaduto"
/// from the next day, as long as no meeting is recorded.
pub fn classify_meeting(due: NaiveDate, today: NaiveDate, window: u32) -> Option<(i64, BoardState)> {
    let days_left = (due - today).num_days();
    if days_left < 0 {
        return Some((days_left, BoardState::Scaduto));
    }
    (days_left <= i64::from(window)).then_some((days_left, BoardState::InScadenza))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::dates::parse_iso("d", s).unwrap()
    }

    #[test]
    fn a_meeting_is_due_within_the_window_and_overdue_from_the_next_day() {
        let today = d("2026-12-02");
        assert_eq!(classify_meeting(d("2026-12-18"), today, 15), None);
        assert_eq!(classify_meeting(d("2026-12-17"), today, 15), Some((15, BoardState::InScadenza)));
        assert_eq!(classify_meeting(d("2026-12-02"), today, 15), Some((0, BoardState::InScadenza)));
        assert_eq!(classify_meeting(d("2026-12-01"), today, 15), Some((-1, BoardState::Scaduto)));
        assert_eq!(classify_meeting(d("2026-12-02"), today, 0), Some((0, BoardState::InScadenza)));
        assert_eq!(classify_meeting(d("2026-12-03"), today, 0), None);
    }

    #[test]
    fn the_window_is_dated_and_cited() {
        let w = warning_window(d("2026-12-02")).unwrap();
        assert_eq!(w.value, 15);
        assert!(!w.act.trim().is_empty());
        assert_eq!(warning_window(d("2017-12-31")).unwrap_err().code, Code::NoRuleSet);
    }

    fn held(on: &str, next: Option<&str>, annulled: bool) -> MonitoringMeeting {
        MonitoringMeeting {
            id: Id::new(),
            project_id: Id::new(),
            version: 1,
            held_on: d(on),
            members_present: vec![],
            operators: vec!["Anna Verdi".into()],
            others: vec![],
            progress: vec![],
            note: None,
            next_meeting_on: next.map(d),
            recorded_at: format!("{on}T10:00:00Z"),
            recorded_by_name: "Anna Verdi".into(),
            annulled: annulled.then(|| MeetingAnnulment {
                reason: "errore".into(),
                annulled_at: String::new(),
                annulled_by_name: String::new(),
            }),
        }
    }

    #[test]
    fn the_next_meeting_is_the_last_held_ones_else_the_first_planned() {
        let planned = [d("2026-05-10"), d("2026-03-01")];
        assert_eq!(next_meeting(&planned, &[]), Some(d("2026-03-01")));
        let a = held("2026-03-02", Some("2026-06-01"), false);
        let b = held("2026-06-03", Some("2026-09-01"), true);
        assert_eq!(next_meeting(&planned, &[a.clone(), b.clone()]), Some(d("2026-06-01")));
        let c = held("2026-06-03", None, false);
        assert_eq!(next_meeting(&planned, &[a, b, c]), None);
        assert_eq!(next_meeting(&[], &[]), None);
    }
}
