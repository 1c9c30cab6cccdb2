//! Which rules a new call starts from: the B2 rule set in force on the day the
//! call is created (the date is a parameter: the service gives today). When
//! none is in force, no rules are proposed, and the answer says so in words:
//! a call of 2026 must not start, unnoticed, from the rules and the
//! collection dates of 2019.

use chrono::NaiveDate;
use serde::Serialize;

use crate::dates::format_it;
use crate::rules::rule_set::{Kind, RuleSet, RuleSets};

/// One B2 rule set a call may be run under, as the form shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallRules {
    pub id: String,
    pub version: u32,
    /// "Misura B2 anziani e disabili — raccolta 2019".
    pub title: String,
    pub valid_from: NaiveDate,
    /// The last day it covers (None: until a later set replaces it).
    pub valid_to: Option<NaiveDate>,
    /// The collection window the call takes from it.
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    /// The issuing office (the call's office when the form leaves it empty).
    pub office: String,
    /// The measures it ranks: `[id, title]`.
    pub measures: Vec<(String, String)>,
    /// It covers the day asked about.
    pub in_force: bool,
}

/// The rule sets a new call may use on `on`, newest first, and the one it
/// starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewCallRules {
    pub on: NaiveDate,
    pub rule_sets: Vec<CallRules>,
    /// The id of the set in force on `on`; None when no set covers it.
    pub default_rule_set: Option<String>,
    /// Italian, for the form: why nothing is proposed, and what to do.
    pub note: Option<String>,
}

fn rules_of(sets: &RuleSets, set: &RuleSet, on: NaiveDate) -> Option<CallRules> {
    let b2 = set.b2()?;
    let valid_to = sets.effective_end(&set.id);
    let (window_from, window_to) = b2.window.value;
    Some(CallRules {
        id: set.id.clone(),
        version: set.version,
        title: set.title.clone(),
        valid_from: set.valid_from,
        valid_to,
        window_from,
        window_to,
        office: b2.office.clone(),
        measures: b2.measures.values().map(|m| (m.id.clone(), m.title.clone())).collect(),
        in_force: set.valid_from <= on && valid_to.is_none_or(|end| on <= end),
    })
}

/// The B2 rule sets of `comune` (or national ones), newest first; the one in
/// force on `on` is the default. Without one, `note` says which set came last
/// (or comes next) and that a new call needs its own rules.
pub fn new_call_rules(sets: &RuleSets, comune: &str, on: NaiveDate) -> NewCallRules {
    let mut rule_sets: Vec<CallRules> = sets
        .iter()
        .filter(|s| s.kind == Kind::B2 && s.comune.as_deref().is_none_or(|c| c == comune))
        .filter_map(|s| rules_of(sets, s, on))
        .collect();
    rule_sets.sort_by(|a, b| (b.valid_from, &b.id).cmp(&(a.valid_from, &a.id)));
    let default_rule_set = sets.covering(Kind::B2, comune, on).ok().map(|s| s.id.clone());
    let note = match &default_rule_set {
        Some(_) => None,
        None => Some(no_rules_note(&rule_sets, on)),
    };
    NewCallRules { on, rule_sets, default_rule_set, note }
}

fn no_rules_note(rule_sets: &[CallRules], on: NaiveDate) -> String {
    let head = format!("Nessun insieme di regole della Misura B2 è in vigore al {}", format_it(on));
    let what =
        "Per un nuovo avviso l'amministratore aggiunge il file delle sue regole (periodo di raccolta, \
                tetto ISEE, punteggi) nella cartella dati, sotto rules/";
    let last =
        rule_sets.iter().filter(|r| r.valid_to.is_some_and(|end| end < on)).max_by_key(|r| r.valid_from);
    let next = rule_sets.iter().filter(|r| r.valid_from > on).min_by_key(|r| r.valid_from);
    let window = |r: &CallRules| {
        format!("raccolta delle domande dal {} al {}", format_it(r.window_from), format_it(r.window_to))
    };
    match (last, next) {
        (_, Some(n)) => format!(
            "{head}: il prossimo, «{}», vale dal {} ({}). {what}; per registrare un avviso già svolto, sceglierne \
             le regole qui sotto.",
            n.title,
            format_it(n.valid_from),
            window(n)
        ),
        (Some(l), None) => format!(
            "{head}: l'ultimo, «{}», valeva fino al {} ({}). {what}; per registrare un avviso già svolto, \
             sceglierne le regole qui sotto.",
            l.title,
            format_it(l.valid_to.expect("ended")),
            window(l)
        ),
        (None, None) => format!("{head}. {what}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::rule_sets::builtin;

    fn d(s: &str) -> NaiveDate {
        crate::dates::parse_iso("date", s).unwrap()
    }

    #[test]
    fn a_call_created_in_2019_starts_from_the_2019_rules() {
        let r = new_call_rules(builtin(), "F205", d("2019-01-15"));
        assert_eq!(r.default_rule_set.as_deref(), Some("milano-b2-2019"));
        assert_eq!(r.note, None);
        let set = &r.rule_sets[0];
        assert!(set.in_force);
        assert_eq!((set.window_from, set.window_to), (d("2019-02-01"), d("2019-05-31")));
        assert_eq!(set.measures.len(), 2);
    }

    #[test]
    fn in_2026_nothing_is_proposed_and_the_note_says_why() {
        let r = new_call_rules(builtin(), "F205", d("2026-11-20"));
        assert_eq!(r.default_rule_set, None);
        assert!(r.rule_sets.iter().all(|s| !s.in_force));
        // The 2019 set stays available, to record a past call on purpose.
        assert!(r.rule_sets.iter().any(|s| s.id == "milano-b2-2019"));
        let note = r.note.unwrap();
        assert!(
            note.starts_with("Nessun insieme di regole della Misura B2 è in vigore al 20/11/2026"),
            "{note}"
        );
        assert!(note.contains("valeva fino al 31/12/2019"), "{note}");
        assert!(note.contains("dal 01/02/2019 al 31/05/2019"), "{note}");
        assert!(!note.contains("milano-b2-2019"), "the set by its title, not its id: {note}");
    }

    #[test]
    fn before_any_rules_the_note_names_the_next_set() {
        let r = new_call_rules(builtin(), "F205", d("2018-06-01"));
        assert_eq!(r.default_rule_set, None);
        assert!(r
            .note
            .unwrap()
            .contains("il prossimo, «Misura B2 anziani e disabili — raccolta 2019», vale dal 01/01/2019"));
    }

    #[test]
    fn another_comune_has_no_b2_rules() {
        let r = new_call_rules(builtin(), "I690", d("2019-03-01"));
        assert!(r.rule_sets.is_empty());
        assert_eq!(r.default_rule_set, None);
        let note = r.note.unwrap();
        assert!(note.ends_with("sotto rules/."), "{note}");
    }
}
