//! A funded project's finances (issue 13 item 2, rules.md §8, seed 004),
//! through the service and its JSON contract: the four OpenCoesione amounts
//! computed from the records (never typed), the warnings, the refusals with
//! their stable code and field, annulment instead of editing, and the
//! rapporto di avanzamento finanziario as PDF and CSV.

use crate::print_support::{pdf_text, squash};
use crate::service_support;

use serde_json::{json, Value};
use service_support::operators::as_operator;
use service_support::{d, env, Env};
use sportello::domain::Role;
use sportello::Code;

fn seed_project() -> Value {
    json!({
        "code": "MI3.1.1.c",
        "title": "Residenzialità Temporanea Sociale",
        "programme": "PON Città Metropolitane 2014-2020",
        "azione": "Azione 3.1.1",
        "cup": "b49j17000130006",
        "rup": "Guido Gandino",
        "attuatore": "Comune di Milano",
        "start": "2017-09-01",
        "end": "2019-12-31",
        "programmato": "817000.00",
        "ammesso": "817000.00",
        "act": "Ammissione a finanziamento del 12/10/2017",
    })
}

fn project(e: &Env) -> String {
    let v = e.service.call("finance_project_save", json!({ "project": seed_project() })).unwrap();
    v["project"]["id"].as_str().unwrap().to_string()
}

fn commit(e: &Env, p: &str, number: &str, date: &str, amount: &str) -> Value {
    e.service
        .call(
            "finance_commitment_record",
            json!({ "commitment": { "project_id": p, "number": number, "date": date,
                    "act": format!("Determinazione dirigenziale n. {number}"), "creditor": "Cooperativa Sociale Abitare Insieme",
                    "amount": amount, "description": "Accompagnamento sociale" } }),
        )
        .unwrap()
}

fn commitment_id(detail: &Value, number: &str) -> String {
    detail["commitments"].as_array().unwrap().iter().find(|c| c["number"] == number).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn pay(
    e: &Env,
    p: &str,
    commitment: &str,
    number: &str,
    date: &str,
    amount: &str,
) -> sportello::Result<Value> {
    e.service.call(
        "finance_payment_record",
        json!({ "payment": { "project_id": p, "commitment_id": commitment, "number": number, "date": date,
                "amount": amount, "document": format!("Fattura n. {number}") } }),
    )
}

fn codes(detail: &Value) -> Vec<String> {
    detail["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn the_four_amounts_are_computed_from_the_records() {
    let e = env();
    let p = project(&e);
    let d0 = e.service.call("finance_get", json!({ "id": p })).unwrap();
    assert_eq!(d0["project"]["cup"], "B49J17000130006", "upper-cased as the rule reads it");
    assert_eq!(
        d0["amounts"],
        json!({ "on": "2026-11-20", "programmato": "817000.00", "ammesso": "817000.00",
                "giuridicamente_vincolante": "0.00", "erogato": "0.00" })
    );
    commit(&e, &p, "2017/7812", "2017-11-15", "348500.00");
    let v = commit(&e, &p, "2018/1290", "2018-02-20", "296000.00");
    let works = commitment_id(&v, "2017/7812");
    let support = commitment_id(&v, "2018/1290");
    pay(&e, &p, &works, "2018/3012", "2018-04-30", "104550.00").unwrap();
    pay(&e, &p, &support, "2018/4410", "2018-06-15", "37000.00").unwrap();
    let v = pay(&e, &p, &works, "2018/7230", "2018-09-28", "139400.50").unwrap();
    assert_eq!(v["amounts"]["giuridicamente_vincolante"], "644500.00");
    assert_eq!(v["amounts"]["erogato"], "280950.50");
    assert_eq!(v["progress"], "34.4", "280.950,50 of 817.000,00");
    assert_eq!(codes(&v), Vec::<String>::new());
    let c = &v["commitments"].as_array().unwrap()[0];
    assert_eq!((c["paid"].as_str(), c["left"].as_str()), (Some("243950.50"), Some("104549.50")));
    // The list shows the same amounts.
    let list = e.service.call("finance_list", Value::Null).unwrap();
    assert_eq!(list[0]["amounts"], v["amounts"]);
    assert_eq!((list[0]["code"].as_str(), list[0]["warnings"].as_u64()), (Some("MI3.1.1.c"), Some(0)));
    // Amounts are not typed: the save of the project has no field for them.
    let mut typed = seed_project();
    typed["erogato"] = json!("1.00");
    let err = e.service.call("finance_project_save", json!({ "project": typed })).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("erogato")), "{err:?}");
}

