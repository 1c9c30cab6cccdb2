//! Resolving sync conflicts (issue 11 point 3, docs/sync.md "Resolving a
//! conflict") and the household form saved on a stale copy, merged field by
//! field (docs/ipc.md `household_save`).

use crate::service_support;

use serde_json::{json, Value};
use service_support::operators::as_operator;
use service_support::replicas::{edit, Office};
use service_support::*;
use sportello::domain::{Household, Id, Role, StrEnum};
use sportello::error::Code;
use sportello::service::Service;

fn field(s: &Service, id: Id, field: &str) -> Value {
    serde_json::to_value(s.household_get(id).unwrap()).unwrap()[field].clone()
}

fn exchange(o: &Office, laptop: &Service) {
    o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    laptop.sync_import(&o.hub().sync_export(Some("portatile")).unwrap()).unwrap();
}

/// The phone edited on the laptop offline and at the office: after one
/// exchange both replicas hold the office's value and an open conflict.
fn phone_conflict() -> (Office, Household, Service) {
    let (o, h) = Office::new();
    let laptop = o.laptop();
    edit(&laptop, h.id, "phone", json!("+39 333 111 1111"));
    edit(o.hub(), h.id, "phone", json!("+39 02 222 2222"));
    exchange(&o, &laptop);
    assert_eq!(o.hub().sync_conflicts().unwrap().len(), 1);
    assert_eq!(laptop.sync_conflicts().unwrap().len(), 1);
    (o, h, laptop)
}

fn resolve(s: &Service, id: &str, choice: &str) -> sportello::Result<Value> {
    s.call("sync_conflict_resolve", json!({ "id": id, "choice": choice }))
}

#[test]
fn the_office_takes_the_laptops_value_and_the_choice_closes_the_laptops_conflict() {
    let (o, h, laptop) = phone_conflict();
    let list = o.hub().call("sync_conflicts_list", json!({})).unwrap();
    let c = &list[0];
    assert_eq!(c["current"], json!("+39 02 222 2222"), "the office's value stands meanwhile");
    assert_eq!(c["household_id"], json!(h.id.to_string()));
    assert_eq!(c["case_number"], json!(h.case_number));
    let id = c["id"].as_str().unwrap().to_string();

    let audit_before = o.hub().storage().transaction(|tx| tx.audit_entries(None)).unwrap().len();
    let done = resolve(o.hub(), &id, "theirs").unwrap();
    let audit = o.hub().storage().transaction(|tx| tx.audit_entries(None)).unwrap();
    let new = &audit[audit_before..];
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0].action, "sync_conflict_resolve");
    assert_eq!(new[0].record_id, Some(h.id));
    assert_eq!(field(o.hub(), h.id, "phone"), json!("+39 333 111 1111"));
    assert!(done["resolved_at"].as_str().is_some_and(|t| t.starts_with("2026-11-20T")), "{done}");
    assert_eq!(done["resolved_by"], json!("Anna Verdi"));
    assert_eq!(done["resolution"]["choice"], json!("theirs"));
    // The losing value stays in the resolved conflict.
    assert_eq!(done["ours"], json!("+39 02 222 2222"));
    assert!(o.hub().sync_conflicts().unwrap().is_empty());
    // A second choice on a closed conflict is refused.
    assert_eq!(resolve(o.hub(), &id, "ours").unwrap_err().code, Code::Conflict);

    // The next package carries the field and the choice: the laptop's own
    // conflict on the field closes, its value now the one chosen.
    let n = laptop.sync_import(&o.hub().sync_export(Some("portatile")).unwrap()).unwrap();
    assert_eq!(n.conflicts, 0, "{n:?}");
    assert_eq!(field(&laptop, h.id, "phone"), json!("+39 333 111 1111"));
    assert!(laptop.sync_conflicts().unwrap().is_empty());
    let all = laptop.sync_conflicts_list(None, true).unwrap();
    assert_eq!(all.len(), 1);
    // On the laptop the value chosen was its own.
    assert_eq!(all[0].resolution.as_ref().unwrap()["choice"], json!("ours"));
    assert_eq!(
        all[0].resolution.as_ref().unwrap()["device"],
        json!(o.hub().storage().sync_identity().unwrap().name)
    );
    // And nothing more to tell each other.
    let back = o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    assert_eq!((back.applied, back.conflicts), (0, 0), "{back:?}");
    assert_eq!(field(o.hub(), h.id, "phone"), json!("+39 333 111 1111"));
}

