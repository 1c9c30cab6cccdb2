//! Documents printed for a case: the record; the file itself lives in the
//! case's folder (written by the service).

use rusqlite::{params, OptionalExtension, Row};

use super::{db_err, word, Stamp, Tx};
use crate::domain::{Document, Id, StrEnum};
use crate::error::Error;

fn document_from_row(r: &Row<'_>) -> rusqlite::Result<Document> {
    Ok(Document {
        id: r.get(0)?,
        household_id: r.get(1)?,
        kind: word(r, 2)?,
        title: r.get(3)?,
        created_at: r.get(4)?,
        file_name: r.get(5)?,
    })
}

impl Tx<'_> {
    pub fn document_insert(&self, d: &Document, size_bytes: usize, stamp: &Stamp) -> Result<(), Error> {
        self.tx
            .execute(
                "INSERT INTO documents (id, household_id, kind, title, file_name, size_bytes, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![d.id, d.household_id, d.kind.as_str(), d.title, d.file_name, size_bytes as i64, d.created_at, stamp.by],
            )
            .map_err(db_err)?;
        Ok(())
    }

    pub fn document_get(&self, id: Id) -> Result<Option<Document>, Error> {
        self.tx
            .query_row(
                "SELECT id, household_id, kind, title, created_at, file_name FROM documents WHERE id = ?1",
                [id],
                document_from_row,
            )
            .optional()
            .map_err(db_err)
    }

    /// The documents of a household, newest first.
    pub fn documents_of_household(&self, household: Id) -> Result<Vec<Document>, Error> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT id, household_id, kind, title, created_at, file_name FROM documents
                 WHERE household_id = ?1 ORDER BY created_at DESC, id DESC",
            )
            .map_err(db_err)?;
        let rows = stmt.query_map([household], document_from_row).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    }
}
