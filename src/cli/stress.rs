//! `sportello stress-write --database PATH --seed N` (hidden): writes households
//! and signed projects in a loop, printing what each commit made durable, for
//! the crash test (`tests/crash_kill.rs`), which kills it with SIGKILL at
//! random moments and then checks that every reported record is there.
//!
//! Each line on stdout is printed only after its transaction committed:
//! `household <id>` or `signature <project_id> <member_id>`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Days, NaiveDate};
use serde_json::json;
use sportello::domain::{ProjectStatus, StrEnum};
use sportello::service::{NewDatabase, OpenOptions, Service};

use super::CliError;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_name = "PATH")]
    database: PathBuf,
    /// Distinguishes the people of one run from those of the others (their
    /// codici fiscali must differ): run `seed` writes births from day seed×100.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// How many households to write (0 = until killed).
    #[arg(long, default_value_t = 0)]
    count: u64,
}

const SURNAMES: &[&str] =
    &["Dell'Orto", "Nguyễn", "Esposito", "D'Angelo", "Colombo", "Ricci", "Marino", "Bruno"];
const NAMES: &[&str] = &["Niccolò", "Zoë", "Giulia", "Luca", "Chiara", "Matteo", "Sofia", "Andrea"];

pub fn run(a: Args) -> Result<ExitCode, CliError> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 20).expect("valid date");
    let documents = a.database.with_extension("documenti");
    // The first run creates the database (account «stress», password from
    // SPORTELLO_PASSWORD); the next ones log in to it.
    // A keys file without its database is this tool's own creation cut short
    // by the kill (Service::create starts it again); a login would be refused.
    let unfinished = !a.database.exists() && sportello::keyring::Keyring::path_for(&a.database).exists();
    let opened = if Service::database_state(&a.database)?.needs_setup || unfinished {
        let password = super::login::new_password("dell'account «stress»")?;
        Service::create(NewDatabase {
            database: a.database.clone(),
            documents_dir: documents,
            username: "stress".into(),
            name: "Prova di arresto".into(),
            password,
            today: Some(today),
            kdf: sportello::keyring::KdfParams::from_env()?,
        })
        .map(|(s, _)| s)
    } else {
        Service::open_exclusive(OpenOptions {
            database: a.database.clone(),
            documents_dir: documents,
            credentials: super::login::credentials(&a.database)?,
            today: Some(today),
        })
    };
    let s = opened.map_err(|e| CliError::in_file(&a.database, e))?;
    let mut out = std::io::stdout().lock();
    let base = NaiveDate::from_ymd_opt(1940, 1, 1).expect("valid date");
    let mut i = 0u64;
    while a.count == 0 || i < a.count {
        let n = (a.seed * 100 + i) as usize;
        if i >= 100 {
            break; // the seed's range of birth dates is used up
        }
        let birth = base.checked_add_days(Days::new(n as u64)).expect("in range");
        let (last, first) = (SURNAMES[n % SURNAMES.len()], NAMES[(n / SURNAMES.len()) % NAMES.len()]);
        let male = n.is_multiple_of(2);
        let sex = if male { sportello::cf::Sex::M } else { sportello::cf::Sex::F };
        let code = sportello::cf::encode(last, first, birth, sex, "F205")?;
        let household = serde_json::from_value(json!({
            "comune": "F205",
            "notes": format!("Scrittura di prova {n}: {}", "testo di riempimento ".repeat(n % 40)),
            "members": [{
                "first_name": first, "last_name": last, "codice_fiscale": code, "birth_date": birth.to_string(),
                "sex": if male { "M" } else { "F" }, "relationship": "richiedente", "citizenship": "italiana",
                "employment": "disoccupato", "education": "isced_0_2"
            }]
        }))
        .map_err(|e| sportello::Error::new(sportello::Code::Internal, e.to_string()))?;
        let h = s.household_save(household)?;
        let _ = writeln!(out, "household {}", h.id);
        let _ = out.flush();
        // Every other household also gets an analysis, a project and a signature.
        if i.is_multiple_of(2) {
            let member = h.members[0].id;
            // The six areas, in the law's order.
            let areas = sportello::domain::LifeArea::ALL.iter().map(|a| a.as_str()).collect::<Vec<_>>();
            let analysis = serde_json::from_value(json!({
                "household_id": h.id.to_string(),
                "interview_date": today.to_string(),
                "participants": [member.to_string()],
                "domains": areas.iter().map(|a| json!({"domain": a, "need": "moderato"})).collect::<Vec<_>>(),
                "employability": [{"member_id": member.to_string(), "profile": "occupabile_con_supporto"}],
                "outcome": "progetto_servizio_sociale",
                "outcome_reason": "Prova di scrittura."
            }))
            .map_err(|e| sportello::Error::new(sportello::Code::Internal, e.to_string()))?;
            s.analysis_save(analysis)?;
            let project = serde_json::from_value(json!({
                "household_id": h.id.to_string(),
                "objectives": ["Autonomia economica."],
                "expected_results": ["Un contratto di lavoro."],
                "commitments": [{"action": "Colloquio al Centro per l'impiego.", "member_id": member.to_string(), "due_date": "2027-03-31"}],
                "supports": [], "meetings": []
            }))
            .map_err(|e| sportello::Error::new(sportello::Code::Internal, e.to_string()))?;
            let p = s.project_save(project)?;
            s.project_set_status(p.id, ProjectStatus::parse("da_firmare").expect("known status"))?;
            s.signature_record(p.id, member, today)?;
            let _ = writeln!(out, "signature {} {}", p.id, member);
            let _ = out.flush();
        }
        i += 1;
    }
    Ok(ExitCode::SUCCESS)
}
