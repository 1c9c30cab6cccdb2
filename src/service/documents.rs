//! Documents of a case: PDFs written into the case's folder
//! (`<documents>/2026-000123/…`) and recorded in the database.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{not_found, Action, Service};
use crate::domain::{form, CaseNumber, Document, DocumentKind, Id, StrEnum};
use crate::error::{Code, Error};

impl Service {
    /// Saves a printed document for a household: the file is written whole (a
    /// temporary file, then a rename) before the record is committed; if the
    /// record cannot be written the file is removed again.
    pub fn document_add(
        &self,
        household_id: Id,
        kind: DocumentKind,
        title: &str,
        bytes: &[u8],
    ) -> Result<Document, Error> {
        let mut written: Option<PathBuf> = None;
        let result = self.run(Action::DocumentAdd, Some(household_id), |tx, stamp| {
            self.document_store(tx, stamp, household_id, kind, title, bytes, &mut written)
        });
        if result.is_err() {
            if let Some(path) = written {
                let _ = std::fs::remove_file(path);
            }
        }
        result
    }

    /// The work of [`Service::document_add`] inside the caller's transaction
    /// (the printing commands file their PDF in the same transaction as the
    /// rest of their work). `written` gets the file's path as soon as it exists:
    /// the caller removes it if the transaction does not commit.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn document_store(
        &self,
        tx: &crate::storage::Tx<'_>,
        stamp: &crate::storage::Stamp,
        household_id: Id,
        kind: DocumentKind,
        title: &str,
        bytes: &[u8],
        written: &mut Option<PathBuf>,
    ) -> Result<Document, Error> {
        let title = form::required_line("title", &Some(title.to_string()), "il titolo del documento")?;
        if !bytes.starts_with(b"%PDF-") {
            return Err(Error::invalid("bytes", "Il documento non è un PDF"));
        }
        let id = Id::new();
        let household = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
        let folder = self.case_folder(&household.case_number)?;
        let day = &stamp.at[..10];
        let suffix: String =
            id.to_string().chars().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect();
        let file_name = format!("{}-{day}-{suffix}.pdf", kind.as_str());
        let path = folder.join(&file_name);
        write_atomic(&path, bytes)?;
        *written = Some(path);
        let doc = Document { id, household_id, kind, title, created_at: stamp.at.clone(), file_name };
        tx.document_insert(&doc, bytes.len(), stamp)?;
        Ok(doc)
    }

    /// The documents of a household, newest first.
    pub fn documents_list(&self, household_id: Id) -> Result<Vec<Document>, Error> {
        self.run(Action::DocumentsList, Some(household_id), |tx, _| {
            tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            tx.documents_of_household(household_id)
        })
    }

    /// Where a document's file is (to open it in the system viewer).
    pub fn document_path(&self, id: Id) -> Result<PathBuf, Error> {
        self.run(Action::DocumentOpen, Some(id), |tx, _| {
            let doc = tx.document_get(id)?.ok_or_else(|| not_found("Documento"))?;
            let household = tx.household_get(doc.household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            let path = self.case_folder_path(&household.case_number)?.join(&doc.file_name);
            if !path.is_file() {
                return Err(Error::new(
                    Code::Io,
                    format!(
                        "Il file del documento non si trova più nella cartella del caso: {}",
                        path.display()
                    ),
                ));
            }
            Ok(path)
        })
    }

    fn case_folder_path(&self, case_number: &str) -> Result<PathBuf, Error> {
        let case = CaseNumber::parse(case_number)
            .ok_or_else(|| Error::new(Code::Internal, format!("numero di caso non valido: {case_number}")))?;
        Ok(self.documents_dir.join(case.folder_name()))
    }

    fn case_folder(&self, case_number: &str) -> Result<PathBuf, Error> {
        let dir = self.case_folder_path(case_number)?;
        std::fs::create_dir_all(&dir)
            .map_err(|e| io_error(&dir, "impossibile creare la cartella del caso", e))?;
        Ok(dir)
    }
}

pub(super) fn io_error(path: &Path, what: &str, e: std::io::Error) -> Error {
    // ENOSPC: say it plainly, the operator can act on it.
    if e.raw_os_error() == Some(28) {
        return Error::new(Code::DiskFull, format!("Il disco è pieno: {what} ({})", path.display()));
    }
    Error::new(Code::Io, format!("{what} ({}): {e}", path.display()))
}

/// Writes the whole file or nothing: a temporary file beside it, flushed to
/// disk, then renamed over the final name.
pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // The rename itself must reach the disk too.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_error(path, "impossibile salvare il documento", e)
    })
}
