//! `sportello siuss --database DB --from DATE --to DATE --out FLUSSO.xml`
//! (cli.md): the SIUSS flow (INPS, PS-PSA) of the benefits the office paid in
//! the period, with one `Beneficiario` per person paid and one
//! `PrestazioniSociali` per payment, prepared by the logged-in operator.
//! Through the service (`Service::siuss_flow`): the roles (coordinatore,
//! amministratore) and the audit row are the app's.
//!
//! Exit status: 0 the flow written; 1 nothing paid in the period (no file is
//! created, an existing one is left as it was); 2 bad input, a refused login,
//! or records the flow cannot be made from (the message names which).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use sportello::service::{OpenOptions, Service};
use sportello::Error;

use super::{distinct_files, login, print_json, write_outputs, CliError};

#[derive(clap::Args)]
pub struct Args {
    /// Il database (cifrato) dell'ufficio.
    #[arg(long, value_name = "PATH")]
    database: PathBuf,
    /// Primo giorno del periodo (AAAA-MM-GG): data degli elenchi di liquidazione.
    #[arg(long, value_name = "DATE")]
    from: String,
    /// Ultimo giorno del periodo (AAAA-MM-GG), compreso.
    #[arg(long, value_name = "DATE")]
    to: String,
    /// Il file XML del flusso.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Riepilogo in JSON: {name, from, to, beneficiaries, payments, total, path}.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<ExitCode, CliError> {
    let from = date("--from", &a.from)?;
    let to = date("--to", &a.to)?;
    if to < from {
        return Err(Error::invalid("--to", "la fine del periodo viene prima del suo inizio").into());
    }
    distinct_files(&[("--database", &a.database)], &[("--out", Some(&a.out))])?;
    let service = Service::open_exclusive(OpenOptions {
        database: a.database.clone(),
        documents_dir: Service::default_documents_dir()?,
        credentials: login::credentials(&a.database)?,
        today: None,
    })
    .map_err(|e| CliError::in_file(&a.database, e))?;
    let Some(flow) = service.siuss_flow(from, to).map_err(|e| CliError::in_file(&a.database, e))? else {
        eprintln!(
            "Nessuna prestazione pagata dal {} al {}: nessun flusso scritto",
            from.format("%d/%m/%Y"),
            to.format("%d/%m/%Y")
        );
        return Ok(ExitCode::from(1));
    };
    let payments: Vec<_> = flow.beneficiaries.iter().flat_map(|b| &b.benefits).collect();
    let total = payments
        .iter()
        .try_fold(sportello::Money::ZERO, |sum, p| sum.checked_add(p.amount))
        .ok_or_else(|| Error::new(sportello::Code::Internal, "totale fuori scala"))?;
    write_outputs(vec![(&a.out, flow.to_xml().into_bytes())])?;
    if a.json {
        print_json(&serde_json::json!({
            "name": flow.name,
            "from": from.to_string(),
            "to": to.to_string(),
            "beneficiaries": flow.beneficiaries.len(),
            "payments": payments.len(),
            "total": total.to_string(),
            "path": a.out.display().to_string(),
        }))?;
    } else {
        println!(
            "Flusso SIUSS {} scritto in {}: {} beneficiari, {} prestazioni, {}",
            flow.name,
            a.out.display(),
            flow.beneficiaries.len(),
            payments.len(),
            total.format_it()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn date(flag: &str, s: &str) -> Result<NaiveDate, CliError> {
    sportello::dates::parse_iso(flag, s.trim()).map_err(CliError::from)
}
