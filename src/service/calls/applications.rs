//! A call's applications: one typed into the form, or many imported from the
//! CLI's CSV (all or none), each checked by the same per-cell rules.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ranking::by_protocol;
use super::{load, load_rules};
use crate::domain::{form, Id};
use crate::error::{Code, Error};
use crate::rules::appeals::Call;
use crate::rules::applications::{self, application_from_cells, Application, COLUMNS};
use crate::rules::rule_set::{Flag, RuleSet, TieBreak};
use crate::service::{Action, Service};
use crate::storage::ApplicationRow;

/// One application as the form sends it: the CSV's columns by name, values as
/// text (booleans may be JSON booleans), plus the optional household link.
/// Validated exactly as a CSV row is.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
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
    /// The member of the household who applied: the application's birth date
    /// is checked against theirs.
    pub member_id: Option<String>,
}

/// A saved application, with what the office should look at: the facts the
/// application declares that the linked member's record says otherwise
/// (the declaration stands; the office checks it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedApplication {
    #[serde(flatten)]
    pub row: ApplicationRow,
    /// "Nome Cognome" of the linked member.
    pub member_name: Option<String>,
    pub warnings: Vec<String>,
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
    /// Italian, one line: how the file was read (text encoding, separator,
    /// amounts), so the operator sees what the program understood.
    pub read_as: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedRow {
    pub line: Option<u64>,
    pub column: Option<String>,
    pub reason: String,
}

