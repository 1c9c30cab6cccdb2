//! `sportello demo --database PATH [--documents DIR] [--today YYYY-MM-DD]`:
//! creates a new encrypted database filled with fictional households
//! (sportello::demo); the accounts' password comes from `SPORTELLO_PASSWORD`
//! or is asked on the terminal.

use std::path::PathBuf;
use std::process::ExitCode;

use sportello::domain::StrEnum;

use super::CliError;

#[derive(clap::Args)]
pub struct Args {
    /// Il database da creare (non deve esistere).
    #[arg(long, value_name = "PATH")]
    database: PathBuf,
    /// La cartella dei documenti dei casi (predefinita: «documenti» accanto al database).
    #[arg(long, value_name = "DIR")]
    documents: Option<PathBuf>,
    /// Il giorno a cui riferire le scadenze (predefinito: oggi).
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<String>,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let today = match &args.today {
        Some(t) => sportello::dates::parse_iso("--today", t)?,
        None => chrono::Local::now().date_naive(),
    };
    let documents = args.documents.clone().unwrap_or_else(|| {
        args.database.parent().map(|p| p.join("documenti")).unwrap_or_else(|| PathBuf::from("documenti"))
    });
    let password = super::login::new_password("degli account dimostrativi")?;
    let kdf = sportello::keyring::KdfParams::from_env()?;
    let report = sportello::demo::create(&args.database, &documents, today, &password, kdf)
        .map_err(|e| CliError::in_file(&args.database, e))?;
    println!(
        "Creato il database dimostrativo {} al {}: {} nuclei ({} persone, di cui {} minori), {} analisi preliminari, {} progetti.",
        args.database.display(),
        sportello::dates::format_it(today),
        report.households,
        report.members,
        report.minors,
        report.analyses,
        report.projects
    );
    for (situation, n) in &report.by_situation {
        println!("  {situation}: {n}");
    }
    println!("Il database è cifrato. Account (tutti con la password indicata):");
    println!("  amministratore — Amministratore di sistema (amministratore)");
    for (login, name, role) in sportello::demo::accounts() {
        println!("  {login} — {name} ({})", role.label());
    }
    println!("Chiave di recupero (dati fittizi: per un database vero va stampata e chiusa in cassaforte):");
    println!("  {}", report.recovery_key);
    Ok(ExitCode::SUCCESS)
}
