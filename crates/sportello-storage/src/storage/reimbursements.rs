//! Awards, the claims decided against them and the elenchi di liquidazione
//! (schema 16). Rows only: what a claim reimburses is decided by
//! `rules::reimbursement` in the service, and stored here as decided.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row};

use super::{col, date, db_err, opt_col, Sql, Stamp, Tx, Values};
use crate::cf::Cf;
use crate::dates::Month;
use crate::domain::Id;
use crate::error::{Code, Error};
use crate::iban::Iban;
use crate::money::Money;
use crate::rules::reimbursement::{Award, DocumentReason, ReimbursementCode};
use crate::rules::rule_set::RuleSetRef;

/// The contribution of one funded application, with where it is paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardRow {
    pub id: Id,
    pub call_id: Id,
    pub protocol: String,
    /// The published version whose funded amount this is.
    pub ranking_version: u32,
    pub award: Award,
    pub iban: Option<Iban>,
    /// Who holds the account, when not the linked applicant: "Cognome Nome".
    pub holder_name: Option<String>,
    pub holder_cf: Option<Cf>,
    pub updated_at: String,
}

/// A claim as decided when it was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRow {
    pub id: Id,
    pub award_id: Id,
    pub number: u32,
    pub received_on: NaiveDate,
    pub rule_set: RuleSetRef,
    pub reimbursed: Money,
    pub created_at: String,
    /// In the order handed in.
    pub documents: Vec<ClaimDocumentRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimDocumentRow {
    pub id: Id,
    pub kind: String,
    pub kind_label: Option<String>,
    pub issuer: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub month: Month,
    pub amount: Money,
    pub accepted: Money,
    /// Each reason's code with its Italian sentence, sorted by code.
    pub reasons: Vec<DocumentReason>,
}

/// An issued elenco di liquidazione.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiquidationRow {
    pub id: Id,
    pub call_id: Id,
    pub number: u32,
    pub issued_on: NaiveDate,
    pub total: Money,
    pub pdf_file: String,
    pub created_at: String,
    /// In the list's order.
    pub items: Vec<LiquidationItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiquidationItem {
    pub id: Id,
    pub position: u32,
    pub claim_id: Id,
    pub amount: Money,
}

fn month(r: &Row<'_>, idx: usize) -> rusqlite::Result<Month> {
    let s: String = r.get(idx)?;
    Month::parse("mese", &s).map_err(|e| super::conversion(idx, e))
}

fn award_from_row(r: &Row<'_>) -> rusqlite::Result<AwardRow> {
    let iban: Option<String> = r.get(7)?;
    let iban = iban
        .map(|s| {
            Iban::parse("iban", &s).map_err(|e| {
                super::conversion(
                    7,
                    Error::new(Code::Storage, format!("IBAN non valido nel database: {}", e.message)),
                )
            })
        })
        .transpose()?;
    Ok(AwardRow {
        id: col(r, 0)?,
        call_id: col(r, 1)?,
        protocol: r.get(2)?,
        ranking_version: r.get(3)?,
        award: Award { amount: col(r, 4)?, first_month: month(r, 5)?, last_month: month(r, 6)? },
        iban,
        updated_at: r.get(8)?,
        holder_name: r.get(9)?,
        holder_cf: opt_col(r, 10)?,
    })
}

const AWARD_COLUMNS: &str = "id, call_id, protocol, ranking_version, amount, first_month, last_month, iban, \
                             updated_at, holder_name, holder_cf";

fn claim_from_row(r: &Row<'_>) -> rusqlite::Result<ClaimRow> {
    Ok(ClaimRow {
        id: col(r, 0)?,
        award_id: col(r, 1)?,
        number: r.get(2)?,
        received_on: date(r, 3)?,
        rule_set: RuleSetRef { id: r.get(4)?, version: r.get(5)? },
        reimbursed: col(r, 6)?,
        created_at: r.get(7)?,
        documents: Vec::new(),
    })
}

