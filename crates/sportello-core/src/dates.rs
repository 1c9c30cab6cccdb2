//! Date parsing and formatting at the edges: ISO `YYYY-MM-DD` in files and JSON,
//! `gg/mm/aaaa` on screen and paper; months as `YYYY-MM` and `mm/aaaa`.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::error::Error;

/// Strict ISO date: exactly `YYYY-MM-DD`, a real calendar day (2026-02-30 is refused).
pub fn parse_iso(field: &str, s: &str) -> Result<NaiveDate, Error> {
    let t = s.trim();
    let shape_ok = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shape_ok {
        return Err(Error::invalid(field, format!("data non valida: «{t}» (formato atteso AAAA-MM-GG)")));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, format!("data inesistente: «{t}»")))
}

/// A date as an office's spreadsheet writes it: ISO `AAAA-MM-GG`, or the
/// Italian `gg/mm/aaaa` (day first, always: one or two digits for day and
/// month, four for the year, which a two-digit year would leave to a guess).
pub fn parse_office(field: &str, s: &str) -> Result<NaiveDate, Error> {
    let t = s.trim();
    if !t.contains('/') {
        return parse_iso(field, s);
    }
    let parts: Vec<&str> = t.split('/').collect();
    let digits = |p: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    let shape_ok =
        parts.len() == 3 && digits(parts[0], 1..=2) && digits(parts[1], 1..=2) && digits(parts[2], 4..=4);
    if !shape_ok {
        return Err(Error::invalid(
            field,
            format!("data non valida: «{t}» (formato atteso gg/mm/aaaa oppure AAAA-MM-GG)"),
        ));
    }
    let n = |p: &str| p.parse::<u32>().unwrap_or(0);
    NaiveDate::from_ymd_opt(n(parts[2]) as i32, n(parts[1]), n(parts[0]))
        .ok_or_else(|| Error::invalid(field, format!("data inesistente: «{t}»")))
}

/// `gg/mm/aaaa`.
pub fn format_it(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A calendar month (`2019-07`): what a contribution's period and an expense
/// document's competence are counted in. Ordered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    // Field order matters: the derived order is year, then month.
    year: i32,
    month: u32,
}

impl Month {
    /// None unless `month` is 1-12 and the year has four digits.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Month { year, month })
    }
    pub fn of(d: NaiveDate) -> Month {
        Month { year: d.year(), month: d.month() }
    }
    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u32 {
        self.month
    }
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a valid month has a first day")
    }
    /// The next month, None after 9999-12.
    pub fn succ(self) -> Option<Month> {
        if self.month == 12 {
            Month::new(self.year + 1, 1)
        } else {
            Month::new(self.year, self.month + 1)
        }
    }
    /// Months from `self` to `last`, both included (0 when `last` comes before).
    pub fn count_to(self, last: Month) -> u32 {
        let diff = (last.year - self.year) * 12 + last.month as i32 - self.month as i32;
        if diff < 0 {
            0
        } else {
            diff as u32 + 1
        }
    }
    /// Every month from `self` to `last`, both included.
    pub fn through(self, last: Month) -> impl Iterator<Item = Month> {
        std::iter::successors(Some(self).filter(|m| *m <= last), move |m| m.succ().filter(|n| *n <= last))
    }
    /// Strict `YYYY-MM`: `2019-13` and `2019-7` are refused, naming `field`.
    pub fn parse(field: &str, s: &str) -> Result<Month, Error> {
        let t = s.trim();
        let b = t.as_bytes();
        let shape_ok = b.len() == 7
            && b.iter().enumerate().all(|(i, c)| if i == 4 { *c == b'-' } else { c.is_ascii_digit() });
        let bad = || Error::invalid(field, format!("mese non valido: «{t}» (formato atteso AAAA-MM)"));
        if !shape_ok {
            return Err(bad());
        }
        let year: i32 = t[..4].parse().map_err(|_| bad())?;
        let month: u32 = t[5..].parse().map_err(|_| bad())?;
        Month::new(year, month).ok_or_else(|| Error::invalid(field, format!("mese inesistente: «{t}»")))
    }
    /// A month as an office types it: `mm/aaaa` (`7/2019` too) or the file
    /// form `AAAA-MM`.
    pub fn parse_office(field: &str, s: &str) -> Result<Month, Error> {
        let t = s.trim();
        let Some((m, y)) = t.split_once('/') else {
            return Month::parse(field, t);
        };
        let bad = || Error::invalid(field, format!("mese non valido: «{t}» (formato atteso mm/aaaa)"));
        let digits = |x: &str, n: std::ops::RangeInclusive<usize>| {
            n.contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(m, 1..=2) || !digits(y, 4..=4) {
            return Err(bad());
        }
        let (month, year): (u32, i32) = (m.parse().map_err(|_| bad())?, y.parse().map_err(|_| bad())?);
        Month::new(year, month).ok_or_else(|| Error::invalid(field, format!("mese inesistente: «{t}»")))
    }
    /// `mm/aaaa`, as on screen and paper.
    pub fn format_it(self) -> String {
        format!("{:02}/{:04}", self.month, self.year)
    }
}

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Month {
    /// The file form, `2019-07`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_is_typed_the_office_way_or_the_file_way() {
        let july = Month::new(2019, 7).unwrap();
        for typed in ["07/2019", "7/2019", " 07/2019 ", "2019-07"] {
            assert_eq!(Month::parse_office("m", typed).unwrap(), july, "{typed}");
        }
        for bad in ["13/2019", "00/2019", "07/19", "07-2019", "7/2019/1", "", "luglio 2019"] {
            assert!(Month::parse_office("m", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn iso_is_strict() {
        assert_eq!(parse_iso("d", "2026-11-20").unwrap(), NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
        for bad in ["2026-02-30", "2026-2-3", "20/11/2026", "", "2026-13-01", "２０２６-01-01"] {
            assert!(parse_iso("d", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn office_dates_are_iso_or_day_first() {
        let d = NaiveDate::from_ymd_opt(2019, 2, 5).unwrap();
        for ok in ["2019-02-05", "05/02/2019", "5/2/2019", " 05/02/2019 "] {
            assert_eq!(parse_office("d", ok).unwrap(), d, "{ok}");
        }
        for bad in ["05/02/19", "30/02/2019", "2019/02/05", "05-02-2019", "05/02/2019/1", "5/13/2019", ""] {
            assert!(parse_office("d", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_gg_mm_aaaa() {
        assert_eq!(format_it(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()), "02/12/2026");
    }

    #[test]
    fn months_are_strict_and_ordered() {
        let m = Month::parse("m", "2019-12").unwrap();
        assert_eq!((m.to_string(), m.format_it()), ("2019-12".into(), "12/2019".into()));
        assert_eq!(m.succ().unwrap().to_string(), "2020-01");
        for bad in ["2019-13", "2019-00", "2019-7", "19-07", "2019/07", "", "2019-07-01", "0000-01"] {
            assert!(Month::parse("m", bad).is_err(), "{bad}");
        }
        let first = Month::parse("m", "2019-07").unwrap();
        let last = Month::parse("m", "2020-06").unwrap();
        assert_eq!(first.count_to(last), 12);
        assert_eq!(last.count_to(first), 0);
        assert_eq!(first.through(last).count(), 12);
        assert_eq!(first.through(last).last(), Some(last));
        let end = Month::new(9999, 12).unwrap();
        assert_eq!(end.through(end).count(), 1);
        assert_eq!(first.first_day(), NaiveDate::from_ymd_opt(2019, 7, 1).unwrap());
    }
}
