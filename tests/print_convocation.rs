//! The convocation letter, read back with pdftotext.

use crate::print_support as support;

use chrono::NaiveTime;
use sportello::print::convocation::{self, default_bring, Convocation};
use support::*;

fn letter() -> Convocation {
    let office = example_document().office;
    Convocation {
        office,
        comune_name: Some("Milano".into()),
        case_number: "2026/000123".into(),
        issued_on: date("2026-11-02"),
        recipient_name: "Niccolò Dell'Orto".into(),
        recipient_address: "via Padova 21\n20127 Milano (MI)".into(),
        date: date("2026-11-20"),
        time: NaiveTime::from_hms_opt(10, 30, 0).unwrap(),
        place: "largo Treves 1, 4° piano, stanza 412".into(),
        ask_for: "Anna Verdi, assistente sociale".into(),
        bring: default_bring(),
        purpose: None,
        notes: Some("Può essere presente un mediatore linguistico: lo segnali all'ufficio.".into()),
        operator: "Anna Verdi".into(),
    }
}

#[test]
fn the_letter_says_who_when_where_whom_and_what_to_bring() {
    let c = letter();
    let text = pdf_text(&convocation::render(&c).unwrap());
    let flat = squash(&text);
    for s in [
        "Comune di Milano",
        "Servizi Sociali Territoriali — Municipio 4",
        "Milano, 02/11/2026",
        "Pratica n. 2026/000123",
        "Niccolò Dell'Orto",
        "via Padova 21",
        "20127 Milano (MI)",
        "venerdì 20/11/2026 alle ore 10:30",
        "largo Treves 1, 4° piano, stanza 412",
        "Al Suo arrivo chieda di Anna Verdi, assistente sociale.",
        "documento d'identità",
        "codice fiscale",
        "attestazione ISEE in corso di validità",
        "mediatore linguistico",
        "02 884.63068",
        "Regolamento (UE) 2016/679",
        "Informativa sul trattamento dei dati personali",
        "pagina 1 di 1",
    ] {
        assert!(flat.contains(s), "missing «{s}» in\n{text}");
    }
}

#[test]
fn an_appointment_before_the_letter_or_without_a_place_is_refused() {
    let mut c = letter();
    c.date = date("2026-11-01");
    assert_eq!(convocation::render(&c).unwrap_err().field.as_deref(), Some("date"));
    let mut c = letter();
    c.place = " ".into();
    assert_eq!(c.check().unwrap_err().field.as_deref(), Some("place"));
    let mut c = letter();
    c.bring.push(String::new());
    assert_eq!(c.check().unwrap_err().field.as_deref(), Some("bring[4]"));
}

#[test]
fn a_long_list_flows_onto_further_pages() {
    let mut c = letter();
    c.bring = (0..60).map(|i| format!("documento numero {i} richiesto")).collect();
    let text = pdf_text(&convocation::render(&c).unwrap());
    let pages = page_count(&text);
    assert!(pages >= 2, "{pages}");
    let flat = squash(&text);
    for i in 0..60 {
        assert!(flat.contains(&format!("documento numero {i} richiesto")));
    }
    assert!(flat.contains(&format!("pagina {pages} di {pages}")));
    // The signature and the privacy note come after the whole list.
    let last = flat.rfind("documento numero 59 richiesto").unwrap();
    assert!(flat.rfind("Informativa sul trattamento").unwrap() > last);
}

/// The seed's office was named "Comune di Milano — Servizi Sociali
/// Territoriali": its heading printed "Comune di Milano" twice (issue 15).
#[test]
fn the_comune_heads_the_letter_once_and_the_informativa_reads_dal_comune() {
    let mut c = letter();
    c.office.name = "Comune di Milano — Servizi Sociali Territoriali".into();
    let flat = squash(&pdf_text(&convocation::render(&c).unwrap()));
    let heading = &flat[..flat.find("Milano, 02/11/2026").expect("date line")];
    assert_eq!(heading.matches("Comune di Milano").count(), 1, "{heading}");
    assert!(heading.contains("Servizi Sociali Territoriali"), "{heading}");
    assert!(flat.contains("trattati dal Comune di Milano, titolare"), "{flat}");
    assert!(!flat.contains("da il Comune"), "{flat}");
    // Nor again under the signature: the heading and the informativa only.
    assert_eq!(flat.matches("Comune di Milano").count(), 2, "{flat}");
    let signature =
        &flat[flat.find("L'operatore di riferimento").unwrap()..flat.find("Informativa").unwrap()];
    assert!(signature.contains("Anna Verdi Servizi Sociali Territoriali"), "{signature}");
}

#[test]
fn the_letter_says_the_purpose_it_is_given() {
    let mut c = letter();
    let flat = squash(&pdf_text(&convocation::render(&c).unwrap()));
    assert!(flat.contains("per il colloquio di analisi preliminare"), "the default: {flat}");
    c.purpose = sportello::domain::ConvocationPurpose::FirmaPatto.phrase().map(String::from);
    let flat = squash(&pdf_text(&convocation::render(&c).unwrap()));
    assert!(flat.contains("stanza 412, per la firma del progetto personalizzato (patto)"), "{flat}");
    assert!(!flat.contains("analisi preliminare"), "{flat}");
}
