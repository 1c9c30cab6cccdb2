//! The audit log (issue 5): one row per command that touches a person's data,
//! rows chained by hash, append-only, and `sportello audit verify` naming the
//! first row that was tampered with.

use crate::service_support;

use serde_json::{json, Value};
use service_support::{analysis_json, create_family, env, project_json};
use sportello::domain::{DocumentKind, Id, Office, Role, StrEnum};
use sportello::service::access;
use sportello::service::ipc::COMMANDS;
use sportello::service::Service;
use sportello::storage::{audit, migrations, Storage};

fn entries(s: &Service) -> Vec<sportello::storage::AuditEntry> {
    s.storage().transaction(|tx| tx.audit_entries(None)).unwrap()
}

/// Runs `f` and checks the rows it added to the log: exactly one, for the
/// acting operator and `record`, when the matrix says the command touches
/// someone's data; none otherwise.
fn one_row_for<T>(
    s: &Service,
    command: &str,
    record: Option<Id>,
    f: impl FnOnce() -> sportello::Result<T>,
) -> T {
    let before = entries(s);
    let out = match f() {
        Ok(v) => v,
        Err(e) => panic!("{command} failed: {e:?}"),
    };
    let after = entries(s);
    let new = &after[before.len()..];
    let personal =
        access::permission(command).unwrap_or_else(|| panic!("{command} not in the matrix")).personal_data;
    if !personal {
        assert!(new.is_empty(), "{command} touches nobody's data but wrote {new:?}");
        return out;
    }
    assert_eq!(new.len(), 1, "{command} must leave exactly one audit row, left {new:?}");
    let row = &new[0];
    assert_eq!(row.operator_id, s.operator().id, "{command}: who");
    assert!(row.action.starts_with(command.split('_').next().unwrap()), "{command}: action {}", row.action);
    if record.is_some() {
        assert_eq!(row.record_id, record, "{command}: which record");
    }
    assert!(row.at.starts_with("2026-11-20T"), "{command}: when {}", row.at);
    out
}

