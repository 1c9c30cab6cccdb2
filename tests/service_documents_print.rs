//! The printing commands of the app: the patto from the stored project, the
//! convocation letter, the esito of the eligibility check, each filed in the
//! case's folder, listed, and opened through `document_open`.

use crate::print_support;
use crate::service_support;

use print_support::{page_count, pdf_text, squash};
use serde_json::json;
use service_support::{analysis_json, create_family, env, project_json};
use sportello::domain::{DocumentKind, Household, Id, Project, ProjectStatus};
use sportello::service::Service;
use sportello::Code;

fn with_project(s: &Service, h: &Household) -> Project {
    s.analysis_save(
        serde_json::from_value(analysis_json(h, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
    )
    .unwrap();
    s.project_save(serde_json::from_value(project_json(h)).unwrap()).unwrap()
}

/// The text of a filed PDF. With `SPORTELLO_KEEP_PDF=<dir>` the file is also
/// copied there, to look at it (`pdftoppm -png`).
fn text_of(s: &Service, id: Id) -> String {
    squash(&pdf_text(&read_filed(s, id)))
}

fn read_filed(s: &Service, id: Id) -> Vec<u8> {
    let path = s.document_open(id).unwrap();
    if let Some(dir) = std::env::var_os("SPORTELLO_KEEP_PDF") {
        std::fs::copy(&path, std::path::Path::new(&dir).join(path.file_name().unwrap())).unwrap();
    }
    std::fs::read(path).unwrap()
}

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[test]
fn printing_the_agreement_files_it_and_sends_the_project_to_signature() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let p = with_project(s, &h);
    assert_eq!(p.status, ProjectStatus::Bozza);

    let doc = s.agreement_print(p.id).unwrap();
    assert_eq!(doc.kind, DocumentKind::Patto);
    assert_eq!(doc.household_id, h.id);
    assert!(doc.title.contains("22/12/2026"), "{}", doc.title);
    assert_eq!(s.documents_list(h.id).unwrap(), std::slice::from_ref(&doc));
    let text = text_of(s, doc.id);
    for name in ["Niccolò Dell'Orto", "Thị Lan Nguyễn", "Zoë Dell'Orto"] {
        assert!(text.contains(name), "{name} missing from the patto:\n{text}");
    }
    assert!(text.contains("da sottoscrivere entro il 22/12/2026"), "{text}");
    assert!(text.contains("entro 20 giorni lavorativi"), "{text}");
    assert!(text.contains("per Zoë Dell'Orto, minore: firma del genitore/tutore Thị Lan Nguyễn"), "{text}");
    assert!(text.contains("Pratica n. 2026/000001"), "{text}");

    let p = s.project_get(h.id).unwrap().unwrap();
    assert_eq!(p.status, ProjectStatus::DaFirmare, "the printed text is the one the family signs");

    // A reprint while waiting for signatures is another copy; the status stays.
    let again = s.agreement_print(p.id).unwrap();
    assert_ne!(again.id, doc.id);
    assert_eq!(s.project_get(h.id).unwrap().unwrap().status, ProjectStatus::DaFirmare);
    assert_eq!(s.documents_list(h.id).unwrap().len(), 2);

    let db = service_support::raw(&e.db());
    let audited: i64 = db
        .query_row("SELECT count(*) FROM audit_log WHERE action = 'agreement_print'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 2);
}

#[test]
fn a_project_not_ready_to_sign_is_not_printed_and_nothing_is_filed() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let mut form = project_json(&h);
    form["commitments"] = json!([]);
    s.analysis_save(
        serde_json::from_value(analysis_json(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
    )
    .unwrap();
    let p = s.project_save(serde_json::from_value(form).unwrap()).unwrap();
    let err = s.call("agreement_print", json!({"project_id": p.id.to_string()})).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("commitments")));
    assert!(s.documents_list(h.id).unwrap().is_empty());
    assert_eq!(files_in(&e.docs().join("2026-000001")), 0);
    assert_eq!(s.project_get(h.id).unwrap().unwrap().status, ProjectStatus::Bozza);

    let err = s.call("agreement_print", json!({"project_id": Id::new().to_string()})).unwrap_err();
    assert_eq!(err.code, Code::NotFound);
    let err = s.call("agreement_print", json!({})).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("project_id"));
}

