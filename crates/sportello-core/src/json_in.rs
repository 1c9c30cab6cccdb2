//! The one door for JSON that comes from outside: the CLI's input files and the
//! input of every IPC command (`Service::call`). A misspelt key (`resident_snce`)
//! must not be read as "not given" and flip an answer, and of two equal keys
//! neither may silently win: both are refused, naming the key's path
//! (`members[1].resident_snce`) as the error's field.
//!
//! serde's `deny_unknown_fields` refuses unknown keys but not duplicates (a map
//! keeps the last one), so [`check_duplicates`] walks the text first. Unknown
//! keys are refused by the input types themselves (`deny_unknown_fields`); this
//! module only turns serde's message into an Italian one with the path.

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// A key met in the text: where it ends (byte after its closing quote), its
/// path and its name.
struct KeyAt {
    end: usize,
    path: String,
    name: String,
}

enum Frame {
    Object { keys: HashSet<String>, current: Option<String> },
    Array { index: usize },
}

fn push_key(p: &mut String, k: &str) {
    if !p.is_empty() {
        p.push('.');
    }
    p.push_str(k);
}

fn path_of(frames: &[Frame], last: Option<&str>) -> String {
    let mut p = String::new();
    for f in frames {
        match f {
            Frame::Object { current: Some(k), .. } => push_key(&mut p, k),
            Frame::Object { current: None, .. } => {}
            Frame::Array { index } => p.push_str(&format!("[{index}]")),
        }
    }
    if let Some(k) = last {
        push_key(&mut p, k);
    }
    p
}

/// The keys of a syntactically valid JSON text, refusing the first key that an
/// object carries twice.
fn scan(text: &str) -> Result<Vec<KeyAt>> {
    let b = text.as_bytes();
    let mut frames: Vec<Frame> = Vec::new();
    let mut keys = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'{' => {
                frames.push(Frame::Object { keys: HashSet::new(), current: None });
                expect_key = true;
            }
            b'[' => {
                frames.push(Frame::Array { index: 0 });
                expect_key = false;
            }
            b'}' | b']' => {
                frames.pop();
                expect_key = false;
            }
            b',' => match frames.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                _ => expect_key = true,
            },
            b':' => expect_key = false,
            b'"' => {
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let end = j.min(b.len().saturating_sub(1));
                if expect_key {
                    let raw = text.get(i..=end).unwrap_or("");
                    let name: String = serde_json::from_str(raw).unwrap_or_else(|_| raw.to_string());
                    let depth = frames.len().saturating_sub(1);
                    let path = path_of(&frames[..depth], Some(&name));
                    if let Some(Frame::Object { keys: seen, current }) = frames.last_mut() {
                        if !seen.insert(name.clone()) {
                            return Err(Error::invalid(
                                path,
                                format!("Campo «{name}» ripetuto: ogni campo va indicato una volta sola"),
                            )
                            .at_line(line_of(text, i)));
                        }
                        *current = Some(name.clone());
                    }
                    keys.push(KeyAt { end: end + 1, path, name });
                    expect_key = false;
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(keys)
}

fn line_of(text: &str, offset: usize) -> u64 {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&c| c == b'\n').count() as u64 + 1
}

/// Refuses a JSON text in which an object has the same key twice (the error's
/// field is the key's path). The text must already be valid JSON.
pub fn check_duplicates(text: &str) -> Result<()> {
    scan(text).map(|_| ())
}

/// Parses a JSON text from outside into a value: syntax errors carry their line,
/// duplicate keys are refused by path.
pub fn parse(text: &str) -> Result<Value> {
    let v: Value = serde_json::from_str(text).map_err(|e| syntax(&e))?;
    check_duplicates(text)?;
    Ok(v)
}

fn syntax(e: &serde_json::Error) -> Error {
    let err = Error::invalid("json", format!("JSON non valido: {}", it_reason(e)));
    if e.line() > 0 {
        err.at_line(e.line() as u64)
    } else {
        err
    }
}

/// Reads `T` (whose types deny unknown keys) from a JSON text from outside:
/// duplicate and unknown keys are refused naming their path; any other serde
/// error goes through `other` (which gives it the caller's wording).
pub fn from_text<T: DeserializeOwned>(
    text: &str,
    other: impl FnOnce(serde_json::Error) -> Error,
) -> Result<T> {
    let _: Value = serde_json::from_str(text).map_err(other_syntax)?;
    let keys = scan(text)?;
    serde_json::from_str(text).map_err(|e| match unknown_key(&e) {
        Some(name) => {
            let offset = byte_offset(text, e.line(), e.column());
            let at = keys
                .iter()
                .filter(|k| k.name == name)
                .min_by_key(|k| k.end.abs_diff(offset))
                .map(|k| k.path.clone())
                .unwrap_or_else(|| name.clone());
            unknown(&at, &name).at_line(e.line() as u64)
        }
        None => other(e),
    })
}

fn other_syntax(e: serde_json::Error) -> Error {
    syntax(&e)
}

