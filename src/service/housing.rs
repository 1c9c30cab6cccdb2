//! Temporary social housing (issue 13 item 1; rules.md §8; seed 004,
//! «Residenzialità Temporanea Sociale»): the units, who is where until when,
//! who is waiting, who left for where.
//!
//! The rules are the core's (`rules::housing`): whether a stay may be
//! recorded (`check_stay`), the weekly occupancy and the reminders
//! (`occupancy`), the waiting households that fit a free place
//! (`match_waiting`), under the dated settings (`settings`). This module
//! reads the rows, hands them to those rules with the date, and writes what
//! they allow.
//!
//! Decisions where the issue is silent (the report lists them too):
//! - Units are the office's (an address and its beds, nobody's data): every
//!   operator sees them; adding and changing one is the coordinatore's.
//! - A stay and a waiting-list entry belong to the household's case: an
//!   operatore sees by name only the cases in their scope (never a restricted
//!   one); the beds other cases take are counted (capacity is everyone's) and
//!   shown as taken, without a name.
//! - A household is placed from the waiting list (a family arriving "valigia
//!   in mano" is put on it, priority 1, and placed at once); placing closes
//!   the entry as `placed` on the entry day.
//! - An exit is recorded when it happened: not after today. A concluded stay
//!   is not changed any more (a new stay is a new placement).
//! - A unit with stays not concluded keeps its places and its state
//!   (attivo): the exits are recorded first.
//! - Placements and prorogations are recorded on the office's copy (the
//!   hub) only: an enrolled device holds the stays of its own cases, so a bed
//!   another équipe's guest takes would look free there. Exits, the waiting
//!   list and the units are recorded anywhere.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{not_found, office, Action, Service};
use crate::dates::format_it;
use crate::domain::form::{self, Scalar};
use crate::domain::{BoardKind, BoardRow, BoardState, Id, StayDue, StrEnum};
use crate::error::{Code, Error};
use crate::money::Money;
use crate::rules::housing::{
    self, check_stay, match_waiting, occupancy, Destination, Exit, HousingSettings, Stay, Unit, UnitState,
    WaitingEntry,
};
use crate::rules::rule_set::RuleSets;
use crate::storage::{CaseFilter, StayRow, Tx, UnitRow, WaitingRow, WaitingState};

/// Weeks of the occupancy grid when the screen does not say.
pub const DEFAULT_WEEKS: u32 = 8;
/// The most weeks the grid shows at once (half a year).
pub const MAX_WEEKS: u32 = 26;

// ---- What the screen sends ------------------------------------------------------

/// A unit as the coordinator's form sends it (`id` absent: a new unit).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UnitInput {
    pub id: Option<String>,
    pub address: Option<String>,
    pub places: Option<Scalar>,
    pub managing_body: Option<String>,
    pub state: Option<String>,
    pub note: Option<String>,
}

/// Placing a household of the waiting list in a free place.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StayPlaceInput {
    pub waiting_id: Option<String>,
    pub unit_id: Option<String>,
    /// The posto letto; absent or empty: the whole unit.
    pub place: Option<Scalar>,
    pub entry: Option<String>,
    pub planned_end: Option<String>,
}

/// A proroga (a new planned end) or the exit of a stay.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StayUpdateInput {
    pub stay_id: Option<String>,
    pub planned_end: Option<String>,
    pub exit_date: Option<String>,
    pub destination: Option<String>,
    pub exit_note: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WaitingAddInput {
    pub household_id: Option<String>,
    pub need: Option<String>,
    pub priority: Option<Scalar>,
    pub people: Option<Scalar>,
    /// Since when the household waits (absent: today).
    pub since: Option<String>,
}

// ---- What the screen gets ---------------------------------------------------------

/// The settings in force (today), in words for the screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingsView {
    pub rule_set_title: String,
    pub max_months: u32,
    pub warning_days: u32,
    /// A month (None: the guest pays nothing).
    pub contribution: Option<Money>,
}

/// A bed (or the whole unit) taken today, as the acting operator may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuestView {
    pub stay_id: Option<Id>,
    /// None: the whole unit.
    pub place: Option<u32>,
    /// None: a case the operator does not see (counted, not named).
    pub household_name: Option<String>,
    pub planned_end: Option<NaiveDate>,
    pub overstay: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitView {
    pub id: Id,
    pub address: String,
    pub places: u32,
    pub managing_body: String,
    pub state: UnitState,
    pub note: String,
    pub updated_at: String,
    /// Per week of the grid: the most places taken on a day of it.
    pub taken: Vec<u32>,
    pub taken_today: u32,
    pub free_today: u32,
    /// Who holds a place today (and overstays).
    pub guests: Vec<GuestView>,
}

