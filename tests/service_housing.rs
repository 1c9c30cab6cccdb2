//! Temporary social housing through the service (issue 13 item 1; rules.md
//! §8): units, placing a household of the waiting list in a free place (and
//! the refusals of `check_stay` with their stable code and field), proroga,
//! exit, the waiting list, a restricted case out of an operatore's sight, the
//! Scadenze board's reminders, and random entries and exits that never put
//! more guests in a unit than its places.

use chrono::NaiveDate;
use proptest::prelude::*;
use serde_json::{json, Value};
use sportello::domain::{BoardKind, BoardState, Household};
use sportello::service::Service;
use sportello::Code;

use crate::service_support::{self, d, env, single_json, today, Env};

fn single(s: &Service, last: &str, first: &str) -> Household {
    s.household_save(serde_json::from_value(single_json(last, first, "1975-05-12", "F")).unwrap()).unwrap()
}

fn unit(s: &Service, address: &str, places: u32) -> String {
    let u = s
        .call(
            "unit_save",
            json!({ "unit": { "address": address, "places": places,
                              "managing_body": "Cooperativa sociale Farsi Prossimo", "state": "attivo",
                              "note": "" } }),
        )
        .unwrap();
    u["id"].as_str().unwrap().to_string()
}

fn wait(s: &Service, h: &Household, people: u32, priority: u32) -> String {
    let w = s
        .call(
            "waiting_add",
            json!({ "waiting": { "household_id": h.id.to_string(), "need": "Sfratto esecutivo, nessuna rete",
                                 "priority": priority, "people": people } }),
        )
        .unwrap();
    assert_eq!(w["state"], "waiting");
    w["id"].as_str().unwrap().to_string()
}

fn place(
    s: &Service,
    waiting: &str,
    unit: &str,
    place: Value,
    entry: &str,
    end: &str,
) -> sportello::Result<Value> {
    s.call(
        "stay_place",
        json!({ "stay": { "waiting_id": waiting, "unit_id": unit, "place": place, "entry": entry,
                          "planned_end": end } }),
    )
}

fn code_field(r: sportello::Result<Value>) -> (Code, String) {
    let e = r.expect_err("refused");
    (e.code, e.field.unwrap_or_default())
}

