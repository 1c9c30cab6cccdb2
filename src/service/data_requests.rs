//! The data subjects' requests (GDPR art. 15 access, art. 20 portability,
//! issue 16 item 2): the register of requests with their deadline (art.
//! 12(3), `domain::data_request`), and the answer: everything the office
//! holds about ONE person, as a PDF for them to read
//! (`print::data_access`) and a ZIP for another controller's program
//! (`dati.json`, schema `docs/accesso-dati.md`, the tables as CSV, the
//! case's documents as PDF). Nothing of another person goes in, except
//! what is the person's own by nature: the composition of their household
//! (names, relationship, birth date of the others; not their health,
//! permits or work), the case's own decisions and documents. A ranking
//! gives only the person's own row. Answering is the coordinator's: the
//! office (not the desk) answers for what it holds, and the answer reads
//! every part of the office, calls and payments included.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use super::eligibility::{check_from_row, EligibilityCheck};
use super::history::{history, local_time, AccessRow};
use super::printing::printed_office;
use super::{not_found, office, Action, Service};
use crate::dates::format_it;
use crate::domain::board::{BoardKind, BoardRow, BoardState, RequestDue};
use crate::domain::data_request::{self, DataRequestInput, Subject, Terms};
use crate::domain::{Analysis, Document, Household, Id, Member, Project, StrEnum};
use crate::error::{Code, Error};
use crate::print::data_access::{DataAccess, Section, SectionTable};
use crate::rules::applications::Application;
use crate::storage::{DataRequestRow, FieldChangeRow, Tx};
use crate::table::{Table, Value};

/// The version of `dati.json`'s schema (docs/accesso-dati.md).
pub const BUNDLE_SCHEMA: &str = "sportello.accesso-dati";
pub const BUNDLE_VERSION: u32 = 1;

/// A request as the register shows it (`docs/ipc.md`, `data_requests_list`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataRequestView {
    pub id: Id,
    pub kind: String,
    pub kind_label: String,
    pub member_id: Option<Id>,
    /// The person's household, when they have one.
    pub household_id: Option<Id>,
    pub person_name: String,
    pub codice_fiscale: String,
    pub requester: String,
    pub requester_label: String,
    pub representative_name: Option<String>,
    pub representative_role: Option<String>,
    pub received_on: NaiveDate,
    pub channel: String,
    pub channel_label: String,
    pub notes: Option<String>,
    pub rule_set_id: String,
    pub rule_set_version: u32,
    pub due_on: NaiveDate,
    /// The last day to tell the person of an extension (the first deadline).
    pub extension_notice_by: NaiveDate,
    pub extended_on: Option<NaiveDate>,
    pub extension_reason: Option<String>,
    pub answered_on: Option<NaiveDate>,
    pub answer_summary: Option<String>,
    pub answer_sha256: Option<String>,
    /// `scaduto`, `in_scadenza`, `nei_termini` while open; `None` once answered.
    pub state: Option<BoardState>,
    pub days_left: Option<i64>,
    pub applications: Vec<data_request::ApplicationKey>,
}

/// One change of one field (`docs/ipc.md`, `field_history`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub seq: i64,
    /// UTC, as the audit log (`None`: a change of before the history, none).
    pub at: Option<String>,
    pub operator_name: String,
    pub username: Option<String>,
    /// The device the change was made on, when not this database.
    pub device: Option<String>,
    /// `nucleo`, `componente`, `analisi`, `quadro`, `progetto`, `impegno`, `sostegno`,
    /// `incontro`, `requisiti`, `inserimento`, `lista_attesa`.
    pub record_kind: String,
    pub record_id: String,
    /// The record in words: "componente Mario Rossi", "nucleo".
    pub record: String,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

fn record_kind(table: &str) -> &'static str {
    match table {
        "households" => "nucleo",
        "members" => "componente",
        "analyses" => "analisi",
        "quadri" => "quadro",
        "projects" => "progetto",
        "commitments" => "impegno",
        "supports" => "sostegno",
        "meetings" => "incontro",
        "eligibility_facts" => "requisiti",
        "housing_stays" => "inserimento",
        "housing_waiting" => "lista_attesa",
        _ => "altro",
    }
}

fn terms_of(row: &DataRequestRow, comune: &str) -> Result<Terms, Error> {
    let rules = super::eligibility::load_rules()?;
    data_request::terms(&rules, comune, row.received_on)
}

impl Service {
    fn request_view(
        &self,
        tx: &Tx<'_>,
        row: DataRequestRow,
        today: NaiveDate,
    ) -> Result<DataRequestView, Error> {
        let o = office(tx)?;
        let comune = self.calendar_of(&o.comune)?;
        let terms = terms_of(&row, &o.comune)?;
        let notice = data_request::extension_notice_by(row.received_on, &terms, &comune)?;
        let (days_left, state) = match row.answered_on {
            Some(_) => (None, None),
            None => {
                let (d, s) = data_request::classify(row.due_on, today, &terms);
                (Some(d), Some(s))
            }
        };
        let household_id = match row.member_id {
            Some(m) => tx.member_household(m)?,
            None => None,
        };
        Ok(DataRequestView {
            id: row.id,
            kind: row.kind.as_str().to_string(),
            kind_label: row.kind.label().to_string(),
            member_id: row.member_id,
            household_id,
            person_name: row.person_name,
            codice_fiscale: row.codice_fiscale.to_string(),
            requester: row.requester.as_str().to_string(),
            requester_label: row.requester.label().to_string(),
            representative_name: row.representative_name,
            representative_role: row.representative_role,
            received_on: row.received_on,
            channel: row.channel.as_str().to_string(),
            channel_label: row.channel.label().to_string(),
            notes: row.notes,
            rule_set_id: row.rule_set.id,
            rule_set_version: row.rule_set.version,
            due_on: row.due_on,
            extension_notice_by: notice,
            extended_on: row.extended_on,
            extension_reason: row.extension_reason,
            answered_on: row.answered_on,
            answer_summary: row.answer_summary,
            answer_sha256: row.answer_sha256,
            state,
            days_left,
            applications: row.applications,
        })
    }