/// The state of a stay on a day, for the screen's badge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StayStatus {
    /// The entry is still to come.
    Programmato,
    InCorso,
    /// Within the warning window of its planned end.
    InScadenza,
    /// The planned end passed with no exit recorded.
    OltreTermine,
    Concluso,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StayView {
    pub id: Id,
    pub household_id: Id,
    pub household_name: String,
    pub case_number: String,
    pub unit_id: Id,
    pub unit_address: String,
    pub place: Option<u32>,
    pub people: u32,
    pub entry: NaiveDate,
    pub planned_end: NaiveDate,
    pub exit_date: Option<NaiveDate>,
    pub destination: Option<Destination>,
    pub exit_note: Option<String>,
    /// The individual project towards autonomy (the household's progetto).
    pub project_id: Option<Id>,
    pub contribution: Option<Money>,
    pub status: StayStatus,
    /// Days from today to the planned end (negative once passed).
    pub days_left: i64,
    /// The latest planned end a proroga may set (the longest stay of the
    /// settings chosen by the entry date).
    pub latest_planned_end: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaitingView {
    pub id: Id,
    pub household_id: Id,
    pub household_name: String,
    pub case_number: String,
    pub need: String,
    pub priority: u8,
    pub people: u32,
    pub since: NaiveDate,
    pub state: WaitingState,
    pub closed_on: Option<NaiveDate>,
    pub close_reason: Option<String>,
}

/// A free place with the waiting households that fit it (`match_waiting`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposalView {
    pub unit_id: Id,
    pub unit_address: String,
    /// None: the whole unit.
    pub place: Option<u32>,
    pub places: u32,
    /// A stay recorded later takes the place from that day.
    pub free_until: Option<NaiveDate>,
    /// Waiting entries, in the list's order (priority, then since).
    pub candidates: Vec<WaitingView>,
}

/// The "Alloggi" screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HousingView {
    pub today: NaiveDate,
    pub from: NaiveDate,
    pub week_starts: Vec<NaiveDate>,
    /// None: no housing settings cover today in the office's comune.
    pub settings: Option<SettingsView>,
    pub units: Vec<UnitView>,
    pub free_today: u32,
    /// The stays of the cases the operator sees: open ones by planned end,
    /// then the concluded ones, latest exit first.
    pub stays: Vec<StayView>,
    pub waiting: Vec<WaitingView>,
    /// Households waiting that are not the operator's to see (never a
    /// restricted case): counted only.
    pub others_waiting: u32,
    pub proposals: Vec<ProposalView>,
    /// The acting operator may add and change units (`unit_save`).
    pub can_manage_units: bool,
    /// This copy is the office's (the hub): placements and prorogations are
    /// recorded here only (see [`Service::stay_place`]).
    pub can_place: bool,
}

/// The household page's card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseholdHousing {
    /// Newest first.
    pub stays: Vec<StayView>,
    /// Its entry on the waiting list, while it waits.
    pub waiting: Option<WaitingView>,
}

// ---- The work ------------------------------------------------------------------------

fn load_rules() -> Result<RuleSets, Error> {
    crate::catalog::rule_sets::load_from_env().map_err(Error::from)
}

fn core_unit(u: &UnitRow) -> Unit {
    Unit { id: u.id.to_string(), name: u.address.clone(), places: u.places, state: u.state }
}

fn core_stay(s: &StayRow, household: String) -> Stay {
    Stay {
        id: s.id.to_string(),
        unit: s.unit_id.to_string(),
        place: s.place,
        household,
        people: s.people,
        entry: s.entry,
        planned_end: s.planned_end,
        exit: s.exit,
    }
}

fn place_label(place: Option<u32>) -> String {
    match place {
        Some(n) => format!("posto {n}"),
        None => "alloggio intero".to_string(),
    }
}

/// The names of the households the acting operator may see, by id.
struct Names {
    shown: HashMap<Id, (String, String)>,
}

