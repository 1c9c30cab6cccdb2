//! What the office sees of its units from a date: places taken week by week,
//! free places that day, and the stays for the Scadenze board (ending soon,
//! overstayed).

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::{HousingSettings, Stay, Unit, UnitState};
use crate::dates::format_it;

/// One unit's row of the grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitOccupancy {
    pub unit: String,
    pub name: String,
    pub places: u32,
    pub state: UnitState,
    /// Per week from `from`: the most places taken on any day of that week, so
    /// that a week shown with a free place had it free every day.
    pub taken: Vec<u32>,
    /// Places not free on `from`: occupied, or held by an overstay.
    pub taken_today: u32,
    /// Places that can be given on `from`: none in a unit that is not attivo.
    pub free_today: u32,
}

/// A stay the Scadenze board reminds of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StayReminder {
    pub stay: String,
    pub unit: String,
    pub place: Option<u32>,
    pub household: String,
    pub planned_end: NaiveDate,
    /// Days from `from` to the planned end: negative once it has passed.
    pub days: i64,
    /// In Italian, for the board.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Occupancy {
    pub from: NaiveDate,
    /// The first day of each week of the grid (`from`, `from` + 7 …).
    pub week_starts: Vec<NaiveDate>,
    /// In the order of the units given.
    pub units: Vec<UnitOccupancy>,
    /// Over the units that are attivo; a place held by an overstay is not free.
    pub free_today: u32,
    /// No exit, planned end from `from` to `from` + the warning window (settings),
    /// soonest first.
    pub ending_soon: Vec<StayReminder>,
    /// No exit and the planned end before `from`: longest overdue first.
    pub overstays: Vec<StayReminder>,
}

/// The occupancy of `units` for `weeks` weeks from `from` (today, as a parameter),
/// under the settings in force (the warning window). Days are as in [`super`]:
/// the exit day, or the planned end when no exit is recorded, is free.
pub fn occupancy(
    units: &[Unit],
    stays: &[Stay],
    settings: &HousingSettings,
    from: NaiveDate,
    weeks: u32,
) -> Occupancy {
    let until = from.checked_add_signed(Duration::days(7 * i64::from(weeks))).unwrap_or(NaiveDate::MAX);
    let week_starts = (0..weeks).map(|k| from + Duration::days(7 * i64::from(k))).collect();
    let mut rows = Vec::with_capacity(units.len());
    for u in units {
        let own: Vec<&Stay> = stays.iter().filter(|s| s.unit == u.id).collect();
        let taken_today: u32 = own.iter().filter(|s| s.holds(from)).map(|s| s.places_taken(u.places)).sum();
        let free_today = match u.state {
            UnitState::Attivo => u.places.saturating_sub(taken_today),
            UnitState::InRistrutturazione | UnitState::FuoriUso => 0,
        };
        rows.push(UnitOccupancy {
            unit: u.id.clone(),
            name: u.name.clone(),
            places: u.places,
            state: u.state,
            taken: weekly_peaks(&own, u.places, from, until, weeks),
            taken_today,
            free_today,
        });
    }
    let names: HashMap<&str, &str> = units.iter().map(|u| (u.id.as_str(), u.name.as_str())).collect();
    let window = i64::from(settings.rules.warning_days.value);
    let mut ending_soon = Vec::new();
    let mut overstays = Vec::new();
    for s in stays.iter().filter(|s| s.exit.is_none()) {
        let days = (s.planned_end - from).num_days();
        let unit = names.get(s.unit.as_str()).copied().unwrap_or(s.unit.as_str());
        let who = format!("«{}» (alloggio «{unit}», {})", s.household, s.place_label());
        let end = format_it(s.planned_end);
        let text = match days {
            d if d < 0 => format!(
                "{who}: fine prevista il {end}, superata da {} giorni{}; nessuna uscita registrata: registrare l'uscita o prorogare",
                -d,
                if d == -1 { " (ieri)" } else { "" }
            ),
            0 => format!("{who}: fine prevista oggi, {end}"),
            1 => format!("{who}: fine prevista domani, {end}"),
            d => format!("{who}: fine prevista il {end}, tra {d} giorni"),
        };
        let r = StayReminder {
            stay: s.id.clone(),
            unit: s.unit.clone(),
            place: s.place,
            household: s.household.clone(),
            planned_end: s.planned_end,
            days,
            text,
        };
        if days < 0 {
            overstays.push(r);
        } else if days <= window {
            ending_soon.push(r);
        }
    }
    ending_soon.sort_by(|a, b| (a.planned_end, &a.stay).cmp(&(b.planned_end, &b.stay)));
    overstays.sort_by(|a, b| (a.planned_end, &a.stay).cmp(&(b.planned_end, &b.stay)));
    Occupancy {
        from,
        week_starts,
        free_today: rows.iter().map(|r| r.free_today).sum(),
        units: rows,
        ending_soon,
        overstays,
    }
}

/// For each week of [from, until), the highest number of places taken on one of
/// its days: a sweep over the stays' entries and exits, each constant stretch
/// raising the weeks it touches.
fn weekly_peaks(stays: &[&Stay], places: u32, from: NaiveDate, until: NaiveDate, weeks: u32) -> Vec<u32> {
    let mut peaks = vec![0u32; weeks as usize];
    if weeks == 0 {
        return peaks;
    }
    let mut events: Vec<(NaiveDate, i64)> = Vec::new();
    for s in stays {
        let (a, b) = (s.entry.max(from), s.end().min(until));
        if a < b {
            let w = i64::from(s.places_taken(places));
            events.push((a, w));
            events.push((b, -w));
        }
    }
    events.sort_unstable();
    let mut raise = |a: NaiveDate, b: NaiveDate, level: i64| {
        if a >= b || level <= 0 {
            return;
        }
        let first = ((a - from).num_days() / 7) as usize;
        let last = (((b - from).num_days() - 1) / 7) as usize;
        for p in &mut peaks[first..=last.min(weeks as usize - 1)] {
            *p = (*p).max(level as u32);
        }
    };
    let (mut level, mut cursor) = (0i64, from);
    for (day, delta) in events {
        raise(cursor, day, level);
        cursor = day;
        level += delta;
    }
    raise(cursor, until, level);
    peaks
}