#[test]
fn a_convocation_is_printed_for_the_richiedente_and_filed() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let v = s
        .call(
            "convocation_print",
            json!({
                "household_id": h.id.to_string(), "date": "2026-12-01", "time": "09:30",
                "purpose": "firma_patto",
                "place": "largo Treves 1, piano terra, stanza 4", "ask_for": "Anna Verdi",
                "bring": ["documento d'identità di Niccolò e Thị Lan", "", "pagella di Zoë"],
                "notes": "Se necessario è disponibile un mediatore linguistico."
            }),
        )
        .unwrap();
    assert_eq!(v["kind"], "convocazione");
    let id = Id::parse("id", v["id"].as_str().unwrap()).unwrap();
    let text = text_of(s, id);
    for want in [
        "Niccolò Dell'Orto",
        "via Padova 21, 20127 Milano",
        "martedì 01/12/2026 alle ore 09:30",
        "largo Treves 1, piano terra, stanza 4",
        "Anna Verdi",
        "documento d'identità di Niccolò e Thị Lan",
        "pagella di Zoë",
        "mediatore linguistico",
        "Pratica n. 2026/000001",
        "Milano, 20/11/2026",
    ] {
        assert!(text.contains(want), "«{want}» missing from the convocation:\n{text}");
    }
    assert_eq!(page_count(&pdf_text(&read_filed(s, id))), 1);

    // Without a list, the usual one.
    let doc = s
        .call(
            "convocation_print",
            json!({"household_id": h.id.to_string(), "date": "2026-12-02", "time": "15:00",
                   "purpose": "analisi_preliminare", "place": "largo Treves 1", "ask_for": "Anna Verdi"}),
        )
        .unwrap();
    let text = text_of(s, Id::parse("id", doc["id"].as_str().unwrap()).unwrap());
    assert!(text.contains("attestazione ISEE in corso di validità"), "{text}");

    // An address without the town gets the household's comune on the envelope.
    let mut form = sportello::domain::household::HouseholdInput::from(&s.household_get(h.id).unwrap());
    form.address = Some("via Padova 21".into());
    s.household_save(form).unwrap();
    let doc = s
        .call(
            "convocation_print",
            json!({"household_id": h.id.to_string(), "date": "2026-12-03", "time": "10:00",
                   "purpose": "monitoraggio", "place": "largo Treves 1", "ask_for": "Anna Verdi", "bring": []}),
        )
        .unwrap();
    let raw = pdf_text(&read_filed(s, Id::parse("id", doc["id"].as_str().unwrap()).unwrap()));
    assert!(raw.contains("via Padova 21\nMilano MI"), "{raw}");
    assert!(!raw.contains("La preghiamo di portare con sé"), "an empty list asks for nothing:\n{raw}");
    assert_eq!(s.documents_list(h.id).unwrap().len(), 3);

    // With the CAP the envelope has the postal line: CAP, comune, province.
    let mut form = sportello::domain::household::HouseholdInput::from(&s.household_get(h.id).unwrap());
    form.cap = Some("20127".into());
    s.household_save(form).unwrap();
    let doc = s
        .call(
            "convocation_print",
            json!({"household_id": h.id.to_string(), "date": "2026-12-04", "time": "10:00",
                   "place": "largo Treves 1", "ask_for": "Anna Verdi", "bring": [], "purpose": "analisi_preliminare"}),
        )
        .unwrap();
    let raw = pdf_text(&read_filed(s, Id::parse("id", doc["id"].as_str().unwrap()).unwrap()));
    assert!(raw.contains("via Padova 21\n20127 Milano MI"), "{raw}");
}

