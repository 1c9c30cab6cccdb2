//! The codes SIUSS (INPS) asks for that the program's own places do not carry:
//! a comune's ISTAT code and region (`assets/siuss/comuni-istat.tsv`, ISTAT's
//! list of comuni, CC BY 3.0 IT), a country as its ISO 3166-1 numeric code
//! (`assets/siuss/paesi-iso3166.tsv`, MIT), and how the office classifies each
//! of its measures in the SIUSS list of benefits (`assets/siuss/prestazioni.toml`).
//! Compiled in and read once; `scripts/siuss-codes.py` writes the two tables.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Code, Error, Result};

const COMUNI_TSV: &str = include_str!("../../../../assets/siuss/comuni-istat.tsv");
const PAESI_TSV: &str = include_str!("../../../../assets/siuss/paesi-iso3166.tsv");
const PRESTAZIONI_TOML: &str = include_str!("../../../../assets/siuss/prestazioni.toml");

/// ISO 3166-1 numeric code of Italy (the SIUSS's `CodiceNazione` "380").
pub const ITALY: &str = "380";
/// The SIUSS's "990": citizenship not available.
pub const UNKNOWN_COUNTRY: &str = "990";

/// A comune as ISTAT codes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComuneIstat {
    /// Six digits: `015146` (Milano).
    pub istat: String,
    /// The region's two-digit ISTAT code: `03` (Lombardia).
    pub regione: String,
    pub name: String,
}

/// A country of the ISO 3166-1 list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Country {
    /// Three digits: `504` (Marocco).
    pub code: String,
    pub alpha2: String,
    /// Italian name.
    pub name: String,
}

static COMUNI: LazyLock<HashMap<String, ComuneIstat>> = LazyLock::new(|| {
    rows(COMUNI_TSV)
        .filter_map(|f| match f.as_slice() {
            [belfiore, istat, regione, name] => Some((
                belfiore.to_string(),
                ComuneIstat {
                    istat: istat.to_string(),
                    regione: regione.to_string(),
                    name: name.to_string(),
                },
            )),
            _ => None,
        })
        .collect()
});

static COUNTRIES: LazyLock<Vec<Country>> = LazyLock::new(|| {
    rows(PAESI_TSV)
        .filter_map(|f| match f.as_slice() {
            [code, alpha2, name] => {
                Some(Country { code: code.to_string(), alpha2: alpha2.to_string(), name: name.to_string() })
            }
            _ => None,
        })
        .collect()
});

fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    tsv.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).map(|l| l.split('\t').collect())
}

/// The ISTAT codes of the comune whose Belfiore code is `belfiore` (`None`: a
/// foreign state, or a comune no longer in ISTAT's list).
pub fn comune_istat(belfiore: &str) -> Option<&'static ComuneIstat> {
    COMUNI.get(belfiore)
}

/// The country with ISO 3166-1 numeric code `code`.
pub fn country(code: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.code == code)
}

/// Every country, by Italian name (the form's list).
pub fn countries() -> Vec<&'static Country> {
    let mut all: Vec<&Country> = COUNTRIES.iter().collect();
    all.sort_by(|a, b| a.name.cmp(&b.name));
    all
}

/// How a measure is reported to SIUSS: its code and name in INPS's list of
/// social benefits and the flow's fixed attributes for it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiussBenefit {
    /// The measure's code in the program (`b2-anziani`).
    pub misura: String,
    #[serde(deserialize_with = "toml_date")]
    pub valido_dal: NaiveDate,
    #[serde(default, deserialize_with = "toml_date_opt")]
    pub valido_al: Option<NaiveDate>,
    /// `CodicePrestazione` (5-10 characters).
    pub codice: String,
    /// `DenominazionePrestazione` (10-200 characters).
    pub denominazione: String,
    /// `PresenzaProvaMezzi`: 1 ISEE, 2 other means test, 3 ISEE waived, 4 none.
    pub prova_mezzi: u8,
    /// `AreaUtenza`: 1 famiglia e minori, 2 disabilità e non autosufficienza,
    /// 3 povertà ed esclusione sociale.
    pub area_utenza: u8,
    /// Where the classification comes from.
    pub fonte: String,
}

