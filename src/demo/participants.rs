//! The participants of the seeds' two programmes (issue 12 item 5): about
//! four hundred people of the households the office followed from 2018 to
//! 2021, each enrolled from the signed patto of their household, with the
//! ESF answers given at entry, and out of the intervention in every way
//! (completed, hired, withdrawn with the reason, moved to another service).
//!
//! - «Traiettorie» (seed 001, 2017-2020, "about 400 citizens"): beneficiaries
//!   of the SIA, the REI and then the Reddito di Cittadinanza and their
//!   households; one or two adults of each household take part. The office's
//!   patto starts with the REI (the procedure's rule sets begin on
//!   1/1/2018), so the entries run from 2018 to the autumn of 2020.
//! - «CIAO!» (seed 003, 16/07/2020-31/12/2021): women and young people,
//!   one participant a household.
//!
//! Each household is played through the [`Service`] like the desk's thirty
//! (registration, analisi preliminare, project, signatures, enrolment, exit,
//! closure), in one session per operator set to each step's day, so the
//! demo stays quick. The programmes are over on the demo's days (they exist from
//! [`super::programmes::first_day`]): every exit is recorded and every
//! project is closed; "in corso" is what the ESF report shows on a day
//! within the programme. Names, ages and answers are invented; ages sit
//! often at the report's edges (24/25 and 54/55 at entry).

use chrono::Duration;
use serde_json::{json, Value};

use super::*;
use crate::domain::monitoring::{ClosureInput, OutcomeInput};
use crate::domain::programme::{EnrolmentInput, Intervention, InterventionKind, Programme};

#[derive(Debug, Default)]
pub(super) struct PlayedParticipants {
    pub households: usize,
    pub members: usize,
    pub participants: usize,
    pub enrolments: usize,
}

/// Households a programme gets, and who takes part in them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Traiettorie: income-support beneficiaries, one or two adults.
    Beneficiaries,
    /// CIAO!: a woman, or a young person.
    WomenAndYoung,
}

fn young_or_edge_age(rng: &mut Rng, target: Target) -> i64 {
    match target {
        Target::Beneficiaries => {
            *rng.pick(&[19, 22, 24, 24, 25, 25, 28, 31, 35, 38, 41, 44, 47, 50, 53, 54, 54, 55, 55, 58, 61])
        }
        Target::WomenAndYoung => {
            *rng.pick(&[19, 19, 20, 21, 22, 23, 24, 24, 25, 26, 27, 29, 33, 38, 44, 49, 54, 55])
        }
    }
}

/// A birth date that makes the person `years` old on `entry`, often within
/// a few weeks of a birthday (the edges of CO06 and CO07 are days).
fn birth_for(rng: &mut Rng, entry: NaiveDate, years: i64) -> NaiveDate {
    let anniversary =
        NaiveDate::from_ymd_opt(entry.year() - years as i32, entry.month(), entry.day().min(28))
            .expect("a date of the demo");
    if rng.chance(40) {
        anniversary + Duration::days(rng.range(-25, 25))
    } else {
        anniversary - Duration::days(rng.range(30, 330))
    }
}

struct Planned {
    household: HouseholdInput,
    /// The member ids that take part (one or two).
    participants: Vec<String>,
    foreign: bool,
    homeless: bool,
}

