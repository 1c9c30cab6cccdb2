//! Support for the office's IT staff: the program's log (`log`: what ran,
//! how long, how it ended; never whose data) and the diagnostics bundle the
//! "Informazioni" dialog writes (`crate::service`'s `about` and
//! `diagnostics_export`).

pub mod log;
