//! A call's applications file as the office saved it (cli.md `rank`): an XLSX
//! workbook, or a CSV in UTF-8 or Windows-1252 with `,` or `;`. The one reader
//! of the command line's `rank` and the app's import, so both read a file the
//! same way and say the same of it.

use crate::rules::applications::{self, Application, ImportReport};
use crate::rules::rule_set::Flag;
use crate::xlsx;

/// What reading gave: the applications with the line each stands on (or the
/// report of every refused row), and how the file was read, in Italian.
pub struct Read {
    pub read_as: String,
    pub applications: Result<Vec<(u64, Application)>, ImportReport>,
}

pub fn read(bytes: &[u8], used_flags: &[Flag]) -> Read {
    if xlsx::is_workbook(bytes) {
        return Read {
            read_as: xlsx::READ_AS.to_string(),
            applications: xlsx::applications(bytes, used_flags),
        };
    }
    let (text, encoding) = crate::text_in::decode(bytes);
    match applications::detect(&text) {
        Ok(dialect) => Read {
            read_as: format!("{encoding}, {}", dialect.italian()),
            applications: applications::import_csv_as(&text, dialect, used_flags),
        },
        Err(e) => Read {
            read_as: format!("{encoding}; separatore non riconoscibile"),
            applications: Err(ImportReport { rows_read: 0, errors: vec![e] }),
        },
    }
}
