//! "Is the office open that day?": the check the window makes before a date
//! the office sets (a monitoring meeting, a convocation, a signature) is
//! saved, so that a holiday, a weekend or the patron day is said and asked
//! about, never accepted silently (issue 15, "the calendar everywhere").

use chrono::NaiveDate;
use serde::Serialize;

use super::{office, Action, Service};
use crate::calendar::{closures, giorno_della_settimana, Closure};
use crate::dates::format_it;
use crate::error::Error;

/// The answer of `calendar_check` (docs/ipc.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarCheck {
    pub date: NaiveDate,
    /// Open that day in the office's comune.
    pub office_day: bool,
    /// Why it is closed, in Italian ("è domenica", "è festa nazionale
    /// (Immacolata Concezione)"), every reason that applies.
    pub reasons: Vec<String>,
    /// The sentence the window shows ("Lunedì 07/12/2026: è la festa del
    /// santo patrono di Milano; l'ufficio è chiuso."), `None` on an office day.
    pub message: Option<String>,
}

impl Service {
    /// Whether `date` is an office day in the office's comune, and if not why.
    /// Touches nobody's data (not audited). A date the holiday file does not
    /// cover is an error (`no_rule_set`), never a silent "open".
    pub fn calendar_check(&self, date: NaiveDate) -> Result<CalendarCheck, Error> {
        let comune = self.run(Action::CalendarCheck, None, |tx, _| Ok(office(tx)?.comune))?;
        let comune = self.calendar_of(&comune)?;
        let closed = closures(date, &comune)?;
        let reasons: Vec<String> = closed.iter().map(|c| c.descrizione(&comune)).collect();
        let message = (!closed.is_empty()).then(|| {
            let day = giorno_della_settimana(date);
            let mut chars = day.chars();
            let day =
                chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default();
            // The day's name already says "sabato" or "domenica".
            let said: Vec<&str> = closed
                .iter()
                .zip(&reasons)
                .filter(|(c, _)| !matches!(c, Closure::Saturday | Closure::Sunday))
                .map(|(_, r)| r.as_str())
                .collect();
            if said.is_empty() {
                format!("{day} {}: l'ufficio è chiuso.", format_it(date))
            } else {
                format!("{day} {}: {}; l'ufficio è chiuso.", format_it(date), said.join(" e "))
            }
        });
        Ok(CalendarCheck { date, office_day: reasons.is_empty(), reasons, message })
    }
}
