//! Eligibility of one household for the Comune di Milano's misure 1-7 (rules.md §3,
//! seed `002_…`). Every measure gets a yes/no, the reasons for a "no", the rule
//! sets it was decided under and the trace of every condition.
//!
//! Rule sets by reference date: misure 1-5 from the `sostegno-reddito` set of the
//! household's comune (`milano-sostegno-reddito-2019` from 1 Jan 2019, open-ended);
//! misura 6 from the `assegno-maternita` set of the date (one per year: the INPS
//! circular sets the cap yearly); misura 7 from the `assegno-tre-figli` set (yearly
//! until 28 Feb 2022, then the abolition).
//!
//! A period without a misura-6 or misura-7 set is an error only when the answer
//! needs it: if a requirement that needs no parameter already fails (no newborn, not
//! resident, no valid ISEE) the answer is a reasoned "no"; otherwise
//! [`Code::NoRuleSet`] with a message naming the year, never a guessed cap.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::rule_set::{AssegnoTreFigli, Kind, RuleSet, RuleSetRef, RuleSets, SostegnoReddito};
use super::trace::{Outcome, Source, Step, Trace};
use super::{Reason, ReasonCode};
use crate::calendar::age_on;
use crate::dates::{self, format_it};
use crate::error::{Code, Error, Result};
use crate::money::Money;

/// The household as the eligibility check sees it (cli.md `sportello eligibility`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub reference_date: NaiveDate,
    /// Belfiore code of the comune where the household applies.
    pub comune: String,
    /// Start of residence in the comune; None = not resident.
    pub resident_since: Option<NaiveDate>,
    /// Receives or has applied for another subsidy of the Direzione Politiche Sociali.
    pub other_subsidies: bool,
    pub isee: Option<Isee>,
    /// The social worker's account of an extraordinary and urgent need.
    pub urgent_need: Option<String>,
    /// Birth (or adoption) date of the child, for the assegno di maternità.
    pub child_birth_date: Option<NaiveDate>,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Isee {
    pub value: Money,
    pub expires_on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub birth_date: NaiveDate,
    /// Civil invalidity, 0-100.
    pub invalidity_percent: u32,
    pub disability_certified: bool,
}

/// The seven measures, in the order they are always listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Measure {
    #[serde(rename = "misura-1")]
    Misura1,
    #[serde(rename = "misura-2")]
    Misura2,
    #[serde(rename = "misura-3")]
    Misura3,
    #[serde(rename = "misura-4")]
    Misura4,
    #[serde(rename = "misura-5")]
    Misura5,
    #[serde(rename = "misura-6")]
    Misura6,
    #[serde(rename = "misura-7")]
    Misura7,
}

impl Measure {
    pub const ALL: [Measure; 7] = [
        Measure::Misura1,
        Measure::Misura2,
        Measure::Misura3,
        Measure::Misura4,
        Measure::Misura5,
        Measure::Misura6,
        Measure::Misura7,
    ];
    pub fn id(self) -> &'static str {
        match self {
            Measure::Misura1 => "misura-1",
            Measure::Misura2 => "misura-2",
            Measure::Misura3 => "misura-3",
            Measure::Misura4 => "misura-4",
            Measure::Misura5 => "misura-5",
            Measure::Misura6 => "misura-6",
            Measure::Misura7 => "misura-7",
        }
    }
    /// The seed's wording.
    pub fn title(self) -> &'static str {
        match self {
            Measure::Misura1 => "Misura 1 — nuclei familiari con minori a carico",
            Measure::Misura2 => "Misura 2 — adulti di età compresa tra 18 e 64 anni, senza minori",
            Measure::Misura3 => "Misura 3 — persone con disabilità o invalidità civile oltre il 73%",
            Measure::Misura4 => "Misura 4 — nuclei con almeno una persona con oltre 64 anni",
            Measure::Misura5 => "Misura 5 — interventi straordinari ed urgenti",
            Measure::Misura6 => "Misura 6 — assegno di maternità dei comuni",
            Measure::Misura7 => "Misura 7 — assegno ai nuclei familiari con tre figli minori",
        }
    }
}

/// The answer for one measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureDecision {
    pub measure: Measure,
    pub eligible: bool,
    /// Empty when eligible.
    pub reasons: Vec<Reason>,
    /// The rule sets (id and version) the answer was taken under.
    pub rule_sets: Vec<RuleSetRef>,
    pub trace: Trace,
}

