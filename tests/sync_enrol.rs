//! Enrolment and scope (issue 11 point 1; docs/sync.md, "Enrolment and
//! scope"): `sportello device enroll` writes a laptop's database with the
//! cases of its operators only; packages both ways keep to that scope; a case
//! reassigned out of it leaves the laptop, one reassigned into it arrives
//! whole.
//!
//! The office: équipe Nord (mrossi, lbianchi) and équipe Sud (gneri). The
//! laptop «portatile-nord» is enrolled for mrossi: it holds the Dell'Orto
//! family (mrossi's) and Marta Colombo (lbianchi's), never Gennaro Esposito
//! nor Ugo Ferrari (gneri's) — until Ugo Ferrari's case is given to lbianchi.

use crate::service_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};
use service_support::operators::as_operator;
use service_support::replicas::{edit, field};
use service_support::*;
use sportello::domain::{Household, Id, Role};
use sportello::service::Service;

const DEVICE: &str = "portatile-nord";

struct Office {
    dir: tempfile::TempDir,
    dellorto: Household,
    colombo: Household,
    esposito: Household,
    ferrari: Household,
    ids: std::collections::HashMap<&'static str, Id>,
}

fn single(s: &Service, last: &str, first: &str, birth: &str, sex: &str) -> Household {
    s.household_save(serde_json::from_value(single_json(last, first, birth, sex)).unwrap()).unwrap()
}

