//! Calls, applications, rankings, publication and appeals through the service
//! (and its JSON contract): import all or none, the app's ranking is the CLI's,
//! publishing freezes, appeals make new versions, roles, and a public PDF that
//! names nobody.

use crate::service_support;

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use serde_json::{json, Value};
use service_support::{create_family, d, env, Env};
use sportello::catalog::rule_sets;
use sportello::domain::Id;
use sportello::rules::applications::{Application, COLUMNS};
use sportello::rules::b2;
use sportello::service::{AppealDecisionInput, AppealInput, CallInput, Service};
use sportello::{Code, Money};

const EXAMPLE_CSV: &str = include_str!("scenari/esempi/b2-anziani-applications.csv");
const EXAMPLE_EXPECTED: &str = include_str!("scenari/esempi/b2-anziani-expected.json");

fn new_call(s: &Service, measure: &str, budget: &str) -> Id {
    let v = s
        .call(
            "call_save",
            json!({"call": {"title": "Avviso B2 2019", "measure": measure, "rule_set": "milano-b2-2019",
                            "budget": budget}}),
        )
        .unwrap();
    Id::parse("id", v["id"].as_str().unwrap()).unwrap()
}

fn example_call(e: &Env) -> Id {
    let id = new_call(&e.service, "b2-anziani", "20000.00");
    let out = e.service.applications_import(id, EXAMPLE_CSV).unwrap();
    assert!(out.saved, "{out:?}");
    assert_eq!(out.imported, 13);
    id
}

