//! Fuzzing of every parser of outside input (issue 5): codice fiscale, dates,
//! amounts, the ISEE protocol, the applications CSV, the JSON of every IPC
//! command and of the CLI's input files, rule-set, comuni and festività files.
//!
//! Each parser gets arbitrary text and structure-aware mutations of the valid
//! examples (characters flipped, inserted, deleted; lines and fields swapped;
//! numbers made huge, negative, `1e308`, `NaN`; RTL marks, NUL, 10,000-character
//! strings, deep nesting). What must hold: no panic (proptest catches one and
//! shrinks it), and a refusal is a typed `sportello::Error` with an Italian
//! message, the line where the file contract names one, never `internal`.
//!
//! `SPORTELLO_FUZZ_CASES=100 cargo test -p sportello --release --test suite fuzz_parsers::`
//! multiplies every case count (DEVELOPERS.md).

use crate::print_support;
use crate::service_support;

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{json, Value};
use service_support::{analysis_json, create_family, env, project_json, Env};
use sportello::catalog::comuni::Comuni;
use sportello::catalog::places::{PlaceKind, Places};
use sportello::catalog::rule_sets;
use sportello::domain::agreement::AgreementInput;
use sportello::domain::Id;
use sportello::print::agreement;
use sportello::rules::applications::import_csv;
use sportello::rules::b2;
use sportello::rules::eligibility;
use sportello::rules::rule_set::{self, TieBreak};
use sportello::service::ipc::COMMANDS;
use sportello::{Code, Error, Money};

// ---------------------------------------------------------------------------
// Case counts

/// `default` cases, times `SPORTELLO_FUZZ_CASES` when set (a long run by hand).
fn cases(default: u32) -> Config {
    let factor =
        std::env::var("SPORTELLO_FUZZ_CASES").ok().and_then(|v| v.trim().parse::<u32>().ok()).unwrap_or(1);
    Config { cases: default.saturating_mul(factor.max(1)), ..Config::default() }
}

fn today() -> NaiveDate {
    service_support::today()
}

// ---------------------------------------------------------------------------
// Hostile material

/// Tokens that have broken parsers elsewhere: number edge cases, separators,
/// control and bidirectional characters, impossible dates, markup.
const TOKENS: &[&str] = &[
    "",
    " ",
    "\0",
    "\u{202E}",
    "\u{202D}",
    "\u{200F}",
    "\u{feff}",
    "\u{200B}",
    "\u{0301}",
    "1e308",
    "-1e308",
    "1E-400",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "-0",
    "-",
    "+",
    ".",
    "..",
    "0.001",
    "-1",
    "-0.01",
    "99999999999999999999999999999",
    "-99999999999999999999",
    "18446744073709551616",
    "9223372036854775808",
    "4294967296",
    "0x10",
    "1_000",
    "1.234,56",
    "1,5",
    "\"",
    "'",
    ",",
    ";",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "=",
    "[",
    "]",
    "{",
    "}",
    "[[",
    "]]",
    "#",
    "\\",
    "\\u0000",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31",
    "+262143-01-01",
    "-0001-01-01",
    "29/02/2024",
    "20/11/2026",
    "true",
    "false",
    "null",
    "é",
    "Nguyễn",
    "Dell'Orto",
    "ẞ",
    "𝟘",
    "٣",
    "２",
    "<img src=x onerror=alert(1)>",
    "%s%n",
    "Z999",
    "F205",
    "DLLNCL80A01F205Q",
    "\u{10FFFF}",
];

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(TOKENS).prop_map(String::from),
        1 => Just("9".repeat(10_000)),
        1 => Just("à".repeat(10_000)),
        1 => Just("\u{202E}".repeat(2_000)),
        1 => Just("\0".repeat(1_000)),
    ]
}

/// Numbers put in place of a number of a valid input.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(
            &[
                "1e308",
                "-1e308",
                "NaN",
                "-1",
                "-0",
                "0",
                "99999999999999999999999999999",
                "-99999999999999999999",
                "18446744073709551616",
                "4294967295",
                "1.5",
                "0.001",
                "1e3",
                "",
                "+7",
            ][..]
        )
        .prop_map(String::from),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        Just("9".repeat(10_000)),
    ]
}

/// Any text: arbitrary Unicode, short printable noise, or hostile tokens glued together.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~àèéìòùẞ\u{202E}\0\n]{0,40}",
        prop::collection::vec(token(), 0..6).prop_map(|v| v.concat()),
        token(),
    ]
}

// ---------------------------------------------------------------------------
// Structure-aware mutation of valid text

#[derive(Debug, Clone)]
enum Op {
    Flip(usize, char),
    Insert(usize, String),
    Delete(usize, usize),
    Truncate(usize),
    SwapLines(usize, usize),
    DupLine(usize),
    DropLine(usize),
    SwapFields(usize, usize, usize),
    Number(usize, String),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (any::<usize>(), prop_oneof![any::<char>(), prop::sample::select(&[',', '"', '\n', '=', '[', '-', '.', '0', '9', '\0', '\u{202E}'][..])])
            .prop_map(|(i, c)| Op::Flip(i, c)),
        3 => (any::<usize>(), token()).prop_map(|(i, t)| Op::Insert(i, t)),
        2 => (any::<usize>(), 1usize..30).prop_map(|(i, n)| Op::Delete(i, n)),
        1 => any::<usize>().prop_map(Op::Truncate),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Op::SwapLines(a, b)),
        1 => any::<usize>().prop_map(Op::DupLine),
        1 => any::<usize>().prop_map(Op::DropLine),
        2 => (any::<usize>(), any::<usize>(), any::<usize>()).prop_map(|(l, a, b)| Op::SwapFields(l, a, b)),
        3 => (any::<usize>(), number()).prop_map(|(k, n)| Op::Number(k, n)),
    ]
}

