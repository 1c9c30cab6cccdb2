//! `sportello audit verify --database PATH [--json]`: checks the file (every
//! page's HMAC, SQLite's integrity check) and walks the hash chain of the
//! audit log, without changing the database; at the hub, also the chain of
//! every device as it arrived (docs/sync.md). Exit 0 when whole, 1 when a page
//! is damaged, a row was tampered with (in this database's chain or in a
//! device's, the device named), or an append-only trigger is gone (named on
//! stdout), 2 when the database cannot be read.

use std::path::PathBuf;
use std::process::ExitCode;

use sportello::service::Service;

use super::{print_json, CliError};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Verifica che il registro degli accessi non sia stato alterato.
    Verify(VerifyArgs),
    /// Cronologia degli accessi a un fascicolo (coordinatore, amministratore).
    History(super::audit_history::Args),
}

#[derive(clap::Args)]
struct VerifyArgs {
    /// Il database da verificare (aperto in sola lettura).
    #[arg(long, value_name = "PATH")]
    database: PathBuf,
    /// Risultato in JSON: {ok, rows, head, broken: {seq, at, action, reason} | null,
    /// file_problems?: [..], guards_missing?: [..], devices?: [{device_id, device, ok, rows,
    /// head, broken}]} (devices: alla sede centrale, il registro di ogni dispositivo).
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    match args.command {
        Command::Verify(a) => verify(a),
        Command::History(a) => super::audit_history::run(a),
    }
}

fn verify(a: VerifyArgs) -> Result<ExitCode, CliError> {
    let in_db = |e| CliError::in_file(&a.database, e);
    let report =
        Service::audit_verify_file(&a.database, &super::login::credentials(&a.database)?).map_err(in_db)?;
    if a.json {
        print_json(&report)?;
    } else if !report.file_problems.is_empty() {
        println!(
            "Database DANNEGGIATO: il registro degli accessi non è verificabile su un file alterato. {}. \
             Ripristinarlo dall'ultima copia di sicurezza (sportello restore --from COPIA --database {}).",
            report.file_problems.join("; "),
            a.database.display()
        );
    } else if let Some(b) = &report.broken {
        println!("Registro degli accessi ALTERATO: la riga {} ({}, {}) {}.", b.seq, b.at, b.action, b.reason);
    } else if !report.guards_missing.is_empty() {
        println!(
            "Registro degli accessi NON PROTETTO: mancano i vincoli che lo rendono non modificabile ({}).",
            report.guards_missing.join(", ")
        );
    } else {
        println!(
            "Registro degli accessi integro: {} righe verificate. Impronta finale: {}",
            report.rows,
            report.head.as_deref().unwrap_or("(registro vuoto)")
        );
    }
    if !a.json && report.file_problems.is_empty() {
        // At the hub: every device's chain, each named.
        for d in &report.devices {
            match &d.broken {
                Some(b) => println!(
                    "Registro degli accessi del dispositivo «{}» ALTERATO: la riga {} ({}, {}) {}.",
                    d.device, b.seq, b.at, b.action, b.reason
                ),
                None => println!(
                    "Registro degli accessi del dispositivo «{}» integro: {} righe verificate. Impronta finale: {}",
                    d.device,
                    d.rows,
                    d.head.as_deref().unwrap_or("")
                ),
            }
        }
    }
    Ok(if report.ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
