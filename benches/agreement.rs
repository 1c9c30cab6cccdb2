//! Rendering the example's agreement (two A4 pages): target ≤ 5 ms.
//! Run with `cargo bench -p sportello --bench agreement`.

use criterion::{criterion_group, criterion_main, Criterion};
use sportello::print::agreement;

#[path = "../tests/print_support.rs"]
mod support;

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

criterion_group!(benches, render_agreement);
criterion_main!(benches);
