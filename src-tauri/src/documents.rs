//! The three commands that reach beyond the database: printing the patto and
//! the convocation (service data → the printer → the case's folder), and opening
//! a printed PDF in the system viewer.
//!
//! Glue only, in the order the library's parts expect; each step is the
//! library's (`Service::agreement_data`, `print::*`, `Service::document_add`,
//! `Service::document_path`). When the service grows these methods itself, the
//! backend calls them and this module goes.

use chrono::NaiveTime;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sportello::calendar::Comuni;
use sportello::domain::form;
use sportello::domain::{DocumentKind, ProjectStatus, Relationship};
use sportello::print::agreement::{self, AgreementDocument, AgreementInput};
use sportello::print::convocation::{self, Convocation};
use sportello::print::Office;
use sportello::service::Service;
use sportello::{dates, Code, Error, Result};

use crate::viewer;

fn input<T: DeserializeOwned + Default>(v: Value) -> Result<T> {
    if v.is_null() {
        return Ok(T::default());
    }
    serde_json::from_value(v).map_err(|e| Error::new(Code::Invalid, format!("Richiesta non valida: {e}")))
}

fn output<T: Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::new(Code::Internal, format!("serializzazione JSON: {e}")))
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ByProject {
    project_id: Option<String>,
}

/// `agreement_print {project_id}` → `Document`. A project still in `bozza` moves
/// to `da_firmare`: what is printed is what the family signs (docs/ipc.md).
pub fn agreement_print(service: &Service, comuni: &Comuni, v: Value) -> Result<Value> {
    let i: ByProject = input(v)?;
    let project_id = form::required_id("project_id", &i.project_id, "il progetto")?;
    let data = service.agreement_data(project_id)?;
    // One printing path for the app and `sportello agreement`: the CLI's input shape.
    let printable = AgreementInput::from_json(&data.to_cli_input().to_string())?;
    let valid = printable.validate(service.today())?;
    let comune = comuni.get(&data.comune)?;
    let prepared = AgreementDocument::prepare(valid, comune)?;
    let pdf = agreement::render(&prepared)?;
    let status = service.project_get(data.household_id)?.map(|p| p.status);
    if status == Some(ProjectStatus::Bozza) {
        service.project_set_status(project_id, ProjectStatus::DaFirmare)?;
    }
    let title = format!(
        "Progetto personalizzato (patto), da sottoscrivere entro il {}",
        dates::format_it(prepared.signing_deadline)
    );
    output(service.document_add(data.household_id, DocumentKind::Patto, &title, &pdf)?)
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ConvocationForm {
    household_id: Option<String>,
    date: Option<String>,
    time: Option<String>,
    place: Option<String>,
    ask_for: Option<String>,
    bring: Vec<Option<String>>,
    notes: Option<String>,
}

/// `convocation_print {household_id, date, time, place, ask_for, bring, notes}` →
/// `Document`: the letter to the richiedente, at the household's address.
pub fn convocation_print(service: &Service, comuni: &Comuni, v: Value) -> Result<Value> {
    let f: ConvocationForm = input(v)?;
    let household_id = form::required_id("household_id", &f.household_id, "il nucleo")?;
    let date = form::required_date("date", &f.date, "la data dell'appuntamento")?;
    let time = form::time_of_day("time", &f.time, "l'ora dell'appuntamento")?;
    let time = NaiveTime::parse_from_str(&time, "%H:%M")
        .map_err(|_| Error::invalid("time", "Ora non valida: scrivere hh:mm"))?;
    let place = form::required_line("place", &f.place, "il luogo dell'appuntamento")?;
    let ask_for = form::required_line("ask_for", &f.ask_for, "la persona da chiedere")?;
    let bring = form::text_list("bring", &f.bring)?;
    let notes = form::optional_text("notes", &f.notes)?;

    let household = service.household_get(household_id)?;
    let session = service.session()?;
    let office = Office {
        name: Some(session.office.name.clone()),
        address: Some(session.office.address.clone()),
        phone: Some(session.office.phone.clone()),
        email: Some(session.office.email.clone()),
    }
    .validate("office")?;
    let office_comune = comuni.get(&session.office.comune)?;
    let applicant = household
        .members
        .iter()
        .find(|m| m.relationship == Relationship::Richiedente)
        .ok_or_else(|| Error::invalid("members", "Il nucleo non ha un richiedente a cui scrivere"))?;
    let address = household
        .address
        .clone()
        .ok_or_else(|| Error::invalid("address", "Manca l'indirizzo del nucleo: indicarlo nella scheda del nucleo"))?;
    let town = comuni.get(&household.comune).map(|c| c.nome.clone()).unwrap_or_default();
    let recipient_address =
        if town.is_empty() || address.contains(&town) { address } else { format!("{address}\n{town}") };

    let letter = Convocation {
        office,
        comune_name: Some(office_comune.nome.clone()),
        case_number: household.case_number.clone(),
        issued_on: service.today(),
        recipient_name: applicant.full_name(),
        recipient_address,
        date,
        time,
        place,
        ask_for,
        bring,
        purpose: None,
        notes,
        operator: service.operator().name.clone(),
    };
    letter.check()?;
    let pdf = convocation::render(&letter)?;
    let title = format!("Convocazione per il {} alle {}", dates::format_it(date), time.format("%H:%M"));
    output(service.document_add(household_id, DocumentKind::Convocazione, &title, &pdf)?)
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ById {
    id: Option<String>,
}

/// `document_open {id}` → `null`: the PDF in the system viewer.
pub fn document_open(service: &Service, v: Value) -> Result<Value> {
    let i: ById = input(v)?;
    let id = form::required_id("id", &i.id, "il documento")?;
    viewer::open(&service.document_path(id)?)?;
    Ok(Value::Null)
}
