//! Eligibility for misure 1-7 (rules.md §3) from the stored household: the
//! service gathers the rules' input from the record, evaluates it with the pure
//! [`crate::rules::eligibility::evaluate`], and keeps every check it makes (each
//! answer with its rule sets and trace), so the office can later show what was
//! decided, on which data, and when.
//!
//! Where the household record is silent the choices are:
//! - the comune is the office's (the rule sets are the Comune's own);
//! - the residence is the richiedente's, when their comune of residence is the
//!   office's; otherwise the household is not resident there;
//! - the birth for the assegno di maternità is the youngest minor's birth date
//!   (the rules then say whether it is within the months of the law);
//! - members born after the reference date were not in the household on that
//!   day: they are left out, and the answer says so; likewise an ISEE
//!   attestation issued after the reference date;
//! - "other subsidies" and the urgent need (misura 5) are facts of their own
//!   ([`Service::eligibility_facts_save`]), not fields of the household form.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{not_found, office, Action, Service};
use crate::calendar::age_on;
use crate::catalog::rule_sets;
use crate::dates::format_it;
use crate::domain::household::ADULT_AGE;
use crate::domain::{form, Household, Id, Office, StrEnum};
use crate::error::{Code, Error};
use crate::rules::eligibility::{self as rules, Measure};
use crate::rules::{Reason, RuleSetRef, RuleSets, Step};
use crate::storage::eligibility::{AnswerRow, CheckRow};
use crate::storage::{Stamp, Tx};

/// The facts the rules need that the household form does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityFacts {
    pub household_id: Id,
    /// Receives or applied for another subsidy of the Direzione Politiche Sociali.
    pub other_subsidies: bool,
    /// The social worker's account of an extraordinary and urgent need.
    pub urgent_need: Option<String>,
    /// Null until first recorded (then "no other subsidies, no urgent need").
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

/// What the facts form sends.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EligibilityFactsInput {
    pub household_id: Option<String>,
    pub other_subsidies: Option<form::Scalar>,
    pub urgent_need: Option<String>,
}

/// One measure's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureAnswer {
    /// `misura-1` … `misura-7`.
    pub measure: String,
    pub title: String,
    pub eligible: bool,
    pub reasons: Vec<Reason>,
    pub rule_sets: Vec<RuleSetRef>,
    pub trace: Vec<Step>,
}

/// A rule set an answer was given under, with the acts its values come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSetInfo {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub acts: Vec<String>,
}

/// A stored check: the seven answers and what they were decided on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityCheck {
    pub id: Id,
    pub household_id: Id,
    pub reference_date: NaiveDate,
    /// Belfiore code of the comune whose rules were applied.
    pub comune: String,
    pub created_at: String,
    /// Name of the operator who made the check.
    pub operator: String,
    /// The rules' input as evaluated (the household on that day).
    pub input: rules::Household,
    /// What the office should know about the data used, in Italian.
    pub notes: Vec<String>,
    pub measures: Vec<MeasureAnswer>,
    pub rule_sets: Vec<RuleSetInfo>,
}

/// Stored in `eligibility_checks.input`: the data and the rule sets' titles as
/// they were, so a later reading does not depend on today's files.
#[derive(Serialize, Deserialize)]
struct StoredInput {
    household: rules::Household,
    notes: Vec<String>,
    rule_sets: Vec<RuleSetInfo>,
}

fn to_json<T: Serialize>(v: &T) -> Result<String, Error> {
    serde_json::to_string(v).map_err(|e| Error::new(Code::Internal, format!("serializzazione JSON: {e}")))
}

fn from_json<T: for<'de> Deserialize<'de>>(s: &str) -> Result<T, Error> {
    serde_json::from_str(s).map_err(|e| {
        Error::new(Code::Storage, format!("verifica dei requisiti non leggibile nel database: {e}"))
    })
}

impl EligibilityFactsInput {
    fn validate(&self) -> Result<(Id, bool, Option<String>), Error> {
        let id = form::required_id("household_id", &self.household_id, "il nucleo")?;
        let other = match &self.other_subsidies {
            None => false,
            Some(form::Scalar::Bool(b)) => *b,
            Some(form::Scalar::Text(t)) => match t.trim() {
                "" | "false" | "no" => false,
                "true" | "si" | "sì" | "on" => true,
                _ => return Err(Error::invalid("other_subsidies", "Indicare sì oppure no")),
            },
            Some(form::Scalar::Int(0)) => false,
            Some(form::Scalar::Int(1)) => true,
            Some(_) => return Err(Error::invalid("other_subsidies", "Indicare sì oppure no")),
        };
        let need = form::optional_text("urgent_need", &self.urgent_need)?;
        if let Some(n) = &need {
            crate::print::fonts::check_printable("urgent_need", n)?;
        }
        Ok((id, other, need))
    }
}

