//! Funded programmes and their interventions (issue 12 items 1-2; seeds 001
//! «Traiettorie» and 003 «CIAO!»): the programme's sheet (fund, convention,
//! period, budget, capofila, partners, governance, catalogue) kept by the
//! coordinatore, and the enrolment of a household member in an intervention
//! from the signed patto, kept by the desk.
//!
//! Decisions where the issue is silent (the closing note lists them too):
//! - A programme and its catalogue are everyone's (organisations and titles,
//!   nobody's data): every operator reads them, on every device; writing them
//!   is the coordinatore's. Its finances stay in "Progetti finanziati" at the
//!   hub; `funded_project_id` links the two.
//! - A partner or an intervention once saved is never removed from the
//!   programme (an enrolment or an intervention may name it): it is marked
//!   no longer active. A governance body may be removed.
//! - An enrolment comes from the patto: the household's project must be
//!   signed (sottoscritto or in corso), the member one of the household, the
//!   support (when given) one of the project's. A member is in an
//!   intervention once at a time (a new enrolment after the exit).
//! - An enrolment with its exit recorded is closed: not changed any more.
//! - The programme's list of participants shows by name the cases of the
//!   operator's scope only (never a restricted one); the others are counted.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::{not_found, Action, Service};
use crate::domain::programme::{
    check_open, Enrolment, EnrolmentInput, Intervention, InterventionKind, LabourStatus, Programme,
    ProgrammeInput, Terms,
};
use crate::domain::{
    Citizenship, Education, Employment, Household, Id, ProjectStatus, Relationship, StrEnum,
};
use crate::error::{Code, Error};
use crate::storage::Tx;

// ---- What the screen gets ---------------------------------------------------------

/// A line of the Programmi list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeSummary {
    pub id: Id,
    pub title: String,
    pub fund: String,
    pub programme: String,
    pub lead_body: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    /// Running today.
    pub running: bool,
    pub interventions: usize,
    /// The people enrolled, of every case (one person in two of its
    /// interventions counts once; a count: nobody's name).
    pub participants: usize,
}

/// A participant as the acting operator may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParticipantView {
    pub enrolment_id: Id,
    pub household_id: Id,
    pub member_id: Id,
    pub case_number: String,
    pub member_name: String,
    pub intervention_id: Id,
    pub intervention_title: String,
    pub entry_date: NaiveDate,
    pub exit_date: Option<NaiveDate>,
    pub outcome: Option<String>,
    pub outcome_label: Option<String>,
}

/// The Programmi screen's detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeView {
    pub programme: Programme,
    /// Enrolments of the cases the operator sees, by entry date.
    pub participants: Vec<ParticipantView>,
    /// Enrolments of cases the operator does not see: counted only.
    pub others: usize,
    /// Per intervention (by id): enrolments in it, and those still open.
    pub counts: HashMap<String, (usize, usize)>,
    /// The acting operator may change the programme (`programme_save`).
    pub can_edit: bool,
}

/// An enrolment with the names the screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnrolmentView {
    pub enrolment: Enrolment,
    pub member_name: String,
    pub programme_id: Id,
    pub programme_title: String,
    pub intervention_title: String,
    pub kind: InterventionKind,
    pub kind_label: String,
    /// The partner that runs it; `None`: the social service.
    pub run_by: Option<String>,
    pub hours_planned: Option<u32>,
    /// The support of the patto it carries out.
    pub support: Option<String>,
    pub outcome_label: Option<String>,
}

/// An intervention open to new enrolments today, for the enrol form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterventionOption {
    pub id: Id,
    pub programme_id: Id,
    pub programme_title: String,
    pub title: String,
    pub kind: InterventionKind,
    pub kind_label: String,
    pub run_by: Option<String>,
    pub hours_planned: Option<u32>,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupportOption {
    pub id: Id,
    pub description: String,
}

/// What the case already says of a member, offered as the enrol form's first
/// answers to the ESF questions (the operator confirms or corrects them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EsfHints {
    pub member_id: Id,
    pub labour_status: Option<LabourStatus>,
    /// Only "nessun titolo" says a level (0); the case's bands do not.
    pub isced: Option<u8>,
    pub foreign_background: Option<bool>,
    /// FSE+ (EECO13): the case's citizenship says it either way.
    pub third_country_national: Option<bool>,
    pub disability: Option<bool>,
    pub dependent_children: Option<bool>,
}

