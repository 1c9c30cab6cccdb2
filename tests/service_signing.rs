//! The signing clock: the analisi preliminare starts it, the project is signed
//! member by member (a minor's commitments by the parent or guardian), and the
//! "Scadenze" board shows what is late or close to it.

use crate::print_support;
use crate::service_support;

use serde_json::json;
use service_support::{analysis_json, create_family, d, env, project_json, single_json, today};
use sportello::domain::analysis::AnalysisInput;
use sportello::domain::household::HouseholdInput;
use sportello::domain::project::ProjectInput;
use sportello::domain::{BoardState, Household, Office, ProjectStatus};
use sportello::service::Service;
use sportello::Code;

fn analysis(h: &Household, on: &str, outcome: &str) -> AnalysisInput {
    serde_json::from_value(analysis_json(h, on, outcome)).unwrap()
}

fn project(h: &Household) -> ProjectInput {
    serde_json::from_value(project_json(h)).unwrap()
}

fn single(s: &Service, last: &str, first: &str, birth: &str) -> Household {
    s.household_save(serde_json::from_value::<HouseholdInput>(single_json(last, first, birth, "M")).unwrap())
        .unwrap()
}

#[test]
fn the_analysis_starts_a_twenty_working_day_clock_in_the_offices_calendar() {
    let e = env();
    let h = create_family(&e.service);
    let a = e.service.analysis_save(analysis(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap();
    // rules.md §1.3: Fri 20 Nov 2026 → Tue 22 Dec 2026 in Milano (7 and 8 December closed).
    assert_eq!(a.signing_deadline, d("2026-12-22"));
    assert_eq!(a.operator, "Anna Verdi");
    assert_eq!(a.domains.len(), 6);
    assert_eq!(e.service.analysis_get(h.id).unwrap(), Some(a.clone()));

    // The same analysis for an office in Sesto San Giovanni: Mon 21 Dec 2026.
    let office = Office { comune: "I690".into(), ..e.service.session().unwrap().office };
    e.service.office_set(office).unwrap();
    let mut form = AnalysisInput::from(&a);
    form.outcome_reason = Some("Rivalutato con l'ufficio di Sesto.".into());
    let a2 = e.service.analysis_save(form).unwrap();
    assert_eq!(a2.id, a.id);
    assert_eq!(a2.signing_deadline, d("2026-12-21"));
}

#[test]
fn the_analysis_form_is_checked_against_the_household() {
    let e = env();
    let h = create_family(&e.service);
    let check = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = analysis_json(&h, "2026-11-20", "progetto_servizio_sociale");
        f(&mut v);
        let err = e.service.analysis_save(serde_json::from_value(v).unwrap()).unwrap_err();
        (err.code, err.field.unwrap_or_default(), err.message)
    };
    let (_, field, msg) = check(&|v| v["interview_date"] = json!("2026-11-21"));
    assert_eq!(field, "interview_date");
    assert!(msg.contains("futuro"));
    let (_, field, _) = check(&|v| v["participants"] = json!([sportello::domain::Id::new().to_string()]));
    assert_eq!(field, "participants[0]");
    let (_, field, _) = check(&|v| v["participants"] = json!([]));
    assert_eq!(field, "participants");
    let (_, field, msg) = check(&|v| {
        v["domains"].as_array_mut().unwrap().remove(4);
    });
    assert_eq!(field, "domains[4].need");
    assert!(msg.contains("Condizione abitativa"), "{msg}");
    let (_, field, _) = check(&|v| v["domains"][2]["need"] = json!("altissimo"));
    assert_eq!(field, "domains[2].need");
    let (_, field, msg) = check(&|v| {
        v["employability"].as_array_mut().unwrap().pop();
    });
    assert_eq!(field, "employability");
    assert!(msg.contains("Thị Lan Nguyễn"), "{msg}");
    let zoe = h.members[2].id.to_string();
    let (_, field, msg) = check(&|v| {
        v["employability"].as_array_mut().unwrap().push(json!({"member_id": zoe, "profile": "occupabile"}))
    });
    assert_eq!(field, "employability[2].member_id");
    assert!(msg.contains("minorenne"), "{msg}");
    let (_, field, _) = check(&|v| v["outcome"] = json!(""));
    assert_eq!(field, "outcome");
    let (_, field, _) = check(&|v| v["outcome_reason"] = json!("  "));
    assert_eq!(field, "outcome_reason");
}

#[test]
fn a_project_is_signed_member_by_member_and_a_guardian_signs_for_a_minor() {
    let e = env();
    let h = create_family(&e.service);
    let (niccolo, thi_lan, zoe) = (h.members[0].id, h.members[1].id, h.members[2].id);

    let err = e.service.project_save(project(&h)).unwrap_err();
    assert_eq!(err.code, Code::Conflict, "no project before the analysis");

    e.service.analysis_save(analysis(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap();
    let p = e.service.project_save(project(&h)).unwrap();
    assert_eq!(p.status, ProjectStatus::Bozza);
    assert_eq!(p.signing_deadline, d("2026-12-22"));
    assert_eq!(p.objectives.len(), 1, "blank objectives are dropped");
    assert_eq!(p.commitments.len(), 3);
    assert_eq!(p.meetings[0].duration_minutes, 45);
    let signers: Vec<_> =
        p.required_signers.iter().map(|r| (r.member_id, r.signer_id, r.for_minor)).collect();
    assert_eq!(signers, [(niccolo, niccolo, false), (thi_lan, thi_lan, false), (zoe, thi_lan, true)]);
    assert_eq!(p.required_signers[2].signer_name, "Thị Lan Nguyễn");

    let err = e.service.signature_record(p.id, niccolo, today()).unwrap_err();
    assert_eq!(err.code, Code::Conflict, "signatures only once the project is «da firmare»");

    let p = e.service.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap();
    assert_eq!(p.status, ProjectStatus::DaFirmare);

    // Days later the family comes back to sign.
    let later = e.reopen("averdi", d("2026-12-01"));
    let err = later.signature_record(p.id, niccolo, d("2026-12-02")).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("signed_on")));
    let err = later.signature_record(p.id, niccolo, d("2026-11-19")).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("signed_on"));
    let err = later.signature_record(p.id, sportello::domain::Id::new(), d("2026-11-25")).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("member_id"));

    let p = later.signature_record(p.id, niccolo, d("2026-11-25")).unwrap();
    assert_eq!(p.status, ProjectStatus::DaFirmare);
    let p = later.signature_record(p.id, zoe, d("2026-11-26")).unwrap();
    assert_eq!(p.signatures.iter().find(|s| s.member_id == zoe).unwrap().signer_id, thi_lan);
    assert_eq!(p.status, ProjectStatus::DaFirmare);
    // The text cannot change once someone has signed it, and the refusal
    // says how to change it.
    let err = later.project_save(ProjectInput::from(&p)).unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    assert!(err.message.contains("annullando le firme con un motivo"), "{}", err.message);
    // A signature that counts is not overwritten by recording it again.
    let err = later.signature_record(p.id, niccolo, d("2026-11-27")).unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    assert!(err.message.contains("annullarla"), "{}", err.message);
    let p = later.signature_record(p.id, thi_lan, d("2026-11-26")).unwrap();
    assert_eq!(p.status, ProjectStatus::Sottoscritto);
    assert_eq!(p.signed_on, Some(d("2026-11-26")));
    assert_eq!(p.signatures.len(), 3);

    let err = later.signature_record(p.id, niccolo, d("2026-11-27")).unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    assert_eq!(later.project_save(ProjectInput::from(&p)).unwrap_err().code, Code::Conflict);
    let mut form = AnalysisInput::from(&later.analysis_get(h.id).unwrap().unwrap());
    form.outcome_reason = Some("ripensamento".into());
    assert_eq!(
        later.analysis_save(form).unwrap_err().code,
        Code::Conflict,
        "a signed project freezes its analysis"
    );

    for bad in [ProjectStatus::Bozza, ProjectStatus::Concluso, ProjectStatus::DaFirmare] {
        assert_eq!(later.project_set_status(p.id, bad).unwrap_err().code, Code::Conflict, "{bad}");
    }
    let p = later.project_set_status(p.id, ProjectStatus::InCorso).unwrap();
    assert_eq!(p.signed_on, Some(d("2026-11-26")));
    let p = later.project_set_status(p.id, ProjectStatus::Concluso).unwrap();
    assert_eq!(p.status, ProjectStatus::Concluso);
    assert_eq!(later.households_search("nguyen").unwrap()[0].project_status, Some(ProjectStatus::Concluso));
}

