//! The équipe's quadro di analisi (issue 12 item 0): recorded only when the
//! analisi preliminare sends the household to the équipe multidisciplinare,
//! checked where it enters, kept as typed, and the ground the project is
//! built on — no project for such a household without it, nor when the
//! équipe agreed on something else.

use crate::service_support;

use serde_json::{json, Value};
use service_support::{analysis_json, create_family, env, project_json, today};
use sportello::domain::quadro::{EquipeService, QuadroOutcome};
use sportello::domain::{BoardKind, LifeArea, Need, ProjectStatus, StrEnum};
use sportello::Code;

fn routed_to_equipe(e: &service_support::Env) -> sportello::domain::Household {
    let h = create_family(&e.service);
    e.service
        .analysis_save(
            serde_json::from_value(analysis_json(&h, "2026-11-16", "equipe_multidisciplinare")).unwrap(),
        )
        .unwrap();
    h
}

/// A change to a valid quadro that makes it wrong.
type Change = Box<dyn Fn(&mut Value)>;

fn save(e: &service_support::Env, v: Value) -> sportello::Result<Value> {
    e.service.call("quadro_save", json!({ "quadro": v }))
}

#[test]
fn the_project_of_a_household_sent_to_the_equipe_waits_for_its_quadro_and_starts_from_it() {
    let e = env();
    let h = routed_to_equipe(&e);

    // Before the quadro: the board says so, and no project can be written.
    let board = e.service.deadlines_board().unwrap();
    let row = board.iter().find(|r| r.household_id == h.id && r.kind == BoardKind::Firma).unwrap();
    assert!(row.quadro_due);
    assert_eq!(row.project_id, None);
    let err = e.service.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Conflict, Some("quadro")), "{}", err.message);
    assert!(err.message.contains("quadro di analisi"), "{}", err.message);
    assert_eq!(e.service.quadro_get(h.id).unwrap(), None);

    // The équipe meets: names as written, the areas in the law's order
    // whatever the form's, blank rows and priorities dropped.
    let mut v = service_support::quadro_json(&h, "2026-11-19");
    v["areas"].as_array_mut().unwrap().reverse();
    v["equipe"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "name": "", "service": "", "organisation": null, "role": " " }));
    v["priorities"].as_array_mut().unwrap().push(json!("  "));
    let q = save(&e, v).unwrap();
    assert_eq!(q["operator"], "Anna Verdi");
    assert_eq!(q["meeting_date"], "2026-11-19");
    let names: Vec<&str> =
        q["equipe"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Anna Verdi", "Luca D'Amico", "Zoë Ngũgĩ"]);
    let stored = e.service.quadro_get(h.id).unwrap().unwrap();
    assert_eq!(stored.areas.iter().map(|a| a.domain).collect::<Vec<_>>(), LifeArea::ALL);
    assert_eq!(stored.areas[1].need, Need::Grave);
    assert_eq!(stored.equipe[2].service, EquipeService::ServiziSanitari);
    assert_eq!(stored.priorities.len(), 2);
    assert_eq!(stored.outcome, QuadroOutcome::PattoInclusione);
    let analysis = e.service.analysis_get(h.id).unwrap().unwrap();
    assert_eq!(stored.analysis_id, analysis.id);

    // Corrected in place: the same record, one per household.
    let mut again = serde_json::to_value(&stored).unwrap();
    again["priorities"] = json!(["Un lavoro stabile per Thị Lan entro un anno."]);
    let q2 = save(&e, again).unwrap();
    assert_eq!(q2["id"], json!(stored.id.to_string()));
    assert_eq!(q2["priorities"], json!(["Un lavoro stabile per Thị Lan entro un anno."]));

    // The board moves on to the project, on the same clock.
    let row = e.service.deadlines_board().unwrap().into_iter().find(|r| r.household_id == h.id).unwrap();
    assert!(!row.quadro_due);
    assert_eq!(row.deadline, analysis.signing_deadline);

    // Now the project is written; once someone signs it, the quadro is fixed.
    let mut p = project_json(&h);
    p["commitments"].as_array_mut().unwrap().pop();
    let p = e.service.project_save(serde_json::from_value(p).unwrap()).unwrap();
    let p = e.service.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap();
    e.service.signature_record(p.id, h.members[0].id, today()).unwrap();
    let err =
        save(&e, serde_json::to_value(e.service.quadro_get(h.id).unwrap().unwrap()).unwrap()).unwrap_err();
    assert_eq!(err.code, Code::Conflict, "{}", err.message);
}

