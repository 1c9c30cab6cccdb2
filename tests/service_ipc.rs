//! The contract of docs/ipc.md, through `Service::call` with JSON in and out:
//! names of commands and fields, enums, dates and money as strings.

use crate::service_support;

use serde_json::{json, Value};
use service_support::{analysis_json, env, family_json, project_json};
use sportello::domain::Household;
use sportello::service::ipc::COMMANDS;
use sportello::Code;

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().expect("an object").keys().map(String::as_str).collect();
    k.sort();
    k
}

#[test]
fn the_whole_path_speaks_the_contract() {
    let e = env();
    let s = &e.service;

    let session = s.call("session", Value::Null).unwrap();
    assert_eq!(keys(&session), ["database_path", "must_change_password", "office", "operator", "today"]);
    assert_eq!(keys(&session["operator"]), ["id", "name", "role"]);
    assert_eq!(session["operator"]["role"], "amministratore");
    assert_eq!(keys(&session["office"]), ["address", "comune", "email", "name", "phone"]);
    assert_eq!(session["today"], "2026-11-20");

    let h = s.call("household_save", json!({ "household": family_json() })).unwrap();
    let mut expected = vec![
        "address",
        "cap",
        "case_number",
        "case_provisional",
        "comune",
        "conflicts",
        "created_at",
        "created_by",
        "email",
        "id",
        "isee",
        "members",
        "notes",
        "phone",
        "responsabile",
        "restriction",
        "updated_at",
        "updated_by",
    ];
    expected.sort();
    assert_eq!(keys(&h), expected);
    assert!(h["restriction"].is_null(), "a new case is not restricted");
    // A new case is in the charge of who opened it.
    assert_eq!(keys(&h["responsabile"]), ["equipe", "id", "name"]);
    assert_eq!(h["responsabile"]["id"], json!(s.operator().id.to_string()));
    assert_eq!(h["isee"]["value"], "4800.00", "money is a string");
    assert_eq!(keys(&h["isee"]), ["expires_on", "issued_on", "kind", "protocol", "value"]);
    let mut member_keys = vec![
        "birth_date",
        "citizenship",
        "citizenship_country",
        "codice_fiscale",
        "disability_certified",
        "education",
        "employment",
        "first_name",
        "guardian_id",
        "id",
        "invalidity_percent",
        "last_name",
        "not_self_sufficient",
        "permit",
        "relationship",
        "residence_comune",
        "resident_since",
        "sex",
    ];
    member_keys.sort();
    assert_eq!(keys(&h["members"][0]), member_keys);
    assert_eq!(h["members"][1]["last_name"], "Nguyễn");
    assert_eq!(h["members"][2]["codice_fiscale"], "DLLZOE15P70F205X");
    assert_eq!(h["members"][0]["invalidity_percent"], 0);
    let id = h["id"].as_str().unwrap().to_string();

    // The save's answer is the household as read, and what it could not write.
    assert_eq!(h["conflicts"], json!([]));
    let got = s.call("household_get", json!({ "id": id })).unwrap();
    let mut saved = h.clone();
    saved.as_object_mut().unwrap().remove("conflicts");
    assert_eq!(got, saved);
    let household: Household = serde_json::from_value(got).unwrap();

    let found = s.call("households_search", json!({ "query": "nguyen" })).unwrap();
    // Found through Thị Lan, who is not the richiedente: the row says so.
    assert_eq!(found[0]["matched"], "Nguyễn Thị Lan, coniuge");
    assert_eq!(
        keys(&found[0]),
        [
            "case_number",
            "case_provisional",
            "codice_fiscale",
            "comune",
            "comune_name",
            "id",
            "matched",
            "members",
            "name",
            "project_status",
            "restricted"
        ]
    );
    assert_eq!(found[0]["project_status"], Value::Null);

    let check = s
        .call("cf_check", json!({"code": "DLLZOE15P70F205X", "first_name": "Zoë", "last_name": "Dell'Orto", "birth_date": "2015-09-30", "sex": "F"}))
        .unwrap();
    assert_eq!(keys(&check), ["code", "decoded", "reason", "valid", "warnings"]);
    assert_eq!(keys(&check["decoded"]), ["birth_date", "birthplace", "birthplace_name", "sex"]);
    assert_eq!(check["decoded"]["birthplace_name"], "Milano (MI)");
    assert_eq!(check["warnings"], json!([]));

    assert_eq!(s.call("analysis_get", json!({ "household_id": id })).unwrap(), Value::Null);
    let a = s
        .call(
            "analysis_save",
            json!({ "analysis": analysis_json(&household, "2026-11-20", "progetto_servizio_sociale") }),
        )
        .unwrap();
    assert_eq!(a["signing_deadline"], "2026-12-22");
    assert_eq!(a["domains"][0]["domain"], "condizioni_personali_sociali");
    assert_eq!(a["domains"][5]["domain"], "reti_familiari_sociali");
    assert_eq!(keys(&a["domains"][0]), ["domain", "need", "notes", "resources"]);
    assert_eq!(keys(&a["employability"][0]), ["member_id", "notes", "profile"]);
    for k in ["id", "household_id", "interview_date", "participants", "operator", "outcome", "outcome_reason"]
    {
        assert!(a.get(k).is_some(), "analysis.{k}");
    }

    assert_eq!(s.call("project_get", json!({ "household_id": id })).unwrap(), Value::Null);
    let p = s.call("project_save", json!({ "project": project_json(&household) })).unwrap();
    for k in [
        "id",
        "household_id",
        "analysis_id",
        "status",
        "signing_deadline",
        "objectives",
        "expected_results",
        "commitments",
        "supports",
        "meetings",
        "required_signers",
        "signatures",
        "annulled_signatures",
    ] {
        assert!(p.get(k).is_some(), "project.{k}");
    }
    assert_eq!(
        keys(&p["commitments"][0]),
        ["action", "due_date", "id", "member_id", "other_member_ids", "status"]
    );
    assert_eq!(p["commitments"][0]["status"], "da_avviare");
    assert_eq!(keys(&p["supports"][0]), ["description", "id", "provider"]);
    assert_eq!(
        keys(&p["meetings"][0]),
        ["date", "duration_minutes", "evaluation", "id", "notes", "place", "time"]
    );
    assert_eq!(keys(&p["required_signers"][0]), ["for_minor", "member_id", "signer_id", "signer_name"]);
    let pid = p["id"].as_str().unwrap();

    let p = s.call("project_set_status", json!({ "project_id": pid, "status": "da_firmare" })).unwrap();
    assert_eq!(p["status"], "da_firmare");
    let board = s.call("deadlines_board", Value::Null).unwrap();
    let mut row_keys = vec![
        "analysis_date",
        "case_number",
        "days_left",
        "deadline",
        "household_id",
        "household_name",
        "kind",
        "missing_signatures",
        "permit",
        "project_id",
        "quadro_due",
        "request",
        "responsabile",
        "state",
        "stay",
        "working_days_left",
    ];
    row_keys.sort();
    assert_eq!(keys(&board[0]), row_keys);
    assert_eq!(board[0]["state"], "nei_termini");
    assert_eq!((board[0]["kind"].clone(), board[0]["permit"].clone()), (json!("firma"), Value::Null));

    let member = household.members[0].id.to_string();
    let p = s
        .call(
            "signature_record",
            json!({ "project_id": pid, "member_id": member, "signed_on": "2026-11-20" }),
        )
        .unwrap();
    assert_eq!(keys(&p["signatures"][0]), ["late", "member_id", "signed_on", "signer_id"]);
    assert_eq!(p["signatures"][0]["late"], false);
    let err = s
        .call("signature_annul", json!({ "project_id": pid, "member_id": member, "reason": " " }))
        .unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("reason")));
    let p = s
        .call(
            "signature_annul",
            json!({ "project_id": pid, "member_id": member, "reason": "Firma sul foglio sbagliato" }),
        )
        .unwrap();
    assert_eq!(p["signatures"], json!([]));
    assert_eq!(
        keys(&p["annulled_signatures"][0]),
        [
            "annulled_at",
            "annulled_by",
            "annulled_by_name",
            "id",
            "late",
            "member_id",
            "reason",
            "signed_on",
            "signer_id"
        ]
    );
    assert_eq!(p["annulled_signatures"][0]["reason"], "Firma sul foglio sbagliato");
    assert_eq!(s.call("documents_list", json!({ "household_id": id })).unwrap(), json!([]));
}

