//! The Italian scenarios of `tests/scenari/rimborsi/*.toml` (rules.md §7): each
//! file is a claim and the answer the office expects. The claim is turned into the
//! JSON of cli.md and goes through `parse_claim_json` and `reimburse`, as the
//! command line does. The format is described in `tests/scenari/README.md`.

#[path = "support/scenari.rs"]
mod scenari;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{json, Value};
use sportello_core::catalog::rule_sets;
use sportello_core::rules::reimbursement::{parse_claim_json, reimburse, Outcome};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    nome: String,
    descrizione: String,
    misura: String,
    #[serde(default = "yes")]
    finanziata: bool,
    contributo: Contributo,
    #[serde(default)]
    gia_rimborsati: Vec<MeseImporto>,
    #[serde(default)]
    documenti_precedenti: Vec<Precedente>,
    #[serde(default)]
    documenti: Vec<Documento>,
    atteso: Atteso,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Contributo {
    importo: String,
    dal: String,
    al: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeseImporto {
    mese: String,
    importo: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Precedente {
    emittente: String,
    numero: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Documento {
    id: String,
    tipo: String,
    emittente: String,
    numero: String,
    data: toml::value::Datetime,
    mese: String,
    importo: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Atteso {
    totale: Option<String>,
    /// Every month's cap, in order.
    quote: Option<Vec<String>>,
    /// What this claim reimburses, by month (months not listed: not checked).
    rimborsati: Option<BTreeMap<String, String>>,
    /// By document id: accepted amount and the complete list of codes.
    #[serde(default)]
    documenti: BTreeMap<String, EsitoDocumento>,
    residuo: Option<String>,
    errore: Option<String>,
    campo: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EsitoDocumento {
    accettato: String,
    #[serde(default)]
    motivi: Vec<String>,
}

fn claim_json(s: &Scenario) -> String {
    let docs: Vec<Value> = s
        .documenti
        .iter()
        .map(|d| {
            json!({"id": d.id, "type": d.tipo, "issuer": d.emittente, "number": d.numero,
                   "date": d.data.to_string(), "month": d.mese, "amount": d.importo})
        })
        .collect();
    let before: Vec<Value> =
        s.gia_rimborsati.iter().map(|m| json!({"month": m.mese, "amount": m.importo})).collect();
    let earlier: Vec<Value> =
        s.documenti_precedenti.iter().map(|p| json!({"issuer": p.emittente, "number": p.numero})).collect();
    json!({
        "measure": s.misura,
        "funded": s.finanziata,
        "award": {"amount": s.contributo.importo, "first_month": s.contributo.dal, "last_month": s.contributo.al},
        "already_reimbursed": before,
        "earlier_documents": earlier,
        "documents": docs,
    })
    .to_string()
}

fn check(file: &str, s: &Scenario, o: &Outcome) -> Vec<String> {
    let mut bad = Vec::new();
    let a = &s.atteso;
    if let Some(t) = &a.totale {
        if o.total.to_string() != *t {
            bad.push(format!("totale {} invece di {t}", o.total));
        }
    }
    if let Some(q) = &a.quote {
        let got: Vec<String> = o.months.iter().map(|m| m.cap.to_string()).collect();
        if got != *q {
            bad.push(format!("quote {got:?} invece di {q:?}"));
        }
    }
    for (month, amount) in a.rimborsati.iter().flatten() {
        match o.months.iter().find(|m| m.month.to_string() == *month) {
            Some(m) if m.reimbursed.to_string() == *amount => {}
            Some(m) => bad.push(format!("mese {month}: rimborsati {} invece di {amount}", m.reimbursed)),
            None => bad.push(format!("mese {month} assente dall'esito")),
        }
    }
    for (id, e) in &a.documenti {
        match o.documents.iter().find(|d| d.id == *id) {
            Some(d) => {
                let codes: Vec<String> = d.reasons.iter().map(|r| r.code.to_string()).collect();
                if d.accepted.to_string() != e.accettato || codes != e.motivi {
                    bad.push(format!(
                        "documento {id}: {} {codes:?} invece di {} {:?}",
                        d.accepted, e.accettato, e.motivi
                    ));
                }
                if d.reasons.iter().any(|r| r.text.trim().is_empty()) {
                    bad.push(format!("documento {id}: un motivo senza testo"));
                }
            }
            None => bad.push(format!("documento {id} assente dall'esito")),
        }
    }
    if let Some(r) = &a.residuo {
        if o.balance.left.to_string() != *r {
            bad.push(format!("residuo {} invece di {r}", o.balance.left));
        }
    }
    bad.into_iter().map(|b| format!("{file} ({}): {b}", s.nome)).collect()
}

#[test]
fn scenari_rimborsi() {
    let mut failures = Vec::new();
    for (file, text) in scenari::files("rimborsi", 12) {
        let s: Scenario = toml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!s.nome.trim().is_empty() && !s.descrizione.trim().is_empty(), "{file}: nome e descrizione");
        let answer = parse_claim_json(&claim_json(&s)).and_then(|c| reimburse(&c, rule_sets::builtin()));
        match (&s.atteso.errore, answer) {
            (None, Ok(o)) => failures.extend(check(&file, &s, &o)),
            (None, Err(e)) => failures.push(format!("{file}: errore inatteso {e:?}")),
            (Some(code), Ok(_)) => failures.push(format!("{file}: atteso l'errore {code}, nessun errore")),
            (Some(code), Err(e)) => {
                if e.code.as_str() != code || (s.atteso.campo.is_some() && e.field != s.atteso.campo) {
                    failures.push(format!(
                        "{file}: errore {:?} {:?} invece di {code} {:?}",
                        e.code, e.field, s.atteso.campo
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
