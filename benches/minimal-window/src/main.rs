//! An empty Tauri window, for scripts/bench-app.sh only: what the shell costs
//! (start-up time, memory of the process and its WebKit children) with no
//! Sportello in it, to compare the real app against. Same Tauri, same window
//! size and CSP as the app; its page calls `ui_ready` as soon as it is shown.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::atomic::{AtomicBool, Ordering};

static READY: AtomicBool = AtomicBool::new(false);

/// Writes the wall-clock time (ns) to `SPORTELLO_READY_FILE`, like the app does.
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
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ui_ready])
        .run(tauri::generate_context!())
        .expect("avvio della finestra vuota");
}
