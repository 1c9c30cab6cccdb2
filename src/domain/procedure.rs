//! The windows of the personalised project, as dated data
//! (`assets/procedure/progetto-personalizzato.toml`), each with the act it comes
//! from. Pure lookups: the date is a parameter; a date no entry covers is a
//! [`Code::NoRuleSet`] error, never a silent default.

use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::dates;
use crate::error::{Code, Error};

const BUILTIN: &str = include_str!("../../assets/procedure/progetto-personalizzato.toml");

/// A number of working days valid over a period, with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub working_days: u32,
    /// The act it comes from.
    pub act: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    dal: String,
    al: Option<String>,
    giorni_lavorativi: u32,
    atto: String,
    #[allow(dead_code)]
    testo: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    firma: Vec<RawWindow>,
    preavviso: Vec<RawWindow>,
}

#[derive(Debug)]
struct Procedure {
    signing: Vec<Window>,
    warning: Vec<Window>,
}

fn bad(msg: String) -> Error {
    Error::new(Code::BadRuleSet, format!("progetto-personalizzato.toml: {msg}"))
}

fn convert(list: Vec<RawWindow>, what: &str) -> Result<Vec<Window>, Error> {
    let mut out = Vec::new();
    for (i, r) in list.into_iter().enumerate() {
        let field = format!("{what}[{i}]");
        let from =
            dates::parse_iso(&field, &r.dal).map_err(|e| bad(format!("{field}.dal: {}", e.message)))?;
        let to =
            r.al.map(|a| dates::parse_iso(&field, &a).map_err(|e| bad(format!("{field}.al: {}", e.message))))
                .transpose()?;
        if to.is_some_and(|t| t < from) {
            return Err(bad(format!("{field}: «al» precede «dal»")));
        }
        if r.atto.trim().is_empty() {
            return Err(bad(format!("{field}: manca l'atto di riferimento")));
        }
        out.push(Window { from, to, working_days: r.giorni_lavorativi, act: r.atto });
    }
    out.sort_by_key(|w| w.from);
    // Overlapping periods would make the answer depend on the order of the file.
    for pair in out.windows(2) {
        if pair[0].to.is_none_or(|t| t >= pair[1].from) {
            return Err(bad(format!("{what}: periodi sovrapposti dal {}", pair[1].from)));
        }
    }
    Ok(out)
}

fn load(text: &str) -> Result<Procedure, Error> {
    let raw: RawFile = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
    Ok(Procedure { signing: convert(raw.firma, "firma")?, warning: convert(raw.preavviso, "preavviso")? })
}

static BUILTIN_PROCEDURE: LazyLock<Result<Procedure, Error>> = LazyLock::new(|| load(BUILTIN));

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
    let p = BUILTIN_PROCEDURE.as_ref().map_err(Clone::clone)?;
    pick(&p.signing, analysis_date, "il termine di sottoscrizione del progetto").cloned()
}

/// Working days left at or below which a project is flagged "in scadenza".
pub fn warning_window(on: NaiveDate) -> Result<Window, Error> {
    let p = BUILTIN_PROCEDURE.as_ref().map_err(Clone::clone)?;
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
        assert_eq!(load(text).unwrap_err().code, Code::BadRuleSet);
        let closed = text.replacen("atto = \"a\"", "al = \"2019-12-31\"\natto = \"a\"", 1);
        let p = load(&closed).unwrap();
        assert_eq!(pick(&p.signing, d("2019-12-31"), "x").unwrap().working_days, 20);
        assert_eq!(pick(&p.signing, d("2020-01-01"), "x").unwrap().working_days, 15);
    }
}
