//! `sportello rekey --database PATH [--json]`: gives the database a new key
//! (after revoking an operator: an old copy of the keys file no longer opens
//! it). An amministratore logs in as for every command (`SPORTELLO_OPERATOR`,
//! `SPORTELLO_PASSWORD` or asked); their password wraps the new key. Prints,
//! once, the new recovery key and the one-time passwords of the other active
//! operators: nothing keeps them anywhere else.

use std::path::PathBuf;
use std::process::ExitCode;

use sportello::service::{Credentials, OpenOptions, Service};

use super::{login, print_json, CliError};

#[derive(clap::Args)]
pub struct Args {
    /// Il database di cui cambiare la chiave (nessun altro programma deve averlo aperto).
    #[arg(long, value_name = "PATH")]
    database: PathBuf,
    /// Risultato in JSON: {recovery_key, one_time_passwords: [{username, name, password}],
    /// backup, warnings}.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<ExitCode, CliError> {
    let in_db = |e| CliError::in_file(&a.database, e);
    let credentials = login::credentials(&a.database)?;
    let password = match &credentials {
        Credentials::Password { password, .. } => password.clone(),
        Credentials::Recovery { .. } => zeroize::Zeroizing::new(String::new()),
    };
    let service = Service::open_exclusive(OpenOptions {
        database: a.database.clone(),
        documents_dir: Service::default_documents_dir()?,
        credentials,
        today: None,
    })
    .map_err(in_db)?;
    let done = service.database_rekey(&password).map_err(in_db)?;
    if a.json {
        print_json(&done)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("Chiave del database {} cambiata.", a.database.display());
    println!(
        "Nuova chiave di recupero (stamparla o ricopiarla e chiuderla nella cassaforte dell'ufficio; \
         quella precedente apre solo le copie di sicurezza fatte prima di oggi):"
    );
    println!("  {}", done.recovery_key);
    if done.one_time_passwords.is_empty() {
        println!("Nessun altro operatore attivo ha una password.");
    } else {
        println!(
            "Password provvisorie da consegnare di persona (ognuno sceglie la propria al primo accesso):"
        );
        for p in &done.one_time_passwords {
            println!("  {}  {}  {}", p.username, p.password, p.name);
        }
    }
    if let Some(b) = &done.backup {
        println!("Copia di sicurezza con la nuova chiave: {b}");
    }
    for w in &done.warnings {
        eprintln!("{}: {w}", a.database.display());
    }
    Ok(ExitCode::SUCCESS)
}
