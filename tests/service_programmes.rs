//! Funded programmes and their interventions through the service (issue 12
//! items 1-2): the coordinatore's programme sheet with partners, governance
//! and catalogue, read back whole; the desk enrolling a member in a tirocinio
//! from the signed patto, with the tirocinio's terms and the ESF answers at
//! entry; the refusals (unsigned patto, twice in one intervention, a closed
//! enrolment, a partner removed); the exit; and a case out of an operatore's
//! scope counted, not named, in the programme's participants.

use serde_json::{json, Value};
use sportello::domain::{Household, ProjectStatus, Role};
use sportello::service::Service;
use sportello::Code;

use crate::service_support::operators::as_operator;
use crate::service_support::{analysis_json, create_family, d, env, project_json, today};

/// «Traiettorie per l'inclusione socio lavorativa» (seed 001) as the
/// coordinatore's form sends it.
fn traiettorie() -> Value {
    json!({
        "title": "Traiettorie per l'inclusione socio lavorativa",
        "fund": "Fondo Sociale Europeo 2014-2020",
        "programme": "PON Inclusione",
        "convention": "AV3-2016-LOM-79",
        "cup": "",
        "start_on": "2026-01-01",
        "end_on": "2027-12-31",
        "budget": "227424.00",
        "lead_body": "Ambito di Sesto San Giovanni",
        "target": "Cittadini beneficiari del contributo economico e i loro nuclei.",
        "esf": true,
        "partners": [
            { "name": "AFOL Metropolitana", "kind": "pubblico", "role": "partner" },
            { "name": "Cooperativa sociale Lotta contro l'emarginazione", "kind": "terzo_settore", "role": "attuatore" }
        ],
        "bodies": [
            { "kind": "cabina_di_regia", "name": "", "remit": "Gestione strategica del progetto.",
              "members": ["Responsabile dell'Ufficio di Piano", "  Referente  AFOL Metropolitana", ""] }
        ],
        "interventions": [
            { "kind": "tirocinio", "title": "Tirocinio di inclusione", "partner_id": null, "description": "" },
            { "kind": "corso", "title": "Italiano per il lavoro", "hours_planned": 60, "description": "" }
        ]
    })
}

fn save(s: &Service, programme: Value) -> sportello::Result<Value> {
    s.call("programme_save", json!({ "programme": programme }))
}

/// The family of the examples with its patto signed by every signer.
fn signed_family(s: &Service) -> Household {
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
    h
}

fn tirocinio_form(h: &Household, project: &str, support: &str, intervention: &str) -> Value {
    json!({
        "household_id": h.id.to_string(),
        "member_id": h.members[0].id.to_string(),
        "intervention_id": intervention,
        "project_id": project,
        "support_id": support,
        "entry_date": "2026-11-20",
        "host": "Falegnameria Sociale Il Ponte, via Marelli 12, Sesto San Giovanni",
        "tutor": "Giorgio Brambilla",
        "planned_end": "2027-05-19",
        "hours_week": 20,
        "allowance": "500.00",
        "allowance_payer": "Ambito di Sesto San Giovanni (fondi PON Inclusione)",
        "labour_status": "disoccupato",
        "unemployed_since": "2025-03-01",
        "in_education": "no",
        "isced": "3",
        "foreign_background": "no",
        "disability": "no",
        "homeless": "no",
        "household_jobless": "si",
        "dependent_children": "si",
        "single_adult": "no",
        "rural": ""
    })
}

fn code_field(r: sportello::Result<Value>) -> (Code, String) {
    let e = r.expect_err("refused");
    (e.code, e.field.unwrap_or_default())
}

