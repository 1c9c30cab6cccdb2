//! The claims of a call as the office keeps them in its spreadsheet (issue 13:
//! "entered at the desk, or imported from a CSV the office keeps"): one row per
//! expense document, the rows of one application handed in on one day making
//! one claim. Read once, here, into the rule's own [`ExpenseDocument`]s; the
//! service decides each claim exactly as the desk's form does.
//!
//! Columns (header row, any order; Italian, as the office's sheet names them):
//!
//! | column | what |
//! | --- | --- |
//! | `protocollo` | the application's protocol (its award pays the claim) |
//! | `consegnata_il` | the day the family handed the claim in |
//! | `tipo` | the document's type: the rule set's code (`busta_paga`) or its name |
//! | `emittente` | codice fiscale or partita IVA of who issued it |
//! | `numero` | the issuer's number of the document |
//! | `data` | the document's date |
//! | `mese` | the month the expense pays for (`07/2019` or `2019-07`) |
//! | `importo` | the amount |
//!
//! The separator and the amounts' form are read from the header row, as for
//! the applications file ([`applications::detect_with`]): `,` with `350.00`,
//! or `;` with `1.234,56`; dates `gg/mm/aaaa` or `AAAA-MM-GG`. All or nothing:
//! a file with any refused cell gives the report of every refusal, with its
//! line and column, and no claim.

use chrono::NaiveDate;

use super::{normalize_issuer, ExpenseDocument};
use crate::dates::Month;
use crate::error::Error;
use crate::money::Money;
use crate::rules::applications::{self, record_line, Dialect, ImportReport};

/// The header of the claims file, in the order the program writes it.
pub const COLUMNS: &[&str] =
    &["protocollo", "consegnata_il", "tipo", "emittente", "numero", "data", "mese", "importo"];

/// One claim of the file: an application's documents handed in on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileClaim {
    /// The line of its first document.
    pub line: u64,
    pub protocol: String,
    pub received_on: NaiveDate,
    /// With the line each stands on.
    pub documents: Vec<(u64, ExpenseDocument)>,
}

