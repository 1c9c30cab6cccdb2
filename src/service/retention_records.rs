//! Retention of what is not a case (issue 16 item 4): a call's applications,
//! its published rankings, its reimbursement file, and the access log's
//! oldest rows, past their term under the retention schedule, listed for the
//! coordinatore beside the cases (`retention_due`'s `records`), erased — a
//! ranking anonymised — when the coordinatore approves a call's whole batch
//! of one kind, confirmed by typing the call's title (the access log: the
//! day of the cut, gg/mm/aaaa), with a verbale naming no one.
//!
//! The ledger beside the database (`<database>.cancellazioni-atti`), like
//! the cases' one: a restore of an older backup applies again the erasures
//! of calls' records (the access log's cuts are not repeated: the restored
//! log is whole with its chain, and its old rows are listed again).

use std::path::{Path, PathBuf};

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::retention::ErasureCount;
use super::{office, timestamp, Action, Service};
use crate::catalog::rule_sets;
use crate::domain::{Id, StrEnum};
use crate::error::{Code, Error};
use crate::rules::retention::{self, RecordKind, Schedule};
use crate::storage::retention_records::RecordErasureRow;
use crate::storage::{Storage, Tx};

/// A batch of records past its term (one call and kind, or the access log).
#[derive(Debug, Serialize)]
pub struct DueRecord {
    pub kind: RecordKind,
    /// The call (None: the access log).
    pub call_id: Option<Id>,
    /// The call's title, or «registro degli accessi».
    pub subject: String,
    /// How many records go (applications, published versions, awards, rows).
    pub count: u64,
    /// Applications kept with their reimbursement file (`domanda`).
    pub held: u64,
    /// The day the term started running.
    pub closed_on: NaiveDate,
    pub kept_until: NaiveDate,
    /// The schedule's entry and its act.
    pub entry: String,
    pub act: String,
    /// `cancellazione` | `anonimizzazione` (a published ranking).
    pub mode: &'static str,
    /// What the coordinatore types to confirm.
    pub confirm: String,
    /// The access log: the rows of the days before this one go.
    pub before_day: Option<NaiveDate>,
}

/// The verbale of an erasure of records.
#[derive(Debug, Serialize)]
pub struct RecordErasureReport {
    pub id: Id,
    pub record_kind: String,
    pub mode: String,
    pub call_id: Option<Id>,
    pub subject: String,
    pub schedule_id: String,
    pub schedule_version: u32,
    pub schedule_entry: String,
    pub closed_on: String,
    pub kept_until: String,
    pub decided_on: String,
    pub at: String,
    pub by: Id,
    pub by_name: Option<String>,
    pub counts: Vec<ErasureCount>,
    pub backups_kept: usize,
    pub backups_clean_from: Option<NaiveDate>,
}

const LOG_SUBJECT: &str = "registro degli accessi";

/// The batches past their term on `today` under `schedule`.
pub(super) fn records_due(
    tx: &Tx<'_>,
    schedule: &Schedule,
    today: NaiveDate,
) -> Result<Vec<DueRecord>, Error> {
    let iso = |s: &str| crate::dates::parse_iso("closed_on", s.get(..10).unwrap_or(s));
    let mut out = Vec::new();
    for c in tx.record_closings()? {
        let kind =
            RecordKind::parse(c.kind).ok_or_else(|| Error::new(Code::Internal, "tipo non previsto"))?;
        let closed_on = iso(&c.closed_on)?;
        let kept_until = schedule.kept_until(kind, closed_on);
        if today <= kept_until || c.count == 0 {
            continue;
        }
        let term = schedule.term(kind);
        out.push(DueRecord {
            kind,
            call_id: Some(c.call_id),
            subject: c.call_title.clone(),
            count: c.count,
            held: c.held,
            closed_on,
            kept_until,
            entry: term.entry.clone(),
            act: term.act.title.clone(),
            mode: if kind == RecordKind::Graduatoria { "anonimizzazione" } else { "cancellazione" },
            confirm: c.call_title,
            before_day: None,
        });
    }
    if let Some(oldest) = tx.access_log_oldest()? {
        let kind = RecordKind::RegistroAccessi;
        let closed_on = iso(&oldest)?;
        let kept_until = schedule.kept_until(kind, closed_on);
        let term = schedule.term(kind);
        // The rows of a day D are past their term when D + term < today:
        // those of the days before today − term.
        let before = today.checked_sub_months(Months::new(term.years * 12)).unwrap_or(NaiveDate::MIN);
        let count = tx.access_log_before(&before.to_string())?;
        if today > kept_until && count > 0 {
            out.push(DueRecord {
                kind,
                call_id: None,
                subject: LOG_SUBJECT.into(),
                count,
                held: 0,
                closed_on,
                kept_until,
                entry: term.entry.clone(),
                act: term.act.title.clone(),
                mode: "cancellazione",
                confirm: crate::dates::format_it(before),
                before_day: Some(before),
            });
        }
    }
    out.sort_by(|a, b| (a.kept_until, a.kind, &a.subject).cmp(&(b.kept_until, b.kind, &b.subject)));
    Ok(out)
}

