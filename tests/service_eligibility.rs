//! Eligibility in the app: the stored household, read by the service, gives the
//! answers of the rules (the three households of shared/examples recreated through
//! the forms), a change to the household changes them, and every check is kept
//! with the rule sets it was decided under.

use crate::service_support;

use serde_json::{json, Value};
use service_support::{create_family, d, env_on, family_input};
use sportello::domain::household::HouseholdInput;
use sportello::domain::Household;
use sportello::rules::eligibility::{evaluate, parse_household_json};
use sportello::service::{EligibilityCheck, EligibilityFactsInput, Service};
use sportello::Code;

const EXAMPLES: &[(&str, &str, &str)] = &[
    (
        "family-with-minors",
        include_str!("scenari/esempi/household-family-with-minors.json"),
        include_str!("scenari/esempi/household-family-with-minors.expected.json"),
    ),
    (
        "new-resident-elderly",
        include_str!("scenari/esempi/household-new-resident-elderly.json"),
        include_str!("scenari/esempi/household-new-resident-elderly.expected.json"),
    ),
    (
        "newborn",
        include_str!("scenari/esempi/household-newborn.json"),
        include_str!("scenari/esempi/household-newborn.expected.json"),
    ),
];

const NAMES: &[(&str, &str, &str)] =
    &[("Dell'Orto", "Niccolò", "M"), ("Nguyễn", "Thị Lan", "F"), ("Dell'Orto", "Zoë", "F")];

/// The household form for an example of `sportello eligibility`: the first member
/// applies and carries the residence; the others are spouse and children.
fn form_for(example: &Value) -> Value {
    let members: Vec<Value> = example["members"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let (last, first, sex) = NAMES[i];
            let birth = m["birth_date"].as_str().unwrap();
            let cf = sportello::cf::encode(
                last,
                first,
                d(birth),
                if sex == "M" { sportello::cf::Sex::M } else { sportello::cf::Sex::F },
                "F205",
            )
            .unwrap();
            let relationship = match i {
                0 => "richiedente",
                _ if d(birth) < d("2000-01-01") => "coniuge",
                _ => "figlio",
            };
            let (comune, since) = if i == 0 {
                (example["resident_since"].as_str().map(|_| "F205"), example["resident_since"].clone())
            } else {
                (None, Value::Null)
            };
            json!({
                "first_name": first, "last_name": last, "codice_fiscale": cf, "birth_date": birth,
                "sex": sex, "relationship": relationship, "citizenship": "italiana",
                "residence_comune": comune, "resident_since": since,
                "invalidity_percent": m["invalidity_percent"].clone(),
                "disability_certified": m["disability_certified"].clone(),
                "employment": if relationship == "figlio" { "studente" } else { "disoccupato" },
                "education": "isced_0_2"
            })
        })
        .collect();
    let isee = match &example["isee"] {
        Value::Null => Value::Null,
        i => json!({
            "protocol": "INPS-ISEE-2026-00012345A-00", "kind": "ordinario",
            "value": i["value"].clone(), "issued_on": "2026-01-15", "expires_on": i["expires_on"].clone()
        }),
    };
    json!({"address": "via Padova 21, 20127 Milano", "comune": "F205", "isee": isee, "members": members})
}

fn recreate(s: &Service, example: &Value) -> Household {
    let input: HouseholdInput = serde_json::from_value(form_for(example)).unwrap();
    let h = s.household_save(input).unwrap();
    s.eligibility_facts_save(EligibilityFactsInput {
        household_id: Some(h.id.to_string()),
        other_subsidies: Some(sportello::domain::form::Scalar::Bool(
            example["other_subsidies"].as_bool().unwrap(),
        )),
        urgent_need: example["urgent_need"].as_str().map(String::from),
    })
    .unwrap();
    h
}

fn answers(c: &EligibilityCheck) -> Value {
    Value::Object(c.measures.iter().map(|m| (m.measure.clone(), Value::Bool(m.eligible))).collect())
}

fn measure<'a>(c: &'a EligibilityCheck, id: &str) -> &'a sportello::service::MeasureAnswer {
    c.measures.iter().find(|m| m.measure == id).unwrap()
}

fn codes(c: &EligibilityCheck, id: &str) -> Vec<String> {
    measure(c, id).reasons.iter().map(|r| r.code.to_string()).collect()
}

