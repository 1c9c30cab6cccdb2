//! The ranking of a B2 call: admitted applications by score (exact), ties broken
//! by the measure's keys in the rule set's order, funded down to the budget; the
//! not admitted with their reasons, in input order.

use std::cmp::Ordering;
use std::collections::HashSet;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::budget;
use super::score::{assess, published, shown, Assessment, ScoreParts, PUBLISHED_DECIMALS};
use crate::error::{Code, Error, Result};
use crate::money::Money;
use crate::rules::applications::Application;
use crate::rules::rule_set::{RuleSet, RuleSetRef, TieBreak};
use crate::rules::ReasonCode;
use crate::table::{Table, Value};

/// An admitted application in its place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked {
    /// 1, 2, 3 … across funded then admitted-not-funded.
    pub position: u32,
    pub protocol: String,
    /// Exact score; [`Ranked::score_shown`] is the published form.
    pub score: Decimal,
    pub parts: ScoreParts,
    pub amount: Money,
    /// With the same score as the one before it: the first key that put this one
    /// after it. Lets the office defend every position.
    pub tie_break: Option<TieBreak>,
}

impl Ranked {
    pub fn score_shown(&self) -> String {
        shown(self.score)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotAdmitted {
    pub protocol: String,
    pub reasons: Vec<ReasonCode>,
}

/// The three lists of a call (rules.md §4; seed `002_…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranking {
    pub rule_set: RuleSetRef,
    /// `b2-anziani`, `b2-disabili`.
    pub measure: String,
    pub budget: Money,
    pub allocated: Money,
    pub remaining: Money,
    /// Ammessi e finanziati.
    pub funded: Vec<Ranked>,
    /// Ammessi non finanziati.
    pub admitted_not_funded: Vec<Ranked>,
    /// Non ammessi, in input order.
    pub not_admitted: Vec<NotAdmitted>,
}

impl Ranking {
    /// Funded then admitted-not-funded, in position order.
    pub fn admitted(&self) -> impl Iterator<Item = &Ranked> {
        self.funded.iter().chain(&self.admitted_not_funded)
    }
}

fn by_key(a: &Application, b: &Application, key: TieBreak) -> Ordering {
    match key {
        // false (no other interventions) before true.
        TieBreak::WithoutOtherInterventions => a.other_interventions.cmp(&b.other_interventions),
        TieBreak::BirthDate => a.birth_date.cmp(&b.birth_date),
        TieBreak::SubmissionDate => a.submitted_on.cmp(&b.submitted_on),
        // Text order of the protocol (byte order of UTF-8, i.e. code points).
        TieBreak::Protocol => a.protocol.cmp(&b.protocol),
    }
}

/// Scores, orders and funds `applications` under the call `set` for `measure`.
pub fn rank(applications: &[Application], set: &RuleSet, measure: &str, budget: Money) -> Result<Ranking> {
    let rules = set.b2().ok_or_else(|| {
        Error::new(Code::NoRuleSet, format!("«{}» non è un insieme di regole della Misura B2", set.id))
            .with_field("rule_set")
    })?;
    let m = rules.measure(measure)?;
    let mut protocols = HashSet::with_capacity(applications.len());
    for a in applications {
        if !protocols.insert(a.protocol.as_str()) {
            return Err(Error::invalid(
                "protocol",
                format!("protocollo «{}» presente più di una volta", a.protocol),
            ));
        }
        if a.amount.is_negative() {
            return Err(Error::invalid("amount", format!("domanda {}: importo negativo", a.protocol)));
        }
    }
    let mut admitted: Vec<(usize, ScoreParts, Decimal)> = Vec::with_capacity(applications.len());
    let mut not_admitted = Vec::new();
    for (i, a) in applications.iter().enumerate() {
        match assess(a, rules, m) {
            Assessment::Admitted(parts) => admitted.push((i, parts, parts.total())),
            Assessment::NotAdmitted(reasons) => {
                not_admitted.push(NotAdmitted { protocol: a.protocol.clone(), reasons })
            }
        }
    }
    let keys = &m.tie_breaks.value;
    let order = |x: &(usize, ScoreParts, Decimal), y: &(usize, ScoreParts, Decimal)| {
        y.2.cmp(&x.2).then_with(|| {
            let (a, b) = (&applications[x.0], &applications[y.0]);
            keys.iter().map(|k| by_key(a, b, *k)).find(|o| o.is_ne()).unwrap_or(Ordering::Equal)
        })
    };
    // The keys end with the (unique) protocol: the order is total, so an unstable
    // sort gives the same result whatever the input order.
    admitted.sort_unstable_by(order);
    let walk = budget::walk(admitted.iter().map(|x| applications[x.0].amount), budget)?;
    let mut funded = Vec::with_capacity(walk.funded);
    let mut not_funded = Vec::with_capacity(admitted.len() - walk.funded);
    for (pos, x) in admitted.iter().enumerate() {
        let a = &applications[x.0];
        let tie_break = if pos > 0 && admitted[pos - 1].2 == x.2 {
            let prev = &applications[admitted[pos - 1].0];
            keys.iter().copied().find(|k| by_key(prev, a, *k).is_ne())
        } else {
            None
        };
        let r = Ranked {
            position: pos as u32 + 1,
            protocol: a.protocol.clone(),
            score: x.2,
            parts: x.1,
            amount: a.amount,
            tie_break,
        };
        if pos < walk.funded {
            funded.push(r);
        } else {
            not_funded.push(r);
        }
    }
    Ok(Ranking {
        rule_set: set.reference(),
        measure: measure.to_string(),
        budget,
        allocated: walk.allocated,
        remaining: walk.remaining,
        funded,
        admitted_not_funded: not_funded,
        not_admitted,
    })
}

/// The ranking as a table for the office (not for publication: it carries the
/// points by criterion and the reasons). One row per application: funded and
/// admitted in position order, then the not admitted in input order. Written
/// as CSV ([`office_csv`]) or XLSX (`sportello::xlsx`), with the same rows.
pub fn office_table(r: &Ranking) -> Table {
    let mut t = Table::new(
        "Graduatoria",
        &[
            "posizione",
            "protocollo",
            "esito",
            "punteggio",
            "punteggio_esatto",
            "punti_completamento",
            "punti_isee",
            "punti_aggiuntivi",
            "spareggio",
            "importo",
            "motivi",
            "regole",
        ],
    );
    let rules = r.rule_set.to_string();
    let exact = |d: Decimal| {
        let d = d.normalize();
        Value::Decimal { value: d, decimals: d.scale() }
    };
    for (status, list) in
        [("ammessa e finanziata", &r.funded), ("ammessa non finanziata", &r.admitted_not_funded)]
    {
        for x in list {
            let tie = x.tie_break.map(|t| t.label().to_string()).unwrap_or_default();
            t.push(vec![
                Value::Integer(i64::from(x.position)),
                Value::text(&x.protocol),
                Value::text(status),
                Value::Decimal { value: published(x.score), decimals: PUBLISHED_DECIMALS },
                exact(x.score),
                exact(x.parts.continuation),
                exact(x.parts.isee),
                exact(x.parts.bonus),
                Value::Text(tie),
                Value::Money(x.amount),
                Value::Empty,
                Value::text(&rules),
            ]);
        }
    }
    for x in &r.not_admitted {
        let reasons: Vec<&str> = x.reasons.iter().map(|c| c.as_str()).collect();
        let mut row = vec![Value::Empty, Value::text(&x.protocol), Value::text("non ammessa")];
        row.extend((0..7).map(|_| Value::Empty));
        row.extend([Value::Text(reasons.join(" ")), Value::text(&rules)]);
        t.push(row);
    }
    t
}

/// [`office_table`] as the CSV an Italian spreadsheet opens (`;`, decimal comma, BOM).
pub fn office_csv(r: &Ranking) -> Vec<u8> {
    // Writing to memory fails only on a bug of the csv crate.
    office_table(r).to_csv().unwrap_or_default()
}
