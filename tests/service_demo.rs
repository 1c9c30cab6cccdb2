//! The demonstration database: thirty households in every state, the same on
//! every run for the same day, and a board with overdue and close deadlines.

use crate::service_support;

use service_support::d;
use sportello::domain::{BoardKind, BoardState, ProjectStatus};
use sportello::keyring::KdfParams;
use sportello::service::Service;

fn demo(on: &str) -> (tempfile::TempDir, Service, sportello::demo::DemoReport) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let report = sportello::demo::create(
        &db,
        &dir.path().join("documenti"),
        d(on),
        service_support::PASSWORD,
        KdfParams::for_tests(),
    )
    .unwrap();
    let s = service_support::login(&db, &dir.path().join("documenti"), "averdi", d(on)).unwrap();
    (dir, s, report)
}

#[test]
fn the_demo_has_households_in_every_state() {
    let (_dir, s, report) = demo("2026-11-21");
    assert_eq!(report.households, 30);
    assert!(report.minors >= 10, "{report:?}");
    assert_eq!(s.session().unwrap().operator.name, "Anna Verdi");

    let board = s.deadlines_board().unwrap();
    let count = |st: BoardState| board.iter().filter(|r| r.state == st).count();
    assert!(count(BoardState::Scaduto) >= 4, "{board:#?}");
    assert!(count(BoardState::InScadenza) >= 4, "{board:#?}");
    assert!(count(BoardState::NeiTermini) >= 4, "{board:#?}");
    assert_eq!(board[0].state, BoardState::Scaduto, "overdue first");
    assert!(board.iter().any(|r| r.project_id.is_none()), "an analysis still without its project");
    assert!(board
        .iter()
        .filter(|r| r.kind == BoardKind::Firma && r.state != BoardState::NeiTermini)
        .all(|r| !r.missing_signatures.is_empty()));
    // Members from outside the EU have their permits; some are due, on the board.
    let permits: Vec<_> = board.iter().filter(|r| r.kind == BoardKind::Permesso).collect();
    assert!(!permits.is_empty(), "{board:#?}");
    assert!(permits
        .iter()
        .all(|r| r.permit.is_some() && r.state != BoardState::NeiTermini && r.days_left <= 60));

    // Every household is found by its case number; collect the project states.
    let mut statuses = Vec::new();
    let mut names = Vec::new();
    for n in 1..=30 {
        for year in ["2024", "2025", "2026"] {
            if let Some(h) = s.households_search(&format!("{year}/{n:06}")).unwrap().first() {
                statuses.push(h.project_status);
                names.push(h.name.clone());
            }
        }
    }
    assert_eq!(statuses.len(), 30);
    // The office sets its meetings on days it is open (issue 15: a demo
    // meeting fell on a Sunday).
    let mut meetings = 0;
    for n in 1..=30 {
        for year in ["2024", "2025", "2026"] {
            let Some(found) = s.households_search(&format!("{year}/{n:06}")).unwrap().into_iter().next()
            else {
                continue;
            };
            let Some(p) = s.project_get(found.id).unwrap() else { continue };
            for m in &p.meetings {
                meetings += 1;
                let c = s.calendar_check(m.date).unwrap();
                assert!(c.office_day, "{}: {:?}", m.date, c.message);
            }
        }
    }
    assert!(meetings >= 30, "{meetings}");
    for st in [
        ProjectStatus::Bozza,
        ProjectStatus::DaFirmare,
        ProjectStatus::Sottoscritto,
        ProjectStatus::InCorso,
        ProjectStatus::Concluso,
    ] {
        assert!(statuses.contains(&Some(st)), "{st} missing: {statuses:?}");
    }
    assert!(statuses.contains(&None));
    // Foreign letters and apostrophes are part of the demo.
    let all = names.join(" ");
    assert!(!all.is_ascii(), "{all}");

    // The seeds' programmes have their participants (issue 12 item 5): about
    // 400 people of households of 2018-2021, all closed, in every way out;
    // the ESF report of each means something on a day within it.
    assert!((390..=420).contains(&report.participants), "{report:?}");
    assert!(
        report.programme_households > 250 && report.participant_enrolments > report.participants,
        "{report:?}"
    );
    let list = s.programme_list().unwrap();
    let count = |prefix: &str| {
        list.iter().find(|p| p.title.starts_with(prefix)).map(|p| (p.id, p.participants)).unwrap()
    };
    let (traiettorie, people) = count("Traiettorie");
    assert!(people >= 280, "{people}");
    let (ciao, people) = count("CIAO");
    assert!(people >= 100, "{people}");
    let view = s.programme_get(traiettorie).unwrap();
    assert_eq!(view.participants.len() + view.others, report.participant_enrolments - view_len(&s, ciao));
    for outcome in ["completato", "assunto", "ritirato", "altro_servizio"] {
        assert!(view.participants.iter().any(|x| x.outcome.as_deref() == Some(outcome)), "{outcome}");
    }
    assert!(
        view.participants.iter().all(|x| x.exit_date.is_some()),
        "the programme is over: every exit recorded"
    );
    let during = s.programme_indicators(traiettorie, Some(d("2019-12-31")), false, None).unwrap();
    assert!(
        during.participants > 100 && during.exited > 20 && during.exited < during.participants,
        "{during:?}"
    );
    let line =
        |code: &str| during.outputs.iter().chain(&during.results).find(|l| l.code == code).unwrap().clone();
    for code in ["CO01", "CO02", "CO03", "CO05", "CO06", "CO07", "CO15", "CO16"] {
        assert!(line(code).total > 0, "{code}: {during:?}");
    }
    assert!(line("CO01").missing > 0, "unknown answers counted apart");
    let after = s.programme_indicators(ciao, None, false, None).unwrap();
    assert_eq!(after.exited, after.participants, "{after:?}");
    // The households' projects are closed: none of them is on the board.
    assert!(board.iter().all(|r| !r.case_number.starts_with("2018") && !r.case_number.starts_with("2019")));
    assert!(s.storage().check().unwrap().is_empty());
}

