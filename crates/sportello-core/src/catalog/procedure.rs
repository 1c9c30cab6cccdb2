//! The windows of the personalised project, as dated data
//! (`assets/procedure/progetto-personalizzato.toml`), each with the act it comes
//! from: read here; `crate::domain::procedure` picks the one in force on a date.

use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::Deserialize;

use super::dated::{self, RawDated};
use crate::error::{Code, Error};

const BUILTIN: &str = include_str!("../../../../assets/procedure/progetto-personalizzato.toml");
const FILE: &str = "progetto-personalizzato.toml";

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
    Error::new(Code::BadRuleSet, format!("{FILE}: {msg}"))
}

fn convert(list: Vec<RawWindow>, what: &str) -> Result<Vec<Window>, Error> {
    let raw = list
        .into_iter()
        .map(|r| RawDated { dal: r.dal, al: r.al, atto: r.atto, value: r.giorni_lavorativi })
        .collect();
    Ok(dated::build(raw, what, FILE)?
        .into_iter()
        .map(|d| Window { from: d.from, to: d.to, working_days: d.value, act: d.act })
        .collect())
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
