//! The people as they are (issue 15): the residence permit of a member from
//! outside the EU (checked where it enters, stored, on the Scadenze board 60
//! days ahead and overdue once lapsed), the employment status asked by age,
//! the comune by name (a comune in force, places found by name), birthplaces
//! by name with a warning when the code did not exist, and the CAP.

use crate::print_support;
use crate::service_support;

use print_support::{pdf_text, squash};
use serde_json::{json, Value};
use service_support::{analysis_json, d, env, env_on, family_json, project_json, single_json};
use sportello::domain::household::HouseholdInput;
use sportello::domain::{BoardKind, BoardState, Household, PermitKind, StrEnum};
use sportello::service::{CfCheckInput, Service};
use sportello::Code;

fn save(s: &Service, v: Value) -> sportello::Result<Household> {
    s.household_save(serde_json::from_value::<HouseholdInput>(v).unwrap())
}

/// A household of one adult from outside the EU, with `permit`.
fn with_permit(last: &str, first: &str, permit: Value) -> Value {
    let mut v = single_json(last, first, "1985-04-12", "M");
    v["members"][0]["citizenship"] = json!("extra_ue");
    v["members"][0]["permit"] = permit;
    v
}

fn permit(kind: &str, number: &str, expires: Option<&str>) -> Value {
    json!({ "kind": kind, "number": number, "expires_on": expires })
}

#[test]
fn a_permit_is_stored_with_the_member_and_checked_where_it_enters() {
    let e = env();
    let s = &e.service;
    let h = save(
        s,
        with_permit("Benali", "Youssef", permit("lavoro_subordinato", "i 012-3456", Some("2027-03-31"))),
    )
    .unwrap();
    let p = h.members[0].permit.clone().unwrap();
    assert_eq!(
        (p.kind, p.number.as_str(), p.expires_on),
        (PermitKind::LavoroSubordinato, "I0123456", Some(d("2027-03-31")))
    );
    assert_eq!(s.household_get(h.id).unwrap(), h);
    // Through the window's door, the same shape.
    let v = s.call("household_get", json!({ "id": h.id.to_string() })).unwrap();
    assert_eq!(
        v["members"][0]["permit"],
        json!({"kind": "lavoro_subordinato", "number": "I0123456", "expires_on": "2027-03-31"})
    );

    // Cleared and changed like any field.
    let mut form = HouseholdInput::from(&h);
    form.members[0].permit = serde_json::from_value(permit("ue_lungo_periodo", "X9876543", None)).unwrap();
    let h2 = s.household_save(form).unwrap();
    assert_eq!(
        h2.members[0].permit.as_ref().map(|p| (p.kind, p.expires_on)),
        Some((PermitKind::UeLungoPeriodo, None))
    );
    let mut form = HouseholdInput::from(&h2);
    form.members[0].permit = None;
    assert_eq!(s.household_save(form).unwrap().members[0].permit, None);

    // Not required: a first interview often comes without the documents.
    assert_eq!(save(s, with_permit("Haddad", "Salma", Value::Null)).unwrap().members[0].permit, None);

    let refused = |v: Value| {
        let err = save(s, v).unwrap_err();
        (err.code, err.field.unwrap_or_default(), err.message)
    };
    let (code, field, msg) = refused(with_permit("Chen", "Wei", permit("studio", "I7654321", None)));
    assert_eq!((code, field.as_str()), (Code::Invalid, "members[0].permit.expires_on"));
    assert!(msg.contains("scadenza"), "{msg}");
    let (_, field, msg) =
        refused(with_permit("Chen", "Wei", permit("ue_lungo_periodo", "I7654321", Some("2030-01-01"))));
    assert_eq!(field, "members[0].permit.expires_on");
    assert!(msg.contains("non ha scadenza"), "{msg}");
    let (_, field, _) =
        refused(with_permit("Chen", "Wei", permit("turismo", "I7654321", Some("2027-01-01"))));
    assert_eq!(field, "members[0].permit.kind");
    let (_, field, _) = refused(with_permit("Chen", "Wei", permit("studio", "I-7/6", Some("2027-01-01"))));
    assert_eq!(field, "members[0].permit.number");
    // Only for a citizen of a country outside the EU.
    let mut v = with_permit("Chen", "Wei", permit("studio", "I7654321", Some("2027-01-01")));
    v["members"][0]["citizenship"] = json!("ue");
    let (_, field, msg) = refused(v);
    assert_eq!(field, "members[0].permit.kind");
    assert!(msg.contains("extra UE"), "{msg}");
    // A misspelt key of the permit is named, not ignored.
    let err = s
        .call(
            "household_save",
            json!({ "household": with_permit("Chen", "Wei", json!({"kind": "studio", "numero": "I1"})) }),
        )
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("members[0].permit.numero"), "{err:?}");
}

