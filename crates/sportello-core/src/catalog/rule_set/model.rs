//! What a rule set says: its identity, its acts, and the dated values of each kind.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Code, Error, Result};
use crate::money::Money;

/// Which rule set (and which edition of it) a decision was taken under.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RuleSetRef {
    pub id: String,
    pub version: u32,
}

impl fmt::Display for RuleSetRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} v{}", self.id, self.version)
    }
}

/// A legal act (deliberazione, circolare, decreto) that parameters cite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Act {
    /// The key used inside the file, e.g. `dgc-1354-2018`.
    pub id: String,
    /// E.g. "Deliberazione di Giunta comunale n. 1354/2018".
    pub title: String,
    pub url: Option<String>,
}

/// One legal value with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param<T> {
    /// Dotted path in the file (`tetto_isee`, `misure.b2-anziani.punti_aggiuntivi`):
    /// the appeal office finds the value from the trace.
    pub name: String,
    pub value: T,
    pub act: Act,
    pub note: Option<String>,
}

/// How a value is compared with a threshold for the condition to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparator {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

impl Comparator {
    pub(super) fn parse(s: &str) -> Option<Comparator> {
        match s.trim() {
            "<" => Some(Comparator::Lt),
            "<=" | "≤" => Some(Comparator::Le),
            ">" => Some(Comparator::Gt),
            ">=" | "≥" => Some(Comparator::Ge),
            _ => None,
        }
    }
    /// Whether `value <cmp> threshold` holds.
    pub fn holds<T: PartialOrd>(self, value: T, threshold: T) -> bool {
        match self {
            Comparator::Lt => value < threshold,
            Comparator::Le => value <= threshold,
            Comparator::Gt => value > threshold,
            Comparator::Ge => value >= threshold,
        }
    }
    /// "inferiore a", "non superiore a" …: for the Italian explanations.
    pub fn italian(self) -> &'static str {
        match self {
            Comparator::Lt => "inferiore a",
            Comparator::Le => "non superiore a",
            Comparator::Gt => "superiore a",
            Comparator::Ge => "non inferiore a",
        }
    }
    /// "inferiore alla", "non superiore al": `prep` is the articled preposition
    /// ("alla", "al") that the following noun needs.
    pub fn phrase(self, negated: bool, prep: &str) -> String {
        let base = if negated { self.italian_negated() } else { self.italian() };
        format!("{} {prep}", base.strip_suffix(" a").unwrap_or(base))
    }
    /// The negation in words, for a failed condition.
    pub fn italian_negated(self) -> &'static str {
        match self {
            Comparator::Lt => "non inferiore a",
            Comparator::Le => "superiore a",
            Comparator::Gt => "non superiore a",
            Comparator::Ge => "inferiore a",
        }
    }
}

/// A money threshold: the condition holds when `amount <cmp> value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoneyThreshold {
    pub amount: Money,
    pub comparator: Comparator,
}

/// A percentage threshold (civil invalidity): holds when `percent <cmp> value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PercentThreshold {
    pub percent: u32,
    pub comparator: Comparator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Misure comunali 1-5 (rules.md §3).
    SostegnoReddito,
    /// Misura 6, assegno di maternità dei comuni.
    AssegnoMaternita,
    /// Misura 7, assegno ai nuclei con tre figli minori (and its abolition).
    AssegnoTreFigli,
    /// Misura B2 calls (rules.md §4).
    B2,
    /// Reimbursement of an awarded B2 contribution against expense documents (rules.md §7).
    RimborsoB2,
    /// ESF common indicators of the participants of a co-financed project (rules.md §6).
    FseIndicatori,
    /// ESF+ 2021-2027 common indicators (Reg. UE 2021/1057, Allegato I): a
    /// separate kind, since the programming period is the programme's, not the
    /// entry date's (rules.md §6).
    FsePlusIndicatori,
    /// The office's settings for temporary social housing (rules.md §8).
    ResidenzialitaTemporanea,
    /// The time limits of the data subject's requests (GDPR art. 12(3)).
    DirittiInteressato,
    /// The retention schedule (GDPR art. 5(1)(e); issue 16 item 4): how long
    /// each kind of record is kept after it closes.
    Conservazione,
}

