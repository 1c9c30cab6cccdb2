//! Quadro di analisi: the équipe multidisciplinare's in-depth assessment of a
//! household with complex needs (d.lgs. 147/2017 art. 5 c. 3 and 7; spec
//! domain.md, path point 3). The analisi preliminare routes the household to
//! the équipe; the équipe — the social service with the other services that
//! know the family (Centro per l'impiego, health, school, housing, the third
//! sector) — looks again at the six areas in depth, names the needs and the
//! resources of each, and agrees an outcome. When the outcome is the patto
//! per l'inclusione sociale, the progetto personalizzato is written on it: the
//! priorities the équipe agreed become the project's first objectives.
//!
//! The signing window does not restart: the law counts the 20 working days
//! from the analisi preliminare (rules.md §5), and the quadro is part of them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::analysis::{Analysis, LifeArea, Need, Outcome};
use crate::domain::form;
use crate::domain::{Id, StrEnum};
use crate::error::Error;

string_enum!(
    /// The service an équipe member comes from (d.lgs. 147/2017 art. 5 c. 7:
    /// the social service with the services for employment, training,
    /// education, housing and health, and the third sector).
    EquipeService {
        ServizioSociale = "servizio_sociale": "Servizio sociale",
        CentroImpiego = "centro_impiego": "Centro per l'impiego",
        ServiziSanitari = "servizi_sanitari": "Servizi sanitari (ASST, consultorio)",
        SaluteMentaleDipendenze = "salute_mentale_dipendenze": "Salute mentale e dipendenze (CPS, SerD)",
        ScuolaFormazione = "scuola_formazione": "Scuola e formazione",
        ServiziAbitativi = "servizi_abitativi": "Servizi abitativi",
        TerzoSettore = "terzo_settore": "Terzo settore",
        Altro = "altro": "Altro servizio",
    }
);

string_enum!(
    /// What the équipe agreed (Linee guida per la definizione dei patti per
    /// l'inclusione sociale): the project here, the specialist services' own
    /// plan, or the Centro per l'impiego's patto.
    QuadroOutcome {
        PattoInclusione = "patto_inclusione": "Patto per l'inclusione sociale con i sostegni (progetto personalizzato)",
        ServiziSpecialistici = "servizi_specialistici": "Presa in carico dei servizi specialistici",
        CentroImpiego = "centro_impiego": "Centro per l'impiego (patto di servizio)",
    }
);

