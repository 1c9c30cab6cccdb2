//! Households through the service: create, read, edit, validation with the
//! field at fault, search as you type, the codice fiscale check, the audit log.

use crate::service_support;

use serde_json::json;
use service_support::{create_family, env, family_input, family_json, single_json};
use sportello::domain::household::HouseholdInput;
use sportello::domain::Id;
use sportello::service::CfCheckInput;
use sportello::Code;

fn input(v: serde_json::Value) -> HouseholdInput {
    serde_json::from_value(v).unwrap()
}

#[test]
fn a_new_household_gets_a_case_number_ids_and_stamps() {
    let e = env();
    let h = create_family(&e.service);
    assert_eq!(h.case_number, "2026/000001");
    assert_eq!(h.id.as_uuid().get_version_num(), 7);
    assert!(h.members.iter().all(|m| m.id.as_uuid().get_version_num() == 7));
    assert_eq!(h.created_by, "Anna Verdi");
    assert!(h.created_at.starts_with("2026-11-20T"), "{}", h.created_at);
    assert_eq!(h.members[0].full_name(), "Niccolò Dell'Orto");
    assert_eq!(h.members[1].full_name(), "Thị Lan Nguyễn");
    assert_eq!(h.members[2].guardian_id, Some(h.members[1].id));
    assert_eq!(h.members[1].invalidity_percent, 0);
    assert_eq!(e.service.household_get(h.id).unwrap(), h);

    let second = e.service.household_save(input(single_json("Rossi", "Mario", "1980-01-01", "M"))).unwrap();
    assert_eq!(second.case_number, "2026/000002");
}

#[test]
fn editing_keeps_ids_and_refuses_a_stale_form() {
    let e = env();
    let h = create_family(&e.service);
    let mut form = HouseholdInput::from(&h);
    form.phone = Some("02 1234567".into());
    form.members[2].first_name = Some("Zoë Maria".into());
    let h2 = e.service.household_save(form.clone()).unwrap();
    assert_eq!(h2.id, h.id);
    assert_eq!(h2.case_number, h.case_number);
    assert_eq!(h2.phone.as_deref(), Some("02 1234567"));
    assert_eq!(h2.members[2].id, h.members[2].id);
    assert_eq!(h2.members[2].first_name, "Zoë Maria");
    assert!(h2.updated_at > h.updated_at);

    // The old form (loaded before this change) must not overwrite it.
    let err = e.service.household_save(form).unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    assert!(err.message.contains("modificato"), "{}", err.message);

    // Saving unchanged data does not touch the timestamps.
    let h3 = e.service.household_save(HouseholdInput::from(&h2)).unwrap();
    assert_eq!(h3.updated_at, h2.updated_at);

    // A member removed from the form is removed from the household.
    let mut form = HouseholdInput::from(&h3);
    form.members.remove(2);
    let h4 = e.service.household_save(form).unwrap();
    assert_eq!(h4.members.len(), 2);
}

fn field_of(v: serde_json::Value) -> (Code, Option<String>, String) {
    let e = env();
    let err = e.service.household_save(input(v)).unwrap_err();
    (err.code, err.field, err.message)
}

