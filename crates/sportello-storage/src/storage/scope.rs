//! Who is in charge of a case, the équipe of each operator, and the access
//! history of a case: the storage side of the case scope (service/access.rs
//! decides; this module only answers questions about the rows).

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};

use super::{col, db_err, opt_col, opt_date, word, Sql, Tx};
use crate::domain::{CaseOwner, Id, Role};
use crate::error::Error;

/// The cases an operatore may see: those in their charge, those of an
/// operator of their équipe, and those with nobody in charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFilter {
    pub operator: Id,
    /// `None`: the operator belongs to no équipe (sees only their own cases).
    pub equipe: Option<String>,
}

impl CaseFilter {
    /// An SQL condition on the household id expression `column`, with its two
    /// parameters numbered `?{first}` and `?{first + 1}` (bind
    /// [`CaseFilter::operator`] and [`CaseFilter::equipe`] there). `x IN
    /// (SELECT …)` without correlation: SQLite builds the set once per query.
    pub(crate) fn sql(&self, column: &str, first: usize) -> String {
        let (o, e) = (first, first + 1);
        format!(
            "{column} IN (SELECT h.id FROM households h LEFT JOIN operators r ON r.id = h.responsabile_id
               WHERE h.restricted_on IS NULL
                 AND (h.responsabile_id IS NULL OR h.responsabile_id = ?{o} OR r.equipe = ?{e}))"
        )
    }
}

/// One row of a case's access history, with who the operator is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseAuditRow {
    pub seq: i64,
    pub at: String,
    pub operator_id: Id,
    pub username: String,
    pub operator_name: String,
    pub role: Role,
    pub action: String,
    pub record_id: Option<Id>,
    /// What the record is: `nucleo`, `progetto`, `analisi`, `documento`,
    /// `verifica_requisiti`.
    pub record_kind: Option<String>,
    /// The document's title, for a document.
    pub record_title: Option<String>,
    pub detail: Option<String>,
    /// The replica the row was written on, by name (this one's own, or a
    /// device whose chain arrived here).
    pub device: String,
    /// Written here (false: a row of a device's chain).
    pub local: bool,
}

/// The cases one account (or one device) opened in a period, for the DPO's
/// assessment of a breach (GDPR art. 33-34): each household with how many
/// times and when first and last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseExposure {
    pub household_id: Id,
    pub accesses: u64,
    pub first_at: String,
    pub last_at: String,
}

/// What the exposure query looks for: the account, the device (its name as
/// the access history shows it), or both; and the period (`at` between them,
/// UTC text, `to` excluded).
#[derive(Debug, Clone)]
pub struct ExposureQuery {
    pub operator: Option<Id>,
    pub device: Option<String>,
    pub from: String,
    pub to: String,
    /// The detail that marks an attempt refused (the service's): it opened
    /// nothing, so it is not counted.
    pub refused: String,
}

