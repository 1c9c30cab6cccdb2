//! The quick mode of the benchmarks (`SPORTELLO_BENCH_QUICK=1`, run by
//! `scripts/bench-quick.sh` in CI). It guards *complexity*, not speed: each
//! bench times the same work at two sizes (or against GNU sort on the same
//! file) in one run and fails only when a ratio shows a change of growth
//! (linear gone quadratic, an index lookup gone full scan), never on noise:
//! every figure is the best of a few repetitions and the limits sit far above
//! what the code does today. The figures are printed on every run.
//!
//! It runs on the debug build CI has already made (library at opt-level 0):
//! absolute times are slower than in release, so the limits are ratios chosen
//! to catch the change of growth and not the debug overhead. The release
//! figures and their goals are the full benches' (`cargo bench`,
//! `scripts/bench-rank.sh`).
#![allow(dead_code)]

use std::fmt::Display;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// A bench's `main`: its quick check when quick mode is asked for, else
/// its criterion group (the full bench, with criterion's own arguments).
pub fn main(quick_check: fn() -> ExitCode, full: fn()) -> ExitCode {
    if requested() {
        return quick_check();
    }
    full();
    criterion::Criterion::default().configure_from_args().final_summary();
    ExitCode::SUCCESS
}

/// Whether the bench was started in quick mode.
pub fn requested() -> bool {
    std::env::var_os("SPORTELLO_BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The shortest wall time of `reps` runs of `f`.
pub fn best_of<T>(reps: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..reps.max(1))
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .min()
        .expect("at least one run")
}

/// A time, or the limit a run was stopped at.
#[derive(Debug, Clone, Copy)]
pub enum Timed {
    Done(Duration),
    /// Every run was stopped at this limit: the work takes longer.
    Over(Duration),
}

impl Timed {
    /// The time, or the limit it exceeded (a lower bound: what a ratio needs).
    pub fn at_least(self) -> Duration {
        match self {
            Timed::Done(d) | Timed::Over(d) => d,
        }
    }
}

impl Display for Timed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Timed::Done(d) => write!(f, "{}", ms(*d)),
            Timed::Over(d) => write!(f, "> {} (interrotto)", ms(*d)),
        }
    }
}

/// The best wall time of `reps` runs of a program, each stopped at `cap` so
/// that a regression costs CI seconds, not hours. A run that fails is a bug of
/// the bench, not a figure: it panics.
pub fn best_run(reps: usize, cap: Duration, mut command: impl FnMut() -> Command) -> Timed {
    let mut best: Option<Duration> = None;
    for _ in 0..reps.max(1) {
        let mut cmd = command();
        cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
        let start = Instant::now();
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                let took = start.elapsed();
                if !status.success() {
                    let mut err = String::new();
                    if let Some(mut e) = child.stderr.take() {
                        let _ = std::io::Read::read_to_string(&mut e, &mut err);
                    }
                    panic!("{cmd:?} failed ({status}): {err}");
                }
                best = Some(best.map_or(took, |b| b.min(took)));
                break;
            }
            if start.elapsed() > cap {
                let _ = child.kill();
                let _ = child.wait();
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    best.map_or(Timed::Over(cap), Timed::Done)
}

pub fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1.0 {
        format!("{:.1} µs", ms * 1000.0)
    } else {
        format!("{ms:.1} ms")
    }
}

/// The checks of one bench: figures printed as they come, the verdict at the end.
pub struct Checks {
    bench: &'static str,
    regressions: Vec<String>,
    /// A run was stopped before a ratio could be judged.
    interrupted: bool,
}

impl Checks {
    pub fn new(bench: &'static str) -> Checks {
        println!("== {bench} (modalità rapida: complessità) ==");
        Checks { bench, regressions: Vec::new(), interrupted: false }
    }

    /// A figure that is printed and not judged.
    pub fn figure(&self, label: &str, value: impl Display) {
        println!("  {label:<44} {value}");
    }

    /// `num / den` must stay within `limit`. A `num` stopped at its cap gives
    /// a lower bound of the ratio: a regression if that bound already passes
    /// the limit, otherwise not judged (another check stopped the run).
    pub fn ratio(&mut self, label: &str, num: Timed, den: Duration, limit: f64) {
        let r = num.at_least().as_secs_f64() / den.as_secs_f64().max(1e-9);
        // The cap is a limit times a figure: allow for the rounding of that product.
        let over_limit = r > limit * (1.0 + 1e-6);
        let (shown, verdict) = match num {
            Timed::Done(_) if !over_limit => (format!("{r:.2}×"), "ok"),
            Timed::Done(_) => (format!("{r:.2}×"), "REGRESSIONE"),
            Timed::Over(_) if r >= limit * (1.0 - 1e-6) => (format!("> {r:.2}×"), "REGRESSIONE"),
            Timed::Over(_) => {
                self.interrupted = true;
                (format!("> {r:.2}×"), "non giudicato (interrotto)")
            }
        };
        println!("  {label:<44} {shown:<9} (limite {limit}×) {verdict}");
        if verdict == "REGRESSIONE" {
            self.regressions.push(format!("{label}: {shown}, limite {limit}×"));
        }
    }

    /// A check that failed before its ratio could be measured.
    pub fn fail(&mut self, label: &str, why: &str) {
        println!("  {label:<44} {why} REGRESSIONE");
        self.regressions.push(format!("{label}: {why}"));
    }

    pub fn finish(self) -> ExitCode {
        // A run is stopped only at a limit: stopped with no regression found is
        // a bug of the bench, and must not pass.
        assert!(!self.interrupted || !self.regressions.is_empty(), "a run was stopped but no check failed");
        if self.regressions.is_empty() {
            return ExitCode::SUCCESS;
        }
        eprintln!("{}: regressione di complessità:", self.bench);
        for r in &self.regressions {
            eprintln!("  {r}");
        }
        ExitCode::FAILURE
    }
}
