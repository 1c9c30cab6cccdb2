//! Paying what a published ranking awarded (rules.md §7), through the service
//! and its JSON contract: the award takes the ranking's amount, a claim is
//! decided as `sportello reimburse` decides the same claim file, what was
//! decided never changes, and the elenco di liquidazione pays each claim once.

use crate::service_support;

use serde_json::{json, Value};
use service_support::{d, env, sportello, Env};
use sportello::domain::Id;
use sportello::Code;

const EXAMPLE_CSV: &str = include_str!("scenari/esempi/b2-anziani-applications.csv");
const IBAN: &str = "IT60 X054 2811 1010 0000 0123 456";
const BADANTE: &str = "BRNGNN45C12F205U";

/// The example call, ranked and published on 10/06/2019.
fn published(e: &Env) -> String {
    let s = &e.service;
    let v = s
        .call(
            "call_save",
            json!({"call": {"title": "Misura B2 anziani — domande 2019", "measure": "b2-anziani",
                            "rule_set": "milano-b2-2019", "budget": "20000.00"}}),
        )
        .unwrap();
    let id = Id::parse("id", v["id"].as_str().unwrap()).unwrap();
    assert!(s.applications_import(id, EXAMPLE_CSV).unwrap().saved);
    s.ranking_publish(id, d("2019-06-10")).unwrap();
    id.to_string()
}

fn award(e: &Env, call: &str, protocol: &str) -> String {
    let r = e
        .service
        .call(
            "award_save",
            json!({"award": {"call_id": call, "protocol": protocol, "first_month": "07/2019",
                             "last_month": "2020-06", "iban": IBAN, "holder_name": "Rossi Maria",
                             "holder_cf": "RSSMRA41A41F205S"}}),
        )
        .unwrap();
    let line = r["awards"].as_array().unwrap().iter().find(|a| a["protocol"] == protocol).unwrap().clone();
    line["award"]["id"].as_str().unwrap().to_string()
}

fn doc(number: &str, kind: &str, date: &str, month: &str, amount: &str) -> Value {
    json!({"type": kind, "issuer": BADANTE, "number": number, "date": date, "month": month, "amount": amount})
}

fn claim(award: &str, on: &str, docs: Vec<Value>) -> Value {
    json!({"claim": {"award_id": award, "received_on": on, "documents": docs}})
}

/// With `SPORTELLO_KEEP_PDF=DIR`, a copy of a printed file for a person to
/// look at (`pdftoppm -png`): the viewing area is emptied when the service goes.
fn keep_for_looking(path: &str) {
    if let Some(dir) = std::env::var_os("SPORTELLO_KEEP_PDF") {
        let name = std::path::Path::new(path).file_name().unwrap();
        std::fs::copy(path, std::path::Path::new(&dir).join(name)).unwrap();
    }
}