#[test]
fn keeping_the_office_value_writes_nothing_and_still_closes_the_laptops_conflict() {
    let (o, h, laptop) = phone_conflict();
    let id = o.hub().sync_conflicts().unwrap()[0].id.clone();
    let before = o.hub().household_get(h.id).unwrap();
    resolve(o.hub(), &id, "ours").unwrap();
    assert_eq!(o.hub().household_get(h.id).unwrap(), before, "the standing value is not rewritten");
    laptop.sync_import(&o.hub().sync_export(Some("portatile")).unwrap()).unwrap();
    assert!(laptop.sync_conflicts().unwrap().is_empty());
    assert_eq!(field(&laptop, h.id, "phone"), json!("+39 02 222 2222"));
    let c = &laptop.sync_conflicts_list(None, true).unwrap()[0];
    assert_eq!(c.row.ours, json!("+39 333 111 1111"), "the laptop's value is kept in the closed conflict");
    assert_eq!(c.resolution.as_ref().unwrap()["choice"], json!("theirs"));
}

#[test]
fn a_choice_made_on_the_laptop_reaches_the_office_and_closes_its_conflict() {
    let (o, h, laptop) = phone_conflict();
    let id = laptop.sync_conflicts().unwrap()[0].id.clone();
    resolve(&laptop, &id, "ours").unwrap();
    assert_eq!(field(&laptop, h.id, "phone"), json!("+39 333 111 1111"));
    o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    assert_eq!(field(o.hub(), h.id, "phone"), json!("+39 333 111 1111"));
    assert!(o.hub().sync_conflicts().unwrap().is_empty());
}

#[test]
fn only_a_coordinator_chooses_and_a_choice_must_be_named() {
    let (o, _h, _laptop) = phone_conflict();
    let id = o.hub().sync_conflicts().unwrap()[0].id.clone();
    let op = as_operator(&o.env, "mrossi", "Mario Rossi", Role::Operatore, None);
    assert_eq!(resolve(&op, &id, "ours").unwrap_err().code, Code::Forbidden);
    assert_eq!(op.call("sync_conflicts_list", json!({})).unwrap_err().code, Code::Forbidden);
    let e = resolve(o.hub(), &id, "mine").unwrap_err();
    assert_eq!((e.code, e.field.as_deref()), (Code::Invalid, Some("choice")));
    let coord = as_operator(&o.env, "gbianchi", "Giulia Bianchi", Role::Coordinatore, None);
    resolve(&coord, &id, "ours").unwrap();
    assert!(o.hub().sync_conflicts().unwrap().is_empty());
}

