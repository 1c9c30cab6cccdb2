//! Analisi preliminare (d.lgs. 147/2017 art. 5 c. 2): the interview, the six
//! areas with need level and resources, the employability of each adult, and the
//! outcome that routes the household.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::form;
use crate::domain::household::Household;
use crate::domain::{Id, StrEnum};
use crate::error::Error;

string_enum!(
    /// The six areas of the analysis, in the order of the law.
    LifeArea {
        CondizioniPersonaliSociali = "condizioni_personali_sociali": "Condizioni personali e sociali",
        SituazioneEconomica = "situazione_economica": "Situazione economica",
        SituazioneLavorativa = "situazione_lavorativa": "Situazione lavorativa e profilo di occupabilità",
        IstruzioneFormazione = "istruzione_formazione": "Educazione, istruzione e formazione",
        CondizioneAbitativa = "condizione_abitativa": "Condizione abitativa",
        RetiFamiliariSociali = "reti_familiari_sociali": "Reti familiari, di prossimità e sociali",
    }
);

string_enum!(Need {
    Nessuno = "nessuno": "nessuno",
    Lieve = "lieve": "lieve",
    Moderato = "moderato": "moderato",
    Grave = "grave": "grave",
});

string_enum!(Profile {
    Occupabile = "occupabile": "occupabile",
    OccupabileConSupporto = "occupabile_con_supporto": "occupabile con supporto",
    NonOccupabile = "non_occupabile": "non occupabile",
});

string_enum!(
    /// Where the analysis sends the household (spec/domain.md, path point 3).
    Outcome {
        CentroImpiego = "centro_impiego": "Centro per l'impiego (patto di servizio)",
        ProgettoServizioSociale = "progetto_servizio_sociale": "Progetto a cura del servizio sociale",
        EquipeMultidisciplinare = "equipe_multidisciplinare": "Équipe multidisciplinare (quadro di analisi)",
        ServiziSpecialistici = "servizi_specialistici": "Servizi specialistici",
    }
);

