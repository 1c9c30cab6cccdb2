//! Data files, the only code that reads them: the comuni with their patron days
//! (`comuni`), the national holidays (`festivita`), the list of Italian comuni
//! and foreign states with their codice catastale and validity dates
//! (`places`), the windows of the personalised project (`procedure`), the
//! rules about members (`member_rules`: the employment age, the residence
//! permit's warning; `dated`: the shape both procedure files share) and the
//! dated rule sets (`rule_set`: the model, the parsing, the set; `rule_sets`:
//! built-in and administrator's files), the codes SIUSS asks for (`siuss_codes`:
//! ISTAT comuni, ISO countries, the office's classification of its benefits),
//! the proposed text of the office's informativa (`informativa`).
//! Built-in copies are compiled in from `assets/`; an administrator may add or
//! override comuni and rule sets in a data directory without a rebuild. This
//! module does the reading; the calendar and the rules receive parsed values.
//!
//! It sits below the calendar, the rules and the domain (it imports none of them),
//! so they can read its values without a cycle.

pub mod comuni;
pub mod dated;
pub mod festivita;
pub mod informativa;
pub mod member_rules;
pub mod monitoring;
pub mod places;
pub mod procedure;
pub mod rule_set;
pub mod rule_sets;
pub mod siuss_codes;

/// The 1-based line of a byte offset, so that an error names where to look.
pub(crate) fn line_of(text: &str, offset: usize) -> u64 {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}
