//! Temporary social housing (schema 19): the units, the stays, the waiting
//! list. Rows only: whether a stay may be recorded is decided by
//! `rules::housing::check_stay` in the service, before it writes here.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row};

use super::{col, date, db_err, opt_col, opt_date, opt_date_sql, word, Sql, Stamp, Tx, Values};
use crate::domain::{string_enum, Id};
use crate::error::{Code, Error};
use crate::money::Money;
use crate::rules::housing::{Destination, Exit, UnitState};
use crate::rules::rule_set::RuleSetRef;

string_enum!(
    /// Where a household stands on the waiting list.
    WaitingState {
        Waiting = "waiting": "in attesa",
        Placed = "placed": "inserito",
        Withdrawn = "withdrawn": "ritirato",
    }
);

/// An alloggio as the office keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    pub id: Id,
    /// "Via Padova 104, scala B, int. 5".
    pub address: String,
    pub places: u32,
    /// The ente gestore.
    pub managing_body: String,
    pub state: UnitState,
    pub note: String,
    pub updated_at: String,
}

/// A household on the waiting list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingRow {
    pub id: Id,
    pub household_id: Id,
    pub need: String,
    /// 1 urgente, 2 alta, 3 ordinaria.
    pub priority: u8,
    pub people: u32,
    pub since: NaiveDate,
    pub state: WaitingState,
    /// The day it was placed or withdrawn.
    pub closed_on: Option<NaiveDate>,
    pub close_reason: Option<String>,
}

/// An inserimento as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StayRow {
    pub id: Id,
    pub household_id: Id,
    pub unit_id: Id,
    /// The posto letto; None = the whole unit.
    pub place: Option<u32>,
    pub people: u32,
    pub entry: NaiveDate,
    pub planned_end: NaiveDate,
    pub exit: Option<Exit>,
    pub exit_note: Option<String>,
    pub waiting_id: Option<Id>,
    pub project_id: Option<Id>,
    /// A month, from the settings in force at the entry (None: nothing).
    pub contribution: Option<Money>,
    pub rule_set: RuleSetRef,
}

fn conversion(idx: usize, what: &str, s: &str) -> rusqlite::Error {
    super::conversion(idx, Error::new(Code::Storage, format!("{what} «{s}» inatteso nel database")))
}

