//! What every document of an office starts with: the Comune, the office's name,
//! address and contacts. Also the Italian long date ("martedì 15/12/2026") the
//! letters use.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::fonts::check_printable;
use super::layout::{Block, Document, Paragraph, Span};
use crate::calendar;
use crate::dates;
use crate::error::{Error, Result};

/// The issuing office, as it appears in the heading of a document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

/// An office whose name and address are known (phone and e-mail are printed
/// when present).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidOffice {
    pub name: String,
    pub address: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl Office {
    /// `prefix` is the field path of the office in the input (`office`).
    pub fn validate(&self, prefix: &str) -> Result<ValidOffice> {
        let name = required(&self.name, &format!("{prefix}.name"), "il nome dell'ufficio")?;
        let address = required(&self.address, &format!("{prefix}.address"), "l'indirizzo dell'ufficio")?;
        let opt = |v: &Option<String>, field: &str| -> Result<Option<String>> {
            match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(s) => {
                    check_printable(&format!("{prefix}.{field}"), s)?;
                    Ok(Some(s.to_string()))
                }
                None => Ok(None),
            }
        };
        Ok(ValidOffice {
            name,
            address,
            phone: opt(&self.phone, "phone")?,
            email: opt(&self.email, "email")?,
        })
    }
}

/// A required text field: present, not blank, printable; returned trimmed.
pub(crate) fn required(value: &Option<String>, field: &str, what: &str) -> Result<String> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => {
            check_printable(field, v)?;
            Ok(v.to_string())
        }
        Some(_) => Err(Error::invalid(field, format!("manca {what}: il campo è vuoto"))),
        None => Err(Error::invalid(field, format!("manca {what}: campo obbligatorio"))),
    }
}

impl ValidOffice {
    /// The heading block: "Comune di …" (when known), office name, address,
    /// contacts, then a rule.
    pub fn heading(&self, doc: &mut Document, comune: Option<&str>) {
        if let Some(c) = comune {
            doc.paragraph(
                Paragraph::new(vec![Span::bold(format!("Comune di {c}"))]).size(12.0).space_before(0.0),
            );
        }
        doc.paragraph(Paragraph::new(vec![Span::bold(&self.name)]).size(10.5).space_before(1.0));
        doc.paragraph(Paragraph::text(&self.address).size(9.0).space_before(1.0));
        let contacts: Vec<String> = [
            self.phone.as_ref().map(|p| format!("tel. {p}")),
            self.email.as_ref().map(|e| format!("e-mail {e}")),
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
}

/// "martedì 15/12/2026".
pub fn long_date(d: NaiveDate) -> String {
    format!("{} {}", calendar::giorno_della_settimana(d), dates::format_it(d))
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
    fn office_needs_name_and_address() {
        let o =
            Office { name: Some(" ".into()), address: Some("largo Treves 1".into()), ..Default::default() };
        let e = o.validate("office").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("office.name"));
        let o = Office { name: Some("Servizi Sociali".into()), ..Default::default() };
        assert_eq!(o.validate("office").unwrap_err().field.as_deref(), Some("office.address"));
        let o = Office {
            name: Some("Servizi Sociali".into()),
            address: Some("largo Treves 1".into()),
            phone: Some("  ".into()),
            email: None,
        };
        let v = o.validate("office").unwrap();
        assert_eq!(v.phone, None);
    }
}
