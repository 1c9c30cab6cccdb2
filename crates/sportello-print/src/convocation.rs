//! The convocation letter ("convocazione", domain.md: the first step of the path
//! of a household): the office calls the household to an appointment, says whom
//! to ask for and what to bring.

use chrono::{NaiveDate, NaiveTime};

use super::layout::{Align, Block, Document, Paragraph, Span};
use super::office::{self, long_date};
use crate::dates;
use crate::domain::Office;
use crate::error::{Error, Result};

/// Default reason for the appointment: the interview of the analisi preliminare
/// (the service always gives the purpose the operator chose).
pub const DEFAULT_PURPOSE: &str = crate::domain::document::PURPOSE_ANALISI_PRELIMINARE;

/// Everything the letter prints. Built by the service from the household and
/// the operator's form; checked with [`Convocation::check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Convocation {
    pub office: Office,
    /// "Milano": heading "Comune di Milano" and the place of the date line.
    pub comune_name: Option<String>,
    pub case_number: String,
    /// Date of the letter.
    pub issued_on: NaiveDate,
    /// The richiedente, by name.
    pub recipient_name: String,
    /// Postal address, one line per `\n`.
    pub recipient_address: String,
    pub date: NaiveDate,
    pub time: NaiveTime,
    /// Where: office, floor, room.
    pub place: String,
    /// Whom to ask for at the desk.
    pub ask_for: String,
    /// What to bring: documento d'identità, codice fiscale, attestazione ISEE …
    pub bring: Vec<String>,
    /// Why they are called; None: [`DEFAULT_PURPOSE`].
    pub purpose: Option<String>,
    pub notes: Option<String>,
    /// The operator who signs the letter.
    pub operator: String,
}

/// What a household is usually asked to bring (the form's starting list).
pub fn default_bring() -> Vec<String> {
    [
        "documento d'identità in corso di validità di ciascun componente maggiorenne",
        "codice fiscale (tessera sanitaria) di tutti i componenti del nucleo",
        "attestazione ISEE in corso di validità",
        "eventuale documentazione su lavoro, salute e percorso scolastico dei componenti",
    ]
    .map(String::from)
    .to_vec()
}

impl Convocation {
    /// Refuses a letter that could not be acted on: no recipient, no place, no
    /// one to ask for, or an appointment before the letter's own date.
    pub fn check(&self) -> Result<()> {
        office::check(&self.office, "office")?;
        let blank = |v: &str, field: &str, what: &str| {
            if v.trim().is_empty() {
                Err(Error::invalid(field, format!("manca {what}")))
            } else {
                Ok(())
            }
        };
        blank(&self.recipient_name, "recipient_name", "il nome del destinatario")?;
        blank(&self.recipient_address, "recipient_address", "l'indirizzo del destinatario")?;
        blank(&self.place, "place", "il luogo dell'appuntamento")?;
        blank(&self.ask_for, "ask_for", "la persona da chiedere all'arrivo")?;
        blank(&self.operator, "operator", "l'operatore che firma la lettera")?;
        blank(&self.case_number, "case_number", "il numero di pratica")?;
        if self.date < self.issued_on {
            return Err(Error::invalid(
                "date",
                format!(
                    "l'appuntamento ({}) è precedente alla data della lettera ({})",
                    dates::format_it(self.date),
                    dates::format_it(self.issued_on)
                ),
            ));
        }
        if let Some(i) = self.bring.iter().position(|b| b.trim().is_empty()) {
            return Err(Error::invalid(
                format!("bring[{i}]"),
                format!("la voce n. {} dell'elenco è vuota", i + 1),
            ));
        }
        Ok(())
    }
}