fn apply(text: &str, ops: &[Op]) -> String {
    let mut s = text.to_string();
    for op in ops {
        s = apply_one(&s, op);
    }
    s
}

fn apply_one(s: &str, op: &Op) -> String {
    let chars: Vec<char> = s.chars().collect();
    let at = |i: usize| if chars.is_empty() { 0 } else { i % (chars.len() + 1) };
    let join = |c: &[char]| c.iter().collect::<String>();
    let mut lines: Vec<String> = s.split('\n').map(String::from).collect();
    let n = lines.len();
    match op {
        Op::Flip(i, c) => {
            let mut c2 = chars.clone();
            if !c2.is_empty() {
                let i = i % c2.len();
                c2[i] = *c;
            }
            join(&c2)
        }
        Op::Insert(i, t) => {
            let i = at(*i);
            format!("{}{t}{}", join(&chars[..i]), join(&chars[i..]))
        }
        Op::Delete(i, len) => {
            let i = at(*i);
            let end = (i + len).min(chars.len());
            format!("{}{}", join(&chars[..i]), join(&chars[end..]))
        }
        Op::Truncate(i) => join(&chars[..at(*i)]),
        Op::SwapLines(a, b) => {
            lines.swap(a % n, b % n);
            lines.join("\n")
        }
        Op::DupLine(a) => {
            let l = lines[a % n].clone();
            lines.insert(a % n, l);
            lines.join("\n")
        }
        Op::DropLine(a) => {
            lines.remove(a % n);
            lines.join("\n")
        }
        Op::SwapFields(l, a, b) => {
            let line = &lines[l % n];
            let sep = if line.contains(',') { ',' } else { '=' };
            let mut fields: Vec<&str> = line.split(sep).collect();
            let m = fields.len();
            fields.swap(a % m, b % m);
            lines[l % n] = fields.join(&sep.to_string());
            lines.join("\n")
        }
        Op::Number(k, with) => {
            // The k-th run of digits (with its sign and decimals) becomes `with`.
            let mut runs = Vec::new();
            let mut i = 0;
            while i < chars.len() {
                if chars[i].is_ascii_digit() {
                    let start = if i > 0 && chars[i - 1] == '-' { i - 1 } else { i };
                    while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                        i += 1;
                    }
                    runs.push((start, i));
                } else {
                    i += 1;
                }
            }
            if runs.is_empty() {
                return s.to_string();
            }
            let (a, b) = runs[k % runs.len()];
            format!("{}{with}{}", join(&chars[..a]), join(&chars[b..]))
        }
    }
}

/// One of `seeds`, mutated one to five times.
fn mutated(seeds: &'static [String]) -> impl Strategy<Value = String> {
    (prop::sample::select(seeds), prop::collection::vec(op(), 1..6)).prop_map(|(s, ops)| apply(&s, &ops))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The valid files of a kind under `dir` of the repository, and the shared
/// examples when the checkout has them beside it (not in CI's clean clone).
fn files(dir: &str, ext: &str, name_has: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for d in [dir, "../shared/examples"] {
        let Ok(entries) = std::fs::read_dir(d) else { continue };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(ext) && name.contains(name_has) && !name.contains("expected") {
                let text = read(&p.display().to_string());
                if !out.contains(&text) {
                    out.push(text);
                }
            }
        }
    }
    assert!(!out.is_empty(), "no seed *{name_has}*{ext} under {dir}");
    out
}

// ---------------------------------------------------------------------------
// What a refusal must look like

/// A typed refusal: not `internal`, an Italian message (non-empty, and not a
/// bare Rust/serde message: it has Italian words or names the value).
fn typed(e: &Error, what: &str) {
    assert_ne!(e.code, Code::Internal, "{what}: an internal error from bad input: {e:?}");
    assert!(!e.message.trim().is_empty(), "{what}: empty message: {e:?}");
}

// ---------------------------------------------------------------------------
// Codice fiscale

static CF_SEEDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ["DLLNCL80A01F205Q", "NGYTLN88S60Z251L", "dllzoe15p70f205x", " RSSMRA85T10A562S ", "RSSMRALPTMLALRSV"]
        .map(String::from)
        .to_vec()
});

fn check_cf(input: &str) {
    match sportello::cf::parse(input, today()) {
        Ok(cf) => {
            // What was accepted is the input as rules.md §2 reads it, with a
            // birth date in the last two centuries and never after today.
            assert_eq!(cf.code, sportello::cf::normalise(input), "{input:?}");
            assert_eq!(cf.code.len(), 16, "{input:?}");
            assert!(cf.birth_date <= today() && cf.birth_date.year() > today().year() - 200, "{cf:?}");
            assert!(sportello::catalog::comuni::is_belfiore(&cf.birthplace), "{cf:?}");
        }
        Err(e) => {
            assert!(!e.messaggio.trim().is_empty(), "{input:?}");
            assert!(!e.reason.trim().is_empty(), "{input:?}");
            typed(&e.to_error("codice_fiscale"), input);
        }
    }
}

