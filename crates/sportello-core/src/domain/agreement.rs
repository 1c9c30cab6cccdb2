//! The patto (the personalised project the household signs, rules.md §5) as
//! one value, [`Patto`], whatever door it comes in by:
//!
//! - the app: [`Patto::from_case`] gathers it from the stored household,
//!   analysis, project and office, as the forms saved them;
//! - the command line: [`AgreementInput`] is the JSON of cli.md `sportello
//!   agreement`, checked field by field (errors name the member and the field)
//!   and turned into the same value by [`AgreementInput::to_patto`].
//!
//! `print::agreement` renders a `Patto` and nothing else, so both doors print
//! through the same code. Who signs is decided once, by
//! [`crate::domain::signers`], for the paper and for the app's signatures alike.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{self, Comune, Comuni};
use crate::cf::Cf;
use crate::dates;
use crate::domain::household::{is_adult, Household};
use crate::domain::place::birthplace;
use crate::domain::procedure;
use crate::domain::project::{self, Project};
use crate::domain::session::{Office, OfficeInput};
use crate::domain::signers::{who_signs, SignLine, Signatory};
use crate::error::{Error, Result};

/// Everything the printed patto says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Patto {
    pub office: Office,
    /// "Milano", for the heading "Comune di Milano".
    pub comune_name: String,
    pub case_number: String,
    pub analysis_date: NaiveDate,
    /// The operator who recorded the analysis (signs for the office).
    pub operator: String,
    pub members: Vec<PattoMember>,
    pub objectives: Vec<String>,
    /// The project's *risultati attesi*.
    pub expected_results: Vec<String>,
    pub commitments: Vec<PattoCommitment>,
    pub supports: Vec<PattoSupport>,
    /// The planned monitoring meetings, in date order.
    pub meetings: Vec<PattoMeeting>,
    pub signing_deadline: NaiveDate,
    /// The window in force on the analysis date (for the sentence that
    /// explains the deadline).
    pub signing_working_days: u32,
    /// One line per signature, in the members' order ([`who_signs`]).
    pub signatures: Vec<SignLine>,
    /// What happened after the signatures (issue 12): the monitoring
    /// meetings held, the next one, the closure. Empty for a patto still to
    /// sign, and always from the command line (its file has none).
    pub follow_up: FollowUp,
}

/// The project's course after it was signed, as the printed patto reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FollowUp {
    /// The meetings held, oldest first; annulled ones are left out.
    pub meetings: Vec<HeldMeeting>,
    /// The next meeting planned, while the project is open.
    pub next_meeting: Option<NaiveDate>,
    pub closure: Option<PattoClosure>,
}

impl FollowUp {
    pub fn is_empty(&self) -> bool {
        self.meetings.is_empty() && self.next_meeting.is_none() && self.closure.is_none()
    }
}

/// A monitoring meeting held: who was there, each commitment's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeldMeeting {
    pub held_on: NaiveDate,
    /// The members present, by name, in the household's order.
    pub members_present: Vec<String>,
    /// The operators, and the others with their role ("Giulia Sala, educatrice").
    pub others: Vec<String>,
    pub progress: Vec<PattoProgress>,
    pub note: Option<String>,
}

/// One commitment as a meeting found it (its text as it was then).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PattoProgress {
    /// "Niccolò Dell'Orto: Presentarsi al Centro per l'impiego…".
    pub commitment: String,
    /// "rispettato", "in corso", "non rispettato", "sospeso".
    pub progress: String,
    pub note: Option<String>,
}

/// The closure: the day, why, and each objective's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PattoClosure {
    pub closed_on: NaiveDate,
    pub reason: String,
    pub note: Option<String>,
    /// (objective, outcome in words, note).
    pub objectives: Vec<(String, String, Option<String>)>,
}