#[test]
fn a_fact_is_confirmed_never_deleted_by_a_choice() {
    use sportello::domain::ProjectStatus;
    use sportello::sync::{seal, DeviceKeys, Entry, Manifest, FORMAT};
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    s.analysis_save(
        serde_json::from_value(analysis_json(&h, "2026-11-20", "equipe_multidisciplinare")).unwrap(),
    )
    .unwrap();
    s.quadro_save(serde_json::from_value(service_support::quadro_json(&h, "2026-11-20")).unwrap()).unwrap();
    let mut v = project_json(&h);
    v["commitments"].as_array_mut().unwrap().pop();
    let p = s.project_save(serde_json::from_value(v).unwrap()).unwrap();
    let p = s.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap();
    s.signature_record(p.id, h.members[0].id, today()).unwrap();
    let laptop_db = e.dir.path().join("portatile.sqlite");
    s.sync_copy_replica(&laptop_db, "portatile").unwrap();
    let laptop = login(&laptop_db, &e.docs(), ADMIN, today()).unwrap();
    // A replica that deletes a signature (the service never does, since
    // annulments: an older version, or a bug) sends its deletion as a
    // change: the deletion's changeset, taken in a transaction rolled back.
    let changeset = {
        let conn = keyed(&laptop_db, &key(&e.db()));
        conn.execute_batch("BEGIN").unwrap();
        let mut session = rusqlite::session::Session::new(&conn).unwrap();
        session.attach(Some("signatures")).unwrap();
        let n = conn
            .execute(
                "DELETE FROM signatures WHERE project_id = ?1 AND member_id = ?2",
                [p.id.to_string(), h.members[0].id.to_string()],
            )
            .unwrap();
        assert_eq!(n, 1);
        let mut cs = Vec::new();
        session.changeset_strm(&mut cs).unwrap();
        drop(session);
        conn.execute_batch("ROLLBACK").unwrap();
        cs
    };
    let me = laptop.storage().sync_identity().unwrap();
    let hub = s.storage().sync_identity().unwrap();
    let hub_keys = DeviceKeys { sign_secret: hub.sign_secret, box_secret: hub.box_secret }.public();
    let seq = me.last_seq + 1;
    let entry = Entry {
        seq,
        at: Some("2026-11-20T10:00:00.000Z".into()),
        operator_id: None,
        origin_device: me.device_id.clone(),
        origin_name: me.name.clone(),
        origin_seq: seq,
        changeset,
        enters: None,
        leaves: None,
        source_hash: None,
    };
    let manifest = Manifest {
        format: FORMAT,
        device: me.device_id.clone(),
        device_name: me.name.clone(),
        receiver: hub.device_id.clone(),
        schema_version: sportello::storage::migrations::latest(),
        base: 0,
        seq,
        ack: 0,
        created_at: "2026-11-20T10:00:00.000Z".into(),
        ..Manifest::default()
    };
    let keys = DeviceKeys { sign_secret: me.sign_secret, box_secret: me.box_secret };
    let package =
        seal(&manifest, &[entry], &keys, &hub_keys.encrypt, zeroize::Zeroizing::new([5; 32]), [6; 24])
            .unwrap();
    let n = s.sync_import(&package).unwrap();
    assert_eq!(n.conflicts, 1, "{n:?}");
    let fact = s.sync_conflicts().unwrap().into_iter().find(|c| c.kind == "fatto").expect("a fact conflict");
    let err = resolve(s, &fact.id, "theirs").unwrap_err();
    assert_eq!(err.code, Code::Conflict, "{err:?}");
    assert!(s.sync_conflicts().unwrap().iter().any(|c| c.id == fact.id), "still open");
    resolve(s, &fact.id, "ours").unwrap();
    assert!(s.sync_conflicts().unwrap().iter().all(|c| c.id != fact.id));
    let signed = s.project_get(h.id).unwrap().unwrap().signatures;
    assert!(signed.iter().any(|g| g.member_id == h.members[0].id), "{signed:?}");
}