impl Names {
    /// "Cognome Nome" of the richiedente (the case's name) and case number, for
    /// the households of `ids` in `scope` (all, for `None`).
    fn load(
        tx: &Tx<'_>,
        ids: impl IntoIterator<Item = Id>,
        scope: Option<&CaseFilter>,
    ) -> Result<Names, Error> {
        let mut shown = HashMap::new();
        for id in ids.into_iter().collect::<HashSet<_>>() {
            if let Some(f) = scope {
                if !tx.case_in_scope(id, f)? {
                    continue;
                }
            }
            if let Some(h) = tx.household_get(id)? {
                shown.insert(id, (h.name(), h.case_number.clone()));
            }
        }
        Ok(Names { shown })
    }

    fn get(&self, id: Id) -> Option<&(String, String)> {
        self.shown.get(&id)
    }

    /// What a rule's message may say of a household: its name when the
    /// operator sees the case, else nothing that identifies it.
    fn label(&self, id: Id) -> String {
        self.get(id).map_or_else(|| "un altro nucleo".to_string(), |(n, c)| format!("{n} ({c})"))
    }
}

fn waiting_view(w: &WaitingRow, names: &Names) -> Option<WaitingView> {
    let (name, case) = names.get(w.household_id)?;
    Some(WaitingView {
        id: w.id,
        household_id: w.household_id,
        household_name: name.clone(),
        case_number: case.clone(),
        need: w.need.clone(),
        priority: w.priority,
        people: w.people,
        since: w.since,
        state: w.state,
        closed_on: w.closed_on,
        close_reason: w.close_reason.clone(),
    })
}

/// Placing a household and moving a planned end later take places: they are
/// recorded on the office's copy (the hub), which holds every stay. An
/// enrolled device holds only the stays of its cases, so a bed another
/// équipe's guest takes would look free there.
fn hub_only(tx: &Tx<'_>, what: &str) -> Result<(), Error> {
    if tx.sync_is_hub()? {
        return Ok(());
    }
    Err(Error::new(
        Code::Conflict,
        format!(
            "{what} si registra sulla copia dell'ufficio: questo computer ha solo gli inserimenti dei propri \
             fascicoli, e un posto occupato da un altro nucleo potrebbe sembrare libero"
        ),
    ))
}

impl Service {
    /// The housing settings in force on `on` in the office's comune.
    fn housing_settings(
        &self,
        tx: &Tx<'_>,
        rules: &RuleSets,
        on: NaiveDate,
    ) -> Result<HousingSettings, Error> {
        housing::settings(rules, &office(tx)?.comune, on)
    }

    fn stay_view(
        &self,
        s: &StayRow,
        units: &[UnitRow],
        names: &Names,
        settings_today: Option<&HousingSettings>,
        rules: &RuleSets,
        comune: &str,
    ) -> Option<StayView> {
        let (name, case) = names.get(s.household_id)?;
        let today = self.today();
        let core = core_stay(s, String::new());
        let window = settings_today.map_or(0, |x| i64::from(x.rules.warning_days.value));
        let days_left = (s.planned_end - today).num_days();
        let status = if s.exit.is_some() {
            StayStatus::Concluso
        } else if s.entry > today {
            StayStatus::Programmato
        } else if core.overstays(today) {
            StayStatus::OltreTermine
        } else if days_left <= window {
            StayStatus::InScadenza
        } else {
            StayStatus::InCorso
        };
        let latest = housing::settings(rules, comune, s.entry).ok().map(|x| x.latest_planned_end(s.entry));
        Some(StayView {
            id: s.id,
            household_id: s.household_id,
            household_name: name.clone(),
            case_number: case.clone(),
            unit_id: s.unit_id,
            unit_address: units
                .iter()
                .find(|u| u.id == s.unit_id)
                .map(|u| u.address.clone())
                .unwrap_or_default(),
            place: s.place,
            people: s.people,
            entry: s.entry,
            planned_end: s.planned_end,
            exit_date: s.exit.map(|e| e.date),
            destination: s.exit.map(|e| e.destination),
            exit_note: s.exit_note.clone(),
            project_id: s.project_id,
            contribution: s.contribution,
            status,
            days_left,
            latest_planned_end: latest,
        })
    }