/// `sportello reimburse --json` on a claim file.
fn cli(claim: &Value) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("richiesta.json");
    std::fs::write(&path, serde_json::to_string_pretty(claim).unwrap()).unwrap();
    let (code, out, err) = sportello(&["reimburse", "--input", path.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn the_award_is_the_rankings_amount_and_only_a_funded_application_gets_one() {
    let e = env();
    let call = published(&e);
    let r = e.service.call("reimbursements_get", json!({"call_id": call})).unwrap();
    assert_eq!(r["version"], 1);
    let protocols: Vec<&str> =
        r["awards"].as_array().unwrap().iter().map(|a| a["protocol"].as_str().unwrap()).collect();
    assert_eq!(protocols, ["2019/000101", "2019/000106", "2019/000102", "2019/000107"]);
    assert!(r["awards"].as_array().unwrap().iter().all(|a| a["award"].is_null()));
    assert_eq!((r["can_award"].as_bool(), r["can_issue"].as_bool()), (Some(true), Some(true)));
    assert_eq!(r["document_types"].as_array().unwrap().len(), 3, "{r}");

    let id = award(&e, &call, "2019/000107");
    let r = e.service.call("award_claims", json!({"award_id": id})).unwrap();
    assert_eq!(r["award"]["amount"], "3600.00", "the ranking's, never typed");
    assert_eq!(r["award"]["iban"], IBAN);
    assert_eq!(r["months"].as_array().unwrap().len(), 12);
    assert_eq!(r["months"][0]["cap"], "300.00");

    let save = |protocol: &str, first: &str, last: &str, iban: &str| {
        e.service
            .call(
                "award_save",
                json!({"award": {"call_id": call, "protocol": protocol, "first_month": first,
                                 "last_month": last, "iban": iban}}),
            )
            .unwrap_err()
    };
    // Admitted but not funded, not admitted: no award.
    for p in ["2019/000108", "2019/000103"] {
        let err = save(p, "07/2019", "06/2020", IBAN);
        assert_eq!(err.field.as_deref(), Some("protocol"), "{err:?}");
    }
    let err = save("2019/000101", "07/2019", "06/2020", "IT60 X054 2811 1010 0000 0123 465");
    assert_eq!(err.field.as_deref(), Some("iban"), "{err:?}");
    assert!(err.message.contains("cifre di controllo"), "{}", err.message);
    let err = save("2019/000101", "07/2020", "06/2020", IBAN);
    assert_eq!(err.field.as_deref(), Some("last_month"));
    let err = save("2019/000101", "13/2019", "06/2020", IBAN);
    assert_eq!(err.field.as_deref(), Some("first_month"));
    let holder = |name: &str, cf: &str| {
        e.service
            .call(
                "award_save",
                json!({"award": {"call_id": call, "protocol": "2019/000101", "first_month": "07/2019",
                                 "last_month": "06/2020", "holder_name": name, "holder_cf": cf}}),
            )
            .unwrap_err()
    };
    assert_eq!(holder("Dell'Orto Niccolò", "DLLNCL80A01F205X").field.as_deref(), Some("holder_cf"));
    assert_eq!(holder("", "DLLNCL80A01F205Q").field.as_deref(), Some("holder_name"));
    // Before the reimbursement rules (schema: from 01/01/2019): an error, never a zero.
    let err = save("2019/000101", "12/2018", "06/2020", IBAN);
    assert_eq!(err.field.as_deref(), Some("first_month"), "{err:?}");
}

#[test]
fn a_claim_is_decided_as_the_cli_decides_the_same_claim_file() {
    let e = env();
    let call = published(&e);
    let a = award(&e, &call, "2019/000101");
    let first = claim(&a, "2019-08-06", vec![doc("6", "busta_paga", "2019-07-31", "2019-07", "250.00")]);
    let preview = e.service.call("reimbursement_preview", first.clone()).unwrap();
    assert_eq!(preview["number"], Value::Null);
    let recorded = e.service.call("reimbursement_record", first).unwrap();
    assert_eq!(recorded["number"], 1);
    assert_eq!(recorded["total"], "250.00");
    assert_eq!(preview["documents"], recorded["documents"], "a preview is the decision");

    // The second claim of shared/examples/reimburse-claim.json, against what
    // the first left: 250,00 of July reimbursed, payslip 6 handed in.
    let docs = vec![
        doc("7", "busta_paga", "2019-08-05", "2019-07", "520.00"),
        doc("INPS-3", "contributi_inps", "2019-10-10", "2019-08", "310.40"),
        doc("8", "busta_paga", "2019-09-04", "2019-08", "520.00"),
        doc("6", "busta_paga", "2019-07-03", "2019-06", "520.00"),
        json!({"type": "scontrino", "issuer": "01234567897", "number": "55", "date": "2019-09-20",
               "month": "2019-09", "amount": "45.00"}),
        doc("8", "busta_paga", "2019-09-05", "2019-08", "520.00"),
    ];
    let second = e.service.call("reimbursement_record", claim(&a, "2019-10-15", docs.clone())).unwrap();
    assert_eq!(second["number"], 2);

    let file = json!({
        "measure": "b2-anziani", "funded": true,
        "award": {"amount": "4800.00", "first_month": "2019-07", "last_month": "2020-06"},
        "already_reimbursed": [{"month": "2019-07", "amount": "250.00"}],
        "earlier_documents": [{"issuer": BADANTE, "number": "6"}],
        "documents": docs.iter().enumerate().map(|(i, d)| {
            let mut d = d.clone();
            d["id"] = json!(format!("d{}", i + 1));
            d
        }).collect::<Vec<_>>(),
    });
    let expected = cli(&file);
    assert_eq!(second["total"], expected["total"]);
    assert_eq!(second["total"], "550.00", "shared/examples/reimburse-claim.expected.json");
    for (got, want) in
        second["documents"].as_array().unwrap().iter().zip(expected["documents"].as_array().unwrap())
    {
        assert_eq!(got["accepted"], want["accepted"], "{got} / {want}");
        let codes: Vec<&Value> = got["reasons"].as_array().unwrap().iter().map(|r| &r["code"]).collect();
        assert_eq!(codes, want["reasons"].as_array().unwrap().iter().collect::<Vec<_>>(), "{got}");
        // Every code comes with its Italian sentence.
        assert!(got["reasons"].as_array().unwrap().iter().all(|r| r["text"].as_str().unwrap().len() > 10));
    }

    // Stored as decided: read back the same, and the months add up.
    let back = e.service.call("award_claims", json!({"award_id": a})).unwrap();
    assert_eq!(back["claims"].as_array().unwrap().len(), 2);
    assert_eq!(back["claims"][1]["documents"], second["documents"]);
    assert_eq!(back["award"]["reimbursed"], "800.00");
    assert_eq!(back["months"][0]["reimbursed"], "400.00");
    assert_eq!(back["months"][1]["reimbursed"], "400.00");
    assert_eq!(back["award"]["left"], "4000.00");
    assert_eq!(back["award"]["changeable"], false);

    // The award is fixed once claimed: by the service, and by the schema.
    let err = e
        .service
        .call(
            "award_save",
            json!({"award": {"call_id": call, "protocol": "2019/000101", "first_month": "08/2019",
                             "last_month": "07/2020"}}),
        )
        .unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    let conn = service_support::raw(&e.db());
    for sql in [
        "UPDATE awards SET amount = '9999.00'",
        "UPDATE reimbursement_documents SET accepted = '520.00'",
        "DELETE FROM reimbursement_claims",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("never"), "{sql}: {err}");
    }
}

#[test]
fn a_claim_form_is_checked_field_by_field_and_nothing_is_stored() {
    let e = env();
    let call = published(&e);
    let a = award(&e, &call, "2019/000102");
    let bad =
        |docs: Vec<Value>, on: &str| e.service.call("reimbursement_record", claim(&a, on, docs)).unwrap_err();
    assert_eq!(bad(vec![], "2019-08-06").field.as_deref(), Some("documents"));
    let ok = doc("1", "busta_paga", "2019-07-31", "2019-07", "250.00");
    let mut no_issuer = ok.clone();
    no_issuer["issuer"] = json!(" ");
    assert_eq!(bad(vec![ok.clone(), no_issuer], "2019-08-06").field.as_deref(), Some("documents[1].issuer"));
    let mut month = ok.clone();
    month["month"] = json!("luglio");
    assert_eq!(bad(vec![month], "2019-08-06").field.as_deref(), Some("documents[0].month"));
    let mut amount = ok.clone();
    amount["amount"] = json!("0.00");
    assert_eq!(bad(vec![amount], "2019-08-06").field.as_deref(), Some("documents[0].amount"));
    // Handed in tomorrow (the service's today is 20/11/2026).
    assert_eq!(bad(vec![ok], "2026-11-21").field.as_deref(), Some("received_on"));
    let back = e.service.call("award_claims", json!({"award_id": a})).unwrap();
    assert!(back["claims"].as_array().unwrap().is_empty());
}

#[test]
fn the_elenco_di_liquidazione_pays_each_claim_once_and_is_never_changed() {
    let e = env();
    let call = published(&e);
    let s = &e.service;
    // The applicant the office has no case for: the account's holder is typed in.
    let r = s
        .call(
            "award_save",
            json!({"award": {"call_id": call, "protocol": "2019/000101", "first_month": "07/2019",
                             "last_month": "06/2020", "iban": IBAN, "holder_name": "Dell'Orto  Niccolò",
                             "holder_cf": "dllncl80a01f205q"}}),
        )
        .unwrap();
    assert_eq!(r["awards"][0]["beneficiary"], "Dell'Orto Niccolò");
    assert_eq!(r["awards"][0]["award"]["holder_cf"], "DLLNCL80A01F205Q");
    let a1 = r["awards"][0]["award"]["id"].as_str().unwrap().to_string();
    let a2 = award(&e, &call, "2019/000106");
    s.call(
        "reimbursement_record",
        claim(&a1, "2019-08-05", vec![doc("7", "busta_paga", "2019-07-31", "2019-07", "1234.56")]),
    )
    .unwrap();
    // Refused whole: nothing to pay, so in no list.
    s.call(
        "reimbursement_record",
        claim(&a2, "2019-08-06", vec![doc("1", "busta_paga", "2019-05-31", "2019-05", "300.00")]),
    )
    .unwrap();
    s.call(
        "reimbursement_record",
        claim(&a2, "2019-08-07", vec![doc("2", "fattura_servizio", "2019-07-31", "2019-07", "123.45")]),
    )
    .unwrap();
    let r = s.call("reimbursements_get", json!({"call_id": call})).unwrap();
    assert_eq!((r["to_liquidate"].as_u64(), r["to_liquidate_total"].as_str()), (Some(2), Some("523.45")));

    // No list with a row the finance office could not pay; IBAN and holder
    // stay correctable after a claim, the period does not.
    s.call(
        "award_save",
        json!({"award": {"call_id": call, "protocol": "2019/000106", "first_month": "07/2019",
                         "last_month": "06/2020"}}),
    )
    .unwrap();
    let err = s
        .call(
            "award_save",
            json!({"award": {"call_id": call, "protocol": "2019/000106", "first_month": "08/2019",
                             "last_month": "07/2020", "iban": IBAN}}),
        )
        .unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    let err = s.call("liquidation_issue", json!({"call_id": call, "issued_on": "2019-08-20"})).unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    assert!(err.message.contains("2019/000106") && err.message.contains("IBAN"), "{}", err.message);
    award(&e, &call, "2019/000106");
    let first = s.call("liquidation_issue", json!({"call_id": call, "issued_on": "2019-08-20"})).unwrap();
    assert_eq!(
        (first["number"].as_u64(), first["rows"].as_u64(), first["total"].as_str()),
        (Some(1), Some(2), Some("523.45"))
    );
    let err = s.call("liquidation_issue", json!({"call_id": call, "issued_on": "2019-08-21"})).unwrap_err();
    assert_eq!(err.code, Code::Conflict, "nothing left to pay");

    s.call(
        "reimbursement_record",
        claim(&a1, "2019-09-04", vec![doc("8", "busta_paga", "2019-08-31", "2019-08", "400.00")]),
    )
    .unwrap();
    let err = s.call("liquidation_issue", json!({"call_id": call, "issued_on": "2019-08-19"})).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("issued_on"), "not before the list before it");
    // A list pays what was handed in by its day: the claim of 04/09 waits.
    let err = s.call("liquidation_issue", json!({"call_id": call, "issued_on": "2019-09-03"})).unwrap_err();
    assert_eq!(err.code, Code::Conflict, "{err:?}");
    let second = s.call("liquidation_issue", json!({"call_id": call, "issued_on": "2019-09-10"})).unwrap();
    assert_eq!(
        (second["number"].as_u64(), second["rows"].as_u64(), second["total"].as_str()),
        (Some(2), Some(1), Some("400.00"))
    );

    let back = s.call("award_claims", json!({"award_id": a1})).unwrap();
    assert_eq!(back["claims"][0]["liquidation"], json!([1, "2019-08-20"]));
    assert_eq!(back["claims"][1]["liquidation"], json!([2, "2019-09-10"]));

    // The finance office's table: the Italian CSV, and the PDF as issued.
    let out = s.call("liquidation_open", json!({"id": first["id"], "format": "csv"})).unwrap();
    let csv = std::fs::read(out["path"].as_str().unwrap()).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with('\u{feff}'), "BOM for the spreadsheet");
    // The payslip of 1.234,56 € was reduced to July's quota, 400,00 €.
    assert!(text.contains("2019/000101") && text.contains("400,00") && text.contains("123,45"), "{text}");
    assert!(text.contains("IT60X0542811101000000123456") && !text.contains("1.234,56"), "{text}");
    assert!(text.contains("Dell'Orto Niccolò;DLLNCL80A01F205Q"), "the holder, accents kept: {text}");
    assert_eq!(text.lines().count(), 3, "{text}");
    let pdf = s.call("liquidation_open", json!({"id": first["id"]})).unwrap();
    assert!(pdf["file_name"].as_str().unwrap().ends_with(".pdf"));
    let bytes = std::fs::read(pdf["path"].as_str().unwrap()).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    keep_for_looking(pdf["path"].as_str().unwrap());

    let conn = service_support::raw(&e.db());
    for sql in [
        "UPDATE liquidations SET total = '0.00'",
        "DELETE FROM liquidation_items",
        "UPDATE liquidation_items SET amount = '1.00'",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("never"), "{sql}: {err}");
    }
    // A claim in two lists is impossible by the schema too.
    let err = conn
        .execute(
            "INSERT INTO liquidation_items (id, liquidation_id, position, claim_id, amount)
             SELECT lower(hex(randomblob(16))), l.id, 9, i.claim_id, i.amount
               FROM liquidations l, liquidation_items i WHERE l.number = 2 LIMIT 1",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("UNIQUE"), "{err}");
}

