//! Publication and appeals (rules.md §1.3, §4): frozen versions with their appeal
//! deadline, appeals with documents and outcome, new versions after upheld
//! appeals, old versions unchanged and comparable; the public form carries no
//! personal data.

use chrono::NaiveDate;
use sportello::calendar::Comuni;
use sportello::catalog::rule_sets;
use sportello::rules::appeals::{AppealOutcome, Call, Decision, Status};
use sportello::rules::applications::{import_csv, Application};
use sportello::{Code, Money};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn example() -> Vec<Application> {
    let csv = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/scenari/esempi/b2-anziani-applications.csv"
    ))
    .unwrap();
    import_csv(&csv, &[]).unwrap()
}

fn call() -> Call {
    let set = rule_sets::builtin().get("milano-b2-2019").unwrap();
    Call::new(set, "b2-anziani", Money::parse("20000.00").unwrap(), example()).unwrap()
}

fn milano() -> sportello::calendar::Comune {
    Comuni::builtin().get("F205").unwrap().clone()
}

#[test]
fn publishing_freezes_a_version_with_its_30_day_deadline() {
    let mut c = call();
    let rules = rule_sets::builtin();
    // rules.md §1.3: 30 days from Fri 7 Nov 2025 → Tue 9 Dec 2025 (8 Dec is a holiday).
    let v = c.publish(rules, d("2025-11-07"), &milano()).unwrap();
    assert_eq!((v.version, v.appeal_deadline, v.deadline_office_closed), (1, d("2025-12-09"), false));
    assert!(v.changes.is_empty() && v.upheld_appeals.is_empty());
    assert_eq!(v.ranking.funded.len(), 4);
    // A deadline on a Saturday does not move, but the office is closed.
    let mut c = call();
    let v = c.publish(rules, d("2019-07-04"), &milano()).unwrap();
    assert_eq!((v.appeal_deadline, v.deadline_office_closed), (d("2019-08-03"), true));
}

#[test]
fn appeals_are_filed_within_the_deadline_only() {
    let mut c = call();
    let rules = rule_sets::builtin();
    assert_eq!(
        c.file_appeal("2019/000105", d("2019-07-02"), "ISEE rinnovato", vec![]).unwrap_err().code,
        Code::Conflict
    );
    c.publish(rules, d("2019-07-01"), &milano()).unwrap();
    let late = c.file_appeal("2019/000105", d("2019-08-01"), "ISEE rinnovato", vec![]).unwrap_err();
    assert_eq!(late.field.as_deref(), Some("filed_on"));
    assert!(late.message.contains("31/07/2019"), "{}", late.message);
    assert!(c.file_appeal("2019/000105", d("2019-06-30"), "ISEE rinnovato", vec![]).is_err());
    assert!(c.file_appeal("2019/999999", d("2019-07-10"), "ISEE rinnovato", vec![]).is_err());
    assert!(c.file_appeal("2019/000105", d("2019-07-10"), "  ", vec![]).is_err());
    // The last day counts.
    let id = c
        .file_appeal("2019/000105", d("2019-07-31"), "ISEE rinnovato", vec!["attestazione ISEE".into()])
        .unwrap();
    assert_eq!(c.appeals()[0].id, id);
    assert_eq!(c.appeals()[0].outcome, AppealOutcome::Pending);
}

