//! The deterministic simulation of issue 11 (docs/sync.md, "Tests"): an
//! office hub and four devices enrolled with `Service::device_enroll` — two
//! operatori of équipe Nord, one of équipe Sud, the coordinatore — do
//! thousands of random operations through the service (households taken in
//! charge, sometimes the same person on two devices; fields edited; analyses,
//! projects, printed patti, signatures, projects sent back to bozza; cases
//! reassigned at the hub, so that they enter and leave devices), while
//! packages travel at random: late, twice, truncated (refused whole, nothing
//! changed), lost, and applied by a `sportello sync import` process killed
//! in the middle (the debug crash hook between entries and before the
//! commit, or a real SIGKILL at a random moment): the database is then
//! exactly as before, opens cleanly, and the next import applies everything.
//!
//! After everyone has synced with the hub twice:
//! - every device equals the hub, table by table and row by row, on the
//!   cases in its scope and on everyone's tables (rows set aside in a
//!   conflict for a person — a duplicate, a second analysis of the same
//!   family — are listed apart and must be in the conflict list);
//! - out-of-scope cases are absent from every device;
//! - every value ever typed stands at the hub, or was replaced by someone who
//!   had it on screen, or is in a conflict with both values;
//! - every signature recorded and every patto printed is at the hub (unless
//!   a person sent that project back to bozza where the signature was), or
//!   waits in a conflict;
//! - case numbers are unique across the office and none is provisional;
//! - `audit verify` at the hub passes, with the chain of every device.
//!
//! `SPORTELLO_SYNC_SEED` and `SPORTELLO_SYNC_STEPS` change the run (the CI
//! run is short; scripts/sync-simulation.sh runs long ones); the counts are
//! printed, one line starting with `SIMULATION`.

mod service_support;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::Duration;
use rusqlite::types::Value as Sql;
use serde_json::{json, Value};
use service_support::*;
use sportello::domain::{Id, ProjectStatus, Role};
use sportello::service::Service;
use sportello::Code;

/// xorshift64*: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The office's people: (username, name, role, équipe).
const PEOPLE: &[(&str, &str, Role, Option<&str>)] = &[
    ("mrossi", "Mario Rossi", Role::Operatore, Some("Nord")),
    ("lbianchi", "Lucia Bianchi", Role::Operatore, Some("Nord")),
    ("gneri", "Giulia Neri", Role::Operatore, Some("Sud")),
    ("cverdi", "Carla Verdi", Role::Coordinatore, None),
];

/// The replicas: the hub (its administrator at the desk) and one device
/// for each of the people above.
const NAMES: &[&str] = &["ufficio", "nord-a", "nord-b", "sud", "coordinamento"];
const HUB: usize = 0;

struct Replica {
    name: &'static str,
    user: &'static str,
    db: PathBuf,
    docs: PathBuf,
    service: Option<Service>,
}

impl Replica {
    fn s(&self) -> &Service {
        self.service.as_ref().expect("open")
    }
    fn open(&mut self) {
        self.service = Some(login(&self.db, &self.docs, self.user, today()).unwrap());
    }
}

const FIELDS: &[&str] = &["phone", "email", "notes", "address"];

/// One value typed by someone: (table, record, column) and the value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Typed {
    table: &'static str,
    record: String,
    column: &'static str,
    value: Value,
}

struct InFlight {
    from: usize,
    to: usize,
    bytes: Vec<u8>,
}

#[derive(Default, Debug)]
struct Counts {
    ops: BTreeMap<&'static str, (u64, u64)>,
    packages_made: u64,
    delivered: u64,
    duplicates_sent: u64,
    lost: u64,
    truncated: u64,
    refused_gap: u64,
    killed_hook: u64,
    killed_signal: u64,
    killed_finished_first: u64,
    applied: u64,
    already: u64,
    conflicts: u64,
    duplicates: u64,
    not_here: u64,
}

impl Counts {
    fn done(&mut self, op: &'static str, ok: bool) {
        let e = self.ops.entry(op).or_default();
        if ok {
            e.0 += 1
        } else {
            e.1 += 1
        }
    }
}

/// An error the service may give an operation here (the project is signed
/// already, the case is not in this device's scope, the number is
/// provisional…): anything else — a storage error, an internal one — is a bug.
fn expected(op: &str, r: sportello::Result<()>) -> bool {
    match r {
        Ok(()) => true,
        Err(e) if matches!(e.code, Code::Conflict | Code::NotFound | Code::Forbidden | Code::Invalid) => {
            false
        }
        Err(e) => panic!("{op}: {e:?}"),
    }
}

/// A person of the office's files: `n` makes the birth date (and so the
/// codice fiscale) distinct.
fn person(n: usize, rel: &str) -> Value {
    let first =
        ["Luca", "Marta", "Giovanni", "Chiara", "Paolo", "Elena", "Marco", "Sara", "Davide", "Anna"][n % 10];
    let last =
        ["Bianchi", "Ferrari", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "Costa"]
            [n / 10 % 10];
    let birth = d("1940-01-01") + Duration::days(n as i64 * 7 % 18000 + (n / 2572) as i64);
    let sex = if n.is_multiple_of(2) { "M" } else { "F" };
    let sx = if sex == "M" { sportello::cf::Sex::M } else { sportello::cf::Sex::F };
    let code = sportello::cf::encode(last, first, birth, sx, "F205").unwrap();
    json!({
        "first_name": first, "last_name": last, "codice_fiscale": code,
        "birth_date": birth.format("%Y-%m-%d").to_string(), "sex": sex, "relationship": rel,
        "citizenship": "italiana", "employment": "disoccupato", "education": "isced_0_2"
    })
}

fn sportello_import(r: &Replica, file: &Path, crash_at: Option<&str>) -> std::process::Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sportello"));
    cmd.env("SPORTELLO_OPERATOR", r.user)
        .env("SPORTELLO_PASSWORD", PASSWORD)
        .env("SPORTELLO_KDF_MEMORY_KIB", "256")
        .env_remove("SPORTELLO_RECOVERY_KEY")
        .env_remove("SPORTELLO_CRASH_AT")
        .args(["sync", "import", "--database"])
        .arg(&r.db)
        .arg("--from")
        .arg(file)
        .arg("--json")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if let Some(label) = crash_at {
        cmd.env("SPORTELLO_CRASH_AT", label);
    }
    cmd.spawn().unwrap()
}

/// A case this replica can open (the first of a few random tries).
fn pick(
    rng: &mut Rng,
    s: &Service,
    households: &[Id],
    n: &mut Counts,
) -> Option<sportello::domain::Household> {
    for _ in 0..4 {
        if households.is_empty() {
            return None;
        }
        let id = households[rng.below(households.len())];
        if let Ok(h) = s.household_get(id) {
            return Some(h);
        }
    }
    n.not_here += 1;
    None
}