proptest! {
    #![proptest_config(cases(4000))]

    #[test]
    fn cf_parse_takes_any_text(s in hostile_string()) {
        check_cf(&s);
    }

    #[test]
    fn cf_parse_takes_mutated_codes(s in mutated(&CF_SEEDS)) {
        check_cf(&s);
    }

    #[test]
    fn cf_encode_takes_any_name(last in hostile_string(), first in hostile_string(),
                                day in 0i32..60_000, female in any::<bool>(), place in hostile_string()) {
        let birth = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(day as i64);
        let sex = if female { sportello::cf::Sex::F } else { sportello::cf::Sex::M };
        for place in [place.as_str(), "F205"] {
            match sportello::cf::encode(&last, &first, birth, sex, place) {
                Ok(code) => prop_assert_eq!(code.chars().count(), 16, "{:?} {:?}", last, first),
                Err(e) => typed(&e, "cf::encode"),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Dates, amounts, ISEE protocol

fn iso_seeds() -> &'static [String] {
    static S: LazyLock<Vec<String>> = LazyLock::new(|| {
        ["2026-11-20", "2024-02-29", "1900-01-01", "2019-12-31", " 2026-01-01 "].map(String::from).to_vec()
    });
    &S
}

fn money_seeds() -> &'static [String] {
    static S: LazyLock<Vec<String>> = LazyLock::new(|| {
        ["1234.56", "0.00", "-12.5", "40000.01", "999999999999999.99", "7"].map(String::from).to_vec()
    });
    &S
}

fn check_date(s: &str) {
    match sportello::dates::parse_iso("data", s) {
        // Strict: what is accepted is exactly the ISO form of the day.
        Ok(d) => assert_eq!(d.format("%Y-%m-%d").to_string(), s.trim(), "{s:?}"),
        Err(e) => {
            typed(&e, s);
            assert_eq!(e.field.as_deref(), Some("data"));
        }
    }
    match sportello::domain::form::optional_date("data", &Some(s.to_string())) {
        Ok(_) => {}
        Err(e) => typed(&e, s),
    }
}

/// 999999999999999.99: fifteen digits before the point, as `Money::parse` takes.
const MAX_CENTS: i64 = 99_999_999_999_999_999;

fn check_money(s: &str) {
    match Money::parse(s) {
        Ok(m) => {
            prop_assert_ok(Money::parse(&m.to_string()) == Ok(m), s);
            let shown = m.format_it();
            assert!(shown.ends_with(" €"), "{shown}");
        }
        Err(e) => typed(&e, s),
    }
    // Through JSON, as a form or a file sends it.
    let _ = serde_json::from_value::<Money>(json!(s));
}

fn prop_assert_ok(ok: bool, s: &str) {
    assert!(ok, "round trip of {s:?}");
}

fn check_protocol(s: &str) {
    match sportello::domain::household::isee_protocol("isee.protocol", &Some(s.to_string())) {
        Ok(p) => assert_eq!(p.len(), "INPS-ISEE-2026-00012345A-00".len(), "{s:?}"),
        Err(e) => {
            typed(&e, s);
            assert_eq!(e.field.as_deref(), Some("isee.protocol"));
        }
    }
}

fn protocol_seeds() -> &'static [String] {
    static S: LazyLock<Vec<String>> = LazyLock::new(|| {
        ["INPS-ISEE-2026-00012345A-00", "inps-isee-2019-ABCDEFGHI-99"].map(String::from).to_vec()
    });
    &S
}

proptest! {
    #![proptest_config(cases(3000))]

    #[test]
    fn dates_take_any_text(s in hostile_string()) {
        check_date(&s);
    }

    #[test]
    fn dates_take_mutated_dates(s in mutated(iso_seeds())) {
        check_date(&s);
    }

    #[test]
    fn valid_dates_round_trip(days in -1_000_000i64..1_000_000) {
        let d = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(days);
        let s = d.format("%Y-%m-%d").to_string();
        if (1..=9999).contains(&d.year()) {
            prop_assert_eq!(sportello::dates::parse_iso("d", &s).unwrap(), d);
        }
    }

    #[test]
    fn amounts_take_any_text(s in hostile_string()) {
        check_money(&s);
    }

    #[test]
    fn amounts_take_mutated_amounts(s in mutated(money_seeds())) {
        check_money(&s);
    }

    #[test]
    fn valid_amounts_round_trip(cents in -MAX_CENTS..=MAX_CENTS, scale in 0u32..=2) {
        let m = Money::from_decimal(rust_decimal::Decimal::new(cents / 10i64.pow(2 - scale), scale));
        prop_assert_eq!(Money::parse(&m.to_string()), Ok(m));
        prop_assert_eq!(m.to_string().parse::<Money>(), Ok(m));
    }

    #[test]
    fn isee_protocols_take_any_text(s in hostile_string()) {
        check_protocol(&s);
    }

    #[test]
    fn isee_protocols_take_mutated_protocols(s in mutated(protocol_seeds())) {
        check_protocol(&s);
    }
}

// ---------------------------------------------------------------------------
// Applications CSV (import and ranking, as `sportello rank` and the app do)

static CSV_SEEDS: LazyLock<Vec<String>> =
    LazyLock::new(|| files("tests/scenari/esempi", ".csv", "applications"));

fn check_csv(text: &str) {
    let (set, b2rules) = rule_sets::builtin().b2("milano-b2-2019").unwrap();
    let measure = b2rules.measure("b2-anziani").unwrap();
    let mut used = measure.bonus.value.requires.clone();
    if measure.tie_breaks.value.contains(&TieBreak::WithoutOtherInterventions) {
        used.push(rule_set::Flag::OtherInterventions);
    }
    let lines = text.split('\n').count() as u64;
    match import_csv(text, &used) {
        Ok(apps) => {
            for budget in [Money::ZERO, Money::from_cents(2_000_000), Money::from_cents(i64::MAX / 1000)] {
                match b2::rank(&apps, set, "b2-anziani", budget) {
                    Ok(r) => {
                        let _ = b2::office_csv(&r);
                    }
                    Err(e) => typed(&e, "b2::rank"),
                }
            }
            if let Some(a) = apps.first() {
                if let Err(e) = b2::explain(a, set, "b2-anziani") {
                    typed(&e, "b2::explain");
                }
            }
        }
        Err(report) => {
            // All or none: a refusal carries no application, only the reasons,
            // each on a line of the file and in a column.
            assert!(!report.errors.is_empty(), "{text:?}");
            for e in &report.errors {
                typed(e, text);
                let line = e.line.unwrap_or_else(|| panic!("no line: {e:?} in {text:?}"));
                assert!((1..=lines + 1).contains(&line), "line {line} of {lines}: {e:?}");
                assert!(e.field.as_deref().is_some_and(|f| !f.is_empty()), "no column: {e:?}");
            }
            let _ = report.to_string();
        }
    }
}

proptest! {
    #![proptest_config(cases(3000))]

    #[test]
    fn csv_import_takes_any_text(s in prop_oneof![
        hostile_string(),
        // A real header, then noise.
        hostile_string().prop_map(|s| format!("{}\n{s}", CSV_SEEDS[0].lines().next().unwrap())),
    ]) {
        check_csv(&s);
    }

    #[test]
    fn csv_import_takes_mutated_files(s in mutated(&CSV_SEEDS)) {
        check_csv(&s);
    }

    #[test]
    fn csv_import_takes_arbitrary_bytes(b in prop::collection::vec(any::<u8>(), 0..400)) {
        // The app and the CLI read the file as UTF-8 first (lossily here).
        check_csv(&String::from_utf8_lossy(&b));
    }
}

// ---------------------------------------------------------------------------
// The CLI's JSON input files: eligibility (household) and agreement (project)

static HOUSEHOLD_SEEDS: LazyLock<Vec<String>> =
    LazyLock::new(|| files("tests/scenari/esempi", ".json", "household-"));

static AGREEMENT_SEEDS: LazyLock<Vec<String>> =
    LazyLock::new(|| vec![print_support::EXAMPLE_JSON.to_string()]);

fn check_household_file(text: &str) {
    match eligibility::parse_household_json(text) {
        Ok(h) => {
            if let Err(e) = eligibility::evaluate(&h, rule_sets::builtin()) {
                typed(&e, "eligibility::evaluate");
            }
        }
        Err(e) => {
            typed(&e, text);
            // A file that is not JSON at all is refused at the line of the fault.
            if serde_json::from_str::<Value>(text).is_err() {
                assert!(e.line.is_some(), "syntax error without its line: {e:?}");
            }
        }
    }
}

fn check_agreement_file(text: &str, render: bool) {
    let input = match AgreementInput::from_json(text) {
        Ok(i) => i,
        Err(e) => {
            typed(&e, text);
            if serde_json::from_str::<Value>(text).is_err() {
                assert!(e.line.is_some(), "syntax error without its line: {e:?}");
            }
            return;
        }
    };
    let doc = match input.to_patto(today(), Comuni::builtin()) {
        Ok(d) => d,
        Err(e) => return typed(&e, "to_patto"),
    };
    if let Err(e) = agreement::check(&doc) {
        return typed(&e, "check");
    }
    if render {
        if let Err(e) = agreement::document(&doc).layout() {
            typed(&e, "layout");
        }
    }
}

/// JSON values: scalars of every awkward kind, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        Just(json!(1e308)),
        Just(json!(-1e308)),
        hostile_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![prop::sample::select(KEYS).prop_map(String::from), hostile_string()],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// JSON numbers at the edges: huge, negative, fractional.
fn json_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(1e308)),
        Just(json!(-1e308)),
        Just(json!(u64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(-1)),
        Just(json!(0)),
        Just(json!(0.5)),
        Just(json!(101)),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
    ]
}