/// The ledger beside `database`.
pub fn ledger_path(database: &Path) -> PathBuf {
    let mut name = database.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".cancellazioni-atti");
    database.with_file_name(name)
}

const LEDGER_FIELDS: usize = 13;

fn ledger_line(r: &RecordErasureRow) -> Vec<String> {
    vec![
        r.id.to_string(),
        r.record_kind.clone(),
        r.mode.clone(),
        r.call_id.map(|c| c.to_string()).unwrap_or_default(),
        // A title never holds a tab or a newline on this line.
        r.subject.replace(['\t', '\n', '\r'], " "),
        r.schedule_id.clone(),
        r.schedule_version.to_string(),
        r.schedule_entry.clone(),
        r.closed_on.clone(),
        r.kept_until.clone(),
        r.decided_on.clone(),
        r.at.clone(),
        r.by.to_string(),
    ]
}

fn ledger_read(database: &Path) -> Result<Vec<RecordErasureRow>, Error> {
    let path = ledger_path(database);
    let mut rows = Vec::new();
    for (n, f) in super::ledger::read(&path, LEDGER_FIELDS)? {
        let bad = || super::ledger::bad_line(&path, n);
        let id = |s: &str| s.parse::<Id>().map_err(|_| bad());
        rows.push(RecordErasureRow {
            id: id(&f[0])?,
            record_kind: f[1].clone(),
            mode: f[2].clone(),
            call_id: if f[3].is_empty() { None } else { Some(id(&f[3])?) },
            subject: f[4].clone(),
            schedule_id: f[5].clone(),
            schedule_version: f[6].parse().map_err(|_| bad())?,
            schedule_entry: f[7].clone(),
            closed_on: f[8].clone(),
            kept_until: f[9].clone(),
            decided_on: f[10].clone(),
            at: f[11].clone(),
            by: id(&f[12])?,
            counts: Vec::new(),
        });
    }
    Ok(rows)
}

fn ledger_append(database: &Path, r: &RecordErasureRow) -> Result<(), Error> {
    super::ledger::append(&ledger_path(database), &ledger_line(r))
}

/// At every opening (with the cases' ledger): the erasures of calls'
/// records that this database does not reflect are applied again.
pub(super) fn reapply_ledger(store: &Storage, database: &Path) -> Result<usize, Error> {
    let rows = ledger_read(database)?;
    if rows.is_empty() {
        return Ok(0);
    }
    store.reapply_record_erasures(&rows)
}

/// What a table is, in words (the verbale's PDF; the screen has the same
/// words in ui/js/i18n.js, `retention.what`).
fn what_label(what: &str) -> &str {
    match what {
        "call_applications" => "domande",
        "appeals" => "ricorsi",
        "ranking_explanations" => "spiegazioni dei punteggi delle versioni pubblicate",
        "call_applications_links" => "collegamenti delle domande ai fascicoli",
        "awards" => "assegnazioni (con IBAN e intestatari)",
        "reimbursement_claims" => "richieste di rimborso",
        "reimbursement_documents" => "documenti di spesa",
        "liquidations" => "elenchi di liquidazione",
        "liquidation_items" => "righe degli elenchi di liquidazione",
        "audit_log" => "righe del registro degli accessi",
        other => other,
    }
}

