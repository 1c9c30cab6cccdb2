//! ESF common indicators of a co-financed project's participants (rules.md §6):
//! output indicators at entry (CO01-CO19) and immediate result indicators at exit
//! (CR01-CR05), counted by sex.
//!
//! Each participant is judged under the `fse-indicatori` rule set in force on their
//! entry date; an entry date no set covers is [`Code::NoRuleSet`] (never a zero). A
//! code the participant's set does not report (CO12-CO14 from 2 August 2018)
//! counts that participant in neither the indicator nor `missing`.
//!
//! Unknown answers (null) are evaluated with three-valued logic ([`Tri`]): a
//! participant whose indicator stays unknown counts in `missing`, not as a "no".
//!
//! Decisions where rules.md is silent:
//! - a participant without sex counts in `total` only (and in `missing` when unknown);
//! - the participant's own rule set (of the entry date) also gives the result codes,
//!   so one participant is always read under one set;
//! - CR01-CR04 count an exited participant whose `exit_status` is that one (one
//!   status per participant; CR01 is "in cerca di lavoro" as rules.md words it,
//!   without the Regulation's "inactive at entry"); a participant with `exit_date`
//!   but no `exit_status` is missing for CR01-CR05; `exit_status` without
//!   `exit_date` is refused;
//! - CR05 = disadvantaged at entry (one "yes" among the set's `svantaggiati`,
//!   CO15-CO18) and exited to one of CR01-CR04;
//! - with no participants the report is all zeros under no rule set.
//!
//! The JSON shape of `sportello indicators --json` and the Italian table are in
//! [`output`]; reading the input file is [`input`].
//!
//! ESF+ 2021-2027 (Reg. UE 2021/1057, Allegato I: EECO01-EECO17 at entry,
//! EECR01-EECR04 at exit) is a separate kind of rule set, `fse-plus-indicatori`,
//! counted by [`plus`]: which one applies is the programme's programming period
//! ([`Period`]), not the entry date; within a period the dated sets apply by
//! entry date as above.

mod input;
mod output;
mod plus;
mod tri;

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::rule_set::{
    AgeThreshold, FseIndicatori, Kind, RuleSetRef, RuleSets, ESF_OUTPUT_CODES, ESF_PLUS_OUTPUT_CODES,
    ESF_PLUS_RESULT_CODES, ESF_RESULT_CODES,
};
use crate::calendar::age_on;
use crate::dates::format_it;
use crate::error::{Error, Result};

pub use input::parse_participants_json;
pub use output::{description, to_json, to_text, JsonReport};
pub use plus::description as plus_description;
pub use tri::Tri;

/// The programming period of the programme the participants belong to: it picks
/// the kind of rule set (2014-2020: `fse-indicatori`, CO/CR codes; 2021-2027:
/// `fse-plus-indicatori`, EECO/EECR codes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Period {
    #[default]
    #[serde(rename = "2014-2020")]
    Fse2014,
    #[serde(rename = "2021-2027")]
    FsePlus2021,
}

impl Period {
    pub const ALL: [Period; 2] = [Period::Fse2014, Period::FsePlus2021];
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Fse2014 => "2014-2020",
            Period::FsePlus2021 => "2021-2027",
        }
    }
    pub fn parse(s: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.as_str() == s.trim())
    }
    pub fn kind(self) -> Kind {
        match self {
            Period::Fse2014 => Kind::FseIndicatori,
            Period::FsePlus2021 => Kind::FsePlusIndicatori,
        }
    }
    /// Every output code the period's report shows, in order.
    pub fn output_codes(self) -> &'static [&'static str] {
        match self {
            Period::Fse2014 => &ESF_OUTPUT_CODES,
            Period::FsePlus2021 => &ESF_PLUS_OUTPUT_CODES,
        }
    }
    pub fn result_codes(self) -> &'static [&'static str] {
        match self {
            Period::Fse2014 => &ESF_RESULT_CODES,
            Period::FsePlus2021 => &ESF_PLUS_RESULT_CODES,
        }
    }
    /// The regulation, for the headings of the reports.
    pub fn regulation(self) -> &'static str {
        match self {
            Period::Fse2014 => "Reg. UE 1304/2013, Allegato I",
            Period::FsePlus2021 => "Reg. UE 2021/1057, Allegato I",
        }
    }
    /// "FSE 2014-2020", "FSE+ 2021-2027".
    pub fn label(self) -> &'static str {
        match self {
            Period::Fse2014 => "FSE 2014-2020",
            Period::FsePlus2021 => "FSE+ 2021-2027",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    F,
    M,
}

/// Condition in the labour market at entry. A pensioner is `Inattivo`; a student is
/// `Inattivo` and `in_education`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabourStatus {
    Occupato,
    Disoccupato,
    Inattivo,
}

