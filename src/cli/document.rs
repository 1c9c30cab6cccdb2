//! `sportello document save --database DB --id DOCUMENT_ID --out FILE.pdf`: a
//! copy of a stored document (a printed patto, a convocation, an esito) in a
//! file, as "Salva una copia…" in the app, to send it by PEC or file it in the
//! protocol system. Through the service (`Service::document_save_copy`): the
//! roles and case scope of reading the case, an audit row for the export, the
//! file written whole or not at all, private (0600), never over an existing
//! file.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use sportello::domain::Id;
use sportello::service::{OpenOptions, Service};

use super::{login, print_json, CliError};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: DocumentCommand,
}

#[derive(Subcommand)]
enum DocumentCommand {
    /// Salva una copia di un documento del fascicolo in un file (mai sopra un file esistente).
    Save(SaveArgs),
}

#[derive(clap::Args)]
struct SaveArgs {
    /// Il database (cifrato) dell'ufficio.
    #[arg(long, value_name = "PATH")]
    database: PathBuf,
    /// L'id del documento (documents_list).
    #[arg(long, value_name = "ID")]
    id: String,
    /// Il file da creare (non deve esistere).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Risultato in JSON: {path, id, household_id, kind, title, created_at, file_name}.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<ExitCode, CliError> {
    match a.command {
        DocumentCommand::Save(a) => save(a),
    }
}

fn save(a: SaveArgs) -> Result<ExitCode, CliError> {
    let id = Id::parse("id", a.id.trim())?;
    let service = Service::open_exclusive(OpenOptions {
        database: a.database.clone(),
        documents_dir: Service::default_documents_dir()?,
        credentials: login::credentials(&a.database)?,
        today: None,
    })
    .map_err(|e| CliError::in_file(&a.database, e))?;
    let doc = service.document_save_copy(id, &a.out).map_err(|e| match e.field.as_deref() {
        Some("out") => CliError::in_file(&a.out, e),
        _ => CliError::from(e),
    })?;
    if a.json {
        let mut v = serde_json::to_value(&doc).map_err(|e| {
            sportello::Error::new(sportello::Code::Internal, format!("serializzazione JSON: {e}"))
        })?;
        v["path"] = serde_json::json!(a.out.display().to_string());
        print_json(&v)?;
    } else {
        println!("Copia di «{}» salvata in {}", doc.title, a.out.display());
    }
    Ok(ExitCode::SUCCESS)
}
