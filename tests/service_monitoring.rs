//! After the patto is signed (issue 12 item 3): monitoring meetings move the
//! commitments and the project, the Scadenze board shows the meetings due and
//! overdue, a re-design is a new version signed again with the old one kept,
//! and the closure makes the project read-only.

use crate::service_support;

use serde_json::{json, Value};
use service_support::{analysis_json, create_family, d, env, login, project_json, today, Env, ADMIN};
use sportello::domain::{BoardKind, BoardState, CommitmentStatus, Household, Project, ProjectStatus};
use sportello::service::Service;
use sportello::Code;

/// The example family with its project printed and signed by everyone on
/// 20/11/2026 (sottoscritto).
fn signed(e: &Env) -> (Household, Project) {
    let s = &e.service;
    let h = create_family(s);
    s.analysis_save(
        serde_json::from_value(analysis_json(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
    )
    .unwrap();
    let p = s.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap();
    // Printing the bozza sends it to signing: the patto the family signs.
    s.agreement_print(p.id).unwrap();
    let p = s.project_get(h.id).unwrap().unwrap();
    assert_eq!(p.status, ProjectStatus::DaFirmare);
    for r in p.required_signers.clone() {
        s.signature_record(p.id, r.member_id, today()).unwrap();
    }
    let p = s.project_get(h.id).unwrap().unwrap();
    assert_eq!(p.status, ProjectStatus::Sottoscritto);
    (h, p)
}

/// A meeting held on `on` with `progress` for each commitment in order.
fn meeting(p: &Project, on: &str, progress: &[&str], next: Option<&str>) -> Value {
    json!({
        "held_on": on,
        "members_present": [p.required_signers[0].member_id.to_string()],
        "operators": ["Anna Verdi"],
        "others": [{ "name": "Paola Neri", "role": "orientatrice del Centro per l'impiego (AFOL)" }, { "name": "", "role": "" }],
        "progress": p.commitments.iter().zip(progress).map(|(c, g)| json!({
            "commitment_id": c.id.to_string(), "progress": g, "note": format!("nota su {}", c.action)
        })).collect::<Vec<_>>(),
        "note": "La famiglia ha portato i documenti richiesti.",
        "next_meeting_on": next,
    })
}

fn record(s: &Service, p: &Project, v: Value) -> sportello::Result<Project> {
    s.monitoring_record(p.id, serde_json::from_value(v).unwrap())
}

fn monitoring_rows(s: &Service) -> Vec<(i64, BoardState)> {
    s.deadlines_board()
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == BoardKind::Monitoraggio)
        .map(|r| (r.days_left, r.state))
        .collect()
}

#[test]
fn a_meeting_moves_each_commitment_and_the_project_to_in_corso_and_is_annulled_never_edited() {
    let e = env();
    let (h, p) = signed(&e);
    let n = p.commitments.len();
    assert!(n >= 3, "one commitment a member");
    let later = e.reopen(ADMIN, d("2026-12-10"));

    // Checked once, each mistake on its field.
    let err = record(&later, &p, meeting(&p, "2026-12-11", &["rispettato"; 3], None)).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("held_on"), "{err:?}");
    let err = record(&later, &p, meeting(&p, "2026-11-19", &["rispettato"; 3], None)).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("held_on"), "before the signature: {err:?}");
    let err = record(&later, &p, meeting(&p, "2026-12-10", &["rispettato", "in_corso"], None)).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("progress[2].progress"), "{err:?}");
    assert!(err.message.contains(&p.commitments[2].action), "{}", err.message);
    let err = record(&later, &p, meeting(&p, "2026-12-10", &["rispettato", "in_corso", "finito"], None))
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("progress[2].progress"), "{err:?}");
    let err =
        record(&later, &p, meeting(&p, "2026-12-10", &["rispettato"; 3], Some("2026-12-10"))).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("next_meeting_on"), "{err:?}");
    let mut v = meeting(&p, "2026-12-10", &["rispettato"; 3], None);
    v["operators"] = json!(["", " "]);
    assert_eq!(record(&later, &p, v).unwrap_err().field.as_deref(), Some("operators[0]"));
    let mut v = meeting(&p, "2026-12-10", &["rispettato"; 3], None);
    v["others"][1] = json!({ "name": "Luca Bassi", "role": "" });
    assert_eq!(record(&later, &p, v).unwrap_err().field.as_deref(), Some("others[1].role"));
    assert_eq!(
        later.project_get(h.id).unwrap().unwrap().status,
        ProjectStatus::Sottoscritto,
        "nothing written"
    );

    let m1 = record(
        &later,
        &p,
        meeting(&p, "2026-12-10", &["rispettato", "sospeso", "in_corso"], Some("2027-03-10")),
    )
    .unwrap();
    assert_eq!(m1.status, ProjectStatus::InCorso, "the first meeting starts the project");
    let statuses: Vec<_> = m1.commitments.iter().map(|c| c.status).collect();
    assert_eq!(
        statuses,
        [CommitmentStatus::Rispettato, CommitmentStatus::Sospeso, CommitmentStatus::InCorso]
    );
    assert_eq!(m1.monitoring.len(), 1);
    let held = &m1.monitoring[0];
    assert_eq!(held.operators, ["Anna Verdi"]);
    assert_eq!(held.others.len(), 1, "a blank line is no one");
    assert_eq!(held.others[0].name, "Paola Neri");
    assert_eq!(held.progress[1].previous, CommitmentStatus::DaAvviare);
    assert_eq!(
        held.progress[0].note.as_deref(),
        Some(format!("nota su {}", p.commitments[0].action).as_str())
    );
    assert_eq!(held.recorded_by_name, "Anna Verdi");
    assert_eq!(m1.next_meeting, Some(d("2027-03-10")));

    // A second meeting on the same project (in corso): statuses move again.
    let m2 = record(
        &later,
        &m1,
        meeting(&m1, "2026-12-10", &["rispettato", "non_rispettato", "rispettato"], None),
    )
    .unwrap();
    assert_eq!(m2.commitments[1].status, CommitmentStatus::NonRispettato);
    assert_eq!(m2.monitoring[1].progress[1].previous, CommitmentStatus::Sospeso);
    assert_eq!(m2.next_meeting, None, "the last meeting fixed none");

    // Annulled with a reason: it stays, and the commitments go back to what
    // the meeting that still counts says.
    let id2 = m2.monitoring[1].id;
    let err = later.monitoring_annul(p.id, id2, "  ").unwrap_err();
    assert_eq!(err.field.as_deref(), Some("reason"));
    let a = later.monitoring_annul(p.id, id2, "Registrato due volte").unwrap();
    assert_eq!(a.monitoring.len(), 2);
    assert_eq!(a.monitoring[1].annulled.as_ref().unwrap().reason, "Registrato due volte");
    let statuses: Vec<_> = a.commitments.iter().map(|c| c.status).collect();
    assert_eq!(
        statuses,
        [CommitmentStatus::Rispettato, CommitmentStatus::Sospeso, CommitmentStatus::InCorso]
    );
    assert_eq!(a.next_meeting, Some(d("2027-03-10")), "the annulled meeting no longer fixes the next one");
    assert_eq!(later.monitoring_annul(p.id, id2, "di nuovo").unwrap_err().code, Code::Conflict);
    // The first one annulled too: back to the statuses before any meeting.
    let a = later.monitoring_annul(p.id, m1.monitoring[0].id, "Incontro di un altro nucleo").unwrap();
    assert!(a.commitments.iter().all(|c| c.status == CommitmentStatus::DaAvviare));
    assert_eq!(a.status, ProjectStatus::InCorso, "the project stays in corso");

    // The audit rows say which meeting and why.
    let rows = later.storage().transaction(|tx| tx.audit_entries(None)).unwrap();
    assert!(rows.iter().any(|r| r.action == "monitoring_annul"
        && r.detail.as_deref()
            == Some("incontro di monitoraggio del 10/12/2026 annullato: Registrato due volte")));
    // Storage round trip: another process reads the same record.
    let again = login(&e.db(), &e.docs(), ADMIN, d("2026-12-10")).unwrap();
    assert_eq!(again.project_get(h.id).unwrap().unwrap(), a);
}

