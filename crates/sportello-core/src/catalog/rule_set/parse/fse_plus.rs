//! The `fse-plus-indicatori` kind: the ESF+ 2021-2027 indicators' age bands,
//! long-term unemployment windows, ISCED bands and the codes reported
//! (Reg. UE 2021/1057, Allegato I; rules.md §6).

use serde::Deserialize;
use toml::Spanned;

use super::super::model::*;
use super::fse::{age, bands, codes};
use super::{parse_meta, RawAct, RawThreshold, RawValue};
use crate::error::Result;
use std::collections::BTreeMap;

raw_file!(RawFsePlus {
    eta_minori: Spanned<RawThreshold<i64>>,
    eta_giovani_da: Spanned<RawThreshold<i64>>,
    eta_giovani_a: Spanned<RawThreshold<i64>>,
    eta_anziani: Spanned<RawThreshold<i64>>,
    eta_lunga_durata_giovani: Spanned<RawThreshold<i64>>,
    mesi_lunga_durata: Spanned<RawValue<i64>>,
    mesi_lunga_durata_giovani: Spanned<RawValue<i64>>,
    fasce_isced: Spanned<RawIscedPlus>,
    indicatori: Spanned<RawValue<Vec<Spanned<String>>>>,
    risultati: Spanned<RawValue<Vec<Spanned<String>>>>,
});

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIscedPlus {
    #[serde(rename = "EECO09")]
    eeco09: Spanned<Vec<Spanned<i64>>>,
    #[serde(rename = "EECO10")]
    eeco10: Spanned<Vec<Spanned<i64>>>,
    #[serde(rename = "EECO11")]
    eeco11: Spanned<Vec<Spanned<i64>>>,
    atto: Spanned<String>,
    nota: Option<String>,
}

pub(super) fn parse(text: &str, kind: Kind) -> Result<RuleSet> {
    let raw: RawFsePlus = toml::from_str(text).map_err(|e| super::toml_error(text, e))?;
    let (meta, ctx) = meta!(raw, text, kind)?;
    let months = |v: &Spanned<RawValue<i64>>, name: &str| {
        ctx.param(v, name, |x| ctx.count(x, &format!("{name}.valore"), 1, 120))
    };
    let i = raw.fasce_isced.get_ref();
    let rules = FsePlusIndicatori {
        child_age: age(&ctx, &raw.eta_minori, "eta_minori")?,
        young_from: age(&ctx, &raw.eta_giovani_da, "eta_giovani_da")?,
        young_to: age(&ctx, &raw.eta_giovani_a, "eta_giovani_a")?,
        older_age: age(&ctx, &raw.eta_anziani, "eta_anziani")?,
        long_term_youth_age: age(&ctx, &raw.eta_lunga_durata_giovani, "eta_lunga_durata_giovani")?,
        long_term_months: months(&raw.mesi_lunga_durata, "mesi_lunga_durata")?,
        long_term_months_youth: months(&raw.mesi_lunga_durata_giovani, "mesi_lunga_durata_giovani")?,
        isced_bands: bands(
            &ctx,
            [(&i.eeco09, "EECO09"), (&i.eeco10, "EECO10"), (&i.eeco11, "EECO11")],
            &i.atto,
            &i.nota,
        )?,
        outputs: ctx.param(&raw.indicatori, "indicatori", |v| {
            codes(&ctx, v, "indicatori.valore", &ESF_PLUS_OUTPUT_CODES)
        })?,
        results: ctx.param(&raw.risultati, "risultati", |v| {
            codes(&ctx, v, "risultati.valore", &ESF_PLUS_RESULT_CODES)
        })?,
    };
    Ok(meta.with(Rules::FsePlusIndicatori(rules)))
}
