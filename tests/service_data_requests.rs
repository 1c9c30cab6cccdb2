//! The data subjects' rights (GDPR issue 16): access and portability of ONE
//! person's data (art. 15, 20) with its deadline on the Scadenze board (art.
//! 12(3)), and the history of each field of a case (art. 16).

use std::collections::BTreeMap;
use std::io::Read;

use serde_json::{json, Value};
use sportello::domain::ProjectStatus;
use sportello::error::Code;

use crate::print_support::{pdf_text, squash};
use crate::service_support::{self, analysis_json, create_family, env, project_json, single_json, today};

/// The files of a ZIP, by name.
fn unzip(path: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        out.insert(f.name().unwrap().to_string(), bytes);
    }
    out
}

fn id(v: &Value) -> String {
    v.as_str().expect("an id").to_string()
}

/// A call of the office with a published ranking: the family's richiedente's
/// application, another household's member's, and one of someone the office
/// has no case for (protocol 2019/099999); an award and a claim for the first.
fn call_with_ranking(
    s: &sportello::service::Service,
    me: &sportello::domain::Household,
    other: &sportello::domain::Household,
) -> String {
    let call = s
        .call(
            "call_save",
            json!({"call": {"title": "Misura B2 anziani — accesso", "measure": "b2-anziani",
                            "rule_set": "milano-b2-2019", "budget": "50000.00"}}),
        )
        .unwrap();
    let c = id(&call["id"]);
    let app = |protocol: &str, birth: &str, hh: Option<&sportello::domain::Household>, isee: &str| {
        let mut a = json!({
            "protocol": protocol, "submitted_on": "2019-03-01", "birth_date": birth,
            "isee": isee, "isee_expires_on": "2019-12-31", "resident": true, "continuation": false,
            "non_self_sufficient": true, "other_interventions": false, "amount": "1200.00" });
        if let Some(h) = hh {
            a["household_id"] = json!(h.id.to_string());
            a["member_id"] = json!(h.members[0].id.to_string());
            a["birth_date"] = json!(h.members[0].birth_date.to_string());
        }
        s.call("application_save", json!({ "call_id": c, "application": a })).unwrap();
    };
    app("2019/000901", "1936-02-11", Some(me), "9000.00");
    app("2019/000902", "1938-05-02", Some(other), "7000.00");
    app("2019/099999", "1937-01-20", None, "8123.45");
    s.call("ranking_publish", json!({ "call_id": c, "published_on": "2019-06-10" })).unwrap();
    let r = s
        .call(
            "award_save",
            json!({ "award": { "call_id": c, "protocol": "2019/000901", "first_month": "07/2019",
                               "last_month": "06/2020", "iban": "IT60 X054 2811 1010 0000 0123 456" } }),
        )
        .unwrap();
    let award = r["awards"].as_array().unwrap().iter().find(|a| a["protocol"] == "2019/000901").unwrap()
        ["award"]["id"]
        .clone();
    s.call(
        "reimbursement_record",
        json!({ "claim": { "award_id": award, "received_on": "2019-08-05", "documents": [
            { "type": "busta_paga", "issuer": "RSSMRA80A01F205X", "number": "9/2019",
              "date": "2019-08-01", "month": "2019-07", "amount": "100.00" } ] } }),
    )
    .unwrap();
    c
}

