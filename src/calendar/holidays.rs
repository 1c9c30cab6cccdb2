//! National holidays with civil effect (rules.md §1.2), from the dated data file
//! `assets/calendar/festivita.toml` (L. 260/1949, L. 54/1977, D.P.R. 792/1985,
//! L. 336/2000, L. 151/2025), and Easter by the Gregorian computus.
//!
//! The file is compiled in and parsed once. A date before the file's coverage is a
//! `Code::NoRuleSet` error: the older calendar (before L. 54/1977) is not encoded,
//! and guessing it would silently move deadlines.

use std::sync::LazyLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::dates::format_it;
use crate::error::{Code, Error, Result};

const FESTIVITA_TOML: &str = include_str!("../../assets/calendar/festivita.toml");
const FESTIVITA_FILE: &str = "assets/calendar/festivita.toml";

/// One national holiday of a given year, with the act it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub nome: &'static str,
    pub atto: &'static str,
}

/// How a holiday's date is found each year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Fixed { month: u32, day: u32 },
    EasterMonday,
}

#[derive(Debug)]
struct Festa {
    nome: String,
    atto: String,
    when: When,
    dal: NaiveDate,
    al: Option<NaiveDate>,
}

impl Festa {
    fn date_in(&self, year: i32) -> Option<NaiveDate> {
        let date = match self.when {
            When::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day)?,
            When::EasterMonday => easter_sunday(year)?.checked_add_days(Days::new(1))?,
        };
        let in_force = date >= self.dal && self.al.is_none_or(|al| date <= al);
        in_force.then_some(date)
    }
}

#[derive(Debug)]
struct Festivita {
    covered_from: NaiveDate,
    feste: Vec<Festa>,
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

/// The 1-based line of a byte offset, so that an error names where to look.
fn line_of(text: &str, offset: usize) -> u64 {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// Checks a festività file as the program would read it: an error names the
/// line at fault (the file is built in, but an edit to it is outside input too).
pub fn check_festivita(text: &str) -> Result<()> {
    parse_festivita(text).map(|_| ())
}

fn parse_festivita(text: &str) -> Result<Festivita> {
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

fn festivita() -> Result<&'static Festivita> {
    FESTIVITA.as_ref().map_err(Clone::clone)
}

/// The first day the holiday data file covers.
pub fn covered_from() -> Result<NaiveDate> {
    Ok(festivita()?.covered_from)
}

fn check_covered(f: &Festivita, date: NaiveDate) -> Result<()> {
    if date < f.covered_from {
        return Err(Error::new(
            Code::NoRuleSet,
            format!(
                "nessun calendario delle festività copre il {}: i dati partono dal {}",
                format_it(date),
                format_it(f.covered_from)
            ),
        ));
    }
    Ok(())
}

/// Easter Sunday by the Gregorian computus (the "anonymous" algorithm of
/// Meeus/Jones/Butcher). `None` before 1583, when the Gregorian calendar did not
/// exist yet, or outside the dates `chrono` can represent.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    if year < 1583 {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// The national holidays of `year` in date order (Sundays excluded). Two holidays
/// may share a date (Easter Monday on 25 April in 2011): both are listed.
pub fn national_holidays(year: i32) -> Result<Vec<Holiday>> {
    let f = festivita()?;
    let first = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| Error::new(Code::Invalid, format!("anno fuori dall'intervallo gestito: {year}")))?;
    check_covered(f, first)?;
    let mut out: Vec<Holiday> = f
        .feste
        .iter()
        .filter_map(|festa| {
            festa.date_in(year).map(|date| Holiday {
                date,
                nome: festa.nome.as_str(),
                atto: festa.atto.as_str(),
            })
        })
        .collect();
    out.sort_by_key(|h| h.date);
    Ok(out)
}

/// The national holiday falling on `date`, if any (Sundays are not named here).
pub fn national_holiday(date: NaiveDate) -> Result<Option<Holiday>> {
    let f = festivita()?;
    check_covered(f, date)?;
    Ok(f.feste.iter().find(|festa| festa.date_in(date.year()) == Some(date)).map(|festa| Holiday {
        date,
        nome: festa.nome.as_str(),
        atto: festa.atto.as_str(),
    }))
}

/// A legal holiday ("giorno festivo"): every Sunday and every national holiday.
/// This is what moves a calendar-day deadline (rules.md §1.3).
pub fn is_legal_holiday(date: NaiveDate) -> Result<bool> {
    let holiday = national_holiday(date)?;
    Ok(date.weekday() == Weekday::Sun || holiday.is_some())
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
    fn easter_known_years() {
        // Dates published by the Vatican calendars / every almanac.
        for (y, m, day) in [
            (1961, 4, 2),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2285, 3, 22),
        ] {
            assert_eq!(easter_sunday(y), Some(d(y, m, day)), "{y}");
        }
        assert_eq!(easter_sunday(1582), None);
    }

    #[test]
    fn easter_always_sunday_between_22_march_and_25_april() {
        for y in 1583..=4100 {
            let e = easter_sunday(y).unwrap();
            assert_eq!(e.weekday(), Weekday::Sun, "{y}");
            assert!(e >= d(y, 3, 22) && e <= d(y, 4, 25), "{y}: {e}");
        }
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

    #[test]
    fn abolished_holiday_stops_at_al() {
        let text = "[copertura]\ndal = \"1978-01-01\"\n[[festa]]\nnome = \"X\"\ngiorno = \"03-19\"\natto = \"a\"\ndal = \"1978-01-01\"\nal = \"1990-12-31\"\n";
        let f = parse_festivita(text).unwrap();
        assert_eq!(f.feste[0].date_in(1990), Some(d(1990, 3, 19)));
        assert_eq!(f.feste[0].date_in(1991), None);
    }
}