/// The answer for the seven measures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Eligibility {
    pub reference_date: NaiveDate,
    pub comune: String,
    pub measures: Vec<MeasureDecision>,
}

impl Eligibility {
    pub fn get(&self, m: Measure) -> &MeasureDecision {
        self.measures.iter().find(|d| d.measure == m).expect("all seven measures are always decided")
    }
}

/// Decides misure 1-7 for `household` on its reference date.
pub fn evaluate(household: &Household, rules: &RuleSets) -> Result<Eligibility> {
    validate(household)?;
    let h = household;
    let sr_set = rules
        .covering(Kind::SostegnoReddito, &h.comune, h.reference_date)
        .map_err(|e| e.with_field("reference_date"))?;
    let sr = sr_set.sostegno_reddito().expect("covering returns the requested kind");
    let ages: Vec<u32> = h.members.iter().map(|m| age_on(m.birth_date, h.reference_date)).collect();
    let ctx = Ctx { h, sr_set, sr, ages: &ages };

    let general = ctx.general_requirements();
    let mut measures = Vec::with_capacity(7);
    for m in [Measure::Misura1, Measure::Misura2, Measure::Misura3, Measure::Misura4, Measure::Misura5] {
        let mut trace = Trace { steps: general.clone() };
        ctx.specific(m, &mut trace);
        measures.push(decision(m, vec![sr_set.reference()], trace));
    }
    measures.push(ctx.misura_6(rules)?);
    measures.push(ctx.misura_7(rules)?);
    Ok(Eligibility { reference_date: h.reference_date, comune: h.comune.clone(), measures })
}

fn decision(measure: Measure, rule_sets: Vec<RuleSetRef>, trace: Trace) -> MeasureDecision {
    let reasons = trace.reasons();
    MeasureDecision { measure, eligible: reasons.is_empty(), reasons, rule_sets, trace }
}

fn validate(h: &Household) -> Result<()> {
    if h.members.is_empty() {
        return Err(Error::invalid("members", "il nucleo deve avere almeno un componente"));
    }
    for (i, m) in h.members.iter().enumerate() {
        if m.birth_date > h.reference_date {
            return Err(Error::invalid(
                format!("members[{i}].birth_date"),
                format!(
                    "data di nascita {} successiva alla data di riferimento {}",
                    format_it(m.birth_date),
                    format_it(h.reference_date)
                ),
            ));
        }
        if m.invalidity_percent > 100 {
            return Err(Error::invalid(
                format!("members[{i}].invalidity_percent"),
                "la percentuale di invalidità va da 0 a 100",
            ));
        }
    }
    Ok(())
}

/// `d` plus `years` years; 29 February goes to 1 March in a common year, as for
/// ages (rules.md §1.1).
fn anniversary(d: NaiveDate, years: u32) -> NaiveDate {
    let y = d.year() + years as i32;
    NaiveDate::from_ymd_opt(y, d.month(), d.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, 3, 1))
        .expect("1 March exists")
}

fn years(n: u32) -> String {
    if n == 1 {
        "1 anno".into()
    } else {
        format!("{n} anni")
    }
}

struct Ctx<'a> {
    h: &'a Household,
    sr_set: &'a RuleSet,
    sr: &'a SostegnoReddito,
    ages: &'a [u32],
}

