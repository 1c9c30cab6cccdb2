//! Calls ("avvisi/bandi") of the Misura B2 as the office runs them in the app:
//! the call, its applications (typed in or imported from the CLI's CSV, all or
//! none), the draft ranking, publication (a frozen version with its public PDF),
//! appeals and the versions they produce.
//!
//! The decisions are the pure rules of `rules::appeals` and `rules::b2`: the
//! service loads the rows, rebuilds the rule-level [`Call`], applies one
//! operation and writes back what it added, in one transaction. So the app's
//! ranking is, by construction, the CLI's ranking of the same data.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::documents::{io_error, write_atomic};
use super::{not_found, Action, Service};
use crate::domain::{form, Id};
use crate::error::{Code, Error};
use crate::money::Money;
use crate::rules::appeals::{compare, Appeal, AppealOutcome, Call, Change, Decision, Status};
use crate::rules::applications::{self, application_from_cells, import_csv, Application, COLUMNS};
use crate::rules::b2::{self, Ranked, Ranking};
use crate::rules::rule_set::{Flag, RuleSet, RuleSetRef, RuleSets, TieBreak};
use crate::rules::trace::Trace;
use crate::rules::Reason;
use crate::storage::{ApplicationRow, CallRow, Tx, VersionRow};

/// The measures a call may run (the schema's CHECK says the same).
pub const MEASURES: [&str; 2] = ["b2-anziani", "b2-disabili"];

/// The call form as the UI sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CallInput {
    /// Absent for a new call.
    pub id: Option<String>,
    pub title: Option<String>,
    pub measure: Option<String>,
    pub rule_set: Option<String>,
    pub budget: Option<String>,
    /// Empty: the issuing office of the rule set.
    pub office: Option<String>,
}

/// One application as the form sends it: the CSV's columns by name, values as
/// text (booleans may be JSON booleans), plus the optional household link.
/// Validated exactly as a CSV row is.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApplicationInput {
    pub protocol: Option<Value>,
    pub submitted_on: Option<Value>,
    pub birth_date: Option<Value>,
    pub isee: Option<Value>,
    pub isee_expires_on: Option<Value>,
    pub resident: Option<Value>,
    pub continuation: Option<Value>,
    pub non_self_sufficient: Option<Value>,
    pub independent_living: Option<Value>,
    pub other_interventions: Option<Value>,
    pub amount: Option<Value>,
    pub household_id: Option<String>,
}

/// A call in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallSummary {
    pub id: Id,
    pub title: String,
    pub measure: String,
    pub measure_title: String,
    pub rule_set: RuleSetRef,
    pub budget: Money,
    pub office: String,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    pub applications: usize,
    /// Published versions (0: still a draft).
    pub versions: u32,
    pub published_on: Option<NaiveDate>,
    pub appeal_deadline: Option<NaiveDate>,
    pub pending_appeals: usize,
    pub created_at: String,
    pub updated_at: String,
}

/// A call with its applications and appeals, and what this operator may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallDetail {
    #[serde(flatten)]
    pub summary: CallSummary,
    pub applications: Vec<ApplicationRow>,
    pub appeals: Vec<Appeal>,
    /// Upheld appeals not yet in a published version: a new version is due.
    pub upheld_not_published: Vec<u32>,
    /// Applications can still be added or changed (nothing published yet).
    pub editable: bool,
    /// Publishing and deciding appeals belong to coordinatore/amministratore.
    pub can_publish: bool,
    pub can_decide: bool,
}

/// The refused rows of an import; nothing is saved unless the list is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportOutcome {
    pub saved: bool,
    pub rows_read: usize,
    pub imported: usize,
    pub refused: Vec<RefusedRow>,
    /// Italian, one line: what happened.
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedRow {
    pub line: Option<u64>,
    pub column: Option<String>,
    pub reason: String,
}

/// Points by criterion, as exact decimals in text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Points {
    pub continuation: String,
    pub isee: String,
    pub bonus: String,
}

/// One application in a ranking, as the screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankingRow {
    pub protocol: String,
    pub status: Status,
    pub status_label: String,
    pub position: Option<u32>,
    /// As published, 3 decimals.
    pub score: Option<String>,
    pub points: Option<Points>,
    /// Requested amount (the application's).
    pub requested: Option<Money>,
    /// Amount granted, funded only.
    pub amount: Option<Money>,
    /// With the same score as the one above: the key that decided, in Italian.
    pub tie_break: Option<String>,
    pub reasons: Vec<Reason>,
    /// The explanation, one line per condition, with act and parameter.
    pub explanation: Vec<String>,
    pub household_id: Option<Id>,
}

