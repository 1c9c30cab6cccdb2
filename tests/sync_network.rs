//! Sync over the office network (issue 11, point 5; docs/sync.md
//! "Transport"): a real hub served by `sportello sync serve` on 127.0.0.1
//! and devices syncing through it with `sportello sync now`, each a process
//! of its own. The devices are replicas made by `Service::sync_copy_replica`;
//! nothing here depends on how a replica was made.

use crate::service_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use service_support::*;
use sportello::domain::Id;
use sportello::service::Service;
use sportello::sync_http as http;

/// A hub (the office's database) with the example family, and two devices.
struct Office {
    dir: tempfile::TempDir,
    household: Id,
}

impl Office {
    fn new() -> Office {
        let e = env();
        let h = create_family(&e.service);
        e.service.sync_copy_replica(&e.dir.path().join("portatile.sqlite"), "portatile").unwrap();
        e.service.sync_copy_replica(&e.dir.path().join("tablet.sqlite"), "tablet").unwrap();
        let Env { dir, service } = e;
        drop(service);
        Office { dir, household: h.id }
    }
    fn hub_db(&self) -> PathBuf {
        self.dir.path().join("sportello.sqlite")
    }
    fn db(&self, device: &str) -> PathBuf {
        self.dir.path().join(format!("{device}.sqlite"))
    }
    fn open(&self, db: &Path) -> Service {
        login(db, &self.dir.path().join("documenti"), ADMIN, today()).unwrap()
    }
    fn edit(&self, db: &Path, field: &str, value: Value) {
        let s = self.open(db);
        let mut v = serde_json::to_value(s.household_get(self.household).unwrap()).unwrap();
        v[field] = value;
        s.call("household_save", json!({ "household": v })).unwrap();
    }
    fn field(&self, db: &Path, field: &str) -> Value {
        let s = self.open(db);
        serde_json::to_value(s.household_get(self.household).unwrap()).unwrap()[field].clone()
    }
    fn serve(&self) -> Server {
        Server::start(&self.hub_db(), self.dir.path())
    }
}

/// `sportello sync serve` on 127.0.0.1 (a free port), killed when dropped.
struct Server {
    child: Child,
    url: String,
    log: PathBuf,
}