impl Ctx<'_> {
    fn src<T>(&self, p: &super::rule_set::Param<T>) -> Option<Source> {
        Some(Source::of(self.sr_set, p))
    }

    fn reference(&self) -> String {
        format_it(self.h.reference_date)
    }

    /// Requirements 1-4 of rules.md §3, common to misure 1-5.
    fn general_requirements(&self) -> Vec<Step> {
        let (h, sr) = (self.h, self.sr);
        let mut steps = Vec::with_capacity(4);
        let need = sr.min_residence_years.value;
        let src = self.src(&sr.min_residence_years);
        steps.push(match h.resident_since {
            None => Step::failed(ReasonCode::NotResident, "Il nucleo non risulta residente nel comune", src),
            Some(since) if since > h.reference_date => Step::failed(
                ReasonCode::NotResident,
                format!("Residenza nel comune dal {}, successiva alla data di riferimento {}", format_it(since), self.reference()),
                src,
            ),
            Some(since) if age_on(since, h.reference_date) >= need => Step::passed(
                format!("Residente nel comune dal {}: almeno {} di residenza al {}", format_it(since), years(need), self.reference()),
                src,
            ),
            Some(since) => Step::failed(
                ReasonCode::ResidenceTooShort,
                format!(
                    "Residente nel comune dal {}: al {} non ha ancora {} di residenza (requisito raggiunto il giorno {})",
                    format_it(since),
                    self.reference(),
                    years(need),
                    format_it(anniversary(since, need))
                ),
                src,
            ),
        });
        let excl = &sr.other_subsidies_excluded;
        if excl.value {
            steps.push(if h.other_subsidies {
                Step::failed(
                    ReasonCode::OtherSubsidies,
                    "Il nucleo riceve o ha chiesto altri sussidi della Direzione Politiche Sociali",
                    self.src(excl),
                )
            } else {
                Step::passed(
                    "Nessun altro sussidio della Direzione Politiche Sociali ricevuto o chiesto",
                    self.src(excl),
                )
            });
        }
        let isee_valid = isee_validity(h, &mut steps, Some(self.act_only("isee_valido")));
        if let Some(v) = isee_valid {
            let t = sr.isee_threshold.value;
            let src = self.src(&sr.isee_threshold);
            steps.push(if t.comparator.holds(v, t.amount) {
                Step::passed(
                    format!(
                        "ISEE {} {} soglia di accesso di {}",
                        v.format_it(),
                        t.comparator.phrase(false, "alla"),
                        t.amount.format_it()
                    ),
                    src,
                )
            } else {
                Step::failed(
                    ReasonCode::IseeOverCap,
                    format!(
                        "ISEE {} {} soglia di accesso di {}",
                        v.format_it(),
                        t.comparator.phrase(true, "alla"),
                        t.amount.format_it()
                    ),
                    src,
                )
            });
        }
        steps
    }

    /// The general requirements whose values are not parameters still cite the
    /// act that states them (the threshold's act: DGC 1354/2018 for Milano).
    fn act_only(&self, what: &str) -> Source {
        Source {
            rule_set: self.sr_set.reference(),
            parameter: what.to_string(),
            act: self.sr.isee_threshold.act.title.clone(),
        }
    }

    fn members_line(&self) -> Step {
        let parts: Vec<String> = self
            .h
            .members
            .iter()
            .zip(self.ages)
            .enumerate()
            .map(|(i, (m, age))| {
                let mut s = format!("n. {} nato/a il {}, {}", i + 1, format_it(m.birth_date), years(*age));
                if m.invalidity_percent > 0 {
                    s.push_str(&format!(", invalidità {}%", m.invalidity_percent));
                }
                if m.disability_certified {
                    s.push_str(", disabilità certificata");
                }
                s
            })
            .collect();
        Step::info(format!("Componenti al {}: {}", self.reference(), parts.join("; ")), None)
    }

    fn minors(&self) -> usize {
        self.ages.iter().filter(|&&a| a < self.sr.age_of_majority.value).count()
    }

    fn specific(&self, m: Measure, trace: &mut Trace) {
        let sr = self.sr;
        trace.push(self.members_line());
        let majority = sr.age_of_majority.value;
        let minors = self.minors();
        let invalid = |mb: &Member| {
            sr.invalidity.value.comparator.holds(mb.invalidity_percent, sr.invalidity.value.percent)
        };
        let inv_pct = sr.invalidity.value.percent;
        match m {
            Measure::Misura1 => trace.push(if minors > 0 {
                Step::passed(
                    format!("Nel nucleo è presente almeno un minore di {majority} anni ({minors})"),
                    self.src(&sr.age_of_majority),
                )
            } else {
                Step::failed(
                    ReasonCode::NoMinors,
                    format!("Nel nucleo non è presente alcun minore di {majority} anni"),
                    self.src(&sr.age_of_majority),
                )
            }),
            Measure::Misura2 => {
                let max = sr.max_age_misura_2.value;
                trace.push(if minors > 0 {
                    Step::failed(
                        ReasonCode::HasMinors,
                        "Nel nucleo è presente almeno un minore",
                        self.src(&sr.age_of_majority),
                    )
                } else {
                    Step::passed(
                        format!("Tutti i componenti hanno almeno {majority} anni"),
                        self.src(&sr.age_of_majority),
                    )
                });
                let over = self.ages.iter().filter(|&&a| a > max).count();
                trace.push(if over > 0 {
                    Step::failed(
                        ReasonCode::HasOver64,
                        format!("Nel nucleo è presente almeno una persona con più di {max} anni"),
                        self.src(&sr.max_age_misura_2),
                    )
                } else {
                    Step::passed(
                        format!("Nessun componente ha più di {max} anni"),
                        self.src(&sr.max_age_misura_2),
                    )
                });
                trace.push(if self.h.members.iter().any(invalid) {
                    Step::failed(
                        ReasonCode::InvalidityOverLimit,
                        format!(
                            "Nel nucleo è presente una persona con invalidità civile {}{inv_pct}%",
                            sr.invalidity.value.comparator.phrase(false, "al ")
                        ),
                        self.src(&sr.invalidity),
                    )
                } else {
                    Step::passed(
                        format!(
                            "Nessun componente ha invalidità civile {}{inv_pct}%",
                            sr.invalidity.value.comparator.phrase(false, "al ")
                        ),
                        self.src(&sr.invalidity),
                    )
                });
            }
            Measure::Misura3 => {
                let n = self.h.members.iter().filter(|mb| mb.disability_certified || invalid(mb)).count();
                trace.push(if n > 0 {
                    Step::passed(
                        format!(
                            "Nel nucleo è presente una persona con certificazione di disabilità o invalidità civile {} {inv_pct}%",
                            sr.invalidity.value.comparator.phrase(false, "al ")
                        ),
                        self.src(&sr.invalidity),
                    )
                } else {
                    Step::failed(
                        ReasonCode::NoDisability,
                        format!(
                            "Nel nucleo non è presente alcuna persona con certificazione di disabilità o invalidità civile {} {inv_pct}%",
                            sr.invalidity.value.comparator.phrase(false, "al ")
                        ),
                        self.src(&sr.invalidity),
                    )
                });
            }
            Measure::Misura4 => {
                let min = sr.min_age_misura_4.value;
                let n = self.ages.iter().filter(|&&a| a >= min).count();
                trace.push(if n > 0 {
                    Step::passed(
                        format!("Nel nucleo è presente almeno una persona di {min} anni o più ({n})"),
                        self.src(&sr.min_age_misura_4),
                    )
                } else {
                    Step::failed(
                        ReasonCode::NoOver64,
                        format!(
                            "Nel nucleo non è presente alcuna persona con più di {} anni",
                            min.saturating_sub(1)
                        ),
                        self.src(&sr.min_age_misura_4),
                    )
                });
            }
            Measure::Misura5 => {
                let need = self.h.urgent_need.as_deref().map(str::trim).filter(|s| !s.is_empty());
                trace.push(match need {
                    Some(text) => Step::passed(
                        format!("Bisogno straordinario e urgente registrato dall'assistente sociale: «{text}»"),
                        Some(self.act_only("bisogno_urgente")),
                    ),
                    None => Step::failed(
                        ReasonCode::NoUrgentNeed,
                        "Nessun bisogno straordinario e urgente registrato dall'assistente sociale, con il suo motivo",
                        Some(self.act_only("bisogno_urgente")),
                    ),
                });
            }
            Measure::Misura6 | Measure::Misura7 => unreachable!("decided by their own rule sets"),
        }
    }

    fn residence_any_length(&self, source: Option<Source>) -> Step {
        match self.h.resident_since {
            Some(since) if since <= self.h.reference_date => {
                Step::passed(format!("Residente nel comune dal {}", format_it(since)), source)
            }
            Some(since) => Step::failed(
                ReasonCode::NotResident,
                format!(
                    "Residenza nel comune dal {}, successiva alla data di riferimento {}",
                    format_it(since),
                    self.reference()
                ),
                source,
            ),
            None => {
                Step::failed(ReasonCode::NotResident, "Il nucleo non risulta residente nel comune", source)
            }
        }
    }

    /// Misura 6 (d.lgs. 151/2001 art. 74). Requirements 1-4 of misure 1-5 do not apply.
    fn misura_6(&self, rules: &RuleSets) -> Result<MeasureDecision> {
        let h = self.h;
        let set = match rules.covering(Kind::AssegnoMaternita, &h.comune, h.reference_date) {
            Ok(s) => s,
            Err(e) => {
                return self.without_rule_set(Measure::Misura6, e, |steps| {
                    if h.child_birth_date.is_none() {
                        steps.push(Step::failed(
                            ReasonCode::NoRecentBirth,
                            "Nessuna nascita o adozione indicata",
                            None,
                        ));
                    }
                })
            }
        };
        let r = set.maternita().expect("kind checked");
        let mut trace = Trace::default();
        let months = r.months_from_birth.value;
        let src = Some(Source::of(set, &r.months_from_birth));
        trace.push(match h.child_birth_date {
            None => Step::failed(ReasonCode::NoRecentBirth, "Nessuna nascita o adozione indicata", src),
            Some(b) if b > h.reference_date => Step::failed(
                ReasonCode::NoRecentBirth,
                format!(
                    "Nascita o adozione del {}, successiva alla data di riferimento {}",
                    format_it(b),
                    self.reference()
                ),
                src,
            ),
            Some(b) => {
                // chrono clamps to the month's last day (31 Aug + 6 months = 28/29 Feb),
                // which is rules.md's "or that month's last day".
                let last = b.checked_add_months(Months::new(months)).expect("date in range");
                if h.reference_date <= last {
                    Step::passed(
                        format!(
                            "Figlio nato o adottato il {}: entro {months} mesi fino al {}",
                            format_it(b),
                            format_it(last)
                        ),
                        src,
                    )
                } else {
                    Step::failed(
                        ReasonCode::NoRecentBirth,
                        format!(
                            "Figlio nato o adottato il {}: i {months} mesi sono scaduti il {}",
                            format_it(b),
                            format_it(last)
                        ),
                        src,
                    )
                }
            }
        });
        let cap = r.isee_cap.value;
        trace.push(self.residence_any_length(Some(Source::of(set, &r.isee_cap))));
        if let Some(v) = isee_validity(h, &mut trace.steps, Some(Source::of(set, &r.isee_cap))) {
            trace.push(cap_step(
                v,
                cap.amount,
                cap.comparator,
                h.reference_date.year(),
                Source::of(set, &r.isee_cap),
            ));
        }
        Ok(decision(Measure::Misura6, vec![set.reference()], trace))
    }

    /// Misura 7 (L. 448/1998 art. 65), abolished from 1 March 2022 (d.lgs. 230/2021).
    fn misura_7(&self, rules: &RuleSets) -> Result<MeasureDecision> {
        let h = self.h;
        let set = match rules.covering(Kind::AssegnoTreFigli, &h.comune, h.reference_date) {
            Ok(s) => s,
            Err(e) => return self.without_rule_set(Measure::Misura7, e, |_| {}),
        };
        let mut trace = Trace::default();
        match set.tre_figli().expect("kind checked") {
            AssegnoTreFigli::Abolished { abolished } => {
                trace.push(Step::failed(
                    ReasonCode::MeasureAbolished,
                    format!(
                        "Misura abolita a partire dal {} ({}): non spetta più",
                        format_it(set.valid_from),
                        abolished.act.title
                    ),
                    Some(Source::of(set, abolished)),
                ));
            }
            AssegnoTreFigli::InForce { min_minors, isee_cap, .. } => {
                trace.push(self.members_line());
                let n = self.minors();
                let need = min_minors.value;
                trace.push(if n as u32 >= need {
                    Step::passed(
                        format!("Nel nucleo sono presenti {n} minori (ne servono almeno {need})"),
                        Some(Source::of(set, min_minors)),
                    )
                } else {
                    Step::failed(
                        ReasonCode::FewerThanThreeMinors,
                        format!("Nel nucleo sono presenti {n} minori: ne servono almeno {need}"),
                        Some(Source::of(set, min_minors)),
                    )
                });
                trace.push(self.residence_any_length(Some(Source::of(set, isee_cap))));
                if let Some(v) = isee_validity(h, &mut trace.steps, Some(Source::of(set, isee_cap))) {
                    let c = isee_cap.value;
                    trace.push(cap_step(
                        v,
                        c.amount,
                        c.comparator,
                        h.reference_date.year(),
                        Source::of(set, isee_cap),
                    ));
                }
            }
        }
        let mut refs = vec![set.reference()];
        if matches!(set.tre_figli(), Some(AssegnoTreFigli::InForce { .. })) {
            refs.push(self.sr_set.reference());
        }
        Ok(decision(Measure::Misura7, refs, trace))
    }

    /// No set of the measure's kind covers the date: answer only if a requirement
    /// that needs no parameter already fails; otherwise the typed error.
    fn without_rule_set(
        &self,
        m: Measure,
        missing: Error,
        extra: impl FnOnce(&mut Vec<Step>),
    ) -> Result<MeasureDecision> {
        let mut trace = Trace::default();
        extra(&mut trace.steps);
        trace.push(self.residence_any_length(None));
        isee_validity(self.h, &mut trace.steps, None);
        if trace.steps.iter().any(|s| s.outcome == Outcome::Failed) {
            trace.push(Step::info(
                format!(
                    "Non esistono regole per questa misura al {}; non servono, perché manca già un requisito",
                    self.reference()
                ),
                None,
            ));
            return Ok(decision(m, Vec::new(), trace));
        }
        let what = match m {
            Measure::Misura6 => format!(
                "{}: nessun tetto ISEE dell'assegno di maternità in archivio per l'anno {}; aggiungere le regole dell'anno (circolare INPS)",
                m.title(),
                self.h.reference_date.year()
            ),
            // An operator reads it: the measure by its title, not its code.
            _ => format!("{}: {}", m.title(), missing.message),
        };
        Err(Error::new(Code::NoRuleSet, what).with_field("reference_date"))
    }
}

