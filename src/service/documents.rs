//! Documents of a case: PDFs kept inside the encrypted database, written out
//! only into the private viewing area when someone opens one.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde::Serialize;

use super::{not_found, Action, Service};
use crate::domain::{form, CaseNumber, Document, DocumentKind, Id, StrEnum};
use crate::error::{Code, Error};
use crate::storage::Tx;

/// A document and its PDF, for the window's own viewer (`document_view`).
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    pub document: Document,
    /// The PDF, base64 (standard alphabet, with padding).
    pub pdf_base64: String,
}

impl Service {
    /// Saves a printed document for a household, in the encrypted database.
    pub fn document_add(
        &self,
        household_id: Id,
        kind: DocumentKind,
        title: &str,
        bytes: &[u8],
    ) -> Result<Document, Error> {
        self.run(Action::DocumentAdd, Some(household_id), |tx, stamp| {
            self.document_store(tx, stamp, household_id, kind, title, bytes)
        })
    }

    /// The work of [`Service::document_add`] inside the caller's transaction
    /// (the printing commands file their PDF in the same transaction as the
    /// rest of their work, so a failure leaves neither).
    pub(super) fn document_store(
        &self,
        tx: &Tx<'_>,
        stamp: &crate::storage::Stamp,
        household_id: Id,
        kind: DocumentKind,
        title: &str,
        bytes: &[u8],
    ) -> Result<Document, Error> {
        let title = form::required_line("title", &Some(title.to_string()), "il titolo del documento")?;
        if !bytes.starts_with(b"%PDF-") {
            return Err(Error::invalid("bytes", "Il documento non è un PDF"));
        }
        let id = Id::new();
        tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
        let day = &stamp.at[..10];
        let suffix: String =
            id.to_string().chars().rev().take(8).collect::<Vec<_>>().into_iter().rev().collect();
        let file_name = format!("{}-{day}-{suffix}.pdf", kind.as_str());
        let doc = Document { id, household_id, kind, title, created_at: stamp.at.clone(), file_name };
        tx.document_insert(&doc, bytes, stamp)?;
        Ok(doc)
    }

    /// The documents of a household, newest first.
    pub fn documents_list(&self, household_id: Id) -> Result<Vec<Document>, Error> {
        self.run(Action::DocumentsList, Some(household_id), |tx, _| {
            tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            tx.documents_of_household(household_id)
        })
    }

    /// The PDF of a document, decrypted in memory (audited as an opening).
    pub fn document_bytes(&self, id: Id) -> Result<(Document, Vec<u8>), Error> {
        self.document_read(Action::DocumentOpen, id)
    }

    /// A document for the window's own viewer (`document_view`): the PDF in
    /// memory, as base64 in the answer, never written to a file. Audited as
    /// a view, with the case scope of opening it.
    pub fn document_view(&self, id: Id) -> Result<DocumentView, Error> {
        let (document, bytes) = self.document_read(Action::DocumentView, id)?;
        let pdf_base64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        Ok(DocumentView { document, pdf_base64 })
    }

    fn document_read(&self, action: Action, id: Id) -> Result<(Document, Vec<u8>), Error> {
        self.run(action, Some(id), |tx, _| stored_pdf(tx, id))
    }

    /// Writes a copy of a stored document at `out`, where the operator chose
    /// (`sportello document save`, "Salva una copia…"): the same roles and
    /// case scope as opening it, and the export is its own audit row.
    ///
    /// The file is written whole or not at all, private (0600), and never over
    /// an existing file, not even one that appears while it is written: a copy
    /// of a family's document replacing some other file is a loss nobody
    /// asked for. It is written inside the audited transaction, so a failed
    /// write leaves no record of an export that did not happen (and a record
    /// that cannot be committed takes the file away again).
    pub fn document_save_copy(&self, id: Id, out: &Path) -> Result<Document, Error> {
        self.save_new_file(
            Action::DocumentSave,
            Some(id),
            out,
            "impossibile salvare la copia del documento",
            |tx| {
                let (doc, bytes) = stored_pdf(tx, id)?;
                Ok((doc, bytes))
            },
        )
    }