#[test]
fn an_access_request_gives_everything_of_the_person_and_nothing_of_anyone_else() {
    let e = env();
    let s = &e.service;
    // The person: Niccolò Dell'Orto, richiedente of the example family.
    let h = create_family(s);
    let me = h.members[0].clone();
    // Another household, with a name found nowhere else.
    let other = s
        .household_save(
            serde_json::from_value(single_json("Zzyzxsentinella", "Ottavia", "1938-05-02", "F")).unwrap(),
        )
        .unwrap();
    s.analysis_save(
        serde_json::from_value(analysis_json(&other, "2026-11-10", "progetto_servizio_sociale")).unwrap(),
    )
    .unwrap();

    // Every kind of record for the person.
    s.analysis_save(
        serde_json::from_value(analysis_json(&h, "2026-11-10", "progetto_servizio_sociale")).unwrap(),
    )
    .unwrap();
    let p = s.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap();
    s.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap();
    s.signature_record(p.id, me.id, today()).unwrap();
    s.eligibility_check(h.id, today()).unwrap();
    s.call(
        "convocation_print",
        json!({ "household_id": h.id.to_string(), "date": "2026-12-01", "time": "09:30",
        "purpose": "analisi_preliminare", "place": "largo Treves 1", "ask_for": "Anna Verdi" }),
    )
    .unwrap();
    let c = call_with_ranking(s, &h, &other);
    let unit = s
        .call(
            "unit_save",
            json!({ "unit": { "address": "Via Padova 104, scala B", "places": 4,
            "managing_body": "Cooperativa sociale Farsi Prossimo", "state": "attivo" } }),
        )
        .unwrap();
    let w = s
        .call("waiting_add", json!({ "waiting": { "household_id": h.id.to_string(), "need": "Sfratto esecutivo", "people": 3 } }))
        .unwrap();
    s.call(
        "stay_place",
        json!({ "stay": { "waiting_id": w["id"], "unit_id": unit["id"], "entry": "2026-11-20",
        "planned_end": "2027-05-20" } }),
    )
    .unwrap();

    // The request, received two days ago at the desk.
    let r = s
        .call(
            "data_request_record",
            json!({ "request": { "kind": "accesso_portabilita", "member_id": me.id.to_string(),
            "requester": "interessato", "received_on": "2026-11-18", "channel": "sportello" } }),
        )
        .unwrap();
    assert_eq!(r["due_on"], "2026-12-18");
    assert_eq!(r["state"], "nei_termini");
    assert_eq!(r["person_name"], "Niccolò Dell'Orto");
    let rid = id(&r["id"]);
    let board = s.call("deadlines_board", Value::Null).unwrap();
    let row = board
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["kind"] == "richiesta")
        .expect("the request on the board");
    assert_eq!(row["request"]["request_id"], rid.as_str());
    assert_eq!(row["deadline"], "2026-12-18");

    // The answer.
    let out = e.dir.path().join("risposta.zip");
    let answered =
        s.call("data_request_answer", json!({ "id": rid, "out": out.display().to_string() })).unwrap();
    assert_eq!(answered["answered_on"], "2026-11-20");
    assert_eq!(answered["state"], Value::Null);
    assert_eq!(answered["answer_sha256"].as_str().unwrap().len(), 64);
    let files = unzip(&out);
    for f in [
        "risposta.pdf",
        "dati.json",
        "componenti.csv",
        "domande.csv",
        "graduatorie.csv",
        "rimborsi.csv",
        "verifiche_requisiti.csv",
        "alloggi.csv",
        "documenti.csv",
        "accessi.csv",
    ] {
        assert!(files.contains_key(f), "{f} missing: {:?}", files.keys());
    }
    let doc_pdfs: Vec<&String> =
        files.keys().filter(|k| k.starts_with("documenti/") && k.ends_with(".pdf")).collect();
    assert!(!doc_pdfs.is_empty(), "{:?}", files.keys());
    assert!(files[doc_pdfs[0]].starts_with(b"%PDF-"));

    let json: Value = serde_json::from_slice(&files["dati.json"]).unwrap();
    assert_eq!(json["schema"], "sportello.accesso-dati");
    assert_eq!(json["versione"], 1);
    assert_eq!(json["interessato"]["codice_fiscale"], me.codice_fiscale.to_string());
    assert_eq!(json["household"]["me"]["last_name"], "Dell'Orto");
    let others: Vec<&str> = json["household"]["others"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["first_name"].as_str().unwrap())
        .collect();
    assert_eq!(others, ["Thị Lan", "Zoë"], "the household's composition is the person's");
    assert!(
        json["household"]["others"][0].get("codice_fiscale").is_none(),
        "only the composition of the others"
    );
    assert_eq!(json["analysis"]["outcome"], "progetto_servizio_sociale");
    assert_eq!(json["project"]["commitments"].as_array().unwrap().len(), 3);
    assert_eq!(json["project"]["signatures"][0]["member_id"], me.id.to_string());
    let checks = json["eligibility_checks"].as_array().unwrap();
    assert_eq!(checks.len(), 1);
    assert!(!checks[0]["measures"][0]["trace"].as_array().unwrap().is_empty(), "the explanation");
    let apps = json["applications"].as_array().unwrap();
    assert_eq!(apps.len(), 1, "only the person's own application");
    assert_eq!(apps[0]["call_id"], c.as_str());
    assert_eq!(apps[0]["application"]["protocol"], "2019/000901");
    assert!(apps[0]["rankings"][0]["position"].as_u64().is_some());
    assert_eq!(apps[0]["award"]["claims"][0]["number"], 1);
    assert_eq!(json["stays"][0]["entry"], "2026-11-20");
    assert_eq!(json["waiting"][0]["state"], "placed");
    assert!(!json["documents"].as_array().unwrap().is_empty());
    assert!(!json["accesses"].as_array().unwrap().is_empty());

    let pdf = squash(&pdf_text(&files["risposta.pdf"]));
    for needle in [
        "Risposta alla richiesta di accesso ai dati personali",
        "Niccolò Dell'Orto",
        "Thị Lan Nguyễn",
        "L'analisi preliminare",
        "Il progetto personalizzato",
        "Le verifiche dei requisiti",
        "2019/000901",
        "Misura B2 anziani — accesso",
        "Via Padova 104",
        "Chi ha consultato",
        "I documenti del fascicolo",
        "I Suoi diritti",
    ] {
        assert!(pdf.contains(needle), "«{needle}» not in the PDF:\n{pdf}");
    }
    // Nothing of anyone else: the other household, the other applicants.
    let all: String = files
        .iter()
        .filter(|(k, _)| !k.ends_with(".pdf"))
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
        + &pdf
        + &doc_pdfs.iter().map(|k| pdf_text(&files[*k])).collect::<String>();
    for sentinel in [
        "Zzyzxsentinella",
        "Ottavia",
        "2019/000902",
        "2019/099999",
        "8123",
        other.members[0].codice_fiscale.as_ref(),
    ] {
        assert!(!all.contains(sentinel), "«{sentinel}» of another person is in the answer");
    }

    // Answered: off the board, and once only.
    let board = s.call("deadlines_board", Value::Null).unwrap();
    assert!(board.as_array().unwrap().iter().all(|b| b["kind"] != "richiesta"));
    let again = s.call(
        "data_request_answer",
        json!({ "id": rid, "out": e.dir.path().join("bis.zip").display().to_string() }),
    );
    assert_eq!(again.unwrap_err().code, Code::Conflict);
    let list = s.call("data_requests_list", Value::Null).unwrap();
    assert!(list[0]["answer_summary"].as_str().unwrap().contains("dati.json"));
    // The answer is on record in the case's access history.
    let history = s.audit_history(h.id).unwrap();
    assert!(history.iter().any(|r| r.action == "data_request_answer"));
}

