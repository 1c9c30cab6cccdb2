//! A funded project's finances (schema 20): the project with the amounts its
//! acts set, its commitments and payments as recorded, and their annulments.
//! Rows only: the four OpenCoesione amounts and the warnings are computed by
//! `rules::project_finance` in the service, never stored.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row};

use super::{col, date, db_err, Sql, Stamp, Tx, Values};
use crate::domain::Id;
use crate::error::{Code, Error};
use crate::rules::project_finance::{Cup, FundedProject};

/// A funded project as stored: the rules' [`FundedProject`] (codes, CUP,
/// RUP, dates, programmato and ammesso) with what the office calls it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundedProjectRow {
    pub id: Id,
    pub title: String,
    /// "PON Città Metropolitane 2014-2020".
    pub programme: String,
    /// "Azione 3.1.1" ('' when none).
    pub azione: String,
    /// The act that set the amounts ('' when not known).
    pub act: String,
    pub project: FundedProject,
    pub updated_at: String,
}

/// Why and when a record was annulled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annulment {
    pub reason: String,
    pub on: NaiveDate,
    pub at: String,
    /// The operator's name.
    pub by: String,
}

/// An impegno as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentRow {
    pub id: Id,
    pub project_id: Id,
    /// The ragioneria's number: "2017/4521".
    pub number: String,
    pub date: NaiveDate,
    /// The act: "Determinazione dirigenziale n. 312/2017".
    pub act: String,
    pub creditor: String,
    pub amount: crate::money::Money,
    pub description: String,
    pub created_at: String,
    pub annulled: Option<Annulment>,
}

/// A mandato di pagamento as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub id: Id,
    pub project_id: Id,
    pub commitment_id: Id,
    /// The mandato's number: "2018/10452".
    pub number: String,
    pub date: NaiveDate,
    pub amount: crate::money::Money,
    /// The expense document it pays: "Fattura n. 12/2018 del 15/03/2018".
    pub document: String,
    pub created_at: String,
    pub annulled: Option<Annulment>,
}

fn cup(r: &Row<'_>, idx: usize) -> rusqlite::Result<Cup> {
    let s: String = r.get(idx)?;
    Cup::parse(&s).map_err(|e| {
        super::conversion(
            idx,
            Error::new(Code::Storage, format!("CUP non valido nel database: {}", e.message)),
        )
    })
}

const PROJECT_COLUMNS: &str = "id, code, title, programme, azione, cup, rup, attuatore, start_on, end_on, \
                               programmato, ammesso, act, updated_at";

fn project_from_row(r: &Row<'_>) -> rusqlite::Result<FundedProjectRow> {
    Ok(FundedProjectRow {
        id: col(r, 0)?,
        title: r.get(2)?,
        programme: r.get(3)?,
        azione: r.get(4)?,
        act: r.get(12)?,
        project: FundedProject {
            code: r.get(1)?,
            cup: cup(r, 5)?,
            rup: r.get(6)?,
            attuatore: r.get(7)?,
            start: date(r, 8)?,
            end: date(r, 9)?,
            programmato: col(r, 10)?,
            ammesso: col(r, 11)?,
        },
        updated_at: r.get(13)?,
    })
}

/// The annulment's columns (LEFT JOIN: all NULL when not annulled), from `at`.
fn annulment(r: &Row<'_>, at: usize) -> rusqlite::Result<Option<Annulment>> {
    let reason: Option<String> = r.get(at)?;
    let Some(reason) = reason else { return Ok(None) };
    Ok(Some(Annulment { reason, on: date(r, at + 1)?, at: r.get(at + 2)?, by: r.get(at + 3)? }))
}

const ANNULMENT_JOIN: &str = "LEFT JOIN finance_annulments a ON a.record_id = x.id \
                              LEFT JOIN operators o ON o.id = a.created_by";
const ANNULMENT_COLUMNS: &str = "a.reason, a.annulled_on, a.created_at, o.name";

fn commitment_from_row(r: &Row<'_>) -> rusqlite::Result<CommitmentRow> {
    Ok(CommitmentRow {
        id: col(r, 0)?,
        project_id: col(r, 1)?,
        number: r.get(2)?,
        date: date(r, 3)?,
        act: r.get(4)?,
        creditor: r.get(5)?,
        amount: col(r, 6)?,
        description: r.get(7)?,
        created_at: r.get(8)?,
        annulled: annulment(r, 9)?,
    })
}

fn payment_from_row(r: &Row<'_>) -> rusqlite::Result<PaymentRow> {
    Ok(PaymentRow {
        id: col(r, 0)?,
        project_id: col(r, 1)?,
        commitment_id: col(r, 2)?,
        number: r.get(3)?,
        date: date(r, 4)?,
        amount: col(r, 5)?,
        document: r.get(6)?,
        created_at: r.get(7)?,
        annulled: annulment(r, 8)?,
    })
}

/// The columns a correction of the project rewrites, for its INSERT and its UPDATE alike.
fn project_values<'a>(p: &'a FundedProjectRow, stamp: &'a Stamp) -> Values<'a> {
    Values::new()
        .with("code", p.project.code.trim())
        .with("title", p.title.trim())
        .with("programme", p.programme.trim())
        .with("azione", p.azione.trim())
        .with("cup", p.project.cup.as_str())
        .with("rup", p.project.rup.trim())
        .with("attuatore", p.project.attuatore.trim())
        .with("start_on", p.project.start.to_string())
        .with("end_on", p.project.end.to_string())
        .with("programmato", p.project.programmato.sql())
        .with("ammesso", p.project.ammesso.sql())
        .with("act", p.act.trim())
        .with("updated_at", &stamp.at)
        .with("updated_by", stamp.by.sql())
}

