//! The residence permit (*permesso di soggiorno*) of a member who is a citizen
//! of a country outside the European Union (d.lgs. 286/1998): its kind, its
//! number and, for the titles that end, its expiry. Checked here, where it
//! enters; the deadlines board shows it from the warning window of
//! `assets/procedure/componenti.toml` before its expiry, and as overdue once
//! it has lapsed (a lapsed permit can cost a family its measures).
//!
//! Decisions where the issue is silent:
//! - the permit is not required to save a household: at the first interview a
//!   family often has not brought its documents yet. Once any of its fields is
//!   filled in, it is checked whole (kind; number; the expiry for the titles
//!   that end, none for those that do not);
//! - a renewal in progress is recorded as the kind `in_rinnovo` with the
//!   number of the receipt and no expiry: the receipt keeps the holder's
//!   rights until the Questura decides (art. 5, c. 9-bis), so nothing falls
//!   due on the board; when the new permit arrives it is recorded in its place.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::catalog::dated::{pick, Dated};
use crate::catalog::member_rules;
use crate::dates::format_it;
use crate::domain::form;
use crate::domain::StrEnum;
use crate::error::Error;

string_enum!(
    /// The kind of a residence permit (the *motivo* printed on it), or the
    /// residence card of an EU citizen's family member.
    PermitKind {
        LavoroSubordinato = "lavoro_subordinato": "per lavoro subordinato",
        LavoroAutonomo = "lavoro_autonomo": "per lavoro autonomo",
        AttesaOccupazione = "attesa_occupazione": "per attesa occupazione",
        Famiglia = "famiglia": "per motivi familiari",
        Studio = "studio": "per studio",
        Asilo = "asilo": "per asilo (status di rifugiato)",
        ProtezioneSussidiaria = "protezione_sussidiaria": "per protezione sussidiaria",
        ProtezioneSpeciale = "protezione_speciale": "per protezione speciale",
        RichiestaAsilo = "richiesta_asilo": "per richiesta di asilo",
        MinoreEta = "minore_eta": "per minore età",
        UeLungoPeriodo = "ue_lungo_periodo": "UE per soggiornanti di lungo periodo",
        CartaFamiliareUe = "carta_familiare_ue": "carta di soggiorno di familiare di cittadino UE",
        CartaPermanenteFamiliareUe = "carta_permanente_familiare_ue": "carta di soggiorno permanente di familiare di cittadino UE",
        InRinnovo = "in_rinnovo": "in rinnovo (ricevuta della domanda)",
        Altro = "altro": "per altri motivi",
    }
);

impl PermitKind {
    /// Whether the title ends on a date printed on it. The EU long-term
    /// residence permit (d.lgs. 286/1998 art. 9) and the permanent card of an
    /// EU citizen's family member (d.lgs. 30/2007 art. 17) do not; a renewal
    /// receipt has no expiry of its own.
    pub fn expires(self) -> bool {
        !matches!(
            self,
            PermitKind::UeLungoPeriodo | PermitKind::CartaPermanenteFamiliareUe | PermitKind::InRinnovo
        )
    }
}

/// Longest validity a permit is believed to have: a typo guard (the
/// family-member card lasts five years, the others less).
const LONGEST_YEARS: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidencePermit {
    pub kind: PermitKind,
    /// As printed on the permit (or on the renewal receipt): upper case, no spaces.
    pub number: String,
    /// `None` for the titles that do not end ([`PermitKind::expires`]).
    pub expires_on: Option<NaiveDate>,
}

/// What the household form sends for a member's permit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PermitInput {
    pub kind: Option<String>,
    pub number: Option<String>,
    pub expires_on: Option<String>,
}

impl From<&ResidencePermit> for PermitInput {
    fn from(p: &ResidencePermit) -> Self {
        PermitInput {
            kind: Some(p.kind.as_str().into()),
            number: Some(p.number.clone()),
            expires_on: p.expires_on.map(|d| d.to_string()),
        }
    }
}

impl PermitInput {
    /// Nothing filled in.
    pub fn is_blank(&self) -> bool {
        [&self.kind, &self.number, &self.expires_on].iter().all(|v| form::clean(v).is_none())
    }

    /// The permit, `None` when nothing is filled in; `at` is where it stands
    /// in the form (`members[2].permit`), for the fields of the errors.
    pub fn validate(&self, at: &str, today: NaiveDate) -> Result<Option<ResidencePermit>, Error> {
        if self.is_blank() {
            return Ok(None);
        }
        let f = |name: &str| format!("{at}.{name}");
        let kind: PermitKind =
            form::required_choice(&f("kind"), &self.kind, "il tipo di permesso di soggiorno")?;
        let number = permit_number(&f("number"), &self.number, kind)?;
        let expires_on = form::optional_date(&f("expires_on"), &self.expires_on)?;
        let expires_on = match (kind.expires(), expires_on) {
            (true, None) => {
                return Err(Error::invalid(f("expires_on"), "Indicare la scadenza del permesso di soggiorno"))
            }
            (true, Some(d)) => {
                let latest = today.checked_add_months(Months::new(12 * LONGEST_YEARS)).unwrap_or(today);
                if d > latest {
                    return Err(Error::invalid(
                        f("expires_on"),
                        format!(
                            "Scadenza non plausibile ({}): un permesso non dura più di {LONGEST_YEARS} anni, controllare l'anno",
                            format_it(d)
                        ),
                    ));
                }
                Some(d)
            }
            (false, None) => None,
            (false, Some(_)) => {
                let why = if kind == PermitKind::InRinnovo {
                    "la ricevuta della domanda di rinnovo non ha scadenza".to_string()
                } else {
                    format!("il permesso {} non ha scadenza", kind.label())
                };
                return Err(Error::invalid(f("expires_on"), format!("Lasciare vuota la scadenza: {why}")));
            }
        };
        Ok(Some(ResidencePermit { kind, number, expires_on }))
    }
}

