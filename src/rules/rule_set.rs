//! Rule sets: dated parameter files with the act each value comes from.
//!
//! The model is OpenFisca's parameters: every threshold, point, window and cap is a
//! value with its legal source, inside a file that says which days it covers
//! (`valido_dal`, `valido_al`). The evaluation code never holds a legal number; it
//! asks the [`RuleSets`] for the one set that covers the date, and a date no set
//! covers is [`Code::NoRuleSet`], never a default (Catala's "no applicable rule").
//!
//! File format (TOML, keys in Italian because administrators write them): see
//! `assets/rules/*.toml`, which are the reference examples. Parsing validates every
//! field and refuses a broken file with the line at fault ([`Code::BadRuleSet`]).
//!
//! Coverage: `valido_al` may be left out, meaning "until a later set of the same kind
//! (and comune) replaces it"; two sets whose explicit periods overlap are a conflict
//! error at load time, never resolved silently.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::dates;
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
    fn parse(s: &str) -> Option<Comparator> {
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
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        match s {
            "sostegno-reddito" => Some(Kind::SostegnoReddito),
            "assegno-maternita" => Some(Kind::AssegnoMaternita),
            "assegno-tre-figli" => Some(Kind::AssegnoTreFigli),
            "b2" => Some(Kind::B2),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SostegnoReddito => "sostegno-reddito",
            Kind::AssegnoMaternita => "assegno-maternita",
            Kind::AssegnoTreFigli => "assegno-tre-figli",
            Kind::B2 => "b2",
        }
    }
    /// For error messages read by an operator.
    pub fn italian(self) -> &'static str {
        match self {
            Kind::SostegnoReddito => "misure comunali di sostegno al reddito 1-5",
            Kind::AssegnoMaternita => "assegno di maternità dei comuni (misura 6)",
            Kind::AssegnoTreFigli => "assegno ai nuclei con tre figli minori (misura 7)",
            Kind::B2 => "Misura B2",
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Rules {
    SostegnoReddito(SostegnoReddito),
    AssegnoMaternita(AssegnoMaternita),
    AssegnoTreFigli(AssegnoTreFigli),
    B2(B2Rules),
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
    fn parse(s: &str) -> Option<Flag> {
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
    fn parse(s: &str) -> Option<TieBreak> {
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

// ---------------------------------------------------------------------------
// Parsing. Raw structs mirror the file; `Spanned` keeps the byte range of every
// value so a semantic error can name its line, not only a syntax error.

#[derive(Deserialize)]
struct RawHeader {
    id: Spanned<String>,
    tipo: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAct {
    titolo: Spanned<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue<T> {
    valore: Spanned<T>,
    atto: Spanned<String>,
    nota: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreshold<T> {
    valore: Spanned<T>,
    confronto: Spanned<String>,
    atto: Spanned<String>,
    nota: Option<String>,
    tipo_isee: Option<Spanned<String>>,
}

macro_rules! raw_file {
    ($name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            id: Spanned<String>,
            versione: Spanned<i64>,
            #[allow(dead_code)] // read by the header pass; kept so the key is known
            tipo: Spanned<String>,
            titolo: Spanned<String>,
            comune: Option<Spanned<String>>,
            valido_dal: Spanned<toml::value::Datetime>,
            valido_al: Option<Spanned<toml::value::Datetime>>,
            fonte: Option<String>,
            #[serde(default)]
            atti: BTreeMap<String, Spanned<RawAct>>,
            $($field: $ty,)*
        }
    };
}

raw_file!(RawSostegno {
    residenza_minima_anni: Spanned<RawValue<i64>>,
    soglia_isee: Spanned<RawThreshold<String>>,
    eta_maggiore: Spanned<RawValue<i64>>,
    eta_massima_misura_2: Spanned<RawValue<i64>>,
    eta_minima_misura_4: Spanned<RawValue<i64>>,
    invalidita: Spanned<RawThreshold<i64>>,
    altri_sussidi_esclusi: Spanned<RawValue<bool>>,
});

raw_file!(RawMaternita {
    mesi_dalla_nascita: Spanned<RawValue<i64>>,
    tetto_isee: Spanned<RawThreshold<String>>,
    importo_mensile: Option<Spanned<RawValue<String>>>,
    mensilita: Option<Spanned<RawValue<i64>>>,
});

raw_file!(RawTreFigli {
    abolita: Option<Spanned<RawValue<bool>>>,
    figli_minori: Option<Spanned<RawValue<i64>>>,
    tetto_isee: Option<Spanned<RawThreshold<String>>>,
    importo_mensile: Option<Spanned<RawValue<String>>>,
});

raw_file!(RawB2 {
    ente: Spanned<String>,
    finestra: Spanned<RawWindow>,
    tetto_isee: Spanned<RawThreshold<String>>,
    punti_completamento: Spanned<RawValue<String>>,
    punti_isee: Spanned<RawIseePoints>,
    ricorsi: Spanned<RawAppeals>,
    misure: BTreeMap<String, Spanned<RawB2Measure>>,
});

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    dal: Spanned<toml::value::Datetime>,
    al: Spanned<toml::value::Datetime>,
    atto: Spanned<String>,
    nota: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIseePoints {
    massimo: Spanned<String>,
    riferimento: Spanned<String>,
    atto: Spanned<String>,
    nota: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAppeals {
    giorni: Spanned<i64>,
    atto: Spanned<String>,
    nota: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawB2Measure {
    titolo: Spanned<String>,
    punti_aggiuntivi: Spanned<RawBonus>,
    spareggi: Spanned<RawTieBreaks>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBonus {
    valore: Spanned<String>,
    eta_minima: Option<Spanned<i64>>,
    #[serde(default)]
    requisiti: Vec<Spanned<String>>,
    descrizione: Spanned<String>,
    atto: Spanned<String>,
    nota: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTieBreaks {
    ordine: Spanned<Vec<Spanned<String>>>,
    atto: Spanned<String>,
    nota: Option<String>,
}

/// Turns byte ranges into line numbers and builds located errors.
struct Ctx<'a> {
    text: &'a str,
    acts: BTreeMap<String, Act>,
}

impl Ctx<'_> {
    fn line(&self, span: &Range<usize>) -> u64 {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
    }
    fn err(&self, span: &Range<usize>, field: &str, message: impl Into<String>) -> Error {
        Error::new(Code::BadRuleSet, message).with_field(field).at_line(self.line(span))
    }
    fn act(&self, atto: &Spanned<String>, field: &str) -> Result<Act> {
        self.acts.get(atto.get_ref().as_str()).cloned().ok_or_else(|| {
            self.err(
                &atto.span(),
                &format!("{field}.atto"),
                format!("atto «{}» non definito nella sezione [atti] del file", atto.get_ref()),
            )
        })
    }
    fn date(&self, d: &Spanned<toml::value::Datetime>, field: &str) -> Result<NaiveDate> {
        let v = d.get_ref();
        let bad = || self.err(&d.span(), field, "attesa una data senza ora, ad esempio 2019-02-01");
        if v.time.is_some() || v.offset.is_some() {
            return Err(bad());
        }
        let date = v.date.ok_or_else(bad)?;
        NaiveDate::from_ymd_opt(date.year as i32, date.month as u32, date.day as u32).ok_or_else(bad)
    }
    fn count(&self, v: &Spanned<i64>, field: &str, min: i64, max: i64) -> Result<u32> {
        let n = *v.get_ref();
        if n < min || n > max {
            return Err(self.err(
                &v.span(),
                field,
                format!("valore {n} fuori dall'intervallo ammesso ({min}-{max})"),
            ));
        }
        Ok(n as u32)
    }
    fn money(&self, v: &Spanned<String>, field: &str) -> Result<Money> {
        let m = Money::parse(v.get_ref()).map_err(|e| self.err(&v.span(), field, e.message))?;
        if m.is_negative() {
            return Err(self.err(&v.span(), field, "un importo non può essere negativo"));
        }
        Ok(m)
    }
    fn decimal(&self, v: &Spanned<String>, field: &str) -> Result<Decimal> {
        let t = v.get_ref().trim();
        let ok_shape = !t.is_empty()
            && t.split_once('.').map_or(t.bytes().all(|b| b.is_ascii_digit()), |(i, f)| {
                !i.is_empty()
                    && !f.is_empty()
                    && i.bytes().all(|b| b.is_ascii_digit())
                    && f.bytes().all(|b| b.is_ascii_digit())
            });
        let d = if ok_shape { Decimal::from_str(t).ok() } else { None };
        d.ok_or_else(|| {
            self.err(&v.span(), field, format!("numero non valido: «{t}» (atteso ad esempio 2 o 2.5)"))
        })
    }
    fn comparator(&self, v: &Spanned<String>, field: &str) -> Result<Comparator> {
        Comparator::parse(v.get_ref()).ok_or_else(|| {
            self.err(
                &v.span(),
                &format!("{field}.confronto"),
                format!("confronto «{}» non valido (ammessi: <, <=, >, >=)", v.get_ref()),
            )
        })
    }
    fn param<T, U>(
        &self,
        raw: &Spanned<RawValue<T>>,
        name: &str,
        f: impl FnOnce(&Spanned<T>) -> Result<U>,
    ) -> Result<Param<U>> {
        let r = raw.get_ref();
        Ok(Param {
            name: name.to_string(),
            value: f(&r.valore)?,
            act: self.act(&r.atto, name)?,
            note: r.nota.clone(),
        })
    }
    fn money_threshold(
        &self,
        raw: &Spanned<RawThreshold<String>>,
        name: &str,
    ) -> Result<Param<MoneyThreshold>> {
        let r = raw.get_ref();
        let amount = self.money(&r.valore, &format!("{name}.valore"))?;
        let comparator = self.comparator(&r.confronto, name)?;
        if matches!(comparator, Comparator::Gt | Comparator::Ge) {
            return Err(self.err(
                &r.confronto.span(),
                &format!("{name}.confronto"),
                "un tetto ISEE ammette i valori inferiori: usare < oppure <=",
            ));
        }
        Ok(Param {
            name: name.to_string(),
            value: MoneyThreshold { amount, comparator },
            act: self.act(&r.atto, name)?,
            note: r.nota.clone(),
        })
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id
            .split('-')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn valid_belfiore(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

macro_rules! meta {
    ($raw:expr, $text:expr, $kind:expr) => {
        parse_meta(
            $text,
            $kind,
            &$raw.id,
            &$raw.versione,
            &$raw.titolo,
            $raw.comune.as_ref(),
            &$raw.valido_dal,
            $raw.valido_al.as_ref(),
            $raw.fonte.clone(),
            &$raw.atti,
        )
    };
}

fn toml_error(text: &str, e: toml::de::Error) -> Error {
    let ctx = Ctx { text, acts: BTreeMap::new() };
    let mut err =
        Error::new(Code::BadRuleSet, format!("file delle regole non valido: {}", e.message().trim()));
    if let Some(span) = e.span() {
        err = err.at_line(ctx.line(&span));
    }
    err
}

/// Parses and validates one rule-set file. `expected_id`, when given (the file's
/// name without `.toml`), must equal the `id` inside: the id is how calls and
/// decisions refer to the file.
pub fn parse(text: &str, expected_id: Option<&str>) -> Result<RuleSet> {
    let header: RawHeader = toml::from_str(text).map_err(|e| toml_error(text, e))?;
    let ctx0 = Ctx { text, acts: BTreeMap::new() };
    let id = header.id.get_ref().clone();
    if !valid_id(&id) {
        return Err(ctx0.err(
            &header.id.span(),
            "id",
            format!("identificativo «{id}» non valido (lettere minuscole, cifre e trattini)"),
        ));
    }
    if let Some(expected) = expected_id {
        if expected != id {
            return Err(ctx0.err(
                &header.id.span(),
                "id",
                format!("l'identificativo «{id}» deve coincidere con il nome del file «{expected}.toml»"),
            ));
        }
    }
    let kind = Kind::parse(header.tipo.get_ref()).ok_or_else(|| {
        ctx0.err(
            &header.tipo.span(),
            "tipo",
            format!(
                "tipo «{}» sconosciuto (ammessi: sostegno-reddito, assegno-maternita, assegno-tre-figli, b2)",
                header.tipo.get_ref()
            ),
        )
    })?;
    let de = |e| toml_error(text, e);
    match kind {
        Kind::SostegnoReddito => {
            let raw: RawSostegno = toml::from_str(text).map_err(de)?;
            let (meta, ctx) = meta!(raw, text, kind)?;
            let rules = SostegnoReddito {
                min_residence_years: ctx.param(&raw.residenza_minima_anni, "residenza_minima_anni", |v| {
                    ctx.count(v, "residenza_minima_anni.valore", 0, 50)
                })?,
                isee_threshold: ctx.money_threshold(&raw.soglia_isee, "soglia_isee")?,
                age_of_majority: ctx.param(&raw.eta_maggiore, "eta_maggiore", |v| {
                    ctx.count(v, "eta_maggiore.valore", 1, 150)
                })?,
                max_age_misura_2: ctx.param(&raw.eta_massima_misura_2, "eta_massima_misura_2", |v| {
                    ctx.count(v, "eta_massima_misura_2.valore", 1, 150)
                })?,
                min_age_misura_4: ctx.param(&raw.eta_minima_misura_4, "eta_minima_misura_4", |v| {
                    ctx.count(v, "eta_minima_misura_4.valore", 1, 150)
                })?,
                invalidity: {
                    let r = raw.invalidita.get_ref();
                    Param {
                        name: "invalidita".into(),
                        value: PercentThreshold {
                            percent: ctx.count(&r.valore, "invalidita.valore", 0, 100)?,
                            comparator: ctx.comparator(&r.confronto, "invalidita")?,
                        },
                        act: ctx.act(&r.atto, "invalidita")?,
                        note: r.nota.clone(),
                    }
                },
                other_subsidies_excluded: ctx.param(
                    &raw.altri_sussidi_esclusi,
                    "altri_sussidi_esclusi",
                    |v| Ok(*v.get_ref()),
                )?,
            };
            if let Some(t) = &raw.soglia_isee.get_ref().tipo_isee {
                return Err(ctx.err(
                    &t.span(),
                    "soglia_isee.tipo_isee",
                    "campo non previsto per questo tipo di regole",
                ));
            }
            if rules.max_age_misura_2.value < rules.age_of_majority.value {
                return Err(ctx.err(
                    &raw.eta_massima_misura_2.span(),
                    "eta_massima_misura_2",
                    "l'età massima della misura 2 è inferiore alla maggiore età",
                ));
            }
            Ok(meta.with(Rules::SostegnoReddito(rules)))
        }
        Kind::AssegnoMaternita => {
            let raw: RawMaternita = toml::from_str(text).map_err(de)?;
            let (meta, ctx) = meta!(raw, text, kind)?;
            let rules = AssegnoMaternita {
                months_from_birth: ctx.param(&raw.mesi_dalla_nascita, "mesi_dalla_nascita", |v| {
                    ctx.count(v, "mesi_dalla_nascita.valore", 1, 60)
                })?,
                isee_cap: ctx.money_threshold(&raw.tetto_isee, "tetto_isee")?,
                monthly_amount: raw
                    .importo_mensile
                    .as_ref()
                    .map(|p| ctx.param(p, "importo_mensile", |v| ctx.money(v, "importo_mensile.valore")))
                    .transpose()?,
                months_paid: raw
                    .mensilita
                    .as_ref()
                    .map(|p| ctx.param(p, "mensilita", |v| ctx.count(v, "mensilita.valore", 1, 24)))
                    .transpose()?,
            };
            Ok(meta.with(Rules::AssegnoMaternita(rules)))
        }
        Kind::AssegnoTreFigli => {
            let raw: RawTreFigli = toml::from_str(text).map_err(de)?;
            let (meta, ctx) = meta!(raw, text, kind)?;
            let rules = match (&raw.abolita, &raw.figli_minori, &raw.tetto_isee) {
                (Some(a), None, None) if raw.importo_mensile.is_none() => {
                    let abolished = ctx.param(a, "abolita", |v| Ok(*v.get_ref()))?;
                    if !abolished.value {
                        return Err(ctx.err(
                            &a.get_ref().valore.span(),
                            "abolita.valore",
                            "per una misura in vigore togliere «abolita» e indicare figli_minori e tetto_isee",
                        ));
                    }
                    AssegnoTreFigli::Abolished { abolished }
                }
                (None, Some(m), Some(cap)) => AssegnoTreFigli::InForce {
                    min_minors: ctx
                        .param(m, "figli_minori", |v| ctx.count(v, "figli_minori.valore", 1, 20))?,
                    isee_cap: ctx.money_threshold(cap, "tetto_isee")?,
                    monthly_amount: raw
                        .importo_mensile
                        .as_ref()
                        .map(|p| ctx.param(p, "importo_mensile", |v| ctx.money(v, "importo_mensile.valore")))
                        .transpose()?,
                },
                _ => {
                    return Err(ctx.err(
                        &raw.tipo.span(),
                        "tipo",
                        "indicare o «abolita» (da sola) o «figli_minori» e «tetto_isee»",
                    ))
                }
            };
            Ok(meta.with(Rules::AssegnoTreFigli(rules)))
        }
        Kind::B2 => {
            let raw: RawB2 = toml::from_str(text).map_err(de)?;
            let (meta, ctx) = meta!(raw, text, kind)?;
            let rules = parse_b2(&raw, &ctx, &meta)?;
            Ok(meta.with(Rules::B2(rules)))
        }
    }
}

/// The common header, validated; `with` completes it with the kind's rules.
struct Meta {
    id: String,
    version: u32,
    kind: Kind,
    title: String,
    comune: Option<String>,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    source: Option<String>,
    acts: Vec<Act>,
}

impl Meta {
    fn with(self, rules: Rules) -> RuleSet {
        RuleSet {
            id: self.id,
            version: self.version,
            kind: self.kind,
            title: self.title,
            comune: self.comune,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            source: self.source,
            acts: self.acts,
            rules,
        }
    }
    fn covers(&self, d: NaiveDate) -> bool {
        d >= self.valid_from && self.valid_to.is_none_or(|t| d <= t)
    }
}

#[allow(clippy::too_many_arguments)]
fn parse_meta<'a>(
    text: &'a str,
    kind: Kind,
    id: &Spanned<String>,
    versione: &Spanned<i64>,
    titolo: &Spanned<String>,
    comune: Option<&Spanned<String>>,
    valido_dal: &Spanned<toml::value::Datetime>,
    valido_al: Option<&Spanned<toml::value::Datetime>>,
    fonte: Option<String>,
    atti: &BTreeMap<String, Spanned<RawAct>>,
) -> Result<(Meta, Ctx<'a>)> {
    let mut ctx = Ctx { text, acts: BTreeMap::new() };
    let version = ctx.count(versione, "versione", 1, 1_000_000)?;
    if titolo.get_ref().trim().is_empty() {
        return Err(ctx.err(&titolo.span(), "titolo", "il titolo non può essere vuoto"));
    }
    let comune = match comune {
        Some(c) if !valid_belfiore(c.get_ref()) => {
            return Err(ctx.err(
                &c.span(),
                "comune",
                format!("codice Belfiore «{}» non valido (es. F205)", c.get_ref()),
            ))
        }
        Some(c) => Some(c.get_ref().clone()),
        None => None,
    };
    let valid_from = ctx.date(valido_dal, "valido_dal")?;
    let valid_to = valido_al.map(|d| ctx.date(d, "valido_al")).transpose()?;
    if let (Some(to), Some(span)) = (valid_to, valido_al) {
        if to < valid_from {
            return Err(ctx.err(&span.span(), "valido_al", "«valido_al» precede «valido_dal»"));
        }
    }
    let mut acts = Vec::new();
    for (key, act) in atti {
        if !valid_id(key) {
            return Err(ctx.err(
                &act.span(),
                &format!("atti.{key}"),
                "chiave dell'atto non valida (minuscole, cifre, trattini)",
            ));
        }
        let a = act.get_ref();
        if a.titolo.get_ref().trim().is_empty() {
            return Err(ctx.err(
                &a.titolo.span(),
                &format!("atti.{key}.titolo"),
                "il titolo dell'atto non può essere vuoto",
            ));
        }
        let act = Act { id: key.clone(), title: a.titolo.get_ref().trim().to_string(), url: a.url.clone() };
        ctx.acts.insert(key.clone(), act.clone());
        acts.push(act);
    }
    let meta = Meta {
        id: id.get_ref().clone(),
        version,
        kind,
        title: titolo.get_ref().trim().to_string(),
        comune,
        valid_from,
        valid_to,
        source: fonte,
        acts,
    };
    Ok((meta, ctx))
}

fn parse_b2(raw: &RawB2, ctx: &Ctx<'_>, meta: &Meta) -> Result<B2Rules> {
    if raw.ente.get_ref().trim().is_empty() {
        return Err(ctx.err(&raw.ente.span(), "ente", "indicare l'ente che pubblica la graduatoria"));
    }
    let w = raw.finestra.get_ref();
    let (from, to) = (ctx.date(&w.dal, "finestra.dal")?, ctx.date(&w.al, "finestra.al")?);
    if to < from {
        return Err(ctx.err(&w.al.span(), "finestra.al", "la chiusura della raccolta precede l'apertura"));
    }
    if !meta.covers(from) || !meta.covers(to) {
        return Err(ctx.err(
            &raw.finestra.span(),
            "finestra",
            "la finestra di raccolta deve cadere nel periodo di validità (valido_dal, valido_al)",
        ));
    }
    let window = Param {
        name: "finestra".into(),
        value: (from, to),
        act: ctx.act(&w.atto, "finestra")?,
        note: w.nota.clone(),
    };
    let isee_cap = ctx.money_threshold(&raw.tetto_isee, "tetto_isee")?;
    let isee_kind = match &raw.tetto_isee.get_ref().tipo_isee {
        Some(k) => {
            let k_str = k.get_ref().trim();
            if !matches!(k_str, "ordinario" | "sociosanitario" | "minorenni" | "corrente") {
                return Err(ctx.err(
                    &k.span(),
                    "tetto_isee.tipo_isee",
                    "tipo di ISEE non valido (ordinario, sociosanitario, minorenni, corrente)",
                ));
            }
            k_str.to_string()
        }
        None => {
            return Err(ctx.err(
                &raw.tetto_isee.span(),
                "tetto_isee.tipo_isee",
                "indicare il tipo di ISEE richiesto",
            ))
        }
    };
    let continuation_points = ctx.param(&raw.punti_completamento, "punti_completamento", |v| {
        ctx.decimal(v, "punti_completamento.valore")
    })?;
    let p = raw.punti_isee.get_ref();
    let isee_points = Param {
        name: "punti_isee".into(),
        value: IseePoints {
            max: ctx.decimal(&p.massimo, "punti_isee.massimo")?,
            reference: {
                let r = ctx.money(&p.riferimento, "punti_isee.riferimento")?;
                if r == Money::ZERO {
                    return Err(ctx.err(
                        &p.riferimento.span(),
                        "punti_isee.riferimento",
                        "il riferimento non può essere zero",
                    ));
                }
                r
            },
        },
        act: ctx.act(&p.atto, "punti_isee")?,
        note: p.nota.clone(),
    };
    let a = raw.ricorsi.get_ref();
    let appeal_days = Param {
        name: "ricorsi".into(),
        value: ctx.count(&a.giorni, "ricorsi.giorni", 1, 365)?,
        act: ctx.act(&a.atto, "ricorsi")?,
        note: a.nota.clone(),
    };
    if raw.misure.is_empty() {
        return Err(ctx.err(
            &raw.tipo.span(),
            "misure",
            "l'avviso deve prevedere almeno una misura ([misure.<id>])",
        ));
    }
    let mut measures = BTreeMap::new();
    for (id, m) in &raw.misure {
        let field = format!("misure.{id}");
        if !valid_id(id) {
            return Err(ctx.err(&m.span(), &field, "identificativo della misura non valido"));
        }
        let m = m.get_ref();
        if m.titolo.get_ref().trim().is_empty() {
            return Err(ctx.err(
                &m.titolo.span(),
                &format!("{field}.titolo"),
                "il titolo non può essere vuoto",
            ));
        }
        let b = m.punti_aggiuntivi.get_ref();
        let bfield = format!("{field}.punti_aggiuntivi");
        let mut requires = Vec::new();
        for r in &b.requisiti {
            let flag = Flag::parse(r.get_ref()).ok_or_else(|| {
                ctx.err(
                    &r.span(),
                    &format!("{bfield}.requisiti"),
                    format!("requisito «{}» sconosciuto (ammessi: non_self_sufficient, independent_living, other_interventions)", r.get_ref()),
                )
            })?;
            if requires.contains(&flag) {
                return Err(ctx.err(&r.span(), &format!("{bfield}.requisiti"), "requisito ripetuto"));
            }
            requires.push(flag);
        }
        let min_age = b
            .eta_minima
            .as_ref()
            .map(|e| ctx.count(e, &format!("{bfield}.eta_minima"), 0, 150))
            .transpose()?;
        if b.descrizione.get_ref().trim().is_empty() {
            return Err(ctx.err(
                &b.descrizione.span(),
                &format!("{bfield}.descrizione"),
                "descrivere chi riceve i punti",
            ));
        }
        let bonus = Param {
            name: bfield.clone(),
            value: Bonus {
                points: ctx.decimal(&b.valore, &format!("{bfield}.valore"))?,
                min_age,
                requires,
                description: b.descrizione.get_ref().trim().to_string(),
            },
            act: ctx.act(&b.atto, &bfield)?,
            note: b.nota.clone(),
        };
        let t = m.spareggi.get_ref();
        let tfield = format!("{field}.spareggi");
        let mut keys = Vec::new();
        let mut seen = HashSet::new();
        for k in t.ordine.get_ref() {
            let key = TieBreak::parse(k.get_ref()).ok_or_else(|| {
                ctx.err(
                    &k.span(),
                    &format!("{tfield}.ordine"),
                    format!(
                        "criterio «{}» sconosciuto (ammessi: senza_altri_interventi, data_nascita, data_presentazione, protocollo)",
                        k.get_ref()
                    ),
                )
            })?;
            if !seen.insert(key) {
                return Err(ctx.err(&k.span(), &format!("{tfield}.ordine"), "criterio ripetuto"));
            }
            keys.push(key);
        }
        if keys.last() != Some(&TieBreak::Protocol) {
            return Err(ctx.err(
                &t.ordine.span(),
                &format!("{tfield}.ordine"),
                "l'ultimo criterio deve essere «protocollo», perché l'ordine sia completo",
            ));
        }
        let tie_breaks = Param {
            name: tfield.clone(),
            value: keys,
            act: ctx.act(&t.atto, &tfield)?,
            note: t.nota.clone(),
        };
        measures.insert(
            id.clone(),
            B2Measure { id: id.clone(), title: m.titolo.get_ref().trim().to_string(), bonus, tie_breaks },
        );
    }
    Ok(B2Rules {
        office: raw.ente.get_ref().trim().to_string(),
        window,
        isee_cap,
        isee_kind,
        continuation_points,
        isee_points,
        appeal_days,
        measures,
    })
}

// ---------------------------------------------------------------------------
// The collection of rule sets in force, and selection by date.

/// All known rule sets, checked for duplicates and overlaps.
#[derive(Debug, Clone, Default)]
pub struct RuleSets {
    /// Sorted by (kind, comune, valid_from).
    sets: Vec<RuleSet>,
    /// Last day each set covers, once a later open-ended replacement is accounted for.
    ends: Vec<Option<NaiveDate>>,
}

impl RuleSets {
    /// Checks the sets together: ids are unique; sets of the same kind and comune
    /// do not overlap (an open-ended set ends the day before its successor starts).
    pub fn new(mut sets: Vec<RuleSet>) -> Result<RuleSets> {
        let mut ids = HashSet::new();
        for s in &sets {
            if !ids.insert(s.id.clone()) {
                return Err(Error::new(
                    Code::BadRuleSet,
                    format!("insieme di regole «{}» presente due volte", s.id),
                ));
            }
        }
        sets.sort_by(|a, b| {
            (a.kind, &a.comune, a.valid_from, &a.id).cmp(&(b.kind, &b.comune, b.valid_from, &b.id))
        });
        let mut ends: Vec<Option<NaiveDate>> = sets.iter().map(|s| s.valid_to).collect();
        for i in 1..sets.len() {
            let (prev, cur) = (&sets[i - 1], &sets[i]);
            if prev.kind != cur.kind || prev.comune != cur.comune {
                continue;
            }
            let conflict = match prev.valid_to {
                Some(to) => to >= cur.valid_from,
                None => prev.valid_from == cur.valid_from,
            };
            if conflict {
                return Err(Error::new(
                    Code::BadRuleSet,
                    format!(
                        "gli insiemi di regole «{}» e «{}» coprono entrambi il {}: periodi sovrapposti",
                        prev.id,
                        cur.id,
                        dates::format_it(cur.valid_from)
                    ),
                ));
            }
            if prev.valid_to.is_none() {
                ends[i - 1] = cur.valid_from.pred_opt();
            }
        }
        Ok(RuleSets { sets, ends })
    }

    pub fn iter(&self) -> impl Iterator<Item = &RuleSet> {
        self.sets.iter()
    }

    /// The last day a set covers (None: open-ended), after replacements.
    pub fn effective_end(&self, id: &str) -> Option<NaiveDate> {
        self.sets.iter().position(|s| s.id == id).and_then(|i| self.ends[i])
    }

    pub fn get(&self, id: &str) -> Result<&RuleSet> {
        self.sets.iter().find(|s| s.id == id).ok_or_else(|| {
            Error::new(Code::NoRuleSet, format!("nessun insieme di regole con identificativo «{id}»"))
                .with_field("rule_set")
        })
    }

    /// The B2 call `id`.
    pub fn b2(&self, id: &str) -> Result<(&RuleSet, &B2Rules)> {
        let set = self.get(id)?;
        let rules = set.b2().ok_or_else(|| {
            Error::new(Code::NoRuleSet, format!("«{id}» non è un insieme di regole della Misura B2"))
                .with_field("rule_set")
        })?;
        Ok((set, rules))
    }

    /// The one set of `kind` that covers `date` for `comune` (national sets, without
    /// a comune, cover every comune).
    pub fn covering(&self, kind: Kind, comune: &str, date: NaiveDate) -> Result<&RuleSet> {
        self.sets
            .iter()
            .zip(&self.ends)
            .find(|(s, end)| {
                s.kind == kind
                    && s.comune.as_deref().is_none_or(|c| c == comune)
                    && s.valid_from <= date
                    && end.is_none_or(|e| date <= e)
            })
            .map(|(s, _)| s)
            .ok_or_else(|| {
                let local = self.sets.iter().any(|s| s.kind == kind && s.comune.is_some());
                let where_ = if local { format!(" nel comune {comune}") } else { String::new() };
                Error::new(
                    Code::NoRuleSet,
                    format!(
                        "nessun insieme di regole per {}{where_} copre il {}: occorre aggiungere il file delle regole in vigore in quella data",
                        kind.italian(),
                        dates::format_it(date)
                    ),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL_MATERNITA: &str = r#"
id = "assegno-maternita-2030"
versione = 1
tipo = "assegno-maternita"
titolo = "Assegno di maternità dei comuni 2030"
valido_dal = 2030-01-01
valido_al = 2030-12-31

[atti.legge]
titolo = "d.lgs. 151/2001, art. 74"

[mesi_dalla_nascita]
valore = 6
atto = "legge"

[tetto_isee]
valore = "21000.00"
confronto = "<="
atto = "legge"
"#;

    #[test]
    fn a_minimal_file_parses() {
        let rs = parse(MINIMAL_MATERNITA, Some("assegno-maternita-2030")).unwrap();
        let m = rs.maternita().unwrap();
        assert_eq!(m.isee_cap.value.amount, Money::parse("21000.00").unwrap());
        assert_eq!(m.isee_cap.value.comparator, Comparator::Le);
        assert_eq!(m.isee_cap.act.title, "d.lgs. 151/2001, art. 74");
        assert_eq!(rs.reference().to_string(), "assegno-maternita-2030 v1");
    }

    fn broken(from: &str, to: &str) -> Error {
        let text = MINIMAL_MATERNITA.replacen(from, to, 1);
        assert_ne!(text, MINIMAL_MATERNITA, "{from} not in the fixture");
        parse(&text, None).unwrap_err()
    }

    #[test]
    fn broken_files_name_the_line() {
        // Lines of the fixture: 1 is empty, `valido_al` is 7, `[tetto_isee]` 16.
        let e = broken("\"21000.00\"", "21000.0");
        assert_eq!((e.code, e.line), (Code::BadRuleSet, Some(17)), "{e:?}");
        let e = broken("\"21000.00\"", "\"21.000,00\"");
        assert_eq!((e.line, e.field.as_deref()), (Some(17), Some("tetto_isee.valore")), "{e:?}");
        let e = broken("\"<=\"", "\"=<\"");
        assert_eq!((e.line, e.field.as_deref()), (Some(18), Some("tetto_isee.confronto")), "{e:?}");
        let e = broken("2030-12-31", "2029-12-31");
        assert_eq!((e.line, e.field.as_deref()), (Some(7), Some("valido_al")), "{e:?}");
        let e = broken("atto = \"legge\"\n\n[tetto", "atto = \"leggi\"\n\n[tetto");
        assert_eq!((e.line, e.field.as_deref()), (Some(14), Some("mesi_dalla_nascita.atto")), "{e:?}");
        let e = broken("valore = 6", "valore = 6\nvalroe = 7");
        assert_eq!(e.line, Some(14), "an unknown key is refused: {e:?}");
        let e = broken("2030-12-31", "2030-02-30");
        assert_eq!(e.line, Some(7), "{e:?}");
        let e = broken("[tetto_isee]", "[tetto_isee");
        assert_eq!(e.line, Some(16), "{e:?}");
        let e = broken("tipo = \"assegno-maternita\"", "tipo = \"assegno\"");
        assert_eq!((e.line, e.field.as_deref()), (Some(4), Some("tipo")), "{e:?}");
    }

    #[test]
    fn the_id_must_match_the_file_name() {
        let e = parse(MINIMAL_MATERNITA, Some("assegno-maternita-2031")).unwrap_err();
        assert_eq!((e.code, e.line), (Code::BadRuleSet, Some(2)));
    }

    fn dated(id: &str, from: &str, to: Option<&str>) -> RuleSet {
        let mut text = MINIMAL_MATERNITA.replace("assegno-maternita-2030", id).replace("2030-01-01", from);
        text = match to {
            Some(t) => text.replace("2030-12-31", t),
            None => text.replace("valido_al = 2030-12-31\n", ""),
        };
        parse(&text, None).unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::from_str(s).unwrap()
    }

    #[test]
    fn selection_by_date_and_replacement_of_open_ended_sets() {
        let sets = RuleSets::new(vec![
            dated("a", "2020-01-01", None),
            dated("b", "2022-03-01", Some("2022-12-31")),
            dated("c", "2024-01-01", None),
        ])
        .unwrap();
        let pick = |s: &str| sets.covering(Kind::AssegnoMaternita, "F205", d(s)).map(|r| r.id.clone());
        assert_eq!(pick("2020-01-01").unwrap(), "a");
        assert_eq!(pick("2022-02-28").unwrap(), "a");
        assert_eq!(pick("2022-03-01").unwrap(), "b");
        assert_eq!(pick("2022-12-31").unwrap(), "b");
        // A gap after an explicit end is uncovered, not filled by the predecessor.
        assert_eq!(pick("2023-06-01").unwrap_err().code, Code::NoRuleSet);
        assert_eq!(pick("2019-12-31").unwrap_err().code, Code::NoRuleSet);
        assert_eq!(pick("2099-01-01").unwrap(), "c");
        assert_eq!(sets.effective_end("a"), Some(d("2022-02-28")));
    }

    #[test]
    fn overlaps_and_duplicates_are_conflicts() {
        let e =
            RuleSets::new(vec![dated("a", "2020-01-01", Some("2020-12-31")), dated("b", "2020-12-31", None)]);
        assert_eq!(e.unwrap_err().code, Code::BadRuleSet);
        let e = RuleSets::new(vec![dated("a", "2020-01-01", None), dated("b", "2020-01-01", None)]);
        assert_eq!(e.unwrap_err().code, Code::BadRuleSet);
        let e = RuleSets::new(vec![dated("a", "2020-01-01", None), dated("a", "2021-01-01", None)]);
        assert_eq!(e.unwrap_err().code, Code::BadRuleSet);
    }

    #[test]
    fn comparators() {
        assert!(Comparator::Lt.holds(5, 6) && !Comparator::Lt.holds(6, 6));
        assert!(Comparator::Le.holds(6, 6) && !Comparator::Le.holds(7, 6));
        assert!(Comparator::Gt.holds(74, 73) && !Comparator::Gt.holds(73, 73));
        assert!(Comparator::Ge.holds(73, 73) && !Comparator::Ge.holds(72, 73));
    }
}