    /// Runs `action` and writes the bytes it made as the new file `out`,
    /// inside its transaction: never over an existing file, whole or not at
    /// all, private to the account (0600). A file written by a command whose
    /// transaction then fails is removed, so nothing is exported that the
    /// audit log does not record. `what` says it in an I/O error.
    pub(super) fn save_new_file<T>(
        &self,
        action: Action,
        record: Option<Id>,
        out: &Path,
        what: &str,
        make: impl FnOnce(&Tx<'_>) -> Result<(T, Vec<u8>), Error>,
    ) -> Result<T, Error> {
        let exists = |out: &Path| {
            Error::new(
                Code::Conflict,
                format!("Il file {} esiste già: scegliere un altro nome", out.display()),
            )
            .with_field("out")
        };
        if out.symlink_metadata().is_ok() {
            return Err(exists(out));
        }
        let mut written = false;
        let saved = self.run(action, record, |tx, _| {
            let (answer, bytes) = make(tx)?;
            crate::fsx::write_private_new(out, &bytes).map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => exists(out),
                _ => io_error(out, what, e),
            })?;
            written = true;
            Ok(answer)
        });
        if saved.is_err() && written {
            let _ = std::fs::remove_file(out);
        }
        saved
    }

    /// Writes a document, decrypted, into the private viewing area (memory on
    /// Linux, emptied at logout and lock) and gives its path, for the system
    /// viewer.
    pub fn document_path(&self, id: Id) -> Result<PathBuf, Error> {
        let (doc, bytes) = self.document_bytes(id)?;
        self.viewing.write(&doc.file_name, &bytes)
    }

    /// The private folder where opened documents and exports are written.
    pub fn viewing_dir(&self) -> &Path {
        self.viewing.dir()
    }

    /// Removes a file [`Service::document_path`] wrote, when no program
    /// could open it: a copy nobody looks at does not wait for the logout.
    /// A path outside the viewing area is left alone.
    pub fn viewing_discard(&self, path: &Path) {
        self.viewing.discard(path);
    }

    /// Moves the PDFs that earlier versions kept as files in the case folders
    /// into the database, then removes the files: after this, no document of
    /// the office is on the disk in clear. A missing file is left for the
    /// operator to see (the document says its content is missing).
    pub(super) fn import_legacy_documents(&self) -> Result<usize, Error> {
        let pending = self.store.transaction(|tx| tx.documents_without_content())?;
        let mut imported = Vec::new();
        for (id, case_number, file_name) in pending {
            let Some(case) = CaseNumber::parse(&case_number) else { continue };
            let path = self.documents_dir.join(case.folder_name()).join(&file_name);
            let Ok(bytes) = std::fs::read(&path) else { continue };
            self.store.transaction(|tx| tx.document_set_content(id, &bytes))?;
            imported.push(path);
        }
        for path in &imported {
            let _ = std::fs::remove_file(path);
            if let Some(dir) = path.parent() {
                let _ = std::fs::remove_dir(dir);
            }
        }
        Ok(imported.len())
    }
}

pub(super) fn io_error(path: &Path, what: &str, e: std::io::Error) -> Error {
    // ENOSPC: say it plainly, the operator can act on it.
    if e.raw_os_error() == Some(28) {
        return Error::new(Code::DiskFull, format!("Il disco è pieno: {what} ({})", path.display()));
    }
    Error::new(Code::Io, format!("{what} ({}): {e}", path.display()))
}

/// Writes the whole file or nothing, private to the account (0600): a
/// temporary file beside it, flushed to disk, then renamed over the final name.
pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    crate::fsx::write_private_atomic(path, bytes)
        .map_err(|e| io_error(path, "impossibile salvare il documento", e))
}

/// A document's record and its PDF, decrypted in memory.
fn stored_pdf(tx: &Tx<'_>, id: Id) -> Result<(Document, Vec<u8>), Error> {
    let doc = tx.document_get(id)?.ok_or_else(|| not_found("Documento"))?;
    let bytes = tx.document_content(id)?.ok_or_else(|| {
        Error::new(Code::NotFound, "Il contenuto del documento non è nel database (versione precedente)")
    })?;
    Ok((doc, bytes))
}
