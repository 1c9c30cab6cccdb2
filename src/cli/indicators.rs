//! `sportello indicators --input PARTICIPANTS.json [--json]` (cli.md, rules.md
//! §6): the ESF common output indicators at entry (CO01-CO19, by sex, with the
//! unknown answers counted apart) and the result indicators at exit (CR01-CR05,
//! under `results`). Aggregate only: no participant is named in the output.
//! `--periodo 2021-2027` counts the ESF+ indicators instead (EECO01-EECO17,
//! EECR01-EECR04, Reg. UE 2021/1057); without it, or with `2014-2020`, the
//! output is the contract's, unchanged.
//!
//! Exit status: 0 when the report is computed; 2 for bad input, an unreadable
//! rule-set file or an entry date no rule set covers.

use std::process::ExitCode;

use sportello::rules::esf;

use super::CliError;

/// Largest participants file: 16 MiB. A participant is about 500 bytes, so
/// 30,000 of them (a whole regional programme) fit; a bigger file is a mistake.
const PARTICIPANTS_LIMIT: u64 = 16 << 20;

/// `--input FILE [--json] [--data-dir DIR] [--periodo 2014-2020|2021-2027]`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: super::JsonInput,
    /// Periodo di programmazione del programma: 2014-2020 (predefinito, FSE,
    /// Reg. UE 1304/2013) oppure 2021-2027 (FSE+, Reg. UE 2021/1057).
    #[arg(long)]
    pub periodo: Option<String>,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let period = match args.periodo.as_deref() {
        None => esf::Period::Fse2014,
        Some(p) => esf::Period::parse(p).ok_or_else(|| CliError {
            file: None,
            error: sportello::Error::invalid(
                "periodo",
                format!("periodo di programmazione «{p}» non previsto (ammessi: 2014-2020, 2021-2027)"),
            ),
        })?,
    };
    args.common.answer(
        PARTICIPANTS_LIMIT,
        esf::parse_participants_json,
        |participants, rules| esf::indicators_for(period, participants, rules),
        esf::to_json,
        esf::to_text,
    )
}
