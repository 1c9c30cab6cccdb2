//! The roles × commands matrix (service/access.rs) is complete and enforced:
//! every command is in it, and every pair it forbids answers `forbidden`
//! without doing anything or leaving a trace.

use crate::service_support;

use serde_json::{json, Value};
use service_support::{analysis_json, create_family, env, project_json, today};
use sportello::domain::{DocumentKind, Id, Office, Role, StrEnum};
use sportello::service::access::{self, MATRIX};
use sportello::service::ipc::COMMANDS;
use sportello::service::Service;
use sportello::Code;

#[test]
fn every_ipc_command_is_in_the_matrix() {
    for c in COMMANDS {
        assert!(access::permission(c).is_some(), "«{c}» is in ipc::COMMANDS but not in access::MATRIX");
    }
}

struct Case {
    household: Id,
    /// The operatore in charge of the case (so that the walk meets the role
    /// check, not the case scope: tests/security_scope.rs walks that).
    owner: Id,
    project: Id,
    member: Id,
    document: Id,
}

/// Runs `command` as `s` with a valid input for `case`.
fn run(s: &Service, command: &str, case: &Case) -> sportello::Result<()> {
    let hid = case.household.to_string();
    let ipc = |input: Value| s.call(command, input).map(|_| ());
    match command {
        "session"
        | "deadlines_board"
        | "member_rules"
        | "households_caseload"
        | "call_template"
        | "about"
        | "diagnostics_export" => ipc(Value::Null),
        "households_search" => ipc(json!({ "query": "nguyen" })),
        "access_exposure" => ipc(json!({ "operator": "averdi", "from": "2026-11-01", "to": "2026-11-30" })),
        "household_get" => ipc(json!({ "id": hid })),
        "household_save" => {
            let v = serde_json::to_value(s.household_get(case.household)?).unwrap();
            ipc(json!({ "household": v }))
        }
        "cf_check" => ipc(json!({"code": "DLLZOE15P70F205X"})),
        "calendar_check" => ipc(json!({ "date": "2026-12-07" })),
        "places_search" => ipc(json!({ "query": "milano" })),
        "analysis_get" | "quadro_get" | "project_get" | "documents_list" => {
            ipc(json!({ "household_id": hid }))
        }
        // The case's analysis is not the équipe's: refused as invalid, never as forbidden.
        "quadro_save" => {
            let h = s.household_get(case.household)?;
            ipc(json!({ "quadro": service_support::quadro_json(&h, "2026-11-20") }))
        }
        "analysis_save" => {
            let h = s.household_get(case.household)?;
            ipc(json!({ "analysis": analysis_json(&h, "2026-11-20", "progetto_servizio_sociale") }))
        }
        "project_save" => {
            let h = s.household_get(case.household)?;
            let mut v = project_json(&h);
            let p = s.project_get(case.household)?.expect("project");
            v["id"] = json!(p.id.to_string());
            v["updated_at"] = json!(p.updated_at);
            ipc(json!({ "project": v }))
        }
        "project_set_status" => {
            ipc(json!({ "project_id": case.project.to_string(), "status": "da_firmare" }))
        }
        "signature_record" => ipc(json!({
            "project_id": case.project.to_string(), "member_id": case.member.to_string(), "signed_on": "2026-11-20"
        })),
        "signature_annul" => ipc(json!({
            "project_id": case.project.to_string(), "member_id": case.member.to_string(), "reason": "firma apposta sul foglio sbagliato"
        })),
        "agreement_data" => s.agreement_data(case.project).map(|_| ()),
        "document_add" => {
            s.document_add(case.household, DocumentKind::Patto, "Patto", b"%PDF-1.7\n").map(|_| ())
        }
        "document_open" => s.document_path(case.document).map(|_| ()),
        "document_view" => s.document_view(case.document).map(|_| ()),
        "document_save" => {
            let dir = tempfile::tempdir().unwrap();
            s.document_save_copy(case.document, &dir.path().join("copia.pdf")).map(|_| ())
        }
        "office_set" => {
            let o = s.session()?.office;
            s.office_set(Office { phone: "02 0000 0000".into(), ..o }).map(|_| ())
        }
        "audit_history" => s.audit_history(case.household).map(|_| ()),
        "audit_history_print" => ipc(json!({ "household_id": hid })),
        "household_assign" => ipc(json!({ "household_id": hid, "operator_id": case.owner.to_string() })),
        // Restricted and lifted at once: the case stays usable for the next pairs.
        "household_restrict" => {
            ipc(json!({ "household_id": hid, "reason": "Richiesta dell'interessato" }))?;
            s.household_restriction_lift(case.household, "Prova").map(|_| ())
        }
        "household_restriction_lift" => {
            s.household_restrict(case.household, "Prova")?;
            ipc(json!({ "household_id": hid, "reason": "Richiesta evasa" }))
        }
        "operator_save" => s.operator_save("nuovo", "Nuovo Operatore", Role::Operatore).map(|_| ()),
        "agreement_print" => ipc(json!({ "project_id": case.project.to_string() })),
        "convocation_print" => ipc(json!({
            "household_id": hid, "date": "2026-12-01", "time": "09:30", "place": "largo Treves 1", "ask_for": "Anna Verdi",
            "purpose": "analisi_preliminare"
        })),
        "eligibility_facts_get" | "eligibility_checks_list" => ipc(json!({ "household_id": hid })),
        "eligibility_facts_save" => ipc(json!({ "household_id": hid, "other_subsidies": false })),
        "eligibility_check" | "esito_print" => {
            ipc(json!({ "household_id": hid, "reference_date": "2026-11-20" }))
        }
        // Calls: well-formed inputs about a call that need not exist (not_found
        // is an answer; what matters here is forbidden or not).
        "calls_list" => ipc(Value::Null),
        "call_get" => ipc(json!({ "id": Id::new().to_string() })),
        "call_save" => ipc(json!({ "call": {
            "title": "Avviso B2", "measure": "b2-anziani", "rule_set": "milano-b2-2019", "budget": "1000.00"
        } })),
        "applications_import" => ipc(json!({ "call_id": Id::new().to_string(), "csv": "protocol\n" })),
        "application_save" => ipc(json!({ "call_id": Id::new().to_string(), "application": {} })),
        "ranking_draft" | "ranking_versions" | "ranking_export_csv" => {
            ipc(json!({ "call_id": Id::new().to_string() }))
        }
        "ranking_publish" => ipc(json!({ "call_id": Id::new().to_string(), "published_on": "2019-06-10" })),
        "reimbursements_get" => ipc(json!({ "call_id": Id::new().to_string() })),
        "award_save" => ipc(json!({ "award": {
            "call_id": Id::new().to_string(), "protocol": "2019/000101", "first_month": "07/2019", "last_month": "06/2020"
        } })),
        "award_claims" | "reimbursement_statement" => ipc(json!({ "award_id": Id::new().to_string() })),
        "reimbursement_preview" | "reimbursement_record" => ipc(json!({ "claim": {
            "award_id": Id::new().to_string(), "received_on": "2019-08-05", "documents": [{
                "type": "busta_paga", "issuer": "RSSMRA80A01F205X", "number": "7/2019", "date": "2019-08-01",
                "month": "2019-07", "amount": "300.00"
            }]
        } })),
        "liquidation_issue" => ipc(json!({ "call_id": Id::new().to_string(), "issued_on": "2019-09-02" })),
        "liquidation_open" => ipc(json!({ "id": Id::new().to_string() })),
        "reimbursement_import" => {
            ipc(json!({ "call_id": Id::new().to_string(), "file_base64": "cHJvdG9jb2xsbwo=" }))
        }
        "siuss_save" => {
            ipc(json!({ "from": "2019-09-01", "to": "2019-09-30", "out": "/nonexistent/flusso.xml" }))
        }
        // A funded project's finances: about a project that need not exist.
        "finance_list" => ipc(Value::Null),
        "finance_get" | "finance_report" => ipc(json!({ "id": Id::new().to_string() })),
        "finance_project_save" => ipc(json!({ "project": {
            "code": "MI3.1.1.c", "title": "Residenzialità Temporanea Sociale", "programme": "PON Città Metropolitane 2014-2020",
            "cup": "B49J17000130006", "rup": "Guido Gandino", "attuatore": "Comune di Milano",
            "start": "2017-09-01", "end": "2019-12-31", "programmato": "817000.00", "ammesso": "0"
        } })),
        "finance_commitment_record" => ipc(json!({ "commitment": {
            "project_id": Id::new().to_string(), "number": "2018/1", "date": "2018-01-10", "act": "DD 1/2018",
            "creditor": "Cooperativa", "amount": "100.00", "description": "lavori"
        } })),
        "finance_payment_record" => ipc(json!({ "payment": {
            "project_id": Id::new().to_string(), "commitment_id": Id::new().to_string(), "number": "2018/7",
            "date": "2018-02-10", "amount": "100.00", "document": "fattura 1/2018"
        } })),
        "finance_record_annul" => ipc(json!({
            "project_id": Id::new().to_string(), "record_id": Id::new().to_string(), "reason": "errore"
        })),
        "ranking_compare" => ipc(json!({ "call_id": Id::new().to_string(), "from": 1, "to": 2 })),
        "appeal_file" => ipc(json!({
            "call_id": Id::new().to_string(), "protocol": "2019/000101", "filed_on": "2019-06-20", "grounds": "ISEE"
        })),
        "appeal_decide" => ipc(json!({
            "call_id": Id::new().to_string(), "appeal_id": 1, "decided_on": "2019-07-01", "outcome": "rejected",
            "note": "Motivi non fondati"
        })),
        // Housing: well-formed inputs about records that need not exist.
        "housing_get" => ipc(json!({ "weeks": 4 })),
        "unit_save" => ipc(json!({ "unit": {
            "address": "Via Padova 104, scala B, int. 5", "places": 2, "managing_body": "Comune di Milano"
        } })),
        "stay_place" => ipc(json!({ "stay": {
            "waiting_id": Id::new().to_string(), "unit_id": Id::new().to_string(), "place": 1,
            "entry": "2026-11-20", "planned_end": "2027-05-20"
        } })),
        "stay_update" => {
            ipc(json!({ "stay": { "stay_id": Id::new().to_string(), "planned_end": "2027-05-20" } }))
        }
        "waiting_add" => {
            ipc(json!({ "waiting": { "household_id": hid, "need": "Sfratto esecutivo", "people": 1 } }))
        }
        "waiting_withdraw" => {
            ipc(json!({ "waiting_id": Id::new().to_string(), "reason": "Trovata una casa" }))
        }
        "household_housing" => ipc(json!({ "household_id": hid })),
        // Monitoring (issue 12 item 3): the project is a bozza here, so each
        // is refused as a conflict, never as forbidden for a role that may.
        "monitoring_record" => ipc(json!({ "project_id": case.project.to_string(), "meeting": {
            "held_on": "2026-11-25", "operators": ["Mario Rossi"], "progress": []
        } })),
        "monitoring_annul" => ipc(json!({
            "project_id": case.project.to_string(), "meeting_id": Id::new().to_string(), "reason": "registrato per errore"
        })),
        "project_redesign" => {
            ipc(json!({ "project_id": case.project.to_string(), "reason": "nuova situazione lavorativa" }))
        }
        "project_close" => ipc(json!({ "project_id": case.project.to_string(), "closure": {
            "closed_on": "2026-11-25", "reason": "rinuncia", "objectives": []
        } })),
        // Programmes: well-formed inputs about records that need not exist.
        "programme_list" => ipc(Value::Null),
        "programme_get" => ipc(json!({ "id": Id::new().to_string() })),
        "programme_save" => ipc(json!({ "programme": {
            "title": "Traiettorie", "start_on": "2026-01-01", "end_on": "2027-12-31", "budget": "227424.00",
            "lead_body": "Ambito di Sesto San Giovanni"
        } })),
        "household_enrolments" => ipc(json!({ "household_id": hid })),
        "programme_indicators" => ipc(json!({ "id": Id::new().to_string() })),
        "enrolment_save" => ipc(json!({ "enrolment": {
            "household_id": hid, "member_id": Id::new().to_string(), "intervention_id": Id::new().to_string(),
            "project_id": Id::new().to_string(), "entry_date": "2026-11-20"
        } })),
        // The informativa and the register of processing (GDPR artt. 13-14, 30).
        "informativa_get" => ipc(Value::Null),
        "informativa_save" => ipc(json!({
            "controller": "Comune di Milano", "dpo": "RPD: dpo@comune.milano.it", "body": "Testo dell'informativa."
        })),
        "household_informativa" | "informativa_print" => ipc(json!({ "household_id": hid })),
        "informativa_given_record" => ipc(json!({
            "household_id": hid, "member_id": case.member.to_string(), "given_on": "2026-11-20", "mode": "a_mano"
        })),
        "processing_register_save" => ipc(json!({ "out": "/nonexistent/registro-trattamenti.pdf" })),
        // The data subjects' requests: well-formed inputs; what matters is forbidden or not.
        "data_requests_list" => ipc(Value::Null),
        "data_request_record" => ipc(json!({ "request": {
            "kind": "accesso", "member_id": case.member.to_string(), "requester": "interessato",
            "received_on": "2026-11-20", "channel": "sportello"
        } })),
        "data_request_extend" => ipc(json!({ "id": Id::new().to_string(), "reason": "Richiesta complessa" })),
        "data_request_answer" => {
            let dir = tempfile::tempdir().unwrap();
            ipc(
                json!({ "id": Id::new().to_string(), "out": dir.path().join("risposta.zip").display().to_string() }),
            )
        }
        "field_history" => ipc(json!({ "household_id": hid })),
        // Retention (issue 16 item 4): nothing is past its term here, so an
        // allowed erasure is refused as a conflict, never as forbidden.
        "retention_due" | "retention_reports" => ipc(Value::Null),
        "retention_report_print" => ipc(json!({ "id": Id::new().to_string() })),
        "retention_erase" => {
            ipc(json!({ "household_id": hid, "mode": "cancellazione", "confirm": "2026/0001" }))
        }
        "retention_record_reports" => ipc(Value::Null),
        "retention_record_report_print" => ipc(json!({ "id": Id::new().to_string() })),
        "retention_erase_records" => {
            ipc(json!({ "kind": "registro_accessi", "call_id": null, "confirm": "01/01/2020" }))
        }
        // Sync: no peer and no package here; what matters is forbidden or not.
        "sync_export" => s.sync_export(None).map(|_| ()),
        "sync_import" => s.sync_import(b"non un pacchetto").map(|_| ()),
        "sync_conflicts" => s.sync_conflicts().map(|_| ()),
        "device_revoke" => s.device_revoke("nessuno").map(|_| ()),
        "sync_conflicts_list" => ipc(json!({})),
        "sync_conflict_resolve" => ipc(json!({ "id": Id::new().to_string(), "choice": "ours" })),
        "household_sync_state" => ipc(json!({ "household_id": hid })),
        "sync_export_file" | "sync_import_file" => {
            let dir = tempfile::tempdir().unwrap();
            ipc(json!({ "path": dir.path().join("pacchetto.sportello").display().to_string() }))
        }
        "sync_status" => ipc(Value::Null),
        // No package here: refused as not found, never installed.
        "update_check" | "update_install" => ipc(json!({ "path": "/nonexistent/sportello_9.0.0_amd64.deb" })),
        // Not a device: refused for that (conflict), before any address is used.
        "sync_now" => ipc(json!({ "hub": "http://127.0.0.1:9" })),
        // An unknown operator: refused as not found, not as forbidden.
        "device_enroll" => {
            let dir = tempfile::tempdir().unwrap();
            s.device_enroll("tablet", &["nessuno".to_string()], &dir.path().join("tablet.sqlite")).map(|_| ())
        }
        "case_numbers" => s.case_numbers().map(|_| ()),
        "case_numbers_set" => s.case_numbers_set(200, 50).map(|_| ()),
        // A login is the opening of the service itself: every role may
        // (tests/security_encryption.rs tries wrong and right passwords).
        "login" => Ok(()),
        // A wrong old password: refused as invalid, not as forbidden.
        "password_change" => s.password_change("non è questa", "una password nuova e lunga"),
        "operators_list" => s.operators_list().map(|_| ()),
        "operator_set_password" => s.operator_set_password("nessuno", "una password nuova e lunga"),
        "operator_revoke" => s.operator_revoke("nessuno"),
        // A wrong password of one's own: refused as invalid, not as forbidden.
        "database_rekey" => s.database_rekey("non è questa").map(|_| ()),
        "backup" => {
            let dir = tempfile::tempdir().unwrap();
            s.backup_to(&dir.path().join("copia.sqlite")).map(|_| ())
        }
        "audit_verify" => s.audit_verify().map(|_| ()),
        other => panic!("«{other}» is in the matrix but this test cannot run it: add it"),
    }
}