impl Kind {
    pub(super) fn parse(s: &str) -> Option<Kind> {
        match s {
            "sostegno-reddito" => Some(Kind::SostegnoReddito),
            "assegno-maternita" => Some(Kind::AssegnoMaternita),
            "assegno-tre-figli" => Some(Kind::AssegnoTreFigli),
            "b2" => Some(Kind::B2),
            "rimborso-b2" => Some(Kind::RimborsoB2),
            "fse-indicatori" => Some(Kind::FseIndicatori),
            "fse-plus-indicatori" => Some(Kind::FsePlusIndicatori),
            "residenzialita-temporanea" => Some(Kind::ResidenzialitaTemporanea),
            "diritti-interessato" => Some(Kind::DirittiInteressato),
            "conservazione" => Some(Kind::Conservazione),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SostegnoReddito => "sostegno-reddito",
            Kind::AssegnoMaternita => "assegno-maternita",
            Kind::AssegnoTreFigli => "assegno-tre-figli",
            Kind::B2 => "b2",
            Kind::RimborsoB2 => "rimborso-b2",
            Kind::FseIndicatori => "fse-indicatori",
            Kind::FsePlusIndicatori => "fse-plus-indicatori",
            Kind::ResidenzialitaTemporanea => "residenzialita-temporanea",
            Kind::DirittiInteressato => "diritti-interessato",
            Kind::Conservazione => "conservazione",
        }
    }
    /// For error messages read by an operator.
    pub fn italian(self) -> &'static str {
        match self {
            Kind::SostegnoReddito => "misure comunali di sostegno al reddito 1-5",
            Kind::AssegnoMaternita => "assegno di maternità dei comuni (misura 6)",
            Kind::AssegnoTreFigli => "assegno ai nuclei con tre figli minori (misura 7)",
            Kind::B2 => "Misura B2",
            Kind::RimborsoB2 => "rimborsi della Misura B2",
            Kind::FseIndicatori => "indicatori comuni del Fondo sociale europeo",
            Kind::FsePlusIndicatori => "indicatori comuni del Fondo sociale europeo Plus (FSE+ 2021-2027)",
            Kind::ResidenzialitaTemporanea => "residenzialità temporanea sociale",
            Kind::DirittiInteressato => "richieste dell'interessato (art. 12 GDPR)",
            Kind::Conservazione => "tempi di conservazione dei dati (massimario di scarto)",
        }
    }
}

/// A parsed and validated rule-set file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    pub id: String,
    pub version: u32,
    pub kind: Kind,
    pub title: String,
    /// Belfiore code for a municipal set; None for national ones (INPS measures).
    pub comune: Option<String>,
    pub valid_from: NaiveDate,
    /// As written in the file; None = until replaced.
    pub valid_to: Option<NaiveDate>,
    /// Where the rules were read from (a web page, the seed).
    pub source: Option<String>,
    pub acts: Vec<Act>,
    pub rules: Rules,
}

// A handful of sets exist, loaded once: boxing the larger kinds would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Rules {
    SostegnoReddito(SostegnoReddito),
    AssegnoMaternita(AssegnoMaternita),
    AssegnoTreFigli(AssegnoTreFigli),
    B2(B2Rules),
    RimborsoB2(RimborsoB2Rules),
    FseIndicatori(FseIndicatori),
    FsePlusIndicatori(FsePlusIndicatori),
    ResidenzialitaTemporanea(ResidenzialitaTemporanea),
    DirittiInteressato(DirittiInteressato),
    Conservazione(Conservazione),
}