/// Keys the inputs use, so random objects reach past the first field.
const KEYS: &[&str] = &[
    "id",
    "household",
    "household_id",
    "members",
    "codice_fiscale",
    "birth_date",
    "first_name",
    "last_name",
    "comune",
    "isee",
    "value",
    "protocol",
    "reference_date",
    "analysis",
    "project",
    "project_id",
    "member_id",
    "status",
    "call",
    "call_id",
    "csv",
    "application",
    "budget",
    "measure",
    "rule_set",
    "from",
    "to",
    "version",
    "query",
    "date",
    "time",
    "commitments",
    "due_date",
    "guardian_id",
    "username",
    "password",
    "role",
    "appeal_id",
    "outcome",
    "signed_on",
    "published_on",
    "code",
    "sex",
    "invalidity_percent",
];

#[derive(Debug, Clone)]
enum JsonOp {
    /// A string stays a string, a number a number: the input gets past the
    /// type check to the validation behind it.
    SameType(usize, String, Value),
    Replace(usize, Value),
    Remove(usize),
    Nest(usize, usize),
    Twice(usize),
}

fn json_op() -> impl Strategy<Value = JsonOp> {
    prop_oneof![
        6 => (any::<usize>(), hostile_string(), json_number()).prop_map(|(k, s, n)| JsonOp::SameType(k, s, n)),
        3 => (any::<usize>(), json_value()).prop_map(|(k, v)| JsonOp::Replace(k, v)),
        2 => any::<usize>().prop_map(JsonOp::Remove),
        1 => (any::<usize>(), 1usize..100).prop_map(|(k, d)| JsonOp::Nest(k, d)),
        1 => any::<usize>().prop_map(JsonOp::Twice),
    ]
}

/// JSON pointers of every node below the root.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(c, p, out);
            }
        }
        _ => {}
    }
}

