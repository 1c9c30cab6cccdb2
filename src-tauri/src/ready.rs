//! The "first screen is on" moment, for scripts/bench-app.sh: the UI calls
//! `ui_ready` once it has drawn, and the app writes the wall-clock time in
//! nanoseconds to the file named by `SPORTELLO_READY_FILE`.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

pub const ENV: &str = "SPORTELLO_READY_FILE";

pub fn write_ready_file(path: &Path) {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    // Written beside and renamed, so the script never reads half a number.
    let tmp = path.with_extension("tmp");
    let result = std::fs::write(&tmp, format!("{nanos}\n")).and_then(|_| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        eprintln!("sportello-app: impossibile scrivere {}: {e}", path.display());
    }
}
