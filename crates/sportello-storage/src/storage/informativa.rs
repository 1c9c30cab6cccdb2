//! The informativa (schema 21): the office's versions of its text and the
//! deliveries to the members of a case. Rows only: whether a delivery may be
//! recorded is `domain::informativa::check_delivery`, run by the service.

use rusqlite::{params, OptionalExtension, Row};

use super::{col, date, db_err, word, Sql, Stamp, Tx};
use crate::domain::informativa::{Delivery, DeliveryMode, InformativaText, InformativaVersion};
use crate::domain::{Id, StrEnum};
use crate::error::Error;

const VERSION_SQL: &str = "SELECT v.id, v.version, v.controller, v.dpo, v.body, v.created_at, \
                           coalesce(o.name, v.created_by) FROM informativa_versions v \
                           LEFT JOIN operators o ON o.id = v.created_by";

fn version_from_row(r: &Row<'_>) -> rusqlite::Result<InformativaVersion> {
    Ok(InformativaVersion {
        id: col(r, 0)?,
        version: r.get(1)?,
        text: InformativaText { controller: r.get(2)?, dpo: r.get(3)?, body: r.get(4)? },
        created_at: r.get(5)?,
        created_by: r.get(6)?,
    })
}

const DELIVERY_SQL: &str = "SELECT d.id, d.household_id, d.member_id, d.version_id, v.version, d.given_on, \
                            d.mode, d.created_at, coalesce(o.name, d.created_by) \
                            FROM informativa_deliveries d JOIN informativa_versions v ON v.id = d.version_id \
                            LEFT JOIN operators o ON o.id = d.created_by";

fn delivery_from_row(r: &Row<'_>) -> rusqlite::Result<Delivery> {
    Ok(Delivery {
        id: col(r, 0)?,
        household_id: col(r, 1)?,
        member_id: col(r, 2)?,
        version_id: col(r, 3)?,
        version: r.get(4)?,
        given_on: date(r, 5)?,
        mode: word::<DeliveryMode>(r, 6)?,
        created_at: r.get(7)?,
        created_by: r.get(8)?,
    })
}

impl Tx<'_> {
    /// Every version, newest first (the highest number; two saved at once on
    /// two replicas share a number and are told apart by their time).
    pub fn informativa_versions(&self) -> Result<Vec<InformativaVersion>, Error> {
        self.rows(
            &format!("{VERSION_SQL} ORDER BY v.version DESC, v.created_at DESC, v.id"),
            [],
            version_from_row,
        )
    }

    /// The version in force: the newest.
    pub fn informativa_current(&self) -> Result<Option<InformativaVersion>, Error> {
        self.tx
            .query_row(
                &format!("{VERSION_SQL} ORDER BY v.version DESC, v.created_at DESC, v.id LIMIT 1"),
                [],
                version_from_row,
            )
            .optional()
            .map_err(db_err)
    }

    pub fn informativa_version_get(&self, id: Id) -> Result<Option<InformativaVersion>, Error> {
        self.tx
            .query_row(&format!("{VERSION_SQL} WHERE v.id = ?1"), [id.sql()], version_from_row)
            .optional()
            .map_err(db_err)
    }

    /// A new version, numbered after the highest known; never over another.
    pub fn informativa_version_add(&self, text: &InformativaText, stamp: &Stamp) -> Result<(Id, u32), Error> {
        let next: u32 = self
            .tx
            .query_row("SELECT coalesce(max(version), 0) + 1 FROM informativa_versions", [], |r| r.get(0))
            .map_err(db_err)?;
        let id = Id::new();
        self.tx
            .execute(
                "INSERT INTO informativa_versions (id, version, controller, dpo, body, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id.sql(), next, text.controller, text.dpo, text.body, stamp.at, stamp.by.sql()],
            )
            .map_err(db_err)?;
        Ok((id, next))
    }

    /// The deliveries of a case, by date.
    pub fn informativa_deliveries(&self, household: Id) -> Result<Vec<Delivery>, Error> {
        self.rows(
            &format!("{DELIVERY_SQL} WHERE d.household_id = ?1 ORDER BY d.given_on, d.created_at, d.id"),
            [household.sql()],
            delivery_from_row,
        )
    }

    pub fn informativa_delivery_add(
        &self,
        household: Id,
        member: Id,
        version: Id,
        given_on: chrono::NaiveDate,
        mode: DeliveryMode,
        stamp: &Stamp,
    ) -> Result<Id, Error> {
        let id = Id::new();
        self.tx
            .execute(
                "INSERT INTO informativa_deliveries (id, household_id, member_id, version_id, given_on, mode,
                                                     created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id.sql(),
                    household.sql(),
                    member.sql(),
                    version.sql(),
                    given_on.to_string(),
                    mode.as_str(),
                    stamp.at,
                    stamp.by.sql()
                ],
            )
            .map_err(db_err)?;
        Ok(id)
    }
}
