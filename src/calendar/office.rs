//! Office days and deadlines (rules.md §1.2-1.3).
//!
//! - *N giorni lavorativi*: day 1 is the first office day after the event; the
//!   deadline is the N-th office day.
//! - *N giorni*: day 1 is the day after the event; a deadline falling on a legal
//!   holiday (Sunday or national holiday) moves to the next day that is not one.
//!   Saturday and the patron day do not move it (Cass. 17079/2007): the caller is told the office
//!   is closed so that it can warn.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::holidays::{is_legal_holiday, national_holiday, Holiday};
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

/// Monday to Friday, not a national holiday, not the comune's patron day.
/// `Code::NoRuleSet` for a date the holiday file does not cover.
pub fn try_is_office_day(date: NaiveDate, comune: &Comune) -> Result<bool> {
    Ok(closure(date, comune)?.is_none())
}

fn out_of_range() -> Error {
    Error::new(Code::Invalid, "la scadenza cade oltre l'ultima data gestita dal calendario")
}

/// N giorni lavorativi from `from`: the N-th office day after it. Zero days is
/// the event day itself.
pub fn try_add_working_days(from: NaiveDate, n: u32, comune: &Comune) -> Result<NaiveDate> {
    let mut date = from;
    let mut counted = 0;
    while counted < n {
        date = date.succ_opt().ok_or_else(out_of_range)?;
        if try_is_office_day(date, comune)? {
            counted += 1;
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