#[test]
fn a_member_removed_at_the_office_and_edited_on_the_laptop_can_be_restored_with_the_edit() {
    let (o, h) = Office::new();
    let laptop = o.laptop();
    let zoe = h.members[2].id;
    let mut v = serde_json::to_value(laptop.household_get(h.id).unwrap()).unwrap();
    v["members"][2]["first_name"] = json!("Zoë Maria");
    laptop.call("household_save", json!({ "household": v })).unwrap();
    let mut v = serde_json::to_value(o.hub().household_get(h.id).unwrap()).unwrap();
    v["members"].as_array_mut().unwrap().remove(2);
    o.hub().call("household_save", json!({ "household": v })).unwrap();

    o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    let c = o.hub().sync_conflicts().unwrap();
    let gone = c.iter().find(|c| c.kind == "eliminato").expect("edit against a deletion");
    assert_eq!(gone.record, zoe.to_string());
    resolve(o.hub(), &gone.id, "theirs").unwrap();
    let back = o.hub().household_get(h.id).unwrap();
    let m = back.members.iter().find(|m| m.id == zoe).expect("restored");
    assert_eq!(m.first_name, "Zoë Maria");
    assert_eq!(m.codice_fiscale, h.members[2].codice_fiscale, "the rest from the row as it was deleted");
    // And the restore travels.
    laptop.sync_import(&o.hub().sync_export(Some("portatile")).unwrap()).unwrap();
    assert!(laptop
        .household_get(h.id)
        .unwrap()
        .members
        .iter()
        .any(|m| m.id == zoe && m.first_name == "Zoë Maria"));
}

// --- A form saved on a stale copy ---------------------------------------------------------

fn loaded(s: &Service, id: Id) -> Value {
    serde_json::to_value(s.household_get(id).unwrap()).unwrap()
}

fn save(s: &Service, base: &Value, form: &Value) -> sportello::Result<Value> {
    s.call("household_save", json!({ "household": form, "base": base }))
}

#[test]
fn a_stale_form_keeps_what_others_changed_and_writes_what_it_changed() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let base = loaded(s, h.id);

    // Someone else, meanwhile: the e-mail and Zoë's name.
    let mut other = base.clone();
    other["email"] = json!("altro@example.it");
    other["members"][2]["first_name"] = json!("Zoë Maria");
    save(s, &base, &other).unwrap();

    // The stale form changes the phone only.
    let mut form = base.clone();
    form["phone"] = json!("+39 02 999 0000");
    let saved = save(s, &base, &form).unwrap();
    assert_eq!(saved["conflicts"], json!([]));
    let now = s.household_get(h.id).unwrap();
    assert_eq!(now.phone.as_deref(), Some("+39 02 999 0000"));
    assert_eq!(now.email.as_deref(), Some("altro@example.it"), "the other edit survives");
    assert_eq!(now.members[2].first_name, "Zoë Maria");
    assert!(s.sync_conflicts().unwrap().is_empty());
}

#[test]
fn a_field_both_changed_is_a_conflict_reported_by_the_save_and_listed() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let base = loaded(s, h.id);
    let mut other = base.clone();
    other["notes"] = json!("Nota dell'ufficio");
    other["members"][0]["employment"] = json!("occupato");
    save(s, &base, &other).unwrap();

    let mut form = base.clone();
    form["notes"] = json!("Nota dal domicilio");
    form["members"][0]["employment"] = json!("disoccupato");
    form["address"] = json!("via Padova 23, 20127 Milano");
    let saved = save(s, &base, &form).unwrap();
    let conflicts = saved["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 2, "{conflicts:?}");
    let notes = conflicts.iter().find(|c| c["field"] == json!("notes")).unwrap();
    assert_eq!(
        (notes["ours"].clone(), notes["theirs"].clone()),
        (json!("Nota dell'ufficio"), json!("Nota dal domicilio"))
    );
    let job = conflicts.iter().find(|c| c["field"] == json!("members[0].employment")).unwrap();
    assert_eq!(job["table"], json!("members"));
    assert_eq!(job["record"], json!(h.members[0].id.to_string()));
    // What stands stays; the field nobody else touched is written.
    let now = s.household_get(h.id).unwrap();
    assert_eq!(now.notes.as_deref(), Some("Nota dell'ufficio"));
    assert_eq!(now.address.as_deref(), Some("via Padova 23, 20127 Milano"));
    assert_eq!(saved["notes"], json!("Nota dell'ufficio"));
    // Listed for the coordinator, and resolved like any other.
    let listed = s.sync_conflicts().unwrap();
    assert_eq!(listed.len(), 2);
    let row = listed.iter().find(|c| c.field == "notes").unwrap();
    assert_eq!((row.kind.as_str(), row.table.as_str()), ("campo", "households"));
    resolve(s, notes["id"].as_str().unwrap(), "theirs").unwrap();
    assert_eq!(s.household_get(h.id).unwrap().notes.as_deref(), Some("Nota dal domicilio"));
    let job_id = job["id"].as_str().unwrap().to_string();
    resolve(s, &job_id, "theirs").unwrap();
    assert_eq!(s.household_get(h.id).unwrap().members[0].employment.map(|e| e.as_str()), Some("disoccupato"));
}

