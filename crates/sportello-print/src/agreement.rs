//! The personalised project agreement ("Progetto personalizzato — Patto per
//! l'inclusione", rules.md §5, cli.md `sportello agreement`): the household signs
//! it within 20 working days of the analisi preliminare.
//!
//! Renders a [`Patto`] and nothing else: the app builds it from the stored case
//! ([`Patto::from_case`]), the command line from its file
//! ([`crate::domain::agreement::AgreementInput`]); both print here. The value
//! already carries the signing deadline and who signs, so printing never
//! touches the calendar, the clock or the signer rule; it only refuses a text
//! the embedded font cannot show, naming the field.

use super::fonts::check_printable;
use super::layout::{Align, Block, Column, Document, Paragraph, Row, Signature, Span, Table};
use super::office::{self, long_date};
use crate::dates;
use crate::domain::agreement::{FollowUp, Patto};
use crate::error::Result;

/// Refuses a patto with a text the embedded font cannot print, naming the
/// field as the input names it (`members[m3].first_name`, `commitments[0].text`).
pub fn check(p: &Patto) -> Result<()> {
    office::check(&p.office, "office")?;
    check_printable("case_number", &p.case_number)?;
    check_printable("operator", &p.operator)?;
    for m in &p.members {
        check_printable(&format!("members[{}].first_name", m.id), &m.first_name)?;
        check_printable(&format!("members[{}].last_name", m.id), &m.last_name)?;
        check_printable(&format!("members[{}].role", m.id), &m.role)?;
    }
    for (field, list) in [("objectives", &p.objectives), ("expected_results", &p.expected_results)] {
        for (i, t) in list.iter().enumerate() {
            check_printable(&format!("{field}[{i}]"), t)?;
        }
    }
    for (i, c) in p.commitments.iter().enumerate() {
        check_printable(&format!("commitments[{i}].text"), &c.text)?;
    }
    for (i, s) in p.supports.iter().enumerate() {
        check_printable(&format!("supports[{i}]"), &s.description)?;
        if let Some(provider) = &s.provider {
            check_printable(&format!("supports[{i}].provider"), provider)?;
        }
    }
    for (i, m) in p.meetings.iter().enumerate() {
        for (field, v) in [("place", &m.place), ("notes", &m.notes), ("evaluation", &m.evaluation)] {
            if let Some(v) = v {
                check_printable(&format!("meetings[{i}].{field}"), v)?;
            }
        }
    }
    let f = &p.follow_up;
    for (i, m) in f.meetings.iter().enumerate() {
        for t in m.members_present.iter().chain(&m.others).chain(&m.note) {
            check_printable(&format!("monitoring[{i}]"), t)?;
        }
        for (j, c) in m.progress.iter().enumerate() {
            for t in std::iter::once(&c.commitment).chain(&c.note) {
                check_printable(&format!("monitoring[{i}].progress[{j}]"), t)?;
            }
        }
    }
    if let Some(c) = &f.closure {
        for t in c.note.iter() {
            check_printable("closure.note", t)?;
        }
        for (i, (objective, _, note)) in c.objectives.iter().enumerate() {
            for t in std::iter::once(objective).chain(note) {
                check_printable(&format!("closure.objectives[{i}]"), t)?;
            }
        }
    }
    Ok(())
}

pub const TITLE: &str = "Progetto personalizzato — Patto per l'inclusione";