impl Service {
    /// Erases (a ranking: anonymises) a batch past its term: the call's
    /// records of `kind`, or the access log's oldest rows. The coordinatore
    /// confirms by typing what the list shows (`DueRecord::confirm`).
    pub fn retention_erase_records(
        &self,
        kind: &str,
        call_id: Option<Id>,
        confirm: &str,
    ) -> Result<RecordErasureReport, Error> {
        self.authorize(Action::RetentionEraseRecords)?;
        let kind = RecordKind::parse(kind)
            .filter(|k| *k != RecordKind::Fascicolo && *k != RecordKind::Inserimento)
            .ok_or_else(|| Error::invalid("kind", "Tipo di dati non previsto"))?;
        let today = self.today();
        let (schedule, due) = self.store.transaction(|tx| {
            let comune = office(tx)?.comune;
            let schedule = retention::schedule(rule_sets::builtin(), &comune, today)?;
            let due = records_due(tx, &schedule, today)?;
            Ok((schedule, due))
        })?;
        let batch = due.into_iter().find(|d| d.kind == kind && d.call_id == call_id).ok_or_else(|| {
            Error::new(
                Code::Conflict,
                "Questi dati non hanno superato il tempo di conservazione (o non ci sono più)",
            )
            .with_field("call_id")
        })?;
        if confirm.trim() != batch.confirm.trim() {
            return Err(Error::invalid("confirm", format!("Per confermare scrivere «{}»", batch.confirm)));
        }
        let row = RecordErasureRow {
            id: Id::new(),
            record_kind: kind.as_str().into(),
            mode: batch.mode.into(),
            call_id,
            subject: batch.subject.clone(),
            schedule_id: schedule.rule_set.id.clone(),
            schedule_version: schedule.rule_set.version,
            schedule_entry: batch.entry.clone(),
            closed_on: batch.closed_on.to_string(),
            kept_until: batch.kept_until.to_string(),
            decided_on: today.to_string(),
            at: timestamp(self.clock),
            by: self.operator.id,
            counts: Vec::new(),
        };
        let before = batch.before_day.map(|d| d.to_string());
        let row = self.store.erase_records(
            row,
            before.as_deref(),
            |tx| {
                Ok(match self.gate(tx, Action::RetentionEraseRecords, None)? {
                    Ok((stamp, _)) => Ok(stamp),
                    Err(refused) => Err(refused),
                })
            },
            |tx, stamp, row, token| {
                let mut detail =
                    format!("verbale {}; {}; {}; {}", row.id, row.record_kind, row.mode, row.schedule_entry);
                if let Some(t) = token {
                    detail.push_str("; ");
                    detail.push_str(&t);
                }
                tx.audit_append(stamp, Action::RetentionEraseRecords.as_str(), call_id, Some(&detail))
            },
        )?;
        if let Some(db) = self.store.path() {
            ledger_append(db, &row)?;
        }
        self.record_report_of(row)
    }

    /// The verbali of the erasures of records, newest first.
    pub fn retention_record_reports(&self) -> Result<Vec<RecordErasureReport>, Error> {
        self.run(Action::RetentionRecordReports, None, |_, _| Ok(()))?;
        self.store.record_erasures()?.into_iter().map(|r| self.record_report_of(r)).collect()
    }

    /// The verbale as a PDF, in the viewing area for the system's program.
    pub fn retention_record_report_print(&self, id: Id) -> Result<super::calls::Exported, Error> {
        self.authorize(Action::RetentionRecordReportPrint)?;
        let today = self.today();
        let report = self
            .store
            .record_erasures()?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| Error::new(Code::NotFound, "Verbale non trovato").with_field("id"))?;
        let report = self.record_report_of(report)?;
        let iso = |f: &str, s: &str| crate::dates::parse_iso(f, s.get(..10).unwrap_or(s));
        self.run(Action::RetentionRecordReportPrint, None, |tx, _| {
            let o = office(tx)?;
            let schedule = retention::schedule(rule_sets::builtin(), &o.comune, iso("decided_on", &report.decided_on)?).ok();
            let entry = match schedule.as_ref().and_then(|s| s.terms.iter().find(|t| t.entry == report.schedule_entry)) {
                Some(t) => format!("{} — {} anni — {}", report.schedule_entry, t.years, t.act.title),
                None => report.schedule_entry.clone(),
            };
            let kind = RecordKind::parse(&report.record_kind).map_or(report.record_kind.clone(), |k| k.italian().to_string());
            let v = crate::print::record_erasure::RecordErasureVerbale {
                office: super::printing::printed_office(&o)?,
                comune_name: self.calendar_of(&o.comune).ok().map(|c| c.nome),
                anonymised: report.mode == "anonimizzazione",
                kind,
                subject: report.subject.clone(),
                access_log: report.record_kind == RecordKind::RegistroAccessi.as_str(),
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
                        "le copie automatiche precedenti contengono ancora questi dati; ne sono tenute {}, una al giorno \
                         di apertura: dal {} al più presto nessuna li contiene più.",
                        report.backups_kept,
                        crate::dates::format_it(d)
                    ),
                    None => "nessuna copia automatica è conservata.".into(),
                },
                issued_on: today,
                operator: self.operator.name.clone(),
            };
            let bytes = crate::print::record_erasure::render(&v)?;
            let file_name = format!("verbale-{}-{}.pdf", report.mode, report.record_kind.replace('_', "-"));
            let path = self.viewing.write(&file_name, &bytes)?;
            Ok(super::calls::Exported { path: path.display().to_string(), file_name })
        })
    }

    fn record_report_of(&self, r: RecordErasureRow) -> Result<RecordErasureReport, Error> {
        let backups_kept = match self.store.path() {
            Some(db) => crate::storage::backup::BackupPolicy::from_env(db)?.keep,
            None => 0,
        };
        let decided = crate::dates::parse_iso("decided_on", &r.decided_on)?;
        let by_name = self.store.transaction(|tx| Ok(tx.operator_get(r.by)?.map(|o| o.name)))?;
        Ok(RecordErasureReport {
            id: r.id,
            record_kind: r.record_kind,
            mode: r.mode,
            call_id: r.call_id,
            subject: r.subject,
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