/// A member's residence permit is one object in the form and three columns
/// in the table (schema 13): a conflict names the column, and resolving it
/// writes a value the column takes; a field only the form changed is written.
#[test]
fn a_permit_both_changed_is_a_conflict_on_its_column() {
    let e = env();
    let s = &e.service;
    let mut v = service_support::family_json();
    v["members"][1]["permit"] = json!({"kind": "famiglia", "number": "I0000001", "expires_on": "2027-06-30"});
    let h = s.household_save(serde_json::from_value(v).unwrap()).unwrap();
    let base = loaded(s, h.id);
    let mut other = base.clone();
    other["members"][1]["permit"]["number"] = json!("I0000002");
    save(s, &base, &other).unwrap();

    let mut form = base.clone();
    form["members"][1]["permit"]["number"] = json!("I0000003");
    form["members"][1]["permit"]["expires_on"] = json!("2028-06-30");
    let saved = save(s, &base, &form).unwrap();
    let conflicts = saved["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    assert_eq!(conflicts[0]["field"], json!("members[1].permit.number"));
    assert_eq!(conflicts[0]["column"], json!("permit_number"));
    assert_eq!(
        (conflicts[0]["ours"].clone(), conflicts[0]["theirs"].clone()),
        (json!("I0000002"), json!("I0000003"))
    );
    let now = s.household_get(h.id).unwrap();
    let p = now.members[1].permit.clone().unwrap();
    assert_eq!((p.number.as_str(), p.expires_on), ("I0000002", Some(service_support::d("2028-06-30"))));
    resolve(s, conflicts[0]["id"].as_str().unwrap(), "theirs").unwrap();
    assert_eq!(s.household_get(h.id).unwrap().members[1].permit.as_ref().unwrap().number, "I0000003");

    // A child's employment (not asked) merges as the column holds it.
    let base = loaded(s, h.id);
    let mut form = base.clone();
    form["members"][2]["first_name"] = json!("Zoë Anna");
    let saved = save(s, &base, &form).unwrap();
    assert_eq!(saved["conflicts"], json!([]));
    assert_eq!(s.household_get(h.id).unwrap().members[2].employment, None);
}

#[test]
fn a_member_removed_by_a_stale_form_stays_when_someone_changed_them_meanwhile() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let base = loaded(s, h.id);
    let mut other = base.clone();
    other["members"][2]["first_name"] = json!("Zoë Maria");
    save(s, &base, &other).unwrap();

    let mut form = base.clone();
    form["members"].as_array_mut().unwrap().remove(2);
    let saved = save(s, &base, &form).unwrap();
    let c = saved["conflicts"].as_array().unwrap();
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(c[0]["field"], json!("members[2]"));
    assert_eq!(s.household_get(h.id).unwrap().members.len(), 3, "kept: someone changed her");
    // Honouring the removal is the coordinator's choice.
    resolve(s, c[0]["id"].as_str().unwrap(), "theirs").unwrap();
    assert_eq!(s.household_get(h.id).unwrap().members.len(), 2);

    // Unchanged by others: the stale form's removal simply stands.
    let base = loaded(s, h.id);
    let mut other = base.clone();
    other["phone"] = json!("+39 02 111 1111");
    save(s, &base, &other).unwrap();
    let mut form = base.clone();
    form["members"].as_array_mut().unwrap().remove(1);
    let saved = save(s, &base, &form).unwrap();
    assert_eq!(saved["conflicts"], json!([]));
    let now = s.household_get(h.id).unwrap();
    assert_eq!((now.members.len(), now.phone.as_deref()), (1, Some("+39 02 111 1111")));
}

