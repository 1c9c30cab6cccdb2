//! Reimbursement of an awarded Misura B2 contribution against the expense
//! documents the beneficiary hands in (rules.md §7; seed 002: «contributi a
//! rimborso … a fronte della relativa documentazione di rendicontazione della
//! spesa»).
//!
//! - [`input`]: the claim of `sportello reimburse` (cli.md), read strictly;
//! - [`compute`]: monthly caps, refusals, the month-by-month walk;
//! - [`output`]: the `--json` answer and the statement printed for the family.
//!
//! The rule set (`tipo = "rimborso-b2"`) is the one covering the first day of the
//! award's first month: the documents allowed per measure, the minimum monthly
//! award and how the award is split into caps come from it, never from here.

pub mod claims_csv;
mod compute;
mod input;
mod output;

use chrono::NaiveDate;
use serde::Serialize;

use crate::dates::Month;
use crate::money::Money;
use crate::rules::rule_set::RuleSetRef;

pub use compute::{monthly_caps, reimburse};
pub use input::{normalize_issuer, parse_claim_json, DEFAULT_COMUNE};
pub use output::{render_text, to_contract_json, to_json};

/// A contribution assigned to a funded application: `amount` for the months from
/// `first_month` to `last_month`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Award {
    pub amount: Money,
    pub first_month: Month,
    pub last_month: Month,
}

impl Award {
    /// Every month of the period, in order.
    pub fn months(&self) -> impl Iterator<Item = Month> {
        self.first_month.through(self.last_month)
    }
    pub fn month_count(&self) -> u32 {
        self.first_month.count_to(self.last_month)
    }
    pub fn covers(&self, m: Month) -> bool {
        self.first_month <= m && m <= self.last_month
    }
    /// `07/2019 – 06/2020`.
    pub fn period_it(&self) -> String {
        format!("{} – {}", self.first_month.format_it(), self.last_month.format_it())
    }
}

/// An expense document as handed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpenseDocument {
    /// The claim's own name for the document (unique in the claim).
    pub id: String,
    /// The document type as given (`busta_paga`): an unknown type is not an input
    /// error but a refusal (`TYPE_NOT_ALLOWED`), which the family can read.
    pub kind: String,
    /// Codice fiscale or partita IVA, without spaces, upper case.
    pub issuer: String,
    /// The issuer's number of the document, trimmed.
    pub number: String,
    pub date: NaiveDate,
    /// The month the expense pays for (not the date it was paid).
    pub month: Month,
    pub amount: Money,
}

/// A document handed in with an earlier claim: only what makes it the same document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierDocument {
    pub issuer: String,
    pub number: String,
}

/// What earlier claims paid for one month (a month may be listed more than once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthAmount {
    pub month: Month,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// `b2-anziani`, `b2-disabili`: checked against the rule set.
    pub measure: String,
    /// Belfiore code of the comune whose rules apply. Not part of the JSON
    /// contract: [`parse_claim_json`] sets [`DEFAULT_COMUNE`].
    pub comune: String,
    /// Whether the application was funded (admitted but not funded: every
    /// document is refused).
    pub funded: bool,
    pub award: Award,
    pub already_reimbursed: Vec<MonthAmount>,
    pub earlier_documents: Vec<EarlierDocument>,
    pub documents: Vec<ExpenseDocument>,
}

/// Stable codes of a refused or reduced document (never renamed). Declared in
/// alphabetical order: sorting by the enum sorts by the code, as the answer lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReimbursementCode {
    /// Same issuer and number as a document handed in before.
    Duplicate,
    /// The application was admitted but not funded.
    NotFunded,
    /// The document's month is not in the award period.
    OutsidePeriod,
    /// Reduced or zeroed: the month's cap was used up (the only non-refusal).
    OverMonthlyCap,
    /// Not a document type the measure reimburses.
    TypeNotAllowed,
}

