//! `sportello indicators --input PARTICIPANTS.json [--json]` (cli.md, rules.md
//! §6): the ESF common output indicators at entry (CO01-CO19, by sex, with the
//! unknown answers counted apart) and the result indicators at exit (CR01-CR05,
//! under `results`). Aggregate only: no participant is named in the output.
//!
//! Exit status: 0 when the report is computed; 2 for bad input, an unreadable
//! rule-set file or an entry date no rule set covers.

use std::process::ExitCode;

use sportello::rules::esf;

use super::{print_json, read_input, CliError};

/// Largest participants file: 16 MiB. A participant is about 500 bytes, so
/// 30,000 of them (a whole regional programme) fit; a bigger file is a mistake.
const PARTICIPANTS_LIMIT: u64 = 16 << 20;

/// `--input FILE [--json] [--data-dir DIR]`.
pub type Args = super::JsonInput;

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let text = read_input(&args.input, PARTICIPANTS_LIMIT)?;
    let participants = esf::parse_participants_json(&text).map_err(|e| CliError::in_file(&args.input, e))?;
    let rules = super::eligibility::load_rules(args.data_dir)?;
    let report = esf::indicators(&participants, &rules).map_err(|e| CliError::in_file(&args.input, e))?;
    if args.json {
        print_json(&esf::to_json(&report))?;
    } else {
        print!("{}", esf::to_text(&report));
    }
    Ok(ExitCode::SUCCESS)
}
