//! The records checked as input, the four amounts on a date, and the warnings on
//! what does not add up.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use super::{Amounts, Commitment, FundedProject, Payment, Warning, WarningCode};
use crate::dates::format_it;
use crate::error::{Error, Result};
use crate::money::Money;

fn add(a: Money, b: Money) -> Money {
    Money::from_decimal(a.as_decimal() + b.as_decimal())
}

fn sum(amounts: impl Iterator<Item = Money>) -> Money {
    amounts.fold(Money::ZERO, add)
}

/// `a − b`, for the "di quanto" of a warning (only called with a > b).
fn excess(a: Money, b: Money) -> String {
    Money::from_decimal(a.as_decimal() - b.as_decimal()).format_it()
}

/// What makes the records unusable rather than worrying: an empty name, a
/// project ending before it starts, a negative figure, a record without a
/// positive amount, a repeated id, a payment on a commitment that does not
/// exist. The field names the record (`payments[2].commitment`).
pub fn check_records(
    project: &FundedProject,
    commitments: &[Commitment],
    payments: &[Payment],
) -> Result<()> {
    for (field, value, what) in [
        ("code", &project.code, "il codice del progetto"),
        ("rup", &project.rup, "il responsabile unico del procedimento (RUP)"),
        ("attuatore", &project.attuatore, "il soggetto attuatore"),
    ] {
        if value.trim().is_empty() {
            return Err(Error::invalid(field, format!("indicare {what}")));
        }
    }
    if project.end < project.start {
        return Err(Error::invalid(
            "end",
            format!(
                "la data di fine ({}) precede l'inizio ({})",
                format_it(project.end),
                format_it(project.start)
            ),
        ));
    }
    for (field, m) in [("programmato", project.programmato), ("ammesso", project.ammesso)] {
        if m.is_negative() {
            return Err(Error::invalid(field, format!("importo negativo: {}", m.format_it())));
        }
    }
    let positive = |field: String, m: Money| {
        if m.is_negative() || m == Money::ZERO {
            return Err(Error::invalid(
                field,
                format!("l'importo deve essere positivo, non {}", m.format_it()),
            ));
        }
        Ok(())
    };
    let mut ids = HashSet::new();
    for (i, c) in commitments.iter().enumerate() {
        if !ids.insert(c.id.as_str()) {
            return Err(Error::invalid(
                format!("commitments[{i}].id"),
                format!("impegno «{}» ripetuto", c.id),
            ));
        }
        positive(format!("commitments[{i}].amount"), c.amount)?;
        if c.description.trim().is_empty() {
            return Err(Error::invalid(
                format!("commitments[{i}].description"),
                "descrivere l'impegno (contratto, affidamento, convenzione)",
            ));
        }
    }
    let mut paid = HashSet::new();
    for (i, p) in payments.iter().enumerate() {
        if !paid.insert(p.id.as_str()) {
            return Err(Error::invalid(
                format!("payments[{i}].id"),
                format!("pagamento «{}» ripetuto", p.id),
            ));
        }
        positive(format!("payments[{i}].amount"), p.amount)?;
        if let Some(c) = &p.commitment {
            if !ids.contains(c.as_str()) {
                return Err(Error::invalid(
                    format!("payments[{i}].commitment"),
                    format!("il pagamento «{}» si riferisce all'impegno «{c}», che non esiste", p.id),
                ));
            }
        }
    }
    Ok(())
}

/// The four amounts on `on`: the last two summed from the records dated on or
/// before it.
pub fn amounts(
    project: &FundedProject,
    commitments: &[Commitment],
    payments: &[Payment],
    on: NaiveDate,
) -> Amounts {
    Amounts {
        on,
        programmato: project.programmato,
        ammesso: project.ammesso,
        giuridicamente_vincolante: sum(commitments.iter().filter(|c| c.date <= on).map(|c| c.amount)),
        erogato: sum(payments.iter().filter(|p| p.date <= on).map(|p| p.amount)),
    }
}

