//! Retention of what is not a case (issue 16 item 4, schema 26): a call's
//! applications (5 years from its last published ranking), its published
//! ranking (10 years from publication, then anonymised: positions, scores
//! and amounts stay, no link to a person), its reimbursement file (10 years
//! from the last liquidation list), and the access log's rows (2 years from
//! the access), each listed only after its term on the schedule's dates,
//! erased by a coordinatore only, with a verbale and an audit row; the
//! access log's removal leaves `audit verify` passing from a dated anchor,
//! which a forged one cannot imitate.

use crate::service_support;

use serde_json::{json, Value};
use service_support::operators::as_operator;
use service_support::*;
use sportello::domain::{Id, Role};
use sportello::service::Service;
use sportello::Code;

const EXAMPLE_CSV: &str = include_str!("scenari/esempi/b2-anziani-applications.csv");
const IBAN: &str = "IT60 X054 2811 1010 0000 0123 456";
const TITLE: &str = "Misura B2 anziani — domande 2019";
const HOLDER: &str = "Zzyzxholder Maria";
const HOLDER_CF: &str = "RSSMRA41A41F205S";

/// The example call published on 10/06/2019, an award with a claim, paid
/// by a liquidation list of 20/08/2019.
fn call_with_file(s: &Service) -> String {
    let v = s
        .call(
            "call_save",
            json!({"call": {"title": TITLE, "measure": "b2-anziani", "rule_set": "milano-b2-2019", "budget": "20000.00"}}),
        )
        .unwrap();
    let id = Id::parse("id", v["id"].as_str().unwrap()).unwrap();
    assert!(s.applications_import(id, EXAMPLE_CSV).unwrap().saved);
    s.ranking_publish(id, d("2019-06-10")).unwrap();
    let call = id.to_string();
    let r = s
        .call(
            "award_save",
            json!({"award": {"call_id": call, "protocol": "2019/000101", "first_month": "07/2019",
                             "last_month": "06/2020", "iban": IBAN, "holder_name": HOLDER, "holder_cf": HOLDER_CF}}),
        )
        .unwrap();
    let award = r["awards"][0]["award"]["id"].as_str().unwrap().to_string();
    s.call(
        "reimbursement_record",
        json!({"claim": {"award_id": award, "received_on": "2019-08-05", "documents": [
            {"type": "busta_paga", "issuer": "BRNGNN45C12F205U", "number": "7", "date": "2019-07-31",
             "month": "2019-07", "amount": "300.00"}]}}),
    )
    .unwrap();
    s.call("liquidation_issue", json!({"call_id": call, "issued_on": "2019-08-20"})).unwrap();
    call
}

fn batch<'a>(due: &'a Value, kind: &str) -> Option<&'a Value> {
    due["records"].as_array().unwrap().iter().find(|r| r["kind"] == kind)
}

fn n(e: &Env, sql: &str) -> i64 {
    raw(&e.db()).query_row(sql, [], |r| r.get(0)).unwrap()
}