impl Tx<'_> {
    /// The équipe of an operator (`None`: none, or no such operator).
    pub fn operator_equipe(&self, id: Id) -> Result<Option<String>, Error> {
        self.tx
            .query_row("SELECT equipe FROM operators WHERE id = ?1", [id.sql()], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()
            .map(Option::flatten)
            .map_err(db_err)
    }

    /// The operator's codice fiscale, as recorded (`None`: not recorded).
    pub fn operator_cf(&self, id: Id) -> Result<Option<crate::cf::Cf>, Error> {
        self.tx
            .query_row("SELECT codice_fiscale FROM operators WHERE id = ?1", [id.sql()], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()
            .map_err(db_err)?
            .flatten()
            .map(|c| {
                crate::cf::Cf::check(&c).map_err(|e| Error::new(crate::error::Code::Storage, e.messaggio))
            })
            .transpose()
    }

    pub fn operator_set_cf(&self, id: Id, cf: Option<&crate::cf::Cf>) -> Result<(), Error> {
        self.tx
            .execute(
                "UPDATE operators SET codice_fiscale = ?2 WHERE id = ?1",
                params![id.sql(), cf.map(|c| c.as_str())],
            )
            .map_err(db_err)?;
        Ok(())
    }

    pub fn operator_set_equipe(&self, id: Id, equipe: Option<&str>) -> Result<(), Error> {
        self.tx
            .execute("UPDATE operators SET equipe = ?2 WHERE id = ?1", params![id.sql(), equipe])
            .map_err(db_err)?;
        Ok(())
    }

    /// The household a record is (a household id) or belongs to (its
    /// analysis, project, document, eligibility check); `None` when the id is
    /// none of these (a record not created yet, a call, an operator).
    pub fn household_of_record(&self, record: Id) -> Result<Option<Id>, Error> {
        self.tx
            .query_row(
                "SELECT id FROM households WHERE id = ?1
                 UNION ALL SELECT household_id FROM projects WHERE id = ?1
                 UNION ALL SELECT household_id FROM analyses WHERE id = ?1
                 UNION ALL SELECT household_id FROM documents WHERE id = ?1
                 UNION ALL SELECT household_id FROM eligibility_checks WHERE id = ?1
                 UNION ALL SELECT household_id FROM housing_stays WHERE id = ?1
                 UNION ALL SELECT household_id FROM housing_waiting WHERE id = ?1
                 UNION ALL SELECT household_id FROM enrolments WHERE id = ?1
                 UNION ALL SELECT household_id FROM informativa_deliveries WHERE id = ?1
                 LIMIT 1",
                [record.sql()],
                |r| col(r, 0),
            )
            .optional()
            .map_err(db_err)
    }

    /// Since when a case's processing is restricted (`None`: it is not).
    pub fn case_restricted_on(&self, household: Id) -> Result<Option<NaiveDate>, Error> {
        self.tx
            .query_row("SELECT restricted_on FROM households WHERE id = ?1", [household.sql()], |r| {
                opt_date(r, 0)
            })
            .optional()
            .map(Option::flatten)
            .map_err(db_err)
    }

    /// Who is in charge of a household (`None`: nobody, or no such household).
    pub fn case_owner(&self, household: Id) -> Result<Option<CaseOwner>, Error> {
        self.tx
            .query_row(
                "SELECT r.id, r.name, r.equipe FROM households h JOIN operators r ON r.id = h.responsabile_id
                 WHERE h.id = ?1",
                [household.sql()],
                |r| Ok(CaseOwner { id: col(r, 0)?, name: r.get(1)?, equipe: r.get(2)? }),
            )
            .optional()
            .map_err(db_err)
    }

    /// Whether the (existing) `household` is within `filter`.
    pub fn case_in_scope(&self, household: Id, filter: &CaseFilter) -> Result<bool, Error> {
        let sql = format!("SELECT {}", filter.sql("?1", 2));
        self.tx
            .prepare_cached(&sql)
            .map_err(db_err)?
            .query_row(params![household.sql(), filter.operator.sql(), filter.equipe], |r| r.get(0))
            .map_err(db_err)
    }

    /// Puts `operator` in charge of `household`.
    /// The form's `updated_at` is left alone: a reassignment is not an edit of
    /// the family's data, and must not make an open form's save a conflict.
    pub fn household_assign(&self, household: Id, operator: Id) -> Result<(), Error> {
        self.tx
            .execute(
                "UPDATE households SET responsabile_id = ?2 WHERE id = ?1",
                params![household.sql(), operator.sql()],
            )
            .map_err(db_err)?;
        Ok(())
    }

    /// Every audit row about the household or a record of it (analysis,
    /// project, documents, eligibility checks), with the operator's name and
    /// role and the device it was written on: this replica's rows in their
    /// order, and, at the hub, the rows of the devices' chains as they
    /// arrived (`audit_remote`), merged in by time.
    pub fn case_audit_rows(&self, household: Id) -> Result<Vec<CaseAuditRow>, Error> {
        const RECORDS: &str = "WITH records(id, kind, title) AS (
                     SELECT id, 'nucleo', NULL FROM households WHERE id = ?1
                     UNION ALL SELECT id, 'analisi', NULL FROM analyses WHERE household_id = ?1
                     UNION ALL SELECT id, 'progetto', NULL FROM projects WHERE household_id = ?1
                     UNION ALL SELECT id, 'documento', title FROM documents WHERE household_id = ?1
                     UNION ALL SELECT id, 'verifica_requisiti', NULL FROM eligibility_checks WHERE household_id = ?1
                     UNION ALL SELECT id, 'inserimento', NULL FROM housing_stays WHERE household_id = ?1
                     UNION ALL SELECT id, 'lista_attesa', NULL FROM housing_waiting WHERE household_id = ?1
                     UNION ALL SELECT id, 'iscrizione_intervento', NULL FROM enrolments WHERE household_id = ?1
                 )";
        let read = |r: &rusqlite::Row<'_>| {
            Ok(CaseAuditRow {
                seq: r.get(0)?,
                at: r.get(1)?,
                operator_id: col(r, 2)?,
                username: r.get(3)?,
                operator_name: r.get(4)?,
                role: word(r, 5)?,
                action: r.get(6)?,
                record_id: opt_col(r, 7)?,
                record_kind: r.get(8)?,
                record_title: r.get(9)?,
                detail: r.get(10)?,
                device: r.get(11)?,
                local: r.get(12)?,
            })
        };
        let own = self.rows(
            &format!(
                "{RECORDS}
                 SELECT a.seq, a.at, a.operator_id, o.username, o.name, o.role, a.action, a.record_id,
                        rec.kind, rec.title, a.detail, (SELECT name FROM sync_device WHERE id = 1), 1
                 FROM records rec
                 JOIN audit_log a ON a.record_id = rec.id
                 JOIN operators o ON o.id = a.operator_id
                 ORDER BY a.seq"
            ),
            [household.sql()],
            read,
        )?;
        // Rows a device's database shares with ours (it was made as a copy
        // of this one: `audit_from`) are ours, listed once.
        let theirs = self.rows(
            &format!(
                "{RECORDS}
                 SELECT a.seq, a.at, a.operator_id, o.username, o.name, o.role, a.action, a.record_id,
                        rec.kind, rec.title, a.detail, coalesce(p.name, a.device_id), 0
                 FROM records rec
                 JOIN audit_remote a ON a.record_id = rec.id
                 JOIN operators o ON o.id = a.operator_id
                 LEFT JOIN sync_peers p ON p.device_id = a.device_id
                 WHERE a.seq > coalesce(p.audit_from, 0)
                 ORDER BY a.at, a.device_id, a.seq"
            ),
            [household.sql()],
            read,
        )?;
        // A merge by time that keeps each list's own order.
        let mut out = Vec::with_capacity(own.len() + theirs.len());
        let mut theirs = theirs.into_iter().peekable();
        for row in own {
            while let Some(t) = theirs.next_if(|t| t.at < row.at) {
                out.push(t);
            }
            out.push(row);
        }
        out.extend(theirs);
        Ok(out)
    }

    /// A household by its case number (`2026/000123`).
    pub fn household_by_case_number(&self, case_number: &str) -> Result<Option<Id>, Error> {
        self.tx
            .query_row("SELECT id FROM households WHERE case_number = ?1", [case_number], |r| col(r, 0))
            .optional()
            .map_err(db_err)
    }

    /// [`CaseExposure`] of every case the query's account or device reached,
    /// from this database's own audit log and the devices' chains it holds
    /// (as the access history of a case reads them), most accesses first.
    /// Searches (no record) are counted apart: [`Tx::searches_in`].
    pub fn case_exposure(&self, q: &ExposureQuery) -> Result<Vec<CaseExposure>, Error> {
        self.rows(
            "WITH records(id, household_id) AS (
                 SELECT id, id FROM households
                 UNION ALL SELECT id, household_id FROM analyses
                 UNION ALL SELECT id, household_id FROM projects
                 UNION ALL SELECT id, household_id FROM documents
                 UNION ALL SELECT id, household_id FROM eligibility_checks
             ),
             seen(at, operator_id, device, record_id) AS (
                 SELECT a.at, a.operator_id, (SELECT name FROM sync_device WHERE id = 1), a.record_id
                 FROM audit_log a WHERE a.record_id IS NOT NULL AND coalesce(a.detail, '') <> ?5
                 UNION ALL
                 SELECT a.at, a.operator_id, coalesce(p.name, a.device_id), a.record_id
                 FROM audit_remote a LEFT JOIN sync_peers p ON p.device_id = a.device_id
                 WHERE a.record_id IS NOT NULL AND coalesce(a.detail, '') <> ?5
                   AND a.seq > coalesce(p.audit_from, 0)
             )
             SELECT r.household_id, count(*), min(x.at), max(x.at)
             FROM seen x JOIN records r ON r.id = x.record_id
             WHERE x.at >= ?1 AND x.at < ?2
               AND (?3 IS NULL OR x.operator_id = ?3)
               AND (?4 IS NULL OR x.device = ?4)
             GROUP BY r.household_id
             ORDER BY count(*) DESC, min(x.at)",
            params![q.from, q.to, q.operator.map(|o| o.sql()), q.device, q.refused],
            |r| {
                Ok(CaseExposure {
                    household_id: col(r, 0)?,
                    accesses: r.get::<_, i64>(1)?.max(0) as u64,
                    first_at: r.get(2)?,
                    last_at: r.get(3)?,
                })
            },
        )
    }

    /// How many searches the query's account or device made in the period:
    /// a search shows names without opening a file, and its results are not
    /// recorded, so the DPO is told how many there were.
    pub fn searches_in(&self, q: &ExposureQuery) -> Result<u64, Error> {
        let n: i64 = self
            .tx
            .query_row(
                "SELECT count(*) FROM (
                     SELECT a.at, a.operator_id, (SELECT name FROM sync_device WHERE id = 1) AS device, a.action
                     FROM audit_log a
                     UNION ALL
                     SELECT a.at, a.operator_id, coalesce(p.name, a.device_id), a.action
                     FROM audit_remote a LEFT JOIN sync_peers p ON p.device_id = a.device_id
                     WHERE a.seq > coalesce(p.audit_from, 0)
                 ) x
                 WHERE x.action = 'households_search' AND x.at >= ?1 AND x.at < ?2
                   AND (?3 IS NULL OR x.operator_id = ?3) AND (?4 IS NULL OR x.device = ?4)",
                params![q.from, q.to, q.operator.map(|o| o.sql()), q.device],
                |r| r.get(0),
            )
            .map_err(db_err)?;
        Ok(n.max(0) as u64)
    }
}
