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

/// The 1-based line on which `rec` (read from `text`) stands, as the office sees
/// it in its spreadsheet. The reader's position counts every line ending it has
/// consumed, but a record's position is taken before the reader skips the line
/// ending of the previous record (`\r\n`: the `\n` is consumed with the next
/// record) and any blank lines: those are skipped here. O(1) per record but for
/// the blank lines themselves (each byte of the file is looked at once in all),
/// so an import stays linear; counting from the start of the file for each row
/// made 100,000 rows quadratic (issue 10).
pub fn record_line(text: &str, pos: &csv::Position) -> u64 {
    let rest = text.as_bytes().get(pos.byte() as usize..).unwrap_or_default();
    let skipped = rest.iter().take_while(|&&b| b == b'\n' || b == b'\r').filter(|&&b| b == b'\n').count();
    pos.line() + skipped as u64
}

/// The two ways an office's CSV is written (cli.md `sportello rank`): read from
/// the header row, never guessed from the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `,` between cells, amounts as `4800.00`: the program's own form.
    Comma,
    /// `;` between cells, amounts as `4.800,00`: what a spreadsheet on an
    /// Italian computer saves.
    Semicolon,
}

impl Dialect {
    pub fn separator(self) -> u8 {
        match self {
            Dialect::Comma => b',',
            Dialect::Semicolon => b';',
        }
    }

    /// For the operator: how the file was read.
    pub fn italian(self) -> &'static str {
        match self {
            Dialect::Comma => "separatore «,», importi come 4800.00",
            Dialect::Semicolon => "separatore «;», importi all'italiana come 4.800,00",
        }
    }

    fn money(self, s: &str) -> Result<Money, Error> {
        match self {
            Dialect::Comma => Money::parse(s),
            Dialect::Semicolon => Money::parse_it(s),
        }
    }
}

/// The separator of the file, from its header row: the one that appears in it
/// (outside quotes); when both do, the one whose cells hold every column of
/// [`COLUMNS`]. A header that both would split into every column cannot be
/// read with certainty: refused, with its line.
pub fn detect(text: &str) -> Result<Dialect, Error> {
    detect_with(text, &COLUMNS)
}

/// [`detect`] for another file of the office's (the claims of a call): the
/// same reading of the header row, with that file's `columns`.
pub fn detect_with(text: &str, columns: &[&str]) -> Result<Dialect, Error> {
    let body = text.trim_start_matches('\u{feff}');
    let (index, header) = body.lines().enumerate().find(|(_, l)| !l.trim().is_empty()).unwrap_or((0, ""));
    let line = index as u64 + 1;
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    let complete = |d: Dialect| {
        let mut rdr = csv_reader(header, d);
        let mut rec = csv::StringRecord::new();
        matches!(rdr.read_record(&mut rec), Ok(true))
            && columns.iter().all(|c| rec.iter().any(|h| h.trim_start_matches('\u{feff}').trim() == *c))
    };
    Ok(match (commas > 0, semicolons > 0) {
        (true, false) => Dialect::Comma,
        (false, true) => Dialect::Semicolon,
        // One cell or none: the missing columns are reported as such.
        (false, false) => Dialect::Comma,
        (true, true) => match (complete(Dialect::Comma), complete(Dialect::Semicolon)) {
            (true, false) => Dialect::Comma,
            (false, true) => Dialect::Semicolon,
            (false, false) if semicolons > commas => Dialect::Semicolon,
            (false, false) => Dialect::Comma,
            (true, true) => {
                return Err(Error::invalid(
                    "intestazione",
                    "l'intestazione contiene sia «,» sia «;» e si legge in entrambi i modi: \
                     salvare il file con un solo separatore",
                )
                .at_line(line))
            }
        },
    })
}

