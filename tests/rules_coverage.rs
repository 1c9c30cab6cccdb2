//! Catala-style coverage: every built-in rule set, evaluated on every day it claims
//! to cover, gives an answer taken under that very set; on the day before it
//! starts and the day after it ends, the answer comes from another set or is the
//! typed error `no_rule_set`, never a silent default. Open-ended sets are walked
//! up to a horizon.

use chrono::{Duration, NaiveDate};
use sportello::catalog::rule_sets;
use sportello::dates::Month;
use sportello::rules::applications::Application;
use sportello::rules::b2;
use sportello::rules::eligibility::{self, Household, Isee, Measure, Member};
use sportello::rules::esf;
use sportello::rules::housing::{self, Stay, Unit, UnitState};
use sportello::rules::reimbursement::{self, Award, Claim, ExpenseDocument};
use sportello::rules::retention;
use sportello::rules::rule_set::{Kind, RuleSet};
use sportello::{Code, Money};

const HORIZON: &str = "2035-12-31";

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A household that needs the rules of `kind` to be answered on `on`: for misura
/// 6 a newborn, residence and a valid ISEE (so the cap is needed); for misura 7
/// three minors.
fn household(kind: Kind, on: NaiveDate, comune: &str) -> Household {
    let adult = Member {
        birth_date: on - Duration::days(40 * 365),
        invalidity_percent: 0,
        disability_certified: false,
    };
    let minor = |years: i64| Member {
        birth_date: on - Duration::days(years * 365),
        invalidity_percent: 0,
        disability_certified: false,
    };
    let (members, child) = match kind {
        Kind::AssegnoMaternita => (vec![adult, minor(0)], Some(on)),
        Kind::AssegnoTreFigli => (vec![adult, minor(3), minor(6), minor(9)], None),
        _ => (vec![adult, minor(5)], None),
    };
    Household {
        reference_date: on,
        comune: comune.to_string(),
        resident_since: Some(on - Duration::days(3 * 365)),
        other_subsidies: false,
        isee: Some(Isee { value: Money::from_cents(300_000), expires_on: on + Duration::days(30) }),
        urgent_need: None,
        child_birth_date: child,
        members,
    }
}

fn measure_of(kind: Kind) -> Measure {
    match kind {
        Kind::AssegnoMaternita => Measure::Misura6,
        Kind::AssegnoTreFigli => Measure::Misura7,
        _ => Measure::Misura1,
    }
}