    /// The register of requests: open ones first, by due date.
    pub fn data_requests_list(&self) -> Result<Vec<DataRequestView>, Error> {
        let today = self.today();
        self.run(Action::DataRequestsList, None, |tx, _| {
            tx.data_requests()?.into_iter().map(|r| self.request_view(tx, r, today)).collect()
        })
    }

    /// Records a request: whose data, who asked, when and how; its deadline
    /// from the rule set in force on the day of receipt.
    pub fn data_request_record(&self, input: DataRequestInput) -> Result<DataRequestView, Error> {
        let today = self.today();
        let new = input.validate(today)?;
        let household = match &new.subject {
            Subject::Member { member_id } => self.store.transaction(|tx| tx.member_household(*member_id))?,
            Subject::Applicant { .. } => None,
        };
        self.run(Action::DataRequestRecord, household, |tx, stamp| {
            let (member_id, person_name, codice_fiscale, applications) = match &new.subject {
                Subject::Member { member_id } => {
                    let h = household
                        .ok_or_else(|| Error::not_found("Componente non trovato").with_field("member_id"))?;
                    let hh = tx.household_get(h)?.ok_or_else(|| not_found("Nucleo"))?;
                    let m =
                        hh.members.iter().find(|m| m.id == *member_id).ok_or_else(|| {
                            Error::not_found("Componente non trovato").with_field("member_id")
                        })?;
                    (Some(m.id), m.full_name(), m.codice_fiscale.clone(), Vec::new())
                }
                Subject::Applicant { person_name, codice_fiscale, applications } => {
                    for (i, a) in applications.iter().enumerate() {
                        let found = tx
                            .call_applications(a.call_id)?
                            .into_iter()
                            .any(|x| x.application.protocol == a.protocol);
                        if !found {
                            return Err(Error::not_found(format!(
                                "Nessuna domanda con protocollo «{}» in questo avviso",
                                a.protocol
                            ))
                            .with_field(format!("applications[{i}].protocol")));
                        }
                    }
                    (None, person_name.clone(), codice_fiscale.clone(), applications.clone())
                }
            };
            let o = office(tx)?;
            let comune = self.calendar_of(&o.comune)?;
            let rules = super::eligibility::load_rules()?;
            let terms = data_request::terms(&rules, &o.comune, new.received_on)?;
            let due_on = data_request::due_on(new.received_on, false, &terms, &comune)?;
            let row = DataRequestRow {
                id: Id::new(),
                kind: new.kind,
                member_id,
                person_name,
                codice_fiscale,
                requester: new.requester,
                representative_name: new.representative.as_ref().map(|r| r.0.clone()),
                representative_role: new.representative.as_ref().map(|r| r.1.clone()),
                received_on: new.received_on,
                channel: new.channel,
                notes: new.notes.clone(),
                rule_set: terms.rule_set.clone(),
                due_on,
                extended_on: None,
                extension_reason: None,
                answered_on: None,
                answer_summary: None,
                answer_sha256: None,
                applications,
                created_at: stamp.at.clone(),
            };
            tx.data_request_insert(&row, stamp)?;
            let row = tx.data_request_get(row.id)?.ok_or_else(|| not_found("Richiesta"))?;
            self.request_view(tx, row, today)
        })
    }

    /// Extends an open request by the further months of art. 12(3), with the
    /// reason told to the person; once only, and within the first month.
    pub fn data_request_extend(&self, id: Id, reason: &str) -> Result<DataRequestView, Error> {
        let today = self.today();
        let reason = crate::domain::form::required_text(
            "reason",
            &Some(reason.to_string()),
            "il motivo della proroga",
        )?;
        crate::print::fonts::check_printable("reason", &reason)?;
        self.run(Action::DataRequestExtend, None, |tx, stamp| {
            let row = tx.data_request_get(id)?.ok_or_else(|| not_found("Richiesta"))?;
            if row.answered_on.is_some() {
                return Err(Error::new(Code::Conflict, "La richiesta ha già avuto risposta"));
            }
            if row.extended_on.is_some() {
                return Err(Error::new(Code::Conflict, "Il termine è già stato prorogato (art. 12, par. 3: una sola proroga di due mesi)"));
            }
            let o = office(tx)?;
            let comune = self.calendar_of(&o.comune)?;
            let terms = terms_of(&row, &o.comune)?;
            let notice = data_request::extension_notice_by(row.received_on, &terms, &comune)?;
            if today > notice {
                return Err(Error::new(
                    Code::Conflict,
                    format!(
                        "La proroga va comunicata all'interessato entro un mese dal ricevimento (entro il {}): il termine è passato",
                        format_it(notice)
                    ),
                ));
            }
            let due = data_request::due_on(row.received_on, true, &terms, &comune)?;
            tx.data_request_extend(id, today, &reason, due, stamp)?;
            let row = tx.data_request_get(id)?.ok_or_else(|| not_found("Richiesta"))?;
            self.request_view(tx, row, today)
        })
    }

    /// Answers a request: writes the ZIP (the PDF for the person, `dati.json`,
    /// the CSV tables and the case's documents) as the new file `out`, and
    /// records the answer (today, what was given, the ZIP's SHA-256).
    pub fn data_request_answer(&self, id: Id, out: &Path) -> Result<DataRequestView, Error> {
        let today = self.today();
        // The answer is on record in the person's case, when they have one.
        self.authorize(Action::DataRequestAnswer)?;
        let household =
            self.store.transaction(|tx| match tx.data_request_get(id)?.and_then(|r| r.member_id) {
                Some(m) => tx.member_household(m),
                None => Ok(None),
            })?;
        self.save_new_file(Action::DataRequestAnswer, household, out, "la risposta alla richiesta", |tx| {
            let stamp = crate::storage::Stamp { at: super::timestamp(self.clock), by: self.operator.id };
            let row = tx.data_request_get(id)?.ok_or_else(|| not_found("Richiesta"))?;
            if row.answered_on.is_some() {
                return Err(Error::new(Code::Conflict, "La richiesta ha già avuto risposta"));
            }
            let data = self.gather(tx, &row, today)?;
            let pdf = self.answer_pdf(tx, &row, &data, today)?;
            let (bytes, files) = bundle(&row, &data, &pdf, today)?;
            let sha = sha256_hex(&bytes);
            let summary = format!(
                "Risposta in PDF ({} sezioni) e copia in formato leggibile da programmi (ZIP: {})",
                data.section_count(),
                files.join(", ")
            );
            tx.data_request_answer(id, today, &summary, Some(&sha), &stamp)?;
            let row = tx.data_request_get(id)?.ok_or_else(|| not_found("Richiesta"))?;
            Ok((self.request_view(tx, row, today)?, bytes))
        })
    }

