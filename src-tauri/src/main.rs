//! Sportello's desktop shell: a Tauri 2 window over the `sportello` library.
//!
//! Architecture invariant: no rule, no SQL, no PDF here. The shell parses its
//! options, opens the service, and exposes one thin command per command of
//! docs/ipc.md (see `commands`); everything else is the library's.

// No console window on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod backend;
mod commands;
mod ipc_error;
mod options;
mod ready;
mod service_backend;
mod viewer;

use std::process::ExitCode;

use clap::Parser;

use crate::commands::{tauri_commands as c, AppState};

fn main() -> ExitCode {
    let options = options::Options::parse();
    let places = options.places(|k| std::env::var(k).ok(), options::default_data_dir);
    let backend = match service_backend::open(&places, options.today) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("sportello-app: {}: {}", places.database.display(), e.message);
            return ExitCode::from(2);
        }
    };
    let ready_file = std::env::var_os(ready::ENV).map(std::path::PathBuf::from);
    let state = AppState::new(backend, ready_file);
    let result = tauri::Builder::default()
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            c::session,
            c::households_search,
            c::household_get,
            c::household_save,
            c::cf_check,
            c::analysis_get,
            c::analysis_save,
            c::project_get,
            c::project_save,
            c::project_set_status,
            c::agreement_print,
            c::signature_record,
            c::deadlines_board,
            c::convocation_print,
            c::documents_list,
            c::document_open,
            c::eligibility_facts_get,
            c::eligibility_facts_save,
            c::eligibility_check,
            c::eligibility_checks_list,
            c::esito_print,
            c::household_assign,
            c::audit_history,
            c::audit_history_print,
            c::operators_list,
            c::calls_list,
            c::call_get,
            c::call_save,
            c::applications_import,
            c::application_save,
            c::ranking_draft,
            c::ranking_publish,
            c::ranking_versions,
            c::ranking_compare,
            c::appeal_file,
            c::appeal_decide,
            c::ranking_export_csv,
            c::ui_ready,
        ])
        .run(tauri::generate_context!());
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sportello-app: impossibile avviare la finestra: {e}");
            ExitCode::FAILURE
        }
    }
}
