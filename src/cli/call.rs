//! `sportello call COMMAND --database DB [--input FILE|-] [--pretty]`: one
//! command of the app (the table of src/service/commands.rs, the JSON of
//! docs/ipc.md) run as the logged-in operator, through the same
//! `Service::call` as the window: same roles, case scope and audit. The answer
//! is JSON on standard output; a refusal is exit 2 with `{code, message,
//! field}` as JSON on standard error, so that a script reads it as the UI does.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::Value;
use sportello::service::{ipc, OpenOptions, Service};
use sportello::{Code, Error};

use super::{login, CliError};

#[derive(clap::Args)]
pub struct Args {
    /// Il comando (docs/ipc.md): household_get, documents_list, ranking_draft…
    #[arg(value_name = "COMANDO")]
    command: String,
    /// Il database (cifrato) dell'ufficio.
    #[arg(long, value_name = "PATH")]
    database: PathBuf,
    /// L'input del comando, un oggetto JSON: da un file, o `-` dallo standard input
    /// (assente: null).
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
    /// Risultato in JSON indentato.
    #[arg(long)]
    pretty: bool,
}

pub fn run(a: Args) -> Result<ExitCode, CliError> {
    match answer(&a) {
        Ok(v) => {
            let text = if a.pretty { serde_json::to_string_pretty(&v) } else { serde_json::to_string(&v) }
                .map_err(|e| Error::new(Code::Internal, format!("serializzazione JSON: {e}")))?;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr().lock(), "{}", refusal(&e));
            Ok(ExitCode::from(2))
        }
    }
}

/// `{code, message, field}`: what the window receives (docs/ipc.md), `field`
/// null when no field is at fault.
fn refusal(e: &Error) -> Value {
    serde_json::json!({ "code": e.code.as_str(), "message": e.message, "field": e.field })
}

fn answer(a: &Args) -> Result<Value, Error> {
    // Before the login: a mistyped command asks for no password.
    if !ipc::COMMANDS.contains(&a.command.as_str()) {
        return Err(Error::invalid(
            "command",
            format!("Comando sconosciuto: «{}» (i comandi sono quelli di docs/ipc.md)", a.command),
        ));
    }
    let input = match &a.input {
        None => Value::Null,
        Some(path) => read_json(path)?,
    };
    let service = Service::open_exclusive(OpenOptions {
        database: a.database.clone(),
        documents_dir: Service::default_documents_dir()?,
        credentials: login::credentials(&a.database)?,
        today: None,
    })?;
    service.call(&a.command, input)
}

/// The input, from a file or (`-`) standard input: a JSON document.
fn read_json(path: &Path) -> Result<Value, Error> {
    let stdin = path == Path::new("-");
    let name = if stdin { "standard input".to_string() } else { path.display().to_string() };
    let mut text = String::new();
    let read = if stdin {
        std::io::stdin().lock().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text)).map(|_| ())
    };
    read.map_err(|e| {
        Error::new(Code::Io, format!("Impossibile leggere l'input ({name}): {e}")).with_field("input")
    })?;
    serde_json::from_str(&text).map_err(|e| {
        Error::invalid(
            "input",
            format!("L'input ({name}) non è JSON valido: riga {}, colonna {}", e.line(), e.column()),
        )
    })
}
