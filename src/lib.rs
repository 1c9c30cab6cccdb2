//! Sportello: the library behind the desktop app and the `sportello` command line.
//!
//! See ARCHITECTURE.md for the map. In short:
//! - pure rules: [`cf`], [`calendar`], [`rules`] (no clock, no I/O, no database);
//! - [`domain`] types; [`storage`] (the only module that touches SQLite);
//! - [`service`]: the single entry point for the app, which knows the acting operator;
//! - [`print`]: PDF documents; [`catalog`]: loading of data files (comuni, rule sets).

pub mod calendar;
pub mod catalog;
pub mod cf;
#[doc(hidden)]
pub mod crashpoint;
pub mod dates;
pub mod demo;
pub mod domain;
pub mod error;
pub mod fsx;
pub mod keyring;
pub mod money;
pub mod print;
pub mod rules;
pub mod service;
pub mod storage;
pub mod sync;

pub use error::{Code, Error, Result};
pub use money::Money;
