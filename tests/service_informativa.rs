//! The informativa (GDPR artt. 13-14; issue 16 item 1) and the register of
//! processing (art. 30; item 6) through the service: the administrator's
//! versions (never rewritten), the deliveries to the adult members only (the
//! 18th birthday is the first day), the printed informativa filed in the case
//! and appended to the patto and the convocation, and the register naming
//! every element of art. 30(1).

use serde_json::{json, Value};
use sportello::domain::{DocumentKind, Household, Id};
use sportello::service::Service;
use sportello::Code;

use crate::print_support::{pdf_text, squash};
use crate::service_support::{self, analysis_json, create_family, d, env, family_json, project_json, today};

const DPO: &str = "Avv. Paola Neri — dpo@comune.milano.it — PEC rpd@postacert.comune.milano.it";

fn save(s: &Service, controller: &str, body: &str) -> Value {
    s.call("informativa_save", json!({ "controller": controller, "dpo": DPO, "body": body })).unwrap()
}

fn default_body(s: &Service) -> String {
    s.call("informativa_get", json!(null)).unwrap()["default_body"].as_str().unwrap().to_string()
}

fn record(
    s: &Service,
    h: &Household,
    member: Id,
    on: &str,
    version: Option<u32>,
) -> sportello::Result<Value> {
    s.call(
        "informativa_given_record",
        json!({ "household_id": h.id.to_string(), "member_id": member.to_string(), "given_on": on,
                "mode": "a_mano", "version": version }),
    )
}

fn card_member(card: &Value, member: Id) -> &Value {
    card["members"].as_array().unwrap().iter().find(|m| m["member_id"] == member.to_string()).unwrap()
}

fn filed_text(s: &Service, id: &Value) -> String {
    let id = Id::parse("id", id.as_str().unwrap()).unwrap();
    let path = s.document_open(id).unwrap();
    if let Some(dir) = std::env::var_os("SPORTELLO_KEEP_PDF") {
        std::fs::copy(&path, std::path::Path::new(&dir).join(path.file_name().unwrap())).unwrap();
    }
    squash(&pdf_text(&std::fs::read(path).unwrap()))
}

#[test]
fn versions_are_kept_and_the_same_text_saves_nothing() {
    let e = env();
    let s = &e.service;
    let first = s.call("informativa_get", json!(null)).unwrap();
    assert!(first["current"].is_null());
    assert_eq!(first["versions"], json!([]));
    // The proposed text: the Comune from the office, the DPO to be written.
    assert!(first["draft"]["controller"].as_str().unwrap().starts_with("Comune di "), "{first}");
    assert_eq!(first["draft"]["dpo"], "");
    let body = first["draft"]["body"].as_str().unwrap().to_string();
    assert!(body.contains("art. 6, par. 1, lett. e") && body.contains("Garante"), "{body}");
    // No DPO: refused on its field.
    let err = s
        .call("informativa_save", json!({ "controller": "Comune di Milano", "dpo": " ", "body": body }))
        .unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("dpo")));

    let v1 = save(s, "Comune di Milano\npiazza della Scala 2, 20121 Milano", &body);
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["created_by"], "Anna Verdi");
    // The same text again: nothing new.
    let again = save(s, "Comune di Milano\npiazza della Scala 2, 20121 Milano", &body);
    assert_eq!(again["id"], v1["id"]);
    let v2 =
        save(s, "Comune di Milano\npiazza della Scala 2, 20121 Milano", &format!("{body}\n\nAggiornata."));
    assert_eq!(v2["version"], 2);
    let got = s.call("informativa_get", json!(null)).unwrap();
    assert_eq!(got["current"]["id"], v2["id"]);
    let listed: Vec<u64> =
        got["versions"].as_array().unwrap().iter().map(|v| v["version"].as_u64().unwrap()).collect();
    assert_eq!(listed, [2, 1]);
    // The first version is as it was saved.
    let kept: Vec<(u32, String)> = s
        .storage()
        .transaction(|tx| tx.informativa_versions())
        .unwrap()
        .into_iter()
        .map(|v| (v.version, v.text.body))
        .collect();
    assert_eq!(kept[1], (1, body.trim().to_string()));
    // An operatore reads it, does not write it.
    let op = e.reopen("mrossi", today());
    assert_eq!(op.call("informativa_get", json!(null)).unwrap()["current"]["version"], 2);
    let err = op.call("informativa_save", json!({ "controller": "x", "dpo": "y", "body": "z" })).unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
}

