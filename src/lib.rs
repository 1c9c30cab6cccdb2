//! Sportello: the library behind the desktop app and the `sportello` command line.
//!
//! See ARCHITECTURE.md for the map. In short:
//! - the pure core, crate `sportello-core`, re-exported here under the same paths:
//!   [`cf`], [`calendar`], [`rules`] (no clock, no I/O, no database), [`domain`]
//!   types, [`catalog`] (the one reader of data files), [`money`], [`dates`],
//!   [`error`];
//! - [`storage`] (the only module that touches SQLite), with [`keyring`],
//!   [`sync`] (the packages between replicas), [`fsx`] and [`crashpoint`]:
//!   crate `sportello-storage`, re-exported here at the same paths;
//! - [`service`]: the single entry point for the app, which knows the acting operator;
//! - [`print`]: PDF documents, crate `sportello-print` (the core's values in,
//!   PDF bytes out; no SQLite, no clock), re-exported here as `print`.

// The core is its own crate so that it cannot import storage, print or the
// service: a wrong import does not compile. Its modules keep their paths here.
pub use sportello_core::{
    calendar, catalog, cf, csv_out, dates, domain, error, iban, json_in, money, rules, siuss, table, text_in,
};
// Printing likewise: above the core, below the service, at its old path.
pub use sportello_print as print;
// The store likewise: above the core, below the service; it cannot name
// printing or the service.
// (`crashpoint` brings both the module and its function.)
pub use sportello_storage::{crashpoint, fsx, keyring, storage, sync};

pub mod applications_file;
pub mod demo;
pub mod outputs;
pub mod service;
pub mod support;
pub mod sync_http;
pub mod update;
pub mod xlsx;

pub use error::{Code, Error, Result};
pub use money::Money;
