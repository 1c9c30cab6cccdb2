//! Documents printed for a case (PDFs kept in the case's folder).

use serde::{Deserialize, Serialize};

use crate::domain::Id;

string_enum!(DocumentKind {
    Patto = "patto": "Progetto personalizzato (patto)",
    Convocazione = "convocazione": "Convocazione",
    EsitoRequisiti = "esito_requisiti": "Esito della verifica dei requisiti",
    RegistroAccessi = "registro_accessi": "Registro degli accessi al fascicolo",
    Informativa = "informativa": "Informativa sul trattamento dei dati personali",
});

string_enum!(
    /// Why a household is called to the office: the convocation letter says
    /// it, its title in the case folder and the case's history keep it.
    ConvocationPurpose {
        AnalisiPreliminare = "analisi_preliminare": "colloquio di analisi preliminare",
        FirmaPatto = "firma_patto": "firma del patto",
        Monitoraggio = "monitoraggio": "incontro di monitoraggio",
        Altro = "altro": "altro",
    }
);

/// The letter's words for the interview of the analisi preliminare (after
/// "…presso l'ufficio, per").
pub const PURPOSE_ANALISI_PRELIMINARE: &str =
    "il colloquio di analisi preliminare, per definire insieme il progetto personalizzato del Suo nucleo familiare";

impl ConvocationPurpose {
    /// What the letter says after "per"; `None` for [`ConvocationPurpose::Altro`],
    /// whose words the operator writes.
    pub fn phrase(self) -> Option<&'static str> {
        match self {
            ConvocationPurpose::AnalisiPreliminare => Some(PURPOSE_ANALISI_PRELIMINARE),
            ConvocationPurpose::FirmaPatto => Some(
                "la firma del progetto personalizzato (patto) concordato con il servizio, da parte dei componenti \
                 che vi assumono impegni",
            ),
            ConvocationPurpose::Monitoraggio => Some(
                "un incontro di monitoraggio del progetto personalizzato, per verificare insieme gli impegni presi e \
                 i risultati raggiunti",
            ),
            ConvocationPurpose::Altro => None,
        }
    }
}

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