#[test]
fn the_board_shows_a_meeting_due_within_fifteen_days_and_overdue_from_the_next_day() {
    let e = env();
    let (_, p) = signed(&e);
    // The patto planned its first meeting on 15/02/2027.
    assert_eq!(p.next_meeting, Some(d("2027-02-15")));
    let on = |day: &str| monitoring_rows(&e.reopen(ADMIN, d(day)));
    assert_eq!(on("2027-01-30"), []);
    assert_eq!(on("2027-01-31"), [(15, BoardState::InScadenza)]);
    assert_eq!(on("2027-02-15"), [(0, BoardState::InScadenza)]);
    assert_eq!(on("2027-02-16"), [(-1, BoardState::Scaduto)]);
    assert_eq!(on("2027-06-01").first().map(|r| r.1), Some(BoardState::Scaduto));

    // Held late, with the next one fixed: off the board until near it.
    let late = e.reopen(ADMIN, d("2027-02-20"));
    let p = record(&late, &p, meeting(&p, "2027-02-20", &["in_corso"; 3], Some("2027-05-20"))).unwrap();
    assert_eq!(monitoring_rows(&late), []);
    assert_eq!(on("2027-05-05"), [(15, BoardState::InScadenza)]);
    assert_eq!(on("2027-05-21"), [(-1, BoardState::Scaduto)]);
    // A concluded project is not monitored.
    let closing = e.reopen(ADMIN, d("2027-05-21"));
    closing
        .project_close(
            p.id,
            serde_json::from_value(json!({ "closed_on": "2027-05-21", "reason": "rinuncia",
                "objectives": [{ "outcome": "non_raggiunto" }] }))
            .unwrap(),
        )
        .unwrap();
    assert_eq!(on("2027-05-21"), []);
}

