//! Paying what a published ranking awarded (rules.md §7): the award of each
//! funded application, the claims the family hands in (decided by
//! `rules::reimbursement`, the rule of `sportello reimburse`, and kept as
//! decided), the family's statement and the elenco di liquidazione for the
//! finance office.
//!
//! A claim is decided against what is stored: what earlier claims of the
//! award reimbursed month by month, and every document they handed in (for
//! DUPLICATE). So the app's decision is, by construction, the CLI's decision
//! on the same claim file; tests/service_reimbursements.rs checks it.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ranking::Exported;
use super::{load, load_rules, Loaded};
use crate::cf::Cf;
use crate::dates::{self, Month};
use crate::domain::form;
use crate::domain::Id;
use crate::error::{Code, Error};
use crate::iban::Iban;
use crate::money::Money;
use crate::print::reimbursement::{
    self as printed, Liquidation, Statement, StatementClaim, StatementDocument, StatementMonth,
};
use crate::rules::reimbursement::{
    claims_csv, normalize_issuer, reimburse, Award, Claim, DocumentReason, EarlierDocument, ExpenseDocument,
    MonthAmount, Outcome,
};
use crate::rules::rule_set::{Kind, RuleSets};
use crate::service::printing::printed_office;
use crate::service::{not_found, office, Action, Service};
use crate::storage::{AwardRow, ClaimDocumentRow, ClaimRow, LiquidationItem, LiquidationRow, Stamp, Tx};
use crate::table::{Table, Value};

// ---- What the screen sends ------------------------------------------------------

/// The award of one funded application (the "Rimborsi" tab's row form).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AwardInput {
    pub call_id: Option<String>,
    pub protocol: Option<String>,
    /// `mm/aaaa` or `AAAA-MM`.
    pub first_month: Option<String>,
    pub last_month: Option<String>,
    pub iban: Option<String>,
    /// The account's holder, when not the applicant linked to the application.
    pub holder_name: Option<String>,
    pub holder_cf: Option<String>,
}

/// A claim as handed in at the desk.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClaimInput {
    pub award_id: Option<String>,
    /// The day the family handed it in (ISO, as the date fields send it).
    pub received_on: Option<String>,
    pub documents: Vec<DocumentInput>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DocumentInput {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub issuer: Option<String>,
    pub number: Option<String>,
    pub date: Option<String>,
    pub month: Option<String>,
    pub amount: Option<String>,
}

// ---- What the screen gets ---------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentType {
    pub code: String,
    pub label: String,
}

