//! The decision on a claim (rules.md §7): monthly caps from the award, refusals
//! with every reason that applies, then month by month the accepted documents in
//! order of date and of the list, each up to what is left of the month's cap.

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::{
    Balance, Claim, DocumentLine, DocumentReason, ExpenseDocument, MonthLine, Outcome, ReimbursementCode,
};
use crate::dates::Month;
use crate::error::{Code, Error, Result};
use crate::money::Money;
use crate::rules::rule_set::{CapRounding, CapSplit, Kind, ReimbursementMeasure, Remainder, RuleSets};

fn add(a: Money, b: Money) -> Money {
    Money::from_decimal(a.as_decimal() + b.as_decimal())
}

/// `a − b`, never below zero: what is left of a cap.
fn left_of(a: Money, b: Money) -> Money {
    Money::from_decimal((a.as_decimal() - b.as_decimal()).max(Decimal::ZERO))
}

/// The monthly caps of an award of `amount` over `months` months, in order.
/// Computed on whole cents so that the rounding is exact (a division in decimals
/// could round twice); the caps add up to exactly `amount`. An award whose last
/// month would be left with a negative cap (hundreds of months of a few euro
/// with half-up rounding) is refused as input.
pub fn monthly_caps(amount: Money, months: u32, split: CapSplit) -> Result<Vec<Money>> {
    if months == 0 {
        return Ok(Vec::new());
    }
    let cents = (amount.rounded().as_decimal() * Decimal::ONE_HUNDRED)
        .to_i128()
        .ok_or_else(|| Error::invalid("award.amount", "importo del contributo fuori scala"))?;
    let n = i128::from(months);
    let (quotient, rest) = (cents / n, cents % n);
    let share = match split.rounding {
        CapRounding::HalfUp if 2 * rest >= n => quotient + 1,
        CapRounding::HalfUp | CapRounding::Down => quotient,
    };
    let to_money = |c: i128| Money::from_decimal(Decimal::from_i128_with_scale(c, 2));
    match split.remainder {
        Remainder::LastMonth => {
            let last = cents - share * (n - 1);
            if last < 0 {
                return Err(Error::invalid(
                    "award.amount",
                    format!(
                        "con {} per {months} mesi la quota mensile arrotondata ({}) lascerebbe all'ultimo mese una quota negativa",
                        amount.format_it(),
                        to_money(share).format_it()
                    ),
                ));
            }
            let mut caps = vec![to_money(share); months as usize - 1];
            caps.push(to_money(last));
            Ok(caps)
        }
    }
}

/// Issuer and number as compared: the same payslip typed twice with different
/// spacing or case is the same payslip.
fn document_key(issuer: &str, number: &str) -> (String, String) {
    (super::normalize_issuer(issuer), super::normalize_issuer(number))
}

/// Decides a claim under the `rimborso-b2` rule set covering the first day of the
/// award's first month.
///
/// Errors: `no_rule_set` (field `award.first_month`) when no set covers that day;
/// `invalid` for a measure the set does not list (`measure`) and for an award
/// below the minimum per month or that cannot be split (`award.amount`).
pub fn reimburse(claim: &Claim, rules: &RuleSets) -> Result<Outcome> {
    let award = &claim.award;
    let set = rules
        .covering(Kind::RimborsoB2, &claim.comune, award.first_month.first_day())
        .map_err(|e| e.with_field("award.first_month"))?;
    let r = set.rimborso_b2().ok_or_else(|| {
        Error::new(Code::Internal, format!("«{}» non è un insieme di regole dei rimborsi B2", set.id))
    })?;
    let measure = r.measure(&claim.measure)?;
    let n = award.month_count();
    let minimum = r.min_monthly_award.value.as_decimal() * Decimal::from(n);
    if award.amount.as_decimal() < minimum {
        return Err(Error::invalid(
            "award.amount",
            format!(
                "contributo di {} per {n} mesi: meno di {} al mese ({})",
                award.amount.format_it(),
                r.min_monthly_award.value.format_it(),
                r.min_monthly_award.act.title
            ),
        ));
    }
    let caps = monthly_caps(award.amount, n, r.cap_split.value)?;
    let months: Vec<Month> = award.months().collect();

    let mut before: BTreeMap<Month, Money> = BTreeMap::new();
    for m in &claim.already_reimbursed {
        let e = before.entry(m.month).or_insert(Money::ZERO);
        *e = add(*e, m.amount);
    }
    let paid_before = |m: Month| before.get(&m).copied().unwrap_or(Money::ZERO);

    let mut reasons = refusals(claim, measure);

    // Month by month: a month's cap is what earlier claims left of it; documents
    // take it in order of date, then of the list.
    let mut order: Vec<usize> = (0..claim.documents.len()).filter(|&i| reasons[i].is_empty()).collect();
    order.sort_by_key(|&i| (claim.documents[i].month, claim.documents[i].date, i));
    let mut accepted = vec![Money::ZERO; claim.documents.len()];
    let mut this_claim: BTreeMap<Month, Money> = BTreeMap::new();
    let cap_of: HashMap<Month, Money> = months.iter().copied().zip(caps.iter().copied()).collect();
    for i in order {
        let d = &claim.documents[i];
        let cap = cap_of[&d.month];
        let used = this_claim.get(&d.month).copied().unwrap_or(Money::ZERO);
        let left = left_of(cap, add(paid_before(d.month), used));
        let take = d.amount.min(left);
        accepted[i] = take;
        this_claim.insert(d.month, add(used, take));
        if take < d.amount {
            reasons[i].push(DocumentReason {
                code: ReimbursementCode::OverMonthlyCap,
                text: over_cap_text(d, cap, paid_before(d.month), used, take),
            });
        }
    }

    let month_lines: Vec<MonthLine> = months
        .iter()
        .zip(&caps)
        .map(|(&month, &cap)| MonthLine {
            month,
            cap,
            reimbursed_before: paid_before(month),
            reimbursed: this_claim.get(&month).copied().unwrap_or(Money::ZERO),
        })
        .collect();
    let total = month_lines.iter().fold(Money::ZERO, |acc, m| add(acc, m.reimbursed));
    let balance = Balance {
        awarded: award.amount,
        reimbursed_before: claim.already_reimbursed.iter().fold(Money::ZERO, |acc, m| add(acc, m.amount)),
        this_claim: total,
        left: month_lines.iter().fold(Money::ZERO, |acc, m| add(acc, m.left())),
    };
    let documents = claim
        .documents
        .iter()
        .zip(reasons)
        .zip(accepted)
        .map(|((d, mut reasons), accepted)| {
            reasons.sort_by_key(|r| r.code);
            DocumentLine {
                id: d.id.clone(),
                kind: d.kind.clone(),
                kind_label: measure.documents.value.get(&d.kind).cloned(),
                issuer: d.issuer.clone(),
                number: d.number.clone(),
                date: d.date,
                month: d.month,
                amount: d.amount,
                accepted,
                reasons,
            }
        })
        .collect();
    Ok(Outcome {
        rule_set: set.reference(),
        rule_set_title: set.title.clone(),
        acts: set.acts.iter().map(|a| a.title.clone()).collect(),
        measure: measure.id.clone(),
        measure_title: measure.title.clone(),
        funded: claim.funded,
        award: *award,
        months: month_lines,
        documents,
        total,
        balance,
    })
}

