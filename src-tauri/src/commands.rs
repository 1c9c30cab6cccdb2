//! The Tauri commands: one per command of docs/ipc.md, each a few lines — take
//! the state, call the service's method of the same name, map the error.
//!
//! The input arrives as JSON and goes to the service as it is: the service reads
//! it the way forms send it and names the field at fault, so even a malformed
//! call rejects with `{code, message, field}`, never with a bare string.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::Value;
use tauri::State;

use crate::ipc_error::IpcError;
use crate::login::Gate;
use crate::session::{LockReason, Sessions};

/// What the commands share: the logged-in service (or none), the login
/// side, and what the window has told the shell.
pub struct AppState {
    pub sessions: Arc<Sessions>,
    pub gate: Gate,
    /// The window has unsaved changes: closing it asks first.
    pub dirty: AtomicBool,
    pub ready: AtomicBool,
    /// Where `ui_ready` writes the moment the first screen was on (benchmark only).
    pub ready_file: Option<std::path::PathBuf>,
}

impl AppState {
    pub fn new(sessions: Arc<Sessions>, gate: Gate, ready_file: Option<std::path::PathBuf>) -> Self {
        AppState { sessions, gate, dirty: AtomicBool::new(false), ready: AtomicBool::new(false), ready_file }
    }
}

type Reply = Result<Value, IpcError>;

/// The shell's own commands (not the service's): login, lock, the window
/// (checked against main.rs, build.rs, the capability and docs/ipc.md).
#[cfg(test)]
pub const SHELL_COMMANDS: &[&str] = &[
    "app_state",
    "setup_create",
    "login",
    "restore_backups",
    "restore_backup",
    "lock",
    "logout",
    "ui_dirty",
    "app_quit",
    "ui_ready",
];

/// Every command of the service (src/service/commands.txt, which build.rs
/// declares): the window offers them all.
#[cfg(test)]
pub fn commands() -> Vec<&'static str> {
    sportello::service::ipc::COMMANDS.to_vec()
}

/// Runs one command for the UI: the only place errors are mapped.
pub fn run(state: &AppState, command: &str, input: Option<Value>) -> Reply {
    state.sessions.call(command, input.unwrap_or(Value::Null)).map_err(|e| IpcError::from_error(command, e))
}

fn shell(command: &str, r: sportello::Result<Value>) -> Reply {
    r.map_err(|e| IpcError::from_error(command, e))
}

/// `lock {reason?}`: the operator locked the screen, or the window's own idle
/// timer ran out (`reason: "idle"`) a moment before the shell's.
pub fn lock(s: &AppState, input: Option<Value>) -> Reply {
    let idle = input.as_ref().and_then(|i| i.get("reason")).and_then(Value::as_str) == Some("idle");
    s.sessions.end(if idle { LockReason::Idle } else { LockReason::Locked });
    s.dirty.store(false, Ordering::SeqCst);
    Ok(Value::Null)
}