impl Outcome {
    /// Whether the social service writes the project the household signs here
    /// (with the Centro per l'impiego the patto di servizio is signed there;
    /// specialist services run their own plans).
    pub fn needs_project(self) -> bool {
        matches!(self, Outcome::ProgettoServizioSociale | Outcome::EquipeMultidisciplinare)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    pub id: Id,
    pub household_id: Id,
    pub interview_date: NaiveDate,
    pub participants: Vec<Id>,
    /// Name of the operator who recorded it.
    pub operator: String,
    pub domains: Vec<AreaAssessment>,
    pub employability: Vec<Employability>,
    pub outcome: Outcome,
    pub outcome_reason: String,
    /// Interview date + the signing window in working days (computed when saved).
    pub signing_deadline: NaiveDate,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaAssessment {
    pub domain: LifeArea,
    pub need: Need,
    pub resources: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Employability {
    pub member_id: Id,
    pub profile: Profile,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalysisInput {
    pub id: Option<String>,
    pub household_id: Option<String>,
    pub interview_date: Option<String>,
    pub participants: Vec<Option<String>>,
    pub domains: Vec<AreaInput>,
    pub employability: Vec<EmployabilityInput>,
    pub outcome: Option<String>,
    pub outcome_reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AreaInput {
    pub domain: Option<String>,
    pub need: Option<String>,
    pub resources: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmployabilityInput {
    pub member_id: Option<String>,
    pub profile: Option<String>,
    pub notes: Option<String>,
}

/// A validated analysis, before the deadline is computed and storage stamps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisDraft {
    pub id: Option<Id>,
    pub household_id: Id,
    pub interview_date: NaiveDate,
    pub participants: Vec<Id>,
    pub domains: Vec<AreaAssessment>,
    pub employability: Vec<Employability>,
    pub outcome: Outcome,
    pub outcome_reason: String,
}

impl From<&Analysis> for AnalysisInput {
    fn from(a: &Analysis) -> Self {
        AnalysisInput {
            id: Some(a.id.to_string()),
            household_id: Some(a.household_id.to_string()),
            interview_date: Some(a.interview_date.to_string()),
            participants: a.participants.iter().map(|p| Some(p.to_string())).collect(),
            domains: a
                .domains
                .iter()
                .map(|d| AreaInput {
                    domain: Some(d.domain.as_str().into()),
                    need: Some(d.need.as_str().into()),
                    resources: d.resources.clone(),
                    notes: d.notes.clone(),
                })
                .collect(),
            employability: a
                .employability
                .iter()
                .map(|e| EmployabilityInput {
                    member_id: Some(e.member_id.to_string()),
                    profile: Some(e.profile.as_str().into()),
                    notes: e.notes.clone(),
                })
                .collect(),
            outcome: Some(a.outcome.as_str().into()),
            outcome_reason: Some(a.outcome_reason.clone()),
        }
    }
}

impl AnalysisInput {
    /// The household id, needed before the household can be loaded.
    pub fn household_id(&self) -> Result<Id, Error> {
        form::required_id("household_id", &self.household_id, "il nucleo")
    }

    /// Checks the form against the household it is about, on `today`. Adults are
    /// counted on the interview date: that is who was assessed.
    pub fn validate(&self, household: &Household, today: NaiveDate) -> Result<AnalysisDraft, Error> {
        let id = form::optional_id("id", &self.id)?;
        let household_id = self.household_id()?;
        if household_id != household.id {
            return Err(Error::invalid("household_id", "L'analisi non appartiene a questo nucleo"));
        }
        let interview_date =
            form::required_date("interview_date", &self.interview_date, "la data del colloquio")?;
        if interview_date > today {
            return Err(Error::invalid("interview_date", "La data del colloquio non può essere nel futuro"));
        }

        let mut participants = Vec::new();
        for (i, p) in self.participants.iter().enumerate() {
            let field = format!("participants[{i}]");
            let Some(pid) = form::optional_id(&field, p)? else { continue };
            if household.member(pid).is_none() {
                return Err(Error::invalid(field, "Il partecipante non è un componente del nucleo"));
            }
            if !participants.contains(&pid) {
                participants.push(pid);
            }
        }
        if participants.is_empty() {
            return Err(Error::invalid("participants", "Indicare chi ha partecipato al colloquio"));
        }

        // Every entry must name a known area, once.
        let mut given = Vec::new();
        for (i, d) in self.domains.iter().enumerate() {
            let area: LifeArea = form::required_choice(&format!("domains[{i}].domain"), &d.domain, "l'area")?;
            if given.iter().any(|(a, _)| *a == area) {
                return Err(Error::invalid(
                    format!("domains[{i}].domain"),
                    format!("Area «{}» ripetuta", area.label()),
                ));
            }
            given.push((area, d));
        }
        // Then each area in the order of the law; errors name its position there.
        let mut domains = Vec::with_capacity(LifeArea::ALL.len());
        for (i, area) in LifeArea::ALL.iter().enumerate() {
            let Some((_, d)) = given.iter().find(|(a, _)| a == area) else {
                return Err(Error::invalid(
                    format!("domains[{i}].need"),
                    format!("Manca la valutazione dell'area «{}»", area.label()),
                ));
            };
            domains.push(AreaAssessment {
                domain: *area,
                need: form::required_choice(&format!("domains[{i}].need"), &d.need, "il livello di bisogno")?,
                resources: form::optional_text(&format!("domains[{i}].resources"), &d.resources)?,
                notes: form::optional_text(&format!("domains[{i}].notes"), &d.notes)?,
            });
        }

        let mut employability: Vec<Employability> = Vec::new();
        let mut seen = HashSet::new();
        for (i, e) in self.employability.iter().enumerate() {
            let f = |n: &str| format!("employability[{i}].{n}");
            let member_id = form::required_id(&f("member_id"), &e.member_id, "il componente")?;
            let Some(member) = household.member(member_id) else {
                return Err(Error::invalid(f("member_id"), "Il componente non appartiene al nucleo"));
            };
            if !member.is_adult_on(interview_date) {
                return Err(Error::invalid(
                    f("member_id"),
                    format!("{} era minorenne alla data del colloquio: il profilo di occupabilità riguarda gli adulti", member.full_name()),
                ));
            }
            if !seen.insert(member_id) {
                return Err(Error::invalid(
                    f("member_id"),
                    format!("Profilo di {} ripetuto", member.full_name()),
                ));
            }
            employability.push(Employability {
                member_id,
                profile: form::required_choice(&f("profile"), &e.profile, "il profilo di occupabilità")?,
                notes: form::optional_text(&f("notes"), &e.notes)?,
            });
        }
        if let Some(missing) =
            household.members.iter().find(|m| m.is_adult_on(interview_date) && !seen.contains(&m.id))
        {
            return Err(Error::invalid(
                "employability",
                format!("Indicare il profilo di occupabilità di {}", missing.full_name()),
            ));
        }
        // Listed in the household's order, whatever order the form used.
        employability.sort_by_key(|e| household.members.iter().position(|m| m.id == e.member_id));

        let outcome = form::required_choice("outcome", &self.outcome, "l'esito dell'analisi")?;
        let outcome_reason =
            form::required_text("outcome_reason", &self.outcome_reason, "la motivazione dell'esito")?;
        Ok(AnalysisDraft {
            id,
            household_id,
            interview_date,
            participants,
            domains,
            employability,
            outcome,
            outcome_reason,
        })
    }
}
