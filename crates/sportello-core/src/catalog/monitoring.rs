//! The dated rules of the monitoring of a progetto personalizzato
//! (`assets/procedure/monitoraggio.toml`), each with the act it comes from:
//! how many days before a planned monitoring meeting it reaches the Scadenze
//! board. Read here; `crate::domain::monitoring` picks the one in force.

use std::sync::LazyLock;

use serde::Deserialize;

use super::dated::{self, Dated, RawDated};
use crate::error::{Code, Error};

const BUILTIN: &str = include_str!("../../../../assets/procedure/monitoraggio.toml");
const FILE: &str = "monitoraggio.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDays {
    dal: String,
    al: Option<String>,
    giorni: u32,
    atto: String,
    #[allow(dead_code)]
    testo: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    preavviso_incontro: Vec<RawDays>,
}

/// The file's lists.
#[derive(Debug)]
pub struct MonitoringRules {
    /// Calendar days before a planned meeting that it is on the board.
    pub warning_days: Vec<Dated<u32>>,
}

/// Reads a monitoring rules file; the periods of one list must not overlap.
pub fn load(text: &str) -> Result<MonitoringRules, Error> {
    let raw: RawFile =
        toml::from_str(text).map_err(|e| Error::new(Code::BadRuleSet, format!("{FILE}: {e}")))?;
    let days = raw
        .preavviso_incontro
        .into_iter()
        .map(|r| RawDated { dal: r.dal, al: r.al, atto: r.atto, value: r.giorni })
        .collect();
    Ok(MonitoringRules { warning_days: dated::build(days, "preavviso_incontro", FILE)? })
}

static BUILTIN_RULES: LazyLock<Result<MonitoringRules, Error>> = LazyLock::new(|| load(BUILTIN));

/// The built-in file, parsed once.
pub fn builtin() -> Result<&'static MonitoringRules, Error> {
    BUILTIN_RULES.as_ref().map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_periods_are_refused() {
        let text = "[[preavviso_incontro]]\ndal = \"2018-01-01\"\ngiorni = 15\natto = \"a\"\ntesto = \"t\"\n\
                    [[preavviso_incontro]]\ndal = \"2019-01-01\"\ngiorni = 10\natto = \"a\"\ntesto = \"t\"\n";
        assert_eq!(load(text).unwrap_err().code, Code::BadRuleSet);
        assert_eq!(builtin().unwrap().warning_days.len(), 1);
    }
}
