//! The two doors of the command line onto the service (shared/spec/cli.md):
//! `sportello call COMMAND` (any command of the table, as the app runs it)
//! and `sportello document save` (a copy of a stored document in a file).
//! Same login, roles, case scope and audit as the app.

use crate::service_support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use service_support::operators::register;
use service_support::{cli_login, create_family, env, Env, PASSWORD};
use sportello::domain::{DocumentKind, Id, Role};

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs `sportello args…` as `operator` (test password), `stdin` fed in.
fn sportello_as(operator: &str, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sportello"));
    cli_login(&mut cmd).env("SPORTELLO_OPERATOR", operator).env("SPORTELLO_PASSWORD", PASSWORD);
    let mut child =
        cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn sportello(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    sportello_as(service_support::ADMIN, args, stdin)
}

/// The audit rows of `action`: (username, record id, detail).
fn audit_rows(e: &Files, action: &str) -> Vec<(String, Option<Id>, Option<String>)> {
    let s = service_support::login(&e.db, &e.docs, service_support::ADMIN, service_support::today()).unwrap();
    let ops = s.storage().transaction(|tx| tx.audit_entries(None)).unwrap();
    let names: std::collections::HashMap<Id, String> =
        s.operators_list().unwrap().into_iter().map(|a| (a.operator.id, a.operator.username)).collect();
    ops.into_iter()
        .filter(|r| r.action == action)
        .map(|r| (names.get(&r.operator_id).cloned().unwrap_or_default(), r.record_id, r.detail))
        .collect()
}

/// The test database once its service is closed (the command line takes it).
struct Files {
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    docs: std::path::PathBuf,
}

fn close(e: Env) -> Files {
    let (db, docs) = (e.db(), e.docs());
    drop(e.service);
    Files { _dir: e.dir, db, docs }
}

/// `{code, message, field}` on standard error, nothing on standard output.
fn refusal(code: i32, stdout: &str, stderr: &str) -> Value {
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let v: Value = serde_json::from_str(stderr.trim()).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let mut keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["code", "field", "message"], "{v}");
    v
}