/// Pushes the ISEE-validity step; returns the value when the attestation is valid
/// on the reference date (the day of expiry included).
fn isee_validity(h: &Household, steps: &mut Vec<Step>, src: Option<Source>) -> Option<Money> {
    match h.isee {
        None => {
            steps.push(Step::failed(ReasonCode::NoValidIsee, "Nessuna attestazione ISEE presentata", src));
            None
        }
        Some(i) if i.expires_on < h.reference_date => {
            steps.push(Step::failed(
                ReasonCode::NoValidIsee,
                format!(
                    "Attestazione ISEE scaduta il {} (data di riferimento {})",
                    format_it(i.expires_on),
                    format_it(h.reference_date)
                ),
                src,
            ));
            None
        }
        Some(i) => {
            steps.push(Step::passed(
                format!("Attestazione ISEE valida fino al {}", format_it(i.expires_on)),
                src,
            ));
            Some(i.value)
        }
    }
}

fn cap_step(v: Money, cap: Money, cmp: super::rule_set::Comparator, year: i32, src: Source) -> Step {
    if cmp.holds(v, cap) {
        Step::passed(
            format!("ISEE {} {} tetto {year} di {}", v.format_it(), cmp.phrase(false, "al"), cap.format_it()),
            Some(src),
        )
    } else {
        Step::failed(
            ReasonCode::IseeOverCap,
            format!("ISEE {} {} tetto {year} di {}", v.format_it(), cmp.phrase(true, "al"), cap.format_it()),
            Some(src),
        )
    }
}

