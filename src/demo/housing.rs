//! The seed's «Residenzialità Temporanea Sociale» (seed 004, PON Metro
//! MI3.1.1.c): a dozen flats of the Comune and its partners in Milano, stays in
//! every state (to come, in corso, ending soon, past their planned end with no
//! exit, a proroga, ended with each destination), and a waiting list with
//! households that fit a free place. Played through the service around the
//! demo's "today", each act on its day, by the operator in charge of the case
//! (the units by the coordinator).

use chrono::Duration;
use serde_json::json;

use super::*;
use crate::service::{StayPlaceInput, StayUpdateInput, UnitInput, WaitingAddInput};

/// A demo whose "today" is before this has no housing: its stays would begin
/// before the settings of September 2017 (the project's start).
pub(super) fn first_day() -> NaiveDate {
    crate::dates::parse_iso("date", "2019-06-01").expect("a date of the demo")
}

/// (address, places, ente gestore, state, note).
const UNITS: &[(&str, u32, &str, &str, &str)] = &[
    ("Via Padova 104, scala B, int. 5", 3, "Cooperativa sociale Farsi Prossimo", "attivo", ""),
    ("Viale Monza 140, int. 8", 2, "Comune di Milano — MM Casa", "attivo", ""),
    (
        "Via dei Cinquecento 20, scala C, int. 4",
        4,
        "Fondazione Progetto Arca",
        "attivo",
        "Alloggio per nuclei con minori.",
    ),
    ("Via Giambellino 58, int. 12", 3, "Cooperativa La Cordata", "attivo", ""),
    ("Via Gola 15, int. 2", 2, "Comune di Milano — MM Casa", "attivo", "Piano terra, accessibile."),
    ("Piazzale Selinunte 2, scala A, int. 7", 4, "Caritas Ambrosiana", "attivo", ""),
    ("Via Lorenteggio 181, int. 3", 3, "Cooperativa sociale Farsi Prossimo", "attivo", ""),
    (
        "Via Odazio 9, int. 1",
        2,
        "Comune di Milano — MM Casa",
        "in_ristrutturazione",
        "Lavori finanziati dal PON Metro (azione 3.1.1): impianto elettrico e bagno.",
    ),
    ("Via Mompiani 5, int. 10", 3, "Fondazione Progetto Arca", "attivo", ""),
    (
        "Via Russoli 10, scala D, int. 6",
        2,
        "Cooperativa La Cordata",
        "fuori_uso",
        "Infiltrazioni dal tetto: in attesa della perizia del gestore.",
    ),
    ("Via Tracia 6, int. 4", 4, "Caritas Ambrosiana", "attivo", ""),
    ("Via Zamagna 3, int. 9", 2, "Comune di Milano — MM Casa", "attivo", ""),
];

/// A stay of the demo: the unit (index in [`UNITS`]), the bed (None: the
/// whole unit, for a household of `people`), the entry and planned end in days
/// from today, an optional proroga (the day it was decided and the new planned
/// end) and an optional exit (day and destination).
struct Planned {
    unit: usize,
    place: Option<u32>,
    people: u32,
    entry: i64,
    end: i64,
    proroga: Option<(i64, i64)>,
    exit: Option<(i64, &'static str)>,
    need: &'static str,
}

const fn stay(
    unit: usize,
    place: Option<u32>,
    people: u32,
    entry: i64,
    end: i64,
    need: &'static str,
) -> Planned {
    Planned { unit, place, people, entry, end, proroga: None, exit: None, need }
}

fn plan() -> Vec<Planned> {
    let ended = |mut p: Planned, on: i64, destination: &'static str| {
        p.exit = Some((on, destination));
        p
    };
    let with_proroga = |mut p: Planned, on: i64, end: i64| {
        p.proroga = Some((on, end));
        p
    };
    vec![
        // Ended, one for each destination (and a family leaving a whole unit).
        ended(stay(10, None, 3, -400, -90, "Nucleo sfrattato con due figli"), -100, "autonomia_abitativa"),
        ended(
            stay(0, Some(1), 1, -85, 60, "Uscita dal carcere, nessuna rete"),
            -72,
            "edilizia_residenziale_pubblica",
        ),
        ended(stay(3, Some(2), 1, -80, 60, "Separazione, senza alloggio"), -50, "rientro_in_famiglia"),
        ended(stay(4, Some(1), 1, -75, 30, "Dimissione ospedaliera senza domicilio"), -30, "altro_servizio"),
        ended(stay(6, Some(1), 1, -45, 60, "Perdita del lavoro e dell'alloggio"), -30, "abbandono"),
        // In corso (one after a proroga), ending soon, past the planned end
        // with no exit recorded.
        with_proroga(
            stay(5, None, 3, -330, -30, "Nucleo con minori, casa inagibile dopo un incendio"),
            -35,
            120,
        ),
        stay(2, None, 3, -90, 150, "Madre con due figli, violenza domestica"),
        stay(3, Some(1), 1, -50, -10, "Lavoratore precario senza casa"),
        stay(0, Some(1), 1, -70, 60, "Sfratto esecutivo, dorme in auto"),
        stay(8, Some(1), 1, -50, -3, "Richiedente asilo uscito dall'accoglienza"),
        stay(0, Some(2), 1, -40, 20, "Uscita da una comunità per dipendenze"),
        stay(1, Some(1), 1, -30, 5, "Sfratto per fine locazione"),
        stay(6, Some(2), 1, -25, 120, "Anziano solo, sfrattato"),
        // To come: placed today, entering next week.
        stay(11, Some(1), 1, 7, 190, "Giovane uscito da una comunità per minori"),
    ]
}