/// Misure 1-5 (rules.md §3; DGC 1354/2018).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SostegnoReddito {
    /// Years of residence in the comune on the reference date.
    pub min_residence_years: Param<u32>,
    /// ISEE access threshold (€ 6,000.00, strictly below).
    pub isee_threshold: Param<MoneyThreshold>,
    /// Age of majority: a member younger than this is a minor.
    pub age_of_majority: Param<u32>,
    /// Misura 2: the oldest age still "18-64".
    pub max_age_misura_2: Param<u32>,
    /// Misura 4: "oltre 64 anni" = at least this age.
    pub min_age_misura_4: Param<u32>,
    /// Civil invalidity that excludes from misura 2 and admits to misura 3.
    pub invalidity: Param<PercentThreshold>,
    /// Whether receiving or having applied for another subsidy of the Direzione
    /// excludes (requirement 2).
    pub other_subsidies_excluded: Param<bool>,
}

/// Misura 6 for one period (normally a calendar year: the cap is set yearly).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssegnoMaternita {
    /// The application must come within this many months of the birth.
    pub months_from_birth: Param<u32>,
    pub isee_cap: Param<MoneyThreshold>,
    /// Informational (not a condition): the monthly amount and how many months.
    pub monthly_amount: Option<Param<Money>>,
    pub months_paid: Option<Param<u32>>,
}

/// Misura 7: either its conditions for a period, or its abolition.
// A handful of these exist, loaded once: boxing would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssegnoTreFigli {
    InForce { min_minors: Param<u32>, isee_cap: Param<MoneyThreshold>, monthly_amount: Option<Param<Money>> },
    Abolished { abolished: Param<bool> },
}

/// The ESF common output indicators (CO01-CO19) at entry.
pub const ESF_OUTPUT_CODES: [&str; 19] = [
    "CO01", "CO02", "CO03", "CO04", "CO05", "CO06", "CO07", "CO08", "CO09", "CO10", "CO11", "CO12", "CO13",
    "CO14", "CO15", "CO16", "CO17", "CO18", "CO19",
];

/// The ESF common immediate result indicators (CR01-CR05) at exit.
pub const ESF_RESULT_CODES: [&str; 5] = ["CR01", "CR02", "CR03", "CR04", "CR05"];

/// The ESF+ 2021-2027 common output indicators on participants (EECO01-EECO17,
/// Reg. UE 2021/1057, Allegato I, punto 1; codes of the Commission's SFC2021).
pub const ESF_PLUS_OUTPUT_CODES: [&str; 17] = [
    "EECO01", "EECO02", "EECO03", "EECO04", "EECO05", "EECO06", "EECO07", "EECO08", "EECO09", "EECO10",
    "EECO11", "EECO12", "EECO13", "EECO14", "EECO15", "EECO16", "EECO17",
];

/// The ESF+ common immediate result indicators on participants (EECR01-EECR04).
pub const ESF_PLUS_RESULT_CODES: [&str; 4] = ["EECR01", "EECR02", "EECR03", "EECR04"];

/// An age threshold: the condition holds when `age <cmp> years`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeThreshold {
    pub years: u32,
    pub comparator: Comparator,
}

/// The ISCED levels (0-8) of each education indicator; a level in no band (ISCED 0)
/// counts in none of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IscedBands {
    pub co09: Vec<u8>,
    pub co10: Vec<u8>,
    pub co11: Vec<u8>,
}

/// ESF indicators for the participants who entered in the period (rules.md §6).
/// The period matters because the Omnibus regulation (2018/1046) dropped CO12-CO14.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FseIndicatori {
    /// CO06 and the shorter long-term window: `age <cmp> years` (below 25).
    pub youth_age: Param<AgeThreshold>,
    /// CO07, CO08: `age <cmp> years` (above 54).
    pub older_age: Param<AgeThreshold>,
    /// Long-term unemployment: more than this many months (12).
    pub long_term_months: Param<u32>,
    /// The same for a participant of `youth_age` (6).
    pub long_term_months_youth: Param<u32>,
    pub isced_bands: Param<IscedBands>,
    /// The output codes reported for participants who entered in the period,
    /// in CO order; a code not listed counts in neither the indicator nor `missing`.
    pub outputs: Param<Vec<String>>,
    /// The result codes reported at exit, in CR order.
    pub results: Param<Vec<String>>,
    /// The output codes of which one "yes" makes a participant disadvantaged (CR05).
    pub disadvantaged: Param<Vec<String>>,
}