/// A ranking with its three lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankingView {
    pub rule_set: RuleSetRef,
    pub measure: String,
    pub budget: Money,
    pub allocated: Money,
    pub remaining: Money,
    pub funded: Vec<RankingRow>,
    pub admitted_not_funded: Vec<RankingRow>,
    pub not_admitted: Vec<RankingRow>,
    /// The rule-level ranking (what `sportello rank` computes).
    #[serde(skip)]
    pub ranking: Ranking,
}

/// A published version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionView {
    pub version: u32,
    pub published_on: NaiveDate,
    pub appeal_deadline: NaiveDate,
    pub deadline_office_closed: bool,
    /// Today is within the appeal window.
    pub appeal_open: bool,
    pub rule_set: RuleSetRef,
    pub upheld_appeals: Vec<u32>,
    pub changes: Vec<Change>,
    pub ranking: RankingView,
    pub pdf_file: String,
    pub pdf_path: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub from: u32,
    pub to: u32,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exported {
    pub path: String,
    pub file_name: String,
}

/// An appeal as filed at the desk.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AppealInput {
    pub call_id: Option<String>,
    pub protocol: Option<String>,
    pub filed_on: Option<String>,
    pub grounds: Option<String>,
    pub documents: Vec<Option<String>>,
}

/// The decision on an appeal. `corrected`: for an upheld appeal, the fields of
/// the application that change (the others keep their value).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AppealDecisionInput {
    pub call_id: Option<String>,
    pub appeal_id: Option<u32>,
    pub decided_on: Option<String>,
    /// `upheld` (accolto) or `rejected` (respinto).
    pub outcome: Option<String>,
    pub note: Option<String>,
    pub corrected: Option<ApplicationInput>,
}

/// Everything stored for a call, rebuilt into the rule-level [`Call`].
struct Loaded {
    row: CallRow,
    apps: Vec<ApplicationRow>,
    versions: Vec<VersionRow>,
    call: Call,
}

fn load_rules() -> Result<RuleSets, Error> {
    crate::catalog::rule_sets::load(crate::catalog::rule_sets::data_dir_from_env().as_deref())
        .map_err(Error::from)
}

/// The yes/no columns a measure relies on: these must say true or false (as in
/// `sportello rank`).
fn used_flags(set: &RuleSet, measure: &str) -> Result<Vec<Flag>, Error> {
    let b2 = set
        .b2()
        .ok_or_else(|| Error::invalid("rule_set", format!("«{}» non è un insieme di regole B2", set.id)))?;
    let m = b2.measure(measure)?;
    let mut used = m.bonus.value.requires.clone();
    if m.tie_breaks.value.contains(&TieBreak::WithoutOtherInterventions) {
        used.push(Flag::OtherInterventions);
    }
    Ok(used)
}

fn load(tx: &Tx<'_>, id: Id) -> Result<Loaded, Error> {
    let row = tx.call_get(id)?.ok_or_else(|| not_found("Avviso"))?;
    let apps = tx.call_applications(id)?;
    let versions = tx.versions_of_call(id)?;
    let appeals = tx.appeals_of_call(id)?;
    let value = json!({
        "rule_set": row.rule_set,
        "measure": row.measure,
        "budget": row.budget,
        "applications": apps.iter().map(|a| &a.application).collect::<Vec<_>>(),
        "versions": versions.iter().map(|v| &v.version).collect::<Vec<_>>(),
        "appeals": appeals,
    });
    let call: Call = serde_json::from_value(value)
        .map_err(|e| Error::new(Code::Storage, format!("avviso non leggibile dal database: {e}")))?;
    Ok(Loaded { row, apps, versions, call })
}

fn summary(l: &Loaded, set: Option<&RuleSet>) -> CallSummary {
    let measure_title = set
        .and_then(|s| s.b2())
        .and_then(|b| b.measures.get(&l.row.measure))
        .map_or_else(|| l.row.measure.clone(), |m| m.title.clone());
    let last = l.versions.last().map(|v| &v.version);
    CallSummary {
        id: l.row.id,
        title: l.row.title.clone(),
        measure: l.row.measure.clone(),
        measure_title,
        rule_set: l.row.rule_set.clone(),
        budget: l.row.budget,
        office: l.row.office.clone(),
        window_from: l.row.window_from,
        window_to: l.row.window_to,
        applications: l.apps.len(),
        versions: l.versions.len() as u32,
        published_on: last.map(|v| v.published_on),
        appeal_deadline: last.map(|v| v.appeal_deadline),
        pending_appeals: l.call.appeals().iter().filter(|a| a.outcome == AppealOutcome::Pending).count(),
        created_at: l.row.created_at.clone(),
        updated_at: l.row.updated_at.clone(),
    }
}

