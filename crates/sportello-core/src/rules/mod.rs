//! Rules as data (rules.md §3-4): dated rule sets with their acts, eligibility for
//! misure 1-7, Misura B2 scoring, ranking and budget, publication and appeals.
//!
//! Architecture invariant: everything here is a pure function of its inputs. The
//! date is a parameter, never the clock; no file, database or Tauri is touched (the
//! files are read by `catalog::rule_sets`, which hands over parsed [`RuleSets`]).
//! No legal number is written in this code: thresholds, points, windows, caps and
//! tie-break orders come from the rule set, and each decision names the set's id
//! and version and carries a [`Trace`] in Italian.
//!
//! - [`rule_set`]: file format, validation (line at fault), selection by date.
//! - [`eligibility`]: misure 1-7 for one household.
//! - [`applications`]: the CSV of a B2 call (all rows or none).
//! - [`b2`]: score, order, budget walk: the three lists.
//! - [`appeals`]: published versions, appeals, new versions and their differences.
//! - [`reimbursement`]: a claim against an awarded B2 contribution (rules.md §7).
//! - [`esf`]: ESF common indicators (CO01-CO19 at entry, CR01-CR05 at exit), rules.md §6.
//! - [`housing`]: temporary social housing: stays, occupancy, waiting list (rules.md §8).
//! - [`project_finance`]: a funded project's four amounts and warnings (rules.md §8).
//! - [`retention`]: which records are past their retention term (GDPR art. 5(1)(e)).
//!
//! # Reasons
//!
//! Every "no" carries stable codes (never renamed: scripts and stored decisions
//! rely on them) with an Italian text that states the values compared.
//!
//! | code | where | meaning |
//! | --- | --- | --- |
//! | `OUTSIDE_WINDOW` | B2 | submitted outside the collection window |
//! | `NO_VALID_ISEE` | B2, misure 1-7 | no ISEE attestation, or one expired before the date (or without expiry date) |
//! | `ISEE_OVER_CAP` | B2, misure 1-7 | ISEE not within the threshold of the measure (B2 ≤ 40,000; misure 1-5 < 6,000; misure 6-7 ≤ the year's cap) |
//! | `NOT_RESIDENT` | B2, misure 1-7 | not resident in the comune on the date |
//! | `RESIDENCE_TOO_SHORT` | misure 1-5 | resident for less than the required years (1) |
//! | `OTHER_SUBSIDIES` | misure 1-5 | receives or applied for another subsidy of the Direzione Politiche Sociali |
//! | `NO_MINORS` | misura 1 | no member under 18 |
//! | `HAS_MINORS` | misura 2 | a member is under 18 |
//! | `HAS_OVER_64` | misura 2 | a member is 65 or older |
//! | `INVALIDITY_OVER_LIMIT` | misura 2 | a member has civil invalidity above 73% |
//! | `NO_DISABILITY` | misura 3 | no member with a disability certification or invalidity above 73% |
//! | `NO_OVER_64` | misura 4 | no member aged 65 or more |
//! | `NO_URGENT_NEED` | misura 5 | no extraordinary and urgent need recorded with its reason |
//! | `NO_RECENT_BIRTH` | misura 6 | no child born or adopted within the last 6 months |
//! | `FEWER_THAN_THREE_MINORS` | misura 7 (until 28/02/2022) | fewer than three minors in the household |
//! | `MEASURE_ABOLISHED` | misura 7 | abolished from 1 March 2022 (d.lgs. 230/2021) |
//!
//! A reimbursement claim's documents have their own codes
//! ([`reimbursement::ReimbursementCode`]), listed in alphabetical order:
//!
//! | code | meaning |
//! | --- | --- |
//! | `DUPLICATE` | same issuer and number as a document handed in before (earlier claim, or earlier in the list) |
//! | `NOT_FUNDED` | the application was admitted but not funded |
//! | `OUTSIDE_PERIOD` | the document's month is not in the award period |
//! | `OVER_MONTHLY_CAP` | accepted, but reduced or zeroed: the month's cap was used up |
//! | `TYPE_NOT_ALLOWED` | not a document type the measure reimburses |
//!
//! A stay refused by [`housing::check_stay`] is an [`crate::Error`] whose code and
//! field are stable (table in [`housing`]); a funded project's warnings have their
//! own codes ([`project_finance::WarningCode`], table in [`project_finance`]).

pub mod appeals;
pub mod applications;
pub mod b2;
pub mod eligibility;
pub mod esf;
pub mod housing;
pub mod project_finance;
pub mod public_ranking;
pub mod reimbursement;
pub mod retention;
pub mod rule_set;
pub mod trace;

use serde::{Deserialize, Serialize};

pub use rule_set::{RuleSet, RuleSetRef, RuleSets};
pub use trace::{Outcome, Step, Trace};

/// Stable reason codes (see the table above). Serialized as the code string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReasonCode {
    OutsideWindow,
    NoValidIsee,
    IseeOverCap,
    NotResident,
    ResidenceTooShort,
    OtherSubsidies,
    NoMinors,
    HasMinors,
    HasOver64,
    InvalidityOverLimit,
    NoDisability,
    NoOver64,
    NoUrgentNeed,
    NoRecentBirth,
    FewerThanThreeMinors,
    MeasureAbolished,
}

impl ReasonCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::OutsideWindow => "OUTSIDE_WINDOW",
            ReasonCode::NoValidIsee => "NO_VALID_ISEE",
            ReasonCode::IseeOverCap => "ISEE_OVER_CAP",
            ReasonCode::NotResident => "NOT_RESIDENT",
            ReasonCode::ResidenceTooShort => "RESIDENCE_TOO_SHORT",
            ReasonCode::OtherSubsidies => "OTHER_SUBSIDIES",
            ReasonCode::NoMinors => "NO_MINORS",
            ReasonCode::HasMinors => "HAS_MINORS",
            ReasonCode::HasOver64 => "HAS_OVER_64",
            ReasonCode::InvalidityOverLimit => "INVALIDITY_OVER_LIMIT",
            ReasonCode::NoDisability => "NO_DISABILITY",
            ReasonCode::NoOver64 => "NO_OVER_64",
            ReasonCode::NoUrgentNeed => "NO_URGENT_NEED",
            ReasonCode::NoRecentBirth => "NO_RECENT_BIRTH",
            ReasonCode::FewerThanThreeMinors => "FEWER_THAN_THREE_MINORS",
            ReasonCode::MeasureAbolished => "MEASURE_ABOLISHED",
        }
    }
}

impl std::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reason for a "no": the stable code and the Italian sentence with the values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: ReasonCode,
    pub text: String,
}
