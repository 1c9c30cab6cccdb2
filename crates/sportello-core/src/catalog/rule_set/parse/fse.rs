//! The `fse-indicatori` kind: the ESF indicators' thresholds, bands and the codes a
//! period reports (rules.md §6).

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use toml::Spanned;

use super::super::model::*;
use super::{parse_meta, Ctx, RawAct, RawThreshold, RawValue};
use crate::error::Result;

raw_file!(RawFse {
    eta_giovani: Spanned<RawThreshold<i64>>,
    eta_anziani: Spanned<RawThreshold<i64>>,
    mesi_lunga_durata: Spanned<RawValue<i64>>,
    mesi_lunga_durata_giovani: Spanned<RawValue<i64>>,
    fasce_isced: Spanned<RawIsced>,
    indicatori: Spanned<RawValue<Vec<Spanned<String>>>>,
    risultati: Spanned<RawValue<Vec<Spanned<String>>>>,
    svantaggiati: Spanned<RawValue<Vec<Spanned<String>>>>,
});

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIsced {
    #[serde(rename = "CO09")]
    co09: Spanned<Vec<Spanned<i64>>>,
    #[serde(rename = "CO10")]
    co10: Spanned<Vec<Spanned<i64>>>,
    #[serde(rename = "CO11")]
    co11: Spanned<Vec<Spanned<i64>>>,
    atto: Spanned<String>,
    nota: Option<String>,
}

pub(super) fn parse(text: &str, kind: Kind) -> Result<RuleSet> {
    let raw: RawFse = toml::from_str(text).map_err(|e| super::toml_error(text, e))?;
    let (meta, ctx) = meta!(raw, text, kind)?;
    let rules = FseIndicatori {
        youth_age: age(&ctx, &raw.eta_giovani, "eta_giovani")?,
        older_age: age(&ctx, &raw.eta_anziani, "eta_anziani")?,
        long_term_months: ctx.param(&raw.mesi_lunga_durata, "mesi_lunga_durata", |v| {
            ctx.count(v, "mesi_lunga_durata.valore", 1, 120)
        })?,
        long_term_months_youth: ctx.param(
            &raw.mesi_lunga_durata_giovani,
            "mesi_lunga_durata_giovani",
            |v| ctx.count(v, "mesi_lunga_durata_giovani.valore", 1, 120),
        )?,
        isced_bands: isced(&ctx, &raw.fasce_isced)?,
        outputs: ctx.param(&raw.indicatori, "indicatori", |v| {
            codes(&ctx, v, "indicatori.valore", &ESF_OUTPUT_CODES)
        })?,
        results: ctx
            .param(&raw.risultati, "risultati", |v| codes(&ctx, v, "risultati.valore", &ESF_RESULT_CODES))?,
        disadvantaged: ctx.param(&raw.svantaggiati, "svantaggiati", |v| {
            codes(&ctx, v, "svantaggiati.valore", &ESF_OUTPUT_CODES)
        })?,
    };
    Ok(meta.with(Rules::FseIndicatori(rules)))
}

pub(super) fn age(
    ctx: &Ctx<'_>,
    raw: &Spanned<RawThreshold<i64>>,
    name: &str,
) -> Result<Param<AgeThreshold>> {
    let r = raw.get_ref();
    if let Some(t) = &r.tipo_isee {
        return Err(ctx.err(&t.span(), &format!("{name}.tipo_isee"), "campo non previsto per un'età"));
    }
    Ok(Param {
        name: name.to_string(),
        value: AgeThreshold {
            years: ctx.count(&r.valore, &format!("{name}.valore"), 1, 150)?,
            comparator: ctx.comparator(&r.confronto, name)?,
        },
        act: ctx.act(&r.atto, name)?,
        note: r.nota.clone(),
    })
}

/// Codes from `known`, each once, kept in the order of `known` (the report's order).
pub(super) fn codes(
    ctx: &Ctx<'_>,
    list: &Spanned<Vec<Spanned<String>>>,
    field: &str,
    known: &[&str],
) -> Result<Vec<String>> {
    let mut seen = HashSet::new();
    for c in list.get_ref() {
        let code = c.get_ref().as_str();
        if !known.contains(&code) {
            return Err(ctx.err(
                &c.span(),
                field,
                format!("codice «{code}» sconosciuto (ammessi: {} … {})", known[0], known[known.len() - 1]),
            ));
        }
        if !seen.insert(code) {
            return Err(ctx.err(&c.span(), field, format!("codice «{code}» ripetuto")));
        }
    }
    Ok(known.iter().filter(|k| seen.contains(*k)).map(|k| k.to_string()).collect())
}

fn isced(ctx: &Ctx<'_>, raw: &Spanned<RawIsced>) -> Result<Param<IscedBands>> {
    let r = raw.get_ref();
    bands(ctx, [(&r.co09, "CO09"), (&r.co10, "CO10"), (&r.co11, "CO11")], &r.atto, &r.nota)
}

type Band<'a> = (&'a Spanned<Vec<Spanned<i64>>>, &'a str);

/// Three ISCED bands, none empty, no level in two of them.
pub(super) fn bands(
    ctx: &Ctx<'_>,
    [b09, b10, b11]: [Band<'_>; 3],
    atto: &Spanned<String>,
    nota: &Option<String>,
) -> Result<Param<IscedBands>> {
    let mut seen = HashSet::new();
    let mut band = |list: &Spanned<Vec<Spanned<i64>>>, code: &str| -> Result<Vec<u8>> {
        let field = format!("fasce_isced.{code}");
        if list.get_ref().is_empty() {
            return Err(ctx.err(&list.span(), &field, "indicare almeno un livello ISCED"));
        }
        let mut levels = Vec::new();
        for l in list.get_ref() {
            let level = ctx.count(l, &field, 0, 8)? as u8;
            if !seen.insert(level) {
                return Err(ctx.err(
                    &l.span(),
                    &field,
                    format!("livello ISCED {level} già in un'altra fascia"),
                ));
            }
            levels.push(level);
        }
        levels.sort_unstable();
        Ok(levels)
    };
    let bands =
        IscedBands { co09: band(b09.0, b09.1)?, co10: band(b10.0, b10.1)?, co11: band(b11.0, b11.1)? };
    Ok(Param {
        name: "fasce_isced".into(),
        value: bands,
        act: ctx.act(atto, "fasce_isced")?,
        note: nota.clone(),
    })
}
