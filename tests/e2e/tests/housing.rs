//! Temporary housing in the real window (issue 13 item 1): the coordinatrice
//! opens Alloggi on the demo, places a household of the waiting list in a
//! free place proposed to it (the entry and planned end proposed, confirmed
//! in the dialog by keyboard), and sees it in the occupancy view and among
//! the stays.

use fantoccini::key::Key;
use serde_json::json;
use sportello_e2e::{App, Setup};

#[tokio::test]
async fn a_household_of_the_waiting_list_is_placed_in_a_free_place() {
    let app =
        App::start_with(Setup { demo: true, login: Some("averdi".to_string()), ..Setup::default() }).await;
    app.wait_route("/scadenze").await;
    // The board reminds of the stays ending soon and overstayed.
    app.el("deadlines-table").await;
    let kinds = app
        .js(r#"return [...document.querySelectorAll('[data-testid="deadline-row"]')].map((r) => r.dataset.kind)"#, vec![])
        .await;
    let kinds: Vec<String> = serde_json::from_value(kinds).unwrap();
    assert!(kinds.iter().filter(|k| *k == "alloggio").count() >= 4, "{kinds:?}");

    app.click("nav-alloggi").await;
    app.wait_route("/alloggi").await;
    app.el("housing-occupancy").await;
    let settings = app.text_of("housing-settings").await;
    assert!(settings.contains("durata massima 18 mesi"), "{settings}");
    // Dates in the Italian form, weeks of the grid as "2 su 3".
    let cell = app
        .js(r#"return document.querySelector('[data-testid="occupancy-cell"]').textContent"#, vec![])
        .await;
    assert!(cell.as_str().unwrap().contains(" su "), "{cell}");
    let stays = app.text_of("housing-stays").await;
    assert!(stays.contains("/2026") && stays.contains("Oltre la fine prevista"), "{stays}");
    app.screenshot("alloggi").await;

    // The first free place someone fits, with the list's first household proposed.
    let first = app
        .js(
            r#"const s = document.querySelector('[data-testid="proposal-select"]');
               const p = s.closest('[data-testid="housing-proposal"]');
               const o = s.selectedOptions[0];
               return { household: o.dataset.household, waiting: s.value, unit: p.dataset.unit, place: p.dataset.place };"#,
            vec![],
        )
        .await;
    let household = first["household"].as_str().unwrap().to_string();
    let unit = first["unit"].as_str().unwrap().to_string();
    let waiting = first["waiting"].as_str().unwrap().to_string();
    // By keyboard: from the household's choice, Tab to "Inserisci", Enter.
    app.js(r#"document.querySelector('[data-testid="proposal-select"]').focus(); return true;"#, vec![])
        .await;
    app.key(Key::Tab).await;
    assert_eq!(app.focused().await, "proposal-place");
    app.key(Key::Enter).await;
    app.el("place-form").await;
    // The entry (today) and a planned end are proposed; the dialog asks.
    assert_eq!(app.value_of("place-entry").await, "21/11/2026");
    let end = app.value_of("place-planned-end").await;
    assert!(end.ends_with("/2027"), "{end}");
    app.click("place-confirm").await;
    let question = app.text_of("place-body").await;
    assert!(question.contains(&household) && question.contains("21/11/2026"), "{question}");
    // The safe button has the focus: Tab to the confirmation, Enter.
    assert_eq!(app.focused().await, "place-no");
    app.key(Key::Tab).await;
    assert_eq!(app.focused().await, "place-yes");
    app.key(Key::Enter).await;
    app.wait_js(&format!(
        r#"const t = document.querySelector('[data-testid="toast"]'); return t && t.textContent.includes({name}) && t.textContent.includes('inserito');"#,
        name = serde_json::to_string(&household).unwrap()
    ))
    .await;

    // In the occupancy view today, and among the stays; off the waiting list.
    app.wait_js(&format!(
        r#"const r = document.querySelector('[data-testid="occupancy-row"][data-unit="{unit}"] [data-testid="occupancy-today"]');
           return r && r.textContent.includes({name});"#,
        name = serde_json::to_string(&household).unwrap()
    ))
    .await;
    let stays = app.text_of("housing-stays").await;
    assert!(stays.contains(&household), "{stays}");
    let still = app
        .js(r#"return document.querySelectorAll(`[data-testid="waiting-row"][data-waiting="${arguments[0]}"]`).length"#, vec![json!(waiting)])
        .await;
    assert_eq!(still, json!(0));
    app.screenshot("alloggi-inserimento").await;

    // A stay ending soon: its card, a proroga confirmed in the dialog.
    app.js(
        r#"document.querySelector('[data-testid="stay-row"][data-status="in_scadenza"] button').click(); return true;"#,
        vec![],
    )
    .await;
    app.el("stay-card").await;
    app.fill("proroga-date", "20/03/2027").await;
    app.click("proroga-save").await;
    assert!(app.text_of("proroga-body").await.contains("20/03/2027"));
    app.click("proroga-yes").await;
    // The toast of the placement may still be on: wait for this one.
    app.wait_js(r#"const t = document.querySelector('[data-testid="toast"]'); return t && t.textContent.includes('20/03/2027');"#)
        .await;
    app.el("stay-card").await;
    app.screenshot("alloggi-scheda").await;

    // The household placed: its page has the card of its stay.
    app.js(
        r#"const a = [...document.querySelectorAll('[data-testid="stay-row"] a')].find((a) => a.textContent === arguments[0]);
           a.click(); return true;"#,
        vec![json!(household)],
    )
    .await;
    app.el("screen-nucleo").await;
    let card = app.text_of("household-housing-stay").await;
    assert!(card.contains("dal 21/11/2026"), "{card}");
    app.stop().await;
}
