//! Issue 11, points 4 and 7 (docs/sync.md "Case numbers" and "Audit"): case
//! numbers granted in blocks by the hub, provisional numbers when a device
//! runs out or meets a new year, and each device's audit chain arriving
//! whole at the hub, checked by `sportello audit verify`, named in a case's
//! access history. The devices are copies made by `Service::sync_copy_replica`.

use crate::service_support;

use std::collections::HashSet;
use std::path::PathBuf;

use chrono::NaiveDate;
use serde_json::{json, Value};
use service_support::*;
use sportello::domain::{Household, Id};
use sportello::service::{ConvocationInput, Service};

struct Office {
    env: Env,
}

impl Office {
    /// A hub with the example family and the laptops `names`, copied from it.
    fn new(names: &[&str]) -> (Office, Household) {
        let env = env();
        let h = create_family(&env.service);
        for n in names {
            env.service.sync_copy_replica(&env.dir.path().join(format!("{n}.sqlite")), n).unwrap();
        }
        (Office { env }, h)
    }
    fn hub(&self) -> &Service {
        &self.env.service
    }
    fn laptop_db(&self, name: &str) -> PathBuf {
        self.env.dir.path().join(format!("{name}.sqlite"))
    }
    fn laptop(&self, name: &str) -> Service {
        self.laptop_on(name, today())
    }
    fn laptop_on(&self, name: &str, on: NaiveDate) -> Service {
        login(&self.laptop_db(name), &self.env.docs(), ADMIN, on).unwrap()
    }
}

/// Hub → device, then device → hub, then hub → device: a whole contact.
fn contact(hub: &Service, device: &Service, name: &str) {
    device.sync_import(&hub.sync_export(Some(name)).unwrap()).unwrap();
    hub.sync_import(&device.sync_export(None).unwrap()).unwrap();
    device.sync_import(&hub.sync_export(Some(name)).unwrap()).unwrap();
}

/// A one-person household with an address; `n` makes the person distinct.
fn person(n: usize) -> Value {
    let first =
        ["Luca", "Marta", "Giovanni", "Chiara", "Paolo", "Elena", "Marco", "Sara", "Davide", "Anna"][n % 10];
    let last = format!(
        "Bianchi{}",
        ["", "ni", "tti", "no", "ello", "one", "uzzi", "ardi", "etti", "ato"][n / 10 % 10]
    );
    let birth = format!("19{:02}-0{}-1{}", 50 + n % 40, 1 + n % 9, n % 10);
    let sex = if n.is_multiple_of(2) { "M" } else { "F" };
    let mut v = single_json(&last, first, &birth, sex);
    v["address"] = json!("via Padova 21, 20127 Milano");
    v
}

fn take_in_charge(s: &Service, n: usize) -> Household {
    s.household_save(serde_json::from_value(person(n)).unwrap()).unwrap()
}

