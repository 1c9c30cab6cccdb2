//! The rule sets in force together: no duplicate id, no overlapping periods, and
//! the one set that covers a date.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::model::*;
use crate::dates;
use crate::error::{Code, Error, Result};

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
