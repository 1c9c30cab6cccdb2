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
        let cells: [&str; 11] = std::array::from_fn(|col| rec.get(idx[col]).unwrap_or(""));
        let checked = application_from_cells(&cells, used_flags);
        let mut refused = checked.is_err();
        if let Err(row_errors) = &checked {
            for (col, message) in row_errors {
                push(
                    &mut errors,
                    &mut truncated,
                    Error::invalid(COLUMNS[*col], message.clone()).at_line(line),
                );
            }
        }
        let protocol = cells[0];
        if !protocol.is_empty() {
            if let Some(first) = seen.get(protocol) {
                let message = format!("protocollo «{protocol}» già presente alla riga {first}");
                push(&mut errors, &mut truncated, Error::invalid(COLUMNS[0], message).at_line(line));
                refused = true;
            } else {
                seen.insert(protocol.to_string(), line);
            }
        }
        if let (Ok(app), false) = (checked, refused) {
            apps.push(app);
        }
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

/// One application from its cells, in the order of [`COLUMNS`], each already
/// trimmed: the checks of a CSV row, shared by the import and the app's form.
/// `used_flags` as for [`import_csv`]. A refusal lists every faulty cell (its
/// column index and the Italian message), in column order.
pub fn application_from_cells(
    cells: &[&str; 11],
    used_flags: &[Flag],
) -> Result<Application, Vec<(usize, String)>> {
    fn take<T>(errors: &mut Vec<(usize, String)>, col: usize, r: Result<T, String>) -> Option<T> {
        r.map_err(|message| errors.push((col, message))).ok()
    }
    let mut errors = Vec::new();
    let e = &mut errors;
    let protocol = take(e, 0, field::text(cells[0]));
    let submitted_on = take(e, 1, field::date(COLUMNS[1], cells[1], true));
    let birth_date = take(e, 2, field::date(COLUMNS[2], cells[2], true));
    let isee = take(e, 3, field::money(cells[3], false));
    let isee_expires_on = take(e, 4, field::date(COLUMNS[4], cells[4], false));
    let resident = take(e, 5, field::boolean(cells[5], true));
    let continuation = take(e, 6, field::boolean(cells[6], true));
    let non_self_sufficient =
        take(e, 7, field::boolean(cells[7], used_flags.contains(&Flag::NonSelfSufficient)));
    let independent_living =
        take(e, 8, field::boolean(cells[8], used_flags.contains(&Flag::IndependentLiving)));
    let other_interventions =
        take(e, 9, field::boolean(cells[9], used_flags.contains(&Flag::OtherInterventions)));
    let amount = take(e, 10, field::money(cells[10], true));
    if let (Some(Some(b)), Some(Some(s))) = (birth_date, submitted_on) {
        if b > s {
            e.push((
                2,
                format!(
                    "data di nascita {} successiva alla presentazione {}",
                    dates::format_it(b),
                    dates::format_it(s)
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let ok = |o: Option<bool>| o.expect("no error recorded, so the value is there");
    Ok(Application {
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
    })
}

/// The check of one cell of an application, by kind; the value, or the
/// Italian message for its column. An empty cell is `""`.
pub mod field {
    use chrono::NaiveDate;

    use crate::dates;
    use crate::money::Money;

    pub fn text(s: &str) -> Result<String, String> {
        if s.is_empty() {
            return Err("valore obbligatorio mancante".into());
        }
        Ok(s.to_string())
    }

    /// `Ok(None)`: empty and allowed.
    pub fn date(column: &str, s: &str, required: bool) -> Result<Option<NaiveDate>, String> {
        if s.is_empty() {
            return if required { Err("data obbligatoria mancante".into()) } else { Ok(None) };
        }
        dates::parse_iso(column, s).map(Some).map_err(|e| e.message)
    }

    /// `Ok(None)`: empty and allowed. Never negative.
    pub fn money(s: &str, required: bool) -> Result<Option<Money>, String> {
        if s.is_empty() {
            return if required { Err("importo obbligatorio mancante".into()) } else { Ok(None) };
        }
        match Money::parse(s) {
            Ok(m) if m.is_negative() => Err(format!("importo negativo non ammesso: «{s}»")),
            Ok(m) => Ok(Some(m)),
            Err(e) => Err(e.message),
        }
    }

    /// `true`/`false` in any case; empty reads as `false` when not required.
    pub fn boolean(s: &str, required: bool) -> Result<bool, String> {
        if s.eq_ignore_ascii_case("true") {
            Ok(true)
        } else if s.eq_ignore_ascii_case("false") || (s.is_empty() && !required) {
            Ok(false)
        } else if s.is_empty() {
            Err("valore obbligatorio mancante: atteso true oppure false".into())
        } else {
            Err(format!("valore «{s}» non valido: atteso true oppure false"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "protocol,submitted_on,birth_date,isee,isee_expires_on,resident,continuation,\
                          non_self_sufficient,independent_living,other_interventions,amount";

    /// The form's door ([`application_from_cells`]) and the CSV's agree on
    /// every row: the same application, or the same refusals.
    #[test]
    fn a_row_and_its_cells_give_the_same_answer() {
        let rows = [
            "P-1,2019-05-02,1940-03-04,12000.50,2019-12-31,true,false,true,,,4800.00",
            "P-2,2019-05-02,1940-03-04,,,TRUE,False,false,false,false,4800",
            "P-3,2019-02-30,2020-01-01,-5,x,yes,,maybe,,,",
            ",2019-05-02,2019-06-01,1000,,true,true,true,,,100",
        ];
        let flags = [Flag::NonSelfSufficient];
        for row in rows {
            let csv = format!("{HEADER}\n{row}\n");
            let cells: Vec<&str> = row.split(',').collect();
            let cells: [&str; 11] = cells.try_into().unwrap();
            let direct = application_from_cells(&cells, &flags);
            match import_csv(&csv, &flags) {
                Ok(apps) => assert_eq!(direct, Ok(apps[0].clone()), "{row}"),
                Err(report) => {
                    let via_csv: Vec<(String, String)> = report
                        .errors
                        .iter()
                        .map(|e| (e.field.clone().unwrap_or_default(), e.message.clone()))
                        .collect();
                    let direct: Vec<(String, String)> = direct
                        .unwrap_err()
                        .into_iter()
                        .map(|(col, m)| (COLUMNS[col].to_string(), m))
                        .collect();
                    assert_eq!(direct, via_csv, "{row}");
                }
            }
        }
        let bad = application_from_cells(&rows[2].split(',').collect::<Vec<_>>().try_into().unwrap(), &flags);
        let cols: Vec<usize> = bad.unwrap_err().into_iter().map(|(c, _)| c).collect();
        assert_eq!(cols, [1, 3, 4, 5, 6, 7, 10]);
    }
}
