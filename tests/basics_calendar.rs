//! Office calendars and deadlines (rules.md §1): every holiday of 2024-2027, the
//! patron days, the worked examples, ages with 29 February, and properties of
//! the deadlines.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use proptest::prelude::*;

use sportello::calendar::{
    self, add_days, add_working_days, age_on, closure, closures, easter_sunday, is_legal_holiday,
    is_office_day, national_holidays, try_add_days, try_add_working_days, try_is_office_day, Closure, Comune,
    Comuni,
};
use sportello::Code;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn milano() -> &'static Comune {
    Comuni::builtin().get("F205").unwrap()
}

fn sesto() -> &'static Comune {
    Comuni::builtin().get("I690").unwrap()
}

#[test]
fn every_national_holiday_2024_to_2027() {
    let common = |y| {
        vec![
            (d(y, 1, 1), "Capodanno"),
            (d(y, 1, 6), "Epifania"),
            (d(y, 4, 25), "Anniversario della Liberazione"),
            (d(y, 5, 1), "Festa del Lavoro"),
            (d(y, 6, 2), "Festa della Repubblica"),
            (d(y, 8, 15), "Assunzione di Maria"),
            (d(y, 11, 1), "Ognissanti"),
            (d(y, 12, 8), "Immacolata Concezione"),
            (d(y, 12, 25), "Natale"),
            (d(y, 12, 26), "Santo Stefano"),
        ]
    };
    let easter_monday =
        [(2024, d(2024, 4, 1)), (2025, d(2025, 4, 21)), (2026, d(2026, 4, 6)), (2027, d(2027, 3, 29))];
    for (year, monday) in easter_monday {
        let mut expected = common(year);
        expected.push((monday, "Lunedì dell'Angelo"));
        if year >= 2026 {
            // L. 151/2025: 4 October is a national holiday again from 2026.
            expected
                .push((d(year, 10, 4), "San Francesco d'Assisi e Santa Caterina da Siena, patroni d'Italia"));
        }
        expected.sort();
        let got: Vec<(NaiveDate, &str)> =
            national_holidays(year).unwrap().iter().map(|h| (h.date, h.nome)).collect();
        assert_eq!(got, expected, "{year}");
        for (date, _) in &expected {
            assert!(is_legal_holiday(*date).unwrap(), "{date}");
            assert!(!is_office_day(*date, milano()), "{date}");
        }
    }
}

#[test]
fn every_holiday_cites_its_act() {
    for h in national_holidays(2026).unwrap() {
        assert!(h.atto.contains("L. ") || h.atto.contains("D.P.R."), "{}: {}", h.nome, h.atto);
    }
    let four_october =
        national_holidays(2026).unwrap().into_iter().find(|h| h.date == d(2026, 10, 4)).unwrap();
    assert!(four_october.atto.contains("151/2025"));
}

#[test]
fn four_october_only_from_2026() {
    assert!(!is_legal_holiday(d(2024, 10, 4)).unwrap()); // a Friday
    assert!(!is_legal_holiday(d(2025, 10, 4)).unwrap()); // a Saturday, not festive
    assert!(is_legal_holiday(d(2027, 10, 4)).unwrap()); // a Monday
    assert!(is_office_day(d(2024, 10, 4), milano()));
    assert!(!is_office_day(d(2027, 10, 4), milano()));
}

#[test]
fn history_of_the_calendar_within_coverage() {
    // Epifania abolished by L. 54/1977, restored by D.P.R. 792/1985 from 1986.
    assert!(!is_legal_holiday(d(1984, 1, 6)).unwrap()); // a Friday
    assert!(!national_holidays(1985).unwrap().iter().any(|h| h.nome == "Epifania"));
    assert!(national_holidays(1986).unwrap().iter().any(|h| h.date == d(1986, 1, 6)));
    // 2 June: the first Sunday of June until 2000 (L. 54/1977), again 2 June from 2001.
    assert!(!is_legal_holiday(d(2000, 6, 2)).unwrap()); // a Friday
    assert!(is_legal_holiday(d(2001, 6, 2)).unwrap());
    // Easter Monday on 25 April (2011): both holidays listed.
    let april_25: Vec<_> =
        national_holidays(2011).unwrap().into_iter().filter(|h| h.date == d(2011, 4, 25)).collect();
    assert_eq!(april_25.len(), 2);
}