fn upheld_not_published(call: &Call) -> Vec<u32> {
    let applied: Vec<u32> = call.versions().iter().flat_map(|v| v.upheld_appeals.iter().copied()).collect();
    call.appeals()
        .iter()
        .filter(|a| matches!(a.outcome, AppealOutcome::Upheld { .. }) && !applied.contains(&a.id))
        .map(|a| a.id)
        .collect()
}

/// A form value as the text of a cell, trimmed as the CSV reader trims.
fn cell(v: &Option<Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(other) => other.to_string(),
    }
}

impl ApplicationInput {
    fn cells(&self) -> [String; 11] {
        [
            cell(&self.protocol),
            cell(&self.submitted_on),
            cell(&self.birth_date),
            cell(&self.isee),
            cell(&self.isee_expires_on),
            cell(&self.resident),
            cell(&self.continuation),
            cell(&self.non_self_sufficient),
            cell(&self.independent_living),
            cell(&self.other_interventions),
            cell(&self.amount),
        ]
    }

    /// `self` over `base`: the fields given replace the application's.
    fn over(&self, base: &Application) -> [String; 11] {
        let b = |x: bool| x.to_string();
        let given = self.cells();
        let was = [
            base.protocol.clone(),
            base.submitted_on.to_string(),
            base.birth_date.to_string(),
            base.isee.map(|m| m.to_string()).unwrap_or_default(),
            base.isee_expires_on.map(|d| d.to_string()).unwrap_or_default(),
            b(base.resident),
            b(base.continuation),
            b(base.non_self_sufficient),
            b(base.independent_living),
            b(base.other_interventions),
            base.amount.to_string(),
        ];
        let fields = [
            &self.protocol,
            &self.submitted_on,
            &self.birth_date,
            &self.isee,
            &self.isee_expires_on,
            &self.resident,
            &self.continuation,
            &self.non_self_sufficient,
            &self.independent_living,
            &self.other_interventions,
            &self.amount,
        ];
        std::array::from_fn(|i| if fields[i].is_some() { given[i].clone() } else { was[i].clone() })
    }
}

/// One application checked by the same per-cell rules as a row of the CSV
/// import ([`application_from_cells`]), built directly: the form has no lines,
/// so the first faulty field names the input.
fn parse_one(cells: &[String; 11], flags: &[Flag]) -> Result<Application, Error> {
    let cells: [&str; 11] = std::array::from_fn(|i| cells[i].as_str());
    application_from_cells(&cells, flags).map_err(|errors| {
        let (col, message) = errors.into_iter().next().expect("a refusal names a field");
        Error::invalid(COLUMNS[col], message)
    })
}

fn refused(e: &Error) -> RefusedRow {
    RefusedRow { line: e.line, column: e.field.clone(), reason: e.message.clone() }
}

fn not_editable() -> Error {
    Error::new(
        Code::Conflict,
        "La graduatoria è già pubblicata: le domande si correggono solo accogliendo un ricorso",
    )
}

/// The rows of a ranking for the screen, with the frozen (or fresh) traces.
fn ranking_view(
    r: &Ranking,
    traces: &BTreeMap<String, Trace>,
    apps: &HashMap<&str, &ApplicationRow>,
) -> RankingView {
    let row = |protocol: &str, status: Status| {
        let trace = traces.get(protocol);
        RankingRow {
            protocol: protocol.to_string(),
            status,
            status_label: status.italian().to_string(),
            position: None,
            score: None,
            points: None,
            requested: apps.get(protocol).map(|a| a.application.amount),
            amount: None,
            tie_break: None,
            reasons: trace.map(|t| t.reasons()).unwrap_or_default(),
            explanation: trace.map(|t| t.lines().collect()).unwrap_or_default(),
            household_id: apps.get(protocol).and_then(|a| a.household_id),
        }
    };
    let ranked = |x: &Ranked, status: Status| {
        let mut out = row(&x.protocol, status);
        out.position = Some(x.position);
        out.score = Some(x.score_shown());
        out.points = Some(Points {
            continuation: x.parts.continuation.normalize().to_string(),
            isee: x.parts.isee.normalize().to_string(),
            bonus: x.parts.bonus.normalize().to_string(),
        });
        out.requested = Some(x.amount);
        out.amount = (status == Status::Funded).then_some(x.amount);
        out.tie_break = x.tie_break.map(|t| format!("{}: {}", t.label(), t.italian()));
        out
    };
    RankingView {
        rule_set: r.rule_set.clone(),
        measure: r.measure.clone(),
        budget: r.budget,
        allocated: r.allocated,
        remaining: r.remaining,
        funded: r.funded.iter().map(|x| ranked(x, Status::Funded)).collect(),
        admitted_not_funded: r
            .admitted_not_funded
            .iter()
            .map(|x| ranked(x, Status::AdmittedNotFunded))
            .collect(),
        not_admitted: r.not_admitted.iter().map(|x| row(&x.protocol, Status::NotAdmitted)).collect(),
        ranking: r.clone(),
    }
}