/// The board's permit rows on `on`: (member, state, days left).
fn permit_rows(s: &Service) -> Vec<(String, BoardState, i64)> {
    s.deadlines_board()
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == BoardKind::Permesso)
        .map(|r| (r.permit.unwrap().member_name, r.state, r.days_left))
        .collect()
}

#[test]
fn permits_reach_the_board_sixty_days_ahead_and_stay_there_once_lapsed() {
    // Friday 20 November 2026.
    let e = env();
    let s = &e.service;
    save(s, with_permit("Benali", "Youssef", permit("lavoro_subordinato", "I0000001", Some("2026-12-20"))))
        .unwrap();
    save(s, with_permit("Haddad", "Karim", permit("famiglia", "I0000002", Some("2027-01-19")))).unwrap();
    save(s, with_permit("El Amrani", "Rachid", permit("studio", "I0000003", Some("2026-10-31")))).unwrap();
    save(s, with_permit("Perera", "Nuwan", permit("ue_lungo_periodo", "I0000004", None))).unwrap();
    save(s, with_permit("Quispe", "Jesús", permit("in_rinnovo", "050123456789", None))).unwrap();
    let far =
        save(s, with_permit("Hoxha", "Arben", permit("lavoro_autonomo", "I0000005", Some("2027-01-20"))))
            .unwrap();

    // Lapsed first (overdue), then by expiry; 61 days away and the titles
    // without expiry are not there.
    assert_eq!(
        permit_rows(s),
        [
            ("Rachid El Amrani".to_string(), BoardState::Scaduto, -20),
            ("Youssef Benali".to_string(), BoardState::InScadenza, 30),
            ("Karim Haddad".to_string(), BoardState::InScadenza, 60),
        ]
    );
    let row = s.deadlines_board().unwrap().into_iter().find(|r| r.kind == BoardKind::Permesso).unwrap();
    assert_eq!(
        (row.deadline, row.analysis_date, row.working_days_left, row.project_id),
        (d("2026-10-31"), None, None, None)
    );
    assert_eq!(
        row.permit.as_ref().map(|p| (p.kind, p.number.as_str())),
        Some((PermitKind::Studio, "I0000003"))
    );

    // The board is a function of the day: a day later Arben's permit is
    // 60 days away, and on 20 January 2027 Karim's has lapsed.
    let next = e.reopen(service_support::ADMIN, d("2026-11-21"));
    assert!(permit_rows(&next).contains(&("Arben Hoxha".to_string(), BoardState::InScadenza, 60)));
    let later = e.reopen(service_support::ADMIN, d("2027-01-20"));
    let rows = permit_rows(&later);
    assert!(rows.contains(&("Karim Haddad".to_string(), BoardState::Scaduto, -1)), "{rows:?}");
    assert!(rows.contains(&("Arben Hoxha".to_string(), BoardState::InScadenza, 0)), "{rows:?}");

    // A renewed permit leaves the board.
    let mut form = HouseholdInput::from(&later.household_get(far.id).unwrap());
    form.members[0].permit =
        serde_json::from_value(permit("lavoro_autonomo", "I0000006", Some("2029-01-20"))).unwrap();
    later.household_save(form).unwrap();
    assert!(!permit_rows(&later).iter().any(|r| r.0 == "Arben Hoxha"));

    // Through the window's door: the row's shape.
    let v = s.call("deadlines_board", Value::Null).unwrap();
    let first = v.as_array().unwrap().iter().find(|r| r["kind"] == "permesso").unwrap();
    assert_eq!(first["state"], "scaduto");
    assert_eq!(first["working_days_left"], Value::Null);
    assert_eq!(first["permit"]["kind"], "studio");
}