/// The yes/no columns a measure relies on: these must say true or false (as in
/// `sportello rank`).
pub(super) fn used_flags(set: &RuleSet, measure: &str) -> Result<Vec<Flag>, Error> {
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
    pub(super) fn over(&self, base: &Application) -> [String; 11] {
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
pub(super) fn parse_one(cells: &[String; 11], flags: &[Flag]) -> Result<Application, Error> {
    let cells: [&str; 11] = std::array::from_fn(|i| cells[i].as_str());
    application_from_cells(&cells, flags, applications::Dialect::Comma).map_err(|errors| {
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

impl Service {
    /// Imports applications from the CLI's CSV into a call not yet published:
    /// all or none. A refused import saves nothing and lists every refused row.
    /// The file's bytes as the office's spreadsheet saved them (cli.md `rank`:
    /// UTF-8 or Windows-1252, `,` or `;`).
    pub fn applications_import(&self, call_id: Id, file: impl AsRef<[u8]>) -> Result<ImportOutcome, Error> {
        let rules = load_rules()?;
        let file = file.as_ref();
        self.run(Action::ApplicationsImport, Some(call_id), |tx, stamp| {
            let l = load(tx, call_id)?;
            if !l.versions.is_empty() {
                return Err(not_editable());
            }
            let set = rules.get(&l.row.rule_set.id)?;
            let flags = used_flags(set, &l.row.measure)?;
            let read = crate::applications_file::read(file, &flags);
            let read_as = format!("File letto come {}", read.read_as);
            let apps = match read.applications {
                Ok(apps) => apps,
                Err(report) => {
                    return Ok(ImportOutcome {
                        saved: false,
                        rows_read: report.rows_read,
                        imported: 0,
                        refused: report.errors.iter().map(refused).collect(),
                        read_as: read_as.clone(),
                        summary: format!(
                        "Importazione rifiutata: {} righe con errori su {} lette; nessuna domanda importata",
                        report.refused_lines().len(),
                        report.rows_read
                    ),
                    })
                }
            };
            // Protocols already in the call: refused with the line they stand on.
            let existing = by_protocol(&l.apps);
            let clashes: Vec<RefusedRow> = apps
                .iter()
                .filter(|(_, a)| existing.contains_key(a.protocol.as_str()))
                .map(|(line, a)| RefusedRow {
                    line: Some(*line),
                    column: Some("protocol".into()),
                    reason: format!("protocollo «{}» già presente nell'avviso", a.protocol),
                })
                .collect();
            let apps: Vec<Application> = apps.into_iter().map(|(_, a)| a).collect();
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
                    read_as,
                });
            }
            let mut all: Vec<Application> = l.apps.iter().map(|a| a.application.clone()).collect();
            all.extend(apps.iter().cloned());
            Call::new(set, &l.row.measure, l.row.budget, all)?;
            for a in &apps {
                tx.application_insert(
                    call_id,
                    &ApplicationRow { application: a.clone(), household_id: None, member_id: None },
                    stamp,
                )?;
            }
            Ok(ImportOutcome {
                saved: true,
                rows_read: apps.len(),
                imported: apps.len(),
                refused: Vec::new(),
                summary: format!("Importate {} domande", apps.len()),
                read_as,
            })
        })
    }

    /// Adds or corrects one application (before publication), validated as a
    /// CSV row; `household_id` links it to a household, `member_id` to the
    /// member of it who applied (whose birth date must be the application's).
    pub fn application_save(&self, call_id: Id, input: ApplicationInput) -> Result<SavedApplication, Error> {
        let rules = load_rules()?;
        let household_id = form::optional_id("household_id", &input.household_id)?;
        let member_id = form::optional_id("member_id", &input.member_id)?;
        self.run(Action::ApplicationSave, Some(call_id), |tx, stamp| {
            let l = load(tx, call_id)?;
            if !l.versions.is_empty() {
                return Err(not_editable());
            }
            let set = rules.get(&l.row.rule_set.id)?;
            let app = parse_one(&input.cells(), &used_flags(set, &l.row.measure)?)?;
            let link = applicant_link(tx, &app, household_id, member_id, set.comune.as_deref())?;
            let row = ApplicationRow { application: app.clone(), household_id: link.household_id, member_id };
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
            Ok(SavedApplication { row, member_name: link.member_name, warnings: link.warnings })
        })
    }
}

/// Who an application is linked to, once checked.
pub(super) struct ApplicantLink {
    pub household_id: Option<Id>,
    pub member_name: Option<String>,
    pub warnings: Vec<String>,
}

/// Checks an application's link to a household and to the member who
/// applied. Refused: a household or member that does not exist, a member of
/// another household, and a birth date other than the member's (the age bonus
/// and the tie-break read it, rules.md §4: the two records must agree before
/// the ranking does). Warned (the application's declaration stands, the
/// office checks): a member the household record says is not self-sufficient
/// while the application says so, or the other way round; a resident
/// applicant whose record gives another comune of residence.
pub(super) fn applicant_link(
    tx: &crate::storage::Tx<'_>,
    app: &Application,
    household_id: Option<Id>,
    member_id: Option<Id>,
    call_comune: Option<&str>,
) -> Result<ApplicantLink, Error> {
    let Some(member_id) = member_id else {
        if let Some(h) = household_id {
            if !tx.household_exists(h)? {
                return Err(Error::invalid("household_id", "Nucleo non trovato"));
            }
        }
        return Ok(ApplicantLink { household_id, member_name: None, warnings: Vec::new() });
    };
    let not_found = || Error::invalid("member_id", "Componente non trovato: sceglierlo di nuovo dal nucleo");
    let own = household_id.map_or_else(|| tx.household_of_member(member_id), |h| Ok(Some(h)))?;
    let household = match own {
        Some(h) => tx.household_get(h)?,
        None => None,
    }
    .ok_or_else(|| match household_id {
        Some(_) => Error::invalid("household_id", "Nucleo non trovato"),
        None => not_found(),
    })?;
    let member = household.members.iter().find(|m| m.id == member_id).ok_or_else(|| {
        if household_id.is_some() {
            Error::invalid("member_id", "Il componente scelto non fa parte del nucleo collegato alla domanda")
        } else {
            not_found()
        }
    })?;
    let name = member.full_name();
    if member.birth_date != app.birth_date {
        return Err(Error::invalid(
            "birth_date",
            format!(
                "La data di nascita della domanda ({}) non è quella registrata per {name} nel nucleo {}: \
                 correggere la domanda, oppure la scheda del nucleo se l'errore è lì",
                crate::dates::format_it(app.birth_date),
                household.case_number
            ),
        ));
    }
    let mut warnings = Vec::new();
    if app.non_self_sufficient && !member.not_self_sufficient {
        warnings.push(format!(
            "La domanda dichiara {name} non autosufficiente, la scheda del nucleo no: verificare la certificazione"
        ));
    } else if !app.non_self_sufficient && member.not_self_sufficient {
        warnings.push(format!(
            "La scheda del nucleo indica {name} come non autosufficiente, la domanda no: verificare con la famiglia"
        ));
    }
    if let (true, Some(call), Some(theirs)) = (app.resident, call_comune, member.residence_comune.as_deref())
    {
        if theirs != call {
            warnings.push(format!(
                "La domanda dichiara la residenza nel comune dell'avviso, la scheda del nucleo indica per {name} \
                 un altro comune di residenza: verificare"
            ));
        }
    }
    Ok(ApplicantLink { household_id: Some(household.id), member_name: Some(name), warnings })
}
