//! What the commands call: one method per command of docs/ipc.md, with the same
//! name as the `sportello::service::Service` method behind it.
//!
//! A trait so that the commands stay the same whichever backend is wired in
//! (the real service in the app; a recording fake in the commands' tests), and
//! results are JSON values because the wire format is the contract.

use serde::Deserialize;
use serde_json::Value;
use sportello::Result;

/// `cf_check` input (docs/ipc.md).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct CfCheckInput {
    pub code: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub birth_date: Option<String>,
    pub sex: Option<String>,
}

/// `convocation_print` input (docs/ipc.md).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ConvocationInput {
    pub household_id: String,
    pub date: Option<String>,
    pub time: Option<String>,
    pub place: Option<String>,
    pub ask_for: Option<String>,
    pub bring: Vec<String>,
    pub notes: Option<String>,
}

pub trait Backend: Send + Sync {
    fn session(&self) -> Result<Value>;
    fn households_search(&self, query: &str) -> Result<Value>;
    fn household_get(&self, id: &str) -> Result<Value>;
    fn household_save(&self, household: Value) -> Result<Value>;
    fn cf_check(&self, input: CfCheckInput) -> Result<Value>;
    fn analysis_get(&self, household_id: &str) -> Result<Value>;
    fn analysis_save(&self, analysis: Value) -> Result<Value>;
    fn project_get(&self, household_id: &str) -> Result<Value>;
    fn project_save(&self, project: Value) -> Result<Value>;
    fn project_set_status(&self, project_id: &str, status: &str) -> Result<Value>;
    fn agreement_print(&self, project_id: &str) -> Result<Value>;
    fn signature_record(&self, project_id: &str, member_id: &str, signed_on: &str) -> Result<Value>;
    fn deadlines_board(&self) -> Result<Value>;
    fn convocation_print(&self, input: ConvocationInput) -> Result<Value>;
    fn documents_list(&self, household_id: &str) -> Result<Value>;
    fn document_open(&self, id: &str) -> Result<Value>;
}
