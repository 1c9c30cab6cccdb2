//! Playing a story through the [`Service`], at the date each step would have
//! happened, so the demo goes through the desk's validation, storage and audit.

use super::*;
use crate::domain::monitoring::{ClosureInput, MeetingInput, OutcomeInput, ProgressInput};

/// Plays one household's story through the service, each step on its day;
/// gives the household as registered.
pub(super) fn play(
    db: &Path,
    documents: &Path,
    key: &DbKey,
    story: &Story,
    rng: &mut Rng,
    today: NaiveDate,
    report: &mut DemoReport,
) -> Result<Household, Error> {
    // The key is in hand: each step opens as the story's operator on its day
    // without paying Argon2 again.
    let at = |day: NaiveDate| {
        Service::unlocked(
            db,
            documents,
            key.duplicate(),
            Credentials::password(story.operator, ""),
            Some(day.min(today)),
        )
    };
    let registrar = at(story.registered)?;
    let mut h = registrar.household_save(story.household.clone())?;
    if registrar.operator().role == Role::Coordinatore {
        let to = registrar
            .operators_list()?
            .into_iter()
            .find(|a| a.operator.username == ASSIGNEE_OF_COORDINATOR_CASES)
            .ok_or_else(|| Error::new(crate::error::Code::Internal, "operatore della demo mancante"))?;
        h = registrar.household_assign(h.id, to.operator.id)?;
    }
    report.households += 1;
    report.members += h.members.len();
    report.minors += story.minors_at_interview;
    *report.by_situation.entry(story.situation.name().to_string()).or_default() += 1;
    let registered = h.clone();
    let Some(interview) = story.interview else { return Ok(registered) };

    let s = at(interview)?;
    let analysis = s.analysis_save(analysis_input(rng, &h, interview, story.situation))?;
    report.analyses += 1;
    // Sent to the équipe: its quadro di analisi first, a few days on; the
    // project is written on it. Of those still waiting for their project,
    // one in two waits for the équipe too.
    let mut written = interview;
    if analysis.outcome == crate::domain::Outcome::EquipeMultidisciplinare {
        let meeting = quadro::meeting_day(&analysis, today);
        if story.situation != Situation::DaScrivere || meeting.num_days_from_ce() % 2 == 0 {
            let e = at(meeting)?;
            let name = e.operator().name.clone();
            e.quadro_save(quadro::quadro_input(&h, &analysis, meeting, &name))?;
            written = meeting;
        }
    }
    if matches!(story.situation, Situation::Inviato | Situation::DaScrivere) {
        return Ok(registered);
    }
    let p = at(written)?.project_save(project_input(rng, &h, interview, &story.comune)?)?;
    report.projects += 1;
    if story.situation == Situation::NeiTermini && rng.chance(50) {
        return Ok(registered); // still a bozza
    }
    let ready = days_after(interview, rng.range(1, 4)).max(written).min(today);
    let p = at(ready)?.project_set_status(p.id, ProjectStatus::DaFirmare)?;
    let signed_by = match story.situation {
        Situation::NeiTermini | Situation::InScadenza | Situation::Scaduto => {
            // Some have signed, not everyone: the board shows who is missing.
            let n = rng.below(p.required_signers.len() as u64) as usize;
            n.min(p.required_signers.len().saturating_sub(1))
        }
        _ => p.required_signers.len(),
    };
    let last_day = analysis.signing_deadline.min(today);
    let mut day = ready;
    for r in p.required_signers.iter().take(signed_by) {
        day = days_after(day, rng.range(0, 3)).min(last_day).max(ready);
        at(day)?.signature_record(p.id, r.member_id, day)?;
    }
    match story.situation {
        Situation::InCorso | Situation::Concluso => {
            // Monitoring (issue 12 item 3): a meeting about every 90 days
            // from the start, each fixing the next; the first one starts the
            // project. Now and then the last one is missed (overdue on the
            // board); a concluded project is closed after its last meeting.
            let start = days_after(day, rng.range(3, 10)).min(today);
            let end = (story.situation == Situation::Concluso)
                .then(|| days_after(start, rng.range(300, 380)).min(today));
            let until = end.unwrap_or(today);
            let missed = end.is_none() && rng.chance(25);
            let mut held = start;
            loop {
                let next = days_after(held, 90);
                let last = next > until || (missed && days_after(next, 90) > until);
                let progress = p
                    .commitments
                    .iter()
                    .map(|c| {
                        let word = if last && end.is_some() {
                            "rispettato"
                        } else {
                            *rng.pick(&["in_corso", "in_corso", "rispettato", "sospeso"])
                        };
                        ProgressInput {
                            commitment_id: Some(c.id.to_string()),
                            progress: Some(word.to_string()),
                            note: None,
                        }
                    })
                    .collect();
                let meeting = MeetingInput {
                    held_on: Some(held.to_string()),
                    members_present: p
                        .required_signers
                        .iter()
                        .map(|r| Some(r.signer_id.to_string()))
                        .collect(),
                    operators: vec![Some(at(held)?.operator().name.clone())],
                    others: Vec::new(),
                    progress,
                    note: None,
                    next_meeting_on: (end.is_none() || !last).then(|| next.to_string()),
                };
                at(held)?.monitoring_record(p.id, meeting)?;
                if last {
                    break;
                }
                held = days_after(next, rng.range(0, 5)).min(until);
            }
            if let Some(end) = end {
                let closure = ClosureInput {
                    closed_on: Some(end.to_string()),
                    reason: Some("obiettivi_raggiunti".into()),
                    note: None,
                    objectives: p
                        .objectives
                        .iter()
                        .map(|_| OutcomeInput { outcome: Some("raggiunto".into()), note: None })
                        .collect(),
                };
                at(end)?.project_close(p.id, closure)?;
            }
        }
        _ => {}
    }
    Ok(registered)
}