#[test]
fn an_upheld_appeal_makes_a_new_version_and_keeps_the_old_one() {
    let mut c = call();
    let rules = rule_sets::builtin();
    c.publish(rules, d("2019-07-01"), &milano()).unwrap();
    let v1 = c.version(1).unwrap().clone();

    // 000105 was refused: ISEE expired the day before submission. The family brings
    // the attestation renewed in time.
    let a = c
        .file_appeal(
            "2019/000105",
            d("2019-07-15"),
            "L'ISEE era stato rinnovato prima della domanda",
            vec!["Attestazione ISEE INPS-ISEE-2019-000000001-00 valida fino al 31/12/2019".into()],
        )
        .unwrap();
    // 000111 appeals too, but cannot prove residence.
    let b = c.file_appeal("2019/000111", d("2019-07-16"), "Residente da marzo", vec![]).unwrap();
    let mut corrected = c.applications().iter().find(|x| x.protocol == "2019/000105").unwrap().clone();
    corrected.isee_expires_on = Some(d("2019-12-31"));
    c.decide_appeal(
        a,
        d("2019-08-20"),
        Decision::Upheld { corrected, note: "attestazione valida alla data della domanda".into() },
    )
    .unwrap();
    c.decide_appeal(
        b,
        d("2019-08-20"),
        Decision::Rejected { note: "residenza dal 10/06/2019, dopo la domanda".into() },
    )
    .unwrap();
    assert_eq!(
        c.decide_appeal(b, d("2019-08-21"), Decision::Rejected { note: "di nuovo".into() }).unwrap_err().code,
        Code::Conflict
    );

    let v2 = c.publish(rules, d("2019-09-02"), &milano()).unwrap().clone();
    assert_eq!((v2.version, v2.upheld_appeals.clone()), (2, vec![a]));
    // 000105: 5 + 3 × (1 − 8000.50/40000) + 2 (85 on 01/03/2019) = 9.400, first.
    assert_eq!(v2.ranking.funded[0].protocol, "2019/000105");
    assert_eq!(v2.ranking.funded[0].score_shown(), "9.400");
    // Version 1 is unchanged.
    assert_eq!(c.version(1).unwrap(), &v1);
    assert!(v1.ranking.not_admitted.iter().any(|x| x.protocol == "2019/000105"));

    let change = v2.changes.iter().find(|x| x.protocol == "2019/000105").unwrap();
    assert_eq!(change.before.as_ref().unwrap().status, Status::NotAdmitted);
    assert_eq!(change.after.as_ref().unwrap().status, Status::Funded);
    assert!(change.why.contains("Ricorso n. 1 accolto il 20/08/2019"), "{}", change.why);
    // 000107 was funded 4th; now 5th, and the budget no longer reaches it.
    let moved = v2.changes.iter().find(|x| x.protocol == "2019/000107").unwrap();
    assert_eq!(moved.after.as_ref().unwrap().status, Status::AdmittedNotFunded);
    assert!(moved.why.contains("Effetto dei ricorsi accolti"), "{}", moved.why);
    // 000111 (rejected) did not change.
    assert!(!v2.changes.iter().any(|x| x.protocol == "2019/000111"));

    // Nothing new upheld: no new version.
    assert_eq!(c.publish(rules, d("2019-09-10"), &milano()).unwrap_err().code, Code::Conflict);
}

#[test]
fn the_call_is_stored_as_json_and_read_back() {
    let mut c = call();
    c.publish(rule_sets::builtin(), d("2019-07-01"), &milano()).unwrap();
    c.file_appeal("2019/000110", d("2019-07-02"), "ISEE presentato in ritardo", vec!["DSU".into()]).unwrap();
    let json = serde_json::to_string(&c).unwrap();
    let back: Call = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
}

#[test]
fn the_public_ranking_identifies_no_one() {
    let mut c = call();
    let set = rule_sets::builtin().get("milano-b2-2019").unwrap();
    let v = c.publish(rule_sets::builtin(), d("2019-07-01"), &milano()).unwrap();
    let p = v.public(set).unwrap();
    assert_eq!(p.title, "Misura B2 anziani — graduatoria 2019");
    assert_eq!((p.version, p.published_on, p.appeal_deadline), (1, d("2019-07-01"), d("2019-07-31")));
    // The rule set in words: the public reads it (issue 15), never the file's id.
    assert_eq!(p.rule_set, "Misura B2 anziani e disabili — raccolta 2019 (versione 1)");
    assert_eq!(p.rows.len(), 13);
    let funded: Vec<_> = p.rows.iter().filter(|r| r.amount.is_some()).map(|r| r.protocol.as_str()).collect();
    assert_eq!(funded, ["2019/000101", "2019/000106", "2019/000102", "2019/000107"]);
    assert!(p.rows[8..].iter().all(|r| r.position.is_none() && r.score.is_none() && r.amount.is_none()));
    // No birth date, ISEE or flag of any application appears anywhere in it.
    let text = format!("{p:?}");
    for a in example() {
        assert!(!text.contains(&a.birth_date.to_string()), "birth date of {}", a.protocol);
        if let Some(i) = a.isee.filter(|i| *i != Money::ZERO) {
            assert!(!text.contains(&i.to_string()), "ISEE of {}", a.protocol);
        }
    }
}
