//! Progetto personalizzato: objectives, results, commitments of the members,
//! supports, monitoring meetings; who must sign it, and its life cycle
//! (bozza → da firmare → sottoscritto → in corso → concluso).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::form::{self, Scalar};
use crate::domain::household::{Household, Relationship};
use crate::domain::signers::{who_signs, Signatory};
use crate::domain::{Id, StrEnum};
use crate::error::{Code, Error};

string_enum!(ProjectStatus {
    Bozza = "bozza": "bozza",
    DaFirmare = "da_firmare": "da firmare",
    Sottoscritto = "sottoscritto": "sottoscritto",
    InCorso = "in_corso": "in corso",
    Concluso = "concluso": "concluso",
});

string_enum!(CommitmentStatus {
    DaAvviare = "da_avviare": "da avviare",
    InCorso = "in_corso": "in corso",
    Rispettato = "rispettato": "rispettato",
    NonRispettato = "non_rispettato": "non rispettato",
    /// Put on hold at a monitoring meeting (illness, a change in the family).
    Sospeso = "sospeso": "sospeso",
});

impl ProjectStatus {
    /// Waiting for the family's signatures: the signing clock is running.
    pub fn awaits_signatures(self) -> bool {
        matches!(self, ProjectStatus::Bozza | ProjectStatus::DaFirmare)
    }
    /// The content may still change (nobody has signed it yet).
    pub fn editable(self) -> bool {
        self.awaits_signatures()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: Id,
    pub household_id: Id,
    pub analysis_id: Id,
    pub status: ProjectStatus,
    pub signing_deadline: NaiveDate,
    pub objectives: Vec<String>,
    pub expected_results: Vec<String>,
    pub commitments: Vec<Commitment>,
    pub supports: Vec<Support>,
    pub meetings: Vec<Meeting>,
    pub required_signers: Vec<RequiredSigner>,
    /// The signatures that count (annulled ones are in `annulled_signatures`).
    pub signatures: Vec<Signature>,
    /// Signatures annulled, with who, when and why, oldest first: never
    /// deleted, so the case keeps what was signed and undone.
    #[serde(default)]
    pub annulled_signatures: Vec<AnnulledSignature>,
    /// Date of the last signature that completed it (`None` until sottoscritto).
    pub signed_on: Option<NaiveDate>,
    pub created_at: String,
    pub updated_at: String,
    /// The version in force: 1, then one more at each re-design.
    #[serde(default = "first_version")]
    pub version: u32,
    /// The versions replaced by a re-design, oldest first, as they were signed.
    #[serde(default)]
    pub versions: Vec<crate::domain::monitoring::ProjectVersion>,
    /// The monitoring meetings held, oldest first (annulled ones included, marked).
    #[serde(default)]
    pub monitoring: Vec<crate::domain::monitoring::MonitoringMeeting>,
    /// The next monitoring meeting (`monitoring::next_meeting`).
    #[serde(default)]
    pub next_meeting: Option<NaiveDate>,
    /// The closure (`Some` once concluso through it).
    #[serde(default)]
    pub closure: Option<crate::domain::monitoring::Closure>,
}

fn first_version() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commitment {
    pub id: Id,
    pub action: String,
    /// The member the commitment binds.
    pub member_id: Id,
    /// Other members involved.
    pub other_member_ids: Vec<Id>,
    pub due_date: NaiveDate,
    pub status: CommitmentStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Support {
    pub id: Id,
    pub description: String,
    /// Who gives it (service, organisation).
    pub provider: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: Id,
    pub date: NaiveDate,
    /// `HH:MM`.
    pub time: String,
    pub duration_minutes: u16,
    pub place: Option<String>,
    pub notes: Option<String>,
    pub evaluation: Option<String>,
}

/// A signature the project needs: `member_id` is the member it is for,
/// `signer_id` who signs (the member, or for a minor the parent or guardian).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredSigner {
    pub member_id: Id,
    pub signer_id: Id,
    pub signer_name: String,
    pub for_minor: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub member_id: Id,
    pub signer_id: Id,
    pub signed_on: NaiveDate,
    /// Signed after the deadline of 20 working days (see [`signed_late`]).
    #[serde(default)]
    pub late: bool,
}

/// A signature annulled: the signature as it was recorded, and the act that
/// annulled it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnulledSignature {
    pub id: Id,
    pub member_id: Id,
    pub signer_id: Id,
    pub signed_on: NaiveDate,
    pub late: bool,
    pub reason: String,
    /// UTC, RFC 3339.
    pub annulled_at: String,
    pub annulled_by: Id,
    /// The operator's name (the screen says who).
    pub annulled_by_name: String,
}

