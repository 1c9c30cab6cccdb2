//! Search as you type over 100,000 members (issue 3: ≤ 10 ms at p95 by surname
//! or codice-fiscale prefix). Measured through `Service::households_search`,
//! i.e. what the operator waits for: the audited transaction, the index scans
//! and the summaries of up to 50 households.
//!
//! `cargo bench --bench search`. Besides criterion's report it prints the p95
//! of each query over 2,000 runs, the figure the target is about.
//!
//! Quick mode (`SPORTELLO_BENCH_QUICK=1`, see `support/quick.rs`): the same
//! queries on 10,000 then 100,000 members of one database; a search goes
//! through indexes and returns at most 50 households, so ten times the
//! members must not cost ten times the time (a full scan would).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{criterion_group, Criterion};
use sportello::service::Service;

#[path = "support/population.rs"]
mod population;

use population::{populate, Population, MEMBERS};

#[path = "support/quick.rs"]
mod quick;

const QUERIES: &[&str] =
    &["ros", "rossi ma", "dell'orto", "nguyen", "fer", "RSSMRA", "NGY", "FRRGLI8", "2026/0012"];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).expect("date")
}

fn create(dir: &tempfile::TempDir) -> Service {
    let today = today();
    let (service, _) = Service::create(sportello::service::NewDatabase {
        database: dir.path().join("bench.sqlite"),
        documents_dir: dir.path().join("docs"),
        username: "bench".into(),
        name: "Benchmark".into(),
        password: "password del benchmark".to_string().into(),
        today: Some(today),
        kdf: sportello::keyring::KdfParams::for_tests(),
    })
    .expect("create");
    service
}

fn setup() -> (tempfile::TempDir, Service) {
    let dir = tempfile::tempdir().expect("temp dir");
    let service = create(&dir);
    let t = Instant::now();
    populate(&service, today());
    eprintln!("{MEMBERS} members written in {:.1} s", t.elapsed().as_secs_f64());
    (dir, service)
}

fn bench_search(c: &mut Criterion) {
    let (_dir, service) = setup();
    let mut group = c.benchmark_group("households_search_100k");
    for q in QUERIES {
        group.bench_function(*q, |b| {
            b.iter(|| service.households_search(std::hint::black_box(q)).expect("search"))
        });
    }
    group.finish();

    // The target is a p95: measure it directly.
    eprintln!("\np95 over 2000 searches each (target ≤ 10 ms):");
    for q in QUERIES {
        let mut times: Vec<Duration> = (0..2000)
            .map(|_| {
                let t = Instant::now();
                let hits = service.households_search(q).expect("search");
                std::hint::black_box(hits);
                t.elapsed()
            })
            .collect();
        times.sort();
        let p95 = times[times.len() * 95 / 100];
        let hits = service.households_search(q).expect("search").len();
        eprintln!(
            "  {q:<12} {hits:>3} risultati  p50 {:>8.3} ms  p95 {:>8.3} ms",
            ms(times[times.len() / 2]),
            ms(p95)
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(3));
    targets = bench_search
}

/// 100,000 members over 10,000, query by query. Through indexes it is 1-1.6×
/// (a deeper B-tree, pages read and decrypted from a larger file); a full scan
/// of the members is about 10×. When the answer itself grows ("rossi ma": 7 →
/// 49 households, up to the 50-household limit) the summaries of the extra
/// households cost in proportion: the smaller run's time is scaled by that
/// growth before the ratio is judged, so the check sees the search, not the
/// size of the answer.
const MAX_GROWTH: f64 = 6.0;
const QUICK_REPS: usize = 30;

fn quick_check() -> ExitCode {
    let mut checks = quick::Checks::new("ricerca nuclei (households_search)");
    let dir = tempfile::tempdir().expect("temp dir");
    let service = create(&dir);
    let mut population = Population::default();
    let mut times: Vec<Vec<Duration>> = Vec::new();
    let mut hits: Vec<Vec<usize>> = Vec::new();
    for members in [10_000, 100_000] {
        let t = Instant::now();
        population.grow(&service, today(), members);
        checks.figure(&format!("{} persone scritte in", population.members()), quick::ms(t.elapsed()));
        hits.push(QUERIES.iter().map(|q| service.households_search(q).expect("search").len()).collect());
        times.push(
            QUERIES
                .iter()
                .map(|q| quick::best_of(QUICK_REPS, || service.households_search(q).expect("search")))
                .collect(),
        );
    }
    // Query by query: one query gone to a full scan would hide in a total.
    for (i, q) in QUERIES.iter().enumerate() {
        let answer_growth = (hits[1][i].max(1) as f64 / hits[0][i].max(1) as f64).max(1.0);
        checks.ratio(
            &format!(
                "«{q}» ({} → {} nuclei): {} → {}",
                hits[0][i],
                hits[1][i],
                quick::ms(times[0][i]),
                quick::ms(times[1][i])
            ),
            quick::Timed::Done(times[1][i]),
            times[0][i].mul_f64(answer_growth),
            MAX_GROWTH,
        );
    }
    checks.finish()
}

fn main() -> ExitCode {
    quick::main(quick_check, benches)
}
