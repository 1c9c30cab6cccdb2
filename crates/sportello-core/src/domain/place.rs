//! Places by name: a comune of residence checked against the list of comuni
//! in force (`catalog::places`), and the birthplace a codice fiscale names,
//! with a warning when its code did not exist on the birth date.

use chrono::NaiveDate;
use serde::Serialize;

use crate::catalog::places::{Place, Places};
use crate::dates::format_it;
use crate::domain::household::belfiore;
use crate::error::Error;

/// A comune by its codice catastale, in force on `on` (a comune that was
/// suppressed or merged is refused: its families live in the new one). The
/// form offers the comuni by name and sends the code.
pub fn comune_in_force(
    field: &str,
    v: &Option<String>,
    required: bool,
    on: NaiveDate,
) -> Result<Option<String>, Error> {
    let Some(code) = belfiore(field, v, required)? else { return Ok(None) };
    let places = Places::builtin();
    if places.on(&code, on).is_some() {
        return Ok(Some(code));
    }
    let message = match places.latest(&code) {
        Some(p) => match p.to {
            Some(to) => format!(
                "Il comune di {} ({code}) non esiste più dal {}: scegliere il comune di oggi dall'elenco",
                p.label(),
                format_it(to.succ_opt().unwrap_or(to))
            ),
            None => format!("Il comune di {} ({code}) non esiste ancora in questa data", p.label()),
        },
        None => {
            format!("Nessun comune ha il codice {code}: scegliere il comune dall'elenco, cercandolo per nome")
        }
    };
    Err(Error::invalid(field, message))
}

/// The name of a comune (or state) of `code` on `on`, as shown and printed
/// ("Rozzano (MI)"); the most recent name when the code was not in force
/// then, or when no date is given; `None` for a code the list does not have.
pub fn place_label(code: &str, on: Option<NaiveDate>) -> Option<String> {
    let places = Places::builtin();
    on.and_then(|d| places.on(code, d)).or_else(|| places.latest(code)).map(Place::label)
}

/// The line of an envelope under the street: CAP, comune and province as
/// Poste Italiane write them ("20089 Rozzano MI"); without a CAP, the comune
/// and province. `None` for a code the list does not have.
pub fn postal_town(cap: Option<&str>, comune: &str, on: NaiveDate) -> Option<String> {
    let places = Places::builtin();
    let p = places.on(comune, on).or_else(|| places.latest(comune))?;
    let town = if p.is_foreign() { p.name.clone() } else { format!("{} {}", p.name, p.province) };
    Some(match cap {
        Some(cap) => format!("{cap} {town}"),
        None => town,
    })
}

/// Where a codice fiscale says its holder was born.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Birthplace {
    /// The code in the codice fiscale (`F205`, `Z330`).
    pub code: String,
    /// "Milano (MI)", "Marocco": its name on the birth date (or the nearest
    /// one when it did not exist then); `None` when no place has the code.
    pub name: Option<String>,
    /// Why the code does not fit the birth date, in Italian.
    pub warning: Option<String>,
}

