//! `sportello deadline --from DATE (--working-days N | --days N) [--comune BELFIORE] [--json]`
//! (cli.md, rules.md §1.3). With `--json` stdout carries exactly the contract's
//! document; the warning that the office is closed on the deadline goes to stderr.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{Days, NaiveDate};
use serde::Serialize;

use sportello::calendar::{self, Closure, ComuneInfo, Comuni};
use sportello::{dates, Code, Error};

use super::{print_json, CliError};

#[derive(clap::Args)]
pub struct Args {
    /// Data dell'evento da cui decorre il termine, AAAA-MM-GG.
    #[arg(long, value_name = "DATA")]
    from: Option<String>,
    /// Termine in giorni lavorativi (giorni di apertura dell'ufficio).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    working_days: Option<String>,
    /// Termine in giorni di calendario (se l'ultimo è festivo, slitta al primo non festivo).
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    days: Option<String>,
    /// Codice Belfiore del comune, per il giorno del patrono.
    #[arg(long, value_name = "BELFIORE", default_value = "F205")]
    comune: String,
    /// Cartella dati con un comuni.toml aggiuntivo (predefinita: $SPORTELLO_DATA_DIR).
    #[arg(long, value_name = "CARTELLA")]
    data_dir: Option<PathBuf>,
    /// Stampa un documento JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct DeadlineJson {
    deadline: NaiveDate,
}

enum Term {
    WorkingDays(u32),
    Days(u32),
}

/// The comuni: built-in, plus the data directory's `comuni.toml` (`--data-dir`,
/// else `SPORTELLO_DATA_DIR`). Errors name the file.
pub(super) fn load_comuni(data_dir: Option<PathBuf>) -> Result<Comuni, CliError> {
    let dir = data_dir.or_else(Comuni::data_dir_from_env);
    Comuni::load(dir.as_deref()).map_err(|e| match &dir {
        Some(d) if e.code == Code::BadRuleSet || e.code == Code::Io => {
            let file = if d.is_dir() { Comuni::overrides_path(d) } else { d.clone() };
            CliError::in_file(file, e)
        }
        _ => e.into(),
    })
}

fn parse_count(option: &str, value: &str) -> Result<u32, Error> {
    value.trim().parse::<u32>().map_err(|_| {
        Error::invalid(option, format!("«{value}» non è un numero di giorni (intero da 0 in su)"))
    })
}

fn parse_term(args: &Args) -> Result<Term, Error> {
    match (&args.working_days, &args.days) {
        (Some(n), None) => Ok(Term::WorkingDays(parse_count("--working-days", n)?)),
        (None, Some(n)) => Ok(Term::Days(parse_count("--days", n)?)),
        (Some(_), Some(_)) => Err(Error::invalid(
            "--working-days/--days",
            "indicare uno solo tra --working-days (giorni lavorativi) e --days (giorni di calendario)",
        )),
        (None, None) => Err(Error::invalid(
            "--working-days/--days",
            "indicare il termine: --working-days N (giorni lavorativi) oppure --days N (giorni di calendario)",
        )),
    }
}

/// A date the holiday calendar does not cover is about `--from`; a deadline
/// beyond the last representable date is about the number of days.
fn blame(e: Error, term_option: &str) -> Error {
    let field = if e.code == Code::NoRuleSet { "--from" } else { term_option };
    e.with_field(field)
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let from = args
        .from
        .as_deref()
        .ok_or_else(|| Error::invalid("--from", "indicare la data dell'evento (--from AAAA-MM-GG)"))?;
    let from = dates::parse_iso("--from", from)?;
    let term = parse_term(&args)?;
    let comuni = load_comuni(args.data_dir.clone())?;
    let info = comuni.info(&args.comune).map_err(|e| e.with_field("--comune"))?;
    let comune = &info.comune;

    let (deadline, notes) = match term {
        Term::WorkingDays(n) => {
            let date =
                calendar::try_add_working_days(from, n, comune).map_err(|e| blame(e, "--working-days"))?;
            let what =
                if n == 1 { "1 giorno lavorativo".to_string() } else { format!("{n} giorni lavorativi") };
            let note = format!(
                "{what} dal {} {}, calendario dell'ufficio di {} ({}).",
                calendar::giorno_della_settimana(from),
                dates::format_it(from),
                comune.nome,
                comune.belfiore
            );
            (date, vec![note])
        }
        Term::Days(n) => {
            let d = calendar::try_add_days(from, n, comune).map_err(|e| blame(e, "--days"))?;
            let mut notes = vec![format!(
                "{n} giorni di calendario dal {} {}.",
                calendar::giorno_della_settimana(from),
                dates::format_it(from)
            )];
            if let Some(day_n) = from.checked_add_days(Days::new(u64::from(n))).filter(|&x| x != d.date) {
                notes.push(format!(
                    "Il {n}° giorno, {} {}, è festivo: la scadenza passa al primo giorno non festivo.",
                    calendar::giorno_della_settimana(day_n),
                    dates::format_it(day_n)
                ));
            }
            if d.office_closed {
                let warning = closed_warning(d.date, info)?;
                if args.json {
                    eprintln!("sportello: attenzione: {warning}");
                }
                notes.push(format!("Attenzione: {warning}"));
            }
            (d.date, notes)
        }
    };

    if args.json {
        print_json(&DeadlineJson { deadline })?;
    } else {
        println!("Scadenza: {} {}", calendar::giorno_della_settimana(deadline), dates::format_it(deadline));
        for n in notes {
            println!("{n}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Why the office is closed on a calendar-day deadline that does not move.
fn closed_warning(date: NaiveDate, info: &ComuneInfo) -> Result<String, Error> {
    let why = match calendar::closure(date, &info.comune)? {
        Some(Closure::PatronDay) => format!("è la festa del patrono, {}", info.santo),
        Some(other) => other.descrizione(&info.comune),
        None => return Err(Error::new(Code::Internal, "ufficio chiuso senza motivo: calendario incoerente")),
    };
    Ok(format!(
        "il {} l'ufficio di {} è chiuso perché {why}; la scadenza non si sposta (Cass. 17079/2007): conviene presentarsi entro l'ultimo giorno di apertura precedente.",
        dates::format_it(date),
        info.comune.nome
    ))
}