/// The household page's card and the project tab's section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseholdEnrolments {
    pub enrolments: Vec<EnrolmentView>,
    /// The patto members are enrolled from: its id, when signed.
    pub project_id: Option<Id>,
    pub project_signed: bool,
    /// The patto's supports an enrolment may carry out.
    pub supports: Vec<SupportOption>,
    pub offer: Vec<InterventionOption>,
    pub hints: Vec<EsfHints>,
}

// ---- The work ----------------------------------------------------------------------

fn summary(p: &Programme, enrolled: usize, today: NaiveDate) -> ProgrammeSummary {
    ProgrammeSummary {
        id: p.id,
        title: p.title.clone(),
        fund: p.fund.clone(),
        programme: p.programme.clone(),
        lead_body: p.lead_body.clone(),
        start_on: p.start_on,
        end_on: p.end_on,
        running: p.start_on <= today && today <= p.end_on,
        interventions: p.interventions.len(),
        participants: enrolled,
    }
}

fn run_by(p: &Programme, i: &Intervention) -> Option<String> {
    i.partner_id.and_then(|id| p.partner(id)).map(|x| x.name.clone())
}

fn hints(h: &Household) -> Vec<EsfHints> {
    let has_children = h.members.iter().any(|m| m.relationship == Relationship::Figlio);
    h.members
        .iter()
        .map(|m| EsfHints {
            member_id: m.id,
            labour_status: m.employment.map(|e| match e {
                Employment::Occupato => LabourStatus::Occupato,
                Employment::Disoccupato | Employment::DisoccupatoLungoPeriodo => LabourStatus::Disoccupato,
                Employment::Inattivo | Employment::Studente | Employment::Pensionato => {
                    LabourStatus::Inattivo
                }
            }),
            isced: (m.education == Education::Nessuno).then_some(0),
            foreign_background: (m.citizenship != Citizenship::Italiana).then_some(true),
            third_country_national: Some(m.citizenship == Citizenship::ExtraUe),
            disability: m.disability_certified.then_some(true),
            dependent_children: (m.relationship != Relationship::Figlio).then_some(has_children),
        })
        .collect()
}

/// What a list of enrolment views shares: each programme, household and
/// project is read once, however many enrolments point at it.
#[derive(Default)]
struct Looked {
    programmes: HashMap<Id, Programme>,
    households: HashMap<Id, Household>,
    projects: HashMap<Id, Option<crate::domain::Project>>,
}

impl Service {
    fn enrolment_view(&self, tx: &Tx<'_>, e: Enrolment, looked: &mut Looked) -> Result<EnrolmentView, Error> {
        let pid = tx.programme_of_intervention(e.intervention_id)?.ok_or_else(|| not_found("Intervento"))?;
        if let std::collections::hash_map::Entry::Vacant(v) = looked.programmes.entry(pid) {
            v.insert(tx.programme_get(pid)?.ok_or_else(|| not_found("Programma"))?);
        }
        if let std::collections::hash_map::Entry::Vacant(v) = looked.households.entry(e.household_id) {
            v.insert(tx.household_get(e.household_id)?.ok_or_else(|| not_found("Nucleo"))?);
        }
        let h = &looked.households[&e.household_id];
        let member_name = h.member(e.member_id).map(|m| m.full_name()).unwrap_or_default();
        let support = match e.support_id {
            Some(sid) => {
                if let std::collections::hash_map::Entry::Vacant(v) = looked.projects.entry(e.project_id) {
                    v.insert(tx.project_get(e.project_id)?);
                }
                looked.projects[&e.project_id]
                    .as_ref()
                    .and_then(|pr| pr.supports.iter().find(|s| s.id == sid))
                    .map(|s| s.description.clone())
            }
            None => None,
        };
        let p = &looked.programmes[&pid];
        let i = p.intervention(e.intervention_id).ok_or_else(|| not_found("Intervento"))?;
        Ok(EnrolmentView {
            member_name,
            programme_id: p.id,
            programme_title: p.title.clone(),
            intervention_title: i.title.clone(),
            kind: i.kind,
            kind_label: i.kind.label().to_string(),
            run_by: run_by(p, i),
            hours_planned: i.hours_planned,
            support,
            outcome_label: e.exit.as_ref().map(|x| x.outcome.label().to_string()),
            enrolment: e,
        })
    }