/// ESF+ 2021-2027 indicators (Reg. UE 2021/1057, Allegato I) for the participants
/// of a 2021-2027 programme who entered in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FsePlusIndicatori {
    /// EECO06: children, `age <cmp> years` (below 18).
    pub child_age: Param<AgeThreshold>,
    /// EECO07, lower bound: `age <cmp> years` (18 and above).
    pub young_from: Param<AgeThreshold>,
    /// EECO07, upper bound: `age <cmp> years` (29 and below).
    pub young_to: Param<AgeThreshold>,
    /// EECO08: `age <cmp> years` (55 and above).
    pub older_age: Param<AgeThreshold>,
    /// Long-term unemployment: the shorter window holds for `age <cmp> years`.
    pub long_term_youth_age: Param<AgeThreshold>,
    /// Long-term unemployment: more than this many months.
    pub long_term_months: Param<u32>,
    /// The same below `long_term_youth_age`.
    pub long_term_months_youth: Param<u32>,
    /// EECO09, EECO10, EECO11 (in the fields `co09`, `co10`, `co11`).
    pub isced_bands: Param<IscedBands>,
    /// The output codes reported, in EECO order.
    pub outputs: Param<Vec<String>>,
    /// The result codes reported at exit, in EECR order.
    pub results: Param<Vec<String>>,
}

/// Temporary social housing (rules.md §8): the office's settings, dated like any
/// rule, since rules.md wants no constant for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidenzialitaTemporanea {
    /// The longest stay that may be planned, in calendar months from the entry
    /// (the exit morning may fall on the same day number, months later).
    pub max_months: Param<u32>,
    /// A stay whose planned end is at most this many days away is "ending soon".
    pub warning_days: Param<u32>,
    /// What a guest pays each month, if anything (absent: nothing).
    pub guest_contribution: Option<Param<Money>>,
}

/// The time limits of a data subject's request (access, portability:
/// GDPR art. 12(3), 15, 20): dated like any rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirittiInteressato {
    /// The answer is due within this many calendar months of receipt.
    pub answer_months: Param<u32>,
    /// How many further months the office may take, with a reason told to the person.
    pub extension_months: Param<u32>,
    /// A request whose due date is at most this many days away is "in scadenza".
    pub warning_days: Param<u32>,
}

/// The retention schedule: for each kind of record, how many whole years it is
/// kept after the day it closed (GDPR art. 5(1)(e), the office's massimario di
/// scarto). One parameter per kind: a kind with no term is a file refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conservazione {
    /// A case with nothing open (household, members, analyses, projects,
    /// documents, eligibility checks): from its last activity.
    pub closed_case_years: Param<u32>,
    /// An application to a call: from the call's last published ranking.
    pub application_years: Param<u32>,
    /// A published ranking: from its publication (the names; the positions stay).
    pub ranking_years: Param<u32>,
    /// A reimbursement file (claims, expense documents, liquidations): from the
    /// last liquidation (accounting records).
    pub reimbursement_years: Param<u32>,
    /// A stay in temporary housing: from the exit.
    pub housing_stay_years: Param<u32>,
    /// The access log: from the day of the access.
    pub access_log_years: Param<u32>,
}

/// A B2 call (rules.md §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct B2Rules {
    /// The issuing office, printed on the public ranking.
    pub office: String,
    /// Collection window, both days included.
    pub window: Param<(NaiveDate, NaiveDate)>,
    /// ISEE cap for admission: admitted when `ISEE <cmp> cap`.
    pub isee_cap: Param<MoneyThreshold>,
    /// Which ISEE the call asks for (ordinario, sociosanitario …): shown, not computed.
    pub isee_kind: String,
    pub continuation_points: Param<Decimal>,
    /// `max × (1 − ISEE / reference)`, never below zero.
    pub isee_points: Param<IseePoints>,
    pub appeal_days: Param<u32>,
    /// Per measure (`b2-anziani`, `b2-disabili`).
    pub measures: BTreeMap<String, B2Measure>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IseePoints {
    pub max: Decimal,
    pub reference: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct B2Measure {
    pub id: String,
    /// E.g. "Misura B2 anziani".
    pub title: String,
    pub bonus: Param<Bonus>,
    /// Tie-break keys after the score, in order; always ends with the protocol.
    pub tie_breaks: Param<Vec<TieBreak>>,
}

/// The extra points of a measure and the facts that earn them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bonus {
    pub points: Decimal,
    /// The applicant must be at least this old on the submission date.
    pub min_age: Option<u32>,
    /// Application flags that must all be true.
    pub requires: Vec<Flag>,
    /// In Italian, for the trace: "richiedente ultra 85enne non autosufficiente".
    pub description: String,
}

