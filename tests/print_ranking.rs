//! The public ranking PDF: no names, Italian scores, thousands of rows.

use crate::print_support as support;

use sportello::print::ranking::{self, PublicRanking, PublicRow, PublicStatus};
use sportello::Money;
use support::*;

fn ranking(rows: Vec<PublicRow>) -> PublicRanking {
    PublicRanking {
        title: "Misura B2 anziani — graduatoria 2019".into(),
        office: "Comune di Milano\nDirezione Politiche Sociali — Ufficio Titoli Sociali\nlargo Treves 1, 20121 Milano".into(),
        rule_set: "milano-b2-2019".into(),
        published_on: date("2025-11-07"),
        appeal_deadline: date("2025-12-09"),
        version: 1,
        budget: Money::parse("20000.00").unwrap(),
        rows,
    }
}

fn row(
    position: Option<u32>,
    protocol: &str,
    score: Option<&str>,
    status: PublicStatus,
    amount: Option<&str>,
) -> PublicRow {
    PublicRow {
        position,
        protocol: protocol.into(),
        score: score.map(String::from),
        status,
        amount: amount.map(|a| Money::parse(a).unwrap()),
    }
}

fn small() -> PublicRanking {
    ranking(vec![
        row(Some(1), "2019/000123", Some("9.250"), PublicStatus::Funded, Some("4800.00")),
        row(Some(2), "2019/000101", Some("7.125"), PublicStatus::Funded, Some("12000.00")),
        row(Some(3), "2019/000871", Some("3.114"), PublicStatus::AdmittedNotFunded, None),
        row(None, "2019/000042", None, PublicStatus::NotAdmitted, None),
    ])
}

#[test]
fn a_ranking_prints_its_facts_and_rows_the_italian_way() {
    let r = small();
    let text = pdf_text(&ranking::render(&r).unwrap());
    let flat = squash(&text);
    for s in [
        "Comune di Milano",
        "Misura B2 anziani — graduatoria 2019",
        "milano-b2-2019",
        "07/11/2025",
        "versione 1",
        "ricorsi entro il 09/12/2025",
        "20.000,00 €",
        // Allocated and remaining, from the funded amounts.
        "assegnato 16.800,00 €",
        "residuo 3.200,00 €",
        "Ammessi e finanziati (2)",
        "Ammessi non finanziati (1)",
        "Non ammessi (1)",
        "1 2019/000123 9,250 Ammesso e finanziato 4.800,00 €",
        "2 2019/000101 7,125 Ammesso e finanziato 12.000,00 €",
        "3 2019/000871 3,114 Ammesso non finanziato",
        "— 2019/000042 — Non ammesso",
        "d.lgs. 33/2013",
        "pagina 1 di 1",
    ] {
        assert!(flat.contains(s), "missing «{s}» in\n{text}");
    }
    // Scores never with the decimal point of the files.
    assert!(!flat.contains("9.250") && !flat.contains("3.114"));
}

#[test]
fn an_empty_section_says_so() {
    let r = ranking(vec![row(Some(1), "2019/000001", Some("5.000"), PublicStatus::Funded, Some("100.00"))]);
    let flat = squash(&pdf_text(&ranking::render(&r).unwrap()));
    assert!(flat.contains("Ammessi non finanziati (0) Nessuna domanda"), "{flat}");
    assert!(flat.contains("Non ammessi (0) Nessuna domanda"));
}

#[test]
fn a_later_version_says_what_it_replaces() {
    let mut r = small();
    r.version = 2;
    let flat = squash(&pdf_text(&ranking::render(&r).unwrap()));
    assert!(flat.contains("versione 2"));
    assert!(flat.contains("sostituisce la versione 1"));
}

#[test]
fn thousands_of_rows_paginate_with_the_header_on_every_page() {
    let n = 3000u32;
    let rows = (0..n)
        .map(|i| {
            let protocol = format!("2019/{:06}", 100_000 + i);
            match i {
                0..=99 => row(Some(i + 1), &protocol, Some("8.500"), PublicStatus::Funded, Some("4800.00")),
                100..=2799 => {
                    row(Some(i + 1), &protocol, Some("4.250"), PublicStatus::AdmittedNotFunded, None)
                }
                _ => row(None, &protocol, None, PublicStatus::NotAdmitted, None),
            }
        })
        .collect();
    let mut r = ranking(rows);
    r.budget = Money::parse("480000.00").unwrap();
    let bytes = ranking::render(&r).unwrap();
    let text = pdf_text(&bytes);
    let pages: Vec<&str> = text.split('\x0c').filter(|p| !p.trim().is_empty()).collect();
    assert!(pages.len() > 50, "{} pages", pages.len());
    for (i, page) in pages.iter().enumerate() {
        let flat = squash(page);
        assert!(flat.contains("Posizione Protocollo Punteggio Esito Importo"), "no header on page {}", i + 1);
        assert!(flat.contains(&format!("pagina {} di {}", i + 1, pages.len())));
    }
    let counts = word_counts(&text);
    for i in 0..n {
        let protocol = format!("2019/{:06}", 100_000 + i);
        assert_eq!(counts.get(&protocol), Some(&1), "{protocol}");
    }
    // A page that continues a section says which one.
    assert!(text.contains("Ammessi non finanziati (2700) (segue)"));
}