/// The rules' view of the stored household on `reference_date`, with the notes
/// that explain how it was read.
pub fn rules_input(
    household: &Household,
    office_comune: &str,
    facts: &EligibilityFacts,
    reference_date: NaiveDate,
) -> Result<(rules::Household, Vec<String>), Error> {
    let mut notes = Vec::new();
    let present: Vec<_> = household.members.iter().filter(|m| m.birth_date <= reference_date).collect();
    for m in household.members.iter().filter(|m| m.birth_date > reference_date) {
        notes.push(format!(
            "{} è nato/a il {}, dopo la data di riferimento: non è considerato/a",
            m.full_name(),
            format_it(m.birth_date)
        ));
    }
    if present.is_empty() {
        return Err(Error::invalid(
            "reference_date",
            format!("Alla data del {} nessun componente del nucleo era nato", format_it(reference_date)),
        ));
    }
    let applicant =
        household.applicant().ok_or_else(|| Error::new(Code::Internal, "nucleo senza richiedente"))?;
    let resident_since = match (&applicant.residence_comune, applicant.resident_since) {
        (Some(c), Some(since)) if c.eq_ignore_ascii_case(office_comune) => {
            notes.push(format!(
                "Residenza: quella del richiedente {}, nel comune dal {}",
                applicant.full_name(),
                format_it(since)
            ));
            Some(since)
        }
        (Some(c), _) if !c.eq_ignore_ascii_case(office_comune) => {
            notes.push(format!(
                "Il richiedente {} risulta residente in un altro comune ({c})",
                applicant.full_name()
            ));
            None
        }
        _ => {
            notes.push(format!(
                "Per il richiedente {} non è indicata la data di inizio della residenza nel comune: \
                 completarla nella scheda del nucleo",
                applicant.full_name()
            ));
            None
        }
    };
    // The youngest minor: the rule set decides whether the birth is recent enough.
    let child = present
        .iter()
        .filter(|m| age_on(m.birth_date, reference_date) < ADULT_AGE)
        .max_by_key(|m| m.birth_date);
    if let Some(c) = child {
        notes.push(format!(
            "Assegno di maternità: considerata la nascita del componente più giovane, {} ({})",
            c.full_name(),
            format_it(c.birth_date)
        ));
    }
    // An attestation is valid from the day it is issued: on an earlier reference
    // date the household did not have it yet.
    let isee = match &household.isee {
        None => {
            notes.push("Nessuna attestazione ISEE registrata nella scheda del nucleo".to_string());
            None
        }
        Some(i) if i.issued_on > reference_date => {
            notes.push(format!(
                "L'attestazione ISEE registrata ({}) è stata rilasciata il {}, dopo la data di riferimento: \
                 non è considerata",
                i.protocol,
                format_it(i.issued_on)
            ));
            None
        }
        Some(i) => Some(rules::Isee { value: i.value, expires_on: i.expires_on }),
    };
    let input = rules::Household {
        reference_date,
        comune: office_comune.to_uppercase(),
        resident_since,
        other_subsidies: facts.other_subsidies,
        isee,
        urgent_need: facts.urgent_need.clone(),
        child_birth_date: child.map(|c| c.birth_date),
        members: present
            .iter()
            .map(|m| rules::Member {
                birth_date: m.birth_date,
                invalidity_percent: u32::from(m.invalidity_percent),
                disability_certified: m.disability_certified,
            })
            .collect(),
    };
    Ok((input, notes))
}

fn rule_set_info(rules: &RuleSets, r: &RuleSetRef) -> RuleSetInfo {
    match rules.get(&r.id) {
        Ok(set) => RuleSetInfo {
            id: r.id.clone(),
            version: r.version,
            title: set.title.clone(),
            acts: set.acts.iter().map(|a| a.title.clone()).collect(),
        },
        Err(_) => RuleSetInfo { id: r.id.clone(), version: r.version, title: r.id.clone(), acts: Vec::new() },
    }
}

fn facts_of(tx: &Tx<'_>, household_id: Id) -> Result<EligibilityFacts, Error> {
    Ok(match tx.eligibility_facts_get(household_id)? {
        Some(f) => EligibilityFacts {
            household_id,
            other_subsidies: f.other_subsidies,
            urgent_need: f.urgent_need,
            updated_at: Some(f.updated_at),
            updated_by: Some(f.updated_by),
        },
        None => EligibilityFacts {
            household_id,
            other_subsidies: false,
            urgent_need: None,
            updated_at: None,
            updated_by: None,
        },
    })
}

