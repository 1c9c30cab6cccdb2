//! Documents of a case: written whole into the case's folder and listed.

use crate::service_support;

use service_support::{create_family, env};
use sportello::domain::{DocumentKind, Id};
use sportello::Code;

const PDF: &[u8] = b"%PDF-1.7\n% Sportello test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

#[test]
fn a_document_is_saved_in_the_case_folder_and_listed() {
    let e = env();
    let h = create_family(&e.service);
    assert!(e.service.documents_list(h.id).unwrap().is_empty());
    let doc =
        e.service.document_add(h.id, DocumentKind::Patto, "Patto per l'inclusione — Dell'Orto", PDF).unwrap();
    assert_eq!(doc.household_id, h.id);
    assert_eq!(doc.kind, DocumentKind::Patto);
    assert!(
        doc.file_name.starts_with("patto-2026-11-20-") && doc.file_name.ends_with(".pdf"),
        "{}",
        doc.file_name
    );

    // Kept in the encrypted database; opened, it is written in clear only
    // into the private viewing area, never into the documents folder.
    let path = e.service.document_path(doc.id).unwrap();
    assert_eq!(path, e.service.viewing_dir().join(&doc.file_name));
    assert_eq!(std::fs::read(&path).unwrap(), PDF);
    assert!(!e.docs().exists(), "nothing written into the documents folder");

    let second =
        e.service.document_add(h.id, DocumentKind::Convocazione, "Convocazione del 01/12/2026", PDF).unwrap();
    let list = e.service.documents_list(h.id).unwrap();
    assert_eq!(list, [second.clone(), doc.clone()], "newest first");
    assert_ne!(second.file_name, doc.file_name);
}

#[test]
fn the_apps_viewer_gets_the_pdf_in_memory_and_nothing_is_written() {
    use base64::Engine;
    let e = env();
    let h = create_family(&e.service);
    let doc = e.service.document_add(h.id, DocumentKind::Patto, "Patto per l'inclusione", PDF).unwrap();
    let answer = e.service.call("document_view", serde_json::json!({ "id": doc.id.to_string() })).unwrap();
    let mut keys: Vec<_> = answer.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["document", "pdf_base64"]);
    assert_eq!(answer["document"]["id"], doc.id.to_string());
    assert_eq!(answer["document"]["file_name"], doc.file_name);
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(answer["pdf_base64"].as_str().unwrap()).unwrap();
    assert_eq!(bytes, PDF);
    // No file: neither in the viewing area nor in the documents folder.
    assert!(!e.service.viewing_dir().exists(), "nothing in the viewing area");
    assert!(!e.docs().exists(), "nothing in the documents folder");
    // A view is on record, as such, in the case's history.
    let history = e.service.audit_history(h.id).unwrap();
    let row = history.iter().find(|r| r.action == "document_view").expect("the view's audit row");
    assert_eq!(row.action_label, "visualizzazione di un documento");
    assert_eq!(row.record, "documento «Patto per l'inclusione»");
    assert_eq!(e.service.document_view(Id::new()).unwrap_err().code, Code::NotFound);
}

#[test]
fn a_copy_no_program_opened_is_removed_at_once() {
    let e = env();
    let h = create_family(&e.service);
    let doc = e.service.document_add(h.id, DocumentKind::Patto, "Patto", PDF).unwrap();
    let path = e.service.document_path(doc.id).unwrap();
    assert!(path.exists());
    e.service.viewing_discard(&path);
    assert!(!path.exists());
    // Only the area's own files: anything else is left alone.
    let elsewhere = e.dir.path().join("altro.pdf");
    std::fs::write(&elsewhere, PDF).unwrap();
    e.service.viewing_discard(&elsewhere);
    assert!(elsewhere.exists());
}

#[test]
fn bad_documents_are_refused_and_leave_no_file() {
    let e = env();
    let h = create_family(&e.service);
    let err =
        e.service.document_add(h.id, DocumentKind::Patto, "Patto", b"<html>not a pdf</html>").unwrap_err();
    assert_eq!(err.code, Code::Invalid);
    let err = e.service.document_add(h.id, DocumentKind::Patto, "  ", PDF).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("title"));
    let err = e.service.document_add(Id::new(), DocumentKind::Patto, "Patto", PDF).unwrap_err();
    assert_eq!(err.code, Code::NotFound);
    assert!(
        !e.docs().exists()
            || std::fs::read_dir(e.docs())
                .unwrap()
                .all(|d| { std::fs::read_dir(d.unwrap().path()).unwrap().next().is_none() })
    );
    assert_eq!(e.service.document_path(Id::new()).unwrap_err().code, Code::NotFound);
}

#[test]
fn documents_of_earlier_versions_move_from_the_case_folder_into_the_database() {
    let e = env();
    let h = create_family(&e.service);
    let doc = e.service.document_add(h.id, DocumentKind::EsitoRequisiti, "Esito", PDF).unwrap();
    // As an earlier version left it: the PDF a file of the case folder, the row without content.
    let folder = e.docs().join("2026-000001");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(&doc.file_name), PDF).unwrap();
    service_support::raw(&e.db())
        .execute("UPDATE documents SET content = NULL WHERE id = ?1", [doc.id.to_string()])
        .unwrap();
    let s = e.reopen("averdi", service_support::today());
    assert_eq!(std::fs::read(s.document_path(doc.id).unwrap()).unwrap(), PDF);
    assert!(!folder.join(&doc.file_name).exists(), "the clear file is gone");
    // Logging out empties the viewing area.
    let shown = s.document_path(doc.id).unwrap();
    drop(s);
    assert!(!shown.exists());
}

/// The path `agreement_print` takes: the patto from the service, the printer,
/// a PDF kept in the case's folder.
#[test]
fn the_agreement_data_prints_and_is_filed() {
    use sportello::domain::agreement::{deadline_after, signing_window};
    use sportello::print::agreement::render;
    let e = env();
    let h = create_family(&e.service);
    let a: sportello::domain::analysis::AnalysisInput =
        serde_json::from_value(service_support::analysis_json(&h, "2026-11-20", "progetto_servizio_sociale"))
            .unwrap();
    e.service.analysis_save(a).unwrap();
    let p =
        e.service.project_save(serde_json::from_value(service_support::project_json(&h)).unwrap()).unwrap();
    let data = e.service.agreement_data(p.id).unwrap();
    let comune = sportello::calendar::Comuni::builtin().get(&data.office.comune).unwrap();
    let computed =
        deadline_after(data.analysis_date, signing_window(data.analysis_date).unwrap(), comune).unwrap();
    assert_eq!(computed, data.signing_deadline, "printer and service agree on the deadline");
    let pdf = render(&data).unwrap();
    let doc = e.service.document_add(h.id, DocumentKind::Patto, "Patto per l'inclusione", &pdf).unwrap();
    assert_eq!(std::fs::read(e.service.document_path(doc.id).unwrap()).unwrap(), pdf);
}