fn traces_of(apps: &[Application], set: &RuleSet, measure: &str) -> Result<BTreeMap<String, Trace>, Error> {
    apps.iter().map(|a| Ok((a.protocol.clone(), b2::explain(a, set, measure)?))).collect()
}

fn by_protocol(apps: &[ApplicationRow]) -> HashMap<&str, &ApplicationRow> {
    apps.iter().map(|a| (a.application.protocol.as_str(), a)).collect()
}

impl Service {
    /// Where a call's files go: `<documents>/avvisi/avviso-2026-11-20-1a2b3c4d/`.
    fn call_folder(&self, row: &CallRow) -> PathBuf {
        let id = row.id.to_string();
        let suffix = &id[id.len().saturating_sub(8)..];
        let day = row.created_at.get(..10).unwrap_or("0000-00-00");
        self.documents_dir.join("avvisi").join(format!("avviso-{day}-{suffix}"))
    }

    fn version_view(&self, l: &Loaded, v: &VersionRow) -> Result<VersionView, Error> {
        let traces: BTreeMap<String, Trace> = serde_json::from_str(&v.explanations_json)
            .map_err(|e| Error::new(Code::Storage, format!("spiegazioni non leggibili: {e}")))?;
        let p = &v.version;
        Ok(VersionView {
            version: p.version,
            published_on: p.published_on,
            appeal_deadline: p.appeal_deadline,
            deadline_office_closed: p.deadline_office_closed,
            appeal_open: self.today() >= p.published_on && self.today() <= p.appeal_deadline,
            rule_set: v.rule_set.clone(),
            upheld_appeals: p.upheld_appeals.clone(),
            changes: p.changes.clone(),
            ranking: ranking_view(&p.ranking, &traces, &by_protocol(&l.apps)),
            pdf_file: v.pdf_file.clone(),
            pdf_path: self.call_folder(&l.row).join(&v.pdf_file).display().to_string(),
            created_at: v.created_at.clone(),
        })
    }

    /// Every call, newest first.
    pub fn calls_list(&self) -> Result<Vec<CallSummary>, Error> {
        let rules = load_rules()?;
        self.run(Action::CallsList, None, |tx, _| {
            tx.calls_list()?
                .into_iter()
                .map(|row| {
                    let l = load(tx, row.id)?;
                    Ok(summary(&l, rules.get(&l.row.rule_set.id).ok()))
                })
                .collect()
        })
    }

    pub fn call_get(&self, id: Id) -> Result<CallDetail, Error> {
        let rules = load_rules()?;
        self.run(Action::CallGet, Some(id), |tx, _| {
            let l = load(tx, id)?;
            Ok(self.detail(&l, &rules))
        })
    }

    fn detail(&self, l: &Loaded, rules: &RuleSets) -> CallDetail {
        let role = self.operator.role;
        CallDetail {
            summary: summary(l, rules.get(&l.row.rule_set.id).ok()),
            applications: l.apps.clone(),
            appeals: l.call.appeals().to_vec(),
            upheld_not_published: upheld_not_published(&l.call),
            editable: l.versions.is_empty(),
            can_publish: super::access::allowed("ranking_publish", role),
            can_decide: super::access::allowed("appeal_decide", role),
        }
    }

