//! `sportello cf CODE [--json]` (cli.md): exit 0 for a valid code, 1 for an
//! invalid one (a negative answer, printed on stdout), 2 for bad usage.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use serde::Serialize;

use sportello::calendar::Comuni;
use sportello::cf::{self, CodiceFiscale, Sex};
use sportello::dates;
use sportello::domain::place::birthplace;

use super::deadline::load_comuni;
use super::{print_json, CliError};

#[derive(clap::Args)]
pub struct Args {
    /// Il codice fiscale da verificare (spazi ai lati e minuscole ammessi).
    code: String,
    /// Stampa un documento JSON.
    #[arg(long)]
    json: bool,
    /// Data di riferimento per l'anno a due cifre, AAAA-MM-GG (predefinita: oggi).
    #[arg(long, value_name = "DATA")]
    today: Option<String>,
    /// Cartella dati con un comuni.toml aggiuntivo (predefinita: $SPORTELLO_DATA_DIR).
    #[arg(long, value_name = "CARTELLA")]
    data_dir: Option<PathBuf>,
}

#[derive(Serialize)]
struct ValidJson<'a> {
    valid: bool,
    code: &'a str,
    sex: Sex,
    birth_date: NaiveDate,
    birthplace: &'a str,
}

#[derive(Serialize)]
struct InvalidJson<'a> {
    valid: bool,
    code: &'a str,
    reason: &'a str,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let today = match &args.today {
        Some(s) => dates::parse_iso("--today", s)?,
        None => chrono::Local::now().date_naive(),
    };
    // Text mode names the birthplace, so it reads the comuni before answering:
    // a broken comuni file is reported (exit 2) before anything is printed.
    let comuni = if args.json { None } else { Some(load_comuni(args.data_dir.clone())?) };
    match cf::parse(&args.code, today) {
        Ok(c) => {
            if args.json {
                print_json(&ValidJson {
                    valid: true,
                    code: &c.code,
                    sex: c.sex,
                    birth_date: c.birth_date,
                    birthplace: &c.birthplace,
                })?;
            } else {
                print!("{}", describe_valid(&c, comuni.as_ref()));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            if args.json {
                print_json(&InvalidJson { valid: false, code: &e.code, reason: &e.reason })?;
            } else {
                println!("Codice fiscale non valido: {}", e.code);
                println!("Motivo: {}", e.messaggio);
            }
            Ok(ExitCode::from(1))
        }
    }
}

fn describe_valid(c: &CodiceFiscale, comuni: Option<&Comuni>) -> String {
    let sesso = match c.sex {
        Sex::M => "maschile",
        Sex::F => "femminile",
    };
    // By name from the list of comuni and states, on the birth date; the
    // office's comuni file (patron days) names an administrator's additions.
    let place = birthplace(&c.birthplace, c.birth_date);
    let luogo = match (&place.name, comuni.and_then(|k| k.get(&c.birthplace).ok())) {
        (Some(name), _) => format!("{name}, codice {}", c.birthplace),
        (None, Some(comune)) => format!("{} ({})", comune.nome, c.birthplace),
        (None, None) if c.birthplace.starts_with('Z') => format!("Stato estero, codice {}", c.birthplace),
        (None, None) => format!("comune con codice Belfiore {}", c.birthplace),
    };
    let mut out = format!(
        "Codice fiscale valido: {}\nSesso: {sesso}\nData di nascita: {}\nLuogo di nascita: {luogo}\n",
        c.code,
        dates::format_it(c.birth_date)
    );
    if let Some(w) = &place.warning {
        out.push_str(&format!("Attenzione: {w}\n"));
    }
    let n = c.omocodia();
    if n > 0 {
        let cifre = if n == 1 { "1 cifra sostituita" } else { &format!("{n} cifre sostituite") };
        out.push_str(&format!("Omocodia: {cifre} (codice di base {})\n", c.base_code()));
    }
    out
}