#[test]
fn call_runs_a_command_as_the_app_does_and_it_is_on_record() {
    let e = env();
    let h = create_family(&e.service);
    let dir = e.dir.path().to_path_buf();
    let e = close(e);
    let hid = h.id.to_string();
    let db = e.db.clone();

    // Input from a file.
    let input = dir.join("input.json");
    std::fs::write(&input, json!({ "id": hid }).to_string()).unwrap();
    let (code, stdout, stderr) =
        sportello(&["call", "household_get", "--database", p(&db), "--input", p(&input)], None);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(v["id"], json!(hid));
    assert_eq!(v["case_number"], json!(h.case_number));
    assert_eq!(stdout.trim().lines().count(), 1, "compact without --pretty");
    let rows = audit_rows(&e, "household_get");
    assert_eq!(rows.last().unwrap(), &("averdi".to_string(), Some(h.id), None));

    // From standard input, pretty.
    let (code, stdout, stderr) = sportello(
        &["call", "households_search", "--database", p(&db), "--input", "-", "--pretty"],
        Some(r#"{"query": "dell'orto"}"#),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.trim().lines().count() > 1, "{stdout}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{v}");

    // No input: null.
    let (code, stdout, stderr) = sportello(&["call", "session", "--database", p(&db)], None);
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["operator"]["name"], "Anna Verdi");
}

#[test]
fn call_refuses_as_the_app_does_with_the_error_as_json() {
    let e = env();
    let h = create_family(&e.service);
    register(&e, "mrossi", "Mario Rossi", Role::Operatore, Some("Équipe Nord"));
    register(&e, "sverdi", "Sara Verdi", Role::Operatore, Some("Équipe Sud"));
    let sverdi = e.service.storage().transaction(|tx| tx.operator_by_username("sverdi")).unwrap().unwrap();
    e.service.household_assign(h.id, sverdi.id).unwrap();
    // Passwords for the operators, then the database is left to the command line.
    e.reopen("mrossi", service_support::today());
    let e = close(e);
    let db = e.db.clone();
    let hid = h.id.to_string();

    // A field at fault.
    let (code, stdout, stderr) =
        sportello(&["call", "household_get", "--database", p(&db), "--input", "-"], Some("{}"));
    let v = refusal(code, &stdout, &stderr);
    assert_eq!((v["code"].as_str(), v["field"].as_str()), (Some("invalid"), Some("id")), "{v}");

    // The role: an operatore may not read the access history.
    let input = json!({ "household_id": hid }).to_string();
    let (code, stdout, stderr) = sportello_as(
        "mrossi",
        &["call", "audit_history", "--database", p(&db), "--input", "-"],
        Some(&input),
    );
    let v = refusal(code, &stdout, &stderr);
    assert_eq!(v["code"], "forbidden", "{v}");
    assert_eq!(v["field"], Value::Null);

    // The case scope: a case of another équipe, refused and on record as refused.
    let input = json!({ "id": hid }).to_string();
    let (code, stdout, stderr) = sportello_as(
        "mrossi",
        &["call", "household_get", "--database", p(&db), "--input", "-"],
        Some(&input),
    );
    let v = refusal(code, &stdout, &stderr);
    assert_eq!(v["code"], "forbidden", "{v}");
    assert!(v["message"].as_str().unwrap().contains("Sara Verdi"), "{v}");
    let rows = audit_rows(&e, "household_get");
    assert_eq!(rows.last().unwrap(), &("mrossi".to_string(), Some(h.id), Some("rifiutato".to_string())));

    // Not a command of the table: refused before any login.
    let (code, stdout, stderr) =
        sportello(&["call", "household_delete", "--database", "/nessun/database"], None);
    let v = refusal(code, &stdout, &stderr);
    assert_eq!((v["code"].as_str(), v["field"].as_str()), (Some("invalid"), Some("command")), "{v}");

    // Input that is not JSON.
    let (code, stdout, stderr) =
        sportello(&["call", "household_get", "--database", p(&db), "--input", "-"], Some("{\"id\": "));
    let v = refusal(code, &stdout, &stderr);
    assert_eq!(v["field"], "input", "{v}");

    // A wrong password: the login's refusal, in the same shape.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sportello"));
    let out = cli_login(&mut cmd)
        .env("SPORTELLO_PASSWORD", "non è questa")
        .args(["call", "session", "--database", p(&db)])
        .output()
        .unwrap();
    let v = refusal(
        out.status.code().unwrap(),
        &String::from_utf8_lossy(&out.stdout),
        &String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(v["code"], "unauthorized", "{v}");
}

#[test]
fn document_save_writes_a_private_copy_once_and_on_record() {
    let e = env();
    let h = create_family(&e.service);
    let pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n";
    let doc = e.service.document_add(h.id, DocumentKind::Patto, "Patto firmato", pdf).unwrap();
    register(&e, "mrossi", "Mario Rossi", Role::Operatore, Some("Équipe Nord"));
    register(&e, "sverdi", "Sara Verdi", Role::Operatore, Some("Équipe Sud"));
    let sverdi = e.service.storage().transaction(|tx| tx.operator_by_username("sverdi")).unwrap().unwrap();
    e.service.household_assign(h.id, sverdi.id).unwrap();
    e.reopen("mrossi", service_support::today());
    e.reopen("sverdi", service_support::today());
    let dir = e.dir.path().to_path_buf();
    let e = close(e);
    let db = e.db.clone();
    let id = doc.id.to_string();

    let out = dir.join("patto per PEC.pdf");
    let (code, stdout, stderr) =
        sportello(&["document", "save", "--database", p(&db), "--id", &id, "--out", p(&out), "--json"], None);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!((v["id"].as_str(), v["title"].as_str()), (Some(id.as_str()), Some("Patto firmato")), "{v}");
    assert_eq!(std::fs::read(&out).unwrap(), pdf);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);
    }
    assert_eq!(audit_rows(&e, "document_save"), [("averdi".to_string(), Some(doc.id), None)]);
    // Nothing but the copy beside it (no temporary file left).
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|d| d.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");

    // Never over an existing file: refused, the file as it was, nothing on record.
    std::fs::write(&out, b"altro").unwrap();
    let (code, stdout, stderr) =
        sportello(&["document", "save", "--database", p(&db), "--id", &id, "--out", p(&out)], None);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("esiste già"), "{stderr}");
    assert_eq!(std::fs::read(&out).unwrap(), b"altro");
    assert_eq!(audit_rows(&e, "document_save").len(), 1);

    // The case scope of reading the case: refused, no file, the attempt on record.
    let other = dir.join("copia di mrossi.pdf");
    let (code, stdout, stderr) = sportello_as(
        "mrossi",
        &["document", "save", "--database", p(&db), "--id", &id, "--out", p(&other)],
        None,
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("un'altra équipe"), "{stderr}");
    assert!(!other.exists());
    let rows = audit_rows(&e, "document_save");
    assert_eq!(rows.last().unwrap(), &("mrossi".to_string(), Some(doc.id), Some("rifiutato".to_string())));

    // In scope (the operatore in charge), it is theirs to copy.
    let theirs = dir.join("copia di sverdi.pdf");
    let (code, _, stderr) = sportello_as(
        "sverdi",
        &["document", "save", "--database", p(&db), "--id", &id, "--out", p(&theirs)],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read(&theirs).unwrap(), pdf);

    // An unknown document: not found, no file.
    let missing = dir.join("nessuno.pdf");
    let (code, _, stderr) = sportello(
        &["document", "save", "--database", p(&db), "--id", &Id::new().to_string(), "--out", p(&missing)],
        None,
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(!missing.exists());
}
