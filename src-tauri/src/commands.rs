//! The Tauri commands: one per row of the library's command table
//! (src/service/commands.rs, through `sportello::for_each_command!`), each a
//! few lines — take the state, call the service's command of the same name,
//! map the error — and the shell's own (login, lock, the window).
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
/// (checked against [`handler`], build.rs, the capability and docs/ipc.md).
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

/// Every command of the library's table: the window offers them all.
#[cfg(test)]
pub fn commands() -> Vec<&'static str> {
    sportello::service::ipc::COMMANDS.to_vec()
}

/// Every command the window may call, for `tauri::generate_handler!`: those
/// of the library's table (the names `sportello::for_each_command!` gives
/// this macro) and the shell's own. `sportello::for_each_command!(handler)`.
macro_rules! handler {
    ($($name:ident),*) => {
        tauri::generate_handler![
            $($crate::commands::tauri_commands::$name,)*
            $crate::commands::tauri_commands::app_state,
            $crate::commands::tauri_commands::setup_create,
            $crate::commands::tauri_commands::login,
            $crate::commands::tauri_commands::restore_backups,
            $crate::commands::tauri_commands::restore_backup,
            $crate::commands::tauri_commands::lock,
            $crate::commands::tauri_commands::logout,
            $crate::commands::tauri_commands::ui_dirty,
            $crate::commands::tauri_commands::app_quit,
            $crate::commands::tauri_commands::ui_ready,
        ]
    };
}
pub(crate) use handler;

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

    /// One per row of the table: the command's name is the service's.
    macro_rules! service_commands {
        ($($name:ident),*) => {$(
            #[tauri::command]
            pub async fn $name(state: State<'_, AppState>, input: Option<Value>) -> Reply {
                run(&state, stringify!($name), input)
            }
        )*};
    }

    sportello::for_each_command!(service_commands);

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
    pub async fn app_quit<R: tauri::Runtime>(app: tauri::AppHandle<R>, state: State<'_, AppState>) -> Reply {
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

    /// Answers from a script.
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

    /// The app as the window reaches it: the real handler list and
    /// `#[tauri::command]` functions, the real capability (generate_context!
    /// carries the permissions build.rs declared and default.json grants),
    /// on Tauri's mock runtime.
    fn mock_app(
        state: AppState,
    ) -> (tauri::App<tauri::test::MockRuntime>, tauri::WebviewWindow<tauri::test::MockRuntime>) {
        use tauri::Manager;
        let app = tauri::test::mock_builder()
            .manage(state)
            .invoke_handler(sportello::for_each_command!(handler))
            .build(tauri::generate_context!())
            .expect("mock app");
        let window = match app.get_webview_window("main") {
            Some(w) => w,
            None => tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap(),
        };
        (app, window)
    }

    /// `invoke(command, body)` as api.js sends it: the answer, or the rejection.
    fn invoke(
        window: &tauri::WebviewWindow<tauri::test::MockRuntime>,
        command: &str,
        body: Value,
    ) -> std::result::Result<Value, Value> {
        tauri::test::get_ipc_response(
            window,
            tauri::webview::InvokeRequest {
                cmd: command.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Json(body),
                headers: Default::default(),
                invoke_key: tauri::test::INVOKE_KEY.to_string(),
            },
        )
        .map(|b| b.deserialize::<Value>().unwrap())
    }

    /// A recording backend shared with the test (the state owns its box).
    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<(String, Value)>>>);

    impl Backend for Recorder {
        fn call(&self, command: &str, input: Value) -> Result<Value> {
            self.0.lock().unwrap().push((command.to_string(), input.clone()));
            Ok(json!({ "echo": command }))
        }
    }

    #[test]
    fn each_tauri_command_reaches_the_service_command_of_its_name_with_its_input() {
        let recorder = Recorder::default();
        let (_app, window) = mock_app(state_with(Box::new(recorder.clone()), None));
        for command in commands() {
            let input =
                json!({"id": "0190d2c4-0000-7000-8000-000000000001", "query": "nguyễn", "of": command});
            let reply = invoke(&window, command, json!({ "input": input }))
                .unwrap_or_else(|e| panic!("{command} was refused by the app: {e}"));
            assert_eq!(reply, json!({ "echo": command }), "{command}");
            let calls = std::mem::take(&mut *recorder.0.lock().unwrap());
            assert_eq!(calls, vec![(command.to_string(), input)], "{command} reached the wrong command");
        }
        // A command with no argument (api.js sends `{}`) gets null, as Service::call expects.
        invoke(&window, "deadlines_board", json!({})).unwrap();
        assert_eq!(recorder.0.lock().unwrap().pop(), Some(("deadlines_board".to_string(), Value::Null)));
        // Not in the table, not in the app.
        assert!(invoke(&window, "household_delete", json!({})).is_err());
        assert!(recorder.0.lock().unwrap().is_empty());
    }

    #[test]
    fn the_tauri_commands_drive_the_real_service() {
        let dir = std::env::temp_dir().join(format!("sportello-app-ipc-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (service, _recovery) = sportello::service::Service::create(sportello::service::NewDatabase {
            database: dir.join("sportello.sqlite"),
            documents_dir: dir.join("documenti"),
            username: "averdi".into(),
            name: "Anna Verdi".into(),
            password: "password di prova".to_string().into(),
            today: None,
            kdf: sportello::keyring::KdfParams::for_tests(),
        })
        .unwrap();
        let backend = crate::service_backend::ServiceBackend::new(service);
        let (_app, window) = mock_app(state_with(Box::new(backend), None));
        let session = invoke(&window, "session", json!({})).unwrap();
        assert_eq!(session["operator"]["name"], "Anna Verdi");
        assert_eq!(
            invoke(&window, "households_search", json!({ "input": { "query": "rossi" } })).unwrap(),
            json!([])
        );
        let e = invoke(
            &window,
            "household_get",
            json!({ "input": { "id": "0190d2c4-0000-7000-8000-000000000001" } }),
        )
        .unwrap_err();
        assert_eq!(e["code"], "not_found", "{e}");
        let e = invoke(&window, "household_get", json!({ "input": {} })).unwrap_err();
        assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("invalid"), Some("id")), "{e}");
        // Every command of the table is one the service knows.
        for command in commands() {
            if let Err(e) = invoke(&window, command, json!({ "input": {} })) {
                let message = e["message"].as_str().unwrap_or_default();
                assert!(!message.contains("Comando sconosciuto"), "{command}: {e}");
            }
        }
        drop(_app);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn build_rs_reads_the_tables_names() {
        mod table_names {
            include!("../table_names.rs");
        }
        let read = table_names::ipc_names(include_str!("../../src/service/commands.rs"));
        assert_eq!(read, commands());
    }

    #[test]
    fn the_handler_list_and_the_capability_name_every_command_of_the_contract() {
        let main = include_str!("main.rs");
        let handler_list = include_str!("commands.rs");
        let build = include_str!("../build.rs");
        let capability: Value = serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
        let allowed: Vec<&str> =
            capability["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
        // build.rs reads the table's names itself (when it runs), not a copy of them.
        assert!(build.contains(".join(\"../src/service/commands.rs\")"), "build.rs");
        assert!(build.contains("ipc_names(table)"), "build.rs");
        assert!(main.contains("sportello::for_each_command!(handler)"), "main.rs");
        for command in SHELL_COMMANDS {
            assert!(build.contains(&format!("\"{command}\"")), "{command} is not declared in build.rs");
            assert!(
                handler_list.contains(&format!("tauri_commands::{command},")),
                "{command} is not in the handler list"
            );
        }
        for command in commands().iter().chain(SHELL_COMMANDS) {
            let permission = format!("allow-{}", command.replace('_', "-"));
            assert!(allowed.contains(&permission.as_str()), "{permission} is not granted");
        }
        let contract = include_str!("../../docs/ipc.md");
        for command in commands().iter().chain(SHELL_COMMANDS) {
            assert!(contract.contains(&format!("`{command}")), "{command} is not in docs/ipc.md");
        }
        // api.js tells the shell's commands from the service's by this list.
        let api = include_str!("../../ui/js/api.js");
        let set = api.split("const SHELL = new Set([").nth(1).and_then(|r| r.split("])").next()).unwrap();
        let mut shell: Vec<&str> =
            set.split(',').map(|n| n.trim().trim_matches('\'')).filter(|n| !n.is_empty()).collect();
        let mut expected = SHELL_COMMANDS.to_vec();
        shell.sort_unstable();
        expected.sort_unstable();
        assert_eq!(shell, expected, "api.js SHELL");
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
