//! National holidays with civil effect (rules.md §1.2), from the dated data file
//! `assets/calendar/festivita.toml` (L. 260/1949, L. 54/1977, D.P.R. 792/1985,
//! L. 336/2000, L. 151/2025), and Easter by the Gregorian computus.
//!
//! The file is read by `crate::catalog::festivita`. A date before the file's coverage is a
//! `Code::NoRuleSet` error: the older calendar (before L. 54/1977) is not encoded,
//! and guessing it would silently move deadlines.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

pub use crate::catalog::festivita::check_festivita;
use crate::catalog::festivita::{Festa, Festivita, When};
use crate::dates::format_it;
use crate::error::{Code, Error, Result};

/// One national holiday of a given year, with the act it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub nome: &'static str,
    pub atto: &'static str,
}

/// The date `festa` falls on in `year`, if it is in force then.
fn date_in(festa: &Festa, year: i32) -> Option<NaiveDate> {
    let date = match festa.when {
        When::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day)?,
        When::EasterMonday => easter_sunday(year)?.checked_add_days(Days::new(1))?,
    };
    let in_force = date >= festa.dal && festa.al.is_none_or(|al| date <= al);
    in_force.then_some(date)
}

fn festivita() -> Result<&'static Festivita> {
    crate::catalog::festivita::builtin()
}

/// The first day the holiday data file covers.
pub fn covered_from() -> Result<NaiveDate> {
    Ok(festivita()?.covered_from)
}

fn check_covered(f: &Festivita, date: NaiveDate) -> Result<()> {
    if date < f.covered_from {
        return Err(Error::new(
            Code::NoRuleSet,
            format!(
                "nessun calendario delle festività copre il {}: i dati partono dal {}",
                format_it(date),
                format_it(f.covered_from)
            ),
        ));
    }
    Ok(())
}

/// Easter Sunday by the Gregorian computus (the "anonymous" algorithm of
/// Meeus/Jones/Butcher). `None` before 1583, when the Gregorian calendar did not
/// exist yet, or outside the dates `chrono` can represent.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    if year < 1583 {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// The national holidays of `year` in date order (Sundays excluded). Two holidays
/// may share a date (Easter Monday on 25 April in 2011): both are listed.
pub fn national_holidays(year: i32) -> Result<Vec<Holiday>> {
    let f = festivita()?;
    let first = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| Error::new(Code::Invalid, format!("anno fuori dall'intervallo gestito: {year}")))?;
    check_covered(f, first)?;
    let mut out: Vec<Holiday> = f
        .feste
        .iter()
        .filter_map(|festa| {
            date_in(festa, year).map(|date| Holiday {
                date,
                nome: festa.nome.as_str(),
                atto: festa.atto.as_str(),
            })
        })
        .collect();
    out.sort_by_key(|h| h.date);
    Ok(out)
}

/// The national holiday falling on `date`, if any (Sundays are not named here).
pub fn national_holiday(date: NaiveDate) -> Result<Option<Holiday>> {
    let f = festivita()?;
    check_covered(f, date)?;
    Ok(f.feste.iter().find(|festa| date_in(festa, date.year()) == Some(date)).map(|festa| Holiday {
        date,
        nome: festa.nome.as_str(),
        atto: festa.atto.as_str(),
    }))
}

/// A legal holiday ("giorno festivo"): every Sunday and every national holiday.
/// This is what moves a calendar-day deadline (rules.md §1.3).
pub fn is_legal_holiday(date: NaiveDate) -> Result<bool> {
    let holiday = national_holiday(date)?;
    Ok(date.weekday() == Weekday::Sun || holiday.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_known_years() {
        // Dates published by the Vatican calendars / every almanac.
        for (y, m, day) in [
            (1961, 4, 2),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), Some(d(y, m, day)), "{y}");
        }
        assert_eq!(easter_sunday(1582), None);
    }

    #[test]
    fn easter_always_sunday_between_22_march_and_25_april() {
        for y in 1583..=4100 {
            let e = easter_sunday(y).unwrap();
            assert_eq!(e.weekday(), Weekday::Sun, "{y}");
            assert!(e >= d(y, 3, 22) && e <= d(y, 4, 25), "{y}: {e}");
        }
    }

    #[test]
    fn abolished_holiday_stops_at_al() {
        let text = "[copertura]\ndal = \"1978-01-01\"\n[[festa]]\nnome = \"X\"\ngiorno = \"03-19\"\natto = \"a\"\ndal = \"1978-01-01\"\nal = \"1990-12-31\"\n";
        let f = crate::catalog::festivita::parse_festivita(text).unwrap();
        assert_eq!(date_in(&f.feste[0], 1990), Some(d(1990, 3, 19)));
        assert_eq!(date_in(&f.feste[0], 1991), None);
    }
}