    /// The "Alloggi" screen: units with their weekly occupancy from `from`,
    /// the stays, the waiting list and the free places proposed to it.
    pub fn housing_get(&self, from: Option<NaiveDate>, weeks: u32) -> Result<HousingView, Error> {
        let rules = load_rules()?;
        let today = self.today();
        let from = from.unwrap_or(today);
        let weeks = weeks.clamp(1, MAX_WEEKS);
        self.run(Action::HousingGet, None, |tx, _| {
            let comune = office(tx)?.comune;
            let scope = self.case_filter(tx)?;
            let units = tx.housing_units()?;
            let stays = tx.housing_stays()?;
            let waiting: Vec<WaitingRow> =
                tx.housing_waiting()?.into_iter().filter(|w| w.state == WaitingState::Waiting).collect();
            let names = Names::load(
                tx,
                stays.iter().map(|s| s.household_id).chain(waiting.iter().map(|w| w.household_id)),
                scope.as_ref(),
            )?;
            let settings = housing::settings(&rules, &comune, today).ok();
            let core_units: Vec<Unit> = units.iter().map(core_unit).collect();
            let core_stays: Vec<Stay> =
                stays.iter().map(|s| core_stay(s, names.label(s.household_id))).collect();
            // The grid's counts do not depend on the settings; the reminders
            // (which need them) are the board's and the stays' badges.
            let grid = settings.as_ref().map(|x| occupancy(&core_units, &core_stays, x, from, weeks));
            let mut unit_views = Vec::with_capacity(units.len());
            for (i, u) in units.iter().enumerate() {
                let row = grid.as_ref().map(|g| &g.units[i]);
                let guests = stays
                    .iter()
                    .zip(&core_stays)
                    .filter(|(s, c)| s.unit_id == u.id && c.holds(from))
                    .map(|(s, c)| {
                        let seen = names.get(s.household_id);
                        GuestView {
                            stay_id: seen.map(|_| s.id),
                            place: s.place,
                            household_name: seen.map(|(n, _)| n.clone()),
                            planned_end: seen.map(|_| s.planned_end),
                            overstay: seen.is_some() && c.overstays(from),
                        }
                    })
                    .collect();
                unit_views.push(UnitView {
                    id: u.id,
                    address: u.address.clone(),
                    places: u.places,
                    managing_body: u.managing_body.clone(),
                    state: u.state,
                    note: u.note.clone(),
                    updated_at: u.updated_at.clone(),
                    taken: row.map(|r| r.taken.clone()).unwrap_or_default(),
                    taken_today: row.map_or(0, |r| r.taken_today),
                    free_today: row.map_or(0, |r| r.free_today),
                    guests,
                });
            }
            let mut stay_views: Vec<StayView> = stays
                .iter()
                .filter_map(|s| self.stay_view(s, &units, &names, settings.as_ref(), &rules, &comune))
                .collect();
            stay_views.sort_by_key(|a| {
                (a.exit_date.is_some(), a.exit_date.map(std::cmp::Reverse), a.planned_end, a.id)
            });
            let by_id: HashMap<String, &WaitingRow> = waiting.iter().map(|w| (w.id.to_string(), w)).collect();
            let seen_waiting: Vec<&WaitingRow> =
                waiting.iter().filter(|w| names.get(w.household_id).is_some()).collect();
            let mut others = 0u32;
            for w in waiting.iter().filter(|w| names.get(w.household_id).is_none()) {
                // A restricted case is out of the count too.
                if tx.case_restricted_on(w.household_id)?.is_none() {
                    others += 1;
                }
            }
            // The list's key is the entry's id: the rule orders and fits, the
            // screen names the household.
            let entries: Vec<WaitingEntry> = seen_waiting
                .iter()
                .map(|w| WaitingEntry {
                    household: w.id.to_string(),
                    need_places: w.people,
                    priority: w.priority,
                    since: w.since,
                })
                .collect();
            let proposals = match_waiting(&entries, &core_units, &core_stays, from)
                .into_iter()
                .filter_map(|p| {
                    let unit = units.iter().find(|u| u.id.to_string() == p.unit)?;
                    Some((unit.id, p))
                })
                .map(|(unit_id, p)| ProposalView {
                    unit_id,
                    unit_address: p.unit_name,
                    place: p.place,
                    places: p.places,
                    free_until: p.free_until,
                    candidates: p
                        .candidates
                        .iter()
                        .filter_map(|c| by_id.get(&c.household).and_then(|w| waiting_view(w, &names)))
                        .collect(),
                })
                .collect();
            let mut waiting_views: Vec<WaitingView> =
                seen_waiting.iter().filter_map(|w| waiting_view(w, &names)).collect();
            waiting_views.sort_by_key(|a| (a.priority, a.since, a.id));
            Ok(HousingView {
                today,
                from,
                week_starts: grid.as_ref().map(|g| g.week_starts.clone()).unwrap_or_default(),
                settings: settings.as_ref().map(|x| SettingsView {
                    rule_set_title: x.rule_set_title.clone(),
                    max_months: x.rules.max_months.value,
                    warning_days: x.rules.warning_days.value,
                    contribution: x.rules.guest_contribution.as_ref().map(|c| c.value),
                }),
                free_today: grid.as_ref().map_or(0, |g| g.free_today),
                units: unit_views,
                stays: stay_views,
                waiting: waiting_views,
                others_waiting: others,
                proposals,
                can_manage_units: super::access::allowed("unit_save", self.operator().role),
                can_place: tx.sync_is_hub()?,
            })
        })
    }