/// One household, planned around the first entry.
fn plan_household(
    rng: &mut Rng,
    index: usize,
    target: Target,
    registered: NaiveDate,
    entry: NaiveDate,
    used: &mut HashSet<String>,
) -> Result<Planned, Error> {
    let foreign = index % 5 == 1 || index % 5 == 3 || (target == Target::WomenAndYoung && index % 7 == 5);
    let origin = if foreign { &FOREIGN[index % FOREIGN.len()] } else { &ITALIA };
    let surname = *rng.pick(origin.surnames);
    let place = *rng.pick(origin.birthplace);
    let mut members: Vec<MemberInput> = Vec::new();
    let mut participants = Vec::new();
    let on = registered;
    macro_rules! add {
        ($first:expr, $last:expr, $birth:expr, $sex:expr, $rel:expr, $place:expr, $takes_part:expr) => {{
            let (first, last, birth, sex, rel, place, takes_part) =
                ($first, $last, $birth, $sex, $rel, $place, $takes_part);
            let m = person(rng, on, first, last, birth, sex, rel, place, origin.citizenship, used)?;
            if takes_part {
                participants.push(m.input.id.clone().unwrap_or_default());
            }
            members.push(m.input);
        }};
    }
    let child = |rng: &mut Rng| -> (NaiveDate, &'static str, &'static str) {
        let girl = rng.chance(50);
        let first = if girl { *rng.pick(CHILDREN_F) } else { *rng.pick(CHILDREN_M) };
        (days_before(on, rng.range(1, 14) * 365 + rng.range(10, 350)), first, if girl { "F" } else { "M" })
    };
    match (target, index % 4) {
        // A single adult.
        (_, 0) => {
            let male = target == Target::Beneficiaries && rng.chance(50)
                || target == Target::WomenAndYoung && rng.chance(30);
            let years = if male && target == Target::WomenAndYoung {
                rng.range(19, 28)
            } else {
                young_or_edge_age(rng, target)
            };
            let first = if male { *rng.pick(origin.male) } else { *rng.pick(origin.female) };
            let birth = birth_for(rng, entry, years);
            add!(first, surname, birth, if male { "M" } else { "F" }, "richiedente", place, true);
        }
        // A mother with her children.
        (_, 1) => {
            let birth = {
                let years = rng.range(24, 48);
                birth_for(rng, entry, years)
            };
            add!(*rng.pick(origin.female), surname, birth, "F", "richiedente", place, true);
            for _ in 0..rng.range(1, 2) {
                let (b, first, sex) = child(rng);
                if members.iter().any(|m| m.first_name.as_deref() == Some(first)) {
                    continue;
                }
                add!(first, surname, b, sex, "figlio", "F205", false);
            }
        }
        // A couple with children: the Traiettorie's, both may take part.
        (Target::Beneficiaries, 2) => {
            let father = {
                let years = young_or_edge_age(rng, target).max(26);
                birth_for(rng, entry, years)
            };
            let mother = {
                let years = rng.range(24, 50);
                birth_for(rng, entry, years)
            };
            let both = rng.chance(60);
            add!(*rng.pick(origin.male), surname, father, "M", "richiedente", place, true);
            let mother_last = if foreign { surname } else { *rng.pick(origin.surnames) };
            add!(*rng.pick(origin.female), mother_last, mother, "F", "coniuge", place, both);
            for _ in 0..rng.range(1, 3) {
                let (b, first, sex) = child(rng);
                if members.iter().any(|m| m.first_name.as_deref() == Some(first)) {
                    continue;
                }
                add!(first, surname, b, sex, "figlio", "F205", false);
            }
        }
        // A young adult living with a parent: the young one takes part.
        _ => {
            let parent = {
                let years = rng.range(45, 62);
                birth_for(rng, entry, years)
            };
            let young = {
                let years = rng.range(18, 24);
                birth_for(rng, entry, years)
            };
            let male = rng.chance(50);
            add!(*rng.pick(origin.female), surname, parent, "F", "richiedente", place, false);
            let first = if male { *rng.pick(origin.male) } else { *rng.pick(origin.female) };
            if members.iter().any(|m| m.first_name.as_deref() == Some(first)) {
                add!(*rng.pick(origin.male), surname, young, "M", "figlio", "F205", true);
            } else {
                add!(first, surname, young, if male { "M" } else { "F" }, "figlio", "F205", true);
            }
        }
    }
    if origin.citizenship.kind == "extra_ue" {
        // Permits long since renewed: the long-term one, off the board.
        for m in &mut members {
            m.permit = Some(PermitInput {
                kind: Some("ue_lungo_periodo".into()),
                number: Some(format!("{}{:07}", *rng.pick(&["I", "H", "L"]), rng.below(10_000_000))),
                expires_on: None,
            });
        }
    }
    let year = registered.year();
    let household = HouseholdInput {
        id: None,
        updated_at: None,
        address: Some(format!("{} {}", *rng.pick(STREETS), rng.range(1, 180))),
        cap: Some(rng.range(20121, 20162).to_string()),
        comune: Some("F205".into()),
        phone: Some(format!("+39 3{:02} {:03} {:04}", rng.range(20, 99), rng.below(1000), rng.below(10_000))),
        email: None,
        notes: None,
        isee: Some(IseeInput {
            protocol: Some(format!("INPS-ISEE-{year}-{:09}-00", rng.below(1_000_000_000))),
            kind: Some("ordinario".into()),
            value: Some(format!("{}.{:02}", rng.range(800, 9_360), rng.below(100))),
            issued_on: Some(
                NaiveDate::from_ymd_opt(year, 1, 1)
                    .expect("date")
                    .max(days_before(registered, rng.range(5, 40)))
                    .to_string(),
            ),
            expires_on: Some(NaiveDate::from_ymd_opt(year, 12, 31).expect("date").to_string()),
        }),
        members,
    };
    Ok(Planned { household, participants, foreign, homeless: index % 23 == 7 })
}

