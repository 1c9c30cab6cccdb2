//! The Tauri commands: one per command of docs/ipc.md, each a few lines — read
//! the input, call the backend method of the same name, map the error.
//!
//! Inputs arrive as JSON and are read here rather than by Tauri's own argument
//! parsing, so that even a malformed call rejects with `{code, message}`.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use tauri::State;

use crate::backend::{Backend, CfCheckInput, ConvocationInput};
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

fn input<T: DeserializeOwned>(command: &str, value: Option<Value>) -> Result<T, IpcError> {
    serde_json::from_value(value.unwrap_or(Value::Null)).map_err(|e| IpcError::bad_input(command, e))
}

fn done(command: &str, result: sportello::Result<Value>) -> Reply {
    result.map_err(|e| IpcError::from_error(command, e))
}

#[derive(Deserialize)]
struct Query {
    #[serde(default)]
    query: String,
}

#[derive(Deserialize)]
struct ById {
    id: String,
}

#[derive(Deserialize)]
struct ByHousehold {
    household_id: String,
}

#[derive(Deserialize)]
struct ByProject {
    project_id: String,
}

#[derive(Deserialize)]
struct HouseholdSave {
    household: Value,
}

#[derive(Deserialize)]
struct AnalysisSave {
    analysis: Value,
}

#[derive(Deserialize)]
struct ProjectSave {
    project: Value,
}

#[derive(Deserialize)]
struct SetStatus {
    project_id: String,
    status: String,
}

#[derive(Deserialize)]
struct SignatureRecord {
    project_id: String,
    member_id: String,
    signed_on: String,
}

pub fn session(s: &AppState) -> Reply {
    done("session", s.backend.session())
}

pub fn households_search(s: &AppState, v: Option<Value>) -> Reply {
    let i: Query = input("households_search", v)?;
    done("households_search", s.backend.households_search(&i.query))
}

pub fn household_get(s: &AppState, v: Option<Value>) -> Reply {
    let i: ById = input("household_get", v)?;
    done("household_get", s.backend.household_get(&i.id))
}

pub fn household_save(s: &AppState, v: Option<Value>) -> Reply {
    let i: HouseholdSave = input("household_save", v)?;
    done("household_save", s.backend.household_save(i.household))
}

pub fn cf_check(s: &AppState, v: Option<Value>) -> Reply {
    let i: CfCheckInput = input("cf_check", v)?;
    done("cf_check", s.backend.cf_check(i))
}

pub fn analysis_get(s: &AppState, v: Option<Value>) -> Reply {
    let i: ByHousehold = input("analysis_get", v)?;
    done("analysis_get", s.backend.analysis_get(&i.household_id))
}

pub fn analysis_save(s: &AppState, v: Option<Value>) -> Reply {
    let i: AnalysisSave = input("analysis_save", v)?;
    done("analysis_save", s.backend.analysis_save(i.analysis))
}

pub fn project_get(s: &AppState, v: Option<Value>) -> Reply {
    let i: ByHousehold = input("project_get", v)?;
    done("project_get", s.backend.project_get(&i.household_id))
}

pub fn project_save(s: &AppState, v: Option<Value>) -> Reply {
    let i: ProjectSave = input("project_save", v)?;
    done("project_save", s.backend.project_save(i.project))
}

pub fn project_set_status(s: &AppState, v: Option<Value>) -> Reply {
    let i: SetStatus = input("project_set_status", v)?;
    done("project_set_status", s.backend.project_set_status(&i.project_id, &i.status))
}

pub fn agreement_print(s: &AppState, v: Option<Value>) -> Reply {
    let i: ByProject = input("agreement_print", v)?;
    done("agreement_print", s.backend.agreement_print(&i.project_id))
}

pub fn signature_record(s: &AppState, v: Option<Value>) -> Reply {
    let i: SignatureRecord = input("signature_record", v)?;
    done("signature_record", s.backend.signature_record(&i.project_id, &i.member_id, &i.signed_on))
}

pub fn deadlines_board(s: &AppState) -> Reply {
    done("deadlines_board", s.backend.deadlines_board())
}

