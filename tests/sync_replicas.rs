//! Sync between two replicas of one office database (issue 11, docs/sync.md):
//! packages made on one side and applied on the other, field by field.
//! The second replica is a whole copy made by `Service::sync_copy_replica`
//! (enrolment with a scope is not built yet).

use crate::service_support;

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};
use service_support::replicas::{edit, Office};
use service_support::*;
use sportello::domain::Id;
use sportello::service::Service;

fn field(s: &Service, id: Id, field: &str) -> Value {
    serde_json::to_value(s.household_get(id).unwrap()).unwrap()[field].clone()
}

#[test]
fn edits_of_different_fields_on_two_replicas_both_stand_on_both() {
    let (o, h) = Office::new();
    let laptop = o.laptop();
    edit(&laptop, h.id, "phone", json!("+39 333 000 1111"));
    edit(o.hub(), h.id, "email", json!("nuova@example.it"));

    let up = o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    assert_eq!((up.applied, up.conflicts, up.duplicates), (1, 0, 0), "{up:?}");
    let down = laptop.sync_import(&o.hub().sync_export(Some("portatile")).unwrap()).unwrap();
    // The email, and the laptop's first block of case numbers (granted by
    // the hub's first package for it: docs/sync.md).
    assert_eq!((down.applied, down.conflicts), (2, 0), "{down:?}");

    for s in [o.hub(), &laptop] {
        assert_eq!(field(s, h.id, "phone"), json!("+39 333 000 1111"));
        assert_eq!(field(s, h.id, "email"), json!("nuova@example.it"));
        assert!(s.sync_conflicts().unwrap().is_empty());
    }
    // Who and when of the last change agree on both (the later of the two).
    assert_eq!(field(o.hub(), h.id, "updated_at"), field(&laptop, h.id, "updated_at"));
    // Nothing travels back to where it came from: both have everything.
    let again = laptop.sync_import(&o.hub().sync_export(Some("portatile")).unwrap()).unwrap();
    assert_eq!(again.applied, 0, "{again:?}");
    let again = o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    assert_eq!(again.applied, 0, "{again:?}");
}

#[test]
fn the_same_field_edited_on_both_sides_is_one_conflict_with_both_values() {
    let (o, h) = Office::new();
    let laptop = o.laptop();
    edit(&laptop, h.id, "phone", json!("+39 333 111 1111"));
    edit(o.hub(), h.id, "phone", json!("+39 02 222 2222"));

    let up = o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    assert_eq!(up.conflicts, 1, "{up:?}");
    // The hub's value stands until a person chooses.
    assert_eq!(field(o.hub(), h.id, "phone"), json!("+39 02 222 2222"));
    let c = o.hub().sync_conflicts().unwrap();
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(
        (c[0].table.as_str(), c[0].field.as_str(), c[0].kind.as_str()),
        ("households", "phone", "campo")
    );
    assert_eq!(c[0].record, h.id.to_string());
    assert_eq!(c[0].ours, json!("+39 02 222 2222"));
    assert_eq!(c[0].theirs, json!("+39 333 111 1111"));
    assert_eq!(c[0].device, "portatile");
    assert_eq!(c[0].operator.as_deref(), Some(laptop.operator().id.to_string().as_str()));
    assert!(
        c[0].changed_at.as_deref().is_some_and(|t| t.starts_with("2026-11-20T")),
        "{:?}",
        c[0].changed_at
    );

    // On the laptop the office's value replaces its own, which is kept.
    let down = laptop.sync_import(&o.hub().sync_export(Some("portatile")).unwrap()).unwrap();
    assert_eq!(down.conflicts, 1, "{down:?}");
    assert_eq!(field(&laptop, h.id, "phone"), json!("+39 02 222 2222"));
    let c = laptop.sync_conflicts().unwrap();
    assert_eq!(
        (c[0].ours.clone(), c[0].theirs.clone()),
        (json!("+39 333 111 1111"), json!("+39 02 222 2222"))
    );
}