#[test]
fn only_a_minor_with_commitments_needs_a_signature_and_back_to_draft_annuls_signatures() {
    let e = env();
    let h = create_family(&e.service);
    e.service.analysis_save(analysis(&h, "2026-11-20", "equipe_multidisciplinare")).unwrap();
    e.service
        .quadro_save(serde_json::from_value(service_support::quadro_json(&h, "2026-11-20")).unwrap())
        .unwrap();
    let mut v = project_json(&h);
    v["commitments"].as_array_mut().unwrap().pop(); // Zoë's
    let p = e.service.project_save(serde_json::from_value(v).unwrap()).unwrap();
    assert_eq!(p.required_signers.len(), 2);
    assert!(p.required_signers.iter().all(|r| !r.for_minor));

    let err = e.service.project_set_status(p.id, ProjectStatus::Sottoscritto).unwrap_err();
    assert!(err.message.contains("firme"), "{}", err.message);
    let p = e.service.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap();
    let err = e.service.signature_record(p.id, h.members[2].id, today()).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("member_id"));
    let p = e.service.signature_record(p.id, h.members[0].id, today()).unwrap();
    assert_eq!(p.signatures.len(), 1);
    // Back to draft annuls the signatures, and says why: never deleted.
    let err = e.service.project_set_status(p.id, ProjectStatus::Bozza).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("reason")));
    let err = e.service.project_set_status_with(p.id, ProjectStatus::Bozza, Some("  ")).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("reason"));
    let p = e
        .service
        .project_set_status_with(p.id, ProjectStatus::Bozza, Some("Impegni da rivedere con il padre"))
        .unwrap();
    assert!(p.signatures.is_empty());
    assert_eq!(p.annulled_signatures.len(), 1);
    assert_eq!(p.annulled_signatures[0].member_id, h.members[0].id);
    assert_eq!(p.annulled_signatures[0].signed_on, today());
    assert_eq!(p.annulled_signatures[0].reason, "Impegni da rivedere con il padre");
    let rows: i64 = service_support::raw(&e.db())
        .query_row("SELECT count(*) FROM signatures WHERE project_id = ?1", [p.id.to_string()], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1, "the annulled signature's row stays");
    let history = e.service.audit_history(h.id).unwrap();
    let back = history.iter().rev().find(|r| r.action == "project_set_status").unwrap();
    let detail = back.detail.as_deref().unwrap_or_default();
    assert!(detail.contains("Impegni da rivedere con il padre"), "{detail}");
    assert!(detail.contains("Niccolò Dell'Orto"), "{detail}");
    // An empty project cannot go to signing.
    let mut v = project_json(&h);
    v["id"] = json!(p.id.to_string());
    v["commitments"] = json!([]);
    let p = e.service.project_save(serde_json::from_value(v).unwrap()).unwrap();
    let err = e.service.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("commitments"));
}