impl FollowUp {
    /// From the stored project: its meetings (not annulled), the next one
    /// while it is open, its closure.
    pub fn of(household: &Household, project: &Project) -> FollowUp {
        use crate::domain::StrEnum;
        let name = |id| household.member(id).map(|m| m.full_name());
        let meetings: Vec<HeldMeeting> = project
            .monitoring
            .iter()
            .filter(|m| m.annulled.is_none())
            .map(|m| HeldMeeting {
                held_on: m.held_on,
                members_present: m.members_present.iter().filter_map(|id| name(*id)).collect(),
                others: m
                    .operators
                    .iter()
                    .cloned()
                    .chain(m.others.iter().map(|o| {
                        if o.role.is_empty() {
                            o.name.clone()
                        } else {
                            format!("{}, {}", o.name, o.role)
                        }
                    }))
                    .collect(),
                progress: m
                    .progress
                    .iter()
                    .map(|c| PattoProgress {
                        commitment: match name(c.member_id) {
                            Some(who) => format!("{who}: {}", c.action),
                            None => c.action.clone(),
                        },
                        progress: c.progress.label().to_string(),
                        note: c.note.clone(),
                    })
                    .collect(),
                note: m.note.clone(),
            })
            .collect();
        let closure = project.closure.as_ref().map(|c| PattoClosure {
            closed_on: c.closed_on,
            reason: c.reason.label().to_string(),
            note: c.note.clone(),
            objectives: c
                .objectives
                .iter()
                .map(|o| (o.objective.clone(), o.outcome.label().to_string(), o.note.clone()))
                .collect(),
        });
        FollowUp {
            // The planned meetings are already on the patto: the next one
            // is told once the follow-up has begun.
            next_meeting: if closure.is_none() && !meetings.is_empty() { project.next_meeting } else { None },
            meetings,
            closure,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PattoMember {
    /// The member's id where it came from (the app's, or the file's `m1`):
    /// it names the member in an error.
    pub id: String,
    pub first_name: String,
    pub last_name: String,
    pub codice_fiscale: Cf,
    pub birth_date: NaiveDate,
    /// Where the codice fiscale says the member was born, by name ("Milano
    /// (MI)", "Marocco"); `None` for a code no place has.
    pub birthplace: Option<String>,
    /// The relationship in words ("figlia", "coniuge"), or the file's role as given.
    pub role: String,
    /// Under the adult age on the analysis date.
    pub minor: bool,
}

impl PattoMember {
    /// "Niccolò Dell'Orto": first name then surname, as written.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PattoCommitment {
    /// Index in `members` of the member it binds.
    pub member: usize,
    /// The other members involved, by index.
    pub others: Vec<usize>,
    pub text: String,
    pub due: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PattoSupport {
    pub description: String,
    /// Who gives it (service, organisation).
    pub provider: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PattoMeeting {
    pub date: NaiveDate,
    /// `HH:MM`.
    pub time: String,
    pub duration_minutes: u16,
    pub place: Option<String>,
    pub notes: Option<String>,
    pub evaluation: Option<String>,
}

/// The signing window in force on `analysis_date` (procedure file), in working
/// days. A date no entry covers is an error on `analysis_date`, never a guess.
pub fn signing_window(analysis_date: NaiveDate) -> Result<u32> {
    procedure::signing_window(analysis_date)
        .map(|w| w.working_days)
        .map_err(|e| e.with_field("analysis_date"))
}

/// The analysis date plus `working_days` in the comune's office calendar.
pub fn deadline_after(analysis_date: NaiveDate, working_days: u32, comune: &Comune) -> Result<NaiveDate> {
    calendar::try_add_working_days(analysis_date, working_days, comune)
        .map_err(|e| e.with_field("analysis_date"))
}

/// A deadline computed when the analysis was recorded (the app's, shown on
/// the deadlines board): the paper shows the same date even if the holiday
/// data changed since; it may not precede the analysis.
pub fn check_stored_deadline(analysis_date: NaiveDate, deadline: NaiveDate) -> Result<()> {
    if deadline < analysis_date {
        return Err(Error::invalid(
            "signing_deadline",
            format!(
                "il termine per la firma ({}) precede l'analisi preliminare ({})",
                dates::format_it(deadline),
                dates::format_it(analysis_date)
            ),
        ));
    }
    Ok(())
}

impl Patto {
    /// The patto of a stored case: what the forms saved, nothing re-checked
    /// that the forms accepted (a codice fiscale saved with a warning prints).
    /// The deadline is the stored one. Refused only when a minor bound by a
    /// commitment has nobody to sign for them (the household form names one).
    pub fn from_case(
        office: &Office,
        comune_name: &str,
        household: &Household,
        project: &Project,
        analysis_date: NaiveDate,
        operator: &str,
    ) -> Result<Patto> {
        let signing_working_days = signing_window(analysis_date)?;
        check_stored_deadline(analysis_date, project.signing_deadline)?;
        project::check_signers(household, &project.commitments, analysis_date)?;
        let (signatures, _) =
            who_signs(&project::signatories(household, &project.commitments, analysis_date));
        let index = |id| household.members.iter().position(|m| m.id == id);
        let mut commitments = Vec::with_capacity(project.commitments.len());
        for (i, c) in project.commitments.iter().enumerate() {
            let member = index(c.member_id).ok_or_else(|| {
                Error::invalid(
                    format!("commitments[{i}].member_id"),
                    "Il componente non appartiene al nucleo",
                )
            })?;
            commitments.push(PattoCommitment {
                member,
                others: c.other_member_ids.iter().filter_map(|o| index(*o)).collect(),
                text: c.action.clone(),
                due: c.due_date,
            });
        }
        Ok(Patto {
            office: office.clone(),
            comune_name: comune_name.to_string(),
            case_number: household.case_number.clone(),
            analysis_date,
            operator: operator.to_string(),
            members: household
                .members
                .iter()
                .map(|m| PattoMember {
                    id: m.id.to_string(),
                    first_name: m.first_name.clone(),
                    last_name: m.last_name.clone(),
                    codice_fiscale: m.codice_fiscale.clone(),
                    birth_date: m.birth_date,
                    birthplace: birthplace(&m.codice_fiscale.birthplace(), m.birth_date).name,
                    role: m.relationship_word().to_string(),
                    minor: !m.is_adult_on(analysis_date),
                })
                .collect(),
            objectives: project.objectives.clone(),
            expected_results: project.expected_results.clone(),
            commitments,
            supports: project
                .supports
                .iter()
                .map(|s| PattoSupport { description: s.description.clone(), provider: s.provider.clone() })
                .collect(),
            meetings: project
                .meetings
                .iter()
                .map(|m| PattoMeeting {
                    date: m.date,
                    time: m.time.clone(),
                    duration_minutes: m.duration_minutes,
                    place: m.place.clone(),
                    notes: m.notes.clone(),
                    evaluation: m.evaluation.clone(),
                })
                .collect(),
            signing_deadline: project.signing_deadline,
            signing_working_days,
            signatures,
            follow_up: FollowUp::of(household, project),
        })
    }
}

// ---------------------------------------------------------------------------
// The command line's door: the JSON of cli.md `sportello agreement`.

/// The role that marks the applicant in the file (cli.md); a minor with no
/// guardian named is signed for by this member.
const APPLICANT_ROLE: &str = "richiedente";

/// The `sportello agreement` input, as typed: every field optional, so that a
/// missing one is reported by name rather than by the JSON parser.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementInput {
    #[serde(default)]
    pub comune: Option<String>,
    #[serde(default)]
    pub office: Option<OfficeInput>,
    #[serde(default)]
    pub case_number: Option<String>,
    #[serde(default)]
    pub analysis_date: Option<String>,
    #[serde(default)]
    pub operator: Option<String>,
    #[serde(default)]
    pub members: Option<Vec<MemberInput>>,
    #[serde(default)]
    pub objectives: Option<Vec<String>>,
    #[serde(default)]
    pub commitments: Option<Vec<CommitmentInput>>,
    #[serde(default)]
    pub supports: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub codice_fiscale: Option<String>,
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    /// Id of the member who signs for this one (a minor's parent or guardian).
    #[serde(default)]
    pub guardian: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommitmentInput {
    #[serde(default)]
    pub member: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub due: Option<String>,
}

/// A required text field: present and not blank; returned trimmed.
fn required(value: &Option<String>, field: &str, what: &str) -> Result<String> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v.to_string()),
        Some(_) => Err(Error::invalid(field, format!("manca {what}: il campo è vuoto"))),
        None => Err(Error::invalid(field, format!("manca {what}: campo obbligatorio"))),
    }
}

fn text_list(list: &Option<Vec<String>>, field: &str, what: &str) -> Result<Vec<String>> {
    let items = match list {
        Some(l) if !l.is_empty() => l,
        Some(_) => return Err(Error::invalid(field, format!("indicare almeno un {what}"))),
        None => return Err(Error::invalid(field, format!("manca l'elenco «{field}»: campo obbligatorio"))),
    };
    items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let t = s.trim();
            if t.is_empty() {
                return Err(Error::invalid(
                    format!("{field}[{i}]"),
                    format!("il {what} n. {} è vuoto", i + 1),
                ));
            }
            Ok(t.to_string())
        })
        .collect()
}