#[test]
fn a_package_applied_twice_changes_nothing_the_second_time() {
    let (o, h) = Office::new();
    let laptop = o.laptop();
    edit(&laptop, h.id, "notes", json!("Visita a domicilio"));
    let package = laptop.sync_export(None).unwrap();
    let first = o.hub().sync_import(&package).unwrap();
    assert_eq!(first.applied, 1);
    edit(o.hub(), h.id, "notes", json!("Corretto in ufficio"));
    let second = o.hub().sync_import(&package).unwrap();
    assert_eq!((second.applied, second.already_applied, second.conflicts), (0, 1, 0), "{second:?}");
    assert_eq!(field(o.hub(), h.id, "notes"), json!("Corretto in ufficio"), "the replay undid nothing");
}

#[test]
fn a_package_that_starts_after_a_lost_one_is_refused_and_a_later_one_covers_it() {
    let (o, h) = Office::new();
    let laptop = o.laptop();
    edit(&laptop, h.id, "notes", json!("primo"));
    let lost = laptop.sync_export(None).unwrap();
    edit(&laptop, h.id, "phone", json!("+39 333 2222"));
    // No acknowledgement yet: the next package holds both changes again.
    let later = laptop.sync_export(None).unwrap();
    let n = o.hub().sync_import(&later).unwrap();
    assert_eq!(n.applied, 2, "{n:?}");
    // The older one, arriving late, is a replay.
    let late = o.hub().sync_import(&lost).unwrap();
    assert_eq!((late.applied, late.already_applied), (0, 1), "{late:?}");
    assert_eq!(field(o.hub(), h.id, "notes"), json!("primo"));
    assert_eq!(field(o.hub(), h.id, "phone"), json!("+39 333 2222"));
}

#[test]
fn a_new_household_and_its_members_reach_the_other_replica() {
    let (o, _) = Office::new();
    let laptop = o.laptop();
    let mut v = family_json();
    // Other people than the family already there.
    v["members"] = json!([v["members"][0].clone()]);
    v["members"][0]["codice_fiscale"] =
        json!(
            sportello::cf::encode("Rossi", "Mario", d("1970-05-04"), sportello::cf::Sex::M, "F205").unwrap()
        );
    v["members"][0]["first_name"] = json!("Mario");
    v["members"][0]["last_name"] = json!("Rossi");
    v["members"][0]["birth_date"] = json!("1970-05-04");
    let made = laptop.household_save(serde_json::from_value(v).unwrap()).unwrap();
    let n = o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    assert!(n.applied >= 2, "{n:?}");
    let there = o.hub().household_get(made.id).unwrap();
    assert_eq!(there.members.len(), 1);
    assert_eq!(there.members[0].last_name, "Rossi");
    // Found by name at the hub: the search keys came with the row.
    let found = o.hub().households_search("rossi mario").unwrap();
    assert!(found.iter().any(|f| f.id == made.id));
}

#[test]
fn the_same_person_taken_in_charge_on_two_replicas_is_a_probable_duplicate() {
    let (o, _) = Office::new();
    let laptop = o.laptop();
    let cf =
        sportello::cf::encode("Bianchi", "Luca", d("1975-03-02"), sportello::cf::Sex::M, "F205").unwrap();
    let person = |s: &Service| {
        let mut v = family_json();
        v["members"] = json!([v["members"][0].clone()]);
        v["members"][0]["codice_fiscale"] = json!(cf.clone());
        v["members"][0]["first_name"] = json!("Luca");
        v["members"][0]["last_name"] = json!("Bianchi");
        v["members"][0]["birth_date"] = json!("1975-03-02");
        s.household_save(serde_json::from_value(v).unwrap()).unwrap()
    };
    let at_hub = person(o.hub());
    let on_laptop = person(&laptop);
    let n = o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    assert_eq!(n.duplicates, 1, "{n:?}");
    let c = o.hub().sync_conflicts().unwrap();
    let dup = c.iter().find(|c| c.kind == "duplicato").expect("a duplicate listed");
    assert_eq!(dup.field, "codice_fiscale");
    assert_eq!(dup.ours["household_id"], json!(at_hub.id.to_string()));
    assert_eq!(dup.theirs["household_id"], json!(on_laptop.id.to_string()));
    // The laptop's member is kept whole in the list, not dropped.
    assert_eq!(dup.theirs["first_name"], json!("Luca"));
}

