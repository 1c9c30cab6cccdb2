//! `sportello audit history --database PATH --household CASE [--csv OUT] [--json]`:
//! the access history of one case (who read or changed the family's file, and
//! when), for the coordinator's batch work. It goes through the service like
//! the app's screen: coordinators and administrators only, and the look itself
//! is recorded. CASE is the case number (`2026/000123`) or the household's id.

use std::path::PathBuf;
use std::process::ExitCode;

use sportello::csv_out::{Cell, CsvOut};
use sportello::domain::Id;
use sportello::service::{history_local_time, AccessRow, OpenOptions, Service};
use sportello::Code;

use super::{distinct_files, login, print_json, write_outputs, CliError};

#[derive(clap::Args)]
pub struct Args {
    /// Il database (cifrato) dell'ufficio.
    #[arg(long, value_name = "PATH")]
    database: PathBuf,
    /// Il fascicolo: numero (2026/000123) o id del nucleo.
    #[arg(long, value_name = "CASO")]
    household: String,
    /// Scrive la cronologia anche in un file CSV (separatore virgola, UTF-8).
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Risultato in JSON: [{seq, at, operator_id, username, operator_name, role,
    /// role_label, action, action_label, refused, record_id, record_kind, record}].
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<ExitCode, CliError> {
    let in_db = |e| CliError::in_file(&a.database, e);
    // The CSV must not overwrite the database, its keys or its journal.
    let keys = sportello::keyring::Keyring::path_for(&a.database);
    distinct_files(
        &[("--database", a.database.as_path()), ("--database", keys.as_path())],
        &[("--csv", a.csv.as_deref())],
    )?;
    let service = Service::open_exclusive(OpenOptions {
        database: a.database.clone(),
        documents_dir: Service::default_documents_dir()?,
        credentials: login::credentials(&a.database)?,
        today: None,
    })
    .map_err(in_db)?;
    let case = a.household.trim();
    let rows = match case.parse::<Id>() {
        Ok(id) => service.audit_history(id),
        Err(_) => service.audit_history_case(case),
    }
    .map_err(|e| if e.code == Code::NotFound { e.with_field("household") } else { e })?;
    if let Some(out) = &a.csv {
        write_outputs(vec![(out.as_path(), csv(&rows)?)])?;
    }
    if a.json {
        print_json(&rows)?;
    } else {
        println!("Registro degli accessi al fascicolo {case}: {} registrazioni", rows.len());
        for r in &rows {
            let refused = if r.refused { " — RIFIUTATO" } else { "" };
            println!(
                "{}  {} ({}, {})  {}{refused}  [{}]",
                history_local_time(&r.at),
                r.operator_name,
                r.username,
                r.role_label,
                r.action_label,
                r.record
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line per row; the local date and time for people, the UTC timestamp
/// and the codes for programs. Every cell is text (names, descriptions): a
/// name starting with `=` is written neutralised (sportello::csv_out).
fn csv(rows: &[AccessRow]) -> Result<Vec<u8>, CliError> {
    let mut w = CsvOut::new();
    w.header(&[
        "data_ora",
        "at_utc",
        "username",
        "operatore",
        "ruolo",
        "azione",
        "descrizione",
        "esito",
        "dato",
        "id_dato",
    ])?;
    for r in rows {
        let record_id = r.record_id.map(|i| i.to_string()).unwrap_or_default();
        let local = history_local_time(&r.at);
        w.row(&[
            Cell::Text(&local),
            Cell::Text(&r.at),
            Cell::Text(&r.username),
            Cell::Text(&r.operator_name),
            Cell::Text(&r.role_label),
            Cell::Text(&r.action),
            Cell::Text(&r.action_label),
            Cell::Text(if r.refused { "rifiutato" } else { "eseguito" }),
            Cell::Text(&r.record),
            Cell::Text(&record_id),
        ])?;
    }
    Ok(w.into_bytes()?)
}
