//! Playing a story through the [`Service`], at the date each step would have
//! happened, so the demo goes through the desk's validation, storage and audit.

use super::*;

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
    if matches!(story.situation, Situation::Inviato | Situation::DaScrivere) {
        return Ok(registered);
    }
    let p = s.project_save(project_input(rng, &h, interview, &story.comune)?)?;
    report.projects += 1;
    if story.situation == Situation::NeiTermini && rng.chance(50) {
        return Ok(registered); // still a bozza
    }
    let ready = days_after(interview, rng.range(1, 4)).min(today);
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
            let start = days_after(day, rng.range(3, 10)).min(today);
            at(start)?.project_set_status(p.id, ProjectStatus::InCorso)?;
            if story.situation == Situation::Concluso {
                let end = days_after(start, rng.range(300, 380)).min(today);
                at(end)?.project_set_status(p.id, ProjectStatus::Concluso)?;
            }
        }
        _ => {}
    }
    Ok(registered)
}
