//! The printed project agreement, read back with pdftotext.

use crate::print_support as support;

use sportello::calendar::Comuni;
use sportello::domain::agreement::{AgreementInput, Patto, PattoCommitment};
use sportello::print::agreement;
use support::*;

fn today() -> chrono::NaiveDate {
    date("2026-11-25")
}

#[test]
fn the_example_prints_every_member_commitment_and_the_deadline() {
    let doc = example_document();
    let bytes = agreement::render(&doc).unwrap();
    let text = pdf_text(&bytes);
    let flat = squash(&text);

    let must = [
        "Comune di Milano",
        "Servizi Sociali Territoriali — Municipio 4",
        "largo Treves 1, 20121 Milano",
        "02 884.63068",
        "pss.sostegnoalreddito@comune.milano.it",
        "Progetto personalizzato — Patto per l'inclusione",
        "2026/000123",
        "20/11/2026",
        // The household, with codice fiscale and gg/mm/aaaa birth dates.
        "Niccolò Dell'Orto",
        "Thị Lan Nguyễn",
        "Zoë Dell'Orto",
        "DLLNCL80A01F205Q",
        "NGYTLN88S60Z251L",
        "DLLZOE15P70F205X",
        "01/01/1980",
        "20/11/1988",
        "30/09/2015",
        "richiedente",
        "coniuge",
        // Objectives and supports.
        "Raggiungere l'autonomia economica del nucleo entro dodici mesi.",
        "Garantire la frequenza scolastica regolare di Zoë.",
        "Colloqui di monitoraggio con l'assistente sociale ogni 90 giorni.",
        "Orientamento e ricerca attiva del lavoro con il Centro per l'impiego.",
        // Each commitment with its member and its due date.
        "Niccolò Dell'Orto — entro il 15/12/2026",
        "Thị Lan Nguyễn — entro il 31/03/2027",
        "Zoë Dell'Orto (minore) — entro il 10/06/2027",
        "Presentarsi al Centro per l'impiego (AFOL Metropolitana) per il colloquio di orientamento e sottoscrivere il patto di servizio.",
        "Frequentare il corso di lingua italiana livello A2, almeno l'80% delle ore previste.",
        "Frequentare regolarmente la scuola primaria; i genitori mantengono i contatti con gli insegnanti.",
        // The deadline and why.
        "da sottoscrivere entro il 22/12/2026",
        "20 giorni lavorativi",
        // Signature lines: adults by name, the minor through her guardian, the operator.
        "Niccolò Dell'Orto (richiedente)",
        "Thị Lan Nguyễn (coniuge)",
        "per Zoë Dell'Orto, minore: firma del genitore/tutore Thị Lan Nguyễn",
        "Anna Verdi",
    ];
    for phrase in must {
        assert!(flat.contains(phrase), "missing «{phrase}» in:\n{text}");
    }
    // One signature line per adult, one for the minor, one for the operator.
    assert_eq!(flat.matches("Firma").count(), 4, "{text}");
    // Zoë never signs for herself.
    assert!(!flat.contains("Zoë Dell'Orto (figlia)"));

    let pages = page_count(&text);
    for n in 1..=pages {
        assert!(flat.contains(&format!("pagina {n} di {pages}")), "footer of page {n}");
    }
    assert!(flat.contains("pagina 1 di "));
}

#[test]
fn the_pdf_is_a4_with_a_title() {
    let bytes = agreement::render(&example_document()).unwrap();
    let info = pdf_info(&bytes);
    assert!(
        info.contains("Progetto personalizzato — Patto per l'inclusione — pratica 2026/000123"),
        "{info}"
    );
    assert!(info.contains("(A4)"), "{info}");
    // The document is dated by its analysis, never by the clock.
    assert!(info.contains("2026"), "{info}");
}

#[test]
fn long_commitments_flow_onto_further_pages_and_no_word_is_lost() {
    let mut doc = example_document();
    // 40 commitments of ~3000 characters, every word unique so that a lost,
    // cut or repeated word shows up in the count.
    let mut expected = Vec::new();
    doc.commitments = (0..40)
        .map(|i| {
            let mut text = String::new();
            let mut j = 0;
            while text.len() < 3000 {
                let word = format!("impegno{i}parola{j}è");
                text.push_str(&word);
                text.push(' ');
                expected.push(word);
                j += 1;
            }
            PattoCommitment { member: i % 3, others: Vec::new(), text, due: date("2027-01-31") }
        })
        .collect();
    let bytes = agreement::render(&doc).unwrap();
    let text = pdf_text(&bytes);
    let counts = word_counts(&text);
    for w in &expected {
        assert_eq!(counts.get(w.as_str()), Some(&1), "«{w}» lost or repeated");
    }
    let pages = page_count(&text);
    assert!(pages >= 10, "{pages} pages");
    let flat = squash(&text);
    for n in 1..=pages {
        assert!(flat.contains(&format!("pagina {n} di {pages}")));
    }
    // The end of the document is still there after the flow.
    assert!(flat.contains("da sottoscrivere entro il 22/12/2026"));
    assert!(flat.contains("per Zoë Dell'Orto, minore: firma del genitore/tutore Thị Lan Nguyễn"));
}