#[test]
fn paying_beyond_the_commitments_and_committing_beyond_the_admitted_amount_are_warned() {
    let e = env();
    let p = project(&e);
    let mut smaller = seed_project();
    smaller["id"] = json!(p);
    smaller["ammesso"] = json!("300000.00");
    e.service.call("finance_project_save", json!({ "project": smaller })).unwrap();
    let v = commit(&e, &p, "2018/1", "2018-03-01", "250000.00");
    let c = commitment_id(&v, "2018/1");
    pay(&e, &p, &c, "2018/10", "2018-04-01", "200000.00").unwrap();
    // A payment beyond its commitment is recorded (a mandato issued is a fact) and warned.
    let v = pay(&e, &p, &c, "2018/11", "2018-05-02", "60000.00").unwrap();
    assert_eq!(v["amounts"]["erogato"], "260000.00");
    assert_eq!(codes(&v), ["PAYMENTS_OVER_COMMITMENT", "PAYMENTS_OVER_COMMITMENTS"]);
    let text = v["warnings"][1]["text"].as_str().unwrap();
    assert!(
        text.contains("260.000,00 €") && text.contains("250.000,00 €") && text.contains("10.000,00 €"),
        "{text}"
    );
    let v = commit(&e, &p, "2018/2", "2018-06-01", "70000.00");
    assert!(codes(&v).contains(&"COMMITMENTS_OVER_ADMITTED".to_string()), "{:?}", codes(&v));
    // Outside the project's dates: a warning too.
    let v = commit(&e, &p, "2020/1", "2020-02-01", "1000.00");
    let w = &v["warnings"].as_array().unwrap().iter().find(|w| w["code"] == "OUTSIDE_PROJECT_DATES").unwrap();
    assert_eq!(w["record"], "2020/1");
    assert_eq!(e.service.call("finance_list", Value::Null).unwrap()[0]["warnings"].as_u64(), Some(3));
}

#[test]
fn refusals_name_their_field() {
    let e = env();
    let s = &e.service;
    let refused = |command: &str, input: Value, code: Code, field: &str| {
        let err = s.call(command, input).unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (code, Some(field)), "{command}: {err:?}");
        err
    };
    let mut bad = seed_project();
    bad["cup"] = json!("B49J1700013000");
    let err = refused("finance_project_save", json!({ "project": bad }), Code::Invalid, "cup");
    assert!(err.message.contains("14 caratteri invece di 15"), "{}", err.message);
    let mut bad = seed_project();
    bad["end"] = json!("2017-01-01");
    refused("finance_project_save", json!({ "project": bad }), Code::Invalid, "end");
    let mut bad = seed_project();
    bad["programmato"] = json!("-1.00");
    refused("finance_project_save", json!({ "project": bad }), Code::Invalid, "programmato");
    let p = project(&e);
    // The same CUP or code for a second project.
    refused("finance_project_save", json!({ "project": seed_project() }), Code::Conflict, "cup");

    // A payment without a commitment.
    let no_commitment = json!({ "payment": { "project_id": p, "number": "2018/1", "date": "2018-01-10",
                                             "amount": "10.00", "document": "Fattura n. 1" } });
    let err = refused("finance_payment_record", no_commitment, Code::Invalid, "commitment_id");
    assert!(err.message.contains("impegno"), "{}", err.message);
    let v = commit(&e, &p, "2018/1", "2018-01-10", "1000.00");
    let c = commitment_id(&v, "2018/1");
    // Zero or negative, in the future, a number already recorded.
    let err = pay(&e, &p, &c, "2018/5", "2018-02-01", "0.00").unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("amount")), "{err:?}");
    let err = pay(&e, &p, &c, "2018/5", "2026-12-01", "10.00").unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("date")), "{err:?}");
    pay(&e, &p, &c, "2018/5", "2018-02-01", "10.00").unwrap();
    let err = pay(&e, &p, &c, "2018/5", "2018-02-02", "10.00").unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("number")), "{err:?}");
    let err = s
        .call(
            "finance_commitment_record",
            json!({ "commitment": { "project_id": p, "number": "2018/1", "date": "2018-01-11", "act": "DD 2",
                                    "creditor": "X", "amount": "5.00", "description": "Lavori" } }),
        )
        .unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("number")), "{err:?}");
    let err = s
        .call(
            "finance_commitment_record",
            json!({ "commitment": { "project_id": p, "number": "2018/9", "date": "2018-01-11", "act": "DD 2",
                                    "creditor": "X", "amount": "5.00", "description": " " } }),
        )
        .unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("description")), "{err:?}");
    // A commitment of another project.
    let mut other = seed_project();
    other["code"] = json!("MI3.1.1.d");
    other["cup"] = json!("B49J17000140006");
    let q = s.call("finance_project_save", json!({ "project": other })).unwrap()["project"]["id"].clone();
    let err = pay(&e, q.as_str().unwrap(), &c, "2018/6", "2018-02-01", "10.00").unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("commitment_id")), "{err:?}");
    // Nothing of the refusals was recorded.
    let v = s.call("finance_get", json!({ "id": p })).unwrap();
    assert_eq!((v["commitments"].as_array().unwrap().len(), v["payments"].as_array().unwrap().len()), (1, 1));
}