#[test]
fn the_coordinator_keeps_a_programme_with_its_partners_governance_and_catalogue() {
    let e = env();
    let s = &e.service;
    let v = save(s, traiettorie()).unwrap();
    let p = &v["programme"];
    assert_eq!(p["budget"], "227424.00");
    assert_eq!(p["partners"].as_array().unwrap().len(), 2);
    assert_eq!(p["bodies"][0]["name"], "Cabina di regia", "the kind's name when none is given");
    assert_eq!(
        p["bodies"][0]["members"],
        json!(["Responsabile dell'Ufficio di Piano", "Referente AFOL Metropolitana"])
    );
    assert_eq!(p["interventions"][1]["hours_planned"], 60);
    assert_eq!(v["can_edit"], true);

    // Read back whole, and listed.
    let id = p["id"].as_str().unwrap().to_string();
    let again = s.call("programme_get", json!({ "id": id })).unwrap();
    assert_eq!(again["programme"], *p);
    let list = s.call("programme_list", Value::Null).unwrap();
    assert_eq!(list[0]["title"], "Traiettorie per l'inclusione socio lavorativa");
    assert_eq!((list[0]["interventions"].clone(), list[0]["participants"].clone()), (json!(2), json!(0)));
    assert_eq!(list[0]["running"], true);

    // The tirocinio is given to a partner; a partner is never removed, only
    // marked out of the partnership.
    let mut form = p.clone();
    let afol = form["partners"][0]["id"].clone();
    form["interventions"][0]["partner_id"] = afol;
    let v = save(s, form.clone()).unwrap();
    assert_eq!(v["programme"]["interventions"][0]["partner_id"], form["partners"][0]["id"]);
    let mut gone = form.clone();
    gone["partners"].as_array_mut().unwrap().remove(1);
    assert_eq!(code_field(save(s, gone)), (Code::Conflict, "partners".into()));
    let mut out = form.clone();
    out["partners"][1]["active"] = json!(false);
    assert_eq!(save(s, out).unwrap()["programme"]["partners"][1]["active"], false);

    // One capofila; a course has its hours; a CUP has 15 characters.
    let mut two = form.clone();
    two["partners"][0]["role"] = json!("capofila");
    two["partners"][1]["role"] = json!("capofila");
    assert_eq!(code_field(save(s, two)), (Code::Invalid, "partners".into()));
    let mut hours = form.clone();
    hours["interventions"][1]["hours_planned"] = Value::Null;
    assert_eq!(code_field(save(s, hours)), (Code::Invalid, "interventions[1].hours_planned".into()));
    let mut cup = form.clone();
    cup["cup"] = json!("B49J1700013000");
    assert_eq!(code_field(save(s, cup)), (Code::Invalid, "cup".into()));
}