#[test]
fn hostile_and_foreign_names_print_literally() {
    let mut doc = example_document();
    doc.members[0].first_name = "<img src=x onerror=alert(1)>".into();
    doc.members[1].last_name = "Nguyễn Thị Dell'Orto".into();
    doc.members[1].first_name = "Ngọc Ánh".into();
    doc.operator = "Renée O'Brien «Łukasz» Ğül".into();
    let flat = squash(&pdf_text(&agreement::render(&doc).unwrap()));
    for s in [
        "<img src=x onerror=alert(1)> Dell'Orto",
        "Ngọc Ánh Nguyễn Thị Dell'Orto",
        "firma del genitore/tutore Ngọc Ánh Nguyễn Thị Dell'Orto",
        "Renée O'Brien «Łukasz» Ğül",
    ] {
        assert!(flat.contains(s), "missing «{s}»");
    }
}

/// The file's door builds exactly the value the printer is tested with.
#[test]
fn the_example_file_becomes_the_example_patto() {
    assert_eq!(patto(&input()), example_document());
}

/// One rule (cli.md): a minor with no commitment of their own signs nothing,
/// nobody signs for them; an adult signs for themselves, so a guardian named
/// for an adult is a mistake in the file.
#[test]
fn a_minor_without_commitments_signs_nothing_and_an_adults_guardian_is_refused() {
    let mut i = input();
    i.commitments.as_mut().unwrap().pop();
    let p = patto(&i);
    let pairs: Vec<_> = p.signatures.iter().map(|l| (l.member, l.signer)).collect();
    assert_eq!(pairs, [(0, 0), (1, 1)]);
    let flat = squash(&pdf_text(&agreement::render(&p).unwrap()));
    assert!(!flat.contains("per Zoë Dell'Orto"), "{flat}");
    assert_eq!(flat.matches("Firma").count(), 3, "two adults and the operator: {flat}");

    let mut i = input();
    i.members.as_mut().unwrap()[0].guardian = Some("m2".into());
    let (field, message) = field_of(&i);
    assert_eq!(field, "members[m1].guardian");
    assert!(message.contains("Niccolò Dell'Orto"), "{message}");
}

// ------------------------------------------------------------ validation

fn input() -> AgreementInput {
    AgreementInput::from_json(EXAMPLE_JSON).unwrap()
}

fn patto(input: &AgreementInput) -> Patto {
    input.to_patto(today(), Comuni::builtin()).unwrap()
}

/// The first refusal of the file's door or of the printer's font check.
fn field_of(input: &AgreementInput) -> (String, String) {
    let e = input.to_patto(today(), Comuni::builtin()).and_then(|p| agreement::check(&p)).unwrap_err();
    (e.field.unwrap_or_default(), e.message)
}

#[test]
fn missing_top_level_fields_are_named() {
    let mut i = input();
    i.operator = None;
    assert_eq!(field_of(&i).0, "operator");
    let mut i = input();
    i.case_number = Some("  ".into());
    assert_eq!(field_of(&i).0, "case_number");
    let mut i = input();
    i.analysis_date = Some("20/11/2026".into());
    assert_eq!(field_of(&i).0, "analysis_date");
    let mut i = input();
    i.office.as_mut().unwrap().address = None;
    assert_eq!(field_of(&i).0, "office.address");
}

#[test]
fn bad_json_names_its_line() {
    let broken = EXAMPLE_JSON.replacen("\"case_number\": \"2026/000123\"", "\"case_number\": 2026", 1);
    let e = AgreementInput::from_json(&broken).unwrap_err();
    assert_eq!(e.line, Some(9));
}

#[test]
fn the_example_validates_and_zoe_is_signed_for_by_her_guardian() {
    let v = patto(&input());
    assert_eq!(v.members.len(), 3);
    assert!(!v.members[0].minor && !v.members[1].minor && v.members[2].minor);
    let pairs: Vec<_> = v.signatures.iter().map(|l| (l.member, l.signer)).collect();
    assert_eq!(pairs, [(0, 0), (1, 1), (2, 1)]);
    assert_eq!(v.commitments[2].member, 2);
    assert_eq!(v.analysis_date, date("2026-11-20"));
}