#[test]
fn every_command_that_touches_a_person_leaves_exactly_one_row() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let hid = h.id;
    s.analysis_save(
        serde_json::from_value(analysis_json(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
    )
    .unwrap();
    let p = s.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap();
    let pid = p.id;

    // Only these touch nobody's stored data: the session, the list of
    // colleagues' accounts, the check of the log's chain, a typed code, the
    // office's blocks of case numbers (devices and ranges, no family), the
    // "Informazioni" dialog (program, paths, rule sets) and the check of an
    // update package on a stick.
    let unaudited: Vec<&str> =
        access::MATRIX.iter().filter(|p| !p.personal_data).map(|p| p.command).collect();
    // `sync_status` gives counts; `sync_now` leaves the rows of the export
    // and the import it runs when they move changes, none when nothing moves
    // (tests/sync_network.rs checks both).
    assert_eq!(
        unaudited,
        [
            "session",
            "cf_check",
            "calendar_check",
            "places_search",
            "member_rules",
            "about",
            "update_check",
            "call_template",
            "informativa_get",
            "operators_list",
            "sync_status",
            "sync_now",
            "audit_verify",
            "case_numbers"
        ]
    );

    // A call to run the commands of "Avvisi e graduatorie" on.
    let call = s
        .call(
            "call_save",
            json!({ "call": { "title": "Avviso B2", "measure": "b2-anziani", "rule_set": "milano-b2-2019",
                              "budget": "20000.00" } }),
        )
        .unwrap();
    let cid = Id::parse("id", call["id"].as_str().unwrap()).unwrap();
    let c = cid.to_string();

    // A funded project for the finance commands (seed 004).
    let project_input = json!({
        "code": "MI3.1.1.c", "title": "Residenzialità Temporanea Sociale",
        "programme": "PON Città Metropolitane 2014-2020", "azione": "Azione 3.1.1", "cup": "B49J17000130006",
        "rup": "Guido Gandino", "attuatore": "Comune di Milano", "start": "2017-09-01", "end": "2019-12-31",
        "programmato": "817000.00", "ammesso": "817000.00", "act": ""
    });
    let fp = s.call("finance_project_save", json!({ "project": project_input.clone() })).unwrap();
    let fid = Id::parse("id", fp["project"]["id"].as_str().unwrap()).unwrap();
    let f = fid.to_string();

    // A programme for its commands (seed 001), with a tirocinio.
    let programme_input = json!({
        "title": "Traiettorie per l'inclusione socio lavorativa", "start_on": "2026-01-01",
        "end_on": "2027-12-31", "budget": "227424.00", "lead_body": "Ambito di Sesto San Giovanni",
        "interventions": [{ "kind": "tirocinio", "title": "Tirocinio di inclusione" }]
    });
    let pg = s.call("programme_save", json!({ "programme": programme_input.clone() })).unwrap();
    let pgid = Id::parse("id", pg["programme"]["id"].as_str().unwrap()).unwrap();
    let tirocinio = pg["programme"]["interventions"][0]["id"].clone();

    // A laptop, and a package of its own, for the sync commands.
    let files = tempfile::tempdir().unwrap();
    let laptop_db = files.path().join("portatile.sqlite");
    s.sync_copy_replica(&laptop_db, "portatile").unwrap();
    let laptop =
        service_support::login(&laptop_db, &e.docs(), service_support::ADMIN, service_support::today())
            .unwrap();
    laptop.household_get(hid).unwrap();
    let from_laptop = files.path().join("dal-portatile.sportello");
    std::fs::write(&from_laptop, laptop.sync_export(None).unwrap()).unwrap();

    for &name in COMMANDS {
        let (input, record) = match name {
            "session" | "deadlines_board" | "households_caseload" | "call_template" => (Value::Null, None),
            "households_search" => (json!({ "query": "dell'orto" }), None),
            "household_get" => (json!({ "id": hid.to_string() }), Some(hid)),
            "household_save" => {
                let mut v = serde_json::to_value(s.household_get(hid).unwrap()).unwrap();
                v["notes"] = json!("Colloquio del 20/11: nota aggiunta.");
                (json!({ "household": v }), Some(hid))
            }
            "household_assign" => (
                json!({ "household_id": hid.to_string(), "operator_id": s.operator().id.to_string() }),
                Some(hid),
            ),
            // Restricted here, lifted by the next command (their order in the table).
            "household_restrict" | "household_restriction_lift" => (
                json!({ "household_id": hid.to_string(), "reason": "Richiesta dell'interessata" }),
                Some(hid),
            ),
            "audit_history" | "audit_history_print" => {
                (json!({ "household_id": hid.to_string() }), Some(hid))
            }
            "calendar_check" => (json!({ "date": "2026-12-07" }), None),
            "places_search" => (json!({ "query": "milano" }), None),
            "member_rules" | "about" | "diagnostics_export" => (Value::Null, None),
            "access_exposure" => {
                (json!({ "operator": "averdi", "from": "2026-01-01", "to": "2026-12-31" }), None)
            }
            "cf_check" => (
                json!({"code": "DLLZOE15P70F205X", "first_name": "Zoë", "last_name": "Dell'Orto", "birth_date": "2015-09-30", "sex": "F"}),
                None,
            ),
            "analysis_get" | "project_get" | "documents_list" => {
                (json!({ "household_id": hid.to_string() }), Some(hid))
            }
            "analysis_save" => {
                let h = s.household_get(hid).unwrap();
                (
                    json!({ "analysis": analysis_json(&h, "2026-11-20", "progetto_servizio_sociale") }),
                    Some(hid),
                )
            }
            "quadro_get" => (json!({ "household_id": hid.to_string() }), Some(hid)),
            "quadro_save" => {
                // A household of its own that the analysis sends to the équipe.
                let one = s
                    .household_save(
                        serde_json::from_value(service_support::single_json(
                            "Colombo",
                            "Noëlle",
                            "1982-04-04",
                            "F",
                        ))
                        .unwrap(),
                    )
                    .unwrap();
                s.analysis_save(
                    serde_json::from_value(analysis_json(&one, "2026-11-20", "equipe_multidisciplinare"))
                        .unwrap(),
                )
                .unwrap();
                (json!({ "quadro": service_support::quadro_json(&one, "2026-11-20") }), Some(one.id))
            }
            "project_save" => {
                let h = s.household_get(hid).unwrap();
                let mut v = project_json(&h);
                v["id"] = json!(pid.to_string());
                v["updated_at"] = json!(s.project_get(hid).unwrap().unwrap().updated_at);
                (json!({ "project": v }), Some(hid))
            }
            "project_set_status" => {
                (json!({ "project_id": pid.to_string(), "status": "da_firmare" }), Some(pid))
            }
            "signature_record" => (
                json!({ "project_id": pid.to_string(), "member_id": h.members[0].id.to_string(), "signed_on": "2026-11-20" }),
                Some(pid),
            ),
            "signature_annul" => (
                json!({ "project_id": pid.to_string(), "member_id": h.members[0].id.to_string(), "reason": "firma apposta sul foglio sbagliato" }),
                Some(pid),
            ),
            "agreement_print" => (json!({ "project_id": pid.to_string() }), Some(pid)),
            "convocation_print" => (
                json!({ "household_id": hid.to_string(), "date": "2026-12-01", "time": "09:30",
                        "purpose": "analisi_preliminare", "place": "largo Treves 1", "ask_for": "Anna Verdi" }),
                Some(hid),
            ),
            "document_open" | "document_view" => {
                let doc = s.documents_list(hid).unwrap().into_iter().next().expect("a printed document");
                (json!({ "id": doc.id.to_string() }), Some(doc.id))
            }
            "eligibility_facts_get" | "eligibility_checks_list" => {
                (json!({ "household_id": hid.to_string() }), Some(hid))
            }
            "eligibility_facts_save" => {
                (json!({ "household_id": hid.to_string(), "other_subsidies": false }), Some(hid))
            }
            "eligibility_check" | "esito_print" => {
                (json!({ "household_id": hid.to_string(), "reference_date": "2026-11-20" }), Some(hid))
            }
            "calls_list" => (Value::Null, None),
            "call_get" => (json!({ "id": c }), Some(cid)),
            "call_save" => (
                json!({ "call": { "id": c, "title": "Avviso B2 2019", "measure": "b2-anziani",
                                  "rule_set": "milano-b2-2019", "budget": "20000.00" } }),
                Some(cid),
            ),
            "applications_import" => (
                json!({ "call_id": c, "csv": include_str!("scenari/esempi/b2-anziani-applications.csv") }),
                Some(cid),
            ),
            "application_save" => (
                json!({ "call_id": c, "application": {
                    "protocol": "2019/000201", "submitted_on": "2019-03-01", "birth_date": "1930-01-01",
                    "isee": "9000.00", "isee_expires_on": "2019-12-31", "resident": true, "continuation": false,
                    "non_self_sufficient": true, "other_interventions": false, "amount": "1000.00",
                    "household_id": hid.to_string() } }),
                Some(cid),
            ),
            "ranking_draft" | "ranking_versions" => (json!({ "call_id": c }), Some(cid)),
            "ranking_publish" => (json!({ "call_id": c, "published_on": "2019-06-10" }), Some(cid)),
            "ranking_compare" => (json!({ "call_id": c, "from": 1, "to": 1 }), Some(cid)),
            "appeal_file" => (
                json!({ "call_id": c, "protocol": "2019/000105", "filed_on": "2019-06-20",
                        "grounds": "ISEE valido consegnato", "documents": ["attestazione ISEE"] }),
                Some(cid),
            ),
            "appeal_decide" => (
                json!({ "call_id": c, "appeal_id": 1, "decided_on": "2019-07-01", "outcome": "rejected",
                        "note": "L'attestazione era scaduta alla data della domanda" }),
                Some(cid),
            ),
            "ranking_export_csv" => (json!({ "call_id": c, "version": 1 }), Some(cid)),
            // Paying the awards of version 1 (rules.md §7): each step on what
            // the one before left.
            "reimbursements_get" => (json!({ "call_id": c }), Some(cid)),
            "award_save" => {
                let r = s.call("reimbursements_get", json!({ "call_id": c })).unwrap();
                let protocol = r["awards"][0]["protocol"].clone();
                (
                    json!({ "award": { "call_id": c, "protocol": protocol, "first_month": "07/2019",
                                       "last_month": "06/2020", "iban": "IT60 X054 2811 1010 0000 0123 456",
                                       "holder_name": "Rossi Maria", "holder_cf": "RSSMRA41A41F205S" } }),
                    Some(cid),
                )
            }
            "award_claims" | "reimbursement_statement" | "reimbursement_preview" | "reimbursement_record" => {
                let r = s.call("reimbursements_get", json!({ "call_id": c })).unwrap();
                let award = r["awards"][0]["award"]["id"].as_str().expect("an award set").to_string();
                let aid = Id::parse("id", &award).unwrap();
                let input = if name.starts_with("reimbursement_p") || name == "reimbursement_record" {
                    json!({ "claim": { "award_id": award, "received_on": "2019-08-05", "documents": [
                        { "type": "busta_paga", "issuer": "RSSMRA80A01F205X", "number": "7/2019",
                          "date": "2019-08-01", "month": "2019-07", "amount": "300.00" } ] } })
                } else {
                    json!({ "award_id": award })
                };
                (input, Some(aid))
            }
            "reimbursement_import" => {
                use base64::Engine;
                let r = s.call("reimbursements_get", json!({ "call_id": c })).unwrap();
                let protocol = r["awards"][0]["protocol"].as_str().unwrap().to_string();
                let csv = format!(
                    "protocollo;consegnata_il;tipo;emittente;numero;data;mese;importo\n\
                     {protocol};06/08/2019;busta_paga;RSSMRA80A01F205X;8/2019;31/08/2019;08/2019;250,00\n"
                );
                let b64 = base64::engine::general_purpose::STANDARD.encode(csv);
                (json!({ "call_id": c, "file_base64": b64, "record": true }), Some(cid))
            }
            "liquidation_issue" => (json!({ "call_id": c, "issued_on": "2019-09-02" }), Some(cid)),
            "siuss_save" => {
                let out = siuss_ready(s, files.path());
                (json!({ "from": "2019-10-01", "to": "2019-10-31", "out": out }), None)
            }
            "liquidation_open" => {
                let r = s.call("reimbursements_get", json!({ "call_id": c })).unwrap();
                let id = r["liquidations"][0]["id"].as_str().expect("a list issued").to_string();
                (json!({ "id": id, "format": "csv" }), Some(Id::parse("id", &id).unwrap()))
            }
            "finance_list" => (Value::Null, None),
            "finance_get" => (json!({ "id": f }), Some(fid)),
            "finance_project_save" => {
                let mut v = project_input.clone();
                v["id"] = json!(f);
                v["ammesso"] = json!("800000.00");
                (json!({ "project": v }), Some(fid))
            }
            "finance_commitment_record" => (
                json!({ "commitment": { "project_id": f, "number": "2018/4521", "date": "2018-03-01",
                                        "act": "Determinazione dirigenziale n. 112/2018", "creditor": "Cooperativa Sociale La Casa",
                                        "amount": "120000.00", "description": "Accompagnamento sociale" } }),
                Some(fid),
            ),
            "finance_payment_record" => {
                let d = s.call("finance_get", json!({ "id": f })).unwrap();
                (
                    json!({ "payment": { "project_id": f, "commitment_id": d["commitments"][0]["id"],
                                         "number": "2018/10452", "date": "2018-06-15", "amount": "30000.00",
                                         "document": "Fattura n. 41/2018 del 31/05/2018" } }),
                    Some(fid),
                )
            }
            "finance_record_annul" => {
                let d = s.call("finance_get", json!({ "id": f })).unwrap();
                (
                    json!({ "project_id": f, "record_id": d["payments"][0]["id"], "reason": "Importo errato" }),
                    Some(fid),
                )
            }
            "finance_report" => (json!({ "id": f, "format": "csv" }), Some(fid)),
            // Temporary housing: a unit, the family placed from the waiting
            // list, a proroga, then another household waiting and withdrawn.
            "housing_get" => (json!({ "weeks": 4 }), None),
            "unit_save" => (
                json!({ "unit": { "address": "Via Padova 104, scala B, int. 5", "places": 2,
                                  "managing_body": "Comune di Milano", "state": "attivo" } }),
                None,
            ),
            "stay_place" => {
                let w = s
                    .call(
                        "waiting_add",
                        json!({ "waiting": { "household_id": hid.to_string(),
                        "need": "Sfratto esecutivo", "priority": 1, "people": 1 } }),
                    )
                    .unwrap();
                let unit = s.call("housing_get", json!({})).unwrap()["units"][0]["id"].clone();
                let wid = Id::parse("id", w["id"].as_str().unwrap()).unwrap();
                (
                    json!({ "stay": { "waiting_id": wid.to_string(), "unit_id": unit, "place": 1,
                                      "entry": "2026-11-20", "planned_end": "2027-05-20" } }),
                    Some(wid),
                )
            }
            "stay_update" => {
                let stay = s.call("household_housing", json!({ "household_id": hid.to_string() })).unwrap();
                let id = Id::parse("id", stay["stays"][0]["id"].as_str().unwrap()).unwrap();
                (json!({ "stay": { "stay_id": id.to_string(), "planned_end": "2027-08-20" } }), Some(id))
            }
            "waiting_add" => {
                let other = s
                    .household_save(
                        serde_json::from_value(service_support::single_json(
                            "Bianchi",
                            "Carla",
                            "1970-03-04",
                            "F",
                        ))
                        .unwrap(),
                    )
                    .unwrap();
                (
                    json!({ "waiting": { "household_id": other.id.to_string(), "need": "Separazione",
                                         "people": 1 } }),
                    Some(other.id),
                )
            }
            "waiting_withdraw" => {
                let list = s.call("housing_get", json!({})).unwrap();
                let id = Id::parse("id", list["waiting"][0]["id"].as_str().unwrap()).unwrap();
                (json!({ "waiting_id": id.to_string(), "reason": "Ha trovato casa da sé" }), Some(id))
            }
            "household_housing" => (json!({ "household_id": hid.to_string() }), Some(hid)),
            // Monitoring (issue 12 item 3), in the table's order: the project
            // signed first, a meeting held, annulled, the project re-designed
            // and closed.
            "monitoring_record" => {
                let p = s.project_get(hid).unwrap().unwrap();
                if p.status.as_str() == "bozza" {
                    s.call(
                        "project_set_status",
                        json!({ "project_id": pid.to_string(), "status": "da_firmare" }),
                    )
                    .unwrap();
                }
                for r in &p.required_signers {
                    if !p.signatures.iter().any(|x| x.member_id == r.member_id) {
                        s.signature_record(pid, r.member_id, service_support::today()).unwrap();
                    }
                }
                let p = s.project_get(hid).unwrap().unwrap();
                assert_eq!(p.status.as_str(), "sottoscritto");
                let progress: Vec<Value> = p
                    .commitments
                    .iter()
                    .map(|c| json!({ "commitment_id": c.id.to_string(), "progress": "in_corso" }))
                    .collect();
                (
                    json!({ "project_id": pid.to_string(), "meeting": { "held_on": "2026-11-20",
                        "operators": ["Anna Verdi"], "progress": progress, "next_meeting_on": "2027-02-18" } }),
                    Some(pid),
                )
            }
            "monitoring_annul" => {
                let p = s.project_get(hid).unwrap().unwrap();
                (
                    json!({ "project_id": pid.to_string(), "meeting_id": p.monitoring[0].id.to_string(),
                            "reason": "registrato sul nucleo sbagliato" }),
                    Some(pid),
                )
            }
            "project_redesign" => (
                json!({ "project_id": pid.to_string(), "reason": "Nuovo lavoro della richiedente" }),
                Some(pid),
            ),
            "project_close" => {
                let p = s.project_get(hid).unwrap().unwrap();
                let outcomes: Vec<Value> =
                    p.objectives.iter().map(|_| json!({ "outcome": "non_raggiunto" })).collect();
                (
                    json!({ "project_id": pid.to_string(), "closure": { "closed_on": "2026-11-20",
                        "reason": "trasferimento", "objectives": outcomes } }),
                    Some(pid),
                )
            }
            "programme_list" => (Value::Null, None),
            "programme_get" => (json!({ "id": pgid.to_string() }), Some(pgid)),
            "programme_save" => {
                let mut v = pg["programme"].clone();
                v["target"] = json!("Beneficiari del contributo economico.");
                (json!({ "programme": v }), Some(pgid))
            }
            "household_enrolments" => (json!({ "household_id": hid.to_string() }), Some(hid)),
            "programme_indicators" => {
                (json!({ "id": pgid.to_string(), "copy": "ufficio", "format": "pdf" }), Some(pgid))
            }
            "enrolment_save" => {
                // A household of its own with its patto signed.
                let one = s
                    .household_save(
                        serde_json::from_value(service_support::single_json(
                            "Brambilla",
                            "Ugo",
                            "1970-03-03",
                            "M",
                        ))
                        .unwrap(),
                    )
                    .unwrap();
                s.analysis_save(
                    serde_json::from_value(service_support::analysis_json(
                        &one,
                        "2026-11-20",
                        "progetto_servizio_sociale",
                    ))
                    .unwrap(),
                )
                .unwrap();
                let p = s.project_save(serde_json::from_value(project_json(&one)).unwrap()).unwrap();
                let p = s.project_set_status(p.id, sportello::domain::ProjectStatus::DaFirmare).unwrap();
                s.signature_record(p.id, one.members[0].id, service_support::today()).unwrap();
                (
                    json!({ "enrolment": {
                        "household_id": one.id.to_string(), "member_id": one.members[0].id.to_string(),
                        "intervention_id": tirocinio, "project_id": p.id.to_string(), "entry_date": "2026-11-20",
                        "host": "Cooperativa Stripes", "tutor": "Anna Galli", "planned_end": "2027-05-19",
                        "hours_week": 20, "allowance": "500.00", "allowance_payer": "Ambito"
                    } }),
                    Some(one.id),
                )
            }
            // The informativa: the office's text (not audited to read), a
            // version saved, given to the richiedente, printed; the register
            // of processing written as a new file.
            "informativa_get" => (Value::Null, None),
            "informativa_save" => (
                json!({ "controller": "Comune di Milano", "dpo": "RPD: dpo@comune.milano.it",
                        "body": "Testo dell'informativa." }),
                None,
            ),
            "household_informativa" | "informativa_print" => {
                (json!({ "household_id": hid.to_string() }), Some(hid))
            }
            "informativa_given_record" => (
                json!({ "household_id": hid.to_string(), "member_id": h.members[0].id.to_string(),
                        "given_on": "2026-11-20", "mode": "a_mano" }),
                Some(hid),
            ),
            "processing_register_save" => {
                (json!({ "out": files.path().join("registro-trattamenti.pdf").display().to_string() }), None)
            }
            // A request of the case's first member, extended and answered.
            "data_requests_list" => (Value::Null, None),
            "data_request_record" => (
                json!({ "request": { "kind": "accesso_portabilita", "member_id": h.members[0].id.to_string(),
                                     "requester": "interessato", "received_on": "2026-11-20", "channel": "sportello" } }),
                Some(hid),
            ),
            "data_request_extend" => {
                let list = s.call("data_requests_list", Value::Null).unwrap();
                (
                    json!({ "id": list[0]["id"], "reason": "Richiesta complessa: più avvisi e un alloggio" }),
                    None,
                )
            }
            "data_request_answer" => {
                let list = s.call("data_requests_list", Value::Null).unwrap();
                let out = files.path().join("risposta-ipc.zip");
                (json!({ "id": list[0]["id"], "out": out.display().to_string() }), Some(hid))
            }
            "field_history" => (json!({ "household_id": hid.to_string() }), Some(hid)),
            "retention_due" | "retention_reports" | "retention_record_reports" => (Value::Null, None),
            "retention_record_report_print" => {
                let before = entries(s).len();
                let err = s.call(name, json!({ "id": Id::new().to_string() })).unwrap_err();
                assert_eq!(err.code, sportello::Code::NotFound, "{err:?}");
                assert_eq!(entries(s).len(), before);
                continue;
            }
            // Nothing past its term on the test's day (schema 26): refused
            // before any work; the erasure's row is in tests/service_retention.rs.
            "retention_erase_records" => {
                let before = entries(s).len();
                let err = s
                    .call(name, json!({ "kind": "registro_accessi", "call_id": null, "confirm": "x" }))
                    .unwrap_err();
                assert_eq!(err.code, sportello::Code::Conflict, "{err:?}");
                assert_eq!(entries(s).len(), before);
                continue;
            }
            // No verbale here: refused as not found, before any row.
            "retention_report_print" => {
                let before = entries(s).len();
                let err = s.call(name, json!({ "id": Id::new().to_string() })).unwrap_err();
                assert_eq!(err.code, sportello::Code::NotFound, "{err:?}");
                assert_eq!(entries(s).len(), before);
                continue;
            }
            // Nothing is past its term on the test's day: refused before any
            // work, and a refusal writes nothing. The erasure's own row is
            // checked in tests/service_retention.rs.
            "retention_erase" => {
                let before = entries(s).len();
                let err = s
                    .call(
                        name,
                        json!({ "household_id": hid.to_string(), "mode": "cancellazione", "confirm": "x" }),
                    )
                    .unwrap_err();
                assert_eq!(err.code, sportello::Code::Conflict, "{err:?}");
                assert_eq!(entries(s).len(), before);
                continue;
            }
            "password_change" => (
                json!({ "old_password": service_support::PASSWORD, "new_password": "una password nuova e lunga" }),
                Some(s.operator().id),
            ),
            "operators_list" => (Value::Null, None),
            "operator_save" => {
                (json!({ "username": "nuovo", "name": "Nuovo Operatore", "role": "operatore" }), None)
            }
            "operator_set_password" => {
                (json!({ "username": "nuovo", "password": "password iniziale" }), None)
            }
            "operator_revoke" => (json!({ "username": "nuovo" }), None),
            // The administrator's own password, as changed by `password_change` above.
            "database_rekey" => (json!({ "password": "una password nuova e lunga" }), None),
            "document_save" => {
                let doc = s.documents_list(hid).unwrap().into_iter().next().expect("a printed document");
                let out = files.path().join("copia-ipc.pdf");
                (json!({ "id": doc.id.to_string(), "out": out.display().to_string() }), Some(doc.id))
            }
            "sync_conflicts_list" => (json!({}), None),
            "sync_conflict_resolve" => {
                // A form saved on a stale copy leaves a conflict to resolve.
                let base = serde_json::to_value(s.household_get(hid).unwrap()).unwrap();
                let mut other = base.clone();
                other["phone"] = json!("+39 02 000 0001");
                s.call("household_save", json!({ "household": other, "base": base })).unwrap();
                let mut stale = base.clone();
                stale["phone"] = json!("+39 02 000 0002");
                let saved = s.call("household_save", json!({ "household": stale, "base": base })).unwrap();
                (json!({ "id": saved["conflicts"][0]["id"], "choice": "theirs" }), Some(hid))
            }
            "household_sync_state" => (json!({ "household_id": hid.to_string() }), Some(hid)),
            "sync_export_file" => (
                json!({ "path": files.path().join("per-il-portatile.sportello").display().to_string() }),
                None,
            ),
            "sync_import_file" => (json!({ "path": from_laptop.display().to_string() }), None),
            "sync_status" => (Value::Null, None),
            // What a package is: read, nobody's data, no row.
            "update_check" => {
                let (package, _) = crate::update_support::signed_package(files.path(), "9.0.0", "deb");
                (json!({ "path": package.display().to_string() }), None)
            }
            // The attempt is on record before the check: a forged package
            // leaves its row, and the installer never runs.
            "update_install" => {
                let (package, _) = crate::update_support::forged_package(files.path());
                let before = entries(s).len();
                let err = s.call(name, json!({ "path": package.display().to_string() })).unwrap_err();
                assert_eq!(err.code, sportello::Code::Forbidden, "{err:?}");
                let new = &entries(s)[before..];
                assert_eq!(new.len(), 1, "{new:?}");
                assert_eq!(new[0].action, "update_install");
                continue;
            }
            // Not a device: refused, and a refusal writes nothing.
            "sync_now" => {
                let before = entries(s).len();
                let err = s.call(name, json!({ "hub": "http://127.0.0.1:9" })).unwrap_err();
                assert_eq!(err.code, sportello::Code::Conflict, "{err:?}");
                assert_eq!(entries(s).len(), before);
                continue;
            }
            other => panic!("new command «{other}»: add it to this test with a valid input"),
        };
        one_row_for(s, name, record, || s.call(name, input));
    }

    // The service's entry points outside the IPC list.
    one_row_for(s, "agreement_data", Some(pid), || s.agreement_data(pid));
    let doc = one_row_for(s, "document_add", Some(hid), || {
        s.document_add(hid, DocumentKind::Patto, "Patto firmato", b"%PDF-1.7\n%%EOF\n")
    });
    one_row_for(s, "document_open", Some(doc.id), || s.document_path(doc.id));
    let copies = tempfile::tempdir().unwrap();
    let copy = copies.path().join("patto.pdf");
    one_row_for(s, "document_save", Some(doc.id), || s.document_save_copy(doc.id, &copy));
    assert_eq!(std::fs::read(&copy).unwrap(), b"%PDF-1.7\n%%EOF\n");
    one_row_for(s, "audit_history", Some(hid), || s.audit_history(hid));
    let office = s.session().unwrap().office;
    one_row_for(s, "office_set", None, || s.office_set(Office { phone: "02 8845 0000".into(), ..office }));
    one_row_for(s, "operator_save", None, || s.operator_save("mrossi", "Mario Rossi", Role::Operatore));

    // Everything above is one intact chain.
    let report = s.storage().audit_verify().unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.rows as usize, entries(s).len());
}