/// The ESF answers at entry, varied: every labour status, unemployment of
/// every length (and "since when" unknown), ISCED 0-8, unknowns.
fn esf_answers(
    rng: &mut Rng,
    form: &mut Value,
    h: &Household,
    member: &crate::domain::Member,
    p: &Planned,
    entry: NaiveDate,
) {
    let age = crate::calendar::age_on(member.birth_date, entry);
    let roll = rng.below(100);
    let (status, since) = match roll {
        0..=4 => ("", None),
        5..=11 => ("occupato", None),
        12..=29 => ("inattivo", None),
        30..=39 => ("disoccupato", None),
        40..=59 => ("disoccupato", Some(rng.range(20, 170))),
        60..=69 => ("disoccupato", Some(rng.range(175, 190))),
        70..=79 => ("disoccupato", Some(rng.range(200, 360))),
        _ => ("disoccupato", Some(rng.range(366, 2200))),
    };
    form["labour_status"] = json!(status);
    form["unemployed_since"] =
        json!(since.map(|d| (entry - Duration::days(d)).to_string()).unwrap_or_default());
    let isced = if rng.chance(8) {
        String::new()
    } else if age < 25 {
        (*rng.pick(&[1, 2, 2, 3, 3, 4])).to_string()
    } else {
        (*rng.pick(&[0, 1, 1, 2, 2, 2, 3, 3, 3, 4, 5, 6, 7, 8])).to_string()
    };
    form["isced"] = json!(isced);
    form["in_education"] = json!(if age < 25 && rng.chance(30) {
        "si"
    } else if rng.chance(6) {
        ""
    } else {
        "no"
    });
    form["foreign_background"] = json!(if rng.chance(5) {
        ""
    } else if p.foreign {
        "si"
    } else {
        "no"
    });
    form["disability"] = json!(if member.disability_certified || rng.chance(6) {
        "si"
    } else if rng.chance(10) {
        ""
    } else {
        "no"
    });
    form["other_disadvantaged"] = json!(if rng.chance(15) {
        "si"
    } else if rng.chance(15) {
        ""
    } else {
        "no"
    });
    form["homeless"] = json!(if p.homeless { "si" } else { "no" });
    form["rural"] = json!("no");
    let adults: Vec<_> = h.members.iter().filter(|m| m.is_adult_on(entry)).collect();
    form["household_jobless"] = json!(if status == "occupato" {
        "no"
    } else if rng.chance(10) {
        ""
    } else if rng.chance(75) {
        "si"
    } else {
        "no"
    });
    let children = h.members.iter().any(|m| !m.is_adult_on(entry));
    form["dependent_children"] = json!(if children { "si" } else { "no" });
    form["single_adult"] = json!(if adults.len() == 1 { "si" } else { "no" });
}