#[test]
fn a_minor_without_guardian_is_signed_for_by_the_richiedente() {
    let mut i = input();
    i.members.as_mut().unwrap()[2].guardian = None;
    let v = patto(&i);
    assert_eq!((v.signatures[2].member, v.signatures[2].signer), (2, 0));
}

/// An edit of the example input that makes it invalid.
type Change = Box<dyn Fn(&mut AgreementInput)>;

#[test]
fn input_errors_name_the_member_and_the_field() {
    let cases: Vec<(&str, Change)> = vec![
        (
            "members[m2].codice_fiscale",
            Box::new(|i| i.members.as_mut().unwrap()[1].codice_fiscale = Some("NGYTLN88S60Z251X".into())),
        ),
        ("members[m3].last_name", Box::new(|i| i.members.as_mut().unwrap()[2].last_name = None)),
        (
            "members[m1].birth_date",
            Box::new(|i| i.members.as_mut().unwrap()[0].birth_date = Some("1980-02-30".into())),
        ),
        (
            "members[m1].birth_date",
            Box::new(|i| i.members.as_mut().unwrap()[0].birth_date = Some("1981-01-01".into())),
        ),
        ("members[m1].birth_date", Box::new(|i| i.analysis_date = Some("1979-12-31".into()))),
        ("analysis_date", Box::new(|i| i.analysis_date = Some("2026-11-31".into()))),
        ("members[m3].guardian", Box::new(|i| i.members.as_mut().unwrap()[2].guardian = Some("m9".into()))),
        ("members[m3].guardian", Box::new(|i| i.members.as_mut().unwrap()[2].guardian = Some("m3".into()))),
        (
            "commitments[1].member",
            Box::new(|i| i.commitments.as_mut().unwrap()[1].member = Some("m7".into())),
        ),
        ("commitments[0].due", Box::new(|i| i.commitments.as_mut().unwrap()[0].due = None)),
        ("commitments[2].text", Box::new(|i| i.commitments.as_mut().unwrap()[2].text = Some(" ".into()))),
        ("objectives", Box::new(|i| i.objectives = Some(vec![]))),
        (
            "members[m3].first_name",
            Box::new(|i| i.members.as_mut().unwrap()[2].first_name = Some("Zoë 王小明".into())),
        ),
        (
            "commitments[0].text",
            Box::new(|i| i.commitments.as_mut().unwrap()[0].text = Some("Firmare 签 subito".into())),
        ),
        ("supports[1]", Box::new(|i| i.supports.as_mut().unwrap()[1] = String::new())),
        ("members[1].id", Box::new(|i| i.members.as_mut().unwrap()[1].id = None)),
        ("members[m1].id", Box::new(|i| i.members.as_mut().unwrap()[1].id = Some("m1".into()))),
    ];
    for (field, change) in cases {
        let mut i = input();
        change(&mut i);
        let (got, message) = field_of(&i);
        assert_eq!(got, field, "{message}");
        assert!(!message.is_empty());
    }
}

#[test]
fn a_minor_guardian_or_no_adult_richiedente_is_refused() {
    // Zoë's guardian is her (minor) brother.
    let mut i = input();
    let mut brother = i.members.as_ref().unwrap()[2].clone();
    brother.id = Some("m4".into());
    brother.first_name = Some("Luca".into());
    brother.guardian = Some("m1".into());
    i.members.as_mut().unwrap().push(brother);
    i.members.as_mut().unwrap()[2].guardian = Some("m4".into());
    let (field, message) = field_of(&i);
    assert_eq!(field, "members[m3].guardian");
    assert!(message.contains("Luca Dell'Orto") && message.contains("minore"), "{message}");

    // No guardian and no richiedente: nobody may sign for Zoë.
    let mut i = input();
    i.members.as_mut().unwrap()[2].guardian = None;
    i.members.as_mut().unwrap()[0].role = Some("padre".into());
    let (field, message) = field_of(&i);
    assert_eq!(field, "members[m3].guardian");
    assert!(message.contains("Zoë Dell'Orto"), "{message}");
}

#[test]
fn the_deadline_is_twenty_working_days_in_the_comunes_calendar() {
    let milano = patto(&input());
    assert_eq!(milano.signing_deadline, date("2026-12-22"));
    assert_eq!(milano.comune_name, "Milano");
    // Sesto San Giovanni's patron day is in June: 7 December is an office day there.
    let mut i = input();
    i.comune = Some("I690".into());
    let sesto = patto(&i);
    assert_eq!(sesto.signing_deadline, date("2026-12-21"));
    let flat = squash(&pdf_text(&agreement::render(&sesto).unwrap()));
    assert!(flat.contains("Comune di Sesto San Giovanni"));
    assert!(flat.contains("da sottoscrivere entro il 21/12/2026"));
}