#[test]
fn convocation_mistakes_name_their_field() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let base = json!({"household_id": h.id.to_string(), "date": "2026-12-01", "time": "09:30",
                      "purpose": "analisi_preliminare", "place": "largo Treves 1", "ask_for": "Anna Verdi"});
    for (field, value) in [
        ("time", json!("9.30")),
        ("date", json!("2026-11-19")),
        ("place", json!("  ")),
        ("ask_for", json!(null)),
    ] {
        let mut input = base.clone();
        input[field] = value;
        let err = s.call("convocation_print", input).unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some(field)), "{}", err.message);
    }
    // A household with no address cannot be written to.
    let mut form = sportello::domain::household::HouseholdInput::from(&h);
    form.address = None;
    s.household_save(form).unwrap();
    let err = s.call("convocation_print", base).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("address"));
    assert!(err.message.contains("indirizzo"), "{}", err.message);
    assert!(s.documents_list(h.id).unwrap().is_empty());
}

#[test]
fn document_open_gives_the_file_in_the_viewing_area() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let p = with_project(s, &h);
    let doc = s.agreement_print(p.id).unwrap();
    let path = s.document_open(doc.id).unwrap();
    assert_eq!(path, s.viewing_dir().join(&doc.file_name));
    assert!(std::fs::read(&path).unwrap().starts_with(b"%PDF-"));
    let v = s.call("document_open", json!({"id": doc.id.to_string()})).unwrap();
    assert_eq!(v["path"], path.display().to_string());
    let err = s.call("document_open", json!({"id": Id::new().to_string()})).unwrap_err();
    assert_eq!(err.code, Code::NotFound);
    let err = s.call("document_open", json!({"id": "x"})).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("id"));
}

#[test]
fn the_esito_prints_every_measure_with_its_reasons_and_acts() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let v = s
        .call("esito_print", json!({"household_id": h.id.to_string(), "reference_date": "2026-11-20"}))
        .unwrap();
    assert_eq!(v["kind"], "esito_requisiti");
    let id = Id::parse("id", v["id"].as_str().unwrap()).unwrap();
    let raw = pdf_text(&read_filed(s, id));
    assert_eq!(page_count(&raw), 1, "one page:\n{raw}");
    let text = squash(&raw);
    for want in [
        "Esito verifica requisiti",
        "Pratica n. 2026/000001",
        "requisiti verificati alla data del 20/11/2026",
        "Niccolò Dell'Orto",
        "Thị Lan Nguyễn",
        "Zoë Dell'Orto",
        "Misura 1 — nuclei familiari con minori a carico: SPETTA",
        "Misura 2 — adulti di età compresa tra 18 e 64 anni, senza minori: NON SPETTA",
        "Nel nucleo è presente almeno un minore",
        "Misura 7 — assegno ai nuclei familiari con tre figli minori: NON SPETTA",
        "1354/2018",
        "Anna Verdi",
    ] {
        assert!(text.contains(want), "«{want}» missing from the esito:\n{text}");
    }
    assert_eq!(text.matches(": SPETTA").count(), 1, "{text}");
    assert_eq!(text.matches(": NON SPETTA").count(), 6, "{text}");
    // The printed decision is a stored check.
    let checks = s.eligibility_checks_list(h.id).unwrap();
    assert_eq!(checks.len(), 1);
    assert!(checks[0].measures[0].eligible);

    // A date no rule set covers: no page, no file, no check.
    let err = s.esito_print(h.id, sportello::dates::parse_iso("d", "2018-06-01").unwrap()).unwrap_err();
    assert_eq!(err.code, Code::NoRuleSet);
    assert_eq!(s.documents_list(h.id).unwrap().len(), 1);
    assert!(!e.docs().exists(), "documents live in the database");
    assert_eq!(s.eligibility_checks_list(h.id).unwrap().len(), 1);
}