/// The agreement as a layout document (what [`render`] prints).
pub fn document(a: &Patto) -> Document {
    let mut doc = Document::new(format!("{TITLE} — pratica {}", a.case_number));
    doc.footer = format!("Progetto personalizzato — pratica n. {}", a.case_number);
    doc.subject = format!("Da sottoscrivere entro il {}", dates::format_it(a.signing_deadline));
    doc.date = Some(a.analysis_date);

    office::heading(&mut doc, &a.office, Some(&a.comune_name));
    doc.heading(1, TITLE);
    office::case_line(&mut doc, &a.case_number, "analisi preliminare del", a.analysis_date);
    doc.paragraph(
        Paragraph::text(format!(
            "Il progetto riguarda l'intero nucleo familiare ed è definito con la partecipazione diretta dei suoi \
             componenti, sulla base dell'analisi preliminare del {}. Per ogni impegno è indicato il componente che \
             lo assume e il termine entro cui realizzarlo.",
            dates::format_it(a.analysis_date)
        ))
        .space_before(12.0),
    );

    doc.heading(2, "Nucleo familiare");
    let rows = a
        .members
        .iter()
        .map(|m| {
            let role = if m.minor { format!("{} (minore)", m.role) } else { m.role.clone() };
            Row::Cells(vec![
                m.full_name(),
                m.codice_fiscale.to_string(),
                office::birth(m.birth_date, m.birthplace.as_deref()),
                role,
            ])
        })
        .collect();
    doc.push(Block::Table(Table {
        columns: vec![
            Column::new("Nome e cognome", 2.8, Align::Left),
            Column::new("Codice fiscale", 2.5, Align::Left),
            Column::new("Data e luogo di nascita", 3.0, Align::Left),
            Column::new("Ruolo", 1.6, Align::Left),
        ],
        rows,
        size: 9.0,
    }));

    doc.heading(2, "Obiettivi");
    doc.bullets(&a.objectives);

    if !a.expected_results.is_empty() {
        doc.heading(2, "Risultati attesi");
        doc.bullets(&a.expected_results);
    }

    doc.heading(2, "Impegni");
    for (i, c) in a.commitments.iter().enumerate() {
        let m = &a.members[c.member];
        let who = if m.minor { format!("{} (minore)", m.full_name()) } else { m.full_name() };
        doc.paragraph(
            Paragraph::new(vec![
                Span::bold(who),
                Span::regular(" — entro il "),
                Span::bold(dates::format_it(c.due)),
            ])
            .indent(18.0)
            .marker(format!("{}.", i + 1))
            .space_before(if i == 0 { 4.0 } else { 8.0 })
            .keep_with_next(),
        );
        doc.paragraph(Paragraph::text(&c.text).indent(18.0).space_before(1.0));
        if !c.others.is_empty() {
            let names: Vec<String> = c.others.iter().map(|&o| a.members[o].full_name()).collect();
            doc.paragraph(
                Paragraph::new(vec![
                    Span::regular("Con la partecipazione di: "),
                    Span::regular(names.join(", ")),
                ])
                .indent(18.0)
                .space_before(1.0),
            );
        }
    }

    doc.heading(2, "Sostegni e interventi del servizio");
    let supports: Vec<String> = a
        .supports
        .iter()
        .map(|s| match &s.provider {
            Some(p) => format!("{} ({p})", s.description),
            None => s.description.clone(),
        })
        .collect();
    doc.bullets(&supports);

    if !a.meetings.is_empty() {
        doc.heading(2, "Incontri di monitoraggio");
        let meetings: Vec<String> = a
            .meetings
            .iter()
            .map(|m| {
                let mut line =
                    format!("{} alle ore {} ({} minuti)", long_date(m.date), m.time, m.duration_minutes);
                if let Some(place) = &m.place {
                    line.push_str(&format!(", {place}"));
                }
                for (what, v) in [("", &m.notes), ("Valutazione: ", &m.evaluation)] {
                    if let Some(v) = v {
                        line.push_str(&format!(" — {what}{v}"));
                    }
                }
                line
            })
            .collect();
        doc.bullets(&meetings);
    }

    doc.heading(2, "Sottoscrizione");
    let deadline = dates::format_it(a.signing_deadline);
    doc.paragraph(Paragraph::new(vec![
        Span::regular(format!(
            "I componenti del nucleo sottoscrivono il progetto entro {} giorni lavorativi dalla data dell'analisi \
             preliminare ({}): ",
            a.signing_working_days,
            dates::format_it(a.analysis_date)
        )),
        Span::bold(format!("da sottoscrivere entro il {deadline}")),
        Span::regular("."),
    ]));
    doc.paragraph(Paragraph::text(
        "Gli adulti firmano per sé; per ogni componente minorenne che assume un impegno firma il genitore o tutore \
         indicato. Il mancato rispetto degli impegni senza giustificato motivo può comportare la sospensione o la \
         decadenza dal beneficio.",
    ));
    doc.heading(3, "Firme");
    for line in &a.signatures {
        let m = &a.members[line.member];
        let label = if line.for_minor() {
            vec![
                Span::regular(format!("per {}, minore: firma del genitore/tutore ", m.full_name())),
                Span::bold(a.members[line.signer].full_name()),
            ]
        } else {
            vec![Span::bold(m.full_name()), Span::regular(format!(" ({})", m.role))]
        };
        doc.push(Block::Signature(Signature { label }));
    }
    doc.push(Block::Signature(Signature {
        label: vec![
            Span::regular("Per il Servizio sociale, l'operatore di riferimento: "),
            Span::bold(&a.operator),
        ],
    }));
    follow_up(&mut doc, &a.follow_up);
    doc
}