#[test]
fn when_the_equipe_sends_the_family_elsewhere_no_project_is_written_here() {
    let e = env();
    let h = routed_to_equipe(&e);
    let mut v = service_support::quadro_json(&h, "2026-11-18");
    v["outcome"] = json!("servizi_specialistici");
    v["priorities"] = json!([]);
    save(&e, v).unwrap();
    let err = e.service.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Conflict, Some("quadro")));
    assert!(err.message.contains("servizi specialistici"), "{}", err.message);
}

#[test]
fn a_quadro_is_refused_where_it_does_not_belong_or_is_incomplete() {
    let e = env();
    // No analysis yet.
    let h = e
        .service
        .household_save(
            serde_json::from_value(service_support::single_json("Brambilla", "Ugo", "1970-03-03", "M"))
                .unwrap(),
        )
        .unwrap();
    let err = save(&e, service_support::quadro_json(&h, "2026-11-18")).unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    // An analysis that does not send the household to the équipe.
    e.service
        .analysis_save(
            serde_json::from_value(analysis_json(&h, "2026-11-16", "progetto_servizio_sociale")).unwrap(),
        )
        .unwrap();
    let err = save(&e, service_support::quadro_json(&h, "2026-11-18")).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("household_id")));
    // …and that household's project needs no quadro.
    e.service.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap();

    let h = routed_to_equipe(&e);
    let cases: Vec<(Change, &str)> = vec![
        (Box::new(|v| v["meeting_date"] = json!("2026-11-15")), "meeting_date"),
        (Box::new(|v| v["meeting_date"] = json!("2026-11-21")), "meeting_date"),
        (
            Box::new(|v| v["equipe"] = json!([{ "name": "Anna Verdi", "service": "servizio_sociale" }])),
            "equipe",
        ),
        (
            Box::new(|v| v["equipe"] = json!([{ "name": "Luca D'Amico", "service": "centro_impiego" }])),
            "equipe",
        ),
        (Box::new(|v| v["equipe"][1]["service"] = json!("questura")), "equipe[1].service"),
        (Box::new(|v| v["equipe"][1]["name"] = json!("1234")), "equipe[1].name"),
        (Box::new(|v| v["areas"][1]["needs"] = Value::Null), "areas[1].needs"),
        (
            Box::new(|v| {
                v["areas"].as_array_mut().unwrap().remove(5);
            }),
            "areas[5].need",
        ),
        (
            Box::new(|v| v["participants"] = json!([sportello::domain::Id::new().to_string()])),
            "participants[0]",
        ),
        (Box::new(|v| v["priorities"] = json!([""])), "priorities"),
        (Box::new(|v| v["outcome"] = json!("")), "outcome"),
        (Box::new(|v| v["outcome_reason"] = json!(" ")), "outcome_reason"),
    ];
    for (change, field) in cases {
        let mut v = service_support::quadro_json(&h, "2026-11-18");
        change(&mut v);
        let err = save(&e, v).unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some(field)), "{}", err.message);
    }
    // A key the form does not know is refused, not ignored.
    let mut v = service_support::quadro_json(&h, "2026-11-18");
    v["esito"] = json!("patto_inclusione");
    assert_eq!(save(&e, v).unwrap_err().code, Code::Invalid);
    assert_eq!(e.service.quadro_get(h.id).unwrap(), None);
}

#[test]
fn a_member_who_took_part_in_the_quadro_is_not_removed_from_the_household() {
    let e = env();
    let h = routed_to_equipe(&e);
    let mut v = service_support::quadro_json(&h, "2026-11-18");
    // Zoë, the minor, was at the équipe's meeting too.
    let zoe = h.members.iter().find(|m| !m.is_adult_on(today())).unwrap().id;
    v["participants"].as_array_mut().unwrap().push(json!(zoe.to_string()));
    save(&e, v).unwrap();
    let mut edited = serde_json::to_value(e.service.household_get(h.id).unwrap()).unwrap();
    edited["members"].as_array_mut().unwrap().retain(|m| m["id"] != json!(zoe.to_string()));
    let err = e.service.call("household_save", json!({ "household": edited })).unwrap_err();
    assert!(err.message.contains("quadro di analisi"), "{}", err.message);
}