#[test]
fn a_re_design_is_a_new_version_signed_again_and_the_old_one_stays_readable() {
    let e = env();
    let (h, p) = signed(&e);
    let later = e.reopen(ADMIN, d("2026-12-10"));
    let p = record(
        &later,
        &p,
        meeting(&p, "2026-12-10", &["rispettato", "in_corso", "in_corso"], Some("2027-03-10")),
    )
    .unwrap();
    let old_objective = p.objectives[0].clone();
    let old_signatures = p.signatures.clone();

    assert_eq!(later.project_redesign(p.id, " ").unwrap_err().field.as_deref(), Some("reason"));
    let r = later.project_redesign(p.id, "La richiedente ha trovato lavoro: nuovi obiettivi").unwrap();
    assert_eq!(r.version, 2);
    assert_eq!(r.status, ProjectStatus::Bozza);
    assert!(r.signatures.is_empty(), "the new text needs the family's signatures again");
    // 20 working days from Thu 10/12/2026 in Milano (holidays of Christmas and
    // New Year's Day, and the Epiphany, closed).
    assert_eq!(r.signing_deadline, d("2027-01-12"));
    assert_eq!(r.versions.len(), 1);
    let v1 = &r.versions[0];
    assert_eq!(v1.number, 1);
    assert_eq!(v1.objectives, std::slice::from_ref(&old_objective));
    assert_eq!(v1.commitments.len(), p.commitments.len());
    assert_eq!(v1.commitments[0].status, CommitmentStatus::Rispettato);
    assert_eq!(v1.signatures.len(), old_signatures.len());
    assert_eq!(v1.signed_on, Some(today()));
    assert!(v1.document_id.is_some(), "the patto printed for version 1 is kept");
    assert_eq!(v1.reason, "La richiedente ha trovato lavoro: nuovi obiettivi");
    assert_eq!(r.monitoring.len(), 1, "the meetings held stay with the project");
    // Not monitored while it waits for signatures, nor re-designed twice.
    let err = record(&later, &r, meeting(&r, "2026-12-10", &["in_corso"; 3], None)).unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    assert_eq!(later.project_redesign(r.id, "ancora").unwrap_err().code, Code::Conflict);

    // The new version is written and signed with the same flow.
    let mut v = serde_json::to_value(&r).unwrap();
    v["objectives"] = json!(["Mantenere il lavoro e trovare una casa in affitto."]);
    for k in [
        "analysis_id",
        "status",
        "signing_deadline",
        "required_signers",
        "signatures",
        "annulled_signatures",
        "signed_on",
        "created_at",
        "updated_at",
        "version",
        "versions",
        "monitoring",
        "next_meeting",
        "closure",
    ] {
        v.as_object_mut().unwrap().remove(k);
    }
    let r = later.project_save(serde_json::from_value(v).unwrap()).unwrap();
    assert_eq!(r.objectives, ["Mantenere il lavoro e trovare una casa in affitto."]);
    let r = later.project_set_status(r.id, ProjectStatus::DaFirmare).unwrap();
    let first = r.required_signers[0].member_id;
    let err = later.signature_record(r.id, first, d("2026-12-09")).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("signed_on"), "not before the re-design: {err:?}");
    for s in r.required_signers.clone() {
        later.signature_record(r.id, s.member_id, d("2026-12-10")).unwrap();
    }
    let r = later.project_get(h.id).unwrap().unwrap();
    assert_eq!(r.status, ProjectStatus::Sottoscritto);
    assert_eq!(r.signed_on, Some(d("2026-12-10")));
    // Version 1 reads as it was signed.
    assert_eq!(r.versions[0].objectives, [old_objective]);
    assert_eq!(r.versions[0].signed_on, Some(today()));
    // The old document is still in the case's folder.
    let docs = later.documents_list(h.id).unwrap();
    assert!(docs.iter().any(|d| Some(d.id) == r.versions[0].document_id));
}