fn view_len(s: &Service, id: sportello::domain::Id) -> usize {
    let v = s.programme_get(id).unwrap();
    v.participants.len() + v.others
}

#[test]
fn the_demo_has_the_2019_calls_with_their_rankings_and_appeals() {
    use sportello::rules::appeals::{AppealOutcome, Status};
    let (dir, s, report) = demo("2026-11-21");
    assert_eq!((report.calls, report.appeals), (2, 2), "{report:?}");
    assert!(report.linked_applications >= 3, "{report:?}");
    let calls = s.calls_list().unwrap();
    assert_eq!(calls.len(), 2);
    let by_measure = |m: &str| calls.iter().find(|c| c.measure == m).unwrap().id;

    // Anziani: published, an appeal upheld, and the second version with it.
    let anziani = s.call_get(by_measure("b2-anziani")).unwrap();
    assert_eq!(anziani.summary.rule_set_title, "Misura B2 anziani e disabili — raccolta 2019");
    assert_eq!(anziani.summary.versions, 2);
    assert_eq!(anziani.summary.published_on, Some(d("2019-07-22")));
    assert!(anziani.upheld_not_published.is_empty());
    assert!(matches!(anziani.appeals[0].outcome, AppealOutcome::Upheld { .. }));
    let versions = s.ranking_versions(anziani.summary.id).unwrap();
    let first = &versions[0].ranking;
    assert!(!first.funded.is_empty() && !first.admitted_not_funded.is_empty(), "the budget runs out");
    let reasons: Vec<&str> =
        first.not_admitted.iter().flat_map(|r| r.reasons.iter().map(|x| x.code.as_str())).collect();
    for code in ["ISEE_OVER_CAP", "NO_VALID_ISEE", "NOT_RESIDENT", "OUTSIDE_WINDOW"] {
        assert!(reasons.contains(&code), "{code} missing from {reasons:?}");
    }
    let change = versions[1].changes.iter().find(|c| c.protocol == "2019/000104").unwrap();
    assert!(change.why.starts_with("Ricorso n. 1 accolto il 10/07/2019"), "{}", change.why);
    assert_ne!(change.after.as_ref().unwrap().status, Status::NotAdmitted);

    // Disabili: published, an appeal rejected.
    let disabili = s.call_get(by_measure("b2-disabili")).unwrap();
    assert_eq!(disabili.summary.versions, 1);
    assert!(matches!(disabili.appeals[0].outcome, AppealOutcome::Rejected { .. }));

    // The linked applications are members of the demo's households, with
    // their birth dates; the others are people the office has no case for.
    let apps: Vec<_> = anziani.applications.iter().chain(&disabili.applications).collect();
    let linked: Vec<_> = apps.iter().filter(|a| a.member_id.is_some()).collect();
    assert_eq!(linked.len(), report.linked_applications);
    assert!(linked.len() < apps.len());
    for a in linked {
        let h = s.household_get(a.household_id.unwrap()).unwrap();
        let m = h.members.iter().find(|m| Some(m.id) == a.member_id).unwrap();
        assert_eq!(m.birth_date, a.application.birth_date, "{}", a.application.protocol);
    }
    assert!(s.storage().check().unwrap().is_empty());

    // What the 2019 lists paid goes to INPS: the flow names each person paid
    // (the coordinatrice's codice fiscale in it) and INPS's schema takes it.
    let flow = s.siuss_flow(d("2019-01-01"), d("2019-12-31")).unwrap().expect("payments in 2019");
    assert!(!flow.beneficiaries.is_empty());
    assert_eq!(flow.ente.cf_operatore.as_str(), "VRDNNA75C41F205R");
    let file = dir.path().join("flusso.xml");
    std::fs::write(&file, flow.to_xml()).unwrap();
    crate::service_siuss::validates(&file).unwrap();
}