fn mutate_json(mut v: Value, ops: &[JsonOp]) -> Value {
    for op in ops {
        let mut ps = Vec::new();
        pointers(&v, String::new(), &mut ps);
        if ps.is_empty() {
            continue;
        }
        let pick = |k: usize| ps[k % ps.len()].clone();
        match op {
            JsonOp::SameType(k, text, n) => {
                let node = v.pointer_mut(&pick(*k)).unwrap();
                match node {
                    Value::String(_) => *node = Value::String(text.clone()),
                    Value::Number(_) => *node = n.clone(),
                    Value::Bool(b) => *b = !*b,
                    _ => {}
                }
            }
            JsonOp::Replace(k, new) => *v.pointer_mut(&pick(*k)).unwrap() = new.clone(),
            JsonOp::Remove(k) => {
                let p = pick(*k);
                let (parent, last) = p.rsplit_once('/').unwrap();
                match v.pointer_mut(parent) {
                    Some(Value::Object(m)) => {
                        m.remove(&last.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(a)) => {
                        let i: usize = last.parse().unwrap();
                        a.remove(i);
                    }
                    _ => {}
                }
            }
            JsonOp::Nest(k, depth) => {
                let node = v.pointer_mut(&pick(*k)).unwrap();
                let mut n = node.take();
                for _ in 0..*depth {
                    n = Value::Array(vec![n]);
                }
                *node = n;
            }
            JsonOp::Twice(k) => {
                let node = v.pointer_mut(&pick(*k)).unwrap();
                let n = node.take();
                *node = Value::Array(vec![n.clone(), n]);
            }
        }
    }
    v
}

/// A JSON file: a valid one mutated as a tree, or as text, or noise.
fn json_text(seeds: &'static [String]) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (prop::sample::select(seeds), prop::collection::vec(json_op(), 1..5)).prop_map(|(s, ops)| {
            mutate_json(serde_json::from_str(&s).unwrap(), &ops).to_string()
        }),
        3 => mutated(seeds),
        1 => json_value().prop_map(|v| v.to_string()),
        1 => hostile_string(),
        // Nesting far past serde_json's limit.
        1 => (1usize..50_000).prop_map(|n| format!("{}{}", "[".repeat(n), "]".repeat(n))),
        1 => (1usize..20_000).prop_map(|n| format!("{}1{}", "{\"a\":".repeat(n), "}".repeat(n))),
    ]
}

proptest! {
    #![proptest_config(cases(2000))]

    #[test]
    fn eligibility_input_files_never_panic(s in json_text(&HOUSEHOLD_SEEDS)) {
        check_household_file(&s);
    }

    #[test]
    fn agreement_input_files_never_panic(s in json_text(&AGREEMENT_SEEDS)) {
        check_agreement_file(&s, false);
    }
}

proptest! {
    // Laying out the PDF is the slow part: fewer cases.
    #![proptest_config(cases(150))]

    #[test]
    fn agreement_input_files_lay_out_or_refuse(s in json_text(&AGREEMENT_SEEDS)) {
        check_agreement_file(&s, true);
    }
}

// ---------------------------------------------------------------------------
// Rule-set, comuni and festività files

static RULE_SEEDS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut v = files("assets/rules", ".toml", "");
    v.extend(files("tests/scenari/cartella-dati/rules", ".toml", ""));
    v
});
static COMUNI_SEEDS: LazyLock<Vec<String>> = LazyLock::new(|| vec![read("assets/calendar/comuni.toml")]);
static FESTIVITA_SEEDS: LazyLock<Vec<String>> =
    LazyLock::new(|| vec![read("assets/calendar/festivita.toml")]);
// The head of the list of comuni and states (the whole is half a megabyte).
static PLACES_SEEDS: LazyLock<Vec<String>> =
    LazyLock::new(|| vec![read("assets/luoghi/luoghi.tsv").lines().take(200).collect::<Vec<_>>().join("\n")]);
static MEMBER_RULES_SEEDS: LazyLock<Vec<String>> =
    LazyLock::new(|| vec![read("assets/procedure/componenti.toml")]);

fn check_rule_set(text: &str) {
    match rule_set::parse(text, None) {
        Ok(set) => {
            // A set that parses also joins the others or is refused, typed.
            let mut all: Vec<_> = rule_sets::builtin().iter().filter(|s| s.id != set.id).cloned().collect();
            all.push(set);
            if let Err(e) = sportello::rules::RuleSets::new(all) {
                typed(&e, "RuleSets::new");
            }
        }
        Err(e) => {
            typed(&e, text);
            assert_eq!(e.code, Code::BadRuleSet, "{e:?}");
            assert!(e.line.is_some(), "a rule-set error without its line: {e:?}\n{text}");
        }
    }
}

fn check_comuni(text: &str) {
    match Comuni::from_toml(text, "comuni.toml") {
        Ok(c) => {
            let _ = Comuni::builtin().with_overrides(text, "comuni.toml");
            for info in c.iter() {
                if let Err(e) = sportello::calendar::try_add_days(today(), 20, &info.comune) {
                    typed(&e, "try_add_days");
                }
            }
        }
        Err(e) => {
            typed(&e, text);
            assert!(e.line.is_some(), "a comuni error without its line: {e:?}");
        }
    }
}

fn check_places(text: &str) {
    if let Err(e) = Places::parse(text, "luoghi.tsv") {
        typed(&e, text);
        assert_eq!(e.code, Code::BadRuleSet, "{e:?}");
        assert!(e.line.is_some(), "a places error without its line: {e:?}");
    }
}

fn check_member_rules(text: &str) {
    if let Err(e) = sportello::catalog::member_rules::load(text) {
        typed(&e, text);
        assert_eq!(e.code, Code::BadRuleSet, "{e:?}");
    }
}

fn check_festivita(text: &str) {
    if let Err(e) = sportello::calendar::check_festivita(text) {
        typed(&e, text);
        assert!(e.line.is_some(), "a festività error without its line: {e:?}");
    }
}

