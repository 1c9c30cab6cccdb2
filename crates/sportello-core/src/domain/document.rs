//! Documents printed for a case (PDFs kept in the case's folder).

use serde::{Deserialize, Serialize};

use crate::domain::Id;

string_enum!(DocumentKind {
    Patto = "patto": "Progetto personalizzato (patto)",
    Convocazione = "convocazione": "Convocazione",
    EsitoRequisiti = "esito_requisiti": "Esito della verifica dei requisiti",
    RegistroAccessi = "registro_accessi": "Registro degli accessi al fascicolo",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: Id,
    pub household_id: Id,
    pub kind: DocumentKind,
    pub title: String,
    pub created_at: String,
    /// Name of the file inside the case's folder.
    pub file_name: String,
}
