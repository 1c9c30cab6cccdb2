//! Each household's story: the situation it is in on the demo's "today", and
//! the dated steps (registration, analysis, project, signatures) that lead there.

use super::*;

/// Where a household stands on the demo's "today".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Situation {
    /// Registered, no analysis yet.
    Registrato,
    /// Analysis sent the household elsewhere (Centro per l'impiego, specialists).
    Inviato,
    /// Analysis recorded, project still to write.
    DaScrivere,
    /// Project waiting for signatures, well within the deadline.
    NeiTermini,
    /// Waiting for signatures, 5 office days or fewer left.
    InScadenza,
    /// Waiting for signatures past the deadline.
    Scaduto,
    Sottoscritto,
    InCorso,
    Concluso,
}

impl Situation {
    pub(super) fn name(self) -> &'static str {
        match self {
            Situation::Registrato => "registrato",
            Situation::Inviato => "inviato_ad_altri_servizi",
            Situation::DaScrivere => "progetto_da_scrivere",
            Situation::NeiTermini => "nei_termini",
            Situation::InScadenza => "in_scadenza",
            Situation::Scaduto => "scaduto",
            Situation::Sottoscritto => "sottoscritto",
            Situation::InCorso => "in_corso",
            Situation::Concluso => "concluso",
        }
    }
}