#[test]
fn every_mistake_names_its_field_in_italian() {
    let mut v = family_json();
    v["members"][1]["codice_fiscale"] = json!("NGYTLN88S60Z251X");
    let (code, field, msg) = field_of(v);
    assert_eq!((code, field.as_deref()), (Code::Invalid, Some("members[1].codice_fiscale")));
    assert!(msg.contains("carattere di controllo") || msg.contains("controllo"), "{msg}");

    let mut v = family_json();
    v["members"][0]["last_name"] = json!("   ");
    let (_, field, msg) = field_of(v);
    assert_eq!(field.as_deref(), Some("members[0].last_name"));
    assert_eq!(msg, "Indicare il cognome");

    let mut v = family_json();
    v["members"][0]["relationship"] = json!("coniuge");
    let (_, field, msg) = field_of(v);
    assert_eq!(field.as_deref(), Some("members"));
    assert!(msg.contains("richiedente"), "{msg}");

    let mut v = family_json();
    v["members"][1]["relationship"] = json!("richiedente");
    let (_, field, _) = field_of(v);
    assert_eq!(field.as_deref(), Some("members[1].relationship"));

    let mut v = family_json();
    v["members"][2]["birth_date"] = json!("2027-01-01");
    let (_, field, msg) = field_of(v);
    assert_eq!(field.as_deref(), Some("members[2].birth_date"));
    assert!(msg.contains("futuro"), "{msg}");

    let mut v = family_json();
    v["members"][2]["birth_date"] = json!("2015-02-30");
    let (_, field, msg) = field_of(v);
    assert_eq!(field.as_deref(), Some("members[2].birth_date"));
    assert!(msg.contains("inesistente"), "{msg}");

    let mut v = family_json();
    v["members"][0]["invalidity_percent"] = json!(120);
    let (_, field, _) = field_of(v);
    assert_eq!(field.as_deref(), Some("members[0].invalidity_percent"));

    let mut v = family_json();
    v["members"][1]["employment"] = json!("");
    let (_, field, msg) = field_of(v);
    assert_eq!(field.as_deref(), Some("members[1].employment"));
    assert_eq!(msg, "Indicare la condizione occupazionale");

    let mut v = family_json();
    v["isee"]["protocol"] = json!("INPS-ISEE-2026-123-00");
    let (_, field, msg) = field_of(v);
    assert_eq!(field.as_deref(), Some("isee.protocol"));
    assert!(msg.contains("INPS-ISEE-AAAA-XXXXXXXXX-NN"), "{msg}");

    let mut v = family_json();
    v["isee"]["value"] = json!("4.800,00");
    let (_, field, _) = field_of(v);
    assert_eq!(field.as_deref(), Some("isee.value"));

    let mut v = family_json();
    v["comune"] = json!("Milano");
    let (_, field, _) = field_of(v);
    assert_eq!(field.as_deref(), Some("comune"));

    let mut v = family_json();
    v["email"] = json!("famiglia@");
    let (_, field, _) = field_of(v);
    assert_eq!(field.as_deref(), Some("email"));

    // A guardian must be an adult of the same household, and only for minors.
    let mut v = family_json();
    v["members"][2]["guardian_id"] = json!(Id::new().to_string());
    let (_, field, _) = field_of(v);
    assert_eq!(field.as_deref(), Some("members[2].guardian_id"));
    let mut v = family_json();
    let zoe_guardian = v["members"][2]["guardian_id"].clone();
    v["members"][0]["guardian_id"] = zoe_guardian;
    let (_, field, msg) = field_of(v);
    assert_eq!(field.as_deref(), Some("members[0].guardian_id"));
    assert!(msg.contains("solo per i minori"), "{msg}");

    let mut v = family_json();
    v["members"][2]["codice_fiscale"] = json!("DLLNCL80A01F205Q");
    let (_, field, _) = field_of(v);
    assert_eq!(field.as_deref(), Some("members[2].codice_fiscale"));

    let mut v = family_json();
    v["members"] = json!([]);
    let (_, field, _) = field_of(v);
    assert_eq!(field.as_deref(), Some("members"));
}

#[test]
fn a_person_is_in_one_household_only() {
    let e = env();
    let h = create_family(&e.service);
    let mut v = single_json("Dell'Orto", "Niccolò", "1980-01-01", "M");
    v["members"][0]["codice_fiscale"] = json!("DLLNCL80A01F205Q");
    let err = e.service.household_save(input(v)).unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    assert_eq!(err.field.as_deref(), Some("members[0].codice_fiscale"));
    assert!(err.message.contains(&h.case_number), "{}", err.message);
    // And a member id cannot be moved into another household by a form.
    let mut v = single_json("Rossi", "Mario", "1980-01-01", "M");
    v["members"][0]["id"] = json!(h.members[0].id.to_string());
    let err = e.service.household_save(input(v)).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("members[0].id"));
}

#[test]
fn unknown_households_are_not_found() {
    let e = env();
    assert_eq!(e.service.household_get(Id::new()).unwrap_err().code, Code::NotFound);
    let mut form = family_input();
    form.id = Some(Id::new().to_string());
    assert_eq!(e.service.household_save(form).unwrap_err().code, Code::NotFound);
}

fn names(v: &[sportello::domain::HouseholdSummary]) -> Vec<String> {
    v.iter().map(|s| s.name.clone()).collect()
}

#[test]
fn search_finds_as_you_type_with_or_without_accents() {
    let e = env();
    let h = create_family(&e.service);
    let s = &e.service;
    for (other, first, birth, sex) in [
        ("Rossi", "Mario", "1975-03-02", "M"),
        ("Rossini", "Giulia", "1990-06-12", "F"),
        ("D'Angelo", "Nicolò", "1968-12-25", "M"),
        ("Orto", "Luca", "1985-05-05", "M"),
    ] {
        s.household_save(input(single_json(other, first, birth, sex))).unwrap();
    }
    let found = |q: &str| names(&s.households_search(q).unwrap());
    for q in ["dell'orto", "Dell'Orto", "dellorto", "DELL ORTO", "dell’orto", "dell"] {
        assert_eq!(found(q), ["Dell'Orto Niccolò"], "{q}");
    }
    // Any member finds the household; the summary names the richiedente.
    assert_eq!(found("nguyen"), ["Dell'Orto Niccolò"]);
    assert_eq!(found("Nguyễn Thị"), ["Dell'Orto Niccolò"]);
    assert_eq!(found("thi lan ng"), ["Dell'Orto Niccolò"]);
    assert_eq!(found("zoe"), ["Dell'Orto Niccolò"]);
    assert_eq!(found("niccolo dell"), ["Dell'Orto Niccolò"]);
    assert_eq!(found("ngytln"), ["Dell'Orto Niccolò"]);
    assert_eq!(found("DLLZOE15P70"), ["Dell'Orto Niccolò"]);
    assert_eq!(found("rossi"), ["Rossi Mario", "Rossini Giulia"]);
    assert_eq!(found("rossi mario"), ["Rossi Mario"]);
    assert_eq!(found("d'angelo"), ["D'Angelo Nicolò"]);
    assert_eq!(found("nicolo"), ["D'Angelo Nicolò"]);
    assert_eq!(found("2026/000001"), ["Dell'Orto Niccolò"]);
    assert_eq!(found("1"), ["Dell'Orto Niccolò"]);
    assert_eq!(found("2026/00000").len(), 5);
    assert!(found("r").is_empty(), "one letter is too little to search");
    assert!(found("bianchi").is_empty());

    let summary = &s.households_search("zoe").unwrap()[0];
    assert_eq!(summary.id, h.id);
    assert_eq!(summary.case_number, "2026/000001");
    assert_eq!(summary.members, 3);
    assert_eq!(summary.codice_fiscale, "DLLNCL80A01F205Q");
    assert_eq!(summary.comune, "F205");
    assert_eq!(summary.project_status, None);
}