/// The reader of the applications CSV, shared by everything that must report
/// the same lines as [`import_csv`].
pub fn csv_reader(text: &str, dialect: Dialect) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(dialect.separator())
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// Parses the CSV, in either [`Dialect`] (read from its header row), dates as
/// `AAAA-MM-GG` or `gg/mm/aaaa`, yes/no as `true`/`false` or `sì`/`si`/`no`.
/// `used_flags` are the yes/no columns the call's measure relies on
/// (bonus requirements, tie-breaks): those must say yes or no; the other
/// flag columns may be left empty (read as no), since an office exporting a
/// B2 anziani call has no reason to fill `independent_living`.
pub fn import_csv(text: &str, used_flags: &[Flag]) -> Result<Vec<Application>, ImportReport> {
    import_csv_lines(text, used_flags).map(|apps| apps.into_iter().map(|(_, a)| a).collect())
}

/// [`import_csv`], each application with the line it stands on in the file.
pub fn import_csv_lines(text: &str, used_flags: &[Flag]) -> Result<Vec<(u64, Application)>, ImportReport> {
    let dialect = detect(text).map_err(|e| ImportReport { rows_read: 0, errors: vec![e] })?;
    import_csv_as(text, dialect, used_flags)
}

/// [`import_csv_lines`] in a dialect already [`detect`]ed.
pub fn import_csv_as(
    text: &str,
    dialect: Dialect,
    used_flags: &[Flag],
) -> Result<Vec<(u64, Application)>, ImportReport> {
    let mut rdr = csv_reader(text, dialect);
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
    let header_line = rec.position().map_or(1, |p| record_line(text, p));
    let mut rows = Rows::new(rec.iter(), header_line, used_flags, dialect)?;
    loop {
        let line_hint = rdr.position().line();
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line_hint, |p| record_line(text, p));
                rows.refuse_row(line, format!("riga illeggibile: {e}"));
                continue;
            }
        }
        let line = rec.position().map_or(line_hint, |p| record_line(text, p));
        rows.row(line, &rec);
    }
    rows.finish()
}

/// The checks of a file's data rows, whatever the file: the CSV above, or a
/// workbook read by the crate above (`sportello::xlsx`), which hands over the
/// cells of each row as text, the way a CSV would carry them. All or none:
/// [`Rows::finish`] gives every application, or the report of every refusal.
pub struct Rows<'f> {
    used_flags: &'f [Flag],
    dialect: Dialect,
    /// Where each of [`COLUMNS`] stands in the file's rows.
    idx: [usize; 11],
    width: usize,
    apps: Vec<(u64, Application)>,
    errors: Vec<Error>,
    seen: HashMap<String, u64>,
    read: usize,
    truncated: usize,
}

