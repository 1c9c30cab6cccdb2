//! "Esito verifica requisiti": one page that tells the family, and keeps in the
//! case file, which of the Comune's income-support measures (misure 1-7,
//! rules.md §3) the household meets on a reference date, why not where it does
//! not, and under which rule sets and acts the answer was given.
//!
//! Built by the service from a stored eligibility check; the model is already
//! decided, so rendering only lays it out (no rules, no clock, no files).

use chrono::NaiveDate;

use super::fonts::check_printable;
use super::layout::{Align, Block, Column, Document, Paragraph, Row, Signature, Span, Table};
use super::office;
use crate::dates;
use crate::domain::Office;
use crate::error::{Error, Result};

pub const TITLE: &str = "Esito verifica requisiti";

/// Everything the page prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Esito {
    pub office: Office,
    /// "Milano", for the heading "Comune di Milano".
    pub comune_name: Option<String>,
    pub case_number: String,
    /// Date of the document (the day of the check).
    pub issued_on: NaiveDate,
    /// The day the requirements are checked on.
    pub reference_date: NaiveDate,
    pub members: Vec<EsitoMember>,
    pub measures: Vec<EsitoMeasure>,
    pub rule_sets: Vec<EsitoRuleSet>,
    /// What the office should know about the data used (a member not yet born on
    /// the reference date, a missing residence date…).
    pub notes: Vec<String>,
    /// The operator who made the check.
    pub operator: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsitoMember {
    /// "Nome Cognome".
    pub name: String,
    pub codice_fiscale: String,
    pub birth_date: NaiveDate,
    /// The birthplace by name, "Milano (MI)", "Marocco" (`None`: not known).
    pub birthplace: Option<String>,
    /// "richiedente", "figlio/a"…
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsitoMeasure {
    /// "Misura 1 — nuclei familiari con minori a carico".
    pub title: String,
    pub eligible: bool,
    /// Italian, with the values compared; empty when eligible.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsitoRuleSet {
    pub id: String,
    pub version: u32,
    pub title: String,
    /// Titles of the acts the rule set's values come from.
    pub acts: Vec<String>,
}

impl Esito {
    /// Refuses a page that could not stand in the case file: no measures, no
    /// operator, a text the font cannot print.
    pub fn check(&self) -> Result<()> {
        office::check(&self.office, "office")?;
        if self.measures.is_empty() {
            return Err(Error::invalid("measures", "nessuna misura da riportare nell'esito"));
        }
        if self.members.is_empty() {
            return Err(Error::invalid("members", "il nucleo non ha componenti"));
        }
        if self.operator.trim().is_empty() {
            return Err(Error::invalid("operator", "manca l'operatore che ha eseguito la verifica"));
        }
        check_printable("case_number", &self.case_number)?;
        for (i, m) in self.members.iter().enumerate() {
            check_printable(&format!("members[{i}].name"), &m.name)?;
        }
        for (i, m) in self.measures.iter().enumerate() {
            for (j, r) in m.reasons.iter().enumerate() {
                check_printable(&format!("measures[{i}].reasons[{j}]"), r)?;
            }
        }
        check_printable("operator", &self.operator)?;
        Ok(())
    }
}

/// The page as a layout document.
pub fn document(e: &Esito) -> Document {
    let mut doc = Document::new(format!("{TITLE} — pratica {}", e.case_number));
    doc.footer = format!("{TITLE} — pratica n. {}", e.case_number);
    doc.subject = format!("Requisiti delle misure di sostegno al {}", dates::format_it(e.reference_date));
    doc.date = Some(e.issued_on);

    office::heading(&mut doc, &e.office, e.comune_name.as_deref());
    doc.heading(1, TITLE);
    office::case_line(&mut doc, &e.case_number, "requisiti verificati alla data del", e.reference_date);

    section(&mut doc, "Nucleo familiare");
    doc.push(Block::Table(Table {
        columns: vec![
            Column::new("Nome e cognome", 2.8, Align::Left),
            Column::new("Codice fiscale", 2.5, Align::Left),
            Column::new("Data e luogo di nascita", 3.0, Align::Left),
            Column::new("Ruolo", 1.6, Align::Left),
        ],
        rows: e
            .members
            .iter()
            .map(|m| {
                Row::Cells(vec![
                    m.name.clone(),
                    m.codice_fiscale.clone(),
                    office::birth(m.birth_date, m.birthplace.as_deref()),
                    m.role.clone(),
                ])
            })
            .collect(),
        size: 9.0,
    }));

    section(&mut doc, "Misure di sostegno al reddito");
    for (i, m) in e.measures.iter().enumerate() {
        let verdict = if m.eligible { "SPETTA" } else { "NON SPETTA" };
        doc.paragraph(
            Paragraph::new(vec![Span::regular(format!("{}: ", m.title)), Span::bold(verdict)])
                .size(9.5)
                .space_before(if i == 0 { 2.0 } else { 4.0 })
                .keep_with_next(),
        );
        for r in &m.reasons {
            doc.paragraph(Paragraph::text(r).size(8.5).indent(14.0).marker("–").space_before(1.0));
        }
    }

    if !e.notes.is_empty() {
        section(&mut doc, "Dati considerati");
        for n in &e.notes {
            doc.paragraph(Paragraph::text(n).size(8.5).indent(14.0).marker("•").space_before(1.0));
        }
    }

    // The rule sets by their titles and acts: the family reads this page, so
    // no file id (`milano-sostegno-reddito-2019`) is printed.
    section(&mut doc, "Regole applicate");
    for r in &e.rule_sets {
        let mut spans = vec![Span::bold(format!("{} (versione {})", r.title, r.version))];
        if !r.acts.is_empty() {
            spans.push(Span::regular(format!(": {}", r.acts.join("; "))));
        }
        doc.paragraph(Paragraph::new(spans).size(8.5).indent(14.0).marker("•").space_before(1.0));
    }
    doc.paragraph(
        Paragraph::text(
            "L'esito riguarda i soli requisiti: la domanda si presenta secondo le modalità di ciascuna misura. \
             Contro l'esito è possibile chiedere il riesame all'ufficio, che riporta per ogni requisito il valore \
             considerato e la norma da cui deriva.",
        )
        .size(8.0)
        .space_before(4.0),
    );

    let place_date = match &e.comune_name {
        Some(n) => format!("{n}, {}", dates::format_it(e.issued_on)),
        None => dates::format_it(e.issued_on),
    };
    doc.push(Block::Signature(Signature {
        label: vec![
            Span::regular(format!("{place_date} — l'operatore che ha eseguito la verifica: ")),
            Span::bold(e.operator.trim()),
        ],
    }));
    doc
}

/// A section title, smaller than the layout's headings: the page must hold
/// seven measures with their reasons.
fn section(doc: &mut Document, title: &str) {
    doc.paragraph(Paragraph::new(vec![Span::bold(title)]).size(10.5).space_before(8.0).keep_with_next());
}

/// The page as PDF bytes.
pub fn render(e: &Esito) -> Result<Vec<u8>> {
    e.check()?;
    document(e).render()
}