#[test]
fn a_member_still_referred_to_cannot_be_removed() {
    let e = env();
    let h = create_family(&e.service);
    e.service.analysis_save(analysis(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap();
    let mut form = HouseholdInput::from(&h);
    form.members.remove(1);
    form.members[1].guardian_id = None;
    let err = e.service.household_save(form).unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    assert!(err.message.contains("Thị Lan Nguyễn"), "{}", err.message);
    assert!(err.message.contains("analisi"), "{}", err.message);
}

#[test]
fn the_board_lists_what_waits_for_signatures_overdue_first() {
    let e = env();
    let s = &e.service;
    // A: the example family, analysis today, one signature of three.
    let a = create_family(s);
    s.analysis_save(analysis(&a, "2026-11-20", "progetto_servizio_sociale")).unwrap();
    let pa = s.project_save(project(&a)).unwrap();
    s.project_set_status(pa.id, ProjectStatus::DaFirmare).unwrap();
    s.signature_record(pa.id, a.members[0].id, d("2026-11-20")).unwrap();
    // B: analysis on 1 October, project still a draft: long overdue.
    let b = single(s, "Bianchi", "Bruno", "1970-02-03");
    s.analysis_save(analysis(&b, "2026-10-01", "progetto_servizio_sociale")).unwrap();
    s.project_save(project(&b)).unwrap();
    // D: sent to the Centro per l'impiego: no project here, not on the board.
    let dd = single(s, "Colombo", "Dario", "1990-07-07");
    s.analysis_save(analysis(&dd, "2026-11-02", "centro_impiego")).unwrap();
    // E: signed: off the board.
    let ee = single(s, "Esposito", "Enzo", "1960-01-01");
    s.analysis_save(analysis(&ee, "2026-11-02", "progetto_servizio_sociale")).unwrap();
    let pe = s.project_save(project(&ee)).unwrap();
    s.project_set_status(pe.id, ProjectStatus::DaFirmare).unwrap();
    s.signature_record(pe.id, ee.members[0].id, d("2026-11-10")).unwrap();
    // C: analysis on 10 December, project not written yet.
    let later = e.reopen("averdi", d("2026-12-16"));
    let c = single(&later, "Conti", "Carlo", "1982-03-04");
    later.analysis_save(analysis(&c, "2026-12-10", "progetto_servizio_sociale")).unwrap();

    let board = later.deadlines_board().unwrap();
    let cases: Vec<&str> = board.iter().map(|r| r.household_name.as_str()).collect();
    assert_eq!(cases, ["Bianchi Bruno", "Dell'Orto Niccolò", "Conti Carlo"]);

    let rb = &board[0];
    assert_eq!(rb.state, BoardState::Scaduto);
    assert!(rb.days_left < 0);
    assert_eq!(rb.missing_signatures, ["Bruno Bianchi"]);

    // 22 Dec is 6 days away and 4 office days (17, 18, 21, 22): in scadenza.
    let ra = &board[1];
    assert_eq!(ra.project_id, Some(pa.id));
    assert_eq!((ra.deadline, ra.days_left, ra.state), (d("2026-12-22"), 6, BoardState::InScadenza));
    assert_eq!(ra.working_days_left, Some(4), "17, 18, 21, 22 December");
    assert_eq!(ra.analysis_date, Some(d("2026-11-20")));
    assert_eq!(ra.case_number, a.case_number);
    assert_eq!(ra.missing_signatures, ["Thị Lan Nguyễn", "Thị Lan Nguyễn per Zoë Dell'Orto"]);

    let rc = &board[2];
    assert_eq!(rc.project_id, None);
    assert_eq!(rc.state, BoardState::NeiTermini);
    assert!(rc.deadline > d("2027-01-01"), "{}", rc.deadline);
    assert_eq!(rc.missing_signatures, ["Carlo Conti"]);

    // The day after the deadline A is overdue too, and sorted before C.
    let after = e.reopen("averdi", d("2026-12-23"));
    let board = after.deadlines_board().unwrap();
    let ra = board.iter().find(|r| r.household_id == a.id).unwrap();
    assert_eq!((ra.days_left, ra.state), (-1, BoardState::Scaduto));
    assert_eq!(ra.working_days_left, Some(-1), "Wednesday 23 is an office day");

    // Once the last signatures are in, A leaves the board.
    after.signature_record(pa.id, a.members[1].id, d("2026-12-23")).unwrap();
    after.signature_record(pa.id, a.members[2].id, d("2026-12-23")).unwrap();
    assert!(after.deadlines_board().unwrap().iter().all(|r| r.household_id != a.id));
}

#[test]
fn the_agreement_data_has_everything_the_printed_patto_needs() {
    let e = env();
    let h = create_family(&e.service);
    e.service.analysis_save(analysis(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap();
    let p = e.service.project_save(project(&h)).unwrap();
    let data = e.service.agreement_data(p.id).unwrap();
    assert_eq!(data.case_number, "2026/000001");
    assert_eq!(data.analysis_date, d("2026-11-20"));
    assert_eq!(data.signing_deadline, d("2026-12-22"));
    assert_eq!(data.signing_working_days, 20);
    assert_eq!(data.operator, "Anna Verdi");
    assert_eq!(data.office.comune, "F205");
    assert_eq!(data.comune_name, "Milano");
    assert!(data.office.address.contains("largo Treves"));
    // Relationships in words, as the form chose them (Zoë is a daughter).
    let members: Vec<_> =
        data.members.iter().map(|m| (m.first_name.as_str(), m.role.as_str(), m.minor)).collect();
    assert_eq!(
        members,
        [("Niccolò", "richiedente", false), ("Thị Lan", "coniuge", false), ("Zoë", "figlia", true)]
    );
    assert_eq!(data.members[2].codice_fiscale, "DLLZOE15P70F205X");
    assert_eq!(data.commitments[2].member, 2);
    assert_eq!(data.commitments[0].due, d("2027-03-31"));
    assert_eq!(data.expected_results, ["Un contratto di lavoro per almeno un adulto."]);
    assert_eq!(data.supports[0].provider.as_deref(), Some("Servizio sociale"));
    assert_eq!((data.meetings[0].date, data.meetings[0].time.as_str()), (d("2027-02-15"), "09:30"));
    // The paper's signature lines are the app's required signers, one for one.
    let lines: Vec<_> = data
        .signatures
        .iter()
        .map(|l| (h.members[l.member].id, h.members[l.signer].id, l.for_minor()))
        .collect();
    let required: Vec<_> =
        p.required_signers.iter().map(|r| (r.member_id, r.signer_id, r.for_minor)).collect();
    assert_eq!(lines, required);
}

/// The family's project with the adults' commitments only, sent to signing,
/// and Niccolò's signature recorded today.
fn niccolo_has_signed(e: &service_support::Env) -> (Household, sportello::domain::Project) {
    let h = create_family(&e.service);
    e.service.analysis_save(analysis(&h, "2026-11-20", "equipe_multidisciplinare")).unwrap();
    e.service
        .quadro_save(serde_json::from_value(service_support::quadro_json(&h, "2026-11-20")).unwrap())
        .unwrap();
    let mut v = project_json(&h);
    v["commitments"].as_array_mut().unwrap().pop(); // Zoë's: the adults sign
    let p = e.service.project_save(serde_json::from_value(v).unwrap()).unwrap();
    let p = e.service.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap();
    let p = e.service.signature_record(p.id, h.members[0].id, today()).unwrap();
    (h, p)
}

#[test]
fn a_signature_is_annulled_with_a_reason_kept_in_the_history_and_collected_again() {
    let e = env();
    let (h, p) = niccolo_has_signed(&e);
    let (niccolo, thi_lan) = (h.members[0].id, h.members[1].id);
    assert_eq!(p.signatures.len(), 1);

    let later = e.reopen("averdi", d("2026-11-25"));
    // The reason is required; only a signature that counts is annulled.
    for blank in ["", "   "] {
        let err = later.signature_annul(p.id, niccolo, blank).unwrap_err();
        assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("reason")));
    }
    let err = later.signature_annul(p.id, thi_lan, "Mai firmato").unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("member_id")));
    assert_eq!(later.project_get(h.id).unwrap().unwrap().signatures.len(), 1, "refusals change nothing");

    let p = later.signature_annul(p.id, niccolo, "Firmato sul foglio della convocazione").unwrap();
    assert!(p.signatures.is_empty(), "an annulled signature no longer counts");
    let a = &p.annulled_signatures[0];
    assert_eq!((a.member_id, a.signer_id, a.signed_on), (niccolo, niccolo, today()));
    assert_eq!(a.reason, "Firmato sul foglio della convocazione");
    assert_eq!((a.annulled_by, a.annulled_by_name.as_str()), (later.operator().id, "Anna Verdi"));
    assert!(a.annulled_at.starts_with("20"), "{}", a.annulled_at);
    assert_eq!(
        later.signature_annul(p.id, niccolo, "di nuovo").unwrap_err().field.as_deref(),
        Some("member_id")
    );
    // With no signature counting, the text may change again.
    later.project_save(ProjectInput::from(&p)).unwrap();

    // The audit log, and the case history the coordinator reads, keep the act.
    let history = later.audit_history(h.id).unwrap();
    let row = history.iter().find(|r| r.action == "signature_annul").expect("the annulment's audit row");
    assert_eq!(row.action_label, "annullamento di una firma");
    assert_eq!(row.record_id, Some(p.id));
    let detail = row.detail.as_deref().unwrap_or_default();
    assert!(detail.contains("Firmato sul foglio della convocazione"), "{detail}");
    assert!(detail.contains("Niccolò Dell'Orto") && detail.contains("20/11/2026"), "{detail}");
    assert!(later.storage().audit_verify().unwrap().ok, "the chain holds");

    // Collected again: it counts, and completes the project with the other.
    let p = later.signature_record(p.id, niccolo, d("2026-11-24")).unwrap();
    assert_eq!(p.signatures.len(), 1);
    assert_eq!(p.signatures[0].signed_on, d("2026-11-24"));
    let p = later.signature_record(p.id, thi_lan, d("2026-11-25")).unwrap();
    assert_eq!(p.status, ProjectStatus::Sottoscritto);
    assert_eq!(p.signed_on, Some(d("2026-11-25")));
    assert_eq!(p.annulled_signatures.len(), 1, "the annulment stays after the new signature");
    assert_eq!(p.annulled_signatures[0].signed_on, today());
    // Once sottoscritto the signatures are final.
    let err = later.signature_annul(p.id, thi_lan, "ripensamento").unwrap_err();
    assert_eq!(err.code, Code::Conflict);
}

