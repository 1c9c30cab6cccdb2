//! The input of every IPC command refuses a key it does not know (a misspelling
//! would be read as "not given") and, as text, a key given twice, naming it; the
//! read-only fields of a command's own answer are accepted back, so that a form
//! can send what it loaded, and so is every shape the UI (ui/js) sends.

use crate::service_support;

use serde_json::{json, Value};
use service_support::{analysis_json, env, family_json, project_json};
use sportello::domain::Household;
use sportello::Code;

fn refused(r: Result<Value, sportello::Error>, field: &str) -> sportello::Error {
    let e = r.expect_err("refused");
    assert_eq!((e.code, e.field.as_deref()), (Code::Invalid, Some(field)), "{e:?}");
    e
}

#[test]
fn unknown_keys_are_refused_by_path() {
    let e = env();
    let s = &e.service;
    let mut v = family_json();
    v["members"][1]["resident_snce"] = json!("2019-04-01");
    let err = refused(s.call("household_save", json!({ "household": v })), "members[1].resident_snce");
    assert!(err.message.contains("Campo sconosciuto «resident_snce»"), "{}", err.message);
    let mut v = family_json();
    v["isee"]["valore"] = json!("1.00");
    refused(s.call("household_save", json!({ "household": v })), "isee.valore");
    refused(s.call("household_save", json!({ "household": family_json(), "nucleo": 1 })), "nucleo");
    refused(s.call("households_search", json!({ "qeury": "nguyen" })), "qeury");
    refused(s.call("household_get", json!({ "id": null, "ids": [] })), "ids");
    refused(s.call("session", json!({ "operator": "x" })), "operator");
    refused(s.call("deadlines_board", json!({ "all": true })), "all");
    refused(s.call("operator_revoke", json!({ "username": "x", "name": "y" })), "name");
    refused(s.call("convocation_print", json!({ "household_id": null, "luogo": "x" })), "luogo");
    refused(
        s.call("eligibility_facts_save", json!({ "household_id": null, "other_subsidy": true })),
        "other_subsidy",
    );
    refused(
        s.call("appeal_decide", json!({ "call_id": null, "corrected": { "isee_value": "1" } })),
        "corrected.isee_value",
    );
    // Nothing was saved by the refused calls.
    assert_eq!(s.call("households_search", json!({ "query": "nguyen" })).unwrap(), json!([]));
}

