//! The public example of `sportello reimburse` (cli.md, rules.md §7), copied into
//! `tests/scenari/esempi/`: the JSON answer equals the expected file, and the
//! claim's input errors name their field.

use std::path::PathBuf;

use serde_json::Value;
use sportello_core::catalog::rule_sets;
use sportello_core::rules::reimbursement::{self, parse_claim_json, reimburse, to_contract_json, to_json};
use sportello_core::Code;

fn esempi(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenari/esempi").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn example() -> reimbursement::Outcome {
    let claim = parse_claim_json(&esempi("reimburse-claim.json")).unwrap();
    reimburse(&claim, rule_sets::builtin()).unwrap()
}

#[test]
fn the_public_example_gives_the_expected_answer() {
    let expected: Value = serde_json::from_str(&esempi("reimburse-claim.expected.json")).unwrap();
    let o = example();
    assert_eq!(to_contract_json(&o), expected);
    // The full answer only adds fields beside the contract's.
    let mut full = to_json(&o);
    assert_eq!(full["rule_set"]["id"], "milano-rimborso-b2-2019");
    full.as_object_mut().unwrap().remove("rule_set");
    for d in full["documents"].as_array_mut().unwrap() {
        let texts = d.as_object_mut().unwrap().remove("texts").unwrap();
        assert_eq!(texts.as_array().unwrap().len(), d["reasons"].as_array().unwrap().len());
    }
    assert_eq!(full, expected);
}

#[test]
fn the_example_explains_itself_in_italian() {
    let o = example();
    let d4 = &o.documents[3];
    assert_eq!(d4.id, "d4");
    let texts: Vec<&str> = d4.reasons.iter().map(|r| r.text.as_str()).collect();
    assert!(
        texts.contains(&"Il mese 06/2019 è fuori dal periodo del contributo (07/2019 – 06/2020)"),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.contains("richiesta precedente")), "{texts:?}");
    let d1 = &o.documents[0].reasons[0].text;
    assert!(d1.contains("150,00 €") && d1.contains("520,00 €") && d1.contains("250,00 €"), "{d1}");
    let d6 = &o.documents[5].reasons[0].text;
    assert!(d6.contains("documento d3"), "{d6}");
    assert_eq!(o.balance.reimbursed_before.to_string(), "250.00");
    assert_eq!(o.balance.this_claim.to_string(), "550.00");
    assert_eq!(o.balance.left.to_string(), "4000.00");
    let text = reimbursement::render_text(&o);
    for needed in [
        "Misura B2 anziani",
        "07/2019",
        "4.800,00 €",
        "accolto in parte: 150,00 €",
        "TYPE_NOT_ALLOWED",
        "respinto",
        "n. 1354/2018",
    ] {
        assert!(text.contains(needed), "{needed} missing in:\n{text}");
    }
    assert!(!text.contains("milano-rimborso-b2-2019"), "the file id is not for people:\n{text}");
}

/// The example with `from` replaced by `to` (once), parsed and decided.
fn broken(from: &str, to: &str) -> sportello_core::Error {
    let text = esempi("reimburse-claim.json");
    let changed = text.replacen(from, to, 1);
    assert_ne!(changed, text, "{from} not in the example");
    parse_claim_json(&changed)
        .and_then(|c| reimburse(&c, rule_sets::builtin()))
        .expect_err(&format!("{from} → {to} should be refused"))
}

#[test]
fn bad_input_names_its_field() {
    let cases: &[(&str, &str, &str)] = &[
        ("\"2019-07\",\n  \"last", "\"2019-13\",\n  \"last", "award.first_month"),
        ("\"last_month\": \"2020-06\"", "\"last_month\": \"2019-06\"", "award.last_month"),
        ("\"2019-10-10\"", "\"2019-10-32\"", "documents[1].date"),
        ("\"310.40\"", "\"-310.40\"", "documents[1].amount"),
        ("\"310.40\"", "\"310.405\"", "documents[1].amount"),
        ("\"310.40\"", "310.40", "documents[1].amount"),
        ("\"45.00\"", "\"45,00\"", "documents[4].amount"),
        ("\"id\": \"d6\"", "\"id\": \"d1\"", "documents[5].id"),
        ("\"month\": \"2019-09\"", "\"month\": \"2019-9\"", "documents[4].month"),
        ("\"b2-anziani\"", "\"b2-giovani\"", "measure"),
        ("\"4800.00\"", "\"11.99\"", "award.amount"),
        ("\"4800.00\"", "\"-4800.00\"", "award.amount"),
        ("\"funded\": true", "\"funded\": \"sì\"", "funded"),
        ("\"funded\": true", "\"funded\": true, \"comune\": \"F205\"", "comune"),
        ("\"number\": \"INPS-3\"", "\"number\": \"INPS-3\", \"note\": \"x\"", "documents[1].note"),
        (
            "\"month\": \"2019-07\",\n   \"amount\": \"250.00\"",
            "\"month\": \"2019-05\",\n   \"amount\": \"250.00\"",
            "already_reimbursed[0].month",
        ),
        ("\"issuer\": \"01234567897\"", "\"issuer\": \"  \"", "documents[4].issuer"),
        ("\"type\": \"scontrino\"", "\"type\": \"\"", "documents[4].type"),
        (
            "\"number\": \"6\"\n  }",
            "\"number\": \"6\", \"number\": \"7\"\n  }",
            "earlier_documents[0].number",
        ),
    ];
    for (from, to, field) in cases {
        let e = broken(from, to);
        assert_eq!(e.field.as_deref(), Some(*field), "{from} → {to}: {e:?}");
        assert_eq!(e.code, Code::Invalid, "{from} → {to}: {e:?}");
        assert!(!e.message.is_empty());
    }
}

#[test]
fn an_award_before_the_rules_is_no_rule_set_never_zero() {
    let e = broken("\"first_month\": \"2019-07\"", "\"first_month\": \"2018-12\"");
    assert_eq!((e.code, e.field.as_deref()), (Code::NoRuleSet, Some("award.first_month")), "{e:?}");
    assert!(e.message.contains("01/12/2018"), "{}", e.message);
    // The first month the rules cover is fine.
    let text = esempi("reimburse-claim.json").replacen(
        "\"first_month\": \"2019-07\"",
        "\"first_month\": \"2019-01\"",
        1,
    );
    let o = reimburse(&parse_claim_json(&text).unwrap(), rule_sets::builtin()).unwrap();
    assert_eq!(o.months.len(), 18);
}

#[test]
fn missing_fields_and_syntax() {
    let e = parse_claim_json("{\"measure\": \"b2-anziani\"}").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("funded"));
    let e = parse_claim_json("{\"measure\": \"b2-anziani\", \"funded\": true, \"award\": {\"amount\": \"10.00\", \"first_month\": \"2019-07\", \"last_month\": \"2019-07\"}}").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("documents"));
    let e = parse_claim_json("{\"measure\": ").unwrap_err();
    assert_eq!(e.code, Code::Invalid);
    assert!(e.line.is_some());
    let e = parse_claim_json("[]").unwrap_err();
    assert_eq!(e.field.as_deref(), Some("json"));
    // Optional lists may be left out.
    let c = parse_claim_json("{\"measure\": \"b2-disabili\", \"funded\": true, \"award\": {\"amount\": \"10.00\", \"first_month\": \"2019-07\", \"last_month\": \"2019-07\"}, \"documents\": []}").unwrap();
    assert!(c.already_reimbursed.is_empty() && c.earlier_documents.is_empty());
}