#[test]
fn the_closure_records_each_objectives_outcome_and_makes_the_project_read_only() {
    let e = env();
    let (h, p) = signed(&e);
    let later = e.reopen(ADMIN, d("2026-12-10"));
    let p = record(&later, &p, meeting(&p, "2026-12-10", &["rispettato"; 3], Some("2027-03-10"))).unwrap();
    // While open, the patto tells the next meeting too.
    assert_eq!(later.agreement_data(p.id).unwrap().follow_up.next_meeting, Some(d("2027-03-10")));
    let close = |v: Value| later.project_close(p.id, serde_json::from_value(v).unwrap());
    let err = close(json!({ "closed_on": "2026-12-10", "reason": "obiettivi_raggiunti", "objectives": [] }))
        .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("objectives"));
    let err = close(json!({ "closed_on": "2026-12-10", "reason": "altro",
        "objectives": [{ "outcome": "raggiunto" }] }))
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("note"));
    let err = close(json!({ "closed_on": "2026-12-09", "reason": "obiettivi_raggiunti",
        "objectives": [{ "outcome": "raggiunto" }] }))
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("closed_on"), "before the last meeting");
    let err = close(json!({ "closed_on": "2026-12-10", "reason": "obiettivi_raggiunti",
        "objectives": [{ "outcome": "quasi" }] }))
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("objectives[0].outcome"));

    let c = close(json!({ "closed_on": "2026-12-10", "reason": "obiettivi_raggiunti", "note": "Contratto a tempo indeterminato",
        "objectives": [{ "outcome": "parzialmente_raggiunto", "note": "Lavoro trovato, reddito ancora basso" }] }))
    .unwrap();
    assert_eq!(c.status, ProjectStatus::Concluso);
    // The printed patto tells the meeting held and the closure.
    let patto = later.agreement_data(c.id).unwrap();
    let f = &patto.follow_up;
    assert_eq!(f.meetings.len(), 1);
    assert_eq!(f.meetings[0].held_on, d("2026-12-10"));
    assert_eq!(f.meetings[0].members_present.len(), 1);
    assert!(f.meetings[0].others.iter().any(|o| o.starts_with("Paola Neri, orientatrice")), "{f:?}");
    assert_eq!(f.meetings[0].progress.len(), p.commitments.len());
    assert!(f.meetings[0].progress.iter().all(|x| x.progress == "rispettato" && x.note.is_some()));
    assert_eq!(f.next_meeting, None, "closed: no next meeting");
    let closed = f.closure.as_ref().unwrap();
    assert_eq!((closed.closed_on, closed.reason.as_str()), (d("2026-12-10"), "obiettivi raggiunti"));
    assert_eq!(closed.objectives[0].1, "parzialmente raggiunto");
    let printed = later.agreement_print(c.id).unwrap();
    assert!(printed.title.contains("concluso il 10/12/2026"), "{}", printed.title);
    let closure = c.closure.clone().unwrap();
    assert_eq!(closure.closed_on, d("2026-12-10"));
    assert_eq!(closure.objectives[0].objective, p.objectives[0]);
    assert_eq!(closure.objectives[0].note.as_deref(), Some("Lavoro trovato, reddito ancora basso"));

    // Read-only: every write refused, nothing changed.
    let conflict = |r: sportello::Result<Project>| assert_eq!(r.unwrap_err().code, Code::Conflict);
    conflict(close(
        json!({ "closed_on": "2026-12-10", "reason": "rinuncia", "objectives": [{ "outcome": "raggiunto" }] }),
    ));
    conflict(record(&later, &c, meeting(&c, "2026-12-10", &["rispettato"; 3], None)));
    conflict(later.monitoring_annul(c.id, c.monitoring[0].id, "dopo la chiusura"));
    conflict(later.project_redesign(c.id, "dopo la chiusura"));
    let mut v = project_json(&h);
    v["id"] = json!(c.id.to_string());
    conflict(later.project_save(serde_json::from_value(v).unwrap()));
    assert!(later.project_set_status(c.id, ProjectStatus::InCorso).is_err());
    assert_eq!(later.project_get(h.id).unwrap().unwrap(), c);
}