/// Highest education completed, ISCED 2011 level 0-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Isced(u8);

impl Isced {
    pub fn new(level: u8) -> Option<Isced> {
        (level <= 8).then_some(Isced(level))
    }
    pub fn level(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Isced {
    type Error = String;
    fn try_from(level: u8) -> std::result::Result<Isced, String> {
        Isced::new(level).ok_or_else(|| format!("livello ISCED {level} inesistente (da 0 a 8)"))
    }
}

impl From<Isced> for u8 {
    fn from(i: Isced) -> u8 {
        i.0
    }
}

/// Where a participant is upon leaving the intervention (CR01-CR04), or none of those.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitStatus {
    /// CR01.
    InCercaDiLavoro,
    /// CR02.
    InIstruzioneFormazione,
    /// CR03.
    QualificaOttenuta,
    /// CR04, including self-employment.
    Occupato,
    /// Left in none of the situations above.
    Altro,
}

impl ExitStatus {
    pub const ALL: [ExitStatus; 5] = [
        ExitStatus::InCercaDiLavoro,
        ExitStatus::InIstruzioneFormazione,
        ExitStatus::QualificaOttenuta,
        ExitStatus::Occupato,
        ExitStatus::Altro,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ExitStatus::InCercaDiLavoro => "in_cerca_di_lavoro",
            ExitStatus::InIstruzioneFormazione => "in_istruzione_formazione",
            ExitStatus::QualificaOttenuta => "qualifica_ottenuta",
            ExitStatus::Occupato => "occupato",
            ExitStatus::Altro => "altro",
        }
    }
    /// The result code this status counts in (none for `Altro`).
    pub fn code(self) -> Option<&'static str> {
        match self {
            ExitStatus::InCercaDiLavoro => Some("CR01"),
            ExitStatus::InIstruzioneFormazione => Some("CR02"),
            ExitStatus::QualificaOttenuta => Some("CR03"),
            ExitStatus::Occupato => Some("CR04"),
            ExitStatus::Altro => None,
        }
    }
}

/// One participant as described on their entry date. `None` is an unknown answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub id: String,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    pub entry_date: NaiveDate,
    pub labour_status: Option<LabourStatus>,
    /// Start of the current unemployment (read only when `Disoccupato`).
    pub unemployed_since: Option<NaiveDate>,
    pub in_education: Option<bool>,
    pub isced: Option<Isced>,
    pub foreign_background: Option<bool>,
    pub disability: Option<bool>,
    pub other_disadvantaged: Option<bool>,
    pub homeless: Option<bool>,
    pub rural: Option<bool>,
    pub household_jobless: Option<bool>,
    pub dependent_children: Option<bool>,
    pub single_adult: Option<bool>,
    /// Not a citizen of the Union (stateless persons included): FSE+ EECO13.
    pub third_country_national: Option<bool>,
    /// Belongs to a minority, marginalised communities such as the Roma
    /// included (national definition): FSE+ EECO15.
    pub minority: Option<bool>,
    /// None = not exited (yet): not counted in the result indicators.
    pub exit_date: Option<NaiveDate>,
    pub exit_status: Option<ExitStatus>,
}

impl Participant {
    /// A participant of whom only the id and the entry date are known.
    pub fn unknown(id: impl Into<String>, entry_date: NaiveDate) -> Participant {
        Participant {
            id: id.into(),
            sex: None,
            birth_date: None,
            entry_date,
            labour_status: None,
            unemployed_since: None,
            in_education: None,
            isced: None,
            foreign_background: None,
            disability: None,
            other_disadvantaged: None,
            homeless: None,
            rural: None,
            household_jobless: None,
            dependent_children: None,
            single_adult: None,
            third_country_national: None,
            minority: None,
            exit_date: None,
            exit_status: None,
        }
    }
}

/// A count by sex. `total` also counts participants whose sex is not known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    #[serde(rename = "F")]
    pub f: usize,
    #[serde(rename = "M")]
    pub m: usize,
    pub total: usize,
}

impl Counts {
    fn add(&mut self, sex: Option<Sex>) {
        match sex {
            Some(Sex::F) => self.f += 1,
            Some(Sex::M) => self.m += 1,
            None => {}
        }
        self.total += 1;
    }
}

/// One indicator's line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub code: String,
    /// Participants for whom the indicator is "yes".
    pub counts: Counts,
    /// Participants for whom it stays unknown.
    pub missing: usize,
    /// Participants whose rule set reports the code (for results: who exited).
    pub considered: usize,
}

