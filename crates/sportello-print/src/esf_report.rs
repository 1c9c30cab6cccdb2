//! The ESF common indicators of a programme's participants on a date (rules.md
//! §6; issue 12 item 4): CO01-CO19 at entry and CR01-CR05 at exit by sex, with
//! the unknown answers counted apart. Two copies: the funder's, aggregate
//! only (no one is named); the office's, with the list of the participants
//! counted, kept in the office.
//!
//! The service builds the model from the enrolments and `rules::esf`;
//! rendering only lays it out.

use chrono::NaiveDate;

use super::fonts::check_printable;
use super::layout::{Align, Block, Column, Document, Paragraph, Row, Signature, Span, Table};
use super::office;
use crate::dates;
use crate::domain::Office;
use crate::error::{Error, Result};
use crate::rules::esf::{self, Line, Report};

pub const TITLE: &str = "Indicatori comuni del Fondo sociale europeo";
/// The title of a 2021-2027 programme's report (Reg. UE 2021/1057).
pub const TITLE_PLUS: &str = "Indicatori comuni del Fondo sociale europeo Plus (FSE+ 2021-2027)";

/// A participant counted, for the office's copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantLine {
    pub case_number: String,
    pub name: String,
    pub interventions: String,
    pub entry: NaiveDate,
    pub exit: Option<NaiveDate>,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EsfReport {
    pub office: Office,
    pub comune_name: Option<String>,
    pub programme_title: String,
    pub fund: String,
    pub programme: String,
    pub convention: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    /// The situation on this day: entries and exits up to it.
    pub on: NaiveDate,
    pub report: Report,
    /// The office's copy: the participants counted. `None`: the funder's.
    pub participants: Option<Vec<ParticipantLine>>,
    pub issued_on: NaiveDate,
    pub operator: String,
}

impl EsfReport {
    pub fn check(&self) -> Result<()> {
        office::check(&self.office, "office")?;
        if self.operator.trim().is_empty() {
            return Err(Error::invalid("operator", "manca il funzionario che emette il rapporto"));
        }
        for (f, v) in [
            ("programme_title", &self.programme_title),
            ("fund", &self.fund),
            ("programme", &self.programme),
            ("convention", &self.convention),
            ("operator", &self.operator),
        ] {
            check_printable(f, v)?;
        }
        if let Some(list) = &self.participants {
            if list.len() != self.report.participants {
                return Err(Error::invalid(
                    "participants",
                    "l'elenco non corrisponde ai partecipanti contati",
                ));
            }
            for (i, p) in list.iter().enumerate() {
                for (f, v) in [
                    ("name", &p.name),
                    ("case_number", &p.case_number),
                    ("interventions", &p.interventions),
                    ("outcome", &p.outcome),
                ] {
                    check_printable(&format!("participants[{i}].{f}"), v)?;
                }
            }
        }
        Ok(())
    }
}

fn lines_table(lines: &[Line]) -> Block {
    Block::Table(Table {
        // 482 pt of text width.
        columns: vec![
            Column::new("Codice", 40.0, Align::Left),
            Column::new("Indicatore", 294.0, Align::Left),
            Column::new("F", 30.0, Align::Right),
            Column::new("M", 30.0, Align::Right),
            Column::new("Totale", 40.0, Align::Right),
            Column::new("Mancanti", 48.0, Align::Right),
        ],
        rows: lines
            .iter()
            .map(|l| {
                Row::Cells(vec![
                    l.code.clone(),
                    esf::description(&l.code).unwrap_or("").to_string(),
                    l.counts.f.to_string(),
                    l.counts.m.to_string(),
                    l.counts.total.to_string(),
                    l.missing.to_string(),
                ])
            })
            .collect(),
        size: 7.0,
    })
}