/// The letter as a layout document (what [`render`] prints).
pub fn document(c: &Convocation) -> Document {
    let mut doc = Document::new(format!("Convocazione — pratica {}", c.case_number));
    doc.footer = format!("Convocazione — pratica n. {}", c.case_number);
    doc.subject =
        format!("Appuntamento del {} alle ore {}", dates::format_it(c.date), c.time.format("%H:%M"));
    doc.date = Some(c.issued_on);

    office::heading(&mut doc, &c.office, c.comune_name.as_deref());
    let place_date = match &c.comune_name {
        Some(n) => format!("{n}, {}", dates::format_it(c.issued_on)),
        None => dates::format_it(c.issued_on),
    };
    doc.paragraph(Paragraph::text(place_date).align(Align::Right).space_before(10.0));
    doc.paragraph(
        Paragraph::text(format!("Pratica n. {}", c.case_number)).align(Align::Right).space_before(1.0),
    );

    // The recipient's block sits on the right half, where a window envelope shows it.
    let indent = doc.text_width() * 0.52;
    doc.paragraph(Paragraph::text("Gentile").indent(indent).space_before(16.0));
    doc.paragraph(Paragraph::new(vec![Span::bold(c.recipient_name.trim())]).indent(indent).space_before(1.0));
    for line in c.recipient_address.lines().map(str::trim).filter(|l| !l.is_empty()) {
        doc.paragraph(Paragraph::text(line).indent(indent).space_before(1.0));
    }

    doc.paragraph(
        Paragraph::new(vec![
            Span::bold("Oggetto: "),
            Span::regular(format!("convocazione presso il servizio sociale — pratica n. {}", c.case_number)),
        ])
        .space_before(22.0),
    );
    doc.paragraph(Paragraph::text(format!("Gentile {},", c.recipient_name.trim())).space_before(14.0));
    let purpose = c.purpose.as_deref().map(str::trim).filter(|p| !p.is_empty()).unwrap_or(DEFAULT_PURPOSE);
    doc.paragraph(
        Paragraph::new(vec![
            Span::regular("con la presente La invitiamo a presentarsi, con i componenti maggiorenni del Suo nucleo familiare, "),
            Span::bold(format!("{} alle ore {}", long_date(c.date), c.time.format("%H:%M"))),
            Span::regular(" presso "),
            Span::bold(c.place.trim()),
            Span::regular(format!(", per {purpose}.")),
        ])
        .space_before(6.0),
    );
    doc.paragraph(
        Paragraph::new(vec![
            Span::regular("Al Suo arrivo chieda di "),
            Span::bold(c.ask_for.trim()),
            Span::regular("."),
        ])
        .space_before(6.0),
    );
    if !c.bring.is_empty() {
        doc.paragraph(Paragraph::text("La preghiamo di portare con sé:").space_before(6.0).keep_with_next());
        doc.bullets(&c.bring.iter().map(|b| b.trim()).collect::<Vec<_>>());
    }
    if let Some(notes) = c.notes.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        doc.paragraph(Paragraph::text(notes).space_before(6.0));
    }
    let contacts: Vec<String> = [
        (!c.office.phone.is_empty()).then(|| format!("telefonando al numero {}", c.office.phone)),
        (!c.office.email.is_empty()).then(|| format!("scrivendo a {}", c.office.email)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let warn = if contacts.is_empty() {
        "Se non potesse presentarsi nel giorno indicato, La preghiamo di avvisare l'ufficio per concordare un nuovo \
         appuntamento."
            .to_string()
    } else {
        format!(
            "Se non potesse presentarsi nel giorno indicato, La preghiamo di avvisare l'ufficio {} per concordare un \
             nuovo appuntamento.",
            contacts.join(" o ")
        )
    };
    doc.paragraph(Paragraph::text(warn).space_before(6.0));
    doc.paragraph(Paragraph::text("Cordiali saluti.").space_before(10.0));

    doc.paragraph(
        Paragraph::text("L'operatore di riferimento").indent(indent).space_before(18.0).keep_with_next(),
    );
    doc.paragraph(
        Paragraph::new(vec![Span::bold(c.operator.trim())]).indent(indent).space_before(1.0).keep_with_next(),
    );
    // The office under the signature, without the Comune the heading names
    // (it was printed twice: "Comune di Milano" at the top and again here).
    let office_name = office::name_under_heading(&c.office, c.comune_name.as_deref());
    if !office_name.is_empty() {
        doc.paragraph(Paragraph::text(office_name).size(9.0).indent(indent).space_before(1.0));
    }

    // "trattati dal Comune di …": the preposition joins the article.
    let titolare = match &c.comune_name {
        Some(n) => format!("dal Comune di {n}"),
        None => "dal Comune".to_string(),
    };
    doc.push(Block::Space(18.0));
    doc.push(Block::Rule);
    doc.paragraph(
        Paragraph::new(vec![
            Span::bold("Informativa sul trattamento dei dati personali. "),
            Span::regular(format!(
                "I dati personali Suoi e del Suo nucleo familiare sono trattati {titolare}, titolare del \
                 trattamento, solo per le finalità di servizio sociale connesse alla Sua pratica, nel rispetto del \
                 Regolamento (UE) 2016/679 e del d.lgs. 196/2003; non sono diffusi e sono comunicati solo agli enti \
                 che ne hanno titolo per legge. Può esercitare i diritti previsti dagli artt. 15-22 del Regolamento \
                 rivolgendosi all'ufficio; l'informativa completa è disponibile presso lo sportello."
            )),
        ])
        .size(8.0)
        .space_before(2.0),
    );
    doc
}

/// The letter as PDF bytes.
pub fn render(c: &Convocation) -> Result<Vec<u8>> {
    c.check()?;
    document(c).render()
}
