//! Sportello's desktop shell: a Tauri 2 window over the `sportello` library.
//!
//! Architecture invariant: no rule, no SQL, no PDF here. The shell parses its
//! options and starts LOCKED, with no service: the login screen opens one
//! (`login`), an idle thread and the window's lock button drop it again
//! (`session`). It exposes one thin command per command of docs/ipc.md (see
//! `commands`); everything else is the library's.

// No console window on Windows.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod backend;
mod commands;
mod ipc_error;
mod login;
mod options;
mod ready;
mod service_backend;
mod session;
mod viewer;

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use clap::Parser;
use tauri::Manager;

use crate::commands::{tauri_commands as c, AppState};
use crate::session::{LockReason, Sessions};

fn main() -> ExitCode {
    let options = options::Options::parse();
    let env = |k: &str| std::env::var(k).ok();
    let places = options.places(env, options::default_data_dir);
    let idle = match options.idle_lock(env) {
        Ok(d) => d,
        Err(message) => {
            eprintln!("sportello-app: {message}");
            return ExitCode::from(2);
        }
    };
    let sessions = Arc::new(Sessions::new(idle));
    let watched = Arc::downgrade(&sessions);
    Sessions::watch_idle(move || watched.upgrade());
    let ready_file = std::env::var_os(ready::ENV).map(std::path::PathBuf::from);
    let state = AppState::new(sessions, login::Gate::new(places, options.today), ready_file);
    let app = tauri::Builder::default()
        // First, as the plugin asks: a second launch only brings this window forward.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }))
        .manage(state)
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::CloseRequested { api, .. } = event {
                let state = window.state::<AppState>();
                if state.dirty.load(Ordering::SeqCst) {
                    // The window asks the operator (its own dialog) and calls
                    // `app_quit` if they choose to leave the changes.
                    api.prevent_close();
                    if let Some(w) = window.app_handle().get_webview_window("main") {
                        let _ = w.eval("window.sportelloCloseRequested && window.sportelloCloseRequested()");
                    }
                }
            }
        })
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
            c::password_change,
            c::operators_list,
            c::operator_save,
            c::operator_set_password,
            c::operator_revoke,
            c::database_rekey,
            c::app_state,
            c::setup_create,
            c::login,
            c::restore_backups,
            c::restore_backup,
            c::lock,
            c::logout,
            c::ui_dirty,
            c::app_quit,
            c::ui_ready,
        ])
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("sportello-app: impossibile avviare la finestra: {e}");
            return ExitCode::FAILURE;
        }
    };
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            // The key leaves memory and the viewing area is emptied on the way out.
            handle.state::<AppState>().sessions.end(LockReason::NotLoggedIn);
        }
    });
    ExitCode::SUCCESS
}
