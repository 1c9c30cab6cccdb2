//! A funded project's finances (issue 13 item 2, rules.md §8; seed 004: the
//! «Residenzialità Temporanea Sociale», PON Metro, codice MI3.1.1.c): the
//! project's codes, CUP, RUP and dates, its commitments (impegni) and payments
//! (mandati) as recorded, the four OpenCoesione amounts computed from them by
//! `rules::project_finance::amounts`, the rules' warnings, and the
//! financial progress report (PDF, CSV, XLSX).
//!
//! Decisions:
//! - the finances are the office's accounts, not a family's: the coordinator
//!   (and the administrator) read and write them; a desk operator does not
//!   see them (commands.rs: COORD);
//! - commitments and payments are accounting records: never edited nor
//!   deleted; a wrong one is annulled with a reason (`finance_record_annul`)
//!   and recorded again; annulled records count nowhere but stay visible;
//! - a payment is always on a commitment of the same project (the ragioneria
//!   issues no mandato without an impegno); paying more than committed is a
//!   warning, not a refusal: a mandato issued is a fact the office must see;
//! - a record dated after today is refused (a mandato is recorded once
//!   issued); one outside the project's dates is a warning;
//! - programmato and ammesso are the project's data, corrected by the
//!   coordinator when an act changes them (the audit log says who and when).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::calls::Exported;
use super::printing::printed_office;
use super::{not_found, office, Action, LiquidationFormat, Service};
use crate::domain::form::money;
use crate::domain::{form, Id};
use crate::error::{Code, Error};
use crate::money::Money;
use crate::print::project_finance::{
    self as printed, FinanceReport, ReportAnnulled, ReportCommitment, ReportPayment,
};
use crate::rules::project_finance::{
    amounts, check_records, warnings, Amounts, Commitment, Cup, FundedProject, Payment, Warning,
};
use crate::storage::{Annulment, CommitmentRow, FundedProjectRow, PaymentRow, Tx};
use crate::table::{Table, Value};

// ---- What the screen sends ------------------------------------------------------

/// A funded project's data (new when `id` is missing).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FundedProjectInput {
    pub id: Option<String>,
    pub code: Option<String>,
    pub title: Option<String>,
    pub programme: Option<String>,
    pub azione: Option<String>,
    pub cup: Option<String>,
    pub rup: Option<String>,
    pub attuatore: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    /// `1234.56`.
    pub programmato: Option<String>,
    pub ammesso: Option<String>,
    pub act: Option<String>,
}

/// An impegno to record.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommitmentInput {
    pub project_id: Option<String>,
    pub number: Option<String>,
    pub date: Option<String>,
    pub act: Option<String>,
    pub creditor: Option<String>,
    pub amount: Option<String>,
    pub description: Option<String>,
}

/// A mandato to record, on one commitment.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PaymentInput {
    pub project_id: Option<String>,
    pub commitment_id: Option<String>,
    pub number: Option<String>,
    pub date: Option<String>,
    pub amount: Option<String>,
    pub document: Option<String>,
}

// ---- What the screen gets ---------------------------------------------------------

