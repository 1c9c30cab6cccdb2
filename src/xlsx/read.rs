//! The applications of a call from a workbook (issue 14: "XLSX import of the
//! same columns"): the first sheet, a header row with the columns of the CSV
//! (cli.md `rank`), one application a row. Each cell is handed to the same
//! checks as a CSV's (`rules::applications::Rows`) as the text it stands for:
//! a number as its shortest decimal form (`4800`, `1250.5`: one with more than
//! two decimals is refused there, never rounded), a date cell as `AAAA-MM-GG`,
//! a boolean as `true`/`false`, text as typed (so `sì`/`no` and `gg/mm/aaaa`
//! typed as text work as in a CSV). A cell the spreadsheet marks as an error
//! (`#N/D`, `#DIV/0!`) refuses its row, named by the sheet's own row number.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::error::Error;
use crate::rules::applications::{Application, Dialect, ImportReport, Rows, COLUMNS};
use crate::rules::rule_set::Flag;

/// For the operator: how the file was read.
pub const READ_AS: &str = "cartella di lavoro XLSX (primo foglio), importi e date come celle del foglio";

/// Whether the bytes are a workbook: an XLSX file is a ZIP archive, and no CSV
/// starts with a ZIP header.
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn refused(line: u64, message: String) -> ImportReport {
    ImportReport { rows_read: 0, errors: vec![Error::invalid("intestazione", message).at_line(line)] }
}

/// Every application of the first sheet with its row number, or the report
/// of every refused row.
pub fn applications(bytes: &[u8], used_flags: &[Flag]) -> Result<Vec<(u64, Application)>, ImportReport> {
    let mut book = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| refused(1, format!("cartella di lavoro illeggibile: {e}")))?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(e)) => return Err(refused(1, format!("primo foglio illeggibile: {e}"))),
        None => return Err(refused(1, "la cartella di lavoro non ha fogli".into())),
    };
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let all: Vec<(u64, &[Data])> =
        range.rows().enumerate().map(|(i, r)| (first_row + i as u64 + 1, r)).collect();
    // The header is the row naming `protocol` (an office's sheet often has a
    // title above it), else the first row with anything in it, whose missing
    // columns are then reported.
    let names_protocol =
        |r: &[Data]| r.iter().any(|c| matches!(c, Data::String(s) if s.trim() == COLUMNS[0]));
    let at = all
        .iter()
        .position(|(_, r)| names_protocol(r))
        .or_else(|| all.iter().position(|(_, r)| r.iter().any(|c| !matches!(c, Data::Empty))))
        .ok_or_else(|| refused(1, "foglio vuoto: manca la riga di intestazione".into()))?;
    let (header_line, header) = all[at];
    let lines = all[at + 1..].iter().copied();
    let names: Vec<String> = header.iter().map(|c| cell_text(c).unwrap_or_default()).collect();
    let mut rows = Rows::new(names.iter().map(String::as_str), header_line, used_flags, Dialect::Comma)?;
    let mut rec = csv::StringRecord::new();
    for (line, cells) in lines {
        rec.clear();
        let mut bad = None;
        for (c, cell) in cells.iter().enumerate() {
            match cell_text(cell) {
                Ok(text) => rec.push_field(&text),
                Err(message) => {
                    bad.get_or_insert((c, message));
                    rec.push_field("");
                }
            }
        }
        match bad {
            Some((c, message)) => {
                let column = names.get(c).filter(|n| !n.is_empty()).map_or("riga", String::as_str);
                rows.refuse_cell(line, column, message);
            }
            None => rows.row(line, &rec),
        }
    }
    rows.finish()
}

/// A cell as the text a CSV would carry for it.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        // Rust writes a double in its shortest form that reads back the same:
        // 4800.0 as `4800`, 0.1 + 0.2 as `0.30000000000000004` (refused as
        // an amount with more than two decimals, never rounded).
        Data::Float(x) => format!("{x}"),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().format("%Y-%m-%d").to_string(),
            Some(t) => {
                return Err(format!("cella con data e ora «{}»: attesa una data", t.format("%d/%m/%Y %H:%M")))
            }
            None => return Err("cella con una data fuori dal calendario del foglio".into()),
        },
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_string(),
        Data::DurationIso(s) => return Err(format!("cella con una durata «{s}»: atteso un valore")),
        Data::Error(e) => return Err(format!("cella con un errore del foglio di calcolo ({e})")),
    })
}
