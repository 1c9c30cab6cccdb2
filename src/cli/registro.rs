//! `sportello registro-trattamenti --database DB --out REGISTRO.pdf`: the
//! entry of the register of processing activities (GDPR art. 30) for the
//! processing done with Sportello, for the office's DPO, as the app's
//! Operatori screen saves it. Through the service
//! (`Service::processing_register_save`): the roles (coordinatore,
//! amministratore) and the audit row are the app's; an existing file is never
//! overwritten.
//!
//! Exit status: 0 the PDF written; 2 bad input, a refused login, an existing
//! file, or an office whose data cannot be printed.

use std::path::PathBuf;
use std::process::ExitCode;

use sportello::service::{OpenOptions, Service};

use super::{distinct_files, login, print_json, CliError};

#[derive(clap::Args)]
pub struct Args {
    /// Il database (cifrato) dell'ufficio.
    #[arg(long, value_name = "PATH")]
    database: PathBuf,
    /// Il file PDF da scrivere (non deve esistere).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Risultato in JSON: {path}.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<ExitCode, CliError> {
    let keys = sportello::keyring::Keyring::path_for(&a.database);
    distinct_files(
        &[("--database", a.database.as_path()), ("--database", keys.as_path())],
        &[("--out", Some(a.out.as_path()))],
    )?;
    let service = Service::open_exclusive(OpenOptions {
        database: a.database.clone(),
        documents_dir: Service::default_documents_dir()?,
        credentials: login::credentials(&a.database)?,
        today: None,
    })
    .map_err(|e| CliError::in_file(&a.database, e))?;
    let saved = service.processing_register_save(&a.out)?;
    if a.json {
        print_json(&serde_json::json!({ "path": saved.path }))?;
    } else {
        println!("Registro delle attività di trattamento scritto in {}", saved.path);
    }
    Ok(ExitCode::SUCCESS)
}
