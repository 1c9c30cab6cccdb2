//! Retention and erasure (issue 16 item 4): the coordinatore's list of the
//! cases past their term under the retention schedule, the erasure of one
//! (confirmed by typing its case number) with its verbale, and the ledger
//! of erasures beside the database that a restore of an older backup
//! re-applies.
//!
//! The ledger (`<database>.cancellazioni`): one line per erasure with ids,
//! dates and the schedule's entry, no personal data (the case's id is a
//! random UUID, which names no one once the case is gone). It sits beside
//! the database, like the keys file, because a restore replaces the
//! database file only: the next opening (`Service::with_store`, before the
//! day's backup) erases again every case of the ledger that the restored
//! copy still holds.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::{office, timestamp, Action, Service};
use crate::catalog::rule_sets;
use crate::domain::{Id, StrEnum};
use crate::error::{Code, Error};
use crate::rules::retention::{self, RecordKind, Schedule};
use crate::storage::retention::{CaseClosing, ErasureRow};
use crate::storage::{Storage, Tx};

/// The answer of `retention_due`.
#[derive(Debug, Serialize)]
pub struct RetentionDue {
    pub schedule: Schedule,
    /// Cases past their term, oldest term first.
    pub due: Vec<DueCase>,
    /// Cases past their term that are not erased now, with why.
    pub held: Vec<HeldCase>,
    /// What is not a case, past its term: calls' applications, rankings
    /// and reimbursement files, the access log (service::retention_records).
    pub records: Vec<super::retention_records::DueRecord>,
}

#[derive(Debug, Serialize)]
pub struct DueCase {
    pub household_id: Id,
    pub case_number: String,
    pub last_activity: NaiveDate,
    pub kept_until: NaiveDate,
    pub entry: String,
}

#[derive(Debug, Serialize)]
pub struct HeldCase {
    pub household_id: Id,
    pub case_number: String,
    pub kept_until: NaiveDate,
    /// `inserimento_aperto` | `limitato`.
    pub reason: &'static str,
}

/// The verbale of an erasure, as the screen and the command line show it.
#[derive(Debug, Serialize)]
pub struct ErasureReport {
    pub id: Id,
    /// `cancellazione` | `anonimizzazione`.
    pub mode: String,
    pub household_id: Id,
    pub case_number: String,
    pub record_kind: String,
    pub schedule_id: String,
    pub schedule_version: u32,
    pub schedule_entry: String,
    pub closed_on: String,
    pub kept_until: String,
    pub decided_on: String,
    pub at: String,
    pub by: Id,
    pub by_name: Option<String>,
    /// (kind of record, how many), never the records.
    pub counts: Vec<ErasureCount>,
    /// How many automatic backups are kept: the last one holding the case
    /// leaves the rotation after that many more daily backups.
    pub backups_kept: usize,
    /// The earliest day the last automatic backup holding the case leaves
    /// the rotation (one backup a day of use).
    pub backups_clean_from: Option<NaiveDate>,
}

#[derive(Debug, Serialize)]
pub struct ErasureCount {
    pub what: String,
    pub count: u64,
}

/// The ledger beside `database`.
pub fn ledger_path(database: &Path) -> PathBuf {
    let mut name = database.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".cancellazioni");
    database.with_file_name(name)
}

const LEDGER_FIELDS: usize = 13;

fn ledger_line(r: &ErasureRow) -> Vec<String> {
    vec![
        r.id.to_string(),
        r.household_id.to_string(),
        r.case_number.clone(),
        r.record_kind.clone(),
        r.schedule_id.clone(),
        r.schedule_version.to_string(),
        r.schedule_entry.clone(),
        r.closed_on.clone(),
        r.kept_until.clone(),
        r.decided_on.clone(),
        r.at.clone(),
        r.by.to_string(),
        r.mode.clone(),
    ]
}