#[test]
fn the_log_is_append_only_through_sqlite() {
    let e = env();
    create_family(&e.service);
    drop(e.service);
    let conn = service_support::raw(&e.dir.path().join("sportello.sqlite"));
    let err = conn.execute("UPDATE audit_log SET action = 'x' WHERE seq = 1", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = conn.execute("DELETE FROM audit_log WHERE seq = 1", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = conn
        .execute(
            "INSERT INTO audit_log (at, operator_id, action) SELECT at, operator_id, 'household_get' FROM audit_log LIMIT 1",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("prev_hash"), "{err}");
}

/// A database with some history, closed, and the number of its audit rows.
fn history() -> (tempfile::TempDir, std::path::PathBuf, i64) {
    let e = env();
    let h = create_family(&e.service);
    for _ in 0..3 {
        e.service.household_get(h.id).unwrap();
    }
    let rows = entries(&e.service).len() as i64;
    assert!(rows >= 6, "{rows}");
    let db = e.db();
    drop(e.service);
    (e.dir, db, rows)
}

#[test]
fn audit_verify_passes_on_an_untouched_database() {
    let (_dir, db, rows) = history();
    let (code, out, err) =
        service_support::sportello(&["audit", "verify", "--database", db.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("integro: {rows} righe")), "{out}");
    let (code, out, _) =
        service_support::sportello(&["audit", "verify", "--database", db.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["rows"], rows);
    assert_eq!(v["head"].as_str().unwrap().len(), 64);
    assert_eq!(v["broken"], Value::Null);
}

#[test]
fn editing_a_row_in_the_file_makes_audit_verify_fail_naming_it() {
    let (_dir, db, _) = history();
    let conn = service_support::raw(&db);
    conn.execute_batch("DROP TRIGGER audit_log_no_update").unwrap();
    // One byte: household_get → household_gat.
    let n = conn
        .execute(
            "UPDATE audit_log SET action = 'household_gat' WHERE seq = (SELECT max(seq) - 1 FROM audit_log)",
            [],
        )
        .unwrap();
    assert_eq!(n, 1);
    let seq: i64 = conn.query_row("SELECT max(seq) - 1 FROM audit_log", [], |r| r.get(0)).unwrap();
    drop(conn);

    let (code, out, err) =
        service_support::sportello(&["audit", "verify", "--database", db.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains(&format!("ALTERATO: la riga {seq} ")), "{out}");
    assert!(out.contains("contenuto è stato modificato"), "{out}");
    let (code, out, _) =
        service_support::sportello(&["audit", "verify", "--database", db.to_str().unwrap(), "--json"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["ok"].clone(), v["broken"]["seq"].clone()), (json!(false), json!(seq)));
}

#[test]
fn removing_a_row_or_recomputing_its_hash_alone_is_caught_too() {
    let (_dir, db, _) = history();
    let conn = service_support::raw(&db);
    conn.execute_batch("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2").unwrap();
    drop(conn);
    let r = audit::verify_file(&db, Some(&service_support::key(&db))).unwrap();
    assert!(!r.ok);
    let b = r.broken.unwrap();
    assert_eq!(b.seq, 3, "the row after the hole");
    assert!(b.reason.contains("non segue"), "{}", b.reason);

    // A stored hash changed by one character no longer matches its row.
    let (_dir, db, _) = history();
    let conn = service_support::raw(&db);
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET hash = (CASE WHEN substr(hash, 1, 1) = '0' THEN '1' ELSE '0' END) || substr(hash, 2) WHERE seq = 4",
    )
    .unwrap();
    drop(conn);
    let r = audit::verify_file(&db, Some(&service_support::key(&db))).unwrap();
    assert_eq!(r.broken.map(|b| b.seq), Some(4));
}

#[test]
fn audit_verify_on_a_missing_or_foreign_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nessuno.sqlite");
    let (code, out, err) =
        service_support::sportello(&["audit", "verify", "--database", missing.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.is_empty());
    assert!(err.contains("non esiste"), "{err}");
    let text = dir.path().join("note.txt");
    std::fs::write(&text, "non sono un database").unwrap();
    let (code, _, err) =
        service_support::sportello(&["audit", "verify", "--database", text.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let (code, _, _) = service_support::sportello(&["audit", "verify"]);
    assert_eq!(code, 2);
}

#[test]
fn rows_of_a_schema_1_database_are_sealed_once_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("vecchio.sqlite");
    let key = sportello::keyring::DbKey::generate().unwrap();
    {
        let conn = service_support::keyed(&db, &key);
        conn.execute_batch(migrations::MIGRATIONS[0].sql).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.pragma_update(None, "application_id", sportello::storage::APPLICATION_ID).unwrap();
        conn.execute(
            "INSERT INTO operators (id, username, name, role, created_at) VALUES (?1, 'averdi', 'Anna Verdi', 'amministratore', '2026-01-01T00:00:00.000Z')",
            [Id::new().to_string()],
        )
        .unwrap();
        for i in 0..4 {
            conn.execute(
                "INSERT INTO audit_log (at, operator_id, action, record_id) SELECT ?1, id, 'household_get', NULL FROM operators",
                [format!("2026-01-0{}T10:00:00.000Z", i + 1)],
            )
            .unwrap();
        }
    }
    let store = Storage::open(&db, &key).unwrap();
    let r = store.audit_verify().unwrap();
    assert!(r.ok, "{r:?}");
    assert_eq!(r.rows, 4);
    let head = r.head.clone();
    drop(store);
    // Sealed for good: a second open changes nothing, and the seal cannot be redone.
    let store = Storage::open(&db, &key).unwrap();
    assert_eq!(store.audit_verify().unwrap().head, head);
    drop(store);
    let conn = service_support::keyed(&db, &key);
    let err = conn.execute("UPDATE audit_log SET hash = NULL WHERE seq = 1", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

/// What the SIUSS flow needs to have something to say: the operator's codice
/// fiscale, and a payment to a person the office has a case for (a call of
/// its own, one application linked to its applicant, paid on 15/10/2019).
/// Answers where the flow is to be written.
fn siuss_ready(s: &Service, dir: &std::path::Path) -> String {
    let op = s.operator().clone();
    s.call(
        "operator_save",
        json!({ "username": op.username, "name": op.name, "role": "amministratore", "codice_fiscale": "VRDNNA75C41F205R" }),
    )
    .unwrap();
    let h = s
        .household_save(
            serde_json::from_value(service_support::single_json("Brambilla", "Ersilia", "1936-02-11", "F"))
                .unwrap(),
        )
        .unwrap();
    let call = s
        .call(
            "call_save",
            json!({"call": {"title": "Misura B2 anziani — SIUSS", "measure": "b2-anziani",
                            "rule_set": "milano-b2-2019", "budget": "5000.00"}}),
        )
        .unwrap();
    let c = call["id"].as_str().unwrap().to_string();
    s.call(
        "application_save",
        json!({ "call_id": c, "application": {
            "protocol": "2019/000901", "submitted_on": "2019-03-01", "birth_date": "1936-02-11",
            "isee": "9000.00", "isee_expires_on": "2019-12-31", "resident": true, "continuation": false,
            "non_self_sufficient": true, "other_interventions": false, "amount": "1200.00",
            "household_id": h.id.to_string(), "member_id": h.members[0].id.to_string() } }),
    )
    .unwrap();
    s.call("ranking_publish", json!({ "call_id": c, "published_on": "2019-06-10" })).unwrap();
    let r = s
        .call(
            "award_save",
            json!({ "award": { "call_id": c, "protocol": "2019/000901", "first_month": "07/2019",
                               "last_month": "06/2020", "iban": "IT60 X054 2811 1010 0000 0123 456" } }),
        )
        .unwrap();
    let award = r["awards"][0]["award"]["id"].as_str().unwrap().to_string();
    s.call(
        "reimbursement_record",
        json!({ "claim": { "award_id": award, "received_on": "2019-08-05", "documents": [
            { "type": "busta_paga", "issuer": "RSSMRA80A01F205X", "number": "9/2019",
              "date": "2019-08-01", "month": "2019-07", "amount": "100.00" } ] } }),
    )
    .unwrap();
    s.call("liquidation_issue", json!({ "call_id": c, "issued_on": "2019-10-15" })).unwrap();
    dir.join("flusso-siuss.xml").display().to_string()
}
