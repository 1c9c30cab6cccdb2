//! "Who looked at this family's file, and when": the access history of a
//! case (every audit row about the household or one of its records) and its
//! export as a PDF filed among the case's documents. Coordinators and
//! administrators only; looking and exporting are themselves recorded.

use serde::Serialize;

use super::printing::printed_office;
use super::{not_found, office, Action, Service};
use crate::dates::format_it;
use crate::domain::{DocumentKind, Id, Role, StrEnum};
use crate::error::Error;
use crate::print::access_log::{self, AccessLog, AccessLogRow};
use crate::storage::{CaseAuditRow, Tx};

/// One line of a case's access history (`docs/ipc.md`, `audit_history`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessRow {
    pub seq: i64,
    /// UTC, `2026-11-20T09:30:00.123Z` (the screen shows it in local time).
    pub at: String,
    pub operator_id: Id,
    pub username: String,
    pub operator_name: String,
    /// The operator's role today (the log records who, not the role then).
    pub role: Role,
    pub role_label: String,
    pub action: String,
    pub action_label: String,
    /// An attempt refused because the case was outside the operator's scope.
    pub refused: bool,
    /// What the row says besides its action: the reason of an annulment, a
    /// signature recorded after the deadline (`None` for most rows).
    pub detail: Option<String>,
    pub record_id: Option<Id>,
    /// `nucleo`, `analisi`, `progetto`, `documento`, `verifica_requisiti`,
    /// `inserimento`, `lista_attesa`.
    pub record_kind: Option<String>,
    /// The record in words: "nucleo", "documento «Convocazione per il …»".
    pub record: String,
    /// The device the row was written on (its name: this database's own, or
    /// a device whose audit chain reached the office).
    pub device: String,
    /// Written on this database (false: on the device named).
    pub local: bool,
}

impl AccessRow {
    fn from_row(r: CaseAuditRow) -> AccessRow {
        let action_label =
            super::Action::parse(&r.action).map_or_else(|| r.action.clone(), |a| a.label().to_string());
        let record = match (r.record_kind.as_deref(), &r.record_title) {
            (Some("documento"), Some(t)) => format!("documento «{t}»"),
            (Some("verifica_requisiti"), _) => "verifica dei requisiti".to_string(),
            (Some("analisi"), _) => "analisi preliminare".to_string(),
            (Some("inserimento"), _) => "inserimento in alloggio".to_string(),
            (Some("lista_attesa"), _) => "lista d'attesa degli alloggi".to_string(),
            (Some("iscrizione_intervento"), _) => "iscrizione a un intervento".to_string(),
            (Some(k), _) => k.to_string(),
            (None, _) => String::new(),
        };
        AccessRow {
            seq: r.seq,
            at: r.at,
            operator_id: r.operator_id,
            username: r.username,
            operator_name: r.operator_name,
            role: r.role,
            role_label: r.role.label().to_string(),
            action: r.action,
            action_label,
            refused: r.detail.as_deref() == Some(super::access::REFUSED),
            detail: r.detail.clone().filter(|d| d != super::access::REFUSED),
            record_id: r.record_id,
            record_kind: r.record_kind,
            record,
            device: r.device,
            local: r.local,
        }
    }
}

/// The history of the case `household`, without the row of the look being
/// made now (the history is of the others, and of the earlier looks).
pub(super) fn history(tx: &Tx<'_>, household: Id, this_look: Action) -> Result<Vec<AccessRow>, Error> {
    let mut rows = tx.case_audit_rows(household)?;
    // This look is the last row written here (a device's row may come after
    // it in time, with a clock ahead).
    if let Some(i) = rows.iter().rposition(|r| r.local) {
        if rows[i].action == this_look.as_str() {
            rows.remove(i);
        }
    }
    Ok(rows.into_iter().map(AccessRow::from_row).collect())
}

/// "20/11/2026 10:31" in the computer's time zone (what the office reads).
pub fn local_time(at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(t) => t.with_timezone(&chrono::Local).format("%d/%m/%Y %H:%M").to_string(),
        Err(_) => at.to_string(),
    }
}

impl Service {
    /// The access history of a case, oldest first: every audit row about the
    /// household or a record of it (analysis, project, documents, eligibility
    /// checks), with who (account, name, role), when, what and on which
    /// record. `case` may be the household or one of its records.
    pub fn audit_history(&self, case: Id) -> Result<Vec<AccessRow>, Error> {
        self.run(Action::AuditHistory, Some(case), |tx, _| {
            let household = tx.household_of_record(case)?.ok_or_else(|| not_found("Nucleo"))?;
            history(tx, household, Action::AuditHistory)
        })
    }

    /// As [`Service::audit_history`], the case named by its number
    /// (`2026/000123`): for the command line. The role is checked before the
    /// lookup, so that whoever may not look learns nothing from it.
    pub fn audit_history_case(&self, case_number: &str) -> Result<Vec<AccessRow>, Error> {
        self.authorize(Action::AuditHistory)?;
        let case = crate::domain::CaseNumber::parse(case_number.trim()).ok_or_else(|| {
            Error::invalid("household", format!("«{case_number}» non è un numero di fascicolo (AAAA/NNNNNN)"))
        })?;
        let id = self
            .store
            .transaction(|tx| tx.household_by_case_number(&case.to_string()))?
            .ok_or_else(|| not_found("Fascicolo"))?;
        self.audit_history(id)
    }