impl Server {
    fn start(db: &Path, dir: &Path) -> Server {
        let log = dir.join(format!("serve-{}.log", std::process::id()));
        let mut child = cli_login(&mut Command::new(env!("CARGO_BIN_EXE_sportello")))
            .args(["sync", "serve", "--database", s(db), "--listen", "127.0.0.1:0"])
            .env("SPORTELLO_DOCUMENTS", dir.join("documenti"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let Some(url) = line.split_whitespace().find(|w| w.starts_with("http://")) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the server did not start: {line:?} {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        Server { url: url.to_string(), child, log }
    }
    fn addr(&self) -> &str {
        self.url.trim_start_matches("http://")
    }
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `sportello sync now --json`: exit code, the JSON (on success), stderr.
fn sync_now(db: &Path, hub: &str) -> (i32, Value, String) {
    let (code, out, err) = sportello(&["sync", "now", "--database", s(db), "--hub", hub, "--json"]);
    let v = if code == 0 { serde_json::from_str(&out).unwrap() } else { Value::Null };
    (code, v, err)
}

fn counts(v: &Value) -> (u64, u64, u64, u64) {
    let n = |k: &str| v[k].as_u64().unwrap_or_else(|| panic!("{k} in {v}"));
    (n("applied"), n("already_applied"), n("conflicts"), n("duplicates"))
}

/// The audit rows of sync (export, import, refusals) in a database.
fn sync_rows(db: &Path) -> Vec<(String, Option<String>)> {
    let conn = raw(db);
    let mut stmt =
        conn.prepare("SELECT action, detail FROM audit_log WHERE action LIKE 'sync_%' ORDER BY seq").unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    rows.collect::<Result<Vec<_>, _>>().unwrap()
}

/// A raw request to the hub, as an older or a hostile device would send it.
fn post(addr: &str, schema: Option<u32>, body: &[u8]) -> http::Message {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head =
        format!("POST {} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n", http::PATH, body.len());
    if let Some(v) = schema {
        head.push_str(&format!("X-Sportello-Schema: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    http::read_message(&mut BufReader::new(stream), false).unwrap()
}

fn error_json(m: &http::Message) -> Value {
    serde_json::from_slice(&m.body).unwrap()
}

const NOTES: &str = "Primo accesso allo sportello.\nSegnalati dalla scuola.";

#[test]
fn a_change_on_one_device_reaches_the_other_through_the_hub() {
    let o = Office::new();
    let hub = o.serve();
    let (laptop, tablet) = (o.db("portatile"), o.db("tablet"));
    o.edit(&laptop, "phone", json!("+39 333 000 1111"));
    o.edit(&tablet, "email", json!("tablet@example.it"));
    // A family taken in charge on the laptop: new rows, forwarded as they came.
    let new = o
        .open(&laptop)
        .call("household_save", json!({ "household": single_json("Bianchi", "Lucia", "1980-05-04", "F") }))
        .unwrap();

    let (code, r, err) = sync_now(&laptop, &hub.url);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["sent"], 2, "{r}");
    assert_eq!(counts(&r["at_hub"]), (3, 0, 0, 0), "the phone, the household and its member: {r}");
    assert_eq!(r["hub_restored"], false);
    let (code, r, err) = sync_now(&tablet, &hub.url);
    assert_eq!(code, 0, "{err}");
    assert_eq!(counts(&r["at_hub"]), (1, 0, 0, 0), "{r}");
    // The laptop's phone and new family, through the hub (with the hub's own
    // bookkeeping of case numbers: the family's final number, blocks).
    assert!(counts(&r["received"]).0 >= 3, "{r}");
    let id = Id::parse("id", new["id"].as_str().unwrap()).unwrap();
    let there = o.open(&tablet).household_get(id).unwrap();
    assert_eq!((there.members.len(), there.members[0].last_name.as_str()), (1, "Bianchi"));
    let (code, r, err) = sync_now(&laptop, &hub.url);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["sent"], 0, "{r}");
    assert!(counts(&r["received"]).0 >= 1, "the tablet's email: {r}");

    for db in [&o.hub_db(), &laptop, &tablet] {
        assert_eq!(o.field(db, "phone"), json!("+39 333 000 1111"), "{}", db.display());
        assert_eq!(o.field(db, "email"), json!("tablet@example.it"), "{}", db.display());
    }
    // Each exchange is in the server's log, by device.
    let log = hub.log();
    assert!(log.contains("«portatile»: applicati 3") && log.contains("«tablet»: applicati 1"), "{log}");
    // The moves are on record at the hub: one import row per package that moved something.
    let rows = sync_rows(&o.hub_db());
    assert_eq!(rows.iter().filter(|r| r.0 == "sync_import").count(), 2, "{rows:?}");

    // Where the laptop stands, as the app asks (and the address is remembered:
    // the app's `sync_now` needs none).
    let s = o.open(&laptop);
    let status = s.call("sync_status", Value::Null).unwrap();
    assert_eq!((status["role"].as_str(), status["hub"].as_str()), (Some("dispositivo"), Some("ufficio")));
    assert_eq!(status["address"], json!(hub.url));
    assert_eq!((status["waiting"].as_i64(), status["conflicts"].as_i64()), (Some(0), Some(0)));
    assert!(status["last_contact"].as_str().is_some_and(|t| t.ends_with('Z')), "{status}");
    let mut v = serde_json::to_value(s.household_get(o.household).unwrap()).unwrap();
    v["notes"] = json!("Dalla finestra");
    s.call("household_save", json!({ "household": v })).unwrap();
    assert_eq!(s.call("sync_status", Value::Null).unwrap()["waiting"], 1);
    let r = s.call("sync_now", json!({})).unwrap();
    assert_eq!((r["sent"].as_u64(), counts(&r["at_hub"]).0), (Some(1), 1), "{r}");
    assert_eq!(s.call("sync_status", Value::Null).unwrap()["waiting"], 0);
    drop(s);
    assert_eq!(o.field(&o.hub_db(), "notes"), json!("Dalla finestra"));
    let hub_status = o.open(&o.hub_db()).sync_status().unwrap();
    assert_eq!((hub_status.role, hub_status.hub), ("ufficio", None));
    assert!(hub_status.last_contact.is_some());
}

#[test]
fn the_same_exchange_twice_changes_nothing() {
    let o = Office::new();
    let hub = o.serve();
    let laptop = o.db("portatile");
    o.edit(&laptop, "phone", json!("+39 333 000 2222"));
    let (code, _, err) = sync_now(&laptop, &hub.url);
    assert_eq!(code, 0, "{err}");
    let (hub_rows, laptop_rows) = (sync_rows(&o.hub_db()), sync_rows(&laptop));

    let (code, r, err) = sync_now(&laptop, &hub.url);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["sent"], 0, "{r}");
    assert_eq!(counts(&r["at_hub"]), (0, 0, 0, 0), "{r}");
    assert_eq!(counts(&r["received"]), (0, 0, 0, 0), "{r}");
    assert_eq!(o.field(&o.hub_db(), "phone"), json!("+39 333 000 2222"));
    // Nothing moved: no audit row on either side (a desk syncs every few seconds).
    assert_eq!(sync_rows(&o.hub_db()), hub_rows);
    assert_eq!(sync_rows(&laptop), laptop_rows);
}

#[test]
fn tampered_forged_unknown_and_revoked_packages_are_refused_with_nothing_applied() {
    let o = Office::new();
    let hub = o.serve();
    let laptop = o.db("portatile");
    let schema = sportello::storage::migrations::latest();

    // A twin of the laptop (its database with its keys), taken before it works.
    let twin = o.dir.path().join("gemello.sqlite");
    o.open(&laptop).backup_to(&twin).unwrap();
    std::fs::copy(
        sportello::keyring::Keyring::path_for(&laptop),
        sportello::keyring::Keyring::path_for(&twin),
    )
    .unwrap();

    // Tampered: one flipped byte in the laptop's package.
    o.edit(&laptop, "phone", json!("+39 333 000 3333"));
    let mut bad = o.open(&laptop).sync_export(None).unwrap();
    let middle = bad.len() / 2;
    bad[middle] ^= 1;
    let m = post(hub.addr(), Some(schema), &bad);
    assert_eq!(m.status, 422, "{}", String::from_utf8_lossy(&m.body));
    let e = error_json(&m);
    assert_eq!(e["code"], "invalid");
    assert!(e["message"].as_str().unwrap().contains("Pacchetto rifiutato, nulla è stato applicato"), "{e}");
    assert_eq!(o.field(&o.hub_db(), "phone"), json!("+39 333 123 4567"));

    // The real one goes through; then the twin numbers other work the same.
    let (code, _, err) = sync_now(&laptop, &hub.url);
    assert_eq!(code, 0, "{err}");
    o.edit(&twin, "phone", json!("+39 333 999 9999"));
    let (code, _, err) = sync_now(&twin, &hub.url);
    assert_eq!(code, 2, "a forged package must be refused: {err}");
    assert!(err.contains("già arrivato con un altro contenuto"), "{err}");
    assert_eq!(o.field(&o.hub_db(), "phone"), json!("+39 333 000 3333"));
    assert_eq!(o.field(&twin, "phone"), json!("+39 333 999 9999"), "nothing came back to the twin either");

    // Unknown: a device of another office.
    let other = env();
    let stranger = other.dir.path().join("estraneo.sqlite");
    other.service.sync_copy_replica(&stranger, "estraneo").unwrap();
    let package = login(&stranger, &other.docs(), ADMIN, today()).unwrap().sync_export(None).unwrap();
    let m = post(hub.addr(), Some(schema), &package);
    assert_eq!(m.status, 422);
    assert!(error_json(&m)["message"].as_str().unwrap().contains("non è registrato"), "{:?}", error_json(&m));

    // Revoked: the tablet, revoked at the hub while the server runs (the
    // command takes the hub's file between two exchanges).
    let (code, _, err) = sportello(&["device", "revoke", "--database", s(&o.hub_db()), "--device", "tablet"]);
    assert_eq!(code, 0, "{err}");
    let tablet = o.db("tablet");
    o.edit(&tablet, "email", json!("revocato@example.it"));
    let (code, _, err) = sync_now(&tablet, &hub.url);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("revocato"), "{err}");
    assert_eq!(o.field(&o.hub_db(), "email"), json!("famiglia.dellorto@example.it"));
    assert_eq!(o.field(&tablet, "phone"), json!("+39 333 123 4567"), "the tablet got nothing back");

    // The refusals of an unknown and of a revoked device are on record at the hub.
    let refused: Vec<String> = sync_rows(&o.hub_db())
        .into_iter()
        .filter_map(|(_, d)| d)
        .filter(|d| d.starts_with("rifiutato"))
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert!(refused[0].contains("sconosciuto") && refused[1].contains("revocato «tablet»"), "{refused:?}");
}

#[test]
fn a_device_of_an_older_schema_is_told_to_update_and_nothing_is_applied() {
    use sportello::sync::{seal, DeviceKeys, Manifest, FORMAT};
    let o = Office::new();
    let hub = o.serve();
    let laptop = o.db("portatile");
    let latest = sportello::storage::migrations::latest();
    o.edit(&laptop, "notes", json!("da una versione vecchia"));

    // The laptop's changes sealed as an older Sportello would.
    let old = {
        let s = o.open(&laptop);
        let me = s.storage().sync_identity().unwrap();
        let peer = s.storage().sync_peers().unwrap().remove(0);
        let out = s.storage().sync_outgoing(&peer.device_id).unwrap();
        let manifest = Manifest {
            format: FORMAT,
            device: me.device_id.clone(),
            device_name: me.name.clone(),
            receiver: peer.device_id.clone(),
            schema_version: latest - 1,
            base: out.base,
            seq: out.seq,
            ack: out.ack,
            created_at: "2026-11-20T10:00:00.000Z".into(),
            ..Manifest::default()
        };
        let keys = DeviceKeys { sign_secret: me.sign_secret, box_secret: me.box_secret };
        seal(&manifest, &out.entries, &keys, &peer.box_public, zeroize::Zeroizing::new([5; 32]), [6; 24])
            .unwrap()
    };
    // Told before anything is opened (the schema travels with the request)...
    let m = post(hub.addr(), Some(latest - 1), &old);
    assert_eq!(m.status, 426);
    let msg = error_json(&m)["message"].as_str().unwrap().to_string();
    assert!(msg.contains("aggiornare Sportello sul dispositivo"), "{msg}");
    // ...and again by the package itself.
    let m = post(hub.addr(), Some(latest), &old);
    assert_eq!(m.status, 422);
    assert!(error_json(&m)["message"].as_str().unwrap().contains("aggiornare Sportello (il mittente)"));
    // A request that does not say its schema is refused too.
    assert_eq!(post(hub.addr(), None, &old).status, 400);
    assert_eq!(o.field(&o.hub_db(), "notes"), json!(NOTES));
    drop(hub);

    // The other way: a hub of a newer schema answering the laptop, which
    // applies nothing and is told who must update.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let fake = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let request = http::read_message(&mut BufReader::new(&stream), true).unwrap();
        let headers =
            [(http::SCHEMA_HEADER, (latest + 1).to_string()), (http::RESULT_HEADER, "resend".into())];
        http::respond(&mut &stream, 200, "application/octet-stream", &headers, b"SPORTELLO-SYNC...").unwrap();
        request
    });
    let before = o.open(&laptop).sync_status().unwrap();
    let (code, _, err) = sync_now(&laptop, &format!("http://{addr}"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("aggiornare Sportello sul dispositivo"), "{err}");
    let request = fake.join().unwrap();
    assert_eq!(request.header(http::SCHEMA_HEADER), Some(latest.to_string().as_str()));
    let after = o.open(&laptop).sync_status().unwrap();
    assert_eq!((after.waiting, after.last_contact), (before.waiting, before.last_contact));
    assert_eq!(o.field(&laptop, "notes"), json!("da una versione vecchia"));
}

#[test]
fn a_hub_restored_from_a_backup_gets_back_what_it_lost_from_the_devices() {
    let o = Office::new();
    let (laptop, tablet) = (o.db("portatile"), o.db("tablet"));
    let backup = o.dir.path().join("copia-ufficio.sqlite");
    o.open(&o.hub_db()).backup_to(&backup).unwrap();

    let hub = o.serve();
    o.edit(&laptop, "phone", json!("+39 333 444 5555"));
    assert_eq!(sync_now(&laptop, &hub.url).0, 0);
    o.edit(&tablet, "email", json!("dopo-la-copia@example.it"));
    assert_eq!(sync_now(&tablet, &hub.url).0, 0);
    assert_eq!(sync_now(&laptop, &hub.url).0, 0);
    assert_eq!(o.field(&laptop, "email"), json!("dopo-la-copia@example.it"));
    drop(hub);

    // The hub's disk fails; the office restores last night's copy.
    let (code, _, err) = sportello(&["restore", "--from", s(&backup), "--database", s(&o.hub_db())]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(o.field(&o.hub_db(), "phone"), json!("+39 333 123 4567"), "the copy is from before");
    // The office works on before anyone syncs: its numbers now reuse the lost ones.
    o.edit(&o.hub_db(), "notes", json!("Scritto in ufficio dopo il ripristino"));
    // Offline, the laptop takes two families in charge, with numbers of the
    // block the hub granted it after its backup (and no longer knows).
    let numbers: Vec<String> = {
        let s = o.open(&laptop);
        [("Galli", "Irene", "1988-08-08", "F"), ("Russo", "Pietro", "1990-01-01", "M")]
            .iter()
            .map(|(l, f, b, x)| {
                let h = s.household_save(serde_json::from_value(single_json(l, f, b, x)).unwrap()).unwrap();
                assert!(!h.case_provisional, "{}", h.case_number);
                h.case_number
            })
            .collect()
    };

    let hub = o.serve();
    let (code, r, err) = sync_now(&laptop, &hub.url);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["hub_restored"], true, "{r}");
    assert!(r["sent"].as_u64().unwrap() >= 1, "{r}");
    assert_eq!(o.field(&o.hub_db(), "phone"), json!("+39 333 444 5555"), "the laptop sent it again");
    assert_eq!(o.field(&laptop, "notes"), json!("Scritto in ufficio dopo il ripristino"));
    let (code, r, err) = sync_now(&tablet, &hub.url);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["hub_restored"], true, "{r}");
    assert_eq!(sync_now(&laptop, &hub.url).0, 0);

    for db in [&o.hub_db(), &laptop, &tablet] {
        assert_eq!(o.field(db, "phone"), json!("+39 333 444 5555"), "{}", db.display());
        assert_eq!(o.field(db, "email"), json!("dopo-la-copia@example.it"), "{}", db.display());
        assert_eq!(o.field(db, "notes"), json!("Scritto in ufficio dopo il ripristino"), "{}", db.display());
        // No conflict at all: not about the family, not about the blocks of
        // case numbers the hub granted after its backup (the devices
        // reported them, and their use arrived as ordinary changes).
        let conflicts = o.open(db).sync_conflicts().unwrap();
        assert!(conflicts.is_empty(), "{}: {conflicts:?}", db.display());
        // The laptop's families, under the numbers it gave them.
        let s = o.open(db);
        for n in &numbers {
            let found = s.households_search(n).unwrap().into_iter().filter(|h| &h.case_number == n).count();
            assert_eq!(found, 1, "{}: {n}", db.display());
        }
    }
    // Each device's blocks are known at the hub again, as the device has them
    // (the laptop's with both numbers used), and no two blocks of the hub
    // share a number.
    let k = key(&o.hub_db());
    let blocks = |db: &Path, device: &str| -> Vec<(String, i64, i64, i64)> {
        let conn = keyed(db, &k);
        let mut stmt = conn
            .prepare(
                "SELECT id, first, last, used FROM case_blocks WHERE device_id = ?1 ORDER BY year, first",
            )
            .unwrap();
        let rows = stmt.query_map([device], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    let id_of = |db: &Path| -> String {
        keyed(db, &k).query_row("SELECT device_id FROM sync_device", [], |r| r.get(0)).unwrap()
    };
    for device in [&laptop, &tablet] {
        let id = id_of(device);
        let (here, at_hub) = (blocks(device, &id), blocks(&o.hub_db(), &id));
        assert!(!here.is_empty());
        assert_eq!(at_hub, here, "{}", device.display());
    }
    assert_eq!(blocks(&laptop, &id_of(&laptop)).iter().map(|b| b.3).sum::<i64>(), 2);
    let all: Vec<(i64, i64, i64)> = {
        let conn = keyed(&o.hub_db(), &k);
        let mut stmt =
            conn.prepare("SELECT year, first, last FROM case_blocks ORDER BY year, first").unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    };
    for w in all.windows(2) {
        assert!(w[0].0 != w[1].0 || w[0].2 < w[1].1, "blocks share numbers at the hub: {all:?}");
    }
    // And from now on it is ordinary again.
    let (code, r, _) = sync_now(&laptop, &hub.url);
    assert_eq!((code, r["hub_restored"].clone(), r["sent"].clone()), (0, json!(false), json!(0)), "{r}");
}

#[test]
fn a_hub_restored_from_a_backup_gets_back_its_own_changes_from_a_device_that_holds_them() {
    let o = Office::new();
    let (laptop, tablet) = (o.db("portatile"), o.db("tablet"));
    let backup = o.dir.path().join("copia-ufficio.sqlite");
    o.open(&o.hub_db()).backup_to(&backup).unwrap();

    // After the copy, the office itself edits the case twice, and the laptop
    // (only the laptop) gets both.
    o.edit(&o.hub_db(), "phone", json!("+39 02 8846 0000"));
    o.edit(&o.hub_db(), "address", json!("Via Dogana 4"));
    let hub = o.serve();
    assert_eq!(sync_now(&laptop, &hub.url).0, 0);
    assert_eq!(o.field(&laptop, "phone"), json!("+39 02 8846 0000"));
    // On the laptop, offline, a later edit over one of them.
    o.edit(&laptop, "address", json!("Via Dogana 4, scala B"));
    drop(hub);

    let (code, _, err) = sportello(&["restore", "--from", s(&backup), "--database", s(&o.hub_db())]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(o.field(&o.hub_db(), "phone"), json!("+39 333 123 4567"), "the copy is from before");
    // The office works on before anyone syncs: another field, with the
    // numbers its lost changes had.
    o.edit(&o.hub_db(), "notes", json!("Scritto in ufficio dopo il ripristino"));

    let hub = o.serve();
    let (code, r, err) = sync_now(&laptop, &hub.url);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["hub_restored"], true, "{r}");
    // The office's own lost edits are back at the office, the laptop's later
    // edit over one of them after it (it came after it), and the office's
    // edit after the restore stands.
    assert_eq!(o.field(&o.hub_db(), "phone"), json!("+39 02 8846 0000"));
    assert_eq!(o.field(&o.hub_db(), "address"), json!("Via Dogana 4, scala B"));
    assert_eq!(o.field(&o.hub_db(), "notes"), json!("Scritto in ufficio dopo il ripristino"));
    // The tablet, which never had them, gets them from the office.
    assert_eq!(sync_now(&tablet, &hub.url).0, 0);
    assert_eq!(sync_now(&laptop, &hub.url).0, 0);
    for db in [&o.hub_db(), &laptop, &tablet] {
        assert_eq!(o.field(db, "phone"), json!("+39 02 8846 0000"), "{}", db.display());
        assert_eq!(o.field(db, "address"), json!("Via Dogana 4, scala B"), "{}", db.display());
        assert_eq!(o.field(db, "notes"), json!("Scritto in ufficio dopo il ripristino"), "{}", db.display());
        let conflicts = o.open(db).sync_conflicts().unwrap();
        assert!(conflicts.is_empty(), "{}: {conflicts:?}", db.display());
    }
    // Given back once: the next exchange is ordinary.
    let (code, r, _) = sync_now(&laptop, &hub.url);
    assert_eq!((code, r["hub_restored"].clone(), r["sent"].clone()), (0, json!(false), json!(0)), "{r}");
}

#[test]
fn a_lost_office_edit_that_the_office_made_again_otherwise_is_a_conflict_with_both_values() {
    let o = Office::new();
    let laptop = o.db("portatile");
    let backup = o.dir.path().join("copia-ufficio.sqlite");
    o.open(&o.hub_db()).backup_to(&backup).unwrap();
    o.edit(&o.hub_db(), "phone", json!("+39 02 8846 0000"));
    let hub = o.serve();
    assert_eq!(sync_now(&laptop, &hub.url).0, 0);
    drop(hub);
    let (code, _, err) = sportello(&["restore", "--from", s(&backup), "--database", s(&o.hub_db())]);
    assert_eq!(code, 0, "{err}");
    // After the restore the office writes the same field again, otherwise.
    o.edit(&o.hub_db(), "phone", json!("+39 02 8846 1111"));
    let hub = o.serve();
    let (code, r, err) = sync_now(&laptop, &hub.url);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["hub_restored"], true, "{r}");
    // The office's newer value stands; the lost one is on the Conflitti
    // screen with it, for a person: nothing is lost and nothing is chosen.
    assert_eq!(o.field(&o.hub_db(), "phone"), json!("+39 02 8846 1111"));
    let conflicts = o.open(&o.hub_db()).sync_conflicts().unwrap();
    let phone: Vec<_> = conflicts.iter().filter(|c| c.field == "phone").collect();
    assert_eq!(phone.len(), 1, "{conflicts:?}");
    assert_eq!(phone[0].ours, json!("+39 02 8846 1111"));
    assert_eq!(phone[0].theirs, json!("+39 02 8846 0000"));
    assert_eq!(sync_now(&laptop, &hub.url).0, 0);
    assert_eq!(o.field(&laptop, "phone"), json!("+39 02 8846 1111"));
}

#[test]
fn an_unreachable_hub_is_a_clean_error_that_changes_nothing() {
    let o = Office::new();
    let laptop = o.db("portatile");
    o.edit(&laptop, "phone", json!("+39 333 000 7777"));
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let before = (sync_rows(&laptop), o.open(&laptop).sync_status().unwrap());
    let (code, _, err) = sync_now(&laptop, &format!("http://127.0.0.1:{port}"));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("Impossibile raggiungere l'ufficio") && err.contains("Nulla è stato cambiato"),
        "{err}"
    );
    assert_eq!((sync_rows(&laptop), o.open(&laptop).sync_status().unwrap()), before);
    // Not an address of a hub at all.
    let (code, _, err) = sync_now(&laptop, "https://127.0.0.1:1");
    assert_eq!(code, 2);
    assert!(err.contains("usare http://"), "{err}");
}

#[test]
fn the_server_survives_garbage_and_answers_the_next_device() {
    let o = Office::new();
    let hub = o.serve();
    // Not HTTP, a cut request, a request too large: each answered or dropped alone.
    {
        let mut s = TcpStream::connect(hub.addr()).unwrap();
        s.write_all(b"\x00\x01 not http\r\n\r\n").unwrap();
        let mut out = Vec::new();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let _ = s.read_to_end(&mut out);
        assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 400"), "{out:?}");
    }
    {
        let mut s = TcpStream::connect(hub.addr()).unwrap();
        s.write_all(
            format!("POST {} HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", http::PATH).as_bytes(),
        )
        .unwrap();
        let mut out = Vec::new();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let _ = s.read_to_end(&mut out);
        assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 4"), "{out:?}");
    }
    {
        let mut s = TcpStream::connect(hub.addr()).unwrap();
        s.write_all(format!("POST {} HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc", http::PATH).as_bytes())
            .unwrap();
        // Gone before the body ends.
    }
    assert_eq!(post(hub.addr(), Some(1), b"").status, 426);
    let laptop = o.db("portatile");
    o.edit(&laptop, "phone", json!("+39 333 000 8888"));
    let (code, _, err) = sync_now(&laptop, &hub.url);
    assert_eq!(code, 0, "{err}");
    assert_eq!(o.field(&o.hub_db(), "phone"), json!("+39 333 000 8888"));
}

#[cfg(unix)]
#[test]
fn the_server_stops_cleanly_on_sigterm() {
    let o = Office::new();
    let mut hub = o.serve();
    let laptop = o.db("portatile");
    o.edit(&laptop, "phone", json!("+39 333 000 9999"));
    assert_eq!(sync_now(&laptop, &hub.url).0, 0);
    let pid = hub.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let mut status = None;
    for _ in 0..200 {
        if let Some(s) = hub.child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = status.expect("the server did not stop within 10 s of SIGTERM");
    assert!(status.success(), "{status:?}");
    let log = hub.log();
    assert!(log.contains("SIGTERM") && log.contains("arrestato"), "{log}");
    // Stopped: the device is told the hub cannot be reached, and nothing changes.
    let (code, _, err) = sync_now(&laptop, &hub.url);
    assert_eq!(code, 2);
    assert!(err.contains("Impossibile raggiungere l'ufficio"), "{err}");
}
