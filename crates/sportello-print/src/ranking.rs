//! The public ranking PDF (rules.md §4 "Publication"): protocol, position, score,
//! status and (funded only) amount. Nothing that identifies a person can reach
//! this module: its input type has no field for it.

use super::layout::{Align, Block, Column, Document, Paragraph, Row, Span, Table};
use crate::dates;
use crate::error::{Code, Error};
use crate::money::Money;
// The types are the rules' (`rules::public_ranking`): printing only renders them.
pub use crate::rules::public_ranking::{PublicRanking, PublicRow, PublicStatus};

/// Renders the public ranking as PDF bytes.
pub fn render(ranking: &PublicRanking) -> crate::Result<Vec<u8>> {
    document(ranking)?.render()
}

/// "9.250" → "9,250": the score as the file gives it, with the Italian comma.
fn score_it(score: &str) -> String {
    score.replace('.', ",")
}

/// The public ranking as a layout document (what [`render`] prints).
pub fn document(r: &PublicRanking) -> crate::Result<Document> {
    let mut doc = Document::new(format!("{} — versione {}", r.title, r.version));
    doc.footer = format!("{} — versione {} del {}", r.title, r.version, dates::format_it(r.published_on));
    doc.subject = "Graduatoria pubblica (d.lgs. 33/2013 art. 26 c. 4)".to_string();
    doc.date = Some(r.published_on);

    for (i, line) in r.office.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        let p = if i == 0 {
            Paragraph::new(vec![Span::bold(line)]).size(11.0).space_before(0.0)
        } else {
            Paragraph::text(line).size(9.0).space_before(1.0)
        };
        doc.paragraph(p);
    }
    doc.push(Block::Space(4.0));
    doc.push(Block::Rule);
    doc.heading(1, &r.title);
    doc.paragraph(Paragraph::text("Graduatoria pubblica").align(Align::Center).space_before(2.0));

    let by = |status: PublicStatus| r.rows.iter().filter(move |row| row.status == status);
    let allocated = by(PublicStatus::Funded)
        .filter_map(|row| row.amount)
        .try_fold(Money::ZERO, Money::checked_add)
        .ok_or_else(|| Error::new(Code::Internal, "somma degli importi finanziati fuori scala"))?;
    let remaining = r.budget.checked_sub(allocated);

    let fact = |label: &str, value: String| {
        Paragraph::new(vec![Span::regular(format!("{label}: ")), Span::bold(value)]).space_before(2.0)
    };
    doc.paragraph(fact("Regole applicate", r.rule_set.clone()).space_before(10.0));
    doc.paragraph(fact(
        "Pubblicazione",
        format!("{} — versione {}", dates::format_it(r.published_on), r.version),
    ));
    doc.paragraph(fact("Termine", format!("ricorsi entro il {}", dates::format_it(r.appeal_deadline))));
    let mut money = format!("{} — assegnato {}", r.budget.format_it(), allocated.format_it());
    if let Some(rest) = remaining {
        money.push_str(&format!(" — residuo {}", rest.format_it()));
    }
    doc.paragraph(fact("Stanziamento", money));
    let counts = [PublicStatus::Funded, PublicStatus::AdmittedNotFunded, PublicStatus::NotAdmitted]
        .map(|s| by(s).count());
    doc.paragraph(fact(
        "Domande",
        format!(
            "{} — ammesse e finanziate {}, ammesse non finanziate {}, non ammesse {}",
            r.rows.len(),
            counts[0],
            counts[1],
            counts[2]
        ),
    ));
    if r.version > 1 {
        doc.paragraph(Paragraph::text(format!(
            "Questa versione sostituisce la versione {} a seguito dell'esito dei ricorsi; le versioni \
             precedenti restano agli atti.",
            r.version - 1
        )));
    }
    doc.paragraph(
        Paragraph::text(
            "Ai sensi dell'art. 26, comma 4, del d.lgs. 33/2013 (e delle Linee guida del Garante per la \
             protezione dei dati personali del 15 maggio 2014) la graduatoria non riporta nomi, codici fiscali, \
             date di nascita, valori ISEE né informazioni sulla salute o sulla condizione di disabilità dei \
             richiedenti: il titolo stesso dell'elenco ne rivelerebbe la condizione. Ogni domanda è indicata dal \
             numero di protocollo comunicato al richiedente alla presentazione.",
        )
        .size(8.5)
        .space_before(8.0),
    );

    let mut rows = Vec::with_capacity(r.rows.len() + 6);
    let sections = [
        (PublicStatus::Funded, "Ammessi e finanziati"),
        (PublicStatus::AdmittedNotFunded, "Ammessi non finanziati"),
        (PublicStatus::NotAdmitted, "Non ammessi"),
    ];
    for (status, label) in sections {
        let n = by(status).count();
        rows.push(Row::Section(format!("{label} ({n})")));
        if n == 0 {
            rows.push(Row::Cells(vec![String::new(), "Nessuna domanda".to_string()]));
        }
        for row in by(status) {
            rows.push(Row::Cells(vec![
                row.position.map(|p| p.to_string()).unwrap_or_else(|| "—".to_string()),
                row.protocol.clone(),
                row.score.as_deref().map(score_it).unwrap_or_else(|| "—".to_string()),
                status.label().to_string(),
                row.amount.map(Money::format_it).unwrap_or_default(),
            ]));
        }
    }
    doc.heading(2, "Graduatoria");
    doc.push(Block::Table(Table {
        columns: vec![
            Column::new("Posizione", 1.1, Align::Right),
            Column::new("Protocollo", 2.2, Align::Left),
            Column::new("Punteggio", 1.3, Align::Right),
            Column::new("Esito", 2.5, Align::Left),
            Column::new("Importo", 1.7, Align::Right),
        ],
        rows,
        size: 9.0,
    }));
    Ok(doc)
}