#[test]
fn the_example_households_recreated_in_the_app_give_the_expected_answers() {
    let e = env_on(d("2026-11-21"));
    let rules = sportello::catalog::rule_sets::builtin();
    for (name, text, expected) in EXAMPLES {
        let example: Value = serde_json::from_str(text).unwrap();
        let expected: Value = serde_json::from_str(expected).unwrap();
        let h = recreate(&e.service, &example);
        let on = d(example["reference_date"].as_str().unwrap());
        let c = e.service.eligibility_check(h.id, on).unwrap();
        assert_eq!(answers(&c), expected, "{name}");
        assert_eq!(c.measures.len(), 7);
        assert_eq!(c.reference_date, on);
        assert_eq!(c.comune, "F205");
        assert_eq!(c.operator, "Anna Verdi");

        // The service read the record as the example states it (the birth for
        // misura 6 is derived from the youngest minor, the rest is the same) and the
        // reasons are the rules' own.
        let parsed = parse_household_json(text).unwrap();
        let mut read = c.input.clone();
        assert_eq!(read.members, parsed.members, "{name}");
        assert_eq!(read.resident_since, parsed.resident_since, "{name}");
        assert_eq!(read.isee, parsed.isee, "{name}");
        assert_eq!(read.other_subsidies, parsed.other_subsidies, "{name}");
        assert_eq!(read.urgent_need, parsed.urgent_need, "{name}");
        read.child_birth_date = parsed.child_birth_date;
        assert_eq!(read, parsed, "{name}");
        let pure = evaluate(&parsed, rules).unwrap();
        for m in &pure.measures {
            let ours = codes(&c, m.measure.id());
            let theirs: Vec<String> = m.reasons.iter().map(|r| r.code.to_string()).collect();
            assert_eq!(ours, theirs, "{name} {}", m.measure.id());
        }
        for m in &c.measures {
            assert_eq!(m.eligible, m.reasons.is_empty(), "{name} {}", m.measure);
            assert!(!m.trace.is_empty(), "{name} {}: a trace explains every answer", m.measure);
            assert!(m.title.starts_with("Misura "), "{}", m.title);
        }
    }
}

#[test]
fn the_reasons_are_the_ones_the_family_is_told() {
    let e = env_on(d("2026-11-21"));
    let (_, text, _) = EXAMPLES[1];
    let example: Value = serde_json::from_str(text).unwrap();
    let h = recreate(&e.service, &example);
    let c = e.service.eligibility_check(h.id, d("2026-03-10")).unwrap();
    // One day short of a year of residence: the date the requirement is met is told.
    let m3 = measure(&c, "misura-3");
    assert_eq!(codes(&c, "misura-3"), ["RESIDENCE_TOO_SHORT"]);
    assert!(m3.reasons[0].text.contains("11/03/2026"), "{}", m3.reasons[0].text);
    // The richiedente's residence is named in the notes.
    assert!(
        c.notes.iter().any(|n| n.contains("Niccolò Dell'Orto") && n.contains("11/03/2025")),
        "{:?}",
        c.notes
    );
    // The next day the same household meets misura 3 and 4.
    let later = e.service.eligibility_check(h.id, d("2026-03-11")).unwrap();
    assert!(measure(&later, "misura-3").eligible);
    assert!(measure(&later, "misura-4").eligible);
    assert_eq!(codes(&later, "misura-7"), ["MEASURE_ABOLISHED"]);
}

