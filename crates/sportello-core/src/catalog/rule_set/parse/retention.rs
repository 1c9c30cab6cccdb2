//! The `conservazione` kind: the retention schedule (GDPR art. 5(1)(e); issue
//! 16 item 4). Every kind of record the program keeps has a term in whole
//! years, with the act or the massimario it comes from.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::super::model::*;
use super::{parse_meta, RawAct, RawValue};
use crate::error::Result;

raw_file!(RawRetention {
    fascicolo_chiuso_anni: Spanned<RawValue<i64>>,
    domanda_avviso_anni: Spanned<RawValue<i64>>,
    graduatoria_pubblicata_anni: Spanned<RawValue<i64>>,
    pratica_rimborso_anni: Spanned<RawValue<i64>>,
    inserimento_alloggio_anni: Spanned<RawValue<i64>>,
    registro_accessi_anni: Spanned<RawValue<i64>>,
});

pub(super) fn parse(text: &str, kind: Kind) -> Result<RuleSet> {
    let raw: RawRetention = toml::from_str(text).map_err(|e| super::toml_error(text, e))?;
    let (meta, ctx) = meta!(raw, text, kind)?;
    // At least one year: a term of zero would erase a record the day it
    // closes, which is never a retention term but a slip. At most 100: a
    // record kept for ever is not in a schedule of erasures at all.
    let years = |v: &Spanned<RawValue<i64>>, name: &str| {
        ctx.param(v, name, |x| ctx.count(x, &format!("{name}.valore"), 1, 100))
    };
    let rules = Conservazione {
        closed_case_years: years(&raw.fascicolo_chiuso_anni, "fascicolo_chiuso_anni")?,
        application_years: years(&raw.domanda_avviso_anni, "domanda_avviso_anni")?,
        ranking_years: years(&raw.graduatoria_pubblicata_anni, "graduatoria_pubblicata_anni")?,
        reimbursement_years: years(&raw.pratica_rimborso_anni, "pratica_rimborso_anni")?,
        housing_stay_years: years(&raw.inserimento_alloggio_anni, "inserimento_alloggio_anni")?,
        access_log_years: years(&raw.registro_accessi_anni, "registro_accessi_anni")?,
    };
    Ok(meta.with(Rules::Conservazione(rules)))
}