/// A member of the file, checked, with the file's guardian reference.
struct Checked {
    member: PattoMember,
    applicant: bool,
    guardian: Option<String>,
}

impl AgreementInput {
    /// Reads the JSON of cli.md. A syntax or type error names its line.
    pub fn from_json(s: &str) -> Result<AgreementInput> {
        crate::json_in::from_text(s, |e| {
            let err = Error::invalid("json", format!("file JSON non valido: {e}"));
            if e.line() > 0 {
                err.at_line(e.line() as u64)
            } else {
                err
            }
        })
    }

    /// Checks the file and builds the patto, with the deadline of the window
    /// in force on the analysis date in the comune's office calendar. `today`
    /// only resolves the two-digit years of the codici fiscali; adult or minor
    /// is decided on the analysis date.
    pub fn to_patto(&self, today: NaiveDate, comuni: &Comuni) -> Result<Patto> {
        self.to_patto_with(today, comuni, None)
    }

    /// As [`AgreementInput::to_patto`] with a signing window chosen by the
    /// caller (`None`: the procedure's).
    pub fn to_patto_with(
        &self,
        today: NaiveDate,
        comuni: &Comuni,
        working_days: Option<u32>,
    ) -> Result<Patto> {
        let comune_code = required(&self.comune, "comune", "il comune (codice Belfiore)")?.to_uppercase();
        let office = self
            .office
            .as_ref()
            .ok_or_else(|| Error::invalid("office", "mancano i dati dell'ufficio: campo obbligatorio"))?
            .validate("office", &comune_code)?;
        let case_number = required(&self.case_number, "case_number", "il numero di pratica")?;
        let analysis = required(&self.analysis_date, "analysis_date", "la data dell'analisi preliminare")?;
        let analysis_date = dates::parse_iso("analysis_date", &analysis)?;
        let operator = required(&self.operator, "operator", "l'operatore di riferimento")?;

        let checked = self.members(today, analysis_date)?;
        let commitments = self.commitments(&checked)?;
        let objectives = text_list(&self.objectives, "objectives", "obiettivo")?;
        let supports = text_list(&self.supports, "supports", "sostegno")?;

        let by_id: HashMap<&str, usize> =
            checked.iter().enumerate().map(|(i, c)| (c.member.id.as_str(), i)).collect();
        let facts: Vec<Signatory> = checked
            .iter()
            .enumerate()
            .map(|(i, c)| Signatory {
                adult: !c.member.minor,
                applicant: c.applicant,
                guardian: c.guardian.as_deref().and_then(|g| by_id.get(g).copied()),
                committed: commitments.iter().any(|k| k.member == i),
            })
            .collect();
        let (signatures, problems) = who_signs(&facts);
        if let Some(p) = problems.first() {
            let id = &checked[p.member()].member.id;
            return Err(p.to_error(format!("members[{id}].guardian"), |i| checked[i].member.full_name()));
        }

        let comune = comuni.get(&comune_code)?;
        let signing_working_days = match working_days {
            Some(n) => n,
            None => signing_window(analysis_date)?,
        };
        let signing_deadline = deadline_after(analysis_date, signing_working_days, comune)?;
        Ok(Patto {
            office,
            comune_name: comune.nome.clone(),
            case_number,
            analysis_date,
            operator,
            members: checked.into_iter().map(|c| c.member).collect(),
            objectives,
            expected_results: Vec::new(),
            commitments,
            supports: supports
                .into_iter()
                .map(|description| PattoSupport { description, provider: None })
                .collect(),
            meetings: Vec::new(),
            signing_deadline,
            signing_working_days,
            signatures,
            follow_up: FollowUp::default(),
        })
    }