    /// The Scadenze board's rows of the open requests (coordinators and
    /// administrators: the desk does not answer them).
    pub(super) fn data_request_board_rows(
        &self,
        tx: &Tx<'_>,
        today: NaiveDate,
    ) -> Result<Vec<BoardRow>, Error> {
        if super::access::case_scope(self.operator.role) != super::access::CaseScope::Office {
            return Ok(Vec::new());
        }
        let mut rows = Vec::new();
        for r in tx.data_requests()?.into_iter().filter(|r| r.answered_on.is_none()) {
            let v = self.request_view(tx, r, today)?;
            let (Some(days_left), Some(state)) = (v.days_left, v.state) else { continue };
            let household = match v.household_id {
                Some(h) => tx.household_get(h)?,
                None => None,
            };
            rows.push(BoardRow {
                kind: BoardKind::Richiesta,
                project_id: None,
                household_id: v.household_id.unwrap_or(v.id),
                case_number: household.as_ref().map(|h| h.case_number.clone()).unwrap_or_default(),
                household_name: household.as_ref().map_or_else(|| v.person_name.clone(), Household::name),
                analysis_date: None,
                deadline: v.due_on,
                days_left,
                working_days_left: None,
                state,
                missing_signatures: Vec::new(),
                responsabile: household.and_then(|h| h.responsabile),
                permit: None,
                stay: None,
                request: Some(RequestDue {
                    request_id: v.id,
                    person_name: v.person_name,
                    kind: v.kind,
                    received_on: v.received_on,
                    extended: v.extended_on.is_some(),
                }),
                quadro_due: false,
            });
        }
        Ok(rows)
    }

    /// The history of each field of a case's records, oldest first: the
    /// household, its members, analysis, project (commitments, supports,
    /// meetings), eligibility facts, housing (art. 16: what was rectified,
    /// from what to what, who and when).
    pub fn field_history(&self, household_id: Id) -> Result<Vec<FieldChange>, Error> {
        self.run(Action::FieldHistory, Some(household_id), |tx, _| {
            let h = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            let names: HashMap<String, String> =
                h.members.iter().map(|m| (m.id.to_string(), m.full_name())).collect();
            Ok(tx.field_history_of_case(household_id)?.into_iter().map(|r| field_change(r, &names)).collect())
        })
    }
}

