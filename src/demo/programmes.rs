//! The funded programmes (issue 12): the seeds' two, as the office would
//! have recorded them, and one running today with members of the demo's
//! households enrolled from their signed patti.
//!
//! - «Traiettorie per l'inclusione socio lavorativa» (seed `001_…`): Ambito
//!   di Sesto San Giovanni (Sesto San Giovanni and Cologno Monzese), PON
//!   Inclusione FSE 2014-2020, 227.424,00 €, convenzione AV3-2016-LOM-79,
//!   with the activities the seed lists and AFOL Metropolitana for the
//!   orientamento; linked to its finances in "Progetti finanziati".
//! - «CIAO! – Capacitazione, Inclusione, Attivazione e Occupazione» (seed
//!   `003_…`): capofila A.S.S.E.MI, 16/07/2020-31/12/2021, the seven public
//!   partners and thirteen third-sector ones the seed names, the supporting
//!   anti-violence networks, its three governance bodies and its
//!   activities. The seed gives no amount: the value stays "not known".
//! - «Percorsi di inclusione attiva» 2024-2027 of the Comune di Milano: a
//!   programme invented for the demonstration (the seeds' are over), so that
//!   today's signed patti have interventions to enrol members in: tirocini,
//!   a course of Italian for work, orientamento with AFOL, activities di
//!   bene comune, socio-educational support; participants in every state.
//!
//! Periods and partners come from the seeds; the third programme, the
//! catalogue's titles beyond the seeds' words, the tirocini's hosts and
//! tutors are invented.

use chrono::Duration;
use serde_json::{json, Value};

use super::*;
use crate::domain::programme::{EnrolmentInput, ProgrammeInput};

fn from_json<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, Error> {
    serde_json::from_value(v).map_err(|e| Error::new(Code::Internal, format!("dati della demo: {e}")))
}

fn day(s: &str) -> NaiveDate {
    crate::dates::parse_iso("date", s).expect("a date of the demo")
}

/// A demo whose "today" is before this has none of the programmes.
pub(super) fn first_day() -> NaiveDate {
    day("2024-02-01")
}

#[derive(Debug, Default)]
pub(super) struct PlayedProgrammes {
    pub programmes: usize,
    pub enrolments: usize,
    /// The seeds' two programmes, with the participants each should get.
    pub seeds: Vec<(crate::domain::programme::Programme, usize)>,
}

/// How many people take part in each of the seeds' programmes: seed 001
/// speaks of about 400 citizens for Traiettorie; CIAO! gives no number.
const TRAIETTORIE_PARTICIPANTS: usize = 290;
const CIAO_PARTICIPANTS: usize = 110;

fn partner(name: &str, kind: &str, role: &str) -> Value {
    json!({ "name": name, "kind": kind, "role": role })
}

fn traiettorie(funded_project: Option<String>) -> Value {
    json!({
        "title": "Traiettorie per l'inclusione socio lavorativa",
        "fund": "Fondo Sociale Europeo 2014-2020",
        "programme": "PON Inclusione — Avviso 3/2016",
        "convention": "AV3-2016-LOM-79",
        "cup": "",
        "start_on": "2017-01-01",
        "end_on": "2020-12-31",
        "budget": "227424.00",
        "lead_body": "Ambito di Sesto San Giovanni",
        "target": "Cittadini beneficiari del contributo economico (SIA, REI, Reddito di Cittadinanza) dei Comuni di Sesto San Giovanni e Cologno Monzese e i loro nuclei.",
        "esf": true,
        "funded_project_id": funded_project,
        "partners": [
            partner("Comune di Sesto San Giovanni", "pubblico", "capofila"),
            partner("Comune di Cologno Monzese", "pubblico", "partner"),
            partner("AFOL Metropolitana — Centro per l'impiego", "pubblico", "partner"),
        ],
        "bodies": [],
        "interventions": [
            { "kind": "socio_educativo", "title": "Supporto socio educativo" },
            { "kind": "corso", "title": "Accompagnamento ai percorsi formativi", "hours_planned": 80 },
            { "kind": "orientamento", "title": "Orientamento e ricerca attiva del lavoro" },
            { "kind": "bene_comune", "title": "Attività di bene comune a beneficio della collettività" },
            { "kind": "tirocinio", "title": "Tirocinio di inclusione" },
        ],
    })
}

