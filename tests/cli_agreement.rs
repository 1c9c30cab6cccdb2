//! `sportello agreement` as a script would run it (cli.md).

use crate::print_support as support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::*;

fn run(input: &str, dir: &Path) -> (Output, PathBuf) {
    let project = dir.join("progetto.json");
    std::fs::write(&project, input).unwrap();
    let out = dir.join("patto.pdf");
    let output = Command::new(env!("CARGO_BIN_EXE_sportello"))
        .args(["agreement", "--input"])
        .arg(&project)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    (output, out)
}

/// Exit 2, nothing on stdout, no PDF (not even a temporary file), and stderr
/// naming every piece of `expected`.
fn assert_refused(input: &str, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let (output, out) = run(input, dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(output.stdout.is_empty(), "stdout: {}", String::from_utf8_lossy(&output.stdout));
    assert!(!out.exists(), "a PDF was written");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 1, "files left behind: {left:?}");
    assert!(stderr.starts_with("sportello: "), "{stderr}");
    assert!(stderr.contains("progetto.json"), "{stderr}");
    for e in expected {
        assert!(stderr.contains(e), "«{e}» not in {stderr}");
    }
}

#[test]
fn the_example_becomes_a_pdf_with_its_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let (output, out) = run(EXAMPLE_JSON, dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("22/12/2026"), "{stdout}");
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let flat = squash(&pdf_text(&bytes));
    assert!(flat.contains("da sottoscrivere entro il 22/12/2026"));
    assert!(flat.contains("per Zoë Dell'Orto, minore: firma del genitore/tutore Thị Lan Nguyễn"));
    assert!(flat.contains("pagina 1 di 2"));
}

#[test]
fn json_summary_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p.json");
    std::fs::write(&project, EXAMPLE_JSON).unwrap();
    let out = dir.path().join("p.pdf");
    let output = Command::new(env!("CARGO_BIN_EXE_sportello"))
        .args(["agreement", "--json", "--input"])
        .arg(&project)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(v["signing_deadline"], "2026-12-22");
    assert_eq!(v["pages"], 2);
}

#[test]
fn a_bad_codice_fiscale_names_the_member_and_the_field() {
    let bad = EXAMPLE_JSON.replace("NGYTLN88S60Z251L", "NGYTLN88S60Z251X");
    assert_refused(&bad, &["members[m2].codice_fiscale", "Thị Lan Nguyễn"]);
}

#[test]
fn an_unknown_member_in_a_commitment_is_refused() {
    let bad = EXAMPLE_JSON.replacen("\"member\": \"m2\"", "\"member\": \"m9\"", 1);
    assert_refused(&bad, &["commitments[1].member", "m9"]);
}

#[test]
fn an_unknown_guardian_is_refused() {
    let bad = EXAMPLE_JSON.replace("\"guardian\": \"m2\"", "\"guardian\": \"m7\"");
    assert_refused(&bad, &["members[m3].guardian", "Zoë Dell'Orto", "m7"]);
}

#[test]
fn a_missing_member_field_is_refused() {
    let bad = EXAMPLE_JSON.replace("\"last_name\": \"Nguyễn\",", "");
    assert_refused(&bad, &["members[m2].last_name"]);
}

#[test]
fn an_unknown_comune_is_refused() {
    let bad = EXAMPLE_JSON.replace("\"comune\": \"F205\"", "\"comune\": \"Q999\"");
    assert_refused(&bad, &["comune", "Q999"]);
}

#[test]
fn a_missing_top_level_field_is_refused() {
    let bad = EXAMPLE_JSON.replace("\"operator\": \"Anna Verdi\",", "");
    assert_refused(&bad, &["operator"]);
}

#[test]
fn broken_json_names_its_line() {
    let bad = EXAMPLE_JSON.replace("\"analysis_date\": \"2026-11-20\",", "\"analysis_date\": \"2026-11-20\"");
    assert_refused(&bad, &["progetto.json:11"]);
}

#[test]
fn a_missing_input_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("patto.pdf");
    let output = Command::new(env!("CARGO_BIN_EXE_sportello"))
        .args(["agreement", "--input"])
        .arg(dir.path().join("non-esiste.json"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(!out.exists());
    assert!(String::from_utf8_lossy(&output.stderr).contains("non-esiste.json"));
}

#[test]
fn hostile_names_reach_the_pdf_literally() {
    let dir = tempfile::tempdir().unwrap();
    let input = EXAMPLE_JSON
        .replace("\"first_name\": \"Niccolò\"", "\"first_name\": \"<img src=x onerror=alert(1)>\"")
        .replace("\"last_name\": \"Nguyễn\"", "\"last_name\": \"Nguyễn Thị Dell'Orto\"");
    let (output, out) = run(&input, dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let flat = squash(&pdf_text(&std::fs::read(out).unwrap()));
    assert!(flat.contains("<img src=x onerror=alert(1)> Dell'Orto (richiedente)"), "{flat}");
    assert!(flat.contains("firma del genitore/tutore Thị Lan Nguyễn Thị Dell'Orto"), "{flat}");
}
