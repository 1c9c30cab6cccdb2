//! Every CSV the program writes (the office export of a ranking, the access
//! history) goes through [`CsvOut`], in the form an Italian spreadsheet opens
//! as it is (cli.md): UTF-8 with the BOM (without it Excel reads Windows-1252
//! and breaks the accents), `;` between cells (the Italian list separator),
//! numbers with the decimal comma and dates as `gg/mm/aaaa`, so they land in
//! the cells as numbers and dates, not as text. A text cell that a spreadsheet would read
//! as a formula (`=HYPERLINK(…)` as a protocol, `@SUM(…)` as a name) is
//! neutralised, OWASP's rule for CSV injection: a cell starting with `=`, `+`,
//! `-`, `@`, tab or carriage return gets a leading single quote, which the
//! spreadsheet shows as text and does not run. Numbers the program computes
//! (positions, scores, amounts, negative ones too) are written as they are, so
//! they stay numbers; that is why a cell says which it is.

use std::borrow::Cow;
use std::fmt::Display;

use crate::error::{Code, Error, Result};

/// A text cell as it must be written to a CSV: unchanged unless a spreadsheet
/// would take it for a formula, then with a leading `'`.
pub fn text_cell(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// One cell of a row.
pub enum Cell<'a> {
    /// Anything that comes from a person or a file: neutralised.
    Text(&'a str),
    /// A number the program computed (Money, Decimal, integer), as `Display`
    /// writes it (`-12.50`): written with the decimal comma.
    Number(String),
    /// A date: `gg/mm/aaaa`.
    Date(chrono::NaiveDate),
}

impl<'a> Cell<'a> {
    pub fn number(n: impl Display) -> Cell<'a> {
        Cell::Number(n.to_string())
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(s: &'a str) -> Self {
        Cell::Text(s)
    }
}

impl<'a> From<&'a String> for Cell<'a> {
    fn from(s: &'a String) -> Self {
        Cell::Text(s)
    }
}

/// A CSV written in memory (`;`, UTF-8 with BOM, quoted where needed).
pub struct CsvOut {
    w: csv::Writer<Vec<u8>>,
}

impl Default for CsvOut {
    fn default() -> Self {
        CsvOut::new()
    }
}

impl CsvOut {
    pub fn new() -> Self {
        CsvOut { w: csv::WriterBuilder::new().delimiter(b';').from_writer(BOM.to_vec()) }
    }

    /// The header: the program's own column names.
    pub fn header(&mut self, names: &[&str]) -> Result<()> {
        let cells: Vec<Cow<'_, str>> = names.iter().map(|n| text_cell(n)).collect();
        self.w.write_record(cells.iter().map(|c| c.as_bytes())).map_err(csv_error)
    }

    pub fn row(&mut self, cells: &[Cell<'_>]) -> Result<()> {
        let record: Vec<Cow<'_, str>> = cells
            .iter()
            .map(|c| match c {
                Cell::Text(s) => text_cell(s),
                Cell::Number(n) => Cow::Owned(n.replace('.', ",")),
                Cell::Date(d) => Cow::Owned(crate::dates::format_it(*d)),
            })
            .collect();
        self.w.write_record(record.iter().map(|c| c.as_bytes())).map_err(csv_error)
    }

    pub fn into_bytes(self) -> Result<Vec<u8>> {
        self.w.into_inner().map_err(|e| Error::new(Code::Internal, format!("CSV: {e}")))
    }

    pub fn into_string(self) -> Result<String> {
        String::from_utf8(self.into_bytes()?).map_err(|e| Error::new(Code::Internal, format!("CSV: {e}")))
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn csv_error(e: csv::Error) -> Error {
    Error::new(Code::Internal, format!("CSV: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_quoted_and_the_rest_is_not() {
        for s in ["=HYPERLINK(\"http://x\";\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(text_cell(s), format!("'{s}"), "{s:?}");
        }
        for s in ["", "PG-2026-0001", "D'Angelo", " =x", "1.234,56", "'già"] {
            assert_eq!(text_cell(s), s, "{s:?}");
        }
    }

    #[test]
    fn numbers_stay_numbers_and_text_is_neutralised_in_a_row() {
        let mut c = CsvOut::new();
        c.header(&["protocollo", "importo"]).unwrap();
        c.row(&[Cell::Text("=1+1"), Cell::number(rust_decimal_macros::dec!(-12.50))]).unwrap();
        c.row(&[Cell::Text("-5"), Cell::number(-5)]).unwrap();
        c.row(&[Cell::Text("a;b"), Cell::Date(chrono::NaiveDate::from_ymd_opt(2019, 2, 4).unwrap())])
            .unwrap();
        assert_eq!(
            c.into_string().unwrap(),
            "\u{feff}protocollo;importo\n'=1+1;-12,50\n'-5;-5\n\"a;b\";04/02/2019\n"
        );
    }
}
