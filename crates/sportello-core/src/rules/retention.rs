//! Retention (GDPR art. 5(1)(e); issue 16 item 4): which records are past
//! their term under the retention schedule (`tipo = "conservazione"`).
//!
//! A pure function of the records' closing days, the schedule and the day of
//! the review: the schedule is the one in force on that day (a massimario di
//! scarto is applied as it stands when the office reviews its archive, not as
//! it stood when a case closed); a day no schedule covers is
//! `Code::NoRuleSet`, never a term of zero. A record is kept through the
//! anniversary of its closing day `years` later (29 February: 28 February)
//! and is past its term from the day after.
//!
//! What "closing day" means for each kind is the caller's (the storage reads
//! it, `docs/ipc.md`, "retention_due"); the schedule's notes say it in words.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::rules::rule_set::{Act, Conservazione, Kind, Param, RuleSet, RuleSetRef, RuleSets};

/// The kinds of record the schedule gives a term to. The codes are stable
/// (stored in the erasure reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A case (household) with everything of it.
    Fascicolo,
    /// An application to a call.
    Domanda,
    /// A published ranking (its names).
    Graduatoria,
    /// A reimbursement file.
    Rimborso,
    /// A stay in temporary housing.
    Inserimento,
    /// The access log's rows.
    RegistroAccessi,
}

impl RecordKind {
    pub const ALL: [RecordKind; 6] = [
        RecordKind::Fascicolo,
        RecordKind::Domanda,
        RecordKind::Graduatoria,
        RecordKind::Rimborso,
        RecordKind::Inserimento,
        RecordKind::RegistroAccessi,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Fascicolo => "fascicolo",
            RecordKind::Domanda => "domanda",
            RecordKind::Graduatoria => "graduatoria",
            RecordKind::Rimborso => "rimborso",
            RecordKind::Inserimento => "inserimento",
            RecordKind::RegistroAccessi => "registro_accessi",
        }
    }
    pub fn parse(s: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// What an operator reads.
    pub fn italian(self) -> &'static str {
        match self {
            RecordKind::Fascicolo => "fascicolo chiuso",
            RecordKind::Domanda => "domanda a un avviso",
            RecordKind::Graduatoria => "graduatoria pubblicata",
            RecordKind::Rimborso => "pratica di rimborso",
            RecordKind::Inserimento => "inserimento in alloggio temporaneo",
            RecordKind::RegistroAccessi => "registro degli accessi",
        }
    }
}

/// One record and the day it closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub kind: RecordKind,
    pub id: String,
    pub closed_on: NaiveDate,
}

/// One entry of the schedule: the term of a kind, with its act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub kind: RecordKind,
    pub years: u32,
    /// The parameter's name in the file (`fascicolo_chiuso_anni`).
    pub entry: String,
    pub act: Act,
    pub note: Option<String>,
}

/// The schedule in force on a day, with the set it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    pub rule_set: RuleSetRef,
    /// What people read instead of the id.
    pub rule_set_title: String,
    pub terms: Vec<Term>,
}

fn term(kind: RecordKind, p: &Param<u32>) -> Term {
    Term { kind, years: p.value, entry: p.name.clone(), act: p.act.clone(), note: p.note.clone() }
}

impl Schedule {
    /// The schedule of a `conservazione` set (None for another kind).
    pub fn from_rule_set(set: &RuleSet) -> Option<Schedule> {
        let c: &Conservazione = set.conservazione()?;
        // Exhaustive by construction: one parameter per kind, and
        // `RecordKind::ALL` in the same order (a test holds them together).
        let terms = vec![
            term(RecordKind::Fascicolo, &c.closed_case_years),
            term(RecordKind::Domanda, &c.application_years),
            term(RecordKind::Graduatoria, &c.ranking_years),
            term(RecordKind::Rimborso, &c.reimbursement_years),
            term(RecordKind::Inserimento, &c.housing_stay_years),
            term(RecordKind::RegistroAccessi, &c.access_log_years),
        ];
        Some(Schedule { rule_set: set.reference(), rule_set_title: set.title.clone(), terms })
    }

    pub fn term(&self, kind: RecordKind) -> &Term {
        self.terms.iter().find(|t| t.kind == kind).expect("every kind has a term")
    }

    /// The last day a record closed on `closed_on` is kept.
    pub fn kept_until(&self, kind: RecordKind, closed_on: NaiveDate) -> NaiveDate {
        closed_on.checked_add_months(Months::new(self.term(kind).years * 12)).unwrap_or(NaiveDate::MAX)
    }
}

