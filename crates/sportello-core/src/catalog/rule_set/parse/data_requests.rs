//! The `diritti-interessato` kind: the time limits of a data subject's
//! requests (GDPR art. 12(3)): the month to answer, the further months an
//! extension may add, and the office's warning window.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::super::model::*;
use super::{parse_meta, RawAct, RawValue};
use crate::error::Result;

raw_file!(RawDiritti {
    termine_risposta_mesi: Spanned<RawValue<i64>>,
    proroga_massima_mesi: Spanned<RawValue<i64>>,
    preavviso_giorni: Spanned<RawValue<i64>>,
});

pub(super) fn parse(text: &str, kind: Kind) -> Result<RuleSet> {
    let raw: RawDiritti = toml::from_str(text).map_err(|e| super::toml_error(text, e))?;
    let (meta, ctx) = meta!(raw, text, kind)?;
    let rules = DirittiInteressato {
        answer_months: ctx.param(&raw.termine_risposta_mesi, "termine_risposta_mesi", |v| {
            ctx.count(v, "termine_risposta_mesi.valore", 1, 12)
        })?,
        extension_months: ctx.param(&raw.proroga_massima_mesi, "proroga_massima_mesi", |v| {
            ctx.count(v, "proroga_massima_mesi.valore", 0, 12)
        })?,
        warning_days: ctx.param(&raw.preavviso_giorni, "preavviso_giorni", |v| {
            ctx.count(v, "preavviso_giorni.valore", 0, 60)
        })?,
    };
    Ok(meta.with(Rules::DirittiInteressato(rules)))
}
