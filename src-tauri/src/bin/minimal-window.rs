//! An empty Tauri window, for scripts/bench-app.sh only: what the shell costs
//! (start-up time, memory of the process and its WebKit children) with no
//! Sportello in it, to compare the real app against.
//!
//! Same Tauri, same configuration and CSP; the page is ui/bench/empty.html,
//! which calls `ui_ready` as soon as it is shown.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::atomic::{AtomicBool, Ordering};

static READY: AtomicBool = AtomicBool::new(false);

#[tauri::command]
fn ui_ready() {
    if READY.swap(true, Ordering::SeqCst) {
        return;
    }
    if let Some(path) = std::env::var_os("SPORTELLO_READY_FILE") {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = std::path::PathBuf::from(path);
        let tmp = path.with_extension("tmp");
        if std::fs::write(&tmp, format!("{nanos}\n")).and_then(|_| std::fs::rename(&tmp, &path)).is_err() {
            eprintln!("minimal-window: impossibile scrivere {}", path.display());
        }
    }
}

fn main() {
    let mut context = tauri::generate_context!();
    for window in &mut context.config_mut().app.windows {
        window.url = tauri::WebviewUrl::App("bench/empty.html".into());
        window.title = "Finestra vuota".into();
    }
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ui_ready])
        .run(context)
        .expect("avvio della finestra vuota");
}
