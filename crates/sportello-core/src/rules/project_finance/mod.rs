//! A funded project's finances (rules.md §8; seed 004: the «Residenzialità
//! Temporanea Sociale», PON Metro azione 3.1.1, codice MI3.1.1.c): the four
//! amounts OpenCoesione shows, and what an office must not let pass unnoticed.
//!
//! - [`cup`]: the Codice Unico di Progetto, validated;
//! - [`amounts`]: the records checked, the four amounts on a date, the warnings.
//!
//! *Programmato* and *ammesso a finanziamento* are the project's own figures;
//! *giuridicamente vincolante* is the sum of the commitments (impegni) and
//! *erogato* the sum of the payments, each counting the records dated on or
//! before the date asked: they are computed, never typed, so they cannot
//! disagree with the records.
//!
//! # Warnings
//!
//! Not refusals: the records are facts (a payment made is made), and the office
//! has to see what does not add up. Stable codes, in alphabetical order:
//!
//! | code | when |
//! | --- | --- |
//! | `ADMITTED_OVER_PROGRAMMED` | ammesso a finanziamento above programmato |
//! | `COMMITMENTS_OVER_ADMITTED` | giuridicamente vincolante above ammesso |
//! | `OUTSIDE_PROJECT_DATES` | a commitment or payment dated before the start or after the end |
//! | `PAYMENTS_OVER_COMMITMENT` | the payments on one commitment above its amount |
//! | `PAYMENTS_OVER_COMMITMENTS` | erogato above giuridicamente vincolante |
//! | `PAYMENT_BEFORE_COMMITMENT` | a payment dated before the commitment it pays |

mod amounts;
mod cup;

use chrono::NaiveDate;
use serde::Serialize;

use crate::money::Money;

pub use amounts::{amounts, check_records, warnings};
pub use cup::Cup;

/// A project financed by a programme (PON Metro), as OpenCoesione describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundedProject {
    /// Codice progetto: `MI3.1.1.c`.
    pub code: String,
    pub cup: Cup,
    /// Responsabile unico del procedimento.
    pub rup: String,
    /// Soggetto attuatore: `Comune di Milano`.
    pub attuatore: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Importo programmato.
    pub programmato: Money,
    /// Importo ammesso a finanziamento.
    pub ammesso: Money,
}

/// An impegno: an obligation the project has legally taken on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commitment {
    pub id: String,
    pub date: NaiveDate,
    pub amount: Money,
    pub description: String,
}

/// A payment made (erogato), on a commitment if known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub id: String,
    pub date: NaiveDate,
    pub amount: Money,
    /// The commitment's id.
    pub commitment: Option<String>,
}

/// The four amounts on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Amounts {
    pub on: NaiveDate,
    pub programmato: Money,
    pub ammesso: Money,
    /// Sum of the commitments dated on or before `on`.
    pub giuridicamente_vincolante: Money,
    /// Sum of the payments dated on or before `on`.
    pub erogato: Money,
}

impl Amounts {
    /// Erogato as a percentage of the ammesso, to one decimal (half-up); None
    /// while nothing is admitted. What the screen's bar and the report show.
    pub fn erogato_percent(&self) -> Option<rust_decimal::Decimal> {
        let ammesso = self.ammesso.as_decimal();
        if ammesso <= rust_decimal::Decimal::ZERO {
            return None;
        }
        let pc = self.erogato.as_decimal().checked_mul(rust_decimal::Decimal::ONE_HUNDRED)? / ammesso;
        Some(pc.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
    }
}

/// Stable warning codes (never renamed). Declared in alphabetical order, so that
/// sorting by the enum sorts by the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WarningCode {
    AdmittedOverProgrammed,
    CommitmentsOverAdmitted,
    OutsideProjectDates,
    PaymentsOverCommitment,
    PaymentsOverCommitments,
    PaymentBeforeCommitment,
}

impl WarningCode {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::AdmittedOverProgrammed => "ADMITTED_OVER_PROGRAMMED",
            WarningCode::CommitmentsOverAdmitted => "COMMITMENTS_OVER_ADMITTED",
            WarningCode::OutsideProjectDates => "OUTSIDE_PROJECT_DATES",
            WarningCode::PaymentsOverCommitment => "PAYMENTS_OVER_COMMITMENT",
            WarningCode::PaymentsOverCommitments => "PAYMENTS_OVER_COMMITMENTS",
            WarningCode::PaymentBeforeCommitment => "PAYMENT_BEFORE_COMMITMENT",
        }
    }
}

impl std::fmt::Display for WarningCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A warning: its code, the record it is about (None for the project's totals),
/// and an Italian sentence with the amounts (`1.234,56 €`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: WarningCode,
    pub record: Option<String>,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::WarningCode::*;

    #[test]
    fn the_percentage_paid_of_the_admitted_amount() {
        let m = |s: &str| crate::money::Money::parse(s).unwrap();
        let a = |ammesso: &str, erogato: &str| super::Amounts {
            on: chrono::NaiveDate::from_ymd_opt(2019, 12, 31).unwrap(),
            programmato: m("817000.00"),
            ammesso: m(ammesso),
            giuridicamente_vincolante: m("0"),
            erogato: m(erogato),
        };
        let pc = |s: &str| Some(s.parse::<rust_decimal::Decimal>().unwrap());
        assert_eq!(a("817000.00", "0").erogato_percent(), pc("0"));
        assert_eq!(a("817000.00", "408500.00").erogato_percent(), pc("50"));
        // 1/3 = 33.333…: one decimal.
        assert_eq!(a("300.00", "100.00").erogato_percent(), pc("33.3"));
        // 0.05 % rounds half-up.
        assert_eq!(a("2000.00", "1.00").erogato_percent(), pc("0.1"));
        assert_eq!(a("0", "100.00").erogato_percent(), None);
    }

    #[test]
    fn codes_sort_as_their_text() {
        let codes = [
            AdmittedOverProgrammed,
            CommitmentsOverAdmitted,
            OutsideProjectDates,
            PaymentsOverCommitment,
            PaymentsOverCommitments,
            PaymentBeforeCommitment,
        ];
        let mut texts: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        texts.sort();
        assert_eq!(texts, codes.iter().map(|c| c.as_str()).collect::<Vec<_>>());
        for c in codes {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }
}
