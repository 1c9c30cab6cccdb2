//! The informativa sul trattamento dei dati personali (Regolamento UE
//! 2016/679, artt. 13-14), as the office's administrator wrote it: printed on
//! its own at the presa in carico (with a receipt for each adult member to
//! sign), and appended to the patto and to the convocation letter.
//!
//! Rendering only: the text was checked when saved
//! ([`crate::domain::informativa::InformativaText::new`], and [`check`] here
//! for the font).

use chrono::NaiveDate;

use super::fonts::check_printable;
use super::layout::{Block, Document, Paragraph, Signature, Span};
use super::office;
use crate::dates;
use crate::domain::informativa::{body_blocks, BodyBlock, InformativaText};
use crate::domain::Office;
use crate::error::Result;

pub const TITLE: &str = "Informativa sul trattamento dei dati personali";
pub const SUBTITLE: &str = "ai sensi degli artt. 13 e 14 del Regolamento (UE) 2016/679";

/// A version of the text, as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    pub text: InformativaText,
    pub version: u32,
    /// The day the version was saved.
    pub saved_on: NaiveDate,
}

/// The informativa on its own, for a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Informativa {
    pub office: Office,
    pub comune_name: Option<String>,
    pub case_number: String,
    pub issued_on: NaiveDate,
    pub printed: Printed,
    /// "Nome Cognome" of each adult member: a receipt line each.
    pub adults: Vec<String>,
    pub operator: String,
}

/// Refuses a text the embedded font cannot print, naming the part
/// (`controller`, `dpo`, `body`).
pub fn check(t: &InformativaText) -> Result<()> {
    check_printable("controller", &t.controller)?;
    check_printable("dpo", &t.dpo)?;
    check_printable("body", &t.body)
}

/// The informativa's own blocks: title, the titolare and the DPO, the body,
/// the version. What [`append`] adds after a page break, and what
/// [`document`] prints under the office's heading.
fn text_blocks(doc: &mut Document, p: &Printed) {
    doc.heading(1, TITLE);
    doc.paragraph(Paragraph::text(SUBTITLE).align(super::layout::Align::Center).size(9.5).space_before(2.0));
    doc.heading(3, "Titolare del trattamento");
    for line in p.text.controller.lines().filter(|l| !l.trim().is_empty()) {
        doc.paragraph(Paragraph::text(line.trim()).space_before(1.0));
    }
    doc.heading(3, "Responsabile della protezione dei dati (RPD/DPO)");
    for line in p.text.dpo.lines().filter(|l| !l.trim().is_empty()) {
        doc.paragraph(Paragraph::text(line.trim()).space_before(1.0));
    }
    for block in body_blocks(&p.text.body) {
        match block {
            BodyBlock::Heading(h) => {
                doc.heading(3, h);
            }
            BodyBlock::Paragraph(t) => {
                doc.paragraph(Paragraph::text(t).space_before(4.0));
            }
            BodyBlock::Item(i) => {
                doc.paragraph(Paragraph::text(i).indent(14.0).marker("•").space_before(2.0));
            }
        }
    }
    doc.paragraph(
        Paragraph::text(format!("Informativa, versione {} del {}.", p.version, dates::format_it(p.saved_on)))
            .size(8.5)
            .space_before(10.0),
    );
}

/// Appends the informativa to another document of the case (the patto, the
/// convocation), from a new page.
pub fn append(doc: &mut Document, p: &Printed) {
    doc.push(Block::PageBreak);
    text_blocks(doc, p);
}

/// The informativa on its own, with the receipt of each adult member.
pub fn document(i: &Informativa) -> Document {
    let mut doc = Document::new(format!("{TITLE} — pratica {}", i.case_number));
    doc.footer =
        format!("Informativa privacy (versione {}) — pratica n. {}", i.printed.version, i.case_number);
    doc.subject = SUBTITLE.to_string();
    doc.date = Some(i.issued_on);
    office::heading(&mut doc, &i.office, i.comune_name.as_deref());
    text_blocks(&mut doc, &i.printed);

    doc.heading(2, "Dichiarazione di ricevuta");
    doc.paragraph(
        Paragraph::text(format!(
            "I sottoscritti dichiarano di aver ricevuto l'informativa sul trattamento dei dati personali (versione {}) \
             relativa alla pratica n. {}.",
            i.printed.version, i.case_number
        ))
        .space_before(4.0),
    );
    let place_date = match &i.comune_name {
        Some(n) => format!("{n}, {}", dates::format_it(i.issued_on)),
        None => dates::format_it(i.issued_on),
    };
    doc.paragraph(Paragraph::text(place_date).space_before(6.0));
    for a in &i.adults {
        doc.push(Block::Signature(Signature { label: vec![Span::bold(a.as_str())] }));
    }
    doc.push(Block::Signature(Signature {
        label: vec![Span::regular("Per il Servizio sociale, l'operatore: "), Span::bold(&i.operator)],
    }));
    doc
}

/// The informativa as PDF bytes.
pub fn render(i: &Informativa) -> Result<Vec<u8>> {
    office::check(&i.office, "office")?;
    check(&i.printed.text)?;
    for (n, a) in i.adults.iter().enumerate() {
        check_printable(&format!("adults[{n}]"), a)?;
    }
    document(i).render()
}
