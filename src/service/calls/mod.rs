//! Calls ("avvisi/bandi") of the Misura B2 as the office runs them in the app:
//! the call, its applications (typed in or imported from the CLI's CSV, all or
//! none), the draft ranking, publication (a frozen version with its public PDF),
//! appeals and the versions they produce.
//!
//! The decisions are the pure rules of `rules::appeals` and `rules::b2`: the
//! service loads the rows, rebuilds the rule-level [`Call`], applies one
//! operation and writes back what it added, in one transaction. So the app's
//! ranking is, by construction, the CLI's ranking of the same data.
//!
//! One module per job: [`call`] the call itself (list, detail, saving it),
//! [`applications`] its applications (the form and the CSV import),
//! [`ranking`] the draft, publication and the published versions, [`appeals`]
//! filing and deciding appeals. What they share is here: loading a call.

mod appeals;
mod applications;
mod call;
mod ranking;
mod reimbursements;

pub use appeals::{AppealDecisionInput, AppealInput};
pub use applications::{ApplicationInput, ImportOutcome, RefusedRow, SavedApplication};
pub use call::{CallDetail, CallInput, CallSummary};
pub use ranking::{Comparison, Exported, RankingRow, RankingView, VersionView};
pub use reimbursements::{
    AwardClaims, AwardInput, ClaimDecision, ClaimInput, ClaimsImport, DocumentInput, LiquidationFormat,
    LiquidationView, Reimbursements,
};

use super::not_found;
use crate::domain::Id;
use crate::error::Error;
use crate::rules::appeals::Call;
use crate::rules::rule_set::RuleSets;
use crate::storage::{ApplicationRow, CallRow, Tx, VersionRow};

/// Everything stored for a call, rebuilt into the rule-level [`Call`].
struct Loaded {
    row: CallRow,
    apps: Vec<ApplicationRow>,
    versions: Vec<VersionRow>,
    call: Call,
}

fn load_rules() -> Result<RuleSets, Error> {
    crate::catalog::rule_sets::load(crate::catalog::rule_sets::data_dir_from_env().as_deref())
        .map_err(Error::from)
}

fn load(tx: &Tx<'_>, id: Id) -> Result<Loaded, Error> {
    let row = tx.call_get(id)?.ok_or_else(|| not_found("Avviso"))?;
    let apps = tx.call_applications(id)?;
    let versions = tx.versions_of_call(id)?;
    let appeals = tx.appeals_of_call(id)?;
    let call = Call::restore(
        row.rule_set.clone(),
        row.measure.clone(),
        row.budget,
        apps.iter().map(|a| a.application.clone()).collect(),
        versions.iter().map(|v| v.version.clone()).collect(),
        appeals,
    );
    Ok(Loaded { row, apps, versions, call })
}