/// Where a record went: the changes that mention it at the hub and on a device.
fn trace(hub: &rusqlite::Connection, dev: &rusqlite::Connection, k: &str) -> String {
    let q = |c: &rusqlite::Connection, t: &str| -> Vec<String> {
        let mut st = c.prepare(&format!("SELECT seq, coalesce(origin_name, '-'), coalesce(at, '-') FROM {t} WHERE instr(changeset, ?1) > 0 ORDER BY seq")).unwrap();
        st.query_map([k], |r| {
            Ok(format!("{}:{}:{}", r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })
        .unwrap()
        .map(|x| x.unwrap())
        .collect()
    };
    let peer = |c: &rusqlite::Connection| -> Vec<String> {
        let mut st = c.prepare("SELECT name, received_seq, acked_seq FROM sync_peers").unwrap();
        st.query_map([], |r| {
            Ok(format!("{}:{}:{}", r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        })
        .unwrap()
        .map(|x| x.unwrap())
        .collect()
    };
    let mut st = hub
        .prepare("SELECT seq, device_id, household_id, kind, instr(changeset, ?1) > 0 FROM sync_peer_outbox")
        .unwrap();
    let po: Vec<String> = st
        .query_map([k], |r| {
            Ok(format!(
                "{}:{}:{}:{}",
                r.get::<_, i64>(0)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?
            ))
        })
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    let mut st = hub.prepare("SELECT group_concat(seq) FROM sync_seen s JOIN sync_peers p ON p.device_id = s.device_id WHERE p.name = 'nord-a'").unwrap();
    let seen: Option<String> = st.query_row([], |r| r.get(0)).unwrap();
    let mut st = hub.prepare("SELECT detail FROM audit_log WHERE action = 'sync_import' AND detail LIKE '%nord-a%' ORDER BY seq").unwrap();
    let imports: Vec<String> = st.query_map([], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect();
    let mut st = dev.prepare("SELECT seq, coalesce(origin_name,'-') FROM sync_outbox ORDER BY seq").unwrap();
    let devout: Vec<String> = st
        .query_map([], |r| Ok(format!("{}:{}", r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|x| x.unwrap())
        .collect();
    let pid: Option<String> =
        dev.query_row("SELECT project_id FROM commitments WHERE id = ?1", [k], |r| r.get(0)).ok();
    let hp: Option<String> = hub
        .query_row("SELECT household_id || ' ' || status FROM projects WHERE id = ?1", [&pid], |r| r.get(0))
        .ok();
    let dp: Option<String> = dev
        .query_row("SELECT household_id || ' ' || status FROM projects WHERE id = ?1", [&pid], |r| r.get(0))
        .ok();
    let hc: Vec<String> = {
        let mut st = hub.prepare("SELECT id FROM commitments WHERE project_id = ?1").unwrap();
        st.query_map([&pid], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
    };
    let dc: Vec<String> = {
        let mut st = dev.prepare("SELECT id FROM commitments WHERE project_id = ?1").unwrap();
        st.query_map([&pid], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
    };
    let cf: Vec<String> = {
        let mut st = hub.prepare("SELECT table_name || ' ' || record || ' ' || kind FROM sync_conflicts WHERE table_name IN ('commitments','projects')").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
    };
    let po2: Vec<String> = {
        let mut st =
            hub.prepare("SELECT seq || ' ' || kind || ' ' || household_id FROM sync_peer_outbox").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
    };
    let hh: Vec<String> = {
        let mut st = hub.prepare("SELECT p.name || ' ' || h.household_id || ' ' || h.entered_seq FROM sync_peer_households h JOIN sync_peers p ON p.device_id = h.device_id WHERE p.name = 'nord-a'").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
    };
    let inconf: Vec<String> = {
        let mut st = hub.prepare("SELECT table_name || ' ' || record || ' ' || kind || ' ' || field FROM sync_conflicts WHERE instr(theirs, ?1) OR instr(ours, ?1)").unwrap();
        st.query_map([k], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
    };
    let pout = q(hub, "sync_outbox");
    let pidout: Vec<String> = match &pid {
        Some(p) => {
            let mut st = hub.prepare("SELECT seq || ' ' || coalesce(origin_name,'-') FROM sync_outbox WHERE instr(changeset, ?1) > 0").unwrap();
            st.query_map([p], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
        }
        None => vec![],
    };
    let _ = pout;
    let hh_id: Option<String> =
        dev.query_row("SELECT household_id FROM projects WHERE id = ?1", [&pid], |r| r.get(0)).ok();
    let hh_out: Vec<String> = {
        let mut st = hub.prepare("SELECT seq || ' ' || coalesce(origin_name,'-') || ' ' || length(changeset) FROM sync_outbox WHERE instr(changeset, ?1) > 0").unwrap();
        st.query_map([&hh_id], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
    };
    let hub_proj: Vec<String> = {
        let mut st = hub.prepare("SELECT id || ' ' || status FROM projects WHERE household_id = ?1").unwrap();
        st.query_map([&hh_id], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
    };
    let pc: Vec<String> = {
        let mut st = hub.prepare("SELECT kind || ' ' || field || ' ' || ours || ' ' || substr(theirs, 1, 300) || ' ' || device_name || ' ' || origin_seq FROM sync_conflicts WHERE table_name = 'projects'").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
    };
    format!("\n household {hh_id:?} in hub outbox {hh_out:?}, hub projects {hub_proj:?}\n project conflicts {pc:?}\n in conflicts {inconf:?}\n project in hub outbox {pidout:?}\n project {pid:?} hub {hp:?} dev {dp:?}\n hub commitments {hc:?}\n dev commitments {dc:?}\n hub conflicts {cf:?}\n peer outbox {po2:?}\n held {hh:?}\n hub seen nord-a {seen:?}\n hub imports {imports:?}\n device all outbox {devout:?}\n hub outbox {:?}\n hub peer outbox {:?}\n device outbox {:?}\n hub peers {:?}\n device peers {:?}", q(hub, "sync_outbox"), po, q(dev, "sync_outbox"), peer(hub), peer(dev))
}

// --- Looking under the service ----------------------------------------------------

type Rows = BTreeMap<String, Vec<Value>>;

fn json_of(v: Sql) -> Value {
    match v {
        Sql::Null => Value::Null,
        Sql::Integer(i) => i.into(),
        Sql::Real(f) => json!(f),
        Sql::Text(s) => s.into(),
        Sql::Blob(b) => json!(format!(
            "blob:{}:{:x}",
            b.len(),
            b.iter().fold(0u64, |h, x| h.wrapping_mul(131).wrapping_add(*x as u64))
        )),
    }
}

fn tables(conn: &rusqlite::Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// Every row of `table` (optionally only `filter`), keyed as the conflict
/// rows name a record: the one key as text, or the keys as a JSON array.
fn rows(conn: &rusqlite::Connection, table: &str, filter: &str) -> Rows {
    let mut info =
        conn.prepare(&format!("SELECT name, pk FROM pragma_table_info('{table}') ORDER BY cid")).unwrap();
    let cols: Vec<(String, i64)> =
        info.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap();
    let mut pk: Vec<(i64, usize)> =
        cols.iter().enumerate().filter(|(_, c)| c.1 > 0).map(|(i, c)| (c.1, i)).collect();
    pk.sort();
    let sql = format!(
        "SELECT {} FROM \"{table}\" WHERE {filter}",
        cols.iter().map(|c| format!("\"{}\"", c.0)).collect::<Vec<_>>().join(", ")
    );
    let mut stmt = conn.prepare(&sql).unwrap();
    let all: Vec<Vec<Value>> = stmt
        .query_map([], |r| (0..cols.len()).map(|i| r.get::<_, Sql>(i).map(json_of)).collect())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    all.into_iter()
        .enumerate()
        .map(|(n, row)| {
            let key = match pk.as_slice() {
                [] => format!("rowid#{n}"),
                [(_, i)] => match &row[*i] {
                    Value::String(s) => s.clone(),
                    v => v.to_string(),
                },
                many => Value::Array(many.iter().map(|(_, i)| row[*i].clone()).collect()).to_string(),
            };
            (key, row)
        })
        .collect()
}

/// Everything in the database (`with_audit`: the audit log too).
fn snapshot(db: &Path, key: &sportello::keyring::DbKey, with_audit: bool) -> BTreeMap<String, Rows> {
    let conn = keyed(db, key);
    tables(&conn)
        .into_iter()
        .filter(|t| with_audit || t != "audit_log")
        .map(|t| {
            let r = rows(&conn, &t, "1");
            (t, r)
        })
        .collect()
}

/// The case (household id) of a row of `table`, as SQL over its columns;
/// `None` for the tables that are not a case's.
fn case_of(table: &str) -> Option<&'static str> {
    Some(match table {
        "households" => "id",
        "members" | "analyses" | "projects" | "documents" | "eligibility_facts" | "eligibility_checks" => {
            "household_id"
        }
        "analysis_participants" | "analysis_areas" | "analysis_employability" => {
            "(SELECT a.household_id FROM analyses a WHERE a.id = analysis_id)"
        }
        "quadri" => "household_id",
        "quadro_equipe" | "quadro_participants" | "quadro_areas" | "quadro_priorities" => {
            "(SELECT q.household_id FROM quadri q WHERE q.id = quadro_id)"
        }
        "project_texts" | "supports" | "meetings" | "commitments" | "signatures" => {
            "(SELECT p.household_id FROM projects p WHERE p.id = project_id)"
        }
        "commitment_others" => {
            "(SELECT p.household_id FROM commitments c JOIN projects p ON p.id = c.project_id WHERE c.id = commitment_id)"
        }
        "eligibility_answers" => "(SELECT k.household_id FROM eligibility_checks k WHERE k.id = check_id)",
        _ => return None,
    })
}

/// Tables that are this replica's bookkeeping, not data to compare. The
/// history of the fields (schema 22) is each replica's own: its rows say
/// when a change reached this copy, and from which device.
fn bookkeeping(table: &str) -> bool {
    table.starts_with("sync_")
        || matches!(table, "audit_log" | "audit_remote" | "case_counters" | "field_history")
}

#[test]
fn an_office_of_a_hub_and_four_devices_converges_and_loses_nothing() {
    let seed: u64 = std::env::var("SPORTELLO_SYNC_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(11);
    let steps: usize =
        std::env::var("SPORTELLO_SYNC_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).max(1));
    let mut n = Counts::default();

    // --- The office -----------------------------------------------------------------
    let env = env();
    let dir = env.dir.path().to_path_buf();
    let mut op_ids: Vec<Id> = Vec::new();
    for (user, name, role, equipe) in PEOPLE {
        op_ids.push(operators::register(&env, user, name, *role, *equipe).id);
        env.service.operator_set_password(user, PASSWORD).unwrap();
    }
    // Small blocks, so that devices run out offline and go provisional.
    env.service.case_numbers_set(10, 3).unwrap();
    let hub_key = key(&env.db());
    for (i, name) in NAMES.iter().enumerate().skip(1) {
        let out = dir.join(format!("{name}.sqlite"));
        env.service.device_enroll(name, &[PEOPLE[i - 1].0.to_string()], &out).unwrap();
    }
    let mut reps: Vec<Replica> = NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| Replica {
            name,
            user: if i == HUB { ADMIN } else { PEOPLE[i - 1].0 },
            db: if i == HUB { env.db() } else { dir.join(format!("{name}.sqlite")) },
            docs: dir.join(format!("documenti-{name}")),
            service: None,
        })
        .collect();
    let Env { dir: _tmp, service } = env;
    reps[HUB].service = Some(service);
    for r in reps.iter_mut().skip(1) {
        r.open();
    }

    // --- What happened, as the people there know it -----------------------------------
    let mut households: Vec<Id> = Vec::new();
    let mut people_made: Vec<(usize, Value)> = Vec::new();
    let mut next_person = 0usize;
    let mut typed: Vec<Typed> = Vec::new();
    let mut superseded: HashSet<Typed> = HashSet::new();
    // (project, member) → where it was recorded.
    let mut signatures: Vec<(String, String, usize)> = Vec::new();
    let mut cleared: HashSet<(String, String)> = HashSet::new();
    let mut documents: Vec<(String, usize)> = Vec::new();
    let mut in_flight: Vec<InFlight> = Vec::new();
    let pkg_file = dir.join("pacchetto.sportello");

    for step in 0..steps {
        let roll = rng.below(100);
        let r = rng.below(NAMES.len());
        match roll {
            // A field of a household edited, as the form sends it back.
            0..=29 => {
                let s = reps[r].s();
                let Some(h) = pick(&mut rng, s, &households, &mut n) else { continue };
                let field = FIELDS[rng.below(FIELDS.len())];
                let v = match field {
                    "phone" => json!(format!("+39 3{r}{step:08}")),
                    "email" => json!(format!("r{r}s{step}@example.it")),
                    _ => json!(format!("{field} {r}/{step}")),
                };
                let mut form = serde_json::to_value(&h).unwrap();
                let before = Typed {
                    table: "households",
                    record: h.id.to_string(),
                    column: field,
                    value: form[field].clone(),
                };
                form[field] = v.clone();
                let ok = expected(
                    "household_save",
                    s.call("household_save", json!({ "household": form })).map(|_| ()),
                );
                if ok {
                    superseded.insert(before);
                    typed.push(Typed {
                        table: "households",
                        record: h.id.to_string(),
                        column: field,
                        value: v,
                    });
                }
                n.done("modifica nucleo", ok);
            }
            // A family taken in charge: sometimes a person already taken in
            // charge on another replica that this one has not heard of.
            30..=37 => {
                let s = reps[r].s();
                let mut members = Vec::new();
                let twin =
                    people_made.iter().filter(|(at, _)| *at != r).map(|(_, p)| p.clone()).collect::<Vec<_>>();
                if !twin.is_empty() && rng.chance(12) {
                    members.push(twin[rng.below(twin.len())].clone());
                } else {
                    members.push(person(next_person, "richiedente"));
                    next_person += 1;
                }
                for rel in ["coniuge", "altro"].iter().take(rng.below(3)) {
                    members.push(person(next_person, rel));
                    next_person += 1;
                }
                let form = json!({
                    "comune": "F205", "address": format!("via Padova {step}, Milano"), "members": members
                });
                match s.call("household_save", json!({ "household": form })) {
                    Ok(h) => {
                        households.push(h["id"].as_str().unwrap().parse().unwrap());
                        for m in members {
                            people_made.push((r, m));
                        }
                        n.done("presa in carico", true);
                    }
                    Err(e) => n.done("presa in carico", expected("household_save", Err(e))),
                }
            }
            // The analisi preliminare recorded (again: a new reason typed).
            38..=44 => {
                let s = reps[r].s();
                let Some(h) = pick(&mut rng, s, &households, &mut n) else { continue };
                let mut form = analysis_json(&h, "2026-11-20", "progetto_servizio_sociale");
                let reason = format!("Motivazione {r}/{step}");
                form["outcome_reason"] = json!(reason);
                let old = s.analysis_get(h.id).ok().flatten();
                let saved = s.call("analysis_save", json!({ "analysis": form }));
                let ok = match saved {
                    Ok(a) => {
                        let id = a["id"].as_str().unwrap().to_string();
                        if let Some(old) = old {
                            superseded.insert(Typed {
                                table: "analyses",
                                record: old.id.to_string(),
                                column: "outcome_reason",
                                value: json!(old.outcome_reason),
                            });
                        }
                        typed.push(Typed {
                            table: "analyses",
                            record: id,
                            column: "outcome_reason",
                            value: json!(reason),
                        });
                        true
                    }
                    Err(e) => expected("analysis_save", Err(e)),
                };
                n.done("analisi", ok);
            }
            // The project written (or rewritten while still a bozza).
            45..=50 => {
                let s = reps[r].s();
                let Some(h) = pick(&mut rng, s, &households, &mut n) else { continue };
                // The analysis first, where this replica has none yet.
                if s.analysis_get(h.id).ok().flatten().is_none() {
                    let form = analysis_json(&h, "2026-11-20", "progetto_servizio_sociale");
                    let done = s.call("analysis_save", json!({ "analysis": form })).map(|_| ());
                    n.done("analisi", expected("analysis_save", done));
                }
                let ok = expected(
                    "project_save",
                    s.call("project_save", json!({ "project": project_json(&h) })).map(|_| ()),
                );
                n.done("progetto", ok);
            }
            // The patto printed (the project becomes «da firmare»).
            51..=56 => {
                let s = reps[r].s();
                let Some(h) = pick(&mut rng, s, &households, &mut n) else { continue };
                let Some(p) = s.project_get(h.id).ok().flatten() else { continue };
                match s.agreement_print(p.id) {
                    Ok(doc) => {
                        documents.push((doc.id.to_string(), r));
                        n.done("stampa patto", true);
                    }
                    Err(e) => n.done("stampa patto", expected("agreement_print", Err(e))),
                }
            }
            // A signature collected on paper, recorded.
            57..=64 => {
                let s = reps[r].s();
                let Some(h) = pick(&mut rng, s, &households, &mut n) else { continue };
                let Some(mut p) = s.project_get(h.id).ok().flatten() else { continue };
                // At the family's home: the patto printed there first.
                if p.status == ProjectStatus::Bozza {
                    match s.agreement_print(p.id) {
                        Ok(doc) => {
                            documents.push((doc.id.to_string(), r));
                            n.done("stampa patto", true);
                            p = s.project_get(h.id).unwrap().unwrap();
                        }
                        Err(e) => n.done("stampa patto", expected("agreement_print", Err(e))),
                    }
                }
                if p.required_signers.is_empty() {
                    continue;
                }
                let who = p.required_signers[rng.below(p.required_signers.len())].member_id;
                let ok = expected("signature_record", s.signature_record(p.id, who, today()).map(|_| ()));
                if ok {
                    signatures.push((p.id.to_string(), who.to_string(), r));
                }
                n.done("firma", ok);
            }
            // A project sent back to bozza: its signatures here are cleared,
            // knowingly.
            65..=66 => {
                let s = reps[r].s();
                let Some(h) = pick(&mut rng, s, &households, &mut n) else { continue };
                let Some(p) = s.project_get(h.id).ok().flatten() else { continue };
                let held: Vec<_> =
                    p.signatures.iter().map(|g| (p.id.to_string(), g.member_id.to_string())).collect();
                let ok = expected(
                    "project_set_status",
                    s.project_set_status(p.id, ProjectStatus::Bozza).map(|_| ()),
                );
                if ok {
                    cleared.extend(held);
                }
                n.done("torna in bozza", ok);
            }
            // A case given to another operator at the office: it enters and
            // leaves devices' scopes.
            67..=71 => {
                let s = reps[HUB].s();
                let Some(h) = pick(&mut rng, s, &households, &mut n) else { continue };
                let to = op_ids[rng.below(op_ids.len())];
                let ok = expected(
                    "household_assign",
                    s.call("household_assign", json!({ "household_id": h.id, "operator_id": to }))
                        .map(|_| ()),
                );
                n.done("riassegnazione", ok);
            }
            // A package made: a device's for the hub, or the hub's for a device.
            72..=83 => {
                let dev = 1 + rng.below(NAMES.len() - 1);
                let (from, to) = if rng.chance(50) { (dev, HUB) } else { (HUB, dev) };
                let device = (from == HUB).then(|| NAMES[to]);
                in_flight.push(InFlight { from, to, bytes: reps[from].s().sync_export(device).unwrap() });
                n.packages_made += 1;
            }
            // One arrives, any of those on the way: late, again, cut, never,
            // or to a process killed while applying it.
            _ => {
                if in_flight.is_empty() {
                    continue;
                }
                let i = rng.below(in_flight.len());
                let p = if rng.chance(25) {
                    n.duplicates_sent += 1;
                    InFlight {
                        from: in_flight[i].from,
                        to: in_flight[i].to,
                        bytes: in_flight[i].bytes.clone(),
                    }
                } else {
                    in_flight.swap_remove(i)
                };
                let to = p.to;
                if rng.chance(8) {
                    n.lost += 1;
                    continue;
                }
                if rng.chance(8) {
                    let before = snapshot(&reps[to].db, &hub_key, true);
                    let cut = rng.below(p.bytes.len());
                    let e = reps[to].s().sync_import(&p.bytes[..cut]).unwrap_err();
                    assert!(e.message.contains("Pacchetto rifiutato"), "{}", e.message);
                    assert!(
                        snapshot(&reps[to].db, &hub_key, true) == before,
                        "a truncated package changed {}",
                        NAMES[to]
                    );
                    n.truncated += 1;
                    continue;
                }
                // At least one kill in every run past its middle.
                let must_kill = n.killed_hook == 0 && step > steps / 2;
                if rng.chance(10) || must_kill {
                    // kill -9 while applying, in a `sportello sync import`.
                    std::fs::write(&pkg_file, &p.bytes).unwrap();
                    reps[to].service = None;
                    let before = snapshot(&reps[to].db, &hub_key, false);
                    let hook = rng.chance(70) || must_kill;
                    let label = match rng.below(4) {
                        _ if must_kill => "sync-apply-before-commit".to_string(),
                        0 => "sync-apply-before-commit".to_string(),
                        k => format!("sync-apply-entry-{k}"),
                    };
                    let mut child = sportello_import(&reps[to], &pkg_file, hook.then_some(label.as_str()));
                    if !hook {
                        std::thread::sleep(std::time::Duration::from_millis(rng.below(60) as u64));
                        let _ = child.kill();
                    }
                    let status = child.wait().unwrap();
                    // Refused (exit 2, a package after a lost one) counts as
                    // finished: the import below says the same.
                    let finished = status.code().is_some();
                    {
                        let conn = keyed(&reps[to].db, &hub_key);
                        let check: String =
                            conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
                        assert_eq!(check, "ok", "{} after a kill", NAMES[to]);
                    }
                    if finished {
                        n.killed_finished_first += 1;
                    } else {
                        if hook {
                            n.killed_hook += 1;
                        } else {
                            n.killed_signal += 1;
                        }
                        // Killed: either nothing of it (a hook always stops
                        // before the commit) or, for a signal that came
                        // after the commit, all of it.
                        let after = snapshot(&reps[to].db, &hub_key, false);
                        if hook {
                            assert!(
                                after == before,
                                "a killed import left part of a package in {} ({label})",
                                NAMES[to]
                            );
                        }
                    }
                    reps[to].open();
                }
                match reps[to].s().sync_import(&p.bytes) {
                    Ok(c) => {
                        n.delivered += 1;
                        n.applied += c.applied;
                        n.already += c.already_applied;
                        n.conflicts += c.conflicts;
                        n.duplicates += c.duplicates;
                    }
                    Err(e) => {
                        // Only a package that starts after a lost one.
                        assert!(
                            e.message.contains("manca un pacchetto intermedio"),
                            "{} → {}: {}",
                            NAMES[p.from],
                            NAMES[to],
                            e.message
                        );
                        n.refused_gap += 1;
                    }
                }
            }
        }
    }

    // --- Everyone syncs with the hub, twice -------------------------------------------
    for _ in 0..2 {
        for d in 1..NAMES.len() {
            let p = reps[d].s().sync_export(None).unwrap();
            reps[HUB].s().sync_import(&p).unwrap();
        }
        for d in 1..NAMES.len() {
            let p = reps[HUB].s().sync_export(Some(NAMES[d])).unwrap();
            reps[d].s().sync_import(&p).unwrap();
        }
    }

    // --- What must hold ---------------------------------------------------------------
    let conflicts: Vec<Vec<sportello::storage::sync::ConflictRow>> =
        reps.iter().map(|r| r.s().storage().sync_conflicts().unwrap()).collect();
    let hub = keyed(&reps[HUB].db, &hub_key);
    let hub_id = reps[HUB].s().storage().sync_identity().unwrap().device_id;
    let mut set_aside = 0usize;
    for d in 1..NAMES.len() {
        let dev = keyed(&reps[d].db, &hub_key);
        let device_id: String = dev.query_row("SELECT device_id FROM sync_device", [], |r| r.get(0)).unwrap();
        let (user, _, role, equipe) = PEOPLE[d - 1];
        // The device's scope, from the hub's households (service/access.rs).
        let scope: BTreeSet<String> = {
            let all = role != Role::Operatore;
            let mut stmt = hub
                .prepare(
                    "SELECT h.id FROM households h LEFT JOIN operators r ON r.id = h.responsabile_id
                     WHERE ?1 OR h.responsabile_id IS NULL OR r.username = ?2 OR r.equipe = ?3",
                )
                .unwrap();
            stmt.query_map(rusqlite::params![all, user, equipe], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        // Rows set aside for a person, at the hub or here: listed apart.
        let aside: HashSet<(String, String)> = conflicts[HUB]
            .iter()
            .chain(&conflicts[d])
            .filter(|c| c.field == "*" || c.kind == "duplicato")
            .map(|c| (c.table.clone(), c.record.clone()))
            .collect();
        for table in tables(&hub).into_iter().filter(|t| !bookkeeping(t)) {
            let (theirs, ours) = match (table.as_str(), case_of(&table)) {
                ("case_blocks", _) => {
                    let f = format!("device_id = '{device_id}'");
                    (rows(&hub, &table, &f), rows(&dev, &table, &f))
                }
                (_, Some(case)) => {
                    let list = scope.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(",");
                    let f = format!("{case} IN ({list})");
                    let dev_rows = rows(&dev, &table, "1");
                    // Nothing out of scope on the device.
                    let inside = rows(&dev, &table, &f);
                    for k in dev_rows.keys().filter(|k| !inside.contains_key(*k)) {
                        assert!(
                            aside.contains(&(table.clone(), k.clone())),
                            "{}", format!("{}: {table} {k} is out of its scope (seed {seed}): case {:?}, on the hub {:?}, leaving {:?}",
                            NAMES[d],
                            dev.query_row(&format!("SELECT {case} FROM \"{table}\" WHERE id = ?1"), [k], |r| r.get::<_, Option<String>>(0)).ok(),
                            hub.query_row(&format!("SELECT {case} FROM \"{table}\" WHERE id = ?1"), [k], |r| r.get::<_, Option<String>>(0)).ok(),
                            rows(&dev, "sync_leaving", "1"),
                        ) + &trace(&hub, &dev, &dev.query_row(&format!("SELECT {case} FROM \"{table}\" WHERE id = ?1"), [k], |r| r.get::<_, String>(0)).unwrap_or_default())
                        );
                    }
                    (rows(&hub, &table, &f), dev_rows)
                }
                _ => (rows(&hub, &table, "1"), rows(&dev, &table, "1")),
            };
            for k in theirs.keys().chain(ours.keys()).collect::<BTreeSet<_>>() {
                if theirs.get(k) != ours.get(k) {
                    assert!(
                        aside.contains(&(table.clone(), k.clone())),
                        "{}",
                        format!("{} differs from the hub on {table} {k} (seed {seed}):\n hub    {:?}\n device {:?}\n conflicts {:?}",
                        NAMES[d],
                        theirs.get(k),
                        ours.get(k),
                        conflicts[HUB].iter().chain(&conflicts[d]).filter(|c| &c.record == k).collect::<Vec<_>>()
                    ) + &trace(&hub, &dev, k)
                    );
                    set_aside += 1;
                }
            }
        }
        let left: i64 = dev.query_row("SELECT count(*) FROM sync_leaving", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0, "{}: cases still waiting to leave after the final syncs", NAMES[d]);
    }

    // Every value typed: standing, replaced by someone who saw it, or in a conflict.
    let all_conflicts: Vec<&sportello::storage::sync::ConflictRow> = conflicts.iter().flatten().collect();
    for t in &typed {
        let now: Option<Value> = hub
            .query_row(
                &format!("SELECT \"{}\" FROM \"{}\" WHERE id = ?1", t.column, t.table),
                [&t.record],
                |r| r.get::<_, Sql>(0).map(json_of),
            )
            .ok();
        let in_conflict = all_conflicts.iter().any(|c| {
            c.record == t.record
                && ((c.field == t.column && (c.ours == t.value || c.theirs == t.value))
                    || (c.field == "*" && (c.ours[t.column] == t.value || c.theirs[t.column] == t.value)))
        });
        assert!(
            now.as_ref() == Some(&t.value) || superseded.contains(t) || in_conflict,
            "the edit {t:?} was lost: the hub has {now:?} (seed {seed})"
        );
    }
    // No signature lost, no printed patto lost.
    for (project, member, at) in &signatures {
        let there: bool = hub
            .query_row(
                "SELECT count(*) > 0 FROM signatures WHERE project_id = ?1 AND member_id = ?2",
                [project, member],
                |r| r.get(0),
            )
            .unwrap();
        let waiting = all_conflicts.iter().any(|c| {
            c.table == "signatures"
                && c.record.contains(project.as_str())
                && c.record.contains(member.as_str())
        });
        assert!(
            there || waiting || cleared.contains(&(project.clone(), member.clone())),
            "a signature recorded on {} is lost: project {project}, member {member} (seed {seed})",
            NAMES[*at]
        );
    }
    for (doc, at) in &documents {
        let there: bool =
            hub.query_row("SELECT count(*) > 0 FROM documents WHERE id = ?1", [doc], |r| r.get(0)).unwrap();
        let waiting = all_conflicts.iter().any(|c| c.table == "documents" && &c.record == doc);
        assert!(there || waiting, "a patto printed on {} is lost: {doc} (seed {seed})", NAMES[*at]);
    }
    // Case numbers: unique across the office, none provisional.
    let mut numbers: HashMap<String, String> = HashMap::new();
    for r in &reps {
        let conn = keyed(&r.db, &hub_key);
        let mut stmt = conn.prepare("SELECT id, case_number, case_provisional FROM households").unwrap();
        let rows: Vec<(String, String, bool)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for (id, number, provisional) in rows {
            assert!(!provisional, "{}: {number} still provisional (seed {seed})", r.name);
            if let Some(other) = numbers.insert(number.clone(), id.clone()) {
                assert_eq!(other, id, "{number} given to two cases (seed {seed})");
            }
        }
    }
    // Every audit chain, the hub's and each device's, verifies at the hub.
    let report = reps[HUB].s().audit_verify().unwrap();
    assert!(report.ok, "audit verify at the hub: {report:?}");
    let chains: HashSet<&str> = report.devices.iter().map(|c| c.device.as_str()).collect();
    for name in &NAMES[1..] {
        assert!(chains.contains(name), "{name}'s chain is not at the hub: {chains:?}");
    }
    for c in &report.devices {
        let dev = reps.iter().find(|r| r.name == c.device).unwrap();
        let head: i64 =
            keyed(&dev.db, &hub_key).query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0)).unwrap();
        assert!(
            c.ok && c.rows as i64 >= head - 1,
            "{}'s chain at the hub: {c:?}, its own log has {head} rows",
            c.device
        );
    }
    let _ = hub_id;

    let total_conflicts: usize = conflicts.iter().map(|c| c.len()).sum();
    let ops: u64 = n.ops.values().map(|(ok, _)| ok).sum();
    println!(
        "SIMULATION seed {seed} steps {steps}: operations {ops} ({}), refused by the service {}, case not on the replica {}; \
         packages made {}, delivered {}, sent twice {}, lost {}, truncated {}, refused for a gap {}, \
         killed while applying {} (hook {}, SIGKILL {}, finished before the kill {}); row changes applied {}, already applied {}, \
         conflicts found {}, duplicates {}; open conflict rows {total_conflicts}, rows set aside on devices {set_aside}; households {}",
        n.ops.iter().map(|(k, (ok, _))| format!("{k} {ok}")).collect::<Vec<_>>().join(", "),
        n.ops.values().map(|(_, no)| no).sum::<u64>(),
        n.not_here,
        n.packages_made,
        n.delivered,
        n.duplicates_sent,
        n.lost,
        n.truncated,
        n.refused_gap,
        n.killed_hook + n.killed_signal,
        n.killed_hook,
        n.killed_signal,
        n.killed_finished_first,
        n.applied,
        n.already,
        n.conflicts,
        n.duplicates,
        households.len(),
    );
    // The run did something of every kind.
    for op in [
        "modifica nucleo",
        "presa in carico",
        "analisi",
        "progetto",
        "stampa patto",
        "firma",
        "riassegnazione",
    ] {
        assert!(n.ops.get(op).is_some_and(|c| c.0 > 0), "no «{op}» succeeded: {:?}", n.ops);
    }
    assert!(n.delivered > 0 && n.killed_hook > 0, "{n:?}");
}

/// Found by the simulation: a case taken in charge on an enrolled device
/// must be held by that device at the hub, so that when the office gives it
/// to another équipe before its next package for the device, it leaves the
/// device.
#[test]
fn a_case_made_on_a_device_leaves_it_when_reassigned_at_once() {
    let env = env();
    let dir = env.dir.path().to_path_buf();
    let mut ids = HashMap::new();
    for (user, name, role, equipe) in PEOPLE {
        ids.insert(*user, operators::register(&env, user, name, *role, *equipe).id);
        env.service.operator_set_password(user, PASSWORD).unwrap();
    }
    let db = dir.join("nord-a.sqlite");
    env.service.device_enroll("nord-a", &["mrossi".to_string()], &db).unwrap();
    let laptop = login(&db, &dir.join("documenti-nord-a"), "mrossi", today()).unwrap();
    let hub = &env.service;
    let form = json!({ "comune": "F205", "members": [person(1, "richiedente")] });
    let made = laptop.call("household_save", json!({ "household": form })).unwrap();
    let id: Id = made["id"].as_str().unwrap().parse().unwrap();
    hub.sync_import(&laptop.sync_export(None).unwrap()).unwrap();

    // Given to the Sud: it leaves the laptop.
    hub.call("household_assign", json!({ "household_id": id, "operator_id": ids["gneri"] })).unwrap();
    laptop.sync_import(&hub.sync_export(Some("nord-a")).unwrap()).unwrap();
    let left: i64 = keyed(&db, &key(&env.db()))
        .query_row("SELECT count(*) FROM households WHERE id = ?1", [id.to_string()], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0, "the case given to the Sud is still on the Nord's laptop");
}

/// Found by the simulation: two devices of one équipe set the same field
/// to the same value, the second then changes it again; the hub applies the
/// first device's change, then the second's two. The second device then
/// gets the first one's change (an older value, the hub's standing in the
/// conflict there): its own later change must come back to it, or it keeps
/// the older value while the hub has its own.
#[test]
fn a_device_gets_its_own_change_back_after_an_older_one_of_another_device() {
    let env = env();
    let dir = env.dir.path().to_path_buf();
    for (user, name, role, equipe) in PEOPLE {
        operators::register(&env, user, name, *role, *equipe);
        env.service.operator_set_password(user, PASSWORD).unwrap();
    }
    let hub = &env.service;
    let form = json!({ "comune": "F205", "phone": "+39 02 0000", "members": [person(2, "richiedente")] });
    let id: Id = hub.call("household_save", json!({ "household": form })).unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let mrossi = hub.operators_list().unwrap().into_iter().find(|a| a.operator.username == "mrossi").unwrap();
    hub.call("household_assign", json!({ "household_id": id, "operator_id": mrossi.operator.id })).unwrap();
    let mut devices = Vec::new();
    for (name, user) in [("nord-a", "mrossi"), ("nord-b", "lbianchi")] {
        let db = dir.join(format!("{name}.sqlite"));
        hub.device_enroll(name, &[user.to_string()], &db).unwrap();
        devices.push(login(&db, &dir.join(format!("documenti-{name}")), user, today()).unwrap());
    }
    let set_phone = |s: &Service, v: &str| {
        let mut h = serde_json::to_value(s.household_get(id).unwrap()).unwrap();
        h["phone"] = json!(v);
        s.call("household_save", json!({ "household": h })).unwrap();
    };
    set_phone(&devices[0], "+39 333 1");
    set_phone(&devices[1], "+39 333 1");
    set_phone(&devices[1], "+39 333 2");
    hub.sync_import(&devices[0].sync_export(None).unwrap()).unwrap();
    hub.sync_import(&devices[1].sync_export(None).unwrap()).unwrap();
    assert_eq!(hub.household_get(id).unwrap().phone.as_deref(), Some("+39 333 2"));
    devices[1].sync_import(&hub.sync_export(Some("nord-b")).unwrap()).unwrap();
    assert_eq!(
        devices[1].household_get(id).unwrap().phone.as_deref(),
        Some("+39 333 2"),
        "nord-b lost its own edit"
    );
    devices[0].sync_import(&hub.sync_export(Some("nord-a")).unwrap()).unwrap();
    assert_eq!(devices[0].household_get(id).unwrap().phone.as_deref(), Some("+39 333 2"));
}

/// Found by the simulation: a device's project whose analysis was set aside
/// at the hub (the office had recorded another analysis of the family) is
/// set aside too, and so must be its commitments — which the deletion of the
/// project took with it (ON DELETE CASCADE) without a trace.
#[test]
fn rows_taken_away_with_a_row_set_aside_are_set_aside_too() {
    let env = env();
    let dir = env.dir.path().to_path_buf();
    for (user, name, role, equipe) in PEOPLE {
        operators::register(&env, user, name, *role, *equipe);
        env.service.operator_set_password(user, PASSWORD).unwrap();
    }
    let hub = &env.service;
    let db = dir.join("nord-a.sqlite");
    hub.device_enroll("nord-a", &["mrossi".to_string()], &db).unwrap();
    let laptop = login(&db, &dir.join("documenti-nord-a"), "mrossi", today()).unwrap();
    let form = json!({ "comune": "F205", "members": [person(3, "richiedente"), person(4, "coniuge")] });
    let id: Id = laptop.call("household_save", json!({ "household": form })).unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    hub.sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    // Both record the analysis; the laptop writes the project too.
    for s in [hub, &laptop] {
        let h = s.household_get(id).unwrap();
        s.call(
            "analysis_save",
            json!({ "analysis": analysis_json(&h, "2026-11-20", "progetto_servizio_sociale") }),
        )
        .unwrap();
    }
    let h = laptop.household_get(id).unwrap();
    let project = laptop.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap();
    assert_eq!(project.commitments.len(), 2);
    hub.sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    let conflicts = hub.sync_conflicts().unwrap();
    for c in &project.commitments {
        assert!(
            conflicts.iter().any(|x| x.table == "commitments" && x.record == c.id.to_string()),
            "the commitment {} vanished at the hub: {conflicts:?}",
            c.id
        );
    }
    assert!(conflicts.iter().any(|x| x.table == "projects" && x.record == project.id.to_string()));
}

/// Found by the simulation: a case leaves the laptop's scope and comes back
/// while the laptop's analysis of it is on its way to the hub; the whole copy
/// of the case taken when it came back predates the analysis. The laptop,
/// told at once that the case left (its analysis acknowledged: removed) and
/// came back, must get the case with its analysis, not the older copy.
#[test]
fn a_case_coming_back_whole_carries_what_the_device_sent_meanwhile() {
    let env = env();
    let dir = env.dir.path().to_path_buf();
    let mut ids = HashMap::new();
    for (user, name, role, equipe) in PEOPLE {
        ids.insert(*user, operators::register(&env, user, name, *role, *equipe).id);
        env.service.operator_set_password(user, PASSWORD).unwrap();
    }
    let hub = &env.service;
    let form = json!({ "comune": "F205", "members": [person(5, "richiedente")] });
    let id: Id = hub.call("household_save", json!({ "household": form })).unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let assign = |to: &str| {
        hub.call("household_assign", json!({ "household_id": id, "operator_id": ids[to] })).unwrap();
    };
    assign("mrossi");
    let db = dir.join("nord-a.sqlite");
    hub.device_enroll("nord-a", &["mrossi".to_string()], &db).unwrap();
    let laptop = login(&db, &dir.join("documenti-nord-a"), "mrossi", today()).unwrap();
    let h = laptop.household_get(id).unwrap();
    let analysis = laptop
        .analysis_save(
            serde_json::from_value(analysis_json(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
        )
        .unwrap();
    // Away to the Sud and back, the hub's packages made and not delivered.
    assign("gneri");
    hub.sync_export(Some("nord-a")).unwrap();
    assign("mrossi");
    hub.sync_export(Some("nord-a")).unwrap();
    // The analysis reaches the hub; then the laptop hears everything at once.
    hub.sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    laptop.sync_import(&hub.sync_export(Some("nord-a")).unwrap()).unwrap();
    let here = laptop.analysis_get(id).unwrap();
    assert_eq!(here.map(|a| a.id), Some(analysis.id), "the laptop lost its own analysis");
}

/// Found by the simulation: two rows of one change set aside together, one
/// taking the other with it (a project whose analysis was set aside, and its
/// commitment for a member who is a duplicate at the hub): the import failed
/// with a database error ("no rows") instead of setting both aside.
#[test]
fn two_rows_set_aside_together_one_cascading_the_other() {
    let env = env();
    let dir = env.dir.path().to_path_buf();
    for (user, name, role, equipe) in PEOPLE {
        operators::register(&env, user, name, *role, *equipe);
        env.service.operator_set_password(user, PASSWORD).unwrap();
    }
    let hub = &env.service;
    let db = dir.join("nord-a.sqlite");
    hub.device_enroll("nord-a", &["mrossi".to_string()], &db).unwrap();
    let laptop = login(&db, &dir.join("documenti-nord-a"), "mrossi", today()).unwrap();
    let form = json!({ "comune": "F205", "members": [person(6, "richiedente")] });
    let id: Id = laptop.call("household_save", json!({ "household": form })).unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    hub.sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    // The office takes in charge a person the laptop is about to add.
    let twin = person(7, "richiedente");
    hub.call("household_save", json!({ "household": { "comune": "F205", "members": [twin.clone()] } }))
        .unwrap();
    let mut h = serde_json::to_value(laptop.household_get(id).unwrap()).unwrap();
    let mut added = twin;
    added["relationship"] = json!("coniuge");
    h["members"].as_array_mut().unwrap().push(added);
    laptop.call("household_save", json!({ "household": h })).unwrap();
    for s in [hub, &laptop] {
        let h = s.household_get(id).unwrap();
        s.call(
            "analysis_save",
            json!({ "analysis": analysis_json(&h, "2026-11-20", "progetto_servizio_sociale") }),
        )
        .unwrap();
    }
    let h = laptop.household_get(id).unwrap();
    let project = laptop.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap();
    let counts = hub.sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    assert_eq!(counts.duplicates, 1, "{counts:?}");
    let conflicts = hub.sync_conflicts().unwrap();
    for c in &project.commitments {
        assert!(
            conflicts.iter().any(|x| x.table == "commitments" && x.record == c.id.to_string()),
            "{}",
            c.id
        );
    }
}

/// Found by the simulation (docs/sync.md, divergence 7): a save by the
/// operator who saved the row last changes `updated_at` and not
/// `updated_by`, so the change did not carry who made it, and the hub paired
/// the laptop's time with its own last editor (the office's): the two
/// replicas then differed on who changed the family last.
#[test]
fn who_saved_last_travels_with_when_even_when_it_did_not_change() {
    let env = env();
    let dir = env.dir.path().to_path_buf();
    for (user, name, role, equipe) in PEOPLE {
        operators::register(&env, user, name, *role, *equipe);
        env.service.operator_set_password(user, PASSWORD).unwrap();
    }
    let hub = &env.service;
    let db = dir.join("nord-a.sqlite");
    hub.device_enroll("nord-a", &["mrossi".to_string()], &db).unwrap();
    let laptop = login(&db, &dir.join("documenti-nord-a"), "mrossi", today()).unwrap();
    let form = json!({ "comune": "F205", "members": [person(8, "richiedente")] });
    let id: Id = laptop.call("household_save", json!({ "household": form })).unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    hub.sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    let edit = |s: &Service, field: &str, value: &str| {
        let mut h = serde_json::to_value(s.household_get(id).unwrap()).unwrap();
        h[field] = json!(value);
        s.call("household_save", json!({ "household": h })).unwrap();
    };
    // The office edits the family; then mrossi, who saved it last on the
    // laptop, edits another field there before hearing of it.
    edit(hub, "notes", "Telefonato in ufficio");
    edit(&laptop, "phone", "+39 333 8888");
    let mine = laptop.household_get(id).unwrap();
    assert_eq!(mine.updated_by, "Mario Rossi");
    hub.sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    laptop.sync_import(&hub.sync_export(Some("nord-a")).unwrap()).unwrap();
    let (at_hub, on_laptop) = (hub.household_get(id).unwrap(), laptop.household_get(id).unwrap());
    assert_eq!(
        (at_hub.updated_at.as_str(), at_hub.updated_by.as_str()),
        (mine.updated_at.as_str(), mine.updated_by.as_str()),
        "the hub pairs the laptop's time with someone else"
    );
    assert_eq!((&on_laptop.updated_at, &on_laptop.updated_by), (&at_hub.updated_at, &at_hub.updated_by));
    assert_eq!(on_laptop.notes.as_deref(), Some("Telefonato in ufficio"));
    assert_eq!(at_hub.phone.as_deref(), Some("+39 333 8888"));
}
