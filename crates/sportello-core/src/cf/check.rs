//! Warnings when a valid codice fiscale does not match the person it is typed
//! for. Warnings, not refusals: the Agenzia delle Entrate's code is the person's
//! code even when an old data-entry mistake made it differ from the rule, and
//! omocodia changes digits (never the letters compared here).

use chrono::{Datelike, NaiveDate};

use super::{expected_name_letters, expected_surname_letters, CodiceFiscale, Sex};
use crate::dates::format_it;

fn sesso(s: Sex) -> &'static str {
    match s {
        Sex::M => "maschile",
        Sex::F => "femminile",
    }
}

/// Italian warnings, empty when the code matches. Empty names and unknown birth
/// date or sex are not compared. The birth date is compared on day, month and
/// the two year digits, since the code does not say the century.
pub fn check_against(
    cf: &CodiceFiscale,
    first_name: &str,
    last_name: &str,
    birth_date: Option<NaiveDate>,
    sex: Option<Sex>,
) -> Vec<String> {
    let mut warnings = Vec::new();
    let coded_surname: String = cf.code.chars().take(3).collect();
    let coded_name: String = cf.code.chars().skip(3).take(3).collect();
    if !last_name.trim().is_empty() {
        let expected = expected_surname_letters(last_name);
        if expected != coded_surname {
            warnings.push(format!(
                "le lettere del cognome nel codice fiscale ({coded_surname}) non corrispondono al cognome «{}» (attese {expected})",
                last_name.trim()
            ));
        }
    }
    if !first_name.trim().is_empty() {
        let expected = expected_name_letters(first_name);
        if expected != coded_name {
            warnings.push(format!(
                "le lettere del nome nel codice fiscale ({coded_name}) non corrispondono al nome «{}» (attese {expected})",
                first_name.trim()
            ));
        }
    }
    if let Some(b) = birth_date {
        let same = (b.year().rem_euclid(100), b.month(), b.day())
            == (cf.birth_date.year().rem_euclid(100), cf.birth_date.month(), cf.birth_date.day());
        if !same {
            warnings.push(format!(
                "la data di nascita nel codice fiscale ({}) non corrisponde a quella indicata ({})",
                cf.birth_date.format("%d/%m/%y"),
                format_it(b)
            ));
        }
    }
    if let Some(s) = sex {
        if s != cf.sex {
            warnings.push(format!(
                "il sesso nel codice fiscale ({}) non corrisponde a quello indicato ({})",
                sesso(cf.sex),
                sesso(s)
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cf::{encode, parse, with_omocodia};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn matching_person_has_no_warnings_even_with_omocodia() {
        let today = d(2026, 6, 1);
        let code = encode("Dell'Orto", "Zoë", d(2015, 9, 30), Sex::F, "F205").unwrap();
        for k in 0..=7 {
            let cf = parse(&with_omocodia(&code, k).unwrap(), today).unwrap();
            assert!(
                check_against(&cf, "Zoë", "Dell'Orto", Some(d(2015, 9, 30)), Some(Sex::F)).is_empty(),
                "{k}"
            );
        }
    }

    #[test]
    fn century_is_not_compared() {
        // Born in 1920: the code says "20", which today decodes as 2020.
        let today = d(2026, 6, 1);
        let cf = parse(&encode("Rossi", "Mario", d(1920, 3, 4), Sex::M, "F205").unwrap(), today).unwrap();
        assert_eq!(cf.birth_date, d(2020, 3, 4));
        assert!(check_against(&cf, "Mario", "Rossi", Some(d(1920, 3, 4)), Some(Sex::M)).is_empty());
    }

    #[test]
    fn each_mismatch_is_named() {
        let cf = parse("RSSMRA80A01F205X", d(2026, 6, 1)).unwrap();
        let w = check_against(&cf, "Luca", "Verdi", Some(d(1980, 1, 2)), Some(Sex::F));
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0].contains("cognome") && w[0].contains("Verdi") && w[0].contains("VRD"), "{}", w[0]);
        assert!(w[1].contains("nome") && w[1].contains("MRA") && w[1].contains("LCU"), "{}", w[1]);
        assert!(w[2].contains("01/01/80") && w[2].contains("02/01/1980"), "{}", w[2]);
        assert!(w[3].contains("maschile") && w[3].contains("femminile"), "{}", w[3]);
        // Unknown data is not compared.
        assert!(check_against(&cf, " ", "", None, None).is_empty());
    }
}
