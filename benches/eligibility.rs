//! Eligibility of one household (goal: ≤ 50 µs), with the full Italian trace.
//! `cargo bench -p sportello --bench eligibility`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use sportello::catalog::rule_sets;
use sportello::rules::eligibility::{evaluate, parse_household_json};

fn eligibility(c: &mut Criterion) {
    let rules = rule_sets::builtin();
    for (name, json) in [
        ("famiglia con minori", include_str!("../tests/scenari/esempi/household-family-with-minors.json")),
        ("neonato", include_str!("../tests/scenari/esempi/household-newborn.json")),
    ] {
        let h = parse_household_json(json).unwrap();
        c.bench_function(&format!("requisiti misure 1-7: {name}"), |b| {
            b.iter(|| evaluate(black_box(&h), rules).unwrap())
        });
    }
}

criterion_group!(benches, eligibility);
criterion_main!(benches);