#[test]
fn the_demo_has_the_seeds_funded_projects_with_their_finances() {
    let (_dir, s, report) = demo("2026-11-21");
    assert_eq!(
        (
            report.funded_projects,
            report.finance_commitments,
            report.finance_payments,
            report.finance_annulments
        ),
        (2, 6, 18, 1),
        "{report:?}"
    );
    let list = s.finance_list().unwrap();
    let codes: Vec<&str> = list.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["AV3-2016-LOM-79", "MI3.1.1.c"], "by start date");
    // The seed's project (004): its figures, the amounts computed from the records.
    let rts = s.finance_get(list[1].id).unwrap();
    assert_eq!(rts.project.cup.as_str(), "B49J17000130006");
    assert_eq!(
        (rts.project.rup.as_str(), rts.project.start, rts.project.end),
        ("Guido Gandino", d("2017-09-01"), d("2019-12-31"))
    );
    let money = |m: sportello::Money| m.to_string();
    assert_eq!(money(rts.amounts.programmato), "817000.00");
    assert_eq!(money(rts.amounts.giuridicamente_vincolante), "748600.00");
    assert_eq!(money(rts.amounts.erogato), "652945.00");
    assert!(rts.warnings.is_empty(), "{:?}", rts.warnings);
    assert_eq!(rts.payments.iter().filter(|p| p.annulled.is_some()).count(), 1);
    // Traiettorie (seed 001): its internships paid beyond their commitment.
    let tr = s.finance_get(list[0].id).unwrap();
    assert_eq!(money(tr.amounts.programmato), "227424.00");
    let codes: Vec<&str> = tr.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["PAYMENTS_OVER_COMMITMENT"]);
}