    /// Adds a unit or changes one (the coordinatore's).
    pub fn unit_save(&self, input: UnitInput) -> Result<UnitView, Error> {
        let id = form::optional_id("id", &input.id)?;
        let address = form::required_line("address", &input.address, "l'indirizzo dell'alloggio")?;
        let places = form::integer("places", &input.places, 1, 30, 0)?;
        if places == 0 {
            return Err(Error::invalid("places", "Indicare i posti letto dell'alloggio (almeno uno)"));
        }
        let managing_body = form::required_line("managing_body", &input.managing_body, "l'ente gestore")?;
        let state = match form::clean(&input.state) {
            None => UnitState::Attivo,
            Some(s) => UnitState::parse(&s).ok_or_else(|| {
                Error::invalid(
                    "state",
                    format!("stato «{s}» non previsto (attivo, in ristrutturazione, fuori uso)"),
                )
            })?,
        };
        let note = form::optional_text("note", &input.note)?.unwrap_or_default();
        let today = self.today();
        self.run(Action::UnitSave, None, |tx, stamp| {
            let unit = UnitRow {
                id: id.unwrap_or_else(Id::new),
                address: address.clone(),
                places: places as u32,
                managing_body: managing_body.clone(),
                state,
                note: note.clone(),
                updated_at: stamp.at.clone(),
            };
            if let Some(id) = id {
                let old = tx.housing_unit_get(id)?.ok_or_else(|| not_found("Alloggio"))?;
                // Stays not concluded: still there, or to come.
                let open = tx
                    .housing_stays()?
                    .into_iter()
                    .filter(|s| s.unit_id == id && s.exit.is_none_or(|e| e.date > today))
                    .count();
                if open > 0 && (state != UnitState::Attivo || unit.places < old.places) {
                    let field = if state != UnitState::Attivo { "state" } else { "places" };
                    return Err(Error::new(
                        Code::Conflict,
                        format!(
                            "L'alloggio «{}» ha {open} inserimenti non conclusi: registrare prima le uscite, poi \
                             cambiarne lo stato o ridurne i posti",
                            old.address
                        ),
                    )
                    .with_field(field));
                }
            }
            tx.housing_unit_put(&unit, stamp)?;
            // The grid's fields are housing_get's: empty here.
            Ok(UnitView {
                id: unit.id,
                address: unit.address,
                places: unit.places,
                managing_body: unit.managing_body,
                state: unit.state,
                note: unit.note,
                updated_at: unit.updated_at,
                taken: Vec::new(),
                taken_today: 0,
                free_today: 0,
                guests: Vec::new(),
            })
        })
    }

