//! Office calendars and deadlines (rules.md §1). Pure: every date is a parameter;
//! the only data are compiled-in files under `assets/calendar/`.
//!
//! - Ages (§1.1): [`age_on`], completed years; 29 February → 1 March in common years.
//! - Holidays (§1.2): [`national_holidays`], [`is_legal_holiday`], [`easter_sunday`],
//!   from `assets/calendar/festivita.toml` (L. 260/1949, L. 54/1977, D.P.R. 792/1985,
//!   L. 336/2000, L. 151/2025 for 4 October from 2026).
//! - Comuni and patron days (§1.2): [`Comune`]; the list is [`Comuni`]
//!   (`crate::catalog::comuni`, `assets/calendar/comuni.toml` plus an administrator's
//!   overrides).
//! - Office days and deadlines (§1.2-1.3): [`is_office_day`], [`add_working_days`],
//!   [`add_days`] and their `try_` forms.
//!
//! The holiday file covers dates from 1 January 1978 on. The `try_` functions
//! return `Code::NoRuleSet` for an earlier date; [`is_office_day`],
//! [`add_working_days`] and [`add_days`] keep the simple signatures the rest of the
//! app codes against and panic instead, so call the `try_` forms on dates typed
//! by a person.
//!
//! OWNER: issue 2.

use chrono::{Datelike, NaiveDate, Weekday};

mod holidays;
mod office;

// The comuni are data (the catalog reads them); the calendar only uses them.
pub use crate::catalog::comuni::{Comune, ComuneInfo, Comuni};
pub use holidays::{
    check_festivita, covered_from, easter_sunday, is_legal_holiday, national_holiday, national_holidays,
    Holiday,
};
pub use office::{closure, closures, try_add_days, try_add_working_days, try_is_office_day, Closure};

/// Completed years on `on`. The birthday itself counts as reached; a person born
/// on 29 February reaches a new age on 1 March in a common year (rules.md §1.1).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    if on < birth {
        return 0;
    }
    let mut years = on.year() - birth.year();
    // (month, day) comparison: 29 Feb compares after 28 Feb, so in a common year
    // the birthday is reached on 1 March.
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years as u32
}

/// The outcome of a calendar-day deadline: the date, and whether the office is
/// closed on it (Saturday or patron day: the deadline does not move, but warn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Deadline {
    pub date: NaiveDate,
    pub office_closed: bool,
}

/// Monday to Friday, not a national holiday, not the comune's patron day.
///
/// # Panics
/// For a date before the holiday file's coverage (1978); see [`try_is_office_day`].
pub fn is_office_day(date: NaiveDate, comune: &Comune) -> bool {
    try_is_office_day(date, comune).unwrap_or_else(|e| panic!("{}", e.message))
}

/// N giorni lavorativi: day 1 is the first office day after `from`.
///
/// # Panics
/// For dates before the holiday file's coverage (1978) or beyond the last date
/// `chrono` represents; see [`try_add_working_days`].
pub fn add_working_days(from: NaiveDate, n: u32, comune: &Comune) -> NaiveDate {
    try_add_working_days(from, n, comune).unwrap_or_else(|e| panic!("{}", e.message))
}

/// N giorni: day 1 is the day after `from`; a legal holiday on day N moves it on.
///
/// # Panics
/// For a deadline before the holiday file's coverage (1978) or beyond the last
/// date `chrono` represents; see [`try_add_days`].
pub fn add_days(from: NaiveDate, n: u32, comune: &Comune) -> Deadline {
    try_add_days(from, n, comune).unwrap_or_else(|e| panic!("{}", e.message))
}

/// The Italian name of the day of the week, lower case ("martedì").
pub fn giorno_della_settimana(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "lunedì",
        Weekday::Tue => "martedì",
        Weekday::Wed => "mercoledì",
        Weekday::Thu => "giovedì",
        Weekday::Fri => "venerdì",
        Weekday::Sat => "sabato",
        Weekday::Sun => "domenica",
    }
}