#[test]
fn an_operatore_sees_only_the_permits_of_the_cases_in_scope() {
    let e = env();
    let admin = &e.service;
    let theirs = e.reopen("mrossi", service_support::today());
    save(
        &theirs,
        with_permit("Benali", "Youssef", permit("lavoro_subordinato", "I0000001", Some("2026-12-20"))),
    )
    .unwrap();
    let other = e.reopen("lbianchi", service_support::today());
    assert_eq!(permit_rows(&other), []);
    assert_eq!(permit_rows(&theirs).len(), 1);
    assert_eq!(permit_rows(admin).len(), 1);
}

#[test]
fn the_employment_status_is_asked_from_fifteen() {
    let e = env();
    let s = &e.service;
    let mut v = family_json();
    // Zoë is 11: nothing to ask; what a form still sends for her is not kept.
    v["members"][2]["employment"] = json!(null);
    let h = save(s, v).unwrap();
    assert_eq!(h.members[2].employment, None);
    let mut v = family_json();
    v["members"][2]["employment"] = json!("studente");
    let e2 = env();
    assert_eq!(save(&e2.service, v).unwrap().members[2].employment, None);

    // Born on 20 November 2011: 15 today, asked.
    let mut v = single_json("Dell'Orto", "Niccolò", "1980-01-01", "M");
    let code = sportello::cf::encode("Dell'Orto", "Leonardo", d("2011-11-20"), sportello::cf::Sex::M, "F205")
        .unwrap();
    v["members"].as_array_mut().unwrap().push(json!({
        "first_name": "Leonardo", "last_name": "Dell'Orto", "codice_fiscale": code, "birth_date": "2011-11-20",
        "sex": "M", "relationship": "figlio", "citizenship": "italiana", "education": "isced_0_2"
    }));
    let e3 = env();
    let err = save(&e3.service, v.clone()).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("members[1].employment"));
    // A day younger (born 21 November 2011), not asked.
    let e4 = env_on(d("2026-11-19"));
    let h = save(&e4.service, v.clone()).unwrap();
    assert_eq!(h.members[1].employment, None);
    v["members"][1]["employment"] = json!("studente");
    assert_eq!(
        save(&e3.service, v).unwrap().members[1].employment.map(|e| e.to_string()).as_deref(),
        Some("studente")
    );

    // The window reads the age from the service, with its act.
    let r = s.call("member_rules", Value::Null).unwrap();
    assert_eq!(r["employment_age"], 15);
    assert_eq!(r["permit_warning_days"], 60);
    assert!(r["employment_age_act"].as_str().unwrap().contains("forze di lavoro"));
    let kinds = r["permit_kinds"].as_array().unwrap();
    assert_eq!(kinds.len(), PermitKind::ALL.len());
    assert!(kinds.contains(&json!({"kind": "ue_lungo_periodo", "expires": false})));
    assert!(kinds.contains(&json!({"kind": "lavoro_subordinato", "expires": true})));
}

