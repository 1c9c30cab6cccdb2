//! The case scope of issue 5: an operatore works on their own cases and on
//! those of their équipe; a coordinatore on every case of the office. Refused
//! attempts are on record; the coordinator reads and exports who looked at a
//! case (the "Registro degli accessi").

use crate::print_support;
use crate::service_support;

use std::process::Command;

use serde_json::{json, Value};
use service_support::operators::{as_operator, register};
use service_support::{analysis_json, create_family, env, project_json, single_json, today, Env};
use sportello::domain::{DocumentKind, Household, Id, Role};
use sportello::service::access::{self, MATRIX};
use sportello::service::{AccessRow, Service};
use sportello::Code;

/// The office of the tests: two équipe, a coordinator, an operatore with no
/// équipe; a case of équipe Sud with its analysis, project, a document and an
/// eligibility check, and a case of équipe Nord.
struct Office {
    e: Env,
    sud: Household,
    nord: Household,
    sud_project: Id,
    sud_document: Id,
    nord1: Service,
    coord: Service,
}

fn office() -> Office {
    let e = env();
    let sud_op = register(&e, "sverdi", "Sara Verdi", Role::Operatore, Some("Équipe Sud"));
    register(&e, "nbianchi", "Nicola Bianchi", Role::Operatore, Some("Équipe Nord"));
    let admin = &e.service;
    let sud = create_family(admin);
    admin.household_assign(sud.id, sud_op.id).unwrap();
    admin
        .analysis_save(
            serde_json::from_value(analysis_json(&sud, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
        )
        .unwrap();
    let project = admin.project_save(serde_json::from_value(project_json(&sud)).unwrap()).unwrap();
    let doc = admin.document_add(sud.id, DocumentKind::Patto, "Patto", b"%PDF-1.7\n").unwrap();
    admin.eligibility_check(sud.id, today()).unwrap();
    // The Nord case is opened by a colleague of équipe Nord: theirs by creation.
    let colleague = e.reopen("nbianchi", today());
    let nord = colleague
        .household_save(
            serde_json::from_value(single_json("Rossi", "Maria Grazia", "1950-03-12", "F")).unwrap(),
        )
        .unwrap();
    assert_eq!(nord.responsabile.as_ref().map(|r| r.name.as_str()), Some("Nicola Bianchi"));
    let nord1 = as_operator(&e, "mneri", "Marco Neri", Role::Operatore, Some("Équipe Nord"));
    let coord = as_operator(&e, "lgialli", "Lucia Gialli", Role::Coordinatore, None);
    let sud = admin.household_get(sud.id).unwrap();
    Office { sud, nord, sud_project: project.id, sud_document: doc.id, nord1, coord, e }
}

fn audit_len(s: &Service) -> usize {
    s.storage().transaction(|tx| tx.audit_entries(None)).unwrap().len()
}

/// Temporary housing of the Sud family: a stay, concluded, and the family
/// back on the waiting list (their ids).
fn sud_housing(o: &Office) -> (String, String) {
    let admin = &o.e.service;
    let unit = admin
        .call("unit_save", json!({ "unit": { "address": "Via Gola 15, int. 2", "places": 4, "managing_body": "Comune di Milano" } }))
        .unwrap();
    let wait = |need: &str| {
        admin
            .call(
                "waiting_add",
                json!({ "waiting": { "household_id": o.sud.id.to_string(), "need": need, "people": 3 } }),
            )
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let first = wait("Sfratto");
    let stay = admin
        .call(
            "stay_place",
            json!({ "stay": { "waiting_id": first, "unit_id": unit["id"], "place": null, "entry": "2026-11-01", "planned_end": "2027-05-01" } }),
        )
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    admin
        .call("stay_update", json!({ "stay": { "stay_id": stay, "exit_date": "2026-11-20", "destination": "altro_servizio" } }))
        .unwrap();
    let sud_waiting = wait("Di nuovo senza casa");
    (stay, sud_waiting)
}

/// Runs the case command `command` as `s` on the case `h` (project and
/// document given), with a valid input.
fn run_case(
    s: &Service,
    command: &str,
    h: &Household,
    project: Id,
    document: Id,
    housing: (&str, &str),
) -> sportello::Result<Value> {
    let (stay, waiting) = housing;
    let hid = h.id.to_string();
    let pid = project.to_string();
    match command {
        "household_get" => s.call(command, json!({ "id": hid })),
        "household_save" => {
            let mut v = serde_json::to_value(h).unwrap();
            v["notes"] = json!("Nota scritta da chi non dovrebbe");
            s.call(command, json!({ "household": v }))
        }
        "analysis_get" | "project_get" | "documents_list" | "eligibility_facts_get" | "eligibility_checks_list"
        | "audit_history" | "audit_history_print" => s.call(command, json!({ "household_id": hid })),
        "analysis_save" => s.call(command, json!({ "analysis": analysis_json(h, "2026-11-20", "progetto_servizio_sociale") })),
        "quadro_get" => s.call(command, json!({ "household_id": hid })),
        "quadro_save" => s.call(command, json!({ "quadro": crate::service_support::quadro_json(h, "2026-11-20") })),
        "project_save" => s.call(command, json!({ "project": project_json(h) })),
        "project_set_status" => s.call(command, json!({ "project_id": pid, "status": "da_firmare" })),
        "signature_record" => s.call(
            command,
            json!({ "project_id": pid, "member_id": h.members[0].id.to_string(), "signed_on": "2026-11-20" }),
        ),
        "signature_annul" => s.call(
            command,
            json!({ "project_id": pid, "member_id": h.members[0].id.to_string(), "reason": "firma apposta sul foglio sbagliato" }),
        ),
        "agreement_print" => s.call(command, json!({ "project_id": pid })),
        "agreement_data" => s.agreement_data(project).map(|_| Value::Null),
        "document_add" => s.document_add(h.id, DocumentKind::Patto, "Patto", b"%PDF-1.7\n").map(|_| Value::Null),
        "document_open" | "document_view" => s.call(command, json!({ "id": document.to_string() })),
        "document_save" => {
            let dir = tempfile::tempdir().unwrap();
            let out = dir.path().join("copia.pdf");
            let saved = s.document_save_copy(document, &out).map(|_| Value::Null);
            // Refused: no file either.
            assert_eq!(out.exists(), saved.is_ok(), "{command}");
            saved
        }
        "convocation_print" => s.call(
            command,
            json!({ "household_id": hid, "date": "2026-12-01", "time": "09:30", "purpose": "analisi_preliminare", "place": "largo Treves 1", "ask_for": "Anna Verdi" }),
        ),
        "eligibility_facts_save" => s.call(command, json!({ "household_id": hid, "other_subsidies": true })),
        "eligibility_check" | "esito_print" => {
            s.call(command, json!({ "household_id": hid, "reference_date": "2026-11-20" }))
        }
        "household_assign" => s.call(command, json!({ "household_id": hid, "operator_id": s.operator().id.to_string() })),
        "household_sync_state" | "household_housing" | "household_enrolments" | "field_history" => {
            s.call(command, json!({ "household_id": hid }))
        }
        "enrolment_save" => s.call(
            command,
            json!({ "enrolment": { "household_id": hid, "member_id": h.members[0].id.to_string(),
                                   "intervention_id": Id::new().to_string(), "project_id": Id::new().to_string(),
                                   "entry_date": "2026-11-20" } }),
        ),
        "household_informativa" | "informativa_print" => s.call(command, json!({ "household_id": hid })),
        "informativa_given_record" => s.call(
            command,
            json!({ "household_id": hid, "member_id": h.members[0].id.to_string(), "given_on": "2026-11-20", "mode": "a_mano" }),
        ),
        "stay_place" => s.call(
            command,
            json!({ "stay": { "waiting_id": waiting, "unit_id": Id::new().to_string(), "place": null, "entry": "2026-11-20", "planned_end": "2027-05-20" } }),
        ),
        "stay_update" => s.call(command, json!({ "stay": { "stay_id": stay, "planned_end": "2027-05-20" } })),
        "waiting_add" => s.call(command, json!({ "waiting": { "household_id": hid, "need": "Sfratto", "people": 1 } })),
        "waiting_withdraw" => s.call(command, json!({ "waiting_id": waiting, "reason": "Ritirato da chi non dovrebbe" })),
        // Monitoring of the signed project (issue 12 item 3).
        "monitoring_record" => s.call(
            command,
            json!({ "project_id": pid, "meeting": { "held_on": "2026-11-20", "operators": ["Chi non dovrebbe"], "progress": [] } }),
        ),
        "monitoring_annul" => s.call(
            command,
            json!({ "project_id": pid, "meeting_id": Id::new().to_string(), "reason": "annullato da chi non dovrebbe" }),
        ),
        "project_redesign" => s.call(command, json!({ "project_id": pid, "reason": "riprogettato da chi non dovrebbe" })),
        "project_close" => s.call(
            command,
            json!({ "project_id": pid, "closure": { "closed_on": "2026-11-20", "reason": "rinuncia", "objectives": [] } }),
        ),
        other => panic!("«{other}» is a case command this test cannot run: add it"),
    }
}

#[test]
fn an_operatore_of_equipe_nord_is_refused_every_command_on_a_case_of_equipe_sud() {
    let o = office();
    let housing = sud_housing(&o);
    let before_doc = o.e.service.documents_list(o.sud.id).unwrap().len();
    let before_h = o.e.service.household_get(o.sud.id).unwrap();
    let mut walked = 0;
    for perm in MATRIX.iter().filter(|p| p.case && p.roles.contains(&Role::Operatore)) {
        walked += 1;
        let before = audit_len(&o.nord1);
        let err =
            run_case(&o.nord1, perm.command, &o.sud, o.sud_project, o.sud_document, (&housing.0, &housing.1))
                .expect_err(&format!("{} on a case of another équipe must be refused", perm.command));
        assert_eq!(err.code, Code::Forbidden, "{}: {err:?}", perm.command);
        assert!(err.message.starts_with("Il fascicolo è assegnato a un'altra équipe"), "{}", err.message);
        assert!(err.message.contains("Sara Verdi (Équipe Sud)"), "{}", err.message);
        // Nothing of the family's in the message: no name, no case number.
        assert!(
            !err.message.contains("Dell'Orto") && !err.message.contains(&o.sud.case_number),
            "{}",
            err.message
        );
        // The attempt is on record: one row, marked as refused, for the record tried.
        let rows = o.nord1.storage().transaction(|tx| tx.audit_entries(None)).unwrap();
        let new = &rows[before..];
        assert_eq!(new.len(), 1, "{}: {new:?}", perm.command);
        assert_eq!(new[0].detail.as_deref(), Some(access::REFUSED), "{}", perm.command);
        assert_eq!(new[0].operator_id, o.nord1.operator().id);
        assert!(new[0].action.starts_with(perm.command.split('_').next().unwrap()), "{}", new[0].action);
    }
    assert!(walked >= 19, "{walked} case commands walked");
    // Nothing was done: same household, same documents, no signature.
    assert_eq!(o.e.service.household_get(o.sud.id).unwrap(), before_h);
    assert_eq!(o.e.service.documents_list(o.sud.id).unwrap().len(), before_doc);
    assert!(o.e.service.project_get(o.sud.id).unwrap().unwrap().signatures.is_empty());

    // The same operatore works on the case of their équipe.
    let nord = o.nord1.household_get(o.nord.id).unwrap();
    assert_eq!(nord.id, o.nord.id);
    o.nord1.documents_list(o.nord.id).unwrap();
    o.nord1.eligibility_check(o.nord.id, today()).unwrap();
    // A coordinatore works on every case.
    o.coord.household_get(o.sud.id).unwrap();
    o.coord.project_get(o.sud.id).unwrap().unwrap();
    o.coord.document_open(o.sud_document).unwrap();
}

#[test]
fn lists_show_an_operatore_only_the_cases_in_scope() {
    let o = office();
    // A third case, assigned to nobody by hand (data written outside the app).
    let free = o
        .e
        .service
        .household_save(serde_json::from_value(single_json("Bruno", "Teresa", "1948-07-01", "F")).unwrap())
        .unwrap();
    service_support::raw(&o.e.db())
        .execute("UPDATE households SET responsabile_id = NULL WHERE id = ?1", [free.id.to_string()])
        .unwrap();
    let ids = |s: &Service, q: &str| -> Vec<Id> {
        s.households_search(q).unwrap().into_iter().map(|x| x.id).collect()
    };
    // "dell'orto" is Sud's, "rossi" Nord's, "bruno" nobody's.
    assert!(ids(&o.nord1, "dell'orto").is_empty());
    assert!(ids(&o.nord1, "DLLNCL").is_empty(), "not by codice fiscale either");
    assert!(!ids(&o.nord1, &o.sud.case_number).contains(&o.sud.id), "not by case number either");
    assert_eq!(ids(&o.nord1, "rossi"), [o.nord.id]);
    assert_eq!(ids(&o.nord1, "bruno"), [free.id], "a case with nobody in charge is everyone's");
    assert_eq!(ids(&o.coord, "dell'orto"), [o.sud.id]);
    assert_eq!(ids(&o.coord, "rossi"), [o.nord.id]);
    // An operatore of no équipe sees their own cases only.
    let solo = as_operator(&o.e, "psoli", "Paola Soli", Role::Operatore, None);
    assert!(ids(&solo, "rossi").is_empty());
    let own = solo
        .household_save(
            serde_json::from_value(single_json("Rossini", "Gioachino", "1962-02-28", "M")).unwrap(),
        )
        .unwrap();
    assert_eq!(ids(&solo, "rossi"), [own.id]);
    assert_eq!(solo.household_get(o.nord.id).unwrap_err().code, Code::Forbidden);
    // The board: the Sud case waits for signatures (analysis with a project
    // outcome); an analysis for the Nord case puts it there too.
    let nord = o.coord.household_get(o.nord.id).unwrap();
    o.nord1
        .analysis_save(
            serde_json::from_value(analysis_json(&nord, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
        )
        .unwrap();
    let board = |s: &Service| -> Vec<Id> {
        s.deadlines_board().unwrap().into_iter().map(|r| r.household_id).collect()
    };
    assert_eq!(board(&o.nord1), [o.nord.id]);
    let all = board(&o.coord);
    assert!(all.contains(&o.nord.id) && all.contains(&o.sud.id), "{all:?}");
    assert!(board(&solo).is_empty());
}

#[test]
fn a_coordinator_reassigns_a_case_and_the_scope_follows() {
    let o = office();
    assert_eq!(o.nord1.household_get(o.sud.id).unwrap_err().code, Code::Forbidden);
    let sud = &o.sud.responsabile.as_ref().unwrap();
    assert_eq!((sud.name.as_str(), sud.equipe.as_deref()), ("Sara Verdi", Some("Équipe Sud")));
    // An operatore may not reassign, even a case of their own équipe.
    let err = o
        .nord1
        .call(
            "household_assign",
            json!({"household_id": o.nord.id.to_string(), "operator_id": o.nord1.operator().id.to_string()}),
        )
        .unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
    assert!(err.message.contains("non consentita"), "{}", err.message);
    // Nobody unknown is put in charge.
    let err = o.coord.household_assign(o.sud.id, Id::new()).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("operator_id")));
    // The coordinator gives the Sud case to Marco Neri (Nord): now it is Nord's.
    let moved = o
        .coord
        .call(
            "household_assign",
            json!({"household_id": o.sud.id.to_string(), "operator_id": o.nord1.operator().id.to_string()}),
        )
        .unwrap();
    assert_eq!(moved["responsabile"]["name"], "Marco Neri");
    assert_eq!(moved["responsabile"]["equipe"], "Équipe Nord");
    assert_eq!(o.nord1.household_get(o.sud.id).unwrap().id, o.sud.id);
    let sara = o.e.reopen("sverdi", today());
    assert_eq!(sara.household_get(o.sud.id).unwrap_err().code, Code::Forbidden);
    // An operator moved to another équipe takes the team's view with them.
    o.e.service
        .call(
            "operator_save",
            json!({"username": "sverdi", "name": "Sara Verdi", "role": "operatore", "equipe": "Équipe Nord"}),
        )
        .unwrap();
    assert_eq!(sara.household_get(o.sud.id).unwrap().id, o.sud.id);
    // Absent équipe: unchanged; empty: none.
    o.e.service
        .call("operator_save", json!({"username": "sverdi", "name": "Sara Verdi", "role": "operatore"}))
        .unwrap();
    assert_eq!(sara.household_get(o.sud.id).unwrap().id, o.sud.id);
    let v =
        o.e.service
            .call(
                "operator_save",
                json!({"username": "sverdi", "name": "Sara Verdi", "role": "operatore", "equipe": ""}),
            )
            .unwrap();
    assert_eq!(v["equipe"], Value::Null);
    assert_eq!(sara.household_get(o.sud.id).unwrap_err().code, Code::Forbidden);
    let list = o.coord.operators_list().unwrap();
    let neri = list.iter().find(|a| a.operator.username == "mneri").unwrap();
    assert_eq!(neri.equipe.as_deref(), Some("Équipe Nord"));
}

fn actions(rows: &[AccessRow]) -> Vec<(&str, &str)> {
    rows.iter().map(|r| (r.action.as_str(), r.username.as_str())).collect()
}

#[test]
fn the_history_of_a_case_lists_reads_in_order_with_its_records_and_refusals() {
    let o = office();
    let sara = o.e.reopen("sverdi", today());
    sara.household_get(o.sud.id).unwrap();
    sara.document_open(o.sud_document).unwrap();
    o.coord.household_get(o.sud.id).unwrap();
    o.nord1.household_get(o.sud.id).unwrap_err();
    // Another case's rows are not this case's.
    o.coord.household_get(o.nord.id).unwrap();

    let err = o.nord1.call("audit_history", json!({"household_id": o.sud.id.to_string()})).unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
    let err = sara.call("audit_history", json!({"household_id": o.sud.id.to_string()})).unwrap_err();
    assert_eq!(err.code, Code::Forbidden, "not even the operatore in charge");

    let v = o.coord.call("audit_history", json!({"household_id": o.sud.id.to_string()})).unwrap();
    let rows: Vec<Value> = v.as_array().unwrap().clone();
    let got: Vec<(&str, &str, bool)> = rows
        .iter()
        .map(|r| {
            (r["action"].as_str().unwrap(), r["username"].as_str().unwrap(), r["refused"].as_bool().unwrap())
        })
        .collect();
    assert_eq!(
        got,
        [
            ("household_create", "averdi", false),
            ("household_assign", "averdi", false),
            ("analysis_save", "averdi", false),
            ("project_save", "averdi", false),
            ("document_add", "averdi", false),
            ("eligibility_check", "averdi", false),
            ("household_get", "averdi", false),
            ("household_get", "sverdi", false),
            ("document_open", "sverdi", false),
            ("household_get", "lgialli", false),
            ("household_get", "mneri", true),
        ]
    );
    let open = &rows[8];
    assert_eq!(open["operator_name"], "Sara Verdi");
    assert_eq!(open["role"], "operatore");
    assert_eq!(open["action_label"], "apertura di un documento");
    assert_eq!(open["record_kind"], "documento");
    assert_eq!(open["record"], "documento «Patto»");
    assert_eq!(open["record_id"], o.sud_document.to_string());
    assert!(rows.windows(2).all(|w| w[0]["seq"].as_i64() < w[1]["seq"].as_i64()));
    // The look is on record, for the next look (and not in its own answer).
    let again = o.coord.audit_history(o.sud.id).unwrap();
    assert_eq!(actions(&again).last(), Some(&("audit_history", "lgialli")));
    assert_eq!(again.len(), rows.len() + 1);
    // From a record of the case, the same history.
    let from_project = o.coord.audit_history(o.sud_project).unwrap();
    assert_eq!(from_project.len(), again.len() + 1);
}

#[test]
fn the_coordinator_exports_the_history_as_a_pdf_filed_with_the_case() {
    let o = office();
    let sara = o.e.reopen("sverdi", today());
    sara.household_get(o.sud.id).unwrap();
    sara.document_open(o.sud_document).unwrap();
    o.nord1.household_get(o.sud.id).unwrap_err();
    let doc = o.coord.call("audit_history_print", json!({"household_id": o.sud.id.to_string()})).unwrap();
    assert_eq!(doc["kind"], "registro_accessi");
    let title = format!("Registro degli accessi al fascicolo {}", o.sud.case_number);
    assert!(doc["title"].as_str().unwrap().starts_with(&title), "{doc}");
    let listed = o.coord.documents_list(o.sud.id).unwrap();
    let filed = listed.iter().find(|d| d.kind == DocumentKind::RegistroAccessi).expect("filed with the case");
    let path = o.coord.document_open(filed.id).unwrap();
    // SPORTELLO_KEEP_PDF=<dir>: a copy to look at (pdftoppm -png).
    if let Some(dir) = std::env::var_os("SPORTELLO_KEEP_PDF") {
        std::fs::copy(&path, std::path::Path::new(&dir).join("registro-accessi.pdf")).unwrap();
    }
    let text = print_support::squash(&print_support::pdf_text(&std::fs::read(path).unwrap()));
    assert!(text.contains(&title), "{text}");
    for needle in [
        "Anna Verdi (averdi) amministratore creazione di un nucleo",
        "Sara Verdi (sverdi)",
        "consultazione di un nucleo",
        "Marco Neri (mneri)",
        "RIFIUTATO",
        "documento «Patto»",
        "verifica dei requisiti",
        "Lucia Gialli",
        "Dell'Orto Niccolò",
    ] {
        assert!(text.contains(needle), "«{needle}» missing from: {text}");
    }
    // Sara's read comes before Marco's refused attempt, as they happened.
    assert!(text.find("Sara Verdi (sverdi)").unwrap() < text.find("Marco Neri (mneri)").unwrap());
    // The date is the office's gg/mm/aaaa.
    assert!(text.contains("20/11/2026"), "{text}");
    // An operatore cannot export it, even for a case of theirs.
    let err = sara.call("audit_history_print", json!({"household_id": o.sud.id.to_string()})).unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
}

fn sportello(e: &Env, operator: &str, args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sportello"));
    service_support::cli_login(&mut cmd)
        .env("SPORTELLO_OPERATOR", operator)
        .env("SPORTELLO_DOCUMENTS", e.docs())
        .env("SPORTELLO_VIEWING_DIR", e.dir.path().join("vista"));
    let out = cmd.args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_command_line_gives_the_history_as_text_json_and_csv() {
    let o = office();
    let sara = o.e.reopen("sverdi", today());
    sara.household_get(o.sud.id).unwrap();
    drop(sara);
    let db = o.e.db();
    let db = db.to_str().unwrap();
    let csv = o.e.dir.path().join("accessi.csv");
    let history = ["audit", "history", "--database", db, "--household", &o.sud.case_number];
    let (code, out, err) =
        sportello(&o.e, "averdi", &[&history[..], &["--json", "--csv", csv.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{err}");
    let rows: Vec<Value> = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(rows.first().unwrap()["action"], "household_create");
    assert!(rows.iter().any(|r| r["username"] == "sverdi" && r["action"] == "household_get"));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("\u{feff}data_ora;at_utc;username;operatore;ruolo;azione;descrizione;esito;dato;id_dato")
    );
    assert!(
        text.contains("sverdi;Sara Verdi;operatore;household_get;consultazione di un nucleo;eseguito;nucleo"),
        "{text}"
    );
    assert_eq!(text.lines().count(), rows.len() + 1);
    // The same rows as a workbook.
    let xlsx = csv.with_extension("xlsx");
    let (code, _, err) =
        sportello(&o.e, "averdi", &[&history[..], &["--csv", xlsx.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{err}");
    {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
        let sheet = book.worksheet_range("Registro accessi").unwrap();
        // This second look is one more row.
        assert_eq!(sheet.height(), rows.len() + 2);
        assert_eq!(sheet.get((0, 0)).unwrap().to_string(), "data_ora");
    }
    // By id, as text.
    let (code, out, err) = sportello(
        &o.e,
        "averdi",
        &["audit", "history", "--database", db, "--household", &o.sud.id.to_string()],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Sara Verdi (sverdi, operatore)  consultazione di un nucleo"), "{out}");
    // The command line's looks are on record too.
    let history = o.e.service.audit_history(o.sud.id).unwrap();
    // (three: the JSON with the CSV, the workbook, the text)
    assert_eq!(history.iter().filter(|r| r.action == "audit_history" && r.username == "averdi").count(), 3);
    // An operatore is refused; an unknown case is named.
    let (code, _, err) =
        sportello(&o.e, "sverdi", &["audit", "history", "--database", db, "--household", &o.sud.case_number]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("non consentita"), "{err}");
    let (code, _, err) =
        sportello(&o.e, "averdi", &["audit", "history", "--database", db, "--household", "2026/999999"]);
    assert_eq!(code, 2);
    assert!(err.contains("household") && err.contains("non trovato"), "{err}");
}

#[test]
fn migration_6_puts_existing_cases_in_the_charge_of_who_opened_them() {
    use sportello::storage::migrations::{migrate, MIGRATIONS};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v5.sqlite");
    let key = service_support::hand_made_keys(&path);
    let (mrossi, case) = ("0190d2c4-0000-7000-8000-000000000002", "0190d2c4-0000-7000-8000-0000000000aa");
    {
        let mut conn = service_support::keyed(&path, &key);
        conn.pragma_update(None, "application_id", sportello::storage::APPLICATION_ID).unwrap();
        let v5 = MIGRATIONS.iter().position(|m| m.version == 5).unwrap();
        assert_eq!(migrate(&mut conn, &MIGRATIONS[..=v5]).unwrap(), 5);
        conn.execute_batch(&format!(
            "INSERT INTO operators (id, username, name, role, created_at) VALUES
               ('0190d2c4-0000-7000-8000-000000000001', 'averdi', 'Anna Verdi', 'amministratore', '2026-11-20T09:00:00.000Z'),
               ('{mrossi}', 'mrossi', 'Mario Rossi', 'operatore', '2026-11-20T09:00:00.000Z');
             INSERT INTO households (id, case_number, case_year, case_seq, case_key, comune, created_at, updated_at,
                                     created_by, updated_by)
             VALUES ('{case}', '2026/000001', 2026, 1, '2026000001', 'F205', '2026-11-20T09:30:00.000Z',
                     '2026-11-20T09:30:00.000Z', '{mrossi}', '0190d2c4-0000-7000-8000-000000000001');"
        ))
        .unwrap();
    }
    let s = service_support::login(&path, &dir.path().join("documenti"), "averdi", today()).unwrap();
    assert_eq!(s.storage().schema_version().unwrap(), sportello::storage::migrations::latest());
    let h = s.household_get(case.parse().unwrap()).unwrap();
    let owner = h.responsabile.expect("the operator who opened the case");
    assert_eq!(
        (owner.id.to_string().as_str(), owner.name.as_str(), owner.equipe),
        (mrossi, "Mario Rossi", None)
    );
    assert!(s.operators_list().unwrap().iter().all(|a| a.equipe.is_none()));
    drop(s);
    // An équipe is a name or nothing: never an empty string.
    let conn = service_support::keyed(&path, &key);
    assert!(conn.execute("UPDATE operators SET equipe = ' ' WHERE username = 'mrossi'", []).is_err());
}

#[test]
fn nuclei_opens_on_the_operators_own_cases_and_the_board_names_who_is_in_charge() {
    let o = office();
    let ids =
        |s: &Service| -> Vec<Id> { s.households_caseload().unwrap().into_iter().map(|h| h.id).collect() };
    // Each operator's own cases; a colleague's case of the same équipe is
    // found by searching, not listed as theirs; the coordinator follows none.
    let sud_op = o.e.reopen("sverdi", today());
    let nord_op = o.e.reopen("nbianchi", today());
    assert_eq!(ids(&sud_op), [o.sud.id]);
    assert_eq!(ids(&nord_op), [o.nord.id]);
    assert!(ids(&o.nord1).is_empty());
    assert_eq!(o.nord1.households_search("rossi").unwrap()[0].id, o.nord.id);
    assert!(ids(&o.coord).is_empty());
    // Through the app's door, without input, and on record.
    let listed = sud_op.call("households_caseload", Value::Null).unwrap();
    assert_eq!(listed[0]["name"], "Dell'Orto Niccolò");
    assert_eq!(sud_op.call("households_caseload", json!({"query": "x"})).unwrap_err().code, Code::Invalid);

    // A search says which member it found, when not the richiedente.
    let found = o.coord.households_search("nguyen").unwrap();
    assert_eq!(found[0].id, o.sud.id);
    assert_eq!(found[0].matched.as_deref(), Some("Nguyễn Thị Lan, coniuge"));
    let zoe = o.coord.households_search("zoe").unwrap();
    assert_eq!(zoe[0].matched.as_deref(), Some("Dell'Orto Zoë, figlia"));
    let by_applicant = o.coord.households_search("dell'orto ni").unwrap();
    assert_eq!(by_applicant[0].matched, None, "the row already shows the richiedente");
    assert_eq!(o.coord.households_search("2026/").unwrap()[0].matched, None);

    // The board names who is in charge of each case and their équipe (the
    // screen filters on them).
    let nord = o.coord.household_get(o.nord.id).unwrap();
    o.coord
        .analysis_save(
            serde_json::from_value(analysis_json(&nord, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
        )
        .unwrap();
    let board = o.coord.deadlines_board().unwrap();
    let owner = |h: Id| {
        let r = board.iter().find(|r| r.household_id == h).unwrap().responsabile.clone().unwrap();
        (r.name, r.equipe)
    };
    assert_eq!(owner(o.sud.id), ("Sara Verdi".to_string(), Some("Équipe Sud".to_string())));
    assert_eq!(owner(o.nord.id), ("Nicola Bianchi".to_string(), Some("Équipe Nord".to_string())));
}