#[test]
fn the_demo_has_the_seeds_temporary_housing_in_every_state() {
    use sportello::service::StayStatus;
    let (_dir, s, report) = demo("2026-11-21");
    assert_eq!(report.housing_units, 12, "{report:?}");
    assert_eq!(report.stays, 14, "{report:?}");
    assert_eq!(report.waiting, 3, "{report:?}");
    // The coordinator (Anna Verdi) sees every stay.
    let v = s.housing_get(None, 8).unwrap();
    assert_eq!(v.units.len(), 12);
    assert!(v.units.iter().all(|u| u.address.contains(", ")), "Milano addresses with their flats");
    let states: Vec<&str> = v.units.iter().map(|u| u.state.as_str()).collect();
    assert!(states.contains(&"in_ristrutturazione") && states.contains(&"fuori_uso"), "{states:?}");
    assert_eq!(v.stays.len(), 14);
    for st in [
        StayStatus::Programmato,
        StayStatus::InCorso,
        StayStatus::InScadenza,
        StayStatus::OltreTermine,
        StayStatus::Concluso,
    ] {
        assert!(v.stays.iter().any(|x| x.status == st), "{st:?} missing");
    }
    let destinations: std::collections::HashSet<_> = v.stays.iter().filter_map(|x| x.destination).collect();
    assert_eq!(destinations.len(), 5, "every destination: {destinations:?}");
    // A proroga is on record; most stays have their household's project.
    assert!(v.stays.iter().any(|x| x.project_id.is_some()));
    // A household waiting fits a free place today.
    assert_eq!(v.waiting.len(), 3);
    assert!(v.proposals.iter().any(|p| !p.candidates.is_empty()), "{:?}", v.proposals);
    assert!(v.free_today > 0);
    // The Scadenze board reminds of the stays ending soon and overstayed.
    let board = s.deadlines_board().unwrap();
    let housing: Vec<_> = board.iter().filter(|r| r.kind == BoardKind::Alloggio).collect();
    assert_eq!(housing.iter().filter(|r| r.state == BoardState::Scaduto).count(), 2, "{housing:#?}");
    assert_eq!(housing.iter().filter(|r| r.state == BoardState::InScadenza).count(), 2, "{housing:#?}");
    // Nobody is ever over capacity, and the log is whole.
    assert!(s.storage().check().unwrap().is_empty());
}

#[test]
fn the_same_day_gives_the_same_demo() {
    let (_a, sa, ra) = demo("2026-03-02");
    let (_b, sb, rb) = demo("2026-03-02");
    // Everything but the recovery key, which is a new random key each time.
    assert_ne!(ra.recovery_key, rb.recovery_key);
    let same = |r: &sportello::demo::DemoReport| sportello::demo::DemoReport {
        recovery_key: String::new(),
        ..r.clone()
    };
    assert_eq!(same(&ra), same(&rb));
    let board = |s: &Service| -> Vec<_> {
        s.deadlines_board()
            .unwrap()
            .into_iter()
            .map(|r| {
                (r.case_number, r.household_name, r.analysis_date, r.deadline, r.state, r.missing_signatures)
            })
            .collect()
    };
    assert_eq!(board(&sa), board(&sb));
}

#[test]
fn an_existing_database_is_never_overwritten() {
    let (dir, _s, _) = demo("2026-11-21");
    let err = sportello::demo::create(
        &dir.path().join("demo.sqlite"),
        dir.path(),
        d("2026-11-21"),
        service_support::PASSWORD,
        KdfParams::for_tests(),
    )
    .unwrap_err();
    assert_eq!(err.code, sportello::Code::Conflict);
}