    /// The Programmi list.
    pub fn programme_list(&self) -> Result<Vec<ProgrammeSummary>, Error> {
        let today = self.today();
        self.run(Action::ProgrammeList, None, |tx, _| {
            let counts: HashMap<Id, usize> = tx.programme_participant_counts()?.into_iter().collect();
            Ok(tx
                .programmes()?
                .iter()
                .map(|p| summary(p, counts.get(&p.id).copied().unwrap_or(0), today))
                .collect())
        })
    }

    fn programme_view(&self, tx: &Tx<'_>, id: Id) -> Result<ProgrammeView, Error> {
        let programme = tx.programme_get(id)?.ok_or_else(|| not_found("Programma"))?;
        let scope = self.case_filter(tx)?;
        let mut participants = Vec::new();
        let mut others = 0;
        let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
        let mut seen: HashMap<Id, Option<Household>> = HashMap::new();
        for e in tx.enrolments_of_programme(id)? {
            let c = counts.entry(e.intervention_id.to_string()).or_default();
            c.0 += 1;
            if e.exit.is_none() {
                c.1 += 1;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = seen.entry(e.household_id) {
                let visible = match &scope {
                    None => true,
                    Some(f) => tx.case_in_scope(e.household_id, f)?,
                };
                slot.insert(if visible { tx.household_get(e.household_id)? } else { None });
            }
            let Some(h) = seen[&e.household_id].as_ref() else {
                others += 1;
                continue;
            };
            participants.push(ParticipantView {
                enrolment_id: e.id,
                household_id: e.household_id,
                member_id: e.member_id,
                case_number: h.case_number.clone(),
                member_name: h.member(e.member_id).map(|m| m.sort_name()).unwrap_or_default(),
                intervention_id: e.intervention_id,
                intervention_title: programme
                    .intervention(e.intervention_id)
                    .map(|i| i.title.clone())
                    .unwrap_or_default(),
                entry_date: e.entry_date,
                exit_date: e.exit.as_ref().map(|x| x.date),
                outcome: e.exit.as_ref().map(|x| x.outcome.as_str().to_string()),
                outcome_label: e.exit.as_ref().map(|x| x.outcome.label().to_string()),
            });
        }
        Ok(ProgrammeView {
            programme,
            participants,
            others,
            counts,
            can_edit: super::access::allowed("programme_save", self.operator.role),
        })
    }

    /// A programme with its partners, governance, catalogue and participants.
    pub fn programme_get(&self, id: Id) -> Result<ProgrammeView, Error> {
        self.run(Action::ProgrammeGet, Some(id), |tx, _| self.programme_view(tx, id))
    }

    /// A new programme, or a change of one (the coordinatore's).
    pub fn programme_save(&self, input: ProgrammeInput) -> Result<ProgrammeView, Error> {
        let programme = input.validate()?;
        self.run(Action::ProgrammeSave, Some(programme.id), |tx, stamp| {
            if let Some(old) = tx.programme_get(programme.id)? {
                let ids: HashSet<Id> = programme.partners.iter().map(|p| p.id).collect();
                if let Some(gone) = old.partners.iter().find(|p| !ids.contains(&p.id)) {
                    return Err(Error::new(
                        Code::Conflict,
                        format!(
                            "Il partner «{}» non si elimina: indicare che non fa più parte del partenariato",
                            gone.name
                        ),
                    )
                    .with_field("partners"));
                }
                let ids: HashSet<Id> = programme.interventions.iter().map(|i| i.id).collect();
                if let Some(gone) = old.interventions.iter().find(|i| !ids.contains(&i.id)) {
                    return Err(Error::new(
                        Code::Conflict,
                        format!(
                            "L'intervento «{}» non si elimina: indicare che non accoglie più iscrizioni",
                            gone.title
                        ),
                    )
                    .with_field("interventions"));
                }
                let enrolled: HashSet<Id> =
                    tx.enrolments_of_programme(programme.id)?.iter().map(|e| e.intervention_id).collect();
                for (k, i) in programme.interventions.iter().enumerate() {
                    let before = old.intervention(i.id);
                    if before.is_some_and(|b| b.kind != i.kind) && enrolled.contains(&i.id) {
                        return Err(Error::new(
                            Code::Conflict,
                            format!(
                                "«{}» ha già dei partecipanti: il tipo di intervento non cambia",
                                i.title
                            ),
                        )
                        .with_field(format!("interventions[{k}].kind")));
                    }
                }
            }
            tx.programme_put(&programme, stamp)?;
            self.programme_view(tx, programme.id)
        })
    }

    fn offer(&self, tx: &Tx<'_>, today: NaiveDate) -> Result<Vec<InterventionOption>, Error> {
        let mut out = Vec::new();
        for p in tx.programmes()? {
            if today < p.start_on || today > p.end_on {
                continue;
            }
            for i in p.interventions.iter().filter(|i| i.active) {
                out.push(InterventionOption {
                    id: i.id,
                    programme_id: p.id,
                    programme_title: p.title.clone(),
                    title: i.title.clone(),
                    kind: i.kind,
                    kind_label: i.kind.label().to_string(),
                    run_by: run_by(&p, i),
                    hours_planned: i.hours_planned,
                    start_on: p.start_on,
                    end_on: p.end_on,
                });
            }
        }
        Ok(out)
    }

    /// A household's enrolments, and what its members may be enrolled in.
    pub fn household_enrolments(&self, household_id: Id) -> Result<HouseholdEnrolments, Error> {
        let today = self.today();
        self.run(Action::HouseholdEnrolments, Some(household_id), |tx, _| {
            let h = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            let mut looked = Looked::default();
            looked.households.insert(household_id, h.clone());
            let enrolments = tx
                .enrolments_of_household(household_id)?
                .into_iter()
                .map(|e| self.enrolment_view(tx, e, &mut looked))
                .collect::<Result<_, _>>()?;
            let project = tx.project_of_household(household_id)?;
            let signed = project.as_ref().is_some_and(|p| signed(p.status));
            let supports = project
                .as_ref()
                .map(|p| {
                    p.supports
                        .iter()
                        .map(|s| SupportOption { id: s.id, description: s.description.clone() })
                        .collect()
                })
                .unwrap_or_default();
            Ok(HouseholdEnrolments {
                enrolments,
                project_id: project.map(|p| p.id),
                project_signed: signed,
                supports,
                offer: if signed { self.offer(tx, today)? } else { Vec::new() },
                hints: hints(&h),
            })
        })
    }

    /// Enrols a member in an intervention from the patto, or changes an
    /// enrolment (attendance, terms, the situation at entry, the exit).
    pub fn enrolment_save(&self, input: EnrolmentInput) -> Result<EnrolmentView, Error> {
        let household_id =
            crate::domain::form::required_id("household_id", &input.household_id, "il nucleo")?;
        let existing = crate::domain::form::optional_id("id", &input.id)?;
        let intervention_id =
            crate::domain::form::required_id("intervention_id", &input.intervention_id, "l'intervento")?;
        let today = self.today();
        // The record the scope is checked on: the enrolment when it exists
        // (its own case, whatever the form says), else the household.
        let record = existing.unwrap_or(household_id);
        self.run(Action::EnrolmentSave, Some(record), |tx, stamp| {
            let before = match existing {
                Some(id) => tx.enrolment_get(id)?,
                None => None,
            };
            let pid = tx
                .programme_of_intervention(intervention_id)?
                .ok_or_else(|| Error::invalid("intervention_id", "Intervento non trovato"))?;
            let programme = tx.programme_get(pid)?.ok_or_else(|| not_found("Programma"))?;
            let intervention = programme.intervention(intervention_id).cloned().ok_or_else(|| not_found("Intervento"))?;
            let e = input.validate(&intervention, today)?;
            match &before {
                Some(b) => {
                    if (b.household_id, b.member_id, b.intervention_id, b.project_id)
                        != (e.household_id, e.member_id, e.intervention_id, e.project_id)
                    {
                        return Err(Error::invalid(
                            "intervention_id",
                            "Componente, intervento e progetto di un'iscrizione non cambiano: registrare l'uscita e una nuova iscrizione",
                        ));
                    }
                    if let Some(x) = &b.exit {
                        return Err(Error::new(
                            Code::Conflict,
                            format!(
                                "L'iscrizione è conclusa: uscita il {} ({})",
                                crate::dates::format_it(x.date),
                                x.outcome.label()
                            ),
                        )
                        .with_field("exit_date"));
                    }
                }
                None => {
                    check_open(&programme, &intervention, e.entry_date)?;
                }
            }
            let h = tx.household_get(e.household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            if h.member(e.member_id).is_none() {
                return Err(Error::invalid("member_id", "Il componente non appartiene al nucleo"));
            }
            let project = tx.project_get(e.project_id)?.ok_or_else(|| not_found("Progetto personalizzato"))?;
            if project.household_id != e.household_id {
                return Err(Error::invalid("project_id", "Il progetto non è di questo nucleo"));
            }
            if !signed(project.status) {
                return Err(Error::new(
                    Code::Conflict,
                    format!(
                        "Si iscrive a un intervento dal patto sottoscritto: il progetto è «{}»",
                        project.status.label()
                    ),
                )
                .with_field("project_id"));
            }
            if let Some(sid) = e.support_id {
                if !project.supports.iter().any(|s| s.id == sid) {
                    return Err(Error::invalid("support_id", "Il sostegno non è di questo progetto"));
                }
            }
            if project.signed_on.is_some_and(|d| e.entry_date < d) {
                return Err(Error::invalid("entry_date", "L'ingresso non precede la firma del patto"));
            }
            if e.exit.is_none() && tx.enrolment_open_exists(e.member_id, e.intervention_id, e.id)? {
                return Err(Error::new(
                    Code::Conflict,
                    format!("Il componente partecipa già a «{}»", intervention.title),
                )
                .with_field("member_id"));
            }
            if let (Terms::Tirocinio { planned_end, .. }, true) = (&e.terms, before.is_none()) {
                if *planned_end > programme.end_on {
                    return Err(Error::invalid(
                        "planned_end",
                        format!(
                            "Il tirocinio finisce dopo il programma (fine il {})",
                            crate::dates::format_it(programme.end_on)
                        ),
                    ));
                }
            }
            tx.enrolment_put(&e, stamp)?;
            let mut looked = Looked {
                programmes: HashMap::from([(programme.id, programme)]),
                households: HashMap::from([(h.id, h)]),
                projects: HashMap::from([(project.id, Some(project))]),
            };
            self.enrolment_view(tx, e, &mut looked)
        })
    }
}

fn signed(status: ProjectStatus) -> bool {
    matches!(status, ProjectStatus::Sottoscritto | ProjectStatus::InCorso)
}

// ---- The ESF indicators of a programme (issue 12 item 4) -----------------------------

/// The Programmi screen's report, and the file when one was asked.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorsView {
    pub on: NaiveDate,
    /// The programme's programming period ("2014-2020", "2021-2027"), which
    /// picks the set of indicators, and the regulation with its label.
    pub period: String,
    pub period_label: String,
    pub regulation: String,
    pub participants: usize,
    pub exited: usize,
    /// The rule sets the participants were read under, "" with none.
    pub rule_sets: Vec<String>,
    /// CO01-CO19, then CR01-CR05 (2021-2027: EECO01-EECO17, EECR01-EECR04),
    /// with their Italian wording.
    pub outputs: Vec<IndicatorLine>,
    pub results: Vec<IndicatorLine>,
    /// The file written to the viewing area (`format` given).
    pub file: Option<super::calls::Exported>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorLine {
    pub code: String,
    pub description: String,
    #[serde(rename = "F")]
    pub f: usize,
    #[serde(rename = "M")]
    pub m: usize,
    pub total: usize,
    pub missing: usize,
}

fn indicator_lines(lines: &[crate::rules::esf::Line]) -> Vec<IndicatorLine> {
    lines
        .iter()
        .map(|l| IndicatorLine {
            code: l.code.clone(),
            description: crate::rules::esf::description(&l.code).unwrap_or("").to_string(),
            f: l.counts.f,
            m: l.counts.m,
            total: l.counts.total,
            missing: l.missing,
        })
        .collect()
}

/// One person of a programme: their enrolments in it up to the day asked.
struct Person {
    household_id: Id,
    member_id: Id,
    enrolments: Vec<Enrolment>,
}

fn esf_participant(p: &Person, h: &Household, on: NaiveDate) -> Option<crate::rules::esf::Participant> {
    use crate::rules::esf::{self, Participant};
    let m = h.member(p.member_id)?;
    let first = p.enrolments.iter().min_by_key(|e| (e.entry_date, e.id.to_string()))?;
    let x = &first.esf;
    // Out when every enrolment of the programme ended by `on`: on the last exit.
    let exits: Option<Vec<_>> =
        p.enrolments.iter().map(|e| e.exit.as_ref().filter(|x| x.date <= on)).collect();
    let last = exits.and_then(|xs| xs.into_iter().max_by_key(|x| x.date));
    Some(Participant {
        id: p.member_id.to_string(),
        sex: Some(match m.sex {
            crate::domain::Sex::M => esf::Sex::M,
            crate::domain::Sex::F => esf::Sex::F,
        }),
        birth_date: Some(m.birth_date),
        entry_date: first.entry_date,
        labour_status: x.labour_status.map(|l| match l {
            LabourStatus::Occupato => esf::LabourStatus::Occupato,
            LabourStatus::Disoccupato => esf::LabourStatus::Disoccupato,
            LabourStatus::Inattivo => esf::LabourStatus::Inattivo,
        }),
        unemployed_since: x.unemployed_since,
        in_education: x.in_education,
        isced: x.isced.and_then(esf::Isced::new),
        foreign_background: x.foreign_background,
        disability: x.disability,
        other_disadvantaged: x.other_disadvantaged,
        homeless: x.homeless,
        rural: x.rural,
        household_jobless: x.household_jobless,
        dependent_children: x.dependent_children,
        single_adult: x.single_adult,
        third_country_national: x.third_country_national,
        minority: x.minority,
        exit_date: last.map(|x| x.date),
        exit_status: last.and_then(|x| x.esf_status).map(|s| {
            use crate::domain::programme::ExitStatus as D;
            match s {
                D::InCercaDiLavoro => esf::ExitStatus::InCercaDiLavoro,
                D::InIstruzioneFormazione => esf::ExitStatus::InIstruzioneFormazione,
                D::QualificaOttenuta => esf::ExitStatus::QualificaOttenuta,
                D::Occupato => esf::ExitStatus::Occupato,
                D::Altro => esf::ExitStatus::Altro,
            }
        }),
    })
}

impl Service {
    /// The ESF common indicators of a programme's participants on `on`
    /// (today when absent); with `format`, also the file: the funder's copy
    /// (aggregate only) or the office's (`office_copy`: with the list).
    pub fn programme_indicators(
        &self,
        id: Id,
        on: Option<NaiveDate>,
        office_copy: bool,
        format: Option<super::LiquidationFormat>,
    ) -> Result<IndicatorsView, Error> {
        let today = self.today();
        let on = on.unwrap_or(today);
        if on > today {
            return Err(Error::invalid("on", "La situazione si chiede a oggi o a una data passata"));
        }
        let rules = crate::catalog::rule_sets::load_from_env().map_err(Error::from)?;
        self.run(Action::ProgrammeIndicators, Some(id), |tx, _| {
            let programme = tx.programme_get(id)?.ok_or_else(|| not_found("Programma"))?;
            let mut people: Vec<Person> = Vec::new();
            for e in tx.enrolments_of_programme(id)?.into_iter().filter(|e| e.entry_date <= on) {
                match people.iter_mut().find(|p| p.member_id == e.member_id) {
                    Some(p) => p.enrolments.push(e),
                    None => people.push(Person {
                        household_id: e.household_id,
                        member_id: e.member_id,
                        enrolments: vec![e],
                    }),
                }
            }
            let mut households: HashMap<Id, Household> = HashMap::new();
            let mut participants = Vec::new();
            let mut lines = Vec::new();
            for p in &people {
                if let std::collections::hash_map::Entry::Vacant(v) = households.entry(p.household_id) {
                    v.insert(tx.household_get(p.household_id)?.ok_or_else(|| not_found("Nucleo"))?);
                }
                let h = &households[&p.household_id];
                let Some(x) = esf_participant(p, h, on) else { continue };
                let name = h.member(p.member_id).map(|m| m.sort_name()).unwrap_or_default();
                let titles: Vec<String> = p
                    .enrolments
                    .iter()
                    .filter_map(|e| programme.intervention(e.intervention_id).map(|i| i.title.clone()))
                    .collect();
                let last_outcome = x
                    .exit_date
                    .and_then(|d| p.enrolments.iter().filter_map(|e| e.exit.as_ref()).find(|e| e.date == d))
                    .map(|e| e.outcome.label().to_string())
                    .unwrap_or_default();
                lines.push(crate::print::esf_report::ParticipantLine {
                    case_number: h.case_number.clone(),
                    name,
                    interventions: titles.join("; "),
                    entry: x.entry_date,
                    exit: x.exit_date,
                    outcome: last_outcome,
                });
                participants.push(x);
            }
            let period = match programme.esf_period {
                crate::domain::programme::EsfPeriod::Fse20142020 => crate::rules::esf::Period::Fse2014,
                crate::domain::programme::EsfPeriod::FsePlus20212027 => {
                    crate::rules::esf::Period::FsePlus2021
                }
            };
            let report = crate::rules::esf::indicators_for(period, &participants, &rules)?;
            let file = match format {
                None => None,
                Some(format) => {
                    let stem = format!(
                        "indicatori-{}-{}-{on}{}",
                        if period == crate::rules::esf::Period::Fse2014 { "fse" } else { "fse-plus" },
                        programme
                            .title
                            .chars()
                            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
                            .collect::<String>()
                            .split('-')
                            .filter(|s| !s.is_empty())
                            .take(4)
                            .collect::<Vec<_>>()
                            .join("-"),
                        if office_copy { "-ufficio" } else { "" }
                    );
                    let (file_name, bytes) = match format {
                        super::LiquidationFormat::Pdf => {
                            let o = super::office(tx)?;
                            let doc = crate::print::esf_report::EsfReport {
                                office: super::printing::printed_office(&o)?,
                                comune_name: self.calendar_of(&o.comune).ok().map(|c| c.nome),
                                programme_title: programme.title.clone(),
                                fund: programme.fund.clone(),
                                programme: programme.programme.clone(),
                                convention: programme.convention.clone(),
                                start_on: programme.start_on,
                                end_on: programme.end_on,
                                on,
                                report: report.clone(),
                                participants: office_copy.then(|| lines.clone()),
                                issued_on: today,
                                operator: self.operator.name.clone(),
                            };
                            (format!("{stem}.pdf"), crate::print::esf_report::render(&doc)?)
                        }
                        f => {
                            let table = indicators_table(&report, office_copy.then_some(&lines[..]));
                            if f == super::LiquidationFormat::Xlsx {
                                (format!("{stem}.xlsx"), crate::xlsx::workbook(&table)?)
                            } else {
                                (format!("{stem}.csv"), table.to_csv()?)
                            }
                        }
                    };
                    let path = self.viewing.write(&file_name, &bytes)?;
                    Some(super::calls::Exported { path: path.display().to_string(), file_name })
                }
            };
            Ok(IndicatorsView {
                on,
                period: period.as_str().to_string(),
                period_label: period.label().to_string(),
                regulation: period.regulation().to_string(),
                participants: report.participants,
                exited: report.exited,
                rule_sets: report.rule_sets.iter().map(|r| format!("{} v{}", r.id, r.version)).collect(),
                outputs: indicator_lines(&report.outputs),
                results: indicator_lines(&report.results),
                file,
            })
        })
    }
}

/// The funder's table: a row per indicator; the office's: a row per participant.
fn indicators_table(
    report: &crate::rules::esf::Report,
    office: Option<&[crate::print::esf_report::ParticipantLine]>,
) -> crate::table::Table {
    use crate::table::{Table, Value};
    match office {
        None => {
            let title = match report.period {
                crate::rules::esf::Period::Fse2014 => "Indicatori FSE",
                _ => "Indicatori FSE+",
            };
            let mut t = Table::new(title, &["Codice", "Indicatore", "F", "M", "Totale", "Mancanti"]);
            for l in report.outputs.iter().chain(&report.results) {
                t.push(vec![
                    Value::text(&l.code),
                    Value::text(crate::rules::esf::description(&l.code).unwrap_or("")),
                    Value::Integer(l.counts.f as i64),
                    Value::Integer(l.counts.m as i64),
                    Value::Integer(l.counts.total as i64),
                    Value::Integer(l.missing as i64),
                ]);
            }
            t
        }
        Some(list) => {
            let mut t = Table::new(
                if report.period == crate::rules::esf::Period::Fse2014 {
                    "Partecipanti FSE"
                } else {
                    "Partecipanti FSE+"
                },
                &["Fascicolo", "Partecipante", "Interventi", "Ingresso", "Uscita", "Esito"],
            );
            for p in list {
                t.push(vec![
                    Value::text(&p.case_number),
                    Value::text(&p.name),
                    Value::text(&p.interventions),
                    Value::Date(p.entry),
                    p.exit.map_or(Value::Empty, Value::Date),
                    Value::text(&p.outcome),
                ]);
            }
            t
        }
    }
}