#[test]
fn without_what_it_loaded_a_stale_form_is_still_refused_whole() {
    let e = env();
    let s = &e.service;
    let h = create_family(s);
    let base = loaded(s, h.id);
    let mut other = base.clone();
    other["notes"] = json!("altro");
    save(s, &base, &other).unwrap();
    let mut form = base.clone();
    form["phone"] = json!("+39 02 999 0000");
    let err = s.call("household_save", json!({ "household": form })).unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    let err =
        save(s, &json!({"id": Id::new().to_string(), "comune": "F205", "members": base["members"]}), &form)
            .unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("base")));
}

#[test]
fn the_case_header_counts_its_open_conflicts() {
    let (o, h, _laptop) = phone_conflict();
    let other = create_family_other(o.hub());
    let state = o.hub().call("household_sync_state", json!({ "household_id": h.id.to_string() })).unwrap();
    assert_eq!(state["open_conflicts"], json!(1));
    let state = o.hub().call("household_sync_state", json!({ "household_id": other.to_string() })).unwrap();
    assert_eq!(state["open_conflicts"], json!(0));
    let only = o.hub().call("sync_conflicts_list", json!({ "household_id": other.to_string() })).unwrap();
    assert_eq!(only, json!([]));
}

fn create_family_other(s: &Service) -> Id {
    s.household_save(serde_json::from_value(single_json("Rossi", "Mario", "1980-01-01", "M")).unwrap())
        .unwrap()
        .id
}

#[test]
fn package_files_through_the_commands() {
    let (o, h) = Office::new();
    let laptop = o.laptop();
    edit(&laptop, h.id, "notes", json!("Visita a domicilio"));
    let file = o.env.dir.path().join("chiavetta.sportello");
    let out = laptop.call("sync_export_file", json!({ "path": file.display().to_string() })).unwrap();
    assert!(out["bytes"].as_u64().unwrap() > 0);
    let n = o.hub().call("sync_import_file", json!({ "path": file.display().to_string() })).unwrap();
    assert_eq!(n["applied"], json!(1), "{n}");
    let again = o.hub().call("sync_import_file", json!({ "path": file.display().to_string() })).unwrap();
    assert_eq!((again["applied"].clone(), again["already_applied"].clone()), (json!(0), json!(1)));
    assert_eq!(field(o.hub(), h.id, "notes"), json!("Visita a domicilio"));
    let e = o.hub().call("sync_import_file", json!({ "path": "" })).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("path"));
}