/// Whether a signature dated `signed_on` came after the signing deadline of
/// its analysis (the deadline is the last day allowed: rules.md §1.3).
pub fn signed_late(signed_on: NaiveDate, deadline: NaiveDate) -> bool {
    signed_on > deadline
}

/// What the signer rule needs of each member of `household`, in its order.
pub fn signatories(
    household: &Household,
    commitments: &[Commitment],
    analysis_date: NaiveDate,
) -> Vec<Signatory> {
    household
        .members
        .iter()
        .map(|m| Signatory {
            adult: m.is_adult_on(analysis_date),
            applicant: m.relationship == Relationship::Richiedente,
            guardian: m.guardian_id.and_then(|g| household.members.iter().position(|o| o.id == g)),
            committed: commitments.iter().any(|c| c.member_id == m.id),
        })
        .collect()
}

/// Who must sign, in the household's order: the one rule of
/// [`crate::domain::signers`], as of the date of the analysis. A minor nobody
/// can sign for has no line here; [`check_signers`] refuses to print or to
/// open the signing of such a project.
pub fn required_signers(
    household: &Household,
    commitments: &[Commitment],
    analysis_date: NaiveDate,
) -> Vec<RequiredSigner> {
    let (lines, _) = who_signs(&signatories(household, commitments, analysis_date));
    lines
        .into_iter()
        .map(|l| {
            let signer = &household.members[l.signer];
            RequiredSigner {
                member_id: household.members[l.member].id,
                signer_id: signer.id,
                signer_name: signer.full_name(),
                for_minor: l.for_minor(),
            }
        })
        .collect()
}

/// Refuses a project with a minor bound by a commitment whom nobody in the
/// household can sign for (the guardian to name is on the household form).
pub fn check_signers(
    household: &Household,
    commitments: &[Commitment],
    analysis_date: NaiveDate,
) -> Result<(), Error> {
    let (_, problems) = who_signs(&signatories(household, commitments, analysis_date));
    match problems.first() {
        None => Ok(()),
        Some(p) => {
            let i = p.member();
            Err(p.to_error(format!("members[{i}].guardian_id"), |j| household.members[j].full_name()))
        }
    }
}

/// Names of the required signatures still missing ("Thị Lan Nguyễn per Zoë Dell'Orto").
pub fn missing_signatures(
    household: &Household,
    required: &[RequiredSigner],
    signatures: &[Signature],
) -> Vec<String> {
    required
        .iter()
        .filter(|r| !signatures.iter().any(|s| s.member_id == r.member_id))
        .map(|r| {
            if r.for_minor {
                let minor = household.member(r.member_id).map(|m| m.full_name()).unwrap_or_default();
                format!("{} per {minor}", r.signer_name)
            } else {
                r.signer_name.clone()
            }
        })
        .collect()
}

/// The moves an operator may make by hand (`docs/ipc.md`); "sottoscritto" is
/// reached only by the last signature.
pub fn check_transition(from: ProjectStatus, to: ProjectStatus) -> Result<(), Error> {
    use ProjectStatus::*;
    let ok = matches!(
        (from, to),
        (Bozza, DaFirmare) | (DaFirmare, Bozza) | (Sottoscritto, InCorso) | (InCorso, Concluso)
    );
    if ok {
        return Ok(());
    }
    let why = if to == Sottoscritto {
        "il progetto diventa «sottoscritto» solo quando sono registrate tutte le firme".to_string()
    } else {
        format!("non si può passare da «{}» a «{}»", from.label(), to.label())
    };
    Err(Error::new(Code::Conflict, format!("Cambio di stato non consentito: {why}")).with_field("status"))
}

