//! The claim of `sportello reimburse` (cli.md), read strictly: unknown and
//! repeated keys are refused, and every value error names its path
//! (`documents[3].amount`). What needs the rule set (the measure, the minimum
//! monthly award) is checked by [`super::reimburse`], with the same fields.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{Award, Claim, EarlierDocument, ExpenseDocument, MonthAmount};
use crate::dates::{self, Month};
use crate::error::{Error, Result};
use crate::json_in;
use crate::money::Money;

/// The comune whose rules a claim is decided under: the contract has no comune
/// (B2 is a call of the Comune di Milano), as `sportello deadline` defaults to it.
pub const DEFAULT_COMUNE: &str = "F205";

const CLAIM_KEYS: &[&str] =
    &["measure", "funded", "award", "already_reimbursed", "earlier_documents", "documents"];
const AWARD_KEYS: &[&str] = &["amount", "first_month", "last_month"];
const MONTH_AMOUNT_KEYS: &[&str] = &["month", "amount"];
const EARLIER_KEYS: &[&str] = &["issuer", "number"];
const DOCUMENT_KEYS: &[&str] = &["id", "type", "issuer", "number", "date", "month", "amount"];

/// Parses the claim JSON of cli.md. Syntax errors carry the line; value errors
/// name the field. `already_reimbursed` and `earlier_documents` may be left out
/// (nothing paid, nothing handed in before).
pub fn parse_claim_json(text: &str) -> Result<Claim> {
    let v = json_in::parse(text)?;
    let root = v
        .as_object()
        .ok_or_else(|| Error::invalid("json", "atteso un oggetto JSON con la richiesta di rimborso"))?;
    json_in::only_keys(root, CLAIM_KEYS, "")?;
    let measure = req_text(root, "measure", "measure")?;
    if !valid_measure_id(&measure) {
        return Err(Error::invalid("measure", format!("misura «{measure}» non valida (es. b2-anziani)")));
    }
    let funded = match root.get("funded") {
        Some(Value::Bool(b)) => *b,
        None | Some(Value::Null) => return Err(missing("funded")),
        Some(_) => return Err(Error::invalid("funded", "atteso true oppure false")),
    };
    let award = parse_award(root.get("award"))?;
    let already_reimbursed = list(root, "already_reimbursed", false)?
        .iter()
        .enumerate()
        .map(|(i, v)| parse_month_amount(v, &format!("already_reimbursed[{i}]"), &award))
        .collect::<Result<Vec<_>>>()?;
    let earlier_documents = list(root, "earlier_documents", false)?
        .iter()
        .enumerate()
        .map(|(i, v)| parse_earlier(v, &format!("earlier_documents[{i}]")))
        .collect::<Result<Vec<_>>>()?;
    let mut ids = HashSet::new();
    let mut documents = Vec::new();
    for (i, v) in list(root, "documents", true)?.iter().enumerate() {
        let path = format!("documents[{i}]");
        let d = parse_document(v, &path)?;
        if !ids.insert(d.id.clone()) {
            return Err(Error::invalid(
                format!("{path}.id"),
                format!("identificativo «{}» ripetuto: ogni documento ha il suo", d.id),
            ));
        }
        documents.push(d);
    }
    Ok(Claim {
        measure,
        comune: DEFAULT_COMUNE.to_string(),
        funded,
        award,
        already_reimbursed,
        earlier_documents,
        documents,
    })
}

/// The form a codice fiscale or partita IVA is compared in: no spaces, upper case.
pub fn normalize_issuer(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect()
}

/// Any code the document carries: a codice fiscale, a partita IVA, or a
/// foreign provider's VAT number (`DE123456789`). Its form is not checked: a
/// payslip with a mistyped code is still the same payslip, and the issuer only
/// serves to tell two documents apart (DUPLICATE); the office compares, it does
/// not certify. Only an empty issuer is refused, since it would tell nothing.
fn valid_issuer(s: &str) -> bool {
    !s.is_empty()
}

fn valid_measure_id(s: &str) -> bool {
    !s.is_empty()
        && s.split('-')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

fn missing(field: &str) -> Error {
    Error::invalid(field, "campo obbligatorio mancante")
}

fn object<'a>(v: Option<&'a Value>, path: &str, what: &str) -> Result<&'a Map<String, Value>> {
    match v {
        Some(Value::Object(o)) => Ok(o),
        None | Some(Value::Null) => Err(missing(path)),
        Some(_) => Err(Error::invalid(path, format!("atteso un oggetto con {what}"))),
    }
}

/// An array; a missing optional one is empty.
fn list<'a>(root: &'a Map<String, Value>, key: &str, required: bool) -> Result<&'a [Value]> {
    match root.get(key) {
        Some(Value::Array(a)) => Ok(a),
        None | Some(Value::Null) if !required => Ok(&[]),
        None | Some(Value::Null) => Err(missing(key)),
        Some(_) => Err(Error::invalid(key, "atteso un elenco")),
    }
}