#[test]
fn the_comune_is_chosen_by_name_and_must_be_in_force() {
    let e = env();
    let s = &e.service;
    let names = |v: Value| -> Vec<String> {
        v.as_array().unwrap().iter().map(|p| p["label"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names(s.call("places_search", json!({ "query": "rozzano" })).unwrap()), ["Rozzano (MI)"]);
    let found = s.call("places_search", json!({ "query": "cassano dadda" })).unwrap();
    assert_eq!(found[0]["code"], "C003");
    assert_eq!(found[0]["label"], "Cassano d'Adda (MI)");
    assert_eq!(names(s.call("places_search", json!({ "query": "castro le" })).unwrap()), ["Castro (LE)"]);
    assert_eq!(
        names(s.call("places_search", json!({ "query": "marocco", "kind": "stato" })).unwrap()),
        ["Marocco"]
    );
    assert_eq!(names(s.call("places_search", json!({ "query": "marocco" })).unwrap()), Vec::<String>::new());
    // Cinisello (suppressed in 1928) only for a day it existed.
    assert!(!names(s.call("places_search", json!({ "query": "cinisello" })).unwrap())
        .contains(&"Cinisello (MI)".into()));
    let then = s.call("places_search", json!({ "query": "cinisello", "on": "1920-01-01" })).unwrap();
    assert_eq!(names(then), ["Cinisello (MI)"]);
    let err = s.call("places_search", json!({ "query": "milano", "kind": "città" })).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("kind"));

    // The household's comune and a member's residence: comuni in force.
    let mut v = family_json();
    v["comune"] = json!("H623");
    v["cap"] = json!("20089");
    let h = save(s, v).unwrap();
    assert_eq!((h.comune.as_str(), h.cap.as_deref()), ("H623", Some("20089")));
    let found = s.households_search("dell'orto").unwrap();
    assert_eq!(found[0].comune_name.as_deref(), Some("Rozzano (MI)"));
    let mut v = family_json();
    v["comune"] = json!("C706");
    let err = save(s, v).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("comune"));
    assert!(
        err.message.contains("Cinisello (MI)") && err.message.contains("non esiste più"),
        "{}",
        err.message
    );
    let mut v = family_json();
    v["members"][1]["residence_comune"] = json!("X999");
    assert_eq!(save(s, v).unwrap_err().field.as_deref(), Some("members[1].residence_comune"));
    for bad in ["2012", "2O121", "201210"] {
        let mut v = family_json();
        v["cap"] = json!(bad);
        let err = save(s, v).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("cap"), "{bad}");
    }
}

#[test]
fn birthplaces_are_named_and_a_code_that_did_not_exist_then_is_a_warning() {
    let e = env();
    let s = &e.service;
    let check = |code: &str, birth: &str| {
        s.cf_check(CfCheckInput {
            code: Some(code.into()),
            birth_date: Some(birth.into()),
            ..Default::default()
        })
        .unwrap()
    };
    let c = check("NGYTLN88S60Z251L", "1988-11-20");
    assert_eq!(c.decoded.unwrap().birthplace_name.as_deref(), Some("Vietnam"));
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    let c = check("DLLNCL80A01F205Q", "1980-01-01");
    assert_eq!(c.decoded.unwrap().birthplace_name.as_deref(), Some("Milano (MI)"));

    // Born in 1995 with the code of Czechoslovakia (Z105, until 1 January 1993).
    let code =
        sportello::cf::encode("Novák", "Jana", d("1995-03-01"), sportello::cf::Sex::F, "Z105").unwrap();
    let c = check(&code, "1995-03-01");
    assert!(c.valid);
    assert_eq!(c.decoded.unwrap().birthplace_name.as_deref(), Some("Cecoslovacchia"));
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(c.warnings[0].contains("non esisteva alla data di nascita 01/03/1995"), "{}", c.warnings[0]);
    // Born there in 1985: no warning.
    let code =
        sportello::cf::encode("Novák", "Jana", d("1985-03-01"), sportello::cf::Sex::F, "Z105").unwrap();
    assert!(check(&code, "1985-03-01").warnings.is_empty());
    // A code no place has.
    let code =
        sportello::cf::encode("Rossi", "Mario", d("1980-01-01"), sportello::cf::Sex::M, "X999").unwrap();
    let c = check(&code, "1980-01-01");
    assert_eq!(c.decoded.unwrap().birthplace_name, None);
    assert!(c.warnings[0].contains("nessun comune"), "{:?}", c.warnings);
    // A warning, never a refusal: the household is saved.
    let mut v = single_json("Rossi", "Mario", "1980-01-01", "M");
    v["members"][0]["codice_fiscale"] = json!(code);
    assert!(save(s, v).is_ok());
}

#[test]
fn the_patto_prints_each_members_birthplace_by_name() {
    let e = env();
    let s = &e.service;
    let h = save(s, family_json()).unwrap();
    s.analysis_save(
        serde_json::from_value(analysis_json(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
    )
    .unwrap();
    let p = s.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap();
    let doc = s.agreement_print(p.id).unwrap();
    let text = squash(&pdf_text(&std::fs::read(s.document_open(doc.id).unwrap()).unwrap()));
    for want in [
        "Data e luogo di nascita",
        "01/01/1980, Milano (MI)",
        "20/11/1988, Vietnam",
        "30/09/2015, Milano (MI)",
    ] {
        assert!(text.contains(want), "«{want}» missing from the patto:\n{text}");
    }
}
