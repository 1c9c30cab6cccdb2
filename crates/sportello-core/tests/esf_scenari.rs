//! Runs the Italian scenario files of `tests/scenari/indicatori/` (see the
//! README there): each file is one edge of the ESF indicators (rules.md §6) with
//! the counts it expects. The participants go through the real JSON reader, so
//! a scenario checks the input contract too. All failures are reported together.

#[path = "support/scenari.rs"]
mod scenari;

use serde_json::{json, Map, Value as Json};
use sportello_core::catalog::rule_sets;
use sportello_core::rules::esf::{self, Counts, Line, Report};
use toml::Value;

/// Scenario key → the input's key (cli.md).
const KEYS: &[(&str, &str)] = &[
    ("id", "id"),
    ("sesso", "sex"),
    ("nato_il", "birth_date"),
    ("ingresso", "entry_date"),
    ("condizione", "labour_status"),
    ("disoccupato_dal", "unemployed_since"),
    ("in_istruzione", "in_education"),
    ("isced", "isced"),
    ("origine_straniera", "foreign_background"),
    ("disabilita", "disability"),
    ("altro_svantaggio", "other_disadvantaged"),
    ("senza_dimora", "homeless"),
    ("zona_rurale", "rural"),
    ("famiglia_senza_lavoro", "household_jobless"),
    ("figli_a_carico", "dependent_children"),
    ("unico_adulto", "single_adult"),
    ("cittadino_paese_terzo", "third_country_national"),
    ("minoranza", "minority"),
    ("uscita", "exit_date"),
    ("esito_uscita", "exit_status"),
];

/// "non noto" is written out where a reader should see that the answer is unknown;
/// it is the input's null, like a key left out.
fn to_json(v: &Value) -> Json {
    match v {
        Value::String(s) if s == "non noto" => Json::Null,
        Value::String(s) => json!(s),
        Value::Integer(i) => json!(i),
        Value::Boolean(b) => json!(b),
        Value::Datetime(d) => json!(d.to_string()),
        other => panic!("valore non previsto in un partecipante: {other:?}"),
    }
}

fn participants_json(t: &toml::Table) -> Result<String, String> {
    let list = t.get("partecipanti").and_then(Value::as_array).ok_or("manca [[partecipanti]]")?;
    let mut out = Vec::new();
    for p in list {
        let p = p.as_table().ok_or("un partecipante non è una tabella")?;
        let mut o = Map::new();
        for (k, v) in p {
            let key = KEYS.iter().find(|(it, _)| it == k).ok_or(format!("chiave «{k}» sconosciuta"))?.1;
            o.insert(key.to_string(), to_json(v));
        }
        out.push(Json::Object(o));
    }
    Ok(json!({ "participants": out }).to_string())
}

fn line<'a>(report: &'a Report, code: &str) -> Option<&'a Line> {
    report.output(code).or_else(|| report.result(code))
}

fn check(t: &toml::Table) -> Result<(), String> {
    for k in t.keys() {
        if !["nome", "descrizione", "periodo", "partecipanti", "atteso"].contains(&k.as_str()) {
            return Err(format!("chiave «{k}» sconosciuta"));
        }
    }
    let expected = t.get("atteso").and_then(Value::as_table).ok_or("manca [atteso]")?;
    let text = participants_json(t)?;
    // The programme's programming period; omitted = 2014-2020.
    let period = match t.get("periodo").map(|v| v.as_str().and_then(esf::Period::parse)) {
        None => esf::Period::Fse2014,
        Some(Some(p)) => p,
        Some(None) => return Err("periodo: atteso \"2014-2020\" o \"2021-2027\"".into()),
    };
    let answer = esf::parse_participants_json(&text)
        .and_then(|ps| esf::indicators_for(period, &ps, rule_sets::builtin()));
    if let Some(code) = expected.get("errore").and_then(Value::as_str) {
        let e = match answer {
            Ok(_) => return Err(format!("atteso l'errore {code}, ottenuto un risultato")),
            Err(e) => e,
        };
        if e.code.as_str() != code {
            return Err(format!("atteso l'errore {code}, ottenuto {e:?}"));
        }
        if let Some(field) = expected.get("campo").and_then(Value::as_str) {
            if e.field.as_deref() != Some(field) {
                return Err(format!("errore sul campo {:?}, atteso {field}", e.field));
            }
        }
        return Ok(());
    }
    let report = answer.map_err(|e| format!("errore inatteso: {e:?}"))?;
    let mut problems = Vec::new();
    for (k, v) in expected {
        if k == "regole" {
            let got: Vec<&str> = report.rule_sets.iter().map(|r| r.id.as_str()).collect();
            if got.join(", ") != v.as_str().unwrap_or_default() {
                problems.push(format!("regole {got:?}, attese {v}"));
            }
            continue;
        }
        let l = line(&report, k).ok_or(format!("codice «{k}» sconosciuto"))?;
        let want = v.as_table().ok_or(format!("{k}: attesa una tabella {{ totale = …, mancanti = … }}"))?;
        let Counts { f, m, total } = l.counts;
        for (what, n) in want {
            let got = match what.as_str() {
                "F" => f,
                "M" => m,
                "totale" => total,
                "mancanti" => l.missing,
                other => return Err(format!("{k}: chiave «{other}» sconosciuta (F, M, totale, mancanti)")),
            };
            if Some(got as i64) != n.as_integer() {
                problems.push(format!("{k}.{what} = {got}, atteso {n}"));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn every_indicator_scenario_gives_its_expected_counts() {
    let mut failures = Vec::new();
    for (name, text) in scenari::files("indicatori", 20) {
        let t: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => {
                failures.push(format!("{name}: TOML non valido: {e}"));
                continue;
            }
        };
        for k in ["nome", "descrizione"] {
            if t.get(k).and_then(Value::as_str).is_none_or(|s| s.trim().is_empty()) {
                failures.push(format!("{name}: manca «{k}»"));
            }
        }
        if let Err(e) = check(&t) {
            let nome = t.get("nome").and_then(Value::as_str).unwrap_or("");
            failures.push(format!("{name} ({nome}): {e}"));
        }
    }
    assert!(failures.is_empty(), "{} scenari falliti:\n{}", failures.len(), failures.join("\n"));
}