fn ciao() -> Value {
    let public = [
        ("AZIENDA SOCIALE SUD EST MILANO – A.S.S.E.MI", "capofila"),
        ("CITTÀ METROPOLITANA DI MILANO", "referente"),
        ("UFFICIO DI PIANO AMBITO CORSICHESE", "partner"),
        ("UFFICIO DI PIANO AMBITO VISCONTEO SUD MILANO", "partner"),
        ("COMUNE DI PAULLO", "partner"),
        ("ASST Melegnano Martesana", "partner"),
        ("AFOL", "partner"),
    ];
    let third = [
        "ASSOCIAZIONE PIANO C",
        "COOP. MELOGRANO",
        "COOP. PRATICARE IL FUTURO",
        "COOP. LOTTA CONTRO L'EMARGINAZIONE",
        "COOP. STRIPES",
        "COOP. EUREKA",
        "CONSORZIO MESTIERI LOMBARDIA",
        "CONSORZIO SIR",
        "A&I SCS ONLUS",
        "COOP. SOCIALE OFFICINA LAVORO ONLUS",
        "COOP. CESVIP",
        "FONDAZIONE SOMASCHI ONLUS",
        "LA STRADA",
    ];
    let mut partners: Vec<Value> = public.iter().map(|(n, r)| partner(n, "pubblico", r)).collect();
    partners.extend(third.iter().map(|n| partner(n, "terzo_settore", "attuatore")));
    partners.push(partner(
        "Rete antiviolenza del Distretto Sociale Sud Est Milano",
        "pubblico",
        "sostenitore",
    ));
    partners.push(partner("Rete antiviolenza del Distretto del Visconteo", "pubblico", "sostenitore"));
    json!({
        "title": "CIAO! – Capacitazione, Inclusione, Attivazione e Occupazione",
        "fund": "Fondo Sociale Europeo 2014-2020",
        "programme": "Progetto di intervento territoriale integrato — Città Metropolitana di Milano",
        "convention": "",
        "cup": "",
        "start_on": "2020-07-16",
        "end_on": "2021-12-31",
        "budget": "",
        "lead_body": "Azienda Sociale Sud Est Milano – A.S.S.E.MI",
        "target": "Donne e giovani in situazione di vulnerabilità sociale, relazionale ed economica, non occupati alla presa in carico, che non trovano risposta nelle misure di contrasto alla povertà già attive.",
        "esf": true,
        "partners": partners,
        "bodies": [
            { "kind": "cabina_di_regia", "name": "Cabina di Regia (CdR)",
              "remit": "Gestione strategica del progetto; raccordo costante con Città Metropolitana.",
              "members": ["A.S.S.E.MI, ente capofila", "I referenti dei partner di progetto"] },
            { "kind": "coordinamento_operativo", "name": "Gruppo di coordinamento operativo di progetto",
              "remit": "Coordina i livelli di attività e definisce il piano di realizzazione delle attività.",
              "members": [] },
            { "kind": "comunita_di_pratica", "name": "Comunità di pratica per azione",
              "remit": "Raccordo territoriale e di sistema tra le organizzazioni impegnate nelle attività.",
              "members": [] },
        ],
        "interventions": [
            { "kind": "consulenza", "title": "Consulenze specifiche per approfondimenti valutativi" },
            { "kind": "corso", "title": "Corsi di formazione, laboratori e gruppi di capacitazione", "hours_planned": 60 },
            { "kind": "tirocinio", "title": "Tirocini per l'inclusione sociale e l'occupazione" },
            { "kind": "bene_comune", "title": "Attività ed eventi per l'attivazione della comunità" },
        ],
    })
}

