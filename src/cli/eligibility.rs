//! `sportello eligibility --input HOUSEHOLD.json [--json]` (cli.md): misure 1-7 for
//! one household. The JSON is exactly the contract's; the text output adds the
//! rule sets and the trace of every condition, in Italian.
//!
//! Exit status: 0 when the seven answers are given (a "no" is an answer, with its
//! reasons, not a failure); 2 for bad input, an unreadable rule-set file or a date
//! no rule set covers.

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use sportello::catalog::rule_sets;
use sportello::dates::format_it;
use sportello::rules::eligibility::{self, Eligibility};

use super::{print_json, read_input, CliError, JSON_LIMIT};

/// `--input FILE [--json] [--data-dir DIR]`.
pub type Args = super::JsonInput;

#[derive(Serialize)]
struct JsonOut<'a> {
    measures: Vec<JsonMeasure<'a>>,
}

#[derive(Serialize)]
struct JsonMeasure<'a> {
    id: &'static str,
    eligible: bool,
    reasons: Vec<JsonReason<'a>>,
}

#[derive(Serialize)]
struct JsonReason<'a> {
    code: &'static str,
    text: &'a str,
}

pub(super) fn load_rules(data_dir: Option<PathBuf>) -> Result<sportello::rules::RuleSets, CliError> {
    let dir = data_dir.or_else(rule_sets::data_dir_from_env);
    rule_sets::load(dir.as_deref()).map_err(|e| CliError { file: Some(e.file), error: e.error })
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    let text = read_input(&args.input, JSON_LIMIT)?;
    let household =
        eligibility::parse_household_json(&text).map_err(|e| CliError::in_file(&args.input, e))?;
    let rules = load_rules(args.data_dir)?;
    let result = eligibility::evaluate(&household, &rules).map_err(|e| CliError::in_file(&args.input, e))?;
    if args.json {
        let out = JsonOut {
            measures: result
                .measures
                .iter()
                .map(|d| JsonMeasure {
                    id: d.measure.id(),
                    eligible: d.eligible,
                    reasons: d
                        .reasons
                        .iter()
                        .map(|r| JsonReason { code: r.code.as_str(), text: &r.text })
                        .collect(),
                })
                .collect(),
        };
        print_json(&out)?;
    } else {
        print!("{}", render_text(&result));
    }
    Ok(ExitCode::SUCCESS)
}

fn render_text(r: &Eligibility) -> String {
    let mut s = format!("Requisiti al {} — comune {}\n", format_it(r.reference_date), r.comune);
    let yes: Vec<&str> = r.measures.iter().filter(|d| d.eligible).map(|d| d.measure.id()).collect();
    s.push_str(&format!(
        "Misure spettanti: {}\n",
        if yes.is_empty() { "nessuna".to_string() } else { yes.join(", ") }
    ));
    for d in &r.measures {
        s.push('\n');
        s.push_str(&format!("{}: {}\n", d.measure.title(), if d.eligible { "SPETTA" } else { "NON SPETTA" }));
        if !d.rule_sets.is_empty() {
            let refs: Vec<String> = d.rule_sets.iter().map(ToString::to_string).collect();
            s.push_str(&format!("  regole: {}\n", refs.join(", ")));
        }
        for r in &d.reasons {
            s.push_str(&format!("  motivo {}: {}\n", r.code, r.text));
        }
        for line in d.trace.lines() {
            s.push_str(&format!("    {line}\n"));
        }
    }
    s
}