/// The id of the set the answer on `on` was taken under, or the error code.
fn answer(set: &RuleSet, on: NaiveDate) -> Result<Vec<String>, Code> {
    let comune = set.comune.clone().unwrap_or_else(|| "F205".into());
    match set.kind {
        Kind::B2 => {
            let sets = rule_sets::builtin();
            let chosen = sets.covering(Kind::B2, &comune, on).map_err(|e| e.code)?;
            let app = Application {
                protocol: "X/1".into(),
                submitted_on: on,
                birth_date: d("1930-01-01"),
                isee: Some(Money::from_cents(1_000_000)),
                isee_expires_on: Some(on),
                resident: true,
                continuation: false,
                non_self_sufficient: true,
                independent_living: true,
                other_interventions: false,
                amount: Money::from_cents(100_000),
            };
            let mut ids = Vec::new();
            for m in chosen.b2().unwrap().measures.keys() {
                let r = b2::rank(std::slice::from_ref(&app), chosen, m, Money::from_cents(100_000))
                    .map_err(|e| e.code)?;
                assert_eq!(r.admitted().count() + r.not_admitted.len(), 1, "{} on {on}: no answer", set.id);
                ids.push(r.rule_set.id.clone());
            }
            Ok(ids)
        }
        Kind::RimborsoB2 => {
            // The set is chosen by the first day of the award's first month.
            let first = Month::of(on);
            let sets = rule_sets::builtin();
            let chosen = sets.covering(Kind::RimborsoB2, &comune, first.first_day()).map_err(|e| e.code)?;
            let mut ids = Vec::new();
            for m in chosen.rimborso_b2().unwrap().measures.keys() {
                let claim = Claim {
                    measure: m.clone(),
                    comune: comune.clone(),
                    funded: true,
                    award: Award {
                        amount: Money::from_cents(120_000),
                        first_month: first,
                        last_month: first.succ().unwrap(),
                    },
                    already_reimbursed: Vec::new(),
                    earlier_documents: Vec::new(),
                    documents: vec![ExpenseDocument {
                        id: "d1".into(),
                        kind: "busta_paga".into(),
                        issuer: "BRNGNN45C12F205U".into(),
                        number: "1".into(),
                        date: on,
                        month: first,
                        amount: Money::from_cents(100_000),
                    }],
                };
                let o = reimbursement::reimburse(&claim, sets).map_err(|e| e.code)?;
                assert_eq!(o.documents.len(), 1, "{} on {on}: no answer", set.id);
                ids.push(o.rule_set.id.clone());
            }
            Ok(ids)
        }
        Kind::FseIndicatori => {
            // A participant of whom only the entry date is known: the date alone
            // picks the set.
            let p = esf::Participant::unknown("p1", on);
            let r = esf::indicators(&[p], rule_sets::builtin()).map_err(|e| e.code)?;
            assert_eq!(r.participants, 1);
            Ok(r.rule_sets.iter().map(|x| x.id.clone()).collect())
        }
        Kind::FsePlusIndicatori => {
            // The same for a 2021-2027 programme's participant: the period is
            // the programme's, the date picks the set within it.
            let p = esf::Participant::unknown("p1", on);
            let r = esf::indicators_for(esf::Period::FsePlus2021, &[p], rule_sets::builtin())
                .map_err(|e| e.code)?;
            assert_eq!(r.output("EECO01").unwrap().counts.total, 1);
            Ok(r.rule_sets.iter().map(|x| x.id.clone()).collect())
        }
        Kind::ResidenzialitaTemporanea => {
            // The settings are those of the entry date: a stay entering that day,
            // planned for the longest stay they allow, is accepted under them.
            let settings = housing::settings(rule_sets::builtin(), &comune, on).map_err(|e| e.code)?;
            let unit = Unit { id: "a".into(), name: "Alloggio".into(), places: 2, state: UnitState::Attivo };
            let stay = Stay {
                id: "s".into(),
                unit: "a".into(),
                place: Some(1),
                household: "n".into(),
                people: 1,
                entry: on,
                planned_end: settings.latest_planned_end(on),
                exit: None,
            };
            housing::check_stay(&stay, &unit, &[], &settings).map_err(|e| e.code)?;
            Ok(vec![settings.rule_set.id])
        }
        Kind::DirittiInteressato => {
            // A request received that day: its terms are those in force on receipt.
            let t = sportello::domain::data_request::terms(rule_sets::builtin(), &comune, on)
                .map_err(|e| e.code)?;
            assert_eq!(t.answer_months, 1);
            Ok(vec![t.rule_set.id])
        }
        Kind::Conservazione => {
            // The schedule of the review day: every kind of record has a
            // term, and a record closed that long ago is due under it.
            let sched = retention::schedule(rule_sets::builtin(), &comune, on).map_err(|e| e.code)?;
            let records: Vec<retention::Record> = retention::RecordKind::ALL
                .iter()
                .map(|k| retention::Record { kind: *k, id: k.as_str().into(), closed_on: d("1900-01-01") })
                .collect();
            let due =
                retention::past_term(&records, rule_sets::builtin(), &comune, on).map_err(|e| e.code)?;
            assert_eq!(
                due.len(),
                retention::RecordKind::ALL.len(),
                "{} on {on}: a kind without a term",
                set.id
            );
            Ok(vec![sched.rule_set.id])
        }
        kind => {
            let h = household(kind, on, &comune);
            let r = eligibility::evaluate(&h, rule_sets::builtin()).map_err(|e| e.code)?;
            assert_eq!(r.measures.len(), 7);
            Ok(r.get(measure_of(kind)).rule_sets.iter().map(|x| x.id.clone()).collect())
        }
    }
}

