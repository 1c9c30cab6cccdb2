//! "Registro degli accessi al fascicolo": the access history of one case, as
//! the coordinator files it among the case's documents or hands it to whoever
//! asks who looked at a family's file (the family itself, the DPO, the
//! Garante). One row per audit entry, oldest first, with date and time, the
//! operator (name, account and role), what they did (with what the row says
//! besides: the reason of an annulment) and on which record.
//!
//! The service builds the model from the audit log (times already in local
//! time); rendering only lays it out (no clock, no database).

use chrono::NaiveDate;

use super::fonts::check_printable;
use super::layout::{Align, Block, Column, Document, Paragraph, Row, Signature, Span, Table};
use super::office;
use crate::dates;
use crate::domain::Office;
use crate::error::{Error, Result};

pub const TITLE: &str = "Registro degli accessi al fascicolo";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLog {
    pub office: Office,
    pub comune_name: Option<String>,
    pub case_number: String,
    /// "Cognome Nome" of the richiedente.
    pub household_name: String,
    /// The day of the export.
    pub issued_on: NaiveDate,
    pub rows: Vec<AccessLogRow>,
    /// The coordinator who exports it.
    pub operator: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLogRow {
    /// "20/11/2026 10:31" (local time).
    pub when: String,
    /// "Anna Verdi (averdi)".
    pub operator: String,
    /// "coordinatore".
    pub role: String,
    /// The action's Italian label ("consultazione di un nucleo"), with
    /// "— RIFIUTATO" for a refused attempt.
    pub action: String,
    /// "nucleo", "progetto", "documento «Convocazione per il …»".
    pub record: String,
    /// What the row says besides its action, printed under it: the reason of
    /// an annulment ("firma di … del … annullata: motivo"), a signature
    /// recorded after the deadline.
    pub detail: Option<String>,
}

impl AccessLog {
    pub fn title(&self) -> String {
        format!("{TITLE} {}", self.case_number)
    }

    /// Refuses a register that could not be read in full: text the font cannot
    /// print would come out as blanks, and a register with gaps is worse than
    /// none.
    pub fn check(&self) -> Result<()> {
        office::check(&self.office, "office")?;
        if self.operator.trim().is_empty() {
            return Err(Error::invalid("operator", "manca l'operatore che esporta il registro"));
        }
        check_printable("case_number", &self.case_number)?;
        check_printable("household_name", &self.household_name)?;
        check_printable("operator", &self.operator)?;
        for (i, r) in self.rows.iter().enumerate() {
            check_printable(&format!("rows[{i}].operator"), &r.operator)?;
            check_printable(&format!("rows[{i}].record"), &r.record)?;
            if let Some(d) = &r.detail {
                check_printable(&format!("rows[{i}].detail"), d)?;
            }
        }
        Ok(())
    }
}

pub fn document(l: &AccessLog) -> Document {
    let mut doc = Document::new(l.title());
    doc.footer = l.title();
    doc.subject = format!("Accessi al fascicolo {} al {}", l.case_number, dates::format_it(l.issued_on));
    doc.date = Some(l.issued_on);

    office::heading(&mut doc, &l.office, l.comune_name.as_deref());
    doc.heading(1, l.title());
    let mut intro = vec![Span::regular("Nucleo di "), Span::bold(&l.household_name)];
    intro.push(Span::regular(format!(
        " — {} registrazioni, dalla più vecchia alla più recente, estratte il {}.",
        l.rows.len(),
        dates::format_it(l.issued_on)
    )));
    doc.paragraph(Paragraph::new(intro).align(Align::Center).space_before(4.0));
    if l.rows.is_empty() {
        doc.paragraph(Paragraph::text("Nessun accesso registrato.").space_before(8.0));
    } else {
        doc.push(Block::Table(Table {
            columns: vec![
                Column::new("Data e ora", 2.1, Align::Left),
                Column::new("Operatore", 2.4, Align::Left),
                Column::new("Ruolo", 1.8, Align::Left),
                Column::new("Azione", 3.0, Align::Left),
                Column::new("Dato", 1.9, Align::Left),
            ],
            rows: l
                .rows
                .iter()
                .map(|r| {
                    Row::Cells(vec![
                        r.when.clone(),
                        r.operator.clone(),
                        r.role.clone(),
                        match &r.detail {
                            Some(d) => format!("{}\n{d}", r.action),
                            None => r.action.clone(),
                        },
                        r.record.clone(),
                    ])
                })
                .collect(),
            size: 8.5,
        }));
    }
    doc.paragraph(
        Paragraph::text(
            "Il registro degli accessi è a sola aggiunta e concatenato da impronte crittografiche: \
             ogni alterazione è rilevata dalla verifica (sportello audit verify). Sono riportati anche \
             i tentativi di accesso rifiutati perché il fascicolo è assegnato a un'altra équipe.",
        )
        .size(8.0)
        .space_before(6.0),
    );
    let place_date = match &l.comune_name {
        Some(n) => format!("{n}, {}", dates::format_it(l.issued_on)),
        None => dates::format_it(l.issued_on),
    };
    doc.push(Block::Signature(Signature {
        label: vec![Span::regular(format!("{place_date} — estratto da: ")), Span::bold(l.operator.trim())],
    }));
    doc
}

pub fn render(l: &AccessLog) -> Result<Vec<u8>> {
    l.check()?;
    document(l).render()
}