#[test]
fn the_printed_register_of_accesses_shows_the_reason_of_an_annulment() {
    let e = env();
    let (h, p) = niccolo_has_signed(&e);
    let niccolo = h.members[0].id;
    // A reason the register could not print is refused in the dialog, not later.
    let err = e.service.signature_annul(p.id, niccolo, "Firma sbagliata \u{4E2D}").unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("reason")), "{}", err.message);
    let err = e.service.project_set_status_with(p.id, ProjectStatus::Bozza, Some("\u{4E2D}")).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("reason"), "{}", err.message);
    e.service.signature_annul(p.id, niccolo, "Firmato sul foglio della convocazione").unwrap();

    let doc = e.service.audit_history_print(h.id).unwrap();
    let (_, pdf) = e.service.document_bytes(doc.id).unwrap();
    let text = print_support::squash(&print_support::pdf_text(&pdf));
    assert!(
        text.contains(
            "annullamento di una firma firma di Niccolò Dell'Orto del 20/11/2026 annullata: Firmato sul foglio della convocazione"
        ),
        "{text}"
    );
}

#[test]
fn a_signature_after_the_deadline_is_flagged_late_on_the_project_and_in_the_history() {
    let e = env();
    let h = create_family(&e.service);
    let (niccolo, thi_lan) = (h.members[0].id, h.members[1].id);
    // rules.md §1.3: analysis on Fri 20 Nov 2026 → deadline Tue 22 Dec 2026.
    e.service.analysis_save(analysis(&h, "2026-11-20", "equipe_multidisciplinare")).unwrap();
    e.service
        .quadro_save(serde_json::from_value(service_support::quadro_json(&h, "2026-11-20")).unwrap())
        .unwrap();
    let mut v = project_json(&h);
    v["commitments"].as_array_mut().unwrap().pop();
    let p = e.service.project_save(serde_json::from_value(v).unwrap()).unwrap();
    e.service.project_set_status(p.id, ProjectStatus::DaFirmare).unwrap();

    let later = e.reopen("averdi", d("2027-01-08"));
    let p = later.signature_record(p.id, niccolo, d("2026-12-22")).unwrap();
    assert!(!p.signatures[0].late, "the last day is in time");
    let p = later.signature_record(p.id, thi_lan, d("2026-12-23")).unwrap();
    let late: Vec<_> = p.signatures.iter().map(|s| (s.member_id, s.late)).collect();
    assert_eq!(late, [(niccolo, false), (thi_lan, true)]);

    let history = later.audit_history(h.id).unwrap();
    let rows: Vec<_> = history.iter().filter(|r| r.action == "signature_record").collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].detail, None, "in time: nothing to say");
    let detail = rows[1].detail.as_deref().unwrap_or_default();
    assert!(detail.contains("oltre il termine del 22/12/2026"), "{detail}");
    assert!(detail.contains("Thị Lan Nguyễn") && detail.contains("23/12/2026"), "{detail}");
}

