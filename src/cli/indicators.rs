//! `sportello indicators --input PARTICIPANTS.json [--json]` (cli.md, rules.md
//! §6): the ESF common output indicators at entry (CO01-CO19, by sex, with the
//! unknown answers counted apart) and the result indicators at exit (CR01-CR05,
//! under `results`). Aggregate only: no participant is named in the output.
//!
//! Exit status: 0 when the report is computed; 2 for bad input, an unreadable
//! rule-set file or an entry date no rule set covers.

use std::process::ExitCode;

use sportello::rules::esf;

use super::CliError;

/// Largest participants file: 16 MiB. A participant is about 500 bytes, so
/// 30,000 of them (a whole regional programme) fit; a bigger file is a mistake.
const PARTICIPANTS_LIMIT: u64 = 16 << 20;

/// `--input FILE [--json] [--data-dir DIR]`.
pub type Args = super::JsonInput;

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    args.answer(
        PARTICIPANTS_LIMIT,
        esf::parse_participants_json,
        |participants, rules| esf::indicators(participants, rules),
        esf::to_json,
        esf::to_text,
    )
}
