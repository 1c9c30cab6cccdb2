//! What a form sends, read leniently and checked strictly.
//!
//! A form sends empty strings for untouched fields, numbers as text and so on.
//! The `*Input` types take them as they come; these helpers turn each value into
//! its strict type or an [`Error`] with an Italian message and the field at fault,
//! so the UI can show it beside the field.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::dates;
use crate::domain::{Id, StrEnum};
use crate::error::Error;

/// Longest name part accepted (surname or given names).
pub const NAME_MAX: usize = 100;
/// Longest single-line text (address, place, provider).
pub const LINE_MAX: usize = 300;
/// Longest free text (notes, commitments, objectives).
pub const TEXT_MAX: usize = 5000;

/// A scalar as a form may send it: `"50"` or `50`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Int(i64),
    Float(f64),
    Bool(bool),
    Text(String),
}

/// Trims, composes to NFC (a name typed as `e` + combining accent and one typed as
/// `é` are the same name) and turns empty into `None`. Inner line breaks are kept
/// (notes have paragraphs); other control characters are refused by the callers.
pub fn clean(v: &Option<String>) -> Option<String> {
    let s: String = v.as_deref()?.trim().nfc().collect();
    (!s.is_empty()).then_some(s)
}

fn check_chars(field: &str, s: &str, multiline: bool) -> Result<(), Error> {
    if s.chars().any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) {
        return Err(Error::invalid(field, "il testo contiene caratteri non ammessi"));
    }
    Ok(())
}

fn check_len(field: &str, s: &str, max: usize) -> Result<(), Error> {
    let n = s.chars().count();
    if n > max {
        return Err(Error::invalid(field, format!("testo troppo lungo: {n} caratteri, al massimo {max}")));
    }
    Ok(())
}

/// A person's name part, as typed: accents, apostrophes, hyphens and foreign
/// letters kept; runs of spaces collapsed to one.
pub fn name(field: &str, v: &Option<String>, what: &str) -> Result<String, Error> {
    let s = clean(v).ok_or_else(|| Error::invalid(field, format!("Indicare {what}")))?;
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    check_chars(field, &s, false)?;
    check_len(field, &s, NAME_MAX)?;
    if !s.chars().any(char::is_alphabetic) {
        return Err(Error::invalid(field, format!("{what}: deve contenere almeno una lettera")));
    }
    Ok(s)
}

/// An amount as the app's forms send it: plain, with a dot before the cents
/// (`1234.56`; the UI's money fields turn what was typed the Italian way into
/// this). The one reader of amounts in a form: never a guess between the two
/// conventions (a text file's amounts go through `Money::parse_it`).
pub fn money(field: &str, v: &Option<String>, what: &str) -> Result<crate::money::Money, Error> {
    let text = required_line(field, v, what)?;
    crate::money::Money::parse(&text).map_err(|e| e.with_field(field))
}

pub fn required_line(field: &str, v: &Option<String>, what: &str) -> Result<String, Error> {
    optional_line(field, v)?.ok_or_else(|| Error::invalid(field, format!("Indicare {what}")))
}

pub fn optional_line(field: &str, v: &Option<String>) -> Result<Option<String>, Error> {
    let Some(s) = clean(v) else { return Ok(None) };
    check_chars(field, &s, false)?;
    check_len(field, &s, LINE_MAX)?;
    Ok(Some(s))
}

pub fn required_text(field: &str, v: &Option<String>, what: &str) -> Result<String, Error> {
    optional_text(field, v)?.ok_or_else(|| Error::invalid(field, format!("Indicare {what}")))
}

pub fn optional_text(field: &str, v: &Option<String>) -> Result<Option<String>, Error> {
    let Some(s) = clean(v) else { return Ok(None) };
    check_chars(field, &s, true)?;
    check_len(field, &s, TEXT_MAX)?;
    Ok(Some(s))
}

pub fn required_date(field: &str, v: &Option<String>, what: &str) -> Result<NaiveDate, Error> {
    optional_date(field, v)?.ok_or_else(|| Error::invalid(field, format!("Indicare {what}")))
}

pub fn optional_date(field: &str, v: &Option<String>) -> Result<Option<NaiveDate>, Error> {
    match clean(v) {
        None => Ok(None),
        Some(s) => dates::parse_iso(field, &s).map(Some),
    }
}

