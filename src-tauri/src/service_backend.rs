//! The backend of the app: `sportello::service::Service`.
//!
//! TEMPORARY (until the backend branch is merged): the service does not exist in
//! this branch yet, so every command answers that it is unavailable. Replaced by
//! the adapter to the real `Service` at integration.

use chrono::NaiveDate;
use serde_json::Value;
use sportello::{Code, Error, Result};

use crate::backend::{Backend, CfCheckInput, ConvocationInput};
use crate::options::Places;

pub fn open(_places: &Places, _today: Option<NaiveDate>) -> Result<Box<dyn Backend>> {
    Ok(Box::new(Unwired))
}

struct Unwired;

fn unavailable() -> Result<Value> {
    Err(Error::new(Code::Storage, "Il servizio dei dati non è ancora collegato a questa versione dell'applicazione."))
}

impl Backend for Unwired {
    fn session(&self) -> Result<Value> {
        unavailable()
    }
    fn households_search(&self, _: &str) -> Result<Value> {
        unavailable()
    }
    fn household_get(&self, _: &str) -> Result<Value> {
        unavailable()
    }
    fn household_save(&self, _: Value) -> Result<Value> {
        unavailable()
    }
    fn cf_check(&self, _: CfCheckInput) -> Result<Value> {
        unavailable()
    }
    fn analysis_get(&self, _: &str) -> Result<Value> {
        unavailable()
    }
    fn analysis_save(&self, _: Value) -> Result<Value> {
        unavailable()
    }
    fn project_get(&self, _: &str) -> Result<Value> {
        unavailable()
    }
    fn project_save(&self, _: Value) -> Result<Value> {
        unavailable()
    }
    fn project_set_status(&self, _: &str, _: &str) -> Result<Value> {
        unavailable()
    }
    fn agreement_print(&self, _: &str) -> Result<Value> {
        unavailable()
    }
    fn signature_record(&self, _: &str, _: &str, _: &str) -> Result<Value> {
        unavailable()
    }
    fn deadlines_board(&self) -> Result<Value> {
        unavailable()
    }
    fn convocation_print(&self, _: ConvocationInput) -> Result<Value> {
        unavailable()
    }
    fn documents_list(&self, _: &str) -> Result<Value> {
        unavailable()
    }
    fn document_open(&self, _: &str) -> Result<Value> {
        unavailable()
    }
}