/// The aggregate report: counts only, never a list of names (rules.md §6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The programming period whose codes the report has.
    #[serde(default)]
    pub period: Period,
    pub participants: usize,
    /// Participants with an exit date (the population of the result indicators).
    pub exited: usize,
    /// The rule sets used, in date order.
    pub rule_sets: Vec<RuleSetRef>,
    /// CO01-CO19 (EECO01-EECO17), always all of them, in order.
    pub outputs: Vec<Line>,
    /// CR01-CR05 (EECR01-EECR04), always all of them, in order.
    pub results: Vec<Line>,
}

impl Report {
    pub fn output(&self, code: &str) -> Option<&Line> {
        self.outputs.iter().find(|l| l.code == code)
    }
    pub fn result(&self, code: &str) -> Option<&Line> {
        self.results.iter().find(|l| l.code == code)
    }
}

/// Counts the 2014-2020 indicators of `participants`, each under the rule set in
/// force on their entry date (`sportello indicators` without `--periodo`).
pub fn indicators(participants: &[Participant], rules: &RuleSets) -> Result<Report> {
    indicators_for(Period::Fse2014, participants, rules)
}

/// Counts the indicators of the programming period `period`: each participant
/// under that period's rule set in force on their entry date.
pub fn indicators_for(period: Period, participants: &[Participant], rules: &RuleSets) -> Result<Report> {
    validate(participants)?;
    match period {
        Period::Fse2014 => indicators_2014(participants, rules),
        Period::FsePlus2021 => plus::indicators(participants, rules),
    }
}

fn indicators_2014(participants: &[Participant], rules: &RuleSets) -> Result<Report> {
    let mut outputs: Vec<Line> = ESF_OUTPUT_CODES.iter().map(|c| empty_line(c)).collect();
    let mut results: Vec<Line> = ESF_RESULT_CODES.iter().map(|c| empty_line(c)).collect();
    let mut used: BTreeMap<(NaiveDate, String), RuleSetRef> = BTreeMap::new();
    let mut exited = 0;
    for (i, p) in participants.iter().enumerate() {
        // The ESF sets are national (no comune): any comune, here none, is covered.
        let set = rules
            .covering(Kind::FseIndicatori, "", p.entry_date)
            .map_err(|e| e.with_field(format!("participants[{i}].entry_date")))?;
        let r = set.fse_indicatori().expect("covering returns the requested kind");
        used.entry((set.valid_from, set.id.clone())).or_insert_with(|| set.reference());
        let facts = Facts::of(p, r);
        for line in outputs.iter_mut().filter(|l| r.outputs.value.contains(&l.code)) {
            tally(line, facts.output(&line.code, r), p.sex);
        }
        if p.exit_date.is_some() {
            exited += 1;
            for line in results.iter_mut().filter(|l| r.results.value.contains(&l.code)) {
                tally(line, facts.result(&line.code, r), p.sex);
            }
        }
    }
    Ok(Report {
        period: Period::Fse2014,
        participants: participants.len(),
        exited,
        rule_sets: used.into_values().collect(),
        outputs,
        results,
    })
}

fn empty_line(code: &str) -> Line {
    Line { code: code.to_string(), counts: Counts::default(), missing: 0, considered: 0 }
}

fn tally(line: &mut Line, answer: Tri, sex: Option<Sex>) {
    line.considered += 1;
    match answer {
        Tri::Yes => line.counts.add(sex),
        Tri::Unknown => line.missing += 1,
        Tri::No => {}
    }
}

/// What the indicators are made of, for one participant under one rule set.
struct Facts<'a> {
    p: &'a Participant,
    employed: Tri,
    unemployed: Tri,
    inactive: Tri,
    long_term: Tri,
    young: Tri,
    older: Tri,
}

