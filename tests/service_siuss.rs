//! The SIUSS flow of benefits paid (issue 14, cli.md `sportello siuss`): from
//! the elenchi di liquidazione to the PS-PSA file INPS takes, validated
//! against INPS's own schema (assets/siuss/schema) with xmllint.

use crate::service_support;

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};
use service_support::operators::as_operator;
use service_support::{d, env, sportello, Env, ADMIN};
use sportello::domain::{Id, Role};
use sportello::Code;

const IBAN: &str = "IT60 X054 2811 1010 0000 0123 456";
const BADANTE: &str = "BRNGNN45C12F205U";
const OPERATOR_CF: &str = "VRDNNA75C41F205R";

fn schema() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/siuss/schema/PS_PSA_SINA201812.xsd")
}

/// `xmllint --schema`: the flow as INPS's schema judges it.
pub(crate) fn validates(file: &Path) -> Result<(), String> {
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(schema())
        .arg(file)
        .output()
        .expect("xmllint (Debian package libxml2-utils) is installed by scripts/test-all.sh");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A one-person household of an elderly person, `country` their citizenship
/// (`None`: Italian).
fn elderly(
    e: &Env,
    last: &str,
    first: &str,
    birth: &str,
    sex: &str,
    country: Option<(&str, &str)>,
) -> (Id, Id) {
    let mut h = service_support::single_json(last, first, birth, sex);
    if let Some((belfiore, iso)) = country {
        let sx = if sex == "M" { sportello::cf::Sex::M } else { sportello::cf::Sex::F };
        let m = &mut h["members"][0];
        m["codice_fiscale"] = json!(sportello::cf::encode(last, first, d(birth), sx, belfiore).unwrap());
        m["citizenship"] = json!("extra_ue");
        m["citizenship_country"] = json!(iso);
        m["employment"] = json!("pensionato");
    }
    let saved = e.service.household_save(serde_json::from_value(h).unwrap()).unwrap();
    (saved.id, saved.members[0].id)
}

/// A published B2 call with two funded applicants the office has a case
/// for, their awards, one claim each and the list of 20/08/2019 paying them.
fn paid(e: &Env) -> (String, Vec<String>) {
    let s = &e.service;
    let v = s
        .call(
            "call_save",
            json!({"call": {"title": "Misura B2 anziani — domande 2019", "measure": "b2-anziani",
                            "rule_set": "milano-b2-2019", "budget": "20000.00"}}),
        )
        .unwrap();
    let call = v["id"].as_str().unwrap().to_string();
    let people = [
        elderly(e, "Dell'Acqua", "Àngela", "1938-04-12", "F", None),
        elderly(e, "El Idrissi", "Mohammed", "1944-09-30", "M", Some(("Z330", "504"))),
    ];
    let births = ["1938-04-12", "1944-09-30"];
    let mut codes = Vec::new();
    for (i, ((household, member), birth)) in people.iter().zip(births).enumerate() {
        let protocol = format!("2019/00030{i}");
        let app = json!({"protocol": protocol, "submitted_on": "2019-03-01", "birth_date": birth,
            "isee": "9000.00", "isee_expires_on": "2019-12-31", "resident": true, "continuation": false,
            "non_self_sufficient": true, "independent_living": false, "other_interventions": false,
            "amount": "4800.00", "household_id": household.to_string(), "member_id": member.to_string()});
        s.call("application_save", json!({"call_id": call, "application": app})).unwrap();
        codes.push(protocol);
    }
    let id = Id::parse("id", &call).unwrap();
    s.ranking_publish(id, d("2019-06-10")).unwrap();
    for (n, protocol) in codes.iter().enumerate() {
        let r = s
            .call(
                "award_save",
                json!({"award": {"call_id": call, "protocol": protocol, "first_month": "07/2019",
                                 "last_month": "2020-06", "iban": IBAN}}),
            )
            .unwrap();
        let award = r["awards"].as_array().unwrap().iter().find(|a| &a["protocol"] == protocol).unwrap()
            ["award"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let amount = if n == 0 { "350.00" } else { "275.50" };
        s.call(
            "reimbursement_record",
            json!({"claim": {"award_id": award, "received_on": "2019-08-05", "documents": [
                {"type": "busta_paga", "issuer": BADANTE, "number": format!("7/2019-{n}"), "date": "2019-07-31",
                 "month": "2019-07", "amount": amount}]}}),
        )
        .unwrap();
    }
    s.call("liquidation_issue", json!({"call_id": call, "issued_on": "2019-08-20"})).unwrap();
    (call, codes)
}

fn with_cf(e: &Env) {
    e.service
        .call(
            "operator_save",
            json!({"username": ADMIN, "name": "Anna Verdi", "role": "amministratore", "codice_fiscale": OPERATOR_CF}),
        )
        .unwrap();
}

#[test]
fn the_flow_names_each_person_paid_and_each_payment_and_inps_schema_takes_it() {
    let e = env();
    paid(&e);
    with_cf(&e);
    let out = e.dir.path().join("flusso.xml");
    let v = e
        .service
        .call(
            "siuss_save",
            json!({"from": "2019-08-01", "to": "2019-08-31", "out": out.display().to_string()}),
        )
        .unwrap();
    assert_eq!((v["beneficiaries"].as_u64(), v["payments"].as_u64()), (Some(2), Some(2)), "{v}");
    assert_eq!(v["total"], "625.50");
    assert_eq!(v["name"], "F205.PS.20261120.1");
    validates(&out).unwrap();
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains(&format!("CFOperatore=\"{OPERATOR_CF}\"")), "{xml}");
    assert!(
        xml.contains("Cognome=\"Dell&apos;Acqua\" Nome=\"Àngela\""),
        "accents and apostrophes kept: {xml}"
    );
    assert!(xml.contains("CodiceCittadinanza=\"380\""));
    assert!(xml.contains("CodiceCittadinanza=\"504\""), "the recorded country: {xml}");
    assert!(xml.contains("LuogoNascita=\"Z330\""));
    assert!(xml.contains("CodiceRegione=\"03\" CodiceComune=\"015146\" CodiceNazione=\"380\""));
    assert!(xml.contains("DataErogazionePrestazione=\"2019-08-20\" ImportoPrestazione=\"350.00\""));
    assert!(xml.contains("ImportoPrestazione=\"275.50\""));
    assert_eq!(xml.matches("<Beneficiario ").count(), 2);
    assert!(xml.contains("ProtocolloDomanda=\"2019/000300\""));
    assert_eq!(std::fs::metadata(&out).unwrap().len() as usize, xml.len());

    // The file is never written over.
    let err = e
        .service
        .call(
            "siuss_save",
            json!({"from": "2019-08-01", "to": "2019-08-31", "out": out.display().to_string()}),
        )
        .unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Conflict, Some("out")));
}

