//! The informativa (Regolamento UE 2016/679, artt. 13-14): the office's privacy
//! notice, written by the administrator in versions, and the day it was given
//! to each adult member of a case.
//!
//! A text is checked once, here ([`InformativaText::new`]), when it is saved;
//! printing and storage take the checked value. Whether a delivery may be
//! recorded is the pure rule [`check_delivery`] (dates as parameters).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dates::format_it;
use crate::domain::household::{is_adult, ADULT_AGE};
use crate::domain::Id;
use crate::error::{Error, Result};

/// The text the office starts from: a Comune's social services informativa,
/// for the administrator to adapt (`assets/informativa/informativa.txt`).
pub use crate::catalog::informativa::DEFAULT_BODY;

/// The DPO line proposed before the administrator writes the real one: empty,
/// so that the first save asks for it (art. 13(1)(b): the DPO's contacts are
/// part of the informativa).
pub const DEFAULT_DPO: &str = "";

const MAX_LINE: usize = 600;
const MAX_BODY: usize = 40_000;

string_enum!(
    /// How the informativa reached the member.
    DeliveryMode {
        AMano = "a_mano": "consegnata a mano",
        Inviata = "inviata": "inviata",
    }
);

/// The informativa as the administrator saved it: the titolare (the Comune,
/// its address and contacts), the Responsabile della protezione dei dati and
/// how to reach them, and the body (blocks separated by a blank line; a
/// block's first line, short and without final punctuation, is a heading;
/// lines that start with "- " are a list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InformativaText {
    pub controller: String,
    pub dpo: String,
    pub body: String,
}

fn tidy(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
    let mut out = lines.join("\n");
    while out.contains("\n\n\n") {
        out = out.replace("\n\n\n", "\n\n");
    }
    out.trim().to_string()
}

fn required(field: &str, value: Option<&str>, what: &str, max: usize) -> Result<String> {
    let v = tidy(value.unwrap_or_default());
    if v.is_empty() {
        return Err(Error::invalid(field, format!("Indicare {what}")));
    }
    if v.chars().count() > max {
        return Err(Error::invalid(
            field,
            format!("Testo troppo lungo per {what} (al massimo {max} caratteri)"),
        ));
    }
    if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::invalid(field, format!("Il testo per {what} contiene caratteri non stampabili")));
    }
    Ok(v)
}

impl InformativaText {
    /// Checks what the administrator typed: the three parts present, not
    /// absurdly long, line ends normalised (blank runs kept to one).
    pub fn new(controller: Option<&str>, dpo: Option<&str>, body: Option<&str>) -> Result<Self> {
        Ok(InformativaText {
            controller: required("controller", controller, "il titolare del trattamento", MAX_LINE)?,
            dpo: required(
                "dpo",
                dpo,
                "il Responsabile della protezione dei dati e i suoi recapiti",
                MAX_LINE,
            )?,
            body: required("body", body, "il testo dell'informativa", MAX_BODY)?,
        })
    }
}

/// A saved version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InformativaVersion {
    pub id: Id,
    /// 1, 2, 3 …
    pub version: u32,
    #[serde(flatten)]
    pub text: InformativaText,
    pub created_at: String,
    /// Who saved it (name).
    pub created_by: String,
}

impl InformativaVersion {
    /// The day it was saved (from its timestamp `2026-11-20T…`).
    pub fn saved_on(&self) -> Option<NaiveDate> {
        self.created_at.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    }
}

/// The informativa given to a member of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: Id,
    pub household_id: Id,
    pub member_id: Id,
    pub version_id: Id,
    pub version: u32,
    pub given_on: NaiveDate,
    pub mode: DeliveryMode,
    pub created_at: String,
    /// Who recorded it (name).
    pub created_by: String,
}

/// Whether the informativa given on `given_on` to someone born on
/// `birth_date` may be recorded on `today`, as the version saved on
/// `version_saved_on`: not in the future, to an adult on that day (a minor's
/// informativa is given to the parent or guardian, who is recorded), and not
/// before that version was written.
pub fn check_delivery(
    birth_date: NaiveDate,
    given_on: NaiveDate,
    today: NaiveDate,
    version: u32,
    version_saved_on: Option<NaiveDate>,
) -> Result<()> {
    if given_on > today {
        return Err(Error::invalid("given_on", "La data di consegna dell'informativa è nel futuro"));
    }
    if !is_adult(birth_date, given_on) {
        return Err(Error::invalid(
            "member_id",
            format!(
                "Il {} il componente non aveva ancora {ADULT_AGE} anni: l'informativa si registra per i \
                 componenti maggiorenni (per un minore la riceve chi esercita la responsabilità genitoriale)",
                format_it(given_on)
            ),
        ));
    }
    if let Some(saved) = version_saved_on.filter(|s| given_on < *s) {
        return Err(Error::invalid(
            "given_on",
            format!(
                "La versione {version} dell'informativa è del {}: non può essere stata consegnata il {}",
                format_it(saved),
                format_it(given_on)
            ),
        ));
    }
    Ok(())
}

