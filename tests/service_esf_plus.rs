//! A 2021-2027 programme's ESF+ indicators through the service (issue 12 item
//! 4): the programme sheet carries its programming period (2014-2020 when not
//! said, as every programme saved before schema 28), the enrolment's answers at
//! entry take the two ESF+ asks (third-country national, minority), and the
//! report, on screen and on paper, has the EECO/EECR codes of Reg. UE
//! 2021/1057 with their Italian wording.

use serde_json::{json, Value};
use sportello::domain::ProjectStatus;
use sportello::Code;

use crate::service_support::{analysis_json, create_family, env, project_json, today};

fn programme(period: Option<&str>) -> Value {
    let mut p = json!({
        "title": "Percorsi di autonomia FSE+",
        "fund": "Fondo Sociale Europeo Plus 2021-2027",
        "programme": "PN Inclusione e lotta alla povertà",
        "convention": "",
        "cup": "",
        "start_on": "2026-01-01",
        "end_on": "2027-12-31",
        "lead_body": "Ambito di Sesto San Giovanni",
        "target": "",
        "esf": true,
        "interventions": [
            { "kind": "orientamento", "title": "Orientamento al lavoro", "partner_id": null, "description": "" }
        ]
    });
    if let Some(x) = period {
        p["esf_period"] = json!(x);
    }
    p
}

#[test]
fn a_2021_2027_programme_reports_the_esf_plus_indicators() {
    let e = env();
    let s = &e.service;
    // A programme saved without a period is a 2014-2020 one; a period not in
    // the list is refused naming the field.
    let old = s.call("programme_save", json!({ "programme": programme(None) })).unwrap();
    assert_eq!(old["programme"]["esf_period"], "2014-2020");
    let e2 = s.call("programme_save", json!({ "programme": programme(Some("2028-2034")) })).unwrap_err();
    assert_eq!((e2.code, e2.field.as_deref()), (Code::Invalid, Some("esf_period")));
    let mut plus = programme(Some("2021-2027"));
    plus["title"] = json!("Percorsi di autonomia FSE+ (2021-2027)");
    let v = s.call("programme_save", json!({ "programme": plus })).unwrap();
    assert_eq!(v["programme"]["esf_period"], "2021-2027");
    let id = v["programme"]["id"].clone();
    let intervention = v["programme"]["interventions"][0]["id"].as_str().unwrap().to_string();

    let h = create_family(s);
    s.analysis_save(
        serde_json::from_value(analysis_json(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
    )
    .unwrap();
    let p = s.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap();
    let p = s.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap();
    for r in &p.required_signers {
        s.signature_record(p.id, r.member_id, today()).unwrap();
    }
    // The case's citizenship is offered as the EECO13 answer: Niccolò is
    // Italian, Thị Lan a citizen of a country outside the Union.
    let card = s.call("household_enrolments", json!({ "household_id": h.id.to_string() })).unwrap();
    assert_eq!(card["hints"][0]["third_country_national"], false);
    assert_eq!(card["hints"][1]["third_country_national"], true);
    let form = json!({
        "household_id": h.id.to_string(),
        "member_id": h.members[0].id.to_string(),
        "intervention_id": intervention,
        "project_id": p.id.to_string(),
        "support_id": p.supports[0].id.to_string(),
        "entry_date": "2026-11-20",
        "agency": "Centro per l'impiego di Sesto San Giovanni",
        "labour_status": "disoccupato",
        "unemployed_since": "2025-03-01",
        "isced": "0",
        "foreign_background": "si",
        "third_country_national": "si",
        "minority": "non_so",
        "disability": "no",
        "homeless": "no",
        "rural": "no"
    });
    let enrolled = s.call("enrolment_save", json!({ "enrolment": form })).unwrap();
    let esf = &enrolled["enrolment"]["esf"];
    assert_eq!((esf["third_country_national"].clone(), esf["minority"].clone()), (json!(true), Value::Null));

    let ind = s.call("programme_indicators", json!({ "id": id })).unwrap();
    assert_eq!(ind["period"], "2021-2027");
    assert_eq!(ind["regulation"], "Reg. UE 2021/1057, Allegato I");
    assert_eq!(ind["rule_sets"], json!(["fse-plus-indicatori-2021 v1"]));
    let codes: Vec<&str> =
        ind["outputs"].as_array().unwrap().iter().map(|l| l["code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), 17);
    assert_eq!((codes[0], codes[16]), ("EECO01", "EECO17"));
    let results: Vec<&str> =
        ind["results"].as_array().unwrap().iter().map(|l| l["code"].as_str().unwrap()).collect();
    assert_eq!(results, ["EECR01", "EECR02", "EECR03", "EECR04"]);
    let line =
        |code: &str| ind["outputs"].as_array().unwrap().iter().find(|l| l["code"] == code).unwrap().clone();
    assert_eq!(line("EECO01")["M"], 1);
    assert_eq!(line("EECO03")["total"], 1, "unemployed since 01/03/2025: over 12 months at entry");
    assert_eq!(line("EECO09")["total"], 1, "ISCED 0 is in the ISCED 0-2 band");
    assert_eq!(line("EECO13")["description"], "cittadini di paesi terzi");
    assert_eq!(line("EECO13")["total"], 1);
    assert_eq!((line("EECO15")["total"].clone(), line("EECO15")["missing"].clone()), (json!(0), json!(1)));

    // The funder's copy: one page, the ESF+ title and codes, nobody named.
    let funder = s.call("programme_indicators", json!({ "id": id, "format": "pdf" })).unwrap();
    assert!(funder["file"]["file_name"].as_str().unwrap().starts_with("indicatori-fse-plus-"), "{funder}");
    let text =
        crate::print_support::pdf_text(&std::fs::read(funder["file"]["path"].as_str().unwrap()).unwrap());
    assert!(
        text.contains("FSE+ 2021-2027") && text.contains("EECO13") && text.contains("2021/1057"),
        "{text}"
    );
    assert!(!text.contains("CO19"), "{text}");
    assert!(!text.contains("Dell'Orto"), "the funder's copy names nobody");
    assert_eq!(crate::print_support::page_count(&text), 1, "the funder's copy is one page: {text}");
    let office =
        s.call("programme_indicators", json!({ "id": id, "format": "pdf", "copy": "ufficio" })).unwrap();
    let text =
        crate::print_support::pdf_text(&std::fs::read(office["file"]["path"].as_str().unwrap()).unwrap());
    assert!(text.contains("Dell'Orto Niccolò") && text.contains("EECR04"), "{text}");
    let csv = s.call("programme_indicators", json!({ "id": id, "format": "csv" })).unwrap();
    let csv = String::from_utf8(std::fs::read(csv["file"]["path"].as_str().unwrap()).unwrap()).unwrap();
    assert!(csv.lines().any(|l| l.starts_with("EECO13;")), "{csv}");

    // The 2014-2020 programme, with nobody in it, still shows CO01-CO19.
    let ind = s.call("programme_indicators", json!({ "id": old["programme"]["id"] })).unwrap();
    assert_eq!(ind["period"], "2014-2020");
    assert_eq!(ind["outputs"].as_array().unwrap().len(), 19);
}
