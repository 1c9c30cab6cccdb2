//! The applications of a B2 call, as the office's CSV (cli.md `sportello rank`).
//!
//! All or none: the import reads every row and, if any is refused, returns the
//! report of every refused row (line and column) and no applications at all, so a
//! ranking is never computed on part of a call. A *value* that is a legitimate
//! refusal (no ISEE, not resident, outside the window) is not an input error: it
//! is decided by the rules and lands in the "non ammessi" list with its reason.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::rule_set::Flag;
use crate::dates;
use crate::error::{Code, Error};
use crate::money::Money;

/// One application of a B2 call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// Unique in the call; the only identifier that is ever published.
    pub protocol: String,
    pub submitted_on: NaiveDate,
    /// The applicant's birth date.
    pub birth_date: NaiveDate,
    /// ISEE value; None when the application has none.
    pub isee: Option<Money>,
    pub isee_expires_on: Option<NaiveDate>,
    pub resident: bool,
    /// Completes a personalised project already in place the previous year.
    pub continuation: bool,
    pub non_self_sufficient: bool,
    pub independent_living: bool,
    pub other_interventions: bool,
    /// Amount requested.
    pub amount: Money,
}

impl Application {
    pub fn flag(&self, f: Flag) -> bool {
        match f {
            Flag::NonSelfSufficient => self.non_self_sufficient,
            Flag::IndependentLiving => self.independent_living,
            Flag::OtherInterventions => self.other_interventions,
        }
    }
}

/// The columns of cli.md, all required in the header (in any order).
pub const COLUMNS: [&str; 11] = [
    "protocol",
    "submitted_on",
    "birth_date",
    "isee",
    "isee_expires_on",
    "resident",
    "continuation",
    "non_self_sufficient",
    "independent_living",
    "other_interventions",
    "amount",
];

/// Why an import was refused: every refused row, with line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Data rows read (the header excluded).
    pub rows_read: usize,
    /// Each with `line` and `field` (the column) set.
    pub errors: Vec<Error>,
}

impl ImportReport {
    /// Lines of the refused rows, each once, in order.
    pub fn refused_lines(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self.errors.iter().filter_map(|e| e.line).collect();
        v.dedup();
        v
    }
    /// The first error, for one-line reporting.
    pub fn first(&self) -> &Error {
        &self.errors[0]
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "importazione rifiutata: {} righe con errori su {} lette; nessuna domanda importata",
            self.refused_lines().len(),
            self.rows_read
        )?;
        for e in &self.errors {
            writeln!(f, "{}", e.located("riga"))?;
        }
        Ok(())
    }
}

/// At most this many errors are collected: past it the report says so.
const MAX_ERRORS: usize = 200;

/// Parses the CSV. `used_flags` are the yes/no columns the call's measure relies on
/// (bonus requirements, tie-breaks): those must say `true` or `false`; the other
/// flag columns may be left empty (read as `false`), since an office exporting a
/// B2 anziani call has no reason to fill `independent_living`.
/// The 1-based line on which the record starting at `byte` stands. The csv
/// reader's own line count can lag by one (it may count the previous record's
/// line ending only when the next read starts), and the report must name the
/// line the office sees in its spreadsheet, so it is computed from the offset,
/// skipping the line ending the offset may still point at.
fn line_at(text: &str, byte: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut at = (byte as usize).min(bytes.len());
    while at < bytes.len() && (bytes[at] == b'\n' || bytes[at] == b'\r') {
        at += 1;
    }
    1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64
}