impl<'a> Facts<'a> {
    fn of(p: &'a Participant, r: &FseIndicatori) -> Facts<'a> {
        let age = p.birth_date.map(|b| age_on(b, p.entry_date));
        let threshold =
            |t: &AgeThreshold| age.map_or(Tri::Unknown, |a| Tri::from(t.comparator.holds(a, t.years)));
        let status = |s: LabourStatus| p.labour_status.map_or(Tri::Unknown, |x| Tri::from(x == s));
        let young = threshold(&r.youth_age.value);
        Facts {
            p,
            employed: status(LabourStatus::Occupato),
            unemployed: status(LabourStatus::Disoccupato),
            inactive: status(LabourStatus::Inattivo),
            long_term: long_term(p, r, young),
            young,
            older: threshold(&r.older_age.value),
        }
    }

    fn output(&self, code: &str, r: &FseIndicatori) -> Tri {
        let p = self.p;
        let known = Tri::known;
        let inactive_not_in_education = self.inactive & !known(p.in_education);
        let children = known(p.dependent_children);
        let bands = &r.isced_bands.value;
        let isced = |band: &[u8]| p.isced.map_or(Tri::Unknown, |i| Tri::from(band.contains(&i.level())));
        match code {
            "CO01" => self.unemployed,
            "CO02" => self.unemployed & self.long_term,
            "CO03" => self.inactive,
            "CO04" => inactive_not_in_education,
            "CO05" => self.employed,
            "CO06" => self.young,
            "CO07" => self.older,
            "CO08" => self.older & (self.unemployed | inactive_not_in_education),
            "CO09" => isced(&bands.co09),
            "CO10" => isced(&bands.co10),
            "CO11" => isced(&bands.co11),
            "CO12" => known(p.household_jobless),
            "CO13" => known(p.household_jobless) & children,
            "CO14" => known(p.single_adult) & children,
            "CO15" => known(p.foreign_background),
            "CO16" => known(p.disability),
            "CO17" => known(p.other_disadvantaged),
            "CO18" => known(p.homeless),
            "CO19" => known(p.rural),
            _ => unreachable!("codes come from ESF_OUTPUT_CODES"),
        }
    }

    fn result(&self, code: &str, r: &FseIndicatori) -> Tri {
        let status = self.p.exit_status;
        let is = |c: &str| status.map_or(Tri::Unknown, |s| Tri::from(s.code() == Some(c)));
        match code {
            "CR05" => {
                let disadvantaged =
                    r.disadvantaged.value.iter().fold(Tri::No, |acc, c| acc | self.output(c, r));
                let in_any = ["CR01", "CR02", "CR03", "CR04"].iter().fold(Tri::No, |acc, c| acc | is(c));
                disadvantaged & in_any
            }
            c => is(c),
        }
    }
}

/// Unemployed for more than the set's months (fewer below the youth age) on the
/// entry date. Without an age, decided only when both windows agree.
fn long_term(p: &Participant, r: &FseIndicatori, young: Tri) -> Tri {
    long_term_by(p, r.long_term_months.value, r.long_term_months_youth.value, young)
}

/// Unemployed for more than `adult` months (`youth` when young) on the entry date.
fn long_term_by(p: &Participant, adult: u32, youth: u32, young: Tri) -> Tri {
    let Some(since) = p.unemployed_since else { return Tri::Unknown };
    // chrono clamps to the month's last day: 31 August + 6 months = end of February.
    let beyond = |months: u32| {
        Tri::from(since.checked_add_months(Months::new(months)).is_some_and(|d| p.entry_date > d))
    };
    let (adult, youth) = (beyond(adult), beyond(youth));
    match young {
        Tri::Yes => youth,
        Tri::No => adult,
        Tri::Unknown if adult == youth => adult,
        Tri::Unknown => Tri::Unknown,
    }
}

/// Dates in their order and ids unique: a participant built in code gets the same
/// checks as one read from JSON.
fn validate(participants: &[Participant]) -> Result<()> {
    let mut ids = std::collections::HashSet::new();
    for (i, p) in participants.iter().enumerate() {
        let field = |k: &str| format!("participants[{i}].{k}");
        if p.id.trim().is_empty() {
            return Err(Error::invalid(field("id"), "l'identificativo del partecipante è vuoto"));
        }
        if !ids.insert(p.id.as_str()) {
            return Err(Error::invalid(field("id"), format!("partecipante «{}» presente due volte", p.id)));
        }
        let after_entry = |d: Option<NaiveDate>, k: &str, what: &str| match d {
            Some(d) if d > p.entry_date => Err(Error::invalid(
                field(k),
                format!(
                    "{what} {} successiva alla data di ingresso {}",
                    format_it(d),
                    format_it(p.entry_date)
                ),
            )),
            _ => Ok(()),
        };
        after_entry(p.birth_date, "birth_date", "data di nascita")?;
        after_entry(p.unemployed_since, "unemployed_since", "data di inizio della disoccupazione")?;
        match (p.exit_date, p.exit_status) {
            (Some(d), _) if d < p.entry_date => {
                return Err(Error::invalid(
                    field("exit_date"),
                    format!(
                        "data di uscita {} precedente alla data di ingresso {}",
                        format_it(d),
                        format_it(p.entry_date)
                    ),
                ))
            }
            (None, Some(_)) => {
                return Err(Error::invalid(
                    field("exit_status"),
                    "esito dell'uscita senza data di uscita: indicare anche exit_date",
                ))
            }
            _ => {}
        }
    }
    Ok(())
}

/// The rule sets' ids, in date order, as the JSON's `rule_set` shows them.
fn rule_set_ids(report: &Report) -> String {
    report.rule_sets.iter().map(|r| r.id.as_str()).collect::<Vec<_>>().join(", ")
}