    /// Creates a call or changes one not yet published. The collection window
    /// is the rule set's; the office defaults to the rule set's issuing office.
    pub fn call_save(&self, input: CallInput) -> Result<CallDetail, Error> {
        let rules = load_rules()?;
        let title = form::required_line("title", &input.title, "il titolo dell'avviso")?;
        let measure = form::required_line("measure", &input.measure, "la misura")?;
        if !MEASURES.contains(&measure.as_str()) {
            return Err(Error::invalid(
                "measure",
                format!("misura «{measure}» non gestita: indicare b2-anziani oppure b2-disabili"),
            ));
        }
        let rule_set = form::required_line("rule_set", &input.rule_set, "l'insieme di regole")?;
        let (set, b2rules) = rules.b2(&rule_set)?;
        b2rules.measure(&measure)?;
        let budget_text = form::required_line("budget", &input.budget, "lo stanziamento")?;
        let budget = Money::parse(&budget_text).map_err(|e| e.with_field("budget"))?;
        if budget.is_negative() {
            return Err(Error::invalid("budget", "lo stanziamento non può essere negativo"));
        }
        let office = form::optional_text("office", &input.office)?.unwrap_or_else(|| b2rules.office.clone());
        let id = form::optional_id("id", &input.id)?;
        let (from, to) = b2rules.window.value;
        let record = id.unwrap_or_else(Id::new);
        self.run(Action::CallSave, Some(record), |tx, stamp| {
            let mut row = CallRow {
                id: record,
                title: title.clone(),
                measure: measure.clone(),
                rule_set: set.reference(),
                budget,
                office: office.clone(),
                window_from: from,
                window_to: to,
                created_at: stamp.at.clone(),
                updated_at: stamp.at.clone(),
            };
            match id {
                None => tx.call_insert(&row, stamp)?,
                Some(id) => {
                    let l = load(tx, id)?;
                    if !l.versions.is_empty() {
                        return Err(Error::new(
                            Code::Conflict,
                            "L'avviso ha una graduatoria pubblicata: non si può più modificare",
                        ));
                    }
                    // The applications must still rank under the new measure/rules.
                    let apps: Vec<Application> = l.apps.iter().map(|a| a.application.clone()).collect();
                    Call::new(set, &measure, budget, apps)?;
                    row.created_at = l.row.created_at.clone();
                    row.updated_at = super::later_than(&stamp.at, &l.row.updated_at);
                    tx.call_update(&row, stamp)?;
                }
            }
            let l = load(tx, record)?;
            Ok(self.detail(&l, &rules))
        })
    }

    /// Imports applications from the CLI's CSV into a call not yet published:
    /// all or none. A refused import saves nothing and lists every refused row.
    pub fn applications_import(&self, call_id: Id, csv: &str) -> Result<ImportOutcome, Error> {
        let rules = load_rules()?;
        self.run(Action::ApplicationsImport, Some(call_id), |tx, stamp| {
            let l = load(tx, call_id)?;
            if !l.versions.is_empty() {
                return Err(not_editable());
            }
            let set = rules.get(&l.row.rule_set.id)?;
            let flags = used_flags(set, &l.row.measure)?;
            let apps = match import_csv(csv, &flags) {
                Ok(apps) => apps,
                Err(report) => {
                    return Ok(ImportOutcome {
                        saved: false,
                        rows_read: report.rows_read,
                        imported: 0,
                        refused: report.errors.iter().map(refused).collect(),
                        summary: format!(
                        "Importazione rifiutata: {} righe con errori su {} lette; nessuna domanda importata",
                        report.refused_lines().len(),
                        report.rows_read
                    ),
                    })
                }
            };
            // Protocols already in the call: refused with their line (header = 1,
            // so the n-th application is on line n + 1 when there are no blank lines).
            let existing = by_protocol(&l.apps);
            let lines = data_lines(csv);
            let clashes: Vec<RefusedRow> = apps
                .iter()
                .enumerate()
                .filter(|(_, a)| existing.contains_key(a.protocol.as_str()))
                .map(|(i, a)| RefusedRow {
                    line: lines.get(i).copied(),
                    column: Some("protocol".into()),
                    reason: format!("protocollo «{}» già presente nell'avviso", a.protocol),
                })
                .collect();
            if !clashes.is_empty() {
                return Ok(ImportOutcome {
                    saved: false,
                    rows_read: apps.len(),
                    imported: 0,
                    summary: format!(
                        "Importazione rifiutata: {} righe con errori su {} lette; nessuna domanda importata",
                        clashes.len(),
                        apps.len()
                    ),
                    refused: clashes,
                });
            }
            let mut all: Vec<Application> = l.apps.iter().map(|a| a.application.clone()).collect();
            all.extend(apps.iter().cloned());
            Call::new(set, &l.row.measure, l.row.budget, all)?;
            for a in &apps {
                tx.application_insert(
                    call_id,
                    &ApplicationRow { application: a.clone(), household_id: None },
                    stamp,
                )?;
            }
            Ok(ImportOutcome {
                saved: true,
                rows_read: apps.len(),
                imported: apps.len(),
                refused: Vec::new(),
                summary: format!("Importate {} domande", apps.len()),
            })
        })
    }