#[test]
fn the_demo_command_creates_a_database_and_refuses_to_overwrite_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let run = |today: &str| {
        service_support::cli_login(&mut std::process::Command::new(env!("CARGO_BIN_EXE_sportello")))
            .args(["demo", "--database", db.to_str().unwrap(), "--today", today])
            .output()
            .unwrap()
    };
    let out = run("2026-11-21");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("30 nuclei"), "{text}");
    assert!(text.contains("21/11/2026"), "{text}");
    let again = run("2026-11-21");
    assert_eq!(again.status.code(), Some(2));
    assert!(again.stdout.is_empty());
    assert!(String::from_utf8_lossy(&again.stderr).contains("esiste già"));
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_sportello"))
        .args(["demo", "--database", dir.path().join("x.sqlite").to_str().unwrap(), "--today", "2026-02-30"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--today"));
    assert!(!dir.path().join("x.sqlite").exists());
}

/// `sportello demo --laptop`: the office's story for a newcomer (issue 11,
/// point 8): the hub, a laptop enrolled for mbianchi holding her scope only,
/// offline work waiting on the laptop, one conflict waiting at the hub for
/// the coordinatrice; the laptop file must not exist.
#[test]
fn the_office_demo_has_a_hub_and_a_laptop_with_work_waiting_and_one_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let (hub, laptop) = (dir.path().join("ufficio.sqlite"), dir.path().join("portatile.sqlite"));
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let run = |who: &str, args: &[String]| {
        let out =
            service_support::cli_login(&mut std::process::Command::new(env!("CARGO_BIN_EXE_sportello")))
                .env("SPORTELLO_OPERATOR", who)
                .args(args)
                .output()
                .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let demo =
        ["demo", "--database", &s(&hub), "--laptop", &s(&laptop), "--today", "2026-11-21"].map(String::from);
    let (code, out, err) = run("amministratore", &demo);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("portatile-demo") && out.contains("1 conflitto"), "{out}");

    // At the hub: one conflict, the same field with both values and the device.
    let (code, out, err) =
        run("averdi", &["sync", "conflicts", "--database", &s(&hub), "--json"].map(String::from));
    assert_eq!(code, Some(0), "{err}");
    let conflicts: serde_json::Value = serde_json::from_str(&out).unwrap();
    let conflicts = conflicts.as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{out}");
    assert_eq!(conflicts[0]["field"], "notes");
    assert_eq!(conflicts[0]["device"], "portatile-demo");
    assert_ne!(conflicts[0]["ours"], conflicts[0]["theirs"]);

    // On the laptop: mbianchi logs in with the demo password, her work waits
    // to be sent, and only her scope is there (fewer cases than the office).
    let (code, out, err) =
        run("mbianchi", &["call", "sync_status", "--database", &s(&laptop)].map(String::from));
    assert_eq!(code, Some(0), "{err}");
    let status: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status["role"], "dispositivo", "{out}");
    assert!(status["waiting"].as_u64().unwrap() >= 1, "{out}");
    let search = |db: &std::path::Path, who: &str| -> usize {
        let input = dir.path().join(format!("cerca-{who}.json"));
        std::fs::write(&input, r#"{"query": "2026"}"#).unwrap();
        let (code, out, err) = run(
            who,
            &["call", "households_search", "--database", &s(db), "--input", &s(&input)].map(String::from),
        );
        assert_eq!(code, Some(0), "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap().as_array().unwrap().len()
    };
    let (on_laptop, at_office) = (search(&laptop, "mbianchi"), search(&hub, "averdi"));
    assert!(on_laptop > 0 && on_laptop < at_office, "{on_laptop} on the laptop, {at_office} at the office");
    // Another operatore of the office has no account on the laptop.
    let (code, _, _) = run("lgallo", &["call", "sync_status", "--database", &s(&laptop)].map(String::from));
    assert_ne!(code, Some(0));

    // A laptop file that exists is refused before anything is made.
    let other = dir.path().join("altro.sqlite");
    let (code, _, err) = run(
        "amministratore",
        &["demo", "--database", &s(&other), "--laptop", &s(&laptop), "--today", "2026-11-21"]
            .map(String::from),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("esiste già"), "{err}");
    assert!(!other.exists());
}
