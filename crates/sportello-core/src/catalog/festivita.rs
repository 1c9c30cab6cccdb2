//! National holidays with civil effect (rules.md §1.2): the dated data file
//! `assets/calendar/festivita.toml` (L. 260/1949, L. 54/1977, D.P.R. 792/1985,
//! L. 336/2000, L. 151/2025), read here and nowhere else. The calendar turns it
//! into dates (`crate::calendar::national_holidays`).
//!
//! The file is compiled in and parsed once; an edit to it is outside input too,
//! so an error names the line at fault.

use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::Deserialize;

use super::line_of;
use crate::error::{Code, Error, Result};

const FESTIVITA_TOML: &str = include_str!("../../../../assets/calendar/festivita.toml");
const FESTIVITA_FILE: &str = "assets/calendar/festivita.toml";

/// How a holiday's date is found each year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Fixed { month: u32, day: u32 },
    EasterMonday,
}

/// One holiday of the file, with its act and the period it is in force.
#[derive(Debug)]
pub struct Festa {
    pub nome: String,
    pub atto: String,
    pub when: When,
    pub dal: NaiveDate,
    pub al: Option<NaiveDate>,
}

/// The holiday file: the first day it covers, and its holidays.
#[derive(Debug)]
pub struct Festivita {
    pub covered_from: NaiveDate,
    pub feste: Vec<Festa>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRaw {
    copertura: toml::Spanned<CoperturaRaw>,
    festa: Vec<toml::Spanned<FestaRaw>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CoperturaRaw {
    dal: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FestaRaw {
    nome: String,
    giorno: Option<String>,
    regola: Option<String>,
    atto: String,
    dal: String,
    al: Option<String>,
}

fn bad(message: String) -> Error {
    Error::new(Code::BadRuleSet, format!("{FESTIVITA_FILE}: {message}"))
}

/// Checks a festività file as the program would read it: an error names the
/// line at fault (the file is built in, but an edit to it is outside input too).
pub fn check_festivita(text: &str) -> Result<()> {
    parse_festivita(text).map(|_| ())
}

/// Reads a festività file: each holiday with its act and its period in force.
pub fn parse_festivita(text: &str) -> Result<Festivita> {
    let raw: FileRaw = toml::from_str(text).map_err(|e| {
        let err = bad(e.message().trim().to_string());
        // A missing table or key has no span: it is missing from the whole file.
        err.at_line(e.span().map_or(1, |s| line_of(text, s.start)))
    })?;
    let copertura_line = line_of(text, raw.copertura.span().start);
    let date = |field: &str, s: &str, line: u64| {
        crate::dates::parse_iso(field, s).map_err(|e| bad(e.message).with_field(field).at_line(line))
    };
    let covered_from = date("copertura.dal", &raw.copertura.get_ref().dal, copertura_line)?;
    let mut feste = Vec::with_capacity(raw.festa.len());
    for spanned in raw.festa {
        let line = line_of(text, spanned.span().start);
        let f = spanned.into_inner();
        let fail = |message: String| bad(message).at_line(line);
        let when = match (f.giorno.as_deref(), f.regola.as_deref()) {
            (Some(g), None) => {
                let (m, d) =
                    g.split_once('-').ok_or_else(|| fail(format!("{}: giorno «{g}» non è MM-GG", f.nome)))?;
                let (month, day) = (m.parse().unwrap_or(0), d.parse().unwrap_or(0));
                // 2001 is a common year: 29 February is refused as a fixed holiday.
                if NaiveDate::from_ymd_opt(2001, month, day).is_none() {
                    return Err(fail(format!("{}: giorno «{g}» inesistente", f.nome)));
                }
                When::Fixed { month, day }
            }
            (None, Some("lunedi-dopo-pasqua")) => When::EasterMonday,
            (None, Some(r)) => return Err(fail(format!("{}: regola sconosciuta «{r}»", f.nome))),
            _ => return Err(fail(format!("{}: indicare esattamente uno tra giorno e regola", f.nome))),
        };
        let dal = date("dal", &f.dal, line)?;
        let al = f.al.as_deref().map(|s| date("al", s, line)).transpose()?;
        if al.is_some_and(|al| al < dal) {
            return Err(fail(format!("{}: «al» precede «dal»", f.nome)));
        }
        feste.push(Festa { nome: f.nome, atto: f.atto, when, dal, al });
    }
    Ok(Festivita { covered_from, feste })
}

static FESTIVITA: LazyLock<Result<Festivita>> = LazyLock::new(|| parse_festivita(FESTIVITA_TOML));

/// The built-in holiday file, parsed once (a test guarantees it parses).
pub fn builtin() -> Result<&'static Festivita> {
    FESTIVITA.as_ref().map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn builtin_file_parses() {
        let f = parse_festivita(FESTIVITA_TOML).unwrap();
        assert_eq!(f.covered_from, d(1978, 1, 1));
        assert_eq!(f.feste.len(), 12);
    }

    #[test]
    fn broken_files_are_refused_with_the_reason() {
        let cases = [
            ("[copertura]\ndal = \"1978-01-01\"\n[[festa]]\nnome = \"X\"\natto = \"a\"\ndal = \"1978-01-01\"\n", "esattamente uno"),
            ("[copertura]\ndal = \"1978-01-01\"\n[[festa]]\nnome = \"X\"\ngiorno = \"02-30\"\natto = \"a\"\ndal = \"1978-01-01\"\n", "inesistente"),
            ("[copertura]\ndal = \"1978-01-01\"\n[[festa]]\nnome = \"X\"\nregola = \"pentecoste\"\natto = \"a\"\ndal = \"1978-01-01\"\n", "regola sconosciuta"),
            ("[copertura]\ndal = \"1978-01-01\"\n[[festa]]\nnome = \"X\"\ngiorno = \"01-01\"\natto = \"a\"\ndal = \"1990-01-01\"\nal = \"1980-01-01\"\n", "precede"),
            ("festa = []\n[copertura]\ndal = \"1978-13-01\"\n", "1978-13-01"),
        ];
        for (text, expected) in cases {
            let e = parse_festivita(text).unwrap_err();
            assert_eq!(e.code, Code::BadRuleSet);
            assert!(e.message.contains(expected), "{}", e.message);
        }
    }
}
