//! ESF indicators (rules.md §6, cli.md `sportello indicators`): the public example,
//! the JSON shape, the input's refusals and the `fse-indicatori` rule-set files.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde_json::Value;
use sportello_core::catalog::rule_sets;
use sportello_core::rules::esf::{self, Participant};
use sportello_core::rules::rule_set::{self, Kind};
use sportello_core::Code;

fn esempi(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenari/esempi").join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(esempi(name)).unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn json_of(participants: &[Participant]) -> Value {
    let report = esf::indicators(participants, rule_sets::builtin()).unwrap();
    serde_json::to_value(esf::to_json(&report)).unwrap()
}

#[test]
fn the_public_example_gives_the_expected_indicators_and_missing() {
    let participants = esf::parse_participants_json(&read("esf-participants.json")).unwrap();
    let got = json_of(&participants);
    let expected: Value = serde_json::from_str(&read("esf-participants.expected.json")).unwrap();
    assert_eq!(got["participants"], expected["participants"]);
    assert_eq!(got["indicators"], expected["indicators"]);
    assert_eq!(got["missing"], expected["missing"]);
    assert_eq!(got["rule_set"], "fse-indicatori-2014, fse-indicatori-2018-omnibus");
}

#[test]
fn the_json_keys_come_in_the_contracts_order() {
    let participants = esf::parse_participants_json(&read("esf-participants.json")).unwrap();
    let report = esf::indicators(&participants, rule_sets::builtin()).unwrap();
    let text = serde_json::to_string(&esf::to_json(&report)).unwrap();
    let at = |k: &str| text.find(&format!("\"{k}\"")).unwrap_or_else(|| panic!("{k} missing in {text}"));
    assert!(text.starts_with("{\"rule_set\":"), "{text}");
    assert!(at("participants") < at("indicators") && at("indicators") < at("missing"));
    assert!(at("missing") < at("results"));
    let codes: Vec<String> = (1..=19).map(|i| format!("CO{i:02}")).collect();
    let v: Value = serde_json::from_str(&text).unwrap();
    for key in ["indicators", "missing"] {
        // serde_json's map keeps the text's order only with preserve_order (not on
        // here): read the order from the text itself.
        let section = &text[at(key)..];
        let mut last = 0;
        for c in &codes {
            let i = section.find(&format!("\"{c}\"")).unwrap();
            assert!(i > last, "{key}: {c} out of order");
            last = i;
        }
        assert_eq!(v[key].as_object().unwrap().len(), 19, "{key}: every code, no CR");
    }
    let results: Vec<&String> = v["results"].as_object().unwrap().keys().collect();
    assert_eq!(results, ["CR01", "CR02", "CR03", "CR04", "CR05"]);
    assert_eq!(v["results"]["CR01"], serde_json::json!({"F": 0, "M": 0, "total": 0}));
}