impl QuadroOutcome {
    /// Whether the social service writes the project the household signs.
    pub fn needs_project(self) -> bool {
        self == QuadroOutcome::PattoInclusione
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quadro {
    pub id: Id,
    pub household_id: Id,
    pub analysis_id: Id,
    /// The day the équipe met and agreed it.
    pub meeting_date: NaiveDate,
    /// Name of the operator who recorded it.
    pub operator: String,
    pub equipe: Vec<EquipeMember>,
    /// Members of the household who took part in the équipe's meeting.
    pub participants: Vec<Id>,
    pub areas: Vec<QuadroArea>,
    /// The priorities agreed, in order: the project's first objectives.
    pub priorities: Vec<String>,
    pub outcome: QuadroOutcome,
    pub outcome_reason: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EquipeMember {
    pub name: String,
    pub service: EquipeService,
    /// The body they work for (e.g. «ASST Nord Milano», «AFOL Metropolitana»).
    pub organisation: Option<String>,
    /// Their role (assistente sociale, educatore, psicologo, operatore CPI…).
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuadroArea {
    pub domain: LifeArea,
    /// The level of need as the équipe now sees it (it may differ from the
    /// analisi preliminare's: that is why the équipe looks again).
    pub need: Need,
    /// The needs in depth: what is missing, for whom, since when.
    pub needs: Option<String>,
    /// Resources and protective factors: what the family and its network
    /// bring, what the services already give.
    pub resources: Option<String>,
    /// Which services of the équipe take this area on.
    pub services: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuadroInput {
    pub id: Option<String>,
    pub household_id: Option<String>,
    pub meeting_date: Option<String>,
    pub equipe: Vec<EquipeMemberInput>,
    pub participants: Vec<Option<String>>,
    pub areas: Vec<QuadroAreaInput>,
    pub priorities: Vec<Option<String>>,
    pub outcome: Option<String>,
    pub outcome_reason: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EquipeMemberInput {
    pub name: Option<String>,
    pub service: Option<String>,
    pub organisation: Option<String>,
    pub role: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QuadroAreaInput {
    pub domain: Option<String>,
    pub need: Option<String>,
    pub needs: Option<String>,
    pub resources: Option<String>,
    pub services: Option<String>,
}

/// A validated quadro, before storage stamps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuadroDraft {
    pub id: Option<Id>,
    pub household_id: Id,
    pub analysis_id: Id,
    pub meeting_date: NaiveDate,
    pub equipe: Vec<EquipeMember>,
    pub participants: Vec<Id>,
    pub areas: Vec<QuadroArea>,
    pub priorities: Vec<String>,
    pub outcome: QuadroOutcome,
    pub outcome_reason: String,
}

impl QuadroInput {
    /// The household id, needed before the household can be loaded.
    pub fn household_id(&self) -> Result<Id, Error> {
        form::required_id("household_id", &self.household_id, "il nucleo")
    }

    /// Checks the form against the analysis it deepens, on `today`.
    /// `members` are the household's member ids.
    pub fn validate(
        &self,
        analysis: &Analysis,
        members: &[Id],
        today: NaiveDate,
    ) -> Result<QuadroDraft, Error> {
        let id = form::optional_id("id", &self.id)?;
        let household_id = self.household_id()?;
        if household_id != analysis.household_id {
            return Err(Error::invalid("household_id", "Il quadro non appartiene a questo nucleo"));
        }
        if analysis.outcome != Outcome::EquipeMultidisciplinare {
            return Err(Error::invalid(
                "household_id",
                format!(
                    "L'analisi preliminare ha inviato il nucleo a «{}»: il quadro di analisi si compila quando l'esito è l'équipe multidisciplinare",
                    analysis.outcome.label()
                ),
            ));
        }
        let meeting_date =
            form::required_date("meeting_date", &self.meeting_date, "la data dell'incontro d'équipe")?;
        if meeting_date > today {
            return Err(Error::invalid(
                "meeting_date",
                "La data dell'incontro d'équipe non può essere nel futuro",
            ));
        }
        if meeting_date < analysis.interview_date {
            return Err(Error::invalid(
                "meeting_date",
                "L'incontro d'équipe non può precedere il colloquio dell'analisi preliminare",
            ));
        }

        let mut equipe = Vec::new();
        for (i, m) in self.equipe.iter().enumerate() {
            let f = |n: &str| format!("equipe[{i}].{n}");
            // A row left blank in the form is no one.
            if [&m.name, &m.service, &m.organisation, &m.role].iter().all(|v| form::clean(v).is_none()) {
                continue;
            }
            equipe.push(EquipeMember {
                name: form::name(&f("name"), &m.name, "il nome del componente dell'équipe")?,
                service: form::required_choice(&f("service"), &m.service, "il servizio")?,
                organisation: form::optional_line(&f("organisation"), &m.organisation)?,
                role: form::optional_line(&f("role"), &m.role)?,
            });
        }
        // Multidisciplinary: the social service that holds the case, and at
        // least one other service.
        if !equipe.iter().any(|m| m.service == EquipeService::ServizioSociale) {
            return Err(Error::invalid(
                "equipe",
                "Indicare l'operatore del servizio sociale che compone l'équipe",
            ));
        }
        if !equipe.iter().any(|m| m.service != EquipeService::ServizioSociale) {
            return Err(Error::invalid(
                "equipe",
                "L'équipe è multidisciplinare: indicare almeno un operatore di un altro servizio (Centro per l'impiego, sanità, scuola, terzo settore…)",
            ));
        }

        let mut participants = Vec::new();
        for (i, p) in self.participants.iter().enumerate() {
            let field = format!("participants[{i}]");
            let Some(pid) = form::optional_id(&field, p)? else { continue };
            if !members.contains(&pid) {
                return Err(Error::invalid(field, "Il partecipante non è un componente del nucleo"));
            }
            if !participants.contains(&pid) {
                participants.push(pid);
            }
        }
        // Kept in the household's order, whatever the order of the clicks.
        participants.sort_by_key(|p| members.iter().position(|m| m == p));

        // Every entry names a known area, once; then the six in the law's order.
        let mut given = Vec::new();
        for (i, a) in self.areas.iter().enumerate() {
            let area: LifeArea = form::required_choice(&format!("areas[{i}].domain"), &a.domain, "l'area")?;
            if given.iter().any(|(g, _)| *g == area) {
                return Err(Error::invalid(
                    format!("areas[{i}].domain"),
                    format!("Area «{}» ripetuta", area.label()),
                ));
            }
            given.push((area, a));
        }
        let mut areas = Vec::with_capacity(LifeArea::ALL.len());
        for (i, area) in LifeArea::ALL.iter().enumerate() {
            let Some((_, a)) = given.iter().find(|(g, _)| g == area) else {
                return Err(Error::invalid(
                    format!("areas[{i}].need"),
                    format!("Manca la valutazione dell'area «{}»", area.label()),
                ));
            };
            let need: Need =
                form::required_choice(&format!("areas[{i}].need"), &a.need, "il livello di bisogno")?;
            let needs = form::optional_text(&format!("areas[{i}].needs"), &a.needs)?;
            // In depth: an area with a need says what the need is.
            if need != Need::Nessuno && needs.is_none() {
                return Err(Error::invalid(
                    format!("areas[{i}].needs"),
                    format!("Descrivere i bisogni dell'area «{}» (bisogno {})", area.label(), need.label()),
                ));
            }
            areas.push(QuadroArea {
                domain: *area,
                need,
                needs,
                resources: form::optional_text(&format!("areas[{i}].resources"), &a.resources)?,
                services: form::optional_line(&format!("areas[{i}].services"), &a.services)?,
            });
        }

        let priorities = form::text_list("priorities", &self.priorities)?;
        let outcome: QuadroOutcome = form::required_choice("outcome", &self.outcome, "l'esito concordato")?;
        if outcome.needs_project() && priorities.is_empty() {
            return Err(Error::invalid(
                "priorities",
                "Indicare almeno una priorità concordata: il progetto personalizzato parte da lì",
            ));
        }
        let outcome_reason = form::required_text(
            "outcome_reason",
            &self.outcome_reason,
            "la motivazione dell'esito concordato",
        )?;
        Ok(QuadroDraft {
            id,
            household_id,
            analysis_id: analysis.id,
            meeting_date,
            equipe,
            participants,
            areas,
            priorities,
            outcome,
            outcome_reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analysis(outcome: Outcome) -> Analysis {
        Analysis {
            id: Id::new(),
            household_id: Id::new(),
            interview_date: NaiveDate::from_ymd_opt(2026, 11, 10).unwrap(),
            participants: vec![],
            operator: "Maria Bianchi".into(),
            domains: vec![],
            employability: vec![],
            outcome,
            outcome_reason: "motivo".into(),
            signing_deadline: NaiveDate::from_ymd_opt(2026, 12, 9).unwrap(),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }

    fn s(v: &str) -> Option<String> {
        Some(v.into())
    }

    fn input(a: &Analysis) -> QuadroInput {
        QuadroInput {
            household_id: Some(a.household_id.to_string()),
            meeting_date: s("2026-11-20"),
            equipe: vec![
                EquipeMemberInput {
                    name: s("Maria Bianchi"),
                    service: s("servizio_sociale"),
                    ..Default::default()
                },
                EquipeMemberInput {
                    name: s("Luca D'Amico"),
                    service: s("centro_impiego"),
                    organisation: s("AFOL"),
                    role: None,
                },
            ],
            areas: LifeArea::ALL
                .iter()
                .map(|d| QuadroAreaInput { domain: s(d.as_str()), need: s("nessuno"), ..Default::default() })
                .collect(),
            priorities: vec![s("Trovare un lavoro stabile"), s("")],
            outcome: s("patto_inclusione"),
            outcome_reason: s("Bisogni su più aree"),
            ..Default::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    #[test]
    fn a_complete_quadro_is_accepted_in_the_laws_order() {
        let a = analysis(Outcome::EquipeMultidisciplinare);
        let mut i = input(&a);
        i.areas.reverse();
        let d = i.validate(&a, &[], today()).unwrap();
        assert_eq!(d.areas.iter().map(|x| x.domain).collect::<Vec<_>>(), LifeArea::ALL);
        assert_eq!(d.priorities, ["Trovare un lavoro stabile"]);
        assert_eq!(d.equipe[1].name, "Luca D'Amico");
        assert_eq!(d.analysis_id, a.id);
    }

    #[test]
    fn only_for_a_household_routed_to_the_equipe() {
        let a = analysis(Outcome::ProgettoServizioSociale);
        let e = input(&a).validate(&a, &[], today()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("household_id"));
    }

    #[test]
    fn the_equipe_is_multidisciplinary() {
        let a = analysis(Outcome::EquipeMultidisciplinare);
        let mut i = input(&a);
        i.equipe[1].service = s("servizio_sociale");
        assert_eq!(i.validate(&a, &[], today()).unwrap_err().field.as_deref(), Some("equipe"));
        let mut i = input(&a);
        i.equipe.remove(0);
        assert_eq!(i.validate(&a, &[], today()).unwrap_err().field.as_deref(), Some("equipe"));
    }

    #[test]
    fn an_area_with_a_need_says_what_it_is() {
        let a = analysis(Outcome::EquipeMultidisciplinare);
        let mut i = input(&a);
        i.areas[2].need = s("grave");
        assert_eq!(i.validate(&a, &[], today()).unwrap_err().field.as_deref(), Some("areas[2].needs"));
        i.areas[2].needs = s("Disoccupato da due anni, senza patente");
        assert!(i.validate(&a, &[], today()).is_ok());
    }

    #[test]
    fn dates_between_the_interview_and_today() {
        let a = analysis(Outcome::EquipeMultidisciplinare);
        let mut i = input(&a);
        i.meeting_date = s("2026-11-09");
        assert_eq!(i.validate(&a, &[], today()).unwrap_err().field.as_deref(), Some("meeting_date"));
        i.meeting_date = s("2026-12-02");
        assert_eq!(i.validate(&a, &[], today()).unwrap_err().field.as_deref(), Some("meeting_date"));
    }

    #[test]
    fn a_patto_needs_priorities_a_referral_does_not() {
        let a = analysis(Outcome::EquipeMultidisciplinare);
        let mut i = input(&a);
        i.priorities = vec![s(" ")];
        assert_eq!(i.validate(&a, &[], today()).unwrap_err().field.as_deref(), Some("priorities"));
        i.outcome = s("servizi_specialistici");
        assert!(i.validate(&a, &[], today()).is_ok());
    }
}