#[test]
fn the_office_calendar_says_why_a_date_is_closed() {
    let e = env();
    let s = &e.service;
    // Milano, December 2026: Sant'Ambrogio on Monday 7, the Immacolata on
    // Tuesday 8, Sunday 6; Friday 4 is an ordinary office day.
    let c = s.calendar_check(d("2026-12-07")).unwrap();
    assert!(!c.office_day);
    assert_eq!(c.reasons, ["è la festa del santo patrono di Milano"]);
    assert_eq!(
        c.message.as_deref(),
        Some("Lunedì 07/12/2026: è la festa del santo patrono di Milano; l'ufficio è chiuso.")
    );
    assert_eq!(
        s.calendar_check(d("2026-12-08")).unwrap().reasons,
        ["è festa nazionale (Immacolata Concezione)"]
    );
    let sunday = s.calendar_check(d("2026-12-06")).unwrap();
    assert_eq!(sunday.reasons, ["è domenica"]);
    assert_eq!(sunday.message.as_deref(), Some("Domenica 06/12/2026: l'ufficio è chiuso."));
    let open = s.calendar_check(d("2026-12-04")).unwrap();
    assert!(open.office_day && open.reasons.is_empty() && open.message.is_none());

    // Through the window's command: the date as the form sends it.
    let v = s.call("calendar_check", json!({ "date": "2026-11-01" })).unwrap();
    assert_eq!(v["office_day"], false);
    assert_eq!(v["reasons"].as_array().unwrap().len(), 2, "Ognissanti on a Sunday: {v}");
    assert_eq!(v["message"], "Domenica 01/11/2026: è festa nazionale (Ognissanti); l'ufficio è chiuso.");
    let err = s.call("calendar_check", json!({ "date": "7 dicembre" })).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Invalid, Some("date")));
}
