//! PDF documents (A4, DejaVu Sans embedded from `assets/fonts`): the project
//! agreement (patto), the convocation letter, the esito of the requirements,
//! the public ranking, the access log of a case, and the reimbursement of a
//! Misura B2 contribution (the family's statement, the finance office's
//! payment list).
//!
//! OWNER: printing. Contract relied on by the ranking CLI: [`ranking`].
//! Every document is built as a [`layout::Document`] from an already validated
//! value of the core ([`sportello_core::domain`]), so rendering is pure: no
//! clock, no files, no database.
//!
//! Its own crate, above the core and below the service: it cannot name
//! storage or the service, and built alone (`cargo check -p sportello-print`)
//! it has no clock. The `sportello` crate re-exports it as `sportello::print`.

// The core's modules under the names the documents use (`crate::dates`…),
// as they are in the `sportello` crate.
use sportello_core::{calendar, dates, domain, error, money, rules, Result};

pub mod access_log;
pub mod agreement;
pub mod convocation;
pub mod data_access;
pub mod erasure;
pub mod esf_report;
pub mod esito;
pub mod fonts;
pub mod informativa;
pub mod layout;
pub mod office;
pub mod processing_register;
pub mod project_finance;
pub mod ranking;
pub mod record_erasure;
pub mod reimbursement;

pub use office::heading;