/// The members (id, birth date) who are adults on `on` and have no
/// delivery among `given` (member ids): those the page flags.
pub fn adults_without(members: &[(Id, NaiveDate)], given: &[Id], on: NaiveDate) -> Vec<Id> {
    members
        .iter()
        .filter(|(id, birth)| is_adult(*birth, on) && !given.contains(id))
        .map(|(id, _)| *id)
        .collect()
}

/// One block of the body as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyBlock {
    Heading(String),
    Paragraph(String),
    Item(String),
}

/// The body as headings, paragraphs and list items: blocks are separated by
/// a blank line; the first line of a block, when short (100 characters at
/// most) and without final punctuation, is a heading; then lines starting
/// with "- " (or "• ") are list items and other consecutive lines one
/// paragraph.
pub fn body_blocks(body: &str) -> Vec<BodyBlock> {
    let mut out = Vec::new();
    for block in body.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        let mut lines: Vec<&str> = block.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        if let Some(first) = lines.first().copied() {
            let ends = first.ends_with(['.', ';', ':', ',', '!', '?', ')']);
            if !ends && first.chars().count() <= 100 && !first.starts_with("- ") && !first.starts_with("• ")
            {
                out.push(BodyBlock::Heading(first.to_string()));
                lines.remove(0);
            }
        }
        let mut text: Vec<&str> = Vec::new();
        for line in lines {
            let item = line.strip_prefix("- ").or_else(|| line.strip_prefix("• "));
            match item {
                Some(i) => {
                    if !text.is_empty() {
                        out.push(BodyBlock::Paragraph(text.join(" ")));
                        text.clear();
                    }
                    out.push(BodyBlock::Item(i.trim().to_string()));
                }
                None => text.push(line),
            }
        }
        if !text.is_empty() {
            out.push(BodyBlock::Paragraph(text.join(" ")));
        }
    }
    out
}

/// Whether `text` is the default body, untouched.
pub fn is_default(body: &str) -> bool {
    tidy(body) == tidy(DEFAULT_BODY)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_adult_on_the_day_of_the_eighteenth_birthday_not_the_day_before() {
        let born = d("2008-11-21");
        let today = d("2026-12-31");
        let err = check_delivery(born, d("2026-11-20"), today, 1, None).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("member_id"));
        assert!(err.message.contains("20/11/2026"), "{}", err.message);
        check_delivery(born, d("2026-11-21"), today, 1, None).unwrap();
    }

    #[test]
    fn not_in_the_future_nor_before_the_version_existed() {
        let born = d("1980-01-01");
        let e = check_delivery(born, d("2026-11-21"), d("2026-11-20"), 1, None).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("given_on"));
        let e = check_delivery(born, d("2026-11-01"), d("2026-11-20"), 2, Some(d("2026-11-10"))).unwrap_err();
        assert!(e.message.contains("versione 2") && e.message.contains("10/11/2026"), "{}", e.message);
        check_delivery(born, d("2026-11-10"), d("2026-11-20"), 2, Some(d("2026-11-10"))).unwrap();
    }

    #[test]
    fn the_adults_without_an_informativa_are_those_flagged() {
        let (a, b, c) = (Id::new(), Id::new(), Id::new());
        let members = [(a, d("1980-01-01")), (b, d("2008-11-21")), (c, d("2015-09-30"))];
        assert_eq!(adults_without(&members, &[], d("2026-11-20")), vec![a]);
        assert_eq!(adults_without(&members, &[a], d("2026-11-21")), vec![b]);
    }

    #[test]
    fn the_default_body_reads_as_headings_paragraphs_and_lists() {
        let blocks = body_blocks(DEFAULT_BODY);
        assert!(matches!(&blocks[0], BodyBlock::Heading(h) if h == "Perché riceve questa informativa"));
        assert!(blocks.iter().any(|b| matches!(b, BodyBlock::Item(i) if i.contains("SIUSS"))));
        assert!(blocks.iter().any(|b| matches!(b, BodyBlock::Heading(h) if h == "Reclamo")));
        assert!(matches!(&blocks[1], BodyBlock::Paragraph(p) if p.starts_with("Il Comune tratta")));
        // A paragraph that ends with a full stop is never a heading.
        assert_eq!(
            body_blocks("Una frase.\nE un'altra"),
            vec![BodyBlock::Paragraph("Una frase. E un'altra".into())]
        );
        assert!(DEFAULT_BODY.contains("art. 6, par. 1, lett. e"));
        let t =
            InformativaText::new(Some(" Comune di Rozzano \r\n"), Some("dpo@comune.it"), Some(DEFAULT_BODY))
                .unwrap();
        assert_eq!(t.controller, "Comune di Rozzano");
        assert!(is_default(&t.body));
        let e = InformativaText::new(Some("Comune"), Some("  "), Some("x")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("dpo"));
    }
}