/// Every refusal reason of every document, in input order (empty: accepted).
fn refusals(claim: &Claim, measure: &ReimbursementMeasure) -> Vec<Vec<DocumentReason>> {
    let award = &claim.award;
    let earlier: HashSet<(String, String)> =
        claim.earlier_documents.iter().map(|e| document_key(&e.issuer, &e.number)).collect();
    // The first document of the list with a given key: later ones repeat it,
    // whatever became of it (refused or not).
    let mut first_seen: HashMap<(String, String), &str> = HashMap::new();
    let allowed = &measure.documents.value;
    claim
        .documents
        .iter()
        .map(|d| {
            let mut out = Vec::new();
            if !award.covers(d.month) {
                out.push(DocumentReason {
                    code: ReimbursementCode::OutsidePeriod,
                    text: format!(
                        "Il mese {} è fuori dal periodo del contributo ({})",
                        d.month.format_it(),
                        award.period_it()
                    ),
                });
            }
            if !allowed.contains_key(&d.kind) {
                let labels: Vec<&str> = allowed.values().map(String::as_str).collect();
                out.push(DocumentReason {
                    code: ReimbursementCode::TypeNotAllowed,
                    text: format!(
                        "Il tipo di documento «{}» non è ammesso per la {} (ammessi: {})",
                        d.kind,
                        measure.title,
                        labels.join("; ")
                    ),
                });
            }
            let key = document_key(&d.issuer, &d.number);
            let earlier_here = first_seen.get(&key).copied();
            if earlier.contains(&key) {
                out.push(DocumentReason {
                    code: ReimbursementCode::Duplicate,
                    text: format!(
                        "Il documento n. {} di {} è già stato presentato con una richiesta precedente",
                        d.number, d.issuer
                    ),
                });
            } else if let Some(first) = earlier_here {
                out.push(DocumentReason {
                    code: ReimbursementCode::Duplicate,
                    text: format!(
                        "Il documento n. {} di {} è già stato presentato in questa richiesta (documento {first})",
                        d.number, d.issuer
                    ),
                });
            }
            first_seen.entry(key).or_insert(d.id.as_str());
            if !claim.funded {
                out.push(DocumentReason {
                    code: ReimbursementCode::NotFunded,
                    text: "La domanda è stata ammessa ma non finanziata: nessuna spesa è rimborsabile".to_string(),
                });
            }
            out
        })
        .collect()
}

/// Why a document was reduced or zeroed, with what had used the month's cap.
fn over_cap_text(d: &ExpenseDocument, cap: Money, before: Money, used: Money, take: Money) -> String {
    let mut spent = Vec::new();
    if before > Money::ZERO {
        spent.push(format!("{} con richieste precedenti", before.format_it()));
    }
    if used > Money::ZERO {
        spent.push(format!("{} con documenti precedenti di questa richiesta", used.format_it()));
    }
    let after =
        if spent.is_empty() { String::new() } else { format!(", già rimborsati {}", spent.join(" e ")) };
    let quota = format!("quota del mese {} ({}{after})", d.month.format_it(), cap.format_it());
    if take == Money::ZERO {
        format!("Nessun rimborso su {}: la {quota} è esaurita", d.amount.format_it())
    } else {
        format!("Rimborsati {} su {}: è quanto restava della {quota}", take.format_it(), d.amount.format_it())
    }
}
