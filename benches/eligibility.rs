//! Eligibility of one household (goal: ≤ 50 µs), with the full Italian trace.
//! `cargo bench -p sportello --bench eligibility`
//!
//! Quick mode (`SPORTELLO_BENCH_QUICK=1`, see `support/quick.rs`): households
//! of 100 and 1,000 members (past any real one, so that the members and not
//! the seven measures' fixed work decide the time; not larger, so that the
//! member lines of the trace stay in the cache): ten times the members must
//! not cost more than twenty times the time (about 10× today; a check
//! comparing every member with every other would cost a hundred).

use std::hint::black_box;
use std::process::ExitCode;

use criterion::{criterion_group, Criterion};
use sportello::catalog::rule_sets;
use sportello::rules::eligibility::{evaluate, parse_household_json, Household};

#[path = "support/quick.rs"]
mod quick;

const FAMILY: &str = include_str!("../tests/scenari/esempi/household-family-with-minors.json");

fn eligibility(c: &mut Criterion) {
    let rules = rule_sets::builtin();
    for (name, json) in [
        ("famiglia con minori", FAMILY),
        ("neonato", include_str!("../tests/scenari/esempi/household-newborn.json")),
    ] {
        let h = parse_household_json(json).unwrap();
        c.bench_function(&format!("requisiti misure 1-7: {name}"), |b| {
            b.iter(|| evaluate(black_box(&h), rules).unwrap())
        });
    }
}

/// The example family, its members repeated up to `n`.
fn household_of(n: usize) -> Household {
    let mut h = parse_household_json(FAMILY).expect("example household");
    h.members = h.members.iter().cycle().take(n).copied().collect();
    h
}

const MAX_SCALING: f64 = 20.0;
const REPS: usize = 50;

fn quick_check() -> ExitCode {
    let mut checks = quick::Checks::new("requisiti misure 1-7 (evaluate)");
    let rules = rule_sets::builtin();
    let mut times = Vec::new();
    for n in [100, 1_000] {
        let h = household_of(n);
        let t = quick::best_of(REPS, || evaluate(black_box(&h), rules).expect("evaluate"));
        checks.figure(&format!("nucleo di {n} componenti"), quick::ms(t));
        times.push(t);
    }
    checks.ratio("1.000 / 100 componenti", quick::Timed::Done(times[1]), times[0], MAX_SCALING);
    checks.finish()
}

criterion_group!(benches, eligibility);

fn main() -> ExitCode {
    quick::main(quick_check, benches)
}
