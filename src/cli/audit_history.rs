//! `sportello audit history --database PATH --household CASE [--csv OUT] [--json]`
//! (`OUT` ending in `.xlsx`: a workbook with the same rows):
//! the access history of one case (who read or changed the family's file, and
//! when), for the coordinator's batch work. It goes through the service like
//! the app's screen: coordinators and administrators only, and the look itself
//! is recorded. CASE is the case number (`2026/000123`) or the household's id.

use std::path::PathBuf;
use std::process::ExitCode;

use sportello::domain::Id;
use sportello::service::{history_local_time, AccessRow, OpenOptions, Service};
use sportello::table::{Table, Value};
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
    /// Scrive la cronologia anche in un file per il foglio di calcolo: CSV
    /// (separatore «;», UTF-8 con BOM) oppure XLSX se il nome finisce in .xlsx.
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
        let table = table(&rows);
        let bytes =
            if sportello::xlsx::wanted(out) { sportello::xlsx::workbook(&table)? } else { table.to_csv()? };
        write_outputs(vec![(out.as_path(), bytes)])?;
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
/// name starting with `=` is written neutralised in the CSV
/// (sportello::csv_out) and as text in a workbook.
fn table(rows: &[AccessRow]) -> Table {
    let mut t = Table::new(
        "Registro accessi",
        &[
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
        ],
    );
    for r in rows {
        t.push(vec![
            Value::Text(history_local_time(&r.at)),
            Value::text(&r.at),
            Value::text(&r.username),
            Value::text(&r.operator_name),
            Value::text(&r.role_label),
            Value::text(&r.action),
            Value::text(&r.action_label),
            Value::text(if r.refused { "rifiutato" } else { "eseguito" }),
            Value::text(&r.record),
            r.record_id.map_or(Value::Empty, |i| Value::Text(i.to_string())),
        ]);
    }
    t
}