#[test]
fn the_informativa_is_recorded_for_the_adults_and_the_others_are_flagged() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let (niccolo, lan, zoe) = (h.members[0].id, h.members[1].id, h.members[2].id);
    // Nothing saved yet: nothing to record or print, said on `version`.
    let err = record(s, &h, niccolo, "2026-11-20", None).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Conflict, Some("version")));
    let err = s.call("informativa_print", json!({ "household_id": h.id.to_string() })).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("version"));

    let body = default_body(s);
    save(s, "Comune di Milano", &body);
    let card = s.call("household_informativa", json!({ "household_id": h.id.to_string() })).unwrap();
    assert_eq!(card["current_version"], 1);
    assert_eq!(card["missing"], 2);
    assert_eq!(card_member(&card, zoe)["adult"], false);
    assert_eq!(card_member(&card, zoe)["missing"], false);
    assert_eq!(card_member(&card, zoe)["adult_from"], "2033-09-30");

    let card = record(s, &h, niccolo, "2026-11-20", None).unwrap();
    assert_eq!(card["missing"], 1);
    let given = &card_member(&card, niccolo)["deliveries"][0];
    assert_eq!((given["given_on"].as_str(), given["version"].as_u64()), (Some("2026-11-20"), Some(1)));
    assert_eq!((given["mode"].as_str(), given["created_by"].as_str()), (Some("a_mano"), Some("Anna Verdi")));
    assert_eq!(card_member(&card, lan)["missing"], true);
    // Twice the same version to the same person: refused.
    let err = record(s, &h, niccolo, "2026-11-20", None).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Conflict, Some("member_id")));
    // A minor: refused on the member, nothing written.
    let err = record(s, &h, zoe, "2026-11-20", None).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("member_id")));
    assert!(err.message.contains("18 anni"), "{}", err.message);
    // In the future, or before the version existed: refused on the date.
    let err = record(s, &h, lan, "2026-11-21", None).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("given_on"));
    let err = record(s, &h, lan, "2026-11-19", None).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("given_on"));
    assert!(err.message.contains("versione 1"), "{}", err.message);

    // A new version does not change what was given: Thị Lan receives the
    // first (the paper she was handed), then the new one is in force.
    save(s, "Comune di Milano", &format!("{body}\n\nVersione aggiornata."));
    let card = record(s, &h, lan, "2026-11-20", Some(1)).unwrap();
    assert_eq!(card["current_version"], 2);
    assert_eq!(card["missing"], 0);
    assert_eq!(card_member(&card, lan)["deliveries"][0]["version"], 1);
    assert_eq!(card_member(&card, niccolo)["deliveries"][0]["version"], 1);
    let card = record(s, &h, lan, "2026-11-20", None).unwrap();
    let versions: Vec<u64> = card_member(&card, lan)["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["version"].as_u64().unwrap())
        .collect();
    assert_eq!(versions, [1, 2]);

    // The case's history says who was given what: the member by id, never
    // by name (the audit log outlives an erasure of the case).
    let history = s.audit_history(h.id).unwrap();
    let row = history.iter().rev().find(|r| r.action == "informativa_given_record").unwrap();
    let detail = row.detail.as_deref().unwrap();
    assert!(detail.contains(&lan.to_string()) && detail.contains("versione 2"), "{detail}");
    assert!(!detail.contains("Nguyễn"), "{detail}");
    // A member of another household is not this one's.
    let other = s
        .household_save(
            serde_json::from_value(service_support::single_json("Bianchi", "Carla", "1970-03-03", "F"))
                .unwrap(),
        )
        .unwrap();
    let err = record(s, &h, other.members[0].id, "2026-11-20", None).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("member_id"));
}

#[test]
fn a_member_is_an_adult_from_the_day_of_the_eighteenth_birthday() {
    let e = env();
    let s = &e.service;
    // Zoë turns 18 on 21/11/2026, the day after "today".
    let mut v = family_json();
    let code =
        sportello::cf::encode("Dell'Orto", "Zoë", d("2008-11-21"), sportello::cf::Sex::F, "F205").unwrap();
    v["members"][2]["birth_date"] = json!("2008-11-21");
    v["members"][2]["codice_fiscale"] = json!(code);
    let h = s.household_save(serde_json::from_value(v).unwrap()).unwrap();
    let zoe = h.members[2].id;
    save(s, "Comune di Milano", &default_body(s));
    let card = s.call("household_informativa", json!({ "household_id": h.id.to_string() })).unwrap();
    assert_eq!(card_member(&card, zoe)["adult"], false);
    assert_eq!(card_member(&card, zoe)["adult_from"], "2026-11-21");
    assert_eq!(card["missing"], 2);
    let err = record(s, &h, zoe, "2026-11-20", None).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("member_id"));

    // The next day she is an adult: flagged, and recorded from that day on.
    let next = e.reopen(service_support::ADMIN, d("2026-11-21"));
    let card = next.call("household_informativa", json!({ "household_id": h.id.to_string() })).unwrap();
    assert_eq!(card_member(&card, zoe)["adult"], true);
    assert_eq!(card_member(&card, zoe)["missing"], true);
    assert_eq!(card["missing"], 3);
    let err = record(&next, &h, zoe, "2026-11-20", None).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("member_id"));
    let card = record(&next, &h, zoe, "2026-11-21", None).unwrap();
    assert_eq!(card_member(&card, zoe)["missing"], false);
    assert_eq!(card["missing"], 2);
}

