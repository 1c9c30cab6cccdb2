//! Values valid over a period, each with the act it comes from: the shape of
//! the procedure files (`assets/procedure/*.toml`). A list's periods must not
//! overlap (the answer would depend on the file's order); a day no period
//! covers is an error, never a default.

use chrono::NaiveDate;

use crate::dates;
use crate::error::{Code, Error};

/// A value in force from `from` to `to` (both included; `None`: still in force).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dated<T> {
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub value: T,
    /// The act it comes from.
    pub act: String,
}

/// One entry as a file gives it: `dal`, `al`, `atto` and the value.
pub(crate) struct RawDated<T> {
    pub dal: String,
    pub al: Option<String>,
    pub atto: String,
    pub value: T,
}

/// The periods of one list of `file`, named `what` in errors, sorted by start.
pub(crate) fn build<T>(list: Vec<RawDated<T>>, what: &str, file: &str) -> Result<Vec<Dated<T>>, Error> {
    let bad = |msg: String| Error::new(Code::BadRuleSet, format!("{file}: {msg}"));
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
        out.push(Dated { from, to, value: r.value, act: r.atto });
    }
    out.sort_by_key(|w| w.from);
    for pair in out.windows(2) {
        if pair[0].to.is_none_or(|t| t >= pair[1].from) {
            return Err(bad(format!("{what}: periodi sovrapposti dal {}", pair[1].from)));
        }
    }
    Ok(out)
}

/// The entry in force on `on`; `what` names it in the error when none is.
pub fn pick<'a, T>(list: &'a [Dated<T>], on: NaiveDate, what: &str) -> Result<&'a Dated<T>, Error> {
    list.iter().find(|w| w.from <= on && w.to.is_none_or(|t| on <= t)).ok_or_else(|| {
        Error::new(
            Code::NoRuleSet,
            format!("Nessuna regola per {what} in vigore il {}", dates::format_it(on)),
        )
    })
}
