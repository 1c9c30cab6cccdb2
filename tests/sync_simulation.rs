//! A small seeded simulation of sync (issue 11): a hub and two laptops edit
//! the same households' fields at random, packages travel at random — late,
//! twice, truncated or never — and after everyone has synced twice every
//! replica must show the same households, no package may have been applied
//! in part, every value in a conflict must be one that somebody typed, and
//! every value typed must stand, or have been replaced by someone who had it
//! on screen, or wait in a conflict.
//!
//! `SPORTELLO_SYNC_SEED` and `SPORTELLO_SYNC_STEPS` change the run (the CI
//! run is short); the counts are printed.

mod service_support;

use std::collections::HashSet;

use serde_json::{json, Value};
use service_support::*;
use sportello::domain::Id;
use sportello::service::Service;

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
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const FIELDS: &[&str] = &["phone", "email", "notes", "address"];

fn value(field: &str, replica: usize, step: usize) -> Value {
    match field {
        "phone" => json!(format!("+39 3{replica}{step:08}")),
        "email" => json!(format!("r{replica}s{step}@example.it")),
        _ => json!(format!("{field} {replica}/{step}")),
    }
}

fn state(s: &Service, ids: &[Id]) -> Vec<Value> {
    ids.iter()
        .map(|id| {
            let v = serde_json::to_value(s.household_get(*id).unwrap()).unwrap();
            json!([v["phone"], v["email"], v["notes"], v["address"], v["updated_at"], v["updated_by"]])
        })
        .collect()
}

struct Package {
    from: usize,
    to: usize,
    bytes: Vec<u8>,
}

