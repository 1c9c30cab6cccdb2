//! "Risposta alla richiesta di accesso ai dati personali" (GDPR art. 15): what
//! the office holds about one person, in plain Italian, one section per kind
//! of record, for the person to read. The service builds the model (every
//! text already in words, dates as `gg/mm/aaaa`); rendering only lays it out.

use chrono::NaiveDate;

use super::fonts::check_printable;
use super::layout::{Align, Block, Column, Document, Paragraph, Row, Signature, Span, Table};
use super::office;
use crate::dates;
use crate::domain::Office;
use crate::error::{Error, Result};

pub const TITLE: &str = "Risposta alla richiesta di accesso ai dati personali";

/// The answer: heading, the request, the sections, the person's rights.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataAccess {
    pub office: Office,
    pub comune_name: Option<String>,
    /// "Nome Cognome" and codice fiscale of the person whose data these are.
    pub person_name: String,
    pub codice_fiscale: String,
    /// "Richiesta ricevuta il 02/11/2026 di persona allo sportello, presentata dall'interessato."
    pub request: String,
    pub issued_on: NaiveDate,
    pub sections: Vec<Section>,
    /// The closing paragraphs (purposes, recipients, retention, rights).
    pub rights: Vec<String>,
    /// The coordinator who answers.
    pub operator: String,
}

/// One kind of record ("Il nucleo familiare", "Le domande ai bandi").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: String,
    /// What the section is, in a sentence; "Nessun dato." when empty.
    pub intro: String,
    /// Label → value lines.
    pub facts: Vec<(String, String)>,
    /// Tables (title, columns, rows).
    pub tables: Vec<SectionTable>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionTable {
    pub title: Option<String>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl DataAccess {
    pub fn title(&self) -> String {
        TITLE.to_string()
    }

    /// Refuses an answer that could not be read in full (a text the font
    /// cannot print would come out blank).
    pub fn check(&self) -> Result<()> {
        office::check(&self.office, "office")?;
        if self.operator.trim().is_empty() {
            return Err(Error::invalid("operator", "manca l'operatore che firma la risposta"));
        }
        check_printable("person_name", &self.person_name)?;
        check_printable("request", &self.request)?;
        for (i, s) in self.sections.iter().enumerate() {
            check_printable(&format!("sections[{i}].title"), &s.title)?;
            check_printable(&format!("sections[{i}].intro"), &s.intro)?;
            for (k, v) in &s.facts {
                check_printable(&format!("sections[{i}].facts"), k)?;
                check_printable(&format!("sections[{i}].facts"), v)?;
            }
            for t in &s.tables {
                for r in &t.rows {
                    for c in r {
                        check_printable(&format!("sections[{i}].tables"), c)?;
                    }
                }
            }
        }
        Ok(())
    }
}

pub fn document(a: &DataAccess) -> Document {
    let mut doc = Document::new(a.title());
    doc.footer = format!("{} — {}", TITLE, a.person_name);
    doc.subject = format!("Dati personali di {} al {}", a.person_name, dates::format_it(a.issued_on));
    doc.date = Some(a.issued_on);
    office::heading(&mut doc, &a.office, a.comune_name.as_deref());
    doc.heading(1, a.title());
    doc.paragraph(
        Paragraph::new(vec![
            Span::regular("Interessato: "),
            Span::bold(&a.person_name),
            Span::regular(format!(" — codice fiscale {}", a.codice_fiscale)),
        ])
        .space_before(4.0),
    );
    doc.paragraph(Paragraph::text(&a.request).space_before(2.0));
    doc.paragraph(
        Paragraph::text(format!(
            "Le pagine che seguono riportano tutti i dati personali che l'ufficio conserva su di Lei al {}, \
             divisi per argomento (art. 15 del Regolamento UE 2016/679). Gli altri componenti del Suo nucleo \
             compaiono solo per quanto riguarda anche Lei; i dati di altre persone (per esempio gli altri \
             richiedenti di una graduatoria) non sono riportati.",
            dates::format_it(a.issued_on)
        ))
        .space_before(4.0),
    );
    for s in &a.sections {
        doc.heading(2, &s.title);
        doc.paragraph(Paragraph::text(&s.intro).space_before(2.0));
        if !s.facts.is_empty() {
            doc.push(Block::Table(Table {
                columns: vec![Column::new("Dato", 1.4, Align::Left), Column::new("Valore", 3.0, Align::Left)],
                rows: s.facts.iter().map(|(k, v)| Row::Cells(vec![k.clone(), v.clone()])).collect(),
                size: 9.0,
            }));
        }
        // An empty table (no signatures yet) says nothing: left out, title and all.
        for t in s.tables.iter().filter(|t| !t.rows.is_empty()) {
            if let Some(title) = &t.title {
                doc.paragraph(Paragraph::new(vec![Span::bold(title)]).space_before(4.0).keep_with_next());
            }
            doc.push(Block::Table(Table {
                columns: t.columns.iter().map(|c| Column::new(c, 1.0, Align::Left)).collect(),
                rows: t.rows.iter().map(|r| Row::Cells(r.clone())).collect(),
                size: 8.5,
            }));
        }
    }
    doc.heading(2, "I Suoi diritti");
    for r in &a.rights {
        doc.paragraph(Paragraph::text(r).space_before(3.0));
    }
    let place_date = match &a.comune_name {
        Some(n) => format!("{n}, {}", dates::format_it(a.issued_on)),
        None => dates::format_it(a.issued_on),
    };
    doc.push(Block::Signature(Signature {
        label: vec![Span::regular(format!("{place_date} — per l'ufficio: ")), Span::bold(a.operator.trim())],
    }));
    doc
}

pub fn render(a: &DataAccess) -> Result<Vec<u8>> {
    a.check()?;
    document(a).render()
}