fn ledger_read(database: &Path) -> Result<Vec<ErasureRow>, Error> {
    let path = ledger_path(database);
    let mut rows = Vec::new();
    for (n, f) in super::ledger::read(&path, LEDGER_FIELDS)? {
        let bad = || super::ledger::bad_line(&path, n);
        let id = |s: &str| s.parse::<Id>().map_err(|_| bad());
        rows.push(ErasureRow {
            id: id(&f[0])?,
            household_id: id(&f[1])?,
            case_number: f[2].clone(),
            record_kind: f[3].clone(),
            schedule_id: f[4].clone(),
            schedule_version: f[5].parse().map_err(|_| bad())?,
            schedule_entry: f[6].clone(),
            closed_on: f[7].clone(),
            kept_until: f[8].clone(),
            decided_on: f[9].clone(),
            at: f[10].clone(),
            by: id(&f[11])?,
            mode: f[12].clone(),
            counts: Vec::new(),
        });
    }
    Ok(rows)
}

/// Appends the erasure to the ledger.
fn ledger_append(database: &Path, r: &ErasureRow) -> Result<(), Error> {
    super::ledger::append(&ledger_path(database), &ledger_line(r))
}

/// At every opening: the erasures of the ledger that this database does
/// not reflect (it was restored from a backup taken before them) are
/// applied again. Returns the cases erased again.
pub(super) fn reapply_ledger(store: &Storage, database: &Path) -> Result<Vec<Id>, Error> {
    // The erasures of calls' records too (their own ledger).
    super::retention_records::reapply_ledger(store, database)?;
    let rows = ledger_read(database)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    store.reapply_erasures(&rows)
}

/// What a table of a case is, in words (the verbale's PDF; the screen has
/// the same words in ui/js/i18n.js, `retention.what`).
fn what_label(what: &str) -> &str {
    match what {
        "households" => "nucleo",
        "members" => "componenti",
        "analyses" => "analisi preliminari",
        "analysis_participants" => "partecipanti alle analisi",
        "analysis_areas" => "aree delle analisi",
        "analysis_employability" => "schede di occupabilità",
        "quadri" => "quadri di analisi",
        "quadro_equipe" => "componenti delle équipe",
        "quadro_participants" => "partecipanti ai quadri di analisi",
        "quadro_areas" => "aree dei quadri di analisi",
        "quadro_priorities" => "priorità concordate",
        "projects" => "progetti",
        "project_texts" => "testi dei progetti",
        "commitments" => "impegni",
        "commitment_others" => "impegni di altri",
        "supports" => "sostegni",
        "meetings" => "incontri",
        "signatures" => "firme",
        "signature_annulments" => "annullamenti di firme",
        "documents" => "documenti",
        "eligibility_facts" => "dati dei requisiti",
        "eligibility_checks" => "verifiche dei requisiti",
        "eligibility_answers" => "esiti delle verifiche",
        "conflict_resolutions" => "scelte sui conflitti",
        "housing_waiting" => "iscrizioni in lista d'attesa",
        "housing_stays" => "inserimenti in alloggio",
        "call_applications_links" => "domande scollegate dal fascicolo",
        "project_versions" => "versioni precedenti dei progetti",
        "project_version_texts" => "testi delle versioni precedenti",
        "project_version_commitments" => "impegni delle versioni precedenti",
        "project_version_supports" => "sostegni delle versioni precedenti",
        "project_version_signatures" => "firme delle versioni precedenti",
        "monitoring_meetings" => "incontri di monitoraggio",
        "monitoring_participants" => "partecipanti ai monitoraggi",
        "monitoring_progress" => "avanzamenti degli impegni",
        "monitoring_annulments" => "annullamenti di monitoraggi",
        "project_closures" => "chiusure dei progetti",
        "closure_outcomes" => "esiti delle chiusure",
        "enrolments" => "iscrizioni a interventi",
        "informativa_deliveries" => "consegne dell'informativa",
        other => other,
    }
}

fn iso(field: &str, s: &str) -> Result<NaiveDate, Error> {
    crate::dates::parse_iso(field, s.get(..10).unwrap_or(s))
}