/// The waiting list left: (people, priority, days waiting, need), and one
/// household withdrawn.
const WAITING: &[(u32, u32, i64, &str)] = &[
    (1, 1, 5, "Sfratto eseguito, ospite provvisoria di un'amica"),
    (3, 2, 15, "Nucleo in una stanza in subaffitto"),
    (1, 3, 20, "Vive in un dormitorio, lavora a tempo parziale"),
];

fn from_json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, Error> {
    serde_json::from_value(v).map_err(|e| Error::new(Code::Internal, format!("dati della demo: {e}")))
}

/// The day a household was registered (its record's creation).
fn registered(h: &Household) -> NaiveDate {
    h.created_at
        .get(..10)
        .and_then(|d| crate::dates::parse_iso("created_at", d).ok())
        .unwrap_or(NaiveDate::MIN)
}

/// What was played, for the report.
#[derive(Default)]
pub(super) struct PlayedHousing {
    pub units: usize,
    pub stays: usize,
    pub waiting: usize,
}

pub(super) fn play_housing(
    db: &Path,
    documents: &Path,
    key: &DbKey,
    households: &[Household],
    today: NaiveDate,
) -> Result<PlayedHousing, Error> {
    let at = |who: &str, on: NaiveDate| {
        Service::unlocked(db, documents, key.duplicate(), Credentials::password(who, ""), Some(on.min(today)))
    };
    // Who acts on a case: its operatore (by name), else the coordinator.
    let login_of = |h: &Household| {
        h.responsabile
            .as_ref()
            .and_then(|r| OPERATORS.iter().find(|(_, name, _)| *name == r.name).map(|(l, _, _)| *l))
            .unwrap_or("averdi")
    };
    let day = |offset: i64| today + Duration::days(offset);
    let mut played = PlayedHousing::default();

    let coord = at("averdi", day(-540))?;
    let mut unit_ids = Vec::new();
    for (address, places, body, state, note) in UNITS {
        let u = coord.unit_save(from_json::<UnitInput>(json!({
            "address": address, "places": places, "managing_body": body, "state": state, "note": note,
        }))?)?;
        unit_ids.push(u.id);
        played.units += 1;
    }
    drop(coord);

    // The oldest registered households to the oldest stays; a whole unit
    // to a household of at least that many people.
    let mut plan = plan();
    plan.sort_by_key(|p| p.entry);
    let mut free: Vec<&Household> = households.iter().collect();
    free.sort_by_key(|h| (registered(h), h.case_number.clone()));
    // Registered at least two days before being put on the list; a
    // household of `people` or more when one is left, else the oldest.
    let mut take = |people: u32, by: NaiveDate| {
        let old = |h: &&Household| registered(h) + Duration::days(2) <= by;
        let i = free
            .iter()
            .position(|h| old(h) && h.members.len() as u32 >= people)
            .or_else(|| free.iter().position(old))?;
        Some(free.remove(i))
    };
    for p in &plan {
        let entry = day(p.entry);
        let listed = (entry - Duration::days(5)).min(today);
        let Some(h) = take(p.people, listed) else { continue };
        let who = login_of(h);
        // A whole unit takes the household as it is (at most its places).
        let people = if p.place.is_some() { 1 } else { (h.members.len() as u32).clamp(1, p.people) };
        let w = at(who, listed)?.waiting_add(from_json::<WaitingAddInput>(json!({
            "household_id": h.id.to_string(), "need": p.need, "priority": if people > 1 { 1 } else { 2 },
            "people": people, "since": listed.to_string(),
        }))?)?;
        let placed_on = entry.min(today);
        let s = at(who, placed_on)?.stay_place(from_json::<StayPlaceInput>(json!({
            "waiting_id": w.id.to_string(), "unit_id": unit_ids[p.unit].to_string(), "place": p.place,
            "entry": entry.to_string(), "planned_end": day(p.end).to_string(),
        }))?)?;
        played.stays += 1;
        if let Some((on, end)) = p.proroga {
            at(who, day(on))?.stay_update(from_json::<StayUpdateInput>(json!({
                "stay_id": s.id.to_string(), "planned_end": day(end).to_string(),
            }))?)?;
        }
        if let Some((on, destination)) = p.exit {
            at(who, day(on))?.stay_update(from_json::<StayUpdateInput>(json!({
                "stay_id": s.id.to_string(), "exit_date": day(on).to_string(), "destination": destination,
                "exit_note": if destination == "abbandono" { "Non rientra da giorni; effetti personali consegnati al gestore." } else { "" },
            }))?)?;
        }
    }
    for (people, priority, waited, need) in WAITING {
        let since = day(-waited);
        let Some(h) = take(*people, since) else { continue };
        let people = (h.members.len() as u32).clamp(1, *people);
        at(login_of(h), since)?.waiting_add(from_json::<WaitingAddInput>(json!({
            "household_id": h.id.to_string(), "need": need, "priority": priority, "people": people,
            "since": since.to_string(),
        }))?)?;
        played.waiting += 1;
    }
    // One household withdrawn: it found a place with relatives.
    if let Some(h) = take(1, day(-25)) {
        let who = login_of(h);
        let w = at(who, day(-25))?.waiting_add(from_json::<WaitingAddInput>(json!({
            "household_id": h.id.to_string(), "need": "Sfratto, cerca una sistemazione", "priority": 3, "people": 1,
        }))?)?;
        at(who, day(-8))?.waiting_withdraw(w.id, Some("Accolto dalla sorella a Sesto San Giovanni"))?;
    }
    Ok(played)
}
