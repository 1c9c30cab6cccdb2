//! What encryption costs (issue 5: the search and PDF benchmarks within 1.3×
//! of their unencrypted figures). Two databases with the same 100,000
//! members, one encrypted by SQLCipher as every real one is, one plain (a
//! bench-only constructor); the same work through the service on each:
//! - search as you type (p95 of each query, the figure the target is about);
//! - printing the agreement, which now files the PDF inside the database.
//!
//! `cargo bench --bench encryption` (or `scripts/bench-encryption.sh`): prints
//! both figures and their ratio; criterion's report comes first.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{criterion_group, Criterion};
use serde_json::{json, Value};
use sportello::domain::Id;
use sportello::keyring::KdfParams;
use sportello::service::{NewDatabase, Service};

#[path = "support/population.rs"]
mod population;

const QUERIES: &[&str] = &["ros", "rossi ma", "nguyen", "fer", "RSSMRA", "FRRGLI8", "2026/0012"];
const RUNS: usize = 2_000;
const PRINTS: usize = 200;

struct Side {
    label: &'static str,
    service: Service,
    project: Id,
    _dir: tempfile::TempDir,
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).expect("date")
}

fn new_database(dir: &tempfile::TempDir) -> NewDatabase {
    NewDatabase {
        database: dir.path().join("bench.sqlite"),
        documents_dir: dir.path().join("documenti"),
        username: "bench".into(),
        name: "Benchmark".into(),
        password: "password del benchmark".to_string().into(),
        today: Some(today()),
        kdf: KdfParams::for_tests(),
    }
}

fn side(label: &'static str, encrypted: bool) -> Side {
    let dir = tempfile::tempdir().expect("temp dir");
    let service = if encrypted {
        Service::create(new_database(&dir)).expect("create").0
    } else {
        Service::create_unencrypted_for_benchmark(new_database(&dir)).expect("create")
    };
    let t = Instant::now();
    population::populate(&service, today());
    eprintln!("{label}: {} members written in {:.1} s", population::MEMBERS, t.elapsed().as_secs_f64());
    let project = family_with_project(&service);
    Side { label, service, project, _dir: dir }
}

/// The example family of the agreement, with its analysis and project.
fn family_with_project(s: &Service) -> Id {
    let h = s
        .call(
            "household_save",
            json!({ "household": {
                "comune": "F205", "address": "via Padova 21, 20127 Milano",
                "members": [{
                    "first_name": "Niccolò", "last_name": "Dell'Orto", "codice_fiscale": "DLLNCL80A01F205Q",
                    "birth_date": "1980-01-01", "sex": "M", "relationship": "richiedente", "citizenship": "italiana",
                    "employment": "disoccupato", "education": "isced_3_4"
                }]
            }}),
        )
        .expect("household");
    let member = h["members"][0]["id"].clone();
    let hid = h["id"].clone();
    // The six areas, in the law's order.
    let areas: Vec<&str> = <sportello::domain::LifeArea as sportello::domain::StrEnum>::ALL
        .iter()
        .map(|a| sportello::domain::StrEnum::as_str(*a))
        .collect();
    s.call(
        "analysis_save",
        json!({ "analysis": {
            "household_id": hid, "interview_date": "2026-11-20", "participants": [member],
            "domains": areas.iter().map(|a| json!({"domain": a, "need": "moderato", "resources": "Rete parentale.", "notes": ""})).collect::<Vec<Value>>(),
            "employability": [{"member_id": member, "profile": "occupabile_con_supporto", "notes": null}],
            "outcome": "progetto_servizio_sociale", "outcome_reason": "Risorse attivabili."
        }}),
    )
    .expect("analysis");
    let p = s
        .call(
            "project_save",
            json!({ "project": {
                "household_id": hid,
                "objectives": ["Raggiungere l'autonomia economica del nucleo entro dodici mesi."],
                "expected_results": ["Un contratto di lavoro."],
                "commitments": [{"action": "Colloquio al Centro per l'impiego.", "member_id": member,
                                 "other_member_ids": [], "due_date": "2027-03-31", "status": ""}],
                "supports": [{"description": "Colloqui di monitoraggio", "provider": "Servizio sociale"}],
                "meetings": []
            }}),
        )
        .expect("project");
    Id::parse("id", p["id"].as_str().expect("project id")).expect("id")
}

fn p95(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() * 95 / 100]
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Times `f` on both sides in turn, `runs` times: a busy machine weighs on
/// both alike.
fn alternate(sides: &[Side; 2], runs: usize, f: impl Fn(&Side)) -> [Vec<Duration>; 2] {
    let mut out = [Vec::with_capacity(runs), Vec::with_capacity(runs)];
    for _ in 0..runs {
        for (i, s) in sides.iter().enumerate() {
            let t = Instant::now();
            f(s);
            out[i].push(t.elapsed());
        }
    }
    out
}

fn bench_encryption(c: &mut Criterion) {
    let sides = [side("cifrato", true), side("in chiaro", false)];
    let mut group = c.benchmark_group("cifratura");
    for s in &sides {
        group.bench_function(format!("ricerca «ros» ({})", s.label), |b| {
            b.iter(|| s.service.households_search("ros").expect("search"))
        });
        group.bench_function(format!("stampa del patto ({})", s.label), |b| {
            b.iter(|| s.service.agreement_print(s.project).expect("print"))
        });
    }
    group.finish();

    // The figures of the target.
    eprintln!("\nRicerca su {} persone, p95 su {RUNS} ripetizioni:", population::MEMBERS);
    let (mut te, mut tp) = (Duration::ZERO, Duration::ZERO);
    for q in QUERIES {
        let [e, p] = alternate(&sides, RUNS, |s| {
            std::hint::black_box(s.service.households_search(q).expect("search"));
        });
        let (e, p) = (p95(e), p95(p));
        te += e;
        tp += p;
        eprintln!(
            "  {q:<10} cifrato {:>7.3} ms   in chiaro {:>7.3} ms   rapporto {:.2}×",
            ms(e),
            ms(p),
            e.as_secs_f64() / p.as_secs_f64()
        );
    }
    eprintln!("  somma dei p95: rapporto {:.2}× (obiettivo ≤ 1,30×)", te.as_secs_f64() / tp.as_secs_f64());
    let [e, p] = alternate(&sides, PRINTS, |s| {
        std::hint::black_box(s.service.agreement_print(s.project).expect("print"));
    });
    let (pe, pp) = (median(e), median(p));
    eprintln!(
        "Stampa del patto (PDF archiviato nel database), mediana su {PRINTS}: cifrato {:.2} ms, in chiaro {:.2} ms, rapporto {:.2}× (obiettivo ≤ 1,30×)",
        ms(pe),
        ms(pp),
        pe.as_secs_f64() / pp.as_secs_f64()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(3));
    targets = bench_encryption
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
