//! The windows of the personalised project, as dated data
//! (`assets/procedure/progetto-personalizzato.toml`), each with the act it comes
//! from: read here; `crate::domain::procedure` picks the one in force on a date.

use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::dates;
use crate::error::{Code, Error};

const BUILTIN: &str = include_str!("../../../../assets/procedure/progetto-personalizzato.toml");

/// A number of working days valid over a period, with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub working_days: u32,
    /// The act it comes from.
    pub act: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    dal: String,
    al: Option<String>,
    giorni_lavorativi: u32,
    atto: String,
    #[allow(dead_code)]
    testo: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    firma: Vec<RawWindow>,
    preavviso: Vec<RawWindow>,
}

/// The file: the windows to sign the project, and those of the "in scadenza" warning.
#[derive(Debug)]
pub struct Procedure {
    pub signing: Vec<Window>,
    pub warning: Vec<Window>,
}

fn bad(msg: String) -> Error {
    Error::new(Code::BadRuleSet, format!("progetto-personalizzato.toml: {msg}"))
}

fn convert(list: Vec<RawWindow>, what: &str) -> Result<Vec<Window>, Error> {
    let mut out = Vec::new();
    for (i, r) in list.into_iter().enumerate() {
        let field = format!("{what}[{i}]");
        let from =
            dates::parse_iso(&field, &r.dal).map_err(|e| bad(format!("{field}.dal: {}", e.message)))?;
        let to =
            r.al.map(|a| dates::parse_iso(&field, &a).map_err(|e| bad(format!("{field}.al: {}", e.message))))
                .transpose()?;
        if to.is_some_and(|t| t < from) {
            return Err(bad(format!("{field}: «al» precede «dal»")));
        }
        if r.atto.trim().is_empty() {
            return Err(bad(format!("{field}: manca l'atto di riferimento")));
        }
        out.push(Window { from, to, working_days: r.giorni_lavorativi, act: r.atto });
    }
    out.sort_by_key(|w| w.from);
    // Overlapping periods would make the answer depend on the order of the file.
    for pair in out.windows(2) {
        if pair[0].to.is_none_or(|t| t >= pair[1].from) {
            return Err(bad(format!("{what}: periodi sovrapposti dal {}", pair[1].from)));
        }
    }
    Ok(out)
}

/// Reads a procedure file; periods of one list must not overlap.
pub fn load(text: &str) -> Result<Procedure, Error> {
    let raw: RawFile = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
    Ok(Procedure { signing: convert(raw.firma, "firma")?, warning: convert(raw.preavviso, "preavviso")? })
}

static BUILTIN_PROCEDURE: LazyLock<Result<Procedure, Error>> = LazyLock::new(|| load(BUILTIN));

/// The built-in procedure file, parsed once.
pub fn builtin() -> Result<&'static Procedure, Error> {
    BUILTIN_PROCEDURE.as_ref().map_err(Clone::clone)
}
