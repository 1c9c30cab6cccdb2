//! Sportello's store: the only crate that touches SQLite.
//!
//! - [`storage`]: the encrypted database (SQLCipher), its migrations, its
//!   backups and restores, its audit log, and the capture and merge of
//!   changes between replicas;
//! - [`keyring`]: who can open a database (the key wrapped per operator
//!   password, the recovery key);
//! - [`sync`]: the sealed package of changes between replicas (no SQLite
//!   there: its format, signature and encryption);
//! - [`fsx`]: files with personal data (0600, whole-or-nothing, published
//!   under a name that must not exist);
//! - [`crashpoint`]: where a test may kill the process (debug builds only).
//!
//! Its own crate, above the core and below the service: it cannot name
//! printing or the service (a wrong import does not compile), and built on
//! its own (`cargo check -p sportello-storage`) it has no clock. The
//! `sportello` crate re-exports its modules at the same paths.

// The core's modules under the names the store uses (`crate::domain`…), as
// they are in the `sportello` crate.
use sportello_core::{cf, dates, domain, error, iban, money, rules};

#[doc(hidden)]
pub mod crashpoint;
pub mod fsx;
pub mod keyring;
pub mod storage;
pub mod sync;

pub use crashpoint::crashpoint;
