//! The "Scadenze" board: projects waiting for signatures, with the deadline and
//! how close it is. Pure: today and the office's calendar are parameters.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{try_is_office_day, Comune};
use crate::domain::procedure;
use crate::domain::Id;
use crate::error::Error;

string_enum!(BoardState {
    Scaduto = "scaduto": "scaduto",
    InScadenza = "in_scadenza": "in scadenza",
    NeiTermini = "nei_termini": "nei termini",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRow {
    /// `None` when the analysis is recorded but the project is not written yet:
    /// the clock runs from the analysis all the same.
    pub project_id: Option<Id>,
    pub household_id: Id,
    pub case_number: String,
    pub household_name: String,
    pub analysis_date: NaiveDate,
    pub deadline: NaiveDate,
    /// Calendar days from today to the deadline: 0 = it falls today, negative =
    /// days since it passed.
    pub days_left: i64,
    /// The same in the office's working days (the deadline's own unit): office
    /// days after today up to the deadline; once past it, minus the office
    /// days since (see [`working_days_left`]).
    pub working_days_left: i64,
    pub state: BoardState,
    /// Who has still to sign ("Thị Lan Nguyễn per Zoë Dell'Orto" for a minor).
    pub missing_signatures: Vec<String>,
    /// Who is in charge of the case, and their équipe (the board is filtered
    /// by them); `None`: nobody yet.
    pub responsabile: Option<crate::domain::CaseOwner>,
}

/// Office days after `today` up to and including `deadline`.
pub fn office_days_left(today: NaiveDate, deadline: NaiveDate, comune: &Comune) -> Result<u32, Error> {
    let mut n = 0;
    for d in today.iter_days().skip(1).take_while(|d| *d <= deadline) {
        if try_is_office_day(d, comune)? {
            n += 1;
        }
    }
    Ok(n)
}

/// Working days left to `deadline` on `today`: the office days after today up
/// to and including the deadline (0: it falls today, or no office day is left
/// before it); past the deadline, minus the office days after it up to and
/// including today.
pub fn working_days_left(today: NaiveDate, deadline: NaiveDate, comune: &Comune) -> Result<i64, Error> {
    if deadline < today {
        Ok(-i64::from(office_days_left(deadline, today, comune)?))
    } else {
        Ok(i64::from(office_days_left(today, deadline, comune)?))
    }
}

/// Days left and state of a deadline on `today`: past the deadline it is
/// "scaduto"; with no more office days left than the warning window (from
/// `assets/procedure`) it is "in scadenza".
pub fn classify(deadline: NaiveDate, today: NaiveDate, comune: &Comune) -> Result<(i64, BoardState), Error> {
    let days_left = (deadline - today).num_days();
    if deadline < today {
        return Ok((days_left, BoardState::Scaduto));
    }
    let warn = procedure::warning_window(today)?.working_days;
    let state = if office_days_left(today, deadline, comune)? <= warn {
        BoardState::InScadenza
    } else {
        BoardState::NeiTermini
    };
    Ok((days_left, state))
}

/// Overdue first, then by deadline (the nearest first), then by case number.
pub fn sort(rows: &mut [BoardRow]) {
    rows.sort_by(|a, b| {
        (a.state != BoardState::Scaduto, a.deadline, &a.case_number).cmp(&(
            b.state != BoardState::Scaduto,
            b.deadline,
            &b.case_number,
        ))
    });
}
