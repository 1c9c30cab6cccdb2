//! The report as `sportello indicators` prints it: the JSON of cli.md (plus the
//! result indicators under their own key) and an Italian table.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Counts, Line, Report};

/// The `--json` document. A struct so that serde writes the keys in the contract's
/// order; the codes' maps are ordered by code (CO01 … CO19 sort as text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonReport {
    /// "2021-2027" for the ESF+ indicators (`--periodo 2021-2027`); absent for
    /// 2014-2020, whose document is the contract's, unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<&'static str>,
    /// The ids of the rule sets used, in date order, joined with ", "; "" when no
    /// participant was given.
    pub rule_set: String,
    pub participants: usize,
    pub indicators: BTreeMap<String, Counts>,
    pub missing: BTreeMap<String, usize>,
    /// CR01-CR05 at exit; kept out of `indicators` and `missing`, which the
    /// contract fixes to CO01-CO19.
    pub results: BTreeMap<String, Counts>,
}

pub fn to_json(report: &Report) -> JsonReport {
    let counts = |lines: &[Line]| lines.iter().map(|l| (l.code.clone(), l.counts)).collect();
    JsonReport {
        period: (report.period != super::Period::Fse2014).then(|| report.period.as_str()),
        rule_set: super::rule_set_ids(report),
        participants: report.participants,
        indicators: counts(&report.outputs),
        missing: report.outputs.iter().map(|l| (l.code.clone(), l.missing)).collect(),
        results: counts(&report.results),
    }
}

/// The Italian wording of a code (Allegato I del Reg. UE 1304/2013, shortened;
/// the ESF+ codes, EECO/EECR, from Allegato I del Reg. UE 2021/1057).
pub fn description(code: &str) -> Option<&'static str> {
    if code.starts_with("EE") {
        return super::plus::description(code);
    }
    Some(match code {
        "CO01" => "disoccupati, compresi i disoccupati di lunga durata",
        "CO02" => "disoccupati di lunga durata",
        "CO03" => "persone inattive",
        "CO04" => "persone inattive che non seguono un corso di istruzione o formazione",
        "CO05" => "occupati, compresi i lavoratori autonomi",
        "CO06" => "persone di età inferiore a 25 anni",
        "CO07" => "persone di età superiore a 54 anni",
        "CO08" => "oltre 54 anni, disoccupate o inattive che non seguono istruzione o formazione",
        "CO09" => "titolo di istruzione primaria o secondaria inferiore (ISCED 1-2)",
        "CO10" => "titolo di istruzione secondaria superiore o post-secondaria (ISCED 3-4)",
        "CO11" => "titolo di istruzione terziaria (ISCED 5-8)",
        "CO12" => "persone che vivono in una famiglia senza lavoro",
        "CO13" => "in una famiglia senza lavoro con figli a carico",
        "CO14" => "in una famiglia con un solo adulto e figli a carico",
        "CO15" => "migranti, persone di origine straniera, minoranze (compresi i Rom)",
        "CO16" => "persone con disabilità",
        "CO17" => "altre persone svantaggiate",
        "CO18" => "senza dimora o colpite da esclusione abitativa",
        "CO19" => "persone provenienti da zone rurali",
        "CR01" => "in cerca di lavoro all'uscita",
        "CR02" => "in un percorso di istruzione o formazione all'uscita",
        "CR03" => "con una qualifica ottenuta all'uscita",
        "CR04" => "occupati, anche autonomi, all'uscita",
        "CR05" => "svantaggiati in una delle situazioni CR01-CR04 all'uscita",
        _ => return None,
    })
}

/// The readable Italian report: a table per group of indicators, and a note for the
/// codes not reported for every participant (CO12-CO14 after the Omnibus change).
pub fn to_text(report: &Report) -> String {
    let mut s = String::new();
    s.push_str(&match report.period {
        super::Period::Fse2014 => "Indicatori comuni FSE (Reg. UE 1304/2013, Allegato I)\n".to_string(),
        p => format!("Indicatori comuni {} ({})\n", p.label(), p.regulation()),
    });
    s.push_str(&format!("Partecipanti: {}\n", report.participants));
    let sets = super::rule_set_ids(report);
    s.push_str(&format!(
        "Regole applicate: {}\n",
        if sets.is_empty() { "nessuna (nessun partecipante)".to_string() } else { sets }
    ));
    s.push_str("\nIndicatori di output all'ingresso\n");
    table(&mut s, &report.outputs, report.participants);
    s.push_str(&format!("\nIndicatori di risultato all'uscita (partecipanti usciti: {})\n", report.exited));
    table(&mut s, &report.results, report.exited);
    s
}

const DESCRIPTION_WIDTH: usize = 78;

fn table(s: &mut String, lines: &[Line], population: usize) {
    s.push_str(&format!(
        "{:<6} {:<w$} {:>5} {:>5} {:>7} {:>9}\n",
        "Codice",
        "Descrizione",
        "F",
        "M",
        "Totale",
        "Mancanti",
        w = DESCRIPTION_WIDTH
    ));
    let mut notes = Vec::new();
    for l in lines {
        let d = description(&l.code).unwrap_or("");
        // `{:<w$}` pads by chars, which is what a terminal shows for "à".
        s.push_str(&format!(
            "{:<6} {:<w$} {:>5} {:>5} {:>7} {:>9}\n",
            l.code,
            d,
            l.counts.f,
            l.counts.m,
            l.counts.total,
            l.missing,
            w = DESCRIPTION_WIDTH
        ));
        if l.considered < population {
            notes.push(format!(
                "{}: rilevato per {} partecipanti su {} (per gli altri non è previsto dalle regole della data di ingresso)",
                l.code, l.considered, population
            ));
        }
    }
    for n in notes {
        s.push_str(&format!("  {n}\n"));
    }
}