#[test]
fn a_choice_reaches_an_enrolled_device_only_with_its_case() {
    let e = env();
    let mrossi = as_operator(&e, "mrossi", "Mario Rossi", Role::Operatore, Some("Nord"));
    let gneri = as_operator(&e, "gneri", "Giulia Neri", Role::Operatore, Some("Sud"));
    let nord = create_family(&mrossi);
    let sud = gneri
        .household_save(
            serde_json::from_value(single_json("Esposito", "Gennaro", "1970-05-12", "M")).unwrap(),
        )
        .unwrap();
    drop((mrossi, gneri));
    let hub = &e.service;
    let laptop_db = e.dir.path().join("portatile-nord.sqlite");
    hub.device_enroll("portatile-nord", &["mrossi".to_string()], &laptop_db).unwrap();
    let laptop = login(&laptop_db, &e.docs(), "mrossi", today()).unwrap();

    // Nord's phone on both sides: a conflict on both after one exchange.
    edit(&laptop, nord.id, "phone", json!("+39 333 111 1111"));
    edit(hub, nord.id, "phone", json!("+39 02 222 2222"));
    hub.sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    laptop.sync_import(&hub.sync_export(Some("portatile-nord")).unwrap()).unwrap();
    // An operatore sees that the case is in conflict; the coordinator decides.
    assert_eq!(laptop.household_sync_state(nord.id).unwrap().open_conflicts, 1);
    // Sud's: a stale form at the office, out of the laptop's scope.
    let base = loaded(hub, sud.id);
    let mut other = base.clone();
    other["notes"] = json!("Nota di Giulia");
    save(hub, &base, &other).unwrap();
    let mut stale = base.clone();
    stale["notes"] = json!("Nota riservata dell'ufficio");
    save(hub, &base, &stale).unwrap();

    for c in hub.sync_conflicts().unwrap() {
        resolve(hub, &c.id, "theirs").unwrap();
    }
    laptop.sync_import(&hub.sync_export(Some("portatile-nord")).unwrap()).unwrap();
    assert_eq!(
        laptop.household_sync_state(nord.id).unwrap().open_conflicts,
        0,
        "the Nord choice closed the laptop's conflict"
    );
    assert_eq!(field(&laptop, nord.id, "phone"), json!("+39 333 111 1111"));
    drop(laptop);
    // The Sud choice (and the value in it) never reached the laptop.
    let conn = keyed(&laptop_db, &key(&e.db()));
    let cases: Vec<Option<String>> = conn
        .prepare("SELECT household_id FROM conflict_resolutions")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(cases, vec![Some(nord.id.to_string())]);
}

/// A record's own sync state (issue 11 point 6): on an enrolled device the
/// case's header says how many of its changes made there the hub has not
/// acknowledged yet; on the hub, and on a database on its own, nothing.
#[test]
fn the_case_header_says_what_waits_to_be_sent_on_a_device_only() {
    let e = env();
    let mrossi = as_operator(&e, "mrossi", "Mario Rossi", Role::Operatore, Some("Nord"));
    let nord = create_family(&mrossi);
    let other = mrossi
        .household_save(serde_json::from_value(single_json("Galli", "Irene", "1988-08-08", "F")).unwrap())
        .unwrap();
    drop(mrossi);
    let hub = &e.service;
    // A database on its own has no hub: nothing waits to go anywhere.
    assert_eq!(hub.household_sync_state(nord.id).unwrap().waiting, None);
    let laptop_db = e.dir.path().join("portatile-nord.sqlite");
    hub.device_enroll("portatile-nord", &["mrossi".to_string()], &laptop_db).unwrap();
    let laptop = login(&laptop_db, &e.docs(), "mrossi", today()).unwrap();
    let waiting = |s: &Service, id: Id| {
        s.call("household_sync_state", json!({ "household_id": id.to_string() })).unwrap()["waiting"].clone()
    };
    assert_eq!((waiting(&laptop, nord.id), waiting(&laptop, other.id)), (json!(0), json!(0)));

    // Two saves of the family on the laptop, one of the other; the office's
    // own edit of the family, arriving on the laptop, is not the laptop's.
    edit(&laptop, nord.id, "phone", json!("+39 333 111 1111"));
    edit(&laptop, nord.id, "notes", json!("Visita a domicilio"));
    edit(&laptop, other.id, "email", json!("irene@example.it"));
    edit(hub, nord.id, "address", json!("Via Roma 1"));
    assert_eq!((waiting(&laptop, nord.id), waiting(&laptop, other.id)), (json!(2), json!(1)));
    // The hub holds no hub: nothing to say there, even with a device enrolled.
    assert_eq!(waiting(hub, nord.id), Value::Null);

    // Made, not yet acknowledged: still waiting. Acknowledged: none.
    let package = laptop.sync_export(None).unwrap();
    assert_eq!(waiting(&laptop, nord.id), json!(2));
    hub.sync_import(&package).unwrap();
    laptop.sync_import(&hub.sync_export(Some("portatile-nord")).unwrap()).unwrap();
    assert_eq!(field(&laptop, nord.id, "address"), json!("Via Roma 1"));
    assert_eq!((waiting(&laptop, nord.id), waiting(&laptop, other.id)), (json!(0), json!(0)));
    edit(&laptop, other.id, "email", json!("irene.galli@example.it"));
    assert_eq!((waiting(&laptop, nord.id), waiting(&laptop, other.id)), (json!(0), json!(1)));
}

