//! Workbooks (XLSX), beside the CSV files: the office's tables written
//! (`write`: a [`crate::table::Table`] with numbers, euros and dates) and the
//! applications of a call read from the sheet an office keeps (`read`).

mod read;
mod write;

pub use read::{applications, is_workbook, READ_AS};
pub use write::workbook;

/// Whether a path asks for a workbook (`.xlsx`, any case).
pub fn wanted(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}