fn percorsi() -> Value {
    json!({
        "title": "Percorsi di inclusione attiva",
        "fund": "FSE+ 2021-2027",
        "programme": "PN Inclusione e lotta alla povertà",
        "convention": "Convenzione di sovvenzione n. 12/2024 (demo)",
        "cup": "",
        "start_on": "2024-01-15",
        "end_on": "2027-12-31",
        "budget": "1250000.00",
        "lead_body": "Comune di Milano — Area Servizi sociali territoriali",
        "target": "Persone e nuclei in carico ai servizi sociali territoriali con un progetto personalizzato, in età da lavoro e non occupati.",
        "esf": true,
        "partners": [
            partner("Comune di Milano", "pubblico", "capofila"),
            partner("AFOL Metropolitana — Centro per l'impiego di Milano", "pubblico", "partner"),
            partner("COOP. LOTTA CONTRO L'EMARGINAZIONE", "terzo_settore", "attuatore"),
            partner("CELAV — Centro di mediazione al lavoro", "pubblico", "attuatore"),
        ],
        "bodies": [
            { "kind": "cabina_di_regia", "name": "", "remit": "Indirizzo e verifica semestrale del programma.",
              "members": ["Direzione Welfare e Salute, Comune di Milano", "Referente AFOL Metropolitana", "Referente COOP. LOTTA CONTRO L'EMARGINAZIONE"] },
            { "kind": "coordinamento_operativo", "name": "", "remit": "Abbinamento dei partecipanti agli interventi, monitoraggio mensile.",
              "members": ["Coordinatrice dei servizi sociali territoriali", "Tutor dei tirocini CELAV"] },
        ],
        "interventions": [
            { "kind": "tirocinio", "title": "Tirocinio di inclusione" },
            { "kind": "corso", "title": "Italiano per il lavoro (livello A2)", "hours_planned": 60 },
            { "kind": "orientamento", "title": "Orientamento e ricerca attiva del lavoro" },
            { "kind": "bene_comune", "title": "Attività di bene comune nei quartieri" },
            { "kind": "socio_educativo", "title": "Sostegno socio-educativo al nucleo" },
        ],
    })
}

/// The ISCED levels the demo's participants declare, in turn ("": not asked yet).
const ISCED_CYCLE: [&str; 6] = ["", "1", "2", "3", "0", "6"];

/// A tirocinio's host and tutor.
const TIROCINI: &[(&str, &str)] = &[
    ("Falegnameria sociale Il Ponte, via Padova 120, Milano", "Giorgio Brambilla"),
    ("Mercato comunale di piazzale Lagosta, Milano", "Sara Colombo"),
    ("Cooperativa sociale Il Giardinone, via Ripamonti 88, Milano", "Paolo Fumagalli"),
];