fn count(report: &Value, what: &str) -> u64 {
    report["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["what"] == what)
        .map_or(0, |c| c["count"].as_u64().unwrap())
}

#[test]
fn a_calls_applications_ranking_and_reimbursements_go_each_after_its_own_term() {
    std::env::remove_var("SPORTELLO_BACKUP_DIR");
    std::env::remove_var("SPORTELLO_BACKUP_KEEP");
    let e = env();
    let call = call_with_file(&e.service);
    let applications = n(&e, "SELECT count(*) FROM call_applications");
    assert!(applications > 1);
    let ranking_json: String =
        raw(&e.db()).query_row("SELECT ranking_json FROM ranking_versions", [], |r| r.get(0)).unwrap();

    // Today (20/11/2026): the applications are past their 5 years (from
    // 10/06/2019), the ranking and the reimbursement file are not.
    let due = e.service.call("retention_due", Value::Null).unwrap();
    let apps = batch(&due, "domanda").expect("the applications are due");
    assert_eq!(apps["call_id"], call.as_str());
    assert_eq!(apps["closed_on"], "2019-06-10");
    assert_eq!(apps["kept_until"], "2024-06-10");
    assert_eq!(apps["entry"], "domanda_avviso_anni");
    assert!(apps["act"].as_str().unwrap().contains("Massimario"), "{apps}");
    assert_eq!(apps["count"].as_i64().unwrap(), applications - 1);
    assert_eq!(apps["held"], 1, "the awarded application goes with its reimbursement file");
    assert!(batch(&due, "graduatoria").is_none());
    assert!(batch(&due, "rimborso").is_none());
    assert!(batch(&due, "registro_accessi").is_none(), "the log is a day old");

    // An operatore may neither list nor erase.
    let op = as_operator(&e, "operatore1", "Luca Neri", Role::Operatore, None);
    assert_eq!(op.call("retention_due", Value::Null).unwrap_err().code, Code::Forbidden);
    let err = op
        .call("retention_erase_records", json!({"kind": "domanda", "call_id": call, "confirm": TITLE}))
        .unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
    drop(op);

    let s = &e.service;
    let err = s
        .call("retention_erase_records", json!({"kind": "domanda", "call_id": call, "confirm": "altro"}))
        .unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("confirm")));
    let err = s
        .call("retention_erase_records", json!({"kind": "graduatoria", "call_id": call, "confirm": TITLE}))
        .unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Conflict, Some("call_id")), "not yet");
    let report = s
        .call("retention_erase_records", json!({"kind": "domanda", "call_id": call, "confirm": TITLE}))
        .unwrap();
    assert_eq!(report["mode"], "cancellazione");
    assert_eq!(count(&report, "call_applications") as i64, applications - 1);
    assert_eq!(n(&e, "SELECT count(*) FROM call_applications"), 1);
    let last = s.storage().transaction(|tx| tx.audit_entries(None)).unwrap().pop().unwrap();
    assert_eq!(last.action, "retention_erase_records");
    assert_eq!(last.record_id.map(|i| i.to_string()), Some(call.clone()));
    assert!(batch(&s.call("retention_due", Value::Null).unwrap(), "domanda").is_none(), "done");
    assert!(s.storage().audit_verify().unwrap().ok);

    // 11/06/2029: the ranking is past its 10 years; anonymised.
    let later = e.reopen(ADMIN, d("2029-06-11"));
    let due = later.call("retention_due", Value::Null).unwrap();
    let g = batch(&due, "graduatoria").expect("the ranking is due");
    assert_eq!((g["kept_until"].as_str(), g["mode"].as_str()), (Some("2029-06-10"), Some("anonimizzazione")));
    assert!(batch(&due, "rimborso").is_none(), "the last list is of 20/08/2019");
    let report = later
        .call("retention_erase_records", json!({"kind": "graduatoria", "call_id": call, "confirm": TITLE}))
        .unwrap();
    assert_eq!(report["mode"], "anonimizzazione");
    assert_eq!(count(&report, "ranking_explanations"), 1);
    // Positions, scores and amounts stay; no explanation, no link to a case.
    let conn = raw(&e.db());
    let (kept, explanations): (String, String) = conn
        .query_row("SELECT ranking_json, explanations_json FROM ranking_versions", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(kept, ranking_json);
    assert_eq!(explanations, "{}");
    drop(conn);
    let versions = later.call("ranking_versions", json!({"call_id": call})).unwrap();
    let text = versions.to_string();
    let row = versions[0]["ranking"]["funded"]
        .as_array()
        .expect("the ranking's funded rows")
        .iter()
        .find(|r| r["protocol"] == "2019/000101")
        .unwrap()
        .clone();
    assert_eq!(row["position"], 1, "{row}");
    assert!(row["score"].is_string() && row["amount"].is_string(), "{row}");
    assert!(row["household_id"].is_null(), "{row}");
    for needle in [HOLDER, HOLDER_CF, "Zzyzx"] {
        assert!(!text.contains(needle), "«{needle}» in the ranking");
    }
    assert!(
        batch(&later.call("retention_due", Value::Null).unwrap(), "graduatoria").is_none(),
        "not listed again"
    );
    drop(later);

    // 21/08/2029: the reimbursement file is past its 10 years; then the
    // awarded application is listed, and the access log's rows of 2026.
    let later = e.reopen(ADMIN, d("2029-08-21"));
    let due = later.call("retention_due", Value::Null).unwrap();
    let r = batch(&due, "rimborso").expect("the reimbursement file is due");
    assert_eq!(
        (r["closed_on"].as_str(), r["entry"].as_str()),
        (Some("2019-08-20"), Some("pratica_rimborso_anni"))
    );
    assert!(r["act"].as_str().unwrap().contains("2220"));
    let report = later
        .call("retention_erase_records", json!({"kind": "rimborso", "call_id": call, "confirm": TITLE}))
        .unwrap();
    for what in
        ["awards", "reimbursement_claims", "reimbursement_documents", "liquidations", "liquidation_items"]
    {
        assert_eq!(count(&report, what), 1, "{what}: {report}");
    }
    let due = later.call("retention_due", Value::Null).unwrap();
    let apps = batch(&due, "domanda").expect("the awarded application, now free");
    assert_eq!((apps["count"].as_u64(), apps["held"].as_u64()), (Some(1), Some(0)));
    later
        .call("retention_erase_records", json!({"kind": "domanda", "call_id": call, "confirm": TITLE}))
        .unwrap();
    for t in [
        "call_applications",
        "awards",
        "reimbursement_claims",
        "reimbursement_documents",
        "liquidations",
        "liquidation_items",
    ] {
        assert_eq!(n(&e, &format!("SELECT count(*) FROM {t}")), 0, "{t}");
    }
    // The call itself and its published versions stay.
    assert_eq!(n(&e, "SELECT count(*) FROM calls"), 1);
    assert_eq!(n(&e, "SELECT count(*) FROM ranking_versions"), 1);
    // The verbali: four, naming the call, no one else.
    let reports = later.call("retention_record_reports", Value::Null).unwrap();
    assert_eq!(reports.as_array().unwrap().len(), 4);
    for needle in [HOLDER, HOLDER_CF, IBAN] {
        assert!(!reports.to_string().contains(needle), "«{needle}» in a verbale");
    }
    let id = reports[0]["id"].as_str().unwrap();
    let printed = later.call("retention_record_report_print", json!({"id": id})).unwrap();
    assert!(std::fs::read(printed["path"].as_str().unwrap()).unwrap().starts_with(b"%PDF"));
    // With `SPORTELLO_KEEP_PDF=DIR`, a copy for a person to look at.
    if let Some(dir) = std::env::var_os("SPORTELLO_KEEP_PDF") {
        let path = std::path::Path::new(printed["path"].as_str().unwrap());
        std::fs::copy(path, std::path::Path::new(&dir).join(path.file_name().unwrap())).unwrap();
    }
    // The hub-only records were in no changeset waiting for a device.
    assert!(later.storage().audit_verify().unwrap().ok);
    drop(later);
    let bytes = std::fs::read(e.db()).unwrap();
    assert!(!bytes.windows(HOLDER.len()).any(|w| w == HOLDER.as_bytes()), "the file is encrypted anyway");
}