/// The birthplace of code `code` for someone born on `birth_date`: a code
/// that no place has, or whose place did not exist on that day, is a warning
/// (never a refusal: the code on the card is the person's code).
pub fn birthplace(code: &str, birth_date: NaiveDate) -> Birthplace {
    let places = Places::builtin();
    let periods = places.periods(code);
    let code = code.trim().to_uppercase();
    if let Some(p) = places.on(&code, birth_date) {
        return Birthplace { code, name: Some(p.label()), warning: None };
    }
    let born = format_it(birth_date);
    let Some(last) = periods.last() else {
        return Birthplace {
            code: code.clone(),
            name: None,
            warning: Some(format!(
                "il codice del luogo di nascita nel codice fiscale ({code}) non corrisponde a nessun comune né stato estero: controllare il codice sulla tessera sanitaria"
            )),
        };
    };
    // The period nearest the birth date: the first after it, else the last before.
    let near = periods.iter().find(|p| p.from.is_some_and(|f| f > birth_date)).unwrap_or(last);
    let what = if near.is_foreign() { "lo stato" } else { "il comune" };
    let when = match (near.from, near.to) {
        (Some(f), _) if f > birth_date => format!("esiste dal {}", format_it(f)),
        (_, Some(t)) => format!("non esiste più dal {}", format_it(t.succ_opt().unwrap_or(t))),
        _ => "non esisteva in quella data".to_string(),
    };
    Birthplace {
        code: code.clone(),
        name: Some(near.label()),
        warning: Some(format!(
            "il luogo di nascita nel codice fiscale ({code}, {what} di {}) non esisteva alla data di nascita {born}: {when}; controllare il codice sulla tessera sanitaria",
            near.label()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Code;

    fn d(s: &str) -> NaiveDate {
        crate::dates::parse_iso("d", s).unwrap()
    }

    #[test]
    fn a_comune_of_residence_must_be_in_force() {
        let today = d("2026-06-15");
        let s = |v: &str| Some(v.to_string());
        assert_eq!(comune_in_force("comune", &s(" h623 "), true, today).unwrap().as_deref(), Some("H623"));
        assert_eq!(comune_in_force("comune", &None, false, today).unwrap(), None);
        let e = comune_in_force("comune", &s("C706"), true, today).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (Code::Invalid, Some("comune")));
        assert!(e.message.contains("Cinisello (MI)") && e.message.contains("03/11/1928"), "{}", e.message);
        let e = comune_in_force("comune", &s("B999"), true, d("1862-01-01")).unwrap_err();
        assert!(e.message.contains("Cassano Valcuvia"), "{}", e.message);
        let e = comune_in_force("comune", &s("X999"), true, today).unwrap_err();
        assert!(e.message.contains("Nessun comune"), "{}", e.message);
        // Foreign states are not comuni of residence; the shape is checked first.
        assert!(comune_in_force("comune", &s("Z330"), true, today).is_err());
        assert!(comune_in_force("comune", &s("Milano"), true, today).is_err());
    }

    #[test]
    fn the_envelope_line_has_cap_comune_and_province() {
        let today = d("2026-06-15");
        assert_eq!(postal_town(Some("20089"), "H623", today).as_deref(), Some("20089 Rozzano MI"));
        assert_eq!(postal_town(None, "F205", today).as_deref(), Some("Milano MI"));
        assert_eq!(postal_town(Some("20900"), "F704", d("2005-01-01")).as_deref(), Some("20900 Monza MI"));
        assert_eq!(postal_town(None, "X999", today), None);
    }

    #[test]
    fn birthplaces_by_name_with_a_warning_when_the_code_did_not_exist() {
        let b = birthplace("F205", d("1980-01-01"));
        assert_eq!((b.name.as_deref(), b.warning), (Some("Milano (MI)"), None));
        assert_eq!(birthplace("z330", d("1990-05-05")).name.as_deref(), Some("Marocco"));
        // Monza was in the province of Milano until 2009.
        assert_eq!(birthplace("F704", d("1975-03-03")).name.as_deref(), Some("Monza (MI)"));
        assert_eq!(birthplace("F704", d("2015-03-03")).name.as_deref(), Some("Monza (MB)"));
        // Czechoslovakia: a code for those born before 1993, not after.
        assert_eq!(birthplace("Z105", d("1985-03-01")).warning, None);
        let late = birthplace("Z105", d("1995-03-01"));
        let w = late.warning.unwrap();
        assert!(w.contains("Cecoslovacchia") && w.contains("01/03/1995") && w.contains("02/01/1993"), "{w}");
        // A comune that was created after the birth.
        let w = birthplace("C707", d("1920-01-01")).warning.unwrap();
        assert!(w.contains("Cinisello Balsamo") && w.contains("esiste dal 03/11/1928"), "{w}");
        // A code nobody has.
        let none = birthplace("X999", d("1980-01-01"));
        assert_eq!(none.name, None);
        assert!(none.warning.unwrap().contains("non corrisponde a nessun comune"));
    }
}