    fn members(&self, today: NaiveDate, analysis_date: NaiveDate) -> Result<Vec<Checked>> {
        let inputs = match &self.members {
            Some(m) if !m.is_empty() => m,
            Some(_) => return Err(Error::invalid("members", "il nucleo non ha componenti")),
            None => {
                return Err(Error::invalid("members", "mancano i componenti del nucleo: campo obbligatorio"))
            }
        };
        let mut out: Vec<Checked> = Vec::with_capacity(inputs.len());
        for (i, m) in inputs.iter().enumerate() {
            let id = required(
                &m.id,
                &format!("members[{i}].id"),
                &format!("l'identificativo del componente n. {}", i + 1),
            )?;
            let at = |field: &str| format!("members[{id}].{field}");
            if out.iter().any(|c| c.member.id == id) {
                return Err(Error::invalid(
                    at("id"),
                    format!("l'identificativo «{id}» è usato per più componenti"),
                ));
            }
            let first_name =
                required(&m.first_name, &at("first_name"), &format!("il nome del componente {id}"))?;
            let last_name =
                required(&m.last_name, &at("last_name"), &format!("il cognome di {first_name} ({id})"))?;
            let who = format!("{first_name} {last_name}");
            let role = required(&m.role, &at("role"), &format!("il ruolo nel nucleo di {who}"))?;
            let cf_text =
                required(&m.codice_fiscale, &at("codice_fiscale"), &format!("il codice fiscale di {who}"))?;
            let cf = crate::cf::parse(&cf_text, today).map_err(|e| {
                Error::invalid(
                    at("codice_fiscale"),
                    format!("codice fiscale di {who} non valido ({}): {}", e.code, e.messaggio),
                )
            })?;
            let birth = required(&m.birth_date, &at("birth_date"), &format!("la data di nascita di {who}"))?;
            let birth_date = dates::parse_iso(&at("birth_date"), &birth)?;
            // A file has no one to confirm a mismatch as the app's form does: a
            // birth date that is not the code's is a typing error to fix.
            if cf.birth_date.format("%y%m%d").to_string() != birth_date.format("%y%m%d").to_string() {
                return Err(Error::invalid(
                    at("birth_date"),
                    format!(
                        "la data di nascita di {who} ({}) non corrisponde al codice fiscale {} ({})",
                        dates::format_it(birth_date),
                        cf.code,
                        cf.birth_date.format("%d/%m/%y")
                    ),
                ));
            }
            if birth_date > analysis_date {
                return Err(Error::invalid(
                    at("birth_date"),
                    format!(
                        "la data di nascita di {who} ({}) è successiva all'analisi preliminare ({})",
                        dates::format_it(birth_date),
                        dates::format_it(analysis_date)
                    ),
                ));
            }
            let applicant = role.eq_ignore_ascii_case(APPLICANT_ROLE);
            if applicant {
                if let Some(first) = out.iter().find(|c| c.applicant) {
                    return Err(Error::invalid(
                        at("role"),
                        format!(
                            "più di un componente ha il ruolo «{APPLICANT_ROLE}» ({} e {who})",
                            first.member.full_name()
                        ),
                    ));
                }
            }
            out.push(Checked {
                member: PattoMember {
                    id,
                    first_name,
                    last_name,
                    codice_fiscale: cf.valid(),
                    birth_date,
                    birthplace: birthplace(&cf.birthplace, birth_date).name,
                    role,
                    minor: !is_adult(birth_date, analysis_date),
                },
                applicant,
                guardian: m.guardian.as_deref().map(str::trim).filter(|g| !g.is_empty()).map(String::from),
            });
        }
        // The guardian named for each member: one of the household, not the
        // member, and only for a minor (an adult signs for themselves).
        for c in &out {
            let Some(g) = &c.guardian else { continue };
            let m = &c.member;
            let field = format!("members[{}].guardian", m.id);
            if !out.iter().any(|o| &o.member.id == g) {
                return Err(Error::invalid(
                    field,
                    format!("chi firma per {} è «{g}», che non è un componente del nucleo", m.full_name()),
                ));
            }
            if g == &m.id {
                return Err(Error::invalid(
                    field,
                    format!("{} non può firmare per sé stesso", m.full_name()),
                ));
            }
            if !m.minor {
                return Err(Error::invalid(
                    field,
                    format!(
                        "{} è maggiorenne alla data dell'analisi e firma per sé: il genitore o tutore si indica \
                         solo per i minori",
                        m.full_name()
                    ),
                ));
            }
        }
        Ok(out)
    }