proptest! {
    #![proptest_config(cases(2000))]

    #[test]
    fn rule_set_files_take_mutations(s in mutated(&RULE_SEEDS)) {
        check_rule_set(&s);
    }

    #[test]
    fn rule_set_files_take_any_text(s in hostile_string()) {
        check_rule_set(&s);
    }

    #[test]
    fn comuni_files_take_mutations(s in prop_oneof![mutated(&COMUNI_SEEDS), hostile_string()]) {
        check_comuni(&s);
    }

    #[test]
    fn festivita_files_take_mutations(s in prop_oneof![mutated(&FESTIVITA_SEEDS), hostile_string()]) {
        check_festivita(&s);
    }

    #[test]
    fn places_files_take_mutations(s in prop_oneof![mutated(&PLACES_SEEDS), hostile_string()]) {
        check_places(&s);
    }

    #[test]
    fn member_rules_files_take_mutations(s in prop_oneof![mutated(&MEMBER_RULES_SEEDS), hostile_string()]) {
        check_member_rules(&s);
    }

    #[test]
    fn place_searches_take_any_text(s in hostile_string()) {
        for kind in [PlaceKind::Comune, PlaceKind::StatoEstero, PlaceKind::Any] {
            let found = Places::builtin().search(&s, kind, Some(today()), 20);
            assert!(found.len() <= 20);
        }
    }
}

// ---------------------------------------------------------------------------
// The JSON input of every IPC command

