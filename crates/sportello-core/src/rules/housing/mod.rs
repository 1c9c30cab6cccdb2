//! Temporary social housing (rules.md §8; seed 004, «Residenzialità Temporanea
//! Sociale»): units and their places, stays, what the office sees of them, and
//! who on the waiting list fits a free place.
//!
//! - [`stay`]: whether a new (or changed) stay may be recorded: [`check_stay`];
//! - [`occupancy`]: units × weeks, free places, stays ending soon and overstays;
//! - [`waiting`]: the waiting households that fit each free place on a date.
//!
//! # Days
//!
//! A stay occupies the days from its entry up to the day before it ends, where it
//! ends on the exit date if recorded, else on the planned end: the exit day is
//! **not** occupied (the guest leaves that morning), so a new guest may enter a
//! place on the day another leaves it. An exit recorded on the entry day occupies
//! no day. A stay without exit whose planned end has passed still ends, for the
//! counts by day ([`check_stay`], the weekly grid), on its planned end: it is
//! listed as an overstay, and the office records the exit or moves the planned
//! end (a *proroga*). Until then its place is not offered as free on that date
//! (free places today, waiting-list proposals): nobody recorded the guest gone.
//!
//! # Places
//!
//! A unit has `places` posti letto numbered 1..=places. A stay takes either one
//! bed (`place = Some(n)`, one person) or the whole unit (`place = None`, for a
//! household of up to `places` people): a whole-unit stay takes all its places,
//! whatever its number of people, so nobody else is placed beside it.
//!
//! # Refusals of [`check_stay`]
//!
//! The error's `code` and `field` are stable (scripts and the UI match on them);
//! the message is Italian and states the values compared.
//!
//! | code | field | when |
//! | --- | --- | --- |
//! | `invalid` | `unit` | the stay names another unit than the one given |
//! | `conflict` | `unit.state` | the unit is in ristrutturazione or fuori uso |
//! | `invalid` | `place` | a bed number outside 1..=places |
//! | `invalid` | `people` | no people; a bed for more than one; a unit for more than its places |
//! | `invalid` | `planned_end` | the planned end is not after the entry (a stay is at least one night) |
//! | `invalid` | `exit` | the exit comes before the entry |
//! | `invalid` | `duration` | the planned end is beyond the entry plus the longest stay (settings) |
//! | `conflict` | `place` | another stay holds the same bed on a common day |
//! | `conflict` | `unit.places` | on some day the unit would hold more than its places |
//!
//! The settings (longest stay, warning window, guest contribution) are a dated
//! rule set (`tipo = "residenzialita-temporanea"`), chosen by [`settings`] with
//! the entry date; a date no set covers is `no_rule_set`.

mod occupancy;
mod stay;
mod waiting;

use chrono::{Months, NaiveDate};
use serde::Serialize;

use crate::error::Result;
use crate::rules::rule_set::{Kind, ResidenzialitaTemporanea, RuleSet, RuleSetRef, RuleSets};

pub use occupancy::{occupancy, Occupancy, StayReminder, UnitOccupancy};
pub use stay::check_stay;
pub use waiting::{match_waiting, Proposal, WaitingEntry};

/// Whether a unit can be given to guests. "Disponibile" and "occupato" are not
/// states: they follow from the stays on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitState {
    Attivo,
    InRistrutturazione,
    FuoriUso,
}

impl UnitState {
    pub const ALL: [UnitState; 3] = [UnitState::Attivo, UnitState::InRistrutturazione, UnitState::FuoriUso];
    pub fn as_str(self) -> &'static str {
        match self {
            UnitState::Attivo => "attivo",
            UnitState::InRistrutturazione => "in_ristrutturazione",
            UnitState::FuoriUso => "fuori_uso",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            UnitState::Attivo => "attivo",
            UnitState::InRistrutturazione => "in ristrutturazione",
            UnitState::FuoriUso => "fuori uso",
        }
    }
    pub fn parse(s: &str) -> Option<UnitState> {
        UnitState::ALL.into_iter().find(|u| u.as_str() == s.trim())
    }
}

/// An alloggio with its posti letto.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub id: String,
    /// What people call it: "Via Padova 12, scala B, int. 3".
    pub name: String,
    pub places: u32,
    /// The unit's state as it is for the dates at hand (the caller passes the
    /// unit as it stands: a unit in ristrutturazione takes no new entry).
    pub state: UnitState,
}

/// Where a guest went on leaving (rules.md §8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    AutonomiaAbitativa,
    EdiliziaResidenzialePubblica,
    RientroInFamiglia,
    AltroServizio,
    Abbandono,
}

