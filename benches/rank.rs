//! Ranking a call of 100,000 applications in memory (import of the CSV, then
//! score, order and budget walk). The end-to-end comparison with GNU sort is
//! `scripts/bench-rank.sh`. `cargo bench -p sportello --bench rank`

use std::fmt::Write;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use sportello::catalog::rule_sets;
use sportello::rules::applications::import_csv;
use sportello::rules::b2;
use sportello::Money;

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

criterion_group!(benches, rank);
criterion_main!(benches);
