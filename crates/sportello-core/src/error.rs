//! The library's one error type: a stable machine code plus an Italian message.
//!
//! The code is what the UI, the CLI and tests match on; the message is what an
//! operator reads. `field` names what is at fault (a form field, a CSV column,
//! `members[2].codice_fiscale`), `location` where in an input file (line).

use serde::Serialize;

/// Stable error codes. Serialized in snake_case; never rename a variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// Input that does not respect its format or a rule of the form.
    Invalid,
    /// A comune (Belfiore code) not in the comuni data.
    UnknownComune,
    /// No rule set covers the requested date (never a silent default).
    NoRuleSet,
    /// A rule-set or data file that cannot be read or is inconsistent.
    BadRuleSet,
    /// A record that does not exist.
    NotFound,
    /// Two writers, or a state transition that is not allowed now.
    Conflict,
    /// The acting operator may not do this.
    Forbidden,
    /// The database cannot be opened, is corrupt, or a query failed.
    Storage,
    /// The disk is full: nothing was written.
    DiskFull,
    /// Writing or reading a file (PDF, CSV) failed.
    Io,
    /// A bug: logged, shown to the operator as a generic message.
    Internal,
    /// Wrong username or password (the same answer for both), or a recovery
    /// key that is not this database's.
    Unauthorized,
    /// The session is locked (idle time, or the operator locked it): log in again.
    Locked,
    /// The database file is damaged or truncated: restore it from a backup.
    Corrupt,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Invalid => "invalid",
            Code::UnknownComune => "unknown_comune",
            Code::NoRuleSet => "no_rule_set",
            Code::BadRuleSet => "bad_rule_set",
            Code::NotFound => "not_found",
            Code::Conflict => "conflict",
            Code::Forbidden => "forbidden",
            Code::Storage => "storage",
            Code::DiskFull => "disk_full",
            Code::Io => "io",
            Code::Internal => "internal",
            Code::Unauthorized => "unauthorized",
            Code::Locked => "locked",
            Code::Corrupt => "corrupt",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub code: Code,
    /// Italian, for the operator.
    pub message: String,
    /// What is at fault: a field, a column, a member (`members[m3].codice_fiscale`).
    pub field: Option<String>,
    /// Where in an input file: `riga 12`.
    pub line: Option<u64>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), field: None, line: None }
    }
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::new(Code::Invalid, message).with_field(field)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Error::new(Code::NotFound, message)
    }
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
    /// `file:line: field: message`, for standard error in the CLI.
    pub fn located(&self, file: &str) -> String {
        let mut s = String::from(file);
        if let Some(l) = self.line {
            s.push_str(&format!(":{l}"));
        }
        if let Some(f) = &self.field {
            s.push_str(&format!(": {f}"));
        }
        s.push_str(&format!(": {}", self.message));
        s
    }
}