fn document_from_row(r: &Row<'_>) -> rusqlite::Result<(Id, ClaimDocumentRow)> {
    let codes: String = r.get(10)?;
    let texts: String = r.get(11)?;
    let codes: Vec<ReimbursementCode> = codes
        .split_whitespace()
        .map(|c| {
            ReimbursementCode::parse(c).ok_or_else(|| {
                super::conversion(
                    10,
                    Error::new(Code::Storage, format!("motivo «{c}» inatteso nel database")),
                )
            })
        })
        .collect::<rusqlite::Result<_>>()?;
    let texts: Vec<String> =
        if texts.is_empty() { Vec::new() } else { texts.lines().map(str::to_string).collect() };
    if texts.len() != codes.len() {
        return Err(super::conversion(
            11,
            Error::new(Code::Storage, "motivi e spiegazioni di un documento non corrispondono nel database"),
        ));
    }
    Ok((
        col(r, 12)?,
        ClaimDocumentRow {
            id: col(r, 0)?,
            kind: r.get(1)?,
            kind_label: r.get(2)?,
            issuer: r.get(3)?,
            number: r.get(4)?,
            issued_on: date(r, 5)?,
            month: month(r, 6)?,
            amount: col(r, 7)?,
            accepted: col(r, 8)?,
            reasons: codes.into_iter().zip(texts).map(|(code, text)| DocumentReason { code, text }).collect(),
        },
    ))
}

fn liquidation_from_row(r: &Row<'_>) -> rusqlite::Result<LiquidationRow> {
    Ok(LiquidationRow {
        id: col(r, 0)?,
        call_id: col(r, 1)?,
        number: r.get(2)?,
        issued_on: date(r, 3)?,
        total: col(r, 4)?,
        pdf_file: r.get(5)?,
        created_at: r.get(6)?,
        items: Vec::new(),
    })
}

/// The columns of an award that a correction rewrites, for its INSERT and
/// its UPDATE alike.
fn award_values<'a>(a: &'a AwardRow, stamp: &'a Stamp) -> Values<'a> {
    Values::new()
        .with("ranking_version", a.ranking_version)
        .with("amount", a.award.amount.sql())
        .with("first_month", a.award.first_month.to_string())
        .with("last_month", a.award.last_month.to_string())
        .with("iban", a.iban.as_ref().map(|i| i.as_str().to_string()))
        .with("holder_name", &a.holder_name)
        .with("holder_cf", a.holder_cf.sql())
        .with("updated_at", &stamp.at)
        .with("updated_by", stamp.by.sql())
}

fn one_line(field: &str, s: &str) -> Result<(), Error> {
    if s.contains('\n') {
        return Err(Error::new(Code::Internal, format!("{field}: una spiegazione va su una riga")));
    }
    Ok(())
}