/// One funded application of the ranking in force, with its award if set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardLine {
    pub protocol: String,
    pub position: u32,
    pub beneficiary: Option<String>,
    /// The amount the ranking in force funds.
    pub funded_amount: Money,
    pub award: Option<AwardView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardView {
    pub id: Id,
    pub amount: Money,
    pub first_month: Month,
    pub last_month: Month,
    pub ranking_version: u32,
    /// Grouped by four, as printed.
    pub iban: Option<String>,
    pub holder_name: Option<String>,
    pub holder_cf: Option<String>,
    pub claims: u32,
    pub reimbursed: Money,
    /// What the months' caps still allow.
    pub left: Money,
    /// Period and amount can be corrected until the first claim (IBAN and
    /// holder always).
    pub changeable: bool,
    /// The ranking in force funds another amount (an appeal changed it).
    pub amount_differs: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiquidationView {
    pub id: Id,
    pub number: u32,
    pub issued_on: NaiveDate,
    pub total: Money,
    pub rows: u32,
    pub pdf_file: String,
}

/// The "Rimborsi" tab of a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reimbursements {
    /// The ranking version in force (None: nothing published yet).
    pub version: Option<u32>,
    pub awards: Vec<AwardLine>,
    /// Decided claims with something reimbursed that no list pays yet.
    pub to_liquidate: u32,
    pub to_liquidate_total: Money,
    pub liquidations: Vec<LiquidationView>,
    pub document_types: Vec<DocumentType>,
    /// The acting operator may set awards (`award_save`) and issue lists
    /// (`liquidation_issue`): the screen shows those forms or says whose they are.
    pub can_award: bool,
    pub can_issue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentView {
    #[serde(rename = "type")]
    pub kind: String,
    pub kind_label: Option<String>,
    pub issuer: String,
    pub number: String,
    pub date: NaiveDate,
    pub month: Month,
    pub amount: Money,
    pub accepted: Money,
    /// Each reason's code with its Italian sentence, as the rule gave them.
    pub reasons: Vec<DocumentReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimView {
    pub id: Id,
    pub number: u32,
    pub received_on: NaiveDate,
    pub reimbursed: Money,
    /// The list that pays it: number and day.
    pub liquidation: Option<(u32, NaiveDate)>,
    pub documents: Vec<DocumentView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthView {
    pub month: Month,
    pub cap: Money,
    pub reimbursed: Money,
    pub left: Money,
}

/// One award with its claims (the claim form's page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardClaims {
    pub call_id: Id,
    pub protocol: String,
    pub beneficiary: Option<String>,
    pub measure_title: String,
    pub award: AwardView,
    pub months: Vec<MonthView>,
    pub claims: Vec<ClaimView>,
    pub document_types: Vec<DocumentType>,
}

/// A claim decided: recorded (`number`), or only previewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimDecision {
    pub number: Option<u32>,
    pub total: Money,
    pub documents: Vec<DocumentView>,
    pub months: Vec<MonthView>,
    pub awarded: Money,
    pub left: Money,
    /// The rule's text, as `sportello reimburse` prints it.
    pub statement: String,
}

// ---- The work ------------------------------------------------------------------------

/// A measure's title and the document types it reimburses, under the
/// reimbursement rules in force on `on` (a measure they do not list: its id,
/// and no type).
fn measure_rules(
    rules: &RuleSets,
    comune: &str,
    on: NaiveDate,
    measure: &str,
) -> Result<(String, Vec<DocumentType>), Error> {
    let set = rules.covering(Kind::RimborsoB2, comune, on).map_err(|e| e.with_field("first_month"))?;
    let r = set.rimborso_b2().ok_or_else(|| {
        Error::new(Code::Internal, format!("«{}» non è un insieme di regole dei rimborsi B2", set.id))
    })?;
    Ok(match r.measures.get(measure) {
        Some(m) => (
            m.title.clone(),
            m.documents
                .value
                .iter()
                .map(|(code, label)| DocumentType { code: code.clone(), label: label.clone() })
                .collect(),
        ),
        None => (measure.to_string(), Vec::new()),
    })
}

/// The comune whose reimbursement rules a call's awards follow: the call's
/// rule set's (the B2 calls are the Comune di Milano's).
fn comune_of_call(rules: &RuleSets, l: &Loaded) -> String {
    rules
        .get(&l.row.rule_set.id)
        .ok()
        .and_then(|s| s.comune.clone())
        .unwrap_or_else(|| crate::rules::reimbursement::DEFAULT_COMUNE.to_string())
}

/// Who is paid: the account's holder when the award names one, else who
/// applied (the member the application names, else the household's
/// richiedente). "Cognome Nome" and codice fiscale.
fn payee(tx: &Tx<'_>, l: &Loaded, a: &AwardRow) -> Result<(Option<String>, Option<String>), Error> {
    if let Some(name) = &a.holder_name {
        return Ok((Some(name.clone()), a.holder_cf.as_ref().map(|c| c.as_str().to_string())));
    }
    beneficiary(tx, l, &a.protocol)
}

/// "Cognome Nome" of who applied: the member the application names, else the
/// household's richiedente.
fn beneficiary(tx: &Tx<'_>, l: &Loaded, protocol: &str) -> Result<(Option<String>, Option<String>), Error> {
    let Some(app) = l.apps.iter().find(|a| a.application.protocol == protocol) else {
        return Ok((None, None));
    };
    let Some(hid) = app.household_id else { return Ok((None, None)) };
    let Some(h) = tx.household_get(hid)? else { return Ok((None, None)) };
    let m = app.member_id.and_then(|id| h.member(id)).or_else(|| h.applicant());
    Ok((m.map(|m| m.sort_name()), m.map(|m| m.codice_fiscale.as_str().to_string())))
}

/// What earlier claims reimbursed, month by month.
fn reimbursed_by_month(claims: &[ClaimRow]) -> Vec<MonthAmount> {
    claims
        .iter()
        .flat_map(|c| &c.documents)
        .filter(|d| d.accepted > Money::ZERO)
        .map(|d| MonthAmount { month: d.month, amount: d.accepted })
        .collect()
}

fn sum(xs: impl IntoIterator<Item = Money>) -> Money {
    xs.into_iter().fold(Money::ZERO, |a, b| a.checked_add(b).expect("amounts in range"))
}

/// The months of an award with their caps and what claims took of them.
fn months_of(
    award: &Award,
    claims: &[ClaimRow],
    rules: &RuleSets,
    comune: &str,
    measure: &str,
) -> Result<Vec<MonthView>, Error> {
    // The caps are the rule's, computed as a claim with no documents would.
    let empty = Claim {
        measure: measure.to_string(),
        comune: comune.to_string(),
        funded: true,
        award: *award,
        already_reimbursed: reimbursed_by_month(claims),
        earlier_documents: Vec::new(),
        documents: Vec::new(),
    };
    let o = reimburse(&empty, rules)?;
    Ok(o.months
        .iter()
        .map(|m| MonthView { month: m.month, cap: m.cap, reimbursed: m.reimbursed_before, left: m.left() })
        .collect())
}

fn award_view(
    a: &AwardRow,
    claims: &[ClaimRow],
    months: &[MonthView],
    funded_now: Option<Money>,
) -> AwardView {
    AwardView {
        id: a.id,
        amount: a.award.amount,
        first_month: a.award.first_month,
        last_month: a.award.last_month,
        ranking_version: a.ranking_version,
        iban: a.iban.as_ref().map(Iban::grouped),
        holder_name: a.holder_name.clone(),
        holder_cf: a.holder_cf.as_ref().map(|c| c.as_str().to_string()),
        claims: claims.len() as u32,
        reimbursed: sum(claims.iter().map(|c| c.reimbursed)),
        left: sum(months.iter().map(|m| m.left)),
        changeable: claims.is_empty(),
        amount_differs: funded_now != Some(a.award.amount),
    }
}

fn document_view(d: &ClaimDocumentRow) -> DocumentView {
    DocumentView {
        kind: d.kind.clone(),
        kind_label: d.kind_label.clone(),
        issuer: d.issuer.clone(),
        number: d.number.clone(),
        date: d.issued_on,
        month: d.month,
        amount: d.amount,
        accepted: d.accepted,
        reasons: d.reasons.clone(),
    }
}

/// The funded amount of `protocol` in the ranking in force, with its position.
fn funded_in_force(l: &Loaded, protocol: &str) -> Option<(u32, Money)> {
    let v = l.call.latest()?;
    v.ranking.funded.iter().find(|r| r.protocol == protocol).map(|r| (r.position, r.amount))
}

fn required_month(field: &str, v: &Option<String>, what: &str) -> Result<Month, Error> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Err(Error::invalid(field, format!("Indicare {what}"))),
        Some(s) => Month::parse_office(field, s),
    }
}

