//! Sportello's pure core: what the office decides and the words it decides with.
//!
//! - [`cf`], [`calendar`], [`rules`]: pure functions; "today" is a parameter;
//! - [`domain`]: the types, the validation of forms, who signs, status moves;
//! - [`catalog`]: the one reader of data files (comuni, holidays, the project's
//!   windows, dated rule sets), below the calendar and the rules;
//! - [`money`], [`dates`], [`error`]: exact amounts, strict dates, the one error;
//! - [`siuss`]: the flow of benefits paid that INPS takes (PS-PSA), written from checked records;
//! - [`json_in`], [`csv_out`], [`text_in`]: JSON read strictly (unknown and repeated keys named),
//!   CSV written safely (no cell a spreadsheet would run as a formula), text files
//!   read as offices save them (UTF-8, or Windows-1252);
//! - [`update`]: an update package checked against its signature and the publisher's key.
//!
//! This crate has no SQLite, no PDF, no service and no clock (chrono without its
//! "clock" feature): storage, printing and the service are in the `sportello`
//! crate above it, which re-exports these modules under the same paths.
//! `tests/layering.rs` keeps the few rules the compiler cannot see.

pub mod calendar;
pub mod catalog;
pub mod cf;
pub mod csv_out;
pub mod dates;
pub mod domain;
pub mod error;
pub mod iban;
pub mod json_in;
pub mod money;
pub mod rules;
pub mod siuss;
pub mod table;
pub mod text_in;
pub mod update;

pub use error::{Code, Error, Result};
pub use money::Money;