    /// Places a household of the waiting list in a free place (a bed, or the
    /// whole unit): `check_stay` must allow it; the entry becomes `placed`.
    pub fn stay_place(&self, input: StayPlaceInput) -> Result<StayView, Error> {
        let waiting_id = form::required_id("waiting_id", &input.waiting_id, "il nucleo in lista d'attesa")?;
        let unit_id = form::required_id("unit_id", &input.unit_id, "l'alloggio")?;
        let place = match &input.place {
            None => None,
            Some(Scalar::Text(t)) if t.trim().is_empty() => None,
            p => Some(form::integer("place", &p.clone(), 1, 30, 1)? as u32),
        };
        let entry = form::required_date("entry", &input.entry, "la data di ingresso")?;
        let planned_end = form::required_date("planned_end", &input.planned_end, "la fine prevista")?;
        let rules = load_rules()?;
        self.run(Action::StayPlace, Some(waiting_id), |tx, stamp| {
            let w =
                tx.housing_waiting_get(waiting_id)?.ok_or_else(|| not_found("Nucleo in lista d'attesa"))?;
            if w.state != WaitingState::Waiting {
                return Err(Error::new(
                    Code::Conflict,
                    format!("Il nucleo non è più in lista d'attesa ({})", w.state.label()),
                )
                .with_field("waiting_id"));
            }
            let unit = tx.housing_unit_get(unit_id)?.ok_or_else(|| not_found("Alloggio"))?;
            let settings = self.housing_settings(tx, &rules, entry)?;
            let scope = self.case_filter(tx)?;
            let stays = tx.housing_stays()?;
            let names = Names::load(
                tx,
                stays.iter().map(|s| s.household_id).chain([w.household_id]),
                scope.as_ref(),
            )?;
            let row = StayRow {
                id: Id::new(),
                household_id: w.household_id,
                unit_id,
                place,
                people: w.people,
                entry,
                planned_end,
                exit: None,
                exit_note: None,
                waiting_id: Some(w.id),
                project_id: tx.housing_project_of(w.household_id)?,
                contribution: settings.rules.guest_contribution.as_ref().map(|c| c.value),
                rule_set: settings.rule_set.clone(),
            };
            let new = core_stay(&row, names.label(w.household_id));
            // A household is in one place at a time.
            let clash = |s: &&StayRow| {
                s.household_id == w.household_id
                    && (s.exit.is_none()
                        || (s.entry < new.end() && entry < core_stay(s, String::new()).end()))
            };
            if let Some(s) = stays.iter().find(clash) {
                return Err(Error::new(
                    Code::Conflict,
                    format!(
                        "Il nucleo è già inserito dal {} (fine prevista {}): registrare prima l'uscita",
                        format_it(s.entry),
                        format_it(s.planned_end)
                    ),
                )
                .with_field("entry"));
            }
            let others: Vec<Stay> = stays.iter().map(|s| core_stay(s, names.label(s.household_id))).collect();
            check_stay(&new, &core_unit(&unit), &others, &settings)?;
            tx.housing_stay_insert(&row, stamp)?;
            tx.housing_waiting_close(w.id, WaitingState::Placed, entry, None, stamp)?;
            let units = tx.housing_units()?;
            let comune = office(tx)?.comune;
            let today_settings = housing::settings(&rules, &comune, self.today()).ok();
            self.stay_view(&row, &units, &names, today_settings.as_ref(), &rules, &comune)
                .ok_or_else(|| Error::new(Code::Internal, "inserimento registrato ma non leggibile"))
        })
    }

