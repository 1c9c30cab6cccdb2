//! Money: euro amounts as exact decimals, never `f64`.
//!
//! Files and JSON carry `1234.56` (a string, `.` separator, at most two decimals);
//! screens and paper show `1.234,56 €`. Storage keeps the same text form.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

/// An amount in euro. Internally exact; cents are the unit of every comparison
/// that the rules make (budgets, caps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    pub fn from_decimal(d: Decimal) -> Money {
        Money(d)
    }
    pub fn from_cents(cents: i64) -> Money {
        Money(Decimal::new(cents, 2))
    }
    pub fn as_decimal(self) -> Decimal {
        self.0
    }
    /// Rounded half-up to cents, as shown.
    pub fn rounded(self) -> Money {
        Money(self.0.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Parses the file form: optional sign, digits, optional `.` and one or two
    /// decimals. No thousands separators, no exponent, no comma.
    pub fn parse(s: &str) -> Result<Money, Error> {
        let t = s.trim();
        let bad =
            || Error::invalid("importo", format!("importo non valido: «{t}» (atteso ad esempio 1234.56)"));
        let body = t.strip_prefix('-').unwrap_or(t);
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        if int.is_empty() || int.len() > 15 || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if let Some(f) = frac {
            if f.is_empty() || f.len() > 2 || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
        }
        Decimal::from_str(t).map(Money).map_err(|_| bad())
    }

    /// An amount written the Italian way, as a spreadsheet saves it with `;` as
    /// separator: `4.800,00`, `4800,00`, `4800`, `4.800` (a dot only between
    /// groups of three digits), optionally with `€`. A dot anywhere else
    /// (`4800.00`) is the other convention: refused, never guessed.
    pub fn parse_it(s: &str) -> Result<Money, Error> {
        let t = s.trim();
        let bad = || {
            Error::invalid(
                "importo",
                format!("importo non valido: «{t}» (atteso all'italiana, ad esempio 1.234,56)"),
            )
        };
        let body = t.strip_suffix('€').or_else(|| t.strip_prefix('€')).unwrap_or(t).trim();
        let (sign, body) = match body.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", body),
        };
        let (int, frac) = match body.split_once(',') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let groups: Vec<&str> = int.split('.').collect();
        let grouped_ok = groups.len() == 1
            || (!groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
        let digits: String = groups.concat();
        if !grouped_ok || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let plain = match frac {
            Some(f) => format!("{sign}{digits}.{f}"),
            None => format!("{sign}{digits}"),
        };
        Money::parse(&plain).map_err(|_| bad())
    }

    /// `1.234,56 €`: Italian grouping and decimal comma, always two decimals.
    pub fn format_it(self) -> String {
        let r = self.rounded().0;
        let neg = r.is_sign_negative() && !r.is_zero();
        let s = format!("{:.2}", r.abs());
        let (int, frac) = s.split_once('.').expect("two decimals");
        let mut grouped = String::new();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push('.');
            }
            grouped.push(ch);
        }
        format!("{}{grouped},{frac} €", if neg { "-" } else { "" })
    }
}

impl fmt::Display for Money {
    /// The file form, `1234.56`, always two decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.rounded().0)
    }
}

impl FromStr for Money {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Money::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_amounts_are_read_and_the_other_convention_refused() {
        for (s, cents) in [
            ("4.800,00", 480000),
            ("4800,00", 480000),
            ("4800", 480000),
            ("4.800", 480000),
            ("1.234.567,5", 123456750),
            ("0,01", 1),
            ("4.800,00 €", 480000),
            ("€ 12", 1200),
            ("-3,50", -350),
        ] {
            assert_eq!(Money::parse_it(s).unwrap(), Money::from_cents(cents), "{s}");
        }
        for s in ["4800.00", "48.00", "4.80,00", ".800", "4.8000", "1,234", "4,800.00", "", "abc", "4 800"] {
            assert!(Money::parse_it(s).is_err(), "{s}");
        }
    }

    #[test]
    fn parses_file_form_and_refuses_the_rest() {
        assert_eq!(Money::parse("1234.56").unwrap().to_string(), "1234.56");
        assert_eq!(Money::parse("0").unwrap().to_string(), "0.00");
        assert_eq!(Money::parse("40000.01").unwrap(), Money::from_cents(4_000_001));
        for bad in ["", "1,50", "1.234,56", "1e3", "12.345", "abc", ".5", "5.", "1 000"] {
            assert!(Money::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn formats_the_italian_way() {
        assert_eq!(Money::from_cents(123_456).format_it(), "1.234,56 €");
        assert_eq!(Money::from_cents(5).format_it(), "0,05 €");
        assert_eq!(Money::from_cents(100_000_000).format_it(), "1.000.000,00 €");
        assert_eq!(Money::from_cents(-123_456).format_it(), "-1.234,56 €");
    }
}