/// The schedule in force on `on` (national sets cover every comune).
pub fn schedule(rules: &RuleSets, comune: &str, on: NaiveDate) -> Result<Schedule> {
    let set = rules.covering(Kind::Conservazione, comune, on).map_err(|e| e.with_field("today"))?;
    Ok(Schedule::from_rule_set(set).expect("covering returns the requested kind"))
}

/// A record past its term on the day of the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    pub record: Record,
    /// The last day it was to be kept.
    pub kept_until: NaiveDate,
    pub term: Term,
}

/// The records past their term on `today` under the schedule in force that
/// day, oldest term first (then kind and id, for a stable list).
pub fn past_term(records: &[Record], rules: &RuleSets, comune: &str, today: NaiveDate) -> Result<Vec<Due>> {
    let schedule = schedule(rules, comune, today)?;
    Ok(past_term_under(records, &schedule, today))
}

/// [`past_term`] under a schedule already chosen.
pub fn past_term_under(records: &[Record], schedule: &Schedule, today: NaiveDate) -> Vec<Due> {
    let mut due: Vec<Due> = records
        .iter()
        .filter_map(|r| {
            let kept_until = schedule.kept_until(r.kind, r.closed_on);
            (today > kept_until).then(|| Due {
                record: r.clone(),
                kept_until,
                term: schedule.term(r.kind).clone(),
            })
        })
        .collect();
    due.sort_by(|a, b| {
        (a.kept_until, a.record.kind, &a.record.id).cmp(&(b.kept_until, b.record.kind, &b.record.id))
    });
    due
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::rule_sets;
    use crate::error::Code;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_kind_has_a_term_with_its_act() {
        let s = schedule(rule_sets::builtin(), "F205", d("2026-12-02")).unwrap();
        assert_eq!(s.terms.iter().map(|t| t.kind).collect::<Vec<_>>(), RecordKind::ALL.to_vec());
        for t in &s.terms {
            assert!(t.years >= 1, "{t:?}");
            assert!(!t.act.title.trim().is_empty());
            assert!(t.note.as_deref().is_some_and(|n| !n.trim().is_empty()), "{t:?}");
            assert_eq!(RecordKind::parse(t.kind.as_str()), Some(t.kind));
        }
        assert_eq!(s.term(RecordKind::Rimborso).years, 10);
        assert!(s.term(RecordKind::Rimborso).act.title.contains("2220"));
    }

    #[test]
    fn a_record_is_kept_through_the_anniversary_and_due_the_day_after() {
        let sets = rule_sets::builtin();
        let r = |kind, id: &str, closed: &str| Record { kind, id: id.into(), closed_on: d(closed) };
        let records = vec![
            r(RecordKind::Fascicolo, "h1", "2015-03-10"),
            r(RecordKind::Fascicolo, "h2", "2016-03-10"),
            r(RecordKind::Domanda, "a1", "2020-06-30"),
            r(RecordKind::RegistroAccessi, "log", "2024-02-29"),
        ];
        assert!(past_term(&records, sets, "F205", d("2025-03-10")).unwrap().is_empty());
        let due = past_term(&records, sets, "F205", d("2025-03-11")).unwrap();
        assert_eq!(due.iter().map(|x| x.record.id.as_str()).collect::<Vec<_>>(), ["h1"]);
        assert_eq!(due[0].kept_until, d("2025-03-10"));
        assert_eq!(due[0].term.entry, "fascicolo_chiuso_anni");
        let due = past_term(&records, sets, "F205", d("2026-03-01")).unwrap();
        assert_eq!(due.iter().map(|x| x.record.id.as_str()).collect::<Vec<_>>(), ["h1", "a1", "log"]);
        // 29 February plus two years: kept through 28 February.
        assert_eq!(due[2].kept_until, d("2026-02-28"));
        let due = past_term(&records, sets, "F205", d("2026-03-11")).unwrap();
        assert_eq!(due.len(), 4);
    }

    #[test]
    fn a_day_no_schedule_covers_is_an_error_never_a_zero_term() {
        let records = [Record { kind: RecordKind::Fascicolo, id: "h".into(), closed_on: d("2000-01-01") }];
        let e = past_term(&records, rule_sets::builtin(), "F205", d("2018-05-24")).unwrap_err();
        assert_eq!(e.code, Code::NoRuleSet);
        assert_eq!(e.field.as_deref(), Some("today"));
    }
}