#[test]
fn a_household_is_placed_from_the_waiting_list_and_the_rules_refuse_what_does_not_fit() {
    let e = env();
    let s = &e.service;
    let u = unit(s, "Via Padova 104, scala B, int. 5", 2);
    let big = unit(s, "Via Gola 15, int. 2", 4);
    let anna = single(s, "Esposito", "Anna");
    let bruna = single(s, "Ferrari", "Bruna");
    let carla = single(s, "Galli", "Carla");
    let family = service_support::create_family(s);
    let wa = wait(s, &anna, 1, 1);
    let wb = wait(s, &bruna, 1, 2);
    let wc = wait(s, &carla, 1, 3);
    let wf = wait(s, &family, 3, 1);
    // Twice on the list: refused.
    let again = s.call(
        "waiting_add",
        json!({ "waiting": { "household_id": anna.id.to_string(), "need": "x", "people": 1 } }),
    );
    assert_eq!(code_field(again), (Code::Conflict, "household_id".into()));

    // The proposals: the small unit whole and its two beds for the singles,
    // in the list's order (priority, then since); the family only in the big one.
    let view = s.call("housing_get", json!({ "weeks": 4 })).unwrap();
    assert_eq!(view["week_starts"].as_array().unwrap().len(), 4);
    assert_eq!(view["free_today"], 6);
    let proposals = view["proposals"].as_array().unwrap();
    let of = |unit: &str, place: Value| {
        proposals.iter().find(|p| p["unit_id"] == unit && p["place"] == place).cloned().unwrap()
    };
    let names = |p: &Value| -> Vec<String> {
        p["candidates"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names(&of(&u, json!(1))), [wa.clone(), wb.clone(), wc.clone()]);
    assert_eq!(names(&of(&u, Value::Null)), [wa.clone(), wb.clone(), wc.clone()]);
    assert_eq!(names(&of(&big, Value::Null)), [wa.clone(), wf.clone(), wb.clone(), wc.clone()]);

    // Anna in bed 1.
    let stay = place(s, &wa, &u, json!(1), "2026-11-20", "2027-05-20").unwrap();
    assert_eq!(stay["status"], "in_corso");
    assert_eq!(stay["contribution"], Value::Null, "the 2017 settings set no guest contribution");
    assert_eq!(stay["latest_planned_end"], "2028-05-20", "18 months from the entry");
    // Her entry is placed, and she cannot be placed twice.
    assert_eq!(
        code_field(place(s, &wa, &u, json!(2), "2026-11-20", "2027-05-20")),
        (Code::Conflict, "waiting_id".into())
    );
    // Bed 1 is Anna's: Bruna there overlaps.
    assert_eq!(
        code_field(place(s, &wb, &u, json!(1), "2027-01-10", "2027-03-10")),
        (Code::Conflict, "place".into())
    );
    // The whole unit with Anna in it: more guests than places.
    assert_eq!(
        code_field(place(s, &wb, &u, Value::Null, "2026-12-01", "2027-03-10")),
        (Code::Conflict, "unit.places".into())
    );
    // No bed 3; a family in one bed; longer than the settings allow; no night.
    assert_eq!(
        code_field(place(s, &wb, &u, json!(3), "2026-12-01", "2027-03-10")),
        (Code::Invalid, "place".into())
    );
    assert_eq!(
        code_field(place(s, &wf, &big, json!(1), "2026-12-01", "2027-03-10")),
        (Code::Invalid, "people".into())
    );
    assert_eq!(
        code_field(place(s, &wf, &big, Value::Null, "2026-12-01", "2028-12-10")),
        (Code::Invalid, "duration".into())
    );
    assert_eq!(
        code_field(place(s, &wb, &u, json!(2), "2026-12-01", "2026-12-01")),
        (Code::Invalid, "planned_end".into())
    );
    // Nothing of the refusals was stored: Bruna still waits.
    let view = s.call("housing_get", json!({})).unwrap();
    let waiting: Vec<&str> =
        view["waiting"].as_array().unwrap().iter().map(|w| w["id"].as_str().unwrap()).collect();
    assert_eq!(waiting, [wf.as_str(), wb.as_str(), wc.as_str()]);
    // Bruna in bed 2, the family in the big unit.
    place(s, &wb, &u, json!(2), "2026-11-20", "2027-02-20").unwrap();
    let fam = place(s, &wf, &big, Value::Null, "2026-11-20", "2027-11-20").unwrap();
    assert_eq!(fam["people"], 3);
    let view = s.call("housing_get", json!({})).unwrap();
    assert_eq!(view["free_today"], 0, "two beds and a whole unit taken");
    assert_eq!(view["units"][0]["taken"][0], 4, "{}", view["units"][0]);
    let unit_view = view["units"].as_array().unwrap().iter().find(|x| x["id"] == u.as_str()).unwrap().clone();
    assert_eq!(unit_view["taken_today"], 2);
    assert_eq!(unit_view["guests"].as_array().unwrap().len(), 2);
    assert!(view["proposals"].as_array().unwrap().is_empty(), "no free place");

    // A unit with guests keeps its places and state.
    let shrink = s.call(
        "unit_save",
        json!({ "unit": { "id": u, "address": "Via Padova 104, scala B, int. 5", "places": 1,
                          "managing_body": "Cooperativa sociale Farsi Prossimo", "state": "attivo" } }),
    );
    assert_eq!(code_field(shrink), (Code::Conflict, "places".into()));

    // Proroga of Anna's stay, within the longest stay; beyond it, refused.
    let sid = stay["id"].as_str().unwrap().to_string();
    let longer =
        s.call("stay_update", json!({ "stay": { "stay_id": sid, "planned_end": "2027-11-20" } })).unwrap();
    assert_eq!(longer["planned_end"], "2027-11-20");
    let too_long = s.call("stay_update", json!({ "stay": { "stay_id": sid, "planned_end": "2028-06-01" } }));
    assert_eq!(code_field(too_long), (Code::Invalid, "duration".into()));
    // An exit is recorded when it happened, with where the guest went.
    let early = s.call(
        "stay_update",
        json!({ "stay": { "stay_id": sid, "exit_date": "2027-01-15", "destination": "autonomia_abitativa" } }),
    );
    assert_eq!(code_field(early), (Code::Invalid, "exit_date".into()));
    let no_destination =
        s.call("stay_update", json!({ "stay": { "stay_id": sid, "exit_date": "2026-11-20" } }));
    assert_eq!(code_field(no_destination), (Code::Invalid, "destination".into()));

    let later = e.reopen(service_support::ADMIN, d("2027-01-15"));
    let out = later
        .call(
            "stay_update",
            json!({ "stay": { "stay_id": sid, "exit_date": "2027-01-15", "destination": "autonomia_abitativa",
                              "exit_note": "Contratto d'affitto a canone concordato" } }),
        )
        .unwrap();
    assert_eq!(
        (out["status"].as_str(), out["destination"].as_str()),
        (Some("concluso"), Some("autonomia_abitativa"))
    );
    let closed =
        later.call("stay_update", json!({ "stay": { "stay_id": sid, "planned_end": "2027-12-01" } }));
    assert_eq!(code_field(closed), (Code::Conflict, "stay_id".into()));
    // Bed 1 is free from the exit day: Carla takes it.
    let view = later.call("housing_get", json!({})).unwrap();
    let bed1 = view["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["unit_id"] == u.as_str() && p["place"] == 1)
        .cloned();
    assert_eq!(bed1.unwrap()["candidates"][0]["id"], wc.as_str());
    place(&later, &wc, &u, json!(1), "2027-01-15", "2027-07-15").unwrap();

    // The household page's card; the access history names the stay.
    let card = later.call("household_housing", json!({ "household_id": anna.id.to_string() })).unwrap();
    assert_eq!(card["stays"][0]["exit_date"], "2027-01-15");
    assert_eq!(card["waiting"], Value::Null);
    let history = later.audit_history(anna.id).unwrap();
    let actions: Vec<&str> = history.iter().map(|r| r.action.as_str()).collect();
    assert!(actions.contains(&"stay_place") && actions.contains(&"stay_update"), "{actions:?}");
    let detail: Vec<&str> = history.iter().filter_map(|r| r.detail.as_deref()).collect();
    assert!(detail.iter().any(|d| d.contains("uscita il 15/01/2027 (autonomia abitativa)")), "{detail:?}");

    // Off the list with a reason.
    let dora = single(&later, "Leone", "Dora");
    // As the household page's form sends it: the priority as the select's text.
    let w = later
        .call(
            "waiting_add",
            json!({ "waiting": { "household_id": dora.id.to_string(), "need": "Sfratto", "priority": "2", "people": 1 } }),
        )
        .unwrap();
    assert_eq!(w["priority"], 2);
    let wd = w["id"].as_str().unwrap().to_string();
    let gone = later
        .call("waiting_withdraw", json!({ "waiting_id": wd, "reason": "Accolta da una sorella" }))
        .unwrap();
    assert_eq!(
        (gone["state"].as_str(), gone["close_reason"].as_str()),
        (Some("withdrawn"), Some("Accolta da una sorella"))
    );
    let twice = later.call("waiting_withdraw", json!({ "waiting_id": wd, "reason": "Di nuovo" }));
    assert_eq!(code_field(twice), (Code::Conflict, "waiting_id".into()));
}

#[test]
fn units_are_the_coordinators_and_a_restricted_case_leaves_the_operatores_lists() {
    let e = env();
    let admin = &e.service;
    let u = unit(admin, "Viale Monza 140, int. 8", 3);
    let desk = e.reopen("mrossi", today());
    let mine = single(admin, "Russo", "Elena");
    let restricted = single(admin, "Marino", "Franca");
    let other = single(admin, "Greco", "Gina");
    admin.household_assign(mine.id, desk.operator().id).unwrap();
    admin.household_assign(restricted.id, desk.operator().id).unwrap();
    let w1 = wait(admin, &mine, 1, 2);
    let w2 = wait(admin, &restricted, 1, 1);
    let w3 = wait(admin, &other, 1, 3);
    // The desk places its own family from the list.
    place(&desk, &w1, &u, json!(1), "2026-11-20", "2026-12-10").unwrap();
    place(admin, &w2, &u, json!(2), "2026-11-20", "2026-12-05").unwrap();
    admin
        .call(
            "household_restrict",
            json!({ "household_id": restricted.id.to_string(), "reason": "Richiesta dell'interessata" }),
        )
        .unwrap();
    // The operatore may not add units.
    let refused = desk.call(
        "unit_save",
        json!({ "unit": { "address": "Via Gola 15", "places": 2, "managing_body": "Comune di Milano" } }),
    );
    assert_eq!(code_field(refused).0, Code::Forbidden);

    let view = desk.call("housing_get", json!({})).unwrap();
    let stays: Vec<&str> =
        view["stays"].as_array().unwrap().iter().map(|s| s["household_name"].as_str().unwrap()).collect();
    assert_eq!(stays, ["Russo Elena"], "only their own case by name");
    let guests = view["units"][0]["guests"].as_array().unwrap();
    assert_eq!(guests.len(), 2, "the restricted guest's bed is taken all the same");
    assert!(guests.iter().any(|g| g["household_name"].is_null() && g["stay_id"].is_null()), "{guests:?}");
    assert!(view["waiting"].as_array().unwrap().is_empty(), "Gina's case is the administrator's");
    assert_eq!(view["others_waiting"], 1);
    assert_eq!(view["free_today"], 1);
    assert_eq!(view["can_manage_units"], false);
    // Nothing of the restricted case: refused, on record.
    let err =
        desk.call("household_housing", json!({ "household_id": restricted.id.to_string() })).unwrap_err();
    assert_eq!(err.code, Code::Forbidden);
    // The board: the operatore's stay ending soon, not the restricted one's.
    let board = desk.deadlines_board().unwrap();
    let housing: Vec<_> = board.iter().filter(|r| r.kind == BoardKind::Alloggio).collect();
    assert_eq!(housing.len(), 1, "{housing:#?}");
    assert_eq!(housing[0].household_id, mine.id);
    // The coordinator sees both, and the third household waiting.
    let view = admin.call("housing_get", json!({})).unwrap();
    assert_eq!(view["stays"].as_array().unwrap().len(), 2);
    assert_eq!(view["waiting"][0]["id"], w3.as_str());
    assert_eq!(view["can_manage_units"], true);
    assert_eq!(admin.deadlines_board().unwrap().iter().filter(|r| r.kind == BoardKind::Alloggio).count(), 2);
}

#[test]
fn stays_ending_soon_and_overstays_are_on_the_scadenze_board() {
    let e = env();
    let spring = e.reopen(service_support::ADMIN, d("2026-06-01"));
    let u = unit(&spring, "Via dei Cinquecento 20, scala C, int. 4", 3);
    let h1 = single(&spring, "Conti", "Ilaria");
    let h2 = single(&spring, "Fontana", "Luisa");
    let h3 = single(&spring, "Rinaldi", "Marta");
    let w1 = wait(&spring, &h1, 1, 1);
    let w2 = wait(&spring, &h2, 1, 1);
    let w3 = wait(&spring, &h3, 1, 1);
    place(&spring, &w1, &u, json!(1), "2026-06-01", "2026-11-01").unwrap(); // overstayed: no exit
    place(&spring, &w2, &u, json!(2), "2026-06-01", "2026-12-10").unwrap(); // ends in 20 days
    place(&spring, &w3, &u, json!(3), "2026-06-01", "2027-06-01").unwrap(); // far away
    let s = e.reopen(service_support::ADMIN, today());
    let board = s.deadlines_board().unwrap();
    let housing: Vec<_> = board.iter().filter(|r| r.kind == BoardKind::Alloggio).collect();
    assert_eq!(housing.len(), 2, "{housing:#?}");
    let over = housing.iter().find(|r| r.household_id == h1.id).unwrap();
    assert_eq!((over.state, over.days_left, over.deadline), (BoardState::Scaduto, -19, d("2026-11-01")));
    let stay = over.stay.as_ref().unwrap();
    assert_eq!(
        (stay.unit.as_str(), stay.place.as_str()),
        ("Via dei Cinquecento 20, scala C, int. 4", "posto 1")
    );
    assert!(stay.text.contains("registrare l'uscita o prorogare"), "{}", stay.text);
    let soon = housing.iter().find(|r| r.household_id == h2.id).unwrap();
    assert_eq!((soon.state, soon.days_left), (BoardState::InScadenza, 20));
    // Overdue first on the board.
    assert_eq!(board[0].state, BoardState::Scaduto);
    // The screen shows them the same way.
    let view = s.call("housing_get", json!({})).unwrap();
    let status = |h: &Household| {
        view["stays"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["household_id"] == h.id.to_string().as_str())
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(
        (status(&h1), status(&h2), status(&h3)),
        (json!("oltre_termine"), json!("in_scadenza"), json!("in_corso"))
    );
    // The overstayed bed is not offered as free: nobody recorded the guest gone.
    assert!(view["proposals"].as_array().unwrap().is_empty(), "{}", view["proposals"]);
    // A proroga takes the stay off the overdue list.
    let sid = s.household_housing(h1.id).unwrap().stays[0].id;
    s.call("stay_update", json!({ "stay": { "stay_id": sid.to_string(), "planned_end": "2027-03-01" } }))
        .unwrap();
    let board = s.deadlines_board().unwrap();
    assert_eq!(board.iter().filter(|r| r.kind == BoardKind::Alloggio).count(), 1);
}

/// One step of a random sequence.
#[derive(Debug, Clone)]
enum Step {
    /// A new household waiting, placed in bed `place` (0: the whole unit)
    /// from day `entry` for `length` days (refusals are fine).
    Place { place: u32, entry: i64, length: i64 },
    /// The exit of the `n`-th stay recorded (if any), `after` days from its entry.
    Exit { n: usize, after: i64 },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0u32..=3, 0i64..60, 1i64..90).prop_map(|(place, entry, length)| Step::Place { place, entry, length }),
        1 => (0usize..8, 0i64..40).prop_map(|(n, after)| Step::Exit { n, after }),
    ]
}

/// Names whose consonants differ, so that each guest has a codice fiscale of their own.
const FIRST_NAMES: &[&str] = &[
    "Bruno", "Carlo", "Dario", "Franco", "Guido", "Luca", "Marco", "Nico", "Paolo", "Renato", "Sergio",
    "Tullio",
];

fn day(base: NaiveDate, offset: i64) -> NaiveDate {
    base + chrono::Duration::days(offset)
}

/// Every day of the stays recorded: never more places taken than the unit
/// has, never two guests in a bed.
fn check_capacity(stays: &[sportello::service::StayView], places: u32) {
    let first = stays.iter().map(|s| s.entry).min();
    let last = stays.iter().map(|s| s.exit_date.unwrap_or(s.planned_end)).max();
    let (Some(first), Some(last)) = (first, last) else { return };
    for d in first.iter_days().take_while(|d| *d < last) {
        let here: Vec<_> =
            stays.iter().filter(|s| s.entry <= d && d < s.exit_date.unwrap_or(s.planned_end)).collect();
        let taken: u32 = here.iter().map(|s| if s.place.is_some() { 1 } else { places }).sum();
        assert!(taken <= places, "{d}: {taken} places of {places}: {here:#?}");
        let mut beds: Vec<u32> = here.iter().filter_map(|s| s.place).collect();
        beds.sort_unstable();
        assert!(beds.windows(2).all(|w| w[0] != w[1]), "{d}: a bed twice: {here:#?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn random_entries_and_exits_never_exceed_a_units_places(steps in prop::collection::vec(step(), 4..12)) {
        // Placed on the base day, exits recorded on their day (not in the future).
        let base = d("2026-01-05");
        let e: Env = service_support::env_on(base);
        let s = &e.service;
        let u = unit(s, "Via Giambellino 58, int. 12", 3);
        let mut n = 0;
        for st in steps {
            match st {
                Step::Place { place: p, entry, length } => {
                    n += 1;
                    let first = FIRST_NAMES[n % FIRST_NAMES.len()];
                    let h = s
                        .household_save(serde_json::from_value(single_json("Ospite", first, "1980-01-01", "M")).unwrap())
                        .unwrap();
                    let w = wait(s, &h, 1, 2);
                    let bed = if p == 0 { Value::Null } else { json!(p) };
                    let r = place(s, &w, &u, bed, &day(base, entry).to_string(), &day(base, entry + length).to_string());
                    if let Err(err) = r {
                        prop_assert!(matches!(err.code, Code::Conflict | Code::Invalid), "{err:?}");
                    }
                }
                Step::Exit { n: k, after } => {
                    let view: sportello::service::HousingView = s.housing_get(None, 4).unwrap();
                    let open: Vec<_> = view.stays.iter().filter(|x| x.exit_date.is_none()).collect();
                    if let Some(stay) = open.get(k % open.len().max(1)) {
                        let on = day(stay.entry, after).min(stay.planned_end);
                        let later = e.reopen(service_support::ADMIN, on.max(base));
                        later
                            .call("stay_update", json!({ "stay": { "stay_id": stay.id.to_string(),
                                "exit_date": on.max(stay.entry).to_string(), "destination": "rientro_in_famiglia" } }))
                            .unwrap();
                    }
                }
            }
        }
        let view = s.housing_get(None, 4).unwrap();
        check_capacity(&view.stays, 3);
    }
}