impl ReimbursementCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReimbursementCode::Duplicate => "DUPLICATE",
            ReimbursementCode::NotFunded => "NOT_FUNDED",
            ReimbursementCode::OutsidePeriod => "OUTSIDE_PERIOD",
            ReimbursementCode::OverMonthlyCap => "OVER_MONTHLY_CAP",
            ReimbursementCode::TypeNotAllowed => "TYPE_NOT_ALLOWED",
        }
    }
    /// The code as stored and sent (`DUPLICATE`); None for any other text.
    pub fn parse(s: &str) -> Option<ReimbursementCode> {
        use ReimbursementCode::*;
        [Duplicate, NotFunded, OutsidePeriod, OverMonthlyCap, TypeNotAllowed]
            .into_iter()
            .find(|c| c.as_str() == s)
    }
    /// A refusal rejects the whole document; the cap only reduces an accepted one.
    pub fn is_refusal(self) -> bool {
        self != ReimbursementCode::OverMonthlyCap
    }
}

impl std::fmt::Display for ReimbursementCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code with its Italian sentence, with the values that explain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentReason {
    pub code: ReimbursementCode,
    pub text: String,
}

/// One month of the award period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthLine {
    pub month: Month,
    /// The month's full cap.
    pub cap: Money,
    /// What earlier claims paid for it, as declared (may exceed the cap).
    pub reimbursed_before: Money,
    /// What this claim reimburses for it.
    pub reimbursed: Money,
}

impl MonthLine {
    /// What is still reimbursable for the month after this claim (never negative).
    pub fn left(&self) -> Money {
        let used = self.reimbursed_before.checked_add(self.reimbursed).expect("amounts in range");
        self.cap.checked_sub(used).filter(|m| !m.is_negative()).unwrap_or(Money::ZERO)
    }
}

/// One document of the claim, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentLine {
    pub id: String,
    pub kind: String,
    /// The rule set's label for the type, None for a type it does not list.
    pub kind_label: Option<String>,
    pub issuer: String,
    pub number: String,
    pub date: NaiveDate,
    pub month: Month,
    pub amount: Money,
    pub accepted: Money,
    /// Sorted by code.
    pub reasons: Vec<DocumentReason>,
}

impl DocumentLine {
    pub fn refused(&self) -> bool {
        self.reasons.iter().any(|r| r.code.is_refusal())
    }
    pub fn codes(&self) -> Vec<ReimbursementCode> {
        self.reasons.iter().map(|r| r.code).collect()
    }
}

/// Where the award stands after this claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Balance {
    pub awarded: Money,
    /// Sum of what earlier claims paid, as declared.
    pub reimbursed_before: Money,
    pub this_claim: Money,
    /// Still reimbursable: the sum over the months of what is left of each cap
    /// (what a month did not use is not carried to another, so this can be less
    /// than `awarded − reimbursed_before − this_claim`, never more).
    pub left: Money,
}

/// The answer to a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub rule_set: RuleSetRef,
    /// What people read instead of the id: the set's title and its acts' titles.
    pub rule_set_title: String,
    pub acts: Vec<String>,
    pub measure: String,
    /// E.g. "Misura B2 anziani".
    pub measure_title: String,
    pub funded: bool,
    pub award: Award,
    /// Every month of the award period, in order.
    pub months: Vec<MonthLine>,
    /// In input order.
    pub documents: Vec<DocumentLine>,
    /// What this claim reimburses.
    pub total: Money,
    pub balance: Balance,
}

#[cfg(test)]
mod tests {
    use super::ReimbursementCode::*;

    #[test]
    fn codes_sort_as_their_text() {
        let codes = [Duplicate, NotFunded, OutsidePeriod, OverMonthlyCap, TypeNotAllowed];
        let mut texts: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        texts.sort();
        assert_eq!(texts, codes.iter().map(|c| c.as_str()).collect::<Vec<_>>());
        for c in codes {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
        assert!(!OverMonthlyCap.is_refusal() && Duplicate.is_refusal());
        for c in codes {
            assert_eq!(super::ReimbursementCode::parse(c.as_str()), Some(c));
        }
        assert_eq!(super::ReimbursementCode::parse("duplicate"), None);
    }
}
