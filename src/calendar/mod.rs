//! Office calendars and deadlines (rules.md §1). Pure: every date is a parameter.
//!
//! OWNER: issue 2. API relied on by others:
//! - `age_on(birth, on) -> u32` (completed years; 29 Feb → 1 Mar in common years)
//! - `Comune` (Belfiore, name, patron day) and `Comuni::builtin()`, `Comuni::get(belfiore)`
//! - `add_working_days(from, n, &Comune) -> NaiveDate`
//! - `add_days(from, n, &Comune) -> Deadline { date, office_closed }`
//! - `is_office_day(date, &Comune) -> bool`

use chrono::{Datelike, NaiveDate};

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

/// A comune as the office calendar needs it (rules.md §1.2).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Comune {
    /// Belfiore code, e.g. `F205`.
    pub belfiore: String,
    pub nome: String,
    /// Patron saint's day: (month, day). An office-closing day, not a legal holiday.
    pub patrono: (u32, u32),
}

/// The outcome of a calendar-day deadline: the date, and whether the office is
/// closed on it (Saturday or patron day: the deadline does not move, but warn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Deadline {
    pub date: NaiveDate,
    pub office_closed: bool,
}

/// Monday to Friday, not a national holiday, not the comune's patron day.
pub fn is_office_day(_date: NaiveDate, _comune: &Comune) -> bool {
    unimplemented!("issue 2")
}

/// N giorni lavorativi: day 1 is the first office day after `from`.
pub fn add_working_days(_from: NaiveDate, _n: u32, _comune: &Comune) -> NaiveDate {
    unimplemented!("issue 2")
}

/// N giorni: day 1 is the day after `from`; a legal holiday on day N moves it on.
pub fn add_days(_from: NaiveDate, _n: u32, _comune: &Comune) -> Deadline {
    unimplemented!("issue 2")
}
