//! Rendering the example's agreement (two A4 pages): target ≤ 5 ms.
//! Run with `cargo bench -p sportello --bench agreement`.
//!
//! Quick mode (`SPORTELLO_BENCH_QUICK=1`, see `support/quick.rs`): the example
//! with every objective, commitment and support repeated 10 times (4 pages)
//! and 100 times (30 pages): the longer one must not cost more than twenty
//! times the time (a layout that went back over the pages already laid out
//! would). The example itself is printed too, not judged: at two pages the
//! fixed work (fonts, subsetting) hides how the time grows.

use std::process::ExitCode;

use criterion::{criterion_group, Criterion};
use sportello::domain::Patto;
use sportello::print::agreement;

#[path = "../tests/print_support.rs"]
mod support;

#[path = "support/quick.rs"]
mod quick;

fn render_agreement(c: &mut Criterion) {
    let doc = support::example_document();
    let pages = agreement::document(&doc).layout().unwrap().pages.len();
    assert_eq!(pages, 2, "the benchmark is meant for a two-page agreement");
    // Fonts are parsed once per process, as in the app: keep that out of the loop.
    agreement::render(&doc).unwrap();
    c.bench_function("agreement_render_2_pages", |b| {
        b.iter(|| agreement::render(std::hint::black_box(&doc)).unwrap())
    });
}

/// The example with each of its lists repeated `times` times.
fn longer(times: usize) -> Patto {
    let mut doc = support::example_document();
    let a = &mut doc;
    a.objectives = [a.objectives.as_slice()].repeat(times).concat();
    a.commitments = [a.commitments.as_slice()].repeat(times).concat();
    a.supports = [a.supports.as_slice()].repeat(times).concat();
    doc
}

const MAX_SCALING: f64 = 20.0;
const REPS: usize = 5;

fn quick_check() -> ExitCode {
    let mut checks = quick::Checks::new("patto (stampa PDF)");
    // Fonts are parsed once per process: not part of any figure.
    agreement::render(&longer(1)).expect("render");
    let mut times = Vec::new();
    for times_longer in [1, 10, 100] {
        let doc = longer(times_longer);
        let pages = agreement::document(&doc).layout().expect("layout").pages.len();
        let t = quick::best_of(REPS, || agreement::render(&doc).expect("render"));
        checks.figure(&format!("patto ×{times_longer} ({pages} pagine)"), quick::ms(t));
        times.push(t);
    }
    checks.ratio("patto ×100 / patto ×10", quick::Timed::Done(times[2]), times[1], MAX_SCALING);
    checks.finish()
}

criterion_group!(benches, render_agreement);

fn main() -> ExitCode {
    quick::main(quick_check, benches)
}