#[test]
fn a_change_to_the_household_changes_the_answer() {
    let e = env_on(d("2026-11-21"));
    let s = &e.service;
    let h = create_family(s);
    let on = d("2026-11-21");
    let first = s.eligibility_check(h.id, on).unwrap();
    assert!(measure(&first, "misura-1").eligible, "{:?}", measure(&first, "misura-1").reasons);

    // The ISEE goes above the threshold.
    let mut input = HouseholdInput::from(&h);
    input.isee.as_mut().unwrap().value = Some("6000.00".into());
    let h2 = s.household_save(input).unwrap();
    let second = s.eligibility_check(h2.id, on).unwrap();
    assert!(!measure(&second, "misura-1").eligible);
    assert_eq!(codes(&second, "misura-1"), ["ISEE_OVER_CAP"]);
    assert!(measure(&second, "misura-1").reasons[0].text.contains("6.000,00 €"));

    // Another subsidy, and an urgent need recorded by the social worker.
    let mut input = HouseholdInput::from(&h2);
    input.isee.as_mut().unwrap().value = Some("4800.00".into());
    s.household_save(input).unwrap();
    let facts = s
        .eligibility_facts_save(EligibilityFactsInput {
            household_id: Some(h.id.to_string()),
            other_subsidies: Some(sportello::domain::form::Scalar::Text("true".into())),
            urgent_need: Some("  Sfratto esecutivo fissato per il 15/12/2026  ".into()),
        })
        .unwrap();
    assert!(facts.other_subsidies);
    assert_eq!(facts.urgent_need.as_deref(), Some("Sfratto esecutivo fissato per il 15/12/2026"));
    assert_eq!(facts.updated_by.as_deref(), Some("Anna Verdi"));
    let third = s.eligibility_check(h.id, on).unwrap();
    assert_eq!(codes(&third, "misura-1"), ["OTHER_SUBSIDIES"]);
    assert_eq!(codes(&third, "misura-5"), ["OTHER_SUBSIDIES"]);

    let facts = s
        .eligibility_facts_save(EligibilityFactsInput {
            household_id: Some(h.id.to_string()),
            other_subsidies: Some(sportello::domain::form::Scalar::Bool(false)),
            urgent_need: Some("Sfratto esecutivo".into()),
        })
        .unwrap();
    assert_eq!(s.eligibility_facts_get(h.id).unwrap(), facts);
    let fourth = s.eligibility_check(h.id, on).unwrap();
    assert!(measure(&fourth, "misura-1").eligible);
    assert!(measure(&fourth, "misura-5").eligible);
    assert!(measure(&fourth, "misura-5").trace.iter().any(|t| t.text.contains("Sfratto esecutivo")));
}