/// Reads `T` from a value (the IPC input): as [`from_text`], on the value's
/// compact text. A value cannot hold a duplicate key (a JavaScript object
/// cannot either), so only unknown keys can be found here.
pub fn from_value<T: DeserializeOwned>(
    v: &Value,
    other: impl FnOnce(serde_json::Error) -> Error,
) -> Result<T> {
    let text = serde_json::to_string(v).map_err(|e| Error::new(crate::Code::Internal, e.to_string()))?;
    from_text(&text, other).map_err(|e| Error { line: None, ..e })
}

/// For inputs read by hand from a value: refuses a key of `object` not in
/// `allowed`; `path` is the object's own path ("" for the root).
pub fn only_keys(object: &Map<String, Value>, allowed: &[&str], path: &str) -> Result<()> {
    match object.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => {
            let at = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
            Err(unknown(&at, k))
        }
        None => Ok(()),
    }
}

fn unknown(path: &str, name: &str) -> Error {
    Error::invalid(
        path,
        format!(
            "Campo sconosciuto «{name}»: non fa parte del formato (controllare che non sia scritto male)"
        ),
    )
}

/// The key of serde's "unknown field `x`, expected …".
fn unknown_key(e: &serde_json::Error) -> Option<String> {
    let s = e.to_string();
    let rest = s.strip_prefix("unknown field `")?;
    Some(rest[..rest.find('`')?].to_string())
}

fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    start + column
}

/// serde's reason for a syntax error, in Italian where it is a known phrase.
fn it_reason(e: &serde_json::Error) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("EOF while parsing a value", "il testo finisce prima di un valore"),
        ("EOF while parsing an object", "il testo finisce dentro un oggetto"),
        ("EOF while parsing a list", "il testo finisce dentro un elenco"),
        ("EOF while parsing a string", "il testo finisce dentro un testo tra virgolette"),
        ("expected value", "atteso un valore"),
        ("trailing characters", "caratteri dopo la fine del documento"),
        ("trailing comma", "virgola di troppo"),
        ("key must be a string", "il nome di un campo va tra virgolette"),
        (
            "control character (\\u0000-\\u001F) found while parsing a string",
            "carattere di controllo in un testo",
        ),
        ("recursion limit exceeded", "troppi livelli uno dentro l'altro"),
        (" at line ", " alla riga "),
        (" column ", " colonna "),
    ];
    let mut s = e.to_string();
    for (en, it) in WORDS {
        s = s.replace(en, it);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[serde(default)]
        #[allow(dead_code)]
        a: Option<String>,
        #[serde(default)]
        #[allow(dead_code)]
        members: Vec<Inner>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        #[serde(default)]
        #[allow(dead_code)]
        b: Option<u32>,
    }

    fn other(e: serde_json::Error) -> Error {
        Error::invalid("json", e.to_string())
    }

    #[test]
    fn duplicates_are_refused_by_path() {
        let e = parse(r#"{"a": 1, "members": [{"b": 1}, {"b": 2, "b": 3}]}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("members[1].b"));
        assert!(e.message.contains("«b» ripetuto"), "{}", e.message);
        let e = parse("{\n\"a\": 1,\n\"\\u0061\": 2}").unwrap_err();
        assert_eq!((e.field.as_deref(), e.line), (Some("a"), Some(3)));
        // The same key in different objects, a key-like string value and an
        // escaped quote are not duplicates.
        parse(r#"{"a": {"x": 1}, "b": {"x": "\"a\": 1"}, "c": ["a", "a"], "d": [{"x":1},{"x":2}]}"#).unwrap();
    }

    #[test]
    fn unknown_keys_are_named_with_their_path() {
        let e = from_text::<Outer>("{\"a\": \"x\",\n \"members\": [{\"b\": 1}, {\"bb\": 2}]}", other)
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("members[1].bb"));
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("Campo sconosciuto «bb»"), "{}", e.message);
        // The same name elsewhere: the one at serde's position is named.
        let v = serde_json::json!({"members": [{"b": 1}], "zz": 1, "q": {"zz": 2}});
        let e = from_value::<Outer>(&v, other).unwrap_err();
        assert!(e.field.as_deref() == Some("q") || e.field.as_deref() == Some("zz"), "{e:?}");
        let e =
            from_value::<Outer>(&serde_json::json!({"members": [{"b": 1, "c": true}]}), other).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("members[0].c"));
        assert_eq!(e.line, None);
        // Other errors keep the caller's wording.
        let e = from_value::<Outer>(&serde_json::json!({"members": [{"b": "x"}]}), other).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("json"));
    }

    #[test]
    fn only_keys_names_the_first_stranger() {
        let v = serde_json::json!({"birth_date": "2000-01-01", "resident_snce": "x"});
        let e = only_keys(v.as_object().unwrap(), &["birth_date"], "members[0]").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("members[0].resident_snce"));
        only_keys(v.as_object().unwrap(), &["birth_date", "resident_snce"], "").unwrap();
    }
}