pub fn convocation_print(s: &AppState, v: Option<Value>) -> Reply {
    let i: ConvocationInput = input("convocation_print", v)?;
    done("convocation_print", s.backend.convocation_print(i))
}

pub fn documents_list(s: &AppState, v: Option<Value>) -> Reply {
    let i: ByHousehold = input("documents_list", v)?;
    done("documents_list", s.backend.documents_list(&i.household_id))
}

pub fn document_open(s: &AppState, v: Option<Value>) -> Reply {
    let i: ById = input("document_open", v)?;
    done("document_open", s.backend.document_open(&i.id))
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

    macro_rules! with_input {
        ($($name:ident),* $(,)?) => {$(
            #[tauri::command]
            pub async fn $name(state: State<'_, AppState>, input: Option<Value>) -> Reply {
                super::$name(&state, input)
            }
        )*};
    }
    macro_rules! without_input {
        ($($name:ident),* $(,)?) => {$(
            #[tauri::command]
            pub async fn $name(state: State<'_, AppState>) -> Reply {
                super::$name(&state)
            }
        )*};
    }

    with_input!(
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
        convocation_print,
        documents_list,
        document_open,
    );
    without_input!(session, deadlines_board, ui_ready);
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use serde_json::json;
    use sportello::{Code, Error, Result};

    use super::*;

    /// Records what each method was called with and answers from a script.
    #[derive(Default)]
    struct Fake {
        calls: Mutex<Vec<String>>,
        fail_with: Option<Error>,
    }

    impl Fake {
        fn answer(&self, call: String) -> Result<Value> {
            self.calls.lock().unwrap().push(call.clone());
            match &self.fail_with {
                Some(e) => Err(e.clone()),
                None => Ok(json!({ "called": call })),
            }
        }
    }

    impl Backend for Fake {
        fn session(&self) -> Result<Value> {
            self.answer("session".into())
        }
        fn households_search(&self, query: &str) -> Result<Value> {
            self.answer(format!("households_search({query})"))
        }
        fn household_get(&self, id: &str) -> Result<Value> {
            self.answer(format!("household_get({id})"))
        }
        fn household_save(&self, household: Value) -> Result<Value> {
            self.answer(format!("household_save({household})"))
        }
        fn cf_check(&self, i: CfCheckInput) -> Result<Value> {
            self.answer(format!("cf_check({},{:?},{:?},{:?},{:?})", i.code, i.first_name, i.last_name, i.birth_date, i.sex))
        }
        fn analysis_get(&self, household_id: &str) -> Result<Value> {
            self.answer(format!("analysis_get({household_id})"))
        }
        fn analysis_save(&self, analysis: Value) -> Result<Value> {
            self.answer(format!("analysis_save({analysis})"))
        }
        fn project_get(&self, household_id: &str) -> Result<Value> {
            self.answer(format!("project_get({household_id})"))
        }
        fn project_save(&self, project: Value) -> Result<Value> {
            self.answer(format!("project_save({project})"))
        }
        fn project_set_status(&self, project_id: &str, status: &str) -> Result<Value> {
            self.answer(format!("project_set_status({project_id},{status})"))
        }
        fn agreement_print(&self, project_id: &str) -> Result<Value> {
            self.answer(format!("agreement_print({project_id})"))
        }
        fn signature_record(&self, project_id: &str, member_id: &str, signed_on: &str) -> Result<Value> {
            self.answer(format!("signature_record({project_id},{member_id},{signed_on})"))
        }
        fn deadlines_board(&self) -> Result<Value> {
            self.answer("deadlines_board".into())
        }
        fn convocation_print(&self, i: ConvocationInput) -> Result<Value> {
            self.answer(format!("convocation_print({},{:?},{:?},{:?})", i.household_id, i.date, i.time, i.bring))
        }
        fn documents_list(&self, household_id: &str) -> Result<Value> {
            self.answer(format!("documents_list({household_id})"))
        }
        fn document_open(&self, id: &str) -> Result<Value> {
            self.answer(format!("document_open({id})"))
        }
    }

    fn state(fake: Fake) -> AppState {
        AppState::new(Box::new(fake), None)
    }

    fn called(reply: Reply) -> String {
        reply.unwrap()["called"].as_str().unwrap().to_string()
    }

    #[test]
    fn each_command_reaches_the_method_of_the_same_name_with_its_input() {
        let s = state(Fake::default());
        assert_eq!(called(session(&s)), "session");
        assert_eq!(called(households_search(&s, Some(json!({"query": "nguyen"})))), "households_search(nguyen)");
        assert_eq!(called(household_get(&s, Some(json!({"id": "h1"})))), "household_get(h1)");
        assert_eq!(
            called(household_save(&s, Some(json!({"household": {"id": null, "address": "via Padova 1"}})))),
            r#"household_save({"address":"via Padova 1","id":null})"#
        );
        assert_eq!(
            called(cf_check(
                &s,
                Some(json!({"code": "RSSMRA80A01F205X", "first_name": "Mario", "last_name": "Rossi",
                    "birth_date": null, "sex": "M"}))
            )),
            r#"cf_check(RSSMRA80A01F205X,Some("Mario"),Some("Rossi"),None,Some("M"))"#
        );
        assert_eq!(called(analysis_get(&s, Some(json!({"household_id": "h1"})))), "analysis_get(h1)");
        assert_eq!(called(analysis_save(&s, Some(json!({"analysis": {"id": "a1"}})))), r#"analysis_save({"id":"a1"})"#);
        assert_eq!(called(project_get(&s, Some(json!({"household_id": "h1"})))), "project_get(h1)");
        assert_eq!(called(project_save(&s, Some(json!({"project": {"id": "p1"}})))), r#"project_save({"id":"p1"})"#);
        assert_eq!(
            called(project_set_status(&s, Some(json!({"project_id": "p1", "status": "da_firmare"})))),
            "project_set_status(p1,da_firmare)"
        );
        assert_eq!(called(agreement_print(&s, Some(json!({"project_id": "p1"})))), "agreement_print(p1)");
        assert_eq!(
            called(signature_record(
                &s,
                Some(json!({"project_id": "p1", "member_id": "m2", "signed_on": "2026-11-23"}))
            )),
            "signature_record(p1,m2,2026-11-23)"
        );
        assert_eq!(called(deadlines_board(&s)), "deadlines_board");
        assert_eq!(
            called(convocation_print(
                &s,
                Some(json!({"household_id": "h1", "date": "2026-11-30", "time": "09:30", "place": "largo Treves 1",
                    "ask_for": "Anna Verdi", "bring": ["ISEE"], "notes": null}))
            )),
            r#"convocation_print(h1,Some("2026-11-30"),Some("09:30"),["ISEE"])"#
        );
        assert_eq!(called(documents_list(&s, Some(json!({"household_id": "h1"})))), "documents_list(h1)");
        assert_eq!(called(document_open(&s, Some(json!({"id": "d1"})))), "document_open(d1)");
    }

    #[test]
    fn a_malformed_call_rejects_with_the_contract_shape_and_never_reaches_the_backend() {
        let fake = Fake::default();
        let s = state(fake);
        for reply in [
            household_get(&s, None),
            household_get(&s, Some(json!({"identifier": "h1"}))),
            signature_record(&s, Some(json!({"project_id": "p1"}))),
            project_set_status(&s, Some(json!({"project_id": 7, "status": "bozza"}))),
        ] {
            let e = reply.unwrap_err();
            assert_eq!(e.code, "internal");
            assert!(e.message.contains("errore imprevisto"), "{}", e.message);
        }
    }

    #[test]
    fn an_empty_search_is_a_search_for_everything() {
        let s = state(Fake::default());
        assert_eq!(called(households_search(&s, Some(json!({})))), "households_search()");
    }

    #[test]
    fn backend_errors_keep_their_field_for_the_form() {
        let s = state(Fake {
            fail_with: Some(Error::invalid("members[1].codice_fiscale", "Carattere di controllo errato")),
            ..Fake::default()
        });
        let e = household_save(&s, Some(json!({"household": {}}))).unwrap_err();
        assert_eq!(e.code, "invalid");
        assert_eq!(e.field.as_deref(), Some("members[1].codice_fiscale"));
        assert_eq!(e.message, "Carattere di controllo errato");
    }

    #[test]
    fn ui_ready_is_answered_once_and_writes_the_ready_file_only_the_first_time() {
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