#[test]
fn errors_carry_code_and_field_for_the_form() {
    let e = env();
    let s = &e.service;
    let mut v = family_json();
    v["members"][1]["codice_fiscale"] = json!("NGYTLN88S60Z251");
    let err = s.call("household_save", json!({ "household": v })).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("members[1].codice_fiscale")));
    let err = s.call("household_get", json!({ "id": "not-an-id" })).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("id"));
    let err = s.call("household_get", json!({})).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("id"));
    let err = s.call("signature_record", json!({ "project_id": sportello::domain::Id::new().to_string(), "member_id": sportello::domain::Id::new().to_string(), "signed_on": "26/11/2026" })).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("signed_on"));
    let err = s
        .call(
            "project_set_status",
            json!({ "project_id": sportello::domain::Id::new().to_string(), "status": "firmato" }),
        )
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("status"));
    let err = s.call("household_save", json!({ "household": { "members": "tanti" } })).unwrap_err();
    assert_eq!(err.code, Code::Invalid);
    let err = s.call("household_delete", Value::Null).unwrap_err();
    assert_eq!(err.code, Code::Invalid);
    assert!(err.message.contains("household_delete"));
    // Hostile text is data: stored and returned as typed.
    let mut v = family_json();
    v["members"][0]["first_name"] = json!("<img src=x onerror=alert(1)>");
    let h = s.call("household_save", json!({ "household": v })).unwrap();
    assert_eq!(h["members"][0]["first_name"], "<img src=x onerror=alert(1)>");
}