impl<'f> Rows<'f> {
    /// From the header row (on `header_line`): every column of [`COLUMNS`]
    /// once, in any order; other columns are allowed and ignored.
    pub fn new<'h>(
        header: impl IntoIterator<Item = &'h str>,
        header_line: u64,
        used_flags: &'f [Flag],
        dialect: Dialect,
    ) -> Result<Rows<'f>, ImportReport> {
        let names: Vec<String> =
            header.into_iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_string()).collect();
        let refused = |e: Error| ImportReport { rows_read: 0, errors: vec![e.at_line(header_line)] };
        let mut idx = [usize::MAX; 11];
        for (i, col) in COLUMNS.iter().enumerate() {
            let mut found = names.iter().enumerate().filter(|(_, n)| n.as_str() == *col);
            match (found.next(), found.next()) {
                (Some((j, _)), None) => idx[i] = j,
                (Some(_), Some(_)) => {
                    return Err(refused(Error::invalid(
                        *col,
                        format!("colonna «{col}» ripetuta nell'intestazione"),
                    )))
                }
                (None, _) => {
                    return Err(refused(Error::invalid(
                        *col,
                        format!("colonna obbligatoria «{col}» mancante nell'intestazione"),
                    )))
                }
            }
        }
        Ok(Rows {
            used_flags,
            dialect,
            idx,
            width: names.len(),
            apps: Vec::new(),
            errors: Vec::new(),
            seen: HashMap::new(),
            read: 0,
            truncated: 0,
        })
    }

    /// A row that could not be read at all (its text, or a cell the
    /// spreadsheet itself marks as an error): refused whole, with the reason.
    pub fn refuse_row(&mut self, line: u64, message: String) {
        self.read += 1;
        self.push(Error::invalid("riga", message).at_line(line));
    }

    /// A refused cell of a row the caller could not hand over as text.
    pub fn refuse_cell(&mut self, line: u64, column: &str, message: String) {
        self.read += 1;
        self.push(Error::invalid(column, message).at_line(line));
    }

    /// One data row, its cells as text (trimmed here).
    pub fn row(&mut self, line: u64, rec: &csv::StringRecord) {
        // A row of only empty cells (a trailing `,,,,` from a spreadsheet) is no application.
        if rec.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        self.read += 1;
        if rec.len() != self.width {
            let message = format!("la riga ha {} campi, l'intestazione {}", rec.len(), self.width);
            self.push(Error::invalid("riga", message).at_line(line));
            return;
        }
        let cells: [&str; 11] = std::array::from_fn(|col| rec.get(self.idx[col]).unwrap_or("").trim());
        let checked = application_from_cells(&cells, self.used_flags, self.dialect);
        let mut refused = checked.is_err();
        if let Err(row_errors) = &checked {
            for (col, message) in row_errors {
                self.push(Error::invalid(COLUMNS[*col], message.clone()).at_line(line));
            }
        }
        let protocol = cells[0];
        if !protocol.is_empty() {
            if let Some(first) = self.seen.get(protocol) {
                let message = format!("protocollo «{protocol}» già presente alla riga {first}");
                self.push(Error::invalid(COLUMNS[0], message).at_line(line));
                refused = true;
            } else {
                self.seen.insert(protocol.to_string(), line);
            }
        }
        if let (Ok(app), false) = (checked, refused) {
            self.apps.push((line, app));
        }
    }

    /// Every application with its line, or the report of every refused row and none.
    pub fn finish(mut self) -> Result<Vec<(u64, Application)>, ImportReport> {
        if self.errors.is_empty() {
            return Ok(self.apps);
        }
        if self.truncated > 0 {
            self.errors
                .push(Error::new(Code::Invalid, format!("… e altri {} errori non elencati", self.truncated)));
        }
        Err(ImportReport { rows_read: self.read, errors: self.errors })
    }

    fn push(&mut self, e: Error) {
        push(&mut self.errors, &mut self.truncated, e);
    }
}

fn push(errors: &mut Vec<Error>, truncated: &mut usize, e: Error) {
    if errors.len() < MAX_ERRORS {
        errors.push(e);
    } else {
        *truncated += 1;
    }
}