    /// Adds or corrects one application (before publication), validated as a
    /// CSV row; `household_id` links it to a household.
    pub fn application_save(&self, call_id: Id, input: ApplicationInput) -> Result<ApplicationRow, Error> {
        let rules = load_rules()?;
        let household_id = form::optional_id("household_id", &input.household_id)?;
        self.run(Action::ApplicationSave, Some(call_id), |tx, stamp| {
            let l = load(tx, call_id)?;
            if !l.versions.is_empty() {
                return Err(not_editable());
            }
            let set = rules.get(&l.row.rule_set.id)?;
            let app = parse_one(&input.cells(), &used_flags(set, &l.row.measure)?)?;
            if let Some(h) = household_id {
                if !tx.household_exists(h)? {
                    return Err(Error::invalid("household_id", "Nucleo non trovato"));
                }
            }
            let row = ApplicationRow { application: app.clone(), household_id };
            let mut all: Vec<Application> = l.apps.iter().map(|a| a.application.clone()).collect();
            match all.iter().position(|a| a.protocol == app.protocol) {
                Some(i) => {
                    all[i] = app.clone();
                    Call::new(set, &l.row.measure, l.row.budget, all)?;
                    tx.application_update(call_id, &row, stamp)?;
                }
                None => {
                    all.push(app.clone());
                    Call::new(set, &l.row.measure, l.row.budget, all)?;
                    tx.application_insert(call_id, &row, stamp)?;
                }
            }
            Ok(row)
        })
    }

    /// The ranking the current data give (not published), with explanations.
    pub fn ranking_draft(&self, call_id: Id) -> Result<RankingView, Error> {
        let rules = load_rules()?;
        self.run(Action::RankingDraft, Some(call_id), |tx, _| {
            let l = load(tx, call_id)?;
            let ranking = l.call.draft(&rules)?;
            let set = rules.get(&l.row.rule_set.id)?;
            let traces = traces_of(l.call.applications(), set, &l.row.measure)?;
            Ok(ranking_view(&ranking, &traces, &by_protocol(&l.apps)))
        })
    }

    /// Publishes a new version on `published_on`: the ranking frozen with its
    /// rule set, traces and public PDF (written into the call's folder).
    /// The first needs the collection window closed; the next ones an upheld
    /// appeal not yet applied.
    pub fn ranking_publish(&self, call_id: Id, published_on: NaiveDate) -> Result<VersionView, Error> {
        let rules = load_rules()?;
        let mut written: Option<PathBuf> = None;
        let result = self.run(Action::RankingPublish, Some(call_id), |tx, stamp| {
            let mut l = load(tx, call_id)?;
            if published_on <= l.row.window_to {
                return Err(Error::invalid(
                    "published_on",
                    format!(
                        "la raccolta delle domande si chiude il {}: la graduatoria si pubblica dopo",
                        crate::dates::format_it(l.row.window_to)
                    ),
                ));
            }
            if l.apps.is_empty() {
                return Err(Error::new(Code::Conflict, "L'avviso non ha domande: niente da pubblicare"));
            }
            let set = rules.get(&l.row.rule_set.id)?;
            let belfiore = set.comune.clone().ok_or_else(|| {
                Error::new(
                    Code::BadRuleSet,
                    format!("l'avviso «{}» non indica il comune: serve per il termine dei ricorsi", set.id),
                )
            })?;
            let comune = self.calendar_of(&belfiore)?;
            let version = l.call.publish(&rules, published_on, &comune)?.clone();
            let mut public = version.public(set)?;
            // The office of this call, not only the rule set's issuing office.
            public.office = l.row.office.clone();
            public.title = format!("{} — {}", l.row.title, public.title);
            let pdf = crate::print::ranking::render(&public)?;
            let traces = traces_of(l.call.applications(), set, &l.row.measure)?;
            let explanations_json = serde_json::to_string(&traces)
                .map_err(|e| Error::new(Code::Internal, format!("serializzazione JSON: {e}")))?;
            let pdf_file = format!("graduatoria-v{}-{}.pdf", version.version, published_on);
            let folder = self.call_folder(&l.row);
            std::fs::create_dir_all(&folder)
                .map_err(|e| io_error(&folder, "impossibile creare la cartella dell'avviso", e))?;
            let path = folder.join(&pdf_file);
            write_atomic(&path, &pdf)?;
            written = Some(path);
            let row = VersionRow {
                version,
                rule_set: set.reference(),
                explanations_json,
                pdf_file,
                pdf,
                created_at: stamp.at.clone(),
            };
            tx.version_insert(call_id, &row, stamp)?;
            l.versions.push(row);
            let last = l.versions.last().expect("just pushed");
            self.version_view(&l, last)
        });
        if result.is_err() {
            if let Some(path) = written {
                let _ = std::fs::remove_file(path);
            }
        }
        result
    }