#[test]
fn a_date_before_the_coverage_is_a_typed_error() {
    assert_eq!(calendar::covered_from().unwrap(), d(1978, 1, 1));
    assert_eq!(national_holidays(1977).unwrap_err().code, Code::NoRuleSet);
    assert_eq!(try_is_office_day(d(1977, 12, 30), milano()).unwrap_err().code, Code::NoRuleSet);
    assert_eq!(try_add_days(d(1977, 11, 1), 10, milano()).unwrap_err().code, Code::NoRuleSet);
    // Counting from the day before the coverage is fine: only the days looked at matter.
    assert_eq!(try_add_working_days(d(1977, 12, 31), 1, milano()).unwrap(), d(1978, 1, 2));
    assert!(try_add_working_days(d(2026, 1, 1), 10, milano()).is_ok());
}

#[test]
fn far_future_is_an_error_not_a_panic() {
    let e = try_add_days(NaiveDate::MAX - Days::new(5), 10, milano()).unwrap_err();
    assert_eq!(e.code, Code::Invalid);
    let e = try_add_working_days(NaiveDate::MAX - Days::new(5), 10, milano()).unwrap_err();
    assert_eq!(e.code, Code::Invalid);
}

#[test]
fn easter_by_the_gregorian_computus() {
    assert_eq!(easter_sunday(2024), Some(d(2024, 3, 31)));
    assert_eq!(easter_sunday(2025), Some(d(2025, 4, 20)));
    assert_eq!(easter_sunday(2026), Some(d(2026, 4, 5)));
    assert_eq!(easter_sunday(2027), Some(d(2027, 3, 28)));
}

#[test]
fn patron_days_close_the_office_but_are_not_legal_holidays() {
    // Milano, Sant'Ambrogio: Monday 7 December 2026.
    assert!(!is_office_day(d(2026, 12, 7), milano()));
    assert!(is_office_day(d(2026, 12, 7), sesto()));
    assert!(!is_legal_holiday(d(2026, 12, 7)).unwrap());
    assert_eq!(closure(d(2026, 12, 7), milano()).unwrap(), Some(Closure::PatronDay));
    // Sesto San Giovanni, San Giovanni Battista: Wednesday 24 June 2026.
    assert!(!is_office_day(d(2026, 6, 24), sesto()));
    assert!(is_office_day(d(2026, 6, 24), milano()));
    assert!(!is_legal_holiday(d(2026, 6, 24)).unwrap());
    // Every built-in comune closes on its patron day when it is a weekday.
    for info in Comuni::builtin().iter() {
        let c = &info.comune;
        for year in 2024..=2030 {
            let day = d(year, c.patrono.0, c.patrono.1);
            assert!(!is_office_day(day, c), "{} {day}", c.nome);
        }
    }
}

#[test]
fn closure_reasons() {
    assert_eq!(closure(d(2026, 12, 12), milano()).unwrap(), Some(Closure::Saturday));
    assert_eq!(closure(d(2026, 12, 13), milano()).unwrap(), Some(Closure::Sunday));
    match closure(d(2026, 12, 25), milano()).unwrap() {
        Some(Closure::NationalHoliday(h)) => assert_eq!(h.nome, "Natale"),
        other => panic!("{other:?}"),
    }
    assert_eq!(closure(d(2026, 12, 14), milano()).unwrap(), None);
}

#[test]
fn worked_examples_of_rules_md() {
    // 20 working days from Fri 20 Nov 2026: Tue 22 Dec in Milano, Mon 21 Dec in Sesto.
    assert_eq!(add_working_days(d(2026, 11, 20), 20, milano()), d(2026, 12, 22));
    assert_eq!(add_working_days(d(2026, 11, 20), 20, sesto()), d(2026, 12, 21));
    // 30 days from Fri 7 Nov 2025: Sun 7 Dec → Mon 8 Dec is a holiday → Tue 9 Dec.
    let dl = add_days(d(2025, 11, 7), 30, milano());
    assert_eq!(dl.date, d(2025, 12, 9));
    assert!(!dl.office_closed);
}

