//! The public form of a published ranking (rules.md §4 "Publication"): protocol,
//! position, score, status and (funded only) amount. Nothing that identifies a
//! person can be put in it: the types have no field for it. Built by
//! [`super::appeals::public_ranking`], printed by `print::ranking`.

use chrono::NaiveDate;

use crate::money::Money;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicStatus {
    /// Ammesso e finanziato.
    Funded,
    /// Ammesso non finanziato.
    AdmittedNotFunded,
    /// Non ammesso.
    NotAdmitted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicRow {
    /// None for the not admitted.
    pub position: Option<u32>,
    pub protocol: String,
    /// Already rounded for display, e.g. "9.250"; None for the not admitted.
    pub score: Option<String>,
    pub status: PublicStatus,
    /// Only for funded rows.
    pub amount: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicRanking {
    /// E.g. "Misura B2 anziani — graduatoria 2019".
    pub title: String,
    /// Office heading lines.
    pub office: String,
    /// The rule set in words, e.g. "Misura B2 anziani e disabili — raccolta 2019
    /// (versione 1)": the public reads it, so never the file's id.
    pub rule_set: String,
    /// Date of publication; the appeal deadline is printed beside it.
    pub published_on: NaiveDate,
    pub appeal_deadline: NaiveDate,
    /// Version number of this published ranking (1, 2 … after upheld appeals).
    pub version: u32,
    pub budget: Money,
    pub rows: Vec<PublicRow>,
}

impl PublicStatus {
    /// As printed in the "Esito" column.
    pub fn label(self) -> &'static str {
        match self {
            PublicStatus::Funded => "Ammesso e finanziato",
            PublicStatus::AdmittedNotFunded => "Ammesso non finanziato",
            PublicStatus::NotAdmitted => "Non ammesso",
        }
    }
}
