//! Quadro di analisi: one per household, with its équipe, participants, the
//! six areas in depth and the priorities agreed (schema 27).

use rusqlite::{params, OptionalExtension};

use super::{col, date, db_err, word, Sql, Stamp, Tx, Values};
use crate::domain::quadro::{EquipeMember, Quadro, QuadroArea, QuadroDraft};
use crate::domain::{Id, StrEnum};
use crate::error::Error;

/// The parts a save rewrites, in the order they are read.
const PARTS: [&str; 4] = ["quadro_equipe", "quadro_participants", "quadro_areas", "quadro_priorities"];

impl Tx<'_> {
    pub fn quadro_of_household(&self, household: Id) -> Result<Option<Quadro>, Error> {
        let id: Option<Id> = self
            .tx
            .query_row("SELECT id FROM quadri WHERE household_id = ?1", [household.sql()], |r| col(r, 0))
            .optional()
            .map_err(db_err)?;
        match id {
            Some(id) => self.quadro_get(id),
            None => Ok(None),
        }
    }

    /// Whether the household's quadro is recorded (the board asks for each
    /// household waiting for its project).
    pub fn quadro_exists(&self, household: Id) -> Result<bool, Error> {
        let hit: Option<i64> = self
            .tx
            .query_row("SELECT 1 FROM quadri WHERE household_id = ?1", [household.sql()], |r| r.get(0))
            .optional()
            .map_err(db_err)?;
        Ok(hit.is_some())
    }

    pub fn quadro_get(&self, id: Id) -> Result<Option<Quadro>, Error> {
        let head = self
            .tx
            .query_row(
                "SELECT q.id, q.household_id, q.analysis_id, q.meeting_date, o.name, q.outcome, q.outcome_reason,
                        q.created_at, q.updated_at
                 FROM quadri q JOIN operators o ON o.id = q.operator_id WHERE q.id = ?1",
                [id.sql()],
                |r| {
                    Ok(Quadro {
                        id: col(r, 0)?,
                        household_id: col(r, 1)?,
                        analysis_id: col(r, 2)?,
                        meeting_date: date(r, 3)?,
                        operator: r.get(4)?,
                        equipe: Vec::new(),
                        participants: Vec::new(),
                        areas: Vec::new(),
                        priorities: Vec::new(),
                        outcome: word(r, 5)?,
                        outcome_reason: r.get(6)?,
                        created_at: r.get(7)?,
                        updated_at: r.get(8)?,
                    })
                },
            )
            .optional()
            .map_err(db_err)?;
        let Some(mut q) = head else { return Ok(None) };
        q.equipe = self.rows(
            "SELECT name, service, organisation, role FROM quadro_equipe WHERE quadro_id = ?1 ORDER BY position",
            [id.sql()],
            |r| Ok(EquipeMember { name: r.get(0)?, service: word(r, 1)?, organisation: r.get(2)?, role: r.get(3)? }),
        )?;
        q.participants = self.rows(
            "SELECT member_id FROM quadro_participants WHERE quadro_id = ?1 ORDER BY position",
            [id.sql()],
            |r| col(r, 0),
        )?;
        q.areas = self.rows(
            "SELECT domain, need, needs, resources, services FROM quadro_areas WHERE quadro_id = ?1 ORDER BY position",
            [id.sql()],
            |r| {
                Ok(QuadroArea {
                    domain: word(r, 0)?,
                    need: word(r, 1)?,
                    needs: r.get(2)?,
                    resources: r.get(3)?,
                    services: r.get(4)?,
                })
            },
        )?;
        q.priorities = self.rows(
            "SELECT text FROM quadro_priorities WHERE quadro_id = ?1 ORDER BY position",
            [id.sql()],
            |r| r.get(0),
        )?;
        Ok(Some(q))
    }

    /// Inserts (`exists` false) or replaces the quadro `id`. The operator who
    /// recorded it stays the first one; `updated_*` follow each change.
    pub fn quadro_write(&self, id: Id, exists: bool, d: &QuadroDraft, stamp: &Stamp) -> Result<(), Error> {
        let values = Values::new()
            .with("analysis_id", d.analysis_id.sql())
            .with("meeting_date", d.meeting_date.to_string())
            .with("outcome", d.outcome.as_str())
            .with("outcome_reason", &d.outcome_reason)
            .with("updated_at", &stamp.at)
            .with("updated_by", stamp.by.sql());
        if exists {
            values.update(&self.tx, "quadri", &Values::new().with("id", id.sql())).map_err(db_err)?;
            for table in PARTS {
                self.tx
                    .execute(&format!("DELETE FROM {table} WHERE quadro_id = ?1"), [id.sql()])
                    .map_err(db_err)?;
            }
        } else {
            values
                .with("id", id.sql())
                .with("household_id", d.household_id.sql())
                .with("operator_id", stamp.by.sql())
                .with("created_at", &stamp.at)
                .with("created_by", stamp.by.sql())
                .insert(&self.tx, "quadri")
                .map_err(db_err)?;
        }
        for (pos, m) in d.equipe.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO quadro_equipe (quadro_id, position, name, service, organisation, role)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![id.sql(), pos as i64, m.name, m.service.as_str(), m.organisation, m.role],
                )
                .map_err(db_err)?;
        }
        for (pos, m) in d.participants.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO quadro_participants (quadro_id, member_id, position) VALUES (?1, ?2, ?3)",
                    params![id.sql(), m.sql(), pos as i64],
                )
                .map_err(db_err)?;
        }
        for (pos, a) in d.areas.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO quadro_areas (quadro_id, position, domain, need, needs, resources, services)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        id.sql(),
                        pos as i64,
                        a.domain.as_str(),
                        a.need.as_str(),
                        a.needs,
                        a.resources,
                        a.services
                    ],
                )
                .map_err(db_err)?;
        }
        for (pos, text) in d.priorities.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO quadro_priorities (quadro_id, position, text) VALUES (?1, ?2, ?3)",
                    params![id.sql(), pos as i64, text],
                )
                .map_err(db_err)?;
        }
        Ok(())
    }
}
