//! `sportello reimburse --input CLAIM.json [--json]` (cli.md, rules.md §7): a
//! claim against a B2 award, document by document. The JSON is exactly the
//! contract's, with the Italian text of each reason beside its code (`texts`)
//! and the rule set; the text output is the statement for the family.
//!
//! Exit status: 0 when the claim is answered (refused documents are an
//! answer, with their reasons); 2 for bad input, an unreadable rule-set file
//! or an award period no rule set covers.

use std::process::ExitCode;

use sportello::rules::reimbursement;

use super::{CliError, JSON_LIMIT};

/// `--input FILE [--json] [--data-dir DIR]`.
pub type Args = super::JsonInput;

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    args.answer(
        JSON_LIMIT,
        reimbursement::parse_claim_json,
        reimbursement::reimburse,
        reimbursement::to_json,
        reimbursement::render_text,
    )
}
