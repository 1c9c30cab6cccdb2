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
    /// Crea anche il database di un portatile iscritto a questo ufficio (per
    /// mbianchi), con lavoro fuori sede in attesa di invio e un conflitto da
    /// risolvere nella schermata «Conflitti» (non deve esistere).
    #[arg(long, value_name = "PATH")]
    laptop: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let today = match &args.today {
        Some(t) => sportello::dates::parse_iso("--today", t)?,
        None => chrono::Local::now().date_naive(),
    };
    let documents = args.documents.clone().unwrap_or_else(|| {
        args.database.parent().map(|p| p.join("documenti")).unwrap_or_else(|| PathBuf::from("documenti"))
    });
    if let Some(laptop) = &args.laptop {
        // Both files are new: refused before anything is made.
        super::distinct_files(&[("--database", &args.database)], &[("--laptop", Some(laptop))])?;
        for f in [laptop.clone(), sportello::keyring::Keyring::path_for(laptop)] {
            if f.exists() {
                return Err(CliError::in_file(
                    &f,
                    sportello::Error::new(
                        sportello::Code::Conflict,
                        "il file esiste già: non viene sostituito",
                    )
                    .with_field("laptop"),
                ));
            }
        }
    }
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
    if report.calls > 0 {
        println!(
            "Avvisi della Misura B2 del 2019: {} (anziani e disabili), {} domande di cui {} di componenti dei nuclei, \
             graduatorie pubblicate, {} ricorsi.",
            report.calls, report.call_applications, report.linked_applications, report.appeals
        );
        println!(
            "Contributi assegnati: {}, richieste di rimborso decise: {}, elenchi di liquidazione emessi: {}.",
            report.awards, report.reimbursement_claims, report.liquidations
        );
    }
    if report.funded_projects > 0 {
        println!(
            "Progetti finanziati: {}, con {} impegni e {} pagamenti registrati ({} registrazioni annullate).",
            report.funded_projects,
            report.finance_commitments,
            report.finance_payments,
            report.finance_annulments
        );
    }
    if report.housing_units > 0 {
        println!(
            "Residenzialità temporanea: {} alloggi, {} inserimenti, {} nuclei in lista d'attesa.",
            report.housing_units, report.stays, report.waiting
        );
    }
    if report.programmes > 0 {
        println!(
            "Programmi finanziati: {}, con {} iscrizioni di componenti agli interventi.",
            report.programmes, report.enrolments
        );
    }
    if report.participants > 0 {
        println!(
            "Partecipanti a «Traiettorie» e «CIAO!» (2018-2021): {} persone di {} nuclei con il patto sottoscritto, {} iscrizioni, progetti conclusi.",
            report.participants, report.programme_households, report.participant_enrolments
        );
    }
    println!("Il database è cifrato. Account (tutti con la password indicata):");
    println!("  amministratore — Amministratore di sistema (amministratore)");
    for (login, name, role) in sportello::demo::accounts() {
        println!("  {login} — {name} ({})", role.label());
    }
    println!("Chiave di recupero (dati fittizi: per un database vero va stampata e chiusa in cassaforte):");
    println!("  {}", report.recovery_key);
    if let Some(laptop) = &args.laptop {
        let o = sportello::demo::office::add_laptop(&args.database, laptop, &documents, today, &password)
            .map_err(|e| CliError::in_file(laptop, e))?;
        println!(
            "Creato il portatile «{}» in {} per {}: {} casi del suo ambito; il nucleo {} preso in carico fuori sede è in attesa di invio.",
            o.device,
            laptop.display(),
            o.operator,
            o.cases,
            o.offline_case
        );
        println!(
            "All'ufficio {} conflitto/i in attesa della coordinatrice (averdi): schermata «Conflitti».",
            o.conflicts
        );
    }
    Ok(ExitCode::SUCCESS)
}