#[test]
fn working_days_start_the_day_after() {
    // From a Friday: day 1 is Monday.
    assert_eq!(add_working_days(d(2026, 11, 20), 1, milano()), d(2026, 11, 23));
    // From a Sunday: day 1 is Monday.
    assert_eq!(add_working_days(d(2026, 11, 22), 1, milano()), d(2026, 11, 23));
    // Christmas week: 24 Dec (Thu) + 1 → 28 Dec (Mon).
    assert_eq!(add_working_days(d(2026, 12, 24), 1, milano()), d(2026, 12, 28));
    // Easter 2026: Thu 2 Apr + 2 → Fri 3, (Sat, Sun, Mon 6 Easter Monday) Tue 7.
    assert_eq!(add_working_days(d(2026, 4, 2), 2, milano()), d(2026, 4, 7));
    // Zero: the event day itself.
    assert_eq!(add_working_days(d(2026, 11, 22), 0, milano()), d(2026, 11, 22));
}

#[test]
fn calendar_days_move_only_past_legal_holidays() {
    // Day 30 is Friday 25 Dec 2026 → Sat 26 (Santo Stefano) → Sun 27 → Mon 28.
    let dl = add_days(d(2026, 11, 25), 30, milano());
    assert_eq!((dl.date, dl.office_closed), (d(2026, 12, 28), false));
    // Day N on a Saturday: it stays, and the office is closed.
    let dl = add_days(d(2026, 11, 12), 30, milano());
    assert_eq!((dl.date, dl.office_closed), (d(2026, 12, 12), true));
    // Day N on the patron day: it stays (not a legal holiday), office closed in Milano only.
    let dl = add_days(d(2026, 11, 7), 30, milano());
    assert_eq!((dl.date, dl.office_closed), (d(2026, 12, 7), true));
    let dl = add_days(d(2026, 11, 7), 30, sesto());
    assert_eq!((dl.date, dl.office_closed), (d(2026, 12, 7), false));
    // Sunday then the patron day: moved to Monday 7 Dec, which is closed in Milano.
    let dl = add_days(d(2026, 11, 6), 30, milano());
    assert_eq!((dl.date, dl.office_closed), (d(2026, 12, 7), true));
}

#[test]
fn ages_in_completed_years_with_29_february() {
    let born = d(2000, 2, 29);
    assert_eq!(age_on(born, d(2018, 2, 28)), 17);
    assert_eq!(age_on(born, d(2018, 3, 1)), 18); // common year: 1 March
    assert_eq!(age_on(born, d(2020, 2, 28)), 19);
    assert_eq!(age_on(born, d(2020, 2, 29)), 20); // leap year: the day itself
    assert_eq!(age_on(d(1961, 11, 21), d(2026, 11, 21)), 65); // birthday reached
    assert_eq!(age_on(d(1961, 11, 21), d(2026, 11, 20)), 64);
    assert_eq!(age_on(d(2026, 1, 1), d(2025, 1, 1)), 0);
}