#[test]
fn every_command_of_the_contract_is_answered() {
    let ipc = include_str!("../docs/ipc.md");
    for c in COMMANDS {
        assert!(ipc.contains(&format!("`{c}")), "{c} is not in docs/ipc.md");
    }
    let e = env();
    for c in COMMANDS {
        if let Err(err) = e.service.call(c, json!({})) {
            assert!(!err.message.contains("Comando sconosciuto"), "{c}");
        }
    }
}

/// The names the window calls: `call('name'` in every module of ui/js (api.js
/// and the screens that keep their own table), and api.js's list of the
/// shell's own commands.
fn ui_calls() -> (Vec<(String, String)>, Vec<String>) {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "js") {
                out.push(p);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/js");
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut calls = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for quote in ['\'', '"'] {
            for pattern in
                [format!("call({quote}"), format!("invoke({quote}"), format!("invokeCommand({quote}")]
            {
                for rest in text.split(pattern.as_str()).skip(1) {
                    let name = rest.split(quote).next().unwrap();
                    calls.push((f.display().to_string(), name.to_string()));
                }
            }
        }
    }
    let api = std::fs::read_to_string(root.join("api.js")).unwrap();
    let set = api.split("const SHELL = new Set([").nth(1).and_then(|r| r.split("])").next()).unwrap();
    let shell =
        set.split(',').map(|n| n.trim().trim_matches('\'').to_string()).filter(|n| !n.is_empty()).collect();
    (calls, shell)
}

#[test]
fn every_command_the_window_calls_is_in_the_table() {
    let (calls, shell) = ui_calls();
    assert!(calls.len() > 40, "{calls:?}");
    for (file, name) in &calls {
        assert!(
            COMMANDS.contains(&name.as_str()) || shell.contains(name),
            "{file} calls «{name}», which is neither in the command table (src/service/commands.rs) nor a shell command"
        );
    }
    // The shell's commands are not the service's (api.js tells them apart by this list).
    for name in &shell {
        assert!(!COMMANDS.contains(&name.as_str()), "{name} is both");
    }
    // And the window has a way to every command of the table.
    for c in COMMANDS {
        assert!(calls.iter().any(|(_, n)| n == c), "no module of ui/js calls «{c}»");
    }
}

#[test]
fn the_service_can_live_in_the_apps_shared_state() {
    // Tauri keeps managed state behind `Send + Sync`; commands run on a pool.
    fn shared<T: Send + Sync + 'static>() {}
    shared::<sportello::service::Service>();
}

