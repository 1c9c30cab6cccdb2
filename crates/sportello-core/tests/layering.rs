//! The layers of the core that the compiler cannot see.
//!
//! Storage, printing and the service are out of reach already: they live in the
//! `sportello` crate above this one, which a core module cannot name. What is
//! left is checked here by reading the sources:
//! - no clock: in a workspace build chrono has its "clock" feature (the crates
//!   above use it), so `Local::now()` would compile here too;
//! - one home for data files: only `catalog` reads files, the environment, or
//!   TOML;
//! - the order of the core's own modules (error, dates, money → cf → catalog →
//!   calendar → rules, domain): a module names only those below it, so that
//!   the core can be cut into smaller crates along the same lines without a cycle;
//! - inside `rules`, the modules listed in `RULES_INNER` name only the rules'
//!   modules given there (housing and project finance stand on their own, over
//!   the rule sets at most).
//!
//! Test modules (`#[cfg(test)] mod tests`, at the end of a file) are not read:
//! a test may open a fixture or compare with the window's copy of a constant.

use std::path::{Path, PathBuf};

/// Each core module and the core modules it may name (`crate::…`).
const ALLOWED: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("dates", &["error"]),
    ("money", &["error"]),
    // Text in and out at the edges: strict JSON, spreadsheet-safe CSV, a
    // file's bytes as text, the office's tables.
    ("json_in", &["error"]),
    ("csv_out", &["error", "dates"]),
    ("text_in", &[]),
    ("table", &["error", "money", "csv_out"]),
    ("cf", &["error", "dates"]),
    // An account where contributions are credited: a checked code, like the cf.
    ("iban", &["error"]),
    ("catalog", &["error", "dates", "money", "cf"]),
    ("calendar", &["error", "dates", "catalog"]),
    ("rules", &["error", "dates", "money", "cf", "catalog", "calendar", "json_in", "csv_out", "table"]),
    ("domain", &["error", "dates", "money", "cf", "catalog", "calendar", "json_in"]),
    // The flow INPS takes: checked records in, XML out.
    ("siuss", &["error", "dates", "money", "cf", "catalog", "domain"]),
    // An update's signature: bytes and keys in, a verdict out.
    ("update", &["error"]),
];

/// Modules of `rules` and the other `rules` modules they may name
/// (`crate::rules::…`). Those not listed predate the table.
const RULES_INNER: &[(&str, &[&str])] = &[
    // Temporary housing reads its settings from a rule set, and nothing else of the rules.
    ("housing", &["rule_set"]),
    // A funded project's amounts need no rule set: its figures are its own.
    ("project_finance", &[]),
];

/// Reads the clock, in whatever spelling.
const CLOCK: &[&str] =
    &["Local::now", "Utc::now", "SystemTime", "Instant::now", "chrono::Local", "chrono::Utc"];

/// Reading files or the environment, or parsing a data format: the catalog's job.
const DATA: &[&str] = &["std::fs", "std::env", "include_str!", "include_bytes!", "toml::"];

/// The code of a file without its test module and comments.
fn code(text: &str) -> String {
    let body = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    body.lines()
        .map(|l| match l.find("//") {
            // `"…//…"` inside a string is rare in this code; a URL in a
            // string would only hide what follows it on that line.
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What is wrong with a file of `module`, one line per problem.
fn problems(module: &str, file: &str, text: &str) -> Vec<String> {
    let code = code(text);
    let mut out = Vec::new();
    for word in CLOCK {
        if code.contains(word) {
            out.push(format!("{file}: reads the clock ({word}): take the date as a parameter"));
        }
    }
    if module != "catalog" {
        for word in DATA {
            if code.contains(word) {
                out.push(format!(
                    "{file}: {word} outside the catalog: data files are read in crate::catalog"
                ));
            }
        }
    }
    if module == "rules" {
        let inner = file.trim_start_matches("rules/").split(['/', '.']).next().unwrap_or("");
        if let Some((_, allowed)) = RULES_INNER.iter().find(|(m, _)| *m == inner) {
            let mut rest = code.as_str();
            while let Some(i) = rest.find("crate::rules::") {
                rest = &rest[i + "crate::rules::".len()..];
                let name: String =
                    rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if name != inner && !allowed.contains(&name.as_str()) {
                    out.push(format!("{file}: rules::{inner} names crate::rules::{name}"));
                }
            }
        }
    }
    let allowed = ALLOWED.iter().find(|(m, _)| *m == module).map(|(_, a)| *a).unwrap_or(&[]);
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let known = ALLOWED.iter().any(|(m, _)| *m == name);
        if name != module && known && !allowed.contains(&name.as_str()) {
            out.push(format!("{file}: {module} names crate::{name}, which is above it"));
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn core_modules_keep_their_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut all = Vec::new();
    let mut seen = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" {
            continue;
        }
        assert!(
            ALLOWED.iter().any(|(m, _)| *m == module),
            "{}: a new core module: give it its place in ALLOWED",
            rel.display()
        );
        seen.push(module.clone());
        let text = std::fs::read_to_string(path).unwrap();
        all.extend(problems(&module, &rel.display().to_string(), &text));
    }
    // The scan read the modules it is about (a moved `src/` would pass empty).
    for (m, _) in ALLOWED {
        assert!(seen.iter().any(|s| s == m), "module {m} not found under {}", src.display());
    }
    assert!(all.is_empty(), "layering broken:\n{}", all.join("\n"));
}

#[test]
fn the_scan_finds_what_it_looks_for() {
    let bad = "use crate::rules::Reason;\nfn f() { let d = chrono::Local::now(); }\nconst T: &str = include_str!(\"x.toml\");\n";
    let found = problems("calendar", "calendar/x.rs", bad);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(found.iter().any(|p| p.contains("crate::rules")));
    assert!(found.iter().any(|p| p.contains("Local::now")));
    assert!(found.iter().any(|p| p.contains("include_str!")));
    // The catalog reads files; comments and the test module are not code.
    let fine = "// crate::rules, Utc::now\nconst T: &str = include_str!(\"x.toml\");\n#[cfg(test)]\nmod tests {\n    use crate::rules;\n}\n";
    assert!(problems("catalog", "catalog/x.rs", fine).is_empty());
    // Inside the rules: housing may read the rule sets, not the B2 rankings.
    let housing = "use crate::rules::rule_set::Kind;\nuse crate::rules::b2::rank;\n";
    let found = problems("rules", "rules/housing/stay.rs", housing);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].contains("crate::rules::b2"), "{found:#?}");
    assert!(problems("rules", "rules/project_finance.rs", "use crate::rules::rule_set;\n").len() == 1);
}
