//! Whether a stay may be recorded in a unit (rules.md §8): the form of the stay,
//! the unit's state, the longest stay, one guest per bed, and never more places
//! taken than the unit has on any day.

use chrono::NaiveDate;

use super::{HousingSettings, Stay, Unit, UnitState};
use crate::dates::format_it;
use crate::error::{Code, Error, Result};

/// Checks `new` against the unit and the stays already recorded (`others`, of any
/// unit: those of other units are ignored, and one with the same id as `new` is
/// the stay being changed, so it is left out). The stable code and field of each
/// refusal are in the module's table ([`super`]).
///
/// The capacity is checked by a sweep over the entries and exits that fall within
/// the new stay (sorted once), not by walking its days: a stay of years costs as
/// much as a stay of a week.
pub fn check_stay(new: &Stay, unit: &Unit, others: &[Stay], settings: &HousingSettings) -> Result<()> {
    check_form(new, unit, settings)?;
    let (from, to) = (new.entry, new.end());
    // A stay that occupies no day (exit on the entry day) cannot clash.
    if from >= to {
        return Ok(());
    }
    let overlapping: Vec<&Stay> = others
        .iter()
        .filter(|s| {
            s.unit == unit.id && s.id != new.id && s.entry < s.end() && s.entry < to && from < s.end()
        })
        .collect();
    if let Some(n) = new.place {
        if let Some(s) = overlapping.iter().find(|s| s.place == Some(n)) {
            let common = s.entry.max(from);
            return Err(Error::new(
                Code::Conflict,
                format!(
                    "il posto {n} dell'alloggio «{}» è già assegnato a «{}» (inserimento {}, dal {} al {} escluso): i due inserimenti si sovrappongono dal {}",
                    unit.name,
                    s.household,
                    s.id,
                    format_it(s.entry),
                    format_it(s.end()),
                    format_it(common)
                ),
            )
            .with_field("place"));
        }
    }
    if let Some((day, taken)) = first_day_over(new, &overlapping, unit.places) {
        return Err(Error::new(
            Code::Conflict,
            format!(
                "il {} l'alloggio «{}» avrebbe {taken} posti occupati su {} ({} per questo inserimento, {}): non c'è posto",
                format_it(day),
                unit.name,
                unit.places,
                new.places_taken(unit.places),
                new.place_label()
            ),
        )
        .with_field("unit.places"));
    }
    Ok(())
}

/// What does not depend on the other stays.
fn check_form(new: &Stay, unit: &Unit, settings: &HousingSettings) -> Result<()> {
    if new.unit != unit.id {
        return Err(Error::invalid(
            "unit",
            format!("l'inserimento indica l'alloggio «{}», non «{}»", new.unit, unit.id),
        ));
    }
    if unit.state != UnitState::Attivo {
        return Err(Error::new(
            Code::Conflict,
            format!(
                "l'alloggio «{}» è {}: non può accogliere nuovi inserimenti",
                unit.name,
                unit.state.label()
            ),
        )
        .with_field("unit.state"));
    }
    if let Some(n) = new.place {
        if n == 0 || n > unit.places {
            return Err(Error::invalid(
                "place",
                format!(
                    "il posto {n} non esiste: l'alloggio «{}» ha i posti da 1 a {}",
                    unit.name, unit.places
                ),
            ));
        }
    }
    match (new.place, new.people) {
        (_, 0) => return Err(Error::invalid("people", "indicare quante persone entrano (almeno una)")),
        (Some(n), p) if p > 1 => {
            return Err(Error::invalid(
                "people",
                format!(
                    "il posto {n} accoglie una persona, non {p}: per un nucleo assegnare l'alloggio intero"
                ),
            ))
        }
        (None, p) if p > unit.places => {
            return Err(Error::invalid(
                "people",
                format!("{p} persone in un alloggio di {} posti", unit.places),
            ))
        }
        _ => {}
    }
    if new.planned_end <= new.entry {
        return Err(Error::invalid(
            "planned_end",
            format!(
                "la fine prevista ({}) deve seguire l'ingresso ({}): un inserimento dura almeno una notte",
                format_it(new.planned_end),
                format_it(new.entry)
            ),
        ));
    }
    if let Some(exit) = new.exit {
        if exit.date < new.entry {
            return Err(Error::invalid(
                "exit",
                format!("l'uscita ({}) precede l'ingresso ({})", format_it(exit.date), format_it(new.entry)),
            ));
        }
    }
    let latest = settings.latest_planned_end(new.entry);
    if new.planned_end > latest {
        let max = &settings.rules.max_months;
        return Err(Error::invalid(
            "duration",
            format!(
                "la fine prevista ({}) supera la durata massima di {} mesi dall'ingresso del {}: al più tardi il {} ({})",
                format_it(new.planned_end),
                max.value,
                format_it(new.entry),
                format_it(latest),
                max.act.title
            ),
        ));
    }
    Ok(())
}

/// The first day of `new` on which the unit's places taken, counting `new` and
/// the stays that overlap it, exceed `places`, with that count.
fn first_day_over(new: &Stay, overlapping: &[&Stay], places: u32) -> Option<(NaiveDate, u32)> {
    let (from, to) = (new.entry, new.end());
    // Entries add, exits (the first free day) remove; within `new`'s days only.
    let mut events: Vec<(NaiveDate, i64)> = Vec::with_capacity(2 * overlapping.len() + 1);
    events.push((from, i64::from(new.places_taken(places))));
    for s in overlapping {
        let w = i64::from(s.places_taken(places));
        events.push((s.entry.max(from), w));
        if s.end() < to {
            events.push((s.end(), -w));
        }
    }
    // On one day exits come before entries, so a back-to-back change is no clash.
    events.sort_unstable();
    let mut taken = 0i64;
    for (i, (day, delta)) in events.iter().enumerate() {
        taken += delta;
        let last_of_day = events.get(i + 1).is_none_or(|(next, _)| next != day);
        if last_of_day && taken > i64::from(places) {
            return Some((*day, taken as u32));
        }
    }
    None
}