impl Tx<'_> {
    /// The awards of a call, in the order they were set.
    pub fn awards_of_call(&self, call: Id) -> Result<Vec<AwardRow>, Error> {
        self.rows(
            &format!("SELECT {AWARD_COLUMNS} FROM awards WHERE call_id = ?1 ORDER BY created_at, id"),
            [call.sql()],
            award_from_row,
        )
    }

    pub fn award_get(&self, id: Id) -> Result<Option<AwardRow>, Error> {
        self.tx
            .query_row(
                &format!("SELECT {AWARD_COLUMNS} FROM awards WHERE id = ?1"),
                [id.sql()],
                award_from_row,
            )
            .optional()
            .map_err(db_err)
    }

    /// Sets the award of an application: a new one, or a correction (once a
    /// claim is decided against it the schema refuses a new amount or period).
    pub fn award_put(&self, a: &AwardRow, stamp: &Stamp) -> Result<(), Error> {
        let keys = Values::new().with("id", a.id.sql());
        let n = award_values(a, stamp).update(&self.tx, "awards", &keys).map_err(db_err)?;
        if n == 0 {
            award_values(a, stamp)
                .with("id", a.id.sql())
                .with("call_id", a.call_id.sql())
                .with("protocol", &a.protocol)
                .with("created_at", &stamp.at)
                .with("created_by", stamp.by.sql())
                .insert(&self.tx, "awards")
                .map_err(db_err)?;
        }
        Ok(())
    }

    /// The claims of an award, oldest first, with their documents.
    pub fn claims_of_award(&self, award: Id) -> Result<Vec<ClaimRow>, Error> {
        let mut claims = self.rows(
            "SELECT id, award_id, number, received_on, rule_set_id, rule_set_version, reimbursed, created_at
               FROM reimbursement_claims WHERE award_id = ?1 ORDER BY number",
            [award.sql()],
            claim_from_row,
        )?;
        let docs = self.rows(
            "SELECT d.id, d.kind, d.kind_label, d.issuer, d.number, d.issued_on, d.month, d.amount, d.accepted,
                    d.seq, d.reasons, d.reason_texts, d.claim_id
               FROM reimbursement_documents d JOIN reimbursement_claims c ON c.id = d.claim_id
              WHERE c.award_id = ?1 ORDER BY c.number, d.seq",
            [award.sql()],
            document_from_row,
        )?;
        for (claim_id, d) in docs {
            if let Some(c) = claims.iter_mut().find(|c| c.id == claim_id) {
                c.documents.push(d);
            }
        }
        Ok(claims)
    }

    /// Records a decided claim with its documents (number: the next of its award).
    pub fn claim_insert(&self, c: &ClaimRow, stamp: &Stamp) -> Result<(), Error> {
        Values::new()
            .with("id", c.id.sql())
            .with("award_id", c.award_id.sql())
            .with("number", c.number)
            .with("received_on", c.received_on.to_string())
            .with("rule_set_id", &c.rule_set.id)
            .with("rule_set_version", c.rule_set.version)
            .with("reimbursed", c.reimbursed.sql())
            .with("created_at", &stamp.at)
            .with("created_by", stamp.by.sql())
            .insert(&self.tx, "reimbursement_claims")
            .map_err(db_err)?;
        for (i, d) in c.documents.iter().enumerate() {
            let codes: Vec<&str> = d.reasons.iter().map(|r| r.code.as_str()).collect();
            for r in &d.reasons {
                one_line("reason_texts", &r.text)?;
            }
            let texts: Vec<&str> = d.reasons.iter().map(|r| r.text.as_str()).collect();
            Values::new()
                .with("id", d.id.sql())
                .with("claim_id", c.id.sql())
                .with("seq", i as i64 + 1)
                .with("kind", &d.kind)
                .with("kind_label", &d.kind_label)
                .with("issuer", &d.issuer)
                .with("number", &d.number)
                .with("issued_on", d.issued_on.to_string())
                .with("month", d.month.to_string())
                .with("amount", d.amount.sql())
                .with("accepted", d.accepted.sql())
                .with("reasons", codes.join(" "))
                .with("reason_texts", texts.join("\n"))
                .insert(&self.tx, "reimbursement_documents")
                .map_err(db_err)?;
        }
        Ok(())
    }

    /// The claims of a call with something reimbursed that no issued list
    /// pays yet, in the order of their awards, then of their numbers.
    pub fn claims_to_liquidate(&self, call: Id) -> Result<Vec<(AwardRow, ClaimRow)>, Error> {
        let awards = self.awards_of_call(call)?;
        let mut out = Vec::new();
        for a in awards {
            let listed: Vec<Id> = self.rows(
                "SELECT i.claim_id FROM liquidation_items i JOIN reimbursement_claims c ON c.id = i.claim_id
                  WHERE c.award_id = ?1",
                [a.id.sql()],
                |r| col(r, 0),
            )?;
            for c in self.claims_of_award(a.id)? {
                if c.reimbursed > Money::ZERO && !listed.contains(&c.id) {
                    out.push((a.clone(), c));
                }
            }
        }
        Ok(out)
    }

    pub fn liquidation_insert(&self, l: &LiquidationRow, pdf: &[u8], stamp: &Stamp) -> Result<(), Error> {
        Values::new()
            .with("id", l.id.sql())
            .with("call_id", l.call_id.sql())
            .with("number", l.number)
            .with("issued_on", l.issued_on.to_string())
            .with("total", l.total.sql())
            .with("pdf_file", &l.pdf_file)
            .with("pdf", pdf)
            .with("created_at", &stamp.at)
            .with("created_by", stamp.by.sql())
            .insert(&self.tx, "liquidations")
            .map_err(db_err)?;
        for i in &l.items {
            Values::new()
                .with("id", i.id.sql())
                .with("liquidation_id", l.id.sql())
                .with("position", i.position)
                .with("claim_id", i.claim_id.sql())
                .with("amount", i.amount.sql())
                .insert(&self.tx, "liquidation_items")
                .map_err(db_err)?;
        }
        Ok(())
    }

    /// The issued lists of a call, oldest first, with their items.
    pub fn liquidations_of_call(&self, call: Id) -> Result<Vec<LiquidationRow>, Error> {
        let mut lists = self.rows(
            "SELECT id, call_id, number, issued_on, total, pdf_file, created_at
               FROM liquidations WHERE call_id = ?1 ORDER BY number",
            [call.sql()],
            liquidation_from_row,
        )?;
        for l in &mut lists {
            l.items = self.rows(
                "SELECT id, position, claim_id, amount FROM liquidation_items
                  WHERE liquidation_id = ?1 ORDER BY position",
                [l.id.sql()],
                |r| {
                    Ok(LiquidationItem {
                        id: col(r, 0)?,
                        position: r.get(1)?,
                        claim_id: col(r, 2)?,
                        amount: col(r, 3)?,
                    })
                },
            )?;
        }
        Ok(lists)
    }

    /// The call and number of an issued list.
    pub fn liquidation_head(&self, id: Id) -> Result<Option<(Id, u32)>, Error> {
        self.tx
            .query_row("SELECT call_id, number FROM liquidations WHERE id = ?1", [id.sql()], |r| {
                Ok((col(r, 0)?, r.get(1)?))
            })
            .optional()
            .map_err(db_err)
    }

    /// The PDF of an issued list, as issued.
    pub fn liquidation_pdf(&self, id: Id) -> Result<Option<Vec<u8>>, Error> {
        self.tx
            .query_row("SELECT pdf FROM liquidations WHERE id = ?1", [id.sql()], |r| r.get(0))
            .optional()
            .map_err(db_err)
    }

    /// The claim a liquidation item pays, if any list pays it.
    pub fn claim_liquidation(&self, claim: Id) -> Result<Option<(u32, NaiveDate)>, Error> {
        self.tx
            .query_row(
                "SELECT l.number, l.issued_on FROM liquidation_items i JOIN liquidations l ON l.id = i.liquidation_id
                  WHERE i.claim_id = ?1",
                [claim.sql()],
                |r| Ok((r.get(0)?, date(r, 1)?)),
            )
            .optional()
            .map_err(db_err)
    }

    /// Every document handed in against an award before (issuer, number), for DUPLICATE.
    pub fn documents_of_award(&self, award: Id) -> Result<Vec<(String, String)>, Error> {
        self.rows(
            "SELECT d.issuer, d.number FROM reimbursement_documents d
               JOIN reimbursement_claims c ON c.id = d.claim_id
              WHERE c.award_id = ?1 ORDER BY c.number, d.seq",
            [award.sql()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// What the elenchi di liquidazione issued from `from` to `to` (both
    /// included) pay, item by item, in the order they were issued: the SIUSS
    /// flow of benefits paid reads them.
    pub fn payments_between(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<PaidItem>, Error> {
        self.rows(
            "SELECT l.issued_on, i.amount, a.protocol, c.measure, ap.member_id, ap.household_id, l.number, i.position
               FROM liquidation_items i
               JOIN liquidations l ON l.id = i.liquidation_id
               JOIN reimbursement_claims rc ON rc.id = i.claim_id
               JOIN awards a ON a.id = rc.award_id
               JOIN calls c ON c.id = a.call_id
               JOIN call_applications ap ON ap.call_id = a.call_id AND ap.protocol = a.protocol
              WHERE l.issued_on BETWEEN ?1 AND ?2
              ORDER BY l.issued_on, l.number, i.position",
            [from.to_string(), to.to_string()],
            |r| {
                Ok(PaidItem {
                    paid_on: date(r, 0)?,
                    amount: col(r, 1)?,
                    protocol: r.get(2)?,
                    measure: r.get(3)?,
                    member_id: opt_col(r, 4)?,
                    household_id: opt_col(r, 5)?,
                    list_number: r.get(6)?,
                    position: r.get(7)?,
                })
            },
        )
    }
}

/// One payment of an issued elenco di liquidazione, with the application it
/// pays and the person it is linked to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidItem {
    /// The day the list was issued: the payment's date for SIUSS.
    pub paid_on: NaiveDate,
    pub amount: Money,
    pub protocol: String,
    pub measure: String,
    /// The applicant, when the application names one (schema 14).
    pub member_id: Option<Id>,
    pub household_id: Option<Id>,
    pub list_number: u32,
    pub position: u32,
}