/// The cases past their term on `today` (see [`Service::retention_due`]).
fn due_on(tx: &Tx<'_>, today: NaiveDate) -> Result<RetentionDue, Error> {
    {
        let comune = office(tx)?.comune;
        let schedule = retention::schedule(rule_sets::builtin(), &comune, today)?;
        let closings: Vec<CaseClosing> = tx.case_closings()?;
        let mut records = Vec::new();
        for c in &closings {
            records.push(retention::Record {
                kind: RecordKind::Fascicolo,
                id: c.household_id.to_string(),
                closed_on: iso("last_activity", &c.last_activity)?,
            });
        }
        let due = retention::past_term_under(&records, &schedule, today);
        let (mut out, mut held) = (Vec::new(), Vec::new());
        for d in due {
            let c = closings
                .iter()
                .find(|c| c.household_id.to_string() == d.record.id)
                .ok_or_else(|| Error::new(Code::Internal, "fascicolo perso nell'elenco"))?;
            let reason = if c.restricted {
                Some("limitato")
            } else if c.open_stay {
                Some("inserimento_aperto")
            } else {
                None
            };
            match reason {
                Some(reason) => held.push(HeldCase {
                    household_id: c.household_id,
                    case_number: c.case_number.clone(),
                    kept_until: d.kept_until,
                    reason,
                }),
                None => out.push(DueCase {
                    household_id: c.household_id,
                    case_number: c.case_number.clone(),
                    last_activity: d.record.closed_on,
                    kept_until: d.kept_until,
                    entry: d.term.entry.clone(),
                }),
            }
        }
        let records = super::retention_records::records_due(tx, &schedule, today)?;
        Ok(RetentionDue { schedule, due: out, held, records })
    }
}

impl Service {
    /// The cases past their term today under the schedule in force today.
    pub fn retention_due(&self) -> Result<RetentionDue, Error> {
        let today = self.today();
        self.run(Action::RetentionDue, None, |tx, _| due_on(tx, today))
    }

    /// Erases a case past its term, everywhere (storage::retention): the
    /// coordinatore confirms by typing the case number. The verbale is kept
    /// and the ledger beside the database gets its line.
    pub fn retention_erase(
        &self,
        household_id: Id,
        mode: &str,
        confirm: &str,
    ) -> Result<ErasureReport, Error> {
        // The role first: an operatore learns nothing of which cases are due.
        self.authorize(Action::RetentionErase)?;
        if !matches!(mode, "cancellazione" | "anonimizzazione") {
            return Err(Error::invalid("mode", "Scegliere «cancellazione» o «anonimizzazione»"));
        }
        let today = self.today();
        // The same list the coordinatore saw (its reading is audited by
        // `retention_due`; this check is part of the erasure's own row).
        let due = self.store.transaction(|tx| due_on(tx, today))?;
        let case = due.due.iter().find(|c| c.household_id == household_id).ok_or_else(|| {
            let why = match due.held.iter().find(|c| c.household_id == household_id) {
                Some(h) if h.reason == "limitato" => {
                    "Il trattamento di questo fascicolo è limitato (art. 18 GDPR): non si cancella finché la limitazione è in corso"
                }
                Some(_) => "Questo fascicolo ha un inserimento in alloggio ancora aperto: non è chiuso",
                None => "Questo fascicolo non ha superato il tempo di conservazione (o non esiste)",
            };
            Error::new(Code::Conflict, why).with_field("household_id")
        })?;
        if confirm.trim() != case.case_number {
            return Err(Error::invalid(
                "confirm",
                format!(
                    "Per confermare la cancellazione scrivere il numero del fascicolo «{}»",
                    case.case_number
                ),
            ));
        }
        let at = timestamp(self.clock);
        let row = ErasureRow {
            id: Id::new(),
            mode: mode.into(),
            household_id,
            case_number: case.case_number.clone(),
            record_kind: RecordKind::Fascicolo.as_str().into(),
            schedule_id: due.schedule.rule_set.id.clone(),
            schedule_version: due.schedule.rule_set.version,
            schedule_entry: case.entry.clone(),
            closed_on: case.last_activity.to_string(),
            kept_until: case.kept_until.to_string(),
            decided_on: today.to_string(),
            at,
            by: self.operator.id,
            counts: Vec::new(),
        };
        let detail = format!("verbale {}; {}; {}", row.id, row.mode, row.schedule_entry);
        let row = self.store.erase_case(
            row,
            |tx| {
                Ok(match self.gate(tx, Action::RetentionErase, None)? {
                    Ok((stamp, _)) => Ok(stamp),
                    Err(refused) => Err(refused),
                })
            },
            |tx, stamp, _| {
                tx.audit_append(stamp, Action::RetentionErase.as_str(), Some(household_id), Some(&detail))
            },
        )?;
        if let Some(db) = self.store.path() {
            ledger_append(db, &row)?;
        }
        self.report_of(row)
    }