/// One application from its cells, in the order of [`COLUMNS`], each already
/// trimmed: the checks of a CSV row, shared by the import and the app's form
/// (whose amounts are [`Dialect::Comma`]'s). `used_flags` as for
/// [`import_csv`]. A refusal lists every faulty cell (its column index and the
/// Italian message), in column order.
pub fn application_from_cells(
    cells: &[&str; 11],
    used_flags: &[Flag],
    dialect: Dialect,
) -> Result<Application, Vec<(usize, String)>> {
    fn take<T>(errors: &mut Vec<(usize, String)>, col: usize, r: Result<T, String>) -> Option<T> {
        r.map_err(|message| errors.push((col, message))).ok()
    }
    let mut errors = Vec::new();
    let e = &mut errors;
    let protocol = take(e, 0, field::text(cells[0]));
    let submitted_on = take(e, 1, field::date(COLUMNS[1], cells[1], true));
    let birth_date = take(e, 2, field::date(COLUMNS[2], cells[2], true));
    let isee = take(e, 3, field::money(cells[3], false, dialect));
    let isee_expires_on = take(e, 4, field::date(COLUMNS[4], cells[4], false));
    let resident = take(e, 5, field::boolean(cells[5], true));
    let continuation = take(e, 6, field::boolean(cells[6], true));
    let non_self_sufficient =
        take(e, 7, field::boolean(cells[7], used_flags.contains(&Flag::NonSelfSufficient)));
    let independent_living =
        take(e, 8, field::boolean(cells[8], used_flags.contains(&Flag::IndependentLiving)));
    let other_interventions =
        take(e, 9, field::boolean(cells[9], used_flags.contains(&Flag::OtherInterventions)));
    let amount = take(e, 10, field::money(cells[10], true, dialect));
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

    use super::Dialect;
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
        dates::parse_office(column, s).map(Some).map_err(|e| e.message)
    }

    /// `Ok(None)`: empty and allowed. Never negative.
    pub fn money(s: &str, required: bool, dialect: Dialect) -> Result<Option<Money>, String> {
        if s.is_empty() {
            return if required { Err("importo obbligatorio mancante".into()) } else { Ok(None) };
        }
        match dialect.money(s) {
            Ok(m) if m.is_negative() => Err(format!("importo negativo non ammesso: «{s}»")),
            Ok(m) => Ok(Some(m)),
            Err(e) => Err(e.message),
        }
    }

    /// `true`/`false` or `sì`/`si`/`no`, in any case; empty reads as no when
    /// not required.
    pub fn boolean(s: &str, required: bool) -> Result<bool, String> {
        let lower = s.to_lowercase();
        match lower.as_str() {
            "true" | "sì" | "si" => Ok(true),
            "false" | "no" => Ok(false),
            "" if !required => Ok(false),
            "" => Err("valore obbligatorio mancante: atteso sì oppure no (true oppure false)".into()),
            _ => Err(format!("valore «{s}» non valido: atteso sì oppure no (true oppure false)")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "protocol,submitted_on,birth_date,isee,isee_expires_on,resident,continuation,non_self_sufficient,independent_living,other_interventions,amount";

    fn row(n: u32, submitted_on: &str) -> String {
        format!(
            "2019/{n:06},{submitted_on},1933-03-10,12000.00,2019-12-31,true,true,true,false,false,4800.00"
        )
    }

    /// The line of the refused rows, as `import_csv` reports them.
    fn refused(text: &str) -> Vec<u64> {
        import_csv(text, &[]).expect_err("a refused row").refused_lines()
    }

    /// The line a reader of the file counts: 1 + the line feeds before the row's first byte.
    fn seen_at(text: &str, needle: &str) -> u64 {
        1 + text[..text.find(needle).expect("row in text")].matches('\n').count() as u64
    }

    // The reader's own count lags behind a record whose previous line ended in
    // `\r\n`, or that follows blank lines: the line must still be the one the
    // office sees, whatever the line endings.
    #[test]
    fn refused_rows_are_named_by_the_line_they_stand_on() {
        let bad = row(9, "2019-02-30");
        for ending in ["\n", "\r\n"] {
            for blanks in ["", "\n", "\r\n\r\n", ",,,\n"] {
                let rows = [
                    HEADER.to_string(),
                    row(1, "2019-02-04"),
                    format!("{blanks}{}", row(2, "2019-02-05")),
                    bad.clone(),
                    row(3, "2019-02-06"),
                    format!("{blanks}{bad}").replace("2019/000009", "2019/000010"),
                ];
                let text = rows.join(ending) + ending;
                let expected = [seen_at(&text, &bad), seen_at(&text, "2019/000010")];
                assert_eq!(refused(&text), expected, "endings {ending:?}, blank lines {blanks:?}");
            }
        }
    }

    #[test]
    fn a_quoted_cell_over_two_lines_moves_the_next_rows_down() {
        let text = format!(
            "{HEADER}\n\"2019/\n000001\",2019-02-04,1933-03-10,12000.00,2019-12-31,true,true,true,false,false,4800.00\r\n{}\n",
            row(2, "2019-13-01")
        );
        assert_eq!(refused(&text), [4]);
        // The header itself, after a blank line, is on line 2.
        let text = format!("\n{}\n", HEADER.replace("amount", "importo"));
        assert_eq!(refused(&text), [2]);
    }

    /// The accepted applications keep the line they stand on (a clash with a
    /// protocol already in the call is reported there).
    #[test]
    fn accepted_rows_keep_their_lines() {
        let text =
            format!("{HEADER}\r\n{}\r\n\r\n,,,,,,,,,,\n{}\n", row(1, "2019-02-04"), row(2, "2019-02-05"));
        let lines: Vec<u64> = import_csv_lines(&text, &[]).unwrap().into_iter().map(|(l, _)| l).collect();
        assert_eq!(lines, [2, 5]);
    }

    /// The same call written as an Italian spreadsheet saves it: `;`, amounts
    /// `4.800,00`, dates `gg/mm/aaaa`, `sì`/`no`. The same applications.
    #[test]
    fn an_italian_spreadsheet_reads_as_the_plain_file() {
        let plain = format!(
            "{HEADER}\n2019/000001,2019-02-04,1933-03-10,12000.00,2019-12-31,true,true,true,false,false,4800.00\n\
             2019/000002,2019-02-05,1940-12-01,,,false,false,false,,,1250.5\n"
        );
        let italian = format!(
            "{}\r\n2019/000001;04/02/2019;10/03/1933;12.000,00;31/12/2019;sì;SI;Sì;no;NO;4.800,00\r\n\
             2019/000002;5/2/2019;01/12/1940;;;no;No;no;;;1250,50\r\n",
            HEADER.replace(',', ";")
        );
        let expected = import_csv(&plain, &[Flag::NonSelfSufficient]).unwrap();
        assert_eq!(expected.len(), 2);
        assert_eq!(import_csv(&italian, &[Flag::NonSelfSufficient]).unwrap(), expected);
        assert_eq!(detect(&italian), Ok(Dialect::Semicolon));
        assert_eq!(detect(&format!("\u{feff}{plain}")), Ok(Dialect::Comma));
    }

    #[test]
    fn each_dialect_refuses_the_other_convention_with_line_and_column() {
        let italian = format!(
            "{}\n2019/000001;04/02/2019;10/03/1933;12000.00;31/12/2019;sì;sì;sì;no;no;4800.00\n",
            HEADER.replace(',', ";")
        );
        let report = import_csv(&italian, &[]).unwrap_err();
        let at: Vec<(Option<u64>, Option<String>)> =
            report.errors.iter().map(|e| (e.line, e.field.clone())).collect();
        assert_eq!(at, [(Some(2), Some("isee".into())), (Some(2), Some("amount".into()))]);
        // A header that reads completely both ways is not guessed.
        let both = format!("{HEADER},x;{}", HEADER.replace(',', ";"));
        let e = detect(&format!("\n{both}\n")).unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("intestazione")));
        // Commas inside a quoted header cell do not make it a comma file.
        let quoted = format!("\"nome, cognome\";{}", HEADER.replace(',', ";"));
        assert_eq!(detect(&quoted), Ok(Dialect::Semicolon));
    }

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
            let direct = application_from_cells(&cells, &flags, Dialect::Comma);
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
        let bad = application_from_cells(
            &rows[2].split(',').collect::<Vec<_>>().try_into().unwrap(),
            &flags,
            Dialect::Comma,
        );
        let cols: Vec<usize> = bad.unwrap_err().into_iter().map(|(c, _)| c).collect();
        assert_eq!(cols, [1, 3, 4, 5, 6, 7, 10]);
    }
}
