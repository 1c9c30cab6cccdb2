//! The SIUSS flow of social benefits paid (*prestazioni sociali*, PS-PSA), as
//! INPS's schema `PS_PSA_SINA201812.xsd` has it (`assets/siuss/README.md`):
//! `Flusso` → `IdentificazioneFlusso`/`Ente` → one `Beneficiario` per person
//! paid → one `PrestazioniSociali` per payment.
//!
//! Pure: [`flow`] turns the payments of a period (read by the caller) into a
//! [`Flusso`], checking what the schema and the technical specification ask
//! (codes, lengths, the ISTAT codes of an Italian residence); [`Flusso::to_xml`]
//! writes it. Nothing here reads a database, a file or the clock.
//!
//! Each payment is a benefit paid in one go (`CaratterePrestazione` 2): its
//! date (`DataErogazionePrestazione`) and amount (`ImportoPrestazione`) are
//! the payment's, so a contribution paid in instalments appears once per
//! instalment, as the specification's "una prestazione per ogni erogazione".

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use crate::catalog::siuss_codes::{self, SiussBenefit, ITALY, UNKNOWN_COUNTRY};
use crate::cf::Cf;
use crate::domain::Sex;
use crate::error::{Error, Result};
use crate::money::Money;

/// The schema's namespace.
pub const NAMESPACE: &str = "http://inps.it/Casellario";

/// The office that sends the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ente {
    /// `Codice`: the ente's code for INPS (for a Comune, its Belfiore code,
    /// as in the specification's examples: `H501`).
    pub codice: String,
    /// `Denominazione` (optional in the schema; up to 100 characters).
    pub denominazione: String,
    /// `Indirizzo`: the Belfiore code of the comune of the ente's seat.
    pub comune: String,
    /// `CFOperatore`: who prepared the flow.
    pub cf_operatore: Cf,
}

/// A person paid, as the office's records have them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub codice_fiscale: Cf,
    pub last_name: String,
    pub first_name: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    /// ISO 3166-1 numeric code of the citizenship (`None`: not recorded; the
    /// flow says 990, "non disponibile").
    pub citizenship: Option<String>,
    /// Belfiore code of the comune of residence (an Italian comune).
    pub residence: String,
}

