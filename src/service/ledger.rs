//! The erasure ledgers beside the database (`<db>.cancellazioni` for cases,
//! `<db>.cancellazioni-atti` for calls' records): one line an erasure, its
//! fields separated by tabs, so that an erasure is applied again after a
//! restore from a backup taken before it. Both ledgers read and write the
//! same way; each names its own fields.

use std::path::Path;

use crate::error::{Code, Error};

/// The lines of the ledger at `path` (none when there is no ledger yet),
/// each split into exactly `fields` fields, with its line number for
/// [`bad_line`].
pub(super) fn read(path: &Path, fields: usize) -> Result<Vec<(usize, Vec<String>)>, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Error::new(Code::Io, format!("registro delle cancellazioni non leggibile: {e}")))
        }
    };
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let f: Vec<String> = line.split('\t').map(str::to_string).collect();
        if f.len() != fields {
            return Err(bad_line(path, n));
        }
        out.push((n, f));
    }
    Ok(out)
}

/// A line of the ledger that cannot be read (`n` counted from 0).
pub(super) fn bad_line(path: &Path, n: usize) -> Error {
    Error::new(
        Code::Corrupt,
        format!("registro delle cancellazioni {}: riga {} non valida", path.display(), n + 1),
    )
}

/// Appends `fields` as one line (the whole file rewritten privately and
/// atomically: a crash leaves the old ledger or the new one).
pub(super) fn append(path: &Path, fields: &[String]) -> Result<(), Error> {
    let mut text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => {
            return Err(Error::new(Code::Io, format!("registro delle cancellazioni non leggibile: {e}")))
        }
    };
    text.push_str(&fields.join("\t"));
    text.push('\n');
    crate::fsx::write_private_atomic(path, text.as_bytes())
        .map_err(|e| Error::new(Code::Io, format!("registro delle cancellazioni non scritto: {e}")))
}