#[test]
fn an_applicant_without_a_case_gets_their_applications_and_an_extension_moves_the_deadline() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let other = s
        .household_save(
            serde_json::from_value(single_json("Zzyzxsentinella", "Ottavia", "1938-05-02", "F")).unwrap(),
        )
        .unwrap();
    let c = call_with_ranking(s, &h, &other);
    let err = s
        .call("data_request_record", json!({ "request": { "kind": "portabilita", "person_name": "Ercole Pane",
            "codice_fiscale": "PNARCL37A20F205N", "applications": [{ "call_id": c, "protocol": "2019/000777" }],
            "requester": "interessato", "received_on": "2026-11-02", "channel": "pec" } }))
        .unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::NotFound, Some("applications[0].protocol")));
    let r = s
        .call("data_request_record", json!({ "request": { "kind": "portabilita", "person_name": "Ercole Pane",
            "codice_fiscale": "PNARCL37A20F205N", "applications": [{ "call_id": c, "protocol": "2019/099999" }],
            "requester": "rappresentante", "representative_name": "Gilda Pane", "representative_role": "amministratrice di sostegno",
            "received_on": "2026-11-02", "channel": "pec" } }))
        .unwrap();
    assert_eq!(r["due_on"], "2026-12-02");
    assert_eq!(r["state"], "nei_termini");
    let rid = id(&r["id"]);
    let x = s
        .call("data_request_extend", json!({ "id": rid, "reason": "Molte domande da ricostruire" }))
        .unwrap();
    assert_eq!(x["due_on"], "2027-02-02");
    let again = s.call("data_request_extend", json!({ "id": rid, "reason": "ancora" })).unwrap_err();
    assert_eq!(again.code, Code::Conflict);
    let board = s.call("deadlines_board", Value::Null).unwrap();
    let row = board.as_array().unwrap().iter().find(|b| b["kind"] == "richiesta").unwrap();
    assert_eq!((row["household_id"].as_str(), row["case_number"].as_str()), (Some(rid.as_str()), Some("")));
    assert_eq!(row["request"]["extended"], true);

    let out = e.dir.path().join("pane.zip");
    s.call("data_request_answer", json!({ "id": rid, "out": out.display().to_string() })).unwrap();
    let files = unzip(&out);
    let json: Value = serde_json::from_slice(&files["dati.json"]).unwrap();
    assert_eq!(json["household"], Value::Null);
    assert_eq!(json["applications"].as_array().unwrap().len(), 1);
    assert_eq!(json["applications"][0]["application"]["protocol"], "2019/099999");
    assert_eq!(json["applications"][0]["rankings"].as_array().unwrap().len(), 1);
    let pdf = squash(&pdf_text(&files["risposta.pdf"]));
    assert!(pdf.contains("Ercole Pane") && pdf.contains("Gilda Pane"), "{pdf}");
    let all: String = files
        .iter()
        .filter(|(k, _)| !k.ends_with(".pdf"))
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
        .collect::<String>()
        + &pdf;
    for sentinel in ["Zzyzxsentinella", "Dell'Orto", "2019/000901", "2019/000902"] {
        assert!(!all.contains(sentinel), "«{sentinel}» of another person is in the answer");
    }
}

