//! The équipe's quadro di analisi of the demo's households that the analysis
//! sends to the équipe multidisciplinare (issue 12 item 0). Drawn from a
//! generator of its own, seeded by the household, so that adding it left the
//! rest of the demo (and the tests that read it) as it was.

use super::*;
use crate::domain::quadro::{EquipeMemberInput, QuadroAreaInput, QuadroInput};
use crate::domain::Analysis;

/// Who sits in the équipe besides the case's social worker: (name, service,
/// organisation, role). Invented people; real kinds of bodies of the area.
const OTHERS: &[(&str, &str, &str, &str)] = &[
    (
        "Giulia Caputo",
        "centro_impiego",
        "AFOL Metropolitana — Centro per l'impiego di Milano",
        "operatrice della mediazione al lavoro",
    ),
    ("Davide Mantovani", "servizi_sanitari", "ASST Santi Paolo e Carlo — consultorio familiare", "psicologo"),
    (
        "Chiara Esposito",
        "scuola_formazione",
        "Istituto comprensivo «Giacosa»",
        "docente referente per l'inclusione",
    ),
    (
        "Matteo Sala",
        "salute_mentale_dipendenze",
        "ASST Fatebenefratelli Sacco — CPS",
        "educatore professionale",
    ),
    ("Sofia D'Angelo", "terzo_settore", "Caritas Ambrosiana — centro di ascolto", "operatrice"),
    ("Rocco Ferraris", "servizi_abitativi", "Comune di Milano — Area casa", "istruttore amministrativo"),
];

const NEEDS: [&str; 6] = [
    "Isolamento della richiedente dopo la separazione; fatica a chiedere aiuto.",
    "Entrate irregolari, arretrati dell'affitto e delle utenze da tre mesi.",
    "Disoccupazione da oltre un anno; competenze da aggiornare, nessuna patente.",
    "Frequenza scolastica discontinua del figlio maggiore; licenza media da recuperare per un adulto.",
    "Alloggio sovraffollato e con umidità; sfratto per morosità non ancora convalidato.",
    "Rete familiare lontana; pochi contatti con il vicinato e con le associazioni.",
];

const RESOURCES: [&str; 6] = [
    "Buona motivazione al cambiamento; rapporto di fiducia con l'assistente sociale.",
    "Un reddito da lavoro part-time; disponibilità a un piano di rientro.",
    "Esperienza di lavoro nella ristorazione; disponibilità a un tirocinio.",
    "Insegnanti disponibili a un patto educativo con la famiglia.",
    "Proprietario disponibile a rinviare l'esecuzione se il debito si riduce.",
    "La parrocchia del quartiere e un'associazione di donne della stessa comunità.",
];

const PRIORITIES: [&str; 5] = [
    "Un reddito da lavoro stabile per almeno un adulto entro dodici mesi.",
    "La frequenza regolare della scuola da parte dei figli.",
    "Un piano di rientro delle morosità e la conservazione dell'alloggio.",
    "La presa in carico sanitaria concordata con il consultorio.",
    "Una rete di sostegno nel quartiere per la cura dei figli.",
];

/// The quadro the équipe agreed on `meeting`, for a household the analysis
/// sent to it: a patto per l'inclusione here, with two priorities.
pub(super) fn quadro_input(
    h: &Household,
    analysis: &Analysis,
    meeting: NaiveDate,
    operator_name: &str,
) -> QuadroInput {
    // Seeded by who the household is and when it was heard: the same demo
    // every time, without drawing from the demo's main generator.
    let seed = h.members.iter().map(|m| m.birth_date.num_days_from_ce() as u64).sum::<u64>()
        ^ (analysis.interview_date.num_days_from_ce() as u64).rotate_left(17);
    let mut rng = Rng(seed);
    let mut equipe = vec![EquipeMemberInput {
        name: Some(operator_name.into()),
        service: Some("servizio_sociale".into()),
        organisation: Some("Comune di Milano — Servizi sociali professionali territoriali".into()),
        role: Some("assistente sociale".into()),
    }];
    let first = rng.below(OTHERS.len() as u64) as usize;
    let how_many = 1 + rng.below(3) as usize;
    for k in 0..how_many {
        let (name, service, organisation, role) = OTHERS[(first + k) % OTHERS.len()];
        equipe.push(EquipeMemberInput {
            name: Some(name.into()),
            service: Some(service.into()),
            organisation: Some(organisation.into()),
            role: Some(role.into()),
        });
    }
    let areas = analysis
        .domains
        .iter()
        .enumerate()
        .map(|(i, a)| {
            // The équipe sees one area a step worse than the first interview did, now and then.
            let need = match (a.need.as_str(), rng.chance(20)) {
                ("lieve", true) => "moderato",
                ("moderato", true) => "grave",
                (n, _) => n,
            };
            QuadroAreaInput {
                domain: Some(a.domain.as_str().into()),
                need: Some(need.into()),
                needs: (need != "nessuno").then(|| NEEDS[i].into()),
                resources: Some(RESOURCES[i].into()),
                services: (need == "grave" || need == "moderato")
                    .then(|| "Servizio sociale con l'équipe".into()),
            }
        })
        .collect();
    let p = rng.below(PRIORITIES.len() as u64) as usize;
    QuadroInput {
        id: None,
        household_id: Some(h.id.to_string()),
        meeting_date: Some(meeting.to_string()),
        equipe,
        participants: h.members.iter().filter(|m| m.is_adult_on(meeting)).map(|m| Some(m.id.to_string())).collect(),
        areas,
        priorities: vec![Some(PRIORITIES[p].into()), Some(PRIORITIES[(p + 2) % PRIORITIES.len()].into())],
        outcome: Some("patto_inclusione".into()),
        outcome_reason: Some(
            "I bisogni toccano lavoro, casa e figli insieme: l'équipe concorda un patto per l'inclusione con i sostegni di più servizi."
                .into(),
        ),
    }
}

/// The day the équipe met: a few office days after the interview, never
/// after `today` nor past the signing deadline.
pub(super) fn meeting_day(analysis: &Analysis, today: NaiveDate) -> NaiveDate {
    let seed = analysis.interview_date.num_days_from_ce() as u64;
    let d = days_after(analysis.interview_date, 2 + (seed % 5) as i64);
    d.min(today).min(analysis.signing_deadline).max(analysis.interview_date)
}
