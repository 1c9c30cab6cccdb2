//! Who on the waiting list fits a place that is free on a date. Pure: it
//! proposes, the office decides and records the stay (which [`super::check_stay`]
//! checks).

use chrono::NaiveDate;
use serde::Serialize;

use super::{Stay, Unit, UnitState};

/// A household waiting for a place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitingEntry {
    pub household: String,
    /// 1 for a single guest (a bed or a whole unit fits); more for a household,
    /// which needs a whole unit of at least that many places.
    pub need_places: u32,
    /// 1 is the most urgent; a larger number comes after.
    pub priority: u8,
    /// The day the household was put on the list.
    pub since: NaiveDate,
}

/// A free place or a free unit on the date, with the households that fit it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub unit: String,
    pub unit_name: String,
    /// The free bed; None = the whole unit, free in all its places.
    pub place: Option<u32>,
    /// The places offered: 1 for a bed, the unit's places for the whole unit.
    pub places: u32,
    /// The first later day on which a recorded stay takes the place (None: free
    /// as far as the records go): a stay proposed here must leave by then.
    pub free_until: Option<NaiveDate>,
    /// In the order of the list (see [`match_waiting`]); may be empty.
    pub candidates: Vec<WaitingEntry>,
}

/// For each unit that is attivo, in the order given: the whole unit if it is
/// entirely free on `on` (and has more than one place), then each free bed in
/// number order, each with the waiting households that fit it. A place held by
/// an overstay (no exit recorded, planned end passed) is not free.
///
/// Ordine della lista d'attesa: prima la priorità (1 è la più urgente), a parità
/// di priorità la data di iscrizione (chi aspetta da prima), a parità anche di
/// data il riferimento del nucleo in ordine alfabetico, perché l'ordine sia
/// sempre lo stesso. Un nucleo iscritto dopo `on` non era ancora in attesa e
/// non compare; una richiesta di zero posti non trova posto. Un nucleo di una
/// persona può andare in un posto letto o in un alloggio intero; un nucleo di
/// più persone solo in un alloggio intero con almeno quei posti. Lo stesso
/// nucleo può comparire in più proposte: la scelta è dell'ufficio.
pub fn match_waiting(
    waiting: &[WaitingEntry],
    units: &[Unit],
    stays: &[Stay],
    on: NaiveDate,
) -> Vec<Proposal> {
    let mut list: Vec<&WaitingEntry> =
        waiting.iter().filter(|w| w.since <= on && w.need_places > 0).collect();
    list.sort_by(|a, b| (a.priority, a.since, &a.household).cmp(&(b.priority, b.since, &b.household)));
    let fitting = |places: u32, bed: bool| -> Vec<WaitingEntry> {
        list.iter()
            .filter(|w| if bed { w.need_places == 1 } else { w.need_places <= places })
            .map(|w| (*w).clone())
            .collect()
    };
    let mut out = Vec::new();
    for u in units.iter().filter(|u| u.state == UnitState::Attivo && u.places > 0) {
        let own: Vec<&Stay> = stays.iter().filter(|s| s.unit == u.id && s.entry < s.end()).collect();
        // The first entry after `on` among the stays that would take the place.
        let next_entry = |takes: &dyn Fn(&Stay) -> bool| {
            own.iter().filter(|s| s.entry > on && takes(s)).map(|s| s.entry).min()
        };
        if u.places > 1 && !own.iter().any(|s| s.holds(on)) {
            out.push(Proposal {
                unit: u.id.clone(),
                unit_name: u.name.clone(),
                place: None,
                places: u.places,
                free_until: next_entry(&|_| true),
                candidates: fitting(u.places, false),
            });
        }
        if own.iter().any(|s| s.place.is_none() && s.holds(on)) {
            continue;
        }
        for n in 1..=u.places {
            if own.iter().any(|s| s.place == Some(n) && s.holds(on)) {
                continue;
            }
            out.push(Proposal {
                unit: u.id.clone(),
                unit_name: u.name.clone(),
                place: Some(n),
                places: 1,
                free_until: next_entry(&|s| s.place.is_none() || s.place == Some(n)),
                candidates: fitting(1, true),
            });
        }
    }
    out
}
