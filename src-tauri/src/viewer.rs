//! Opening a file from the viewing area with the system's program: a printed
//! PDF (`document_open`) in the viewer, an export (`ranking_export_csv`) in
//! the spreadsheet.
//!
//! `SPORTELLO_VIEWER` names another program (tests and demos set it to a
//! harmless command, so that no viewer pops up under Xvfb).

use std::path::Path;
use std::process::{Command, Stdio};

use sportello::{Code, Error, Result};

pub const ENV: &str = "SPORTELLO_VIEWER";

fn opener() -> (String, Vec<String>) {
    if let Ok(program) = std::env::var(ENV) {
        if !program.trim().is_empty() {
            return (program, Vec::new());
        }
    }
    if cfg!(target_os = "macos") {
        ("open".into(), Vec::new())
    } else if cfg!(target_os = "windows") {
        ("cmd".into(), vec!["/C".into(), "start".into(), String::new()])
    } else {
        ("xdg-open".into(), Vec::new())
    }
}

/// Starts the viewer on `path` and returns at once (the viewer lives on its own).
pub fn open(path: &Path) -> Result<()> {
    if !path.is_file() {
        return Err(Error::new(
            Code::NotFound,
            format!("Il file da aprire non si trova più: {}", path.display()),
        ));
    }
    let (program, args) = opener();
    let mut child = Command::new(&program)
        .args(&args)
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            Error::new(
                Code::Io,
                format!("Impossibile aprire il file con il programma del computer ({program}): {e}"),
            )
        })?;
    // Reap it in the background: xdg-open exits quickly, a viewer may not.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_not_found_in_italian() {
        let e = open(Path::new("/nonexistent/sportello/patto.pdf")).unwrap_err();
        assert_eq!(e.code, Code::NotFound);
        assert!(e.message.starts_with("Il file da aprire non si trova più"));
    }
}
