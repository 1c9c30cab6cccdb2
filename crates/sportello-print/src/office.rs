//! What every document of an office starts with: the Comune, the office's name,
//! address and contacts. Also the Italian long date ("martedì 15/12/2026") the
//! letters use, and a person's birth as the members' tables print it.

use chrono::NaiveDate;

use super::fonts::check_printable;
use super::layout::{Block, Document, Paragraph, Span};
use crate::calendar;
use crate::dates;
use crate::domain::Office;
use crate::error::Result;

/// Checks that every text of the heading can be printed with the embedded
/// font; `prefix` names the office in the error (`office.name`).
pub fn check(office: &Office, prefix: &str) -> Result<()> {
    for (field, v) in [
        ("name", &office.name),
        ("address", &office.address),
        ("phone", &office.phone),
        ("email", &office.email),
    ] {
        check_printable(&format!("{prefix}.{field}"), v)?;
    }
    Ok(())
}

/// The heading block of every document of the office: "Comune di …" (when
/// known), the office's name, address, contacts, then a rule. An office name
/// that already starts with "Comune di …" (as the seed's did) does not repeat
/// it: the Comune is printed once.
pub fn heading(doc: &mut Document, office: &Office, comune: Option<&str>) {
    if let Some(c) = comune {
        doc.paragraph(
            Paragraph::new(vec![Span::bold(format!("Comune di {c}"))]).size(12.0).space_before(0.0),
        );
    }
    let name = name_under_heading(office, comune);
    if !name.is_empty() {
        doc.paragraph(Paragraph::new(vec![Span::bold(name)]).size(10.5).space_before(1.0));
    }
    doc.paragraph(Paragraph::text(&office.address).size(9.0).space_before(1.0));
    let contacts: Vec<String> = [
        (!office.phone.is_empty()).then(|| format!("tel. {}", office.phone)),
        (!office.email.is_empty()).then(|| format!("e-mail {}", office.email)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !contacts.is_empty() {
        doc.paragraph(Paragraph::text(contacts.join(" — ")).size(9.0).space_before(1.0));
    }
    doc.push(Block::Space(4.0));
    doc.push(Block::Rule);
}

/// The office's name as a document prints it below its heading (the
/// heading's second line, a letter's signature): without "Comune di …",
/// which the heading's first line already says.
pub fn name_under_heading<'a>(office: &'a Office, comune: Option<&str>) -> &'a str {
    match comune {
        Some(c) => without_comune(&office.name, c),
        None => &office.name,
    }
}

/// "Comune di Milano — Servizi Sociali" → "Servizi Sociali" (the Comune is
/// already on the line above).
fn without_comune<'a>(name: &'a str, comune: &str) -> &'a str {
    let prefix = format!("Comune di {comune}");
    match name.get(..prefix.len()) {
        Some(head) if head.eq_ignore_ascii_case(&prefix) => {
            let rest = &name[prefix.len()..];
            let separator = |c: char| c.is_whitespace() || "—–-,:".contains(c);
            if rest.is_empty() || rest.starts_with(separator) {
                rest.trim_start_matches(separator)
            } else {
                name
            }
        }
        _ => name,
    }
}

/// "martedì 15/12/2026".
pub fn long_date(d: NaiveDate) -> String {
    format!("{} {}", calendar::giorno_della_settimana(d), dates::format_it(d))
}

/// The line under a case document's title: "Pratica n. 2026/0001 — {about}
/// {date}", centred (the patto, the esito of the requisiti).
pub fn case_line(doc: &mut Document, case_number: &str, about: &str, date: NaiveDate) {
    doc.paragraph(
        Paragraph::new(vec![
            Span::regular("Pratica n. "),
            Span::bold(case_number),
            Span::regular(format!(" — {about} ")),
            Span::bold(dates::format_it(date)),
        ])
        .align(super::layout::Align::Center)
        .space_before(4.0),
    );
}

/// "01/01/1980, Milano (MI)": the birth date and, when known, the birthplace
/// by name, as the members' tables print them.
pub fn birth(date: NaiveDate, place: Option<&str>) -> String {
    match place {
        Some(p) => format!("{}, {p}", dates::format_it(date)),
        None => dates::format_it(date),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_dates_in_italian() {
        assert_eq!(long_date(NaiveDate::from_ymd_opt(2026, 12, 22).unwrap()), "martedì 22/12/2026");
        assert_eq!(long_date(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()), "venerdì 20/11/2026");
    }

    #[test]
    fn the_comune_is_printed_once() {
        assert_eq!(
            without_comune("Comune di Milano — Servizi Sociali Territoriali", "Milano"),
            "Servizi Sociali Territoriali"
        );
        assert_eq!(without_comune("comune di milano - Servizi", "Milano"), "Servizi");
        assert_eq!(without_comune("Servizi Sociali Territoriali", "Milano"), "Servizi Sociali Territoriali");
        assert_eq!(without_comune("Comune di Milanino", "Milano"), "Comune di Milanino");
        assert_eq!(without_comune("Comune di Milano", "Milano"), "");
    }
}
