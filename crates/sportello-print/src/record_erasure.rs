//! "Verbale di cancellazione / anonimizzazione" of what is not a case
//! (issue 16 item 4, schema 26): a call's applications, its published
//! rankings (anonymised), its reimbursement file, the access log's oldest
//! rows. It names the call by its title only, and what was removed by kind
//! and count, never the data.
//!
//! The service builds the model from the stored verbale; rendering only
//! lays it out (no clock, no database).

use chrono::NaiveDate;

use super::fonts::check_printable;
use super::layout::{Align, Block, Column, Document, Paragraph, Row, Signature, Span, Table};
use super::office;
use crate::dates;
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
    let mut doc = Document::new(v.title());
    doc.footer = v.title();
    doc.subject = v.title();
    doc.date = Some(v.issued_on);
    office::heading(&mut doc, &v.office, v.comune_name.as_deref());
    doc.heading(1, v.title());
    let line = |label: &str, value: String| {
        Paragraph::new(vec![Span::regular(format!("{label}: ")), Span::bold(value)]).space_before(3.0)
    };
    doc.paragraph(line("Dati", v.subject.clone()));
    doc.paragraph(line("Disposta da", format!("{} il {}", v.by, v.at)));
    doc.paragraph(line("Tempi di conservazione applicati", v.schedule.clone()));
    doc.paragraph(line("Voce", v.entry.clone()));
    doc.paragraph(line(
        "Il tempo di conservazione decorre dal",
        format!(
            "{}; da conservare fino al {}; decisione del {}",
            dates::format_it(v.closed_on),
            dates::format_it(v.kept_until),
            dates::format_it(v.decided_on)
        ),
    ));
    doc.paragraph(
        Paragraph::text(if v.anonymised {
            "Della graduatoria restano le posizioni, i numeri di protocollo, i punteggi e gli importi delle \
             versioni pubblicate, senza nomi né codici fiscali; è stato cancellato ciò che collegava una \
             posizione a una persona:"
        } else {
            "Sono stati cancellati:"
        })
        .space_before(8.0),
    );
    doc.push(Block::Table(Table {
        columns: vec![
            Column::new("Dati cancellati", 4.0, Align::Left),
            Column::new("Quantità", 1.0, Align::Right),
        ],
        rows: v.counts.iter().map(|(what, n)| Row::Cells(vec![what.clone(), n.to_string()])).collect(),
        size: 9.0,
    }));
    doc.paragraph(
        Paragraph::text(
            if v.access_log {
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
        )
        .size(8.5)
        .space_before(8.0),
    );
    doc.paragraph(line("Copie di sicurezza", v.backups.clone()));
    let place_date = match &v.comune_name {
        Some(n) => format!("{n}, {}", dates::format_it(v.issued_on)),
        None => dates::format_it(v.issued_on),
    };
    doc.push(Block::Signature(Signature {
        label: vec![Span::regular(format!("{place_date} — stampato da: ")), Span::bold(v.operator.trim())],
    }));
    doc
}

pub fn render(v: &RecordErasureVerbale) -> Result<Vec<u8>> {
    v.check()?;
    document(v).render()
}