#[test]
fn only_the_coordinator_sets_awards_and_issues_lists_and_the_desk_records_claims() {
    let e = env();
    let call = published(&e);
    let a = award(&e, &call, "2019/000101");
    let desk = e.reopen("mrossi", service_support::today());
    let err = desk
        .call(
            "award_save",
            json!({"award": {"call_id": call, "protocol": "2019/000106", "first_month": "07/2019",
                             "last_month": "06/2020"}}),
        )
        .unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
    let r = desk.call("reimbursements_get", json!({"call_id": call})).unwrap();
    assert_eq!((r["can_award"].as_bool(), r["can_issue"].as_bool()), (Some(false), Some(false)));
    desk.call(
        "reimbursement_record",
        claim(&a, "2019-08-05", vec![doc("7", "busta_paga", "2019-07-31", "2019-07", "400.00")]),
    )
    .unwrap();
    let err =
        desk.call("liquidation_issue", json!({"call_id": call, "issued_on": "2019-08-20"})).unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
}

#[test]
fn the_familys_statement_names_every_document_and_why() {
    let e = env();
    let call = published(&e);
    let a = award(&e, &call, "2019/000101");
    e.service
        .call(
            "reimbursement_record",
            claim(
                &a,
                "2019-08-05",
                vec![
                    doc("7", "busta_paga", "2019-07-31", "2019-07", "520.00"),
                    doc("6", "busta_paga", "2019-06-30", "2019-06", "300.00"),
                ],
            ),
        )
        .unwrap();
    let out = e.service.call("reimbursement_statement", json!({"award_id": a})).unwrap();
    let path = out["path"].as_str().unwrap();
    keep_for_looking(path);
    let text = std::process::Command::new("pdftotext").args(["-layout", path, "-"]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    for want in ["Prospetto dei rimborsi", "2019/000101", "4.800,00 €", "400,00 €", "07/2019", "06/2020"]
    {
        assert!(text.contains(want), "«{want}» not in:\n{text}");
    }
}

fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The office's claims sheet, as an Italian spreadsheet saves it (`;`,
/// `1.234,56`, `gg/mm/aaaa`, Windows-1252): checked whole, then recorded, each
/// claim decided as the desk's form decides it.
#[test]
fn a_claims_file_is_checked_whole_then_recorded_as_the_desk_records_each_claim() {
    let e = env();
    let call = published(&e);
    let first = award(&e, &call, "2019/000101");
    let r = e.service.call("reimbursements_get", json!({"call_id": call})).unwrap();
    let other = r["awards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["protocol"] != "2019/000101" && a["funded_amount"].is_string())
        .map(|a| a["protocol"].as_str().unwrap().to_string())
        .unwrap();
    award(&e, &call, &other);
    // «Busta paga dell'assistente familiare» is the type's name: read as its code.
    let sheet = format!(
        "protocollo;consegnata_il;tipo;emittente;numero;data;mese;importo\r\n\
         2019/000101;05/08/2019;busta_paga;{BADANTE};7/2019;31/07/2019;07/2019;350,00\r\n\
         2019/000101;05/08/2019;Busta paga dell'assistente familiare;{BADANTE};7/2019;31/07/2019;07/2019;350,00\r\n\
         {other};06/08/2019;busta_paga;{BADANTE};N° 8/2019;31/07/2019;07/2019;1.200,00\r\n\
         2019/000101;04/09/2019;busta_paga;{BADANTE};8/2019;31/08/2019;08/2019;350,00\r\n"
    );
    // Windows-1252, as the spreadsheet saved it: «°» is one byte, 0xB0.
    let bytes: Vec<u8> = sheet.chars().map(|c| if c == '°' { 0xB0 } else { c as u8 }).collect();
    let file = b64(&bytes);
    let check =
        e.service.call("reimbursement_import", json!({"call_id": call, "file_base64": file})).unwrap();
    assert_eq!(check["saved"], false);
    assert_eq!(check["rows_read"], 4);
    let claims = check["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 3, "{check}");
    assert_eq!((claims[0]["documents"].as_u64(), claims[0]["claimed"].as_str()), (Some(2), Some("700.00")));
    assert!(claims.iter().all(|c| c["decision"].is_null()));
    assert!(check["read_as"].as_str().unwrap().contains("Windows-1252"), "{}", check["read_as"]);
    // Nothing stored by the check.
    let before = e.service.call("award_claims", json!({"award_id": first})).unwrap();
    assert_eq!(before["claims"].as_array().unwrap().len(), 0);

    let done = e
        .service
        .call("reimbursement_import", json!({"call_id": call, "file_base64": file, "record": true}))
        .unwrap();
    assert_eq!(done["saved"], true);
    let decided: Vec<&Value> = done["claims"].as_array().unwrap().iter().map(|c| &c["decision"]).collect();
    // The second row repeats the first document: refused as a duplicate, as the form would.
    let reasons: Vec<&str> = decided[0]["documents"][1]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["DUPLICATE"], "{}", decided[0]);
    // The same claims typed at the desk decide the same.
    let after = e.service.call("award_claims", json!({"award_id": first})).unwrap();
    let stored = after["claims"].as_array().unwrap();
    assert_eq!(stored.len(), 2, "the 05/08 and the 04/09 claims of the first award");
    assert_eq!(stored[0]["reimbursed"], decided[0]["total"]);
    assert_eq!(stored[1]["number"], 2);

    // A refused cell or an application without an award: nothing recorded, every row named.
    let bad = "protocollo,consegnata_il,tipo,emittente,numero,data,mese,importo\n\
               2019/000999,2019-08-05,busta_paga,RSSMRA80A01F205X,1,2019-07-31,2019-07,10.00\n\
               2019/000101,2019-08-05,busta_paga,RSSMRA80A01F205X,2,2019-07-31,2019-07,dieci\n";
    let out = e
        .service
        .call(
            "reimbursement_import",
            json!({"call_id": call, "file_base64": b64(bad.as_bytes()), "record": true}),
        )
        .unwrap();
    assert_eq!(out["saved"], false);
    let refused: Vec<(u64, &str)> = out["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["column"].as_str().unwrap()))
        .collect();
    assert_eq!(refused, [(3, "importo")], "cells first: {out}");
    let unknown = "protocollo,consegnata_il,tipo,emittente,numero,data,mese,importo\n\
                   2019/000999,2019-08-05,busta_paga,RSSMRA80A01F205X,1,2019-07-31,2019-07,10.00\n";
    let out = e
        .service
        .call(
            "reimbursement_import",
            json!({"call_id": call, "file_base64": b64(unknown.as_bytes()), "record": true}),
        )
        .unwrap();
    assert_eq!(out["refused"][0]["column"], "protocollo");
    assert_eq!(
        e.service.call("award_claims", json!({"award_id": first})).unwrap()["claims"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