#[test]
fn the_access_logs_old_rows_go_and_the_chain_still_verifies_from_an_anchor_that_cannot_be_forged() {
    std::env::remove_var("SPORTELLO_BACKUP_DIR");
    std::env::remove_var("SPORTELLO_BACKUP_KEEP");
    let e = env();
    let h = create_family(&e.service);
    let rows_before = n(&e, "SELECT count(*) FROM audit_log");
    // Two years and a day after: not yet (the rows of 20/11/2026 are kept
    // through 20/11/2028).
    let s = e.reopen(ADMIN, d("2028-11-20"));
    assert!(batch(&s.call("retention_due", Value::Null).unwrap(), "registro_accessi").is_none());
    drop(s);
    let s = e.reopen(ADMIN, d("2028-11-21"));
    let due = s.call("retention_due", Value::Null).unwrap();
    let log = batch(&due, "registro_accessi").expect("the log's rows of 2026 are due").clone();
    assert_eq!(log["closed_on"], "2026-11-20");
    assert_eq!(log["kept_until"], "2028-11-20");
    assert_eq!(log["before_day"], "2026-11-21");
    assert_eq!(log["confirm"], "21/11/2026");
    assert_eq!(log["entry"], "registro_accessi_anni");
    assert!(log["count"].as_i64().unwrap() >= rows_before, "{log}");
    let err = s
        .call(
            "retention_erase_records",
            json!({"kind": "registro_accessi", "call_id": null, "confirm": "2026-11-21"}),
        )
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("confirm"));
    let report = s
        .call(
            "retention_erase_records",
            json!({"kind": "registro_accessi", "call_id": null, "confirm": "21/11/2026"}),
        )
        .unwrap();
    assert_eq!(count(&report, "audit_log") as i64, log["count"].as_i64().unwrap());
    assert_eq!(n(&e, "SELECT count(*) FROM audit_log WHERE at < '2026-11-21'"), 0);
    let verified = s.storage().audit_verify().unwrap();
    assert!(verified.ok, "{verified:?}");
    let anchor = verified.anchor.clone().expect("verification starts from the anchor");
    assert_eq!(anchor.removed, log["count"].as_i64().unwrap());
    // Verification goes on after more rows.
    s.call("retention_due", Value::Null).unwrap();
    assert!(s.storage().audit_verify().unwrap().ok);
    drop(s);

    // Tampering with a kept row is still seen.
    let db = e.db();
    let tamper = |sql: &str| {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("copia.sqlite");
        std::fs::copy(&db, &copy).unwrap();
        // The WAL too: the first service of the test is still open.
        let wal = format!("{}-wal", db.display());
        if std::path::Path::new(&wal).exists() {
            std::fs::copy(&wal, format!("{}-wal", copy.display())).unwrap();
        }
        let conn = keyed(&copy, &key(&db));
        conn.execute_batch(sql).unwrap();
        let report = sportello::storage::audit::verify(&conn).unwrap();
        (dir, report)
    };
    let (_d, report) = tamper(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET detail = 'ritoccata' WHERE seq = (SELECT max(seq) FROM audit_log);",
    );
    assert!(!report.ok, "an edited kept row");
    // A forged anchor: rows removed by other means, with an anchor that
    // names the last removed row's hash — and the statement of it typed
    // beforehand as the reason of an act (a kept row of another action):
    // not believed, only the erasure's own row confirms an anchor.
    let (first_kept, hash): (i64, String) = raw(&db)
        .query_row("SELECT seq, hash FROM audit_log ORDER BY seq LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let token = sportello::storage::audit::anchor_token(first_kept, &hash);
    e.reopen(ADMIN, d("2028-11-21")).household_restrict(h.id, &token).unwrap();
    assert!(e.reopen(ADMIN, d("2028-11-21")).storage().audit_verify().unwrap().ok);
    let (_d, report) = tamper(&format!(
        "DROP TRIGGER audit_log_no_delete;
         INSERT INTO audit_anchors (id, through_seq, removed, last_hash, before_day, erasure_id, at, by)
           SELECT 'falsa', seq, 1, hash, '2027-01-01', 'nessuno', at, operator_id FROM audit_log WHERE seq = {first_kept};
         DELETE FROM audit_log WHERE seq <= {first_kept};"
    ));
    assert!(!report.ok, "a forged anchor is not believed: {report:?}");
    assert!(report.broken.unwrap().reason.contains("ancora"));
    // Rows removed with no anchor at all break the chain as before.
    let (_d, report) = tamper(&format!(
        "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq <= {};",
        first_kept + 1
    ));
    assert!(!report.ok);
}