/// A TOML date (`2019-01-01`, unquoted, as in the rule sets) as a day.
fn toml_date<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<NaiveDate, D::Error> {
    let dt = toml::value::Datetime::deserialize(d)?;
    match (dt.date, dt.time, dt.offset) {
        (Some(day), None, None) => {
            NaiveDate::from_ymd_opt(i32::from(day.year), day.month.into(), day.day.into())
                .ok_or_else(|| serde::de::Error::custom(format!("data non valida: {dt}")))
        }
        _ => Err(serde::de::Error::custom(format!("attesa una data AAAA-MM-GG, non {dt}"))),
    }
}

fn toml_date_opt<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<NaiveDate>, D::Error> {
    toml_date(d).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BenefitsFile {
    prestazione: Vec<SiussBenefit>,
}

static BENEFITS: LazyLock<std::result::Result<Vec<SiussBenefit>, String>> = LazyLock::new(|| {
    let file: BenefitsFile = toml::from_str(PRESTAZIONI_TOML).map_err(|e| e.to_string())?;
    for b in &file.prestazione {
        let len = b.codice.chars().count();
        if !(5..=10).contains(&len) {
            return Err(format!("{}: il codice prestazione deve avere da 5 a 10 caratteri", b.misura));
        }
        let len = b.denominazione.chars().count();
        if !(10..=200).contains(&len) {
            return Err(format!("{}: la denominazione deve avere da 10 a 200 caratteri", b.misura));
        }
        if !(1..=4).contains(&b.prova_mezzi) || !(1..=3).contains(&b.area_utenza) {
            return Err(format!("{}: prova_mezzi va da 1 a 4, area_utenza da 1 a 3", b.misura));
        }
    }
    Ok(file.prestazione)
});

/// The SIUSS classification of measure `misura` for a benefit paid on `on`;
/// a measure or a date the file does not cover is an error, never a guess.
pub fn siuss_benefit(misura: &str, on: NaiveDate) -> Result<&'static SiussBenefit> {
    let all = BENEFITS.as_ref().map_err(|e| {
        Error::new(Code::Internal, format!("assets/siuss/prestazioni.toml non è valido: {e}"))
    })?;
    all.iter()
        .find(|b| b.misura == misura && b.valido_dal <= on && b.valido_al.is_none_or(|al| on <= al))
        .ok_or_else(|| {
            Error::new(
                Code::NoRuleSet,
                format!(
                    "La misura «{misura}» non ha una classificazione SIUSS valida al {} (assets/siuss/prestazioni.toml)",
                    on.format("%d/%m/%Y")
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milano_and_monza_have_their_istat_codes() {
        let milano = comune_istat("F205").expect("Milano");
        assert_eq!((milano.istat.as_str(), milano.regione.as_str()), ("015146", "03"));
        assert_eq!(comune_istat("F704").expect("Monza").istat, "108033");
        assert!(comune_istat("Z330").is_none(), "a foreign state is not a comune");
    }

    #[test]
    fn countries_are_iso_numeric_with_italian_names() {
        assert_eq!(country(ITALY).expect("Italia").name, "Italia");
        assert_eq!(country("504").expect("Marocco").alpha2, "MA");
        assert!(country(UNKNOWN_COUNTRY).is_none(), "990 is SIUSS's «not available», not a country");
        assert!(countries().iter().all(|c| c.code.len() == 3 && c.code.bytes().all(|b| b.is_ascii_digit())));
        assert!(countries().len() > 240);
    }

    #[test]
    fn every_b2_measure_is_classified_over_its_years() {
        for misura in ["b2-anziani", "b2-disabili"] {
            let d = NaiveDate::from_ymd_opt(2019, 9, 1).expect("date");
            let b = siuss_benefit(misura, d).expect("classified");
            assert_eq!(b.prova_mezzi, 1, "B2 is granted on the ISEE");
            assert_eq!(b.area_utenza, 2);
        }
        let before = NaiveDate::from_ymd_opt(2018, 12, 31).expect("date");
        assert_eq!(siuss_benefit("b2-anziani", before).map(|_| ()).unwrap_err().code, Code::NoRuleSet);
        assert!(siuss_benefit("sconosciuta", NaiveDate::from_ymd_opt(2020, 1, 1).expect("date")).is_err());
    }
}