#[test]
fn a_meeting_recorded_on_an_enrolled_laptop_reaches_the_hub() {
    let e = env();
    let (h, p) = signed(&e);
    let laptop_db = e.dir.path().join("portatile.sqlite");
    e.service.device_enroll("portatile", &[ADMIN.to_string()], &laptop_db).unwrap();
    let laptop = login(&laptop_db, &e.docs(), ADMIN, d("2026-12-10")).unwrap();
    let there = record(
        &laptop,
        &p,
        meeting(&p, "2026-12-10", &["rispettato", "in_corso", "sospeso"], Some("2027-03-10")),
    )
    .unwrap();
    assert_eq!(there.status, ProjectStatus::InCorso);

    let report = e.service.sync_import(&laptop.sync_export(None).unwrap()).unwrap();
    assert_eq!(report.conflicts, 0, "{report:?}");
    let hub = e.service.project_get(h.id).unwrap().unwrap();
    assert_eq!(hub.status, ProjectStatus::InCorso);
    assert_eq!(hub.commitments[0].status, CommitmentStatus::Rispettato);
    assert_eq!(hub.commitments[2].status, CommitmentStatus::Sospeso);
    assert_eq!(hub.monitoring, there.monitoring);
    assert_eq!(hub.next_meeting, Some(d("2027-03-10")));
}

#[test]
fn meetings_versions_and_the_closure_round_trip_through_the_file() {
    let e = env();
    let (h, p) = signed(&e);
    let later = e.reopen(ADMIN, d("2026-12-10"));
    let mut v = meeting(&p, "2026-12-10", &["rispettato", "sospeso", "non_rispettato"], Some("2027-03-10"));
    v["note"] = json!("Nota con accenti: è, à, ù — e un «virgolettato».");
    let p = record(&later, &p, v).unwrap();
    let p = later.monitoring_annul(p.id, p.monitoring[0].id, "Data sbagliata").unwrap();
    record(&later, &p, meeting(&p, "2026-12-10", &["in_corso"; 3], Some("2027-03-11"))).unwrap();
    later.project_redesign(p.id, "Trasferimento del nucleo in un altro quartiere").unwrap();
    let mine = later
        .project_close(
            p.id,
            serde_json::from_value(json!({ "closed_on": "2026-12-10", "reason": "trasferimento",
                "note": "Presa in carico dal Municipio 2", "objectives": [{ "outcome": "parzialmente_raggiunto" }] }))
            .unwrap(),
        )
        .unwrap();
    drop(later);

    // Read under the service: the same values from the file.
    let store = sportello::storage::Storage::open(&e.db(), &service_support::key(&e.db())).unwrap();
    let stored = store.transaction(|tx| tx.project_get(p.id)).unwrap().expect("project stored");
    assert_eq!(stored.monitoring, mine.monitoring);
    assert_eq!(stored.monitoring.len(), 2);
    assert_eq!(
        stored.monitoring[0].note.as_deref(),
        Some("Nota con accenti: è, à, ù — e un «virgolettato».")
    );
    assert_eq!(stored.monitoring[0].members_present.len(), 1);
    assert_eq!(stored.versions, mine.versions);
    assert_eq!(stored.versions[0].commitments.len(), 3);
    assert_eq!(stored.closure, mine.closure);
    assert_eq!(stored.version, 2);
    assert_eq!(stored.status, ProjectStatus::Concluso);
    assert_eq!(h.id, stored.household_id);
    assert!(store.check().unwrap().is_empty(), "integrity and every reference");
}
