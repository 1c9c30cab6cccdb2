//! `rank --publish --export` and `agreement` killed at every flush and rename of
//! their outputs (`SPORTELLO_CRASH_AT`, debug builds: sportello::outputs names
//! the points), each time with and without older files in place. After every
//! kill: no earlier file lost or cut short; after the next write into the folder
//! the killed command's outputs are all there or none (never a new PDF beside an
//! old CSV); and a normal run then leaves exactly the outputs, no temporary file.

use crate::print_support as support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const RANK_POINTS: &[&str] = &[
    "outputs.temp.1",
    "outputs.temp.2",
    "outputs.keep.1",
    "outputs.keep.2",
    "outputs.journal",
    "outputs.rename.1",
    "outputs.rename.2",
    "outputs.dirsync",
    "outputs.commit",
];

const AGREEMENT_POINTS: &[&str] = &[
    "outputs.temp.1",
    "outputs.keep.1",
    "outputs.journal",
    "outputs.rename.1",
    "outputs.dirsync",
    "outputs.commit",
];

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

fn bin(crash_at: Option<&str>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sportello"));
    c.env_remove("SPORTELLO_DATA_DIR");
    match crash_at {
        Some(l) => c.env("SPORTELLO_CRASH_AT", l),
        None => c.env_remove("SPORTELLO_CRASH_AT"),
    };
    c
}

struct Rank {
    dir: tempfile::TempDir,
    input: PathBuf,
    pdf: PathBuf,
    csv: PathBuf,
}

impl Rank {
    fn new() -> Rank {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("domande.csv");
        fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenari/esempi/b2-anziani-applications.csv"),
            &input,
        )
        .unwrap();
        let (pdf, csv) = (dir.path().join("graduatoria.pdf"), dir.path().join("ufficio.csv"));
        Rank { dir, input, pdf, csv }
    }

    fn run(&self, crash_at: Option<&str>) -> Output {
        bin(crash_at)
            .args(["rank", "--measure", "b2-anziani", "--budget", "20000.00", "--published-on", "2019-07-01"])
            .arg("--input")
            .arg(&self.input)
            .arg("--publish")
            .arg(&self.pdf)
            .arg("--export")
            .arg(&self.csv)
            .output()
            .unwrap()
    }
}

/// What a file holds: the old bytes, a complete new output, or nothing.
#[derive(Debug, PartialEq, Clone, Copy)]
enum State {
    Absent,
    Old,
    New,
}

fn state(path: &Path, old: &[u8], new: &[u8]) -> State {
    match fs::read(path) {
        Err(_) => State::Absent,
        Ok(b) if b == old => State::Old,
        Ok(b) if b == new || whole(&b) => State::New,
        Ok(b) => panic!("{} is neither the old file nor a whole new one ({} bytes)", path.display(), b.len()),
    }
}

/// A complete output: a PDF up to its `%%EOF`, or the office CSV (the PDF
/// may carry the time it was made, so two runs need not be byte-equal).
fn whole(b: &[u8]) -> bool {
    let pdf = b.starts_with(b"%PDF-") && b.trim_ascii_end().ends_with(b"%%EOF");
    let csv = b.starts_with(b"\xEF\xBB\xBFposizione;") && b.ends_with(b"\n");
    pdf || csv
}

