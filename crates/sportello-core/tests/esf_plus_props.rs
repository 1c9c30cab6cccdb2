//! Properties of the ESF+ 2021-2027 indicators (Reg. UE 2021/1057, Allegato I)
//! over random participants of a 2021-2027 programme: the same as the
//! 2014-2020 ones (`esf_props.rs`): counts add up by sex, nobody counts twice
//! for a code, the order of the list does not matter, the parts stay inside
//! their whole; and the age bands and the labour statuses do not overlap.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use sportello_core::catalog::rule_sets;
use sportello_core::rules::esf::{self, ExitStatus, Isced, LabourStatus, Participant, Period, Report, Sex};

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 1, 1).unwrap() + Duration::days(offset)
}

fn tri() -> impl Strategy<Value = Option<bool>> {
    prop_oneof![Just(None), Just(Some(false)), Just(Some(true))]
}

fn participant(id: usize, sex: impl Strategy<Value = Option<Sex>>) -> impl Strategy<Value = Participant> {
    let who = (
        sex,
        // Entry from 1 January 2021 to the end of 2029.
        0i64..3287,
        // Ages around the bands' edges (17/18, 29/30, 54/55) and anywhere.
        proptest::option::of(prop_oneof![
            0i64..90 * 366,
            17 * 365i64..19 * 366,
            29 * 365i64..31 * 366,
            54 * 365i64..56 * 366
        ]),
        proptest::option::of(prop_oneof![
            Just(LabourStatus::Occupato),
            Just(LabourStatus::Disoccupato),
            Just(LabourStatus::Inattivo)
        ]),
        proptest::option::of(0i64..800),
        tri(),
        proptest::option::of(0u8..=8),
    );
    let flags = proptest::collection::vec(tri(), 10);
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
            third_country_national: f[8],
            minority: f[9],
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
    esf::indicators_for(Period::FsePlus2021, ps, rule_sets::builtin()).unwrap()
}

fn yes(r: &Report, code: &str) -> usize {
    r.output(code).or_else(|| r.result(code)).unwrap().counts.total
}

fn missing(r: &Report, code: &str) -> usize {
    r.output(code).or_else(|| r.result(code)).unwrap().missing
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn with_every_sex_known_the_total_is_f_plus_m(ps in people(|| known_sex().boxed())) {
        let r = report(&ps);
        prop_assert_eq!(r.period, Period::FsePlus2021);
        for l in r.outputs.iter().chain(&r.results) {
            prop_assert_eq!(l.counts.total, l.counts.f + l.counts.m, "{}", l.code);
        }
    }

    #[test]
    fn nobody_counts_twice_for_a_code(ps in people(|| any_sex().boxed())) {
        let r = report(&ps);
        prop_assert_eq!(r.participants, ps.len());
        // EECO01 is everyone, without unknowns.
        prop_assert_eq!(yes(&r, "EECO01"), ps.len());
        prop_assert_eq!(missing(&r, "EECO01"), 0);
        for l in &r.outputs {
            prop_assert!(l.counts.total + l.missing <= l.considered, "{}: {:?}", l.code, l);
            prop_assert!(l.considered <= r.participants, "{}", l.code);
            prop_assert!(l.counts.f + l.counts.m <= l.counts.total, "{}", l.code);
        }
        for l in &r.results {
            prop_assert!(l.counts.total + l.missing <= l.considered, "{}", l.code);
            prop_assert!(l.considered <= r.exited, "{}", l.code);
        }
        // EECO02, EECO04 and EECO05 split the known labour statuses.
        let labour: usize = ["EECO02", "EECO04", "EECO05"].iter().map(|c| yes(&r, c)).sum();
        prop_assert!(labour + missing(&r, "EECO02") <= r.participants);
        // The age bands do not overlap; the ISCED bands neither.
        let ages: usize = ["EECO06", "EECO07", "EECO08"].iter().map(|c| yes(&r, c)).sum();
        prop_assert!(ages + missing(&r, "EECO06") <= r.participants);
        let isced: usize = ["EECO09", "EECO10", "EECO11"].iter().map(|c| yes(&r, c)).sum();
        prop_assert_eq!(isced + missing(&r, "EECO09"), r.participants);
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
        let r = report(std::slice::from_ref(&p));
        prop_assert!(yes(&r, "EECO03") <= yes(&r, "EECO02"), "EECO03 without EECO02: {p:?}");
        let exited_somewhere: usize = ["EECR01", "EECR02", "EECR03", "EECR04"].iter().map(|c| yes(&r, c)).sum();
        prop_assert!(exited_somewhere <= 1);
    }

    #[test]
    fn an_entry_before_2021_is_an_error_never_a_zero(
        mut ps in people(|| any_sex().boxed()).prop_filter("someone", |ps| !ps.is_empty()),
        back in 1i64..3000,
    ) {
        ps[0].entry_date = day(-back);
        ps[0].birth_date = None;
        ps[0].unemployed_since = None;
        ps[0].exit_date = None;
        ps[0].exit_status = None;
        let e = esf::indicators_for(Period::FsePlus2021, &ps, rule_sets::builtin()).unwrap_err();
        prop_assert_eq!(e.code, sportello_core::error::Code::NoRuleSet);
        prop_assert_eq!(e.field.as_deref(), Some("participants[0].entry_date"));
    }
}