/// The signing window comes from `assets/procedure/progetto-personalizzato.toml`
/// (20 working days from 1 January 2018), not from a constant of the printer.
#[test]
fn the_printer_takes_the_window_from_the_procedure_file() {
    use sportello::domain::agreement::{check_stored_deadline, signing_window, AgreementInput};
    let comuni = sportello::calendar::Comuni::builtin();
    let today = service_support::today();
    let input = AgreementInput::from_json(print_support::EXAMPLE_JSON).unwrap();
    let doc = input.to_patto(today, comuni).unwrap();
    let window = sportello::domain::procedure::signing_window(doc.analysis_date).unwrap();
    assert_eq!(doc.signing_working_days, window.working_days);
    assert_eq!(doc.signing_deadline, print_support::date("2026-12-22"));
    assert_eq!(doc, input.to_patto_with(today, comuni, Some(window.working_days)).unwrap());
    // Another window moves the deadline: nothing else decides it.
    let shorter = input.to_patto_with(today, comuni, Some(10)).unwrap();
    assert_eq!(shorter.signing_deadline, print_support::date("2026-12-04"));

    // Before the procedure's first entry there is no window: an error, not 20.
    let mut old = input.clone();
    old.analysis_date = Some("2017-12-20".into());
    let err = old.to_patto(today, comuni).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::NoRuleSet, Some("analysis_date")));
    assert!(err.message.contains("20/12/2017"), "{}", err.message);
    let err = signing_window(print_support::date("2017-12-20")).unwrap_err();
    assert_eq!(err.code, Code::NoRuleSet);

    // The app prints the deadline it stored, never one before the analysis.
    assert!(check_stored_deadline(doc.analysis_date, print_support::date("2026-12-22")).is_ok());
    let err = check_stored_deadline(doc.analysis_date, print_support::date("2026-11-19")).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("signing_deadline"));
}

#[test]
fn the_convocation_says_why_the_family_is_called_and_the_history_keeps_it() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let base = json!({"household_id": h.id.to_string(), "date": "2026-12-01", "time": "09:30",
                      "place": "largo Treves 1", "ask_for": "Anna Verdi"});
    // Chosen every time: no purpose, no letter.
    let err = s.call("convocation_print", base.clone()).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("purpose")));
    let mut input = base.clone();
    input["purpose"] = json!("altro");
    let err = s.call("convocation_print", input.clone()).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("purpose_other"), "«altro» needs its words");
    assert!(s.documents_list(h.id).unwrap().is_empty());

    let print = |purpose: &str, other: Option<&str>| {
        let mut input = base.clone();
        input["purpose"] = json!(purpose);
        input["purpose_other"] = json!(other);
        let v = s.call("convocation_print", input).unwrap();
        let id = Id::parse("id", v["id"].as_str().unwrap()).unwrap();
        (v["title"].as_str().unwrap().to_string(), text_of(s, id))
    };
    let (title, text) = print("monitoraggio", None);
    assert_eq!(title, "Convocazione per il 01/12/2026 alle ore 09:30 — incontro di monitoraggio");
    assert!(text.contains("per un incontro di monitoraggio del progetto personalizzato"), "{text}");
    assert!(!text.contains("analisi preliminare"), "{text}");
    let (_, text) = print("firma_patto", None);
    assert!(text.contains("per la firma del progetto personalizzato (patto)"), "{text}");
    let (title, text) = print("altro", Some("la consegna dell'attestazione ISEE aggiornata"));
    assert!(title.ends_with("— la consegna dell'attestazione ISEE aggiornata"), "{title}");
    assert!(text.contains("per la consegna dell'attestazione ISEE aggiornata."), "{text}");
    let (_, text) = print("analisi_preliminare", None);
    assert!(text.contains("per il colloquio di analisi preliminare"), "{text}");
    // The letter's heading names the Comune once; the privacy notice says
    // who processes the data, with the article joined ("dal Comune").
    let heading = &text[..text.find("Gentile").unwrap()];
    assert_eq!(heading.matches("Comune di Milano").count(), 1, "{heading}");
    assert!(text.contains("trattati dal Comune di Milano"), "{text}");
    assert!(!text.contains("da il Comune"), "{text}");

    // The case's history says why the family was called.
    let history = s.audit_history(h.id).unwrap();
    let details: Vec<String> =
        history.iter().filter(|r| r.action == "convocation_print").filter_map(|r| r.detail.clone()).collect();
    assert!(
        details.contains(&"01/12/2026 ore 09:30, motivo: incontro di monitoraggio".to_string()),
        "{details:?}"
    );
    assert!(details.iter().any(|d| d.ends_with("motivo: firma del patto")), "{details:?}");
}
