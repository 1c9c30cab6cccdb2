//! Operators, the office, the audit log and the case-number counter.

use rusqlite::{params, OptionalExtension};

use super::{col, db_err, opt_col, word, Sql, Stamp, Tx};
use crate::domain::{Id, Office, Operator, StrEnum};
use crate::error::Error;

/// One line of the audit log (serialised for the coordinator's export).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub operator_id: Id,
    pub action: String,
    pub record_id: Option<Id>,
    pub detail: Option<String>,
}

impl Tx<'_> {
    pub fn operator_by_username(&self, username: &str) -> Result<Option<Operator>, Error> {
        self.tx
            .query_row(
                "SELECT id, username, name, role FROM operators WHERE username = ?1 AND active = 1",
                [username],
                |r| Ok(Operator { id: col(r, 0)?, username: r.get(1)?, name: r.get(2)?, role: word(r, 3)? }),
            )
            .optional()
            .map_err(db_err)
    }

    pub fn operator_get(&self, id: Id) -> Result<Option<Operator>, Error> {
        self.tx
            .query_row("SELECT id, username, name, role FROM operators WHERE id = ?1", [id.sql()], |r| {
                Ok(Operator { id: col(r, 0)?, username: r.get(1)?, name: r.get(2)?, role: word(r, 3)? })
            })
            .optional()
            .map_err(db_err)
    }

    /// Whether the account exists and is active (a revoked operator keeps their
    /// row, for the audit log's sake, with `active = 0`).
    pub fn operator_active(&self, id: Id) -> Result<bool, Error> {
        self.tx
            .query_row("SELECT active FROM operators WHERE id = ?1", [id.sql()], |r| r.get::<_, i64>(0))
            .optional()
            .map(|a| a == Some(1))
            .map_err(db_err)
    }

    /// Revokes an account: it can no longer log in; its past stays on record.
    pub fn operator_deactivate(&self, id: Id) -> Result<(), Error> {
        self.tx.execute("UPDATE operators SET active = 0 WHERE id = ?1", [id.sql()]).map_err(db_err)?;
        Ok(())
    }

    /// Every account, active ones first, by name.
    pub fn operators_all(&self) -> Result<Vec<(Operator, bool)>, Error> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT id, username, name, role, active FROM operators ORDER BY active DESC, name, username",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    Operator { id: col(r, 0)?, username: r.get(1)?, name: r.get(2)?, role: word(r, 3)? },
                    r.get::<_, i64>(4)? == 1,
                ))
            })
            .map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    }

    /// Any account by username, active or not.
    pub fn operator_by_username_any(&self, username: &str) -> Result<Option<(Operator, bool)>, Error> {
        self.tx
            .query_row(
                "SELECT id, username, name, role, active FROM operators WHERE username = ?1",
                [username],
                |r| {
                    Ok((
                        Operator { id: col(r, 0)?, username: r.get(1)?, name: r.get(2)?, role: word(r, 3)? },
                        r.get::<_, i64>(4)? == 1,
                    ))
                },
            )
            .optional()
            .map_err(db_err)
    }

    pub fn operators_count(&self) -> Result<i64, Error> {
        self.tx.query_row("SELECT count(*) FROM operators", [], |r| r.get(0)).map_err(db_err)
    }

    pub fn operator_insert(&self, op: &Operator, created_at: &str) -> Result<(), Error> {
        self.tx
            .execute(
                "INSERT INTO operators (id, username, name, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![op.id.sql(), op.username, op.name, op.role.as_str(), created_at],
            )
            .map_err(db_err)?;
        Ok(())
    }

    /// Changes an operator's name and role.
    pub fn operator_update(&self, op: &Operator) -> Result<(), Error> {
        self.tx
            .execute(
                "UPDATE operators SET name = ?2, role = ?3 WHERE id = ?1",
                params![op.id.sql(), op.name, op.role.as_str()],
            )
            .map_err(db_err)?;
        Ok(())
    }

    pub fn office_get(&self) -> Result<Option<Office>, Error> {
        self.tx
            .query_row("SELECT name, address, phone, email, comune FROM office WHERE id = 1", [], |r| {
                Ok(Office {
                    name: r.get(0)?,
                    address: r.get(1)?,
                    phone: r.get(2)?,
                    email: r.get(3)?,
                    comune: r.get(4)?,
                })
            })
            .optional()
            .map_err(db_err)
    }

    pub fn office_set(&self, o: &Office, stamp: &Stamp) -> Result<(), Error> {
        self.tx
            .execute(
                "INSERT INTO office (id, name, address, phone, email, comune, updated_at, updated_by)
                 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name, address = excluded.address,
                   phone = excluded.phone, email = excluded.email, comune = excluded.comune,
                   updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                params![o.name, o.address, o.phone, o.email, o.comune, stamp.at, stamp.by.sql()],
            )
            .map_err(db_err)?;
        Ok(())
    }

    pub fn audit_append(
        &self,
        stamp: &Stamp,
        action: &str,
        record: Option<Id>,
        detail: Option<&str>,
    ) -> Result<(), Error> {
        // Chained to the previous row (storage/audit.rs).
        let record = record.map(|r| r.to_string());
        super::audit::append(&self.tx, &stamp.at, &stamp.by.to_string(), action, record.as_deref(), detail)?;
        Ok(())
    }

    /// The audit entries about `record` (all of them when `None`), oldest first.
    pub fn audit_entries(&self, record: Option<Id>) -> Result<Vec<AuditEntry>, Error> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT seq, at, operator_id, action, record_id, detail FROM audit_log
                 WHERE ?1 IS NULL OR record_id = ?1 ORDER BY seq",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map([record.sql()], |r| {
                Ok(AuditEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    operator_id: col(r, 2)?,
                    action: r.get(3)?,
                    record_id: opt_col(r, 4)?,
                    detail: r.get(5)?,
                })
            })
            .map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    }
}
