//! The windows of the personalised project, as dated data
//! (`assets/procedure/progetto-personalizzato.toml`, read by
//! `crate::catalog::procedure`), each with the act it comes from. Pure lookups:
//! the date is a parameter; a date no entry covers is a [`Code::NoRuleSet`]
//! error, never a silent default.

use chrono::NaiveDate;

use crate::catalog::procedure::builtin;
pub use crate::catalog::procedure::Window;
use crate::dates;
use crate::error::{Code, Error};

fn pick<'a>(list: &'a [Window], on: NaiveDate, what: &str) -> Result<&'a Window, Error> {
    list.iter().find(|w| w.from <= on && w.to.is_none_or(|t| on <= t)).ok_or_else(|| {
        Error::new(
            Code::NoRuleSet,
            format!("Nessuna regola per {what} in vigore il {}", dates::format_it(on)),
        )
    })
}

/// Working days to sign the project after the analisi preliminare of `analysis_date`.
pub fn signing_window(analysis_date: NaiveDate) -> Result<Window, Error> {
    let p = builtin()?;
    pick(&p.signing, analysis_date, "il termine di sottoscrizione del progetto").cloned()
}

/// Working days left at or below which a project is flagged "in scadenza".
pub fn warning_window(on: NaiveDate) -> Result<Window, Error> {
    let p = builtin()?;
    pick(&p.warning, on, "il preavviso di scadenza").cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        dates::parse_iso("d", s).unwrap()
    }

    #[test]
    fn builtin_file_loads_with_its_act() {
        let w = signing_window(d("2026-11-20")).unwrap();
        assert_eq!(w.working_days, 20);
        assert!(w.act.contains("147/2017"));
        assert_eq!(warning_window(d("2026-11-20")).unwrap().working_days, 5);
    }

    #[test]
    fn a_date_before_any_rule_is_an_error() {
        let e = signing_window(d("2017-12-31")).unwrap_err();
        assert_eq!(e.code, Code::NoRuleSet);
        assert!(e.message.contains("31/12/2017"), "{}", e.message);
    }

    #[test]
    fn overlapping_periods_are_refused() {
        let text = r#"
[[firma]]
dal = "2018-01-01"
giorni_lavorativi = 20
atto = "a"
testo = "t"
[[firma]]
dal = "2020-01-01"
giorni_lavorativi = 15
atto = "b"
testo = "t"
[[preavviso]]
dal = "2018-01-01"
giorni_lavorativi = 5
atto = "c"
testo = "t"
"#;
        assert_eq!(crate::catalog::procedure::load(text).unwrap_err().code, Code::BadRuleSet);
        let closed = text.replacen("atto = \"a\"", "al = \"2019-12-31\"\natto = \"a\"", 1);
        let p = crate::catalog::procedure::load(&closed).unwrap();
        assert_eq!(pick(&p.signing, d("2019-12-31"), "x").unwrap().working_days, 20);
        assert_eq!(pick(&p.signing, d("2020-01-01"), "x").unwrap().working_days, 15);
    }
}
