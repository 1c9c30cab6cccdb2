//! Codice fiscale (rules.md §2; D.M. 23 dicembre 1976 and D.P.R. 605/1973 art. 1
//! for its structure): parsing and validation with omocodia, the expected letters
//! from a person's names, and warnings when a code does not match the person.
//! Pure: "today" is a parameter (it resolves the two-digit year).
//!
//! Layout of the 16 characters: surname (3), name (3), year (2 digits), month
//! letter (A B C D E H L M P R S T), day (01-31, +40 for women), Belfiore code of
//! the birthplace (4), check letter. In omocodia the digits at positions 7, 8, 10,
//! 11, 13, 14, 15 may be replaced by L M N P Q R S T U V (0…9).
//!
//! - [`parse`]: trims and upper-cases, then checks length, characters, month, day
//!   and check letter, in this order, and says which failed ([`CfError`]).
//! - [`letters`]: [`expected_surname_letters`], [`expected_name_letters`], [`encode`].
//! - [`check_against`]: Italian warnings when a valid code does not match the
//!   person's names, birth date or sex (a warning, never a refusal: omocodia and
//!   old data-entry mistakes exist).
//!
//! OWNER: issue 2.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::error::{Code, Error};

mod check;
pub mod letters;

pub use check::check_against;
pub use letters::{encode, expected_name_letters, expected_surname_letters, with_omocodia};

/// `F205`: a letter and three digits (Z + 3 digits for a foreign state), the
/// birthplace part of a codice fiscale and the key of the comuni file.
pub fn is_belfiore(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Sex {
    M,
    F,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodiceFiscale {
    /// Normalised: trimmed, upper case, as typed (omocodia letters kept).
    pub code: String,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    /// Belfiore code of the birthplace (comune, or Z + 3 digits abroad), decoded.
    pub birthplace: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfError {
    /// The normalised input.
    pub code: String,
    /// Contract reason (English, as in cli.md: "check letter should be X").
    pub reason: String,
    /// Italian message for the operator.
    pub messaggio: String,
}

impl CfError {
    /// The library error for a form field or input file field, e.g.
    /// `members[m1].codice_fiscale`, with the Italian message.
    pub fn to_error(&self, field: impl Into<String>) -> Error {
        Error::new(Code::Invalid, format!("codice fiscale non valido: {}", self.messaggio)).with_field(field)
    }
}

impl std::fmt::Display for CfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.messaggio)
    }
}

impl std::error::Error for CfError {}

/// Month letters, January to December.
pub(crate) const MONTHS: [char; 12] = ['A', 'B', 'C', 'D', 'E', 'H', 'L', 'M', 'P', 'R', 'S', 'T'];

/// Omocodia letters standing for 0…9.
pub(crate) const OMOCODIA: [char; 10] = ['L', 'M', 'N', 'P', 'Q', 'R', 'S', 'T', 'U', 'V'];

/// Indexes (0-based) of the digits that omocodia may replace, right to left: the
/// Agenzia delle Entrate substitutes from the rightmost one.
pub(crate) const OMOCODIA_POSITIONS: [usize; 7] = [14, 13, 12, 10, 9, 7, 6];

