//! The "Informazioni" dialog and the IT office's diagnostics bundle (issue
//! 14): what program, which schema, where the database and the log are,
//! which rule sets are in force; and a file with all that, the database's
//! table sizes, its check and the log, and **no personal data**: numbers,
//! names of the program's own things, and the log, which holds none
//! (`crate::support::log`).

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::{Action, Service};
use crate::error::Error;
use crate::support::log;

/// A rule set as the dialog lists it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSetInForce {
    pub id: String,
    pub version: u32,
    pub kind: &'static str,
    pub title: String,
    pub valid_from: chrono::NaiveDate,
    pub valid_to: Option<chrono::NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct About {
    pub program: &'static str,
    pub version: &'static str,
    pub schema_version: u32,
    /// The operating system and processor, as the IT office names them.
    pub platform: String,
    pub database: String,
    pub log_dir: String,
    pub rule_sets: Vec<RuleSetInForce>,
}

/// Where the bundle was written.
#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticsWritten {
    pub path: String,
    pub file_name: String,
}

impl Service {
    /// One line of the log for a command the service ran (`Service::call`):
    /// its name and outcome code from the program's tables, and its time.
    pub(crate) fn log_command(&self, name: &'static str, took: Duration, outcome: Result<(), &Error>) {
        let Some(db) = self.store.path() else { return };
        let outcome = match outcome {
            Ok(()) => "ok",
            Err(e) => e.code.as_str(),
        };
        log::append(
            &log::dir_of(db),
            "comando",
            &[
                ("nome", log::Value::Code(name)),
                ("esito", log::Value::Code(outcome)),
                ("tempo", log::Value::Millis(took.as_millis())),
            ],
        );
    }

    /// The "Informazioni" dialog. Touches nobody's data.
    pub fn about(&self) -> Result<About, Error> {
        self.run(Action::About, None, |_, _| Ok(()))?;
        let rules = super::eligibility::load_rules()?;
        let database = self.store.path().map(|p| p.display().to_string()).unwrap_or_default();
        let log_dir = self.store.path().map(|p| log::dir_of(p).display().to_string()).unwrap_or_default();
        Ok(About {
            program: "Sportello",
            version: env!("CARGO_PKG_VERSION"),
            schema_version: self.store.schema_version()?,
            platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            database,
            log_dir,
            rule_sets: rules
                .iter()
                .map(|s| RuleSetInForce {
                    id: s.id.clone(),
                    version: s.version,
                    kind: s.kind.as_str(),
                    title: s.title.clone(),
                    valid_from: s.valid_from,
                    valid_to: s.valid_to,
                })
                .collect(),
        })
    }

    /// Writes the diagnostics bundle (JSON) into the log folder and says
    /// where: the IT office takes it from there. Administrators only: it
    /// names the database's tables and sizes.
    pub fn diagnostics_export(&self) -> Result<DiagnosticsWritten, Error> {
        let stamp = self.run(Action::DiagnosticsExport, None, |_, stamp| Ok(stamp.at.clone()))?;
        let about = self.about()?;
        let db = self
            .store
            .path()
            .ok_or_else(|| Error::invalid("database", "database in memoria: nessuna cartella"))?;
        let dir = log::dir_of(db);
        let tables: serde_json::Map<String, Value> =
            self.store.table_counts()?.into_iter().map(|(t, n)| (t, Value::from(n))).collect();
        let check = self.store.check()?;
        let logs: Vec<Value> = log::files(&dir)
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).unwrap_or_default();
                serde_json::json!({
                    "file": p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    "lines": text.lines().collect::<Vec<_>>(),
                })
            })
            .collect();
        let bundle = serde_json::json!({
            "created_at": stamp,
            "about": about,
            "database": {
                "tables": tables,
                "check": if check.is_empty() { vec!["ok".to_string()] } else { check },
                "connection": self.store.diagnostics().map(|d| serde_json::json!({
                    "journal_mode": d.journal_mode,
                    "foreign_keys": d.foreign_keys,
                    "busy_timeout_ms": d.busy_timeout_ms,
                })).ok(),
            },
            "log": logs,
        });
        let file_name = format!(
            "diagnostica-{}.json",
            stamp.replace([':', '-'], "").replace('T', "-").trim_end_matches('Z')
        );
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::new(crate::Code::Io, format!("cartella dei registri: {e}")))?;
        let path = dir.join(&file_name);
        let text = serde_json::to_string_pretty(&bundle)
            .map_err(|e| Error::new(crate::Code::Internal, format!("diagnostica: {e}")))?;
        // Whole or not at all, private (0600), like every file the program writes.
        let mut out = crate::outputs::Outputs::new();
        out.add(&path, text.into_bytes());
        out.commit()?;
        Ok(DiagnosticsWritten { path: path.display().to_string(), file_name })
    }
}