/// `ui_dirty {dirty}`: whether the page has unsaved changes (closing asks).
pub fn ui_dirty(s: &AppState, input: Option<Value>) -> Reply {
    let dirty = input.as_ref().and_then(|i| i.get("dirty")).and_then(Value::as_bool).unwrap_or(false);
    s.dirty.store(dirty, Ordering::SeqCst);
    Ok(Value::Null)
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
        password_change,
        operators_list,
        operator_save,
        operator_set_password,
        operator_revoke,
        database_rekey,
    );

    #[tauri::command]
    pub async fn ui_ready(state: State<'_, AppState>) -> Reply {
        super::ui_ready(&state)
    }

    #[tauri::command]
    pub async fn app_state(state: State<'_, AppState>) -> Reply {
        shell("app_state", state.gate.app_state(&state.sessions))
    }

    #[tauri::command]
    pub async fn setup_create(state: State<'_, AppState>, input: Option<Value>) -> Reply {
        shell("setup_create", state.gate.setup_create(&state.sessions, input.unwrap_or(Value::Null)))
    }

    #[tauri::command]
    pub async fn login(state: State<'_, AppState>, input: Option<Value>) -> Reply {
        shell("login", state.gate.login(&state.sessions, input.unwrap_or(Value::Null)))
    }

    #[tauri::command]
    pub async fn restore_backups(state: State<'_, AppState>, input: Option<Value>) -> Reply {
        shell("restore_backups", state.gate.restore_backups(input.unwrap_or(Value::Null)))
    }

    #[tauri::command]
    pub async fn restore_backup(state: State<'_, AppState>, input: Option<Value>) -> Reply {
        shell("restore_backup", state.gate.restore_backup(&state.sessions, input.unwrap_or(Value::Null)))
    }

    #[tauri::command]
    pub async fn lock(state: State<'_, AppState>, input: Option<Value>) -> Reply {
        super::lock(&state, input)
    }

    #[tauri::command]
    pub async fn logout(state: State<'_, AppState>) -> Reply {
        state.sessions.end(LockReason::NotLoggedIn);
        state.dirty.store(false, Ordering::SeqCst);
        Ok(Value::Null)
    }

    #[tauri::command]
    pub async fn ui_dirty(state: State<'_, AppState>, input: Option<Value>) -> Reply {
        super::ui_dirty(&state, input)
    }

    /// Closing after the operator confirmed leaving unsaved changes.
    #[tauri::command]
    pub async fn app_quit(app: tauri::AppHandle, state: State<'_, AppState>) -> Reply {
        state.sessions.end(LockReason::NotLoggedIn);
        app.exit(0);
        Ok(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use serde_json::json;
    use sportello::{Code, Error, Result};

    use super::*;
    use crate::backend::Backend;

    fn state_with(backend: Box<dyn Backend>, ready_file: Option<std::path::PathBuf>) -> AppState {
        let sessions = Arc::new(Sessions::new(std::time::Duration::from_secs(600)));
        sessions.start(backend);
        let places =
            crate::options::Places { database: "/nonexistent/db".into(), documents: "/nonexistent/d".into() };
        AppState::new(sessions, Gate::new(places, None), ready_file)
    }

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
        let s = state_with(Box::new(Fake::default()), None);
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
        for command in SHELL_COMMANDS {
            assert!(build.contains(&format!("\"{command}\"")), "{command} is not declared in build.rs");
        }
        for command in commands().iter().chain(SHELL_COMMANDS) {
            assert!(main.contains(&format!("c::{command},")), "{command} is not in generate_handler!");
            let permission = format!("allow-{}", command.replace('_', "-"));
            assert!(allowed.contains(&permission.as_str()), "{permission} is not granted");
        }
        let contract = include_str!("../../docs/ipc.md");
        for command in commands().iter().chain(SHELL_COMMANDS) {
            assert!(contract.contains(&format!("`{command}")), "{command} is not in docs/ipc.md");
        }
    }

    #[test]
    fn backend_errors_keep_their_field_for_the_form() {
        let s = state_with(
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
    fn locking_refuses_every_command_until_the_next_login() {
        let s = state_with(Box::new(Fake::default()), None);
        ui_dirty(&s, Some(json!({"dirty": true}))).unwrap();
        assert!(s.dirty.load(Ordering::SeqCst));
        lock(&s, Some(json!({"reason": "idle"}))).unwrap();
        let e = run(&s, "households_search", Some(json!({"query": "ro"}))).unwrap_err();
        assert_eq!(e.code, "locked");
        assert_eq!(e.message, "Sessione bloccata per inattività: accedere di nuovo");
        assert!(!s.dirty.load(Ordering::SeqCst), "nothing left to save once locked");
    }

    #[test]
    fn ui_ready_writes_the_ready_file_only_the_first_time() {
        let dir = std::env::temp_dir().join(format!("sportello-ready-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("ready");
        let s = state_with(
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
