//! "Verbale di cancellazione / anonimizzazione" of what is not a case
//! (issue 16 item 4, schema 26): a call's applications, its published
//! rankings (anonymised), its reimbursement file, the access log's oldest
//! rows. It names the call by its title only, and what was removed by kind
//! and count, never the data.
//!
//! The service builds the model from the stored verbale; rendering only
//! lays it out (no clock, no database).

use chrono::NaiveDate;

use super::erasure::{layout_verbale, VerbaleText};
use super::fonts::check_printable;
use super::layout::Document;
use super::office;
use crate::domain::Office;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordErasureVerbale {
    pub office: Office,
    pub comune_name: Option<String>,
    /// `true`: anonymisation (a ranking); `false`: erasure.
    pub anonymised: bool,
    /// "domanda a un avviso", "graduatoria pubblicata" …
    pub kind: String,
    /// The call's title, or "registro degli accessi".
    pub subject: String,
    /// The access log's oldest rows (the closing note speaks of the anchor).
    pub access_log: bool,
    /// "Tempi di conservazione … (conservazione-2018, versione 1)".
    pub schedule: String,
    /// The entry and its act: "fascicolo_chiuso_anni — 10 anni — Piano di …".
    pub entry: String,
    pub closed_on: NaiveDate,
    pub kept_until: NaiveDate,
    pub decided_on: NaiveDate,
    /// "15/01/2037 10:31" (local time).
    pub at: String,
    /// Who decided.
    pub by: String,
    /// (kind of record in Italian, how many removed).
    pub counts: Vec<(String, u64)>,
    /// What the backups still hold, in words.
    pub backups: String,
    /// The day of the print and who prints it.
    pub issued_on: NaiveDate,
    pub operator: String,
}

impl RecordErasureVerbale {
    pub fn title(&self) -> String {
        let what = if self.anonymised { "anonimizzazione" } else { "cancellazione" };
        format!("Verbale di {what} — {}", self.kind)
    }

    pub fn check(&self) -> Result<()> {
        office::check(&self.office, "office")?;
        if self.by.trim().is_empty() || self.operator.trim().is_empty() {
            return Err(Error::invalid("operator", "manca l'operatore"));
        }
        for (field, text) in [
            ("kind", &self.kind),
            ("subject", &self.subject),
            ("schedule", &self.schedule),
            ("entry", &self.entry),
            ("by", &self.by),
            ("backups", &self.backups),
            ("operator", &self.operator),
        ] {
            check_printable(field, text)?;
        }
        for (i, (what, _)) in self.counts.iter().enumerate() {
            check_printable(&format!("counts[{i}]"), what)?;
        }
        Ok(())
    }
}

pub fn document(v: &RecordErasureVerbale) -> Document {
    layout_verbale(&VerbaleText {
        office: &v.office,
        comune_name: v.comune_name.as_deref(),
        title: v.title(),
        subject: Some(&v.subject),
        by: &v.by,
        at: &v.at,
        schedule: &v.schedule,
        entry: &v.entry,
        start_label: "Il tempo di conservazione decorre dal",
        closed_on: v.closed_on,
        kept_until: v.kept_until,
        decided_on: v.decided_on,
        intro: if v.anonymised {
            "Della graduatoria restano le posizioni, i numeri di protocollo, i punteggi e gli importi delle \
             versioni pubblicate, senza nomi né codici fiscali; è stato cancellato ciò che collegava una \
             posizione a una persona:"
        } else {
            "Sono stati cancellati:"
        },
        counts: &v.counts,
        scope: if v.access_log {
            "Le righe più vecchie del registro degli accessi sono state cancellate dal database (con \
             sovrascrittura delle pagine liberate e ricostruzione del file) e dal suo registro delle \
             modifiche (WAL). Al loro posto resta un'ancora datata (impronta dell'ultima riga cancellata, \
             numero delle righe, chi e quando), confermata da una riga del registro stesso: la verifica \
             della catena riparte da lì. Questo verbale raggiunge i portatili alla prossima sincronizzazione."
        } else {
            "La cancellazione ha riguardato il database (con sovrascrittura delle pagine liberate e \
             ricostruzione del file), il suo registro delle modifiche (WAL) e le copie dei dati in attesa \
             di sincronizzazione. Questi dati restano solo nel database dell'ufficio: nessun portatile \
             iscritto li riceve; questo verbale li raggiunge alla prossima sincronizzazione."
        },
        backups: &v.backups,
        issued_on: v.issued_on,
        operator: &v.operator,
    })
}

pub fn render(v: &RecordErasureVerbale) -> Result<Vec<u8>> {
    v.check()?;
    document(v).render()
}