#[test]
fn replicas_converge_under_random_edits_and_random_delivery() {
    let seed: u64 = std::env::var("SPORTELLO_SYNC_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(11);
    let steps: usize = std::env::var("SPORTELLO_SYNC_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(120);
    let mut rng = Rng(seed.max(1));

    let env = env();
    let mut ids = vec![create_family(&env.service).id];
    for (i, (last, first)) in [("Rossi", "Maria"), ("Esposito", "Gennaro")].iter().enumerate() {
        let mut v = family_json();
        let birth = format!("197{i}-03-0{}", i + 1);
        v["members"] = json!([v["members"][0].clone()]);
        let code = sportello::cf::encode(last, first, d(&birth), sportello::cf::Sex::M, "F205").unwrap();
        v["members"][0]["codice_fiscale"] = json!(code);
        v["members"][0]["first_name"] = json!(first);
        v["members"][0]["last_name"] = json!(last);
        v["members"][0]["birth_date"] = json!(birth);
        ids.push(env.service.household_save(serde_json::from_value(v).unwrap()).unwrap().id);
    }
    let names = ["ufficio", "portatile1", "portatile2"];
    let mut replicas: Vec<Service> = Vec::new();
    for name in &names[1..] {
        let db = env.dir.path().join(format!("{name}.sqlite"));
        env.service.sync_copy_replica(&db, name).unwrap();
    }
    replicas.push(login(&env.db(), &env.docs(), ADMIN, today()).unwrap());
    for name in &names[1..] {
        replicas.push(
            login(&env.dir.path().join(format!("{name}.sqlite")), &env.docs(), ADMIN, today()).unwrap(),
        );
    }

    let mut typed: HashSet<Value> = HashSet::new();
    let mut superseded: HashSet<Value> = HashSet::new();
    let mut in_flight: Vec<Package> = Vec::new();
    let (mut edits, mut made, mut imported, mut replays, mut refused_gap, mut refused_damaged, mut lost) =
        (0, 0, 0, 0, 0, 0, 0);
    for step in 0..steps {
        match rng.below(10) {
            // Edit a field of a household on some replica.
            0..=4 => {
                let r = rng.below(3);
                let id = ids[rng.below(ids.len())];
                let field = FIELDS[rng.below(FIELDS.len())];
                let v = value(field, r, step);
                typed.insert(v.clone());
                let mut h = serde_json::to_value(replicas[r].household_get(id).unwrap()).unwrap();
                // Replaced by someone who had it on screen: not lost.
                superseded.insert(h[field].clone());
                h[field] = v;
                // As the form sends it back (read-only fields dropped by the command).
                replicas[r].call("household_save", serde_json::json!({ "household": h })).unwrap();
                edits += 1;
            }
            // A package is made (laptop for the hub, or the hub for a laptop).
            5 | 6 => {
                let laptop = 1 + rng.below(2);
                let (from, to) = if rng.chance(50) { (laptop, 0) } else { (0, laptop) };
                let device = (from == 0).then(|| names[to]);
                in_flight.push(Package { from, to, bytes: replicas[from].sync_export(device).unwrap() });
                made += 1;
            }
            // One arrives: any of those on the way (late ones too); it may
            // stay on the stick and arrive again, or be truncated first.
            _ => {
                if in_flight.is_empty() {
                    continue;
                }
                let i = rng.below(in_flight.len());
                let keep = rng.chance(30);
                let p = if keep {
                    Package {
                        from: in_flight[i].from,
                        to: in_flight[i].to,
                        bytes: in_flight[i].bytes.clone(),
                    }
                } else {
                    in_flight.swap_remove(i)
                };
                if rng.chance(10) {
                    lost += 1;
                    continue;
                }
                let before = state(&replicas[p.to], &ids);
                if rng.chance(10) {
                    let cut = rng.below(p.bytes.len());
                    let e = replicas[p.to].sync_import(&p.bytes[..cut]).unwrap_err();
                    assert!(e.message.contains("Pacchetto rifiutato"), "{}", e.message);
                    assert_eq!(state(&replicas[p.to], &ids), before, "a truncated package changed something");
                    refused_damaged += 1;
                    continue;
                }
                match replicas[p.to].sync_import(&p.bytes) {
                    Ok(n) => {
                        imported += 1;
                        if n.applied == 0 && n.conflicts == 0 {
                            replays += 1;
                        }
                    }
                    Err(e) => {
                        // Only a package that starts after a lost one may be refused.
                        assert!(
                            e.message.contains("manca un pacchetto intermedio"),
                            "{} → {}: {}",
                            p.from,
                            p.to,
                            e.message
                        );
                        assert_eq!(
                            state(&replicas[p.to], &ids),
                            before,
                            "a refused package changed something"
                        );
                        refused_gap += 1;
                    }
                }
            }
        }
    }
    // Everyone syncs twice, in order.
    for _ in 0..2 {
        for laptop in 1..3 {
            let p = replicas[laptop].sync_export(None).unwrap();
            replicas[0].sync_import(&p).unwrap();
        }
        for laptop in 1..3 {
            let p = replicas[0].sync_export(Some(names[laptop])).unwrap();
            replicas[laptop].sync_import(&p).unwrap();
        }
    }
    let hub = state(&replicas[0], &ids);
    for (r, name) in names.iter().enumerate().skip(1) {
        assert_eq!(state(&replicas[r], &ids), hub, "{name} differs from the hub (seed {seed})");
    }
    let mut conflicts = 0;
    let mut kept: HashSet<Value> = HashSet::new();
    for s in &replicas {
        for c in s.sync_conflicts().unwrap() {
            conflicts += 1;
            assert!(FIELDS.contains(&c.field.as_str()), "{c:?}");
            for v in [&c.ours, &c.theirs] {
                assert!(typed.contains(v) || original(v), "a value nobody typed in a conflict: {c:?}");
                kept.insert(v.clone());
            }
        }
    }
    // Nothing lost: every value typed is where it stands now, or was replaced
    // by someone who had it in front of them, or waits in a conflict.
    let standing: HashSet<Value> = hub.iter().flat_map(|h| h.as_array().unwrap()[..4].to_vec()).collect();
    for v in &typed {
        assert!(
            standing.contains(v) || superseded.contains(v) || kept.contains(v),
            "the edit {v} was lost (seed {seed})"
        );
    }
    assert!(edits > 0 && imported > 0, "the run did nothing: edits {edits}, imports {imported}");
    println!(
        "seed {seed}, {steps} steps: {edits} edits, {made} packages made, {imported} imported ({replays} changed nothing), \
         {refused_gap} refused for a gap, {refused_damaged} truncated and refused, {lost} lost, {conflicts} conflict rows"
    );
}

/// A value of the households as they were created (before any edit).
fn original(v: &Value) -> bool {
    let f = family_json();
    [&f["phone"], &f["email"], &f["notes"], &f["address"], &Value::Null].contains(&v)
}