/// One payment of a benefit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub person: Person,
    /// The measure (`b2-anziani`): its SIUSS code comes from
    /// `assets/siuss/prestazioni.toml` for the day it was paid.
    pub measure: String,
    /// The application's protocol (`ProtocolloDomanda`, up to 32 characters).
    pub protocol: String,
    pub paid_on: NaiveDate,
    pub amount: Money,
    /// Whether the person's household is in charge of the service (`PresaCarico`).
    pub in_charge: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flusso {
    /// `Nome`: `{codice ente}.PS.{AAAAMMGG}.{progressivo}`.
    pub name: String,
    pub ente: Ente,
    pub beneficiaries: Vec<Beneficiary>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Beneficiary {
    pub codice_fiscale: Cf,
    pub last_name: String,
    pub first_name: String,
    pub birth_year: i32,
    pub birthplace: String,
    pub sex: Sex,
    pub citizenship: String,
    pub residence: Residence,
    pub benefits: Vec<Benefit>,
}

/// `Indirizzo`: the country and, in Italy, the region and comune as ISTAT codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Residence {
    pub country: String,
    pub regione: Option<String>,
    pub comune: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Benefit {
    pub classification: &'static SiussBenefit,
    pub protocol: String,
    pub paid_on: NaiveDate,
    pub amount: Money,
    pub in_charge: bool,
}

/// The flow of `payments`, sent on `sent_on` as the day's `progressive`-th.
///
/// One beneficiary per codice fiscale (by surname, name, code), their
/// payments by date and protocol. An empty list is refused: the command line
/// answers "nothing paid" before asking for a flow.
pub fn flow(ente: &Ente, sent_on: NaiveDate, progressive: u32, payments: &[Payment]) -> Result<Flusso> {
    check_len("ente.codice", &ente.codice, 1, 32, "il codice dell'ente")?;
    check_len("ente.denominazione", &ente.denominazione, 0, 100, "la denominazione dell'ente")?;
    if !crate::cf::is_belfiore(&ente.comune) {
        return Err(Error::invalid(
            "ente.comune",
            "Il comune dell'ente deve essere un codice catastale (es. F205)",
        ));
    }
    if payments.is_empty() {
        return Err(Error::invalid("payments", "Nessuna prestazione erogata nel periodo"));
    }
    let name = format!("{}.PS.{}.{progressive}", ente.codice, sent_on.format("%Y%m%d"));
    check_len("name", &name, 1, 50, "il nome del flusso")?;

    let mut by_person: BTreeMap<(String, String, String), Beneficiary> = BTreeMap::new();
    for (i, p) in payments.iter().enumerate() {
        let field = |f: &str| format!("payments[{i}].{f}");
        if p.amount <= Money::ZERO {
            return Err(Error::invalid(field("amount"), "L'importo erogato deve essere maggiore di zero"));
        }
        check_len(&field("protocol"), &p.protocol, 1, 32, "il protocollo della domanda")?;
        let classification =
            siuss_codes::siuss_benefit(&p.measure, p.paid_on).map_err(|e| e.with_field(field("measure")))?;
        let benefit = Benefit {
            classification,
            protocol: p.protocol.clone(),
            paid_on: p.paid_on,
            amount: p.amount,
            in_charge: p.in_charge,
        };
        let person = &p.person;
        let key =
            (person.last_name.clone(), person.first_name.clone(), person.codice_fiscale.as_str().to_string());
        if let Some(b) = by_person.get_mut(&key) {
            b.benefits.push(benefit);
            continue;
        }
        let beneficiary = beneficiary(person, benefit).map_err(|e| {
            let f = e.field.clone().unwrap_or_default();
            e.with_field(field(&format!("person.{f}")))
        })?;
        by_person.insert(key, beneficiary);
    }
    let mut beneficiaries: Vec<Beneficiary> = by_person.into_values().collect();
    // The same code under two spellings of a name is one person.
    beneficiaries.sort_by(|a, b| a.codice_fiscale.cmp(&b.codice_fiscale));
    beneficiaries.dedup_by(|later, first| {
        if later.codice_fiscale == first.codice_fiscale {
            first.benefits.append(&mut later.benefits);
            true
        } else {
            false
        }
    });
    beneficiaries.sort_by(|a, b| {
        (&a.last_name, &a.first_name, &a.codice_fiscale).cmp(&(
            &b.last_name,
            &b.first_name,
            &b.codice_fiscale,
        ))
    });
    for b in &mut beneficiaries {
        b.benefits.sort_by(|x, y| (x.paid_on, &x.protocol).cmp(&(y.paid_on, &y.protocol)));
    }
    Ok(Flusso { name, ente: ente.clone(), beneficiaries })
}

fn beneficiary(p: &Person, benefit: Benefit) -> Result<Beneficiary> {
    let last_name = cut(&p.last_name, "last_name", "il cognome")?;
    let first_name = cut(&p.first_name, "first_name", "il nome")?;
    let citizenship = match p.citizenship.as_deref() {
        None => UNKNOWN_COUNTRY.to_string(),
        Some(code) if siuss_codes::country(code).is_some() => code.to_string(),
        Some(code) => {
            return Err(Error::invalid(
                "citizenship",
                format!("La cittadinanza «{code}» non è un codice ISO 3166-1 di un paese"),
            ))
        }
    };
    let comune = siuss_codes::comune_istat(&p.residence).ok_or_else(|| {
        Error::invalid(
            "residence",
            format!(
                "Il comune di residenza «{}» non è nell'elenco ISTAT dei comuni: SIUSS chiede il suo codice ISTAT",
                p.residence
            ),
        )
    })?;
    Ok(Beneficiary {
        codice_fiscale: p.codice_fiscale.clone(),
        last_name,
        first_name,
        birth_year: p.birth_date.year(),
        birthplace: p.codice_fiscale.birthplace(),
        sex: p.sex,
        citizenship,
        residence: Residence {
            country: ITALY.to_string(),
            regione: Some(comune.regione.clone()),
            comune: Some(comune.istat.clone()),
        },
        benefits: vec![benefit],
    })
}

/// A name as the schema takes it: 1 to 36 characters. A longer one is cut
/// at 36 (whole characters: accents stay), as a registry's field would.
fn cut(s: &str, field: &str, what: &str) -> Result<String> {
    let s = s.trim();
    if s.is_empty() {
        return Err(Error::invalid(field, format!("Manca {what}")));
    }
    Ok(s.chars().take(36).collect())
}

fn check_len(field: &str, s: &str, min: usize, max: usize, what: &str) -> Result<()> {
    let n = s.chars().count();
    if n < min || n > max {
        return Err(Error::invalid(
            field,
            format!("{what} deve avere da {min} a {max} caratteri (ne ha {n})"),
        ));
    }
    Ok(())
}

impl Flusso {
    /// The flow as the XML file INPS takes (UTF-8).
    pub fn to_xml(&self) -> String {
        let mut x = String::with_capacity(512 + 700 * self.beneficiaries.len());
        x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(x, "<Flusso xmlns=\"{NAMESPACE}\">");
        let _ = writeln!(x, "  <IdentificazioneFlusso Nome=\"{}\">", attr(&self.name));
        let e = &self.ente;
        let _ = write!(x, "    <Ente Codice=\"{}\"", attr(&e.codice));
        if !e.denominazione.is_empty() {
            let _ = write!(x, " Denominazione=\"{}\"", attr(&e.denominazione));
        }
        let _ =
            writeln!(x, " Indirizzo=\"{}\" CFOperatore=\"{}\"/>", attr(&e.comune), e.cf_operatore.as_str());
        x.push_str("  </IdentificazioneFlusso>\n");
        for b in &self.beneficiaries {
            let _ = writeln!(x, "  <Beneficiario CodiceFiscale=\"{}\">", b.codice_fiscale.as_str());
            let _ = writeln!(
                x,
                "    <Anagrafica Cognome=\"{}\" Nome=\"{}\" AnnoNascita=\"{:04}\" LuogoNascita=\"{}\" Genere=\"{}\" CodiceCittadinanza=\"{}\"/>",
                attr(&b.last_name),
                attr(&b.first_name),
                b.birth_year,
                attr(&b.birthplace),
                match b.sex {
                    Sex::M => "1",
                    Sex::F => "2",
                },
                b.citizenship
            );
            x.push_str("    <Indirizzo");
            if let Some(r) = &b.residence.regione {
                let _ = write!(x, " CodiceRegione=\"{r}\"");
            }
            if let Some(c) = &b.residence.comune {
                let _ = write!(x, " CodiceComune=\"{c}\"");
            }
            let _ = writeln!(x, " CodiceNazione=\"{}\"/>", b.residence.country);
            for p in &b.benefits {
                let c = p.classification;
                let _ = write!(
                    x,
                    "    <PrestazioniSociali TipoOperazione=\"I\" PresenzaProvaMezzi=\"{}\" CaratterePrestazione=\"2\" CodicePrestazione=\"{}\" DenominazionePrestazione=\"{}\" ProtocolloDomanda=\"{}\" DataErogazionePrestazione=\"{}\" ImportoPrestazione=\"{}\" PresaCarico=\"{}\"",
                    c.prova_mezzi,
                    attr(&c.codice),
                    attr(&c.denominazione),
                    attr(&p.protocol),
                    p.paid_on.format("%Y-%m-%d"),
                    p.amount,
                    if p.in_charge { 1 } else { 2 },
                );
                if p.in_charge {
                    let _ = write!(x, " AreaUtenza=\"{}\"", c.area_utenza);
                }
                x.push_str("/>\n");
            }
            x.push_str("  </Beneficiario>\n");
        }
        x.push_str("</Flusso>\n");
        x
    }
}

/// Text as an XML attribute value: the five markup characters escaped, and
/// control characters (never in a name typed at the desk, refused by XML 1.0)
/// left out.
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn ente() -> Ente {
        Ente {
            codice: "F205".into(),
            denominazione: "Comune di Milano".into(),
            comune: "F205".into(),
            cf_operatore: Cf::check("VRDNNA75C41F205R").expect("cf"),
        }
    }

    fn person(cf: &str, last: &str, first: &str, sex: Sex) -> Person {
        Person {
            codice_fiscale: Cf::check(cf).expect("cf"),
            last_name: last.into(),
            first_name: first.into(),
            birth_date: d(1940, 1, 1),
            sex,
            citizenship: Some(ITALY.into()),
            residence: "F205".into(),
        }
    }

    fn payment(p: &Person, protocol: &str, on: NaiveDate, amount: &str) -> Payment {
        Payment {
            person: p.clone(),
            measure: "b2-anziani".into(),
            protocol: protocol.into(),
            paid_on: on,
            amount: Money::parse(amount).expect("amount"),
            in_charge: true,
        }
    }

    #[test]
    fn one_beneficiary_per_person_one_benefit_per_payment() {
        let rossi = person("RSSMRA40A01F205N", "Rossi", "Mario", Sex::M);
        let dangelo = person("DNGLCU40A41F205E", "D'Angelo", "Lucia", Sex::F);
        let f = flow(
            &ente(),
            d(2026, 12, 2),
            1,
            &[
                payment(&rossi, "B2-7", d(2019, 10, 1), "400.00"),
                payment(&dangelo, "B2-3", d(2019, 10, 1), "250.50"),
                payment(&rossi, "B2-7", d(2019, 9, 1), "380.00"),
            ],
        )
        .expect("flow");
        assert_eq!(f.name, "F205.PS.20261202.1");
        let names: Vec<&str> = f.beneficiaries.iter().map(|b| b.last_name.as_str()).collect();
        assert_eq!(names, ["D'Angelo", "Rossi"]);
        let rossi_paid: Vec<NaiveDate> = f.beneficiaries[1].benefits.iter().map(|b| b.paid_on).collect();
        assert_eq!(rossi_paid, [d(2019, 9, 1), d(2019, 10, 1)]);
        let xml = f.to_xml();
        assert!(xml.contains("Cognome=\"D&apos;Angelo\""), "{xml}");
        assert!(xml.contains("Genere=\"2\""));
        assert!(xml.contains("CodiceRegione=\"03\" CodiceComune=\"015146\" CodiceNazione=\"380\""));
        assert!(xml.contains("ImportoPrestazione=\"250.50\""));
        assert!(xml.contains("LuogoNascita=\"F205\""));
        assert_eq!(xml.matches("<PrestazioniSociali ").count(), 3);
    }

    #[test]
    fn what_the_schema_cannot_take_is_refused_with_its_field() {
        let mut p = person("RSSMRA40A01F205N", "Rossi", "Mario", Sex::M);
        p.residence = "Z330".into();
        let e = flow(&ente(), d(2026, 12, 2), 1, &[payment(&p, "B2-7", d(2019, 9, 1), "1.00")]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("payments[0].person.residence"));

        let p = person("RSSMRA40A01F205N", "Rossi", "Mario", Sex::M);
        let e = flow(&ente(), d(2026, 12, 2), 1, &[payment(&p, "B2-7", d(2019, 9, 1), "0.00")]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("payments[0].amount"));
        let e = flow(&ente(), d(2026, 12, 2), 1, &[payment(&p, "B2-7", d(2018, 9, 1), "5.00")]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("payments[0].measure"));
        assert!(flow(&ente(), d(2026, 12, 2), 1, &[]).is_err());
    }

    #[test]
    fn unknown_citizenship_is_990_and_long_names_are_cut_whole() {
        let mut p = person("RSSMRA40A01F205N", "Rossi", "Mario", Sex::M);
        p.citizenship = None;
        p.last_name = "Àlvarez de la Peña y Fernández de Córdoba Ortíz".into();
        let f =
            flow(&ente(), d(2026, 12, 2), 1, &[payment(&p, "B2-7", d(2019, 9, 1), "1.00")]).expect("flow");
        let b = &f.beneficiaries[0];
        assert_eq!(b.citizenship, "990");
        assert_eq!(b.last_name.chars().count(), 36);
        assert!(b.last_name.starts_with("Àlvarez"));
    }
}