#[test]
fn a_key_given_twice_is_refused_in_json_text() {
    let e = env();
    let s = &e.service;
    let err = refused(s.call_json("households_search", r#"{"query": "aa", "query": "nguyen"}"#), "query");
    assert!(err.message.contains("ripetuto"), "{}", err.message);
    let text = r#"{"household": {"comune": "F205", "members": [{"sex": "M", "sex": "F"}]}}"#;
    refused(s.call_json("household_save", text), "members[0].sex");
    assert_eq!(s.call_json("households_search", r#"{"query": "nguyen"}"#).unwrap(), json!([]));
    assert!(s.call_json("session", "").is_ok());
}

#[test]
fn what_a_command_answered_can_be_sent_back() {
    let e = env();
    let s = &e.service;
    let h = s.call("household_save", json!({ "household": family_json() })).unwrap();
    assert!(h["case_number"].is_string() && h["responsabile"].is_object());
    let mut again = h.clone();
    again["notes"] = json!("Aggiornato.");
    let h2 = s.call("household_save", json!({ "household": again })).unwrap();
    assert_eq!(h2["notes"], "Aggiornato.");
    assert_eq!(h2["case_number"], h["case_number"], "read-only fields are ignored, not applied");
    let household: Household = serde_json::from_value(h2.clone()).unwrap();
    let id = h2["id"].as_str().unwrap().to_string();

    let a = s
        .call(
            "analysis_save",
            json!({ "analysis": analysis_json(&household, "2026-11-20", "progetto_servizio_sociale") }),
        )
        .unwrap();
    let a2 = s.call("analysis_save", json!({ "analysis": a.clone() })).unwrap();
    assert_eq!(a2["id"], a["id"]);

    let p = s.call("project_save", json!({ "project": project_json(&household) })).unwrap();
    let p2 = s.call("project_save", json!({ "project": p.clone() })).unwrap();
    assert_eq!(p2["id"], p["id"]);

    let facts = s.call("eligibility_facts_get", json!({ "household_id": id })).unwrap();
    s.call("eligibility_facts_save", facts).unwrap();

    // The list names the operator by id and name (its rows carry no username:
    // the form adds the one it edits).
    let ops = s.call("operators_list", Value::Null).unwrap();
    let mut me = ops
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Anna Verdi")
        .unwrap_or_else(|| panic!("{ops}"))
        .clone();
    me["username"] = json!("averdi");
    let saved = s.call("operator_save", me).unwrap();
    assert_eq!(saved["role"], "amministratore");
}

/// The shapes ui/js builds, key for key: a new household (household.js
/// newHousehold/newMember/emptyIsee), a blank analysis (analysis.js), a blank
/// project and its added rows (project.js), a convocation (convocation.js), a
/// cf check (household.js), eligibility facts (eligibility.js), an operator
/// (operators.js), a call and an application (calls.js, calls-detail.js).
#[test]
fn every_shape_the_ui_sends_is_accepted() {
    let e = env();
    let s = &e.service;
    let mut h = family_json();
    h["case_number"] = Value::Null;
    h["members"][0]["id"] = json!(sportello::domain::Id::new().to_string());
    let h = s.call("household_save", json!({ "household": h })).unwrap();
    let household: Household = serde_json::from_value(h.clone()).unwrap();
    let id = h["id"].as_str().unwrap();

    s.call(
        "cf_check",
        json!({ "code": "DLLZOE15P70F205X", "first_name": "Zoë", "last_name": "Dell'Orto", "birth_date": null, "sex": null }),
    )
    .unwrap();

    let mut a = analysis_json(&household, "2026-11-20", "progetto_servizio_sociale");
    for (k, v) in [("id", Value::Null), ("operator", Value::Null), ("signing_deadline", Value::Null)] {
        a[k] = v;
    }
    let a = s.call("analysis_save", json!({ "analysis": a })).unwrap();

    let mut p = project_json(&household);
    for (k, v) in [
        ("id", Value::Null),
        ("analysis_id", a["id"].clone()),
        ("status", json!("bozza")),
        ("signing_deadline", a["signing_deadline"].clone()),
        ("required_signers", json!([])),
        ("signatures", json!([])),
    ] {
        p[k] = v;
    }
    p["commitments"][0]["id"] = Value::Null;
    p["commitments"][0]["status"] = json!("da_avviare");
    p["supports"][0]["id"] = Value::Null;
    p["meetings"][0]["id"] = Value::Null;
    s.call("project_save", json!({ "project": p })).unwrap();

    s.call(
        "convocation_print",
        json!({ "household_id": id, "date": "2026-11-27", "time": "10:00", "place": "largo Treves 1",
                "ask_for": "Anna Verdi", "bring": ["ISEE"], "notes": null, "purpose": "altro",
                "purpose_other": "la consegna dell'attestazione ISEE" }),
    )
    .unwrap();
    s.call(
        "eligibility_facts_save",
        json!({ "household_id": id, "other_subsidies": false, "urgent_need": "" }),
    )
    .unwrap();
    s.call(
        "operator_save",
        json!({ "username": "lbianchi", "name": "Luca Bianchi", "role": "operatore", "password": "" }),
    )
    .unwrap();
    let c = s
        .call(
            "call_save",
            json!({ "call": { "title": "Avviso B2 2019", "measure": "b2-anziani", "rule_set": "milano-b2-2019", "budget": "20000.00", "office": null } }),
        )
        .unwrap();
    let call_id = c["id"].as_str().unwrap();
    s.call(
        "application_save",
        json!({ "call_id": call_id, "application": {
            "protocol": "2019/000101", "submitted_on": "2019-02-04", "birth_date": "1933-03-10", "isee": "12000.00",
            "isee_expires_on": "2019-12-31", "resident": true, "continuation": true, "non_self_sufficient": true,
            "independent_living": false, "other_interventions": false, "amount": "4800.00", "household_id": null } }),
    )
    .unwrap();
    s.call("ranking_export_csv", json!({ "call_id": call_id, "version": null })).unwrap();

    // The Rimborsi tab (call-reimbursements.js): the award form with its
    // optional fields left empty, a claim as the form builds it.
    s.call("ranking_publish", json!({ "call_id": call_id, "published_on": "2019-06-10" })).unwrap();
    let r = s
        .call(
            "award_save",
            json!({ "award": { "call_id": call_id, "protocol": "2019/000101", "first_month": "07/2019",
                               "last_month": "06/2020", "iban": "", "holder_name": "", "holder_cf": "" } }),
        )
        .unwrap();
    let award = r["awards"][0]["award"]["id"].clone();
    let claim = |amount: Value| {
        json!({ "claim": { "award_id": award, "received_on": "2019-08-05", "documents": [
            { "type": "busta_paga", "issuer": "RSSMRA80A01F205X", "number": "7", "date": "2019-07-31",
              "month": "07/2019", "amount": amount } ] } })
    };
    s.call("reimbursement_preview", claim(json!("400.00"))).unwrap();
    // A field left empty is a field error, never an unknown key.
    let err = s.call("reimbursement_preview", claim(Value::Null)).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("documents[0].amount"), "{err:?}");
    s.call("household_restrict", json!({ "household_id": id, "reason": "Richiesta dell'interessata" }))
        .unwrap();
    s.call("household_restriction_lift", json!({ "household_id": id, "reason": "Richiesta evasa" })).unwrap();

    // "Progetti finanziati" (finance.js): the project form with its optional
    // fields left empty (null), then a commitment and a payment as the forms send them.
    let p = s
        .call(
            "finance_project_save",
            json!({ "project": { "id": null, "code": "MI3.1.1.c", "title": "Residenzialità Temporanea Sociale",
                                 "programme": "PON Città Metropolitane 2014-2020", "azione": null,
                                 "cup": "B49J17000130006", "rup": "Guido Gandino", "attuatore": "Comune di Milano",
                                 "start": "2017-09-01", "end": "2019-12-31", "programmato": "817000.00",
                                 "ammesso": "0.00", "act": null } }),
        )
        .unwrap();
    let pid = p["project"]["id"].clone();
    let d = s
        .call(
            "finance_commitment_record",
            json!({ "commitment": { "project_id": pid, "number": "2017/7812", "date": "2017-11-15",
                                    "act": "DD 412/2017", "creditor": "Edilnova", "amount": "1000.00",
                                    "description": "Lavori" } }),
        )
        .unwrap();
    let d = s
        .call(
            "finance_payment_record",
            json!({ "payment": { "project_id": pid, "commitment_id": d["commitments"][0]["id"], "number": "2018/1",
                                 "date": "2018-01-10", "amount": "10.00", "document": "Fattura n. 1/2018" } }),
        )
        .unwrap();
    s.call(
        "finance_record_annul",
        json!({ "project_id": pid, "record_id": d["payments"][0]["id"], "reason": "Errore" }),
    )
    .unwrap();
}