#[test]
fn a_followed_project_prints_its_meetings_the_next_one_and_the_closure_and_a_new_one_prints_none() {
    use sportello::domain::agreement::{FollowUp, HeldMeeting, PattoClosure, PattoProgress};
    // A patto to sign has no follow-up: none of its words on the paper.
    let plain = squash(&pdf_text(&agreement::render(&example_document()).unwrap()));
    for word in ["Andamento del progetto", "Prossimo incontro", "Chiusura del progetto"] {
        assert!(!plain.contains(word), "{word}");
    }

    let mut doc = example_document();
    let progress = |commitment: &str, progress: &str, note: Option<&str>| PattoProgress {
        commitment: commitment.into(),
        progress: progress.into(),
        note: note.map(String::from),
    };
    doc.follow_up = FollowUp {
        meetings: vec![
            HeldMeeting {
                held_on: date("2027-02-15"),
                members_present: vec!["Niccolò Dell'Orto".into(), "Thị Lan Nguyễn".into()],
                others: vec![
                    "Anna Verdi".into(),
                    "Paola Neri, orientatrice del Centro per l'impiego (AFOL)".into(),
                ],
                progress: vec![
                    progress(
                        "Niccolò Dell'Orto: Presentarsi al Centro per l'impiego",
                        "in corso",
                        Some("Colloquio fissato per il 3 marzo."),
                    ),
                    progress("Thị Lan Nguyễn: Frequentare il corso di lingua italiana", "rispettato", None),
                ],
                note: Some("La famiglia ha portato l'ISEE aggiornato.".into()),
            },
            HeldMeeting {
                held_on: date("2027-05-17"),
                members_present: vec!["Niccolò Dell'Orto".into()],
                others: vec!["Anna Verdi".into()],
                progress: vec![progress(
                    "Niccolò Dell'Orto: Presentarsi al Centro per l'impiego",
                    "sospeso",
                    Some("Ricovero ospedaliero di aprile."),
                )],
                note: None,
            },
        ],
        next_meeting: Some(date("2027-08-16")),
        closure: None,
    };
    let text = squash(&pdf_text(&agreement::render(&doc).unwrap()));
    for want in [
        "Andamento del progetto",
        "Incontro di monitoraggio di lunedì 15/02/2027",
        "Presenti per il nucleo: Niccolò Dell'Orto, Thị Lan Nguyễn",
        "Paola Neri, orientatrice del Centro per l'impiego (AFOL)",
        "Colloquio fissato per il 3 marzo.",
        "rispettato",
        "sospeso",
        "Ricovero ospedaliero di aprile.",
        "La famiglia ha portato l'ISEE aggiornato.",
        "Incontro di monitoraggio di lunedì 17/05/2027",
        "Prossimo incontro di monitoraggio: lunedì 16/08/2027",
    ] {
        assert!(text.contains(&squash(want)), "«{want}» in {text}");
    }
    assert!(!text.contains("Chiusura del progetto"));

    // Closed: the closure with each objective's outcome, no next meeting.
    doc.follow_up.next_meeting = None;
    doc.follow_up.closure = Some(PattoClosure {
        closed_on: date("2027-11-30"),
        reason: "obiettivi raggiunti".into(),
        note: Some("Contratto a tempo indeterminato.".into()),
        objectives: vec![
            (doc.objectives[0].clone(), "raggiunto".into(), None),
            (
                doc.objectives[1].clone(),
                "parzialmente raggiunto".into(),
                Some("Assenze in primavera.".into()),
            ),
        ],
    });
    let bytes = agreement::render(&doc).unwrap();
    let text = squash(&pdf_text(&bytes));
    for want in [
        "Chiusura del progetto",
        "Progetto concluso il 30/11/2027: obiettivi raggiunti. Contratto a tempo indeterminato.",
        "Obiettivo",
        "Esito",
        "parzialmente raggiunto",
        "Assenze in primavera.",
    ] {
        assert!(text.contains(&squash(want)), "«{want}» in {text}");
    }
    assert!(!text.contains("Prossimo incontro"));
    if let Ok(dir) = std::env::var("SPORTELLO_KEEP_PDF") {
        std::fs::write(std::path::Path::new(&dir).join("patto-andamento.pdf"), &bytes).unwrap();
    }
}
