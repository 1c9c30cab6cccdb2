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