fn req_text(o: &Map<String, Value>, key: &str, path: &str) -> Result<String> {
    match o.get(key) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        Some(Value::String(_)) => Err(Error::invalid(path, "il campo non può essere vuoto")),
        None | Some(Value::Null) => Err(missing(path)),
        Some(_) => Err(Error::invalid(path, "atteso un testo tra virgolette")),
    }
}

fn req_month(o: &Map<String, Value>, key: &str, path: &str) -> Result<Month> {
    match o.get(key) {
        Some(Value::String(s)) => Month::parse(path, s),
        None | Some(Value::Null) => Err(missing(path)),
        Some(_) => Err(Error::invalid(path, "atteso un mese come testo, es. \"2019-07\"")),
    }
}

fn req_date(o: &Map<String, Value>, key: &str, path: &str) -> Result<chrono::NaiveDate> {
    match o.get(key) {
        Some(Value::String(s)) => dates::parse_iso(path, s),
        None | Some(Value::Null) => Err(missing(path)),
        Some(_) => Err(Error::invalid(path, "attesa una data come testo, es. \"2019-08-05\"")),
    }
}

/// Money as a string with at most two decimals, never negative.
fn req_money(o: &Map<String, Value>, key: &str, path: &str) -> Result<Money> {
    let m = match o.get(key) {
        Some(Value::String(s)) => {
            Money::parse(s).map_err(|e| Error { field: Some(path.to_string()), ..e })?
        }
        None | Some(Value::Null) => return Err(missing(path)),
        Some(_) => return Err(Error::invalid(path, "atteso un importo come testo, es. \"1234.56\"")),
    };
    if m.is_negative() {
        return Err(Error::invalid(path, format!("importo negativo: {m}")));
    }
    Ok(m)
}

fn req_issuer(o: &Map<String, Value>, path: &str) -> Result<String> {
    let field = format!("{path}.issuer");
    let issuer = normalize_issuer(&req_text(o, "issuer", &field)?);
    if !valid_issuer(&issuer) {
        return Err(Error::invalid(
            field,
            "emittente mancante: il codice fiscale o la partita IVA di chi ha emesso il documento"
                .to_string(),
        ));
    }
    Ok(issuer)
}

fn parse_award(v: Option<&Value>) -> Result<Award> {
    let o = object(v, "award", "importo e periodo del contributo")?;
    json_in::only_keys(o, AWARD_KEYS, "award")?;
    let amount = req_money(o, "amount", "award.amount")?;
    let first_month = req_month(o, "first_month", "award.first_month")?;
    let last_month = req_month(o, "last_month", "award.last_month")?;
    if last_month < first_month {
        return Err(Error::invalid(
            "award.last_month",
            format!(
                "l'ultimo mese ({}) precede il primo ({})",
                last_month.format_it(),
                first_month.format_it()
            ),
        ));
    }
    Ok(Award { amount, first_month, last_month })
}

fn parse_month_amount(v: &Value, path: &str, award: &Award) -> Result<MonthAmount> {
    let o = object(Some(v), path, "mese e importo")?;
    json_in::only_keys(o, MONTH_AMOUNT_KEYS, path)?;
    let month = req_month(o, "month", &format!("{path}.month"))?;
    // An earlier claim of this award cannot have paid a month outside it: such a
    // line belongs to another award, and counting it would mislead the balance.
    if !award.covers(month) {
        return Err(Error::invalid(
            format!("{path}.month"),
            format!(
                "il mese {} è fuori dal periodo del contributo ({})",
                month.format_it(),
                award.period_it()
            ),
        ));
    }
    let amount = req_money(o, "amount", &format!("{path}.amount"))?;
    Ok(MonthAmount { month, amount })
}

fn parse_earlier(v: &Value, path: &str) -> Result<EarlierDocument> {
    let o = object(Some(v), path, "emittente e numero del documento")?;
    json_in::only_keys(o, EARLIER_KEYS, path)?;
    Ok(EarlierDocument {
        issuer: req_issuer(o, path)?,
        number: req_text(o, "number", &format!("{path}.number"))?,
    })
}

fn parse_document(v: &Value, path: &str) -> Result<ExpenseDocument> {
    let o = object(Some(v), path, "i dati del documento di spesa")?;
    json_in::only_keys(o, DOCUMENT_KEYS, path)?;
    let f = |k: &str| format!("{path}.{k}");
    // Fields in the order of the contract, so the first fault found is the first written.
    Ok(ExpenseDocument {
        id: req_text(o, "id", &f("id"))?,
        kind: req_text(o, "type", &f("type"))?,
        issuer: req_issuer(o, path)?,
        number: req_text(o, "number", &f("number"))?,
        date: req_date(o, "date", &f("date"))?,
        month: req_month(o, "month", &f("month"))?,
        amount: req_money(o, "amount", &f("amount"))?,
    })
}