/// The yes/no facts of an application that rules may refer to (CSV column names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    NonSelfSufficient,
    IndependentLiving,
    OtherInterventions,
}

impl Flag {
    pub(super) fn parse(s: &str) -> Option<Flag> {
        match s {
            "non_self_sufficient" => Some(Flag::NonSelfSufficient),
            "independent_living" => Some(Flag::IndependentLiving),
            "other_interventions" => Some(Flag::OtherInterventions),
            _ => None,
        }
    }
    pub fn column(self) -> &'static str {
        match self {
            Flag::NonSelfSufficient => "non_self_sufficient",
            Flag::IndependentLiving => "independent_living",
            Flag::OtherInterventions => "other_interventions",
        }
    }
    pub fn italian(self) -> &'static str {
        match self {
            Flag::NonSelfSufficient => "non autosufficiente",
            Flag::IndependentLiving => "con progetto di vita indipendente",
            Flag::OtherInterventions => "beneficiario di altri interventi della Direzione",
        }
    }
}

/// Tie-break keys (rules.md §4), applied in the order the rule set lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieBreak {
    /// Applicants without other interventions of the Direzione first.
    WithoutOtherInterventions,
    /// Earlier birth date first (older first).
    BirthDate,
    /// Earlier submission date first.
    SubmissionDate,
    /// Protocol in text order: the last key, it makes the order total.
    Protocol,
}

impl TieBreak {
    pub(super) fn parse(s: &str) -> Option<TieBreak> {
        match s {
            "senza_altri_interventi" => Some(TieBreak::WithoutOtherInterventions),
            "data_nascita" => Some(TieBreak::BirthDate),
            "data_presentazione" => Some(TieBreak::SubmissionDate),
            "protocollo" => Some(TieBreak::Protocol),
            _ => None,
        }
    }
    /// Short label: "data di nascita".
    pub fn label(self) -> &'static str {
        match self {
            TieBreak::WithoutOtherInterventions => "senza altri interventi",
            TieBreak::BirthDate => "data di nascita",
            TieBreak::SubmissionDate => "data di presentazione",
            TieBreak::Protocol => "protocollo",
        }
    }
    pub fn italian(self) -> &'static str {
        match self {
            TieBreak::WithoutOtherInterventions => "precede chi non riceve altri interventi della Direzione",
            TieBreak::BirthDate => "precede la persona più anziana (data di nascita)",
            TieBreak::SubmissionDate => "precede la domanda presentata prima",
            TieBreak::Protocol => "precede il numero di protocollo minore",
        }
    }
}

/// How the contributions of a B2 award are reimbursed (rules.md §7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RimborsoB2Rules {
    /// An award below this much per month is refused as input (it cannot be split
    /// into monthly caps that mean anything).
    pub min_monthly_award: Param<Money>,
    /// How the award is split into monthly caps.
    pub cap_split: Param<CapSplit>,
    /// Per measure (`b2-anziani`, `b2-disabili`): the documents it reimburses.
    pub measures: BTreeMap<String, ReimbursementMeasure>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapSplit {
    pub rounding: CapRounding,
    pub remainder: Remainder,
}

/// Rounding of `award / months` to the cent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapRounding {
    /// Half a cent and more goes up (`mezzo-su`).
    HalfUp,
    /// Fractions of a cent are dropped (`difetto`): the remainder is never negative.
    Down,
}

