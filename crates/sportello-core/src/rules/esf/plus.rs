//! ESF+ 2021-2027 common indicators of a programme's participants (Reg. UE
//! 2021/1057, Allegato I; rule set kind `fse-plus-indicatori`): EECO01-EECO17
//! at entry and EECR01-EECR04 at exit, by sex, with the same three-valued logic
//! and `missing` as the 2014-2020 set.
//!
//! Decisions (the rule-set file cites the sources):
//! - EECO01, the total, counts every participant: it has no unknowns;
//! - EECO07 is 18 to 29 in whole years on the entry date: 18 on the birthday,
//!   no longer on the 30th birthday; EECO08 from the 55th birthday;
//! - ISCED 0 counts in EECO09 ("lower secondary or less, ISCED 0-2");
//! - EECO14 reads the participant's `foreign_background` answer; EECO13
//!   `third_country_national`, EECO15 `minority`: there is no "other
//!   disadvantaged", no household indicator and no CR05 any more;
//! - EECR01-EECR04 count an exited participant whose exit status is that one
//!   (the same statuses as CR01-CR04); an exit without a status is missing.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{empty_line, long_term_by, tally, ExitStatus, LabourStatus, Participant, Period, Report, Tri};
use crate::calendar::age_on;
use crate::error::Result;
use crate::rules::rule_set::{
    AgeThreshold, FsePlusIndicatori, Kind, RuleSetRef, RuleSets, ESF_PLUS_OUTPUT_CODES, ESF_PLUS_RESULT_CODES,
};

pub(super) fn indicators(participants: &[Participant], rules: &RuleSets) -> Result<Report> {
    let mut outputs: Vec<_> = ESF_PLUS_OUTPUT_CODES.iter().map(|c| empty_line(c)).collect();
    let mut results: Vec<_> = ESF_PLUS_RESULT_CODES.iter().map(|c| empty_line(c)).collect();
    let mut used: BTreeMap<(NaiveDate, String), RuleSetRef> = BTreeMap::new();
    let mut exited = 0;
    for (i, p) in participants.iter().enumerate() {
        let set = rules
            .covering(Kind::FsePlusIndicatori, "", p.entry_date)
            .map_err(|e| e.with_field(format!("participants[{i}].entry_date")))?;
        let r = set.fse_plus_indicatori().expect("covering returns the requested kind");
        used.entry((set.valid_from, set.id.clone())).or_insert_with(|| set.reference());
        for line in outputs.iter_mut().filter(|l| r.outputs.value.contains(&l.code)) {
            tally(line, output(p, &line.code, r), p.sex);
        }
        if p.exit_date.is_some() {
            exited += 1;
            for line in results.iter_mut().filter(|l| r.results.value.contains(&l.code)) {
                tally(line, result(p, &line.code), p.sex);
            }
        }
    }
    Ok(Report {
        period: Period::FsePlus2021,
        participants: participants.len(),
        exited,
        rule_sets: used.into_values().collect(),
        outputs,
        results,
    })
}

fn output(p: &Participant, code: &str, r: &FsePlusIndicatori) -> Tri {
    let age = p.birth_date.map(|b| age_on(b, p.entry_date));
    let holds = |t: &AgeThreshold| age.map_or(Tri::Unknown, |a| Tri::from(t.comparator.holds(a, t.years)));
    let status = |s: LabourStatus| p.labour_status.map_or(Tri::Unknown, |x| Tri::from(x == s));
    let bands = &r.isced_bands.value;
    let isced = |band: &[u8]| p.isced.map_or(Tri::Unknown, |i| Tri::from(band.contains(&i.level())));
    let known = Tri::known;
    match code {
        "EECO01" => Tri::Yes,
        "EECO02" => status(LabourStatus::Disoccupato),
        "EECO03" => {
            let young = holds(&r.long_term_youth_age.value);
            let long = long_term_by(p, r.long_term_months.value, r.long_term_months_youth.value, young);
            status(LabourStatus::Disoccupato) & long
        }
        "EECO04" => status(LabourStatus::Inattivo),
        "EECO05" => status(LabourStatus::Occupato),
        "EECO06" => holds(&r.child_age.value),
        "EECO07" => holds(&r.young_from.value) & holds(&r.young_to.value),
        "EECO08" => holds(&r.older_age.value),
        "EECO09" => isced(&bands.co09),
        "EECO10" => isced(&bands.co10),
        "EECO11" => isced(&bands.co11),
        "EECO12" => known(p.disability),
        "EECO13" => known(p.third_country_national),
        "EECO14" => known(p.foreign_background),
        "EECO15" => known(p.minority),
        "EECO16" => known(p.homeless),
        "EECO17" => known(p.rural),
        _ => unreachable!("codes come from ESF_PLUS_OUTPUT_CODES"),
    }
}

fn result(p: &Participant, code: &str) -> Tri {
    let want = match code {
        "EECR01" => ExitStatus::InCercaDiLavoro,
        "EECR02" => ExitStatus::InIstruzioneFormazione,
        "EECR03" => ExitStatus::QualificaOttenuta,
        "EECR04" => ExitStatus::Occupato,
        _ => unreachable!("codes come from ESF_PLUS_RESULT_CODES"),
    };
    p.exit_status.map_or(Tri::Unknown, |s| Tri::from(s == want))
}

/// The Italian wording of an ESF+ code (Allegato I del Reg. UE 2021/1057, shortened).
pub fn description(code: &str) -> Option<&'static str> {
    Some(match code {
        "EECO01" => "numero totale dei partecipanti",
        "EECO02" => "disoccupati, compresi i disoccupati di lungo periodo",
        "EECO03" => "disoccupati di lungo periodo",
        "EECO04" => "persone inattive",
        "EECO05" => "persone che hanno un lavoro, compresi i lavoratori autonomi",
        "EECO06" => "bambini di età inferiore a 18 anni",
        "EECO07" => "giovani di età compresa tra 18 e 29 anni",
        "EECO08" => "partecipanti di età pari o superiore a 55 anni",
        "EECO09" => "con istruzione secondaria inferiore o inferiore (ISCED 0-2)",
        "EECO10" => "con istruzione secondaria superiore (ISCED 3) o post-secondaria (ISCED 4)",
        "EECO11" => "con istruzione terziaria (ISCED 5-8)",
        "EECO12" => "partecipanti con disabilità",
        "EECO13" => "cittadini di paesi terzi",
        "EECO14" => "partecipanti di origine straniera",
        "EECO15" => "minoranze (comprese le comunità emarginate come i rom)",
        "EECO16" => "persone senza dimora o colpite da esclusione abitativa",
        "EECO17" => "partecipanti provenienti da zone rurali",
        "EECR01" => "in cerca di lavoro alla fine della partecipazione",
        "EECR02" => "in istruzione o formazione alla fine della partecipazione",
        "EECR03" => "con una qualifica ottenuta alla fine della partecipazione",
        "EECR04" => "occupati, anche autonomi, alla fine della partecipazione",
        _ => return None,
    })
}