// ---------------------------------------------------------------------------
// The household file of `sportello eligibility` (cli.md). Parsed by hand over a
// JSON value so that every error names its field (`members[1].birth_date`).

/// The keys of the household file (cli.md), of a member and of the ISEE.
const HOUSEHOLD_KEYS: &[&str] = &[
    "reference_date",
    "comune",
    "resident_since",
    "other_subsidies",
    "isee",
    "urgent_need",
    "child_birth_date",
    "members",
];
const MEMBER_KEYS: &[&str] = &["birth_date", "invalidity_percent", "disability_certified"];
const ISEE_KEYS: &[&str] = &["value", "expires_on"];

/// Parses the household JSON of cli.md. Syntax errors carry the line; value errors
/// name the field. A key not in the contract (`resident_snce`) or given twice is
/// refused: read as "not given" it would change the answer.
pub fn parse_household_json(text: &str) -> Result<Household> {
    let v: Value = crate::json_in::parse(text)?;
    let root = v
        .as_object()
        .ok_or_else(|| Error::invalid("json", "atteso un oggetto JSON con i dati del nucleo"))?;
    crate::json_in::only_keys(root, HOUSEHOLD_KEYS, "")?;
    let get = |k: &str| root.get(k).unwrap_or(&Value::Null);
    let comune = match get("comune") {
        Value::String(s) => {
            let c = s.trim().to_uppercase();
            let b = c.as_bytes();
            if !(b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)) {
                return Err(Error::invalid("comune", format!("codice Belfiore «{s}» non valido (es. F205)")));
            }
            c
        }
        Value::Null => return Err(Error::invalid("comune", "campo obbligatorio mancante")),
        _ => return Err(Error::invalid("comune", "atteso il codice Belfiore come testo, es. \"F205\"")),
    };
    let members = match get("members") {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, m)| parse_member(m, &format!("members[{i}]")))
            .collect::<Result<Vec<_>>>()?,
        Value::Null => return Err(Error::invalid("members", "campo obbligatorio mancante")),
        _ => return Err(Error::invalid("members", "atteso un elenco di componenti")),
    };
    let isee = match get("isee") {
        Value::Null => None,
        Value::Object(o) => {
            crate::json_in::only_keys(o, ISEE_KEYS, "isee")?;
            let g = |k: &str| o.get(k).unwrap_or(&Value::Null);
            let value = req_money(g("value"), "isee.value")?;
            let expires_on = req_date(g("expires_on"), "isee.expires_on")?;
            Some(Isee { value, expires_on })
        }
        _ => {
            return Err(Error::invalid(
                "isee",
                "atteso null oppure {\"value\": \"1234.56\", \"expires_on\": \"AAAA-MM-GG\"}",
            ))
        }
    };
    let urgent_need = match get("urgent_need") {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        _ => {
            return Err(Error::invalid("urgent_need", "atteso null oppure il testo dell'assistente sociale"))
        }
    };
    Ok(Household {
        reference_date: req_date(get("reference_date"), "reference_date")?,
        comune,
        resident_since: opt_date(get("resident_since"), "resident_since")?,
        other_subsidies: req_bool(get("other_subsidies"), "other_subsidies")?,
        isee,
        urgent_need,
        child_birth_date: opt_date(get("child_birth_date"), "child_birth_date")?,
        members,
    })
}