fn read_documents(input: &[DocumentInput]) -> Result<Vec<ExpenseDocument>, Error> {
    if input.is_empty() {
        return Err(Error::invalid("documents", "Una richiesta di rimborso ha almeno un documento di spesa"));
    }
    input
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let f = |k: &str| format!("documents[{i}].{k}");
            let issuer = normalize_issuer(&form::required_line(
                &f("issuer"),
                &d.issuer,
                "chi ha emesso il documento (codice fiscale o partita IVA)",
            )?);
            let amount_text = form::required_line(&f("amount"), &d.amount, "l'importo")?;
            let amount = Money::parse(&amount_text).map_err(|e| Error::invalid(f("amount"), e.message))?;
            if amount <= Money::ZERO {
                return Err(Error::invalid(f("amount"), "l'importo di un documento è maggiore di zero"));
            }
            Ok(ExpenseDocument {
                id: (i + 1).to_string(),
                kind: form::required_line(&f("type"), &d.kind, "il tipo di documento")?,
                issuer,
                number: form::required_line(&f("number"), &d.number, "il numero del documento")?,
                date: form::required_date(&f("date"), &d.date, "la data del documento")?,
                month: required_month(&f("month"), &d.month, "il mese a cui si riferisce la spesa")?,
                amount,
            })
        })
        .collect()
}

/// The decision's documents as stored.
fn decided_documents(o: &Outcome) -> Vec<ClaimDocumentRow> {
    o.documents
        .iter()
        .map(|d| ClaimDocumentRow {
            id: Id::new(),
            kind: d.kind.clone(),
            kind_label: d.kind_label.clone(),
            issuer: d.issuer.clone(),
            number: d.number.clone(),
            issued_on: d.date,
            month: d.month,
            amount: d.amount,
            accepted: d.accepted,
            reasons: d.reasons.clone(),
        })
        .collect()
}

/// The answer about a claim: the rule's outcome, with its documents as they
/// are (or would be) stored.
fn decision(o: &Outcome, number: Option<u32>, documents: &[ClaimDocumentRow]) -> ClaimDecision {
    ClaimDecision {
        number,
        total: o.total,
        documents: documents.iter().map(document_view).collect(),
        months: o
            .months
            .iter()
            .map(|m| MonthView {
                month: m.month,
                cap: m.cap,
                reimbursed: m.reimbursed_before.checked_add(m.reimbursed).expect("amounts in range"),
                left: m.left(),
            })
            .collect(),
        awarded: o.balance.awarded,
        left: o.balance.left,
        statement: crate::rules::reimbursement::render_text(o),
    }
}

fn call_of(id: &Option<String>) -> Result<Id, Error> {
    form::required_id("call_id", id, "l'avviso")
}

impl Service {
    /// The "Rimborsi" tab: the funded applications of the ranking in force
    /// with their awards, what is waiting for a list, the lists issued.
    pub fn reimbursements_get(&self, call_id: Id) -> Result<Reimbursements, Error> {
        let rules = load_rules()?;
        self.run(Action::ReimbursementsGet, Some(call_id), |tx, _| self.reimbursements(tx, &rules, call_id))
    }