#[test]
fn a_request_is_the_coordinators_and_its_dates_are_checked() {
    let e = env();
    let h = create_family(&e.service);
    let op = e.reopen("mrossi", today());
    let err = op.call("data_requests_list", Value::Null).unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
    let err = e
        .service
        .call(
            "data_request_record",
            json!({ "request": { "kind": "accesso", "member_id": h.members[0].id.to_string(),
            "requester": "interessato", "received_on": "2026-11-21", "channel": "sportello" } }),
        )
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("received_on"));
    let err = e
        .service
        .call(
            "data_request_record",
            json!({ "request": { "kind": "accesso", "member_id": h.members[0].id.to_string(),
            "requester": "rappresentante", "received_on": "2026-11-20", "channel": "sportello" } }),
        )
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("representative_name"));
    // Past the first month an extension can no longer be told in time.
    let r = e
        .service
        .call(
            "data_request_record",
            json!({ "request": { "kind": "accesso", "member_id": h.members[0].id.to_string(),
            "requester": "interessato", "received_on": "2026-10-01", "channel": "posta" } }),
        )
        .unwrap();
    assert_eq!(r["due_on"], "2026-11-02", "1 November is a Sunday and a holiday: the next office day");
    assert_eq!(r["state"], "scaduto");
    let err = e.service.call("data_request_extend", json!({ "id": r["id"], "reason": "tardi" })).unwrap_err();
    assert_eq!(err.code, Code::Conflict);
}

#[test]
fn the_history_of_a_field_shows_each_change_with_who_and_when() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let rename = |svc: &sportello::service::Service, last: &str| {
        let mut v = serde_json::to_value(svc.household_get(h.id).unwrap()).unwrap();
        v["members"][1]["last_name"] = json!(last);
        svc.call("household_save", json!({ "household": v })).unwrap();
    };
    rename(s, "Nguyen");
    // The second change by a coordinator.
    let admin = s;
    admin.operator_save("lgialli", "Lucia Gialli", sportello::domain::Role::Coordinatore).unwrap();
    admin.operator_set_password("lgialli", service_support::PASSWORD).unwrap();
    let coord = service_support::login(&e.db(), &e.docs(), "lgialli", today()).unwrap();
    rename(&coord, "Nguyễn Thị");

    let history = s.call("field_history", json!({ "household_id": h.id.to_string() })).unwrap();
    let changes: Vec<&Value> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["record_kind"] == "componente" && c["field"] == "last_name")
        .collect();
    assert_eq!(changes.len(), 2, "{history:#}");
    assert_eq!(
        (changes[0]["old_value"].as_str(), changes[0]["new_value"].as_str()),
        (Some("Nguyễn"), Some("Nguyen"))
    );
    assert_eq!(
        (changes[1]["old_value"].as_str(), changes[1]["new_value"].as_str()),
        (Some("Nguyen"), Some("Nguyễn Thị"))
    );
    assert_eq!(changes[0]["username"], "averdi");
    assert_eq!(changes[1]["operator_name"], "Lucia Gialli");
    assert!(changes[0]["at"].as_str().unwrap() <= changes[1]["at"].as_str().unwrap());
    assert!(changes[0]["seq"].as_i64() < changes[1]["seq"].as_i64());
    assert_eq!(changes[1]["record_id"], h.members[1].id.to_string());
    assert!(changes[1]["record"].as_str().unwrap().starts_with("componente"));
    // Bookkeeping is not a change of the person's data.
    assert!(history
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["field"] != "updated_at" && !c["field"].as_str().unwrap().ends_with("_key")));

    // An operatore outside the case's scope is refused, and the attempt is on record.
    let op = e.reopen("mrossi", today());
    let err = op.call("field_history", json!({ "household_id": h.id.to_string() })).unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
    let log = s.audit_history(h.id).unwrap();
    assert!(log.iter().any(|r| r.action == "field_history" && r.refused && r.username == "mrossi"));
}