/// Every case of the database at `db`: (case number, provisional).
fn all_numbers(db: &std::path::Path) -> Vec<(String, bool)> {
    let conn = raw(db);
    let mut stmt =
        conn.prepare("SELECT case_number, case_provisional FROM households ORDER BY case_number").unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

fn convocation(h: &Household) -> ConvocationInput {
    serde_json::from_value(json!({
        "household_id": h.id.to_string(),
        "date": "2026-11-27",
        "time": "10:30",
        "purpose": "analisi_preliminare",
        "place": "largo Treves 1, Milano",
        "ask_for": "Anna Verdi"
    }))
    .unwrap()
}

fn with_project(s: &Service, h: &Household) -> Id {
    s.analysis_save(
        serde_json::from_value(analysis_json(h, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
    )
    .unwrap();
    s.project_save(serde_json::from_value(project_json(h)).unwrap()).unwrap().id
}

fn set_blocks(s: &Service, block_size: i64, refill_below: i64) {
    s.storage()
        .transaction(|tx| {
            tx.case_block_policy_set(&sportello::storage::case_numbers::BlockPolicy {
                block_size,
                refill_below,
            })
        })
        .unwrap();
}

#[test]
fn two_devices_and_the_hub_creating_cases_offline_never_share_a_number() {
    let (o, family) = Office::new(&["portatile", "tablet"]);
    let (a, b) = (o.laptop("portatile"), o.laptop("tablet"));
    // The first contact grants each device its block.
    for (s, n) in [(&a, "portatile"), (&b, "tablet")] {
        s.sync_import(&o.hub().sync_export(Some(n)).unwrap()).unwrap();
    }
    // Offline: three new cases on each device, three at the office.
    let mut made = Vec::new();
    for (i, s) in [o.hub(), &a, &b].into_iter().enumerate() {
        for k in 0..3 {
            let h = take_in_charge(s, i * 3 + k);
            assert!(!h.case_provisional, "{} from a block is final", h.case_number);
            assert!(sportello::domain::CaseNumber::parse(&h.case_number).is_some(), "{}", h.case_number);
            made.push(h.case_number);
        }
    }
    made.push(family.case_number.clone());
    let distinct: HashSet<_> = made.iter().collect();
    assert_eq!(distinct.len(), made.len(), "a number given twice: {made:?}");

    // Everyone syncs: every case everywhere, under the number it was given.
    for (s, n) in [(&a, "portatile"), (&b, "tablet"), (&a, "portatile")] {
        contact(o.hub(), s, n);
    }
    for (s, db) in [(o.hub(), o.env.db()), (&a, o.laptop_db("portatile")), (&b, o.laptop_db("tablet"))] {
        let here = all_numbers(&db);
        assert!(here.iter().all(|h| !h.1), "{here:?}");
        let numbers: HashSet<&String> = here.iter().map(|h| &h.0).collect();
        assert_eq!(numbers, distinct, "{here:?}");
        assert_eq!(here.len(), made.len());
        assert!(s.sync_conflicts().unwrap().is_empty(), "{:?}", s.sync_conflicts().unwrap());
    }
}

#[test]
fn an_exhausted_block_gives_provisional_numbers_that_are_not_printed_until_the_office_makes_them_final() {
    let (o, _) = Office::new(&["portatile"]);
    set_blocks(o.hub(), 10, 1);
    let laptop = o.laptop("portatile");
    laptop.sync_import(&o.hub().sync_export(Some("portatile")).unwrap()).unwrap();
    let mut finals = Vec::new();
    for n in 0..10 {
        let h = take_in_charge(&laptop, n);
        assert!(!h.case_provisional, "{}", h.case_number);
        finals.push(h.case_number);
    }
    // The eleventh, with no number left: provisional, and says so.
    let late = take_in_charge(&laptop, 10);
    assert!(late.case_provisional);
    assert!(late.case_number.starts_with("2026/P000001-"), "{}", late.case_number);
    let second = take_in_charge(&laptop, 11);
    assert!(second.case_number.starts_with("2026/P000002-"), "{}", second.case_number);
    assert_eq!(json!(laptop.household_get(late.id).unwrap())["case_provisional"], json!(true));
    let found = laptop.households_search("bianchini luca").unwrap();
    assert!(found.iter().any(|f| f.id == late.id && f.case_provisional), "{found:?}");

    // Nothing is printed with it: not the patto, not a letter.
    let project = with_project(&laptop, &late);
    for e in [
        laptop.agreement_print(project).unwrap_err(),
        laptop.convocation_print(convocation(&late)).unwrap_err(),
        laptop.agreement_data(project).unwrap_err(),
    ] {
        assert_eq!(e.code, sportello::Code::Conflict, "{e:?}");
        assert!(e.message.contains("numero provvisorio"), "{}", e.message);
        assert_eq!(e.field.as_deref(), Some("case_number"));
    }
    assert!(laptop.documents_list(late.id).unwrap().is_empty());

    // The next contact: the hub gives final numbers from its own range, and
    // the renumbering comes back as an ordinary change, with a new block.
    o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    let at_hub = o.hub().household_get(late.id).unwrap();
    assert!(!at_hub.case_provisional);
    assert!(sportello::domain::CaseNumber::parse(&at_hub.case_number).is_some(), "{}", at_hub.case_number);
    assert!(!finals.contains(&at_hub.case_number));
    laptop.sync_import(&o.hub().sync_export(Some("portatile")).unwrap()).unwrap();
    let here = laptop.household_get(late.id).unwrap();
    assert_eq!((here.case_number.as_str(), here.case_provisional), (at_hub.case_number.as_str(), false));
    let other = laptop.household_get(second.id).unwrap();
    assert!(!other.case_provisional);
    assert_ne!(other.case_number, here.case_number);
    // Now printable; the patto carries the final number.
    let doc = laptop.agreement_print(project).unwrap();
    assert_eq!(doc.household_id, late.id);
    laptop.convocation_print(convocation(&late)).unwrap();
    // The refilled block numbers the next case at once.
    let next = take_in_charge(&laptop, 12);
    assert!(!next.case_provisional, "{}", next.case_number);
    let all: Vec<String> = all_numbers(&o.laptop_db("portatile")).into_iter().map(|h| h.0).collect();
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), all.len(), "{all:?}");
    assert!(laptop.sync_conflicts().unwrap().is_empty());
}

#[test]
fn a_new_year_restarts_the_numbering_and_a_device_waits_for_its_block() {
    let (o, family) = Office::new(&["portatile"]);
    assert!(family.case_number.starts_with("2026/"));
    {
        let laptop = o.laptop("portatile");
        laptop.sync_import(&o.hub().sync_export(Some("portatile")).unwrap()).unwrap();
        assert!(!take_in_charge(&laptop, 0).case_provisional);
    }
    let january = d("2027-01-04");
    let laptop = o.laptop_on("portatile", january);
    let hub = o.env.reopen(ADMIN, january);
    // Offline on 4 January: the 2026 block does not number 2027 cases.
    let offline = take_in_charge(&laptop, 1);
    assert!(offline.case_provisional);
    assert!(offline.case_number.starts_with("2027/P000001-"), "{}", offline.case_number);
    // The office restarts at 1.
    let at_office = take_in_charge(&hub, 2);
    assert_eq!(at_office.case_number, "2027/000001");

    hub.sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    laptop.sync_import(&hub.sync_export(Some("portatile")).unwrap()).unwrap();
    let made_final = laptop.household_get(offline.id).unwrap();
    assert_eq!((made_final.case_number.as_str(), made_final.case_provisional), ("2027/000002", false));
    // The contact brought a 2027 block, after the office's own.
    let next = take_in_charge(&laptop, 3);
    assert!(!next.case_provisional);
    assert_eq!(next.case_number, "2027/000201");
    assert_eq!(take_in_charge(&hub, 4).case_number, "2027/000003");
}

fn audit_rows_at_hub(o: &Office) -> i64 {
    raw(&o.env.db()).query_row("SELECT count(*) FROM audit_remote", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_devices_audit_arrives_whole_and_verify_checks_every_chain_naming_a_broken_one() {
    let (o, h) = Office::new(&["portatile"]);
    let laptop = o.laptop("portatile");
    laptop.household_get(h.id).unwrap();
    laptop.households_search("dell'orto").unwrap();
    let package = laptop.sync_export(None).unwrap();
    o.hub().sync_import(&package).unwrap();
    let report = o.hub().storage().audit_verify().unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.devices.len(), 1, "{report:?}");
    let chain = &report.devices[0];
    assert_eq!(chain.device, "portatile");
    // Every row the laptop wrote since it left the office, its export's included.
    let laptop_rows = laptop.storage().transaction(|tx| tx.audit_entries(None)).unwrap();
    let shared = laptop_rows.iter().filter(|r| r.action == "backup").map(|r| r.seq).max().unwrap();
    assert_eq!(chain.rows as usize, laptop_rows.iter().filter(|r| r.seq > shared).count());
    assert!(chain.rows >= 3, "{chain:?}");

    // The same package again stores nothing twice.
    let before = audit_rows_at_hub(&o);
    o.hub().sync_import(&package).unwrap();
    assert_eq!(audit_rows_at_hub(&o), before);

    let db = o.env.db();
    let (code, out, err) = sportello(&["audit", "verify", "--database", db.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("«portatile» integro"), "{out}");
    let (code, out, _) = sportello(&["audit", "verify", "--database", db.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["devices"][0]["device"], json!("portatile"));
    assert_eq!(v["devices"][0]["ok"], json!(true));

    // A row of the laptop's chain changed in the hub's copy.
    raw(&db)
        .execute_batch(
            "DROP TRIGGER audit_remote_no_update;
             UPDATE audit_remote SET detail = 'ritoccato' WHERE seq = (SELECT min(seq) + 1 FROM audit_remote);",
        )
        .unwrap();
    let (code, out, err) = sportello(&["audit", "verify", "--database", db.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("dispositivo «portatile» ALTERATO"), "{out}");
    assert!(out.contains("il contenuto è stato modificato"), "{out}");
    let report = o.hub().storage().audit_verify().unwrap();
    assert!(!report.ok);
    assert!(report.broken.is_none(), "the hub's own chain is whole: {report:?}");
    // The trigger gone is reported as well.
    assert!(report.guards_missing.contains(&"audit_remote_no_update".to_string()), "{report:?}");
}

#[test]
fn a_gap_in_a_devices_chain_at_the_hub_is_reported_naming_the_device() {
    let (o, h) = Office::new(&["portatile"]);
    let laptop = o.laptop("portatile");
    for _ in 0..3 {
        laptop.household_get(h.id).unwrap();
    }
    o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    raw(&o.env.db())
        .execute_batch(
            "DROP TRIGGER audit_remote_no_delete;
             DELETE FROM audit_remote WHERE seq = (SELECT min(seq) + 1 FROM audit_remote);
             CREATE TRIGGER audit_remote_no_delete BEFORE DELETE ON audit_remote
             BEGIN SELECT RAISE(ABORT, 'audit_remote is append-only'); END;",
        )
        .unwrap();
    let report = o.hub().storage().audit_verify().unwrap();
    assert!(!report.ok);
    let broken = report.devices[0].broken.as_ref().expect("the gap is found");
    assert!(broken.reason.contains("mancano le righe"), "{broken:?}");
    let (code, out, _) = sportello(&["audit", "verify", "--database", o.env.db().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.contains("«portatile» ALTERATO"), "{out}");
}

#[test]
fn audit_rows_are_sent_once_acknowledged_never_again_and_a_forged_row_refuses_the_package() {
    use sportello::sync::{open, DeviceKeys};
    let (o, h) = Office::new(&["portatile"]);
    let laptop = o.laptop("portatile");
    laptop.household_get(h.id).unwrap();
    let hub_me = o.hub().storage().sync_identity().unwrap();
    let laptop_pub = {
        let me = laptop.storage().sync_identity().unwrap();
        DeviceKeys { sign_secret: me.sign_secret, box_secret: me.box_secret }.public()
    };
    let read = |bytes: &[u8]| {
        let keys =
            DeviceKeys { sign_secret: hub_me.sign_secret.clone(), box_secret: hub_me.box_secret.clone() };
        open(bytes, &keys, &hub_me.device_id, &laptop_pub.sign).unwrap()
    };
    let first = laptop.sync_export(None).unwrap();
    let rows_first = read(&first).manifest.audit;
    assert!(rows_first.iter().any(|r| r.action == "household_get"), "{rows_first:?}");
    o.hub().sync_import(&first).unwrap();
    // Not acknowledged yet: the next package holds them again, and more.
    let second = laptop.sync_export(None).unwrap();
    assert!(read(&second).manifest.audit.len() > rows_first.len());
    let before = audit_rows_at_hub(&o);
    o.hub().sync_import(&second).unwrap();
    assert_eq!(audit_rows_at_hub(&o), before + 1, "only the new row (the second export) is stored");
    // The hub's reply carries how much it holds: then only what is new travels.
    laptop.sync_import(&o.hub().sync_export(Some("portatile")).unwrap()).unwrap();
    let third = read(&laptop.sync_export(None).unwrap()).manifest.audit;
    assert!(third.iter().all(|r| r.seq > rows_first.last().unwrap().seq + 1), "{third:?}");
    assert!(!third.is_empty());

    // A package signed by the laptop whose row already at the hub says
    // something else (a history rewritten under the same numbers): refused
    // whole, nothing of it stored.
    let me = laptop.storage().sync_identity().unwrap();
    let out = laptop.storage().sync_outgoing(&hub_me.device_id).unwrap();
    let mut forged = rows_first.clone();
    forged[0].detail = Some("riscritto".into());
    forged[0].hash = "f".repeat(64);
    let manifest = sportello::sync::Manifest {
        format: sportello::sync::FORMAT,
        device: me.device_id.clone(),
        device_name: me.name.clone(),
        receiver: hub_me.device_id.clone(),
        schema_version: sportello::storage::migrations::latest(),
        base: out.base,
        seq: out.seq,
        ack: out.ack,
        created_at: "2026-11-20T12:00:00.000Z".into(),
        audit: forged,
        ..Default::default()
    };
    let hub_public =
        DeviceKeys { sign_secret: hub_me.sign_secret.clone(), box_secret: hub_me.box_secret.clone() }
            .public();
    let bytes = sportello::sync::seal(
        &manifest,
        &out.entries,
        &DeviceKeys { sign_secret: me.sign_secret, box_secret: me.box_secret },
        &hub_public.encrypt,
        zeroize::Zeroizing::new([5; 32]),
        [6; 24],
    )
    .unwrap();
    let before = audit_rows_at_hub(&o);
    let e = o.hub().sync_import(&bytes).unwrap_err();
    assert!(e.message.contains("registro degli accessi"), "{}", e.message);
    assert_eq!(audit_rows_at_hub(&o), before);
}

#[test]
fn the_access_history_at_the_hub_names_the_device_of_every_row() {
    let (o, h) = Office::new(&["portatile"]);
    let laptop = o.laptop("portatile");
    laptop.household_get(h.id).unwrap();
    let mut v = serde_json::to_value(laptop.household_get(h.id).unwrap()).unwrap();
    v["notes"] = json!("Visita a domicilio");
    laptop.call("household_save", json!({ "household": v })).unwrap();
    o.hub().household_get(h.id).unwrap();
    o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap();

    let rows = o.hub().audit_history(h.id).unwrap();
    let from_laptop: Vec<_> = rows.iter().filter(|r| r.device == "portatile").collect();
    assert_eq!(
        from_laptop.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(),
        ["household_get", "household_get", "household_update"],
        "{rows:?}"
    );
    assert!(from_laptop.iter().all(|r| !r.local));
    // The office's own rows name the office's replica, and come once: the
    // laptop's database shares the office's rows up to its copy.
    let own: Vec<_> = rows.iter().filter(|r| r.local).collect();
    assert!(own.iter().all(|r| r.device == "ufficio"), "{own:?}");
    assert_eq!(own.iter().filter(|r| r.action == "household_create").count(), 1, "{rows:?}");
    assert_eq!(rows.len(), own.len() + from_laptop.len());
    let json = serde_json::to_value(&rows).unwrap();
    assert!(json.as_array().unwrap().iter().all(|r| r["device"].is_string()));

    // The printed register says it too.
    let doc = o.hub().audit_history_print(h.id).unwrap();
    let (_, bytes) = o.hub().document_bytes(doc.id).unwrap();
    assert!(!bytes.is_empty());
}

#[test]
fn a_package_from_a_revoked_or_unknown_device_is_refused_and_on_record_at_the_hub() {
    let (o, h) = Office::new(&["portatile"]);
    let laptop = o.laptop("portatile");
    laptop.household_get(h.id).unwrap();
    let package = laptop.sync_export(None).unwrap();
    let refusals = |s: &Service| -> Vec<String> {
        s.storage()
            .transaction(|tx| tx.audit_entries(None))
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "sync_import")
            .filter_map(|e| e.detail)
            .filter(|d| d.starts_with("rifiutato"))
            .collect()
    };
    o.hub().device_revoke("portatile").unwrap();
    let e = o.hub().sync_import(&package).unwrap_err();
    assert!(e.message.contains("revocato"), "{}", e.message);
    let logged = refusals(o.hub());
    assert_eq!(logged.len(), 1, "{logged:?}");
    assert!(logged[0].contains("«portatile»"), "{logged:?}");
    // Nothing of the package: no audit row of the laptop's chain.
    assert_eq!(audit_rows_at_hub(&o), 0);

    // A device of another office altogether.
    let (other, _) = Office::new(&["estraneo"]);
    let stranger = other.laptop("estraneo");
    let e = o.hub().sync_import(&stranger.sync_export(None).unwrap()).unwrap_err();
    assert!(e.message.contains("non è registrato"), "{}", e.message);
    let logged = refusals(o.hub());
    assert_eq!(logged.len(), 2, "{logged:?}");
    let id = stranger.storage().sync_identity().unwrap().device_id;
    assert!(logged[1].contains("sconosciuto") && logged[1].contains(&id), "{logged:?}");
}

#[test]
fn the_office_sees_and_sets_the_blocks_and_a_device_gets_its_next_block_of_the_new_size() {
    let (o, _) = Office::new(&["portatile"]);
    let db = o.env.db();
    let laptop = o.laptop("portatile");
    laptop.sync_import(&o.hub().sync_export(Some("portatile")).unwrap()).unwrap();

    let (code, out, err) = sportello(&["device", "numbers", "--database", db.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["block_size"].clone(), v["refill_below"].clone(), v["hub"].clone()),
        (json!(200), json!(50), json!(true))
    );
    let blocks = v["blocks"].as_array().unwrap();
    let of = |name: &str| blocks.iter().find(|b| b["device"] == json!(name)).cloned().unwrap();
    assert_eq!((of("ufficio")["first"].clone(), of("ufficio")["used"].clone()), (json!(1), json!(1)));
    assert_eq!((of("portatile")["first"].clone(), of("portatile")["last"].clone()), (json!(201), json!(400)));

    // The administrator changes the size at the hub; a device may not.
    let (code, out, err) = sportello(&[
        "device",
        "numbers",
        "--database",
        db.to_str().unwrap(),
        "--block",
        "300",
        "--refill-below",
        "260",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Blocchi di 300 numeri") && out.contains("meno di 260"), "{out}");
    assert_eq!(laptop.case_numbers_set(300, 260).unwrap_err().code, sportello::Code::Conflict);
    assert_eq!(o.hub().case_numbers_set(5, 1).unwrap_err().field.as_deref(), Some("block_size"));
    // 200 left on the laptop, fewer than 260: its next package brings 300 more.
    laptop.sync_import(&o.hub().sync_export(Some("portatile")).unwrap()).unwrap();
    let mine: Vec<_> = laptop
        .case_numbers()
        .unwrap()
        .blocks
        .into_iter()
        .filter(|b| b.device == "portatile")
        .map(|b| (b.first, b.last))
        .collect();
    assert_eq!(mine, [(201, 400), (401, 700)]);
}

#[test]
fn schema_9_turns_the_numbers_given_so_far_into_a_used_block_of_this_replica() {
    use sportello::storage::migrations::{migrate, MIGRATIONS};
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    let before_9: Vec<_> = MIGRATIONS.iter().take_while(|m| m.version < 9).collect();
    let v = migrate(&mut conn, &MIGRATIONS[..before_9.len()]).unwrap();
    assert!(v < 9);
    conn.execute_batch("INSERT INTO case_counters (year, last) VALUES (2025, 31), (2026, 5)").unwrap();
    migrate(&mut conn, MIGRATIONS).unwrap();
    let me: String = conn.query_row("SELECT device_id FROM sync_device", [], |r| r.get(0)).unwrap();
    let blocks: Vec<(String, i64, i64, i64, i64)> = conn
        .prepare("SELECT device_id, year, first, last, used FROM case_blocks ORDER BY year")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(blocks, [(me.clone(), 2025, 1, 31, 31), (me, 2026, 1, 5, 5)]);
    let left: i64 = conn.query_row("SELECT count(*) FROM case_counters", [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0, "the counter now counts provisional numbers only");
}