pub(super) fn check_from_row(row: CheckRow) -> Result<EligibilityCheck, Error> {
    let stored: StoredInput = from_json(&row.input)?;
    let mut measures = Vec::with_capacity(row.answers.len());
    for a in &row.answers {
        let title = Measure::ALL
            .iter()
            .find(|m| m.id() == a.measure)
            .map_or_else(|| a.measure.clone(), |m| m.title().to_string());
        measures.push(MeasureAnswer {
            measure: a.measure.clone(),
            title,
            eligible: a.eligible,
            reasons: from_json(&a.reasons)?,
            rule_sets: from_json(&a.rule_sets)?,
            trace: from_json(&a.trace)?,
        });
    }
    Ok(EligibilityCheck {
        id: row.id,
        household_id: row.household_id,
        reference_date: row.reference_date,
        comune: row.comune,
        created_at: row.created_at,
        operator: row.operator,
        input: stored.household,
        notes: stored.notes,
        measures,
        rule_sets: stored.rule_sets,
    })
}

impl Service {
    /// The eligibility facts of a household (defaults when never recorded).
    pub fn eligibility_facts_get(&self, household_id: Id) -> Result<EligibilityFacts, Error> {
        self.run(Action::EligibilityFactsGet, Some(household_id), |tx, _| {
            tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            facts_of(tx, household_id)
        })
    }

    /// Records whether the household has other subsidies and the social
    /// worker's account of an urgent need (blank = none).
    pub fn eligibility_facts_save(&self, input: EligibilityFactsInput) -> Result<EligibilityFacts, Error> {
        let (household_id, other, need) = input.validate()?;
        self.run(Action::EligibilityFactsSave, Some(household_id), |tx, stamp| {
            tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            tx.eligibility_facts_put(household_id, other, need.as_deref(), stamp)?;
            facts_of(tx, household_id)
        })
    }

    /// Checks misure 1-7 for the stored household on `reference_date` and keeps
    /// the answer.
    pub fn eligibility_check(
        &self,
        household_id: Id,
        reference_date: NaiveDate,
    ) -> Result<EligibilityCheck, Error> {
        let rules = load_rules()?;
        self.run(Action::EligibilityCheck, Some(household_id), |tx, stamp| {
            self.check_in(tx, stamp, &rules, household_id, reference_date)
        })
    }

    /// The checks made for a household, newest first.
    pub fn eligibility_checks_list(&self, household_id: Id) -> Result<Vec<EligibilityCheck>, Error> {
        self.run(Action::EligibilityChecksList, Some(household_id), |tx, _| {
            tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            tx.eligibility_checks_of_household(household_id)?.into_iter().map(check_from_row).collect()
        })
    }

    /// Evaluates and stores a check inside the caller's transaction (also used
    /// by the printed esito, so the paper and the record are one decision).
    pub(super) fn check_in(
        &self,
        tx: &Tx<'_>,
        stamp: &Stamp,
        rules: &RuleSets,
        household_id: Id,
        reference_date: NaiveDate,
    ) -> Result<EligibilityCheck, Error> {
        let household = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
        let office: Office = office(tx)?;
        let facts = facts_of(tx, household_id)?;
        let (input, notes) = rules_input(&household, &office.comune, &facts, reference_date)?;
        let result = rules::evaluate(&input, rules)?;
        let mut refs: Vec<RuleSetRef> = Vec::new();
        for d in &result.measures {
            for r in &d.rule_sets {
                if !refs.contains(r) {
                    refs.push(r.clone());
                }
            }
        }
        let infos: Vec<RuleSetInfo> = refs.iter().map(|r| rule_set_info(rules, r)).collect();
        let answers = result
            .measures
            .iter()
            .map(|d| {
                Ok(AnswerRow {
                    measure: d.measure.id().to_string(),
                    eligible: d.eligible,
                    reasons: to_json(&d.reasons)?,
                    rule_sets: to_json(&d.rule_sets)?,
                    trace: to_json(&d.trace.steps)?,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let id = Id::new();
        let row = CheckRow {
            id,
            household_id,
            reference_date,
            comune: input.comune.clone(),
            input: to_json(&StoredInput { household: input, notes, rule_sets: infos })?,
            created_at: stamp.at.clone(),
            operator: String::new(),
            answers,
        };
        tx.eligibility_check_insert(&row, stamp)?;
        let stored = tx.eligibility_check_get(id)?.ok_or_else(|| not_found("Verifica dei requisiti"))?;
        check_from_row(stored)
    }
}

/// The rule sets: built in plus the administrator's directory, read at each
/// check so a new file (next year's maternity cap) counts without a restart.
pub(super) fn load_rules() -> Result<RuleSets, Error> {
    rule_sets::load_from_env().map_err(Error::from)
}

/// Used by the esito: the richiedente's relationship label etc.
pub(super) fn role_label(m: &crate::domain::Member) -> String {
    m.relationship.label().to_string()
}
