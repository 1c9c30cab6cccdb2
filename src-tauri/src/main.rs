//! Sportello's desktop shell: a Tauri 2 window over the `sportello` library.
//!
//! Architecture invariant: no rule, no SQL, no PDF here. The shell parses its
//! options and starts LOCKED, with no service: the login screen opens one
//! (`login`), an idle thread and the window's lock button drop it again
//! (`session`). It exposes one thin command per row of the library's command
//! table (see `commands`); everything else is the library's.

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

use crate::commands::{handler, AppState};
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
        // The system's save and open dialogs (capabilities: dialog:allow-save, dialog:allow-open).
        .plugin(tauri_plugin_dialog::init())
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
        // Every command of the library's table, and the shell's own.
        .invoke_handler(sportello::for_each_command!(handler))
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