    /// A proroga (a new planned end) or the exit with its destination.
    pub fn stay_update(&self, input: StayUpdateInput) -> Result<StayView, Error> {
        let stay_id = form::required_id("stay_id", &input.stay_id, "l'inserimento")?;
        let planned_end = form::optional_date("planned_end", &input.planned_end)?;
        let exit_date = form::optional_date("exit_date", &input.exit_date)?;
        let destination = match form::clean(&input.destination) {
            None => None,
            Some(d) => Some(Destination::parse(&d).ok_or_else(|| {
                let all: Vec<&str> = Destination::ALL.iter().map(|d| d.label()).collect();
                Error::invalid(
                    "destination",
                    format!("destinazione «{d}» non prevista (ammesse: {})", all.join(", ")),
                )
            })?),
        };
        let exit_note = form::optional_text("exit_note", &input.exit_note)?;
        let today = self.today();
        let exit = match (exit_date, destination) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(Error::invalid("destination", "Indicare dove è andato il nucleo all'uscita"))
            }
            (None, Some(_)) => return Err(Error::invalid("exit_date", "Indicare la data di uscita")),
            (Some(date), Some(destination)) => {
                if date > today {
                    return Err(Error::invalid(
                        "exit_date",
                        format!(
                            "l'uscita si registra quando è avvenuta: il {} è dopo oggi ({})",
                            format_it(date),
                            format_it(today)
                        ),
                    ));
                }
                Some(Exit { date, destination })
            }
        };
        if planned_end.is_none() && exit.is_none() {
            return Err(Error::invalid("planned_end", "Indicare la nuova fine prevista o l'uscita"));
        }
        let rules = load_rules()?;
        self.run_durable_noted(Action::StayUpdate, Some(stay_id), |tx, stamp| {
            let mut row = tx.housing_stay_get(stay_id)?.ok_or_else(|| not_found("Inserimento"))?;
            if let Some(e) = row.exit {
                return Err(Error::new(
                    Code::Conflict,
                    format!(
                        "L'inserimento è concluso: uscita il {} ({})",
                        format_it(e.date),
                        e.destination.label()
                    ),
                )
                .with_field("stay_id"));
            }
            let mut detail = Vec::new();
            if planned_end.is_some_and(|e| e > row.planned_end) {
                hub_only(tx, "Una proroga")?;
            }
            if let Some(end) = planned_end.filter(|e| *e != row.planned_end) {
                detail.push(format!(
                    "fine prevista dal {} al {}",
                    format_it(row.planned_end),
                    format_it(end)
                ));
                row.planned_end = end;
            }
            if let Some(e) = exit {
                detail.push(format!("uscita il {} ({})", format_it(e.date), e.destination.label()));
                row.exit = Some(e);
                row.exit_note = exit_note.clone();
            }
            let unit = tx.housing_unit_get(row.unit_id)?.ok_or_else(|| not_found("Alloggio"))?;
            let settings = self.housing_settings(tx, &rules, row.entry)?;
            let scope = self.case_filter(tx)?;
            let stays = tx.housing_stays()?;
            let names = Names::load(tx, stays.iter().map(|s| s.household_id), scope.as_ref())?;
            let others: Vec<Stay> = stays.iter().map(|s| core_stay(s, names.label(s.household_id))).collect();
            // The unit as it was when the guest entered: a unit put under
            // restoration since does not stop an exit or a proroga.
            let mut as_entered = core_unit(&unit);
            as_entered.state = UnitState::Attivo;
            check_stay(&core_stay(&row, names.label(row.household_id)), &as_entered, &others, &settings)
                .map_err(
                    |e| if e.field.as_deref() == Some("exit") { e.with_field("exit_date") } else { e },
                )?;
            if row.project_id.is_none() {
                row.project_id = tx.housing_project_of(row.household_id)?;
            }
            tx.housing_stay_update(&row, stamp)?;
            let units = tx.housing_units()?;
            let comune = office(tx)?.comune;
            let today_settings = housing::settings(&rules, &comune, today).ok();
            let view = self
                .stay_view(&row, &units, &names, today_settings.as_ref(), &rules, &comune)
                .ok_or_else(|| Error::new(Code::Internal, "inserimento registrato ma non leggibile"))?;
            Ok((view, Some(detail.join("; "))))
        })
    }

    /// Puts a household on the waiting list.
    pub fn waiting_add(&self, input: WaitingAddInput) -> Result<WaitingView, Error> {
        let household_id = form::required_id("household_id", &input.household_id, "il nucleo")?;
        let need = form::required_text("need", &input.need, "il bisogno abitativo")?;
        let priority = form::integer("priority", &input.priority, 1, 3, 3)? as u8;
        let people = form::integer("people", &input.people, 1, 30, 1)? as u32;
        let today = self.today();
        let since = form::optional_date("since", &input.since)?.unwrap_or(today);
        if since > today {
            return Err(Error::invalid("since", "l'iscrizione in lista d'attesa non può essere dopo oggi"));
        }
        self.run(Action::WaitingAdd, Some(household_id), |tx, stamp| {
            let h = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            if tx.housing_waiting_of_household(household_id)?.iter().any(|w| w.state == WaitingState::Waiting) {
                return Err(Error::new(Code::Conflict, "Il nucleo è già in lista d'attesa").with_field("household_id"));
            }
            if let Some(s) = tx.housing_stays_of_household(household_id)?.iter().find(|s| s.exit.is_none()) {
                return Err(Error::new(
                    Code::Conflict,
                    format!(
                        "Il nucleo è inserito in un alloggio dal {} (fine prevista {}): registrare prima l'uscita",
                        format_it(s.entry),
                        format_it(s.planned_end)
                    ),
                )
                .with_field("household_id"));
            }
            let w = WaitingRow {
                id: Id::new(),
                household_id,
                need: need.clone(),
                priority,
                people,
                since,
                state: WaitingState::Waiting,
                closed_on: None,
                close_reason: None,
            };
            tx.housing_waiting_insert(&w, stamp)?;
            let names = Names { shown: HashMap::from([(household_id, (h.name(), h.case_number.clone()))]) };
            waiting_view(&w, &names).ok_or_else(|| Error::new(Code::Internal, "lista d'attesa non leggibile"))
        })
    }

    /// Takes a household off the waiting list, with the reason.
    pub fn waiting_withdraw(&self, waiting_id: Id, reason: Option<&str>) -> Result<WaitingView, Error> {
        let reason = form::required_line("reason", &reason.map(str::to_string), "il motivo del ritiro")?;
        let today = self.today();
        self.run_durable_noted(Action::WaitingWithdraw, Some(waiting_id), |tx, stamp| {
            let w =
                tx.housing_waiting_get(waiting_id)?.ok_or_else(|| not_found("Nucleo in lista d'attesa"))?;
            tx.housing_waiting_close(w.id, WaitingState::Withdrawn, today, Some(&reason), stamp)?;
            let w =
                tx.housing_waiting_get(waiting_id)?.ok_or_else(|| not_found("Nucleo in lista d'attesa"))?;
            let h = tx.household_get(w.household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            let names = Names { shown: HashMap::from([(w.household_id, (h.name(), h.case_number.clone()))]) };
            let view = waiting_view(&w, &names)
                .ok_or_else(|| Error::new(Code::Internal, "lista d'attesa non leggibile"))?;
            Ok((view, Some(format!("ritirato dalla lista d'attesa: {reason}"))))
        })
    }

    /// A household's stays and its place on the waiting list (its page's card).
    pub fn household_housing(&self, household_id: Id) -> Result<HouseholdHousing, Error> {
        let rules = load_rules()?;
        self.run(Action::HouseholdHousing, Some(household_id), |tx, _| {
            let h = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            let names = Names { shown: HashMap::from([(household_id, (h.name(), h.case_number.clone()))]) };
            let comune = office(tx)?.comune;
            let settings = housing::settings(&rules, &comune, self.today()).ok();
            let units = tx.housing_units()?;
            let mut stays: Vec<StayView> = tx
                .housing_stays_of_household(household_id)?
                .iter()
                .filter_map(|s| self.stay_view(s, &units, &names, settings.as_ref(), &rules, &comune))
                .collect();
            stays.reverse();
            let waiting = tx
                .housing_waiting_of_household(household_id)?
                .iter()
                .filter(|w| w.state == WaitingState::Waiting)
                .find_map(|w| waiting_view(w, &names));
            Ok(HouseholdHousing { stays, waiting })
        })
    }

    /// The Scadenze board's rows of the stays ending soon or overstayed, of
    /// the cases in `scope` (every case: `None`). Inside `deadlines_board`'s
    /// transaction and audit row.
    pub(super) fn housing_board_rows(
        &self,
        tx: &Tx<'_>,
        today: NaiveDate,
        scope: Option<&CaseFilter>,
    ) -> Result<Vec<BoardRow>, Error> {
        let stays: Vec<StayRow> = tx.housing_stays()?.into_iter().filter(|s| s.exit.is_none()).collect();
        if stays.is_empty() {
            return Ok(Vec::new());
        }
        let rules = load_rules()?;
        let settings = self.housing_settings(tx, &rules, today)?;
        let units = tx.housing_units()?;
        let names = Names::load(tx, stays.iter().map(|s| s.household_id), scope)?;
        let seen: Vec<&StayRow> = stays.iter().filter(|s| names.get(s.household_id).is_some()).collect();
        let core_units: Vec<Unit> = units.iter().map(core_unit).collect();
        let core_stays: Vec<Stay> = seen.iter().map(|s| core_stay(s, names.label(s.household_id))).collect();
        let o = occupancy(&core_units, &core_stays, &settings, today, 0);
        let mut rows = Vec::new();
        for (r, state) in o
            .overstays
            .iter()
            .map(|r| (r, BoardState::Scaduto))
            .chain(o.ending_soon.iter().map(|r| (r, BoardState::InScadenza)))
        {
            let Some(s) = seen.iter().find(|s| s.id.to_string() == r.stay) else { continue };
            let h = tx.household_get(s.household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            rows.push(BoardRow {
                kind: BoardKind::Alloggio,
                project_id: s.project_id,
                household_id: s.household_id,
                case_number: h.case_number.clone(),
                household_name: h.name(),
                analysis_date: None,
                deadline: r.planned_end,
                days_left: r.days,
                working_days_left: None,
                state,
                missing_signatures: Vec::new(),
                responsabile: h.responsabile.clone(),
                permit: None,
                stay: Some(StayDue {
                    stay_id: s.id,
                    unit: units
                        .iter()
                        .find(|u| u.id == s.unit_id)
                        .map(|u| u.address.clone())
                        .unwrap_or_default(),
                    place: place_label(s.place),
                    text: r.text.clone(),
                }),
                request: None,
                quadro_due: false,
            });
        }
        Ok(rows)
    }
}
