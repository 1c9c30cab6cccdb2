//! The dated rules about a household's members
//! (`assets/procedure/componenti.toml`), each with the act it comes from:
//! the age from which the employment status is asked, and how many days
//! before its expiry a residence permit reaches the deadlines board. Read
//! here; `crate::domain::household` and `crate::domain::permit` pick the one
//! in force on a date.

use std::sync::LazyLock;

use serde::Deserialize;

use super::dated::{self, Dated, RawDated};
use crate::error::{Code, Error};

const BUILTIN: &str = include_str!("../../../../assets/procedure/componenti.toml");
const FILE: &str = "componenti.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAge {
    dal: String,
    al: Option<String>,
    anni: u32,
    atto: String,
    #[allow(dead_code)]
    testo: String,
}

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
    eta_condizione_occupazionale: Vec<RawAge>,
    preavviso_permesso_soggiorno: Vec<RawDays>,
}

/// The file's lists.
#[derive(Debug)]
pub struct MemberRules {
    /// Age (in years) from which the employment status is asked.
    pub employment_age: Vec<Dated<u32>>,
    /// Calendar days before a residence permit's expiry that it is on the board.
    pub permit_warning_days: Vec<Dated<u32>>,
}

/// Reads a members' rules file; the periods of one list must not overlap.
pub fn load(text: &str) -> Result<MemberRules, Error> {
    let raw: RawFile =
        toml::from_str(text).map_err(|e| Error::new(Code::BadRuleSet, format!("{FILE}: {e}")))?;
    let ages = raw
        .eta_condizione_occupazionale
        .into_iter()
        .map(|r| RawDated { dal: r.dal, al: r.al, atto: r.atto, value: r.anni })
        .collect();
    let days = raw
        .preavviso_permesso_soggiorno
        .into_iter()
        .map(|r| RawDated { dal: r.dal, al: r.al, atto: r.atto, value: r.giorni })
        .collect();
    Ok(MemberRules {
        employment_age: dated::build(ages, "eta_condizione_occupazionale", FILE)?,
        permit_warning_days: dated::build(days, "preavviso_permesso_soggiorno", FILE)?,
    })
}

static BUILTIN_RULES: LazyLock<Result<MemberRules, Error>> = LazyLock::new(|| load(BUILTIN));

/// The built-in file, parsed once.
pub fn builtin() -> Result<&'static MemberRules, Error> {
    BUILTIN_RULES.as_ref().map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_file_loads_with_its_acts() {
        let r = builtin().unwrap();
        assert_eq!(r.employment_age[0].value, 15);
        assert!(r.employment_age[0].act.contains("forze di lavoro"));
        assert_eq!(r.permit_warning_days[0].value, 60);
        assert!(r.permit_warning_days[0].act.contains("286/1998"));
    }

    #[test]
    fn overlaps_unknown_keys_and_missing_acts_are_refused() {
        let one = |dal: &str, atto: &str| {
            format!("[[eta_condizione_occupazionale]]\ndal = \"{dal}\"\nanni = 15\natto = \"{atto}\"\ntesto = \"t\"\n")
        };
        let days = "[[preavviso_permesso_soggiorno]]\ndal = \"2018-01-01\"\ngiorni = 60\natto = \"a\"\ntesto = \"t\"\n";
        assert!(load(&format!("{}{days}", one("2018-01-01", "a"))).is_ok());
        for text in [
            format!("{}{}{days}", one("2018-01-01", "a"), one("2020-01-01", "b")),
            format!("{}{days}", one("2018-01-01", " ")),
            format!("{}{days}", one("2018-02-30", "a")),
            format!("{}{days}eta = 3\n", one("2018-01-01", "a")),
            one("2018-01-01", "a"),
        ] {
            assert_eq!(load(&text).unwrap_err().code, Code::BadRuleSet, "{text}");
        }
    }
}