impl Office {
    fn new() -> Office {
        let env = env();
        let mrossi = as_operator(&env, "mrossi", "Mario Rossi", Role::Operatore, Some("Nord"));
        let lbianchi = as_operator(&env, "lbianchi", "Lucia Bianchi", Role::Operatore, Some("Nord"));
        let gneri = as_operator(&env, "gneri", "Giulia Neri", Role::Operatore, Some("Sud"));
        let dellorto = create_family(&mrossi);
        let colombo = single(&lbianchi, "Colombo", "Marta", "1975-04-02", "F");
        let esposito = single(&gneri, "Esposito", "Gennaro", "1970-05-12", "M");
        let ferrari = single(&gneri, "Ferrari", "Ugo", "1965-03-03", "M");
        gneri
            .analysis_save(
                serde_json::from_value(analysis_json(&ferrari, "2026-11-20", "progetto_servizio_sociale"))
                    .unwrap(),
            )
            .unwrap();
        gneri.project_save(serde_json::from_value(project_json(&ferrari)).unwrap()).unwrap();
        let ids = [("mrossi", &mrossi), ("lbianchi", &lbianchi), ("gneri", &gneri)]
            .into_iter()
            .map(|(u, s)| (u, s.operator().id))
            .collect();
        // Closed: the command line takes the database's lock.
        drop((mrossi, lbianchi, gneri));
        let Env { dir, service } = env;
        drop(service);
        Office { dir, dellorto, colombo, esposito, ferrari, ids }
    }
    fn hub_db(&self) -> PathBuf {
        self.path("sportello.sqlite")
    }
    fn laptop_db(&self) -> PathBuf {
        self.path("portatile.sqlite")
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn docs(&self) -> PathBuf {
        self.path("documenti")
    }
    fn hub(&self) -> Service {
        login(&self.hub_db(), &self.docs(), ADMIN, today()).unwrap()
    }
    fn laptop(&self, who: &str) -> sportello::Result<Service> {
        login(&self.laptop_db(), &self.docs(), who, today())
    }
    /// Enrols the laptop for mrossi through the command line.
    fn enrol(&self) {
        let (code, _, err) = cli(
            ADMIN,
            &[
                "device",
                "enroll",
                "--database",
                s(&self.hub_db()),
                "--device",
                DEVICE,
                "--operators",
                "mrossi",
                "--out",
                s(&self.laptop_db()),
            ],
        );
        assert_eq!(code, 0, "{err}");
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `sportello ARGS` logged in as `who` (the test password): exit code,
/// standard output, standard error.
fn cli(who: &str, args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sportello"));
    let out = cli_login(&mut cmd).env("SPORTELLO_OPERATOR", who).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Moves a package from one database to the other through the command line
/// (`sync export` as `from_who`, `sync import --json` as `to_who`): the counts.
fn carry(from: (&Path, &str, Option<&str>), to: (&Path, &str), pkg: &Path) -> Value {
    let mut args = vec!["sync", "export", "--database", s(from.0), "--out", s(pkg)];
    if let Some(d) = from.2 {
        args.extend(["--device", d]);
    }
    let (code, _, err) = cli(from.1, &args);
    assert_eq!(code, 0, "export: {err}");
    let (code, out, err) = cli(to.1, &["sync", "import", "--database", s(to.0), "--from", s(pkg), "--json"]);
    assert_eq!(code, 0, "import: {err}");
    serde_json::from_str(&out).unwrap()
}

fn cf(last: &str, first: &str, birth: &str, sex: sportello::cf::Sex) -> String {
    sportello::cf::encode(last, first, d(birth), sex, "F205").unwrap().to_string()
}

/// Every text and blob of every table of the database at `db` (opened with
/// `key`), for looking for a name where it must not be.
fn everything(db: &Path, key: &sportello::keyring::DbKey) -> Vec<(String, String)> {
    let conn = keyed(db, key);
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(tables.len() > 20, "{tables:?}");
    let mut out = Vec::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                let text = match r.get::<_, rusqlite::types::Value>(i).unwrap() {
                    rusqlite::types::Value::Text(s) => s,
                    rusqlite::types::Value::Blob(b) => String::from_utf8_lossy(&b).into_owned(),
                    _ => continue,
                };
                out.push((t.clone(), text));
            }
        }
    }
    out
}

fn count(db: &Path, key: &sportello::keyring::DbKey, sql: &str, id: Id) -> i64 {
    keyed(db, key).query_row(sql, [id.to_string()], |r| r.get(0)).unwrap()
}

#[test]
fn a_laptop_enrolled_for_one_operator_holds_their_scope_and_opens_with_their_password_only() {
    let o = Office::new();
    o.enrol();
    let (db, keys) = (o.laptop_db(), sportello::keyring::Keyring::path_for(&o.laptop_db()));
    #[cfg(unix)]
    for f in [&db, &keys] {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(f).unwrap().permissions().mode() & 0o777, 0o600, "{}", f.display());
    }
    // No temporary file left beside it.
    let left: Vec<_> = std::fs::read_dir(o.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') || n.contains("portatile.sqlite-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // mrossi logs in with his usual password and reads through `sportello call`.
    let input = o.path("cerca.json");
    for (query, found) in [("dell'orto", 1), ("colombo", 1), ("esposito", 0), ("ferrari", 0)] {
        std::fs::write(&input, json!({ "query": query }).to_string()).unwrap();
        let (code, out, err) =
            cli("mrossi", &["call", "households_search", "--database", s(&db), "--input", s(&input)]);
        assert_eq!(code, 0, "{err}");
        let list: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(list.as_array().unwrap().len(), found, "{query}: {out}");
    }
    // Nobody else does: another operator of the office, the administrator.
    for who in ["lbianchi", "gneri", ADMIN] {
        let (code, _, err) =
            cli(who, &["call", "households_search", "--database", s(&db), "--input", s(&input)]);
        assert_ne!(code, 0, "{who} opened the laptop's database");
        assert!(
            err.contains("password") || err.contains("Credenziali") || err.contains("credenziali"),
            "{err}"
        );
    }
    assert!(o.laptop("gneri").is_err());
    let laptop = o.laptop("mrossi").unwrap();
    assert_eq!(laptop.household_get(o.dellorto.id).unwrap().members.len(), 3);
    assert!(laptop.household_get(o.esposito.id).is_err());
    drop(laptop);

    // Nothing of the Sud's families anywhere in the file, in any table; the
    // Nord's are there (the search would find a name that is there).
    let key = key(&o.hub_db());
    let all = everything(&db, &key);
    let absent = [
        "Esposito".to_string(),
        "Gennaro".to_string(),
        cf("Esposito", "Gennaro", "1970-05-12", sportello::cf::Sex::M),
        "Ferrari".to_string(),
        cf("Ferrari", "Ugo", "1965-03-03", sportello::cf::Sex::M),
        o.esposito.id.to_string(),
        o.ferrari.id.to_string(),
    ];
    for needle in &absent {
        let found: Vec<_> = all.iter().filter(|(_, v)| v.contains(needle.as_str())).map(|(t, _)| t).collect();
        assert!(found.is_empty(), "«{needle}» found in {found:?}");
    }
    for needle in ["Dell'Orto", "NGYTLN88S60Z251L", "Colombo", "Giulia Neri"] {
        assert!(all.iter().any(|(_, v)| v.contains(needle)), "«{needle}» missing");
    }
    // The device's own identity and its hub; the hub knows its public keys.
    let hub = o.hub();
    let peers = hub.storage().sync_peers().unwrap();
    assert_eq!(peers.len(), 1);
    assert_eq!((peers[0].name.as_str(), peers[0].hub), (DEVICE, false));
    let conn = keyed(&db, &key);
    let (name, id): (String, String) = conn
        .query_row("SELECT name, device_id FROM sync_device", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((name.as_str(), id.as_str()), (DEVICE, peers[0].device_id.as_str()));
    let hub_id = hub.storage().sync_identity().unwrap().device_id;
    let is_hub: bool =
        conn.query_row("SELECT hub FROM sync_peers WHERE device_id = ?1", [&hub_id], |r| r.get(0)).unwrap();
    assert!(is_hub);
}

#[test]
fn changes_travel_both_ways_within_the_scope_and_reassigned_cases_leave_or_arrive_whole() {
    let o = Office::new();
    o.enrol();
    let (hub_db, laptop_db) = (o.hub_db(), o.laptop_db());

    // The laptop's first package carries its edit only.
    edit(&o.laptop("mrossi").unwrap(), o.dellorto.id, "phone", json!("+39 333 000 1111"));
    let up = carry((&laptop_db, "mrossi", None), (&hub_db, ADMIN), &o.path("su1.sportello"));
    assert_eq!(up, json!({"applied": 1, "already_applied": 0, "conflicts": 0, "duplicates": 0}));
    assert_eq!(field(&o.hub(), o.dellorto.id, "phone"), json!("+39 333 000 1111"));

    // The hub's package: what the laptop has not got, in its scope only.
    {
        let hub = o.hub();
        edit(&hub, o.colombo.id, "email", json!("marta.colombo@example.it"));
        edit(&hub, o.esposito.id, "notes", json!("Visita domiciliare fissata"));
    }
    let down = carry((&hub_db, ADMIN, Some(DEVICE)), (&laptop_db, "mrossi"), &o.path("giu1.sportello"));
    assert_eq!(
        down,
        json!({"applied": 1, "already_applied": 1, "conflicts": 0, "duplicates": 0}),
        "the laptop's own phone comes back as the hub applied it (an echo, already there), \
         Esposito's notes do not come at all"
    );
    let key = key(&hub_db);
    {
        let laptop = o.laptop("mrossi").unwrap();
        assert_eq!(field(&laptop, o.colombo.id, "email"), json!("marta.colombo@example.it"));
    }
    assert!(!everything(&laptop_db, &key)
        .iter()
        .any(|(_, v)| v.contains("Visita domiciliare") || v.contains("Esposito")));

    // The Dell'Orto case goes to the Sud, Ugo Ferrari's to the Nord.
    {
        let hub = o.hub();
        hub.household_assign(o.dellorto.id, o.ids["gneri"]).unwrap();
        hub.household_assign(o.ferrari.id, o.ids["lbianchi"]).unwrap();
    }
    let down = carry((&hub_db, ADMIN, Some(DEVICE)), (&laptop_db, "mrossi"), &o.path("giu2.sportello"));
    assert_eq!(down["conflicts"], json!(0), "{down}");
    let laptop = o.laptop("mrossi").unwrap();
    // Ferrari arrived whole: his member, analysis and project with its lists.
    let f = laptop.household_get(o.ferrari.id).unwrap();
    assert_eq!(f.members.len(), 1);
    let p = laptop.project_get(o.ferrari.id).unwrap().expect("the project came with the case");
    assert_eq!(p.commitments.len(), 1);
    assert!(laptop.analysis_get(o.ferrari.id).unwrap().is_some());
    // Dell'Orto left: no row of it is on the laptop any more.
    assert!(laptop.household_get(o.dellorto.id).is_err());
    for sql in [
        "SELECT count(*) FROM households WHERE id = ?1",
        "SELECT count(*) FROM members WHERE household_id = ?1",
    ] {
        assert_eq!(count(&laptop_db, &key, sql, o.dellorto.id), 0, "{sql}");
    }
    assert!(!everything(&laptop_db, &key).iter().any(|(t, v)| t != "audit_log" && v.contains("Dell'Orto")));
    // Ferrari's case, edited on the laptop, reaches the hub; the removal of
    // the Dell'Orto family never travels as a deletion.
    edit(&laptop, o.ferrari.id, "phone", json!("+39 02 555 0000"));
    drop(laptop);
    let up = carry((&laptop_db, "mrossi", None), (&hub_db, ADMIN), &o.path("su2.sportello"));
    assert_eq!(up, json!({"applied": 1, "already_applied": 0, "conflicts": 0, "duplicates": 0}));
    let hub = o.hub();
    assert_eq!(field(&hub, o.ferrari.id, "phone"), json!("+39 02 555 0000"));
    assert_eq!(hub.household_get(o.dellorto.id).unwrap().members.len(), 3);
    assert_eq!(
        count(&hub_db, &key, "SELECT count(*) FROM members WHERE household_id = ?1", o.dellorto.id),
        3
    );
}

#[test]
fn a_restricted_case_leaves_an_operatores_laptop_and_comes_back_when_the_restriction_is_lifted() {
    let o = Office::new();
    o.enrol();
    let (hub_db, laptop_db) = (o.hub_db(), o.laptop_db());
    let key = key(&hub_db);
    assert!(o.laptop("mrossi").unwrap().household_get(o.dellorto.id).is_ok());

    // GDPR art. 18 at the office: the mark travels, and the case with it
    // leaves the laptop of an operatore who may not open it any more.
    o.hub().household_restrict(o.dellorto.id, "Richiesta dell'interessato del 19/11/2026").unwrap();
    let down =
        carry((&hub_db, ADMIN, Some(DEVICE)), (&laptop_db, "mrossi"), &o.path("giu-limitato.sportello"));
    assert_eq!(down["conflicts"], json!(0), "{down}");
    assert!(o.laptop("mrossi").unwrap().household_get(o.dellorto.id).is_err());
    assert_eq!(count(&laptop_db, &key, "SELECT count(*) FROM households WHERE id = ?1", o.dellorto.id), 0);
    assert_eq!(
        count(&laptop_db, &key, "SELECT count(*) FROM members WHERE household_id = ?1", o.dellorto.id),
        0
    );

    // Lifted: the case comes back whole.
    o.hub().household_restriction_lift(o.dellorto.id, "Richiesta evasa").unwrap();
    let down =
        carry((&hub_db, ADMIN, Some(DEVICE)), (&laptop_db, "mrossi"), &o.path("giu-revocato.sportello"));
    assert_eq!(down["conflicts"], json!(0), "{down}");
    let back = o.laptop("mrossi").unwrap().household_get(o.dellorto.id).unwrap();
    assert_eq!(back.members.len(), 3);
    assert!(back.restriction.is_none());
}

#[test]
fn a_case_leaving_the_scope_stays_on_the_laptop_until_its_changes_have_reached_the_hub() {
    let o = Office::new();
    o.enrol();
    let (hub_db, laptop_db) = (o.hub_db(), o.laptop_db());
    edit(&o.laptop("mrossi").unwrap(), o.dellorto.id, "notes", json!("Colloquio a casa, da riportare"));
    o.hub().household_assign(o.dellorto.id, o.ids["gneri"]).unwrap();
    carry((&hub_db, ADMIN, Some(DEVICE)), (&laptop_db, "mrossi"), &o.path("giu1.sportello"));
    let key = key(&hub_db);
    assert_eq!(
        count(&laptop_db, &key, "SELECT count(*) FROM households WHERE id = ?1", o.dellorto.id),
        1,
        "kept: the laptop's edit has not reached the hub"
    );
    let up = carry((&laptop_db, "mrossi", None), (&hub_db, ADMIN), &o.path("su1.sportello"));
    assert_eq!(up["applied"], json!(1), "{up}");
    assert_eq!(field(&o.hub(), o.dellorto.id, "notes"), json!("Colloquio a casa, da riportare"));
    carry((&hub_db, ADMIN, Some(DEVICE)), (&laptop_db, "mrossi"), &o.path("giu2.sportello"));
    assert_eq!(
        count(&laptop_db, &key, "SELECT count(*) FROM households WHERE id = ?1", o.dellorto.id),
        0,
        "the hub has the edit now: the case leaves"
    );
    assert_eq!(
        count(&laptop_db, &key, "SELECT count(*) FROM members WHERE household_id = ?1", o.dellorto.id),
        0
    );
}

#[test]
fn a_case_leaving_the_scope_takes_the_laptops_conflicts_about_it_the_hub_keeps_them() {
    let o = Office::new();
    o.enrol();
    let (hub_db, laptop_db) = (o.hub_db(), o.laptop_db());
    // The same field written otherwise on both sides: the laptop meets the
    // office's value as a conflict. Then the case moves to the Sud.
    edit(&o.laptop("mrossi").unwrap(), o.dellorto.id, "notes", json!("Scritto sul portatile"));
    edit(&o.hub(), o.dellorto.id, "notes", json!("Scritto in ufficio"));
    carry((&hub_db, ADMIN, Some(DEVICE)), (&laptop_db, "mrossi"), &o.path("giu1.sportello"));
    o.hub().household_assign(o.dellorto.id, o.ids["gneri"]).unwrap();
    let key = key(&hub_db);
    let conflicts = |db: &Path| {
        count(
            db,
            &key,
            "SELECT count(*) FROM sync_conflicts WHERE table_name = 'households' AND record = ?1",
            o.dellorto.id,
        )
    };
    assert_eq!(conflicts(&laptop_db), 1, "the office's value met the laptop's");
    // The laptop's value reaches the office (a conflict there too), and then
    // the case leaves the laptop, its conflict with it: both values are at
    // the office, on its Conflitti screen.
    carry((&laptop_db, "mrossi", None), (&hub_db, ADMIN), &o.path("su1.sportello"));
    assert_eq!(conflicts(&hub_db), 1);
    carry((&hub_db, ADMIN, Some(DEVICE)), (&laptop_db, "mrossi"), &o.path("giu2.sportello"));
    assert_eq!(count(&laptop_db, &key, "SELECT count(*) FROM households WHERE id = ?1", o.dellorto.id), 0);
    assert_eq!(conflicts(&laptop_db), 0, "nothing of the case stays on the laptop");
    let at_hub = o.hub().sync_conflicts().unwrap();
    let notes: Vec<_> = at_hub.iter().filter(|c| c.field == "notes").collect();
    assert_eq!(notes.len(), 1, "{at_hub:?}");
    assert_eq!(
        (&notes[0].ours, &notes[0].theirs),
        (&json!("Scritto in ufficio"), &json!("Scritto sul portatile"))
    );
}

#[test]
fn a_hub_change_cut_otherwise_in_a_later_package_is_the_same_change_not_a_forgery() {
    let o = Office::new();
    o.enrol();
    let (hub_db, laptop_db) = (o.hub_db(), o.laptop_db());
    // One change of the hub touching two cases of the Nord.
    {
        let hub = o.hub();
        hub.storage()
            .transaction(|tx| {
                tx.household_assign(o.dellorto.id, o.ids["lbianchi"])?;
                tx.household_assign(o.colombo.id, o.ids["mrossi"])
            })
            .unwrap();
    }
    let first = carry((&hub_db, ADMIN, Some(DEVICE)), (&laptop_db, "mrossi"), &o.path("giu1.sportello"));
    assert_eq!(first["applied"], json!(2), "{first}");
    // The laptop has not answered: the next package carries that change
    // again, now without the Dell'Orto family, which left the scope.
    o.hub().household_assign(o.dellorto.id, o.ids["gneri"]).unwrap();
    let second = carry((&hub_db, ADMIN, Some(DEVICE)), (&laptop_db, "mrossi"), &o.path("giu2.sportello"));
    assert_eq!(second["already_applied"], json!(1), "{second}");
    let key = key(&hub_db);
    assert_eq!(count(&laptop_db, &key, "SELECT count(*) FROM households WHERE id = ?1", o.dellorto.id), 0);
    let colombo_owner: String = keyed(&laptop_db, &key)
        .query_row("SELECT responsabile_id FROM households WHERE id = ?1", [o.colombo.id.to_string()], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(colombo_owner, o.ids["mrossi"].to_string());
}

#[test]
fn a_revoked_laptops_package_is_refused() {
    let o = Office::new();
    o.enrol();
    edit(&o.laptop("mrossi").unwrap(), o.dellorto.id, "phone", json!("+39 333 999 9999"));
    let pkg = o.path("su.sportello");
    let (code, _, err) =
        cli("mrossi", &["sync", "export", "--database", s(&o.laptop_db()), "--out", s(&pkg)]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cli(ADMIN, &["device", "revoke", "--database", s(&o.hub_db()), "--device", DEVICE]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) =
        cli(ADMIN, &["sync", "import", "--database", s(&o.hub_db()), "--from", s(&pkg), "--json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("revocato"), "{err}");
    assert_eq!(field(&o.hub(), o.dellorto.id, "phone"), json!("+39 333 123 4567"));
}

#[test]
fn enrolment_is_refused_to_a_non_administrator_over_a_file_for_an_unknown_operator_and_a_name_taken() {
    let o = Office::new();
    let hub = o.hub_db();
    let out = o.path("nuovo.sqlite");
    let enrol = |who: &str, device: &str, operators: &str, out: &Path| {
        cli(
            who,
            &[
                "device",
                "enroll",
                "--database",
                s(&hub),
                "--device",
                device,
                "--operators",
                operators,
                "--out",
                s(out),
            ],
        )
    };
    let nothing_written = |out: &Path| {
        assert!(!out.exists(), "{}", out.display());
        assert!(!sportello::keyring::Keyring::path_for(out).exists());
    };
    // An operatore (mrossi himself) may not.
    let (code, _, err) = enrol("mrossi", "tablet", "mrossi", &out);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("amministratore"), "{err}");
    nothing_written(&out);
    // An --out that exists is never overwritten.
    std::fs::write(&out, b"non toccare").unwrap();
    let (code, _, err) = enrol(ADMIN, "tablet", "mrossi", &out);
    assert_ne!(code, 0);
    assert!(err.contains("esiste già"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"non toccare");
    std::fs::remove_file(&out).unwrap();
    // An unknown operator, a revoked one, one with no password.
    let (code, _, err) = enrol(ADMIN, "tablet", "mrossi,nessuno", &out);
    assert_ne!(code, 0);
    assert!(err.contains("nessuno"), "{err}");
    nothing_written(&out);
    {
        let admin = o.hub();
        admin.operator_revoke("gneri").unwrap();
        admin.operator_save_in("senzachiave", "Senza Chiave", Role::Operatore, Some(Some("Nord"))).unwrap();
    }
    for (who, word) in [("gneri", "revocato"), ("senzachiave", "password")] {
        let (code, _, err) = enrol(ADMIN, "tablet", who, &out);
        assert_ne!(code, 0, "{who}");
        assert!(err.contains(word), "{who}: {err}");
        nothing_written(&out);
    }
    // A name already registered.
    let (code, _, err) = enrol(ADMIN, "tablet", "mrossi", &out);
    assert_eq!(code, 0, "{err}");
    let other = o.path("altro.sqlite");
    let (code, _, err) = enrol(ADMIN, "tablet", "lbianchi", &other);
    assert_ne!(code, 0);
    assert!(err.contains("tablet"), "{err}");
    nothing_written(&other);
    assert_eq!(o.hub().storage().sync_peers().unwrap().len(), 1);
}

#[test]
fn a_device_of_a_coordinatore_holds_every_case_and_of_two_equipes_the_union() {
    let o = Office::new();
    {
        let admin = o.hub();
        admin.operator_save_in("cverdi", "Carla Verdi", Role::Coordinatore, Some(None)).unwrap();
        admin.operator_set_password("cverdi", PASSWORD).unwrap();
        let desk = o.path("scrivania.sqlite");
        let done = admin.device_enroll("scrivania", &["cverdi".to_string()], &desk).unwrap();
        assert_eq!(done.cases, 4);
        // Two operatori of two équipes: the union of their scopes.
        let both = o.path("due.sqlite");
        let done = admin.device_enroll("due-equipe", &["mrossi".into(), "gneri".into()], &both).unwrap();
        assert_eq!(done.cases, 4);
        let one = admin.device_enroll("sud", &["gneri".into()], &o.path("sud.sqlite")).unwrap();
        assert_eq!(one.cases, 2);
    }
    // Her keys-file entry travelled as it is: the same password opens the desk.
    let desk = login(&o.path("scrivania.sqlite"), &o.docs(), "cverdi", today()).unwrap();
    assert_eq!(desk.household_get(o.esposito.id).unwrap().members.len(), 1);
    assert_eq!(desk.household_get(o.dellorto.id).unwrap().members.len(), 3);
}

#[test]
fn an_enrolment_killed_before_publishing_leaves_no_database_under_the_name() {
    let o = Office::new();
    let out = o.laptop_db();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sportello"));
    let run = cli_login(&mut cmd)
        .env("SPORTELLO_CRASH_AT", "enroll-before-publish")
        .args(["device", "enroll", "--database", s(&o.hub_db()), "--device", DEVICE, "--operators", "mrossi"])
        .args(["--out", s(&out)])
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(!out.exists() && !sportello::keyring::Keyring::path_for(&out).exists());
    let temporaries = || {
        std::fs::read_dir(o.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".portatile.sqlite."))
            .collect::<Vec<_>>()
    };
    assert!(!temporaries().is_empty(), "the killed run's database stays aside, never under the name");
    // As docs/sync.md says: the name was registered; the administrator
    // revokes it and enrols the laptop under another; the killed run's
    // temporary file is cleared then.
    let (code, _, err) = cli(ADMIN, &["device", "revoke", "--database", s(&o.hub_db()), "--device", DEVICE]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cli(
        ADMIN,
        &[
            "device",
            "enroll",
            "--database",
            s(&o.hub_db()),
            "--device",
            "portatile-nord-2",
            "--operators",
            "mrossi",
            "--out",
            s(&out),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(temporaries(), Vec::<String>::new());
    assert!(o.laptop("mrossi").unwrap().household_get(o.dellorto.id).is_ok());
}

/// Enrolment grants the laptop its first block of case numbers, so the
/// first family it takes in charge offline has its final number; the hub's
/// packages carry that laptop's blocks only, never another device's.
#[test]
fn an_enrolled_laptop_numbers_its_first_case_from_its_own_block_and_sees_no_other_devices_blocks() {
    let o = Office::new();
    o.enrol();
    // A second device, for the Sud: its block must never reach the Nord's laptop.
    let (code, _, err) = cli(
        ADMIN,
        &[
            "device",
            "enroll",
            "--database",
            s(&o.hub_db()),
            "--device",
            "portatile-sud",
            "--operators",
            "gneri",
            "--out",
            s(&o.path("sud.sqlite")),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let hub_blocks: Vec<(String, String, i64, i64)> = o
        .hub()
        .case_numbers()
        .unwrap()
        .blocks
        .into_iter()
        .map(|b| (b.device, b.device_id, b.first, b.last))
        .collect();
    let mine = hub_blocks.iter().find(|b| b.0 == DEVICE).expect("the laptop's block").1.clone();
    // On the laptop (an operatore may not list blocks): read from the file.
    let key = key(&o.hub_db());
    let blocks = |_: &Service| -> Vec<(String, String, i64, i64)> {
        let conn = keyed(&o.laptop_db(), &key);
        let mut stmt = conn.prepare("SELECT device_id, first, last FROM case_blocks ORDER BY first").unwrap();
        let rows = stmt
            .query_map([], |r| Ok((DEVICE.to_string(), r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<Vec<_>, _>>()
            .unwrap();
        rows
    };
    let laptop_blocks: Vec<_> = hub_blocks.iter().filter(|b| b.1 == mine).cloned().collect();
    assert_eq!(laptop_blocks.len(), 1, "{hub_blocks:?}");
    {
        let laptop = o.laptop("mrossi").unwrap();
        assert_eq!(blocks(&laptop), laptop_blocks);
        let h = single(&laptop, "Galli", "Irene", "1988-08-08", "F");
        assert!(!h.case_provisional, "{}", h.case_number);
        let n: i64 = h.case_number.split('/').nth(1).unwrap().parse().unwrap();
        assert!(
            (laptop_blocks[0].2..=laptop_blocks[0].3).contains(&n),
            "{} {laptop_blocks:?}",
            h.case_number
        );
    }
    // The Sud's laptop takes a case in charge; its use of its block reaches
    // the hub, and the hub's next package for the Nord carries none of it.
    {
        let sud = login(&o.path("sud.sqlite"), &o.docs(), "gneri", today()).unwrap();
        single(&sud, "Russo", "Pietro", "1990-01-01", "M");
    }
    carry((&o.path("sud.sqlite"), "gneri", None), (&o.hub_db(), ADMIN), &o.path("sud.sportello"));
    let counts =
        carry((&o.hub_db(), ADMIN, Some(DEVICE)), (&o.laptop_db(), "mrossi"), &o.path("nord.sportello"));
    assert_eq!(counts["conflicts"], 0, "{counts}");
    let laptop = o.laptop("mrossi").unwrap();
    assert!(blocks(&laptop).iter().all(|b| b.1 == mine), "{:?}", blocks(&laptop));
    let conflicts: i64 = keyed(&o.laptop_db(), &key)
        .query_row("SELECT count(*) FROM sync_conflicts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(conflicts, 0);
}

/// sync.md, "Command line": at the hub, the exchange with a device is the
/// coordinatore's or the amministratore's; on a device, any of its operators
/// syncs.
#[test]
fn at_the_hub_only_a_coordinatore_or_amministratore_exchanges_with_a_device_on_the_laptop_its_operatore_does()
{
    let o = Office::new();
    o.enrol();
    {
        let laptop = o.laptop("mrossi").unwrap();
        edit(&laptop, o.dellorto.id, "notes", json!("visita a domicilio"));
    }
    let pkg = o.path("dal-portatile.sportello");
    // The laptop's operatore makes the package on the laptop.
    let (code, _, err) =
        cli("mrossi", &["sync", "export", "--database", s(&o.laptop_db()), "--out", s(&pkg)]);
    assert_eq!(code, 0, "{err}");
    // At the hub, an operatore (even the laptop's own) may neither apply it
    // nor make the hub's package for the laptop; nothing is applied.
    for who in ["mrossi", "lbianchi"] {
        let (code, _, err) =
            cli(who, &["sync", "import", "--database", s(&o.hub_db()), "--from", s(&pkg), "--json"]);
        assert_ne!(code, 0, "{who} imported at the hub");
        assert!(err.contains("coordinatore o amministratore"), "{err}");
        let out = o.path(&format!("per-{who}.sportello"));
        let (code, _, err) =
            cli(who, &["sync", "export", "--database", s(&o.hub_db()), "--device", DEVICE, "--out", s(&out)]);
        assert_ne!(code, 0, "{who} exported at the hub");
        assert!(err.contains("coordinatore o amministratore"), "{err}");
        assert!(!out.exists());
    }
    assert_ne!(field(&o.hub(), o.dellorto.id, "notes"), json!("visita a domicilio"));
    // The amministratore applies it; the laptop's operatore applies the answer.
    let (code, out, err) =
        cli(ADMIN, &["sync", "import", "--database", s(&o.hub_db()), "--from", s(&pkg), "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["applied"], 1, "{out}");
    assert_eq!(field(&o.hub(), o.dellorto.id, "notes"), json!("visita a domicilio"));
    carry((&o.hub_db(), ADMIN, Some(DEVICE)), (&o.laptop_db(), "mrossi"), &o.path("risposta.sportello"));
}

/// A hub put back from a backup does not know the blocks of case numbers it
/// granted after that backup: it skips a margin, so a device enrolled after
/// the restore never gets numbers another device already holds.
#[test]
fn a_hub_restored_from_a_backup_never_grants_again_the_numbers_it_gave_after_it() {
    let o = Office::new();
    let copy = o.path("copia.sqlite");
    let (code, _, err) = cli(ADMIN, &["backup", "--database", s(&o.hub_db()), "--out", s(&copy)]);
    assert_eq!(code, 0, "{err}");
    // After the backup, a laptop is enrolled: its block is granted then.
    o.enrol();
    let (code, _, err) = cli(ADMIN, &["restore", "--from", s(&copy), "--database", s(&o.hub_db())]);
    assert_eq!(code, 0, "{err}");
    let second = o.path("sud.sqlite");
    let (code, _, err) = cli(
        ADMIN,
        &[
            "device",
            "enroll",
            "--database",
            s(&o.hub_db()),
            "--device",
            "portatile-sud",
            "--operators",
            "gneri",
            "--out",
            s(&second),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let key = key(&o.hub_db());
    let own_block = |db: &Path| -> (i64, i64) {
        keyed(db, &key)
            .query_row(
                "SELECT b.first, b.last FROM case_blocks b JOIN sync_device d ON d.id = 1 AND b.device_id = d.device_id",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    let (a, b) = (own_block(&o.laptop_db()), own_block(&second));
    assert!(a.1 < b.0 || b.1 < a.0, "the two laptops share numbers: {a:?} and {b:?}");
    // The skipped numbers are on record at the hub, all used, held by nobody.
    let reserved: i64 = keyed(&o.hub_db(), &key)
        .query_row(
            "SELECT count(*) FROM case_blocks WHERE device_id = 'riservati-dopo-ripristino' AND used = last - first + 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reserved, 1);
}

/// Temporary housing (schema 19): the units are everyone's, a stay and a
/// waiting-list entry go with their case. The laptop of équipe Nord gets
/// every unit and Marta Colombo's stay, nothing of Gennaro Esposito's.
#[test]
fn a_laptop_gets_every_unit_and_the_stays_of_its_cases_only() {
    let o = Office::new();
    {
        let hub = o.hub();
        let unit = hub
            .call(
                "unit_save",
                json!({ "unit": { "address": "Via Padova 104, scala B, int. 5", "places": 3,
                                  "managing_body": "Comune di Milano" } }),
            )
            .unwrap();
        for (h, bed) in [(&o.colombo, 1), (&o.esposito, 2)] {
            let w = hub
                .call(
                    "waiting_add",
                    json!({ "waiting": { "household_id": h.id.to_string(), "need": "Sfratto", "people": 1 } }),
                )
                .unwrap();
            hub.call(
                "stay_place",
                json!({ "stay": { "waiting_id": w["id"], "unit_id": unit["id"], "place": bed,
                                  "entry": "2026-11-20", "planned_end": "2027-05-20" } }),
            )
            .unwrap();
        }
        // Ferrari waits: his entry is his case's too.
        hub.call(
            "waiting_add",
            json!({ "waiting": { "household_id": o.ferrari.id.to_string(), "need": "Separazione", "people": 1 } }),
        )
        .unwrap();
    }
    o.enrol();
    let key = key(&o.hub_db());
    let laptop = o.laptop_db();
    let units: i64 =
        keyed(&laptop, &key).query_row("SELECT count(*) FROM housing_units", [], |r| r.get(0)).unwrap();
    assert_eq!(units, 1);
    let stays = "SELECT count(*) FROM housing_stays WHERE household_id = ?1";
    assert_eq!(count(&laptop, &key, stays, o.colombo.id), 1);
    assert_eq!(count(&laptop, &key, stays, o.esposito.id), 0);
    let waiting = "SELECT count(*) FROM housing_waiting WHERE household_id = ?1";
    assert_eq!(count(&laptop, &key, waiting, o.colombo.id), 1);
    assert_eq!(count(&laptop, &key, waiting, o.esposito.id), 0);
    assert_eq!(count(&laptop, &key, waiting, o.ferrari.id), 0);
    // mrossi on the laptop: the unit's grid counts both beds, names only Marta.
    let mrossi = o.laptop("mrossi").unwrap();
    let v = mrossi.housing_get(None, 4).unwrap();
    assert_eq!(v.stays.len(), 1);
    assert_eq!(v.stays[0].household_id, o.colombo.id);
    // On the laptop the bed of a case it does not hold is not there: bed 2
    // would look free. Placements and prorogations are the hub's.
    assert_eq!(v.units[0].taken_today, 1);
    assert!(!v.can_place);
    let stay = v.stays[0].id.to_string();
    let err = mrossi
        .call("stay_update", json!({ "stay": { "stay_id": stay, "planned_end": "2027-08-20" } }))
        .unwrap_err();
    assert_eq!(err.code, sportello::Code::Conflict, "{err:?}");
    assert!(err.message.contains("copia dell'ufficio"), "{}", err.message);
    // The exit is recorded where the guest is followed.
    let out = mrossi
        .call(
            "stay_update",
            json!({ "stay": { "stay_id": stay, "exit_date": "2026-11-20", "destination": "rientro_in_famiglia" } }),
        )
        .unwrap();
    assert_eq!(out["status"], "concluso");
    assert!(o.hub().housing_get(None, 4).unwrap().can_place);
}
