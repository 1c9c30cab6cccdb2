//! The app's backend: `sportello::service::Service`, logged in by the login
//! screen (`login`), for one operator.
//!
//! The service answers the commands of docs/ipc.md by name (`Service::call`),
//! printing included. The one thing left to the shell is showing a file:
//! for `document_open` and `ranking_export_csv` the service writes the file,
//! decrypted, into its private viewing area and gives the path, and the shell
//! opens it with the system's program (PDF viewer, spreadsheet). The window
//! never learns the path: a copy kept elsewhere is the operator's "Salva con
//! nome", a deliberate act.

use serde_json::{json, Value};
use sportello::service::Service;
use sportello::storage::lock::DatabaseLock;
use sportello::{Code, Error, Result};

use crate::backend::Backend;
use crate::viewer;

pub struct ServiceBackend {
    // Dropped before the lock: the database is closed before it is let go.
    service: Service,
    _lock: Option<DatabaseLock>,
}

impl ServiceBackend {
    /// `lock`: the database's lock when the service does not hold it itself
    /// (a database just created).
    pub fn new(service: Service, lock: Option<DatabaseLock>) -> ServiceBackend {
        ServiceBackend { service, _lock: lock }
    }
}

fn path_of(answer: &Value) -> Result<&std::path::Path> {
    answer["path"]
        .as_str()
        .map(std::path::Path::new)
        .ok_or_else(|| Error::new(Code::Internal, "percorso del file mancante"))
}

impl Backend for ServiceBackend {
    fn call(&self, command: &str, input: Value) -> Result<Value> {
        match command {
            "document_open" => {
                let answer = self.service.call("document_open", input)?;
                viewer::open(path_of(&answer)?)?;
                Ok(Value::Null)
            }
            "ranking_export_csv" => {
                let answer = self.service.call("ranking_export_csv", input)?;
                viewer::open(path_of(&answer)?)?;
                Ok(json!({ "file_name": answer["file_name"] }))
            }
            other => self.service.call(other, input),
        }
    }
}