/// What does not add up on `on`, over the records dated on or before it, sorted
/// by code and then by record: the same records give the same list whatever
/// their order. Records are expected to have passed [`check_records`] (a payment
/// on an unknown commitment is not looked at here).
pub fn warnings(
    project: &FundedProject,
    commitments: &[Commitment],
    payments: &[Payment],
    on: NaiveDate,
) -> Vec<Warning> {
    let a = amounts(project, commitments, payments, on);
    let mut out = Vec::new();
    let on_it = format_it(on);
    if a.ammesso > a.programmato {
        out.push(Warning {
            code: WarningCode::AdmittedOverProgrammed,
            record: None,
            text: format!(
                "l'importo ammesso a finanziamento ({}) supera l'importo programmato ({}) di {}",
                a.ammesso.format_it(),
                a.programmato.format_it(),
                excess(a.ammesso, a.programmato)
            ),
        });
    }
    if a.giuridicamente_vincolante > a.ammesso {
        out.push(Warning {
            code: WarningCode::CommitmentsOverAdmitted,
            record: None,
            text: format!(
                "al {on_it} gli impegni giuridicamente vincolanti ({}) superano l'importo ammesso a finanziamento ({}) di {}",
                a.giuridicamente_vincolante.format_it(),
                a.ammesso.format_it(),
                excess(a.giuridicamente_vincolante, a.ammesso)
            ),
        });
    }
    if a.erogato > a.giuridicamente_vincolante {
        out.push(Warning {
            code: WarningCode::PaymentsOverCommitments,
            record: None,
            text: format!(
                "al {on_it} i pagamenti erogati ({}) superano gli impegni giuridicamente vincolanti ({}) di {}",
                a.erogato.format_it(),
                a.giuridicamente_vincolante.format_it(),
                excess(a.erogato, a.giuridicamente_vincolante)
            ),
        });
    }
    let period = format!("{} – {}", format_it(project.start), format_it(project.end));
    let outside = |d: NaiveDate| d < project.start || d > project.end;
    let by_id: HashMap<&str, &Commitment> = commitments.iter().map(|c| (c.id.as_str(), c)).collect();
    for c in commitments.iter().filter(|c| c.date <= on && outside(c.date)) {
        out.push(Warning {
            code: WarningCode::OutsideProjectDates,
            record: Some(c.id.clone()),
            text: format!(
                "l'impegno «{}» del {} ({}) è fuori dal periodo del progetto ({period})",
                c.id,
                format_it(c.date),
                c.amount.format_it()
            ),
        });
    }
    let mut on_commitment: BTreeMap<&str, Money> = BTreeMap::new();
    for p in payments.iter().filter(|p| p.date <= on) {
        if outside(p.date) {
            out.push(Warning {
                code: WarningCode::OutsideProjectDates,
                record: Some(p.id.clone()),
                text: format!(
                    "il pagamento «{}» del {} ({}) è fuori dal periodo del progetto ({period})",
                    p.id,
                    format_it(p.date),
                    p.amount.format_it()
                ),
            });
        }
        let Some(c) = p.commitment.as_deref().and_then(|id| by_id.get(id)) else { continue };
        let total = on_commitment.entry(c.id.as_str()).or_insert(Money::ZERO);
        *total = add(*total, p.amount);
        if p.date < c.date {
            out.push(Warning {
                code: WarningCode::PaymentBeforeCommitment,
                record: Some(p.id.clone()),
                text: format!(
                    "il pagamento «{}» del {} precede l'impegno «{}» del {} su cui è registrato",
                    p.id,
                    format_it(p.date),
                    c.id,
                    format_it(c.date)
                ),
            });
        }
    }
    for (id, paid) in on_commitment {
        let c = by_id[id];
        if paid > c.amount {
            out.push(Warning {
                code: WarningCode::PaymentsOverCommitment,
                record: Some(c.id.clone()),
                text: format!(
                    "al {on_it} i pagamenti sull'impegno «{}» ({}) ammontano a {}, oltre il suo importo ({}) di {}",
                    c.id,
                    c.description.trim(),
                    paid.format_it(),
                    c.amount.format_it(),
                    excess(paid, c.amount)
                ),
            });
        }
    }
    out.sort_by(|a, b| (a.code, &a.record).cmp(&(b.code, &b.record)));
    out
}