    /// The published versions, oldest first, each as frozen.
    pub fn ranking_versions(&self, call_id: Id) -> Result<Vec<VersionView>, Error> {
        self.run(Action::RankingVersions, Some(call_id), |tx, _| {
            let l = load(tx, call_id)?;
            l.versions.iter().map(|v| self.version_view(&l, v)).collect()
        })
    }

    /// The published PDF of a version, as stored (byte for byte).
    pub fn ranking_pdf(&self, call_id: Id, version: u32) -> Result<Vec<u8>, Error> {
        self.run(Action::RankingVersions, Some(call_id), |tx, _| {
            let l = load(tx, call_id)?;
            let v = l.versions.into_iter().find(|v| v.version.version == version).ok_or_else(|| {
                Error::not_found(format!("versione {version} della graduatoria non pubblicata"))
            })?;
            Ok(v.pdf)
        })
    }

    /// What changed from version `from` to version `to`, and why.
    pub fn ranking_compare(&self, call_id: Id, from: u32, to: u32) -> Result<Comparison, Error> {
        self.run(Action::RankingCompare, Some(call_id), |tx, _| {
            let l = load(tx, call_id)?;
            if from > to {
                return Err(Error::invalid("to", "confrontare una versione con una successiva"));
            }
            let a = l.call.version(from).map_err(|e| e.with_field("from"))?;
            let b = l.call.version(to).map_err(|e| e.with_field("to"))?;
            if from == to {
                return Ok(Comparison { from, to, changes: Vec::new() });
            }
            if to == from + 1 {
                return Ok(Comparison { from, to, changes: b.changes.clone() });
            }
            let upheld: Vec<u32> = l
                .call
                .versions()
                .iter()
                .filter(|v| v.version > from && v.version <= to)
                .flat_map(|v| v.upheld_appeals.iter().copied())
                .collect();
            let changes = compare(&a.ranking, &b.ranking, |p| why(l.call.appeals(), &upheld, p));
            Ok(Comparison { from, to, changes })
        })
    }

    /// Files an appeal against the latest version, within its deadline.
    pub fn appeal_file(&self, input: AppealInput) -> Result<Appeal, Error> {
        let call_id = form::required_id("call_id", &input.call_id, "l'avviso")?;
        let protocol = form::required_line("protocol", &input.protocol, "il protocollo della domanda")?;
        let filed_on = form::required_date("filed_on", &input.filed_on, "la data di presentazione")?;
        let grounds = form::required_text("grounds", &input.grounds, "i motivi del ricorso")?;
        let documents = form::text_list("documents", &input.documents)?;
        self.run(Action::AppealFile, Some(call_id), |tx, stamp| {
            let mut l = load(tx, call_id)?;
            let id = l.call.file_appeal(&protocol, filed_on, &grounds, documents.clone())?;
            let appeal = l.call.appeals().iter().find(|a| a.id == id).expect("just filed").clone();
            tx.appeal_insert(call_id, &appeal, stamp)?;
            Ok(appeal)
        })
    }

