//! One B2 application: admitted or not (with every reason), and its score out of
//! 10 computed on the submission date with exact decimals (rules.md §4):
//! - `punti_completamento` (5) for completing last year's personalised project;
//! - `punti_isee`: max × (1 − ISEE / riferimento), 3 × (1 − ISEE / 40.000) in 2019;
//! - `punti_aggiuntivi` (2) when the measure's facts hold (anziani: 85 or older
//!   and not self-sufficient; disabili: independent-living project).

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::calendar::age_on;
use crate::dates::format_it;
use crate::error::Result;
use crate::rules::applications::Application;
use crate::rules::rule_set::{B2Measure, B2Rules, RuleSet};
use crate::rules::trace::{Source, Step, Trace};
use crate::rules::ReasonCode;

/// The points of an admitted application, by criterion. Exact: never rounded
/// except when shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreParts {
    pub continuation: Decimal,
    pub isee: Decimal,
    pub bonus: Decimal,
}

impl ScoreParts {
    pub fn total(&self) -> Decimal {
        self.continuation + self.isee + self.bonus
    }
}

/// A decimal written the Italian way, in running text: "1,875".
fn it(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

/// A score as published: rounded half-up to 3 decimals, "9.250".
pub fn shown(score: Decimal) -> String {
    format!("{:.3}", published(score))
}

/// The digits of a published score.
pub const PUBLISHED_DECIMALS: u32 = 3;

/// A score rounded as published (half-up, [`PUBLISHED_DECIMALS`]).
pub fn published(score: Decimal) -> Decimal {
    score.round_dp_with_strategy(PUBLISHED_DECIMALS, RoundingStrategy::MidpointAwayFromZero)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assessment {
    Admitted(ScoreParts),
    /// Every reason, in the order of rules.md §4.
    NotAdmitted(Vec<ReasonCode>),
}

/// The ISEE, when the attestation is valid on the submission date (its expiry day
/// included). An ISEE without expiry date cannot be shown valid: refused.
fn valid_isee(app: &Application) -> Option<crate::money::Money> {
    match (app.isee, app.isee_expires_on) {
        (Some(v), Some(exp)) if exp >= app.submitted_on => Some(v),
        _ => None,
    }
}

/// Admission and score of one application.
pub fn assess(app: &Application, rules: &B2Rules, measure: &B2Measure) -> Assessment {
    let mut reasons = Vec::new();
    let (from, to) = rules.window.value;
    if app.submitted_on < from || app.submitted_on > to {
        reasons.push(ReasonCode::OutsideWindow);
    }
    let isee = valid_isee(app);
    match isee {
        None => reasons.push(ReasonCode::NoValidIsee),
        // The cap is checked on a valid attestation only: an expired one has no
        // value to compare.
        Some(v) if !rules.isee_cap.value.comparator.holds(v, rules.isee_cap.value.amount) => {
            reasons.push(ReasonCode::IseeOverCap)
        }
        Some(_) => {}
    }
    if !app.resident {
        reasons.push(ReasonCode::NotResident);
    }
    match isee {
        Some(v) if reasons.is_empty() => Assessment::Admitted(points(app, v.as_decimal(), rules, measure)),
        _ => Assessment::NotAdmitted(reasons),
    }
}

fn bonus_applies(app: &Application, measure: &B2Measure) -> bool {
    let b = &measure.bonus.value;
    b.requires.iter().all(|f| app.flag(*f))
        && b.min_age.is_none_or(|min| age_on(app.birth_date, app.submitted_on) >= min)
}

fn points(app: &Application, isee: Decimal, rules: &B2Rules, measure: &B2Measure) -> ScoreParts {
    let continuation = if app.continuation { rules.continuation_points.value } else { Decimal::ZERO };
    let p = rules.isee_points.value;
    // "fino a punti 3": an ISEE above the reference (possible only if a call's cap
    // exceeds it) gives zero, never negative points.
    let isee_pts = (p.max * (Decimal::ONE - isee / p.reference.as_decimal())).max(Decimal::ZERO);
    let bonus = if bonus_applies(app, measure) { measure.bonus.value.points } else { Decimal::ZERO };
    ScoreParts { continuation, isee: isee_pts, bonus }
}

/// The Italian explanation of one application's outcome: every condition with its
/// value, then the points. Recomputed on demand (pure), so a ranking of 100,000
/// applications does not carry 100,000 texts.
pub fn explain(app: &Application, set: &RuleSet, measure_id: &str) -> Result<Trace> {
    let rules = set.b2().ok_or_else(|| {
        crate::Error::new(
            crate::Code::NoRuleSet,
            format!("«{}» non è un insieme di regole della Misura B2", set.id),
        )
    })?;
    let measure = rules.measure(measure_id)?;
    fn src<T>(set: &RuleSet, p: &crate::rules::rule_set::Param<T>) -> Option<Source> {
        Some(Source::of(set, p))
    }
    let mut t = Trace::default();
    let (from, to) = rules.window.value;
    let sub = format_it(app.submitted_on);
    let window = format!("dal {} al {}", format_it(from), format_it(to));
    t.push(if app.submitted_on < from || app.submitted_on > to {
        Step::failed(
            ReasonCode::OutsideWindow,
            format!("Domanda presentata il {sub}, fuori dal periodo di raccolta ({window})"),
            src(set, &rules.window),
        )
    } else {
        Step::passed(
            format!("Domanda presentata il {sub}, nel periodo di raccolta ({window})"),
            src(set, &rules.window),
        )
    });
    let cap = rules.isee_cap.value;
    let cap_src = || Some(Source::of(set, &rules.isee_cap));
    match (app.isee, app.isee_expires_on) {
        (None, _) => {
            t.push(Step::failed(ReasonCode::NoValidIsee, "Nessun ISEE indicato nella domanda", cap_src()))
        }
        (Some(_), None) => t.push(Step::failed(
            ReasonCode::NoValidIsee,
            "Attestazione ISEE senza data di scadenza: la validità non è verificabile",
            cap_src(),
        )),
        (Some(_), Some(exp)) if exp < app.submitted_on => t.push(Step::failed(
            ReasonCode::NoValidIsee,
            format!("Attestazione ISEE scaduta il {}, prima della presentazione ({sub})", format_it(exp)),
            cap_src(),
        )),
        (Some(v), Some(exp)) => {
            t.push(Step::passed(
                format!(
                    "Attestazione ISEE {} valida fino al {} (presentazione {sub})",
                    rules.isee_kind,
                    format_it(exp)
                ),
                cap_src(),
            ));
            t.push(if cap.comparator.holds(v, cap.amount) {
                Step::passed(
                    format!(
                        "ISEE {} {} tetto di {}",
                        v.format_it(),
                        cap.comparator.phrase(false, "al"),
                        cap.amount.format_it()
                    ),
                    cap_src(),
                )
            } else {
                Step::failed(
                    ReasonCode::IseeOverCap,
                    format!(
                        "ISEE {} {} tetto di {}",
                        v.format_it(),
                        cap.comparator.phrase(true, "al"),
                        cap.amount.format_it()
                    ),
                    cap_src(),
                )
            });
        }
    }
    t.push(if app.resident {
        Step::passed("Residente nel comune", None)
    } else {
        Step::failed(ReasonCode::NotResident, "Non residente nel comune", None)
    });
    if let Assessment::Admitted(parts) = assess(app, rules, measure) {
        let isee = valid_isee(app).expect("admitted");
        t.push(Step::info(
            if app.continuation {
                format!(
                    "Completamento di un progetto personalizzato dell'anno precedente: {} punti",
                    it(parts.continuation)
                )
            } else {
                "Nessun completamento di un progetto dell'anno precedente: 0 punti".to_string()
            },
            src(set, &rules.continuation_points),
        ));
        let p = rules.isee_points.value;
        t.push(Step::info(
            format!(
                "ISEE: {} × (1 − {} / {}) = {} punti",
                it(p.max),
                it(isee.as_decimal()),
                it(p.reference.as_decimal()),
                it(parts.isee)
            ),
            src(set, &rules.isee_points),
        ));
        let b = &measure.bonus.value;
        let age = age_on(app.birth_date, app.submitted_on);
        t.push(Step::info(
            format!(
                "{} (età alla presentazione: {age} anni){}: {} punti",
                b.description,
                if bonus_applies(app, measure) { "" } else { ": requisito non presente" },
                it(parts.bonus)
            ),
            Some(Source::of(set, &measure.bonus)),
        ));
        t.push(Step::info(
            format!(
                "Punteggio totale: {} (pubblicato come {})",
                it(parts.total()),
                shown(parts.total()).replace('.', ",")
            ),
            None,
        ));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn scores_are_shown_half_up_with_three_decimals() {
        assert_eq!(shown(dec!(7.3999625)), "7.400");
        assert_eq!(shown(dec!(1.8745)), "1.875");
        assert_eq!(shown(dec!(1.8744999)), "1.874");
        assert_eq!(shown(dec!(5)), "5.000");
        assert_eq!(shown(dec!(0)), "0.000");
    }
}