pub(super) fn play_programmes(
    db: &Path,
    documents: &Path,
    key: &DbKey,
    households: &[Household],
    today: NaiveDate,
) -> Result<PlayedProgrammes, Error> {
    let at = |who: &str, on: NaiveDate| {
        Service::unlocked(db, documents, key.duplicate(), Credentials::password(who, ""), Some(on.min(today)))
    };
    let mut played = PlayedProgrammes::default();
    let coord = at("averdi", first_day())?;
    // The seed 001 programme points at its finances, when the demo has them.
    let funded = coord
        .finance_list()
        .ok()
        .and_then(|l| l.into_iter().find(|p| p.title.starts_with("Traiettorie")).map(|p| p.id.to_string()));
    drop(coord);
    // Each recorded on the day it started, as the office would have.
    for (p, wanted) in
        [(traiettorie(funded), TRAIETTORIE_PARTICIPANTS), (ciao(), CIAO_PARTICIPANTS), (percorsi(), 0)]
    {
        let input = from_json::<ProgrammeInput>(p)?;
        let start = crate::dates::parse_iso("start_on", input.start_on.as_deref().unwrap_or_default())?;
        let saved = at("averdi", start)?.programme_save(input)?;
        played.programmes += 1;
        if wanted > 0 {
            played.seeds.push((saved.programme, wanted));
        }
    }
    let coord = at("averdi", first_day())?;
    let running = coord
        .programme_list()?
        .into_iter()
        .find(|p| p.title == "Percorsi di inclusione attiva")
        .ok_or_else(|| Error::new(Code::Internal, "dati della demo: programma non salvato"))?;
    let programme = coord.programme_get(running.id)?.programme;
    drop(coord);

    // Who acts on a case: its operatore (by name), else the coordinator.
    let login_of = |h: &Household| {
        h.responsabile
            .as_ref()
            .and_then(|r| OPERATORS.iter().find(|(_, name, _)| *name == r.name).map(|(l, _, _)| *l))
            .unwrap_or("averdi")
    };
    let mut n = 0usize;
    for h in households {
        let s = at(login_of(h), today)?;
        let Some(project) = s.project_get(h.id)? else { continue };
        if !matches!(project.status, ProjectStatus::Sottoscritto | ProjectStatus::InCorso) {
            continue;
        }
        let Some(signed) = project.signed_on else { continue };
        let adults: Vec<_> = h.members.iter().filter(|m| m.is_adult_on(signed)).collect();
        for (k, m) in adults.iter().take(2).enumerate() {
            let intervention = &programme.interventions[(n + k) % programme.interventions.len()];
            let entry = (signed + Duration::days(7 + 3 * k as i64)).max(programme.start_on);
            if entry > today {
                continue;
            }
            let mut form = json!({
                "household_id": h.id.to_string(),
                "member_id": m.id.to_string(),
                "intervention_id": intervention.id.to_string(),
                "project_id": project.id.to_string(),
                "support_id": project.supports.first().map(|x| x.id.to_string()),
                "entry_date": entry.to_string(),
                "labour_status": match m.employment.map(|e| e.as_str()) {
                    Some("occupato") => "occupato",
                    Some("disoccupato" | "disoccupato_lungo_periodo") => "disoccupato",
                    Some(_) => "inattivo",
                    None => "",
                },
                "unemployed_since": match m.employment.map(|e| e.as_str()) {
                    Some("disoccupato_lungo_periodo") => (entry - Duration::days(400 + 30 * (n as i64 % 7))).to_string(),
                    Some("disoccupato") => (entry - Duration::days(90 + 20 * (n as i64 % 5))).to_string(),
                    _ => String::new(),
                },
                "isced": ISCED_CYCLE[n % ISCED_CYCLE.len()],
                "foreign_background": if m.citizenship.as_str() == "italiana" { "" } else { "si" },
                "disability": if m.disability_certified { "si" } else { "no" },
                "homeless": "no",
                "household_jobless": if n.is_multiple_of(3) { "si" } else { "" },
                "dependent_children": if h.members.iter().any(|x| !x.is_adult_on(entry)) { "si" } else { "no" },
                "single_adult": if adults.len() == 1 { "si" } else { "no" },
            });
            let (host, tutor) = TIROCINI[n % TIROCINI.len()];
            match intervention.kind.as_str() {
                "tirocinio" => {
                    form["host"] = json!(host);
                    form["tutor"] = json!(tutor);
                    form["planned_end"] =
                        json!((entry + Duration::days(182)).min(programme.end_on).to_string());
                    form["hours_week"] = json!(20 + 5 * (n % 3));
                    form["allowance"] = json!("500.00");
                    form["allowance_payer"] = json!("Comune di Milano, con i fondi del programma");
                }
                "corso" => form["hours_attended"] = json!((entry - signed).num_days().clamp(0, 60)),
                "orientamento" => {
                    form["agency"] = json!("AFOL Metropolitana — Centro per l'impiego di Milano")
                }
                "bene_comune" => {
                    form["place"] = json!("Biblioteca di quartiere Calvairate, via Ciceri Visconti 1");
                    form["hours_week"] = json!(6);
                }
                _ => {}
            }
            // Some have left, in every way, when their path allowed it.
            let exit = entry + Duration::days(120);
            if exit <= today {
                let (outcome, status, note) = [
                    ("completato", "in_cerca_di_lavoro", ""),
                    ("assunto", "occupato", "Contratto a tempo determinato di 12 mesi."),
                    ("ritirato", "", "Trasferimento del nucleo in un altro comune."),
                    ("completato", "qualifica_ottenuta", ""),
                    ("altro_servizio", "altro", "Presa in carico dal servizio per le dipendenze."),
                ][n % 5];
                if n % 4 != 3 {
                    form["exit_date"] = json!(exit.to_string());
                    form["outcome"] = json!(outcome);
                    form["exit_status"] = json!(status);
                    form["outcome_note"] = json!(note);
                }
            }
            s.enrolment_save(from_json::<EnrolmentInput>(form)?)?;
            played.enrolments += 1;
        }
        n += 1;
    }
    Ok(played)
}
