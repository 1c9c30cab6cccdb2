//! Opening a file from the viewing area with the system's program: a printed
//! PDF (`document_open`, the viewer's "Apri con il programma del computer")
//! in the PDF viewer, an export (`ranking_export_csv`) in the spreadsheet.
//!
//! When no program opens it, the operator reads what happened and what to do
//! instead, not the system's error (which goes to the log).
//!
//! `SPORTELLO_VIEWER` names another program (tests and demos set it to a
//! harmless command, so that no viewer pops up under Xvfb).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sportello::{Code, Error, Result};

pub const ENV: &str = "SPORTELLO_VIEWER";

/// What is opened: the advice when it cannot be differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A document of the case: the app shows it itself.
    Pdf,
    /// The office's CSV of a ranking.
    Spreadsheet,
}

/// How long the opener is watched for a refusal: `xdg-open` and `open` answer
/// at once when no program is set for the file, and return (or hand over to
/// the program) when one is.
const WATCH: Duration = Duration::from_millis(1500);

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

/// No program on this computer opens this kind of file.
fn no_program(kind: Kind) -> Error {
    Error::new(
        Code::Io,
        match kind {
            Kind::Pdf => {
                "Su questo computer non c'è un programma per aprire i PDF. Il documento si può \
                 leggere e stampare qui in Sportello; per averne un file (ad esempio da mandare \
                 per PEC) usare «Salva una copia…»."
            }
            Kind::Spreadsheet => {
                "Su questo computer non c'è un programma per aprire i fogli di calcolo (il file \
                 CSV della graduatoria). Chiedere a chi cura i computer dell'ufficio di \
                 installarne uno, ad esempio LibreOffice Calc; la graduatoria resta consultabile \
                 qui in Sportello."
            }
        },
    )
}

/// The program is there but did not start.
fn not_started(kind: Kind) -> Error {
    Error::new(
        Code::Io,
        match kind {
            Kind::Pdf => {
                "Il programma del computer non è riuscito ad aprire il documento. Il documento si \
                 può leggere e stampare qui in Sportello, oppure salvarne una copia con «Salva una \
                 copia…»."
            }
            Kind::Spreadsheet => {
                "Il programma del computer non è riuscito ad aprire il file della graduatoria. \
                 Riprovare; se succede ancora, chiedere a chi cura i computer dell'ufficio."
            }
        },
    )
}

/// Starts the system's program on `path` and returns once it has started it
/// (the program then lives on its own).
pub fn open(path: &Path, kind: Kind) -> Result<()> {
    let (program, args) = opener();
    open_with(&program, &args, path, kind)
}

fn open_with(program: &str, args: &[String], path: &Path, kind: Kind) -> Result<()> {
    if !path.is_file() {
        return Err(Error::new(
            Code::NotFound,
            "Il file da aprire non c'è più (la sessione è stata chiusa nel frattempo?): riprovare.",
        ));
    }
    let mut child = Command::new(program)
        .args(args)
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            eprintln!("sportello-app: apertura con «{program}» non riuscita: {e}");
            if e.kind() == std::io::ErrorKind::NotFound {
                no_program(kind)
            } else {
                not_started(kind)
            }
        })?;
    // The opener refuses at once when nothing opens the file (xdg-open exits
    // with 3 or 4, `open` with 1); a program that started keeps running, or
    // the opener exits with 0 after handing the file over.
    let started = Instant::now();
    while started.elapsed() < WATCH {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => {
                eprintln!("sportello-app: «{program}» non ha aperto il file ({status})");
                return Err(no_program(kind));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(25)),
            Err(_) => break,
        }
    }
    // Still running: a viewer started in its place. Reap it in the background.
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pdf() -> tempfile::NamedTempFile {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), b"%PDF-1.7\n").unwrap();
        f
    }

    #[test]
    fn a_missing_file_is_not_found_in_italian() {
        let e = open(Path::new("/nonexistent/sportello/patto.pdf"), Kind::Pdf).unwrap_err();
        assert_eq!(e.code, Code::NotFound);
        assert!(e.message.starts_with("Il file da aprire non c'è più"), "{}", e.message);
    }

    #[test]
    fn no_program_says_what_to_do_instead_without_the_systems_words() {
        let f = pdf();
        let e = open_with("/nonexistent/xdg-open", &[], f.path(), Kind::Pdf).unwrap_err();
        assert_eq!(e.code, Code::Io);
        assert!(e.message.contains("non c'è un programma per aprire i PDF"), "{}", e.message);
        assert!(
            e.message.contains("qui in Sportello") && e.message.contains("Salva una copia"),
            "{}",
            e.message
        );
        for technical in ["os error", "No such file", "xdg-open", "nonexistent"] {
            assert!(!e.message.contains(technical), "{technical} in: {}", e.message);
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_opener_that_refuses_is_a_failure_and_one_that_starts_is_not() {
        let f = pdf();
        // `false` stands for xdg-open finding no program (it exits non-zero at once).
        let e = open_with("false", &[], f.path(), Kind::Spreadsheet).unwrap_err();
        assert!(e.message.contains("fogli di calcolo"), "{}", e.message);
        open_with("true", &[], f.path(), Kind::Pdf).unwrap();
        // A viewer that stays open is a success, without waiting for it to close.
        let t = Instant::now();
        let args = ["-c".to_string(), "sleep 3".to_string(), "sh".to_string()];
        open_with("sh", &args, f.path(), Kind::Pdf).unwrap();
        assert!(t.elapsed() < Duration::from_millis(2500), "{:?}", t.elapsed());
    }
}