/// The intervention's own terms.
fn terms(
    rng: &mut Rng,
    form: &mut Value,
    programme: &Programme,
    i: &Intervention,
    entry: NaiveDate,
    until: NaiveDate,
) {
    match i.kind {
        InterventionKind::Tirocinio => {
            let (host, tutor) = *rng.pick(HOSTS);
            form["host"] = json!(host);
            form["tutor"] = json!(tutor);
            form["planned_end"] =
                json!(until.max(entry + Duration::days(1)).min(programme.end_on).to_string());
            form["hours_week"] = json!(*rng.pick(&[15, 20, 20, 25, 30]));
            form["allowance"] = json!(*rng.pick(&["400.00", "450.00", "500.00"]));
            form["allowance_payer"] = json!(format!("{}, con i fondi del programma", programme.lead_body));
        }
        InterventionKind::Corso => {
            form["hours_attended"] = json!(rng.range(0, i.hours_planned.unwrap_or(40) as i64));
        }
        InterventionKind::Orientamento => form["agency"] = json!(*rng.pick(AGENCIES)),
        InterventionKind::BeneComune => {
            form["place"] = json!(*rng.pick(PLACES));
            form["hours_week"] = json!(*rng.pick(&[4, 6, 8]));
        }
        InterventionKind::Consulenza => form["agency"] = json!(*rng.pick(SPECIALISTS)),
        InterventionKind::SocioEducativo => {}
    }
}

const HOSTS: &[(&str, &str)] = &[
    ("Cooperativa sociale Il Giardinone, Sesto San Giovanni", "Paolo Fumagalli"),
    ("Mensa aziendale Campari, Sesto San Giovanni", "Rosaria D'Alessandro"),
    ("Biblioteca civica di Cologno Monzese", "Matteo Sant'Elia"),
    ("Supermercato di quartiere, viale Marelli 151, Sesto San Giovanni", "Giorgio Brambilla"),
    ("Falegnameria sociale Il Ponte, Milano", "Niccolò Dell'Acqua"),
    ("RSA Villa dei Cedri, Paullo", "Sara Colombo"),
];

const AGENCIES: &[&str] = &[
    "AFOL Metropolitana — Centro per l'impiego di Sesto San Giovanni",
    "AFOL Metropolitana — Centro per l'impiego di Cinisello Balsamo",
];

const PLACES: &[&str] = &[
    "Parco Nord Milano, cascina Centrale",
    "Biblioteca civica di Sesto San Giovanni, piazza Oldrini 1",
    "Emporio solidale di Cologno Monzese",
];

const SPECIALISTS: &[&str] = &[
    "Consultorio familiare ASST Melegnano Martesana, Paullo",
    "Centro antiviolenza del Distretto Sud Est Milano",
    "Psicologa del lavoro, CONSORZIO MESTIERI LOMBARDIA",
];

/// How a path ended: outcome, ESF situation at exit, note, and the project's closure.
struct Ending {
    outcome: &'static str,
    exit_status: &'static str,
    note: &'static str,
    closure: &'static str,
    objectives: &'static str,
}

const ENDINGS: &[Ending] = &[
    Ending {
        outcome: "completato",
        exit_status: "in_cerca_di_lavoro",
        note: "",
        closure: "obiettivi_raggiunti",
        objectives: "parzialmente_raggiunto",
    },
    Ending {
        outcome: "completato",
        exit_status: "qualifica_ottenuta",
        note: "",
        closure: "obiettivi_raggiunti",
        objectives: "raggiunto",
    },
    Ending {
        outcome: "completato",
        exit_status: "in_istruzione_formazione",
        note: "",
        closure: "obiettivi_raggiunti",
        objectives: "raggiunto",
    },
    Ending {
        outcome: "completato",
        exit_status: "",
        note: "",
        closure: "obiettivi_raggiunti",
        objectives: "parzialmente_raggiunto",
    },
    Ending {
        outcome: "assunto",
        exit_status: "occupato",
        note: "Contratto a tempo determinato di 6 mesi.",
        closure: "obiettivi_raggiunti",
        objectives: "raggiunto",
    },
    Ending {
        outcome: "assunto",
        exit_status: "occupato",
        note: "Assunzione a tempo indeterminato part-time presso il soggetto ospitante.",
        closure: "obiettivi_raggiunti",
        objectives: "raggiunto",
    },
    Ending {
        outcome: "ritirato",
        exit_status: "altro",
        note: "Trasferimento del nucleo in un altro comune.",
        closure: "trasferimento",
        objectives: "non_raggiunto",
    },
    Ending {
        outcome: "ritirato",
        exit_status: "",
        note: "Problemi di salute: certificato medico agli atti.",
        closure: "rinuncia",
        objectives: "non_raggiunto",
    },
    Ending {
        outcome: "ritirato",
        exit_status: "in_cerca_di_lavoro",
        note: "Impegni di cura verso un familiare non autosufficiente.",
        closure: "rinuncia",
        objectives: "parzialmente_raggiunto",
    },
    Ending {
        outcome: "altro_servizio",
        exit_status: "altro",
        note: "Presa in carico dal servizio per le dipendenze (SerD).",
        closure: "altro_servizio",
        objectives: "parzialmente_raggiunto",
    },
    Ending {
        outcome: "altro_servizio",
        exit_status: "altro",
        note: "Passaggio al Centro per l'impiego con il patto per il lavoro.",
        closure: "altro_servizio",
        objectives: "parzialmente_raggiunto",
    },
    Ending {
        outcome: "completato",
        exit_status: "in_cerca_di_lavoro",
        note: "",
        closure: "decadenza",
        objectives: "parzialmente_raggiunto",
    },
];

