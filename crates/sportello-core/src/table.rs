//! A table an office takes away (a ranking for the office, a list, a report):
//! Italian headers and typed cells, so that each writer puts a number where a
//! number goes and a date where a date goes. The CSV writer is here
//! ([`Table::to_csv`], through [`crate::csv_out`]); the XLSX one is in the
//! crate above (`sportello::xlsx`), beside the other file formats.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::csv_out::{Cell, CsvOut};
use crate::error::Result;
use crate::money::Money;

/// One cell, with its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Empty,
    /// From a person or a file: written as text, neutralised in a CSV.
    Text(String),
    Integer(i64),
    /// A score or a ratio, shown with `decimals` digits.
    Decimal {
        value: Decimal,
        decimals: u32,
    },
    /// Euros: `1.234,56 €` in a spreadsheet.
    Money(Money),
    Date(NaiveDate),
}

impl Value {
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }
}

/// A header and rows of the same width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The sheet's name in a workbook (at most 31 characters there).
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    pub fn new(title: &str, header: &[&str]) -> Table {
        Table {
            title: title.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; a row of another width is a bug of the caller's.
    pub fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(row.len(), self.header.len(), "row width of table «{}»", self.title);
        self.rows.push(row);
    }

    /// The CSV an Italian spreadsheet opens as it is (see [`crate::csv_out`]).
    pub fn to_csv(&self) -> Result<Vec<u8>> {
        let mut w = CsvOut::new();
        let header: Vec<&str> = self.header.iter().map(String::as_str).collect();
        w.header(&header)?;
        for row in &self.rows {
            let cells: Vec<Cell<'_>> = row
                .iter()
                .map(|v| match v {
                    Value::Empty => Cell::Text(""),
                    Value::Text(s) => Cell::Text(s),
                    Value::Integer(n) => Cell::number(n),
                    Value::Decimal { value, decimals } => {
                        Cell::Number(format!("{:.*}", *decimals as usize, value))
                    }
                    Value::Money(m) => Cell::number(m),
                    Value::Date(d) => Cell::Date(*d),
                })
                .collect();
            w.row(&cells)?;
        }
        w.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn each_kind_lands_as_an_italian_spreadsheet_reads_it() {
        let mut t = Table::new("Prova", &["protocollo", "punteggio", "importo", "data", "n", "vuoto"]);
        t.push(vec![
            Value::text("=1+1"),
            Value::Decimal { value: dec!(9.25), decimals: 3 },
            Value::Money(Money::from_cents(480000)),
            Value::Date(NaiveDate::from_ymd_opt(2019, 2, 4).unwrap()),
            Value::Integer(-3),
            Value::Empty,
        ]);
        let csv = String::from_utf8(t.to_csv().unwrap()).unwrap();
        assert_eq!(
            csv,
            "\u{feff}protocollo;punteggio;importo;data;n;vuoto\n'=1+1;9,250;4800,00;04/02/2019;-3;\n"
        );
    }
}
