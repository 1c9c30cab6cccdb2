//! Documents printed for a case: the record and the PDF itself, inside the
//! encrypted database (migration 5).

use rusqlite::{params, OptionalExtension, Row};

use super::{col, db_err, word, Sql, Stamp, Tx};
use crate::domain::{Document, Id, StrEnum};
use crate::error::Error;

fn document_from_row(r: &Row<'_>) -> rusqlite::Result<Document> {
    Ok(Document {
        id: col(r, 0)?,
        household_id: col(r, 1)?,
        kind: word(r, 2)?,
        title: r.get(3)?,
        created_at: r.get(4)?,
        file_name: r.get(5)?,
    })
}

impl Tx<'_> {
    pub fn document_insert(&self, d: &Document, content: &[u8], stamp: &Stamp) -> Result<(), Error> {
        self.tx
            .execute(
                "INSERT INTO documents (id, household_id, kind, title, file_name, size_bytes, created_at, created_by, content)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    d.id.sql(),
                    d.household_id.sql(),
                    d.kind.as_str(),
                    d.title,
                    d.file_name,
                    content.len() as i64,
                    d.created_at,
                    stamp.by.sql(),
                    content
                ],
            )
            .map_err(db_err)?;
        Ok(())
    }

    /// The PDF of a document (`None`: a document of an earlier version whose
    /// file was never imported).
    pub fn document_content(&self, id: Id) -> Result<Option<Vec<u8>>, Error> {
        self.tx
            .query_row("SELECT content FROM documents WHERE id = ?1", [id.sql()], |r| {
                r.get::<_, Option<Vec<u8>>>(0)
            })
            .optional()
            .map(Option::flatten)
            .map_err(db_err)
    }

    /// Documents of earlier versions, whose PDF is still a file in the case
    /// folder: (id, case number, file name).
    pub fn documents_without_content(&self) -> Result<Vec<(Id, String, String)>, Error> {
        self.rows(
            "SELECT d.id, h.case_number, d.file_name FROM documents d
                 JOIN households h ON h.id = d.household_id WHERE d.content IS NULL",
            [],
            |r| Ok((col(r, 0)?, r.get(1)?, r.get(2)?)),
        )
    }

    pub fn document_set_content(&self, id: Id, content: &[u8]) -> Result<(), Error> {
        self.tx
            .execute(
                "UPDATE documents SET content = ?2, size_bytes = ?3 WHERE id = ?1",
                params![id.sql(), content, content.len() as i64],
            )
            .map_err(db_err)?;
        Ok(())
    }

    pub fn document_get(&self, id: Id) -> Result<Option<Document>, Error> {
        self.tx
            .query_row(
                "SELECT id, household_id, kind, title, created_at, file_name FROM documents WHERE id = ?1",
                [id.sql()],
                document_from_row,
            )
            .optional()
            .map_err(db_err)
    }

    /// The documents of a household, newest first.
    pub fn documents_of_household(&self, household: Id) -> Result<Vec<Document>, Error> {
        self.rows(
            "SELECT id, household_id, kind, title, created_at, file_name FROM documents
                 WHERE household_id = ?1 ORDER BY created_at DESC, id DESC",
            [household.sql()],
            document_from_row,
        )
    }
}