/// After the signatures, what happened since (only what exists): the
/// monitoring meetings held with each commitment's progress, the next
/// meeting, the closure with each objective's outcome.
fn follow_up(doc: &mut Document, f: &FollowUp) {
    if f.is_empty() {
        return;
    }
    doc.heading(2, "Andamento del progetto");
    for m in &f.meetings {
        doc.heading(3, format!("Incontro di monitoraggio di {}", long_date(m.held_on)));
        let mut who = Vec::new();
        if !m.members_present.is_empty() {
            who.push(Span::regular("Presenti per il nucleo: "));
            who.push(Span::bold(m.members_present.join(", ")));
        } else {
            who.push(Span::regular("Nessun componente del nucleo presente"));
        }
        if !m.others.is_empty() {
            who.push(Span::regular(format!("; per i servizi: {}", m.others.join("; "))));
        }
        who.push(Span::regular("."));
        doc.paragraph(Paragraph::new(who).keep_with_next());
        if !m.progress.is_empty() {
            doc.push(Block::Table(Table {
                columns: vec![
                    Column::new("Impegno", 5.2, Align::Left),
                    Column::new("Andamento", 1.6, Align::Left),
                    Column::new("Nota", 3.0, Align::Left),
                ],
                rows: m
                    .progress
                    .iter()
                    .map(|c| {
                        Row::Cells(vec![
                            c.commitment.clone(),
                            c.progress.clone(),
                            c.note.clone().unwrap_or_default(),
                        ])
                    })
                    .collect(),
                size: 9.0,
            }));
        }
        if let Some(note) = &m.note {
            doc.paragraph(
                Paragraph::new(vec![Span::regular("Note: "), Span::regular(note)]).space_before(2.0),
            );
        }
    }
    if let Some(next) = f.next_meeting {
        doc.paragraph(
            Paragraph::new(vec![
                Span::regular("Prossimo incontro di monitoraggio: "),
                Span::bold(long_date(next)),
            ])
            .space_before(8.0),
        );
    }
    if let Some(c) = &f.closure {
        doc.heading(3, "Chiusura del progetto");
        let mut line = vec![
            Span::regular("Progetto concluso il "),
            Span::bold(dates::format_it(c.closed_on)),
            Span::regular(format!(": {}.", c.reason)),
        ];
        if let Some(note) = &c.note {
            line.push(Span::regular(format!(" {note}")));
        }
        doc.paragraph(Paragraph::new(line).keep_with_next());
        doc.push(Block::Table(Table {
            columns: vec![
                Column::new("Obiettivo", 5.2, Align::Left),
                Column::new("Esito", 1.8, Align::Left),
                Column::new("Nota", 2.8, Align::Left),
            ],
            rows: c
                .objectives
                .iter()
                .map(|(o, outcome, note)| {
                    Row::Cells(vec![o.clone(), outcome.clone(), note.clone().unwrap_or_default()])
                })
                .collect(),
            size: 9.0,
        }));
    }
}

/// The agreement as PDF bytes; a text the font cannot print is refused first.
pub fn render(p: &Patto) -> Result<Vec<u8>> {
    check(p)?;
    document(p).render()
}
