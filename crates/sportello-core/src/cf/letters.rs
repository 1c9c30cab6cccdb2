//! The letters of a codice fiscale from a person's data (D.M. 23 dicembre 1976):
//! - surname: its consonants in order, then its vowels, then X up to three;
//! - name: the same, except that a name with four or more consonants takes the
//!   1st, 3rd and 4th consonant;
//! - accents and foreign diacritics are stripped (Niccolò → NICCOLO, Nguyễn →
//!   NGUYEN), apostrophes, spaces and hyphens ignored (Dell'Orto → DELLORTO).
//!
//! [`encode`] builds a whole code; [`with_omocodia`] applies the substitutions
//! the Agenzia delle Entrate makes when two people would share a code.

use chrono::{Datelike, NaiveDate};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::is_belfiore;
use super::{check_letter, Sex, MONTHS, OMOCODIA, OMOCODIA_POSITIONS};
use crate::error::{Error, Result};

/// The letters A-Z of a name, upper case: diacritics stripped, letters with no
/// decomposition transliterated (ß → SS, Ø → O, Đ → D …), everything else dropped.
pub fn plain_letters(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.nfd().filter(|&c| !is_combining_mark(c)) {
        let mapped: &str = match c {
            'ß' => "SS",
            'ẞ' => "SS",
            'æ' | 'Æ' => "AE",
            'œ' | 'Œ' => "OE",
            'ø' | 'Ø' => "O",
            'đ' | 'Đ' | 'ð' | 'Ð' => "D",
            'ł' | 'Ł' => "L",
            'þ' | 'Þ' => "TH",
            'ı' => "I",
            'ħ' | 'Ħ' => "H",
            _ => {
                let u = c.to_ascii_uppercase();
                if u.is_ascii_uppercase() {
                    out.push(u);
                }
                continue;
            }
        };
        out.push_str(mapped);
    }
    out
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'A' | 'E' | 'I' | 'O' | 'U')
}

fn split(name: &str) -> (Vec<char>, Vec<char>) {
    plain_letters(name).chars().partition(|&c| !is_vowel(c))
}

fn three(consonants: impl IntoIterator<Item = char>, vowels: Vec<char>) -> String {
    consonants.into_iter().chain(vowels).chain(std::iter::repeat('X')).take(3).collect()
}

/// The three surname letters: consonants, then vowels, then X.
/// `expected_surname_letters("Dell'Orto") == "DLL"`.
pub fn expected_surname_letters(last_name: &str) -> String {
    let (consonants, vowels) = split(last_name);
    three(consonants, vowels)
}

/// The three name letters: with four or more consonants the 1st, 3rd and 4th;
/// otherwise as for the surname. `expected_name_letters("Niccolò") == "NCL"`
/// (N, C, C, L: the 1st, 3rd and 4th), while the surname Niccolò gives `NCC`.
pub fn expected_name_letters(first_name: &str) -> String {
    let (consonants, vowels) = split(first_name);
    if consonants.len() >= 4 {
        three([consonants[0], consonants[2], consonants[3]], vowels)
    } else {
        three(consonants, vowels)
    }
}

/// The codice fiscale of a person (without omocodia). `birthplace` is the
/// Belfiore code (`F205`, or `Z` + 3 digits for a foreign state).
pub fn encode(
    last_name: &str,
    first_name: &str,
    birth_date: NaiveDate,
    sex: Sex,
    birthplace: &str,
) -> Result<String> {
    let place = birthplace.trim().to_uppercase();
    if !is_belfiore(&place) {
        return Err(Error::invalid(
            "birthplace",
            format!("codice Belfiore non valido: «{}»", birthplace.trim()),
        ));
    }
    let day = birth_date.day() + if sex == Sex::F { 40 } else { 0 };
    let first15 = format!(
        "{}{}{:02}{}{:02}{}",
        expected_surname_letters(last_name),
        expected_name_letters(first_name),
        birth_date.year().rem_euclid(100),
        MONTHS[birth_date.month0() as usize],
        day,
        place
    );
    let check = check_letter(&first15);
    Ok(format!("{first15}{check}"))
}