fn unit_from_row(r: &Row<'_>) -> rusqlite::Result<UnitRow> {
    let state: String = r.get(4)?;
    Ok(UnitRow {
        id: col(r, 0)?,
        address: r.get(1)?,
        places: r.get(2)?,
        managing_body: r.get(3)?,
        state: UnitState::parse(&state).ok_or_else(|| conversion(4, "stato dell'alloggio", &state))?,
        note: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

const UNIT_COLUMNS: &str = "id, address, places, managing_body, state, note, updated_at";

fn waiting_from_row(r: &Row<'_>) -> rusqlite::Result<WaitingRow> {
    Ok(WaitingRow {
        id: col(r, 0)?,
        household_id: col(r, 1)?,
        need: r.get(2)?,
        priority: r.get(3)?,
        people: r.get(4)?,
        since: date(r, 5)?,
        state: word(r, 6)?,
        closed_on: opt_date(r, 7)?,
        close_reason: r.get(8)?,
    })
}

const WAITING_COLUMNS: &str =
    "id, household_id, need, priority, people, since, state, closed_on, close_reason";

fn stay_from_row(r: &Row<'_>) -> rusqlite::Result<StayRow> {
    let exit_date = opt_date(r, 7)?;
    let destination: Option<String> = r.get(8)?;
    let exit = match (exit_date, destination) {
        (Some(date), Some(d)) => Some(Exit {
            date,
            destination: Destination::parse(&d).ok_or_else(|| conversion(8, "destinazione", &d))?,
        }),
        _ => None,
    };
    Ok(StayRow {
        id: col(r, 0)?,
        household_id: col(r, 1)?,
        unit_id: col(r, 2)?,
        place: r.get(3)?,
        people: r.get(4)?,
        entry: date(r, 5)?,
        planned_end: date(r, 6)?,
        exit,
        exit_note: r.get(9)?,
        waiting_id: opt_col(r, 10)?,
        project_id: opt_col(r, 11)?,
        contribution: opt_col(r, 12)?,
        rule_set: RuleSetRef { id: r.get(13)?, version: r.get(14)? },
    })
}

const STAY_COLUMNS: &str = "id, household_id, unit_id, place, people, entry_date, planned_end, exit_date, \
                            destination, exit_note, waiting_id, project_id, contribution, rule_set_id, \
                            rule_set_version";

/// The columns of a stay that a change rewrites (proroga, exit), for its
/// INSERT and its UPDATE alike.
fn stay_values<'a>(s: &'a StayRow, stamp: &'a Stamp) -> Values<'a> {
    Values::new()
        .with("planned_end", s.planned_end.to_string())
        .with("exit_date", opt_date_sql(s.exit.map(|e| e.date)))
        .with("destination", s.exit.map(|e| e.destination.as_str()))
        .with("exit_note", &s.exit_note)
        .with("project_id", s.project_id.sql())
        .with("updated_at", &stamp.at)
        .with("updated_by", stamp.by.sql())
}

impl Tx<'_> {
    /// Every unit, by address.
    pub fn housing_units(&self) -> Result<Vec<UnitRow>, Error> {
        self.rows(
            &format!("SELECT {UNIT_COLUMNS} FROM housing_units ORDER BY address, id"),
            [],
            unit_from_row,
        )
    }

    pub fn housing_unit_get(&self, id: Id) -> Result<Option<UnitRow>, Error> {
        self.tx
            .query_row(
                &format!("SELECT {UNIT_COLUMNS} FROM housing_units WHERE id = ?1"),
                [id.sql()],
                unit_from_row,
            )
            .optional()
            .map_err(db_err)
    }

    /// A new unit, or a change of one.
    pub fn housing_unit_put(&self, u: &UnitRow, stamp: &Stamp) -> Result<(), Error> {
        let values = || {
            Values::new()
                .with("address", &u.address)
                .with("places", u.places)
                .with("managing_body", &u.managing_body)
                .with("state", u.state.as_str())
                .with("note", &u.note)
                .with("updated_at", &stamp.at)
                .with("updated_by", stamp.by.sql())
        };
        let n = values()
            .update(&self.tx, "housing_units", &Values::new().with("id", u.id.sql()))
            .map_err(db_err)?;
        if n == 0 {
            values()
                .with("id", u.id.sql())
                .with("created_at", &stamp.at)
                .with("created_by", stamp.by.sql())
                .insert(&self.tx, "housing_units")
                .map_err(db_err)?;
        }
        Ok(())
    }

    /// Every stay, of every unit and household, oldest entry first: the
    /// capacity of a unit is everyone's stays, whoever sees them.
    pub fn housing_stays(&self) -> Result<Vec<StayRow>, Error> {
        self.rows(
            &format!("SELECT {STAY_COLUMNS} FROM housing_stays ORDER BY entry_date, id"),
            [],
            stay_from_row,
        )
    }

    pub fn housing_stays_of_household(&self, household: Id) -> Result<Vec<StayRow>, Error> {
        self.rows(
            &format!(
                "SELECT {STAY_COLUMNS} FROM housing_stays WHERE household_id = ?1 ORDER BY entry_date, id"
            ),
            [household.sql()],
            stay_from_row,
        )
    }

    pub fn housing_stay_get(&self, id: Id) -> Result<Option<StayRow>, Error> {
        self.tx
            .query_row(
                &format!("SELECT {STAY_COLUMNS} FROM housing_stays WHERE id = ?1"),
                [id.sql()],
                stay_from_row,
            )
            .optional()
            .map_err(db_err)
    }

    /// Records a new stay.
    pub fn housing_stay_insert(&self, s: &StayRow, stamp: &Stamp) -> Result<(), Error> {
        stay_values(s, stamp)
            .with("id", s.id.sql())
            .with("household_id", s.household_id.sql())
            .with("unit_id", s.unit_id.sql())
            .with("place", s.place)
            .with("people", s.people)
            .with("entry_date", s.entry.to_string())
            .with("waiting_id", s.waiting_id.sql())
            .with("contribution", s.contribution.sql())
            .with("rule_set_id", &s.rule_set.id)
            .with("rule_set_version", s.rule_set.version)
            .with("created_at", &stamp.at)
            .with("created_by", stamp.by.sql())
            .insert(&self.tx, "housing_stays")
            .map_err(db_err)?;
        Ok(())
    }

    /// Writes a stay's planned end, exit and project (the rest never changes).
    pub fn housing_stay_update(&self, s: &StayRow, stamp: &Stamp) -> Result<(), Error> {
        let n = stay_values(s, stamp)
            .update(&self.tx, "housing_stays", &Values::new().with("id", s.id.sql()))
            .map_err(db_err)?;
        if n == 0 {
            return Err(Error::not_found("Inserimento non trovato"));
        }
        Ok(())
    }

    /// The waiting list: every entry, in any state, oldest first.
    pub fn housing_waiting(&self) -> Result<Vec<WaitingRow>, Error> {
        self.rows(
            &format!("SELECT {WAITING_COLUMNS} FROM housing_waiting ORDER BY since, id"),
            [],
            waiting_from_row,
        )
    }

    pub fn housing_waiting_of_household(&self, household: Id) -> Result<Vec<WaitingRow>, Error> {
        self.rows(
            &format!(
                "SELECT {WAITING_COLUMNS} FROM housing_waiting WHERE household_id = ?1 ORDER BY since, id"
            ),
            [household.sql()],
            waiting_from_row,
        )
    }

    pub fn housing_waiting_get(&self, id: Id) -> Result<Option<WaitingRow>, Error> {
        self.tx
            .query_row(
                &format!("SELECT {WAITING_COLUMNS} FROM housing_waiting WHERE id = ?1"),
                [id.sql()],
                waiting_from_row,
            )
            .optional()
            .map_err(db_err)
    }

    pub fn housing_waiting_insert(&self, w: &WaitingRow, stamp: &Stamp) -> Result<(), Error> {
        Values::new()
            .with("id", w.id.sql())
            .with("household_id", w.household_id.sql())
            .with("need", &w.need)
            .with("priority", w.priority)
            .with("people", w.people)
            .with("since", w.since.to_string())
            .with("state", w.state.to_string())
            .with("closed_on", opt_date_sql(w.closed_on))
            .with("close_reason", &w.close_reason)
            .with("created_at", &stamp.at)
            .with("updated_at", &stamp.at)
            .with("created_by", stamp.by.sql())
            .with("updated_by", stamp.by.sql())
            .insert(&self.tx, "housing_waiting")
            .map_err(db_err)?;
        Ok(())
    }

    /// Closes an entry: placed or withdrawn on `on`, with the reason of a withdrawal.
    pub fn housing_waiting_close(
        &self,
        id: Id,
        state: WaitingState,
        on: NaiveDate,
        reason: Option<&str>,
        stamp: &Stamp,
    ) -> Result<(), Error> {
        let n = Values::new()
            .with("state", state.to_string())
            .with("closed_on", on.to_string())
            .with("close_reason", reason)
            .with("updated_at", &stamp.at)
            .with("updated_by", stamp.by.sql())
            .update(&self.tx, "housing_waiting", &Values::new().with("id", id.sql()).with("state", "waiting"))
            .map_err(db_err)?;
        if n == 0 {
            return Err(
                Error::new(Code::Conflict, "Il nucleo non è più in lista d'attesa").with_field("waiting_id")
            );
        }
        Ok(())
    }

    /// The household's latest progetto personalizzato, if written.
    pub fn housing_project_of(&self, household: Id) -> Result<Option<Id>, Error> {
        self.tx
            .query_row(
                "SELECT id FROM projects WHERE household_id = ?1 ORDER BY created_at DESC, id DESC LIMIT 1",
                [household.sql()],
                |r| col(r, 0),
            )
            .optional()
            .map_err(db_err)
    }
}
