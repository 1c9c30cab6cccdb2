//! Office days and deadlines (rules.md §1.2-1.3).
//!
//! - *N giorni lavorativi*: day 1 is the first office day after the event; the
//!   deadline is the N-th office day.
//! - *N giorni*: day 1 is the day after the event; a deadline falling on a legal
//!   holiday (Sunday or national holiday) moves to the next day that is not one.
//!   Saturday and the patron day do not move it (Cass. 17079/2007): the caller is told the office
//!   is closed so that it can warn.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::holidays::{is_legal_holiday, national_holiday, national_holidays, Holiday};
use super::{Comune, Deadline};
use crate::error::{Code, Error, Result};

/// Why the office is closed on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closure {
    /// A national holiday (named), whatever the day of the week.
    NationalHoliday(Holiday),
    Sunday,
    Saturday,
    /// The comune's patron saint's day.
    PatronDay,
}

impl Closure {
    /// Italian, for the operator: "è sabato", "è domenica", "è festa nazionale (Natale)".
    pub fn descrizione(&self, comune: &Comune) -> String {
        match self {
            Closure::NationalHoliday(h) => format!("è festa nazionale ({})", h.nome),
            Closure::Sunday => "è domenica".to_string(),
            Closure::Saturday => "è sabato".to_string(),
            Closure::PatronDay => format!("è la festa del santo patrono di {}", comune.nome),
        }
    }
}

/// Why the office is closed on `date`, or `None` on an office day.
pub fn closure(date: NaiveDate, comune: &Comune) -> Result<Option<Closure>> {
    if let Some(h) = national_holiday(date)? {
        return Ok(Some(Closure::NationalHoliday(h)));
    }
    Ok(match date.weekday() {
        Weekday::Sun => Some(Closure::Sunday),
        Weekday::Sat => Some(Closure::Saturday),
        _ if (date.month(), date.day()) == comune.patrono => Some(Closure::PatronDay),
        _ => None,
    })
}

/// Every reason the office is closed on `date` (a national holiday that falls
/// on a Sunday is both): what a warning to the operator lists.
pub fn closures(date: NaiveDate, comune: &Comune) -> Result<Vec<Closure>> {
    let mut all = Vec::new();
    if let Some(h) = national_holiday(date)? {
        all.push(Closure::NationalHoliday(h));
    }
    match date.weekday() {
        Weekday::Sun => all.push(Closure::Sunday),
        Weekday::Sat => all.push(Closure::Saturday),
        _ => {}
    }
    if (date.month(), date.day()) == comune.patrono {
        all.push(Closure::PatronDay);
    }
    Ok(all)
}

/// Monday to Friday, not a national holiday, not the comune's patron day.
/// `Code::NoRuleSet` for a date the holiday file does not cover.
pub fn try_is_office_day(date: NaiveDate, comune: &Comune) -> Result<bool> {
    Ok(closure(date, comune)?.is_none())
}

fn out_of_range() -> Error {
    Error::new(Code::Invalid, "la scadenza cade oltre l'ultima data gestita dal calendario")
}

fn is_weekday(date: NaiveDate) -> bool {
    date.weekday().num_days_from_monday() < 5
}

/// Office days in the whole of `year`: Monday to Friday, less the national
/// holidays and the patron day that fall on them (counted once if they coincide).
/// `None` when the year's last day is beyond what `chrono` represents.
fn office_days_in_year(year: i32, comune: &Comune) -> Result<Option<u32>> {
    let (Some(first), Some(last)) =
        (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
    else {
        return Ok(None);
    };
    let days = last.ordinal();
    let start = first.weekday().num_days_from_monday();
    let weekdays = days / 7 * 5 + (0..days % 7).filter(|i| (start + i) % 7 < 5).count() as u32;
    let mut closed: BTreeSet<NaiveDate> =
        national_holidays(year)?.into_iter().map(|h| h.date).filter(|&d| is_weekday(d)).collect();
    if let Some(patron) = NaiveDate::from_ymd_opt(year, comune.patrono.0, comune.patrono.1) {
        if is_weekday(patron) {
            closed.insert(patron);
        }
    }
    Ok(Some(weekdays - closed.len() as u32))
}

/// N giorni lavorativi from `from`: the N-th office day after it. Zero days is
/// the event day itself.
pub fn try_add_working_days(from: NaiveDate, n: u32, comune: &Comune) -> Result<NaiveDate> {
    let mut date = from;
    let mut remaining = n;
    while remaining > 0 {
        // Whole years are skipped by counting, so that a huge N answers at once;
        // the year holding the deadline is walked day by day.
        if (date.month(), date.day()) == (12, 31) {
            if let Some(in_year) = office_days_in_year(date.year() + 1, comune)? {
                if in_year < remaining {
                    remaining -= in_year;
                    date = NaiveDate::from_ymd_opt(date.year() + 1, 12, 31).ok_or_else(out_of_range)?;
                    continue;
                }
            }
        }
        date = date.succ_opt().ok_or_else(out_of_range)?;
        if try_is_office_day(date, comune)? {
            remaining -= 1;
        }
    }
    Ok(date)
}

/// N giorni from `from`: day N, moved past legal holidays; `office_closed` when
/// the resulting day is a Saturday or the patron day. Zero days is the event day
/// (moved likewise if it is a holiday).
pub fn try_add_days(from: NaiveDate, n: u32, comune: &Comune) -> Result<Deadline> {
    let mut date = from.checked_add_days(Days::new(u64::from(n))).ok_or_else(out_of_range)?;
    while is_legal_holiday(date)? {
        date = date.succ_opt().ok_or_else(out_of_range)?;
    }
    Ok(Deadline { date, office_closed: !try_is_office_day(date, comune)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn milano() -> Comune {
        Comune { belfiore: "F205".into(), nome: "Milano".into(), patrono: (12, 7) }
    }

    #[test]
    fn office_days_in_a_year_match_a_day_by_day_count() {
        for comune in [milano(), Comune { belfiore: "A944".into(), nome: "Bologna".into(), patrono: (10, 4) }]
        {
            for year in 1978..=2060 {
                let counted = NaiveDate::from_ymd_opt(year, 1, 1)
                    .unwrap()
                    .iter_days()
                    .take_while(|d| d.year() == year)
                    .filter(|&d| try_is_office_day(d, &comune).unwrap())
                    .count() as u32;
                assert_eq!(
                    office_days_in_year(year, &comune).unwrap(),
                    Some(counted),
                    "{} {year}",
                    comune.nome
                );
            }
        }
    }

    #[test]
    fn long_terms_skip_years_and_agree_with_the_walk() {
        let walk = |from: NaiveDate, n: u32| {
            let mut d = from;
            let mut left = n;
            while left > 0 {
                d = d.succ_opt().unwrap();
                if try_is_office_day(d, &milano()).unwrap() {
                    left -= 1;
                }
            }
            d
        };
        for (from, n) in
            [((2025, 12, 31), 300), ((2025, 12, 30), 251), ((2025, 12, 31), 250), ((2026, 12, 31), 2000)]
        {
            let from = NaiveDate::from_ymd_opt(from.0, from.1, from.2).unwrap();
            assert_eq!(try_add_working_days(from, n, &milano()).unwrap(), walk(from, n), "{from} + {n}");
        }
        // Absurd terms answer at once with an error instead of walking for minutes.
        let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(try_add_working_days(from, u32::MAX, &milano()).unwrap_err().code, Code::Invalid);
    }
}