/// The code with its `substitutions` rightmost replaceable digits (positions 15,
/// 14, 13, 11, 10, 8, 7, in this order) turned into omocodia letters, and the
/// check letter recomputed. At most 7; digits already substituted count too.
pub fn with_omocodia(code: &str, substitutions: usize) -> Result<String> {
    let mut chars: Vec<char> = code.trim().to_uppercase().chars().collect();
    if chars.len() != 16 || substitutions > OMOCODIA_POSITIONS.len() {
        return Err(Error::invalid(
            "codice_fiscale",
            "servono un codice di 16 caratteri e al più 7 sostituzioni",
        ));
    }
    for &i in &OMOCODIA_POSITIONS[..substitutions] {
        if let Some(d) = chars[i].to_digit(10) {
            chars[i] = OMOCODIA[d as usize];
        }
    }
    let first15: String = chars[..15].iter().collect();
    let check = check_letter(&first15);
    Ok(format!("{first15}{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surname_letters() {
        for (name, expected) in [
            ("Rossi", "RSS"),
            ("Bianchi", "BNC"),
            ("Dell'Orto", "DLL"),
            ("D'Angelo", "DNG"),
            ("Fo", "FOX"),
            ("Ho", "HOX"),
            ("Oi", "OIX"),
            ("Re", "REX"),
            ("Nguyễn", "NGY"),
            ("Niccolò", "NCC"),
            ("De Luca", "DLC"),
            ("Ai", "AIX"),
            ("Müller", "MLL"),
            ("Strauß", "STR"),
            ("Øster", "STR"),
            ("", "XXX"),
        ] {
            assert_eq!(expected_surname_letters(name), expected, "{name}");
        }
    }

    #[test]
    fn name_letters_take_first_third_fourth_consonant() {
        for (name, expected) in [
            ("Mario", "MRA"),
            ("Giulia", "GLI"),
            // N, C, C, L: four consonants, so the 1st, 3rd and 4th.
            ("Niccolò", "NCL"),
            ("Gianfranco", "GFR"),
            ("Alessandro", "LSN"),
            ("Francesco", "FNC"),
            ("Zoë", "ZOE"),
            ("Thị Lan", "TLN"),
            ("Anna Maria", "NMR"),
            ("Al", "LAX"),
            ("Jean-Luc", "JLC"),
        ] {
            assert_eq!(expected_name_letters(name), expected, "{name}");
        }
    }

    #[test]
    fn plain_letters_strip_accents_and_punctuation() {
        assert_eq!(plain_letters("Niccolò D'Angelo-Nguyễn Thị"), "NICCOLODANGELONGUYENTHI");
        assert_eq!(plain_letters("Ærø ß Łódź"), "AEROSSLODZ");
    }

    #[test]
    fn encode_examples() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(encode("Rossi", "Mario", d(1980, 1, 1), Sex::M, "F205").unwrap(), "RSSMRA80A01F205X");
        assert_eq!(encode("Bianchi", "Giulia", d(1992, 7, 15), Sex::F, "f205").unwrap(), "BNCGLI92L55F205A");
        assert!(encode("Rossi", "Mario", d(1980, 1, 1), Sex::M, "Milano").is_err());
    }

    #[test]
    fn omocodia_substitutes_right_to_left() {
        assert_eq!(with_omocodia("RSSMRA80A01F205X", 0).unwrap(), "RSSMRA80A01F205X");
        assert_eq!(with_omocodia("RSSMRA80A01F205X", 1).unwrap(), "RSSMRA80A01F20RS");
        let all = with_omocodia("RSSMRA80A01F205X", 7).unwrap();
        assert_eq!(&all[..15], "RSSMRAULALMFNLR");
        assert!(with_omocodia("RSSMRA80A01F205X", 8).is_err());
    }
}