pub fn document(r: &EsfReport) -> Document {
    let on = dates::format_it(r.on);
    let plus = r.report.period == esf::Period::FsePlus2021;
    let title = if plus { TITLE_PLUS } else { TITLE };
    let copy = if r.participants.is_some() { "copia dell'ufficio" } else { "copia per il finanziatore" };
    let mut doc = Document::new(format!("{title} — {}", r.programme_title));
    doc.footer = format!("{title} — {} — al {on} — {copy}", r.programme_title);
    doc.subject = format!("{title} — {} — al {on}", r.programme_title);
    doc.date = Some(r.issued_on);
    office::heading(&mut doc, &r.office, r.comune_name.as_deref());
    doc.heading(1, title);
    doc.paragraph(
        Paragraph::new(vec![Span::bold(r.programme_title.trim())]).align(Align::Center).space_before(2.0),
    );
    // Short enough for the funder's copy to stay on one page.
    let mut card = vec![];
    let programme =
        [r.programme.trim(), r.fund.trim()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>();
    if !programme.is_empty() {
        card.push(("Programma", programme.join(" — ")));
    }
    if !r.convention.trim().is_empty() {
        card.push(("Convenzione", r.convention.trim().to_string()));
    }
    card.push((
        "Periodo",
        format!("dal {} al {}; situazione al {on}", dates::format_it(r.start_on), dates::format_it(r.end_on)),
    ));
    card.push((
        "Partecipanti",
        format!("{} entrati, di cui {} usciti", r.report.participants, r.report.exited),
    ));
    doc.push(Block::Table(Table {
        columns: vec![Column::new("Dato", 110.0, Align::Left), Column::new("Valore", 372.0, Align::Left)],
        rows: card.into_iter().map(|(k, v)| Row::Cells(vec![k.to_string(), v])).collect(),
        size: 8.0,
    }));
    doc.heading(2, "Indicatori di output (all'ingresso) e di risultato immediato (all'uscita)");
    let all: Vec<Line> = r.report.outputs.iter().chain(&r.report.results).cloned().collect();
    doc.push(lines_table(&all));
    let sets: Vec<String> = r.report.rule_sets.iter().map(|s| format!("{} v{}", s.id, s.version)).collect();
    doc.paragraph(
        Paragraph::text(format!(
            "{}: ogni partecipante è letto con le regole in vigore alla data del suo ingresso ({}). \
             «Mancanti»: partecipanti per cui la risposta non è nota, non contati come «no». Copia: {copy}.",
            if plus {
                "Reg. (UE) 2021/1057, Allegato I (programmazione 2021-2027)"
            } else {
                "Reg. (UE) 1304/2013, Allegato I, come modificato dal Reg. (UE, Euratom) 2018/1046 (Omnibus)"
            },
            if sets.is_empty() { "nessun partecipante".to_string() } else { sets.join(", ") }
        ))
        .size(7.5)
        .space_before(4.0),
    );
    if let Some(list) = &r.participants {
        doc.heading(2, "Partecipanti contati (riservato all'ufficio)");
        doc.push(Block::Table(Table {
            columns: vec![
                Column::new("Fascicolo", 62.0, Align::Left),
                Column::new("Partecipante", 110.0, Align::Left),
                Column::new("Interventi", 150.0, Align::Left),
                Column::new("Ingresso", 52.0, Align::Left),
                Column::new("Uscita", 52.0, Align::Left),
                Column::new("Esito", 56.0, Align::Left),
            ],
            rows: list
                .iter()
                .map(|p| {
                    Row::Cells(vec![
                        p.case_number.clone(),
                        p.name.clone(),
                        p.interventions.clone(),
                        dates::format_it(p.entry),
                        p.exit.map(dates::format_it).unwrap_or_default(),
                        p.outcome.clone(),
                    ])
                })
                .collect(),
            size: 7.5,
        }));
    }
    doc.push(Block::Signature(Signature {
        label: vec![
            Span::regular(format!(
                "{}, {} — il funzionario: ",
                r.comune_name.as_deref().unwrap_or(""),
                dates::format_it(r.issued_on)
            )),
            Span::bold(r.operator.trim()),
        ],
    }));
    doc
}

pub fn render(r: &EsfReport) -> Result<Vec<u8>> {
    r.check()?;
    document(r).render()
}