#[test]
fn a_forged_package_reusing_a_sequence_number_is_refused_whole() {
    let (o, h) = Office::new();
    // A copy of the laptop's database as it is now (same identity and keys):
    // a laptop restored from an old copy, or someone holding its keys.
    let twin_db = o.env.dir.path().join("gemello.sqlite");
    {
        let laptop = o.laptop();
        laptop.storage().backup_to(&twin_db).unwrap();
        std::fs::copy(
            sportello::keyring::Keyring::path_for(&o.laptop_db),
            sportello::keyring::Keyring::path_for(&twin_db),
        )
        .unwrap();
    }
    let laptop = o.laptop();
    edit(&laptop, h.id, "notes", json!("originale"));
    assert_eq!(o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap().applied, 1);

    let twin = login(&twin_db, &o.env.docs(), ADMIN, today()).unwrap();
    edit(&twin, h.id, "notes", json!("falsificato"));
    edit(&twin, h.id, "email", json!("falso@example.it"));
    let forged = twin.sync_export(None).unwrap();
    let before = serde_json::to_value(o.hub().household_get(h.id).unwrap()).unwrap();
    let e = o.hub().sync_import(&forged).unwrap_err();
    assert!(e.message.contains("già arrivato con un altro contenuto"), "{}", e.message);
    assert_eq!(
        serde_json::to_value(o.hub().household_get(h.id).unwrap()).unwrap(),
        before,
        "nothing applied"
    );
}

