//! Properties of the ESF indicators over random participants: counts add up by
//! sex, nobody counts twice for a code, the order of the list does not matter,
//! and the indicators that are parts of others stay inside them.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use sportello_core::catalog::rule_sets;
use sportello_core::rules::esf::{self, ExitStatus, Isced, LabourStatus, Participant, Report, Sex};

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2014, 1, 1).unwrap() + Duration::days(offset)
}

fn tri() -> impl Strategy<Value = Option<bool>> {
    prop_oneof![Just(None), Just(Some(false)), Just(Some(true))]
}

fn participant(id: usize, sex: impl Strategy<Value = Option<Sex>>) -> impl Strategy<Value = Participant> {
    let who = (
        sex,
        // Entry from 1 January 2014 to the end of 2026, around the Omnibus date too.
        prop_oneof![0i64..4748, 1600i64..1700],
        proptest::option::of(0i64..90 * 366),
        proptest::option::of(prop_oneof![
            Just(LabourStatus::Occupato),
            Just(LabourStatus::Disoccupato),
            Just(LabourStatus::Inattivo)
        ]),
        proptest::option::of(0i64..800),
        tri(),
        proptest::option::of(0u8..=8),
    );
    let flags = proptest::collection::vec(tri(), 8);
    let exit = proptest::option::of((0i64..900, proptest::option::of(0usize..5)));
    (who, flags, exit).prop_map(move |((sex, entry, age_days, labour, since, edu, isced), f, exit)| {
        let entry_date = day(entry);
        Participant {
            id: format!("p{id}"),
            sex,
            birth_date: age_days.map(|a| entry_date - Duration::days(a)),
            entry_date,
            labour_status: labour,
            unemployed_since: since.map(|s| entry_date - Duration::days(s)),
            in_education: edu,
            isced: isced.and_then(Isced::new),
            foreign_background: f[0],
            disability: f[1],
            other_disadvantaged: f[2],
            homeless: f[3],
            rural: f[4],
            household_jobless: f[5],
            dependent_children: f[6],
            single_adult: f[7],
            third_country_national: None,
            minority: None,
            exit_date: exit.map(|(after, _)| entry_date + Duration::days(after)),
            exit_status: exit.and_then(|(_, s)| s.map(|i| ExitStatus::ALL[i])),
        }
    })
}

fn any_sex() -> impl Strategy<Value = Option<Sex>> {
    prop_oneof![Just(None), Just(Some(Sex::F)), Just(Some(Sex::M))]
}

fn known_sex() -> impl Strategy<Value = Option<Sex>> {
    prop_oneof![Just(Some(Sex::F)), Just(Some(Sex::M))]
}

fn people(sex: fn() -> BoxedStrategy<Option<Sex>>) -> impl Strategy<Value = Vec<Participant>> {
    (0usize..25).prop_flat_map(move |n| (0..n).map(|i| participant(i, sex())).collect::<Vec<_>>())
}

fn report(ps: &[Participant]) -> Report {
    esf::indicators(ps, rule_sets::builtin()).unwrap()
}

fn yes(r: &Report, code: &str) -> usize {
    r.output(code).or_else(|| r.result(code)).unwrap().counts.total
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn with_every_sex_known_the_total_is_f_plus_m(ps in people(|| known_sex().boxed())) {
        let r = report(&ps);
        for l in r.outputs.iter().chain(&r.results) {
            prop_assert_eq!(l.counts.total, l.counts.f + l.counts.m, "{}", l.code);
        }
    }

    #[test]
    fn nobody_counts_twice_for_a_code(ps in people(|| any_sex().boxed())) {
        let r = report(&ps);
        prop_assert_eq!(r.participants, ps.len());
        for l in &r.outputs {
            prop_assert!(l.counts.total + l.missing <= l.considered, "{}: {:?}", l.code, l);
            prop_assert!(l.considered <= r.participants, "{}", l.code);
            prop_assert!(l.counts.f + l.counts.m <= l.counts.total, "{}", l.code);
        }
        for l in &r.results {
            prop_assert!(l.counts.total + l.missing <= l.considered, "{}", l.code);
            prop_assert!(l.considered <= r.exited, "{}", l.code);
        }
        // CO01, CO03 and CO05 split the known labour statuses: together at most everyone.
        let labour: usize = ["CO01", "CO03", "CO05"].iter().map(|c| yes(&r, c)).sum();
        prop_assert!(labour + r.output("CO01").unwrap().missing <= r.participants);
    }

    #[test]
    fn the_order_of_the_participants_does_not_matter(
        (ps, shuffled) in people(|| any_sex().boxed()).prop_flat_map(|ps| {
            let s = Just(ps.clone()).prop_shuffle();
            (Just(ps), s)
        })
    ) {
        prop_assert_eq!(report(&ps), report(&shuffled));
    }

    #[test]
    fn parts_stay_inside_their_whole(p in participant(0, any_sex())) {
        // One participant at a time: a count of 1 is that participant's "yes".
        let r = report(std::slice::from_ref(&p));
        for (part, whole) in [("CO02", "CO01"), ("CO04", "CO03"), ("CO08", "CO07"), ("CO13", "CO12")] {
            prop_assert!(yes(&r, part) <= yes(&r, whole), "{part} without {whole}: {p:?}");
        }
        let exited_somewhere: usize = ["CR01", "CR02", "CR03", "CR04"].iter().map(|c| yes(&r, c)).sum();
        prop_assert!(yes(&r, "CR05") <= exited_somewhere, "{p:?}");
        prop_assert!(exited_somewhere <= 1);
    }

    #[test]
    fn the_json_input_reads_back_what_was_written(ps in people(|| any_sex().boxed())) {
        let text = serde_json::json!({ "participants": ps }).to_string();
        prop_assert_eq!(esf::parse_participants_json(&text).unwrap(), ps);
    }
}
