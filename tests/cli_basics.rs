//! `sportello cf` and `sportello deadline` through the built binary (cli.md):
//! exact JSON, exit codes 0/1/2, messages on stderr, nothing on stdout for bad input.

use std::path::Path;
use std::process::{Command, Output};

fn run_with(args: &[&str], data_dir_env: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sportello"));
    cmd.args(args).env_remove("SPORTELLO_DATA_DIR");
    if let Some(dir) = data_dir_env {
        cmd.env("SPORTELLO_DATA_DIR", dir);
    }
    cmd.output().expect("the sportello binary runs")
}

fn run(args: &[&str]) -> Output {
    run_with(args, None)
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Exit 2, nothing on stdout, a `sportello:` message on stderr containing `needle`.
fn assert_usage_error(args: &[&str], needle: &str) {
    let o = run(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert_eq!(stdout(&o), "", "{args:?}");
    let err = stderr(&o);
    assert!(err.contains(needle), "{args:?}: {err}");
}

#[test]
fn cf_contract_examples() {
    let o = run(&["cf", "rssmra80a01f205x", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "{\"valid\":true,\"code\":\"RSSMRA80A01F205X\",\"sex\":\"M\",\"birth_date\":\"1980-01-01\",\"birthplace\":\"F205\"}\n"
    );
    assert_eq!(stderr(&o), "");

    let o = run(&["cf", "RSSMRA80A01F205Y", "--json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "{\"valid\":false,\"code\":\"RSSMRA80A01F205Y\",\"reason\":\"check letter should be X\"}\n"
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn cf_other_valid_examples_and_omocodia() {
    let o = run(&["cf", "BNCGLI92L55F205A", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "{\"valid\":true,\"code\":\"BNCGLI92L55F205A\",\"sex\":\"F\",\"birth_date\":\"1992-07-15\",\"birthplace\":\"F205\"}\n"
    );
    let o = run(&["cf", " RSSMRA80A01F20RS ", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "{\"valid\":true,\"code\":\"RSSMRA80A01F20RS\",\"sex\":\"M\",\"birth_date\":\"1980-01-01\",\"birthplace\":\"F205\"}\n"
    );
    // All seven digits substituted.
    // Check letter computed by hand with the tables of rules.md §2.
    let o = run(&["cf", "RSSMRAULALMFNLRD", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("\"birth_date\":\"1980-01-01\",\"birthplace\":\"F205\""));
}

#[test]
fn cf_invalid_codes_are_exit_1_with_the_reason() {
    for (code, reason) in [
        ("RSSMRA80A01F205", "invalid length"),
        ("", "invalid length"),
        ("RSSMRA80A01F2O5X", "invalid character"),
        ("RSSMRA80F01F205X", "invalid month"),
        ("RSSMRA80B30F205X", "invalid day"),
        ("rssmra80a01f205a", "check letter should be X"),
    ] {
        let o = run(&["cf", code, "--json"]);
        assert_eq!(o.status.code(), Some(1), "{code}");
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert_eq!(v["valid"], false);
        assert_eq!(v["reason"], reason, "{code}");
        assert_eq!(v["code"], code.trim().to_uppercase());
        assert_eq!(v.as_object().unwrap().len(), 3);
    }
}

#[test]
fn cf_text_mode_is_italian() {
    let o = run(&["cf", "BNCGLI92L55F205A"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("Codice fiscale valido: BNCGLI92L55F205A"), "{out}");
    assert!(
        out.contains("femminile")
            && out.contains("15/07/1992")
            && out.contains("Luogo di nascita: Milano (MI), codice F205"),
        "{out}"
    );

    let o = run(&["cf", "RSSMRA80A01F205Y"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("non valido") && out.contains("dovrebbe essere X"), "{out}");
}

#[test]
fn cf_two_digit_year_follows_the_reference_date() {
    let code = "RSSMRA26H16F205";
    let full = format!("{code}{}", sportello::cf::check_letter(code));
    let o = run(&["cf", &full, "--json", "--today", "2026-06-15"]);
    assert!(stdout(&o).contains("\"birth_date\":\"1926-06-16\""), "{}", stdout(&o));
    let o = run(&["cf", &full, "--json", "--today", "2026-06-16"]);
    assert!(stdout(&o).contains("\"birth_date\":\"2026-06-16\""), "{}", stdout(&o));
    assert_usage_error(&["cf", &full, "--today", "2026-02-30"], "--today");
}

#[test]
fn cf_bad_usage_is_exit_2() {
    let o = run(&["cf"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert!(!stderr(&o).is_empty());
    let o = run(&["cf", "RSSMRA80A01F205X", "--colore"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
}

#[test]
fn deadline_contract_examples() {
    let o = run(&["deadline", "--from", "2026-11-20", "--working-days", "20", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "{\"deadline\":\"2026-12-22\"}\n");
    assert_eq!(stderr(&o), "");
    let o = run(&["deadline", "--from", "2025-11-07", "--days", "30", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "{\"deadline\":\"2025-12-09\"}\n");
    assert_eq!(stderr(&o), "");
}

#[test]
fn deadline_in_sesto_san_giovanni() {
    let o = run(&["deadline", "--from", "2026-11-20", "--working-days", "20", "--comune", "I690", "--json"]);
    assert_eq!(stdout(&o), "{\"deadline\":\"2026-12-21\"}\n");
    // Case-insensitive Belfiore code.
    let o = run(&["deadline", "--from", "2026-11-20", "--working-days", "20", "--comune", "i690", "--json"]);
    assert_eq!(stdout(&o), "{\"deadline\":\"2026-12-21\"}\n");
}

#[test]
fn deadline_on_a_closed_office_warns_on_stderr_in_json_mode() {
    // Day 30 is Saturday 12 Dec 2026: it does not move.
    let o = run(&["deadline", "--from", "2026-11-12", "--days", "30", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "{\"deadline\":\"2026-12-12\"}\n");
    assert!(stderr(&o).contains("sabato"), "{}", stderr(&o));
    // Sant'Ambrogio in Milano.
    let o = run(&["deadline", "--from", "2026-11-07", "--days", "30", "--json"]);
    assert_eq!(stdout(&o), "{\"deadline\":\"2026-12-07\"}\n");
    assert!(stderr(&o).contains("Sant'Ambrogio"), "{}", stderr(&o));
    // Text mode says it on stdout, in Italian.
    let o = run(&["deadline", "--from", "2026-11-07", "--days", "30"]);
    let out = stdout(&o);
    assert!(out.contains("Scadenza: lunedì 07/12/2026"), "{out}");
    assert!(out.contains("chiuso") && out.contains("Sant'Ambrogio"), "{out}");
    let o = run(&["deadline", "--from", "2026-11-20", "--working-days", "20"]);
    assert!(stdout(&o).contains("Scadenza: martedì 22/12/2026"), "{}", stdout(&o));
}

#[test]
fn deadline_bad_input_is_exit_2_with_nothing_on_stdout() {
    assert_usage_error(&["deadline", "--from", "2026-02-30", "--days", "30"], "--from");
    assert_usage_error(&["deadline", "--from", "2026-2-3", "--days", "30"], "--from");
    assert_usage_error(
        &["deadline", "--from", "2026-11-20", "--days", "30", "--comune", "Z999", "--json"],
        "Z999",
    );
    assert_usage_error(
        &["deadline", "--from", "2026-11-20", "--days", "30", "--comune", "Milano"],
        "--comune",
    );
    assert_usage_error(&["deadline", "--days", "30"], "--from");
    assert_usage_error(&["deadline", "--from", "2026-11-20"], "--working-days");
    assert_usage_error(
        &["deadline", "--from", "2026-11-20", "--days", "3", "--working-days", "3"],
        "uno solo",
    );
    assert_usage_error(&["deadline", "--from", "2026-11-20", "--days", "-3"], "--days");
    assert_usage_error(&["deadline", "--from", "2026-11-20", "--working-days", "venti"], "--working-days");
    assert_usage_error(&["deadline", "--from", "1960-01-01", "--working-days", "3", "--json"], "1978");
    assert_usage_error(&["deadline", "--from", "2026-11-20", "--days", "4000000000", "--json"], "--days");
    assert_usage_error(&["deadline", "--from", "2026-11-20", "--days", "99999999999", "--json"], "--days");
    assert_usage_error(&["deadline", "--from", "2026-11-20", "--days"], "");
    assert_usage_error(&["deadline", "--from", "2026-11-20", "--days", "3", "--bogus"], "");
}

#[test]
fn administrator_comuni_from_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("comuni.toml"),
        "# aggiunto dall'amministratore\n[[comune]]\nbelfiore = \"H623\"\nnome = \"Rozzano\"\npatrono = { mese = 12, giorno = 21 }\nsanto = \"Prova\"\nfonte = \"delibera di prova\"\n",
    )
    .unwrap();
    let dir_arg = dir.path().to_str().unwrap();
    // 20 working days from 20 Nov 2026, open on 7 Dec but closed on Mon 21 Dec: Tue 22 Dec.
    let args = ["deadline", "--from", "2026-11-20", "--working-days", "20", "--comune", "H623", "--json"];
    assert_eq!(run(&args).status.code(), Some(2), "not built in");
    let mut with_option = args.to_vec();
    with_option.extend(["--data-dir", dir_arg]);
    let o = run(&with_option);
    assert_eq!(stdout(&o), "{\"deadline\":\"2026-12-22\"}\n", "{}", stderr(&o));
    let o = run_with(&args, Some(dir.path()));
    assert_eq!(stdout(&o), "{\"deadline\":\"2026-12-22\"}\n", "{}", stderr(&o));
    // 30 days from 21 Nov 2026: Mon 21 Dec, the patron day there: the warning names the saint.
    let o =
        run(&["deadline", "--from", "2026-11-21", "--days", "30", "--comune", "h623", "--data-dir", dir_arg]);
    assert!(stdout(&o).contains("Rozzano") && stdout(&o).contains("Prova"), "{}", stdout(&o));
    let o = run(&["deadline", "--from", "2026-11-21", "--days", "30", "--comune", "I690"]);
    assert!(!stdout(&o).contains("Attenzione"), "{}", stdout(&o));

    // A broken file: exit 2 naming the file and the line.
    std::fs::write(
        dir.path().join("comuni.toml"),
        "[[comune]]\nbelfiore = \"H623\"\nnome = \"Rozzano\"\npatrono = { mese = 2, giorno = 30 }\nsanto = \"Prova\"\nfonte = \"prova\"\n",
    )
    .unwrap();
    let o = run(&with_option);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("comuni.toml:1: patrono:"), "{}", stderr(&o));

    // A data directory that does not exist.
    let missing = dir.path().join("manca");
    assert_usage_error(
        &["deadline", "--from", "2026-11-20", "--days", "3", "--data-dir", missing.to_str().unwrap()],
        "non esiste",
    );
}
