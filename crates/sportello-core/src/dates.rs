//! Date parsing and formatting at the edges: ISO `YYYY-MM-DD` in files and JSON,
//! `gg/mm/aaaa` on screen and paper.

use chrono::NaiveDate;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