#[test]
fn stored_checks_carry_the_rule_set_version_and_trace() {
    let e = env_on(d("2026-11-21"));
    let s = &e.service;
    let h = create_family(s);
    assert!(s.eligibility_checks_list(h.id).unwrap().is_empty());
    let a = s.eligibility_check(h.id, d("2026-11-21")).unwrap();
    let b = s.eligibility_check(h.id, d("2022-02-28")).unwrap();
    let list = s.eligibility_checks_list(h.id).unwrap();
    assert_eq!(list, [b.clone(), a.clone()], "newest first, read back as answered");

    let rules = sportello::catalog::rule_sets::builtin();
    let sr = rules.get("milano-sostegno-reddito-2019").unwrap();
    let m1 = measure(&a, "misura-1");
    assert_eq!(m1.rule_sets.len(), 1);
    assert_eq!(m1.rule_sets[0].id, "milano-sostegno-reddito-2019");
    assert_eq!(m1.rule_sets[0].version, sr.version);
    let info = a.rule_sets.iter().find(|r| r.id == "milano-sostegno-reddito-2019").unwrap();
    assert_eq!(info.version, sr.version);
    assert!(info.acts.iter().any(|t| t.contains("1354/2018")), "{:?}", info.acts);
    // Misura 6 of 2026 is decided under the 2026 maternity set; in February 2022
    // misura 7 was still in force under that year's set.
    assert!(measure(&a, "misura-6").rule_sets.iter().any(|r| r.id == "assegno-maternita-2026"));
    assert!(measure(&b, "misura-7").rule_sets.iter().any(|r| r.id == "assegno-tre-figli-2022"));
    assert!(measure(&a, "misura-7").rule_sets.iter().any(|r| r.id == "assegno-tre-figli-abolizione"));

    // In the database: one row per check, seven answers each, the trace as JSON.
    let db = service_support::raw(&e.db());
    let (checks, answers): (i64, i64) = db
        .query_row(
            "SELECT (SELECT count(*) FROM eligibility_checks), (SELECT count(*) FROM eligibility_answers)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((checks, answers), (2, 14));
    let (sets, trace): (String, String) = db
        .query_row(
            "SELECT rule_sets, trace FROM eligibility_answers WHERE check_id = ?1 AND measure = 'misura-1'",
            [a.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(sets.contains(&format!("\"version\":{}", sr.version)), "{sets}");
    assert!(trace.contains("ISEE 4.800,00 €"), "{trace}");
    // The audit log has the check.
    let audited: i64 = db
        .query_row("SELECT count(*) FROM audit_log WHERE action = 'eligibility_check'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 2);
}

#[test]
fn a_date_no_rule_set_covers_is_an_error_and_nothing_is_stored() {
    let e = env_on(d("2026-11-21"));
    let h = create_family(&e.service);
    let err = e.service.eligibility_check(h.id, d("2018-06-01")).unwrap_err();
    assert_eq!(err.code, Code::NoRuleSet);
    assert_eq!(err.field.as_deref(), Some("reference_date"));
    assert!(e.service.eligibility_checks_list(h.id).unwrap().is_empty());
}

#[test]
fn members_not_yet_born_on_the_reference_date_are_left_out() {
    let e = env_on(d("2026-11-21"));
    let h = create_family(&e.service);
    // Before the rule set of misure 1-5 (2019): an error, never a guess, even if
    // Zoë (born 30/09/2015) is left out.
    let err = e.service.eligibility_check(h.id, d("2015-09-01")).unwrap_err();
    assert_eq!(err.code, Code::NoRuleSet);
    // The ISEE on file was issued on 10/02/2026: in 2019 the family did not have it.
    let c = e.service.eligibility_check(h.id, d("2019-09-01")).unwrap();
    assert_eq!(c.input.members.len(), 3);
    assert_eq!(c.input.isee, None);
    assert_eq!(codes(&c, "misura-1"), ["RESIDENCE_TOO_SHORT", "NO_VALID_ISEE"]);
    assert!(c.notes.iter().any(|n| n.contains("rilasciata il 10/02/2026")), "{:?}", c.notes);
    let mut input = family_input();
    input.members[2].birth_date = Some("2026-10-01".into());
    input.members[2].codice_fiscale = Some(
        sportello::cf::encode("Dell'Orto", "Zoë", d("2026-10-01"), sportello::cf::Sex::F, "F205").unwrap(),
    );
    input.members[2].resident_since = None;
    input.members[2].residence_comune = None;
    input.members[0].codice_fiscale = Some(
        sportello::cf::encode("Rossi", "Mario", d("1980-01-01"), sportello::cf::Sex::M, "F205").unwrap(),
    );
    input.members[1].codice_fiscale = Some(
        sportello::cf::encode("Bianchi", "Lucia", d("1988-11-20"), sportello::cf::Sex::F, "F205").unwrap(),
    );
    let h2 = e.service.household_save(input).unwrap();
    let c = e.service.eligibility_check(h2.id, d("2026-09-15")).unwrap();
    assert_eq!(c.input.members.len(), 2);
    assert!(c.notes.iter().any(|n| n.contains("Zoë Dell'Orto") && n.contains("dopo la data di riferimento")));
    assert_eq!(codes(&c, "misura-1"), ["NO_MINORS"]);
    let after = e.service.eligibility_check(h2.id, d("2026-11-21")).unwrap();
    assert!(measure(&after, "misura-6").eligible, "{:?}", measure(&after, "misura-6").reasons);
}

#[test]
fn the_commands_speak_json_with_field_errors() {
    let e = env_on(d("2026-11-21"));
    let h = create_family(&e.service);
    let id = h.id.to_string();
    let err =
        e.service.call("eligibility_check", json!({"household_id": id, "reference_date": ""})).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("reference_date")));
    let err = e
        .service
        .call("eligibility_facts_save", json!({"household_id": id, "other_subsidies": "forse"}))
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("other_subsidies"));
    let facts = e.service.call("eligibility_facts_get", json!({"household_id": id})).unwrap();
    assert_eq!(facts["other_subsidies"], false);
    assert_eq!(facts["updated_at"], Value::Null);
    let v = e
        .service
        .call("eligibility_check", json!({"household_id": id, "reference_date": "2026-11-21"}))
        .unwrap();
    let m1 = &v["measures"][0];
    assert_eq!(m1["measure"], "misura-1");
    assert_eq!(m1["eligible"], true);
    assert_eq!(m1["rule_sets"][0]["id"], "milano-sostegno-reddito-2019");
    assert!(m1["trace"][0]["text"].is_string());
    let m2 = &v["measures"][1];
    assert_eq!(m2["reasons"][0]["code"], "HAS_MINORS");
    assert!(m2["reasons"][0]["text"].as_str().unwrap().contains("minore"));
    let list = e.service.call("eligibility_checks_list", json!({"household_id": id})).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
}
