//! Helpers shared by the print tests (included with `#[path]`): text extraction
//! with poppler's `pdftotext`, as a reader of the PDF would get it, and the
//! household of shared/examples/project-agreement.json as a validated model.
#![allow(dead_code)]

use std::collections::HashMap;
use std::process::Command;

use chrono::NaiveDate;
use sportello::cf::Cf;
use sportello::domain::agreement::{Patto, PattoCommitment, PattoMember, PattoSupport};
use sportello::domain::signers::SignLine;
use sportello::domain::Office;

/// shared/examples/project-agreement.json, verbatim (the tests must not depend
/// on where the specs are checked out).
pub const EXAMPLE_JSON: &str = r#"{
 "comune": "F205",
 "office": {
  "name": "Servizi Sociali Territoriali — Municipio 4",
  "address": "largo Treves 1, 20121 Milano",
  "phone": "02 884.63068",
  "email": "pss.sostegnoalreddito@comune.milano.it"
 },
 "case_number": "2026/000123",
 "analysis_date": "2026-11-20",
 "operator": "Anna Verdi",
 "members": [
  {
   "id": "m1",
   "first_name": "Niccolò",
   "last_name": "Dell'Orto",
   "codice_fiscale": "DLLNCL80A01F205Q",
   "birth_date": "1980-01-01",
   "role": "richiedente"
  },
  {
   "id": "m2",
   "first_name": "Thị Lan",
   "last_name": "Nguyễn",
   "codice_fiscale": "NGYTLN88S60Z251L",
   "birth_date": "1988-11-20",
   "role": "coniuge"
  },
  {
   "id": "m3",
   "first_name": "Zoë",
   "last_name": "Dell'Orto",
   "codice_fiscale": "DLLZOE15P70F205X",
   "birth_date": "2015-09-30",
   "role": "figlia",
   "guardian": "m2"
  }
 ],
 "objectives": [
  "Raggiungere l'autonomia economica del nucleo entro dodici mesi.",
  "Garantire la frequenza scolastica regolare di Zoë."
 ],
 "commitments": [
  {
   "member": "m1",
   "text": "Presentarsi al Centro per l'impiego (AFOL Metropolitana) per il colloquio di orientamento e sottoscrivere il patto di servizio.",
   "due": "2026-12-15"
  },
  {
   "member": "m2",
   "text": "Frequentare il corso di lingua italiana livello A2, almeno l'80% delle ore previste.",
   "due": "2027-03-31"
  },
  {
   "member": "m3",
   "text": "Frequentare regolarmente la scuola primaria; i genitori mantengono i contatti con gli insegnanti.",
   "due": "2027-06-10"
  }
 ],
 "supports": [
  "Colloqui di monitoraggio con l'assistente sociale ogni 90 giorni.",
  "Orientamento e ricerca attiva del lavoro con il Centro per l'impiego."
 ]
}"#;

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The example as the command line's door builds it, with the deadline of
/// rules.md §1.3 (20 working days from Fri 20/11/2026 in Milano: Tue 22/12/2026).
pub fn example_document() -> Patto {
    let member =
        |id: &str, first: &str, last: &str, cf: &str, birth: &str, place: &str, role: &str, minor: bool| {
            PattoMember {
                id: id.into(),
                first_name: first.into(),
                last_name: last.into(),
                codice_fiscale: Cf::check(cf).unwrap(),
                birth_date: date(birth),
                birthplace: Some(place.into()),
                role: role.into(),
                minor,
            }
        };
    let commitment = |member: usize, text: &str, due: &str| PattoCommitment {
        member,
        others: Vec::new(),
        text: text.into(),
        due: date(due),
    };
    let support = |s: &str| PattoSupport { description: s.into(), provider: None };
    Patto {
        office: Office {
            name: "Servizi Sociali Territoriali — Municipio 4".into(),
            address: "largo Treves 1, 20121 Milano".into(),
            phone: "02 884.63068".into(),
            email: "pss.sostegnoalreddito@comune.milano.it".into(),
            comune: "F205".into(),
        },
        comune_name: "Milano".into(),
        case_number: "2026/000123".into(),
        analysis_date: date("2026-11-20"),
        operator: "Anna Verdi".into(),
        members: vec![
            member("m1", "Niccolò", "Dell'Orto", "DLLNCL80A01F205Q", "1980-01-01", "Milano (MI)", "richiedente", false),
            member("m2", "Thị Lan", "Nguyễn", "NGYTLN88S60Z251L", "1988-11-20", "Vietnam", "coniuge", false),
            member("m3", "Zoë", "Dell'Orto", "DLLZOE15P70F205X", "2015-09-30", "Milano (MI)", "figlia", true),
        ],
        objectives: vec![
            "Raggiungere l'autonomia economica del nucleo entro dodici mesi.".into(),
            "Garantire la frequenza scolastica regolare di Zoë.".into(),
        ],
        expected_results: Vec::new(),
        commitments: vec![
            commitment(
                0,
                "Presentarsi al Centro per l'impiego (AFOL Metropolitana) per il colloquio di orientamento e \
                 sottoscrivere il patto di servizio.",
                "2026-12-15",
            ),
            commitment(
                1,
                "Frequentare il corso di lingua italiana livello A2, almeno l'80% delle ore previste.",
                "2027-03-31",
            ),
            commitment(
                2,
                "Frequentare regolarmente la scuola primaria; i genitori mantengono i contatti con gli insegnanti.",
                "2027-06-10",
            ),
        ],
        supports: vec![
            support("Colloqui di monitoraggio con l'assistente sociale ogni 90 giorni."),
            support("Orientamento e ricerca attiva del lavoro con il Centro per l'impiego."),
        ],
        meetings: Vec::new(),
        signing_deadline: date("2026-12-22"),
        signing_working_days: 20,
        signatures: vec![
            SignLine { member: 0, signer: 0 },
            SignLine { member: 1, signer: 1 },
            SignLine { member: 2, signer: 1 },
        ],
        follow_up: Default::default(),
    }
}

fn poppler(tool: &str, args: &[&str], bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("documento.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("{tool} (poppler-utils) is required by the print tests: {e}"));
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

/// The text of a PDF as `pdftotext` extracts it, pages separated by form feeds.
pub fn pdf_text(bytes: &[u8]) -> String {
    poppler("pdftotext", &["-enc", "UTF-8"], bytes)
}

/// `pdfinfo` output (title, page count, page size).
pub fn pdf_info(bytes: &[u8]) -> String {
    poppler("pdfinfo", &["-enc", "UTF-8"], bytes)
}

/// Text with every run of whitespace (line ends, page breaks) as one space, so
/// that a phrase can be found whatever line it was wrapped on.
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn word_counts(s: &str) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for w in s.split_whitespace() {
        *m.entry(w.to_string()).or_insert(0) += 1;
    }
    m
}

pub fn page_count(text: &str) -> usize {
    text.split('\x0c').filter(|p| !p.trim().is_empty()).count()
}