fn field_change(r: FieldChangeRow, names: &HashMap<String, String>) -> FieldChange {
    let kind = record_kind(&r.table);
    let record = match kind {
        "componente" => format!("componente {}", names.get(&r.row_id).cloned().unwrap_or_default()),
        "analisi" => "analisi preliminare".to_string(),
        "quadro" => "quadro di analisi".to_string(),
        "requisiti" => "dati per i requisiti".to_string(),
        "lista_attesa" => "lista d'attesa degli alloggi".to_string(),
        "inserimento" => "inserimento in alloggio".to_string(),
        k => k.to_string(),
    };
    FieldChange {
        seq: r.seq,
        at: r.at,
        operator_name: r.operator_name.unwrap_or_default(),
        username: r.username,
        device: r.origin_name,
        record_kind: kind.to_string(),
        record_id: r.row_id,
        record: record.trim().to_string(),
        field: r.column,
        old_value: r.old,
        new_value: r.new,
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

// --- What the office holds about the person ------------------------------------

/// The person's own record (all fields) and the others of the household by
/// composition only.
#[derive(Debug, Clone, Serialize)]
pub struct HouseholdPart {
    pub case_number: String,
    pub comune: String,
    pub address: Option<String>,
    pub cap: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub notes: Option<String>,
    pub isee: Option<crate::domain::household::Isee>,
    pub responsabile: Option<String>,
    /// The person, as recorded.
    pub me: Member,
    /// The composition: the others' name, relationship and birth date.
    pub others: Vec<Composition>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Composition {
    pub first_name: String,
    pub last_name: String,
    pub relationship: String,
    pub birth_date: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
pub struct ApplicationPart {
    pub call_id: Id,
    pub call_title: String,
    pub measure: String,
    pub application: Application,
    /// The person's own row in each published version of the ranking.
    pub rankings: Vec<RankingPart>,
    pub award: Option<AwardPart>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RankingPart {
    pub version: u32,
    pub published_on: NaiveDate,
    /// `finanziata`, `ammessa_non_finanziata`, `non_ammessa`.
    pub outcome: String,
    pub position: Option<u32>,
    pub score: Option<String>,
    pub amount: Option<crate::money::Money>,
    /// Why not admitted (codes of the rules).
    pub reasons: Vec<String>,
    /// How the score or the exclusion was reached: the person's own trace,
    /// frozen with the version, in words.
    pub explanation: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AwardPart {
    pub amount: crate::money::Money,
    pub first_month: String,
    pub last_month: String,
    pub iban: Option<String>,
    pub holder_name: Option<String>,
    pub claims: Vec<ClaimPart>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimPart {
    pub number: u32,
    pub received_on: NaiveDate,
    pub reimbursed: crate::money::Money,
    pub rule_set_id: String,
    pub rule_set_version: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct StayPart {
    pub unit: String,
    pub place: Option<u32>,
    pub people: u32,
    pub entry: NaiveDate,
    pub planned_end: NaiveDate,
    pub exit: Option<NaiveDate>,
    pub contribution: Option<crate::money::Money>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaitingPart {
    pub need: String,
    pub priority: u8,
    pub people: u32,
    pub since: NaiveDate,
    pub state: String,
    pub closed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocumentPart {
    #[serde(flatten)]
    pub document: Document,
    /// The PDF's path inside the ZIP.
    pub file: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// Everything gathered, once, in the answer's transaction.
#[derive(Debug, Clone, Serialize)]
pub struct Gathered {
    pub household: Option<HouseholdPart>,
    pub analysis: Option<Analysis>,
    /// The équipe's quadro di analisi (schema 27), when there is one.
    pub quadro: Option<crate::domain::quadro::Quadro>,
    pub project: Option<Project>,
    pub eligibility_checks: Vec<EligibilityCheck>,
    pub applications: Vec<ApplicationPart>,
    pub stays: Vec<StayPart>,
    pub waiting: Vec<WaitingPart>,
    pub documents: Vec<DocumentPart>,
    pub accesses: Vec<AccessRow>,
}

impl Gathered {
    fn section_count(&self) -> usize {
        8
    }
}

impl Service {
    fn gather(&self, tx: &Tx<'_>, row: &DataRequestRow, _today: NaiveDate) -> Result<Gathered, Error> {
        let mut g = Gathered {
            household: None,
            analysis: None,
            quadro: None,
            project: None,
            eligibility_checks: Vec::new(),
            applications: Vec::new(),
            stays: Vec::new(),
            waiting: Vec::new(),
            documents: Vec::new(),
            accesses: Vec::new(),
        };
        let mut keys: Vec<(Id, String)> =
            row.applications.iter().map(|a| (a.call_id, a.protocol.clone())).collect();
        if let Some(member_id) = row.member_id {
            let hid = tx.member_household(member_id)?.ok_or_else(|| not_found("Nucleo"))?;
            let h = tx.household_get(hid)?.ok_or_else(|| not_found("Nucleo"))?;
            let me = h
                .members
                .iter()
                .find(|m| m.id == member_id)
                .cloned()
                .ok_or_else(|| not_found("Componente"))?;
            g.household = Some(HouseholdPart {
                case_number: h.case_number.clone(),
                comune: h.comune.clone(),
                address: h.address.clone(),
                cap: h.cap.clone(),
                phone: h.phone.clone(),
                email: h.email.clone(),
                notes: h.notes.clone(),
                isee: h.isee.clone(),
                responsabile: h.responsabile.as_ref().map(|r| r.name.clone()),
                others: h
                    .members
                    .iter()
                    .filter(|m| m.id != member_id)
                    .map(|m| Composition {
                        first_name: m.first_name.clone(),
                        last_name: m.last_name.clone(),
                        relationship: m.relationship.label().to_string(),
                        birth_date: m.birth_date,
                    })
                    .collect(),
                me,
            });
            g.analysis = tx.analysis_of_household(hid)?;
            g.quadro = tx.quadro_of_household(hid)?;
            g.project = match tx.project_of_household(hid)? {
                Some(p) => Some(super::projects::load_project(tx, p.id)?),
                None => None,
            };
            for c in tx.eligibility_checks_of_household(hid)? {
                let mut c = check_from_row(c)?;
                // The decision and its explanation are the person's; the
                // input (every member's data as evaluated) is not given again.
                c.input.members.clear();
                g.eligibility_checks.push(c);
            }
            let units = tx.housing_units()?;
            for s in tx.housing_stays_of_household(hid)? {
                g.stays.push(StayPart {
                    unit: units
                        .iter()
                        .find(|u| u.id == s.unit_id)
                        .map(|u| u.address.clone())
                        .unwrap_or_default(),
                    place: s.place,
                    people: s.people,
                    entry: s.entry,
                    planned_end: s.planned_end,
                    exit: s.exit.as_ref().map(|e| e.date),
                    contribution: s.contribution,
                });
            }
            for w in tx.housing_waiting_of_household(hid)? {
                g.waiting.push(WaitingPart {
                    need: w.need.clone(),
                    priority: w.priority,
                    people: w.people,
                    since: w.since,
                    state: w.state.as_str().to_string(),
                    closed_on: w.closed_on,
                });
            }
            for d in tx.documents_of_household(hid)? {
                let bytes = tx.document_content(d.id)?.unwrap_or_default();
                let file = format!("documenti/{}", d.file_name);
                g.documents.push(DocumentPart { document: d, file, bytes });
            }
            g.accesses = history(tx, hid, Action::DataRequestAnswer)?;
            for k in tx.applications_of_member(member_id)? {
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
        }
        for (call_id, protocol) in keys {
            let Some(call) = tx.call_get(call_id)? else { continue };
            let Some(app) =
                tx.call_applications(call_id)?.into_iter().find(|a| a.application.protocol == protocol)
            else {
                continue;
            };
            let mut rankings = Vec::new();
            for v in tx.versions_of_call(call_id)? {
                let traces: std::collections::BTreeMap<String, crate::rules::Trace> =
                    serde_json::from_str(&v.explanations_json)
                        .map_err(|e| Error::new(Code::Storage, format!("spiegazioni non leggibili: {e}")))?;
                let explanation: Vec<String> =
                    traces.get(&protocol).map(|t| t.lines().collect()).unwrap_or_default();
                let r = &v.version.ranking;
                let part = if let Some(x) = r.funded.iter().find(|x| x.protocol == protocol) {
                    Some(("finanziata", Some(x.position), Some(x.score_shown()), Some(x.amount), Vec::new()))
                } else if let Some(x) = r.admitted_not_funded.iter().find(|x| x.protocol == protocol) {
                    Some((
                        "ammessa_non_finanziata",
                        Some(x.position),
                        Some(x.score_shown()),
                        None,
                        Vec::new(),
                    ))
                } else {
                    r.not_admitted.iter().find(|x| x.protocol == protocol).map(|x| {
                        (
                            "non_ammessa",
                            None,
                            None,
                            None,
                            x.reasons.iter().map(|c| c.as_str().to_string()).collect(),
                        )
                    })
                };
                if let Some((outcome, position, score, amount, reasons)) = part {
                    rankings.push(RankingPart {
                        version: v.version.version,
                        published_on: v.version.published_on,
                        outcome: outcome.to_string(),
                        position,
                        score,
                        amount,
                        reasons,
                        explanation,
                    });
                }
            }
            let award = match tx.awards_of_call(call_id)?.into_iter().find(|a| a.protocol == protocol) {
                Some(a) => Some(AwardPart {
                    amount: a.award.amount,
                    first_month: a.award.first_month.to_string(),
                    last_month: a.award.last_month.to_string(),
                    iban: a.iban.as_ref().map(|i| i.to_string()),
                    holder_name: a.holder_name.clone(),
                    claims: tx
                        .claims_of_award(a.id)?
                        .into_iter()
                        .map(|c| ClaimPart {
                            number: c.number,
                            received_on: c.received_on,
                            reimbursed: c.reimbursed,
                            rule_set_id: c.rule_set.id,
                            rule_set_version: c.rule_set.version,
                        })
                        .collect(),
                }),
                None => None,
            };
            g.applications.push(ApplicationPart {
                call_id,
                call_title: call.title.clone(),
                measure: call.measure.clone(),
                application: app.application,
                rankings,
                award,
            });
        }
        Ok(g)
    }

    fn answer_pdf(
        &self,
        tx: &Tx<'_>,
        row: &DataRequestRow,
        g: &Gathered,
        today: NaiveDate,
    ) -> Result<Vec<u8>, Error> {
        let o = office(tx)?;
        let yes = |b: bool| if b { "sì" } else { "no" }.to_string();
        let opt = |s: &Option<String>| s.clone().unwrap_or_else(|| "—".to_string());
        let mut sections = Vec::new();
        // 1. Personal data and household.
        sections.push(match &g.household {
            Some(h) => {
                let m = &h.me;
                Section {
                    title: "1. I Suoi dati personali e il Suo nucleo familiare".into(),
                    intro: format!(
                        "Lei fa parte del nucleo del fascicolo {} (comune di {}).",
                        h.case_number,
                        self.calendar_of(&h.comune).map(|c| c.nome).unwrap_or_else(|_| h.comune.clone())
                    ),
                    facts: vec![
                        ("Nome e cognome".into(), m.full_name()),
                        ("Codice fiscale".into(), m.codice_fiscale.to_string()),
                        ("Data di nascita".into(), format_it(m.birth_date)),
                        ("Sesso".into(), m.sex.label().to_string()),
                        ("Relazione con il richiedente".into(), m.relationship.label().to_string()),
                        ("Cittadinanza".into(), m.citizenship.label().to_string()),
                        ("Residenza dal".into(), m.resident_since.map(format_it).unwrap_or_else(|| "—".into())),
                        ("Invalidità".into(), format!("{} %", m.invalidity_percent)),
                        ("Disabilità certificata".into(), yes(m.disability_certified)),
                        ("Non autosufficiente".into(), yes(m.not_self_sufficient)),
                        ("Condizione occupazionale".into(), m.employment.map(|e| e.label().to_string()).unwrap_or_else(|| "—".into())),
                        ("Istruzione".into(), m.education.label().to_string()),
                        ("Permesso di soggiorno".into(), m.permit.as_ref().map(|p| format!("{} n. {}", p.kind.label(), p.number)).unwrap_or_else(|| "—".into())),
                        ("Indirizzo del nucleo".into(), format!("{} {}", opt(&h.address), h.cap.clone().unwrap_or_default()).trim().to_string()),
                        ("Telefono".into(), opt(&h.phone)),
                        ("E-mail".into(), opt(&h.email)),
                        ("ISEE del nucleo".into(), h.isee.as_ref().map(|i| format!("{} (protocollo {}, scade il {})", i.value.format_it(), i.protocol, format_it(i.expires_on))).unwrap_or_else(|| "—".into())),
                        ("Note dell'ufficio sul nucleo".into(), opt(&h.notes)),
                        ("Operatore responsabile".into(), opt(&h.responsabile)),
                    ],
                    tables: vec![SectionTable {
                        title: Some("Gli altri componenti del nucleo".into()),
                        columns: vec!["Nome e cognome".into(), "Relazione".into(), "Data di nascita".into()],
                        rows: h
                            .others
                            .iter()
                            .map(|c| vec![format!("{} {}", c.first_name, c.last_name), c.relationship.clone(), format_it(c.birth_date)])
                            .collect(),
                    }],
                }
            }
            None => Section {
                title: "1. I Suoi dati personali".into(),
                intro: "L'ufficio non ha un fascicolo a Suo nome: i Suoi dati sono quelli delle domande ai bandi riportate più avanti.".into(),
                facts: vec![("Nome e cognome".into(), row.person_name.clone()), ("Codice fiscale".into(), row.codice_fiscale.to_string())],
                tables: Vec::new(),
            },
        });
        // 2. Analysis.
        sections.push(Section {
            title: "2. L'analisi preliminare".into(),
            intro: match &g.analysis {
                Some(a) => format!(
                    "Colloquio del {} con {}. Esito: {}. {}",
                    format_it(a.interview_date),
                    a.operator,
                    a.outcome.label(),
                    a.outcome_reason
                ),
                None => "Nessuna analisi preliminare registrata.".into(),
            },
            facts: g
                .quadro
                .iter()
                .flat_map(|q| {
                    let equipe = q
                        .equipe
                        .iter()
                        .map(|m| format!("{} ({})", m.name, m.service.label()))
                        .collect::<Vec<_>>()
                        .join(", ");
                    [
                        (
                            "Quadro di analisi dell'équipe".to_string(),
                            format!("incontro del {}", format_it(q.meeting_date)),
                        ),
                        ("Équipe multidisciplinare".to_string(), equipe),
                        (
                            "Esito concordato".to_string(),
                            format!("{}. {}", q.outcome.label(), q.outcome_reason),
                        ),
                    ]
                    .into_iter()
                    .chain(q.priorities.iter().map(|p| ("Priorità concordata".to_string(), p.clone())))
                })
                .collect(),
            tables: g
                .analysis
                .iter()
                .map(|a| SectionTable {
                    title: Some("Aree valutate".into()),
                    columns: vec!["Area".into(), "Bisogno".into()],
                    rows: a
                        .domains
                        .iter()
                        .map(|d| vec![d.domain.label().to_string(), d.need.label().to_string()])
                        .collect(),
                })
                .chain(g.quadro.iter().map(|q| {
                    SectionTable {
                        title: Some("Quadro di analisi: le aree approfondite".into()),
                        columns: vec![
                            "Area".into(),
                            "Bisogno".into(),
                            "Bisogni rilevati".into(),
                            "Risorse".into(),
                        ],
                        rows: q
                            .areas
                            .iter()
                            .map(|a| {
                                vec![
                                    a.domain.label().to_string(),
                                    a.need.label().to_string(),
                                    a.needs.clone().unwrap_or_default(),
                                    a.resources.clone().unwrap_or_default(),
                                ]
                            })
                            .collect(),
                    }
                }))
                .collect(),
        });
        // 3. Project.
        let member_names: HashMap<Id, String> = g
            .household
            .as_ref()
            .map(|h| std::iter::once((h.me.id, h.me.full_name())).collect())
            .unwrap_or_default();
        let who =
            |id: &Id| member_names.get(id).cloned().unwrap_or_else(|| "un altro componente".to_string());
        sections.push(match &g.project {
            Some(p) => Section {
                title: "3. Il progetto personalizzato".into(),
                intro: format!(
                    "Stato del progetto: {}. Termine per la firma: {}.",
                    p.status.label(),
                    format_it(p.signing_deadline)
                ),
                facts: p
                    .objectives
                    .iter()
                    .map(|o| ("Obiettivo".to_string(), o.clone()))
                    .chain(p.expected_results.iter().map(|r| ("Risultato atteso".to_string(), r.clone())))
                    .collect(),
                tables: vec![
                    SectionTable {
                        title: Some("Impegni".into()),
                        columns: vec!["Impegno".into(), "Chi".into(), "Entro".into(), "Stato".into()],
                        rows: p
                            .commitments
                            .iter()
                            .map(|c| {
                                vec![
                                    c.action.clone(),
                                    who(&c.member_id),
                                    format_it(c.due_date),
                                    c.status.label().to_string(),
                                ]
                            })
                            .collect(),
                    },
                    SectionTable {
                        title: Some("Sostegni".into()),
                        columns: vec!["Sostegno".into(), "Chi lo fornisce".into()],
                        rows: p
                            .supports
                            .iter()
                            .map(|s| vec![s.description.clone(), opt(&s.provider)])
                            .collect(),
                    },
                    SectionTable {
                        title: Some("Incontri".into()),
                        columns: vec!["Data".into(), "Ora".into(), "Luogo".into(), "Valutazione".into()],
                        rows: p
                            .meetings
                            .iter()
                            .map(|m| {
                                vec![format_it(m.date), m.time.clone(), opt(&m.place), opt(&m.evaluation)]
                            })
                            .collect(),
                    },
                    SectionTable {
                        title: Some("Firme".into()),
                        columns: vec!["Per".into(), "Firmato da".into(), "Il".into()],
                        rows: p
                            .signatures
                            .iter()
                            .map(|s| vec![who(&s.member_id), who(&s.signer_id), format_it(s.signed_on)])
                            .collect(),
                    },
                ],
            },
            None => Section {
                title: "3. Il progetto personalizzato".into(),
                intro: "Nessun progetto registrato.".into(),
                facts: Vec::new(),
                tables: Vec::new(),
            },
        });
        // 4. Eligibility decisions and their explanation.
        sections.push(Section {
            title: "4. Le verifiche dei requisiti e le loro motivazioni".into(),
            intro: if g.eligibility_checks.is_empty() {
                "Nessuna verifica dei requisiti registrata.".into()
            } else {
                "Per ogni verifica: la misura, l'esito e i passaggi con cui è stato deciso, secondo le regole in vigore quel giorno.".into()
            },
            facts: Vec::new(),
            tables: g
                .eligibility_checks
                .iter()
                .map(|c| SectionTable {
                    title: Some(format!("Verifica alla data del {} (eseguita da {})", format_it(c.reference_date), c.operator)),
                    columns: vec!["Misura".into(), "Esito".into(), "Motivazione".into()],
                    rows: c
                        .measures
                        .iter()
                        .map(|m| {
                            vec![
                                m.title.clone(),
                                if m.eligible { "ammesso".into() } else { "non ammesso".into() },
                                m.trace.iter().map(|s| s.line()).collect::<Vec<_>>().join("\n"),
                            ]
                        })
                        .collect(),
                })
                .collect(),
        });
        // 5. Applications, rankings, awards, reimbursements.
        let mut tables = Vec::new();
        for a in &g.applications {
            tables.push(SectionTable {
                title: Some(format!(
                    "{} — domanda protocollo {} del {}",
                    a.call_title,
                    a.application.protocol,
                    format_it(a.application.submitted_on)
                )),
                columns: vec![
                    "Versione della graduatoria".into(),
                    "Pubblicata il".into(),
                    "Esito".into(),
                    "Posizione".into(),
                    "Punteggio".into(),
                    "Importo".into(),
                ],
                rows: a
                    .rankings
                    .iter()
                    .map(|r| {
                        vec![
                            r.version.to_string(),
                            format_it(r.published_on),
                            r.outcome.replace('_', " "),
                            r.position.map(|p| p.to_string()).unwrap_or_else(|| "—".into()),
                            r.score.clone().unwrap_or_else(|| "—".into()),
                            r.amount.map(crate::money::Money::format_it).unwrap_or_else(|| "—".into()),
                        ]
                    })
                    .collect(),
            });
            // The explanation of the latest version: how the score (or the
            // exclusion) was reached.
            if let Some(last) = a.rankings.last() {
                tables.push(SectionTable {
                    title: Some(format!("Come è stata valutata la domanda (versione {})", last.version)),
                    columns: vec!["Passaggio".into()],
                    rows: last.explanation.iter().map(|l| vec![l.clone()]).collect(),
                });
            }
            if let Some(aw) = &a.award {
                tables.push(SectionTable {
                    title: Some(format!(
                        "Contributo assegnato: {} per i mesi da {} a {}",
                        aw.amount.format_it(),
                        aw.first_month,
                        aw.last_month
                    )),
                    columns: vec![
                        "Richiesta di rimborso n.".into(),
                        "Consegnata il".into(),
                        "Rimborsato".into(),
                    ],
                    rows: aw
                        .claims
                        .iter()
                        .map(|c| {
                            vec![c.number.to_string(), format_it(c.received_on), c.reimbursed.format_it()]
                        })
                        .collect(),
                });
            }
        }
        sections.push(Section {
            title: "5. Domande ai bandi, graduatorie, contributi e rimborsi".into(),
            intro: if g.applications.is_empty() {
                "Nessuna domanda a un bando.".into()
            } else {
                "Per ogni domanda è riportata solo la Sua posizione nelle graduatorie pubblicate, non quella degli altri richiedenti.".into()
            },
            facts: Vec::new(),
            tables,
        });
        // 6. Housing.
        sections.push(Section {
            title: "6. Alloggi temporanei e lista d'attesa".into(),
            intro: if g.stays.is_empty() && g.waiting.is_empty() {
                "Nessun inserimento e nessuna iscrizione alla lista d'attesa.".into()
            } else {
                "Gli inserimenti del nucleo negli alloggi temporanei e le iscrizioni alla lista d'attesa."
                    .into()
            },
            facts: Vec::new(),
            tables: vec![
                SectionTable {
                    title: Some("Inserimenti".into()),
                    columns: vec![
                        "Alloggio".into(),
                        "Ingresso".into(),
                        "Fine prevista".into(),
                        "Uscita".into(),
                    ],
                    rows: g
                        .stays
                        .iter()
                        .map(|s| {
                            vec![
                                s.unit.clone(),
                                format_it(s.entry),
                                format_it(s.planned_end),
                                s.exit.map(format_it).unwrap_or_else(|| "—".into()),
                            ]
                        })
                        .collect(),
                },
                SectionTable {
                    title: Some("Lista d'attesa".into()),
                    columns: vec!["Bisogno".into(), "Dal".into(), "Stato".into()],
                    rows: g
                        .waiting
                        .iter()
                        .map(|w| {
                            let state = match w.state.as_str() {
                                "waiting" => "in attesa",
                                "placed" => "inserito in alloggio",
                                "withdrawn" => "ritirato dalla lista",
                                other => other,
                            };
                            vec![w.need.clone(), format_it(w.since), state.to_string()]
                        })
                        .collect(),
                },
            ],
        });
        // 7. Documents.
        sections.push(Section {
            title: "7. I documenti del fascicolo".into(),
            intro: if g.documents.is_empty() {
                "Nessun documento.".into()
            } else {
                "Una copia di ciascun documento è nella cartella «documenti» della copia digitale.".into()
            },
            facts: Vec::new(),
            tables: vec![SectionTable {
                title: None,
                columns: vec!["Documento".into(), "Del".into()],
                rows: g
                    .documents
                    .iter()
                    .map(|d| vec![d.document.title.clone(), local_time(&d.document.created_at)])
                    .collect(),
            }],
        });
        // 8. Access log.
        sections.push(Section {
            title: "8. Chi ha consultato il Suo fascicolo".into(),
            intro: if g.accesses.is_empty() {
                "Nessun accesso registrato.".into()
            } else {
                "Ogni consultazione e modifica del fascicolo, dal registro degli accessi.".into()
            },
            facts: Vec::new(),
            tables: vec![SectionTable {
                title: None,
                columns: vec!["Data e ora".into(), "Operatore".into(), "Azione".into()],
                rows: g
                    .accesses
                    .iter()
                    .map(|r| {
                        vec![
                            local_time(&r.at),
                            format!("{} ({})", r.operator_name, r.role_label),
                            r.action_label.clone(),
                        ]
                    })
                    .collect(),
            }],
        });
        let requester = match (&row.representative_name, &row.representative_role) {
            (Some(n), Some(r)) => format!("presentata da {n} ({r})"),
            _ => "presentata dall'interessato".to_string(),
        };
        let model = DataAccess {
            office: printed_office(&o)?,
            comune_name: self.calendar_of(&o.comune).ok().map(|c| c.nome),
            person_name: row.person_name.clone(),
            codice_fiscale: row.codice_fiscale.to_string(),
            request: format!(
                "Richiesta di {} ricevuta il {} {}, {}.",
                row.kind.label(),
                format_it(row.received_on),
                row.channel.label(),
                requester
            ),
            issued_on: today,
            sections,
            rights: vec![
                "Finalità e base giuridica: i dati sono trattati per l'erogazione dei servizi sociali del Comune \
                 (art. 6, par. 1, lett. e, e art. 9, par. 2, lett. g, del Regolamento UE 2016/679). Sono comunicati \
                 solo agli enti previsti dalla legge (per esempio l'INPS per il casellario dell'assistenza)."
                    .into(),
                "Lei può chiedere la rettifica dei dati inesatti (art. 16), la limitazione del trattamento (art. 18), \
                 e, nei casi previsti, la cancellazione (art. 17); può proporre reclamo al Garante per la protezione \
                 dei dati personali (www.garanteprivacy.it)."
                    .into(),
                "La copia digitale (file ZIP) contiene gli stessi dati in un formato leggibile da programmi (art. 20): \
                 dati.json, le tabelle in CSV e i documenti in PDF."
                    .into(),
            ],
            operator: self.operator.name.clone(),
        };
        crate::print::data_access::render(&model)
            .map_err(|e| Error { message: format!("Impossibile stampare la risposta: {}", e.message), ..e })
    }
}

/// `dati.json` (docs/accesso-dati.md).
#[derive(Serialize)]
struct BundleJson<'a> {
    schema: &'static str,
    versione: u32,
    generato_il: NaiveDate,
    richiesta: RequestJson<'a>,
    interessato: PersonJson<'a>,
    #[serde(flatten)]
    dati: &'a Gathered,
}

#[derive(Serialize)]
struct RequestJson<'a> {
    id: Id,
    tipo: &'static str,
    ricevuta_il: NaiveDate,
    canale: &'static str,
    richiedente: &'static str,
    rappresentante: Option<&'a str>,
    scadenza: NaiveDate,
}

#[derive(Serialize)]
struct PersonJson<'a> {
    nome: &'a str,
    codice_fiscale: String,
}

fn csv_of(t: &Table) -> Result<Vec<u8>, Error> {
    t.to_csv()
}

/// The ZIP: `risposta.pdf`, `dati.json`, the CSV tables, `documenti/*.pdf`;
/// and the names of its files.
fn bundle(
    row: &DataRequestRow,
    g: &Gathered,
    pdf: &[u8],
    today: NaiveDate,
) -> Result<(Vec<u8>, Vec<String>), Error> {
    let json = BundleJson {
        schema: BUNDLE_SCHEMA,
        versione: BUNDLE_VERSION,
        generato_il: today,
        richiesta: RequestJson {
            id: row.id,
            tipo: row.kind.as_str(),
            ricevuta_il: row.received_on,
            canale: row.channel.as_str(),
            richiedente: row.requester.as_str(),
            rappresentante: row.representative_name.as_deref(),
            scadenza: row.due_on,
        },
        interessato: PersonJson { nome: &row.person_name, codice_fiscale: row.codice_fiscale.to_string() },
        dati: g,
    };
    let json = serde_json::to_vec_pretty(&json)
        .map_err(|e| Error::new(Code::Internal, format!("dati.json: {e}")))?;
    let mut files: Vec<(String, Vec<u8>)> =
        vec![("risposta.pdf".into(), pdf.to_vec()), ("dati.json".into(), json)];
    // The tabular parts, as an Italian spreadsheet opens them.
    let mut t = Table::new("componenti", &["nome", "cognome", "relazione", "data_di_nascita", "interessato"]);
    if let Some(h) = &g.household {
        t.push(vec![
            Value::text(&h.me.first_name),
            Value::text(&h.me.last_name),
            Value::text(h.me.relationship.label()),
            Value::Date(h.me.birth_date),
            Value::text("sì"),
        ]);
        for c in &h.others {
            t.push(vec![
                Value::text(&c.first_name),
                Value::text(&c.last_name),
                Value::text(&c.relationship),
                Value::Date(c.birth_date),
                Value::text("no"),
            ]);
        }
    }
    files.push(("componenti.csv".into(), csv_of(&t)?));
    let mut t = Table::new("domande", &["avviso", "protocollo", "presentata_il", "importo_richiesto"]);
    let mut r = Table::new(
        "graduatorie",
        &["avviso", "protocollo", "versione", "pubblicata_il", "esito", "posizione", "punteggio", "importo"],
    );
    let mut c = Table::new("rimborsi", &["avviso", "protocollo", "richiesta", "consegnata_il", "rimborsato"]);
    for a in &g.applications {
        t.push(vec![
            Value::text(&a.call_title),
            Value::text(&a.application.protocol),
            Value::Date(a.application.submitted_on),
            Value::Money(a.application.amount),
        ]);
        for k in &a.rankings {
            r.push(vec![
                Value::text(&a.call_title),
                Value::text(&a.application.protocol),
                Value::Integer(i64::from(k.version)),
                Value::Date(k.published_on),
                Value::text(&k.outcome),
                k.position.map_or(Value::Empty, |p| Value::Integer(i64::from(p))),
                k.score.as_ref().map_or(Value::Empty, Value::text),
                k.amount.map_or(Value::Empty, Value::Money),
            ]);
        }
        if let Some(aw) = &a.award {
            for cl in &aw.claims {
                c.push(vec![
                    Value::text(&a.call_title),
                    Value::text(&a.application.protocol),
                    Value::Integer(i64::from(cl.number)),
                    Value::Date(cl.received_on),
                    Value::Money(cl.reimbursed),
                ]);
            }
        }
    }
    files.push(("domande.csv".into(), csv_of(&t)?));
    files.push(("graduatorie.csv".into(), csv_of(&r)?));
    files.push(("rimborsi.csv".into(), csv_of(&c)?));
    let mut t = Table::new("verifiche", &["data", "misura", "esito"]);
    for ch in &g.eligibility_checks {
        for m in &ch.measures {
            t.push(vec![
                Value::Date(ch.reference_date),
                Value::text(&m.title),
                Value::text(if m.eligible { "ammesso" } else { "non ammesso" }),
            ]);
        }
    }
    files.push(("verifiche_requisiti.csv".into(), csv_of(&t)?));
    let mut t = Table::new("alloggi", &["alloggio", "ingresso", "fine_prevista", "uscita"]);
    for s in &g.stays {
        t.push(vec![
            Value::text(&s.unit),
            Value::Date(s.entry),
            Value::Date(s.planned_end),
            s.exit.map_or(Value::Empty, Value::Date),
        ]);
    }
    files.push(("alloggi.csv".into(), csv_of(&t)?));
    let mut t = Table::new("documenti", &["titolo", "file", "creato_il"]);
    for d in &g.documents {
        t.push(vec![
            Value::text(&d.document.title),
            Value::text(&d.file),
            Value::text(&d.document.created_at),
        ]);
    }
    files.push(("documenti.csv".into(), csv_of(&t)?));
    let mut t = Table::new("accessi", &["data_ora_utc", "operatore", "ruolo", "azione"]);
    for a in &g.accesses {
        t.push(vec![
            Value::text(&a.at),
            Value::text(&a.operator_name),
            Value::text(&a.role_label),
            Value::text(&a.action_label),
        ]);
    }
    files.push(("accessi.csv".into(), csv_of(&t)?));
    for d in &g.documents {
        files.push((d.file.clone(), d.bytes.clone()));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let zerr = |e: zip::result::ZipError| Error::new(Code::Internal, format!("ZIP: {e}"));
    for (name, bytes) in &files {
        zip.start_file(name.as_str(), options).map_err(zerr)?;
        zip.write_all(bytes).map_err(|e| Error::new(Code::Internal, format!("ZIP: {e}")))?;
    }
    let bytes = zip.finish().map_err(zerr)?.into_inner();
    Ok((bytes, files.into_iter().map(|f| f.0).collect()))
}
