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
    fn formats_gg_mm_aaaa() {
        assert_eq!(format_it(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()), "02/12/2026");
    }
}
