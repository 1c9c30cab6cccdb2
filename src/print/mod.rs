//! PDF documents (A4, embedded font from `assets/fonts`): the project agreement,
//! the convocation letter, the public ranking.
//!
//! OWNER: printing. Contract relied on by the ranking CLI: [`ranking`].
//! Every document is built as a [`layout::Document`] from an already validated
//! model, so rendering is pure: no clock, no files, no database.

pub mod access_log;
pub mod agreement;
pub mod convocation;
pub mod esito;
pub mod fonts;
pub mod layout;
pub mod office;
pub mod ranking;

pub use office::heading;