    fn reimbursements(&self, tx: &Tx<'_>, rules: &RuleSets, call_id: Id) -> Result<Reimbursements, Error> {
        let l = load(tx, call_id)?;
        let comune = comune_of_call(rules, &l);
        let awards = tx.awards_of_call(call_id)?;
        let mut lines = Vec::new();
        if let Some(v) = l.call.latest() {
            for r in &v.ranking.funded {
                let row = awards.iter().find(|a| a.protocol == r.protocol);
                let award = match row {
                    Some(a) => {
                        let claims = tx.claims_of_award(a.id)?;
                        let months = months_of(&a.award, &claims, rules, &comune, &l.row.measure)?;
                        Some(award_view(a, &claims, &months, Some(r.amount)))
                    }
                    None => None,
                };
                let name = match row {
                    Some(a) => payee(tx, &l, a)?.0,
                    None => beneficiary(tx, &l, &r.protocol)?.0,
                };
                lines.push(AwardLine {
                    protocol: r.protocol.clone(),
                    position: r.position,
                    beneficiary: name,
                    funded_amount: r.amount,
                    award,
                });
            }
        }
        let pending = tx.claims_to_liquidate(call_id)?;
        let this_month = Month::of(self.today()).first_day();
        let document_types =
            measure_rules(rules, &comune, this_month, &l.row.measure).map(|t| t.1).unwrap_or_default();
        Ok(Reimbursements {
            version: l.call.latest().map(|v| v.version),
            awards: lines,
            to_liquidate: pending.len() as u32,
            to_liquidate_total: sum(pending.iter().map(|(_, c)| c.reimbursed)),
            liquidations: tx
                .liquidations_of_call(call_id)?
                .iter()
                .map(|x| LiquidationView {
                    id: x.id,
                    number: x.number,
                    issued_on: x.issued_on,
                    total: x.total,
                    rows: x.items.len() as u32,
                    pdf_file: x.pdf_file.clone(),
                })
                .collect(),
            document_types,
            can_award: crate::service::access::allowed("award_save", self.operator().role),
            can_issue: crate::service::access::allowed("liquidation_issue", self.operator().role),
        })
    }