#[test]
fn a_wrong_record_is_annulled_with_its_reason_never_edited() {
    let e = env();
    let s = &e.service;
    let p = project(&e);
    let v = commit(&e, &p, "2018/1", "2018-01-10", "1000.00");
    let c = commitment_id(&v, "2018/1");
    let v = pay(&e, &p, &c, "2018/5", "2018-02-01", "700.00").unwrap();
    let payment = v["payments"][0]["id"].clone();
    // A commitment with payments on it stays until they are annulled.
    let err = s
        .call("finance_record_annul", json!({ "project_id": p, "record_id": c, "reason": "Doppio" }))
        .unwrap_err();
    assert_eq!(err.code, Code::Conflict, "{err:?}");
    assert!(err.message.contains("2018/5"), "{}", err.message);
    let err = s
        .call("finance_record_annul", json!({ "project_id": p, "record_id": payment, "reason": "  " }))
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("reason"), "{err:?}");
    let v = s
        .call(
            "finance_record_annul",
            json!({ "project_id": p, "record_id": payment, "reason": "Importo errato: 70,00 €" }),
        )
        .unwrap();
    assert_eq!(v["amounts"]["erogato"], "0.00");
    assert_eq!(v["payments"][0]["annulled"]["reason"], "Importo errato: 70,00 €");
    assert_eq!(v["payments"][0]["annulled"]["on"], "2026-11-20");
    // Recorded again, under the same number.
    let v = pay(&e, &p, &c, "2018/5", "2018-02-01", "70.00").unwrap();
    assert_eq!(v["amounts"]["erogato"], "70.00");
    assert_eq!(v["payments"].as_array().unwrap().len(), 2, "the annulled one stays listed");
    let err = s
        .call("finance_record_annul", json!({ "project_id": p, "record_id": payment, "reason": "ancora" }))
        .unwrap_err();
    assert_eq!(err.code, Code::Conflict, "{err:?}");

    // The schema refuses an edit or a deletion, whoever tries.
    let conn = service_support::raw(&e.db());
    for sql in [
        "UPDATE finance_payments SET amount = '1.00'",
        "DELETE FROM finance_payments",
        "UPDATE finance_commitments SET amount = '1.00'",
        "DELETE FROM finance_annulments",
        "DELETE FROM funded_projects",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("never"), "{sql}: {err}");
    }
}