#[test]
fn search_returns_at_most_fifty() {
    let e = env();
    let firsts = ["Anna", "Bruno", "Carla", "Dario", "Elena", "Fabio", "Gina", "Ivo"];
    for i in 0..60 {
        let first = firsts[i % firsts.len()];
        let birth = format!("19{:02}-0{}-1{}", 40 + i / 2, 1 + i % 9, i % 10);
        let sex = if "AaCEG".contains(&first[..1]) { "F" } else { "M" };
        e.service.household_save(input(single_json("Esposito", first, &birth, sex))).unwrap();
    }
    let found = e.service.households_search("esposito").unwrap();
    assert_eq!(found.len(), 50);
    assert!(found.windows(2).all(|w| w[0].name <= w[1].name));
}

#[test]
fn cf_check_explains_and_warns() {
    let e = env();
    let ok = e
        .service
        .cf_check(CfCheckInput {
            code: Some(" ngytln88s60z251l ".into()),
            first_name: Some("Thị Lan".into()),
            last_name: Some("Nguyễn".into()),
            birth_date: Some("1988-11-20".into()),
            sex: Some("F".into()),
        })
        .unwrap();
    assert!(ok.valid);
    assert_eq!(ok.code, "NGYTLN88S60Z251L");
    assert_eq!(ok.warnings, Vec::<String>::new());
    let decoded = ok.decoded.unwrap();
    assert_eq!(
        (decoded.birthplace.as_str(), decoded.birth_date.to_string().as_str()),
        ("Z251", "1988-11-20")
    );

    let mismatch = e
        .service
        .cf_check(CfCheckInput {
            code: Some("NGYTLN88S60Z251L".into()),
            first_name: Some("Lan".into()),
            last_name: Some("Nguyễn".into()),
            birth_date: Some("1988-11-21".into()),
            sex: Some("M".into()),
        })
        .unwrap();
    assert!(mismatch.valid);
    assert_eq!(mismatch.warnings.len(), 3, "{:?}", mismatch.warnings);

    let bad = e
        .service
        .cf_check(CfCheckInput { code: Some("NGYTLN88S60Z251X".into()), ..Default::default() })
        .unwrap();
    assert!(!bad.valid);
    assert!(bad.reason.unwrap().contains('L'));
    assert!(bad.decoded.is_none());
}

#[test]
fn reads_and_writes_of_personal_data_are_audited() {
    let e = env();
    let h = create_family(&e.service);
    e.service.household_get(h.id).unwrap();
    e.service.households_search("dell").unwrap();
    e.service.cf_check(CfCheckInput { code: Some("RSSMRA80A01F205X".into()), ..Default::default() }).unwrap();
    let entries = e.service.storage().transaction(|tx| tx.audit_entries(None)).unwrap();
    let actions: Vec<(&str, Option<Id>)> = entries.iter().map(|a| (a.action.as_str(), a.record_id)).collect();
    let tail = &actions[actions.len() - 3..];
    assert_eq!(
        tail,
        [("household_create", Some(h.id)), ("household_get", Some(h.id)), ("households_search", None)]
    );
    let op = e.service.operator().id;
    assert!(entries[entries.len() - 3..]
        .iter()
        .all(|a| a.operator_id == op && a.at.starts_with("2026-11-20T")));
    // A failed save leaves no trace of work that did not happen.
    let before = entries.len();
    let mut bad = family_input();
    bad.id = Some(Id::new().to_string());
    assert!(e.service.household_save(bad).is_err());
    let after = e.service.storage().transaction(|tx| tx.audit_entries(None)).unwrap().len();
    assert_eq!(after, before);
}

#[test]
fn only_an_administrator_changes_the_office() {
    let e = env();
    let clerk = e.reopen("mbianchi", service_support::today());
    assert_eq!(clerk.operator().role, sportello::domain::Role::Operatore);
    let mut office = clerk.session().unwrap().office;
    office.comune = "I690".into();
    let err = clerk.office_set(office.clone()).unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
    let saved = e.service.office_set(office.clone()).unwrap();
    assert_eq!(saved.comune, "I690");
    office.comune = "Z999".into();
    assert_eq!(e.service.office_set(office).unwrap_err().field.as_deref(), Some("comune"));
}