/// Values of A…Z (and of 0…9 at the same index) at odd positions (1st, 3rd … 15th).
const ODD_VALUES: [u32; 26] =
    [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

fn is_digit_slot(i: usize) -> bool {
    OMOCODIA_POSITIONS.contains(&i)
}

/// The digit a character stands for in a digit slot: itself, or its omocodia value.
fn digit_value(c: char) -> Option<u32> {
    c.to_digit(10).or_else(|| OMOCODIA.iter().position(|&o| o == c).map(|p| p as u32))
}

/// The check letter of the first 15 characters (upper-case ASCII letters and digits).
///
/// # Panics
/// If a character is neither an ASCII upper-case letter nor a digit.
pub fn check_letter(first15: &str) -> char {
    let sum: u32 = first15
        .chars()
        .take(15)
        .enumerate()
        .map(|(i, c)| {
            let index = match c {
                '0'..='9' => c as u32 - '0' as u32,
                'A'..='Z' => c as u32 - 'A' as u32,
                _ => panic!("carattere non ammesso nel codice fiscale: {c:?}"),
            };
            // Positions are counted from 1: index 0 is the 1st, an odd position.
            if i % 2 == 0 {
                ODD_VALUES[index as usize]
            } else {
                index
            }
        })
        .sum();
    (b'A' + (sum % 26) as u8) as char
}

enum Problem {
    Length(usize),
    Character { position: usize, found: char, digit_slot: bool },
    Month(char),
    Day(String),
    CheckLetter { expected: char, found: char },
}

impl Problem {
    fn into_error(self, code: String) -> CfError {
        let (reason, messaggio) = match self {
            Problem::Length(0) => ("invalid length".to_string(), "il codice fiscale è vuoto".to_string()),
            Problem::Length(n) => {
                ("invalid length".to_string(), format!("il codice fiscale deve avere 16 caratteri, non {n}"))
            }
            Problem::Character { position, found, digit_slot } => {
                let expected = if digit_slot { "una cifra (o una lettera di omocodia L-V)" } else { "una lettera" };
                (
                    "invalid character".to_string(),
                    format!("carattere «{found}» non ammesso in posizione {position}: serve {expected}"),
                )
            }
            Problem::Month(c) => (
                "invalid month".to_string(),
                format!("«{c}» non indica un mese: le lettere ammesse sono A B C D E H L M P R S T"),
            ),
            Problem::Day(why) => ("invalid day".to_string(), why),
            Problem::CheckLetter { expected, found } => (
                format!("check letter should be {expected}"),
                format!("il carattere di controllo è {found} ma dovrebbe essere {expected}: controllare il codice carattere per carattere"),
            ),
        };
        CfError { code, reason, messaggio }
    }
}

/// Trimmed and upper-cased, as rules.md §2 asks before any check.
pub fn normalise(input: &str) -> String {
    input.trim().to_uppercase()
}

/// The birth date from the two-digit year: the most recent date with that year,
/// month and day that is not after `today` (rules.md §2). `None` if no such day
/// exists in the last two centuries (29 February of a common year).
fn resolve_birth_date(yy: u32, month: u32, day: u32, today: NaiveDate) -> Option<NaiveDate> {
    let ty = today.year();
    let latest = ty - (ty - yy as i32).rem_euclid(100);
    [latest, latest - 100]
        .into_iter()
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .find(|d| *d <= today)
}

/// Characters 12-15 of a checked code: the birthplace's letter and three
/// digits, omocodia letters read as the digits they stand for.
fn birthplace_of(chars: &[char]) -> String {
    std::iter::once(chars[11])
        .chain((12..15).map(|i| char::from_digit(digit_value(chars[i]).unwrap_or(0), 10).unwrap_or('0')))
        .collect()
}

/// Parses and validates a codice fiscale. The input is trimmed and upper-cased;
/// the checks run in the order length, characters, month, day, check letter, and
/// the first that fails is the reason.
pub fn parse(input: &str, today: NaiveDate) -> Result<CodiceFiscale, CfError> {
    let code = normalise(input);
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 16 {
        return Err(Problem::Length(chars.len()).into_error(code));
    }
    for (i, &c) in chars.iter().enumerate() {
        let digit_slot = is_digit_slot(i);
        let ok = if digit_slot { digit_value(c).is_some() } else { c.is_ascii_uppercase() };
        if !ok {
            return Err(Problem::Character { position: i + 1, found: c, digit_slot }.into_error(code));
        }
    }
    let digit = |i: usize| digit_value(chars[i]).unwrap_or(0);
    let Some(month) = MONTHS.iter().position(|&m| m == chars[8]) else {
        return Err(Problem::Month(chars[8]).into_error(code));
    };
    let month = month as u32 + 1;
    let coded_day = digit(9) * 10 + digit(10);
    let (sex, day) = if coded_day > 40 { (Sex::F, coded_day - 40) } else { (Sex::M, coded_day) };
    if !(1..=31).contains(&day) {
        let why = format!("giorno «{coded_day:02}» non valido: 01-31 per gli uomini, 41-71 per le donne");
        return Err(Problem::Day(why).into_error(code));
    }
    let yy = digit(6) * 10 + digit(7);
    let Some(birth_date) = resolve_birth_date(yy, month, day, today) else {
        let why = format!("la data di nascita {day:02}/{month:02}/{yy:02} non esiste");
        return Err(Problem::Day(why).into_error(code));
    };
    let expected = check_letter(&code);
    if chars[15] != expected {
        return Err(Problem::CheckLetter { expected, found: chars[15] }.into_error(code));
    }
    let birthplace = birthplace_of(&chars);
    Ok(CodiceFiscale { code, sex, birth_date, birthplace })
}

/// A codice fiscale that passed [`parse`] once, kept as such by whoever holds it
/// (a household member): normalised, the right length, characters, month, day
/// and check letter. Whether it matches the person's names and birth date is a
/// warning given when it is typed, never checked again, so a code accepted with
/// a warning stays usable everywhere (printing included).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cf(String);

impl Cf {
    /// Parses a code as typed (`today` resolves the two-digit year).
    pub fn parse(input: &str, today: NaiveDate) -> Result<Cf, CfError> {
        parse(input, today).map(|c| Cf(c.code))
    }

    /// A code read back from storage or from a file written by the program:
    /// the same checks as [`parse`] without a "today". Every two-digit year
    /// is read as 20yy, whose leap years are exactly those of the code (yy
    /// divisible by 4, 2000 included), so a valid day is never refused.
    pub fn check(input: &str) -> Result<Cf, CfError> {
        let end_of_century = NaiveDate::from_ymd_opt(2099, 12, 31).expect("valid date");
        Cf::parse(input, end_of_century)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Belfiore code of the birthplace (`F205`, `Z330`), omocodia undone.
    pub fn birthplace(&self) -> String {
        birthplace_of(&self.0.chars().collect::<Vec<_>>())
    }
}

impl CodiceFiscale {
    /// The code alone, as a member keeps it.
    pub fn valid(&self) -> Cf {
        Cf(self.code.clone())
    }
}

impl std::ops::Deref for Cf {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Cf {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Cf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for Cf {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for Cf {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl From<Cf> for String {
    fn from(c: Cf) -> String {
        c.0
    }
}

impl Serialize for Cf {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Cf {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cf, D::Error> {
        let s = String::deserialize(d)?;
        Cf::check(&s).map_err(|e| serde::de::Error::custom(e.messaggio))
    }
}

impl CodiceFiscale {
    /// How many digits omocodia replaced with letters (0 for an ordinary code).
    pub fn omocodia(&self) -> usize {
        self.code.chars().enumerate().filter(|&(i, c)| is_digit_slot(i) && c.is_ascii_uppercase()).count()
    }

    /// The code with omocodia undone: digits back in place, check letter recomputed.
    pub fn base_code(&self) -> String {
        let first15: String = self
            .code
            .chars()
            .take(15)
            .enumerate()
            .map(|(i, c)| {
                if is_digit_slot(i) {
                    char::from_digit(digit_value(c).unwrap_or(0), 10).unwrap_or(c)
                } else {
                    c
                }
            })
            .collect();
        let check = check_letter(&first15);
        format!("{first15}{check}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
    }

    fn reason(input: &str) -> String {
        parse(input, today()).unwrap_err().reason
    }

    #[test]
    fn rules_examples_are_valid() {
        let cf = parse("RSSMRA80A01F205X", today()).unwrap();
        assert_eq!(
            (cf.sex, cf.birth_date, cf.birthplace.as_str()),
            (Sex::M, NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(), "F205")
        );
        let cf = parse("BNCGLI92L55F205A", today()).unwrap();
        assert_eq!((cf.sex, cf.birth_date), (Sex::F, NaiveDate::from_ymd_opt(1992, 7, 15).unwrap()));
        let cf = parse("RSSMRA80A01F20RS", today()).unwrap();
        assert_eq!(cf.birthplace, "F205");
        assert_eq!(cf.valid().birthplace(), "F205");
        assert_eq!(cf.omocodia(), 1);
        assert_eq!(cf.base_code(), "RSSMRA80A01F205X");
        // python-stdnum's doctest examples.
        assert_eq!(check_letter("RCCMNL83S18D969"), 'H');
        assert_eq!(parse("CNTCHR83T41D969D", today()).unwrap().sex, Sex::F);
    }

    #[test]
    fn input_is_trimmed_and_upper_cased() {
        let cf = parse("  rssmra80a01f205x\t\n", today()).unwrap();
        assert_eq!(cf.code, "RSSMRA80A01F205X");
        assert_eq!(parse("rssmra80a01f205y", today()).unwrap_err().code, "RSSMRA80A01F205Y");
    }

    #[test]
    fn every_reason() {
        assert_eq!(reason("RSSMRA80A01F205Y"), "check letter should be X");
        assert_eq!(reason(""), "invalid length");
        assert_eq!(reason("RSSMRA80A01F205"), "invalid length");
        assert_eq!(reason("RSSMRA80A01F205XX"), "invalid length");
        assert_eq!(reason("RSS MRA80A01F205X"), "invalid length");
        assert_eq!(reason("RSSMR480A01F205X"), "invalid character");
        assert_eq!(reason("RSSMRAA0A01F205X"), "invalid character");
        assert_eq!(reason("RSSMRA80A01F2O5X"), "invalid character");
        assert_eq!(reason("RSSMRA80A01F2052"), "invalid character");
        assert_eq!(reason("RSSMRA8àA01F205X"), "invalid character");
        assert_eq!(reason("RSSMRA8001F205XA"), "invalid character");
        assert_eq!(reason("RSSMRA80F01F205X"), "invalid month");
        assert_eq!(reason("RSSMRA80A00F205X"), "invalid day");
        assert_eq!(reason("RSSMRA80A32F205X"), "invalid day");
        assert_eq!(reason("RSSMRA80A40F205X"), "invalid day");
        assert_eq!(reason("RSSMRA80A72F205X"), "invalid day");
        assert_eq!(reason("RSSMRA80B30F205X"), "invalid day");
        assert_eq!(reason("RSSMRA81B29F205X"), "invalid day");
        assert_eq!(reason("RSSMRA80D31F205X"), "invalid day");
    }

    #[test]
    fn order_of_checks_is_length_character_month_day_check() {
        // Bad month and bad day and bad check letter: the month is reported.
        assert_eq!(reason("RSSMRA80F99F205Y"), "invalid month");
        // Bad day and bad check letter: the day.
        assert_eq!(reason("RSSMRA80A99F205Y"), "invalid day");
    }

    #[test]
    fn two_digit_year_is_the_most_recent_not_after_today() {
        let t = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        let date = |code: &str| parse(&format!("{code}{}", check_letter(code)), t).map(|c| c.birth_date);
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(date("RSSMRA26H15F205").unwrap(), d(2026, 6, 15)); // born today
        assert_eq!(date("RSSMRA26H16F205").unwrap(), d(1926, 6, 16)); // tomorrow: a century ago
        assert_eq!(date("RSSMRA27A01F205").unwrap(), d(1927, 1, 1));
        assert_eq!(date("RSSMRA00B29F205").unwrap(), d(2000, 2, 29));
        assert_eq!(date("RSSMRA04B29F205").unwrap(), d(2004, 2, 29));
        // 29 Feb 2000 not yet reached and 1900 was a common year: no such day.
        let y2k = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
        let code = "RSSMRA00B29F205";
        let e = parse(&format!("{code}{}", check_letter(code)), y2k).unwrap_err();
        assert_eq!(e.reason, "invalid day");
    }

    #[test]
    fn a_kept_code_is_checked_without_today_and_serialises_as_text() {
        let cf = Cf::parse(" rssmra80a01f205x ", today()).unwrap();
        assert_eq!(cf, "RSSMRA80A01F205X");
        assert_eq!(Cf::check("RSSMRA80A01F205X").unwrap(), cf);
        // 29 February of a year 00 exists (2000): a stored code born then is valid.
        let code = format!("RSSMRA00B69F205{}", check_letter("RSSMRA00B69F205"));
        assert!(Cf::check(&code).is_ok(), "{code}");
        assert_eq!(Cf::check("RSSMRA80A01F205Y").unwrap_err().reason, "check letter should be X");
        assert_eq!(serde_json::to_string(&cf).unwrap(), "\"RSSMRA80A01F205X\"");
        assert!(serde_json::from_str::<Cf>("\"RSSMRA80A01F205Y\"").is_err());
    }

    #[test]
    fn messages_are_italian_and_map_to_library_errors() {
        let e = parse("RSSMRA80A01F205Y", today()).unwrap_err();
        assert!(e.messaggio.contains("dovrebbe essere X"), "{}", e.messaggio);
        let err = e.to_error("members[m1].codice_fiscale");
        assert_eq!(err.code, Code::Invalid);
        assert_eq!(err.field.as_deref(), Some("members[m1].codice_fiscale"));
        assert!(parse("RSSMRA80A01F2O5X", today()).unwrap_err().messaggio.contains("posizione 14"));
    }
}
