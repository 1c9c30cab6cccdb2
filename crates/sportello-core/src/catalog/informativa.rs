//! The proposed text of the office's informativa (GDPR artt. 13-14), compiled
//! in from `assets/informativa/informativa.txt`: a Comune's social services
//! informativa, for the administrator to adapt (`domain::informativa`).

/// The body proposed before the administrator saves the office's own.
pub const DEFAULT_BODY: &str = include_str!("../../../../assets/informativa/informativa.txt");
