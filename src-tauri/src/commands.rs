//! The Tauri commands: one per command of docs/ipc.md, each a few lines — take
//! the state, call the service's method of the same name, map the error.
//!
//! The input arrives as JSON and goes to the service as it is: the service reads
//! it the way forms send it and names the field at fault, so even a malformed
//! call rejects with `{code, message, field}`, never with a bare string.

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;
use tauri::State;

use crate::backend::Backend;
use crate::ipc_error::IpcError;

/// What the commands share: the backend, and whether the UI has said it is ready.
pub struct AppState {
    pub backend: Box<dyn Backend>,
    pub ready: AtomicBool,
    /// Where `ui_ready` writes the moment the first screen was on (benchmark only).
    pub ready_file: Option<std::path::PathBuf>,
}

impl AppState {
    pub fn new(backend: Box<dyn Backend>, ready_file: Option<std::path::PathBuf>) -> Self {
        AppState { backend, ready: AtomicBool::new(false), ready_file }
    }
}

type Reply = Result<Value, IpcError>;

/// Commands of the service the window does not offer yet (the login screen
/// brings them): a name leaves this list when its `#[tauri::command]` comes.
#[cfg(test)]
const NOT_IN_THE_WINDOW_YET: &[&str] =
    &["password_change", "operator_save", "operator_set_password", "operator_revoke"];

/// Every command of docs/ipc.md the window offers, in its order: the service's
/// list (src/service/commands.txt, which build.rs declares), checked against
/// main.rs and the capability by a test.
#[cfg(test)]
pub fn commands() -> Vec<&'static str> {
    sportello::service::ipc::COMMANDS.iter().copied().filter(|c| !NOT_IN_THE_WINDOW_YET.contains(c)).collect()
}

/// Runs one command for the UI: the only place errors are mapped.
pub fn run(state: &AppState, command: &str, input: Option<Value>) -> Reply {
    state.backend.call(command, input.unwrap_or(Value::Null)).map_err(|e| IpcError::from_error(command, e))
}

/// Not part of the service: the UI calls it once its first screen is drawn. The
/// benchmark (scripts/bench-app.sh) reads the moment from `SPORTELLO_READY_FILE`.
pub fn ui_ready(s: &AppState) -> Reply {
    if !s.ready.swap(true, Ordering::SeqCst) {
        if let Some(path) = &s.ready_file {
            crate::ready::write_ready_file(path);
        }
    }
    Ok(Value::Null)
}

/// The Tauri side: thin wrappers, async so that a slow query never blocks the
/// window's main thread.
pub mod tauri_commands {
    use super::*;

    macro_rules! commands {
        ($($name:ident),* $(,)?) => {$(
            #[tauri::command]
            pub async fn $name(state: State<'_, AppState>, input: Option<Value>) -> Reply {
                run(&state, stringify!($name), input)
            }
        )*};
    }

    commands!(
        session,
        households_search,
        household_get,
        household_save,
        cf_check,
        analysis_get,
        analysis_save,
        project_get,
        project_save,
        project_set_status,
        agreement_print,
        signature_record,
        deadlines_board,
        convocation_print,
        documents_list,
        document_open,
        eligibility_facts_get,
        eligibility_facts_save,
        eligibility_check,
        eligibility_checks_list,
        esito_print,
        household_assign,
        audit_history,
        audit_history_print,
        operators_list,
        calls_list,
        call_get,
        call_save,
        applications_import,
        application_save,
        ranking_draft,
        ranking_publish,
        ranking_versions,
        ranking_compare,
        appeal_file,
        appeal_decide,
        ranking_export_csv,
    );

    #[tauri::command]
    pub async fn ui_ready(state: State<'_, AppState>) -> Reply {
        super::ui_ready(&state)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use serde_json::json;
    use sportello::{Code, Error, Result};

    use super::*;

    /// Records each call and answers from a script.
    #[derive(Default)]
    struct Fake {
        calls: Mutex<Vec<(String, Value)>>,
        fail_with: Option<Error>,
    }

    impl Backend for Fake {
        fn call(&self, command: &str, input: Value) -> Result<Value> {
            self.calls.lock().unwrap().push((command.to_string(), input.clone()));
            match &self.fail_with {
                Some(e) => Err(e.clone()),
                None => Ok(json!({ "command": command, "input": input })),
            }
        }
    }

    #[test]
    fn each_command_reaches_the_service_method_of_the_same_name_with_its_input() {
        let s = AppState::new(Box::new(Fake::default()), None);
        for command in commands() {
            let input = json!({"id": "0190d2c4-0000-7000-8000-000000000001", "query": "nguyễn"});
            let reply = run(&s, command, Some(input.clone())).unwrap();
            assert_eq!(reply, json!({"command": command, "input": input}));
        }
        // A command with no argument gets null, as Service::call expects.
        assert_eq!(run(&s, "deadlines_board", None).unwrap()["input"], Value::Null);
    }

    #[test]
    fn the_handler_list_and_the_capability_name_every_command_of_the_contract() {
        let main = include_str!("main.rs");
        let build = include_str!("../build.rs");
        let capability: Value = serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
        let allowed: Vec<&str> =
            capability["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
        // build.rs declares the service's list itself, not a copy of it.
        assert!(build.contains("include_str!(\"../src/service/commands.txt\")"), "build.rs");
        for command in commands() {
            assert!(main.contains(&format!("c::{command},")), "{command} is not in generate_handler!");
            let permission = format!("allow-{}", command.replace('_', "-"));
            assert!(allowed.contains(&permission.as_str()), "{permission} is not granted");
        }
        for command in NOT_IN_THE_WINDOW_YET {
            assert!(sportello::service::ipc::COMMANDS.contains(command), "{command} is no command");
        }
        let contract = include_str!("../../docs/ipc.md");
        for command in commands() {
            assert!(contract.contains(&format!("`{command}")), "{command} is not in docs/ipc.md");
        }
    }

    #[test]
    fn backend_errors_keep_their_field_for_the_form() {
        let s = AppState::new(
            Box::new(Fake {
                fail_with: Some(Error::invalid("members[1].codice_fiscale", "Carattere di controllo errato")),
                ..Fake::default()
            }),
            None,
        );
        let e = run(&s, "household_save", Some(json!({"household": {}}))).unwrap_err();
        assert_eq!(e.code, "invalid");
        assert_eq!(e.field.as_deref(), Some("members[1].codice_fiscale"));
        assert_eq!(e.message, "Carattere di controllo errato");
    }

    #[test]
    fn ui_ready_writes_the_ready_file_only_the_first_time() {
        let dir = std::env::temp_dir().join(format!("sportello-ready-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("ready");
        let s = AppState::new(
            Box::new(Fake { fail_with: Some(Error::new(Code::Internal, "x")), ..Fake::default() }),
            Some(file.clone()),
        );
        assert_eq!(ui_ready(&s).unwrap(), Value::Null);
        let first = std::fs::read_to_string(&file).unwrap();
        assert!(first.trim().parse::<u128>().unwrap() > 0);
        std::fs::write(&file, "changed").unwrap();
        ui_ready(&s).unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "changed");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