    /// Prints the case's access history ("Registro degli accessi al fascicolo
    /// 2026/000123") and files it among the case's documents.
    pub fn audit_history_print(&self, household_id: Id) -> Result<crate::domain::Document, Error> {
        let today = self.today();
        self.run(Action::AuditHistoryPrint, Some(household_id), |tx, stamp| {
            let household = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            super::printing::require_final_number(&household)?;
            let rows = history(tx, household_id, Action::AuditHistoryPrint)?;
            let office = office(tx)?;
            let log = AccessLog {
                office: printed_office(&office)?,
                comune_name: self.calendar_of(&office.comune).ok().map(|c| c.nome),
                case_number: household.case_number.clone(),
                household_name: household.name(),
                issued_on: today,
                rows: rows
                    .iter()
                    .map(|r| AccessLogRow {
                        when: local_time(&r.at),
                        operator: if r.local {
                            format!("{} ({})", r.operator_name, r.username)
                        } else {
                            format!("{} ({}) — dispositivo «{}»", r.operator_name, r.username, r.device)
                        },
                        role: r.role_label.clone(),
                        action: if r.refused {
                            format!("{} — RIFIUTATO", r.action_label)
                        } else {
                            r.action_label.clone()
                        },
                        record: r.record.clone(),
                        detail: r.detail.clone(),
                    })
                    .collect(),
                operator: self.operator.name.clone(),
            };
            let bytes = access_log::render(&log).map_err(|e| Error {
                message: format!("Impossibile stampare il registro: {}", e.message),
                ..e
            })?;
            let title = format!("{} (al {})", log.title(), format_it(today));
            self.document_store(tx, stamp, household_id, DocumentKind::RegistroAccessi, &title, &bytes)
        })
    }
}

/// A person in a case the exposure list names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExposedPerson {
    pub name: String,
    pub codice_fiscale: String,
}

/// One case an account or device opened in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExposedCase {
    pub household_id: Id,
    pub case_number: String,
    pub people: Vec<ExposedPerson>,
    pub accesses: u64,
    /// UTC, as the access history.
    pub first_at: String,
    pub last_at: String,
}

/// The list for the DPO's assessment of a breach (GDPR art. 33-34).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exposure {
    pub operator: Option<String>,
    pub device: Option<String>,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    /// Searches made in the period: they show names without opening a file,
    /// and which names they showed is not recorded.
    pub searches: u64,
    pub cases: Vec<ExposedCase>,
    /// How many people in all (each household's members).
    pub people: usize,
}

impl Service {
    /// The people whose files an account (by username) or a device (by its
    /// name in the access history) opened between `from` and `to` (whole
    /// days, UTC, both included), for the DPO's assessment of a breach:
    /// every case with its members, how many accesses, first and last.
    /// Coordinators and administrators; the look is itself recorded.
    pub fn access_exposure(
        &self,
        operator: Option<&str>,
        device: Option<&str>,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Exposure, Error> {
        let operator = operator.map(str::trim).filter(|s| !s.is_empty());
        let device = device.map(str::trim).filter(|s| !s.is_empty());
        if operator.is_none() && device.is_none() {
            return Err(Error::invalid("operator", "Indicare l'account o il dispositivo"));
        }
        if to < from {
            return Err(Error::invalid("to", "La fine del periodo precede l'inizio"));
        }
        self.run(Action::AccessExposure, None, |tx, _| {
            let operator_id = match operator {
                Some(u) => Some(
                    tx.operator_by_username_any(u)?
                        .map(|(o, _)| o.id)
                        .ok_or_else(|| Error::invalid("operator", format!("Nessun account «{u}»")))?,
                ),
                None => None,
            };
            let day = |d: chrono::NaiveDate| format!("{}T00:00:00", d.format("%Y-%m-%d"));
            let q = crate::storage::ExposureQuery {
                operator: operator_id,
                device: device.map(str::to_string),
                from: day(from),
                to: day(to.succ_opt().unwrap_or(to)),
                refused: super::access::REFUSED.to_string(),
            };
            let mut cases = Vec::new();
            for c in tx.case_exposure(&q)? {
                let Some(h) = tx.household_get(c.household_id)? else { continue };
                cases.push(ExposedCase {
                    household_id: c.household_id,
                    case_number: h.case_number.clone(),
                    people: h
                        .members
                        .iter()
                        .map(|m| ExposedPerson {
                            name: format!("{} {}", m.first_name, m.last_name),
                            codice_fiscale: m.codice_fiscale.to_string(),
                        })
                        .collect(),
                    accesses: c.accesses,
                    first_at: c.first_at,
                    last_at: c.last_at,
                });
            }
            Ok(Exposure {
                operator: operator.map(str::to_string),
                device: device.map(str::to_string),
                from,
                to,
                searches: tx.searches_in(&q)?,
                people: cases.iter().map(|c| c.people.len()).sum(),
                cases,
            })
        })
    }
}