/// The draft as `sportello rank --json` prints it.
fn cli_shape(v: &Value) -> Value {
    let ranked = |list: &Value| -> Value {
        list.as_array()
            .unwrap()
            .iter()
            .map(|r| {
                json!({"position": r["position"], "protocol": r["protocol"], "score": r["score"],
                       "amount": r["requested"]})
            })
            .collect()
    };
    json!({
        "measure": v["measure"],
        "budget": v["budget"],
        "allocated": v["allocated"],
        "remaining": v["remaining"],
        "funded": ranked(&v["funded"]),
        "admitted_not_funded": ranked(&v["admitted_not_funded"]),
        "not_admitted": v["not_admitted"].as_array().unwrap().iter().map(|r| json!({
            "protocol": r["protocol"],
            "reasons": r["reasons"].as_array().unwrap().iter().map(|x| x["code"].clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

#[test]
fn the_draft_ranking_is_the_clis_answer_on_the_example() {
    let e = env();
    let id = example_call(&e);
    let draft = e.service.call("ranking_draft", json!({"call_id": id.to_string()})).unwrap();
    let expected: Value = serde_json::from_str(EXAMPLE_EXPECTED).unwrap();
    assert_eq!(cli_shape(&draft), expected);
    // Points by criterion and the explanation come with every row.
    let first = &draft["funded"][0];
    assert_eq!(first["protocol"], "2019/000101");
    assert_eq!(first["points"]["continuation"], "5");
    assert!(first["explanation"].as_array().unwrap().len() > 2, "{first}");
    let refused = &draft["not_admitted"][0];
    assert!(refused["reasons"][0]["text"].as_str().unwrap().contains("40.000"), "{refused}");
    // The call's list shows the count and no publication yet.
    let list = e.service.call("calls_list", Value::Null).unwrap();
    assert_eq!(list[0]["applications"], 13);
    assert_eq!(list[0]["versions"], 0);
    assert_eq!(list[0]["window_from"], "2019-02-01");
    assert_eq!(list[0]["window_to"], "2019-05-31");
}

#[test]
fn an_import_with_a_bad_row_saves_nothing_and_names_line_and_column() {
    let e = env();
    let id = new_call(&e.service, "b2-anziani", "20000.00");
    // Line 4 (header = 1): a date that does not exist; line 6: an amount that is not one.
    let mut lines: Vec<String> = EXAMPLE_CSV.lines().map(String::from).collect();
    lines[3] = lines[3].replace("2019-02-05", "2019-02-30");
    lines[5] = lines[5].replace(",4800.00", ",48OO.00");
    let bad = lines.join("\n");
    let out = e.service.call("applications_import", json!({"call_id": id.to_string(), "csv": bad})).unwrap();
    assert_eq!(out["saved"], false);
    assert_eq!(out["imported"], 0);
    let refused = out["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 2, "{out}");
    assert_eq!(refused[0]["line"], 4);
    assert_eq!(refused[0]["column"], "submitted_on");
    assert_eq!(refused[1]["line"], 6);
    assert_eq!(refused[1]["column"], "amount");
    assert!(out["summary"].as_str().unwrap().contains("nessuna domanda importata"));
    assert!(e.service.call_get(id).unwrap().applications.is_empty(), "nothing saved");

    // The good file goes in whole; importing it again clashes on every protocol.
    let ok = e.service.applications_import(id, EXAMPLE_CSV).unwrap();
    assert!(ok.saved);
    let again = e.service.applications_import(id, EXAMPLE_CSV).unwrap();
    assert!(!again.saved);
    assert_eq!(again.refused.len(), 13);
    assert_eq!(again.refused[0].line, Some(2), "{:?}", again.refused);
    assert_eq!(again.refused[0].column.as_deref(), Some("protocol"));
    assert_eq!(e.service.call_get(id).unwrap().applications.len(), 13);
}

#[test]
fn a_typed_application_is_validated_as_a_csv_row_and_may_link_a_household() {
    let e = env();
    let h = create_family(&e.service);
    let id = new_call(&e.service, "b2-anziani", "20000.00");
    let mut app = json!({"protocol": "2019/000201", "submitted_on": "2019-03-01", "birth_date": "1930-01-01",
        "isee": "9000.00", "isee_expires_on": "2019-12-31", "resident": true, "continuation": false,
        "non_self_sufficient": true, "independent_living": false, "other_interventions": false,
        "amount": "4800.00", "household_id": h.id.to_string()});
    let saved =
        e.service.call("application_save", json!({"call_id": id.to_string(), "application": app})).unwrap();
    assert_eq!(saved["household_id"], h.id.to_string());
    assert_eq!(saved["isee"], "9000.00");

    app["amount"] = json!("-1.00");
    let err = e
        .service
        .call("application_save", json!({"call_id": id.to_string(), "application": app}))
        .unwrap_err();
    assert_eq!(err.code, Code::Invalid);
    assert_eq!(err.field.as_deref(), Some("amount"));
    assert_eq!(err.line, None);
    app["amount"] = json!("4000.00");
    app["household_id"] = json!(Id::new().to_string());
    let err = e
        .service
        .call("application_save", json!({"call_id": id.to_string(), "application": app}))
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("household_id"));
    // A correction of the same protocol replaces it.
    app["household_id"] = json!(null);
    e.service.call("application_save", json!({"call_id": id.to_string(), "application": app})).unwrap();
    let apps = e.service.call_get(id).unwrap().applications;
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].application.amount, Money::parse("4000.00").unwrap());
}

fn appeal(id: Id, protocol: &str, filed_on: &str) -> AppealInput {
    AppealInput {
        call_id: Some(id.to_string()),
        protocol: Some(protocol.into()),
        filed_on: Some(filed_on.into()),
        grounds: Some("L'ISEE valido era stato presentato allo sportello il 4 febbraio".into()),
        documents: vec![Some("attestazione ISEE INPS-ISEE-2019-000000123-00 valida al 31/12/2019".into())],
    }
}

fn uphold(id: Id, appeal_id: u32, on: &str, corrected: Value) -> AppealDecisionInput {
    AppealDecisionInput {
        call_id: Some(id.to_string()),
        appeal_id: Some(appeal_id),
        decided_on: Some(on.into()),
        outcome: Some("upheld".into()),
        note: Some("ISEE valido alla data della domanda, verificato su INPS".into()),
        corrected: Some(serde_json::from_value(corrected).unwrap()),
    }
}

#[test]
fn publishing_freezes_and_an_upheld_appeal_makes_version_two() {
    let e = env();
    let id = example_call(&e);
    let v1 = e.service.ranking_publish(id, d("2019-06-10")).unwrap();
    assert_eq!(v1.version, 1);
    assert_eq!(v1.rule_set.id, "milano-b2-2019");
    assert_eq!(v1.appeal_deadline, d("2019-07-10"));
    let pdf1 = std::fs::read(&v1.pdf_path).unwrap();
    assert!(pdf1.starts_with(b"%PDF-"));
    let stored1 = e.service.ranking_versions(id).unwrap();

    // Frozen: the applications cannot change any more except through an appeal.
    let err = e.service.applications_import(id, "protocol\n").unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    // Nothing to publish again without an upheld appeal.
    assert_eq!(e.service.ranking_publish(id, d("2019-06-11")).unwrap_err().code, Code::Conflict);

    // 2019/000105 had no valid ISEE: the appeal brings it.
    let a = e.service.appeal_file(appeal(id, "2019/000105", "2019-06-20")).unwrap();
    assert_eq!(a.id, 1);
    assert_eq!(a.documents.len(), 1);
    let decided = e
        .service
        .appeal_decide(uphold(
            id,
            1,
            "2019-07-15",
            json!({"isee": "5000.00", "isee_expires_on": "2019-12-31"}),
        ))
        .unwrap();
    assert!(matches!(decided.outcome, sportello::rules::appeals::AppealOutcome::Upheld { .. }));
    let detail = e.service.call_get(id).unwrap();
    assert_eq!(detail.upheld_not_published, [1]);
    // A decided appeal is decided once.
    assert_eq!(
        e.service.appeal_decide(uphold(id, 1, "2019-07-16", json!({"isee": "1.00"}))).unwrap_err().code,
        Code::Conflict
    );

    let v2 = e.service.ranking_publish(id, d("2019-07-20")).unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(v2.upheld_appeals, [1]);
    let own = v2.changes.iter().find(|c| c.protocol == "2019/000105").unwrap();
    assert!(own.why.starts_with("Ricorso n. 1 accolto il 15/07/2019"), "{}", own.why);
    assert!(own.after.is_some() && own.before.as_ref().unwrap().position.is_none());
    // Version 1 unchanged, byte for byte, in the database and on disk.
    let all = e.service.ranking_versions(id).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0], stored1[0]);
    assert_eq!(e.service.ranking_pdf(id, 1).unwrap(), pdf1);
    assert_eq!(std::fs::read(&all[0].pdf_path).unwrap(), pdf1);
    assert_ne!(std::fs::read(&all[1].pdf_path).unwrap(), pdf1);
    let cmp =
        e.service.call("ranking_compare", json!({"call_id": id.to_string(), "from": 1, "to": 2})).unwrap();
    assert_eq!(cmp["changes"], serde_json::to_value(&v2.changes).unwrap());

    // The office CSV of each version.
    let out = e.service.ranking_export(id, Some(1), false).unwrap();
    let text = std::fs::read_to_string(&out.path).unwrap();
    assert!(text.starts_with("\u{feff}posizione;protocollo;esito"));
    assert!(text.contains("milano-b2-2019 v1"));
    // The same table as a workbook, through the command the app calls.
    let x = e
        .service
        .call("ranking_export_csv", json!({"call_id": id.to_string(), "version": 1, "format": "xlsx"}))
        .unwrap();
    assert!(x["file_name"].as_str().unwrap().ends_with(".xlsx"), "{x}");
    let bytes = std::fs::read(x["path"].as_str().unwrap()).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Graduatoria").unwrap();
    assert_eq!(sheet.height(), text.lines().count());
    let bad = e
        .service
        .call("ranking_export_csv", json!({"call_id": id.to_string(), "version": 1, "format": "ods"}));
    assert_eq!(bad.unwrap_err().field.as_deref(), Some("format"));

    // The database itself refuses to change a published version.
    let db = e.db();
    drop(e.service);
    let conn = service_support::raw(&db);
    let err = conn.execute("UPDATE ranking_versions SET published_on = '2019-06-01'", []).unwrap_err();
    assert!(err.to_string().contains("never changed"), "{err}");
    assert!(conn.execute("DELETE FROM ranking_versions", []).is_err());
}

#[test]
fn the_appeal_deadline_is_thirty_calendar_days_moved_off_sundays() {
    let e = env();
    let id = example_call(&e);
    // Friday 14 June 2019 + 30 days = Sunday 14 July → Monday 15 July.
    let v =
        e.service.call("ranking_publish", json!({"call_id": id.to_string(), "published_on": "2019-06-14"}));
    let v = v.unwrap();
    assert_eq!(v["appeal_deadline"], "2019-07-15");
    let summary = e.service.calls_list().unwrap();
    assert_eq!(summary[0].appeal_deadline, Some(d("2019-07-15")));
    // Filed on the deadline: accepted; the day after: refused on filed_on.
    e.service.appeal_file(appeal(id, "2019/000110", "2019-07-15")).unwrap();
    let err = e.service.appeal_file(appeal(id, "2019/000111", "2019-07-16")).unwrap_err();
    assert_eq!(err.code, Code::Invalid);
    assert_eq!(err.field.as_deref(), Some("filed_on"));
    assert!(err.message.contains("15/07/2019"), "{}", err.message);
    // Before the window closes nothing is published.
    let other = example_call(&e);
    let err = e.service.ranking_publish(other, d("2019-05-31")).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("published_on"));
}

#[test]
fn an_operatore_may_file_but_not_publish_nor_decide() {
    let e = env();
    let id = example_call(&e);
    let desk = e.reopen("mrossi", service_support::today());
    assert_eq!(desk.operator().role, sportello::domain::Role::Operatore);
    let err = desk.call("ranking_publish", json!({"call_id": id.to_string(), "published_on": "2019-06-10"}));
    let err = err.unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
    assert!(err.message.contains("coordinatore"), "{}", err.message);
    assert!(e.service.ranking_versions(id).unwrap().is_empty());
    assert!(!desk.call_get(id).unwrap().can_publish);

    e.service.ranking_publish(id, d("2019-06-10")).unwrap();
    desk.appeal_file(appeal(id, "2019/000105", "2019-06-20")).unwrap();
    let err = desk.appeal_decide(uphold(id, 1, "2019-07-01", json!({"isee": "5000.00"}))).unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
    let a = &e.service.call_get(id).unwrap().appeals[0];
    assert_eq!(a.outcome, sportello::rules::appeals::AppealOutcome::Pending);
}

#[test]
fn the_public_pdf_names_nobody() {
    let e = env();
    let h = create_family(&e.service);
    let id = example_call(&e);
    // Link one application to the family and add one for it by hand.
    let app = json!({"protocol": "2019/000201", "submitted_on": "2019-03-01", "birth_date": "1930-01-01",
        "isee": "9876.54", "isee_expires_on": "2019-12-31", "resident": "true", "continuation": "false",
        "non_self_sufficient": "true", "independent_living": "", "other_interventions": "false",
        "amount": "1000.00", "household_id": h.id.to_string()});
    e.service.call("application_save", json!({"call_id": id.to_string(), "application": app})).unwrap();
    let v = e.service.ranking_publish(id, d("2019-06-10")).unwrap();
    let out = std::process::Command::new("pdftotext").args([&v.pdf_path, "-"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("2019/000201") && text.contains("2019/000101"), "{text}");
    for m in &h.members {
        assert!(!text.contains(&m.last_name), "{} in the public PDF", m.last_name);
        assert!(!text.contains(&m.first_name), "{} in the public PDF", m.first_name);
        assert!(!text.to_uppercase().contains(&m.codice_fiscale.to_uppercase()));
    }
    // No birth date, ISEE value or requested amount of the not funded either.
    assert!(!text.contains("1930") && !text.contains("01/01/1930"));
    assert!(!text.contains("9.876,54") && !text.contains("9876.54") && !text.contains("9876,54"));
    assert!(!text.contains("2.400,00"), "requested amount of an unfunded application");
}

fn day(from: &str, offset: i64) -> NaiveDate {
    NaiveDate::parse_from_str(from, "%Y-%m-%d").unwrap() + Duration::days(offset)
}

fn application(i: usize) -> impl Strategy<Value = Application> {
    (
        (
            0i64..140,
            0usize..5,
            prop::option::weighted(0.9, prop_oneof![Just(0i64), Just(4_000_000), 0i64..5_000_000]),
        ),
        (prop::option::weighted(0.95, -3i64..300), any::<bool>(), any::<bool>(), any::<bool>()),
        (any::<bool>(), any::<bool>(), prop_oneof![Just(120_000i64), Just(480_000), 0i64..1_000_000]),
    )
        .prop_map(move |((sub, birth, isee), (exp, resident, cont, nss), (il, oi, amount))| {
            let submitted_on = day("2019-01-20", sub);
            Application {
                protocol: format!("2019/{:06}", 1000 - i),
                submitted_on,
                birth_date: ["1934-02-04", "1932-02-29", "1940-07-01", "1929-12-12", "1990-06-15"]
                    .map(|s| day(s, 0))[birth],
                isee: isee.map(Money::from_cents),
                isee_expires_on: exp.map(|e| submitted_on + Duration::days(e)),
                resident: resident || cont,
                continuation: cont,
                non_self_sufficient: nss,
                independent_living: il,
                other_interventions: oi,
                amount: Money::from_cents(amount),
            }
        })
}

fn csv_of(apps: &[Application]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COLUMNS).unwrap();
    for a in apps {
        w.write_record([
            a.protocol.clone(),
            a.submitted_on.to_string(),
            a.birth_date.to_string(),
            a.isee.map(|m| m.to_string()).unwrap_or_default(),
            a.isee_expires_on.map(|d| d.to_string()).unwrap_or_default(),
            a.resident.to_string(),
            a.continuation.to_string(),
            a.non_self_sufficient.to_string(),
            a.independent_living.to_string(),
            a.other_interventions.to_string(),
            a.amount.to_string(),
        ])
        .unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn the_apps_ranking_is_the_libraries_on_generated_calls(
        apps in (1usize..30).prop_flat_map(|n| (0..n).map(application).collect::<Vec<_>>()),
        disabili in any::<bool>(),
        budget in 0i64..3_000_000,
    ) {
        let measure = if disabili { "b2-disabili" } else { "b2-anziani" };
        let e = env();
        let budget = Money::from_cents(budget);
        let id = e.service.call_save(CallInput {
            title: Some("Avviso generato".into()),
            measure: Some(measure.into()),
            rule_set: Some("milano-b2-2019".into()),
            budget: Some(budget.to_string()),
            ..CallInput::default()
        }).unwrap().summary.id;
        let out = e.service.applications_import(id, csv_of(&apps)).unwrap();
        prop_assert!(out.saved, "{:?}", out);
        let set = rule_sets::builtin().get("milano-b2-2019").unwrap();
        let expected = b2::rank(&apps, set, measure, budget).unwrap();
        let draft = e.service.ranking_draft(id).unwrap();
        prop_assert_eq!(&draft.ranking, &expected);
        let rows = draft.funded.len() + draft.admitted_not_funded.len() + draft.not_admitted.len();
        prop_assert_eq!(rows, apps.len());
    }
}

#[test]
fn a_schema_one_database_gains_the_calls_tables_and_keeps_its_data() {
    use sportello::storage::migrations::{migrate, MIGRATIONS};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    let key = service_support::hand_made_keys(&path);
    {
        let mut conn = service_support::keyed(&path, &key);
        conn.pragma_update(None, "application_id", sportello::storage::APPLICATION_ID).unwrap();
        assert_eq!(migrate(&mut conn, &MIGRATIONS[..1]).unwrap(), 1);
        conn.execute(
            "INSERT INTO operators (id, username, name, role, created_at)
             VALUES ('0190d2c4-0000-7000-8000-000000000001', 'averdi', 'Anna Verdi', 'coordinatore', '2026-11-20T09:00:00.000Z')",
            [],
        )
        .unwrap();
    }
    let s = service_support::login(&path, &dir.path().join("documenti"), "averdi", service_support::today())
        .unwrap();
    assert_eq!(s.storage().schema_version().unwrap(), sportello::storage::migrations::latest());
    assert_eq!(s.operator().name, "Anna Verdi");
    assert!(s.calls_list().unwrap().is_empty());
    drop(s);
    let conn = service_support::keyed(&path, &key);
    for t in ["calls", "call_applications", "ranking_versions", "appeals"] {
        let strict: i64 = conn
            .query_row("SELECT strict FROM pragma_table_list WHERE name = ?1", [t], |r| r.get(0))
            .unwrap();
        assert_eq!(strict, 1, "{t} should be STRICT");
    }
}

// ---- issue 15: a day at the desk ------------------------------------------------

#[test]
fn a_new_call_starts_from_the_rules_in_force_on_the_day() {
    // January 2019: the 2019 rules are in force, and proposed.
    let e = service_support::env_on(d("2019-01-15"));
    let t = e.service.call("call_template", Value::Null).unwrap();
    assert_eq!(t["default_rule_set"], "milano-b2-2019");
    assert_eq!(t["note"], Value::Null);
    let set = &t["rule_sets"][0];
    assert_eq!(set["in_force"], true);
    assert_eq!(
        (set["window_from"].as_str(), set["window_to"].as_str()),
        (Some("2019-02-01"), Some("2019-05-31"))
    );

    // November 2026: nothing is in force, nothing is proposed, and the form is told why.
    let e = env();
    let t = e.service.call("call_template", Value::Null).unwrap();
    assert_eq!(t["default_rule_set"], Value::Null);
    assert_eq!(t["on"], "2026-11-20");
    let note = t["note"].as_str().unwrap();
    assert!(note.contains("in vigore al 20/11/2026"), "{note}");
    assert!(note.contains("dal 01/02/2019 al 31/05/2019"), "the old dates are named as old: {note}");
    assert!(t["rule_sets"].as_array().unwrap().iter().all(|r| r["in_force"] == false));
    // A past call can still be recorded under its rules, chosen on purpose.
    let id = new_call(&e.service, "b2-anziani", "1000.00");
    let c = e.service.call_get(id).unwrap();
    assert_eq!(c.summary.rule_set_title, "Misura B2 anziani e disabili — raccolta 2019");
}

#[test]
fn opening_a_call_is_the_coordinators_act() {
    let e = env();
    let desk = e.reopen("mrossi", service_support::today());
    assert_eq!(desk.operator().role, sportello::domain::Role::Operatore);
    for (command, input) in [
        ("call_template", Value::Null),
        (
            "call_save",
            json!({"call": {"title": "Avviso", "measure": "b2-anziani", "rule_set": "milano-b2-2019",
                            "budget": "1000.00"}}),
        ),
    ] {
        let err = desk.call(command, input).unwrap_err();
        assert_eq!(err.code, Code::Forbidden, "{command}");
        assert!(err.message.contains("coordinatore"), "{}", err.message);
    }
    assert!(e.service.calls_list().unwrap().is_empty());
    // The desk still enters the applications of a call the coordinator opened.
    let id = new_call(&e.service, "b2-anziani", "1000.00");
    let app = json!({"protocol": "2019/000301", "submitted_on": "2019-03-01", "birth_date": "1940-01-01",
        "isee": "9000.00", "isee_expires_on": "2019-12-31", "resident": true, "continuation": false,
        "non_self_sufficient": false, "amount": "800.00"});
    desk.call("application_save", json!({"call_id": id.to_string(), "application": app})).unwrap();
}

#[test]
fn an_application_linked_to_a_member_carries_their_birth_date() {
    let e = env();
    let h = create_family(&e.service);
    let niccolo = h.members.iter().find(|m| m.first_name == "Niccolò").unwrap();
    let other = e
        .service
        .household_save(
            serde_json::from_value(service_support::single_json("Bianchi", "Carla", "1941-05-02", "F"))
                .unwrap(),
        )
        .unwrap();
    let id = new_call(&e.service, "b2-anziani", "20000.00");
    let save = |app: &Value| {
        e.service.call("application_save", json!({"call_id": id.to_string(), "application": app}))
    };
    let mut app = json!({"protocol": "2019/000201", "submitted_on": "2019-03-01", "birth_date": "1930-01-01",
        "isee": "9000.00", "isee_expires_on": "2019-12-31", "resident": true, "continuation": false,
        "non_self_sufficient": false, "independent_living": false, "other_interventions": false,
        "amount": "4800.00", "household_id": h.id.to_string(), "member_id": niccolo.id.to_string()});

    // Another birth date than the member's: refused, on the birth date, and
    // without telling the member's (the form takes it from the member).
    let err = save(&app).unwrap_err();
    assert_eq!(err.code, Code::Invalid);
    assert_eq!(err.field.as_deref(), Some("birth_date"));
    assert!(
        err.message.contains("Niccolò Dell'Orto") && err.message.contains("01/01/1930"),
        "{}",
        err.message
    );
    assert!(!err.message.contains("01/01/1980"), "{}", err.message);
    assert!(e.service.call_get(id).unwrap().applications.is_empty());

    // The member's birth date: saved, with the member.
    app["birth_date"] = json!("1980-01-01");
    let saved = save(&app).unwrap();
    assert_eq!(saved["member_id"], niccolo.id.to_string());
    assert_eq!(saved["member_name"], "Niccolò Dell'Orto");
    assert_eq!(saved["warnings"], json!([]));
    let stored = &e.service.call_get(id).unwrap().applications[0];
    assert_eq!((stored.household_id, stored.member_id), (Some(h.id), Some(niccolo.id)));

    // A member of another household than the one linked: refused.
    app["member_id"] = json!(other.members[0].id.to_string());
    let err = save(&app).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("member_id"));
    // The member alone links their household; a declaration the record
    // contradicts is saved with a warning for the office.
    app["household_id"] = json!(null);
    app["birth_date"] = json!("1941-05-02");
    app["non_self_sufficient"] = json!(true);
    let saved = save(&app).unwrap();
    assert_eq!(saved["household_id"], other.id.to_string());
    let warnings = saved["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].as_str().unwrap().contains("non autosufficiente"), "{warnings:?}");

    // An upheld appeal cannot move the birth date away from the member's.
    e.service.ranking_publish(id, d("2019-06-10")).unwrap();
    e.service.appeal_file(appeal(id, "2019/000201", "2019-06-20")).unwrap();
    let err = e
        .service
        .appeal_decide(uphold(id, 1, "2019-07-01", json!({"birth_date": "1931-05-02"})))
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("corrected.birth_date"), "{}", err.message);
}

#[test]
fn explanations_and_the_public_pdf_show_words_not_internal_ids() {
    let e = env();
    let id = example_call(&e);
    let draft = e.service.ranking_draft(id).unwrap();
    let rows = draft.funded.iter().chain(&draft.admitted_not_funded).chain(&draft.not_admitted);
    let mut lines = 0;
    for r in rows {
        for line in &r.explanation {
            lines += 1;
            for id in [
                "tetto_isee",
                "punti_aggiuntivi",
                "punti_isee",
                "finestra",
                "milano-b2-2019",
                "b2-anziani",
                "[",
            ] {
                assert!(!line.contains(id), "«{id}» in «{line}»");
            }
        }
    }
    assert!(lines > 30);
    let capped = draft.not_admitted.iter().find(|r| r.protocol == "2019/000104").unwrap();
    assert!(
        capped
            .explanation
            .iter()
            .any(|l| l.contains("Deliberazione di Giunta comunale di Milano n. 1354/2018")),
        "{:?}",
        capped.explanation
    );
    // The CLI's JSON keeps the codes (cli.md): the reasons still carry them.
    assert_eq!(capped.reasons[0].code.as_str(), "ISEE_OVER_CAP");

    let v = e.service.ranking_publish(id, d("2019-06-10")).unwrap();
    let out = std::process::Command::new("pdftotext").args([&v.pdf_path, "-"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Misura B2 anziani e disabili — raccolta 2019 (versione 1)"), "{text}");
    assert!(!text.contains("milano-b2-2019"), "{text}");
}
