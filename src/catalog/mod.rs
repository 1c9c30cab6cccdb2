//! Data files: the comuni with their patron days (`comuni`) and the dated rule
//! sets (`rule_sets`). Built-in copies are compiled in from `assets/`; an
//! administrator may add or override files in a data directory without a rebuild.
//! This module does the reading; the rules receive parsed values and never touch
//! files.

pub mod comuni;
pub mod rule_sets;