/// Another command writing into the same folder: it finishes the recovery of
/// what the killed one left.
fn write_something_else(dir: &Path) {
    let p = dir.join("altro.json");
    fs::write(&p, support::EXAMPLE_JSON).unwrap();
    let o = bin(None)
        .args(["agreement", "--input"])
        .arg(&p)
        .arg("--out")
        .arg(dir.join("altro.pdf"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    fs::remove_file(p).unwrap();
    fs::remove_file(dir.join("altro.pdf")).unwrap();
}

fn killed(o: &Output, at: &str) {
    assert_eq!(o.status.code(), None, "not killed at {at}: {}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty(), "{at}: the killed run said something");
}

#[test]
fn rank_killed_at_every_point_loses_nothing_and_is_all_or_none() {
    if !cfg!(debug_assertions) {
        return; // the crash points exist in debug builds only
    }
    // The outputs of a run that completes.
    let reference = Rank::new();
    assert_eq!(reference.run(None).status.code(), Some(0));
    let (new_pdf, new_csv) = (fs::read(&reference.pdf).unwrap(), fs::read(&reference.csv).unwrap());
    let (old_pdf, old_csv) =
        (b"%PDF graduatoria della settimana scorsa".to_vec(), b"ufficio,vecchio\n".to_vec());

    for &with_old in &[true, false] {
        for &at in RANK_POINTS {
            if !with_old && at.starts_with("outputs.keep") {
                continue; // nothing to keep, no such point is reached
            }
            let r = Rank::new();
            if with_old {
                fs::write(&r.pdf, &old_pdf).unwrap();
                fs::write(&r.csv, &old_csv).unwrap();
            }
            killed(&r.run(Some(at)), at);

            // Right after the kill: each target whole, old or new; the old ones
            // still there (the rename is atomic).
            let pdf = state(&r.pdf, &old_pdf, &new_pdf);
            let csv = state(&r.csv, &old_csv, &new_csv);
            if with_old {
                assert_ne!(pdf, State::Absent, "{at}: the published PDF was lost");
                assert_ne!(csv, State::Absent, "{at}: the CSV was lost");
            }

            // After the next write into the folder: all or none.
            write_something_else(r.dir.path());
            let pdf = state(&r.pdf, &old_pdf, &new_pdf);
            let csv = state(&r.csv, &old_csv, &new_csv);
            let none = if with_old { State::Old } else { State::Absent };
            assert!(
                (pdf, csv) == (State::New, State::New) || (pdf, csv) == (none, none),
                "{at} (older files: {with_old}): PDF {pdf:?}, CSV {csv:?}"
            );
            let mut expected = vec!["domande.csv".to_string()];
            if pdf != State::Absent {
                expected.extend(["graduatoria.pdf".to_string(), "ufficio.csv".to_string()]);
            }
            assert_eq!(names(r.dir.path()), expected, "{at}: files left behind");

            // And the retry completes.
            let o = r.run(None);
            assert_eq!(o.status.code(), Some(0), "{at}: {}", String::from_utf8_lossy(&o.stderr));
            assert_eq!(state(&r.pdf, &old_pdf, &new_pdf), State::New, "{at}");
            assert_eq!(fs::read(&r.csv).unwrap(), new_csv, "{at}");
            assert_eq!(names(r.dir.path()), ["domande.csv", "graduatoria.pdf", "ufficio.csv"], "{at}");
        }
    }
}

#[test]
fn a_killed_rank_is_cleaned_by_its_own_retry() {
    if !cfg!(debug_assertions) {
        return;
    }
    // No other write in between: the retry itself undoes, then writes.
    for &at in RANK_POINTS {
        let r = Rank::new();
        fs::write(&r.pdf, b"old pdf").unwrap();
        fs::write(&r.csv, b"old csv").unwrap();
        killed(&r.run(Some(at)), at);
        let o = r.run(None);
        assert_eq!(o.status.code(), Some(0), "{at}: {}", String::from_utf8_lossy(&o.stderr));
        assert!(fs::read(&r.pdf).unwrap().starts_with(b"%PDF-"), "{at}");
        assert!(fs::read(&r.csv).unwrap().starts_with(b"\xEF\xBB\xBFposizione;"), "{at}");
        assert_eq!(names(r.dir.path()), ["domande.csv", "graduatoria.pdf", "ufficio.csv"], "{at}");
    }
}

#[test]
fn agreement_killed_at_every_point_keeps_the_older_pdf_whole() {
    if !cfg!(debug_assertions) {
        return;
    }
    let reference = tempfile::tempdir().unwrap();
    let run = |dir: &Path, at: Option<&str>| {
        let p = dir.join("progetto.json");
        if !p.exists() {
            fs::write(&p, support::EXAMPLE_JSON).unwrap();
        }
        bin(at)
            .args(["agreement", "--input"])
            .arg(&p)
            .arg("--out")
            .arg(dir.join("patto.pdf"))
            .output()
            .unwrap()
    };
    assert_eq!(run(reference.path(), None).status.code(), Some(0));
    let new_pdf = fs::read(reference.path().join("patto.pdf")).unwrap();
    let old_pdf = b"%PDF patto della versione precedente".to_vec();
    for &with_old in &[true, false] {
        for &at in AGREEMENT_POINTS {
            if !with_old && at == "outputs.keep.1" {
                continue;
            }
            let dir = tempfile::tempdir().unwrap();
            let pdf = dir.path().join("patto.pdf");
            if with_old {
                fs::write(&pdf, &old_pdf).unwrap();
            }
            killed(&run(dir.path(), Some(at)), at);
            let s = state(&pdf, &old_pdf, &new_pdf);
            if with_old {
                assert_ne!(s, State::Absent, "{at}: the older agreement was lost");
            }
            let o = run(dir.path(), None);
            assert_eq!(o.status.code(), Some(0), "{at}: {}", String::from_utf8_lossy(&o.stderr));
            assert_eq!(state(&pdf, &old_pdf, &new_pdf), State::New, "{at}");
            assert_eq!(names(dir.path()), ["patto.pdf", "progetto.json"], "{at}");
        }
    }
}