/// The operatori who follow these households (the coordinator distributes).
const FOLLOWERS: &[&str] = &["mbianchi", "lgallo", "kamrani"];

#[allow(clippy::too_many_arguments)]
pub(super) fn play_participants(
    db: &Path,
    documents: &Path,
    key: &DbKey,
    programmes: &[(Programme, usize)],
    rng: &mut Rng,
    used: &mut HashSet<String>,
    comune: &Comune,
    today: NaiveDate,
) -> Result<PlayedParticipants, Error> {
    let mut played = PlayedParticipants::default();
    let mut index = 0usize;
    // One session per operator, moved to each step's day.
    let mut sessions: BTreeMap<&str, Service> = BTreeMap::new();
    for (programme, wanted) in programmes {
        let target =
            if programme.title.starts_with("CIAO") { Target::WomenAndYoung } else { Target::Beneficiaries };
        // Entries from the later of the programme's start and the first
        // day of the procedure's rules, to some months before its end.
        let first = programme.start_on.max(day(2018, 1, 1)) + Duration::days(65);
        let last = programme.end_on - Duration::days(75);
        let span = (last - first).num_days().max(1);
        let mut people = 0usize;
        let mut k = 0i64;
        while people < *wanted {
            // Spread evenly over the period, a little noise.
            let planned_entry = first + Duration::days((k * 7919) % span);
            k += 1;
            let interview =
                office_day_on_or_before(planned_entry - Duration::days(rng.range(20, 45)), comune)?;
            if interview > today {
                break;
            }
            let registered = days_before(interview, rng.range(0, 15));
            let plan = plan_household(rng, index, target, registered, planned_entry, used)?;
            let login = FOLLOWERS[index % FOLLOWERS.len()];
            index += 1;
            if !sessions.contains_key(login) {
                let s = Service::unlocked(
                    db,
                    documents,
                    key.duplicate(),
                    Credentials::password(login, ""),
                    Some(registered.min(today)),
                )?;
                sessions.insert(login, s);
            }
            let s = sessions.get_mut(login).expect("just opened");
            s.set_fixed_day(registered.min(today));
            let h = s.household_save(plan.household.clone())?;
            played.households += 1;
            played.members += h.members.len();
            s.set_fixed_day(interview.min(today));
            let analysis = s.analysis_save(analysis_input(rng, &h, interview, Situation::Sottoscritto))?;
            // Sent to the équipe: its quadro di analisi before the project.
            let mut written = interview;
            if analysis.outcome == crate::domain::Outcome::EquipeMultidisciplinare {
                written = super::quadro::meeting_day(&analysis, today);
                s.set_fixed_day(written);
                let name = s.operator().name.clone();
                s.quadro_save(super::quadro::quadro_input(&h, &analysis, written, &name))?;
            }
            let p = s.project_save(project_input(rng, &h, interview, comune)?)?;
            let ready = days_after(interview, rng.range(1, 4)).max(written).min(today);
            s.set_fixed_day(ready);
            let p = s.project_set_status(p.id, ProjectStatus::DaFirmare)?;
            let last_day = analysis.signing_deadline.min(today);
            let mut signed = ready;
            for r in &p.required_signers {
                signed = days_after(signed, rng.range(0, 3)).min(last_day).max(ready);
                s.set_fixed_day(signed);
                s.signature_record(p.id, r.member_id, signed)?;
            }
            let entry = planned_entry.max(days_after(signed, 3));
            // Each participant's path: sometimes an orientamento (or a
            // consultation) first, then the intervention the path ends in.
            let mut paths = Vec::new();
            for (j, member_id) in plan.participants.iter().enumerate() {
                let mut start = days_after(entry, 7 * j as i64);
                let two = rng.chance(25);
                let n = programme.interventions.len();
                let main = &programme.interventions[(index + j + rng.below(n as u64) as usize) % n];
                let mut steps = Vec::new();
                if two && days_after(start, 100) < programme.end_on - Duration::days(60) {
                    let first_kind = if target == Target::WomenAndYoung {
                        InterventionKind::Consulenza
                    } else {
                        InterventionKind::Orientamento
                    };
                    if let Some(pre) =
                        programme.interventions.iter().find(|i| i.kind == first_kind && i.id != main.id)
                    {
                        let out = days_after(start, rng.range(30, 75));
                        steps.push((pre, start, out, Some(&ENDINGS[0])));
                        start = days_after(out, rng.range(3, 20));
                    }
                }
                let out = days_after(start, rng.range(45, 300)).min(programme.end_on);
                let ending = &ENDINGS[rng.below(ENDINGS.len() as u64) as usize];
                steps.push((main, start, out, None));
                paths.push((member_id.clone(), steps, ending));
            }
            // Enrolments in order of their exit day (the day they are recorded).
            let mut saves: Vec<(NaiveDate, Value)> = Vec::new();
            let mut closing = p.signed_on.unwrap_or(signed);
            let mut ending_of_household = &ENDINGS[0];
            for (member_id, steps, ending) in &paths {
                let Some(member) = h.members.iter().find(|m| m.id.to_string() == *member_id) else {
                    continue;
                };
                played.participants += 1;
                let mut answers = json!({});
                esf_answers(rng, &mut answers, &h, member, &plan, steps[0].1);
                for (i, start, out, step_end) in steps {
                    let end = step_end.unwrap_or(ending);
                    let mut form = json!({
                        "household_id": h.id.to_string(),
                        "member_id": member_id,
                        "intervention_id": i.id.to_string(),
                        "project_id": p.id.to_string(),
                        "support_id": p.supports.first().map(|x| x.id.to_string()),
                        "entry_date": start.to_string(),
                    });
                    if let (Some(f), Some(a)) = (form.as_object_mut(), answers.as_object()) {
                        f.extend(a.clone());
                    }
                    terms(rng, &mut form, programme, i, *start, *out);
                    let out = if end.outcome == "ritirato" {
                        days_after(*start, (*out - *start).num_days() / 2)
                    } else {
                        *out
                    };
                    if out <= today {
                        form["exit_date"] = json!(out.to_string());
                        form["outcome"] = json!(end.outcome);
                        form["exit_status"] = json!(end.exit_status);
                        form["outcome_note"] = json!(end.note);
                    }
                    closing = closing.max(out);
                    saves.push((out.min(today), form));
                }
                ending_of_household = ending;
            }
            saves.sort_by_key(|(d, _)| *d);
            for (on, form) in saves {
                s.set_fixed_day(on);
                s.enrolment_save(
                    serde_json::from_value::<EnrolmentInput>(form)
                        .map_err(|e| Error::new(Code::Internal, format!("dati della demo: {e}")))?,
                )?;
                played.enrolments += 1;
            }
            people += plan.participants.len();
            // The project closes some weeks after the last exit.
            let closed_on = days_after(closing, rng.range(10, 60));
            if closed_on <= today {
                s.set_fixed_day(closed_on);
                let e = ending_of_household;
                let closure = ClosureInput {
                    closed_on: Some(closed_on.to_string()),
                    reason: Some(e.closure.into()),
                    note: None,
                    objectives: p
                        .objectives
                        .iter()
                        .enumerate()
                        .map(|(i, _)| OutcomeInput {
                            outcome: Some(
                                if i == 0 { e.objectives } else { "parzialmente_raggiunto" }.into(),
                            ),
                            note: (e.objectives == "non_raggiunto" && i == 0).then(|| e.note.to_string()),
                        })
                        .collect(),
                };
                s.project_close(p.id, closure)?;
            }
        }
    }
    Ok(played)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a date of the demo")
}