/// The thirty households: situation and shape, in a fixed order.
pub(super) const PLAN: &[(Situation, Shape)] = &[
    (Situation::Scaduto, Shape::CoupleWithChildren),
    (Situation::Scaduto, Shape::SingleParent),
    (Situation::Scaduto, Shape::Single),
    (Situation::Scaduto, Shape::CoupleWithChildren),
    (Situation::InScadenza, Shape::SingleParent),
    (Situation::InScadenza, Shape::CoupleWithChildren),
    (Situation::InScadenza, Shape::CarerAndParent),
    (Situation::InScadenza, Shape::Single),
    (Situation::NeiTermini, Shape::CoupleWithChildren),
    (Situation::NeiTermini, Shape::Single),
    (Situation::NeiTermini, Shape::SingleParent),
    (Situation::NeiTermini, Shape::AdultChildAndMinor),
    (Situation::DaScrivere, Shape::CoupleWithChildren),
    (Situation::DaScrivere, Shape::Single),
    (Situation::Inviato, Shape::Single),
    (Situation::Inviato, Shape::ElderlyAlone),
    (Situation::Sottoscritto, Shape::CoupleWithChildren),
    (Situation::Sottoscritto, Shape::SingleParent),
    (Situation::Sottoscritto, Shape::ElderlyCouple),
    (Situation::InCorso, Shape::CoupleWithChildren),
    (Situation::InCorso, Shape::Single),
    (Situation::InCorso, Shape::SingleParent),
    (Situation::InCorso, Shape::AdultChildAndMinor),
    (Situation::Concluso, Shape::CoupleWithChildren),
    (Situation::Concluso, Shape::Single),
    (Situation::Registrato, Shape::ElderlyAlone),
    (Situation::Registrato, Shape::CoupleWithChildren),
    (Situation::Registrato, Shape::Single),
    (Situation::Registrato, Shape::CarerAndParent),
    (Situation::Registrato, Shape::SingleParent),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Shape {
    CoupleWithChildren,
    SingleParent,
    Single,
    ElderlyAlone,
    ElderlyCouple,
    /// An adult who cares for an elderly, disabled parent.
    CarerAndParent,
    /// A parent with an adult child still studying and a minor.
    AdultChildAndMinor,
}

pub(super) struct PlannedMember {
    pub(super) input: MemberInput,
    pub(super) birth: NaiveDate,
}

pub(super) struct Story {
    pub(super) situation: Situation,
    pub(super) operator: &'static str,
    pub(super) registered: NaiveDate,
    pub(super) household: HouseholdInput,
    /// Interview date of the analysis, if there is one.
    pub(super) interview: Option<NaiveDate>,
    pub(super) minors_at_interview: usize,
    /// The office's calendar, for the dates the office sets.
    pub(super) comune: Comune,
}

pub(super) fn office_day_on_or_before(mut d: NaiveDate, comune: &Comune) -> Result<NaiveDate, Error> {
    while !try_is_office_day(d, comune)? {
        d = d.pred_opt().expect("date in range");
    }
    Ok(d)
}

pub(super) fn office_day_on_or_after(mut d: NaiveDate, comune: &Comune) -> Result<NaiveDate, Error> {
    while !try_is_office_day(d, comune)? {
        d = d.succ_opt().expect("date in range");
    }
    Ok(d)
}

pub(super) fn days_before(d: NaiveDate, n: i64) -> NaiveDate {
    d.checked_sub_days(Days::new(n.max(0) as u64)).expect("date in range")
}

pub(super) fn days_after(d: NaiveDate, n: i64) -> NaiveDate {
    d.checked_add_days(Days::new(n.max(0) as u64)).expect("date in range")
}

pub(super) fn deadline_of(interview: NaiveDate, comune: &Comune) -> Result<NaiveDate, Error> {
    try_add_working_days(interview, procedure::signing_window(interview)?.working_days, comune)
}

/// The interview date that puts the household in its situation on `today`.
pub(super) fn interview_for(
    rng: &mut Rng,
    s: Situation,
    today: NaiveDate,
    comune: &Comune,
) -> Result<Option<NaiveDate>, Error> {
    let warn = procedure::warning_window(today)?.working_days;
    let start = office_day_on_or_before(today, comune)?;
    let pick = |rng: &mut Rng, back_lo: i64, back_hi: i64| -> Result<NaiveDate, Error> {
        office_day_on_or_before(days_before(start, rng.range(back_lo, back_hi)), comune)
    };
    let d = match s {
        Situation::Registrato => return Ok(None),
        Situation::InScadenza => {
            // Walk back from today to the interview that leaves 1..=warn office days.
            let target = rng.range(1, warn as i64) as u32;
            let mut d = start;
            loop {
                let deadline = deadline_of(d, comune)?;
                if deadline >= today && board::office_days_left(today, deadline, comune)? <= target {
                    break d;
                }
                d = office_day_on_or_before(d.pred_opt().expect("date in range"), comune)?;
            }
        }
        Situation::NeiTermini | Situation::DaScrivere => pick(rng, 0, 10)?,
        Situation::Scaduto => {
            let mut d = pick(rng, 35, 75)?;
            while deadline_of(d, comune)? >= today {
                d = days_before(d, 7);
            }
            d
        }
        Situation::Inviato => pick(rng, 5, 60)?,
        Situation::Sottoscritto => pick(rng, 12, 25)?,
        Situation::InCorso => pick(rng, 100, 300)?,
        Situation::Concluso => pick(rng, 420, 560)?,
    };
    Ok(Some(d))
}

pub(super) fn plan_story(
    rng: &mut Rng,
    index: usize,
    situation: Situation,
    shape: Shape,
    today: NaiveDate,
    comune: &Comune,
    used: &mut HashSet<String>,
) -> Result<Story, Error> {
    let interview = interview_for(rng, situation, today, comune)?;
    let registered = match interview {
        Some(d) => days_before(d, rng.range(0, 12)),
        None => days_before(today, rng.range(0, 40)),
    };
    // Roughly two households in five come from abroad.
    let origin = if index % 5 == 1 || index % 5 == 3 { &FOREIGN[index % FOREIGN.len()] } else { &ITALIA };
    let surname = *rng.pick(origin.surnames);
    let on = registered;
    let age_date = |rng: &mut Rng, lo: i64, hi: i64| -> NaiveDate {
        let years = rng.range(lo, hi);
        let back = years * 365 + rng.range(10, 350);
        days_before(on, back)
    };

    let mut members: Vec<PlannedMember> = Vec::new();
    macro_rules! add {
        ($first:expr, $last:expr, $birth:expr, $sex:expr, $rel:expr, $place:expr, $cit:expr) => {{
            let (first, last, birth, place) = ($first, $last, $birth, $place);
            let m = person(rng, on, first, last, birth, $sex, $rel, place, $cit, used)?;
            members.push(m);
        }};
    }
    let place = *rng.pick(origin.birthplace);
    let child_place = "F205";
    let partner_surname = |rng: &mut Rng| *rng.pick(origin.surnames);
    match shape {
        Shape::CoupleWithChildren | Shape::SingleParent | Shape::AdultChildAndMinor => {
            let mother_first = *rng.pick(origin.female);
            let father_first = *rng.pick(origin.male);
            let mother_birth = age_date(rng, 28, 46);
            let father_birth = age_date(rng, 30, 50);
            let applicant_is_mother = shape == Shape::SingleParent || rng.chance(40);
            let mother_last =
                if origin.citizenship.kind == "italiana" { partner_surname(rng) } else { surname };
            if applicant_is_mother {
                add!(mother_first, mother_last, mother_birth, "F", "richiedente", place, origin.citizenship);
                if shape != Shape::SingleParent {
                    add!(father_first, surname, father_birth, "M", "coniuge", place, origin.citizenship);
                }
            } else {
                add!(father_first, surname, father_birth, "M", "richiedente", place, origin.citizenship);
                add!(mother_first, mother_last, mother_birth, "F", "coniuge", place, origin.citizenship);
            }
            let children = match shape {
                Shape::AdultChildAndMinor => 1,
                _ => rng.range(1, 3) as usize,
            };
            if shape == Shape::AdultChildAndMinor {
                let first = *rng.pick(origin.male);
                let birth = age_date(rng, 19, 23);
                add!(first, surname, birth, "M", "figlio", child_place, origin.citizenship);
                members.last_mut().expect("just added").input.employment = Some("studente".into());
            }
            let child_surname =
                if applicant_is_mother && shape == Shape::SingleParent { mother_last } else { surname };
            for _ in 0..children {
                let girl = rng.chance(50);
                let first = if girl { *rng.pick(CHILDREN_F) } else { *rng.pick(CHILDREN_M) };
                if members.iter().any(|m| m.input.first_name.as_deref() == Some(first)) {
                    continue;
                }
                let birth = age_date(rng, 1, 15);
                let sex = if girl { "F" } else { "M" };
                add!(first, child_surname, birth, sex, "figlio", child_place, origin.citizenship);
            }
        }
        Shape::Single => {
            let male = rng.chance(55);
            let first = if male { *rng.pick(origin.male) } else { *rng.pick(origin.female) };
            let birth = age_date(rng, 24, 60);
            add!(
                first,
                surname,
                birth,
                if male { "M" } else { "F" },
                "richiedente",
                place,
                origin.citizenship
            );
        }
        Shape::ElderlyAlone | Shape::ElderlyCouple => {
            let female_first = *rng.pick(origin.female);
            let birth = age_date(rng, 72, 91);
            add!(female_first, surname, birth, "F", "richiedente", place, origin.citizenship);
            let m = members.last_mut().expect("just added");
            m.input.invalidity_percent = Some(Scalar::Int(100));
            m.input.disability_certified = Some(true);
            m.input.not_self_sufficient = Some(true);
            if shape == Shape::ElderlyCouple {
                let first = *rng.pick(origin.male);
                let birth = age_date(rng, 74, 90);
                add!(first, partner_surname(rng), birth, "M", "coniuge", place, origin.citizenship);
                members.last_mut().expect("just added").input.invalidity_percent = Some(Scalar::Int(67));
            }
        }
        Shape::CarerAndParent => {
            let first = *rng.pick(origin.female);
            let birth = age_date(rng, 42, 58);
            add!(first, surname, birth, "F", "richiedente", place, origin.citizenship);
            let parent_first = *rng.pick(origin.male);
            let parent_birth = age_date(rng, 76, 88);
            add!(parent_first, surname, parent_birth, "M", "genitore", place, origin.citizenship);
            let p = members.last_mut().expect("just added");
            p.input.invalidity_percent = Some(Scalar::Int(80));
            p.input.disability_certified = Some(true);
            p.input.not_self_sufficient = Some(rng.chance(50));
        }
    }

    // Some minors are signed for by the other parent rather than the richiedente.
    let other_parent = members
        .iter()
        .find(|m| m.input.relationship.as_deref() == Some("coniuge"))
        .and_then(|m| m.input.id.clone());
    let check_on = interview.unwrap_or(registered);
    let mut minors = 0;
    for m in &mut members {
        if !is_adult(m.birth, check_on) {
            minors += 1;
            if other_parent.is_some() && rng.chance(50) {
                m.input.guardian_id = other_parent.clone();
            }
        }
    }

    let isee_year = registered.year();
    let isee = IseeInput {
        protocol: Some(format!("INPS-ISEE-{isee_year}-{:09}-00", rng.below(1_000_000_000))),
        kind: Some(
            if shape == Shape::ElderlyAlone || shape == Shape::CarerAndParent {
                "sociosanitario"
            } else {
                "ordinario"
            }
            .into(),
        ),
        value: Some(format!("{}.{:02}", rng.range(1_500, 14_000), rng.below(100))),
        issued_on: Some(
            NaiveDate::from_ymd_opt(isee_year, 1, 1)
                .expect("date")
                .max(days_before(registered, rng.range(5, 40)))
                .to_string(),
        ),
        expires_on: Some(NaiveDate::from_ymd_opt(isee_year, 12, 31).expect("date").to_string()),
    };
    // Members from outside the EU have their residence permits.
    if origin.citizenship.kind == "extra_ue" {
        let long_term = rng.chance(25);
        for m in &mut members {
            m.input.permit = Some(permit(rng, is_adult(m.birth, on), long_term, today));
        }
    }
    let street = *rng.pick(STREETS);
    let household = HouseholdInput {
        id: None,
        updated_at: None,
        address: Some(format!("{street} {}", rng.range(1, 180))),
        // The CAPs of Milano run from 20121 to 20162.
        cap: Some(rng.range(20121, 20162).to_string()),
        comune: Some("F205".into()),
        phone: Some(format!("+39 3{:02} {:03} {:04}", rng.range(20, 99), rng.below(1000), rng.below(10_000))),
        email: None,
        notes: None,
        isee: Some(isee),
        members: members.into_iter().map(|m| m.input).collect(),
    };
    let operator = OPERATORS[index % OPERATORS.len()].0;
    Ok(Story {
        situation,
        operator,
        registered,
        household,
        interview,
        minors_at_interview: minors,
        comune: comune.clone(),
    })
}

pub(super) fn analysis_input(
    rng: &mut Rng,
    h: &Household,
    interview: NaiveDate,
    situation: Situation,
) -> AnalysisInput {
    let adults: Vec<_> = h.members.iter().filter(|m| m.is_adult_on(interview)).collect();
    let outcome = match situation {
        Situation::Inviato => {
            if h.members.iter().any(|m| m.not_self_sufficient) {
                "servizi_specialistici"
            } else {
                "centro_impiego"
            }
        }
        _ if h.members.len() >= 4 || rng.chance(25) => "equipe_multidisciplinare",
        _ => "progetto_servizio_sociale",
    };
    let reason = match outcome {
        "centro_impiego" => "Bisogno legato solo alla mancanza di lavoro: invio al Centro per l'impiego per il patto di servizio.",
        "servizi_specialistici" => "Bisogno prevalentemente sanitario e di cura: invio ai servizi specialistici dell'ASST.",
        "equipe_multidisciplinare" => "Bisogni complessi su più aree: quadro di analisi con l'équipe multidisciplinare.",
        _ => "Bisogni definiti e risorse attivabili: progetto a cura del servizio sociale.",
    };
    let needs = ["nessuno", "lieve", "moderato", "grave"];
    AnalysisInput {
        id: None,
        household_id: Some(h.id.to_string()),
        interview_date: Some(interview.to_string()),
        participants: adults.iter().map(|m| Some(m.id.to_string())).collect(),
        domains: LifeArea::ALL
            .iter()
            .enumerate()
            .map(|(i, area)| AreaInput {
                domain: Some(area.as_str().into()),
                need: Some((*rng.pick(&needs)).into()),
                resources: Some(AREA_NOTES[i][rng.below(2) as usize].into()),
                notes: None,
            })
            .collect(),
        employability: adults
            .iter()
            .map(|m| EmployabilityInput {
                member_id: Some(m.id.to_string()),
                profile: Some(
                    if m.not_self_sufficient || crate::calendar::age_on(m.birth_date, interview) >= 67 {
                        "non_occupabile"
                    } else {
                        *rng.pick(&["occupabile", "occupabile_con_supporto", "occupabile_con_supporto"])
                    }
                    .into(),
                ),
                notes: None,
            })
            .collect(),
        outcome: Some(outcome.into()),
        outcome_reason: Some(reason.into()),
    }
}

pub(super) fn project_input(
    rng: &mut Rng,
    h: &Household,
    interview: NaiveDate,
    comune: &Comune,
) -> Result<ProjectInput, Error> {
    let adults: Vec<_> = h.members.iter().filter(|m| m.is_adult_on(interview)).collect();
    let minors: Vec<_> = h.members.iter().filter(|m| !m.is_adult_on(interview)).collect();
    let mut commitments = Vec::new();
    for m in &adults {
        let action = if m.not_self_sufficient {
            "Accettare l'attivazione del servizio di assistenza domiciliare e la visita dell'infermiere di comunità."
        } else {
            *rng.pick(ADULT_COMMITMENTS)
        };
        commitments.push(CommitmentInput {
            id: None,
            action: Some(action.into()),
            member_id: Some(m.id.to_string()),
            other_member_ids: Vec::new(),
            due_date: Some(days_after(interview, rng.range(30, 200)).to_string()),
            status: None,
        });
    }
    // School-age children commit to school; their parents are involved.
    for m in minors.iter().filter(|m| crate::calendar::age_on(m.birth_date, interview) >= 6) {
        commitments.push(CommitmentInput {
            id: None,
            action: Some((*rng.pick(MINOR_COMMITMENTS)).into()),
            member_id: Some(m.id.to_string()),
            other_member_ids: adults.iter().take(2).map(|a| Some(a.id.to_string())).collect(),
            due_date: Some(days_after(interview, rng.range(150, 300)).to_string()),
            status: None,
        });
    }
    let first_objective =
        if adults.iter().any(|m| m.not_self_sufficient) { OBJECTIVES[5] } else { OBJECTIVES[0] };
    let mut objectives = vec![Some(first_objective.to_string())];
    if !minors.is_empty() {
        objectives.push(Some(OBJECTIVES[1].into()));
    } else {
        objectives.push(Some((*rng.pick(&OBJECTIVES[2..5])).into()));
    }
    let supports = {
        let a = rng.below(SUPPORTS.len() as u64) as usize;
        let b = (a + 1 + rng.below(SUPPORTS.len() as u64 - 1) as usize) % SUPPORTS.len();
        [SUPPORTS[0], SUPPORTS[a.max(1)], SUPPORTS[b.max(1)]]
    };
    let mut support_inputs: Vec<SupportInput> = Vec::new();
    for (d, p) in supports {
        if !support_inputs.iter().any(|s| s.description.as_deref() == Some(d)) {
            support_inputs.push(SupportInput {
                id: None,
                description: Some(d.into()),
                provider: Some(p.into()),
            });
        }
    }
    // The first meeting within 120 days, then every 90 (as under the ADI), on
    // a day the office is open (never a Sunday or Sant'Ambrogio).
    let mut dates = Vec::new();
    for days in [30, 120, 210] {
        dates.push(office_day_on_or_after(days_after(interview, days + rng.range(0, 4)), comune)?);
    }
    let meetings = dates
        .iter()
        .map(|date| MeetingInput {
            id: None,
            date: Some(date.to_string()),
            time: Some((*rng.pick(&["09:30", "10:00", "11:15", "14:30"])).into()),
            duration_minutes: Some(Scalar::Int(*rng.pick(&[45, 60, 60, 90]))),
            place: Some("largo Treves 1, 4° piano".into()),
            notes: None,
            evaluation: None,
        })
        .collect();
    Ok(ProjectInput {
        id: None,
        household_id: Some(h.id.to_string()),
        objectives,
        expected_results: vec![Some((*rng.pick(RESULTS)).into())],
        commitments,
        supports: support_inputs,
        meetings,
    })
}
