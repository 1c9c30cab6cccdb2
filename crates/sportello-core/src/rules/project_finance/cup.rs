//! The Codice Unico di Progetto: 15 characters, capital letters and digits
//! (rules.md §8), e.g. `B49J17000130006`.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cup(String);

impl Cup {
    /// Trimmed and upper-cased first (a CUP copied in small letters is the same
    /// code); then exactly 15 letters A-Z and digits, nothing else.
    pub fn parse(s: &str) -> Result<Cup> {
        let t = s.trim().to_ascii_uppercase();
        let ok = t.len() == 15 && t.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !ok {
            let chars = t.chars().count();
            let why = if chars != 15 {
                format!("{chars} caratteri invece di 15")
            } else {
                "ammesse solo lettere maiuscole e cifre".to_string()
            };
            return Err(Error::invalid(
                "cup",
                format!("CUP non valido: «{}» ({why}; es. B49J17000130006)", s.trim()),
            ));
        }
        Ok(Cup(t))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Cup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Cup {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_cup_and_bad_ones() {
        assert_eq!(Cup::parse("B49J17000130006").unwrap().as_str(), "B49J17000130006");
        assert_eq!(Cup::parse(" b49j17000130006 ").unwrap().to_string(), "B49J17000130006");
        for bad in
            ["", "B49J1700013000", "B49J170001300066", "B49J 7000130006", "B49J-7000130006", "B49J17000130ÀÀ"]
        {
            let e = Cup::parse(bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("cup"), "{bad}");
        }
    }
}