#[test]
fn nothing_paid_is_no_flow_and_a_missing_operator_cf_is_named() {
    let e = env();
    paid(&e);
    let out = e.dir.path().join("flusso.xml");
    let save = |from: &str, to: &str| {
        e.service.call("siuss_save", json!({"from": from, "to": to, "out": out.display().to_string()}))
    };
    // The operator's codice fiscale is the flow's CFOperatore.
    let err = save("2019-08-01", "2019-08-31").unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("codice_fiscale")), "{}", err.message);
    assert!(!out.exists());
    with_cf(&e);
    let err = save("2019-09-01", "2019-12-31").unwrap_err();
    assert_eq!(err.code, Code::NotFound, "{}", err.message);
    assert!(!out.exists());
    let err = save("2019-09-01", "2019-08-01").unwrap_err();
    assert_eq!(err.field.as_deref(), Some("to"));
    // A bad codice fiscale for an operator is refused on its field.
    let err = e
        .service
        .call("operator_save", json!({"username": ADMIN, "name": "Anna Verdi", "role": "amministratore", "codice_fiscale": "VRDNNA75C41F205X"}))
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("codice_fiscale"));
    // An operatore does not send the office's flows.
    let desk = as_operator(&e, "mbianchi", "Marco Bianchi", Role::Operatore, None);
    let err = desk.siuss_save(d("2019-08-01"), d("2019-08-31"), &out).unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
}

#[test]
fn an_italian_citizen_has_no_country_and_a_foreigners_must_be_a_country() {
    let e = env();
    let mut h = service_support::single_json("Rossi", "Maria", "1950-01-01", "F");
    h["members"][0]["citizenship_country"] = json!("504");
    let saved = e.service.household_save(serde_json::from_value(h.clone()).unwrap()).unwrap();
    assert_eq!(saved.members[0].citizenship_country, None, "an Italian's is 380, never stored");
    h["members"][0]["citizenship"] = json!("ue");
    h["members"][0]["citizenship_country"] = json!("999");
    let err = e.service.household_save(serde_json::from_value(h.clone()).unwrap()).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("members[0].citizenship_country"));
    h["members"][0]["citizenship_country"] = json!("380");
    let err = e.service.household_save(serde_json::from_value(h.clone()).unwrap()).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("members[0].citizenship_country"));
    let mut h = service_support::single_json("Popescu", "Ioana", "1960-05-05", "F");
    h["members"][0]["citizenship"] = json!("ue");
    h["members"][0]["citizenship_country"] = json!("642");
    let saved = e.service.household_save(serde_json::from_value(h).unwrap()).unwrap();
    assert_eq!(saved.members[0].citizenship_country.as_deref(), Some("642"));
}

#[test]
fn the_command_line_writes_the_flow_or_answers_1_with_no_file() {
    let e = env();
    paid(&e);
    with_cf(&e);
    let dir = e.dir.path().to_path_buf();
    let db = e.db();
    drop(e.service);
    let out = dir.join("flusso-cli.xml");
    let p = |x: &Path| x.to_str().unwrap().to_string();
    let run = |from: &str, to: &str, extra: &[&str]| {
        let mut args = vec!["siuss", "--database", db.to_str().unwrap(), "--from", from, "--to", to];
        let o = p(&out);
        args.extend(["--out", o.as_str()]);
        args.extend(extra);
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        sportello(&refs)
    };
    let (code, stdout, stderr) = run("2019-01-01", "2019-12-31", &["--json"]);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        (v["beneficiaries"].as_u64(), v["payments"].as_u64(), v["total"].as_str()),
        (Some(2), Some(2), Some("625.50"))
    );
    validates(&out).unwrap();

    // Nothing paid in the period: exit 1, no file (an earlier one is left alone).
    std::fs::remove_file(&out).unwrap();
    let (code, stdout, stderr) = run("2020-01-01", "2020-12-31", &[]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.is_empty());
    assert!(!out.exists());
    // Bad input: exit 2, nothing on standard output, no file.
    let (code, stdout, _) = run("2019-13-01", "2019-12-31", &[]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty() && !out.exists());
}