/// The log and the diagnostics bundle hold no personal data (issue 14): the
/// family's names, codice fiscale, notes and a refused input with a name in
/// it go through `call`; the log has a line for each command, with its name,
/// outcome and time, and none of them; nor has the bundle.
#[test]
fn the_log_and_the_diagnostics_bundle_name_nobody() {
    let e = env();
    let s = &e.service;
    let mut family = family_json();
    family["notes"] = json!("Nota riservata: Zzyzxa Quartermaine, vedi fascicolo");
    let h = s.call("household_save", json!({ "household": family })).unwrap();
    assert_eq!(
        s.call("households_search", json!({"query": "Dell'Orto"})).unwrap().as_array().unwrap().len(),
        1
    );
    // Refused, with a name in what was sent: the log keeps the code only.
    let refused = s.call("household_get", json!({"id": "Zzyzxa Quartermaine"})).unwrap_err();
    assert_eq!(refused.code, Code::Invalid);

    let about = s.call("about", Value::Null).unwrap();
    assert_eq!(about["program"], "Sportello");
    assert!(about["schema_version"].as_u64().unwrap() >= 15, "{about}");
    assert!(about["rule_sets"].as_array().unwrap().iter().any(|r| r["id"] == "milano-b2-2019"), "{about}");
    let log_dir = std::path::PathBuf::from(about["log_dir"].as_str().unwrap());
    assert_eq!(log_dir, e.db().parent().unwrap().join("log"));

    let written = s.call("diagnostics_export", Value::Null).unwrap();
    let bundle_path = std::path::PathBuf::from(written["path"].as_str().unwrap());
    let bundle: Value = serde_json::from_str(&std::fs::read_to_string(&bundle_path).unwrap()).unwrap();
    assert!(bundle["database"]["tables"]["households"].as_u64().unwrap() >= 1, "{bundle}");
    assert_eq!(bundle["database"]["check"], json!(["ok"]));

    let log = std::fs::read_to_string(log_dir.join("sportello.log")).unwrap();
    for command in ["household_save", "households_search", "about"] {
        assert!(log.contains(&format!("comando nome={command} esito=ok tempo=")), "{command}: {log}");
    }
    assert!(log.contains("comando nome=household_get esito=invalid"), "{log}");
    let sentinels = [
        "Zzyzxa",
        "Quartermaine",
        "Dell'Orto",
        "Nguyễn",
        "DLLNCL80A01F205Q",
        "famiglia.dellorto",
        h["case_number"].as_str().unwrap(),
    ];
    for file in std::fs::read_dir(&log_dir).unwrap() {
        let path = file.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        for sentinel in sentinels {
            assert!(!text.contains(sentinel), "{sentinel} in {}", path.display());
        }
    }
    // The bundle is the administrator's.
    let operatore = e.reopen("mbianchi", service_support::today());
    assert_eq!(operatore.call("diagnostics_export", Value::Null).unwrap_err().code, Code::Forbidden);
    assert_eq!(operatore.call("about", Value::Null).unwrap()["program"], "Sportello");
}

/// After a lost laptop or a misused account, the DPO asks whose files the
/// account opened in a period (GDPR art. 33-34): the cases with their people,
/// how many accesses, first and last; the searches counted apart.
#[test]
fn the_dpo_lists_whose_files_an_account_opened() {
    let e = env();
    let admin = &e.service;
    let h = admin.call("household_save", json!({ "household": family_json() })).unwrap();
    let id = h["id"].as_str().unwrap().to_string();
    // mbianchi, an operatore given the case, searches and opens the family's
    // file twice, and tries a case out of scope (refused: not an access).
    let op = e.reopen("mbianchi", service_support::today());
    let mbianchi =
        admin.operators_list().unwrap().into_iter().find(|a| a.operator.username == "mbianchi").unwrap();
    admin
        .call(
            "household_assign",
            json!({"household_id": id, "operator_id": mbianchi.operator.id.to_string()}),
        )
        .unwrap();
    let other = admin
        .call(
            "household_save",
            json!({ "household": service_support::single_json("Rossi", "Maria", "1950-01-01", "F") }),
        )
        .unwrap();
    assert_eq!(op.call("household_get", json!({"id": other["id"]})).unwrap_err().code, Code::Forbidden);
    op.call("households_search", json!({"query": "nguyen"})).unwrap();
    op.call("household_get", json!({"id": id})).unwrap();
    op.call("household_get", json!({"id": id})).unwrap();

    let asked = |from: &str, to: &str| {
        admin.call("access_exposure", json!({"operator": "mbianchi", "from": from, "to": to})).unwrap()
    };
    let x = asked("2026-01-01", "2026-12-31");
    assert_eq!(x["cases"].as_array().unwrap().len(), 1, "{x}");
    let case = &x["cases"][0];
    assert_eq!(case["case_number"], h["case_number"]);
    assert_eq!(case["accesses"], 2, "{x}");
    let people: Vec<&str> =
        case["people"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(people, ["Niccolò Dell'Orto", "Thị Lan Nguyễn", "Zoë Dell'Orto"]);
    assert_eq!(x["people"], 3);
    assert_eq!(x["searches"], 1);
    // A period before: nothing. The administrator's own saving is not mbianchi's.
    let before = asked("2025-01-01", "2025-12-31");
    assert_eq!((before["cases"].as_array().unwrap().len(), before["searches"].as_u64()), (0, Some(0)));
    // Refused: no account nor device; an operatore may not ask.
    let e1 = admin.call("access_exposure", json!({"from": "2026-01-01", "to": "2026-12-31"})).unwrap_err();
    assert_eq!(e1.field.as_deref(), Some("operator"));
    let e2 =
        op.call("access_exposure", json!({"operator": "averdi", "from": "2026-01-01", "to": "2026-12-31"}));
    assert_eq!(e2.unwrap_err().code, Code::Forbidden);
}