fn sportello(args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sportello"));
    cli_login(&mut cmd).args(args).output().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn cli_export_import_twice_tampered_and_conflicts() {
    let (o, h) = Office::new();
    {
        let laptop = o.laptop();
        edit(&laptop, h.id, "phone", json!("+39 333 111 1111"));
        edit(&laptop, h.id, "notes", json!("dal portatile"));
    }
    edit(o.hub(), h.id, "phone", json!("+39 02 222 2222"));
    let hub_db = o.env.db();
    let hub_docs = o.env.docs();
    drop(o.env.service);
    let dir = o.env.dir;
    let pkg = dir.path().join("chiavetta.sportello");

    let out = sportello(&["sync", "export", "--database", s(&o.laptop_db), "--out", s(&pkg)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // A flipped byte: refused whole, exit 2, nothing applied.
    let good = std::fs::read(&pkg).unwrap();
    let bad = dir.path().join("alterato.sportello");
    let mut bytes = good.clone();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x20;
    std::fs::write(&bad, &bytes).unwrap();
    let out = sportello(&["sync", "import", "--database", s(&hub_db), "--from", s(&bad), "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Pacchetto rifiutato"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hub = login(&hub_db, &hub_docs, ADMIN, today()).unwrap();
    assert_eq!(field(&hub, h.id, "notes"), json!("Primo accesso allo sportello.\nSegnalati dalla scuola."));
    drop(hub);

    let import = || {
        let out = sportello(&["sync", "import", "--database", s(&hub_db), "--from", s(&pkg), "--json"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let first = import();
    assert_eq!(first, json!({"applied": 1, "already_applied": 0, "conflicts": 1, "duplicates": 0}));
    let second = import();
    // Two row changes (phone, notes), both already there: nothing applied, exit 0.
    assert_eq!(second, json!({"applied": 0, "already_applied": 2, "conflicts": 0, "duplicates": 0}));

    let out = sportello(&["sync", "conflicts", "--database", s(&hub_db), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    for key in ["id", "table", "record", "field", "ours", "theirs", "device", "operator", "changed_at"] {
        assert!(list[0].get(key).is_some(), "{key} missing in {:?}", list[0]);
    }
    assert_eq!(list[0]["field"], json!("phone"));
    assert_eq!(list[0]["ours"], json!("+39 02 222 2222"));
    assert_eq!(list[0]["theirs"], json!("+39 333 111 1111"));
    let hub = login(&hub_db, &hub_docs, ADMIN, today()).unwrap();
    assert_eq!(field(&hub, h.id, "notes"), json!("dal portatile"));
}

#[test]
fn every_synced_table_has_a_primary_key_so_that_its_changes_are_captured() {
    // SQLite's session extension ignores a table without a primary key: its
    // changes would never leave the replica, silently.
    let e = env();
    let conn = raw(&e.db());
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut synced = 0;
    for t in &tables {
        if !sportello::storage::sync::synced(t) {
            continue;
        }
        synced += 1;
        let pk: i64 = conn
            .query_row(&format!("SELECT count(*) FROM pragma_table_info('{t}') WHERE pk > 0"), [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(pk > 0, "{t} travels but has no primary key");
    }
    assert!(synced >= 20, "{synced} synced tables of {tables:?}");
    for local in ["audit_log", "case_counters", "sync_outbox", "sync_conflicts"] {
        assert!(!sportello::storage::sync::synced(local), "{local}");
    }
    // A write through the service is recorded, with who made it.
    drop(conn);
    let before: i64 = raw(&e.db()).query_row("SELECT count(*) FROM sync_outbox", [], |r| r.get(0)).unwrap();
    create_family(&e.service);
    let (after, by): (i64, Option<String>) = raw(&e.db())
        .query_row("SELECT count(*), max(operator_id) FROM sync_outbox", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!(after, before + 1, "one change per write transaction");
    assert_eq!(by, Some(e.service.operator().id.to_string()));
}

#[test]
fn a_signature_is_never_dropped_by_a_merge_back_to_draft_at_the_office_is_a_conflict() {
    use sportello::domain::ProjectStatus;
    let e = env();
    let h = create_family(&e.service);
    let (father, mother) = (h.members[0].id, h.members[1].id);
    e.service
        .analysis_save(
            serde_json::from_value(analysis_json(&h, "2026-11-20", "equipe_multidisciplinare")).unwrap(),
        )
        .unwrap();
    e.service
        .quadro_save(serde_json::from_value(service_support::quadro_json(&h, "2026-11-20")).unwrap())
        .unwrap();
    let mut v = project_json(&h);
    v["commitments"].as_array_mut().unwrap().pop(); // Zoë's: the adults sign
    let p = e.service.project_save(serde_json::from_value(v).unwrap()).unwrap();
    let p = e.service.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap();
    e.service.signature_record(p.id, father, today()).unwrap();
    let laptop_db = e.dir.path().join("portatile.sqlite");
    e.service.sync_copy_replica(&laptop_db, "portatile").unwrap();
    let laptop = login(&laptop_db, &e.docs(), ADMIN, today()).unwrap();

    // At the family's home the mother signs (the last signature: the laptop
    // has it sottoscritto); at the office the project goes back to draft,
    // which annuls the father's signature there, with a reason.
    let on_laptop = laptop.signature_record(p.id, mother, today()).unwrap();
    assert_eq!(on_laptop.status, ProjectStatus::Sottoscritto);
    e.service
        .project_set_status_with(p.id, ProjectStatus::Bozza, Some("Obiettivi da rivedere con la scuola"))
        .unwrap();

    let up = e.service.sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    assert!(up.applied >= 1, "{up:?}");
    let down = laptop.sync_import(&e.service.sync_export(Some("portatile")).unwrap()).unwrap();

    for (side, s) in [("ufficio", &e.service), ("portatile", &laptop)] {
        let p = s.project_get(h.id).unwrap().unwrap();
        // Nothing lost: the mother's signature reached the office, and the
        // father's is still there, annulled with the office's reason.
        let counting: Vec<_> = p.signatures.iter().map(|s| s.member_id).collect();
        assert_eq!(counting, [mother], "{side}");
        assert_eq!(p.annulled_signatures.len(), 1, "{side}");
        assert_eq!(p.annulled_signatures[0].member_id, father, "{side}");
        assert_eq!(p.annulled_signatures[0].reason, "Obiettivi da rivedere con la scuola", "{side}");
        // The two acts disagree (signed there, back to draft here): a
        // conflict on the status, the office's value standing.
        assert_eq!(p.status, ProjectStatus::Bozza, "{side}");
        let c = s.sync_conflicts().unwrap();
        let status = c
            .iter()
            .find(|c| c.table == "projects" && c.field == "status")
            .unwrap_or_else(|| panic!("{side}: no conflict on the status: {c:?}"));
        assert_eq!(status.kind, "campo", "{side}");
        let both = [status.ours.clone(), status.theirs.clone()];
        assert!(both.contains(&json!("bozza")) && both.contains(&json!("sottoscritto")), "{side}: {both:?}");
        // No merge deleted a signature (nothing to report as a dropped fact).
        assert!(!c.iter().any(|c| c.kind == "fatto"), "{side}: {c:?}");
    }
    assert!(down.conflicts >= 1, "{down:?}");
    let rows: i64 = raw(&e.db())
        .query_row("SELECT count(*) FROM signatures WHERE project_id = ?1", [p.id.to_string()], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 2, "no signature row deleted at the office");

    // The mother signed an earlier text: the project does not go back to
    // signing while her signature counts on the draft; annulled, it does.
    let err = e.service.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap_err();
    assert_eq!(err.code, sportello::Code::Conflict);
    assert!(err.message.contains("Thị Lan Nguyễn"), "{}", err.message);
    let p = e.service.signature_annul(p.id, mother, "Firmato su un testo precedente").unwrap();
    assert!(p.signatures.is_empty());
    assert_eq!(p.annulled_signatures.len(), 2);
    assert_eq!(
        e.service.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap().status,
        ProjectStatus::DaFirmare
    );
}

#[test]
fn a_revoked_devices_package_is_refused_with_nothing_applied() {
    let (o, h) = Office::new();
    let laptop = o.laptop();
    edit(&laptop, h.id, "notes", json!("dal portatile rubato"));
    let package = laptop.sync_export(None).unwrap();
    o.hub().device_revoke("portatile").unwrap();
    let e = o.hub().sync_import(&package).unwrap_err();
    assert!(e.message.contains("revocato"), "{}", e.message);
    assert_eq!(
        field(o.hub(), h.id, "notes"),
        json!("Primo accesso allo sportello.\nSegnalati dalla scuola.")
    );
    assert_eq!(o.hub().device_revoke("sconosciuto").unwrap_err().code, sportello::Code::NotFound);
}

#[test]
fn a_package_of_another_schema_is_refused_and_says_who_must_update() {
    use sportello::sync::{seal, DeviceKeys, Manifest, FORMAT};
    let (o, h) = Office::new();
    let laptop = o.laptop();
    edit(&laptop, h.id, "notes", json!("da una versione vecchia"));
    // The laptop's own changes, sealed as an older Sportello would: with its
    // schema number one below.
    let me = laptop.storage().sync_identity().unwrap();
    let hub = o.hub().storage().sync_identity().unwrap();
    let hub_keys = DeviceKeys { sign_secret: hub.sign_secret, box_secret: hub.box_secret }.public();
    let peer = &laptop.storage().sync_peers().unwrap()[0];
    let out = laptop.storage().sync_outgoing(&peer.device_id).unwrap();
    let manifest = Manifest {
        format: FORMAT,
        device: me.device_id.clone(),
        device_name: me.name.clone(),
        receiver: hub.device_id.clone(),
        schema_version: sportello::storage::migrations::latest() - 1,
        base: out.base,
        seq: out.seq,
        ack: out.ack,
        created_at: "2026-11-20T10:00:00.000Z".into(),
        ..Manifest::default()
    };
    let keys = DeviceKeys { sign_secret: me.sign_secret, box_secret: me.box_secret };
    let old =
        seal(&manifest, &out.entries, &keys, &hub_keys.encrypt, zeroize::Zeroizing::new([3; 32]), [4; 24])
            .unwrap();
    let e = o.hub().sync_import(&old).unwrap_err();
    assert!(e.message.contains("aggiornare Sportello (il mittente)"), "{}", e.message);
    assert_eq!(
        field(o.hub(), h.id, "notes"),
        json!("Primo accesso allo sportello.\nSegnalati dalla scuola.")
    );
    // The same changes under the right schema go through.
    assert_eq!(o.hub().sync_import(&laptop.sync_export(None).unwrap()).unwrap().applied, 1);
}

#[test]
fn cli_device_revoke_then_import_is_refused() {
    let (o, h) = Office::new();
    {
        let laptop = o.laptop();
        edit(&laptop, h.id, "notes", json!("dopo la revoca"));
    }
    let hub_db = o.env.db();
    drop(o.env.service);
    let pkg = o.env.dir.path().join("p.sportello");
    let out = sportello(&["sync", "export", "--database", s(&o.laptop_db), "--out", s(&pkg)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = sportello(&["device", "revoke", "--database", s(&hub_db), "--device", "portatile"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = sportello(&["sync", "import", "--database", s(&hub_db), "--from", s(&pkg), "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("revocato"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
