//! The `residenzialita-temporanea` kind: the office's settings for temporary
//! social housing (rules.md §8): longest stay, warning window, guest contribution.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::super::model::*;
use super::{parse_meta, RawAct, RawValue};
use crate::error::Result;
use crate::money::Money;

raw_file!(RawHousing {
    durata_massima_mesi: Spanned<RawValue<i64>>,
    preavviso_scadenza_giorni: Spanned<RawValue<i64>>,
    contributo_ospite: Option<Spanned<RawValue<String>>>,
});

pub(super) fn parse(text: &str, kind: Kind) -> Result<RuleSet> {
    let raw: RawHousing = toml::from_str(text).map_err(|e| super::toml_error(text, e))?;
    let (meta, ctx) = meta!(raw, text, kind)?;
    let rules = ResidenzialitaTemporanea {
        // Ten years is no longer "temporary": a larger value is a typing slip.
        max_months: ctx.param(&raw.durata_massima_mesi, "durata_massima_mesi", |v| {
            ctx.count(v, "durata_massima_mesi.valore", 1, 120)
        })?,
        warning_days: ctx.param(&raw.preavviso_scadenza_giorni, "preavviso_scadenza_giorni", |v| {
            ctx.count(v, "preavviso_scadenza_giorni.valore", 1, 365)
        })?,
        guest_contribution: raw
            .contributo_ospite
            .as_ref()
            .map(|p| {
                ctx.param(p, "contributo_ospite", |v| {
                    let m = ctx.money(v, "contributo_ospite.valore")?;
                    // Zero and "absent" would be two spellings of one setting.
                    if m == Money::ZERO {
                        return Err(ctx.err(
                            &v.span(),
                            "contributo_ospite.valore",
                            "un contributo di zero euro si indica togliendo il parametro «contributo_ospite»",
                        ));
                    }
                    Ok(m)
                })
            })
            .transpose()?,
    };
    Ok(meta.with(Rules::ResidenzialitaTemporanea(rules)))
}
