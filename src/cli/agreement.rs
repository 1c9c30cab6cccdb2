//! `sportello agreement --input PROJECT.json --out AGREEMENT.pdf` (cli.md):
//! prints the personalised project for the household to sign.

use std::path::PathBuf;
use std::process::ExitCode;

use sportello::domain::agreement::AgreementInput;
use sportello::print::agreement;

use super::{print_json, read_input, write_atomic, CliError};

#[derive(clap::Args)]
pub struct Args {
    /// Il progetto in JSON (formato in cli.md).
    #[arg(long, value_name = "PROJECT.json")]
    input: PathBuf,
    /// Il PDF da scrivere.
    #[arg(long, value_name = "AGREEMENT.pdf")]
    out: PathBuf,
    /// Cartella dati con un comuni.toml aggiuntivo (predefinita: $SPORTELLO_DATA_DIR).
    #[arg(long, value_name = "CARTELLA")]
    data_dir: Option<PathBuf>,
    /// Stampa un riepilogo JSON (file, pagine, scadenza) invece del testo.
    #[arg(long)]
    json: bool,
}

#[derive(serde::Serialize)]
struct Summary {
    out: String,
    pages: usize,
    signing_deadline: chrono::NaiveDate,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let text = read_input(&args.input)?;
    let in_input = |e| CliError::in_file(&args.input, e);
    let input = AgreementInput::from_json(&text).map_err(in_input)?;
    // The codice fiscale's two-digit year is resolved against the operator's today.
    let today = chrono::Local::now().date_naive();
    let comuni = super::deadline::load_comuni(args.data_dir.clone())?;
    // The same patto the app builds from a stored case, printed by the same code.
    let doc = input.to_patto(today, &comuni).map_err(in_input)?;
    agreement::check(&doc).map_err(in_input)?;
    let document = agreement::document(&doc);
    let layout = document.layout()?;
    let pages = layout.pages.len();
    let bytes = document.pdf(&layout)?;
    write_atomic(&args.out, &bytes)?;
    if args.json {
        print_json(&Summary {
            out: args.out.display().to_string(),
            pages,
            signing_deadline: doc.signing_deadline,
        })?;
    } else {
        println!(
            "Progetto della pratica n. {} stampato in {} ({} pagine): da sottoscrivere entro il {}.",
            doc.case_number,
            args.out.display(),
            pages,
            sportello::dates::format_it(doc.signing_deadline)
        );
    }
    Ok(ExitCode::SUCCESS)
}
