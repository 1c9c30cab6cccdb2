//! Codice fiscale (rules.md §2): parsing, validation with omocodia, and the
//! expected letters from a person's names. Pure: "today" is a parameter.
//!
//! OWNER: issue 2. API relied on by others:
//! `parse(input, today) -> Result<CodiceFiscale, CfError>`.

use chrono::NaiveDate;
use serde::Serialize;

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

pub fn parse(_input: &str, _today: NaiveDate) -> Result<CodiceFiscale, CfError> {
    unimplemented!("issue 2")
}