#[test]
fn no_participants_is_all_zeros_under_no_rule_set() {
    let ps = esf::parse_participants_json(r#"{"participants": []}"#).unwrap();
    let v = json_of(&ps);
    assert_eq!(v["rule_set"], "");
    assert_eq!(v["participants"], 0);
    assert_eq!(v["indicators"]["CO19"], serde_json::json!({"F": 0, "M": 0, "total": 0}));
    assert_eq!(v["missing"]["CO01"], 0);
}

#[test]
fn an_entry_before_2014_is_no_rule_set_naming_the_participant() {
    let ps = vec![Participant::unknown("a", d("2014-01-01")), Participant::unknown("b", d("2013-12-31"))];
    let e = esf::indicators(&ps, rule_sets::builtin()).unwrap_err();
    assert_eq!(e.code, Code::NoRuleSet);
    assert_eq!(e.field.as_deref(), Some("participants[1].entry_date"));
    assert!(e.message.contains("31/12/2013"), "{}", e.message);
}

fn refused(json: &str) -> sportello_core::Error {
    esf::parse_participants_json(json).unwrap_err()
}

fn one(fields: &str) -> String {
    format!(
        r#"{{"participants": [{{"id": "a", "entry_date": "2020-01-10"}}, {{"id": "b", "entry_date": "2020-01-10"{fields}}}]}}"#
    )
}

#[test]
fn bad_input_is_refused_with_the_field() {
    let cases: &[(&str, &str)] = &[
        (&one(r#", "colour": "red""#), "participants[1].colour"),
        (&one(r#", "isced": 9"#), "participants[1].isced"),
        (&one(r#", "isced": -1"#), "participants[1].isced"),
        (&one(r#", "isced": "3""#), "participants[1].isced"),
        (&one(r#", "isced": 3.5"#), "participants[1].isced"),
        (&one(r#", "birth_date": "1990-02-30""#), "participants[1].birth_date"),
        (&one(r#", "unemployed_since": "10/01/2019""#), "participants[1].unemployed_since"),
        (&one(r#", "sex": "X""#), "participants[1].sex"),
        (&one(r#", "sex": "f""#), "participants[1].sex"),
        (&one(r#", "labour_status": "pensionato""#), "participants[1].labour_status"),
        (&one(r#", "disability": "no""#), "participants[1].disability"),
        (&one(r#", "exit_status": "occupato""#), "participants[1].exit_status"),
        (&one(r#", "exit_date": "2020-01-09", "exit_status": "occupato""#), "participants[1].exit_date"),
        (&one(r#", "birth_date": "2020-01-11""#), "participants[1].birth_date"),
        (&one(r#", "rural": true, "rural": false"#), "participants[1].rural"),
        (
            r#"{"participants": [{"id": "a", "entry_date": "2020-01-10"}, {"id": "a", "entry_date": "2020-02-10"}]}"#,
            "participants[1].id",
        ),
        (r#"{"participants": [{"entry_date": "2020-01-10"}]}"#, "participants[0].id"),
        (r#"{"participants": [{"id": "a"}]}"#, "participants[0].entry_date"),
        (r#"{"participants": [{"id": "a", "entry_date": null}]}"#, "participants[0].entry_date"),
        (r#"{"participants": [], "project": "x"}"#, "project"),
        (r#"{}"#, "participants"),
    ];
    for (json, field) in cases {
        let e = refused(json);
        assert_eq!(e.code, Code::Invalid, "{json}: {e:?}");
        assert_eq!(e.field.as_deref(), Some(*field), "{json}: {e:?}");
    }
    assert!(refused(&one(r#", "colour": "red""#)).message.contains("Campo sconosciuto «colour»"));
}

#[test]
fn null_and_absent_are_both_unknown() {
    let a =
        esf::parse_participants_json(&one(r#", "sex": null, "isced": null, "labour_status": null"#)).unwrap();
    let b = esf::parse_participants_json(&one("")).unwrap();
    assert_eq!(a, b);
    assert_eq!(a[1], Participant::unknown("b", d("2020-01-10")));
}

#[test]
fn the_text_report_is_an_italian_table() {
    let participants = esf::parse_participants_json(&read("esf-participants.json")).unwrap();
    let report = esf::indicators(&participants, rule_sets::builtin()).unwrap();
    let text = esf::to_text(&report);
    assert!(text.contains("Partecipanti: 5"), "{text}");
    assert!(text.contains("Mancanti"), "{text}");
    let co04 = text.lines().find(|l| l.starts_with("CO04")).unwrap();
    assert!(co04.contains("persone inattive che non seguono"), "{co04}");
    assert!(co04.trim_end().ends_with('2'), "CO04 has 2 missing: {co04}");
    assert!(text.contains("CO12: rilevato per 2 partecipanti su 5"), "{text}");
    for c in (1..=19).map(|i| format!("CO{i:02}")).chain((1..=5).map(|i| format!("CR{i:02}"))) {
        assert!(esf::description(&c).is_some(), "{c} has no description");
        assert!(text.lines().any(|l| l.starts_with(&c)), "{c} not in the table");
    }
}

// ---------------------------------------------------------------------------
// The `fse-indicatori` rule-set files

#[test]
fn the_omnibus_change_is_a_date_between_two_sets() {
    let sets = rule_sets::builtin();
    let pick = |s: &str| sets.covering(Kind::FseIndicatori, "F205", d(s)).map(|r| r.id.clone());
    assert_eq!(pick("2014-01-01").unwrap(), "fse-indicatori-2014");
    assert_eq!(pick("2018-08-01").unwrap(), "fse-indicatori-2014");
    assert_eq!(pick("2018-08-02").unwrap(), "fse-indicatori-2018-omnibus");
    assert_eq!(pick("2030-01-01").unwrap(), "fse-indicatori-2018-omnibus");
    assert_eq!(pick("2013-12-31").unwrap_err().code, Code::NoRuleSet);
    let before = sets.get("fse-indicatori-2014").unwrap().fse_indicatori().unwrap();
    let after = sets.get("fse-indicatori-2018-omnibus").unwrap().fse_indicatori().unwrap();
    assert_eq!(before.outputs.value.len(), 19);
    assert_eq!(after.outputs.value.len(), 16);
    assert!(!after.outputs.value.iter().any(|c| ["CO12", "CO13", "CO14"].contains(&c.as_str())));
    assert_eq!(after.outputs.act.id, "reg-ue-2018-1046");
    assert_eq!(before.isced_bands.value.co11, vec![5, 6, 7, 8]);
}

const OMNIBUS: &str = include_str!("../../../assets/rules/fse-indicatori-2018-omnibus.toml");

fn broken(from: &str, to: &str) -> sportello_core::Error {
    let text = OMNIBUS.replacen(from, to, 1);
    assert_ne!(text, OMNIBUS, "{from} not in the file");
    rule_set::parse(&text, None).unwrap_err()
}

fn line_of(needle: &str) -> u64 {
    OMNIBUS.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1
}

#[test]
fn a_broken_fse_file_names_the_line() {
    let e = broken("\"CO19\",\n]", "\"CO20\",\n]");
    assert_eq!((e.code, e.line), (Code::BadRuleSet, Some(line_of("\"CO11\", \"CO15\""))), "{e:?}");
    assert_eq!(e.field.as_deref(), Some("indicatori.valore"));
    let e = broken("\"CO18\", \"CO19\"", "\"CO18\", \"CO18\"");
    assert!(e.message.contains("ripetuto"), "{e:?}");
    let e = broken("CO10 = [3, 4]", "CO10 = [2, 3, 4]");
    assert_eq!(
        (e.line, e.field.as_deref()),
        (Some(line_of("CO10 = [3, 4]")), Some("fasce_isced.CO10")),
        "{e:?}"
    );
    let e = broken("CO11 = [5, 6, 7, 8]", "CO11 = [5, 6, 7, 9]");
    assert_eq!(e.line, Some(line_of("CO11 = [5")), "{e:?}");
    let e = broken("confronto = \">\"", "confronto = \"=\"");
    assert_eq!(e.field.as_deref(), Some("eta_anziani.confronto"), "{e:?}");
    let e = broken("valore = 12", "valore = 0");
    assert_eq!(e.field.as_deref(), Some("mesi_lunga_durata.valore"), "{e:?}");
    let e = broken("atto = \"reg-ue-2018-1046\"", "atto = \"reg-ue-2018\"");
    assert_eq!(e.field.as_deref(), Some("indicatori.atto"), "{e:?}");
}

#[test]
fn a_missing_parameter_is_refused_with_a_line() {
    let start = OMNIBUS.find("[mesi_lunga_durata_giovani]").unwrap();
    let end = OMNIBUS[start..].find("\n\n").unwrap() + start;
    let text = format!("{}{}", &OMNIBUS[..start], &OMNIBUS[end + 2..]);
    let e = rule_set::parse(&text, None).unwrap_err();
    assert_eq!(e.code, Code::BadRuleSet, "{e:?}");
    assert!(e.message.contains("manca il parametro «mesi_lunga_durata_giovani»"), "{e:?}");
    assert!(e.line.is_some(), "{e:?}");
}
