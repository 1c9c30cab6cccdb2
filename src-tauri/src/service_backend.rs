//! The app's backend: `sportello::service::Service`, opened on the database and
//! documents folder of the options, for the operator logged in on this computer.
//!
//! The service answers the commands of docs/ipc.md by name (`Service::call`). The
//! three that also print or open a file are put together in `documents`.

use chrono::NaiveDate;
use serde_json::Value;
use sportello::calendar::Comuni;
use sportello::service::{OpenOptions, Service};
use sportello::Result;

use crate::backend::Backend;
use crate::documents;
use crate::options::Places;

pub struct ServiceBackend {
    service: Service,
    comuni: Comuni,
}

/// Opens (creating and migrating if needed) the database. `today` fixes the date
/// for tests and demonstrations; `None` is the computer's date.
pub fn open(places: &Places, today: Option<NaiveDate>) -> Result<Box<dyn Backend>> {
    let service = Service::open_with(OpenOptions {
        database: places.database.clone(),
        documents_dir: places.documents.clone(),
        operator: Service::system_operator(),
        today,
        key: None,
    })?;
    let comuni = Comuni::load(Comuni::data_dir_from_env().as_deref())?;
    Ok(Box::new(ServiceBackend { service, comuni }))
}

impl Backend for ServiceBackend {
    fn call(&self, command: &str, input: Value) -> Result<Value> {
        match command {
            "agreement_print" => documents::agreement_print(&self.service, &self.comuni, input),
            "convocation_print" => documents::convocation_print(&self.service, &self.comuni, input),
            "document_open" => documents::document_open(&self.service, input),
            other => self.service.call(other, input),
        }
    }
}
