//! The app's backend: `sportello::service::Service`, logged in by the login
//! screen (`login`), for one operator.
//!
//! The service answers the commands of docs/ipc.md by name (`Service::call`),
//! printing included, and the window's own PDF viewer (`document_view`: the
//! bytes in memory). The one thing left to the shell is showing a file in the
//! system's program:
//! for `document_open`, `ranking_export_csv`, `reimbursement_statement`,
//! `liquidation_open` and `finance_report` the service writes the file,
//! decrypted, into its private viewing area and gives the path, and the shell
//! opens it with the system's program (PDF viewer, spreadsheet). The window
//! never learns the path: a copy kept elsewhere is the operator's "Salva con
//! nome", a deliberate act.

use serde_json::{json, Value};
use sportello::service::Service;
use sportello::{Code, Error, Result};

use crate::backend::Backend;
use crate::viewer;

pub struct ServiceBackend {
    // Holds the database's lock itself (`Service::open_exclusive`,
    // `Service::create_exclusive`), and lets go of it when dropped.
    service: Service,
}

impl ServiceBackend {
    pub fn new(service: Service) -> ServiceBackend {
        ServiceBackend { service }
    }
}

impl ServiceBackend {
    /// Opens a file of the viewing area with the system's program; when none
    /// opens it, the decrypted copy is removed at once.
    fn show(&self, path: &std::path::Path, kind: viewer::Kind) -> Result<()> {
        viewer::open(path, kind).inspect_err(|_| self.service.viewing_discard(path))
    }

    /// The usernames of `operators_list`, in its order.
    fn service_accounts(&self) -> Result<Vec<String>> {
        Ok(self.service.operators_list()?.into_iter().map(|a| a.operator.username).collect())
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
                self.show(path_of(&answer)?, viewer::Kind::Pdf)?;
                Ok(Value::Null)
            }
            "ranking_export_csv" => {
                let answer = self.service.call("ranking_export_csv", input)?;
                self.show(path_of(&answer)?, viewer::Kind::Spreadsheet)?;
                Ok(json!({ "file_name": answer["file_name"] }))
            }
            // The family's statement and the finance office's list: PDFs (or
            // the list's rows as a spreadsheet) shown by the system's program.
            "reimbursement_statement" | "liquidation_open" | "finance_report" => {
                let kind = match input.get("format").and_then(Value::as_str) {
                    Some("csv" | "xlsx") => viewer::Kind::Spreadsheet,
                    _ => viewer::Kind::Pdf,
                };
                let answer = self.service.call(command, input)?;
                self.show(path_of(&answer)?, kind)?;
                Ok(json!({ "file_name": answer["file_name"] }))
            }
            "operators_list" => {
                // docs/ipc.md lists each account's `username` (what the screen
                // sends back to set a password or revoke), but `Operator` does
                // not serialise it; until the library's OperatorAccount carries
                // it, the shell adds it from the same answer.
                let mut answer = self.service.call("operators_list", input)?;
                let accounts = self.service_accounts()?;
                if let Some(rows) = answer.as_array_mut() {
                    for (row, username) in rows.iter_mut().zip(accounts) {
                        if row.get("username").is_none() {
                            row["username"] = Value::String(username);
                        }
                    }
                }
                Ok(answer)
            }
            other => self.service.call(other, input),
        }
    }
}