/// A service with a family, its analysis and project, a call with the
/// example's applications: valid ids for the mutated inputs to reach past the
/// first check.
struct World {
    env: Env,
    valid: Vec<(&'static str, Value)>,
}

fn world() -> World {
    let env = env();
    let s = &env.service;
    let h = create_family(s);
    let hid = h.id.to_string();
    s.call(
        "analysis_save",
        json!({ "analysis": analysis_json(&h, "2026-11-20", "progetto_servizio_sociale") }),
    )
    .unwrap();
    let p = s.call("project_save", json!({ "project": project_json(&h) })).unwrap();
    let pid = p["id"].as_str().unwrap().to_string();
    s.call("convocation_print", convocation(&hid)).unwrap();
    let doc = s.documents_list(h.id).unwrap().into_iter().next().unwrap().id.to_string();
    let call = s
        .call(
            "call_save",
            json!({ "call": { "title": "Avviso B2", "measure": "b2-anziani", "rule_set": "milano-b2-2019",
                              "budget": "20000.00" } }),
        )
        .unwrap();
    let c = call["id"].as_str().unwrap().to_string();
    let mut v = serde_json::to_value(s.household_get(h.id).unwrap()).unwrap();
    v["notes"] = json!("Nota aggiunta.");
    let mut project = project_json(&h);
    project["id"] = json!(pid);
    project["updated_at"] = p["updated_at"].clone();
    let valid = vec![
        ("session", Value::Null),
        ("households_search", json!({ "query": "dell'orto" })),
        ("households_caseload", Value::Null),
        ("household_get", json!({ "id": hid })),
        ("household_save", json!({ "household": v })),
        ("household_save", json!({ "household": service_support::family_json() })),
        (
            "cf_check",
            json!({"code": "DLLZOE15P70F205X", "first_name": "Zoë", "last_name": "Dell'Orto",
                   "birth_date": "2015-09-30", "sex": "F"}),
        ),
        ("calendar_check", json!({ "date": "2026-12-07" })),
        ("places_search", json!({ "query": "cassano dadda", "kind": "comune" })),
        ("member_rules", Value::Null),
        ("analysis_get", json!({ "household_id": hid })),
        (
            "analysis_save",
            json!({ "analysis": analysis_json(&h, "2026-11-20", "progetto_servizio_sociale") }),
        ),
        ("project_get", json!({ "household_id": hid })),
        ("project_save", json!({ "project": project })),
        ("project_set_status", json!({ "project_id": pid, "status": "da_firmare" })),
        ("agreement_print", json!({ "project_id": pid })),
        (
            "signature_record",
            json!({ "project_id": pid, "member_id": h.members[0].id.to_string(), "signed_on": "2026-11-20" }),
        ),
        (
            "signature_annul",
            json!({ "project_id": pid, "member_id": h.members[0].id.to_string(), "reason": "firma apposta sul foglio sbagliato" }),
        ),
        ("deadlines_board", Value::Null),
        ("convocation_print", convocation(&hid)),
        ("documents_list", json!({ "household_id": hid })),
        ("document_open", json!({ "id": doc })),
        ("document_view", json!({ "id": doc })),
        ("eligibility_facts_get", json!({ "household_id": hid })),
        ("eligibility_facts_save", json!({ "household_id": hid, "other_subsidies": false })),
        ("eligibility_check", json!({ "household_id": hid, "reference_date": "2026-11-20" })),
        ("eligibility_checks_list", json!({ "household_id": hid })),
        ("esito_print", json!({ "household_id": hid, "reference_date": "2026-11-20" })),
        ("calls_list", Value::Null),
        ("call_get", json!({ "id": c })),
        ("call_template", Value::Null),
        (
            "call_save",
            json!({ "call": { "id": c, "title": "Avviso B2 2019", "measure": "b2-anziani",
                              "rule_set": "milano-b2-2019", "budget": "20000.00" } }),
        ),
        ("applications_import", json!({ "call_id": c, "csv": CSV_SEEDS[0] })),
        (
            "application_save",
            json!({ "call_id": c, "application": {
                "protocol": "2019/000201", "submitted_on": "2019-03-01", "birth_date": "1930-01-01",
                "isee": "9000.00", "isee_expires_on": "2019-12-31", "resident": true, "continuation": false,
                "non_self_sufficient": true, "other_interventions": false, "amount": "1000.00",
                "household_id": hid } }),
        ),
        ("ranking_draft", json!({ "call_id": c })),
        ("ranking_versions", json!({ "call_id": c })),
        ("ranking_publish", json!({ "call_id": c, "published_on": "2019-06-10" })),
        ("ranking_compare", json!({ "call_id": c, "from": 1, "to": 1 })),
        (
            "appeal_file",
            json!({ "call_id": c, "protocol": "2019/000105", "filed_on": "2019-06-20",
                    "grounds": "ISEE valido consegnato", "documents": ["attestazione ISEE"] }),
        ),
        (
            "appeal_decide",
            json!({ "call_id": c, "appeal_id": 1, "decided_on": "2019-07-01", "outcome": "rejected",
                    "note": "L'attestazione era scaduta alla data della domanda" }),
        ),
        ("ranking_export_csv", json!({ "call_id": c, "version": 1 })),
        // The administrator keeps their own password: only others' accounts are fuzzed.
        (
            "password_change",
            json!({ "old_password": "sbagliata", "new_password": "una password nuova e lunga" }),
        ),
        ("operators_list", Value::Null),
        ("operator_save", json!({ "username": "nuovo", "name": "Nuovo Operatore", "role": "operatore" })),
        ("operator_set_password", json!({ "username": "nuovo", "password": "password iniziale" })),
        ("operator_revoke", json!({ "username": "nuovo" })),
        // Not a device here: sync_now is refused before any address is used.
        ("sync_status", Value::Null),
        ("sync_now", json!({ "hub": "http://127.0.0.1:9" })),
    ];
    for (name, input) in &valid {
        // The valid inputs are valid (or refused for a reason of state, typed).
        if let Err(e) = s.call(name, input.clone()) {
            typed(&e, name);
        }
    }
    World { env, valid }
}

fn convocation(hid: &str) -> Value {
    json!({ "household_id": hid, "date": "2026-12-01", "time": "09:30", "purpose": "analisi_preliminare",
            "place": "largo Treves 1", "ask_for": "Anna Verdi" })
}

static WORLD: LazyLock<std::sync::Mutex<World>> = LazyLock::new(|| std::sync::Mutex::new(world()));

fn check_call(name: &str, input: Value) {
    let w = WORLD.lock().unwrap_or_else(|p| p.into_inner());
    // The administrator must stay who they are: a fuzzed call that would lock
    // them out (their own password) is kept to the account «nuovo».
    let mut input = input;
    if name.starts_with("operator") || name == "password_change" {
        if let Some(o) = input.as_object_mut() {
            if o.get("username").and_then(Value::as_str).is_some_and(|u| u.trim() == service_support::ADMIN)
                || name == "password_change"
            {
                o.insert("old_password".into(), json!("sbagliata"));
                o.insert("username".into(), json!("nuovo"));
            }
        }
    }
    if let Err(e) = w.env.service.call(name, input.clone()) {
        assert_ne!(e.code, Code::Internal, "{name}({input}): an internal error from bad input: {e:?}");
        assert!(!e.message.trim().is_empty(), "{name}: {e:?}");
        // serde's English must not reach the screen.
        for english in ["invalid type", "missing field", "unknown variant", "expected a"] {
            assert!(!e.message.contains(english), "{name}({input}): {e:?}");
        }
    }
}

/// Found by the fuzzer: saving an account under the name of a revoked one
/// was SQLite's UNIQUE failing as a `storage` error in English.
#[test]
fn a_revoked_username_is_not_reused() {
    let e = env();
    let s = &e.service;
    let save = json!({ "username": "mrossi", "name": "Mario Rossi", "role": "operatore" });
    s.call("operator_save", save.clone()).unwrap();
    s.call("operator_revoke", json!({ "username": "mrossi" })).unwrap();
    let err = s.call("operator_save", save).unwrap_err();
    assert_eq!(err.code, Code::Conflict, "{err:?}");
    assert_eq!(err.field.as_deref(), Some("username"));
    assert!(err.message.contains("revocato"), "{}", err.message);
}

/// A wrong shape is refused in Italian, not with serde's words.
#[test]
fn a_wrong_shape_is_refused_in_italian() {
    let w = WORLD.lock().unwrap_or_else(|p| p.into_inner());
    let err = w.env.service.call("household_get", json!({ "id": ["x"] })).unwrap_err();
    assert_eq!(err.code, Code::Invalid);
    assert!(err.message.contains("tipo non valido: un elenco, atteso un testo"), "{}", err.message);
}

fn valid_input() -> impl Strategy<Value = (&'static str, Value)> {
    let n = WORLD.lock().unwrap_or_else(|p| p.into_inner()).valid.len();
    (0..n).prop_map(|i| WORLD.lock().unwrap_or_else(|p| p.into_inner()).valid[i].clone())
}

proptest! {
    #![proptest_config(cases(2500))]

    #[test]
    fn every_command_takes_mutated_valid_input(
        (name, input) in valid_input(),
        ops in prop::collection::vec(json_op(), 1..4),
    ) {
        check_call(name, mutate_json(input, &ops));
    }

    #[test]
    fn every_command_takes_any_json(name in prop::sample::select(COMMANDS), input in json_value()) {
        check_call(name, input);
    }
}

#[test]
fn every_command_takes_each_hostile_shape() {
    let deep = (0..120).fold(json!("x"), |v, _| json!([v]));
    let shapes = [
        Value::Null,
        json!({}),
        json!([]),
        json!(1e308),
        json!(-1),
        json!("\u{202E}"),
        json!(true),
        deep,
        json!({ "id": "x".repeat(10_000) }),
    ];
    for name in COMMANDS {
        for shape in &shapes {
            check_call(name, shape.clone());
        }
    }
}

/// The app's import is all or none: a refused file leaves the call without
/// any application, and each refused row has its line and column.
#[test]
fn applications_import_is_all_or_none_on_mutated_files() {
    let w = WORLD.lock().unwrap_or_else(|p| p.into_inner());
    let s = &w.env.service;
    let mut runner = proptest::test_runner::TestRunner::new(cases(300));
    runner
        .run(&mutated(&CSV_SEEDS), |csv| {
            let call = s
                .call(
                    "call_save",
                    json!({ "call": { "title": "Avviso", "measure": "b2-anziani", "rule_set": "milano-b2-2019",
                                      "budget": "20000.00" } }),
                )
                .unwrap();
            let id = Id::parse("id", call["id"].as_str().unwrap()).unwrap();
            let count = || s.call("call_get", json!({ "id": id.to_string() })).unwrap()["applications"]
                .as_array()
                .map_or(0, Vec::len);
            match s.call("applications_import", json!({ "call_id": id.to_string(), "csv": csv })) {
                Ok(out) if out["saved"] == json!(true) => {
                    prop_assert_eq!(out["imported"].as_u64().unwrap() as usize, count());
                }
                Ok(out) => {
                    prop_assert_eq!(count(), 0, "{}", out);
                    for r in out["refused"].as_array().unwrap() {
                        prop_assert!(r["line"].as_u64().is_some_and(|l| l >= 1), "{}", r);
                    }
                }
                Err(e) => {
                    typed(&e, "applications_import");
                    prop_assert_eq!(count(), 0);
                }
            }
            Ok(())
        })
        .unwrap();
}

/// Found by the fuzzer: a broken festività file said what but not where.
#[test]
fn a_festivita_error_names_its_line() {
    let text = "[copertura]\ndal = \"1978-01-01\"\n\n[[festa]]\nnome = \"X\"\ngiorno = \"02-30\"\natto = \"a\"\ndal = \"1978-01-01\"\n";
    let e = sportello::calendar::check_festivita(text).unwrap_err();
    assert_eq!((e.code, e.line), (Code::BadRuleSet, Some(4)), "{e:?}");
    let e = sportello::calendar::check_festivita("[copertura]\ndal = 1\n").unwrap_err();
    assert_eq!(e.line, Some(2), "{e:?}");
    sportello::calendar::check_festivita(&FESTIVITA_SEEDS[0]).unwrap();
}

// ---------------------------------------------------------------------------
// Ids, case numbers, Belfiore codes, the recovery key, the keys file

proptest! {
    #![proptest_config(cases(2000))]

    #[test]
    fn ids_and_codes_take_any_text(s in hostile_string()) {
        match Id::parse("id", &s) {
            Ok(id) => prop_assert_eq!(Id::parse("id", &id.to_string()), Ok(id)),
            Err(e) => {
                typed(&e, &s);
                prop_assert_eq!(e.field.as_deref(), Some("id"));
            }
        }
        if let Some(n) = sportello::domain::ids::CaseNumber::parse(&s) {
            prop_assert!(!n.to_string().is_empty());
        }
        if let Err(e) = Comuni::builtin().get(&s) {
            typed(&e, &s);
        }
        if let Err(e) = sportello::keyring::RecoveryCode::parse(&s) {
            typed(&e, "recovery key");
            prop_assert_eq!(e.field.as_deref(), Some("recovery_key"));
        }
    }

    #[test]
    fn rule_set_ids_are_checked_against_the_file_name(
        s in prop::sample::select(&RULE_SEEDS[..]),
        name in prop_oneof![hostile_string(), Just("milano-b2-2019".to_string())],
    ) {
        if let Err(e) = rule_set::parse(&s, Some(&name)) {
            typed(&e, &name);
            prop_assert!(e.line.is_some(), "{:?}", e);
        }
    }
}

/// The keys file lies beside the database, where anyone with the disk can
/// edit it: an edited one is refused with a typed error (or still opens, when
/// the edit did not matter), never a panic, an abort or an endless login.
#[test]
fn a_tampered_keys_file_is_refused_typed() {
    let Env { dir, service } = env();
    let (db, docs) = (dir.path().join("sportello.sqlite"), dir.path().join("documenti"));
    drop(service);
    let keys = sportello::keyring::Keyring::path_for(&db);
    let valid = std::fs::read_to_string(&keys).unwrap();
    let seeds: &'static [String] = Vec::leak(vec![valid.clone()]);
    let mut runner = proptest::test_runner::TestRunner::new(cases(60));
    runner
        .run(&json_text(seeds), |text| {
            std::fs::write(&keys, &text).unwrap();
            if let Err(e) = sportello::keyring::Keyring::load_file(&keys) {
                typed(&e, "Keyring::load_file");
            }
            if let Err(e) = service_support::login(&db, &docs, service_support::ADMIN, today()) {
                typed(&e, "login");
            }
            Ok(())
        })
        .unwrap();
    std::fs::write(&keys, &valid).unwrap();
    // Hostile user names at the login, with the keys file intact.
    let mut runner = proptest::test_runner::TestRunner::new(cases(30));
    runner
        .run(&hostile_string(), |user| {
            if let Err(e) = service_support::login(&db, &docs, &user, today()) {
                typed(&e, "login");
            }
            Ok(())
        })
        .unwrap();
    service_support::login(&db, &docs, service_support::ADMIN, today()).unwrap();
}

/// Argon2's cost comes from the keys file: bounded (KdfParams::check).
#[test]
fn a_keys_file_asking_for_terabytes_is_refused() {
    let Env { dir, service } = env();
    let (db, docs) = (dir.path().join("sportello.sqlite"), dir.path().join("documenti"));
    drop(service);
    let keys = sportello::keyring::Keyring::path_for(&db);
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&keys).unwrap()).unwrap();
    for e in v["entries"].as_array_mut().unwrap() {
        e["kdf"]["memory_kib"] = json!(u32::MAX);
    }
    std::fs::write(&keys, v.to_string()).unwrap();
    let err = service_support::login(&db, &docs, service_support::ADMIN, today()).err().unwrap();
    assert_eq!(err.code, Code::Storage, "{err:?}");
    assert!(err.message.contains("file delle chiavi"), "{}", err.message);
}
