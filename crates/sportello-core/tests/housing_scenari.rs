//! The Italian scenarios of `tests/scenari/alloggi/*.toml` (rules.md §8): units,
//! the stays already recorded, and what the office expects of new stays
//! (`check_stay`), of the occupancy from a date and of the waiting list. The
//! format is described in `tests/scenari/README.md`.

#[path = "support/scenari.rs"]
mod scenari;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;
use sportello_core::catalog::rule_sets;
use sportello_core::rules::housing::{
    self, check_stay, match_waiting, occupancy, Destination, Exit, Stay, Unit, UnitState, WaitingEntry,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    nome: String,
    descrizione: String,
    alloggi: Vec<Alloggio>,
    #[serde(default)]
    inserimenti: Vec<Inserimento>,
    #[serde(default)]
    verifiche: Vec<Inserimento>,
    occupazione: Option<Occupazione>,
    abbinamento: Option<Abbinamento>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Alloggio {
    id: String,
    nome: String,
    posti: u32,
    #[serde(default = "attivo")]
    stato: String,
}

fn attivo() -> String {
    "attivo".into()
}

/// A stay; in `verifiche` also what `check_stay` must answer.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inserimento {
    id: String,
    alloggio: String,
    posto: Option<u32>,
    nucleo: String,
    #[serde(default = "one")]
    persone: u32,
    ingresso: toml::value::Datetime,
    fine_prevista: toml::value::Datetime,
    uscita: Option<toml::value::Datetime>,
    destinazione: Option<String>,
    accettato: Option<bool>,
    errore: Option<String>,
    campo: Option<String>,
    messaggio_contiene: Option<String>,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Occupazione {
    dal: toml::value::Datetime,
    settimane: u32,
    atteso: AttesoOccupazione,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttesoOccupazione {
    /// Per unit, the places taken in each week.
    #[serde(default)]
    occupati: BTreeMap<String, Vec<u32>>,
    liberi_oggi: Option<u32>,
    #[serde(default)]
    in_scadenza: Vec<String>,
    #[serde(default)]
    oltre_scadenza: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Abbinamento {
    data: toml::value::Datetime,
    attesa: Vec<Attesa>,
    /// `"A/2"` (unit A, bed 2) or `"A"` (the whole unit A) → households in order;
    /// every proposal must be listed.
    atteso: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Attesa {
    nucleo: String,
    posti: u32,
    priorita: u8,
    iscritto_il: toml::value::Datetime,
}

fn date(d: &toml::value::Datetime) -> NaiveDate {
    NaiveDate::parse_from_str(&d.to_string(), "%Y-%m-%d").unwrap_or_else(|_| panic!("data {d}"))
}

fn unit(a: &Alloggio) -> Unit {
    Unit {
        id: a.id.clone(),
        name: a.nome.clone(),
        places: a.posti,
        state: UnitState::parse(&a.stato).unwrap_or_else(|| panic!("stato {}", a.stato)),
    }
}

fn stay(i: &Inserimento) -> Stay {
    let exit = i.uscita.as_ref().map(|u| Exit {
        date: date(u),
        destination: Destination::parse(i.destinazione.as_deref().expect("uscita senza destinazione"))
            .unwrap_or_else(|| panic!("destinazione {:?}", i.destinazione)),
    });
    assert!(exit.is_some() || i.destinazione.is_none(), "{}: destinazione senza uscita", i.id);
    Stay {
        id: i.id.clone(),
        unit: i.alloggio.clone(),
        place: i.posto,
        household: i.nucleo.clone(),
        people: i.persone,
        entry: date(&i.ingresso),
        planned_end: date(&i.fine_prevista),
        exit,
    }
}

fn run(file: &str, s: &Scenario) -> Vec<String> {
    let mut bad = Vec::new();
    let rules = rule_sets::builtin();
    let units: Vec<Unit> = s.alloggi.iter().map(unit).collect();
    let recorded: Vec<Stay> = s
        .inserimenti
        .iter()
        .map(|i| {
            assert!(
                i.accettato.is_none() && i.errore.is_none(),
                "{file}: esito in un inserimento registrato"
            );
            stay(i)
        })
        .collect();
    for v in &s.verifiche {
        let new = stay(v);
        let u = units
            .iter()
            .find(|u| u.id == new.unit)
            .unwrap_or_else(|| panic!("{file}: alloggio {}", new.unit));
        let answer = housing::settings(rules, "F205", new.entry)
            .and_then(|settings| check_stay(&new, u, &recorded, &settings));
        match (answer, &v.errore) {
            (Ok(()), None) => {
                assert_eq!(v.accettato, Some(true), "{file}: {}: indicare accettato = true", v.id)
            }
            (Ok(()), Some(code)) => bad.push(format!("{}: accettato, atteso l'errore {code}", v.id)),
            (Err(e), None) => {
                bad.push(format!("{}: rifiutato ({:?} {:?}: {})", v.id, e.code, e.field, e.message))
            }
            (Err(e), Some(code)) => {
                if e.code.as_str() != code || e.field != v.campo {
                    bad.push(format!(
                        "{}: errore {:?} {:?} invece di {code} {:?}",
                        v.id, e.code, e.field, v.campo
                    ));
                }
                if let Some(part) = &v.messaggio_contiene {
                    if !e.message.contains(part.as_str()) {
                        bad.push(format!("{}: il messaggio «{}» non contiene «{part}»", v.id, e.message));
                    }
                }
            }
        }
    }
    if let Some(o) = &s.occupazione {
        let from = date(&o.dal);
        let settings = housing::settings(rules, "F205", from).unwrap();
        let got = occupancy(&units, &recorded, &settings, from, o.settimane);
        let a = &o.atteso;
        for (id, weeks) in &a.occupati {
            match got.units.iter().find(|u| u.unit == *id) {
                Some(u) if u.taken == *weeks => {}
                Some(u) => bad.push(format!("alloggio {id}: occupati {:?} invece di {weeks:?}", u.taken)),
                None => bad.push(format!("alloggio {id} assente")),
            }
        }
        if let Some(n) = a.liberi_oggi {
            if got.free_today != n {
                bad.push(format!("posti liberi {} invece di {n}", got.free_today));
            }
        }
        let ids = |v: &[housing::StayReminder]| v.iter().map(|r| r.stay.clone()).collect::<Vec<_>>();
        if ids(&got.ending_soon) != a.in_scadenza {
            bad.push(format!("in scadenza {:?} invece di {:?}", ids(&got.ending_soon), a.in_scadenza));
        }
        if ids(&got.overstays) != a.oltre_scadenza {
            bad.push(format!("oltre la scadenza {:?} invece di {:?}", ids(&got.overstays), a.oltre_scadenza));
        }
        for r in got.ending_soon.iter().chain(&got.overstays) {
            if r.text.trim().is_empty() {
                bad.push(format!("{}: promemoria senza testo", r.stay));
            }
        }
    }
    if let Some(m) = &s.abbinamento {
        let waiting: Vec<WaitingEntry> = m
            .attesa
            .iter()
            .map(|w| WaitingEntry {
                household: w.nucleo.clone(),
                need_places: w.posti,
                priority: w.priorita,
                since: date(&w.iscritto_il),
            })
            .collect();
        let got: BTreeMap<String, Vec<String>> = match_waiting(&waiting, &units, &recorded, date(&m.data))
            .into_iter()
            .map(|p| {
                let key = match p.place {
                    Some(n) => format!("{}/{n}", p.unit),
                    None => p.unit.clone(),
                };
                (key, p.candidates.into_iter().map(|c| c.household).collect())
            })
            .collect();
        if got != m.atteso {
            bad.push(format!("abbinamento {got:?} invece di {:?}", m.atteso));
        }
    }
    bad.into_iter().map(|b| format!("{file} ({}): {b}", s.nome)).collect()
}

#[test]
fn scenari_alloggi() {
    let mut failures = Vec::new();
    for (file, text) in scenari::files("alloggi", 10) {
        let s: Scenario = toml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!s.nome.trim().is_empty() && !s.descrizione.trim().is_empty(), "{file}: nome e descrizione");
        assert!(
            !s.verifiche.is_empty() || s.occupazione.is_some() || s.abbinamento.is_some(),
            "{file}: nulla da verificare"
        );
        failures.extend(run(&file, &s));
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
