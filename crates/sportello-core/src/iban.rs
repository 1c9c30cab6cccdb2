//! IBAN (ISO 13616): where an awarded contribution is credited.
//!
//! Checked where it is typed, so the finance office never receives a list
//! with a transposed digit: country letters, two check digits, the length of
//! the country's format when we know it (Italy and its neighbours: the
//! families of a Milanese office bank there, or in SEPA countries whose
//! lengths are in [`LENGTHS`]), and the mod-97 check. Spaces typed between
//! groups are accepted; the stored form has none, the printed form groups by four.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::error::{Error, Result};

/// Lengths of the SEPA countries' IBANs (ECBS/SWIFT IBAN registry). A country
/// not listed is held to the standard's bounds only (15 to 34 characters).
const LENGTHS: &[(&str, usize)] = &[
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("VA", 22),
];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Iban(String);

impl Iban {
    /// Reads a typed IBAN; `field` names it in the error.
    pub fn parse(field: &str, s: &str) -> Result<Iban> {
        let code: String = s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect();
        let bad = |why: &str| Error::invalid(field, format!("IBAN «{}» non valido: {why}", s.trim()));
        if code.is_empty() {
            return Err(bad("vuoto"));
        }
        if !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(bad("sono ammessi solo lettere e cifre"));
        }
        let b = code.as_bytes();
        if b.len() < 4 || !b[0].is_ascii_alphabetic() || !b[1].is_ascii_alphabetic() {
            return Err(bad("deve cominciare con la sigla del paese (es. IT)"));
        }
        if !b[2].is_ascii_digit() || !b[3].is_ascii_digit() {
            return Err(bad("dopo la sigla del paese vengono due cifre di controllo"));
        }
        match LENGTHS.iter().find(|(c, _)| c.as_bytes() == &b[..2]) {
            Some((country, n)) if b.len() != *n => {
                return Err(bad(&format!("un IBAN {country} ha {n} caratteri, questo ne ha {}", b.len())));
            }
            None if !(15..=34).contains(&b.len()) => {
                return Err(bad("un IBAN ha da 15 a 34 caratteri"));
            }
            _ => {}
        }
        if mod97(&code) != 1 {
            return Err(bad("le cifre di controllo non corrispondono (errore di battitura?)"));
        }
        Ok(Iban(code))
    }

    /// The IBAN of a national account number (BBAN): the check digits
    /// computed, then the whole checked like a typed one. For the demo and
    /// the tests, which need valid IBANs that belong to nobody.
    pub fn from_bban(country: &str, bban: &str) -> Result<Iban> {
        let probe = format!("{country}00{bban}").to_uppercase();
        if probe.len() < 5 || !probe.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Iban::parse("iban", &probe);
        }
        let check = 98 - mod97(&probe);
        Iban::parse("iban", &format!("{country}{check:02}{bban}"))
    }

    /// The stored form: no spaces, upper case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The printed form: groups of four (`IT60 X054 2811 1010 0000 0123 456`).
    pub fn grouped(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
    }
}

/// The remainder of ISO 7064 mod 97-10 over the code moved and lettered:
/// the first four characters go to the end, letters become 10..35.
fn mod97(code: &str) -> u32 {
    let (head, tail) = code.split_at(4);
    tail.chars().chain(head.chars()).fold(0u32, |acc, c| {
        let v = c.to_digit(36).expect("checked alphanumeric");
        if v >= 10 {
            (acc * 100 + v) % 97
        } else {
            (acc * 10 + v) % 97
        }
    })
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

impl Serialize for Iban {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ibans_are_read_with_spaces_and_lower_case() {
        // The examples of the ECBS registry and of Banca d'Italia.
        for (typed, stored) in [
            ("IT60 X054 2811 1010 0000 0123 456", "IT60X0542811101000000123456"),
            ("it60x0542811101000000123456", "IT60X0542811101000000123456"),
            ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
            ("GB82 WEST 1234 5698 7654 32", "GB82WEST12345698765432"),
            ("NO93 8601 1117 947", "NO9386011117947"),
        ] {
            let i = Iban::parse("iban", typed).unwrap();
            assert_eq!(i.as_str(), stored);
        }
        assert_eq!(
            Iban::parse("iban", "IT60X0542811101000000123456").unwrap().grouped(),
            "IT60 X054 2811 1010 0000 0123 456"
        );
    }

    #[test]
    fn check_digits_are_computed_from_the_national_number() {
        let i = Iban::from_bban("IT", "X0542811101000000123456").unwrap();
        assert_eq!(i.as_str(), "IT60X0542811101000000123456");
        assert!(Iban::from_bban("IT", "X05428111010000001234").is_err(), "too short for Italy");
    }

    #[test]
    fn every_single_digit_change_and_adjacent_swap_is_caught() {
        let good = "IT60X0542811101000000123456";
        let b: Vec<char> = good.chars().collect();
        for i in 4..b.len() {
            if let Some(d) = b[i].to_digit(10) {
                let mut c = b.clone();
                c[i] = char::from_digit((d + 1) % 10, 10).unwrap();
                let s: String = c.iter().collect();
                assert!(Iban::parse("iban", &s).is_err(), "{s}");
            }
            if i + 1 < b.len() && b[i] != b[i + 1] {
                let mut c = b.clone();
                c.swap(i, i + 1);
                let s: String = c.iter().collect();
                assert!(Iban::parse("iban", &s).is_err(), "{s}");
            }
        }
    }

    #[test]
    fn wrong_shapes_are_refused_with_the_reason() {
        for (s, why) in [
            ("", "vuoto"),
            ("IT60-X054", "solo lettere e cifre"),
            ("1260X0542811101000000123456", "sigla del paese"),
            ("ITX0X0542811101000000123456", "due cifre di controllo"),
            ("IT60X054281110100000012345", "27 caratteri"),
            ("XX12345", "da 15 a 34"),
        ] {
            let e = Iban::parse("iban", s).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("iban"));
            assert!(e.message.contains(why), "{s}: {}", e.message);
        }
    }
}