#[test]
fn each_forbidden_pair_answers_forbidden_and_each_allowed_one_does_not() {
    let e = env();
    let admin = &e.service;
    admin.operator_save("lbianchi", "Lucia Bianchi", Role::Coordinatore).unwrap();
    let mrossi = admin.operator_save("mrossi", "Mario Rossi", Role::Operatore).unwrap();
    let h = create_family(admin);
    admin.household_assign(h.id, mrossi.id).unwrap();
    admin
        .analysis_save(
            serde_json::from_value(analysis_json(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
        )
        .unwrap();
    let p = admin.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap();
    let doc = admin.document_add(h.id, DocumentKind::Patto, "Patto", b"%PDF-1.7\n").unwrap();
    let case =
        Case { household: h.id, owner: mrossi.id, project: p.id, member: h.members[0].id, document: doc.id };

    let as_role = |role: Role| match role {
        Role::Amministratore => e.reopen("averdi", today()),
        Role::Coordinatore => e.reopen("lbianchi", today()),
        Role::Operatore => e.reopen("mrossi", today()),
    };
    let mut forbidden_pairs = 0;
    for role in Role::ALL.iter().copied() {
        let s = as_role(role);
        assert_eq!(s.operator().role, role);
        for perm in MATRIX {
            let audit_before = s.storage().transaction(|tx| tx.audit_entries(None)).unwrap().len();
            let result = run(&s, perm.command, &case);
            if perm.roles.contains(&role) {
                if let Err(err) = &result {
                    assert_ne!(err.code, Code::Forbidden, "{} as {role}: {}", perm.command, err.message);
                }
            } else {
                forbidden_pairs += 1;
                let err = result.expect_err(&format!("{} as {role} must be refused", perm.command));
                assert_eq!(err.code, Code::Forbidden, "{} as {role}: {err:?}", perm.command);
                assert!(
                    err.message.contains("non consentita") && err.message.contains(role.label()),
                    "{}",
                    err.message
                );
                let audit_after = s.storage().transaction(|tx| tx.audit_entries(None)).unwrap().len();
                assert_eq!(
                    audit_before, audit_after,
                    "{} as {role}: a refused command leaves nothing",
                    perm.command
                );
            }
        }
    }
    // office_set and operator_save for operatore and coordinatore, audit_history for operatore.
    assert!(forbidden_pairs >= 5, "{forbidden_pairs}");
    // The refused operator_save created nobody.
    let nuovo = admin.storage().transaction(|tx| tx.operator_by_username("nuovo")).unwrap();
    assert_eq!(nuovo.map(|o| o.role), Some(Role::Operatore), "created once, by the administrator");
}

#[test]
fn roles_are_cumulative_and_an_operatore_sees_the_team_s_cases() {
    for perm in MATRIX {
        if perm.roles.contains(&Role::Operatore) {
            assert!(perm.roles.contains(&Role::Coordinatore), "{}", perm.command);
        }
        if perm.roles.contains(&Role::Coordinatore) {
            assert!(perm.roles.contains(&Role::Amministratore), "{}", perm.command);
        }
    }
    assert_eq!(access::case_scope(Role::Operatore), access::CaseScope::Team);
    assert_eq!(access::case_scope(Role::Coordinatore), access::CaseScope::Office);
    assert_eq!(access::case_scope(Role::Amministratore), access::CaseScope::Office);
    // An operatore sees the cases a colleague of their équipe took in charge
    // (tests/security_scope.rs: and not those of another équipe).
    let e = env();
    e.service
        .operator_save_in("averdi", "Anna Verdi", Role::Amministratore, Some(Some("Équipe Nord")))
        .unwrap();
    e.service.operator_save_in("mrossi", "Mario Rossi", Role::Operatore, Some(Some("Équipe Nord"))).unwrap();
    let h = create_family(&e.service);
    let op = e.reopen("mrossi", today());
    assert_eq!(op.household_get(h.id).unwrap().id, h.id);
}

#[test]
fn a_coordinator_sees_who_looked_at_a_case() {
    let e = env();
    e.service.operator_save("lbianchi", "Lucia Bianchi", Role::Coordinatore).unwrap();
    // The administrator and the operatore work in one équipe: the case is in
    // the operatore's scope.
    e.service
        .operator_save_in("averdi", "Anna Verdi", Role::Amministratore, Some(Some("Équipe Nord")))
        .unwrap();
    e.service.operator_save_in("mrossi", "Mario Rossi", Role::Operatore, Some(Some("Équipe Nord"))).unwrap();
    let h = create_family(&e.service);
    let op = e.reopen("mrossi", today());
    op.household_get(h.id).unwrap();
    assert_eq!(op.audit_history(h.id).unwrap_err().code, Code::Forbidden);
    let coord = e.reopen("lbianchi", today());
    let history = coord.audit_history(h.id).unwrap();
    let seen: Vec<(&str, Id)> = history.iter().map(|r| (r.action.as_str(), r.operator_id)).collect();
    assert_eq!(seen, [("household_create", e.service.operator().id), ("household_get", op.operator().id)]);
    // The coordinator's look is on record for the next one.
    let again = coord.audit_history(h.id).unwrap();
    assert_eq!(again.last().map(|r| r.action.as_str()), Some("audit_history"));
}
