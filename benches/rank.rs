//! Ranking a call of 100,000 applications in memory (import of the CSV, then
//! score, order and budget walk). The end-to-end comparison with GNU sort is
//! `scripts/bench-rank.sh`. `cargo bench -p sportello --bench rank`
//!
//! Quick mode (`SPORTELLO_BENCH_QUICK=1`, see `support/quick.rs`): times
//! `sportello rank --json` end to end on 10,000 and 100,000 applications and
//! GNU sort on the same files, and fails if 10× the applications cost more than
//! 20× the time (about 6.5× today), or if 100,000 of them take more than 20×
//! sort (the debug build CI runs: 4-6× today; the release goal, ≤ 2×, is
//! `scripts/bench-rank.sh`'s).

use std::fmt::Write;
use std::hint::black_box;
use std::process::{Command, ExitCode};
use std::time::Duration;

use criterion::{criterion_group, Criterion};
use sportello::catalog::rule_sets;
use sportello::rules::applications::import_csv;
use sportello::rules::b2;
use sportello::Money;

#[path = "support/quick.rs"]
mod quick;

use quick::{best_of, best_run, Checks, Timed};

/// A deterministic call: the same generator as scripts/bench-rank.sh, in Rust.
fn csv(n: usize) -> String {
    let mut s = String::from(
        "protocol,submitted_on,birth_date,isee,isee_expires_on,resident,continuation,non_self_sufficient,independent_living,other_interventions,amount\n",
    );
    let mut x: u64 = 42;
    let mut next = |m: u64| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 33) % m
    };
    for i in 0..n {
        let sub_day = 1 + next(28);
        let sub_month = 2 + next(5);
        let by = 1920 + next(60);
        let bm = 1 + next(12);
        let bd = 1 + next(28);
        let isee = next(4_200_000);
        let has_isee = next(50) != 0;
        let _ = writeln!(
            s,
            "2019/{i:06},2019-{sub_month:02}-{sub_day:02},{by}-{bm:02}-{bd:02},{},{},{},{},{},{},{},{}.00",
            if has_isee { format!("{}.{:02}", isee / 100, isee % 100) } else { String::new() },
            if has_isee { "2019-12-31" } else { "" },
            next(20) != 0,
            next(3) == 0,
            next(2) == 0,
            next(4) == 0,
            next(5) == 0,
            1200 + 100 * next(40),
        );
    }
    s
}

fn rank(c: &mut Criterion) {
    let text = csv(100_000);
    let set = rule_sets::builtin().get("milano-b2-2019").unwrap();
    let apps = import_csv(&text, &[]).unwrap();
    let mut g = c.benchmark_group("graduatoria 100.000 domande");
    g.sample_size(10);
    g.bench_function("import CSV", |b| b.iter(|| import_csv(black_box(&text), &[]).unwrap()));
    g.bench_function("punteggio, ordine e stanziamento", |b| {
        b.iter(|| b2::rank(black_box(&apps), set, "b2-anziani", Money::from_cents(500_000_000)).unwrap())
    });
    g.finish();
}

/// Growth that fails the quick mode: 10× the applications for more than this
/// many times the time (linear is 10×, n log n a little more, quadratic 100×).
const MAX_SCALING: f64 = 20.0;
/// `rank --json` over GNU sort of the same 100,000 rows, in the debug build CI
/// runs (the library at opt-level 0). Quadratic is hundreds of times sort.
const MAX_OVER_SORT: f64 = 20.0;
const REPS: usize = 5;

fn quick_check() -> ExitCode {
    let mut checks = Checks::new("graduatoria (sportello rank --json)");
    let dir = tempfile::tempdir().expect("temp dir");
    let small = dir.path().join("domande-10000.csv");
    let large = dir.path().join("domande-100000.csv");
    std::fs::write(&small, csv(10_000)).expect("write");
    std::fs::write(&large, csv(100_000)).expect("write");
    let sort = |file: &std::path::Path| {
        best_of(REPS, || {
            let out = Command::new("sort")
                .env("LC_ALL", "C")
                .args(["-t,", "-k7,7r", "-k4,4n", "-k3,3", "-k2,2", "-k1,1"])
                .arg(file)
                .output()
                .expect("GNU sort");
            assert!(out.status.success(), "sort failed");
        })
    };
    let rank = |file: &std::path::Path, cap: Duration| {
        best_run(REPS, cap, || {
            let mut c = Command::new(env!("CARGO_BIN_EXE_sportello"));
            c.env_remove("SPORTELLO_DATA_DIR")
                .args(["rank", "--measure", "b2-anziani", "--budget", "5000000.00", "--json", "--input"])
                .arg(file);
            c
        })
    };
    let sort_small = sort(&small);
    checks.figure("sort, 10.000 righe", quick::ms(sort_small));
    let sort_large = sort(&large);
    checks.figure("sort, 100.000 righe", quick::ms(sort_large));
    // Runs are stopped as soon as they are bound to fail: 10,000 rows taking
    // longer than 100,000 may, 100,000 longer than either check allows.
    let budget = sort_large.mul_f64(MAX_OVER_SORT);
    let rank_small = rank(&small, budget);
    checks.figure("rank --json, 10.000 domande", rank_small);
    let Timed::Done(small_took) = rank_small else {
        checks.fail("rank --json, 10.000 domande", "oltre il tempo concesso a 100.000 (20× sort)");
        return checks.finish();
    };
    let rank_large = rank(&large, budget.min(small_took.mul_f64(MAX_SCALING)));
    checks.figure("rank --json, 100.000 domande", rank_large);
    checks.figure(
        "rank/sort a 10.000 (non giudicato: avvio)",
        format!("{:.2}×", small_took.as_secs_f64() / sort_small.as_secs_f64()),
    );
    checks.ratio("rank/sort a 100.000 domande", rank_large, sort_large, MAX_OVER_SORT);
    checks.ratio("100.000 / 10.000 domande", rank_large, small_took, MAX_SCALING);
    checks.finish()
}

criterion_group!(benches, rank);

fn main() -> ExitCode {
    quick::main(quick_check, benches)
}
