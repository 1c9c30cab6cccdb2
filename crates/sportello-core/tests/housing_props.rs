//! Properties of temporary housing (rules.md §8) on random sequences of stays,
//! checked against a brute-force count day by day: the stays `check_stay`
//! accepts one by one never put more guests in a unit than its places nor two
//! guests in one bed, and it refuses a stay for a clash exactly when the count
//! finds one; the occupancy grid and the waiting-list proposals agree with the
//! same count.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use sportello_core::catalog::rule_sets;
use sportello_core::rules::housing::{
    self, check_stay, match_waiting, occupancy, Destination, Exit, HousingSettings, Stay, Unit, UnitState,
    WaitingEntry,
};
use sportello_core::Code;

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2018, 1, 1).unwrap() + Duration::days(offset)
}

fn settings() -> HousingSettings {
    housing::settings(rule_sets::builtin(), "F205", day(0)).unwrap()
}

fn units(places: &[u32]) -> Vec<Unit> {
    places
        .iter()
        .enumerate()
        .map(|(i, &p)| Unit {
            id: format!("u{i}"),
            name: format!("Alloggio {i}"),
            places: p,
            state: UnitState::Attivo,
        })
        .collect()
}

#[derive(Debug, Clone)]
struct Spec {
    unit: usize,
    /// 0 = the whole unit, else a bed (may be beyond the unit's places).
    place: u32,
    people: u32,
    entry: i64,
    length: i64,
    exit: Option<i64>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0usize..3,
        0u32..=4,
        1u32..=4,
        0i64..300,
        1i64..120,
        proptest::option::of(prop_oneof![Just(0i64), 0i64..150]),
    )
        .prop_map(|(unit, place, people, entry, length, exit)| Spec {
            unit,
            place,
            people,
            entry,
            length,
            exit,
        })
}

fn stay(i: usize, s: &Spec, units: &[Unit]) -> Stay {
    let u = &units[s.unit % units.len()];
    let place = (s.place > 0).then_some(s.place);
    Stay {
        id: format!("s{i}"),
        unit: u.id.clone(),
        place,
        household: format!("n{i}"),
        // A bed takes one person; a whole unit up to its places.
        people: if place.is_some() { 1 } else { s.people.min(u.places) },
        entry: day(s.entry),
        planned_end: day(s.entry + s.length),
        exit: s.exit.map(|e| Exit { date: day(s.entry + e), destination: Destination::AltroServizio }),
    }
}