/// The same erasures on a PLAIN database (the benchmark's opening, which
/// only skips the cipher; tests/service_retention.rs has the case's), whose
/// file and WAL are read raw, free space included: the award's holder, code
/// and IBAN and the spending documents' issuer are found before and nowhere
/// after the reimbursement file, the applications and the ranking's names
/// are gone. Checked by hand that it can fail: with `secure_delete` off and
/// no `VACUUM` after the erasure, the holder's name stays in the file.
#[test]
fn the_erased_records_are_in_no_freed_page_of_the_file_nor_of_its_wal() {
    std::env::remove_var("SPORTELLO_BACKUP_DIR");
    std::env::remove_var("SPORTELLO_BACKUP_KEEP");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chiaro.sqlite");
    let docs = dir.path().join("documenti");
    let open = |username: &str, on: &str| {
        Service::create_unencrypted_for_benchmark(sportello::service::NewDatabase {
            database: db.clone(),
            documents_dir: docs.clone(),
            username: username.into(),
            name: "Anna Verdi".into(),
            password: String::new().into(),
            today: Some(d(on)),
            kdf: sportello::keyring::KdfParams::for_tests(),
        })
        .unwrap()
    };
    let raw_bytes = || {
        let mut bytes = std::fs::read(&db).unwrap();
        if let Ok(w) = std::fs::read(format!("{}-wal", db.display())) {
            bytes.extend(w);
        }
        bytes
    };
    let has = |bytes: &[u8], needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    let iban = IBAN.replace(' ', "");
    let s = open("admin", "2026-11-20");
    let call = call_with_file(&s);
    drop(s);
    let before = raw_bytes();
    assert!(before.starts_with(b"SQLite format 3\0"));
    for needle in [HOLDER, HOLDER_CF, iban.as_str(), "BRNGNN45C12F205U"] {
        assert!(has(&before, needle), "the scan sees «{needle}» before");
    }
    // 15/01/2037: everything of the call is past its term.
    let later = open("admin2", "2037-01-15");
    for kind in ["rimborso", "domanda", "graduatoria"] {
        later
            .call("retention_erase_records", json!({"kind": kind, "call_id": call, "confirm": TITLE}))
            .unwrap();
    }
    let due = later.call("retention_due", Value::Null).unwrap();
    assert!(due["records"].as_array().unwrap().iter().all(|r| r["call_id"] != call.as_str()), "{due}");
    for (what, bytes) in [
        ("open", raw_bytes()),
        ("closed", {
            drop(later);
            raw_bytes()
        }),
    ] {
        for needle in [HOLDER, HOLDER_CF, iban.as_str(), "BRNGNN45C12F205U"] {
            assert!(!has(&bytes, needle), "{what}: «{needle}» is still in the file or its WAL");
        }
    }
}