pub fn import_csv(text: &str, used_flags: &[Flag]) -> Result<Vec<Application>, ImportReport> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rec = csv::StringRecord::new();
    let header_err = |msg: String, field: &str| ImportReport {
        rows_read: 0,
        errors: vec![Error::invalid(field, msg).at_line(1)],
    };
    match rdr.read_record(&mut rec) {
        Ok(true) => {}
        Ok(false) => {
            return Err(header_err("file vuoto: manca la riga di intestazione".into(), "intestazione"))
        }
        Err(e) => return Err(header_err(format!("intestazione illeggibile: {e}"), "intestazione")),
    }
    let header_line = rec.position().map_or(1, |p| p.line());
    let names: Vec<String> =
        rec.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_string()).collect();
    let mut idx = [usize::MAX; 11];
    for (i, col) in COLUMNS.iter().enumerate() {
        let mut found = names.iter().enumerate().filter(|(_, n)| n.as_str() == *col);
        match (found.next(), found.next()) {
            (Some((j, _)), None) => idx[i] = j,
            (Some(_), Some(_)) => {
                return Err(ImportReport {
                    rows_read: 0,
                    errors: vec![Error::invalid(*col, format!("colonna «{col}» ripetuta nell'intestazione"))
                        .at_line(header_line)],
                })
            }
            (None, _) => {
                return Err(ImportReport {
                    rows_read: 0,
                    errors: vec![Error::invalid(
                        *col,
                        format!("colonna obbligatoria «{col}» mancante nell'intestazione"),
                    )
                    .at_line(header_line)],
                })
            }
        }
    }
    let width = names.len();
    let mut apps = Vec::new();
    let mut errors: Vec<Error> = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut rows = 0usize;
    let mut truncated = 0usize;
    loop {
        let line_hint = rdr.position().line();
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                rows += 1;
                let line = e.position().map_or(line_hint, |p| p.line());
                push(
                    &mut errors,
                    &mut truncated,
                    Error::invalid("riga", format!("riga illeggibile: {e}")).at_line(line),
                );
                continue;
            }
        }
        let line = rec.position().map_or(line_hint, |p| line_at(text, p.byte()));
        // A row of only empty cells (a trailing `,,,,` from a spreadsheet) is no application.
        if rec.iter().all(str::is_empty) {
            continue;
        }
        rows += 1;
        if rec.len() != width {
            push(
                &mut errors,
                &mut truncated,
                Error::invalid("riga", format!("la riga ha {} campi, l'intestazione {}", rec.len(), width))
                    .at_line(line),
            );
            continue;
        }
        let row_errors_before = errors.len() + truncated;
        let mut row = Row { rec: &rec, idx: &idx, line, errors: &mut errors, truncated: &mut truncated };
        let protocol = row.text(0);
        let submitted_on = row.date(1, true);
        let birth_date = row.date(2, true);
        let isee = row.money(3, false);
        let isee_expires_on = row.date(4, false);
        let resident = row.boolean(5, true);
        let continuation = row.boolean(6, true);
        let non_self_sufficient = row.boolean(7, used_flags.contains(&Flag::NonSelfSufficient));
        let independent_living = row.boolean(8, used_flags.contains(&Flag::IndependentLiving));
        let other_interventions = row.boolean(9, used_flags.contains(&Flag::OtherInterventions));
        let amount = row.money(10, true);
        if let (Some(Some(b)), Some(Some(s))) = (birth_date, submitted_on) {
            if b > s {
                row.error(
                    2,
                    format!(
                        "data di nascita {} successiva alla presentazione {}",
                        dates::format_it(b),
                        dates::format_it(s)
                    ),
                );
            }
        }
        if let Some(p) = &protocol {
            if let Some(first) = seen.get(p) {
                row.error(0, format!("protocollo «{p}» già presente alla riga {first}"));
            } else {
                seen.insert(p.clone(), line);
            }
        }
        if errors.len() + truncated > row_errors_before {
            continue;
        }
        let ok = |o: Option<bool>| o.expect("no error recorded, so the value is there");
        apps.push(Application {
            protocol: protocol.expect("checked"),
            submitted_on: submitted_on.flatten().expect("required"),
            birth_date: birth_date.flatten().expect("required"),
            isee: isee.flatten(),
            isee_expires_on: isee_expires_on.flatten(),
            resident: ok(resident),
            continuation: ok(continuation),
            non_self_sufficient: ok(non_self_sufficient),
            independent_living: ok(independent_living),
            other_interventions: ok(other_interventions),
            amount: amount.flatten().expect("required"),
        });
    }
    if errors.is_empty() {
        return Ok(apps);
    }
    if truncated > 0 {
        errors.push(Error::new(Code::Invalid, format!("… e altri {truncated} errori non elencati")));
    }
    Err(ImportReport { rows_read: rows, errors })
}

fn push(errors: &mut Vec<Error>, truncated: &mut usize, e: Error) {
    if errors.len() < MAX_ERRORS {
        errors.push(e);
    } else {
        *truncated += 1;
    }
}

struct Row<'a> {
    rec: &'a csv::StringRecord,
    idx: &'a [usize; 11],
    line: u64,
    errors: &'a mut Vec<Error>,
    truncated: &'a mut usize,
}

impl Row<'_> {
    fn cell(&self, col: usize) -> &str {
        self.rec.get(self.idx[col]).unwrap_or("")
    }
    fn error(&mut self, col: usize, message: String) {
        push(self.errors, self.truncated, Error::invalid(COLUMNS[col], message).at_line(self.line));
    }
    fn text(&mut self, col: usize) -> Option<String> {
        let s = self.cell(col);
        if s.is_empty() {
            self.error(col, "valore obbligatorio mancante".into());
            return None;
        }
        Some(s.to_string())
    }
    /// Outer None: an error was recorded; inner None: empty and allowed.
    fn date(&mut self, col: usize, required: bool) -> Option<Option<NaiveDate>> {
        let s = self.cell(col);
        if s.is_empty() {
            if required {
                self.error(col, "data obbligatoria mancante".into());
                return None;
            }
            return Some(None);
        }
        match dates::parse_iso(COLUMNS[col], s) {
            Ok(d) => Some(Some(d)),
            Err(e) => {
                self.error(col, e.message);
                None
            }
        }
    }
    fn money(&mut self, col: usize, required: bool) -> Option<Option<Money>> {
        let s = self.cell(col);
        if s.is_empty() {
            if required {
                self.error(col, "importo obbligatorio mancante".into());
                return None;
            }
            return Some(None);
        }
        match Money::parse(s) {
            Ok(m) if m.is_negative() => {
                self.error(col, format!("importo negativo non ammesso: «{s}»"));
                None
            }
            Ok(m) => Some(Some(m)),
            Err(e) => {
                self.error(col, e.message);
                None
            }
        }
    }
    fn boolean(&mut self, col: usize, required: bool) -> Option<bool> {
        let s = self.cell(col);
        if s.eq_ignore_ascii_case("true") {
            Some(true)
        } else if s.eq_ignore_ascii_case("false") || (s.is_empty() && !required) {
            Some(false)
        } else if s.is_empty() {
            self.error(col, "valore obbligatorio mancante: atteso true oppure false".into());
            None
        } else {
            self.error(col, format!("valore «{s}» non valido: atteso true oppure false"));
            None
        }
    }
}