    fn commitments(&self, members: &[Checked]) -> Result<Vec<PattoCommitment>> {
        let inputs = match &self.commitments {
            Some(c) if !c.is_empty() => c,
            Some(_) => {
                return Err(Error::invalid("commitments", "il progetto non ha impegni: indicarne almeno uno"))
            }
            None => return Err(Error::invalid("commitments", "mancano gli impegni: campo obbligatorio")),
        };
        inputs
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let n = i + 1;
                let id = required(
                    &c.member,
                    &format!("commitments[{i}].member"),
                    &format!("il componente dell'impegno n. {n}"),
                )?;
                let member = members.iter().position(|m| m.member.id == id).ok_or_else(|| {
                    Error::invalid(
                        format!("commitments[{i}].member"),
                        format!("l'impegno n. {n} riguarda «{id}», che non è un componente del nucleo"),
                    )
                })?;
                let who = members[member].member.full_name();
                let text = required(
                    &c.text,
                    &format!("commitments[{i}].text"),
                    &format!("il testo dell'impegno n. {n} ({who})"),
                )?;
                let due_text = required(
                    &c.due,
                    &format!("commitments[{i}].due"),
                    &format!("la scadenza dell'impegno n. {n} ({who})"),
                )?;
                let due = dates::parse_iso(&format!("commitments[{i}].due"), &due_text)?;
                Ok(PattoCommitment { member, others: Vec::new(), text, due })
            })
            .collect()
    }
}
