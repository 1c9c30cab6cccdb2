//! The SIUSS flow of benefits paid (issue 14; cli.md `sportello siuss`): the
//! payments of the elenchi di liquidazione issued in a period, as INPS's
//! PS-PSA file, prepared by the acting operator (whose codice fiscale is the
//! flow's `CFOperatore`). The flow itself is the core's (`crate::siuss`); this
//! reads the records it needs, once, inside one transaction.

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use super::{office, Action, Service};
use crate::error::{Code, Error};
use crate::siuss::{self, Ente, Flusso, Payment, Person};
use crate::storage::Tx;

/// What a saved flow holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SiussSaved {
    /// The flow's `Nome`.
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub beneficiaries: usize,
    pub payments: usize,
    /// The sum of the payments, `1234.56`.
    pub total: String,
    pub path: String,
}

impl Service {
    /// The flow of what was paid from `from` to `to` (both included); `None`
    /// when nothing was paid (the command line's exit 1: no file).
    pub fn siuss_flow(&self, from: NaiveDate, to: NaiveDate) -> Result<Option<Flusso>, Error> {
        self.run(Action::SiussExport, None, |tx, _| self.flow_in(tx, from, to))
    }

    /// Writes the flow of `from`..=`to` into `out` (a new file, whole or not
    /// at all, private to the account). Nothing paid: `not_found`, no file.
    pub fn siuss_save(&self, from: NaiveDate, to: NaiveDate, out: &Path) -> Result<SiussSaved, Error> {
        self.save_new_file(Action::SiussExport, None, out, "impossibile salvare il flusso SIUSS", |tx| {
            let flow = self.flow_in(tx, from, to)?.ok_or_else(|| nothing_paid(from, to))?;
            let payments: Vec<_> = flow.beneficiaries.iter().flat_map(|b| &b.benefits).collect();
            let total = payments
                .iter()
                .try_fold(crate::money::Money::ZERO, |sum, p| sum.checked_add(p.amount))
                .ok_or_else(|| Error::new(Code::Internal, "Totale dei pagamenti fuori scala"))?;
            let saved = SiussSaved {
                name: flow.name.clone(),
                from,
                to,
                beneficiaries: flow.beneficiaries.len(),
                payments: payments.len(),
                total: total.to_string(),
                path: out.display().to_string(),
            };
            Ok((saved, flow.to_xml().into_bytes()))
        })
    }

    fn flow_in(&self, tx: &Tx<'_>, from: NaiveDate, to: NaiveDate) -> Result<Option<Flusso>, Error> {
        if to < from {
            return Err(Error::invalid("to", "La fine del periodo viene prima del suo inizio"));
        }
        let items = tx.payments_between(from, to)?;
        if items.is_empty() {
            return Ok(None);
        }
        let cf_operatore = tx.operator_cf(self.operator.id)?.ok_or_else(|| {
            Error::invalid(
                "codice_fiscale",
                format!(
                    "Il flusso SIUSS indica il codice fiscale di chi lo prepara: registrarlo nella scheda dell'operatore «{}» (Operatori)",
                    self.operator.username
                ),
            )
        })?;
        let office = office(tx)?;
        let ente = Ente {
            codice: office.comune.clone(),
            denominazione: office.name.chars().take(100).collect(),
            comune: office.comune.clone(),
            cf_operatore,
        };
        let mut payments = Vec::with_capacity(items.len());
        for item in items {
            let where_ = || {
                format!("elenco n. {}, riga {} (domanda {})", item.list_number, item.position, item.protocol)
            };
            // Who applied, as the reimbursements screen names them: the member
            // the application names, else its household's richiedente.
            let household_id = match item.member_id {
                Some(m) => tx.member_household(m)?,
                None => item.household_id,
            }
            .ok_or_else(|| {
                Error::invalid(
                    "household_id",
                    format!(
                        "{}: la domanda non è collegata a un fascicolo, e SIUSS chiede il beneficiario: collegarla alla persona che l'ha presentata",
                        where_()
                    ),
                )
            })?;
            let (member, comune) = tx
                .household_get(household_id)?
                .and_then(|h| {
                    let m = match item.member_id {
                        Some(id) => h.member(id),
                        None => h.applicant(),
                    }
                    .cloned();
                    m.map(|m| (m, h.comune.clone()))
                })
                .ok_or_else(|| {
                    Error::new(
                        Code::NotFound,
                        format!(
                            "{}: la persona che ha presentato la domanda non è più nel fascicolo",
                            where_()
                        ),
                    )
                    .with_field("member_id")
                })?;
            let residence = member.residence_comune.clone().unwrap_or(comune);
            let citizenship = match member.citizenship {
                crate::domain::Citizenship::Italiana => Some(crate::catalog::siuss_codes::ITALY.to_string()),
                _ => member.citizenship_country.clone(),
            };
            payments.push(Payment {
                person: Person {
                    codice_fiscale: member.codice_fiscale.clone(),
                    last_name: member.last_name.clone(),
                    first_name: member.first_name.clone(),
                    birth_date: member.birth_date,
                    sex: member.sex,
                    citizenship,
                    residence,
                },
                measure: item.measure.clone(),
                protocol: item.protocol.clone(),
                paid_on: item.paid_on,
                amount: item.amount,
                in_charge: item.household_id.is_some(),
            });
        }
        // The day's first flow: the office sends one a day at most, and a
        // resend of the same day replaces it at INPS by its name.
        siuss::flow(&ente, self.today(), 1, &payments).map(Some)
    }
}

fn nothing_paid(from: NaiveDate, to: NaiveDate) -> Error {
    Error::new(
        Code::NotFound,
        format!(
            "Nessuna prestazione pagata dal {} al {}: nessun flusso da inviare",
            from.format("%d/%m/%Y"),
            to.format("%d/%m/%Y")
        ),
    )
    .with_field("from")
}
