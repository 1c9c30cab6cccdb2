//! Record ids and case numbers.
//!
//! Records carry a UUIDv7: unique across laptops without coordination (they will
//! be synchronised), and time-ordered so that indexes stay compact. People read
//! and say the case number instead: `2026/000123`, per year and per database.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id(Uuid);

impl Id {
    /// A fresh UUIDv7 (reads the clock: ids are not part of any rule).
    #[allow(clippy::new_without_default)]
    pub fn new() -> Id {
        Id(Uuid::now_v7())
    }

    /// Parses an id sent by the UI, naming the field on failure.
    pub fn parse(field: &str, s: &str) -> Result<Id, Error> {
        Uuid::parse_str(s.trim())
            .map(Id)
            .map_err(|_| Error::invalid(field, format!("identificativo non valido: «{}»", s.trim())))
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

impl FromStr for Id {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Id::parse("id", s)
    }
}

/// `AAAA/NNNNNN`: the year the case was opened and its sequence in that year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumber {
    pub year: i32,
    pub seq: u32,
}

impl CaseNumber {
    pub fn parse(s: &str) -> Option<CaseNumber> {
        let (y, n) = s.trim().split_once('/')?;
        if y.len() != 4 || n.len() < 6 || !y.bytes().chain(n.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(CaseNumber { year: y.parse().ok()?, seq: n.parse().ok()? })
    }

    /// `2026-000123`: the case number as a folder name (no `/`).
    pub fn folder_name(&self) -> String {
        format!("{:04}-{:06}", self.year, self.seq)
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}/{:06}", self.year, self.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_v7_and_time_ordered() {
        let a = Id::new();
        let b = Id::new();
        assert_eq!(a.as_uuid().get_version_num(), 7);
        assert!(a < b);
        assert_eq!(Id::parse("id", &a.to_string()).unwrap(), a);
        let e = Id::parse("members[0].id", "nope").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("members[0].id"));
    }

    #[test]
    fn case_numbers_round_trip() {
        let c = CaseNumber { year: 2026, seq: 123 };
        assert_eq!(c.to_string(), "2026/000123");
        assert_eq!(CaseNumber::parse("2026/000123"), Some(c));
        assert_eq!(c.folder_name(), "2026-000123");
        assert_eq!(CaseNumber::parse("2026/1234567").map(|c| c.seq), Some(1_234_567));
        for bad in ["2026-000123", "26/000123", "2026/12", "abcd/000123", ""] {
            assert_eq!(CaseNumber::parse(bad), None, "{bad}");
        }
    }
}