/// A choice on a record of no case — a call, which every device holds —
/// reaches every enrolled device (before, only the hub's whole copies): the
/// device that disagreed sees its conflict closed with the value chosen,
/// and another device holds the same choice and value.
#[test]
fn a_choice_on_an_office_record_reaches_every_enrolled_device() {
    let e = env();
    // The Nord laptop's user edits a call: a coordinatore's act (issue 15).
    drop(as_operator(&e, "mrossi", "Mario Rossi", Role::Coordinatore, Some("Nord")));
    drop(as_operator(&e, "gneri", "Giulia Neri", Role::Operatore, Some("Sud")));
    let hub = &e.service;
    let call = |s: &Service, id: Option<&str>, title: &str| -> String {
        let mut c = json!({ "title": title, "measure": "b2-anziani", "rule_set": "milano-b2-2019",
                            "budget": "20000.00" });
        if let Some(id) = id {
            c["id"] = json!(id);
        }
        s.call("call_save", json!({ "call": c })).unwrap()["id"].as_str().unwrap().to_string()
    };
    let title = |s: &Service, id: &str| s.call("call_get", json!({ "id": id })).unwrap()["title"].clone();
    let id = call(hub, None, "Avviso B2 2026");
    let mut devices = Vec::new();
    for (name, user) in [("portatile-nord", "mrossi"), ("portatile-sud", "gneri")] {
        let db = e.dir.path().join(format!("{name}.sqlite"));
        hub.device_enroll(name, &[user.to_string()], &db).unwrap();
        devices.push((name, login(&db, &e.docs(), user, today()).unwrap()));
    }
    let (nord, sud) = (&devices[0].1, &devices[1].1);
    assert_eq!(title(sud, &id), json!("Avviso B2 2026"));

    // The call's title changed on the Nord laptop and at the office.
    call(nord, Some(&id), "Avviso B2 2026 (portatile)");
    call(hub, Some(&id), "Avviso B2 2026 (ufficio)");
    hub.sync_import(&nord.sync_export(None).unwrap()).unwrap();
    nord.sync_import(&hub.sync_export(Some("portatile-nord")).unwrap()).unwrap();
    let open = |s: &Service| -> Vec<(String, String)> {
        s.storage().sync_conflicts().unwrap().into_iter().map(|c| (c.table, c.field)).collect()
    };
    let title_conflict = vec![("calls".to_string(), "title".to_string())];
    assert_eq!(open(hub), title_conflict);
    assert_eq!(open(nord), title_conflict);
    assert_eq!(title(nord, &id), json!("Avviso B2 2026 (ufficio)"), "the office's value stands meanwhile");

    // The coordinator takes the laptop's title: it reaches both devices.
    let c = hub.sync_conflicts().unwrap().remove(0);
    resolve(hub, &c.id, "theirs").unwrap();
    for (name, device) in &devices {
        device.sync_import(&hub.sync_export(Some(name)).unwrap()).unwrap();
        assert_eq!(title(device, &id), json!("Avviso B2 2026 (portatile)"), "{name}");
        assert_eq!(open(device), vec![], "{name}");
        let choices: Vec<(String, Option<String>)> = keyed(device.storage().path().unwrap(), &key(&e.db()))
            .prepare("SELECT table_name, household_id FROM conflict_resolutions")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(choices, vec![("calls".to_string(), None)], "{name}");
    }
    // A device enrolled now gets the choice with the call.
    let late = e.dir.path().join("tablet.sqlite");
    hub.device_enroll("tablet", &["gneri".to_string()], &late).unwrap();
    let n: i64 = keyed(&late, &key(&e.db()))
        .query_row("SELECT count(*) FROM conflict_resolutions WHERE table_name = 'calls'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}