/// Reads the file. `types` are the measure's document types as (code, name):
/// a name is read as its code; a type neither names is kept as written, and
/// the rule refuses that document (TYPE_NOT_ALLOWED), as at the desk.
/// Claims come in the order of their first row; documents in file order.
pub fn read(text: &str, types: &[(String, String)]) -> Result<(Dialect, Vec<FileClaim>), ImportReport> {
    let dialect = applications::detect_with(text, COLUMNS)
        .map_err(|e| ImportReport { rows_read: 0, errors: vec![e] })?;
    let mut rdr = applications::csv_reader(text, dialect);
    let mut rec = csv::StringRecord::new();
    let header_error = |msg: String| ImportReport {
        rows_read: 0,
        errors: vec![Error::invalid("intestazione", msg).at_line(1)],
    };
    match rdr.read_record(&mut rec) {
        Ok(true) => {}
        Ok(false) => return Err(header_error("file vuoto: manca la riga di intestazione".into())),
        Err(e) => return Err(header_error(format!("intestazione illeggibile: {e}"))),
    }
    let header_line = rec.position().map_or(1, |p| record_line(text, p));
    let header: Vec<String> =
        rec.iter().map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase()).collect();
    let mut index = [0usize; 8];
    let mut missing = Vec::new();
    for (i, c) in COLUMNS.iter().enumerate() {
        match header.iter().position(|h| h == c) {
            Some(at) => index[i] = at,
            None => missing.push(*c),
        }
    }
    if !missing.is_empty() {
        return Err(ImportReport {
            rows_read: 0,
            errors: vec![Error::invalid(
                "intestazione",
                format!("mancano le colonne {} (attese: {})", missing.join(", "), COLUMNS.join(", ")),
            )
            .at_line(header_line)],
        });
    }

    let mut claims: Vec<FileClaim> = Vec::new();
    let mut errors = Vec::new();
    let mut rows_read = 0;
    loop {
        let line_hint = rdr.position().line();
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line_hint, |p| record_line(text, p));
                rows_read += 1;
                errors.push(Error::invalid("riga", format!("riga illeggibile: {e}")).at_line(line));
                continue;
            }
        }
        let line = rec.position().map_or(line_hint, |p| record_line(text, p));
        if rec.iter().all(str::is_empty) {
            continue;
        }
        rows_read += 1;
        let cell = |i: usize| rec.get(index[i]).unwrap_or("").trim();
        let mut bad =
            |column: &str, message: String| errors.push(Error::invalid(column, message).at_line(line));
        let required = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let protocol = required(cell(0));
        if protocol.is_none() {
            bad("protocollo", "il protocollo della domanda è obbligatorio".into());
        }
        let received_on = applications::field::date("consegnata_il", cell(1), true).unwrap_or_else(|m| {
            bad("consegnata_il", m);
            None
        });
        let kind = required(cell(2)).map(|t| {
            types
                .iter()
                .find(|(code, name)| code == &t || name.to_lowercase() == t.to_lowercase())
                .map_or(t, |(code, _)| code.clone())
        });
        if kind.is_none() {
            bad("tipo", "il tipo di documento è obbligatorio".into());
        }
        let issuer = required(cell(3)).map(|s| normalize_issuer(&s));
        if issuer.is_none() {
            bad(
                "emittente",
                "chi ha emesso il documento (codice fiscale o partita IVA) è obbligatorio".into(),
            );
        }
        let number = required(cell(4));
        if number.is_none() {
            bad("numero", "il numero del documento è obbligatorio".into());
        }
        let date = applications::field::date("data", cell(5), true).unwrap_or_else(|m| {
            bad("data", m);
            None
        });
        let month = if cell(6).is_empty() {
            bad("mese", "il mese a cui si riferisce la spesa è obbligatorio".into());
            None
        } else {
            Month::parse_office("mese", cell(6)).map_err(|e| bad("mese", e.message)).ok()
        };
        let amount = match applications::field::money(cell(7), true, dialect) {
            Ok(Some(a)) if a > Money::ZERO => Some(a),
            Ok(_) => {
                bad("importo", "l'importo di un documento è maggiore di zero".into());
                None
            }
            Err(m) => {
                bad("importo", m);
                None
            }
        };
        let (
            Some(protocol),
            Some(received_on),
            Some(kind),
            Some(issuer),
            Some(number),
            Some(date),
            Some(month),
            Some(amount),
        ) = (protocol, received_on, kind, issuer, number, date, month, amount)
        else {
            continue;
        };
        let at = match claims.iter().position(|c| c.protocol == protocol && c.received_on == received_on) {
            Some(i) => i,
            None => {
                claims.push(FileClaim { line, protocol, received_on, documents: Vec::new() });
                claims.len() - 1
            }
        };
        let claim = &mut claims[at];
        let id = (claim.documents.len() + 1).to_string();
        claim.documents.push((line, ExpenseDocument { id, kind, issuer, number, date, month, amount }));
    }
    if !errors.is_empty() {
        return Err(ImportReport { rows_read, errors });
    }
    if claims.is_empty() {
        return Err(ImportReport {
            rows_read,
            errors: vec![Error::invalid("riga", "il file non contiene documenti").at_line(header_line + 1)],
        });
    }
    Ok((dialect, claims))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types() -> Vec<(String, String)> {
        vec![("busta_paga".into(), "busta paga dell'assistente familiare".into())]
    }

    #[test]
    fn an_italian_sheet_is_read_into_claims_by_application_and_day() {
        let text = "\u{feff}protocollo;consegnata_il;tipo;emittente;numero;data;mese;importo\n\
            2019/000110;05/08/2019;busta_paga;ppnmra75c41z129f;7/2019;31/07/2019;07/2019;350,00\n\
            2019/000110;05/08/2019;Busta paga dell'assistente familiare;PPNMRA75C41Z129F;MAV 7;02/08/2019;07/2019;1.120,50\n\
            2019/000110;04/09/2019;busta_paga;PPNMRA75C41Z129F;8/2019;31/08/2019;2019-08;350,00\n";
        let (dialect, claims) = read(text, &types()).expect("read");
        assert_eq!(dialect, Dialect::Semicolon);
        assert_eq!(claims.len(), 2);
        assert_eq!(claims[0].documents.len(), 2);
        let second = &claims[0].documents[1].1;
        assert_eq!(second.kind, "busta_paga", "a type's name is read as its code");
        assert_eq!(second.amount, Money::parse("1120.50").expect("money"));
        assert_eq!(claims[0].documents[0].1.issuer, "PPNMRA75C41Z129F");
        assert_eq!(claims[1].received_on, NaiveDate::from_ymd_opt(2019, 9, 4).expect("date"));
        assert_eq!((claims[1].line, claims[1].documents[0].0), (4, 4));
    }

    #[test]
    fn every_refused_cell_is_reported_with_its_line_and_column_and_nothing_is_read() {
        let text = "protocollo,consegnata_il,tipo,emittente,numero,data,mese,importo\n\
            2019/000110,2019-08-05,busta_paga,X,1,2019-07-31,2019-07,350.00\n\
            ,2019-08-05,busta_paga,X,2,31/13/2019,13/2019,-5.00\n";
        let report = read(text, &types()).unwrap_err();
        let cells: Vec<(u64, &str)> =
            report.errors.iter().map(|e| (e.line.unwrap_or(0), e.field.as_deref().unwrap_or(""))).collect();
        assert_eq!(cells, [(3, "protocollo"), (3, "data"), (3, "mese"), (3, "importo")]);
        assert_eq!(report.rows_read, 2);

        let missing = read("protocollo;importo\n1;2\n", &types()).unwrap_err();
        assert!(missing.first().message.contains("consegnata_il"), "{}", missing.first().message);
    }
}