#[test]
fn the_printed_informativa_is_filed_and_follows_the_patto_and_the_convocation() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    save(s, "Comune di Milano\nDirezione Politiche Sociali, largo Treves 1, 20121 Milano", &default_body(s));
    let doc = s.call("informativa_print", json!({ "household_id": h.id.to_string() })).unwrap();
    assert_eq!(doc["kind"], "informativa");
    assert!(doc["title"].as_str().unwrap().contains("versione 1"), "{doc}");
    let text = filed_text(s, &doc["id"]);
    for phrase in [
        "Informativa sul trattamento dei dati personali",
        "artt. 13 e 14 del Regolamento (UE) 2016/679",
        "Titolare del trattamento",
        "Direzione Politiche Sociali, largo Treves 1",
        "Responsabile della protezione dei dati",
        "dpo@comune.milano.it",
        "art. 6, par. 1, lett. e",
        "art. 2-sexies",
        "INPS",
        "Garante per la protezione dei dati personali",
        "Dichiarazione di ricevuta",
        "Niccolò Dell'Orto",
        "Thị Lan Nguyễn",
        "versione 1 del 20/11/2026",
    ] {
        assert!(text.contains(phrase), "«{phrase}» missing in:\n{text}");
    }
    // Receipts for the adults only.
    assert!(!text.contains("Zoë"), "{text}");
    let listed = s.documents_list(h.id).unwrap();
    assert!(listed.iter().any(|d| d.kind == DocumentKind::Informativa));

    // The patto and the convocation carry it on their last pages.
    s.analysis_save(
        serde_json::from_value(analysis_json(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
    )
    .unwrap();
    let p = s.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap();
    let patto = s.agreement_print(p.id).unwrap();
    let text = filed_text(s, &json!(patto.id.to_string()));
    assert!(text.contains("Patto per l'inclusione"), "{text}");
    assert!(
        text.contains("Informativa sul trattamento dei dati personali")
            && text.contains("dpo@comune.milano.it"),
        "{text}"
    );
    let conv = s
        .call(
            "convocation_print",
            json!({"household_id": h.id.to_string(), "date": "2026-12-02", "time": "15:00",
                   "purpose": "analisi_preliminare", "place": "largo Treves 1", "ask_for": "Anna Verdi"}),
        )
        .unwrap();
    let text = filed_text(s, &conv["id"]);
    assert!(text.contains("Oggetto: convocazione"), "{text}");
    assert!(
        text.contains("Responsabile della protezione dei dati (RPD/DPO)")
            && text.contains("versione 1 del 20/11/2026"),
        "{text}"
    );
}

#[test]
fn the_register_of_processing_names_every_element_of_article_30() {
    let e = env();
    let s = &e.service;
    save(s, "Comune di Milano, piazza della Scala 2, 20121 Milano", &default_body(s));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("registro.pdf");
    let saved = s.call("processing_register_save", json!({ "out": out.display().to_string() })).unwrap();
    assert_eq!(saved["path"], out.display().to_string());
    let bytes = std::fs::read(&out).unwrap();
    if let Some(keep) = std::env::var_os("SPORTELLO_KEEP_PDF") {
        std::fs::copy(&out, std::path::Path::new(&keep).join("registro-trattamenti.pdf")).unwrap();
    }
    let text = squash(&pdf_text(&bytes));
    for phrase in [
        "Registro delle attività di trattamento",
        "art. 30",
        // a) the controller and the DPO, from the informativa
        "Titolare del trattamento",
        "piazza della Scala 2",
        "Responsabile della protezione dei dati",
        "dpo@comune.milano.it",
        // b) purposes
        "Finalità del trattamento",
        "art. 6, par. 1, lett. e",
        // c) data subjects and personal data
        "Categorie di interessati",
        "compresi i minori",
        "operatori del servizio",
        "dati relativi alla salute e alla disabilità",
        "ISEE",
        "dati giudiziari",
        // d) recipients
        "Categorie di destinatari",
        "SIUSS",
        "Regione Lombardia",
        "enti finanziatori",
        // e) transfers
        "paesi terzi",
        "Nessun trasferimento",
        // f) retention
        "cancellazione",
        // g) security measures as built
        "Misure di sicurezza tecniche e organizzative",
        "SQLCipher",
        "Argon2id",
        "operatore, coordinatore, amministratore",
        "concatenate da hash",
        "firmati dal mittente",
        "Copie di sicurezza",
        "Limitazione del trattamento (art. 18)",
        "inattività",
        "area privata",
    ] {
        assert!(text.contains(phrase), "«{phrase}» missing in:\n{text}");
    }
    // Never over an existing file.
    let err = s.call("processing_register_save", json!({ "out": out.display().to_string() })).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Conflict, Some("out")));
    // Not the desk's.
    let op = e.reopen("mrossi", today());
    let err = op
        .call(
            "processing_register_save",
            json!({ "out": dir.path().join("altro.pdf").display().to_string() }),
        )
        .unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
}