pub fn required_choice<E: StrEnum>(field: &str, v: &Option<String>, what: &str) -> Result<E, Error> {
    let s = clean(v).ok_or_else(|| Error::invalid(field, format!("Indicare {what}")))?;
    E::parse(&s).ok_or_else(|| {
        let all: Vec<&str> = E::ALL.iter().map(|e| e.label()).collect();
        Error::invalid(field, format!("{what}: valore «{s}» non previsto (ammessi: {})", all.join(", ")))
    })
}

pub fn optional_id(field: &str, v: &Option<String>) -> Result<Option<Id>, Error> {
    clean(v).map(|s| Id::parse(field, &s)).transpose()
}

pub fn required_id(field: &str, v: &Option<String>, what: &str) -> Result<Id, Error> {
    optional_id(field, v)?.ok_or_else(|| Error::invalid(field, format!("Indicare {what}")))
}

/// An integer in `lo..=hi`; empty counts as `default`.
pub fn integer(field: &str, v: &Option<Scalar>, lo: i64, hi: i64, default: i64) -> Result<i64, Error> {
    let out_of_range = || Error::invalid(field, format!("indicare un numero intero da {lo} a {hi}"));
    let n = match v {
        None => default,
        Some(Scalar::Int(n)) => *n,
        Some(Scalar::Float(f)) if f.fract() == 0.0 && f.abs() < 1e15 => *f as i64,
        Some(Scalar::Text(t)) if t.trim().is_empty() => default,
        Some(Scalar::Text(t)) => t.trim().parse::<i64>().map_err(|_| out_of_range())?,
        Some(_) => return Err(out_of_range()),
    };
    if n < lo || n > hi {
        return Err(out_of_range());
    }
    Ok(n)
}

/// A list of free texts (objectives, results): blank entries dropped, each checked.
pub fn text_list(field: &str, v: &[Option<String>]) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for (i, t) in v.iter().enumerate() {
        if let Some(s) = optional_text(&format!("{field}[{i}]"), t)? {
            out.push(s);
        }
    }
    Ok(out)
}

/// `HH:MM`, 24-hour.
pub fn time_of_day(field: &str, v: &Option<String>, what: &str) -> Result<String, Error> {
    let s = clean(v).ok_or_else(|| Error::invalid(field, format!("Indicare {what}")))?;
    let ok = s.len() == 5
        && s.as_bytes()[2] == b':'
        && s[..2].parse::<u32>().is_ok_and(|h| h < 24 && s[..2].bytes().all(|b| b.is_ascii_digit()))
        && s[3..].parse::<u32>().is_ok_and(|m| m < 60 && s[3..].bytes().all(|b| b.is_ascii_digit()));
    if !ok {
        return Err(Error::invalid(
            field,
            format!("ora non valida: «{s}» (formato atteso HH:MM, ad esempio 09:30)"),
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn names_keep_accents_and_apostrophes_and_compose() {
        assert_eq!(name("f", &s("  Dell'Orto "), "il cognome").unwrap(), "Dell'Orto");
        assert_eq!(name("f", &s("Nguyễn  Thị"), "il nome").unwrap(), "Nguyễn Thị");
        // "Niccolo" + combining grave accent is the same name as "Niccolò".
        assert_eq!(name("f", &s("Niccolo\u{300}"), "il nome").unwrap(), "Niccolò");
        let e = name("members[1].last_name", &s("  "), "il cognome").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("members[1].last_name"));
        assert_eq!(e.message, "Indicare il cognome");
        assert!(name("f", &s("Rossi\u{7}"), "il cognome").is_err());
        assert!(name("f", &s("1234"), "il cognome").is_err());
    }

    #[test]
    fn integers_from_numbers_or_text() {
        assert_eq!(integer("f", &Some(Scalar::Int(74)), 0, 100, 0).unwrap(), 74);
        assert_eq!(integer("f", &Some(Scalar::Text(" 50 ".into())), 0, 100, 0).unwrap(), 50);
        assert_eq!(integer("f", &None, 0, 100, 0).unwrap(), 0);
        assert_eq!(integer("f", &Some(Scalar::Text("".into())), 0, 100, 0).unwrap(), 0);
        for bad in [Scalar::Int(101), Scalar::Int(-1), Scalar::Float(50.5), Scalar::Text("tanto".into())] {
            assert!(integer("f", &Some(bad), 0, 100, 0).is_err());
        }
    }

    #[test]
    fn times_are_24_hour() {
        assert_eq!(time_of_day("t", &s("09:30"), "l'ora").unwrap(), "09:30");
        for bad in ["9:30", "24:00", "12:60", "1a:00", "12.30"] {
            assert!(time_of_day("t", &s(bad), "l'ora").is_err(), "{bad}");
        }
    }
}