/// What a project needs before it is printed for signing.
pub fn check_ready_to_sign(p: &Project) -> Result<(), Error> {
    if p.objectives.is_empty() {
        return Err(Error::invalid("objectives", "Indicare almeno un obiettivo prima di passare alla firma"));
    }
    if p.commitments.is_empty() {
        return Err(Error::invalid("commitments", "Indicare almeno un impegno prima di passare alla firma"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// What the project form sends.

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProjectInput {
    pub id: Option<String>,
    pub household_id: Option<String>,
    pub objectives: Vec<Option<String>>,
    pub expected_results: Vec<Option<String>>,
    pub commitments: Vec<CommitmentInput>,
    pub supports: Vec<SupportInput>,
    pub meetings: Vec<MeetingInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommitmentInput {
    pub id: Option<String>,
    pub action: Option<String>,
    pub member_id: Option<String>,
    pub other_member_ids: Vec<Option<String>>,
    pub due_date: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SupportInput {
    pub id: Option<String>,
    pub description: Option<String>,
    pub provider: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MeetingInput {
    pub id: Option<String>,
    pub date: Option<String>,
    pub time: Option<String>,
    pub duration_minutes: Option<Scalar>,
    pub place: Option<String>,
    pub notes: Option<String>,
    pub evaluation: Option<String>,
}

/// The validated content of a project (the parts an operator writes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectDraft {
    pub id: Option<Id>,
    pub household_id: Id,
    pub objectives: Vec<String>,
    pub expected_results: Vec<String>,
    pub commitments: Vec<Commitment>,
    pub supports: Vec<Support>,
    pub meetings: Vec<Meeting>,
}

impl From<&Project> for ProjectInput {
    fn from(p: &Project) -> Self {
        ProjectInput {
            id: Some(p.id.to_string()),
            household_id: Some(p.household_id.to_string()),
            objectives: p.objectives.iter().cloned().map(Some).collect(),
            expected_results: p.expected_results.iter().cloned().map(Some).collect(),
            commitments: p
                .commitments
                .iter()
                .map(|c| CommitmentInput {
                    id: Some(c.id.to_string()),
                    action: Some(c.action.clone()),
                    member_id: Some(c.member_id.to_string()),
                    other_member_ids: c.other_member_ids.iter().map(|m| Some(m.to_string())).collect(),
                    due_date: Some(c.due_date.to_string()),
                    status: Some(c.status.as_str().into()),
                })
                .collect(),
            supports: p
                .supports
                .iter()
                .map(|s| SupportInput {
                    id: Some(s.id.to_string()),
                    description: Some(s.description.clone()),
                    provider: s.provider.clone(),
                })
                .collect(),
            meetings: p
                .meetings
                .iter()
                .map(|m| MeetingInput {
                    id: Some(m.id.to_string()),
                    date: Some(m.date.to_string()),
                    time: Some(m.time.clone()),
                    duration_minutes: Some(Scalar::Int(m.duration_minutes.into())),
                    place: m.place.clone(),
                    notes: m.notes.clone(),
                    evaluation: m.evaluation.clone(),
                })
                .collect(),
        }
    }
}

/// Longest meeting accepted, in minutes (a working day).
const MEETING_MAX_MINUTES: i64 = 480;

impl ProjectInput {
    pub fn household_id(&self) -> Result<Id, Error> {
        form::required_id("household_id", &self.household_id, "il nucleo")
    }

    /// Checks the form against its household and the date of its analysis.
    /// Incomplete drafts are fine (a project is written over several sittings);
    /// what must be there before signing is checked by [`check_ready_to_sign`].
    pub fn validate(&self, household: &Household, analysis_date: NaiveDate) -> Result<ProjectDraft, Error> {
        let id = form::optional_id("id", &self.id)?;
        let household_id = self.household_id()?;
        if household_id != household.id {
            return Err(Error::invalid("household_id", "Il progetto non appartiene a questo nucleo"));
        }
        let objectives = form::text_list("objectives", &self.objectives)?;
        let expected_results = form::text_list("expected_results", &self.expected_results)?;

        let mut commitments = Vec::new();
        for (i, c) in self.commitments.iter().enumerate() {
            let f = |n: &str| format!("commitments[{i}].{n}");
            let action = form::required_text(&f("action"), &c.action, "l'impegno")?;
            let member_id = form::required_id(&f("member_id"), &c.member_id, "il componente che si impegna")?;
            if household.member(member_id).is_none() {
                return Err(Error::invalid(f("member_id"), "Il componente non appartiene al nucleo"));
            }
            let mut others = Vec::new();
            for (j, o) in c.other_member_ids.iter().enumerate() {
                let field = format!("commitments[{i}].other_member_ids[{j}]");
                let Some(oid) = form::optional_id(&field, o)? else { continue };
                if household.member(oid).is_none() {
                    return Err(Error::invalid(field, "Il componente non appartiene al nucleo"));
                }
                if oid != member_id && !others.contains(&oid) {
                    others.push(oid);
                }
            }
            let due_date = form::required_date(&f("due_date"), &c.due_date, "la scadenza dell'impegno")?;
            if due_date < analysis_date {
                return Err(Error::invalid(
                    f("due_date"),
                    "La scadenza dell'impegno precede l'analisi preliminare",
                ));
            }
            let status = match form::clean(&c.status) {
                None => CommitmentStatus::DaAvviare,
                Some(_) => form::required_choice(&f("status"), &c.status, "lo stato dell'impegno")?,
            };
            let id = form::optional_id(&f("id"), &c.id)?.unwrap_or_else(Id::new);
            commitments.push(Commitment {
                id,
                action,
                member_id,
                other_member_ids: others,
                due_date,
                status,
            });
        }

        let mut supports = Vec::new();
        for (i, s) in self.supports.iter().enumerate() {
            let f = |n: &str| format!("supports[{i}].{n}");
            let description = form::required_text(&f("description"), &s.description, "il sostegno offerto")?;
            let provider = form::optional_line(&f("provider"), &s.provider)?;
            let id = form::optional_id(&f("id"), &s.id)?.unwrap_or_else(Id::new);
            supports.push(Support { id, description, provider });
        }

        let mut meetings = Vec::new();
        for (i, m) in self.meetings.iter().enumerate() {
            let f = |n: &str| format!("meetings[{i}].{n}");
            let date = form::required_date(&f("date"), &m.date, "la data dell'incontro")?;
            let time = form::time_of_day(&f("time"), &m.time, "l'ora dell'incontro")?;
            let duration =
                form::integer(&f("duration_minutes"), &m.duration_minutes, 5, MEETING_MAX_MINUTES, 60)?;
            let id = form::optional_id(&f("id"), &m.id)?.unwrap_or_else(Id::new);
            meetings.push(Meeting {
                id,
                date,
                time,
                duration_minutes: duration as u16,
                place: form::optional_line(&f("place"), &m.place)?,
                notes: form::optional_text(&f("notes"), &m.notes)?,
                evaluation: form::optional_text(&f("evaluation"), &m.evaluation)?,
            });
        }
        meetings.sort_by(|a, b| (a.date, &a.time).cmp(&(b.date, &b.time)));

        let mut seen = std::collections::HashSet::new();
        let ids = commitments
            .iter()
            .map(|c| c.id)
            .chain(supports.iter().map(|s| s.id))
            .chain(meetings.iter().map(|m| m.id));
        for item in ids {
            if !seen.insert(item) {
                return Err(Error::invalid("id", "Voce ripetuta nel modulo"));
            }
        }
        Ok(ProjectDraft { id, household_id, objectives, expected_results, commitments, supports, meetings })
    }
}
