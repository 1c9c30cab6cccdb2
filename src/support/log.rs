//! The program's log: one line per command the service ran, with its name,
//! its time and its outcome code, for the IT office looking into "it was slow
//! this morning" or "it refused something". Beside the database, in `log/`,
//! rotated at 1 MiB with three older files kept.
//!
//! **No personal data**, by construction: a line is built only from
//! `&'static str` (command names and error codes from the program's own
//! tables) and numbers, so no name, codice fiscale, note or message typed by
//! anyone can reach it; a test scans the file for the encryption tests'
//! sentinel. Writing is best effort: a full disk or a read-only folder never
//! stops the office's work, the line is lost.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The log's file name in its folder.
pub const FILE: &str = "sportello.log";
/// Past this size the file is rotated.
const MAX_BYTES: u64 = 1 << 20;
/// Older files kept: `sportello.log.1` (newest) … `.3`.
const KEEP: u32 = 3;

/// A value on a line: only kinds that cannot carry a person's data.
#[derive(Debug, Clone, Copy)]
pub enum Value {
    Code(&'static str),
    Count(u64),
    Millis(u128),
}

/// The log folder of a database: `log/` beside it.
pub fn dir_of(database: &Path) -> PathBuf {
    database.parent().unwrap_or_else(|| Path::new(".")).join("log")
}

/// Appends one line (`2026-12-02T05:54:00Z evento chiave=valore …`).
pub fn append(dir: &Path, event: &'static str, fields: &[(&'static str, Value)]) {
    let mut line = format!("{} {event}", chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"));
    for (k, v) in fields {
        match v {
            Value::Code(c) => line.push_str(&format!(" {k}={c}")),
            Value::Count(n) => line.push_str(&format!(" {k}={n}")),
            Value::Millis(ms) => line.push_str(&format!(" {k}={ms}ms")),
        }
    }
    line.push('\n');
    let _ = write(dir, &line);
}

fn write(dir: &Path, line: &str) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let path = dir.join(FILE);
    if fs::metadata(&path).is_ok_and(|m| m.len() + line.len() as u64 > MAX_BYTES) {
        rotate(dir)?;
    }
    let mut f = OpenOptions::new().create(true).append(true).open(&path)?;
    f.write_all(line.as_bytes())
}

/// `.2` → `.3`, `.1` → `.2`, the file → `.1`; the oldest goes.
fn rotate(dir: &Path) -> std::io::Result<()> {
    let numbered = |n: u32| dir.join(format!("{FILE}.{n}"));
    let _ = fs::remove_file(numbered(KEEP));
    for n in (1..KEEP).rev() {
        if numbered(n).exists() {
            fs::rename(numbered(n), numbered(n + 1))?;
        }
    }
    fs::rename(dir.join(FILE), numbered(1))
}

/// The log's files, newest first (for the diagnostics bundle).
pub fn files(dir: &Path) -> Vec<PathBuf> {
    std::iter::once(dir.join(FILE))
        .chain((1..=KEEP).map(|n| dir.join(format!("{FILE}.{n}"))))
        .filter(|p| p.exists())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_rotate_and_the_oldest_goes() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("log");
        // About 60 bytes a line: 1 MiB in ~17,500 lines; write past four files.
        for _ in 0..80_000 {
            append(&d, "comando", &[("nome", Value::Code("households_search")), ("tempo", Value::Millis(3))]);
        }
        let names: Vec<String> =
            files(&d).iter().map(|p| p.file_name().unwrap().to_string_lossy().into()).collect();
        assert_eq!(names, ["sportello.log", "sportello.log.1", "sportello.log.2", "sportello.log.3"]);
        for p in files(&d) {
            assert!(fs::metadata(&p).unwrap().len() <= MAX_BYTES, "{p:?}");
        }
        let text = fs::read_to_string(d.join(FILE)).unwrap();
        assert!(
            text.lines().all(|l| l.ends_with(" comando nome=households_search tempo=3ms")),
            "{text:.200}"
        );
    }
}