#[test]
fn a_member_is_enrolled_in_a_tirocinio_from_the_signed_patto_and_leaves_it_hired() {
    let e = env();
    let s = &e.service;
    let v = save(s, traiettorie()).unwrap();
    let tirocinio = v["programme"]["interventions"][0]["id"].as_str().unwrap().to_string();
    let h = create_family(s);
    s.analysis_save(
        serde_json::from_value(analysis_json(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
    )
    .unwrap();
    let p = s.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap();
    let (pid, sid) = (p.id.to_string(), p.supports[0].id.to_string());

    // Not before the patto is signed: the card offers nothing yet.
    let card = s.call("household_enrolments", json!({ "household_id": h.id.to_string() })).unwrap();
    assert_eq!((card["project_signed"].clone(), card["offer"].clone()), (json!(false), json!([])));
    let form = tirocinio_form(&h, &pid, &sid, &tirocinio);
    assert_eq!(
        code_field(s.call("enrolment_save", json!({ "enrolment": form.clone() }))),
        (Code::Conflict, "project_id".into())
    );
    let p = s.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap();
    for r in &p.required_signers {
        s.signature_record(p.id, r.member_id, today()).unwrap();
    }

    // What the case says is offered as the ESF answers' start.
    let card = s.call("household_enrolments", json!({ "household_id": h.id.to_string() })).unwrap();
    assert_eq!(card["project_signed"], true);
    assert_eq!(card["offer"].as_array().unwrap().len(), 2);
    assert_eq!(card["hints"][0]["labour_status"], "disoccupato");
    assert_eq!(card["hints"][1]["foreign_background"], true, "Thị Lan is not an Italian citizen");
    assert_eq!(card["hints"][2]["isced"], 0, "Zoë has no title yet");

    // The tirocinio's terms are all needed.
    let mut missing = form.clone();
    missing["tutor"] = json!("");
    assert_eq!(
        code_field(s.call("enrolment_save", json!({ "enrolment": missing }))),
        (Code::Invalid, "tutor".into())
    );
    let mut late = form.clone();
    late["planned_end"] = json!("2028-02-01");
    assert_eq!(
        code_field(s.call("enrolment_save", json!({ "enrolment": late }))),
        (Code::Invalid, "planned_end".into()),
        "not past the programme's end"
    );
    let enrolled = s.call("enrolment_save", json!({ "enrolment": form.clone() })).unwrap();
    assert_eq!(enrolled["intervention_title"], "Tirocinio di inclusione");
    assert_eq!(enrolled["support"], "Colloqui di monitoraggio ogni 90 giorni");
    assert_eq!(enrolled["member_name"], "Niccolò Dell'Orto");
    let terms = &enrolled["enrolment"]["terms"];
    assert_eq!(
        (terms["kind"].clone(), terms["hours_week"].clone(), terms["allowance"].clone()),
        (json!("tirocinio"), json!(20), json!("500.00"))
    );
    let esf = &enrolled["enrolment"]["esf"];
    assert_eq!(
        (esf["isced"].clone(), esf["rural"].clone()),
        (json!(3), Value::Null),
        "unknown stays unknown"
    );
    assert_eq!(esf["household_jobless"], true);

    // Twice in the same intervention: refused.
    assert_eq!(
        code_field(s.call("enrolment_save", json!({ "enrolment": form.clone() }))),
        (Code::Conflict, "member_id".into())
    );

    // The programme lists the participant; the card shows the enrolment.
    let pv = s.call("programme_get", json!({ "id": v["programme"]["id"] })).unwrap();
    assert_eq!(pv["participants"][0]["member_name"], "Dell'Orto Niccolò");
    assert_eq!(pv["counts"][&tirocinio], json!([1, 1]));
    let card = s.call("household_enrolments", json!({ "household_id": h.id.to_string() })).unwrap();
    assert_eq!(card["enrolments"][0]["enrolment"]["id"], enrolled["enrolment"]["id"]);

    // Months later: hired by the host. Not recorded ahead of the day.
    let later = e.reopen("averdi", d("2027-04-30"));
    let mut exit = form.clone();
    exit["id"] = enrolled["enrolment"]["id"].clone();
    exit["exit_date"] = json!("2027-05-02");
    exit["outcome"] = json!("assunto");
    exit["exit_status"] = json!("occupato");
    assert_eq!(code_field(later.call("enrolment_save", json!({ "enrolment": exit.clone() }))).1, "exit_date");
    exit["exit_date"] = json!("2027-04-30");
    let done = later.call("enrolment_save", json!({ "enrolment": exit.clone() })).unwrap();
    assert_eq!(done["outcome_label"], "assunto");
    assert_eq!(done["enrolment"]["exit"]["esf_status"], "occupato");
    // Closed: not changed again, nor moved to another member.
    exit["outcome_note"] = json!("Contratto a tempo determinato");
    assert_eq!(
        code_field(later.call("enrolment_save", json!({ "enrolment": exit.clone() }))),
        (Code::Conflict, "exit_date".into())
    );
    exit["member_id"] = json!(h.members[1].id.to_string());
    assert_eq!(code_field(later.call("enrolment_save", json!({ "enrolment": exit }))).1, "intervention_id");
    // The ESF indicators on that day: one participant, a long-term
    // unemployed man at entry, employed at exit.
    let ind = later.call("programme_indicators", json!({ "id": v["programme"]["id"] })).unwrap();
    let line = |group: &str, code: &str| {
        ind[group].as_array().unwrap().iter().find(|l| l["code"] == code).unwrap().clone()
    };
    assert_eq!((ind["participants"].clone(), ind["exited"].clone()), (json!(1), json!(1)));
    assert_eq!(line("outputs", "CO01")["M"], 1);
    assert_eq!(line("outputs", "CO02")["total"], 1, "unemployed since 01/03/2025: over 12 months at entry");
    assert_eq!(line("outputs", "CO02")["F"], 0);
    assert_eq!(line("results", "CR04")["total"], 1);
    // Before the exit, the same person is in but not out.
    let before = later
        .call("programme_indicators", json!({ "id": v["programme"]["id"], "on": "2027-01-10" }))
        .unwrap();
    assert_eq!((before["participants"].clone(), before["exited"].clone()), (json!(1), json!(0)));
    // The funder's copy names nobody; the office's lists the participant.
    let funder =
        later.call("programme_indicators", json!({ "id": v["programme"]["id"], "format": "pdf" })).unwrap();
    let text =
        crate::print_support::pdf_text(&std::fs::read(funder["file"]["path"].as_str().unwrap()).unwrap());
    assert!(text.contains("CO02") && text.contains("copia per il finanziatore"), "{text}");
    assert!(!text.contains("Dell'Orto"), "the funder's copy names nobody");
    assert_eq!(crate::print_support::page_count(&text), 1, "the funder's copy is one page: {text}");
    let office = later
        .call(
            "programme_indicators",
            json!({ "id": v["programme"]["id"], "format": "pdf", "copy": "ufficio" }),
        )
        .unwrap();
    let text =
        crate::print_support::pdf_text(&std::fs::read(office["file"]["path"].as_str().unwrap()).unwrap());
    assert!(text.contains("Dell'Orto Niccolò"), "{text}");
    let csv =
        later.call("programme_indicators", json!({ "id": v["programme"]["id"], "format": "csv" })).unwrap();
    let csv = String::from_utf8(std::fs::read(csv["file"]["path"].as_str().unwrap()).unwrap()).unwrap();
    assert!(csv.lines().any(|l| l.starts_with("CR04;")), "{csv}");
    assert_eq!(
        code_field(
            later.call("programme_indicators", json!({ "id": v["programme"]["id"], "copy": "tutti" }))
        )
        .1,
        "copy"
    );

    // A new enrolment after the exit is fine.
    let pv = later.call("programme_get", json!({ "id": v["programme"]["id"] })).unwrap();
    assert_eq!(pv["counts"][&tirocinio], json!([1, 0]));
    assert_eq!(pv["participants"][0]["outcome"], "assunto");
}

#[test]
fn an_intervention_no_longer_offered_takes_no_one_and_a_withdrawal_says_why() {
    let e = env();
    let s = &e.service;
    let v = save(s, traiettorie()).unwrap();
    let h = signed_family(s);
    let card = s.call("household_enrolments", json!({ "household_id": h.id.to_string() })).unwrap();
    let pid = card["project_id"].as_str().unwrap().to_string();
    let course = v["programme"]["interventions"][1]["id"].as_str().unwrap().to_string();
    let form = json!({
        "household_id": h.id.to_string(), "member_id": h.members[1].id.to_string(),
        "intervention_id": course, "project_id": pid, "entry_date": "2026-11-20",
        "hours_attended": 70
    });
    assert_eq!(
        code_field(s.call("enrolment_save", json!({ "enrolment": form.clone() }))),
        (Code::Invalid, "hours_attended".into()),
        "not more hours than the course has"
    );
    let mut ok = form.clone();
    ok["hours_attended"] = json!(12);
    ok["exit_date"] = json!("2026-11-20");
    ok["outcome"] = json!("ritirato");
    assert_eq!(code_field(s.call("enrolment_save", json!({ "enrolment": ok.clone() }))).1, "outcome_note");
    ok["outcome_note"] = json!("Ha trovato un lavoro serale incompatibile con gli orari");
    s.call("enrolment_save", json!({ "enrolment": ok })).unwrap();

    // The course closes its enrolments: Niccolò cannot join it any more.
    let mut closed = v["programme"].clone();
    closed["interventions"][1]["active"] = json!(false);
    save(s, closed).unwrap();
    let mut late = form.clone();
    late["member_id"] = json!(h.members[0].id.to_string());
    late["hours_attended"] = json!(0);
    assert_eq!(
        code_field(s.call("enrolment_save", json!({ "enrolment": late }))),
        (Code::Conflict, "intervention_id".into())
    );
    // Nor may an intervention with participants change its kind.
    let mut kind =
        s.call("programme_get", json!({ "id": v["programme"]["id"] })).unwrap()["programme"].clone();
    kind["interventions"][1]["kind"] = json!("consulenza");
    kind["interventions"][1]["hours_planned"] = Value::Null;
    assert_eq!(code_field(save(s, kind)), (Code::Conflict, "interventions[1].kind".into()));
}

#[test]
fn an_operatore_reads_the_catalogue_and_sees_only_the_participants_of_the_cases_in_scope() {
    let e = env();
    let v = save(&e.service, traiettorie()).unwrap();
    let tirocinio = v["programme"]["interventions"][0]["id"].as_str().unwrap().to_string();
    let h = signed_family(&e.service);
    let card = e.service.call("household_enrolments", json!({ "household_id": h.id.to_string() })).unwrap();
    let form = tirocinio_form(&h, card["project_id"].as_str().unwrap(), "", &tirocinio);
    e.service.call("enrolment_save", json!({ "enrolment": form.clone() })).unwrap();
    // The case is restricted (art. 18): out of every operatore's sight.
    e.service
        .call(
            "household_restrict",
            json!({ "household_id": h.id.to_string(), "reason": "Opposizione dell'interessato (art. 21)" }),
        )
        .unwrap();

    let desk = as_operator(&e, "rverdi", "Rosa Verdi", Role::Operatore, Some("Nord"));
    let pv = desk.call("programme_get", json!({ "id": v["programme"]["id"] })).unwrap();
    assert_eq!((pv["participants"].clone(), pv["others"].clone()), (json!([]), json!(1)));
    assert_eq!(pv["can_edit"], false);
    assert_eq!(desk.call("programme_list", Value::Null).unwrap()[0]["participants"], 1);
    let (code, _) = code_field(save(&desk, traiettorie()));
    assert_eq!(code, Code::Forbidden);
    let mut second = form;
    second["member_id"] = json!(h.members[1].id.to_string());
    let (code, _) = code_field(desk.call("enrolment_save", json!({ "enrolment": second })));
    assert_eq!(code, Code::Forbidden);
}
