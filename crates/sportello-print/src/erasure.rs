//! "Verbale di cancellazione / anonimizzazione di un fascicolo" (issue 16
//! item 4): what the coordinatore decided for a case past its retention
//! term, for the office's files and the DPO. It names the case by its
//! number only, and what was removed by kind and count, never the data.
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
pub struct ErasureVerbale {
    pub office: Office,
    pub comune_name: Option<String>,
    /// `true`: anonymisation (statistics kept); `false`: erasure.
    pub anonymised: bool,
    pub case_number: String,
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

impl ErasureVerbale {
    pub fn title(&self) -> String {
        let what = if self.anonymised { "anonimizzazione" } else { "cancellazione" };
        format!("Verbale di {what} del fascicolo {}", self.case_number)
    }

    pub fn check(&self) -> Result<()> {
        office::check(&self.office, "office")?;
        if self.by.trim().is_empty() || self.operator.trim().is_empty() {
            return Err(Error::invalid("operator", "manca l'operatore"));
        }
        for (field, text) in [
            ("case_number", &self.case_number),
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

pub fn document(v: &ErasureVerbale) -> Document {
    layout_verbale(&VerbaleText {
        office: &v.office,
        comune_name: v.comune_name.as_deref(),
        title: v.title(),
        subject: None,
        by: &v.by,
        at: &v.at,
        schedule: &v.schedule,
        entry: &v.entry,
        start_label: "Ultima attività del fascicolo",
        closed_on: v.closed_on,
        kept_until: v.kept_until,
        decided_on: v.decided_on,
        intro: if v.anonymised {
            "Del fascicolo restano solo dati statistici non identificativi (sesso, fascia dell'anno di nascita, \
             comune, numero dei componenti, fascia ISEE), sommati a quelli degli altri fascicoli anonimizzati \
             nello stesso anno e non collegati a questo verbale. Tutti gli altri dati sono stati cancellati:"
        } else {
            "Tutti i dati del fascicolo sono stati cancellati:"
        },
        counts: &v.counts,
        scope:
            "La cancellazione ha riguardato il database (con sovrascrittura delle pagine liberate), il suo \
             registro delle modifiche (WAL), le copie dei dati in attesa di sincronizzazione e i conflitti; \
             raggiunge i portatili iscritti alla loro prossima sincronizzazione. Il registro degli accessi, \
             a sola aggiunta, conserva soltanto identificativi, che non identificano più nessuno.",
        backups: &v.backups,
        issued_on: v.issued_on,
        operator: &v.operator,
    })
}

/// What a verbale says, whatever was erased (a case, a call's records, the
/// access log's oldest rows): the one layout of both kinds of verbale.
pub(crate) struct VerbaleText<'a> {
    pub office: &'a Office,
    pub comune_name: Option<&'a str>,
    pub title: String,
    /// What was erased, when the title does not say it («Dati: …»).
    pub subject: Option<&'a str>,
    pub by: &'a str,
    pub at: &'a str,
    pub schedule: &'a str,
    pub entry: &'a str,
    /// The label of the day the term started from.
    pub start_label: &'a str,
    pub closed_on: NaiveDate,
    pub kept_until: NaiveDate,
    pub decided_on: NaiveDate,
    /// The sentence before the table of what was removed.
    pub intro: &'a str,
    pub counts: &'a [(String, u64)],
    /// Where the erasure reached (database, WAL, devices), in small print.
    pub scope: &'a str,
    pub backups: &'a str,
    pub issued_on: NaiveDate,
    pub operator: &'a str,
}

pub(crate) fn layout_verbale(v: &VerbaleText<'_>) -> Document {
    let mut doc = Document::new(v.title.clone());
    doc.footer = v.title.clone();
    doc.subject = v.title.clone();
    doc.date = Some(v.issued_on);
    office::heading(&mut doc, v.office, v.comune_name);
    doc.heading(1, v.title.clone());
    let line = |label: &str, value: String| {
        Paragraph::new(vec![Span::regular(format!("{label}: ")), Span::bold(value)]).space_before(3.0)
    };
    if let Some(subject) = v.subject {
        doc.paragraph(line("Dati", subject.to_string()));
    }
    doc.paragraph(line("Disposta da", format!("{} il {}", v.by, v.at)));
    doc.paragraph(line("Tempi di conservazione applicati", v.schedule.to_string()));
    doc.paragraph(line("Voce", v.entry.to_string()));
    doc.paragraph(line(
        v.start_label,
        format!(
            "{}; da conservare fino al {}; decisione del {}",
            dates::format_it(v.closed_on),
            dates::format_it(v.kept_until),
            dates::format_it(v.decided_on)
        ),
    ));
    doc.paragraph(Paragraph::text(v.intro).space_before(8.0));
    doc.push(Block::Table(Table {
        columns: vec![
            Column::new("Dati cancellati", 4.0, Align::Left),
            Column::new("Quantità", 1.0, Align::Right),
        ],
        rows: v.counts.iter().map(|(what, n)| Row::Cells(vec![what.clone(), n.to_string()])).collect(),
        size: 9.0,
    }));
    doc.paragraph(Paragraph::text(v.scope).size(8.5).space_before(8.0));
    doc.paragraph(line("Copie di sicurezza", v.backups.to_string()));
    let place_date = match v.comune_name {
        Some(n) => format!("{n}, {}", dates::format_it(v.issued_on)),
        None => dates::format_it(v.issued_on),
    };
    doc.push(Block::Signature(Signature {
        label: vec![Span::regular(format!("{place_date} — stampato da: ")), Span::bold(v.operator.trim())],
    }));
    doc
}

pub fn render(v: &ErasureVerbale) -> Result<Vec<u8>> {
    v.check()?;
    document(v).render()
}
