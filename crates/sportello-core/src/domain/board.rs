//! The "Scadenze" board: projects waiting for signatures, with the deadline and
//! how close it is, and the residence permits about to lapse or lapsed. Pure:
//! today and the office's calendar are parameters.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{try_is_office_day, Comune};
use crate::domain::permit::{self, PermitKind, ResidencePermit};
use crate::domain::procedure;
use crate::domain::Id;
use crate::error::Error;

string_enum!(
    /// What falls due.
    BoardKind {
        Firma = "firma": "firma del progetto",
        Permesso = "permesso": "permesso di soggiorno",
        /// A stay in a temporary housing unit near its planned end, or past
        /// it with no exit recorded (rules.md §8).
        Alloggio = "alloggio": "fine dell'inserimento in alloggio",
        /// A monitoring meeting of a signed project near its planned date, or
        /// past it with no meeting recorded (issue 12 item 3).
        Monitoraggio = "monitoraggio": "incontro di monitoraggio",
        /// A data subject's request (GDPR art. 15, 20) not answered yet: due
        /// one month from receipt, or three with an extension (art. 12(3)).
        Richiesta = "richiesta": "risposta a una richiesta dell'interessato (GDPR)",
    }
);

string_enum!(BoardState {
    Scaduto = "scaduto": "scaduto",
    InScadenza = "in_scadenza": "in scadenza",
    NeiTermini = "nei_termini": "nei termini",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRow {
    pub kind: BoardKind,
    /// `None` when the analysis is recorded but the project is not written yet:
    /// the clock runs from the analysis all the same (and for a permit).
    pub project_id: Option<Id>,
    pub household_id: Id,
    pub case_number: String,
    pub household_name: String,
    /// The analysis the signing deadline runs from (`None` for a permit).
    pub analysis_date: Option<NaiveDate>,
    /// The signing deadline, or the permit's expiry.
    pub deadline: NaiveDate,
    /// Calendar days from today to the deadline: 0 = it falls today, negative =
    /// days since it passed.
    pub days_left: i64,
    /// The same in the office's working days (the signing deadline's own
    /// unit): office days after today up to the deadline; once past it, minus
    /// the office days since (see [`working_days_left`]). `None` for a permit,
    /// whose expiry is a calendar date.
    pub working_days_left: Option<i64>,
    pub state: BoardState,
    /// Who has still to sign ("Thị Lan Nguyễn per Zoë Dell'Orto" for a minor).
    pub missing_signatures: Vec<String>,
    /// Who is in charge of the case, and their équipe (the board is filtered
    /// by them); `None`: nobody yet.
    pub responsabile: Option<crate::domain::CaseOwner>,
    /// The permit falling due (kind `permesso`).
    pub permit: Option<PermitDue>,
    /// The stay ending or overstayed (kind `alloggio`).
    #[serde(default)]
    pub stay: Option<StayDue>,
    /// The data subject's request falling due (kind `richiesta`). Its
    /// `household_id` is the person's household, or the request's own id when
    /// the person has no case (an applicant of a call).
    #[serde(default)]
    pub request: Option<RequestDue>,
    /// A household the analysis sent to the équipe whose quadro di analisi
    /// is not recorded yet (kind `firma`, no project): the step before the
    /// project, on the same clock.
    #[serde(default)]
    pub quadro_due: bool,
}

/// A data subject's request on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDue {
    pub request_id: Id,
    /// "Nome Cognome" of the person whose data are asked.
    pub person_name: String,
    /// `accesso`, `portabilita`, `accesso_portabilita`.
    pub kind: String,
    pub received_on: NaiveDate,
    pub extended: bool,
}

/// A stay in temporary housing on the board: its planned end is the row's
/// deadline (calendar days, like a permit's expiry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StayDue {
    pub stay_id: Id,
    /// The unit's address.
    pub unit: String,
    /// "posto 2" or "alloggio intero".
    pub place: String,
    /// The reminder in Italian, as the housing rules word it.
    pub text: String,
}

/// A member's residence permit on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermitDue {
    pub member_id: Id,
    /// "Nome Cognome".
    pub member_name: String,
    pub kind: PermitKind,
    pub number: String,
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

/// Days left and state of a residence permit on `today`: `None` when it does
/// not expire or is further away than the warning window
/// (`assets/procedure/componenti.toml`, in calendar days); lapsed = "scaduto"
/// from the day after its expiry; within the window = "in scadenza".
pub fn classify_permit(
    permit: &ResidencePermit,
    today: NaiveDate,
) -> Result<Option<(i64, BoardState)>, Error> {
    let Some(expires) = permit.expires_on else { return Ok(None) };
    let days_left = (expires - today).num_days();
    if expires < today {
        return Ok(Some((days_left, BoardState::Scaduto)));
    }
    let window = permit::warning_window(today)?.value;
    Ok((days_left <= i64::from(window)).then_some((days_left, BoardState::InScadenza)))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::dates::parse_iso("d", s).unwrap()
    }

    fn permit(kind: PermitKind, expires: Option<&str>) -> ResidencePermit {
        ResidencePermit { kind, number: "I0123456".into(), expires_on: expires.map(d) }
    }

    #[test]
    fn a_permit_reaches_the_board_sixty_days_ahead_and_stays_once_lapsed() {
        let today = d("2026-06-15");
        let p = |e: &str| classify_permit(&permit(PermitKind::LavoroSubordinato, Some(e)), today).unwrap();
        assert_eq!(p("2026-08-15"), None); // 61 days
        assert_eq!(p("2026-08-14"), Some((60, BoardState::InScadenza)));
        assert_eq!(p("2026-06-15"), Some((0, BoardState::InScadenza)));
        assert_eq!(p("2026-06-14"), Some((-1, BoardState::Scaduto)));
        assert_eq!(p("2023-01-01").map(|x| x.1), Some(BoardState::Scaduto));
        assert_eq!(classify_permit(&permit(PermitKind::UeLungoPeriodo, None), today).unwrap(), None);
        // The window is dated: a day no entry covers is an error.
        let old = classify_permit(&permit(PermitKind::Studio, Some("2017-12-31")), d("2017-12-01"));
        assert_eq!(old.unwrap_err().code, crate::error::Code::NoRuleSet);
    }
}