fn any_comune() -> impl Strategy<Value = &'static Comune> {
    let all: Vec<&'static Comune> = Comuni::builtin().iter().map(|i| &i.comune).collect();
    proptest::sample::select(all)
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (0u64..(365 * 40)).prop_map(|n| d(2000, 1, 1) + Days::new(n))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn working_days_land_on_the_nth_office_day(from in any_date(), n in 1u32..120, comune in any_comune()) {
        let due = add_working_days(from, n, comune);
        prop_assert!(is_office_day(due, comune));
        prop_assert!(due.weekday() != Weekday::Sat && due.weekday() != Weekday::Sun);
        prop_assert!(!is_legal_holiday(due).unwrap());
        prop_assert!((due.month(), due.day()) != comune.patrono);
        let office_days = from.iter_days().skip(1).take_while(|x| *x <= due).filter(|x| is_office_day(*x, comune)).count();
        prop_assert_eq!(office_days, n as usize);
    }

    #[test]
    fn long_working_day_terms_count_every_office_day(from in any_date(), n in 200u32..1500, comune in any_comune()) {
        let due = add_working_days(from, n, comune);
        prop_assert!(is_office_day(due, comune));
        let office_days = from.iter_days().skip(1).take_while(|x| *x <= due).filter(|x| is_office_day(*x, comune)).count();
        prop_assert_eq!(office_days, n as usize);
    }

    #[test]
    fn working_days_are_monotonic(from in any_date(), n in 0u32..120, extra in 1u32..30, comune in any_comune()) {
        prop_assert!(add_working_days(from, n, comune) < add_working_days(from, n + extra, comune));
    }

    #[test]
    fn calendar_day_deadline_is_never_a_legal_holiday(from in any_date(), n in 0u32..400, comune in any_comune()) {
        let dl = add_days(from, n, comune);
        prop_assert!(dl.date.weekday() != Weekday::Sun);
        prop_assert!(!is_legal_holiday(dl.date).unwrap());
        // It moved only across legal holidays.
        let day_n = from + Days::new(u64::from(n));
        prop_assert!(dl.date >= day_n);
        for x in day_n.iter_days().take_while(|x| *x < dl.date) {
            prop_assert!(is_legal_holiday(x).unwrap(), "{} skipped", x);
        }
        prop_assert_eq!(dl.office_closed, !is_office_day(dl.date, comune));
    }

    #[test]
    fn calendar_day_deadlines_are_monotonic(from in any_date(), n in 0u32..400, extra in 1u32..40, comune in any_comune()) {
        prop_assert!(add_days(from, n, comune).date <= add_days(from, n + extra, comune).date);
    }

    #[test]
    fn later_events_never_have_earlier_deadlines(from in any_date(), gap in 1u64..20, n in 1u32..60, comune in any_comune()) {
        let later = from + Days::new(gap);
        prop_assert!(add_working_days(from, n, comune) <= add_working_days(later, n, comune));
        prop_assert!(add_days(from, n, comune).date <= add_days(later, n, comune).date);
    }
}

#[test]
fn closures_list_every_reason_and_agree_with_the_office_days() {
    let words = |date| -> Vec<String> {
        closures(date, milano()).unwrap().iter().map(|c| c.descrizione(milano())).collect()
    };
    // Monday 7 December 2026: Sant'Ambrogio; Tuesday 8: the Immacolata;
    // Sunday 6; Friday 4, an office day.
    assert_eq!(words(d(2026, 12, 7)), ["è la festa del santo patrono di Milano"]);
    assert_eq!(words(d(2026, 12, 8)), ["è festa nazionale (Immacolata Concezione)"]);
    assert_eq!(words(d(2026, 12, 6)), ["è domenica"]);
    assert!(words(d(2026, 12, 4)).is_empty());
    // 1 November 2026 is a Sunday: both reasons, not only the first.
    assert_eq!(words(d(2026, 11, 1)), ["è festa nazionale (Ognissanti)", "è domenica"]);
    for comune in [milano(), sesto()] {
        for date in d(2026, 1, 1).iter_days().take(730) {
            let all = closures(date, comune).unwrap();
            assert_eq!(all.is_empty(), try_is_office_day(date, comune).unwrap(), "{date}");
            assert_eq!(all.first(), closure(date, comune).unwrap().as_ref(), "{date}: the first reason");
        }
    }
}

#[test]
fn the_board_counts_working_days_left_both_ways() {
    use sportello::domain::board::working_days_left;
    // Wednesday 16 December 2026 → Tuesday 22: 17, 18, 21, 22.
    assert_eq!(working_days_left(d(2026, 12, 16), d(2026, 12, 22), milano()).unwrap(), 4);
    assert_eq!(working_days_left(d(2026, 12, 22), d(2026, 12, 22), milano()).unwrap(), 0);
    // From Friday 4 December to Wednesday 9: 7 and 8 are closed in Milano.
    assert_eq!(working_days_left(d(2026, 12, 4), d(2026, 12, 9), milano()).unwrap(), 1);
    // Past the deadline: minus the office days since, up to today.
    assert_eq!(working_days_left(d(2026, 12, 23), d(2026, 12, 22), milano()).unwrap(), -1);
    assert_eq!(working_days_left(d(2026, 12, 28), d(2026, 12, 22), milano()).unwrap(), -3, "23, 24, 28");
}
