//! The Italian scenarios of `tests/scenari/finanza/*.toml` (rules.md §8): a funded
//! project with its commitments and payments, and the amounts and warnings the
//! office expects on given dates. The format is in `tests/scenari/README.md`.

#[path = "support/scenari.rs"]
mod scenari;

use chrono::NaiveDate;
use serde::Deserialize;
use sportello_core::error::Result;
use sportello_core::rules::project_finance::{
    amounts, check_records, warnings, Commitment, Cup, FundedProject, Payment,
};
use sportello_core::Money;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    nome: String,
    descrizione: String,
    progetto: Progetto,
    #[serde(default)]
    impegni: Vec<Impegno>,
    #[serde(default)]
    pagamenti: Vec<Pagamento>,
    /// Either one error (the records are refused), or the answers on some dates.
    errore: Option<Errore>,
    #[serde(default)]
    atteso: Vec<Atteso>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Progetto {
    codice: String,
    cup: String,
    rup: String,
    attuatore: String,
    inizio: toml::value::Datetime,
    fine: toml::value::Datetime,
    programmato: String,
    ammesso: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Impegno {
    id: String,
    data: toml::value::Datetime,
    importo: String,
    descrizione: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pagamento {
    id: String,
    data: toml::value::Datetime,
    importo: String,
    impegno: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Errore {
    codice: String,
    campo: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Atteso {
    data: toml::value::Datetime,
    programmato: Option<String>,
    ammesso: Option<String>,
    giuridicamente_vincolante: String,
    erogato: String,
    /// The complete list of warning codes, in order (code, then record).
    #[serde(default)]
    avvisi: Vec<String>,
    /// Pieces of text that must appear in the warnings, e.g. "5.000,00 €".
    #[serde(default)]
    testi: Vec<String>,
}

fn date(d: &toml::value::Datetime) -> NaiveDate {
    NaiveDate::parse_from_str(&d.to_string(), "%Y-%m-%d").unwrap_or_else(|_| panic!("data {d}"))
}

fn money(s: &str) -> Money {
    Money::parse(s).unwrap_or_else(|e| panic!("{s}: {}", e.message))
}

fn records(s: &Scenario) -> Result<(FundedProject, Vec<Commitment>, Vec<Payment>)> {
    let p = &s.progetto;
    let project = FundedProject {
        code: p.codice.clone(),
        cup: Cup::parse(&p.cup)?,
        rup: p.rup.clone(),
        attuatore: p.attuatore.clone(),
        start: date(&p.inizio),
        end: date(&p.fine),
        programmato: money(&p.programmato),
        ammesso: money(&p.ammesso),
    };
    let commitments: Vec<Commitment> = s
        .impegni
        .iter()
        .map(|i| Commitment {
            id: i.id.clone(),
            date: date(&i.data),
            amount: money(&i.importo),
            description: i.descrizione.clone(),
        })
        .collect();
    let payments: Vec<Payment> = s
        .pagamenti
        .iter()
        .map(|p| Payment {
            id: p.id.clone(),
            date: date(&p.data),
            amount: money(&p.importo),
            commitment: p.impegno.clone(),
        })
        .collect();
    check_records(&project, &commitments, &payments)?;
    Ok((project, commitments, payments))
}

fn run(s: &Scenario) -> Vec<String> {
    let mut bad = Vec::new();
    let (project, commitments, payments) = match (records(s), &s.errore) {
        (Ok(r), None) => r,
        (Ok(_), Some(e)) => return vec![format!("atteso l'errore {} {}, nessun errore", e.codice, e.campo)],
        (Err(e), None) => return vec![format!("errore inatteso {:?} {:?}: {}", e.code, e.field, e.message)],
        (Err(e), Some(x)) => {
            if e.code.as_str() != x.codice || e.field.as_deref() != Some(x.campo.as_str()) {
                bad.push(format!("errore {:?} {:?} invece di {} {}", e.code, e.field, x.codice, x.campo));
            }
            if e.message.trim().is_empty() {
                bad.push("errore senza messaggio".into());
            }
            return bad;
        }
    };
    for a in &s.atteso {
        let on = date(&a.data);
        let got = amounts(&project, &commitments, &payments, on);
        let pairs = [
            ("programmato", Some(got.programmato), &a.programmato),
            ("ammesso", Some(got.ammesso), &a.ammesso),
            (
                "giuridicamente vincolante",
                Some(got.giuridicamente_vincolante),
                &Some(a.giuridicamente_vincolante.clone()),
            ),
            ("erogato", Some(got.erogato), &Some(a.erogato.clone())),
        ];
        for (what, value, expected) in pairs {
            if let (Some(v), Some(e)) = (value, expected) {
                if v != money(e) {
                    bad.push(format!("al {on}: {what} {v} invece di {e}"));
                }
            }
        }
        let w = warnings(&project, &commitments, &payments, on);
        let codes: Vec<String> = w.iter().map(|w| w.code.to_string()).collect();
        if codes != a.avvisi {
            bad.push(format!("al {on}: avvisi {codes:?} invece di {:?}", a.avvisi));
        }
        for t in &a.testi {
            if !w.iter().any(|w| w.text.contains(t.as_str())) {
                let texts: Vec<&str> = w.iter().map(|w| w.text.as_str()).collect();
                bad.push(format!("al {on}: nessun avviso contiene «{t}»: {texts:#?}"));
            }
        }
    }
    bad
}

#[test]
fn scenari_finanza() {
    let mut failures = Vec::new();
    for (file, text) in scenari::files("finanza", 7) {
        let s: Scenario = toml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!s.nome.trim().is_empty() && !s.descrizione.trim().is_empty(), "{file}: nome e descrizione");
        assert!(s.errore.is_some() == s.atteso.is_empty(), "{file}: o un errore o i risultati attesi");
        failures.extend(run(&s).into_iter().map(|b| format!("{file} ({}): {b}", s.nome)));
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
