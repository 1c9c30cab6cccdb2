//! The data subjects' requests (schema 22): recorded, extended, answered.
//! Rows are never deleted: the register of requests is the office's proof
//! that each was answered in time.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::{col, date, db_err, opt_col, opt_date, opt_date_sql, word, Sql, Stamp, Tx};
use crate::cf::Cf;
use crate::domain::data_request::{ApplicationKey, Channel, RequestKind, Requester};
use crate::domain::{Id, StrEnum};
use crate::error::Error;
use crate::rules::RuleSetRef;

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataRequestRow {
    pub id: Id,
    pub kind: RequestKind,
    pub member_id: Option<Id>,
    pub person_name: String,
    pub codice_fiscale: Cf,
    pub requester: Requester,
    pub representative_name: Option<String>,
    pub representative_role: Option<String>,
    pub received_on: NaiveDate,
    pub channel: Channel,
    pub notes: Option<String>,
    pub rule_set: RuleSetRef,
    pub due_on: NaiveDate,
    pub extended_on: Option<NaiveDate>,
    pub extension_reason: Option<String>,
    pub answered_on: Option<NaiveDate>,
    pub answer_summary: Option<String>,
    pub answer_sha256: Option<String>,
    pub applications: Vec<ApplicationKey>,
    pub created_at: String,
}

const COLUMNS: &str = "id, kind, member_id, person_name, codice_fiscale, requester, representative_name,
     representative_role, received_on, channel, notes, rule_set_id, rule_set_version, due_on, extended_on,
     extension_reason, answered_on, answer_summary, answer_sha256, created_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DataRequestRow> {
    Ok(DataRequestRow {
        id: col(r, 0)?,
        kind: word(r, 1)?,
        member_id: opt_col(r, 2)?,
        person_name: r.get(3)?,
        codice_fiscale: col(r, 4)?,
        requester: word(r, 5)?,
        representative_name: r.get(6)?,
        representative_role: r.get(7)?,
        received_on: date(r, 8)?,
        channel: word(r, 9)?,
        notes: r.get(10)?,
        rule_set: RuleSetRef { id: r.get(11)?, version: r.get(12)? },
        due_on: date(r, 13)?,
        extended_on: opt_date(r, 14)?,
        extension_reason: r.get(15)?,
        answered_on: opt_date(r, 16)?,
        answer_summary: r.get(17)?,
        answer_sha256: r.get(18)?,
        applications: Vec::new(),
        created_at: r.get(19)?,
    })
}

impl Tx<'_> {
    pub fn data_request_insert(&self, d: &DataRequestRow, stamp: &Stamp) -> Result<(), Error> {
        self.tx
            .execute(
                "INSERT INTO data_requests (id, kind, member_id, person_name, codice_fiscale, requester,
                    representative_name, representative_role, received_on, channel, notes, rule_set_id,
                    rule_set_version, due_on, created_at, updated_at, created_by, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16, ?16)",
                params![
                    d.id.sql(),
                    d.kind.as_str(),
                    d.member_id.sql(),
                    d.person_name,
                    d.codice_fiscale.sql(),
                    d.requester.as_str(),
                    d.representative_name,
                    d.representative_role,
                    d.received_on.to_string(),
                    d.channel.as_str(),
                    d.notes,
                    d.rule_set.id,
                    d.rule_set.version,
                    d.due_on.to_string(),
                    stamp.at,
                    stamp.by.sql(),
                ],
            )
            .map_err(db_err)?;
        for (i, a) in d.applications.iter().enumerate() {
            self.tx
                .execute(
                    "INSERT INTO data_request_applications (id, request_id, call_id, protocol, position)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![Id::new().sql(), d.id.sql(), a.call_id.sql(), a.protocol, i as i64],
                )
                .map_err(db_err)?;
        }
        Ok(())
    }

    pub fn data_request_get(&self, id: Id) -> Result<Option<DataRequestRow>, Error> {
        let row = self
            .tx
            .query_row(&format!("SELECT {COLUMNS} FROM data_requests WHERE id = ?1"), [id.sql()], from_row)
            .optional()
            .map_err(db_err)?;
        match row {
            Some(mut r) => {
                r.applications = self.data_request_applications(r.id)?;
                Ok(Some(r))
            }
            None => Ok(None),
        }
    }

    fn data_request_applications(&self, id: Id) -> Result<Vec<ApplicationKey>, Error> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT call_id, protocol FROM data_request_applications WHERE request_id = ?1 ORDER BY position",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map([id.sql()], |r| Ok(ApplicationKey { call_id: col(r, 0)?, protocol: r.get(1)? }))
            .map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    }

    /// Every request, the open ones first (by due date), then the answered (latest first).
    pub fn data_requests(&self) -> Result<Vec<DataRequestRow>, Error> {
        let mut stmt = self
            .tx
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM data_requests
                 ORDER BY answered_on IS NOT NULL, CASE WHEN answered_on IS NULL THEN due_on END,
                          answered_on DESC, received_on DESC"
            ))
            .map_err(db_err)?;
        let rows: Vec<DataRequestRow> =
            stmt.query_map([], from_row).map_err(db_err)?.collect::<Result<_, _>>().map_err(db_err)?;
        rows.into_iter()
            .map(|mut r| {
                r.applications = self.data_request_applications(r.id)?;
                Ok(r)
            })
            .collect()
    }

    pub fn data_request_extend(
        &self,
        id: Id,
        on: NaiveDate,
        reason: &str,
        due_on: NaiveDate,
        stamp: &Stamp,
    ) -> Result<(), Error> {
        self.tx
            .execute(
                "UPDATE data_requests SET extended_on = ?2, extension_reason = ?3, due_on = ?4,
                    updated_at = ?5, updated_by = ?6 WHERE id = ?1",
                params![id.sql(), on.to_string(), reason, due_on.to_string(), stamp.at, stamp.by.sql()],
            )
            .map_err(db_err)?;
        Ok(())
    }

    pub fn data_request_answer(
        &self,
        id: Id,
        on: NaiveDate,
        summary: &str,
        sha256: Option<&str>,
        stamp: &Stamp,
    ) -> Result<(), Error> {
        self.tx
            .execute(
                "UPDATE data_requests SET answered_on = ?2, answer_summary = ?3, answer_sha256 = ?4,
                    updated_at = ?5, updated_by = ?6 WHERE id = ?1",
                params![id.sql(), opt_date_sql(Some(on)), summary, sha256, stamp.at, stamp.by.sql()],
            )
            .map_err(db_err)?;
        Ok(())
    }

    /// The applications linked to a member (`call_applications.member_id`).
    pub fn applications_of_member(&self, member: Id) -> Result<Vec<(Id, String)>, Error> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT call_id, protocol FROM call_applications WHERE member_id = ?1 ORDER BY call_id, seq",
            )
            .map_err(db_err)?;
        let rows = stmt.query_map([member.sql()], |r| Ok((col(r, 0)?, r.get(1)?))).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    }
}