/// A line of the list: the project and its four amounts today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinanceSummary {
    pub id: Id,
    pub code: String,
    pub title: String,
    pub programme: String,
    pub cup: Cup,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub amounts: Amounts,
    /// Erogato as a percentage of the ammesso, one decimal (`"42.3"`); None
    /// while nothing is admitted.
    pub progress: Option<String>,
    pub warnings: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundedProjectView {
    pub id: Id,
    pub code: String,
    pub title: String,
    pub programme: String,
    pub azione: String,
    pub cup: Cup,
    pub rup: String,
    pub attuatore: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub programmato: Money,
    pub ammesso: Money,
    pub act: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnulmentView {
    pub reason: String,
    pub on: NaiveDate,
    /// The operator who annulled it.
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitmentView {
    pub id: Id,
    pub number: String,
    pub date: NaiveDate,
    pub act: String,
    pub creditor: String,
    pub description: String,
    pub amount: Money,
    /// What the payments not annulled pay on it.
    pub paid: Money,
    /// amount − paid (negative when paid beyond it: see the warnings).
    pub left: Money,
    pub annulled: Option<AnnulmentView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentView {
    pub id: Id,
    pub number: String,
    pub date: NaiveDate,
    pub amount: Money,
    pub document: String,
    pub commitment_id: Id,
    pub commitment_number: String,
    pub creditor: String,
    pub annulled: Option<AnnulmentView>,
}

/// A project with its records, its four amounts and its warnings, today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinanceDetail {
    pub project: FundedProjectView,
    pub amounts: Amounts,
    pub progress: Option<String>,
    pub warnings: Vec<Warning>,
    /// Annulled ones included (marked), in date order.
    pub commitments: Vec<CommitmentView>,
    pub payments: Vec<PaymentView>,
}

// ---- From the rows to the rules -------------------------------------------------

/// A project's rows, and the records the rules count (those not annulled),
/// each known to the rules by its number, as the warnings name it.
struct Records {
    row: FundedProjectRow,
    commitments: Vec<CommitmentRow>,
    payments: Vec<PaymentRow>,
}

impl Records {
    fn load(tx: &Tx<'_>, id: Id) -> Result<Records, Error> {
        let row = tx.funded_project_get(id)?.ok_or_else(|| not_found("Progetto finanziato"))?;
        Ok(Records { commitments: tx.finance_commitments(id)?, payments: tx.finance_payments(id)?, row })
    }

    fn number_of(&self, commitment: Id) -> Option<&CommitmentRow> {
        self.commitments.iter().find(|c| c.id == commitment)
    }

    fn rule_commitments(&self) -> Vec<Commitment> {
        self.commitments.iter().filter(|c| c.annulled.is_none()).map(rule_commitment).collect()
    }

    fn rule_payments(&self) -> Vec<Payment> {
        self.payments
            .iter()
            .filter(|p| p.annulled.is_none())
            .map(|p| rule_payment(p, self.number_of(p.commitment_id).map(|c| c.number.clone())))
            .collect()
    }

    fn amounts(&self, on: NaiveDate) -> Amounts {
        amounts(&self.row.project, &self.rule_commitments(), &self.rule_payments(), on)
    }

    fn warnings(&self, on: NaiveDate) -> Vec<Warning> {
        warnings(&self.row.project, &self.rule_commitments(), &self.rule_payments(), on)
    }

    fn detail(&self, on: NaiveDate) -> FinanceDetail {
        let a = self.amounts(on);
        let mut paid: HashMap<Id, Money> = HashMap::new();
        for p in self.payments.iter().filter(|p| p.annulled.is_none()) {
            let t = paid.entry(p.commitment_id).or_insert(Money::ZERO);
            *t = add(*t, p.amount);
        }
        let r = &self.row;
        FinanceDetail {
            project: FundedProjectView {
                id: r.id,
                code: r.project.code.clone(),
                title: r.title.clone(),
                programme: r.programme.clone(),
                azione: r.azione.clone(),
                cup: r.project.cup.clone(),
                rup: r.project.rup.clone(),
                attuatore: r.project.attuatore.clone(),
                start: r.project.start,
                end: r.project.end,
                programmato: r.project.programmato,
                ammesso: r.project.ammesso,
                act: r.act.clone(),
                updated_at: r.updated_at.clone(),
            },
            amounts: a,
            progress: progress(&a),
            warnings: self.warnings(on),
            commitments: self
                .commitments
                .iter()
                .map(|c| {
                    let p = paid.get(&c.id).copied().unwrap_or(Money::ZERO);
                    CommitmentView {
                        id: c.id,
                        number: c.number.clone(),
                        date: c.date,
                        act: c.act.clone(),
                        creditor: c.creditor.clone(),
                        description: c.description.clone(),
                        amount: c.amount,
                        paid: p,
                        left: Money::from_decimal(c.amount.as_decimal() - p.as_decimal()),
                        annulled: c.annulled.as_ref().map(annulment_view),
                    }
                })
                .collect(),
            payments: self
                .payments
                .iter()
                .map(|p| {
                    let c = self.number_of(p.commitment_id);
                    PaymentView {
                        id: p.id,
                        number: p.number.clone(),
                        date: p.date,
                        amount: p.amount,
                        document: p.document.clone(),
                        commitment_id: p.commitment_id,
                        commitment_number: c.map(|c| c.number.clone()).unwrap_or_default(),
                        creditor: c.map(|c| c.creditor.clone()).unwrap_or_default(),
                        annulled: p.annulled.as_ref().map(annulment_view),
                    }
                })
                .collect(),
        }
    }
}

fn rule_commitment(c: &CommitmentRow) -> Commitment {
    Commitment { id: c.number.clone(), date: c.date, amount: c.amount, description: c.description.clone() }
}

fn rule_payment(p: &PaymentRow, commitment_number: Option<String>) -> Payment {
    Payment { id: p.number.clone(), date: p.date, amount: p.amount, commitment: commitment_number }
}

fn annulment_view(a: &Annulment) -> AnnulmentView {
    AnnulmentView { reason: a.reason.clone(), on: a.on, by: a.by.clone() }
}

fn add(a: Money, b: Money) -> Money {
    Money::from_decimal(a.as_decimal() + b.as_decimal())
}

fn progress(a: &Amounts) -> Option<String> {
    a.erogato_percent().map(|p| p.to_string())
}

fn not_future(field: &str, d: NaiveDate, today: NaiveDate) -> Result<(), Error> {
    if d > today {
        return Err(Error::invalid(
            field,
            format!("la data ({}) è futura: si registra ciò che è già avvenuto", crate::dates::format_it(d)),
        ));
    }
    Ok(())
}

/// The rules' check of a project's records with one new record at the end of
/// `list` (`commitments` or `payments`): a refusal about it is put on the
/// form's field (`payments[4].amount` → `amount`).
fn check_new(
    project: &FundedProject,
    commitments: &[Commitment],
    payments: &[Payment],
    list: &str,
    what: &str,
) -> Result<(), Error> {
    let last = if list == "commitments" { commitments.len() } else { payments.len() } - 1;
    check_records(project, commitments, payments).map_err(|e| {
        let prefix = format!("{list}[{last}].");
        match e.field.as_deref().and_then(|f| f.strip_prefix(&prefix)) {
            Some("id") => Error::invalid(
                "number",
                format!(
                    "{what} con questo numero è già registrato nel progetto: se era sbagliato, annullarlo prima"
                ),
            ),
            Some("commitment") => Error::invalid("commitment_id", e.message),
            Some(f) => Error::invalid(f, e.message),
            None => e,
        }
    })
}

fn file_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect()
}

// ---- The commands -------------------------------------------------------------------

impl Service {
    /// Every funded project with its four amounts today.
    pub fn finance_list(&self) -> Result<Vec<FinanceSummary>, Error> {
        let today = self.today();
        self.run(Action::FinanceList, None, |tx, _| {
            tx.funded_projects()?
                .into_iter()
                .map(|row| {
                    let r = Records {
                        commitments: tx.finance_commitments(row.id)?,
                        payments: tx.finance_payments(row.id)?,
                        row,
                    };
                    let a = r.amounts(today);
                    Ok(FinanceSummary {
                        id: r.row.id,
                        code: r.row.project.code.clone(),
                        title: r.row.title.clone(),
                        programme: r.row.programme.clone(),
                        cup: r.row.project.cup.clone(),
                        start: r.row.project.start,
                        end: r.row.project.end,
                        amounts: a,
                        progress: progress(&a),
                        warnings: r.warnings(today).len(),
                    })
                })
                .collect()
        })
    }

    /// One project with its records, amounts and warnings today.
    pub fn finance_get(&self, id: Id) -> Result<FinanceDetail, Error> {
        let today = self.today();
        self.run(Action::FinanceGet, Some(id), |tx, _| Ok(Records::load(tx, id)?.detail(today)))
    }

    /// A new project, or a correction of its data.
    pub fn finance_project_save(&self, input: FundedProjectInput) -> Result<FinanceDetail, Error> {
        let today = self.today();
        let id = form::optional_id("id", &input.id)?;
        let cup = Cup::parse(input.cup.as_deref().unwrap_or_default())?;
        let project = FundedProject {
            code: form::required_line("code", &input.code, "il codice del progetto")?,
            cup,
            rup: form::name("rup", &input.rup, "il responsabile unico del procedimento (RUP)")?,
            attuatore: form::required_line("attuatore", &input.attuatore, "il soggetto attuatore")?,
            start: form::required_date("start", &input.start, "la data di inizio")?,
            end: form::required_date("end", &input.end, "la data di fine")?,
            programmato: money("programmato", &input.programmato, "l'importo programmato")?,
            ammesso: money(
                "ammesso",
                &input.ammesso,
                "l'importo ammesso a finanziamento (0 se non ancora ammesso)",
            )?,
        };
        let title = form::required_line("title", &input.title, "il titolo del progetto")?;
        let programme = form::required_line("programme", &input.programme, "il programma o fondo")?;
        let azione = form::optional_line("azione", &input.azione)?.unwrap_or_default();
        let act = form::optional_line("act", &input.act)?.unwrap_or_default();
        self.run(Action::FinanceProjectSave, id, |tx, stamp| {
            let id = match id {
                Some(id) => {
                    tx.funded_project_get(id)?.ok_or_else(|| not_found("Progetto finanziato"))?;
                    id
                }
                None => Id::new(),
            };
            if let Some((code, cup)) = tx.funded_project_clash(&project.code, &project.cup, id)? {
                let (field, text) = if cup == project.cup.as_str() {
                    ("cup", format!("il CUP {cup} è già di un altro progetto ({code})"))
                } else {
                    ("code", format!("il codice {code} è già di un altro progetto"))
                };
                return Err(Error::new(Code::Conflict, text).with_field(field));
            }
            let row =
                FundedProjectRow { id, title, programme, azione, act, project, updated_at: stamp.at.clone() };
            // The same rules' check as every record's (dates in order, no
            // negative amount), over the records the project already has.
            let earlier = Records {
                row: row.clone(),
                commitments: tx.finance_commitments(id)?,
                payments: tx.finance_payments(id)?,
            };
            check_records(&row.project, &earlier.rule_commitments(), &earlier.rule_payments())?;
            tx.funded_project_put(&row, stamp)?;
            Ok(Records::load(tx, id)?.detail(today))
        })
    }

    /// Records an impegno.
    pub fn finance_commitment_record(&self, input: CommitmentInput) -> Result<FinanceDetail, Error> {
        let today = self.today();
        let project_id = form::required_id("project_id", &input.project_id, "il progetto")?;
        let number = form::required_line("number", &input.number, "il numero dell'impegno")?;
        let date = form::required_date("date", &input.date, "la data dell'impegno")?;
        not_future("date", date, today)?;
        let act =
            form::required_line("act", &input.act, "l'atto che dispone l'impegno (es. determinazione n. …)")?;
        let creditor = form::required_line("creditor", &input.creditor, "il creditore")?;
        let amount = money("amount", &input.amount, "l'importo")?;
        let description = form::required_line(
            "description",
            &input.description,
            "l'oggetto dell'impegno (contratto, affidamento, convenzione)",
        )?;
        self.run(Action::FinanceCommitmentRecord, Some(project_id), |tx, stamp| {
            let r = Records::load(tx, project_id)?;
            let row = CommitmentRow {
                id: Id::new(),
                project_id,
                number,
                date,
                act,
                creditor,
                amount,
                description,
                created_at: stamp.at.clone(),
                annulled: None,
            };
            let mut commitments = r.rule_commitments();
            commitments.push(rule_commitment(&row));
            check_new(&r.row.project, &commitments, &r.rule_payments(), "commitments", "un impegno")?;
            tx.finance_commitment_insert(&row, stamp)?;
            Ok(Records::load(tx, project_id)?.detail(today))
        })
    }

    /// Records a mandato on one of the project's commitments.
    pub fn finance_payment_record(&self, input: PaymentInput) -> Result<FinanceDetail, Error> {
        let today = self.today();
        let project_id = form::required_id("project_id", &input.project_id, "il progetto")?;
        let commitment_id = form::required_id(
            "commitment_id",
            &input.commitment_id,
            "l'impegno su cui è emesso il pagamento (non si paga senza impegno)",
        )?;
        let number = form::required_line("number", &input.number, "il numero del mandato")?;
        let date = form::required_date("date", &input.date, "la data del mandato")?;
        not_future("date", date, today)?;
        let amount = money("amount", &input.amount, "l'importo")?;
        let document = form::required_line(
            "document",
            &input.document,
            "il documento di spesa pagato (es. fattura n. … del …)",
        )?;
        self.run(Action::FinancePaymentRecord, Some(project_id), |tx, stamp| {
            let r = Records::load(tx, project_id)?;
            let c = r
                .number_of(commitment_id)
                .ok_or_else(|| Error::invalid("commitment_id", "impegno non trovato in questo progetto"))?;
            if c.annulled.is_some() {
                return Err(Error::invalid(
                    "commitment_id",
                    format!("l'impegno n. {} è annullato: non vi si registrano pagamenti", c.number),
                ));
            }
            let row = PaymentRow {
                id: Id::new(),
                project_id,
                commitment_id,
                number,
                date,
                amount,
                document,
                created_at: stamp.at.clone(),
                annulled: None,
            };
            let mut payments = r.rule_payments();
            payments.push(rule_payment(&row, Some(c.number.clone())));
            check_new(&r.row.project, &r.rule_commitments(), &payments, "payments", "un mandato")?;
            tx.finance_payment_insert(&row, stamp)?;
            Ok(Records::load(tx, project_id)?.detail(today))
        })
    }

    /// Annuls a commitment or a payment of the project, with its reason.
    pub fn finance_record_annul(
        &self,
        project_id: Id,
        record_id: Id,
        reason: &str,
    ) -> Result<FinanceDetail, Error> {
        let today = self.today();
        let reason = form::required_line("reason", &Some(reason.to_string()), "il motivo dell'annullamento")?;
        self.run_durable(Action::FinanceRecordAnnul, Some(project_id), |tx, stamp| {
            let r = Records::load(tx, project_id)?;
            let already = |what: String| Err(Error::new(Code::Conflict, format!("{what} è già annullato")));
            if let Some(c) = r.number_of(record_id) {
                if c.annulled.is_some() {
                    return already(format!("l'impegno n. {}", c.number));
                }
                let open: Vec<&str> = r
                    .payments
                    .iter()
                    .filter(|p| p.commitment_id == record_id && p.annulled.is_none())
                    .map(|p| p.number.as_str())
                    .collect();
                if !open.is_empty() {
                    return Err(Error::new(
                        Code::Conflict,
                        format!(
                            "sull'impegno n. {} sono registrati i mandati n. {}: annullare prima quelli",
                            c.number,
                            open.join(", ")
                        ),
                    ));
                }
                tx.finance_annul(project_id, record_id, false, &reason, today, stamp)?;
            } else if let Some(p) = r.payments.iter().find(|p| p.id == record_id) {
                if p.annulled.is_some() {
                    return already(format!("il mandato n. {}", p.number));
                }
                tx.finance_annul(project_id, record_id, true, &reason, today, stamp)?;
            } else {
                return Err(not_found("Impegno o pagamento").with_field("record_id"));
            }
            Ok(Records::load(tx, project_id)?.detail(today))
        })
    }

    /// The rapporto di avanzamento finanziario on `on` (today when None): its
    /// PDF, or its records as the Italian CSV or a workbook, into the private
    /// viewing area for the system's program.
    pub fn finance_report(
        &self,
        id: Id,
        format: LiquidationFormat,
        on: Option<NaiveDate>,
    ) -> Result<Exported, Error> {
        let today = self.today();
        let on = on.unwrap_or(today);
        not_future("on", on, today)?;
        self.run(Action::FinanceReport, Some(id), |tx, _| {
            let r = Records::load(tx, id)?;
            let stem = format!("avanzamento-finanziario-{}-{on}", file_safe(&r.row.project.code));
            let (file_name, bytes) = match format {
                LiquidationFormat::Pdf => {
                    let o = office(tx)?;
                    let report = self.finance_report_model(
                        &r,
                        on,
                        printed_office(&o)?,
                        self.calendar_of(&o.comune).ok().map(|c| c.nome),
                    )?;
                    (format!("{stem}.pdf"), printed::render_report(&report)?)
                }
                LiquidationFormat::Csv | LiquidationFormat::Xlsx => {
                    let table = report_table(&r, on);
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

    fn finance_report_model(
        &self,
        r: &Records,
        on: NaiveDate,
        office: crate::domain::Office,
        comune_name: Option<String>,
    ) -> Result<FinanceReport, Error> {
        let counted = |d: NaiveDate| d <= on;
        let mut paid: HashMap<Id, Money> = HashMap::new();
        for p in r.payments.iter().filter(|p| p.annulled.is_none() && counted(p.date)) {
            let t = paid.entry(p.commitment_id).or_insert(Money::ZERO);
            *t = add(*t, p.amount);
        }
        let mut annulled: Vec<(NaiveDate, ReportAnnulled)> = Vec::new();
        for c in r.commitments.iter().filter(|c| counted(c.date)) {
            if let Some(a) = &c.annulled {
                annulled.push((
                    c.date,
                    ReportAnnulled {
                        what: format!("Impegno {}", c.number),
                        date: c.date,
                        amount: c.amount,
                        annulled_on: a.on,
                        reason: a.reason.clone(),
                    },
                ));
            }
        }
        for p in r.payments.iter().filter(|p| counted(p.date)) {
            if let Some(a) = &p.annulled {
                annulled.push((
                    p.date,
                    ReportAnnulled {
                        what: format!("Mandato {}", p.number),
                        date: p.date,
                        amount: p.amount,
                        annulled_on: a.on,
                        reason: a.reason.clone(),
                    },
                ));
            }
        }
        annulled.sort_by_key(|(d, _)| *d);
        Ok(FinanceReport {
            office,
            comune_name,
            title: r.row.title.clone(),
            programme: r.row.programme.clone(),
            azione: r.row.azione.clone(),
            act: r.row.act.clone(),
            project: r.row.project.clone(),
            amounts: r.amounts(on),
            commitments: r
                .commitments
                .iter()
                .filter(|c| c.annulled.is_none() && counted(c.date))
                .map(|c| ReportCommitment {
                    number: c.number.clone(),
                    date: c.date,
                    act: c.act.clone(),
                    creditor: c.creditor.clone(),
                    description: c.description.clone(),
                    amount: c.amount,
                    paid: paid.get(&c.id).copied().unwrap_or(Money::ZERO),
                })
                .collect(),
            payments: r
                .payments
                .iter()
                .filter(|p| p.annulled.is_none() && counted(p.date))
                .map(|p| ReportPayment {
                    number: p.number.clone(),
                    date: p.date,
                    commitment: r.number_of(p.commitment_id).map(|c| c.number.clone()).unwrap_or_default(),
                    document: p.document.clone(),
                    amount: p.amount,
                })
                .collect(),
            annulled: annulled.into_iter().map(|(_, a)| a).collect(),
            warnings: r.warnings(on).into_iter().map(|w| w.text).collect(),
            issued_on: self.today(),
            operator: self.operator().name.clone(),
        })
    }
}

/// The records counted on `on`, as the office's spreadsheet: one row per
/// commitment or payment (annulled ones left out, so that summing the
/// column by type gives the giuridicamente vincolante and the erogato).
fn report_table(r: &Records, on: NaiveDate) -> Table {
    let mut t = Table::new(
        &format!("Avanzamento {}", r.row.project.code),
        &[
            "Codice progetto",
            "CUP",
            "Tipo",
            "Numero",
            "Data",
            "Impegno n.",
            "Atto o documento",
            "Creditore",
            "Oggetto",
            "Importo",
        ],
    );
    let code = r.row.project.code.as_str();
    let cup = r.row.project.cup.as_str();
    for c in r.commitments.iter().filter(|c| c.annulled.is_none() && c.date <= on) {
        t.push(vec![
            Value::text(code),
            Value::text(cup),
            Value::text("Impegno"),
            Value::text(&c.number),
            Value::Date(c.date),
            Value::text(&c.number),
            Value::text(&c.act),
            Value::text(&c.creditor),
            Value::text(&c.description),
            Value::Money(c.amount),
        ]);
    }
    for p in r.payments.iter().filter(|p| p.annulled.is_none() && p.date <= on) {
        let c = r.number_of(p.commitment_id);
        t.push(vec![
            Value::text(code),
            Value::text(cup),
            Value::text("Pagamento"),
            Value::text(&p.number),
            Value::Date(p.date),
            c.map_or(Value::Empty, |c| Value::text(&c.number)),
            Value::text(&p.document),
            c.map_or(Value::Empty, |c| Value::text(&c.creditor)),
            c.map_or(Value::Empty, |c| Value::text(&c.description)),
            Value::Money(p.amount),
        ]);
    }
    t
}