impl CapRounding {
    pub(super) fn parse(s: &str) -> Option<CapRounding> {
        match s {
            "mezzo-su" => Some(CapRounding::HalfUp),
            "difetto" => Some(CapRounding::Down),
            _ => None,
        }
    }
    pub fn italian(self) -> &'static str {
        match self {
            CapRounding::HalfUp => "arrotondata al centesimo (mezzo centesimo per eccesso)",
            CapRounding::Down => "troncata al centesimo",
        }
    }
}

/// Which month absorbs the rounding so that the caps add up to the award.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Remainder {
    /// `ultimo-mese`: the last month's cap is the award minus the others.
    LastMonth,
}

impl Remainder {
    pub(super) fn parse(s: &str) -> Option<Remainder> {
        match s {
            "ultimo-mese" => Some(Remainder::LastMonth),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReimbursementMeasure {
    pub id: String,
    /// E.g. "Misura B2 anziani".
    pub title: String,
    /// Document type (`busta_paga`) → its Italian label, for the types reimbursed.
    pub documents: Param<BTreeMap<String, String>>,
}

impl RimborsoB2Rules {
    /// The measure's rules, or an input error naming the measures the set has:
    /// the measure comes from the claim, so a wrong one is the claim's fault.
    pub fn measure(&self, id: &str) -> Result<&ReimbursementMeasure> {
        self.measures.get(id).ok_or_else(|| {
            let known: Vec<&str> = self.measures.keys().map(String::as_str).collect();
            Error::invalid(
                "measure",
                format!("misura «{id}» sconosciuta (misure previste: {})", known.join(", ")),
            )
        })
    }
}

impl RuleSet {
    pub fn reference(&self) -> RuleSetRef {
        RuleSetRef { id: self.id.clone(), version: self.version }
    }
    pub fn sostegno_reddito(&self) -> Option<&SostegnoReddito> {
        match &self.rules {
            Rules::SostegnoReddito(r) => Some(r),
            _ => None,
        }
    }
    pub fn maternita(&self) -> Option<&AssegnoMaternita> {
        match &self.rules {
            Rules::AssegnoMaternita(r) => Some(r),
            _ => None,
        }
    }
    pub fn tre_figli(&self) -> Option<&AssegnoTreFigli> {
        match &self.rules {
            Rules::AssegnoTreFigli(r) => Some(r),
            _ => None,
        }
    }
    pub fn b2(&self) -> Option<&B2Rules> {
        match &self.rules {
            Rules::B2(r) => Some(r),
            _ => None,
        }
    }
    pub fn rimborso_b2(&self) -> Option<&RimborsoB2Rules> {
        match &self.rules {
            Rules::RimborsoB2(r) => Some(r),
            _ => None,
        }
    }
    pub fn fse_indicatori(&self) -> Option<&FseIndicatori> {
        match &self.rules {
            Rules::FseIndicatori(r) => Some(r),
            _ => None,
        }
    }
    pub fn fse_plus_indicatori(&self) -> Option<&FsePlusIndicatori> {
        match &self.rules {
            Rules::FsePlusIndicatori(r) => Some(r),
            _ => None,
        }
    }
    pub fn residenzialita_temporanea(&self) -> Option<&ResidenzialitaTemporanea> {
        match &self.rules {
            Rules::ResidenzialitaTemporanea(r) => Some(r),
            _ => None,
        }
    }
    pub fn diritti_interessato(&self) -> Option<&DirittiInteressato> {
        match &self.rules {
            Rules::DirittiInteressato(r) => Some(r),
            _ => None,
        }
    }
    pub fn conservazione(&self) -> Option<&Conservazione> {
        match &self.rules {
            Rules::Conservazione(r) => Some(r),
            _ => None,
        }
    }
}

impl B2Rules {
    /// The measure's rules, or an error naming the measures this call has.
    pub fn measure(&self, id: &str) -> Result<&B2Measure> {
        self.measures.get(id).ok_or_else(|| {
            let known: Vec<&str> = self.measures.keys().map(String::as_str).collect();
            Error::new(
                Code::NoRuleSet,
                format!(
                    "misura «{id}» non prevista da questo avviso (misure previste: {})",
                    known.join(", ")
                ),
            )
            .with_field("measure")
        })
    }
}
