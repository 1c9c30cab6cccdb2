//! Runs the Italian scenario files of `tests/scenari/` (see its README): every
//! file is one rule or edge with its expected answer. All failures are reported
//! together, each with its file and its `nome`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::NaiveDate;
use sportello::catalog::rule_sets;
use sportello::rules::applications::Application;
use sportello::rules::b2;
use sportello::rules::eligibility::{self, Household, Isee, Measure, Member};
use sportello::Money;
use toml::Value;

fn dir(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenari").join(sub)
}

fn files(sub: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir(sub))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

fn date(v: &Value) -> NaiveDate {
    let d = v.as_datetime().unwrap_or_else(|| panic!("attesa una data: {v:?}")).date.expect("data senza ora");
    NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32).unwrap()
}

fn opt_date(t: &toml::Table, k: &str) -> Option<NaiveDate> {
    t.get(k).map(date)
}

fn money(v: &Value) -> Money {
    Money::parse(v.as_str().expect("importo come testo")).unwrap()
}

fn flag(t: &toml::Table, k: &str, default: bool) -> bool {
    t.get(k).map_or(default, |v| v.as_bool().expect("true/false"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().expect("elenco").iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

fn household(t: &toml::Table) -> Household {
    Household {
        reference_date: date(&t["data"]),
        comune: t["comune"].as_str().unwrap().to_string(),
        resident_since: opt_date(t, "residente_dal"),
        other_subsidies: flag(t, "altri_sussidi", false),
        isee: t.get("isee").map(|i| Isee { value: money(&i["valore"]), expires_on: date(&i["scadenza"]) }),
        urgent_need: t.get("bisogno_urgente").map(|s| s.as_str().unwrap().to_string()),
        child_birth_date: opt_date(t, "nascita_figlio"),
        members: t["componenti"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| Member {
                birth_date: date(&c["nato_il"]),
                invalidity_percent: c["invalidita"].as_integer().unwrap() as u32,
                disability_certified: c["disabilita"].as_bool().unwrap(),
            })
            .collect(),
    }
}

fn check_requisiti(path: &Path, t: &toml::Table) -> Result<(), String> {
    let h = household(t);
    let atteso = t["atteso"].as_table().expect("[atteso]");
    let result = eligibility::evaluate(&h, rule_sets::builtin());
    if let Some(code) = atteso.get("errore") {
        return match result {
            Err(e) if e.code.as_str() == code.as_str().unwrap() => {
                if e.message.is_empty() {
                    Err("errore senza messaggio".into())
                } else {
                    Ok(())
                }
            }
            Err(e) => Err(format!("errore {:?} invece di {code}: {}", e.code, e.message)),
            Ok(_) => Err(format!("risposta data invece dell'errore {code}")),
        };
    }
    let r = result.map_err(|e| format!("errore inatteso: {}", e.message))?;
    if atteso.is_empty() {
        return Err(format!("{}: nessun risultato atteso", path.display()));
    }
    let mut problems = Vec::new();
    for (id, exp) in atteso {
        let m = Measure::ALL
            .into_iter()
            .find(|m| m.id() == id)
            .ok_or_else(|| format!("misura {id} sconosciuta"))?;
        let d = r.get(m);
        let spetta = exp["spetta"].as_bool().unwrap();
        let motivi = exp.get("motivi").map(strings).unwrap_or_default();
        let got: Vec<String> = d.reasons.iter().map(|r| r.code.as_str().to_string()).collect();
        if d.eligible != spetta || got != motivi {
            problems.push(format!(
                "{id}: atteso spetta={spetta} {motivi:?}, ottenuto spetta={} {got:?}",
                d.eligible
            ));
        }
        // Every answer names its rule sets; every "no" explains itself.
        if !d.eligible && d.reasons.iter().any(|r| r.text.trim().is_empty()) {
            problems.push(format!("{id}: motivo senza testo"));
        }
        if d.trace.steps.is_empty() {
            problems.push(format!("{id}: nessuna traccia"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn application(t: &Value) -> Application {
    let t = t.as_table().unwrap();
    Application {
        protocol: t["protocollo"].as_str().unwrap().to_string(),
        submitted_on: date(&t["presentata_il"]),
        birth_date: date(&t["nato_il"]),
        isee: t.get("isee").map(money),
        isee_expires_on: opt_date(t, "scadenza_isee"),
        resident: flag(t, "residente", true),
        continuation: flag(t, "completamento", false),
        non_self_sufficient: flag(t, "non_autosufficiente", false),
        independent_living: flag(t, "vita_indipendente", false),
        other_interventions: flag(t, "altri_interventi", false),
        amount: money(&t["importo"]),
    }
}

fn check_graduatoria(t: &toml::Table) -> Result<(), String> {
    let apps: Vec<Application> = t["domande"].as_array().unwrap().iter().map(application).collect();
    let id = t.get("regole").and_then(Value::as_str).unwrap_or("milano-b2-2019");
    let set = rule_sets::builtin().get(id).map_err(|e| e.message)?;
    let measure = t["misura"].as_str().unwrap();
    let budget = money(&t["stanziamento"]);
    let r = b2::rank(&apps, set, measure, budget).map_err(|e| e.message)?;
    let atteso = t["atteso"].as_table().unwrap();
    let mut problems = Vec::new();
    let funded: Vec<String> = r.funded.iter().map(|x| x.protocol.clone()).collect();
    let not_funded: Vec<String> = r.admitted_not_funded.iter().map(|x| x.protocol.clone()).collect();
    if funded != strings(&atteso["finanziate"]) {
        problems.push(format!("finanziate {funded:?}, attese {:?}", strings(&atteso["finanziate"])));
    }
    if not_funded != strings(&atteso["non_finanziate"]) {
        problems
            .push(format!("non finanziate {not_funded:?}, attese {:?}", strings(&atteso["non_finanziate"])));
    }
    let got_na: BTreeMap<String, Vec<String>> = r
        .not_admitted
        .iter()
        .map(|x| (x.protocol.clone(), x.reasons.iter().map(|c| c.as_str().to_string()).collect()))
        .collect();
    let exp_na: BTreeMap<String, Vec<String>> =
        atteso["non_ammesse"].as_table().unwrap().iter().map(|(k, v)| (k.clone(), strings(v))).collect();
    if got_na != exp_na {
        problems.push(format!("non ammesse {got_na:?}, attese {exp_na:?}"));
    }
    if let Some(p) = atteso.get("punteggi") {
        for (protocol, score) in p.as_table().unwrap() {
            let got = r.admitted().find(|x| &x.protocol == protocol).map(|x| x.score_shown());
            if got.as_deref() != score.as_str() {
                problems.push(format!("punteggio di {protocol}: {got:?}, atteso {score}"));
            }
        }
    }
    if let Some(a) = atteso.get("assegnato") {
        if r.allocated != money(a) {
            problems.push(format!("assegnato {}, atteso {}", r.allocated, a.as_str().unwrap()));
        }
    }
    // Every not admitted application's trace gives the same reasons, in words.
    for x in &r.not_admitted {
        let app = apps.iter().find(|a| a.protocol == x.protocol).unwrap();
        let trace = b2::explain(app, set, measure).map_err(|e| e.message)?;
        let codes: Vec<_> = trace.reasons().iter().map(|r| r.code).collect();
        if codes != x.reasons {
            problems.push(format!("traccia di {}: {codes:?} invece di {:?}", x.protocol, x.reasons));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn run(sub: &str, check: impl Fn(&Path, &toml::Table) -> Result<(), String>) -> usize {
    let mut failures = Vec::new();
    let all = files(sub);
    for path in &all {
        let text = std::fs::read_to_string(path).unwrap();
        let t: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let nome = t["nome"].as_str().unwrap_or("?").to_string();
        if let Err(e) = check(path, &t) {
            failures.push(format!("{} «{nome}»: {e}", path.file_name().unwrap().to_string_lossy()));
        }
    }
    assert!(failures.is_empty(), "{} scenari non superati:\n{}", failures.len(), failures.join("\n"));
    all.len()
}

#[test]
fn scenari_requisiti() {
    let n = run("requisiti", check_requisiti);
    assert!(n >= 30, "solo {n} scenari: la cartella è stata letta?");
}

#[test]
fn scenari_graduatorie() {
    let n = run("graduatorie", |_, t| check_graduatoria(t));
    assert!(n >= 20, "solo {n} scenari: la cartella è stata letta?");
}

/// The public examples (shared/examples, copied in `esempi/`) through the library.
#[test]
fn esempi_pubblici() {
    let csv = std::fs::read_to_string(dir("esempi/b2-anziani-applications.csv")).unwrap();
    let apps = sportello::rules::applications::import_csv(&csv, &[]).unwrap();
    let set = rule_sets::builtin().get("milano-b2-2019").unwrap();
    let r = b2::rank(&apps, set, "b2-anziani", Money::from_str("20000.00").unwrap()).unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir("esempi/b2-anziani-expected.json")).unwrap())
            .unwrap();
    let funded: Vec<(u64, &str, String)> =
        r.funded.iter().map(|x| (x.position as u64, x.protocol.as_str(), x.score_shown())).collect();
    let exp_funded: Vec<(u64, &str, String)> = expected["funded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["position"].as_u64().unwrap(),
                x["protocol"].as_str().unwrap(),
                x["score"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(funded, exp_funded);
    assert_eq!(r.allocated.to_string(), expected["allocated"].as_str().unwrap());
    for name in ["household-family-with-minors", "household-new-resident-elderly", "household-newborn"] {
        let h = eligibility::parse_household_json(
            &std::fs::read_to_string(dir(&format!("esempi/{name}.json"))).unwrap(),
        )
        .unwrap();
        let exp: BTreeMap<String, bool> = serde_json::from_str(
            &std::fs::read_to_string(dir(&format!("esempi/{name}.expected.json"))).unwrap(),
        )
        .unwrap();
        let r = eligibility::evaluate(&h, rule_sets::builtin()).unwrap();
        let got: BTreeMap<String, bool> =
            r.measures.iter().map(|d| (d.measure.id().to_string(), d.eligible)).collect();
        assert_eq!(got, exp, "{name}");
    }
}