#[test]
fn every_rule_set_answers_every_day_it_covers_and_no_other() {
    let sets = rule_sets::builtin();
    let mut days = 0;
    for set in sets.iter() {
        let end = sets.effective_end(&set.id).unwrap_or_else(|| d(HORIZON));
        let mut on = set.valid_from;
        while on <= end {
            let ids = answer(set, on).unwrap_or_else(|c| panic!("{}: no answer on {on}: {c:?}", set.id));
            assert!(ids.contains(&set.id), "{} on {on}: decided under {ids:?}", set.id);
            assert!(!ids.is_empty(), "{} on {on}: decision names no rule set", set.id);
            on += Duration::days(1);
            days += 1;
        }
        for outside in [set.valid_from.pred_opt().unwrap(), end.succ_opt().unwrap()] {
            if outside > d(HORIZON) {
                continue;
            }
            match answer(set, outside) {
                Ok(ids) => {
                    assert!(!ids.contains(&set.id), "{} answers on {outside}, outside its period", set.id)
                }
                Err(code) => assert_eq!(code, Code::NoRuleSet, "{} on {outside}", set.id),
            }
        }
    }
    assert!(days > 6000, "only {days} days walked");
}

#[test]
fn the_gaps_are_typed_errors() {
    // Before 2019 no set covers misure 1-5 in Milano; no maternity cap for 2024 or
    // 2027; no misura-7 set before 2019; no B2 reimbursement rules before 2019;
    // no ESF indicators before 2014, no ESF+ ones before 2021; no housing settings before September 2017.
    let sets = rule_sets::builtin();
    for (kind, day) in [
        (Kind::SostegnoReddito, "2018-12-31"),
        (Kind::AssegnoMaternita, "2024-12-31"),
        (Kind::AssegnoMaternita, "2027-01-01"),
        (Kind::AssegnoTreFigli, "2018-12-31"),
        (Kind::B2, "2020-01-01"),
        (Kind::RimborsoB2, "2018-12-31"),
        (Kind::FseIndicatori, "2013-12-31"),
        (Kind::FsePlusIndicatori, "2020-12-31"),
        (Kind::ResidenzialitaTemporanea, "2017-08-31"),
        (Kind::DirittiInteressato, "2018-05-24"),
        (Kind::Conservazione, "2018-05-24"),
    ] {
        let e = sets.covering(kind, "F205", d(day)).unwrap_err();
        assert_eq!(e.code, Code::NoRuleSet, "{kind:?} {day}");
        assert!(e.message.contains(&sportello::dates::format_it(d(day))), "{}", e.message);
    }
    let e =
        eligibility::evaluate(&household(Kind::AssegnoMaternita, d("2027-01-01"), "F205"), sets).unwrap_err();
    assert_eq!(e.code, Code::NoRuleSet);
    assert!(e.message.contains("2027"), "{}", e.message);
}

/// The retention schedule (issue 16 item 4): dated, cited, a term for every
/// kind of record, each term naming an act with a title.
#[test]
fn the_retention_schedule_is_dated_cited_and_covers_every_kind_of_record() {
    let sets = rule_sets::builtin();
    let schedules: Vec<&RuleSet> = sets.iter().filter(|s| s.kind == Kind::Conservazione).collect();
    assert!(!schedules.is_empty());
    for set in schedules {
        assert!(set.source.as_deref().is_some_and(|s| s.contains("2016/679")), "{}", set.id);
        let sched = retention::Schedule::from_rule_set(set).unwrap();
        let kinds: Vec<_> = sched.terms.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, retention::RecordKind::ALL.to_vec(), "{}", set.id);
        for t in &sched.terms {
            assert!(t.years >= 1 && !t.act.title.trim().is_empty(), "{} {t:?}", set.id);
        }
    }
}