/// A backup taken before the erasure, restored: the next opening applies
/// the erasure again from the ledger beside the database
/// (`<database>.cancellazioni-atti`) and writes its verbale with its id.
#[test]
fn a_restored_backup_loses_the_erased_records_again_at_its_next_opening() {
    std::env::remove_var("SPORTELLO_BACKUP_DIR");
    std::env::remove_var("SPORTELLO_BACKUP_KEEP");
    let e = env();
    let call = call_with_file(&e.service);
    let before = e.dir.path().join("prima.sqlite");
    e.service.backup_to(&before).unwrap();
    let later = e.reopen(ADMIN, d("2029-08-21"));
    let report = later
        .call("retention_erase_records", json!({"kind": "rimborso", "call_id": call, "confirm": TITLE}))
        .unwrap();
    drop(later);
    let ledger = std::fs::read_to_string(format!("{}.cancellazioni-atti", e.db().display())).unwrap();
    assert!(ledger.contains(report["id"].as_str().unwrap()));
    assert!(!ledger.contains(HOLDER) && !ledger.contains(HOLDER_CF));
    sportello::service::Service::restore_file(
        &before,
        &e.db(),
        &sportello::service::Credentials::password(ADMIN, PASSWORD),
    )
    .unwrap();
    assert_eq!(n(&e, "SELECT count(*) FROM awards"), 1, "the backup holds the file");
    let restored = e.reopen(ADMIN, d("2029-08-22"));
    for t in
        ["awards", "reimbursement_claims", "reimbursement_documents", "liquidations", "liquidation_items"]
    {
        assert_eq!(n(&e, &format!("SELECT count(*) FROM {t}")), 0, "{t} after the restore");
    }
    let reports = restored.call("retention_record_reports", Value::Null).unwrap();
    assert_eq!(reports.as_array().unwrap().len(), 1, "the verbale, written again with its id");
    assert_eq!(reports[0]["id"], report["id"]);
    assert!(restored.storage().audit_verify().unwrap().ok);
}
