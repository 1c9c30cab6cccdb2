//! Restricting the processing of a case (GDPR art. 18; an objection under
//! art. 21 while it is assessed): kept, not used. Only the coordinator opens
//! it; the operatore in charge is refused, on record, and no longer finds it.

use serde_json::json;
use sportello::Code;

use crate::service_support::{self, create_family, env};

#[test]
fn a_restricted_case_is_kept_not_used_and_only_the_coordinator_opens_it() {
    let e = env();
    let admin = &e.service;
    let h = create_family(admin);
    let desk = e.reopen("mrossi", service_support::today());
    admin.household_assign(h.id, desk.operator().id).unwrap();
    assert!(desk.household_get(h.id).is_ok(), "their case, before the restriction");
    assert_eq!(desk.households_caseload().unwrap().len(), 1);

    let hid = h.id.to_string();
    let restricted = admin
        .call(
            "household_restrict",
            json!({"household_id": hid, "reason": "Richiesta dell'interessata del 19/11/2026"}),
        )
        .unwrap();
    assert_eq!(restricted["restriction"]["since"], "2026-11-20");
    assert_eq!(restricted["restriction"]["reason"], "Richiesta dell'interessata del 19/11/2026");
    assert!(!restricted["restriction"]["by"].as_str().unwrap().is_empty());
    let again =
        admin.call("household_restrict", json!({"household_id": hid, "reason": "Di nuovo"})).unwrap_err();
    assert_eq!(again.code, Code::Conflict);
    let no_reason =
        admin.call("household_restriction_lift", json!({"household_id": hid, "reason": " "})).unwrap_err();
    assert_eq!(no_reason.field.as_deref(), Some("reason"));

    // The operatore in charge: refused, on every record of the case, and on record.
    let err = desk.household_get(h.id).unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
    assert!(err.message.contains("limitato dal 20/11/2026"), "{}", err.message);
    assert_eq!(desk.analysis_get(h.id).unwrap_err().code, Code::Forbidden);
    assert_eq!(desk.documents_list(h.id).unwrap_err().code, Code::Forbidden);
    // Gone from their lists.
    assert!(desk.households_caseload().unwrap().is_empty());
    assert!(desk.households_search("dell'orto").unwrap().is_empty());
    // The coordinator still opens it, and sees it marked in the search.
    assert!(admin.household_get(h.id).unwrap().restriction.is_some());
    let found = admin.households_search("dell'orto").unwrap();
    assert!(found.iter().any(|s| s.id == h.id && s.restricted), "{found:?}");

    let rows = admin.audit_history(h.id).unwrap();
    let refused = rows.iter().filter(|r| r.refused).count();
    assert!(refused >= 3, "each refused attempt is on record: {rows:?}");
    let reasons: Vec<&str> = rows.iter().filter_map(|r| r.detail.as_deref()).collect();
    assert!(reasons.iter().any(|d| d.contains("Richiesta dell'interessata")), "{reasons:?}");

    // Lifted: the case is theirs again.
    let lifted = admin
        .call(
            "household_restriction_lift",
            json!({"household_id": hid, "reason": "Richiesta evasa il 27/11/2026"}),
        )
        .unwrap();
    assert!(lifted["restriction"].is_null());
    assert!(desk.household_get(h.id).is_ok());
    assert_eq!(desk.households_caseload().unwrap().len(), 1);
    let err = admin
        .call("household_restriction_lift", json!({"household_id": hid, "reason": "Di nuovo"}))
        .unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    // Only the coordinator decides.
    let err = desk.call("household_restrict", json!({"household_id": hid, "reason": "Prova"})).unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
}
