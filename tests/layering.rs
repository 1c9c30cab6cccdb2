//! The layers above the core that the compiler cannot see on its own (the
//! core's own order is in crates/sportello-core/tests/layering.rs):
//! - printing is the crate `sportello-print`: it depends on the core and the
//!   PDF writer only (no SQLite, no `sportello`, so no storage or service),
//!   and reads no clock and no files; CI also builds it alone, where chrono
//!   has no clock;
//! - every door goes through the service: the command line (`src/cli`) and
//!   the shell (`src-tauri/src`) never name `storage`.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The code of a file without its test module and comments.
fn code(text: &str) -> String {
    let body = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    body.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The places where `code` reaches storage: a `storage::` path, or
/// `storage` named in a `use sportello::{…}` group.
fn storage_uses(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        if line.contains("storage::") {
            out.push(format!("line {}: {}", n + 1, line.trim()));
        }
    }
    let mut rest = code;
    while let Some(i) = rest.find("sportello::{") {
        rest = &rest[i + "sportello::{".len()..];
        let group = &rest[..rest.find("};").unwrap_or(rest.len())];
        let named =
            group.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|word| word == "storage");
        if named {
            out.push(format!("use sportello::{{{}}}", group.trim()));
        }
    }
    out
}

/// What in the files under `dir` (relative to the repository) reaches storage.
fn storage_in(dir: &str) -> (usize, Vec<String>) {
    let mut files = Vec::new();
    rust_files(&root().join(dir), &mut files);
    files.sort();
    let mut found = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for u in storage_uses(&code(&text)) {
            found.push(format!("{}: {u}", f.strip_prefix(root()).unwrap().display()));
        }
    }
    (files.len(), found)
}

#[test]
fn the_command_line_and_the_shell_go_through_the_service() {
    let mut all = Vec::new();
    for dir in ["src/cli", "src-tauri/src"] {
        let (read, found) = storage_in(dir);
        // The scan read the doors it is about (a moved folder would pass empty).
        assert!(read >= 5, "{dir}: only {read} files read");
        all.extend(found);
    }
    assert!(
        all.is_empty(),
        "storage reached around the service (add a Service method instead):\n{}",
        all.join("\n")
    );
}

#[test]
fn the_storage_scan_finds_what_it_looks_for() {
    let bad = "use sportello::storage::lock::DatabaseLock;\nuse sportello::{service, storage};\n\
               use sportello::{\n    service::Service,\n    storage::backup,\n};\n";
    let found = storage_uses(&code(bad));
    assert_eq!(found.len(), 4, "{found:#?}");
    // A word in a message and a comment are not a path.
    let fine = "// storage::lock\nconst C: &str = \"storage\";\nuse sportello::{service, Code};\n";
    assert!(storage_uses(&code(fine)).is_empty());
}

/// Reads the clock, in whatever spelling.
const CLOCK: &[&str] =
    &["Local::now", "Utc::now", "SystemTime", "Instant::now", "chrono::Local", "chrono::Utc"];

/// Files, the environment, a database, the layers above.
const OUTSIDE: &[&str] = &["std::fs", "std::env", "rusqlite", "sportello::", "storage", "service::"];

#[test]
fn printing_is_a_crate_of_its_own_on_the_core() {
    let dir = root().join("crates/sportello-print");
    let manifest: toml::Table = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap().parse().unwrap();
    let deps = manifest["dependencies"].as_table().expect("[dependencies]");
    let mut names: Vec<&str> = deps.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        ["chrono", "flate2", "lopdf", "printpdf", "sportello-core"],
        "sportello-print depends on the core and the PDF writer only"
    );
    let chrono_features: Vec<&str> = deps["chrono"]
        .get("features")
        .and_then(|f| f.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    assert!(!chrono_features.contains(&"clock"), "sportello-print: chrono without its clock");
    assert_eq!(deps["chrono"].get("default-features").and_then(|v| v.as_bool()), Some(false));

    // The root crate takes it at the old path, so callers are unchanged.
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    assert!(lib.contains("pub use sportello_print as print;"));
    assert!(!root().join("src/print").exists(), "src/print came back beside the crate");

    let mut files = Vec::new();
    rust_files(&dir.join("src"), &mut files);
    assert!(files.len() >= 10, "only {} files read", files.len());
    let mut found = Vec::new();
    for f in &files {
        let text = code(&std::fs::read_to_string(f).unwrap());
        for word in CLOCK.iter().chain(OUTSIDE) {
            if text.contains(word) {
                found.push(format!("{}: {word}", f.strip_prefix(&dir).unwrap().display()));
            }
        }
    }
    assert!(found.is_empty(), "printing renders what it is given, nothing else:\n{}", found.join("\n"));
}

/// The store is the crate `sportello-storage`: the only one with rusqlite
/// among its dependencies, below the service and beside printing (it names
/// neither), with no clock (every moment it records is given to it).
#[test]
fn the_store_is_a_crate_of_its_own_and_the_only_one_with_sqlite() {
    let manifest =
        |path: &str| -> toml::Table { std::fs::read_to_string(root().join(path)).unwrap().parse().unwrap() };
    let storage = manifest("crates/sportello-storage/Cargo.toml");
    let deps = storage["dependencies"].as_table().expect("[dependencies]");
    assert!(deps.contains_key("rusqlite"));
    for above in ["sportello", "sportello-print", "printpdf"] {
        assert!(!deps.contains_key(above), "sportello-storage must not depend on {above}");
    }
    let chrono_features: Vec<&str> = deps["chrono"]
        .get("features")
        .and_then(|f| f.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    assert!(!chrono_features.contains(&"clock"), "sportello-storage: chrono without its clock");

    // Nobody else may reach SQLite: not the service (the root crate, where
    // rusqlite is a dev-dependency for the tests that look inside a file),
    // not the core, not printing.
    for path in ["Cargo.toml", "crates/sportello-core/Cargo.toml", "crates/sportello-print/Cargo.toml"] {
        let m = manifest(path);
        let deps = m.get("dependencies").and_then(|d| d.as_table()).cloned().unwrap_or_default();
        assert!(!deps.contains_key("rusqlite"), "{path}: only sportello-storage depends on rusqlite");
    }
    let lib = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    assert!(lib.contains("pub use sportello_storage::{crashpoint, fsx, keyring, storage, sync};"));
    for old in ["src/storage", "src/keyring", "src/sync", "src/fsx.rs", "src/crashpoint.rs"] {
        assert!(!root().join(old).exists(), "{old} came back beside the crate");
    }

    let dir = root().join("crates/sportello-storage/src");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    assert!(files.len() >= 20, "only {} files read", files.len());
    let mut found = Vec::new();
    for f in &files {
        let text = code(&std::fs::read_to_string(f).unwrap());
        // A wall clock is what the store may not read (the moments it
        // records are given); a monotonic `Instant` bounding a wait for the
        // database's lock is not a date and stays allowed.
        let wall_clock = CLOCK.iter().filter(|w| **w != "Instant::now");
        for word in wall_clock.chain(&["sportello::", "sportello_print", "print::", "service::"]) {
            if text.contains(word) {
                found.push(format!("{}: {word}", f.strip_prefix(&dir).unwrap().display()));
            }
        }
    }
    assert!(found.is_empty(), "the store records what it is given:\n{}", found.join("\n"));
}