/// The number as printed: letters and digits, spaces and hyphens dropped, 5
/// to 20 characters (a permit's, or a renewal receipt's).
fn permit_number(field: &str, v: &Option<String>, kind: PermitKind) -> Result<String, Error> {
    let what = if kind == PermitKind::InRinnovo {
        "il numero della ricevuta della domanda di rinnovo"
    } else {
        "il numero del permesso di soggiorno"
    };
    let typed = form::clean(v).ok_or_else(|| Error::invalid(field, format!("Indicare {what}")))?;
    let number: String =
        typed.chars().filter(|c| !matches!(c, ' ' | '-')).flat_map(char::to_uppercase).collect();
    let ok = (5..=20).contains(&number.chars().count()) && number.chars().all(|c| c.is_ascii_alphanumeric());
    if !ok {
        return Err(Error::invalid(
            field,
            format!(
                "Numero non valido: «{typed}» (da 5 a 20 lettere e cifre, come è stampato sul documento)"
            ),
        ));
    }
    Ok(number)
}

/// The warning window in force on `on`: calendar days before the expiry.
pub fn warning_window(on: NaiveDate) -> Result<&'static Dated<u32>, Error> {
    pick(
        &member_rules::builtin()?.permit_warning_days,
        on,
        "il preavviso di scadenza del permesso di soggiorno",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    fn d(s: &str) -> NaiveDate {
        crate::dates::parse_iso("d", s).unwrap()
    }

    fn input(kind: &str, number: &str, expires: &str) -> PermitInput {
        let s = |v: &str| (!v.is_empty()).then(|| v.to_string());
        PermitInput { kind: s(kind), number: s(number), expires_on: s(expires) }
    }

    fn field(r: Result<Option<ResidencePermit>, Error>) -> String {
        r.unwrap_err().field.unwrap_or_default()
    }

    #[test]
    fn a_permit_is_checked_whole_where_it_enters() {
        let today = d("2026-06-15");
        let at = "members[1].permit";
        assert_eq!(input("", " ", "").validate(at, today).unwrap(), None);
        let p =
            input("lavoro_subordinato", " ab 123-456 ", "2027-03-01").validate(at, today).unwrap().unwrap();
        assert_eq!(
            (p.kind, p.number.as_str(), p.expires_on),
            (PermitKind::LavoroSubordinato, "AB123456", Some(d("2027-03-01")))
        );
        // A lapsed permit is what it is: recorded, and shown as overdue.
        assert!(input("famiglia", "I0123456", "2025-01-31").validate(at, today).unwrap().is_some());
        let lungo = input("ue_lungo_periodo", "X9876543", "").validate(at, today).unwrap().unwrap();
        assert_eq!(lungo.expires_on, None);

        assert_eq!(field(input("", "I0123456", "2027-01-01").validate(at, today)), "members[1].permit.kind");
        assert_eq!(
            field(input("turismo", "I0123456", "2027-01-01").validate(at, today)),
            "members[1].permit.kind"
        );
        assert_eq!(field(input("studio", "", "2027-01-01").validate(at, today)), "members[1].permit.number");
        assert_eq!(
            field(input("studio", "12/34", "2027-01-01").validate(at, today)),
            "members[1].permit.number"
        );
        assert_eq!(
            field(input("studio", "I0123456", "").validate(at, today)),
            "members[1].permit.expires_on"
        );
        assert_eq!(
            field(input("studio", "I0123456", "01/02/2027").validate(at, today)),
            "members[1].permit.expires_on"
        );
        let e = input("studio", "I0123456", "2062-01-01").validate(at, today).unwrap_err();
        assert!(e.message.contains("controllare l'anno"), "{}", e.message);
        let e = input("ue_lungo_periodo", "I0123456", "2030-01-01").validate(at, today).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("members[1].permit.expires_on"));
        assert!(e.message.contains("non ha scadenza"), "{}", e.message);
        let e = input("in_rinnovo", "", "").validate(at, today).unwrap_err();
        assert!(e.message.contains("ricevuta"), "{}", e.message);
        assert_eq!(e.code, Code::Invalid);
    }

    #[test]
    fn which_titles_end() {
        let lasting: Vec<PermitKind> = PermitKind::ALL.iter().copied().filter(|k| !k.expires()).collect();
        assert_eq!(
            lasting,
            [PermitKind::UeLungoPeriodo, PermitKind::CartaPermanenteFamiliareUe, PermitKind::InRinnovo]
        );
    }

    #[test]
    fn the_window_comes_from_the_rule_set() {
        let w = warning_window(d("2026-06-15")).unwrap();
        assert_eq!(w.value, 60);
        assert!(w.act.contains("art. 5, comma 4"));
        assert_eq!(warning_window(d("2017-12-31")).unwrap_err().code, Code::NoRuleSet);
    }

    /// The window lists the kinds with their labels (JavaScript cannot import
    /// this enum): every kind has one there.
    #[test]
    fn the_forms_labels_cover_every_kind() {
        let ui = include_str!("../../../../ui/js/i18n.js");
        let block = ui.split("permitKind: {").nth(1).and_then(|r| r.split('}').next()).unwrap_or("");
        for k in PermitKind::ALL {
            assert!(
                block.contains(&format!("{}:", k.as_str())),
                "ui/js/i18n.js has no label for {}",
                k.as_str()
            );
        }
    }
}