#[test]
fn the_report_prints_the_amounts_and_the_csv_has_the_office_columns() {
    let e = env();
    let s = &e.service;
    let p = project(&e);
    let v = commit(&e, &p, "2017/7812", "2017-11-15", "348500.00");
    let c = commitment_id(&v, "2017/7812");
    pay(&e, &p, &c, "2018/3012", "2018-04-30", "104550.00").unwrap();
    let v = pay(&e, &p, &c, "2019/0001", "2019-01-15", "1234.56").unwrap();
    let wrong = v["payments"][1]["id"].clone();
    s.call(
        "finance_record_annul",
        json!({ "project_id": p, "record_id": wrong, "reason": "Mandato registrato due volte" }),
    )
    .unwrap();

    let out = s.call("finance_report", json!({ "id": p })).unwrap();
    let name = out["file_name"].as_str().unwrap();
    assert_eq!(name, "avanzamento-finanziario-MI3-1-1-c-2026-11-20.pdf");
    let bytes = std::fs::read(out["path"].as_str().unwrap()).unwrap();
    keep_for_looking(out["path"].as_str().unwrap());
    let text = squash(&pdf_text(&bytes));
    for want in [
        "Rapporto di avanzamento finanziario",
        "Residenzialità Temporanea Sociale",
        "B49J17000130006",
        "Guido Gandino",
        "dal 01/09/2017 al 31/12/2019",
        "Avanzamento finanziario al 20/11/2026",
        "Importo programmato 817.000,00 €",
        "Importo ammesso a finanziamento 817.000,00 €",
        "Importo giuridicamente vincolante (impegni) 348.500,00 €",
        "Importo erogato (pagamenti) 104.550,00 €",
        "12,8 %",
        "2017/7812",
        "Mandato registrato due volte",
    ] {
        assert!(text.contains(want), "«{want}» missing from: {text}");
    }

    // On an earlier date: only what was recorded by then.
    let out = s.call("finance_report", json!({ "id": p, "on": "2018-03-31" })).unwrap();
    let text = squash(&pdf_text(&std::fs::read(out["path"].as_str().unwrap()).unwrap()));
    assert!(text.contains("Importo erogato (pagamenti) 0,00 €"), "{text}");
    let err = s.call("finance_report", json!({ "id": p, "on": "2027-01-01" })).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("on"));

    let out = s.call("finance_report", json!({ "id": p, "format": "csv" })).unwrap();
    let csv = String::from_utf8(std::fs::read(out["path"].as_str().unwrap()).unwrap()).unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next(),
        Some("Codice progetto;CUP;Tipo;Numero;Data;Impegno n.;Atto o documento;Creditore;Oggetto;Importo")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "the annulled payment left out: {csv}");
    assert!(
        rows[0].starts_with("MI3.1.1.c;B49J17000130006;Impegno;2017/7812;15/11/2017;2017/7812;"),
        "{csv}"
    );
    assert!(rows[0].ends_with(";348500,00"), "{csv}");
    assert!(
        rows[1].starts_with(
            "MI3.1.1.c;B49J17000130006;Pagamento;2018/3012;30/04/2018;2017/7812;Fattura n. 2018/3012;"
        ),
        "{csv}"
    );
    assert!(rows[1].ends_with(";104550,00"), "{csv}");
    let out = s.call("finance_report", json!({ "id": p, "format": "xlsx" })).unwrap();
    assert!(out["file_name"].as_str().unwrap().ends_with(".xlsx"));
}

#[test]
fn the_finances_are_the_coordinators() {
    let e = env();
    let p = project(&e);
    let desk = as_operator(&e, "mbianchi", "Marco Bianchi", Role::Operatore, None);
    for (command, input) in [
        ("finance_list", Value::Null),
        ("finance_get", json!({ "id": p })),
        ("finance_report", json!({ "id": p })),
    ] {
        let err = desk.call(command, input).unwrap_err();
        assert_eq!(err.code, Code::Forbidden, "{command}: {err:?}");
    }
    let coord = as_operator(&e, "lbianchi", "Lucia Bianchi", Role::Coordinatore, None);
    assert_eq!(coord.call("finance_list", Value::Null).unwrap().as_array().unwrap().len(), 1);
    let _ = d("2019-01-01");
}

/// With `SPORTELLO_KEEP_PDF=DIR`, a copy of a printed file for a person to look at.
fn keep_for_looking(path: &str) {
    if let Some(dir) = std::env::var_os("SPORTELLO_KEEP_PDF") {
        let name = std::path::Path::new(path).file_name().unwrap();
        std::fs::copy(path, std::path::Path::new(&dir).join(name)).unwrap();
    }
}