#[test]
fn a_device_gets_the_versions_and_the_deliveries_of_its_cases() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    save(s, "Comune di Milano", &default_body(s));
    record(s, &h, h.members[0].id, "2026-11-20", None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let laptop_db = dir.path().join("portatile.sqlite");
    s.sync_copy_replica(&laptop_db, "portatile").unwrap();
    let laptop = service_support::login(&laptop_db, &e.docs(), service_support::ADMIN, today()).unwrap();
    let card = laptop.call("household_informativa", json!({ "household_id": h.id.to_string() })).unwrap();
    assert_eq!(card["current_version"], 1);
    assert_eq!(card["missing"], 1);
    // Recorded on the laptop, it reaches the office.
    let card = record(&laptop, &h, h.members[1].id, "2026-11-20", None).unwrap();
    assert_eq!(card["missing"], 0);
    s.sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    let card = s.call("household_informativa", json!({ "household_id": h.id.to_string() })).unwrap();
    assert_eq!(card["missing"], 0, "{card}");
}

#[test]
fn the_command_line_writes_the_register_of_processing() {
    let e = env();
    save(&e.service, "Comune di Milano", &default_body(&e.service));
    let out = e.dir.path().join("registro-cli.pdf");
    let db = e.db();
    // The command line opens the database alone.
    drop(e.service);
    let (code, stdout, stderr) = service_support::sportello(&[
        "registro-trattamenti",
        "--database",
        db.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let text = squash(&pdf_text(&std::fs::read(&out).unwrap()));
    assert!(
        text.contains("Registro delle attività di trattamento") && text.contains("dpo@comune.milano.it"),
        "{text}"
    );
    // Never over the file just written.
    let (code, _, stderr) = service_support::sportello(&[
        "registro-trattamenti",
        "--database",
        db.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_ne!(code, 0, "{stderr}");
    assert!(stderr.contains("esiste già"), "{stderr}");
}

#[test]
fn a_member_who_was_given_the_informativa_stays_in_the_household() {
    let e = env();
    let s = &e.service;
    let mut v = service_support::single_json("Bianchi", "Carla", "1970-03-03", "F");
    let code =
        sportello::cf::encode("Bianchi", "Luca", d("1968-05-05"), sportello::cf::Sex::M, "F205").unwrap();
    v["members"].as_array_mut().unwrap().push(json!({
        "first_name": "Luca", "last_name": "Bianchi", "codice_fiscale": code, "birth_date": "1968-05-05",
        "sex": "M", "relationship": "coniuge", "citizenship": "italiana",
        "employment": "disoccupato", "education": "isced_0_2"
    }));
    let h = s.household_save(serde_json::from_value(v).unwrap()).unwrap();
    let luca = h.members[1].id;
    save(s, "Comune di Milano", &default_body(s));
    record(s, &h, luca, "2026-11-20", None).unwrap();
    let mut form = serde_json::to_value(s.household_get(h.id).unwrap()).unwrap();
    form["members"].as_array_mut().unwrap().retain(|m| m["id"] != luca.to_string());
    let err = s.call("household_save", json!({ "household": form })).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Conflict, Some("members")));
    assert!(err.message.contains("informativa"), "{}", err.message);
}
