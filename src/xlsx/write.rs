//! A [`Table`] as an XLSX workbook, beside its CSV: Italian
//! headers in bold and frozen, amounts as numbers in euros (`#,##0.00 "€"`,
//! which Excel and LibreOffice show as `1.234,56 €` on an Italian computer),
//! dates as dates (`dd/mm/yyyy`), scores as numbers with their digits, text as
//! text. A text cell is never a formula here: the writer stores strings as
//! strings, so a protocol `=HYPERLINK(…)` stays the text it is.
//!
//! The numbers reach the file through rust_xlsxwriter's `rust_decimal`
//! support: the workbook's number type is the spreadsheet's double, and the
//! conversion happens there, at the file's edge, never in a computation of
//! ours.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use crate::table::{Table, Value};
use crate::{Code, Error};

/// Excel's limit on a sheet name.
const SHEET_NAME_MAX: usize = 31;

/// The workbook's bytes, one sheet named after the table.
pub fn workbook(table: &Table) -> Result<Vec<u8>, Error> {
    build(table).map_err(|e| Error::new(Code::Internal, format!("XLSX: {e}")))
}

fn build(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_align(FormatAlign::Center).set_text_wrap();
    let money = Format::new().set_num_format("#,##0.00 \"€\"");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let plain = Format::new();
    let decimals: Vec<Format> = (0..=6).map(|d| Format::new().set_num_format(decimal_format(d))).collect();

    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(&table.title))?;
    for (c, h) in table.header.iter().enumerate() {
        sheet.write_string_with_format(0, col(c), h.as_str(), &header)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, v) in row.iter().enumerate() {
            let c = col(c);
            match v {
                Value::Empty => {}
                Value::Text(s) => {
                    sheet.write_string_with_format(r, c, s.as_str(), &plain)?;
                }
                Value::Integer(n) => {
                    sheet.write_with_format(r, c, Decimal::from(*n), &decimals[0])?;
                }
                Value::Decimal { value, decimals: d } => {
                    let f = &decimals[(*d as usize).min(decimals.len() - 1)];
                    sheet.write_with_format(r, c, *value, f)?;
                }
                Value::Money(m) => {
                    sheet.write_with_format(r, c, m.as_decimal(), &money)?;
                }
                Value::Date(d) => {
                    sheet.write_datetime_with_format(r, c, d, &date)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_autofit_max_width(60).autofit();
    book.save_to_buffer()
}

/// `0`, `0.0`, `0.000`… (the file's format codes are always in the
/// English notation; the spreadsheet shows them with its own separators).
fn decimal_format(d: usize) -> String {
    if d == 0 {
        "0".into()
    } else {
        format!("0.{}", "0".repeat(d))
    }
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// Excel refuses `[]:*?/\` and names over 31 characters.
fn sheet_name(title: &str) -> String {
    let clean: String =
        title.chars().map(|c| if "[]:*?/\\".contains(c) { '-' } else { c }).take(SHEET_NAME_MAX).collect();
    if clean.trim().is_empty() {
        "Foglio1".into()
    } else {
        clean
    }
}