    /// Decides a pending appeal. Upheld: the application takes the corrected
    /// data (the original is kept in the appeal); a new version is then due.
    pub fn appeal_decide(&self, input: AppealDecisionInput) -> Result<Appeal, Error> {
        let rules = load_rules()?;
        let call_id = form::required_id("call_id", &input.call_id, "l'avviso")?;
        let appeal_id = input.appeal_id.ok_or_else(|| Error::invalid("appeal_id", "Indicare il ricorso"))?;
        let decided_on = form::required_date("decided_on", &input.decided_on, "la data della decisione")?;
        let note = form::required_text("note", &input.note, "la motivazione della decisione")?;
        let outcome = form::required_line("outcome", &input.outcome, "l'esito")?;
        self.run(Action::AppealDecide, Some(call_id), |tx, stamp| {
            let mut l = load(tx, call_id)?;
            let set = rules.get(&l.row.rule_set.id)?;
            let decision = match outcome.as_str() {
                "rejected" => Decision::Rejected { note: note.clone() },
                "upheld" => {
                    let appeal = l
                        .call
                        .appeals()
                        .iter()
                        .find(|a| a.id == appeal_id)
                        .ok_or_else(|| Error::not_found(format!("ricorso n. {appeal_id} non trovato")))?;
                    let current = l
                        .call
                        .applications()
                        .iter()
                        .find(|a| a.protocol == appeal.protocol)
                        .ok_or_else(|| not_found("Domanda"))?;
                    let given = input.corrected.clone().unwrap_or_default();
                    let mut cells = given.over(current);
                    // The protocol is the appeal's: a correction cannot move it.
                    cells[0] = current.protocol.clone();
                    let corrected = parse_one(&cells, &used_flags(set, &l.row.measure)?)
                        .map_err(|e| Error { field: e.field.map(|f| format!("corrected.{f}")), ..e })?;
                    if &corrected == current {
                        return Err(Error::invalid(
                            "corrected",
                            "Ricorso accolto senza correzioni: indicare i dati della domanda che cambiano",
                        ));
                    }
                    Decision::Upheld { corrected, note: note.clone() }
                }
                other => {
                    return Err(Error::invalid(
                        "outcome",
                        format!("esito «{other}» non valido: accolto (upheld) oppure respinto (rejected)"),
                    ))
                }
            };
            let appeal = l.call.decide_appeal(appeal_id, decided_on, decision)?.clone();
            tx.appeal_decide(call_id, &appeal, stamp)?;
            if let AppealOutcome::Upheld { corrected, .. } = &appeal.outcome {
                let household_id = l
                    .apps
                    .iter()
                    .find(|a| a.application.protocol == corrected.protocol)
                    .and_then(|a| a.household_id);
                tx.application_update(
                    call_id,
                    &ApplicationRow { application: (**corrected).clone(), household_id },
                    stamp,
                )?;
            }
            Ok(appeal)
        })
    }

    /// Writes the office's CSV (points by criterion, reasons) of a published
    /// version, or of the draft when `version` is `None`, into the private
    /// viewing area, for the shell to open in the spreadsheet program.
    pub fn ranking_export_csv(&self, call_id: Id, version: Option<u32>) -> Result<Exported, Error> {
        let rules = load_rules()?;
        self.run(Action::RankingExport, Some(call_id), |tx, stamp| {
            let l = load(tx, call_id)?;
            let (ranking, file_name) = match version {
                Some(n) => (l.call.version(n)?.ranking.clone(), format!("graduatoria-v{n}-ufficio.csv")),
                None => (l.call.draft(&rules)?, format!("graduatoria-bozza-{}-ufficio.csv", &stamp.at[..10])),
            };
            // The office's CSV names the applicants: it goes to the private
            // viewing area (memory, emptied at logout), never a folder on disk.
            let path = self.viewing.write(&file_name, b2::office_csv(&ranking).as_bytes())?;
            Ok(Exported { path: path.display().to_string(), file_name })
        })
    }
}

/// The lines (1-based, header = 1) of the CSV's non-empty data records, in order.
fn data_lines(csv: &str) -> Vec<u64> {
    // Read as `import_csv` reads, so the lines are the ones it would report.
    let mut rdr = applications::csv_reader(csv);
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    let mut header = true;
    while let Ok(true) = rdr.read_record(&mut rec) {
        if std::mem::take(&mut header) || rec.iter().all(str::is_empty) {
            continue;
        }
        out.push(rec.position().map_or(0, |p| applications::record_line(csv, p)));
    }
    out
}

/// Why a protocol changed across several versions: its own upheld appeals, or
/// the effect of the others'.
fn why(appeals: &[Appeal], upheld: &[u32], protocol: &str) -> String {
    let own: Vec<String> = appeals
        .iter()
        .filter(|a| a.protocol == protocol && upheld.contains(&a.id))
        .filter_map(|a| match &a.outcome {
            AppealOutcome::Upheld { decided_on, note, .. } => Some(format!(
                "Ricorso n. {} accolto il {}: {}",
                a.id,
                crate::dates::format_it(*decided_on),
                note
            )),
            _ => None,
        })
        .collect();
    if own.is_empty() {
        let ids: Vec<String> = upheld.iter().map(|i| format!("n. {i}")).collect();
        return format!("Effetto dei ricorsi accolti ({}) sulle altre domande", ids.join(", "));
    }
    own.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_lines_count_from_the_header() {
        assert_eq!(data_lines("a,b\n1,2\n\n3,4\n"), [2, 4]);
        assert_eq!(data_lines("a,b\r\n1,2\r\n,\r\n3,4"), [2, 4]);
        let example = include_str!("../../tests/scenari/esempi/b2-anziani-applications.csv");
        assert_eq!(data_lines(example)[..2], [2, 3]);
    }
}
