//! Contract tests of `sportello eligibility` and `sportello rank` (cli.md), on the
//! built binary: the public examples, the JSON shape, and bad input (exit 2, file,
//! line and column on stderr, nothing on stdout, no PDF written).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sportello"));
    // The tests decide which data directory is used.
    c.env_remove("SPORTELLO_DATA_DIR");
    c
}

fn esempi(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenari/esempi").join(name)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const HEADER: &str = "protocol,submitted_on,birth_date,isee,isee_expires_on,resident,continuation,non_self_sufficient,independent_living,other_interventions,amount";
const GOOD: &str = "2019/000101,2019-02-04,1933-03-10,12000.00,2019-12-31,true,true,true,false,false,4800.00";

fn rank_json(csv: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "rank",
        "--measure",
        "b2-anziani",
        "--budget",
        "20000.00",
        "--input",
        csv.to_str().unwrap(),
        "--json",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn rank_answers_the_public_example_exactly() {
    let o = rank_json(&esempi("b2-anziani-applications.csv"), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let got: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(esempi("b2-anziani-expected.json")).unwrap()).unwrap();
    assert_eq!(got, expected);
    // Field order as in cli.md, money and scores as strings.
    let s = stdout(&o);
    let keys = [
        "\"measure\"",
        "\"budget\"",
        "\"allocated\"",
        "\"remaining\"",
        "\"funded\"",
        "\"admitted_not_funded\"",
        "\"not_admitted\"",
    ];
    let pos: Vec<usize> = keys.iter().map(|k| s.find(k).unwrap()).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{s}");
    assert!(
        s.contains(r#"{"position":1,"protocol":"2019/000101","score":"9.100","amount":"4800.00"}"#),
        "{s}"
    );
    assert!(stderr(&o).is_empty());
}

#[test]
fn rank_text_is_italian() {
    let o = run(&[
        "rank",
        "--measure",
        "b2-anziani",
        "--budget",
        "20000.00",
        "--input",
        esempi("b2-anziani-applications.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    for needle in [
        "Graduatoria Misura B2 anziani",
        "20.000,00 €",
        "1.200,50 €",
        "9,100",
        "NON AMMESSE (5)",
        "ISEE 40.000,01 € superiore al tetto di 40.000,00 €",
        "milano-b2-2019 v1",
    ] {
        assert!(s.contains(needle), "missing «{needle}» in:\n{s}");
    }
    let o = run(&[
        "rank",
        "--measure",
        "b2-anziani",
        "--budget",
        "20000.00",
        "--input",
        esempi("b2-anziani-applications.csv").to_str().unwrap(),
        "--explain",
        "2019/000109",
    ]);
    let s = stdout(&o);
    assert!(s.contains("Posizione 6") && s.contains("data di presentazione") && s.contains("1,875"), "{s}");
}

#[test]
fn rank_office_export_is_written_only_on_success() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("graduatoria.csv");
    let o = rank_json(&esempi("b2-anziani-applications.csv"), &["--export", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&out).unwrap();
    // As an Italian spreadsheet opens it: BOM, `;`, decimal comma.
    assert!(csv.starts_with("\u{feff}posizione;protocollo;esito;punteggio"), "{csv}");
    assert!(
        csv.contains("1;2019/000101;ammessa e finanziata;9,100;9,1;5;2,1;2;;4800,00;;milano-b2-2019 v1"),
        "{csv}"
    );
    assert!(csv.contains(";2019/000105;non ammessa;;;;;;;;NO_VALID_ISEE;"), "{csv}");
}

fn write_csv(dir: &Path, rows: &[&str]) -> PathBuf {
    let p = dir.join("domande.csv");
    std::fs::write(&p, rows.join("\n") + "\n").unwrap();
    p
}

/// Exit 2, `file:line: column:` on stderr, nothing on stdout, no PDF or export left.
fn assert_refused(rows: &[&str], line: u64, column: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_csv(dir.path(), rows);
    let pdf = dir.path().join("graduatoria.pdf");
    let export = dir.path().join("ufficio.csv");
    let o = rank_json(
        &csv,
        &[
            "--publish",
            pdf.to_str().unwrap(),
            "--export",
            export.to_str().unwrap(),
            "--published-on",
            "2019-07-01",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(stdout(&o).is_empty(), "stdout: {}", stdout(&o));
    let first = err.lines().next().unwrap_or_default();
    let expected = format!("{}:{line}: {column}: ", csv.display());
    assert!(first.contains(&expected), "«{expected}» not in «{first}»");
    assert!(!pdf.exists() && !export.exists(), "an output file was written");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    err
}

/// Regression: a bad row followed by good ones was named one line too early
/// (the csv reader's line count lags behind the record it has just read).
#[test]
fn a_bad_row_in_the_middle_is_named_by_its_own_line() {
    assert_refused(
        &[
            HEADER,
            GOOD,
            "2019/000102,2019-02-30,1934-02-04,0.00,2019-12-31,true,false,true,false,false,4800.00",
            GOOD.replace("2019/000101", "2019/000103").as_str(),
            GOOD.replace("2019/000101", "2019/000104").as_str(),
        ],
        3,
        "submitted_on",
    );
}

#[test]
fn bad_csv_is_refused_with_line_and_column() {
    assert_refused(
        &[
            HEADER,
            GOOD,
            "2019/000102,2019-02-04,1934-02-04,0.00,2019-12-31,true,false,true,false,false,4800.00",
            GOOD,
        ],
        4,
        "protocol",
    );
    assert_refused(
        &[
            HEADER,
            GOOD.replace("2019/000101", "2019/000001").as_str(),
            "2019/000102,2019-02-30,1934-02-04,0.00,2019-12-31,true,false,true,false,false,4800.00",
        ],
        3,
        "submitted_on",
    );
    assert_refused(
        &[
            HEADER,
            "2019/000102,2019-02-04,1934-02-04,dodicimila,2019-12-31,true,false,true,false,false,4800.00",
        ],
        2,
        "isee",
    );
    assert_refused(
        &[
            HEADER,
            "2019/000102,2019-02-04,1934-02-04,12000.00,2019-12-31,true,false,true,false,false,4.800,00",
        ],
        2,
        "riga",
    );
    assert_refused(
        &[
            HEADER,
            "2019/000102,2019-02-04,1934-02-04,12000.00,2019-12-31,true,false,true,false,false,\"4.800,00\"",
        ],
        2,
        "amount",
    );
    assert_refused(
        &[
            HEADER,
            "2019/000102,2019-02-04,1934-02-04,12000.00,2019-12-31,forse,false,true,false,false,4800.00",
        ],
        2,
        "resident",
    );
    assert_refused(
        &[HEADER, "2019/000102,2019-02-04,1934-02-04,12000.00,2019-12-31,true,false,yes,false,false,4800.00"],
        2,
        "non_self_sufficient",
    );
    assert_refused(
        &[
            &HEADER.replace(",isee_expires_on", ""),
            "2019/000102,2019-02-04,1934-02-04,12000.00,true,false,true,false,false,4800.00",
        ],
        1,
        "isee_expires_on",
    );
    assert_refused(&[&format!("{HEADER},isee"), &format!("{GOOD},1")], 1, "isee");
    assert_refused(
        &[HEADER, "2019/000102,2019-02-04,1934-02-04,-5.00,2019-12-31,true,false,true,false,false,4800.00"],
        2,
        "isee",
    );
    assert_refused(
        &[HEADER, ",2019-02-04,1934-02-04,5.00,2019-12-31,true,false,true,false,false,4800.00"],
        2,
        "protocol",
    );
    assert_refused(
        &[HEADER, "2019/000102,2019-02-04,1934-02-04,5.00,2019-12-31,true,false,true,false,false,"],
        2,
        "amount",
    );
}

#[test]
fn every_refused_row_is_reported_and_nothing_is_imported() {
    let err = assert_refused(
        &[
            HEADER,
            GOOD,
            "2019/000102,2019-02-04,1934-02-04,abc,2019-12-31,true,false,true,false,false,4800.00",
            "2019/000103,2019-02-04,1934-02-04,1.00,2019-13-01,true,false,true,false,false,4800.00",
            GOOD,
        ],
        3,
        "isee",
    );
    assert!(err.contains(":4: isee_expires_on: "), "{err}");
    assert!(err.contains(":5: protocol: "), "{err}");
    assert!(err.contains("3 righe rifiutate su 4"), "{err}");
}

#[test]
fn empty_optional_flags_are_allowed_when_the_measure_does_not_use_them() {
    let dir = tempfile::tempdir().unwrap();
    // independent_living and other_interventions empty: an anziani call does not use them.
    let csv = write_csv(
        dir.path(),
        &[HEADER, "2019/000102,2019-02-04,1934-02-04,0.00,2019-12-31,true,false,true,,,4800.00"],
    );
    let o = rank_json(&csv, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // … but not for disabili, which ranks on both.
    let o = run(&[
        "rank",
        "--measure",
        "b2-disabili",
        "--budget",
        "1.00",
        "--input",
        csv.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(":2: independent_living: "), "{}", stderr(&o));
}

#[test]
fn a_legitimate_refusal_is_not_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write_csv(
        dir.path(),
        &[HEADER, "2019/000110,2019-04-10,1950-01-01,,,false,true,true,false,false,4800.00"],
    );
    let o = rank_json(&csv, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(
            r#""not_admitted":[{"protocol":"2019/000110","reasons":["NO_VALID_ISEE","NOT_RESIDENT"]}]"#
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn bad_options_are_exit_2() {
    let csv = esempi("b2-anziani-applications.csv");
    let csv = csv.to_str().unwrap();
    for (args, needle) in [
        (vec!["rank", "--measure", "b2-anziani", "--budget", "20.000,00", "--input", csv], "--budget"),
        (vec!["rank", "--measure", "b2-anziani", "--budget", "-1.00", "--input", csv], "--budget"),
        (vec!["rank", "--measure", "b2-minori", "--budget", "1.00", "--input", csv], "--measure"),
        (
            vec![
                "rank",
                "--measure",
                "b2-anziani",
                "--budget",
                "1.00",
                "--input",
                csv,
                "--rule-set",
                "milano-b2-2031",
            ],
            "--rule-set",
        ),
        (
            vec![
                "rank",
                "--measure",
                "b2-anziani",
                "--budget",
                "1.00",
                "--input",
                csv,
                "--rule-set",
                "milano-sostegno-reddito-2019",
            ],
            "--rule-set",
        ),
        (
            vec![
                "rank",
                "--measure",
                "b2-anziani",
                "--budget",
                "1.00",
                "--input",
                "/nonexistent/domande.csv",
            ],
            "/nonexistent/domande.csv",
        ),
        (vec!["rank", "--measure", "b2-anziani", "--input", csv], "--budget"),
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty());
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn an_administrator_adds_a_call_without_a_rebuild() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenari/cartella-dati");
    let dir = tempfile::tempdir().unwrap();
    let csv = write_csv(
        dir.path(),
        &[
            HEADER,
            "2025/000001,2025-03-03,1944-05-01,25000.00,2025-12-31,true,true,true,,,3000.00",
            "2025/000002,2025-03-03,1944-05-01,25000.01,2025-12-31,true,true,true,,,3000.00",
            "2025/000003,2025-03-02,1950-05-01,12500.00,2025-12-31,true,false,true,,,3000.00",
        ],
    );
    let o = bin()
        .env("SPORTELLO_DATA_DIR", &data)
        .args([
            "rank",
            "--rule-set",
            "prova-b2-2025",
            "--measure",
            "b2-anziani",
            "--budget",
            "3000.00",
            "--input",
            csv.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // 2025/000001: 4 + 0 + 2 (80 or older) = 6; 2025/000003: 0 + 4 × 0.5 + 0 (75) = 2.
    assert_eq!(
        stdout(&o).trim(),
        r#"{"measure":"b2-anziani","budget":"3000.00","allocated":"3000.00","remaining":"0.00","funded":[{"position":1,"protocol":"2025/000001","score":"6.000","amount":"3000.00"}],"admitted_not_funded":[{"position":2,"protocol":"2025/000003","score":"2.000","amount":"3000.00"}],"not_admitted":[{"protocol":"2025/000002","reasons":["ISEE_OVER_CAP"]}]}"#
    );
    // Without the data directory, the call does not exist.
    let o = run(&[
        "rank",
        "--rule-set",
        "prova-b2-2025",
        "--measure",
        "b2-anziani",
        "--budget",
        "1.00",
        "--input",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_broken_rule_set_file_is_refused_with_its_line() {
    let data = tempfile::tempdir().unwrap();
    std::fs::create_dir(data.path().join("rules")).unwrap();
    let good = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenari/cartella-dati/rules/prova-b2-2025.toml"),
    )
    .unwrap();
    let file = data.path().join("rules/prova-b2-2025.toml");
    let broken = good.replace("valore = \"25000.00\"", "valore = 25000");
    let line = broken.lines().position(|l| l == "valore = 25000").unwrap() + 1;
    std::fs::write(&file, broken).unwrap();
    let o = bin()
        .args([
            "eligibility",
            "--input",
            esempi("household-newborn.json").to_str().unwrap(),
            "--json",
            "--data-dir",
        ])
        .arg(data.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    assert!(stderr(&o).contains(&format!("{}:{line}: ", file.display())), "{}", stderr(&o));
}

#[test]
fn eligibility_answers_the_public_examples() {
    for name in ["household-family-with-minors", "household-new-resident-elderly", "household-newborn"] {
        let o = run(&["eligibility", "--input", esempi(&format!("{name}.json")).to_str().unwrap(), "--json"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let s = stdout(&o);
        assert!(s.starts_with(r#"{"measures":[{"id":"misura-1","eligible":"#), "{s}");
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        let expected: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(esempi(&format!("{name}.expected.json"))).unwrap())
                .unwrap();
        let measures = v["measures"].as_array().unwrap();
        assert_eq!(measures.len(), 7);
        for m in measures {
            let id = m["id"].as_str().unwrap();
            assert_eq!(m["eligible"], expected[id], "{name} {id}");
            let reasons = m["reasons"].as_array().unwrap();
            assert_eq!(reasons.is_empty(), m["eligible"].as_bool().unwrap(), "{name} {id}");
            for r in reasons {
                let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
                assert_eq!(keys, ["code", "text"]);
            }
        }
    }
    let o = run(&[
        "eligibility",
        "--input",
        esempi("household-family-with-minors.json").to_str().unwrap(),
        "--json",
    ]);
    assert!(stdout(&o).contains(r#"{"id":"misura-2","eligible":false,"reasons":[{"code":"HAS_MINORS","text":"Nel nucleo è presente almeno un minore"}]}"#));
}

#[test]
fn eligibility_text_explains_every_no() {
    let o = run(&["eligibility", "--input", esempi("household-new-resident-elderly.json").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    for needle in [
        "Requisiti al 10/03/2026",
        "NON SPETTA",
        "RESIDENCE_TOO_SHORT",
        "11/03/2025",
        "milano-sostegno-reddito-2019 v1",
        "Deliberazione di Giunta comunale di Milano n. 1354/2018",
    ] {
        assert!(s.contains(needle), "missing «{needle}»:\n{s}");
    }
}

#[test]
fn bad_households_are_exit_2_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(esempi("household-family-with-minors.json")).unwrap();
    for (from, to, field) in [
        ("\"2026-11-21\"", "\"2026-02-30\"", "reference_date"),
        ("\"2015-09-30\"", "\"30/09/2015\"", "members[2].birth_date"),
        ("\"4800.00\"", "4800.0", "isee.value"),
        ("\"value\": \"4800.00\"", "\"value\": \"4.800,00\"", "isee.value"),
        ("\"other_subsidies\": false", "\"other_subsidies\": \"no\"", "other_subsidies"),
        ("\"comune\": \"F205\",", "", "comune"),
        ("\"invalidity_percent\": 0,\n   \"disability_certified\": false\n  },\n  {\n   \"birth_date\": \"1987-11-21\"", "\"invalidity_percent\": 120,\n   \"disability_certified\": false\n  },\n  {\n   \"birth_date\": \"1987-11-21\"", "members[0].invalidity_percent"),
        ("\"2026-11-21\"", "\"2018-06-01\"", "reference_date"),
        ("\"F205\"", "\"I690\"", "misure comunali"),
        ("{", "[", "json"),
    ] {
        let text = base.replacen(from, to, 1);
        assert_ne!(text, base, "{from}");
        let p = dir.path().join("nucleo.json");
        std::fs::write(&p, text).unwrap();
        let o = run(&["eligibility", "--input", p.to_str().unwrap(), "--json"]);
        assert_eq!(o.status.code(), Some(2), "{from}: {}", stdout(&o));
        assert!(stdout(&o).is_empty());
        let err = stderr(&o);
        assert!(err.contains(&p.display().to_string()) && err.contains(field), "{from}: {err}");
    }
}

#[test]
fn publish_writes_the_public_pdf_without_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("graduatoria.pdf");
    let o = rank_json(
        &esempi("b2-anziani-applications.csv"),
        &["--publish", pdf.to_str().unwrap(), "--published-on", "2019-07-01"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    // The JSON on stdout is the same with or without --publish.
    let plain = rank_json(&esempi("b2-anziani-applications.csv"), &[]);
    assert_eq!(stdout(&o), stdout(&plain));
}

// ---------------------------------------------------------------------------
// `sportello indicators` and `sportello reimburse` (cli.md)

fn json_of(o: &Output) -> serde_json::Value {
    assert_eq!(o.status.code(), Some(0), "{}", stderr(o));
    serde_json::from_str(&stdout(o)).unwrap()
}

fn expected(name: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(esempi(name)).unwrap()).unwrap()
}

#[test]
fn indicators_answer_the_public_example_in_the_contract_shape() {
    let input = esempi("esf-participants.json");
    let got = json_of(&run(&["indicators", "--json", "--input", input.to_str().unwrap()]));
    let want = expected("esf-participants.expected.json");
    assert_eq!(got["participants"], want["participants"]);
    assert_eq!(got["indicators"], want["indicators"]);
    assert_eq!(got["missing"], want["missing"]);
    // Every code, in order, in both parts; the rule sets named.
    let s = stdout(&run(&["indicators", "--json", "--input", input.to_str().unwrap()]));
    let positions: Vec<usize> = (1..=19).map(|n| s.find(&format!("\"CO{n:02}\"")).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{s}");
    assert!(got["rule_set"].as_str().unwrap().contains("fse-indicatori"), "{got}");
    // Text: an Italian table.
    let text = stdout(&run(&["indicators", "--input", input.to_str().unwrap()]));
    assert!(text.contains("CO01") && text.contains("Mancanti"), "{text}");
}

#[test]
fn indicators_refuse_bad_input_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(esempi("esf-participants.json")).unwrap();
    for (bad, field) in [
        (good.replacen("\"isced\": 3", "\"isced\": 9", 1), "isced"),
        (good.replacen("\"entry_date\": \"2020-09-15\"", "\"entry_date\": \"2020-09-31\"", 1), "entry_date"),
        (good.replacen("\"rural\"", "\"rurale\"", 1), "rurale"),
        (
            good.replacen("\"entry_date\": \"2020-09-15\"", "\"entry_date\": \"2013-05-02\"", 1).replacen(
                "\"unemployed_since\": \"2018-01-10\"",
                "\"unemployed_since\": null",
                1,
            ),
            "entry_date",
        ),
    ] {
        assert_ne!(bad, good);
        let p = dir.path().join("partecipanti.json");
        std::fs::write(&p, &bad).unwrap();
        let o = run(&["indicators", "--json", "--input", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{field}: {}", stdout(&o));
        assert!(o.stdout.is_empty());
        let e = stderr(&o);
        assert!(e.contains("partecipanti.json") && e.contains(field), "{field}: {e}");
    }
}

#[test]
fn reimburse_answers_the_public_example_exactly() {
    let input = esempi("reimburse-claim.json");
    let got = json_of(&run(&["reimburse", "--json", "--input", input.to_str().unwrap()]));
    let want = expected("reimburse-claim.expected.json");
    assert_eq!(got["total"], want["total"]);
    assert_eq!(got["months"], want["months"]);
    let docs: Vec<serde_json::Value> = got["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| serde_json::json!({"id": d["id"], "accepted": d["accepted"], "reasons": d["reasons"]}))
        .collect();
    assert_eq!(serde_json::Value::Array(docs), want["documents"]);
    // The statement for the family: Italian amounts and reasons in words.
    let text = stdout(&run(&["reimburse", "--input", input.to_str().unwrap()]));
    assert!(text.contains("150,00 €") && text.contains("07/2019"), "{text}");
}

#[test]
fn reimburse_refuses_bad_input_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(esempi("reimburse-claim.json")).unwrap();
    for (bad, field) in [
        (good.replacen("\"520.00\"", "\"520.001\"", 1), "amount"),
        (good.replacen("\"2019-07\"", "\"2019-13\"", 1), "month"),
        (good.replacen("\"funded\"", "\"finanziata\"", 1), "finanziata"),
        (good.replacen("\"first_month\": \"2019-07\"", "\"first_month\": \"2018-07\"", 1), "first_month"),
    ] {
        assert_ne!(bad, good, "{field}");
        let p = dir.path().join("richiesta.json");
        std::fs::write(&p, &bad).unwrap();
        let o = run(&["reimburse", "--json", "--input", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{field}: {}", stdout(&o));
        assert!(o.stdout.is_empty());
        let e = stderr(&o);
        assert!(e.contains("richiesta.json") && e.contains(field), "{field}: {e}");
    }
}
