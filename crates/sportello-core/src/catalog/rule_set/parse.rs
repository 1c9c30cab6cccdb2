//! Reading a rule-set file into the model: every field validated, every error
//! with its line.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::model::*;
use crate::error::{Code, Error, Result};
use crate::money::Money;

// ---------------------------------------------------------------------------
// Parsing. Raw structs mirror the file; `Spanned` keeps the byte range of every
// value so a semantic error can name its line, not only a syntax error.

#[derive(Deserialize)]
struct RawHeader {
    id: Spanned<String>,
    tipo: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAct {
    titolo: Spanned<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue<T> {
    valore: Spanned<T>,
    atto: Spanned<String>,
    nota: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreshold<T> {
    valore: Spanned<T>,
    confronto: Spanned<String>,
    atto: Spanned<String>,
    nota: Option<String>,
    tipo_isee: Option<Spanned<String>>,
}

macro_rules! raw_file {
    ($name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $name {
            id: Spanned<String>,
            versione: Spanned<i64>,
            #[allow(dead_code)] // read by the header pass; kept so the key is known
            tipo: Spanned<String>,
            titolo: Spanned<String>,
            comune: Option<Spanned<String>>,
            valido_dal: Spanned<toml::value::Datetime>,
            valido_al: Option<Spanned<toml::value::Datetime>>,
            fonte: Option<String>,
            #[serde(default)]
            atti: BTreeMap<String, Spanned<RawAct>>,
            $($field: $ty,)*
        }
    };
}

raw_file!(RawSostegno {
    residenza_minima_anni: Spanned<RawValue<i64>>,
    soglia_isee: Spanned<RawThreshold<String>>,
    eta_maggiore: Spanned<RawValue<i64>>,
    eta_massima_misura_2: Spanned<RawValue<i64>>,
    eta_minima_misura_4: Spanned<RawValue<i64>>,
    invalidita: Spanned<RawThreshold<i64>>,
    altri_sussidi_esclusi: Spanned<RawValue<bool>>,
});

raw_file!(RawMaternita {
    mesi_dalla_nascita: Spanned<RawValue<i64>>,
    tetto_isee: Spanned<RawThreshold<String>>,
    importo_mensile: Option<Spanned<RawValue<String>>>,
    mensilita: Option<Spanned<RawValue<i64>>>,
});

raw_file!(RawTreFigli {
    abolita: Option<Spanned<RawValue<bool>>>,
    figli_minori: Option<Spanned<RawValue<i64>>>,
    tetto_isee: Option<Spanned<RawThreshold<String>>>,
    importo_mensile: Option<Spanned<RawValue<String>>>,
});

raw_file!(RawB2 {
    ente: Spanned<String>,
    finestra: Spanned<RawWindow>,
    tetto_isee: Spanned<RawThreshold<String>>,
    punti_completamento: Spanned<RawValue<String>>,
    punti_isee: Spanned<RawIseePoints>,
    ricorsi: Spanned<RawAppeals>,
    misure: BTreeMap<String, Spanned<RawB2Measure>>,
});

raw_file!(RawRimborsoB2 {
    contributo_minimo_mensile: Spanned<RawValue<String>>,
    quota_mensile: Spanned<RawCapSplit>,
    misure: BTreeMap<String, Spanned<RawReimbursementMeasure>>,
});

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCapSplit {
    arrotondamento: Spanned<String>,
    resto: Spanned<String>,
    atto: Spanned<String>,
    nota: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReimbursementMeasure {
    titolo: Spanned<String>,
    documenti: Spanned<RawDocuments>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocuments {
    tipi: Spanned<BTreeMap<String, Spanned<String>>>,
    atto: Spanned<String>,
    nota: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    dal: Spanned<toml::value::Datetime>,
    al: Spanned<toml::value::Datetime>,
    atto: Spanned<String>,
    nota: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIseePoints {
    massimo: Spanned<String>,
    riferimento: Spanned<String>,
    atto: Spanned<String>,
    nota: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAppeals {
    giorni: Spanned<i64>,
    atto: Spanned<String>,
    nota: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawB2Measure {
    titolo: Spanned<String>,
    punti_aggiuntivi: Spanned<RawBonus>,
    spareggi: Spanned<RawTieBreaks>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBonus {
    valore: Spanned<String>,
    eta_minima: Option<Spanned<i64>>,
    #[serde(default)]
    requisiti: Vec<Spanned<String>>,
    descrizione: Spanned<String>,
    atto: Spanned<String>,
    nota: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTieBreaks {
    ordine: Spanned<Vec<Spanned<String>>>,
    atto: Spanned<String>,
    nota: Option<String>,
}

/// Turns byte ranges into line numbers and builds located errors.
struct Ctx<'a> {
    text: &'a str,
    acts: BTreeMap<String, Act>,
}

impl Ctx<'_> {
    fn line(&self, span: &Range<usize>) -> u64 {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
    }
    fn err(&self, span: &Range<usize>, field: &str, message: impl Into<String>) -> Error {
        Error::new(Code::BadRuleSet, message).with_field(field).at_line(self.line(span))
    }
    fn act(&self, atto: &Spanned<String>, field: &str) -> Result<Act> {
        self.acts.get(atto.get_ref().as_str()).cloned().ok_or_else(|| {
            self.err(
                &atto.span(),
                &format!("{field}.atto"),
                format!("atto «{}» non definito nella sezione [atti] del file", atto.get_ref()),
            )
        })
    }
    fn date(&self, d: &Spanned<toml::value::Datetime>, field: &str) -> Result<NaiveDate> {
        let v = d.get_ref();
        let bad = || self.err(&d.span(), field, "attesa una data senza ora, ad esempio 2019-02-01");
        if v.time.is_some() || v.offset.is_some() {
            return Err(bad());
        }
        let date = v.date.ok_or_else(bad)?;
        NaiveDate::from_ymd_opt(date.year as i32, date.month as u32, date.day as u32).ok_or_else(bad)
    }
    fn count(&self, v: &Spanned<i64>, field: &str, min: i64, max: i64) -> Result<u32> {
        let n = *v.get_ref();
        if n < min || n > max {
            return Err(self.err(
                &v.span(),
                field,
                format!("valore {n} fuori dall'intervallo ammesso ({min}-{max})"),
            ));
        }
        Ok(n as u32)
    }
    fn money(&self, v: &Spanned<String>, field: &str) -> Result<Money> {
        let m = Money::parse(v.get_ref()).map_err(|e| self.err(&v.span(), field, e.message))?;
        if m.is_negative() {
            return Err(self.err(&v.span(), field, "un importo non può essere negativo"));
        }
        Ok(m)
    }
    fn decimal(&self, v: &Spanned<String>, field: &str) -> Result<Decimal> {
        let t = v.get_ref().trim();
        let ok_shape = !t.is_empty()
            && t.split_once('.').map_or(t.bytes().all(|b| b.is_ascii_digit()), |(i, f)| {
                !i.is_empty()
                    && !f.is_empty()
                    && i.bytes().all(|b| b.is_ascii_digit())
                    && f.bytes().all(|b| b.is_ascii_digit())
            });
        let d = if ok_shape { Decimal::from_str(t).ok() } else { None };
        d.ok_or_else(|| {
            self.err(&v.span(), field, format!("numero non valido: «{t}» (atteso ad esempio 2 o 2.5)"))
        })
    }
    fn comparator(&self, v: &Spanned<String>, field: &str) -> Result<Comparator> {
        Comparator::parse(v.get_ref()).ok_or_else(|| {
            self.err(
                &v.span(),
                &format!("{field}.confronto"),
                format!("confronto «{}» non valido (ammessi: <, <=, >, >=)", v.get_ref()),
            )
        })
    }
    fn param<T, U>(
        &self,
        raw: &Spanned<RawValue<T>>,
        name: &str,
        f: impl FnOnce(&Spanned<T>) -> Result<U>,
    ) -> Result<Param<U>> {
        let r = raw.get_ref();
        Ok(Param {
            name: name.to_string(),
            value: f(&r.valore)?,
            act: self.act(&r.atto, name)?,
            note: r.nota.clone(),
        })
    }
    fn money_threshold(
        &self,
        raw: &Spanned<RawThreshold<String>>,
        name: &str,
    ) -> Result<Param<MoneyThreshold>> {
        let r = raw.get_ref();
        let amount = self.money(&r.valore, &format!("{name}.valore"))?;
        let comparator = self.comparator(&r.confronto, name)?;
        if matches!(comparator, Comparator::Gt | Comparator::Ge) {
            return Err(self.err(
                &r.confronto.span(),
                &format!("{name}.confronto"),
                "un tetto ISEE ammette i valori inferiori: usare < oppure <=",
            ));
        }
        Ok(Param {
            name: name.to_string(),
            value: MoneyThreshold { amount, comparator },
            act: self.act(&r.atto, name)?,
            note: r.nota.clone(),
        })
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id
            .split('-')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
}

macro_rules! meta {
    ($raw:expr, $text:expr, $kind:expr) => {
        parse_meta(
            $text,
            $kind,
            &$raw.id,
            &$raw.versione,
            &$raw.titolo,
            $raw.comune.as_ref(),
            &$raw.valido_dal,
            $raw.valido_al.as_ref(),
            $raw.fonte.clone(),
            &$raw.atti,
        )
    };
}

// After the macros they use (`raw_file!`, `meta!`): macro scope is textual.
mod data_requests;
mod fse;
mod fse_plus;
mod housing;
mod retention;

/// A measure's key and title (`[misure.<id>]`, `titolo`), checked alike in every
/// kind that has measures; the field path of the measure.
fn measure_field(ctx: &Ctx<'_>, id: &str, span: &Range<usize>, titolo: &Spanned<String>) -> Result<String> {
    let field = format!("misure.{id}");
    if !valid_id(id) {
        return Err(ctx.err(span, &field, "identificativo della misura non valido"));
    }
    if titolo.get_ref().trim().is_empty() {
        return Err(ctx.err(&titolo.span(), &format!("{field}.titolo"), "il titolo non può essere vuoto"));
    }
    Ok(field)
}

fn toml_error(text: &str, e: toml::de::Error) -> Error {
    let ctx = Ctx { text, acts: BTreeMap::new() };
    let message = e.message().trim();
    // A missing parameter is the administrator's most likely slip: say which,
    // in Italian. Its line is the table that lacks it (the file's first line
    // for a top-level one).
    let missing = message.strip_prefix("missing field `").and_then(|r| r.split_once('`')).map(|(k, _)| k);
    let mut err = match missing {
        Some(key) => {
            Error::new(Code::BadRuleSet, format!("file delle regole non valido: manca il parametro «{key}»"))
                .with_field(key)
        }
        None => Error::new(Code::BadRuleSet, format!("file delle regole non valido: {message}")),
    };
    if let Some(span) = e.span() {
        err = err.at_line(ctx.line(&span));
    }
    err
}

/// Parses and validates one rule-set file. `expected_id`, when given (the file's
/// name without `.toml`), must equal the `id` inside: the id is how calls and
/// decisions refer to the file.
pub fn parse(text: &str, expected_id: Option<&str>) -> Result<RuleSet> {
    let header: RawHeader = toml::from_str(text).map_err(|e| toml_error(text, e))?;
    let ctx0 = Ctx { text, acts: BTreeMap::new() };
    let id = header.id.get_ref().clone();
    if !valid_id(&id) {
        return Err(ctx0.err(
            &header.id.span(),
            "id",
            format!("identificativo «{id}» non valido (lettere minuscole, cifre e trattini)"),
        ));
    }
    if let Some(expected) = expected_id {
        if expected != id {
            return Err(ctx0.err(
                &header.id.span(),
                "id",
                format!("l'identificativo «{id}» deve coincidere con il nome del file «{expected}.toml»"),
            ));
        }
    }
    let kind = Kind::parse(header.tipo.get_ref()).ok_or_else(|| {
        ctx0.err(
            &header.tipo.span(),
            "tipo",
            format!(
                "tipo «{}» sconosciuto (ammessi: sostegno-reddito, assegno-maternita, assegno-tre-figli, b2, rimborso-b2, fse-indicatori, fse-plus-indicatori, residenzialita-temporanea, diritti-interessato, conservazione)",
                header.tipo.get_ref()
            ),
        )
    })?;
    let de = |e| toml_error(text, e);
    match kind {
        Kind::SostegnoReddito => {
            let raw: RawSostegno = toml::from_str(text).map_err(de)?;
            let (meta, ctx) = meta!(raw, text, kind)?;
            let rules = SostegnoReddito {
                min_residence_years: ctx.param(&raw.residenza_minima_anni, "residenza_minima_anni", |v| {
                    ctx.count(v, "residenza_minima_anni.valore", 0, 50)
                })?,
                isee_threshold: ctx.money_threshold(&raw.soglia_isee, "soglia_isee")?,
                age_of_majority: ctx.param(&raw.eta_maggiore, "eta_maggiore", |v| {
                    ctx.count(v, "eta_maggiore.valore", 1, 150)
                })?,
                max_age_misura_2: ctx.param(&raw.eta_massima_misura_2, "eta_massima_misura_2", |v| {
                    ctx.count(v, "eta_massima_misura_2.valore", 1, 150)
                })?,
                min_age_misura_4: ctx.param(&raw.eta_minima_misura_4, "eta_minima_misura_4", |v| {
                    ctx.count(v, "eta_minima_misura_4.valore", 1, 150)
                })?,
                invalidity: {
                    let r = raw.invalidita.get_ref();
                    Param {
                        name: "invalidita".into(),
                        value: PercentThreshold {
                            percent: ctx.count(&r.valore, "invalidita.valore", 0, 100)?,
                            comparator: ctx.comparator(&r.confronto, "invalidita")?,
                        },
                        act: ctx.act(&r.atto, "invalidita")?,
                        note: r.nota.clone(),
                    }
                },
                other_subsidies_excluded: ctx.param(
                    &raw.altri_sussidi_esclusi,
                    "altri_sussidi_esclusi",
                    |v| Ok(*v.get_ref()),
                )?,
            };
            if let Some(t) = &raw.soglia_isee.get_ref().tipo_isee {
                return Err(ctx.err(
                    &t.span(),
                    "soglia_isee.tipo_isee",
                    "campo non previsto per questo tipo di regole",
                ));
            }
            if rules.max_age_misura_2.value < rules.age_of_majority.value {
                return Err(ctx.err(
                    &raw.eta_massima_misura_2.span(),
                    "eta_massima_misura_2",
                    "l'età massima della misura 2 è inferiore alla maggiore età",
                ));
            }
            Ok(meta.with(Rules::SostegnoReddito(rules)))
        }
        Kind::AssegnoMaternita => {
            let raw: RawMaternita = toml::from_str(text).map_err(de)?;
            let (meta, ctx) = meta!(raw, text, kind)?;
            let rules = AssegnoMaternita {
                months_from_birth: ctx.param(&raw.mesi_dalla_nascita, "mesi_dalla_nascita", |v| {
                    ctx.count(v, "mesi_dalla_nascita.valore", 1, 60)
                })?,
                isee_cap: ctx.money_threshold(&raw.tetto_isee, "tetto_isee")?,
                monthly_amount: raw
                    .importo_mensile
                    .as_ref()
                    .map(|p| ctx.param(p, "importo_mensile", |v| ctx.money(v, "importo_mensile.valore")))
                    .transpose()?,
                months_paid: raw
                    .mensilita
                    .as_ref()
                    .map(|p| ctx.param(p, "mensilita", |v| ctx.count(v, "mensilita.valore", 1, 24)))
                    .transpose()?,
            };
            Ok(meta.with(Rules::AssegnoMaternita(rules)))
        }
        Kind::AssegnoTreFigli => {
            let raw: RawTreFigli = toml::from_str(text).map_err(de)?;
            let (meta, ctx) = meta!(raw, text, kind)?;
            let rules = match (&raw.abolita, &raw.figli_minori, &raw.tetto_isee) {
                (Some(a), None, None) if raw.importo_mensile.is_none() => {
                    let abolished = ctx.param(a, "abolita", |v| Ok(*v.get_ref()))?;
                    if !abolished.value {
                        return Err(ctx.err(
                            &a.get_ref().valore.span(),
                            "abolita.valore",
                            "per una misura in vigore togliere «abolita» e indicare figli_minori e tetto_isee",
                        ));
                    }
                    AssegnoTreFigli::Abolished { abolished }
                }
                (None, Some(m), Some(cap)) => AssegnoTreFigli::InForce {
                    min_minors: ctx
                        .param(m, "figli_minori", |v| ctx.count(v, "figli_minori.valore", 1, 20))?,
                    isee_cap: ctx.money_threshold(cap, "tetto_isee")?,
                    monthly_amount: raw
                        .importo_mensile
                        .as_ref()
                        .map(|p| ctx.param(p, "importo_mensile", |v| ctx.money(v, "importo_mensile.valore")))
                        .transpose()?,
                },
                _ => {
                    return Err(ctx.err(
                        &raw.tipo.span(),
                        "tipo",
                        "indicare o «abolita» (da sola) o «figli_minori» e «tetto_isee»",
                    ))
                }
            };
            Ok(meta.with(Rules::AssegnoTreFigli(rules)))
        }
        Kind::B2 => {
            let raw: RawB2 = toml::from_str(text).map_err(de)?;
            let (meta, ctx) = meta!(raw, text, kind)?;
            let rules = parse_b2(&raw, &ctx, &meta)?;
            Ok(meta.with(Rules::B2(rules)))
        }
        Kind::RimborsoB2 => {
            let raw: RawRimborsoB2 = toml::from_str(text).map_err(de)?;
            let (meta, ctx) = meta!(raw, text, kind)?;
            let rules = parse_rimborso_b2(&raw, &ctx)?;
            Ok(meta.with(Rules::RimborsoB2(rules)))
        }
        Kind::FseIndicatori => fse::parse(text, kind),
        Kind::FsePlusIndicatori => fse_plus::parse(text, kind),
        Kind::ResidenzialitaTemporanea => housing::parse(text, kind),
        Kind::DirittiInteressato => data_requests::parse(text, kind),
        Kind::Conservazione => retention::parse(text, kind),
    }
}

/// The common header, validated; `with` completes it with the kind's rules.
struct Meta {
    id: String,
    version: u32,
    kind: Kind,
    title: String,
    comune: Option<String>,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    source: Option<String>,
    acts: Vec<Act>,
}

impl Meta {
    fn with(self, rules: Rules) -> RuleSet {
        RuleSet {
            id: self.id,
            version: self.version,
            kind: self.kind,
            title: self.title,
            comune: self.comune,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            source: self.source,
            acts: self.acts,
            rules,
        }
    }
    fn covers(&self, d: NaiveDate) -> bool {
        d >= self.valid_from && self.valid_to.is_none_or(|t| d <= t)
    }
}

#[allow(clippy::too_many_arguments)]
fn parse_meta<'a>(
    text: &'a str,
    kind: Kind,
    id: &Spanned<String>,
    versione: &Spanned<i64>,
    titolo: &Spanned<String>,
    comune: Option<&Spanned<String>>,
    valido_dal: &Spanned<toml::value::Datetime>,
    valido_al: Option<&Spanned<toml::value::Datetime>>,
    fonte: Option<String>,
    atti: &BTreeMap<String, Spanned<RawAct>>,
) -> Result<(Meta, Ctx<'a>)> {
    let mut ctx = Ctx { text, acts: BTreeMap::new() };
    let version = ctx.count(versione, "versione", 1, 1_000_000)?;
    if titolo.get_ref().trim().is_empty() {
        return Err(ctx.err(&titolo.span(), "titolo", "il titolo non può essere vuoto"));
    }
    let comune = match comune {
        Some(c) if !crate::cf::is_belfiore(c.get_ref()) => {
            return Err(ctx.err(
                &c.span(),
                "comune",
                format!("codice Belfiore «{}» non valido (es. F205)", c.get_ref()),
            ))
        }
        Some(c) => Some(c.get_ref().clone()),
        None => None,
    };
    let valid_from = ctx.date(valido_dal, "valido_dal")?;
    let valid_to = valido_al.map(|d| ctx.date(d, "valido_al")).transpose()?;
    if let (Some(to), Some(span)) = (valid_to, valido_al) {
        if to < valid_from {
            return Err(ctx.err(&span.span(), "valido_al", "«valido_al» precede «valido_dal»"));
        }
    }
    let mut acts = Vec::new();
    for (key, act) in atti {
        if !valid_id(key) {
            return Err(ctx.err(
                &act.span(),
                &format!("atti.{key}"),
                "chiave dell'atto non valida (minuscole, cifre, trattini)",
            ));
        }
        let a = act.get_ref();
        if a.titolo.get_ref().trim().is_empty() {
            return Err(ctx.err(
                &a.titolo.span(),
                &format!("atti.{key}.titolo"),
                "il titolo dell'atto non può essere vuoto",
            ));
        }
        let act = Act { id: key.clone(), title: a.titolo.get_ref().trim().to_string(), url: a.url.clone() };
        ctx.acts.insert(key.clone(), act.clone());
        acts.push(act);
    }
    let meta = Meta {
        id: id.get_ref().clone(),
        version,
        kind,
        title: titolo.get_ref().trim().to_string(),
        comune,
        valid_from,
        valid_to,
        source: fonte,
        acts,
    };
    Ok((meta, ctx))
}

fn parse_b2(raw: &RawB2, ctx: &Ctx<'_>, meta: &Meta) -> Result<B2Rules> {
    if raw.ente.get_ref().trim().is_empty() {
        return Err(ctx.err(&raw.ente.span(), "ente", "indicare l'ente che pubblica la graduatoria"));
    }
    let w = raw.finestra.get_ref();
    let (from, to) = (ctx.date(&w.dal, "finestra.dal")?, ctx.date(&w.al, "finestra.al")?);
    if to < from {
        return Err(ctx.err(&w.al.span(), "finestra.al", "la chiusura della raccolta precede l'apertura"));
    }
    if !meta.covers(from) || !meta.covers(to) {
        return Err(ctx.err(
            &raw.finestra.span(),
            "finestra",
            "la finestra di raccolta deve cadere nel periodo di validità (valido_dal, valido_al)",
        ));
    }
    let window = Param {
        name: "finestra".into(),
        value: (from, to),
        act: ctx.act(&w.atto, "finestra")?,
        note: w.nota.clone(),
    };
    let isee_cap = ctx.money_threshold(&raw.tetto_isee, "tetto_isee")?;
    let isee_kind = match &raw.tetto_isee.get_ref().tipo_isee {
        Some(k) => {
            let k_str = k.get_ref().trim();
            if !matches!(k_str, "ordinario" | "sociosanitario" | "minorenni" | "corrente") {
                return Err(ctx.err(
                    &k.span(),
                    "tetto_isee.tipo_isee",
                    "tipo di ISEE non valido (ordinario, sociosanitario, minorenni, corrente)",
                ));
            }
            k_str.to_string()
        }
        None => {
            return Err(ctx.err(
                &raw.tetto_isee.span(),
                "tetto_isee.tipo_isee",
                "indicare il tipo di ISEE richiesto",
            ))
        }
    };
    let continuation_points = ctx.param(&raw.punti_completamento, "punti_completamento", |v| {
        ctx.decimal(v, "punti_completamento.valore")
    })?;
    let p = raw.punti_isee.get_ref();
    let isee_points = Param {
        name: "punti_isee".into(),
        value: IseePoints {
            max: ctx.decimal(&p.massimo, "punti_isee.massimo")?,
            reference: {
                let r = ctx.money(&p.riferimento, "punti_isee.riferimento")?;
                if r == Money::ZERO {
                    return Err(ctx.err(
                        &p.riferimento.span(),
                        "punti_isee.riferimento",
                        "il riferimento non può essere zero",
                    ));
                }
                r
            },
        },
        act: ctx.act(&p.atto, "punti_isee")?,
        note: p.nota.clone(),
    };
    let a = raw.ricorsi.get_ref();
    let appeal_days = Param {
        name: "ricorsi".into(),
        value: ctx.count(&a.giorni, "ricorsi.giorni", 1, 365)?,
        act: ctx.act(&a.atto, "ricorsi")?,
        note: a.nota.clone(),
    };
    if raw.misure.is_empty() {
        return Err(ctx.err(
            &raw.tipo.span(),
            "misure",
            "l'avviso deve prevedere almeno una misura ([misure.<id>])",
        ));
    }
    let mut measures = BTreeMap::new();
    for (id, m) in &raw.misure {
        let field = measure_field(ctx, id, &m.span(), &m.get_ref().titolo)?;
        let m = m.get_ref();
        let b = m.punti_aggiuntivi.get_ref();
        let bfield = format!("{field}.punti_aggiuntivi");
        let mut requires = Vec::new();
        for r in &b.requisiti {
            let flag = Flag::parse(r.get_ref()).ok_or_else(|| {
                ctx.err(
                    &r.span(),
                    &format!("{bfield}.requisiti"),
                    format!("requisito «{}» sconosciuto (ammessi: non_self_sufficient, independent_living, other_interventions)", r.get_ref()),
                )
            })?;
            if requires.contains(&flag) {
                return Err(ctx.err(&r.span(), &format!("{bfield}.requisiti"), "requisito ripetuto"));
            }
            requires.push(flag);
        }
        let min_age = b
            .eta_minima
            .as_ref()
            .map(|e| ctx.count(e, &format!("{bfield}.eta_minima"), 0, 150))
            .transpose()?;
        if b.descrizione.get_ref().trim().is_empty() {
            return Err(ctx.err(
                &b.descrizione.span(),
                &format!("{bfield}.descrizione"),
                "descrivere chi riceve i punti",
            ));
        }
        let bonus = Param {
            name: bfield.clone(),
            value: Bonus {
                points: ctx.decimal(&b.valore, &format!("{bfield}.valore"))?,
                min_age,
                requires,
                description: b.descrizione.get_ref().trim().to_string(),
            },
            act: ctx.act(&b.atto, &bfield)?,
            note: b.nota.clone(),
        };
        let t = m.spareggi.get_ref();
        let tfield = format!("{field}.spareggi");
        let mut keys = Vec::new();
        let mut seen = HashSet::new();
        for k in t.ordine.get_ref() {
            let key = TieBreak::parse(k.get_ref()).ok_or_else(|| {
                ctx.err(
                    &k.span(),
                    &format!("{tfield}.ordine"),
                    format!(
                        "criterio «{}» sconosciuto (ammessi: senza_altri_interventi, data_nascita, data_presentazione, protocollo)",
                        k.get_ref()
                    ),
                )
            })?;
            if !seen.insert(key) {
                return Err(ctx.err(&k.span(), &format!("{tfield}.ordine"), "criterio ripetuto"));
            }
            keys.push(key);
        }
        if keys.last() != Some(&TieBreak::Protocol) {
            return Err(ctx.err(
                &t.ordine.span(),
                &format!("{tfield}.ordine"),
                "l'ultimo criterio deve essere «protocollo», perché l'ordine sia completo",
            ));
        }
        let tie_breaks = Param {
            name: tfield.clone(),
            value: keys,
            act: ctx.act(&t.atto, &tfield)?,
            note: t.nota.clone(),
        };
        measures.insert(
            id.clone(),
            B2Measure { id: id.clone(), title: m.titolo.get_ref().trim().to_string(), bonus, tie_breaks },
        );
    }
    Ok(B2Rules {
        office: raw.ente.get_ref().trim().to_string(),
        window,
        isee_cap,
        isee_kind,
        continuation_points,
        isee_points,
        appeal_days,
        measures,
    })
}

/// Document types are the keys claims use (`busta_paga`): snake_case, like the
/// CSV columns, so that a claim file and the rule set spell them alike.
fn valid_document_type(t: &str) -> bool {
    !t.is_empty() && t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn parse_rimborso_b2(raw: &RawRimborsoB2, ctx: &Ctx<'_>) -> Result<RimborsoB2Rules> {
    let min_monthly_award = ctx.param(&raw.contributo_minimo_mensile, "contributo_minimo_mensile", |v| {
        let m = ctx.money(v, "contributo_minimo_mensile.valore")?;
        if m == Money::ZERO {
            return Err(ctx.err(
                &v.span(),
                "contributo_minimo_mensile.valore",
                "il contributo minimo mensile deve essere maggiore di zero",
            ));
        }
        Ok(m)
    })?;
    let q = raw.quota_mensile.get_ref();
    let rounding = CapRounding::parse(q.arrotondamento.get_ref().trim()).ok_or_else(|| {
        ctx.err(
            &q.arrotondamento.span(),
            "quota_mensile.arrotondamento",
            format!(
                "arrotondamento «{}» non previsto (ammessi: mezzo-su, difetto)",
                q.arrotondamento.get_ref()
            ),
        )
    })?;
    let remainder = Remainder::parse(q.resto.get_ref().trim()).ok_or_else(|| {
        ctx.err(
            &q.resto.span(),
            "quota_mensile.resto",
            format!("resto «{}» non previsto (ammesso: ultimo-mese)", q.resto.get_ref()),
        )
    })?;
    let cap_split = Param {
        name: "quota_mensile".into(),
        value: CapSplit { rounding, remainder },
        act: ctx.act(&q.atto, "quota_mensile")?,
        note: q.nota.clone(),
    };
    if raw.misure.is_empty() {
        return Err(ctx.err(
            &raw.tipo.span(),
            "misure",
            "indicare almeno una misura ([misure.<id>]) con i documenti ammessi",
        ));
    }
    let mut measures = BTreeMap::new();
    for (id, m) in &raw.misure {
        let field = measure_field(ctx, id, &m.span(), &m.get_ref().titolo)?;
        let m = m.get_ref();
        let d = m.documenti.get_ref();
        let dfield = format!("{field}.documenti");
        if d.tipi.get_ref().is_empty() {
            return Err(ctx.err(
                &d.tipi.span(),
                &format!("{dfield}.tipi"),
                "indicare almeno un tipo di documento ammesso",
            ));
        }
        let mut types = BTreeMap::new();
        for (t, label) in d.tipi.get_ref() {
            let tfield = format!("{dfield}.tipi.{t}");
            if !valid_document_type(t) {
                return Err(ctx.err(
                    &label.span(),
                    &tfield,
                    "tipo di documento non valido (minuscole, cifre e trattini bassi, es. busta_paga)",
                ));
            }
            if label.get_ref().trim().is_empty() {
                return Err(ctx.err(&label.span(), &tfield, "indicare la descrizione del tipo di documento"));
            }
            types.insert(t.clone(), label.get_ref().trim().to_string());
        }
        let documents = Param {
            name: dfield.clone(),
            value: types,
            act: ctx.act(&d.atto, &dfield)?,
            note: d.nota.clone(),
        };
        measures.insert(
            id.clone(),
            ReimbursementMeasure { id: id.clone(), title: m.titolo.get_ref().trim().to_string(), documents },
        );
    }
    Ok(RimborsoB2Rules { min_monthly_award, cap_split, measures })
}
