//! How a library error crosses IPC: `{code, message, field}` (docs/ipc.md).
//!
//! The code is stable and the message Italian. A bug (`internal`) is logged on
//! standard error and reaches the operator as a generic message, never as a raw
//! Rust error string.

use serde::Serialize;
use sportello::{Code, Error};

/// What the UI receives when a command fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IpcError {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

pub const GENERIC_MESSAGE: &str =
    "Si è verificato un errore imprevisto. Riprovare; se si ripete, avvisare l'assistenza.";

impl IpcError {
    /// Maps a library error for `command`. Internal errors are logged here, once.
    pub fn from_error(command: &str, error: Error) -> Self {
        match error.code {
            Code::Internal => {
                log_internal(command, &error.message);
                IpcError { code: Code::Internal.as_str(), message: GENERIC_MESSAGE.to_string(), field: None }
            }
            code => IpcError { code: code.as_str(), message: error.message, field: error.field },
        }
    }
}

fn log_internal(command: &str, detail: &str) {
    eprintln!("sportello-app: errore interno nel comando {command}: {detail}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_keep_code_message_and_field() {
        let e = Error::invalid("members[1].codice_fiscale", "Codice fiscale non valido: lunghezza 15");
        let ipc = IpcError::from_error("household_save", e);
        assert_eq!(ipc.code, "invalid");
        assert_eq!(ipc.message, "Codice fiscale non valido: lunghezza 15");
        assert_eq!(ipc.field.as_deref(), Some("members[1].codice_fiscale"));
        let json = serde_json::to_value(&ipc).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "invalid", "message": "Codice fiscale non valido: lunghezza 15",
                "field": "members[1].codice_fiscale"})
        );
    }

    #[test]
    fn stable_codes_cross_as_snake_case() {
        for (code, wire) in [
            (Code::NotFound, "not_found"),
            (Code::Conflict, "conflict"),
            (Code::Forbidden, "forbidden"),
            (Code::Storage, "storage"),
            (Code::UnknownComune, "unknown_comune"),
            (Code::NoRuleSet, "no_rule_set"),
            (Code::DiskFull, "disk_full"),
        ] {
            let ipc = IpcError::from_error("x", Error::new(code, "messaggio"));
            assert_eq!(ipc.code, wire);
            assert_eq!(ipc.message, "messaggio");
            let json = serde_json::to_value(&ipc).unwrap();
            assert!(json.get("field").is_none(), "no field key when no field is at fault");
        }
    }

    #[test]
    fn internal_errors_never_show_their_text() {
        let e = Error::new(Code::Internal, "called `Option::unwrap()` on a `None` value").with_field("x");
        let ipc = IpcError::from_error("project_save", e);
        assert_eq!(ipc.code, "internal");
        assert_eq!(ipc.message, GENERIC_MESSAGE);
        assert_eq!(ipc.field, None);
    }
}