    /// Sets (or, before any claim, corrects) the award of a funded application:
    /// the amount is the ranking in force's, never typed.
    pub fn award_save(&self, input: AwardInput) -> Result<Reimbursements, Error> {
        let call_id = call_of(&input.call_id)?;
        let protocol = form::required_line("protocol", &input.protocol, "il protocollo della domanda")?;
        let first = required_month("first_month", &input.first_month, "il primo mese del contributo")?;
        let last = required_month("last_month", &input.last_month, "l'ultimo mese del contributo")?;
        if last < first {
            return Err(Error::invalid("last_month", "l'ultimo mese viene dopo il primo"));
        }
        let iban = match input.iban.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(Iban::parse("iban", s)?),
            None => None,
        };
        let holder_name = match input.holder_name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(_) => {
                Some(form::name("holder_name", &input.holder_name, "il nome dell'intestatario del conto")?)
            }
            None => None,
        };
        let holder_cf = match input.holder_cf.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(Cf::check(s).map_err(|e| e.to_error("holder_cf"))?),
            None => None,
        };
        if holder_cf.is_some() && holder_name.is_none() {
            return Err(Error::invalid("holder_name", "Indicare il nome dell'intestatario del conto"));
        }
        let rules = load_rules()?;
        self.run(Action::AwardSave, Some(call_id), |tx, stamp| {
            let l = load(tx, call_id)?;
            let version = l.call.latest().ok_or_else(|| {
                Error::new(Code::Conflict, "La graduatoria non è ancora pubblicata: nessun contributo da assegnare")
            })?;
            let (_, amount) = funded_in_force(&l, &protocol).ok_or_else(|| {
                Error::invalid(
                    "protocol",
                    format!("la domanda «{protocol}» non è finanziata nella graduatoria in vigore (versione {})", version.version),
                )
            })?;
            let award = Award { amount, first_month: first, last_month: last };
            // The rule's own checks (a rule set covering the first month, at
            // least the minimum a month) before anything is stored.
            let comune = comune_of_call(&rules, &l);
            months_of(&award, &[], &rules, &comune, &l.row.measure).map_err(|e| match e.field.as_deref() {
                // The rule names the claim's award; the form names its fields.
                Some("award.first_month") => e.with_field("first_month"),
                Some("award.amount") => e.with_field("last_month"),
                _ => e,
            })?;
            let existing = tx.awards_of_call(call_id)?.into_iter().find(|a| a.protocol == protocol);
            // Once a claim is decided the caps the family was told stay: the
            // period cannot move, and the amount stays the one decided on
            // (an appeal that changes it is shown, not applied). Where the
            // money goes is still the office's to correct.
            let (award, ranking_version) = match &existing {
                Some(a) if !tx.claims_of_award(a.id)?.is_empty() => {
                    if (a.award.first_month, a.award.last_month) != (first, last) {
                        return Err(Error::new(
                            Code::Conflict,
                            "Il contributo ha già richieste di rimborso decise: periodo e importo restano quelli \
                             comunicati (si possono correggere solo IBAN e intestatario)",
                        ));
                    }
                    (a.award, a.ranking_version)
                }
                _ => (award, version.version),
            };
            let row = AwardRow {
                id: existing.map(|a| a.id).unwrap_or_else(Id::new),
                call_id,
                protocol: protocol.clone(),
                ranking_version,
                award,
                iban: iban.clone(),
                holder_name: holder_name.clone(),
                holder_cf: holder_cf.clone(),
                updated_at: stamp.at.clone(),
            };
            tx.award_put(&row, stamp)?;
            self.reimbursements(tx, &rules, call_id)
        })
    }

    /// One award with its months and decided claims.
    pub fn award_claims(&self, award_id: Id) -> Result<AwardClaims, Error> {
        let rules = load_rules()?;
        self.run(Action::AwardClaims, Some(award_id), |tx, _| {
            let a = tx.award_get(award_id)?.ok_or_else(|| not_found("Contributo"))?;
            let l = load(tx, a.call_id)?;
            let comune = comune_of_call(&rules, &l);
            let claims = tx.claims_of_award(a.id)?;
            let months = months_of(&a.award, &claims, &rules, &comune, &l.row.measure)?;
            let (measure_title, document_types) =
                measure_rules(&rules, &comune, a.award.first_month.first_day(), &l.row.measure)?;
            let views = claims
                .iter()
                .map(|c| {
                    Ok(ClaimView {
                        id: c.id,
                        number: c.number,
                        received_on: c.received_on,
                        reimbursed: c.reimbursed,
                        liquidation: tx.claim_liquidation(c.id)?,
                        documents: c.documents.iter().map(document_view).collect(),
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?;
            Ok(AwardClaims {
                call_id: a.call_id,
                protocol: a.protocol.clone(),
                beneficiary: payee(tx, &l, &a)?.0,
                measure_title,
                award: award_view(&a, &claims, &months, funded_in_force(&l, &a.protocol).map(|x| x.1)),
                months,
                claims: views,
                document_types,
            })
        })
    }

    /// Decides a claim against what is stored; records it when `record`.
    pub fn reimbursement_claim(&self, input: ClaimInput, record: bool) -> Result<ClaimDecision, Error> {
        let award_id = form::required_id("award_id", &input.award_id, "il contributo")?;
        let received_on =
            form::required_date("received_on", &input.received_on, "la data di consegna della richiesta")?;
        let documents = read_documents(&input.documents)?;
        let rules = load_rules()?;
        let action = if record { Action::ReimbursementRecord } else { Action::ReimbursementPreview };
        if received_on > self.today() {
            return Err(Error::invalid("received_on", "la data di consegna non può essere futura"));
        }
        self.run(action, Some(award_id), |tx, stamp| {
            let a = tx.award_get(award_id)?.ok_or_else(|| not_found("Contributo"))?;
            decide_claim(tx, stamp, &rules, &a, received_on, documents, record)
        })
    }

    /// The family's statement of one award (PDF), into the private viewing
    /// area for the system's viewer: it names the family.
    pub fn reimbursement_statement(&self, award_id: Id) -> Result<Exported, Error> {
        let rules = load_rules()?;
        let today = self.today();
        self.run(Action::ReimbursementStatement, Some(award_id), |tx, _| {
            let a = tx.award_get(award_id)?.ok_or_else(|| not_found("Contributo"))?;
            let l = load(tx, a.call_id)?;
            let comune = comune_of_call(&rules, &l);
            let claims = tx.claims_of_award(a.id)?;
            let months = months_of(&a.award, &claims, &rules, &comune, &l.row.measure)?;
            let (measure_title, _) =
                measure_rules(&rules, &comune, a.award.first_month.first_day(), &l.row.measure)?;
            let o = office(tx)?;
            let s = Statement {
                office: printed_office(&o)?,
                comune_name: self.calendar_of(&o.comune).ok().map(|c| c.nome),
                call_title: l.row.title.clone(),
                measure_title,
                protocol: a.protocol.clone(),
                beneficiary: payee(tx, &l, &a)?.0,
                award_amount: a.award.amount,
                first_month: a.award.first_month,
                last_month: a.award.last_month,
                claims: claims
                    .iter()
                    .map(|c| StatementClaim {
                        number: c.number,
                        received_on: c.received_on,
                        reimbursed: c.reimbursed,
                        documents: c
                            .documents
                            .iter()
                            .map(|d| StatementDocument {
                                kind_label: d.kind_label.clone().unwrap_or_else(|| d.kind.clone()),
                                issuer: d.issuer.clone(),
                                number: d.number.clone(),
                                date: d.issued_on,
                                month: d.month,
                                amount: d.amount,
                                accepted: d.accepted,
                                reasons: d.reasons.iter().map(|r| r.text.clone()).collect(),
                            })
                            .collect(),
                    })
                    .collect(),
                months: months
                    .iter()
                    .map(|m| StatementMonth {
                        month: m.month,
                        cap: m.cap,
                        reimbursed: m.reimbursed,
                        left: m.left,
                    })
                    .collect(),
                reimbursed: sum(claims.iter().map(|c| c.reimbursed)),
                left: sum(months.iter().map(|m| m.left)),
                issued_on: today,
                operator: self.operator().name.clone(),
            };
            let pdf = printed::render_statement(&s)?;
            let file_name = format!("rimborsi-{}-{}.pdf", file_safe(&a.protocol), today);
            let path = self.viewing.write(&file_name, &pdf)?;
            Ok(Exported { path: path.display().to_string(), file_name })
        })
    }

    /// Issues the next elenco di liquidazione of a call: every decided claim
    /// with something reimbursed that no earlier list pays, frozen with its PDF.
    pub fn liquidation_issue(&self, call_id: Id, issued_on: NaiveDate) -> Result<LiquidationView, Error> {
        if issued_on > self.today() {
            return Err(Error::invalid("issued_on", "la data dell'elenco non può essere futura"));
        }
        let rules = load_rules()?;
        self.run(Action::LiquidationIssue, Some(call_id), |tx, stamp| {
            let l = load(tx, call_id)?;
            let earlier = tx.liquidations_of_call(call_id)?;
            if let Some(last) = earlier.last() {
                if issued_on < last.issued_on {
                    return Err(Error::invalid(
                        "issued_on",
                        format!("l'elenco n. {} è del {}: il successivo non può essere precedente", last.number, dates::format_it(last.issued_on)),
                    ));
                }
            }
            // A list pays what was handed in by its day: a claim received
            // later waits for the next one.
            let pending: Vec<_> =
                tx.claims_to_liquidate(call_id)?.into_iter().filter(|(_, c)| c.received_on <= issued_on).collect();
            if pending.is_empty() {
                return Err(Error::new(
                    Code::Conflict,
                    format!(
                        "Nessuna richiesta di rimborso da liquidare al {}: ogni rimborso deciso fin lì è già in un elenco",
                        dates::format_it(issued_on)
                    ),
                ));
            }
            // The finance office pays a named person on an account: a row
            // without either would come back unpaid.
            let mut missing = Vec::new();
            for (a, _) in &pending {
                if a.iban.is_none() || payee(tx, &l, a)?.0.is_none() {
                    missing.push(a.protocol.clone());
                }
            }
            missing.dedup();
            if !missing.is_empty() {
                return Err(Error::new(
                    Code::Conflict,
                    format!(
                        "Per liquidare servono l'IBAN e l'intestatario del conto: mancano per {}. Completarli nel contributo.",
                        missing.join(", ")
                    ),
                ));
            }
            let number = earlier.last().map_or(1, |x| x.number + 1);
            let comune = comune_of_call(&rules, &l);
            let mut rows = Vec::new();
            let mut items = Vec::new();
            for (i, (a, c)) in pending.iter().enumerate() {
                let (name, cf) = payee(tx, &l, a)?;
                let position = i as u32 + 1;
                rows.push(printed::LiquidationRow {
                    position,
                    protocol: a.protocol.clone(),
                    beneficiary: name,
                    codice_fiscale: cf,
                    iban: a.iban.as_ref().map(Iban::grouped),
                    claim_number: c.number,
                    claim_received_on: c.received_on,
                    amount: c.reimbursed,
                });
                items.push(LiquidationItem { id: Id::new(), position, claim_id: c.id, amount: c.reimbursed });
            }
            let total = sum(items.iter().map(|i| i.amount));
            let o = office(tx)?;
            let measure_title = pending
                .first()
                .and_then(|(a, _)| {
                    measure_rules(&rules, &comune, a.award.first_month.first_day(), &l.row.measure).ok()
                })
                .map(|t| t.0)
                .unwrap_or_else(|| l.row.measure.clone());
            let list = Liquidation {
                office: printed_office(&o)?,
                comune_name: self.calendar_of(&o.comune).ok().map(|c| c.nome),
                call_title: l.row.title.clone(),
                measure_title,
                number,
                issued_on,
                rows,
                total,
                operator: self.operator().name.clone(),
            };
            let pdf = printed::render_liquidation(&list)?;
            let row = LiquidationRow {
                id: Id::new(),
                call_id,
                number,
                issued_on,
                total,
                pdf_file: format!("elenco-liquidazione-{number}-{issued_on}.pdf"),
                created_at: stamp.at.clone(),
                items,
            };
            tx.liquidation_insert(&row, &pdf, stamp)?;
            Ok(LiquidationView {
                id: row.id,
                number,
                issued_on,
                total,
                rows: row.items.len() as u32,
                pdf_file: row.pdf_file,
            })
        })
    }

    /// An issued list for the finance office: its PDF as issued, or its rows
    /// as the Italian CSV or a workbook, into the private viewing area.
    pub fn liquidation_open(&self, id: Id, format: LiquidationFormat) -> Result<Exported, Error> {
        self.run(Action::LiquidationOpen, Some(id), |tx, _| {
            let (call_id, number) =
                tx.liquidation_head(id)?.ok_or_else(|| not_found("Elenco di liquidazione"))?;
            let l = load(tx, call_id)?;
            let list = tx
                .liquidations_of_call(call_id)?
                .into_iter()
                .find(|x| x.number == number)
                .ok_or_else(|| not_found("Elenco di liquidazione"))?;
            let (file_name, bytes) = match format {
                LiquidationFormat::Pdf => {
                    let pdf = tx.liquidation_pdf(id)?.ok_or_else(|| not_found("Elenco di liquidazione"))?;
                    (list.pdf_file.clone(), pdf)
                }
                LiquidationFormat::Csv | LiquidationFormat::Xlsx => {
                    let table = liquidation_table(tx, &l, &list)?;
                    let stem = format!("elenco-liquidazione-{}-{}", list.number, list.issued_on);
                    if format == LiquidationFormat::Xlsx {
                        (format!("{stem}.xlsx"), crate::xlsx::workbook(&table)?)
                    } else {
                        (format!("{stem}.csv"), table.to_csv()?)
                    }
                }
            };
            let path = self.viewing.write(&file_name, &bytes)?;
            Ok(Exported { path: path.display().to_string(), file_name })
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiquidationFormat {
    Pdf,
    Csv,
    Xlsx,
}

impl LiquidationFormat {
    pub fn parse(v: Option<&str>) -> Result<LiquidationFormat, Error> {
        match v {
            None | Some("pdf") => Ok(LiquidationFormat::Pdf),
            Some("csv") => Ok(LiquidationFormat::Csv),
            Some("xlsx") => Ok(LiquidationFormat::Xlsx),
            Some(other) => {
                Err(Error::invalid("format", format!("formato «{other}» non previsto (pdf, csv, xlsx)")))
            }
        }
    }
}

/// The rows of an issued list as the finance office's table.
fn liquidation_table(tx: &Tx<'_>, l: &Loaded, list: &LiquidationRow) -> Result<Table, Error> {
    let awards = tx.awards_of_call(l.row.id)?;
    let mut claims: HashMap<Id, (AwardRow, ClaimRow)> = HashMap::new();
    for a in &awards {
        for c in tx.claims_of_award(a.id)? {
            claims.insert(c.id, (a.clone(), c));
        }
    }
    let mut t = Table::new(
        &format!("Elenco n. {}", list.number),
        &[
            "N.",
            "Protocollo",
            "Beneficiario",
            "Codice fiscale",
            "IBAN",
            "Richiesta n.",
            "Consegnata il",
            "Importo",
        ],
    );
    for item in &list.items {
        let (a, c) = claims.get(&item.claim_id).ok_or_else(|| {
            Error::new(Code::Storage, "riga dell'elenco senza la sua richiesta nel database")
        })?;
        let (name, cf) = payee(tx, l, a)?;
        t.push(vec![
            Value::Integer(i64::from(item.position)),
            Value::text(&a.protocol),
            name.map_or(Value::Empty, Value::Text),
            cf.map_or(Value::Empty, Value::Text),
            a.iban.as_ref().map_or(Value::Empty, |i| Value::text(i.as_str())),
            Value::Integer(i64::from(c.number)),
            Value::Date(c.received_on),
            Value::Money(item.amount),
        ]);
    }
    Ok(t)
}

/// A protocol as part of a file name: letters, digits and dashes.
fn file_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect()
}

/// One claim against `a`, decided by the rule against what earlier claims of
/// the award took; with `record`, stored as decided (the award's next number).
/// The desk's form and the file import both come here.
fn decide_claim(
    tx: &Tx<'_>,
    stamp: &Stamp,
    rules: &RuleSets,
    a: &AwardRow,
    received_on: NaiveDate,
    documents: Vec<ExpenseDocument>,
    record: bool,
) -> Result<ClaimDecision, Error> {
    let l = load(tx, a.call_id)?;
    let earlier = tx.claims_of_award(a.id)?;
    let claim = Claim {
        measure: l.row.measure.clone(),
        comune: comune_of_call(rules, &l),
        // An appeal can take the funding away after the award: then
        // every document is refused (NOT_FUNDED), as the rule says.
        funded: funded_in_force(&l, &a.protocol).is_some(),
        award: a.award,
        already_reimbursed: reimbursed_by_month(&earlier),
        earlier_documents: tx
            .documents_of_award(a.id)?
            .into_iter()
            .map(|(issuer, number)| EarlierDocument { issuer, number })
            .collect(),
        documents,
    };
    let o = reimburse(&claim, rules)?;
    if !record {
        return Ok(decision(&o, None, &decided_documents(&o)));
    }
    let number = earlier.last().map_or(1, |c| c.number + 1);
    let row = ClaimRow {
        id: Id::new(),
        award_id: a.id,
        number,
        received_on,
        rule_set: o.rule_set.clone(),
        reimbursed: o.total,
        created_at: stamp.at.clone(),
        documents: decided_documents(&o),
    };
    tx.claim_insert(&row, stamp)?;
    Ok(decision(&o, Some(number), &row.documents))
}

// ---- Claims from the office's file ------------------------------------------------

/// What importing a claims file gave: read and checked whole; with `saved`,
/// every claim recorded (in one transaction), each with its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimsImport {
    pub saved: bool,
    /// Italian, one line: how the file was read (encoding, separator, amounts).
    pub read_as: String,
    pub rows_read: usize,
    pub claims: Vec<ImportedClaim>,
    pub refused: Vec<super::RefusedRow>,
    /// Italian, one line: what happened.
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedClaim {
    pub line: u64,
    pub protocol: String,
    pub award_id: Id,
    /// "Cognome Nome" of who is paid (the screen's beneficiary).
    pub beneficiary: Option<String>,
    pub received_on: NaiveDate,
    pub documents: usize,
    /// The sum of the documents' amounts, as handed in.
    pub claimed: Money,
    /// As decided when recorded (`None` in the check before recording).
    pub decision: Option<ClaimDecision>,
}

impl Service {
    /// The claims of `call_id` in the office's file (`bytes`: CSV, UTF-8 or
    /// Windows-1252, `,` or `;`; columns in `claims_csv`), checked whole:
    /// every cell, an award for every protocol, no claim handed in after
    /// today. With `record`, and nothing refused, every claim is decided and
    /// recorded, in file order, as the desk's form records one: all of them
    /// or none.
    pub fn reimbursement_import(
        &self,
        call_id: Id,
        bytes: &[u8],
        record: bool,
    ) -> Result<ClaimsImport, Error> {
        let rules = load_rules()?;
        let today = self.today();
        let (text, encoding) = crate::text_in::decode(bytes);
        self.run(Action::ReimbursementImport, Some(call_id), |tx, stamp| {
            let l = load(tx, call_id)?;
            let comune = comune_of_call(&rules, &l);
            let types: Vec<(String, String)> = measure_rules(&rules, &comune, Month::of(today).first_day(), &l.row.measure)
                .map(|(_, t)| t.into_iter().map(|d| (d.code, d.label)).collect())
                .unwrap_or_default();
            let refused_outcome = |read_as: String, rows_read: usize, refused: Vec<super::RefusedRow>| {
                let lines = {
                    let mut v: Vec<Option<u64>> = refused.iter().map(|r| r.line).collect();
                    v.dedup();
                    v.len()
                };
                ClaimsImport {
                    saved: false,
                    read_as,
                    rows_read,
                    claims: Vec::new(),
                    summary: format!(
                        "Importazione rifiutata: {lines} righe con errori su {rows_read} lette; nessuna richiesta registrata"
                    ),
                    refused,
                }
            };
            let (dialect, claims) = match claims_csv::read(&text, &types) {
                Ok(read) => read,
                Err(report) => {
                    let refused = report.errors.iter().map(refused_row).collect();
                    return Ok(refused_outcome(format!("File letto come {encoding}"), report.rows_read, refused));
                }
            };
            let read_as = format!("File letto come {encoding}, {}", dialect.italian());
            let rows_read: usize = claims.iter().map(|c| c.documents.len()).sum();
            let awards = tx.awards_of_call(call_id)?;
            let mut refused = Vec::new();
            let mut found = Vec::new();
            for c in &claims {
                let Some(a) = awards.iter().find(|a| a.protocol == c.protocol) else {
                    refused.push(super::RefusedRow {
                        line: Some(c.line),
                        column: Some("protocollo".into()),
                        reason: format!("nessun contributo assegnato alla domanda «{}» in questo avviso", c.protocol),
                    });
                    continue;
                };
                if c.received_on > today {
                    refused.push(super::RefusedRow {
                        line: Some(c.line),
                        column: Some("consegnata_il".into()),
                        reason: "la data di consegna non può essere futura".into(),
                    });
                    continue;
                }
                found.push((c, a));
            }
            if !refused.is_empty() {
                return Ok(refused_outcome(read_as, rows_read, refused));
            }
            let mut out = Vec::with_capacity(found.len());
            for (c, a) in found {
                let documents: Vec<ExpenseDocument> = c.documents.iter().map(|(_, d)| d.clone()).collect();
                let claimed = sum(documents.iter().map(|d| d.amount));
                let decision = if record {
                    Some(decide_claim(tx, stamp, &rules, a, c.received_on, documents.clone(), true)?)
                } else {
                    None
                };
                out.push(ImportedClaim {
                    line: c.line,
                    protocol: c.protocol.clone(),
                    award_id: a.id,
                    beneficiary: payee(tx, &l, a)?.0,
                    received_on: c.received_on,
                    documents: documents.len(),
                    claimed,
                    decision,
                });
            }
            let summary = if record {
                format!("{} richieste registrate ({} documenti)", out.len(), rows_read)
            } else {
                format!("{} richieste pronte da registrare ({} documenti)", out.len(), rows_read)
            };
            Ok(ClaimsImport { saved: record, read_as, rows_read, claims: out, refused: Vec::new(), summary })
        })
    }
}

fn refused_row(e: &Error) -> super::RefusedRow {
    super::RefusedRow { line: e.line, column: e.field.clone(), reason: e.message.clone() }
}