impl Tx<'_> {
    /// Every funded project, by start date then code.
    pub fn funded_projects(&self) -> Result<Vec<FundedProjectRow>, Error> {
        self.rows(
            &format!("SELECT {PROJECT_COLUMNS} FROM funded_projects ORDER BY start_on, code, id"),
            [],
            project_from_row,
        )
    }

    pub fn funded_project_get(&self, id: Id) -> Result<Option<FundedProjectRow>, Error> {
        self.tx
            .query_row(
                &format!("SELECT {PROJECT_COLUMNS} FROM funded_projects WHERE id = ?1"),
                [id.sql()],
                project_from_row,
            )
            .optional()
            .map_err(db_err)
    }

    /// The project holding `code` or `cup`, other than `except` (both are unique).
    pub fn funded_project_clash(
        &self,
        code: &str,
        cup: &Cup,
        except: Id,
    ) -> Result<Option<(String, String)>, Error> {
        self.tx
            .query_row(
                "SELECT code, cup FROM funded_projects
                  WHERE (lower(trim(code)) = lower(trim(?1)) OR cup = ?2) AND id <> ?3",
                rusqlite::params![code, cup.as_str(), except.sql()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(db_err)
    }

    /// A new project, or a correction of its data (its records stay).
    pub fn funded_project_put(&self, p: &FundedProjectRow, stamp: &Stamp) -> Result<(), Error> {
        let keys = Values::new().with("id", p.id.sql());
        let n = project_values(p, stamp).update(&self.tx, "funded_projects", &keys).map_err(db_err)?;
        if n == 0 {
            project_values(p, stamp)
                .with("id", p.id.sql())
                .with("created_at", &stamp.at)
                .with("created_by", stamp.by.sql())
                .insert(&self.tx, "funded_projects")
                .map_err(db_err)?;
        }
        Ok(())
    }

    /// A project's commitments, annulled ones included, by date then number.
    pub fn finance_commitments(&self, project: Id) -> Result<Vec<CommitmentRow>, Error> {
        self.rows(
            &format!(
                "SELECT x.id, x.project_id, x.number, x.date, x.act, x.creditor, x.amount, x.description,
                        x.created_at, {ANNULMENT_COLUMNS}
                   FROM finance_commitments x {ANNULMENT_JOIN}
                  WHERE x.project_id = ?1 ORDER BY x.date, x.created_at, x.id"
            ),
            [project.sql()],
            commitment_from_row,
        )
    }

    /// A project's payments, annulled ones included, by date then number.
    pub fn finance_payments(&self, project: Id) -> Result<Vec<PaymentRow>, Error> {
        self.rows(
            &format!(
                "SELECT x.id, x.project_id, x.commitment_id, x.number, x.date, x.amount, x.document,
                        x.created_at, {ANNULMENT_COLUMNS}
                   FROM finance_payments x {ANNULMENT_JOIN}
                  WHERE x.project_id = ?1 ORDER BY x.date, x.created_at, x.id"
            ),
            [project.sql()],
            payment_from_row,
        )
    }

    pub fn finance_commitment_insert(&self, c: &CommitmentRow, stamp: &Stamp) -> Result<(), Error> {
        Values::new()
            .with("id", c.id.sql())
            .with("project_id", c.project_id.sql())
            .with("number", c.number.trim())
            .with("date", c.date.to_string())
            .with("act", c.act.trim())
            .with("creditor", c.creditor.trim())
            .with("amount", c.amount.sql())
            .with("description", c.description.trim())
            .with("created_at", &stamp.at)
            .with("created_by", stamp.by.sql())
            .insert(&self.tx, "finance_commitments")
            .map_err(db_err)?;
        Ok(())
    }

    pub fn finance_payment_insert(&self, p: &PaymentRow, stamp: &Stamp) -> Result<(), Error> {
        Values::new()
            .with("id", p.id.sql())
            .with("project_id", p.project_id.sql())
            .with("commitment_id", p.commitment_id.sql())
            .with("number", p.number.trim())
            .with("date", p.date.to_string())
            .with("amount", p.amount.sql())
            .with("document", p.document.trim())
            .with("created_at", &stamp.at)
            .with("created_by", stamp.by.sql())
            .insert(&self.tx, "finance_payments")
            .map_err(db_err)?;
        Ok(())
    }

    /// Annuls a commitment (`payment` false) or a payment of `project`.
    pub fn finance_annul(
        &self,
        project: Id,
        record: Id,
        payment: bool,
        reason: &str,
        on: NaiveDate,
        stamp: &Stamp,
    ) -> Result<(), Error> {
        Values::new()
            .with("id", Id::new().sql())
            .with("project_id", project.sql())
            .with("kind", if payment { "payment" } else { "commitment" })
            .with("record_id", record.sql())
            .with("reason", reason.trim())
            .with("annulled_on", on.to_string())
            .with("created_at", &stamp.at)
            .with("created_by", stamp.by.sql())
            .insert(&self.tx, "finance_annulments")
            .map_err(db_err)?;
        Ok(())
    }
}
