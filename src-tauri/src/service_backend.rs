//! The app's backend: `sportello::service::Service`, opened on the database and
//! documents folder of the options, for the operator logged in on this computer.
//!
//! The service answers the commands of docs/ipc.md by name (`Service::call`),
//! printing included. The one thing left to the shell is showing a file: for
//! `document_open` the service checks the document and gives its path, and the
//! shell opens it in the system viewer.

use chrono::NaiveDate;
use serde_json::Value;
use sportello::service::{OpenOptions, Service};
use sportello::{Code, Error, Result};

use crate::backend::Backend;
use crate::options::Places;
use crate::viewer;

pub struct ServiceBackend {
    service: Service,
}

/// Opens (creating and migrating if needed) the database. `today` fixes the date
/// for tests and demonstrations; `None` is the computer's date.
pub fn open(places: &Places, today: Option<NaiveDate>) -> Result<Box<dyn Backend>> {
    let service = Service::open_with(OpenOptions {
        database: places.database.clone(),
        documents_dir: places.documents.clone(),
        // Until the login screen: the operator and password of the environment.
        credentials: sportello::service::Credentials::password(
            std::env::var("SPORTELLO_OPERATOR").unwrap_or_else(|_| Service::system_operator()),
            std::env::var("SPORTELLO_PASSWORD").unwrap_or_default(),
        ),
        today,
    })?;
    Ok(Box::new(ServiceBackend { service }))
}

impl Backend for ServiceBackend {
    fn call(&self, command: &str, input: Value) -> Result<Value> {
        match command {
            "document_open" => {
                let answer = self.service.call("document_open", input)?;
                let path = answer["path"]
                    .as_str()
                    .ok_or_else(|| Error::new(Code::Internal, "percorso del documento mancante"))?;
                viewer::open(std::path::Path::new(path))?;
                Ok(Value::Null)
            }
            other => self.service.call(other, input),
        }
    }
}
