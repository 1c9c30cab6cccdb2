//! Column conversions. The core's values (ids, amounts, the codice fiscale)
//! are stored as TEXT; the core crate has no rusqlite, and the orphan rule keeps
//! `ToSql`/`FromSql` for its types out of this crate, so storage converts them
//! here: [`Sql::sql`] for a parameter, [`col`] for a column.

use chrono::NaiveDate;
use rusqlite::ToSql;

use crate::cf::Cf;
use crate::domain::{Id, StrEnum};
use crate::error::{Code, Error};
use crate::money::Money;

/// A core value as an SQL parameter: `params![household.sql(), …]`.
pub(crate) trait Sql {
    type Out: ToSql;
    fn sql(&self) -> Self::Out;
}

impl Sql for Id {
    type Out = String;
    fn sql(&self) -> String {
        self.to_string()
    }
}

impl Sql for Money {
    type Out = String;
    fn sql(&self) -> String {
        self.to_string()
    }
}

impl Sql for Cf {
    type Out = String;
    fn sql(&self) -> String {
        self.as_str().to_string()
    }
}

impl<T: Sql> Sql for Option<T> {
    type Out = Option<T::Out>;
    fn sql(&self) -> Option<T::Out> {
        self.as_ref().map(Sql::sql)
    }
}

impl<T: Sql> Sql for &T {
    type Out = T::Out;
    fn sql(&self) -> T::Out {
        (**self).sql()
    }
}

/// A core value read from a TEXT column.
pub(crate) trait Column: Sized {
    fn from_text(s: &str) -> Result<Self, Error>;
}

impl Column for Id {
    fn from_text(s: &str) -> Result<Id, Error> {
        Id::parse("id", s)
    }
}

impl Column for Money {
    fn from_text(s: &str) -> Result<Money, Error> {
        Money::parse(s)
    }
}

/// A codice fiscale column: what the form checked when it was saved.
impl Column for Cf {
    fn from_text(s: &str) -> Result<Cf, Error> {
        Cf::check(s).map_err(|e| {
            Error::new(Code::Storage, format!("codice fiscale non valido nel database: {}", e.messaggio))
        })
    }
}

/// The column `idx` as a core value.
pub(crate) fn col<T: Column>(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    T::from_text(&s).map_err(|e| conversion(idx, e))
}

/// The column `idx` as a core value, NULL as `None`.
pub(crate) fn opt_col<T: Column>(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<T>> {
    let s: Option<String> = row.get(idx)?;
    s.map(|s| T::from_text(&s).map_err(|e| conversion(idx, e))).transpose()
}

/// A date column (`YYYY-MM-DD`).
pub(crate) fn date(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<NaiveDate> {
    let s: String = row.get(idx)?;
    crate::dates::parse_iso("data", &s).map_err(|e| conversion(idx, e))
}

pub(crate) fn opt_date(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let s: Option<String> = row.get(idx)?;
    s.map(|s| crate::dates::parse_iso("data", &s).map_err(|e| conversion(idx, e))).transpose()
}

/// A closed-word column (status, kind…).
pub(crate) fn word<E: StrEnum>(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<E> {
    let s: String = row.get(idx)?;
    E::parse(&s).ok_or_else(|| {
        conversion(idx, Error::new(Code::Storage, format!("valore «{s}» inatteso nel database")))
    })
}

/// A closed-word column that may be empty: NULL, or the empty text of a NOT
/// NULL column whose value was not asked (a child's employment, schema 13).
pub(crate) fn opt_word<E: StrEnum>(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<Option<E>> {
    let s: Option<String> = row.get(idx)?;
    match s.as_deref() {
        None | Some("") => Ok(None),
        Some(_) => word(row, idx).map(Some),
    }
}

pub(crate) fn conversion(idx: usize, e: Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
}

pub(crate) fn opt_date_sql(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// One row's columns with their values: the one list an INSERT and an UPDATE of
/// a table are both written from, so that the two cannot drift apart (a column
/// added to one and forgotten in the other, a parameter number off by one).
pub(crate) struct Values<'a>(Vec<(&'static str, Box<dyn ToSql + 'a>)>);

impl<'a> Values<'a> {
    pub(crate) fn new() -> Values<'a> {
        Values(Vec::new())
    }

    pub(crate) fn with(mut self, column: &'static str, value: impl ToSql + 'a) -> Values<'a> {
        self.0.push((column, Box::new(value)));
        self
    }

    fn params(&self) -> impl Iterator<Item = &dyn ToSql> {
        self.0.iter().map(|(_, v)| v.as_ref() as &dyn ToSql)
    }

    /// `INSERT INTO table (a, b, …) VALUES (?1, ?2, …)`.
    pub(crate) fn insert(&self, conn: &rusqlite::Connection, table: &str) -> rusqlite::Result<usize> {
        let columns: Vec<&str> = self.0.iter().map(|(c, _)| *c).collect();
        let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO {table} ({}) VALUES ({})", columns.join(", "), marks.join(", "));
        let params: Vec<&dyn ToSql> = self.params().collect();
        conn.prepare_cached(&sql)?.execute(params.as_slice())
    }

    /// `UPDATE table SET a = ?1, … WHERE key = ?n AND …`; the number of rows changed.
    pub(crate) fn update(
        &self,
        conn: &rusqlite::Connection,
        table: &str,
        keys: &Values<'_>,
    ) -> rusqlite::Result<usize> {
        let n = self.0.len();
        let set: Vec<String> =
            self.0.iter().enumerate().map(|(i, (c, _))| format!("{c} = ?{}", i + 1)).collect();
        let key: Vec<String> =
            keys.0.iter().enumerate().map(|(i, (c, _))| format!("{c} = ?{}", n + i + 1)).collect();
        let sql = format!("UPDATE {table} SET {} WHERE {}", set.join(", "), key.join(" AND "));
        let params: Vec<&dyn ToSql> = self.params().chain(keys.params()).collect();
        conn.prepare_cached(&sql)?.execute(params.as_slice())
    }
}