fn parse_member(v: &Value, path: &str) -> Result<Member> {
    let o =
        v.as_object().ok_or_else(|| Error::invalid(path, "atteso un oggetto con i dati del componente"))?;
    crate::json_in::only_keys(o, MEMBER_KEYS, path)?;
    let g = |k: &str| o.get(k).unwrap_or(&Value::Null);
    let field = |k: &str| format!("{path}.{k}");
    let invalidity_percent = match g("invalidity_percent") {
        Value::Number(n) => match n.as_u64() {
            Some(p) if p <= 100 => p as u32,
            _ => {
                return Err(Error::invalid(field("invalidity_percent"), "atteso un numero intero da 0 a 100"))
            }
        },
        Value::Null => {
            return Err(Error::invalid(field("invalidity_percent"), "campo obbligatorio mancante"))
        }
        _ => return Err(Error::invalid(field("invalidity_percent"), "atteso un numero intero da 0 a 100")),
    };
    Ok(Member {
        birth_date: req_date(g("birth_date"), &field("birth_date"))?,
        invalidity_percent,
        disability_certified: req_bool(g("disability_certified"), &field("disability_certified"))?,
    })
}

fn req_date(v: &Value, field: &str) -> Result<NaiveDate> {
    match v {
        Value::String(s) => dates::parse_iso(field, s),
        Value::Null => Err(Error::invalid(field, "campo obbligatorio mancante")),
        _ => Err(Error::invalid(field, "attesa una data come testo AAAA-MM-GG")),
    }
}

fn opt_date(v: &Value, field: &str) -> Result<Option<NaiveDate>> {
    match v {
        Value::Null => Ok(None),
        _ => req_date(v, field).map(Some),
    }
}

fn req_bool(v: &Value, field: &str) -> Result<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::Null => Err(Error::invalid(field, "campo obbligatorio mancante")),
        _ => Err(Error::invalid(field, "atteso true oppure false")),
    }
}

fn req_money(v: &Value, field: &str) -> Result<Money> {
    match v {
        Value::String(s) => {
            let m = Money::parse(s).map_err(|e| e.with_field(field))?;
            if m.is_negative() {
                return Err(Error::invalid(field, "l'ISEE non può essere negativo"));
            }
            Ok(m)
        }
        Value::Null => Err(Error::invalid(field, "campo obbligatorio mancante")),
        _ => Err(Error::invalid(
            field,
            "atteso un importo come testo, es. \"4800.00\" (mai un numero con la virgola mobile)",
        )),
    }
}