impl Destination {
    pub const ALL: [Destination; 5] = [
        Destination::AutonomiaAbitativa,
        Destination::EdiliziaResidenzialePubblica,
        Destination::RientroInFamiglia,
        Destination::AltroServizio,
        Destination::Abbandono,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Destination::AutonomiaAbitativa => "autonomia_abitativa",
            Destination::EdiliziaResidenzialePubblica => "edilizia_residenziale_pubblica",
            Destination::RientroInFamiglia => "rientro_in_famiglia",
            Destination::AltroServizio => "altro_servizio",
            Destination::Abbandono => "abbandono",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Destination::AutonomiaAbitativa => "autonomia abitativa",
            Destination::EdiliziaResidenzialePubblica => "edilizia residenziale pubblica",
            Destination::RientroInFamiglia => "rientro in famiglia",
            Destination::AltroServizio => "altro servizio",
            Destination::Abbandono => "abbandono",
        }
    }
    pub fn parse(s: &str) -> Option<Destination> {
        Destination::ALL.into_iter().find(|d| d.as_str() == s.trim())
    }
}

/// The end of a stay: the day the guest left (not occupied) and where to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Exit {
    pub date: NaiveDate,
    pub destination: Destination,
}

/// An inserimento: a person or household placed in a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stay {
    pub id: String,
    /// The unit's id.
    pub unit: String,
    /// The posto letto (1..=places); None = the whole unit.
    pub place: Option<u32>,
    /// The household or guest, as the case file names it (opaque here).
    pub household: String,
    /// How many people: 1 in a bed; 1..=places for a whole unit.
    pub people: u32,
    pub entry: NaiveDate,
    pub planned_end: NaiveDate,
    pub exit: Option<Exit>,
}

impl Stay {
    /// The first day not occupied: the exit if recorded, else the planned end.
    pub fn end(&self) -> NaiveDate {
        self.exit.map_or(self.planned_end, |e| e.date)
    }
    /// Whether the guest is in the unit on `day` (the exit day excluded).
    pub fn occupies(&self, day: NaiveDate) -> bool {
        self.entry <= day && day < self.end()
    }
    /// No exit recorded and the planned end before `day`: the guest is presumably
    /// still there.
    pub fn overstays(&self, day: NaiveDate) -> bool {
        self.exit.is_none() && self.planned_end < day
    }
    /// Whether the place is not free on `day`: occupied, or held by an overstay.
    pub fn holds(&self, day: NaiveDate) -> bool {
        self.occupies(day) || self.overstays(day)
    }
    /// The places it takes in a unit of `places`: one bed, or all of them.
    pub fn places_taken(&self, places: u32) -> u32 {
        if self.place.is_some() {
            1
        } else {
            places
        }
    }
    /// "posto 2" or "alloggio intero", for the messages.
    pub fn place_label(&self) -> String {
        match self.place {
            Some(n) => format!("posto {n}"),
            None => "alloggio intero".to_string(),
        }
    }
}

/// The housing settings in force for a date, with the set they come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HousingSettings {
    pub rule_set: RuleSetRef,
    /// What people read instead of the id.
    pub rule_set_title: String,
    pub rules: ResidenzialitaTemporanea,
}

impl HousingSettings {
    /// The settings of a `residenzialita-temporanea` set (None for another kind).
    pub fn from_rule_set(set: &RuleSet) -> Option<HousingSettings> {
        Some(HousingSettings {
            rule_set: set.reference(),
            rule_set_title: set.title.clone(),
            rules: set.residenzialita_temporanea()?.clone(),
        })
    }
    /// The latest planned end a stay entering on `entry` may have: `entry` plus
    /// the longest stay in calendar months (31 August + 6 months = end of
    /// February).
    pub fn latest_planned_end(&self, entry: NaiveDate) -> NaiveDate {
        entry.checked_add_months(Months::new(self.rules.max_months.value)).unwrap_or(NaiveDate::MAX)
    }
}

/// The settings covering `on` (a stay's entry date) in `comune`.
pub fn settings(rules: &RuleSets, comune: &str, on: NaiveDate) -> Result<HousingSettings> {
    let set =
        rules.covering(Kind::ResidenzialitaTemporanea, comune, on).map_err(|e| e.with_field("entry"))?;
    Ok(HousingSettings::from_rule_set(set).expect("covering returns the requested kind"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_round_trip() {
        for d in Destination::ALL {
            assert_eq!(Destination::parse(d.as_str()), Some(d));
            assert_eq!(serde_json::to_value(d).unwrap(), d.as_str());
        }
        for s in UnitState::ALL {
            assert_eq!(UnitState::parse(s.as_str()), Some(s));
        }
        assert_eq!(UnitState::parse("disponibile"), None);
    }
}