    /// The verbali of the erasures, newest first.
    pub fn retention_reports(&self) -> Result<Vec<ErasureReport>, Error> {
        self.run(Action::RetentionReports, None, |_, _| Ok(()))?;
        self.store.erasures()?.into_iter().map(|r| self.report_of(r)).collect()
    }

    /// The verbale as a PDF, in the viewing area for the system's program.
    pub fn retention_report_print(&self, id: Id) -> Result<super::calls::Exported, Error> {
        self.authorize(Action::RetentionReportPrint)?;
        let today = self.today();
        let report = self
            .store
            .erasures()?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| Error::new(Code::NotFound, "Verbale non trovato").with_field("id"))?;
        let report = self.report_of(report)?;
        self.run(Action::RetentionReportPrint, None, |tx, _| {
            let o = office(tx)?;
            let schedule = retention::schedule(rule_sets::builtin(), &o.comune, iso("decided_on", &report.decided_on)?).ok();
            let entry = match schedule.as_ref().and_then(|s| s.terms.iter().find(|t| t.entry == report.schedule_entry)) {
                Some(t) => format!("{} — {} anni — {}", report.schedule_entry, t.years, t.act.title),
                None => report.schedule_entry.clone(),
            };
            let v = crate::print::erasure::ErasureVerbale {
                office: super::printing::printed_office(&o)?,
                comune_name: self.calendar_of(&o.comune).ok().map(|c| c.nome),
                anonymised: report.mode == "anonimizzazione",
                case_number: report.case_number.clone(),
                schedule: match &schedule {
                    Some(s) => format!("{} ({}, versione {})", s.rule_set_title, report.schedule_id, report.schedule_version),
                    None => format!("{}, versione {}", report.schedule_id, report.schedule_version),
                },
                entry,
                closed_on: iso("closed_on", &report.closed_on)?,
                kept_until: iso("kept_until", &report.kept_until)?,
                decided_on: iso("decided_on", &report.decided_on)?,
                at: super::history::local_time(&report.at),
                by: report.by_name.clone().unwrap_or_else(|| report.by.to_string()),
                counts: report.counts.iter().map(|c| (what_label(&c.what).to_string(), c.count)).collect(),
                backups: match report.backups_clean_from {
                    Some(d) => format!(
                        "le copie automatiche precedenti contengono ancora il fascicolo; ne sono tenute {}, una al giorno \
                         di apertura: dal {} al più presto nessuna lo contiene più. Un ripristino di una copia \
                         precedente ripete la cancellazione (registro delle cancellazioni accanto al database).",
                        report.backups_kept,
                        crate::dates::format_it(d)
                    ),
                    None => "nessuna copia automatica è conservata.".into(),
                },
                issued_on: today,
                operator: self.operator.name.clone(),
            };
            let bytes = crate::print::erasure::render(&v)?;
            let file_name = format!("verbale-{}-{}.pdf", report.mode, report.case_number.replace('/', "-"));
            let path = self.viewing.write(&file_name, &bytes)?;
            Ok(super::calls::Exported { path: path.display().to_string(), file_name })
        })
    }

    fn report_of(&self, r: ErasureRow) -> Result<ErasureReport, Error> {
        let backups_kept = match self.store.path() {
            Some(db) => crate::storage::backup::BackupPolicy::from_env(db)?.keep,
            None => 0,
        };
        let decided = iso("decided_on", &r.decided_on)?;
        let by_name = self.store.transaction(|tx| Ok(tx.operator_get(r.by)?.map(|o| o.name)))?;
        Ok(ErasureReport {
            id: r.id,
            mode: r.mode,
            household_id: r.household_id,
            case_number: r.case_number,
            record_kind: r.record_kind,
            schedule_id: r.schedule_id,
            schedule_version: r.schedule_version,
            schedule_entry: r.schedule_entry,
            closed_on: r.closed_on,
            kept_until: r.kept_until,
            decided_on: r.decided_on,
            at: r.at,
            by: r.by,
            by_name,
            counts: r.counts.into_iter().map(|(what, count)| ErasureCount { what, count }).collect(),
            backups_kept,
            backups_clean_from: (backups_kept > 0)
                .then(|| decided + chrono::Duration::days(backups_kept as i64)),
        })
    }
}
