//! The office demo (issue 11): the demo database as the office's hub, and a
//! laptop enrolled at it for an outreach worker, with offline work waiting to
//! be sent and one disagreement already on the coordinatrice's "Conflitti"
//! screen. A newcomer opens the two files and sees the whole story of the
//! sync: the laptop's sync state (changes waiting), the hub's conflict with
//! both values, who and when, and what "Sincronizza ora" or a package file
//! on a USB stick then does.
//!
//! Everything goes through the service, as a desk and a laptop would: the
//! enrolment (`device_enroll`), the edits (`household_save` through
//! `Service::call`, the app's door), the packages (`sync_export`,
//! `sync_import`).

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};

use crate::error::{Code, Error};
use crate::service::{Credentials, OpenOptions, Service};

/// The laptop's name at the hub.
pub const DEVICE: &str = "portatile-demo";
/// Whose laptop it is: an operatrice of the demo (see [`super::accounts`]).
pub const LAPTOP_OPERATOR: &str = "mbianchi";
/// Who works at the office meanwhile: the coordinatrice.
const OFFICE_OPERATOR: &str = "averdi";

/// What the office demo left on the two databases.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OfficeDemo {
    pub device: String,
    pub operator: String,
    /// The cases the laptop holds (its operatrice's and her équipe's).
    pub cases: usize,
    /// The conflicts open at the hub, waiting for the coordinatrice.
    pub conflicts: usize,
    /// The laptop's case number of the family taken in charge offline.
    pub offline_case: String,
}

/// Enrols a laptop at the demo hub `hub` (made by [`super::create`], whose
/// accounts share `password`) and writes its database at `laptop` (it must
/// not exist), then plays a day of work on both sides.
pub fn add_laptop(
    hub: &Path,
    laptop: &Path,
    documents: &Path,
    today: NaiveDate,
    password: &str,
) -> Result<OfficeDemo, Error> {
    let admin = Service::open_with(OpenOptions {
        database: hub.to_path_buf(),
        documents_dir: documents.to_path_buf(),
        credentials: Credentials::password("amministratore", password),
        today: Some(today),
    })?;
    let enrolled = admin.device_enroll(DEVICE, &[LAPTOP_OPERATOR.to_string()], laptop)?;
    // The key is in hand: every step below opens without Argon2 again.
    let key = admin.key();
    drop(admin);
    let open = |db: &Path, who: &str| -> Result<Service, Error> {
        Service::unlocked(db, documents, key.duplicate(), Credentials::password(who, ""), Some(today))
    };

    // A family of the laptop's scope: the first by case number this year
    // (or last year, early in January).
    let case = {
        let l = open(laptop, LAPTOP_OPERATOR)?;
        let mut found = None;
        for year in [today.year(), today.year() - 1] {
            if let Some(h) = l.households_search(&year.to_string())?.into_iter().next() {
                found = Some(h.id);
                break;
            }
        }
        found
            .ok_or_else(|| Error::new(Code::Internal, "nessun nucleo nell'ambito del portatile della demo"))?
    };

    // The same field changed on both sides while the laptop is away: the
    // laptop's visit note, and the office's note of a phone call.
    edit_notes(
        &open(laptop, LAPTOP_OPERATOR)?,
        case,
        "Visita domiciliare: la famiglia chiede un incontro con la scuola del figlio.",
    )?;
    edit_notes(
        &open(hub, OFFICE_OPERATOR)?,
        case,
        "Telefonata della madre: rinviare il colloquio alla settimana prossima.",
    )?;
    // The laptop comes back once (a package on a USB stick): the office
    // finds the disagreement, and the laptop gets the office's work.
    let package = open(laptop, LAPTOP_OPERATOR)?.sync_export(None)?;
    let at_hub = open(hub, OFFICE_OPERATOR)?;
    at_hub.sync_import(&package)?;
    let answer = at_hub.sync_export(Some(DEVICE))?;
    let conflicts = at_hub.sync_conflicts()?.len();
    drop(at_hub);
    open(laptop, LAPTOP_OPERATOR)?.sync_import(&answer)?;

    // Then a new week away: a family taken in charge offline, waiting to go.
    let offline_case = take_in_charge_offline(&open(laptop, LAPTOP_OPERATOR)?, today)?;
    Ok(OfficeDemo {
        device: DEVICE.to_string(),
        operator: LAPTOP_OPERATOR.to_string(),
        cases: enrolled.cases,
        conflicts,
        offline_case,
    })
}

/// Saves the household `id` with new notes, through the app's door.
fn edit_notes(s: &Service, id: crate::domain::Id, notes: &str) -> Result<(), Error> {
    let mut v = serde_json::to_value(s.household_get(id)?)
        .map_err(|e| Error::new(Code::Internal, format!("nucleo della demo non leggibile: {e}")))?;
    v["notes"] = Value::String(notes.to_string());
    s.call("household_save", json!({ "household": v }))?;
    Ok(())
}

/// A woman and her daughter met at a parish hall, registered on the laptop.
fn take_in_charge_offline(s: &Service, today: NaiveDate) -> Result<String, Error> {
    let birth = |y: i32, m: u32, d: u32| {
        NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| Error::new(Code::Internal, "data della demo non valida"))
    };
    let mother = birth(today.year() - 34, 3, 14)?;
    let daughter = birth(today.year() - 9, 10, 2)?;
    let cf = |last: &str, first: &str, on: NaiveDate, sex| crate::cf::encode(last, first, on, sex, "F205");
    let household = json!({
        "comune": "F205",
        "address": "Via dei Cinquecento 12",
        "cap": "20139",
        "notes": "Incontrata al centro d'ascolto della parrocchia, senza rete familiare in città.",
        "members": [
            {
                "first_name": "Fatou", "last_name": "N'Diaye",
                "codice_fiscale": cf("N'Diaye", "Fatou", mother, crate::cf::Sex::F)?,
                "birth_date": mother.to_string(), "sex": "F", "relationship": "richiedente",
                "citizenship": "italiana", "employment": "disoccupato", "education": "isced_0_2"
            },
            {
                "first_name": "Aïssatou", "last_name": "N'Diaye",
                "codice_fiscale": cf("N'Diaye", "Aïssatou", daughter, crate::cf::Sex::F)?,
                "birth_date": daughter.to_string(), "sex": "F", "relationship": "figlio",
                "citizenship": "italiana", "education": "nessuno"
            }
        ]
    });
    let saved = s.call("household_save", json!({ "household": household }))?;
    Ok(saved.get("case_number").and_then(Value::as_str).unwrap_or_default().to_string())
}