/// Days with more places taken than the unit has, or a bed held twice, or more
/// guests than places: counted day by day.
fn violations(stays: &[Stay], units: &[Unit]) -> Vec<String> {
    let mut out = Vec::new();
    for u in units {
        let own: Vec<&Stay> = stays.iter().filter(|s| s.unit == u.id).collect();
        for d in 0..600 {
            let on = day(d);
            let here: Vec<&&Stay> = own.iter().filter(|s| s.entry <= on && on < s.end()).collect();
            let taken: u32 = here.iter().map(|s| if s.place.is_some() { 1 } else { u.places }).sum();
            let guests: u32 = here.iter().map(|s| s.people).sum();
            if taken > u.places || guests > u.places {
                out.push(format!("{}: {on}: {taken} posti, {guests} ospiti su {}", u.id, u.places));
            }
            for n in 1..=u.places {
                if here.iter().filter(|s| s.place == Some(n)).count() > 1 {
                    out.push(format!("{}: {on}: posto {n} doppio", u.id));
                }
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn accepted_stays_never_overfill_and_clashes_are_exactly_refused(
        places in prop::collection::vec(1u32..=4, 1..=3),
        specs in prop::collection::vec(spec(), 1..30),
    ) {
        let units = units(&places);
        let settings = settings();
        let mut accepted: Vec<Stay> = Vec::new();
        for (i, s) in specs.iter().enumerate() {
            let new = stay(i, s, &units);
            let unit = units.iter().find(|u| u.id == new.unit).unwrap();
            let answer = check_stay(&new, unit, &accepted, &settings);
            let form_ok = new.place.is_none_or(|n| n <= unit.places)
                && new.exit.is_none_or(|e| e.date >= new.entry);
            let mut with = accepted.clone();
            with.push(new.clone());
            let clash = !violations(&with, &units).is_empty();
            match &answer {
                Ok(()) => {
                    prop_assert!(form_ok, "{new:?} accepted");
                    prop_assert!(!clash, "{new:?} accepted: {:?}", violations(&with, &units));
                    accepted.push(new);
                }
                Err(e) if e.code == Code::Conflict => {
                    prop_assert!(form_ok && clash, "{new:?} refused without a clash: {}", e.message);
                    prop_assert!(!e.message.is_empty());
                }
                Err(e) => prop_assert!(!form_ok, "{new:?}: {:?} {:?} {}", e.code, e.field, e.message),
            }
            // Every clash that the count finds in a well-formed stay is refused.
            if form_ok && clash {
                prop_assert!(answer.is_err(), "{:?} not refused", with.last());
            }
        }
        prop_assert!(violations(&accepted, &units).is_empty());
    }

    #[test]
    fn the_grid_and_the_proposals_agree_with_the_daily_count(
        places in prop::collection::vec(1u32..=4, 1..=3),
        specs in prop::collection::vec(spec(), 1..30),
        from in 0i64..300,
        weeks in 0u32..12,
    ) {
        let units = units(&places);
        let settings = settings();
        let mut accepted: Vec<Stay> = Vec::new();
        for (i, s) in specs.iter().enumerate() {
            let new = stay(i, s, &units);
            let unit = units.iter().find(|u| u.id == new.unit).unwrap();
            if check_stay(&new, unit, &accepted, &settings).is_ok() {
                accepted.push(new);
            }
        }
        let start = day(from);
        let o = occupancy(&units, &accepted, &settings, start, weeks);
        prop_assert_eq!(o.week_starts.len(), weeks as usize);
        for (u, row) in units.iter().zip(&o.units) {
            let taken_on = |d: NaiveDate| -> u32 {
                accepted.iter().filter(|s| s.unit == u.id && s.occupies(d)).map(|s| s.places_taken(u.places)).sum()
            };
            for (k, got) in row.taken.iter().enumerate() {
                let first = start + Duration::days(7 * k as i64);
                let peak = (0..7).map(|j| taken_on(first + Duration::days(j))).max().unwrap();
                prop_assert_eq!(*got, peak, "{} week {}", u.id, k);
            }
            // Places held today: occupied, or held by an overstay (which the days
            // no longer count, so a new stay may already be booked beside it).
            let held: u32 =
                accepted.iter().filter(|s| s.unit == u.id && s.holds(start)).map(|s| s.places_taken(u.places)).sum();
            prop_assert_eq!(row.taken_today, held);
            prop_assert_eq!(row.free_today, u.places.saturating_sub(held));
        }
        let proposals = match_waiting(
            &[WaitingEntry { household: "n".into(), need_places: 1, priority: 1, since: day(0) }],
            &units,
            &accepted,
            start,
        );
        for u in &units {
            for n in 1..=u.places {
                let held = accepted.iter().any(|s| {
                    s.unit == u.id && (s.place.is_none() || s.place == Some(n)) && s.holds(start)
                });
                let proposed = proposals.iter().any(|p| p.unit == u.id && p.place == Some(n));
                prop_assert_eq!(proposed, !held, "{} posto {}", u.id, n);
            }
            let whole_free = !accepted.iter().any(|s| s.unit == u.id && s.holds(start));
            let whole = proposals.iter().any(|p| p.unit == u.id && p.place.is_none());
            prop_assert_eq!(whole, whole_free && u.places > 1, "{} intero", u.id);
        }
        for p in &proposals {
            if let Some(until) = p.free_until {
                prop_assert!(until > start);
            }
        }
    }
}

#[test]
fn a_long_stay_is_checked_without_walking_its_days() {
    // Ten thousand one-night stays in a bed, then a whole-unit stay over all of
    // them: the sweep answers at once, naming the first day.
    let units = units(&[2]);
    let settings = settings();
    let others: Vec<Stay> = (0..10_000)
        .map(|i| Stay {
            id: format!("s{i}"),
            unit: "u0".into(),
            place: Some(1 + (i % 2) as u32),
            household: format!("n{i}"),
            people: 1,
            entry: day(i64::from(i / 2)),
            planned_end: day(i64::from(i / 2) + 1),
            exit: None,
        })
        .collect();
    let whole = Stay {
        id: "w".into(),
        unit: "u0".into(),
        place: None,
        household: "f".into(),
        people: 2,
        entry: day(4_000),
        planned_end: day(4_100),
        exit: None,
    };
    let e = check_stay(&whole, &units[0], &others, &settings).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (Code::Conflict, Some("unit.places")));
    let first = sportello_core::dates::format_it(day(4_000));
    assert!(e.message.contains(&format!("il {first}")), "{}", e.message);
}

#[test]
fn a_stay_in_another_unit_is_refused() {
    let units = units(&[2, 2]);
    let s = Stay {
        id: "s".into(),
        unit: "u1".into(),
        place: Some(1),
        household: "n".into(),
        people: 1,
        entry: day(10),
        planned_end: day(20),
        exit: None,
    };
    let e = check_stay(&s, &units[0], &[], &settings()).unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (Code::Invalid, Some("unit")));
}

#[test]
fn a_stay_left_on_its_entry_day_blocks_nothing() {
    // Regression: an exit on the entry day occupies no day, so it must not be
    // taken for the bed's holder by a later stay over that date.
    let units = units(&[1]);
    let gone = Stay {
        id: "g".into(),
        unit: "u0".into(),
        place: Some(1),
        household: "a".into(),
        people: 1,
        entry: day(15),
        planned_end: day(60),
        exit: Some(Exit { date: day(15), destination: Destination::Abbandono }),
    };
    let new = Stay {
        id: "n".into(),
        household: "b".into(),
        entry: day(10),
        planned_end: day(40),
        exit: None,
        ..gone.clone()
    };
    assert_eq!(check_stay(&new, &units[0], &[gone], &settings()), Ok(()));
}
