//! The interface's own behaviour in the real engine (WebKitGTK): formats, local
//! validation beside the fields, the unsaved-changes guard.

use serde_json::json;
use sportello_e2e::App;

#[tokio::test]
async fn dates_and_money_are_italian_without_floats_or_time_zone_shifts() {
    let app = App::start().await;
    // The very modules the screens use, imported in the window itself.
    let result = app
        .client
        .execute_async(
            r#"
            const done = arguments[arguments.length - 1];
            import('./js/format.js').then((f) => done({
              date: f.formatDate('2026-11-21'),
              newYear: f.formatDate('2027-01-01'),
              money: f.formatMoney('1234.56'),
              big: f.formatMoney('20668.26'),
              cents: f.formatMoney('0.1'),
              huge: f.formatMoney('90071992547409.93'),
              typedDate: f.parseDate('7/12/2026'),
              badDate: f.parseDate('29/02/2026'),
              typedMoney: f.parseMoney('1.234,56'),
              age17: f.ageOn('2008-02-29', '2026-02-28'),
              age18: f.ageOn('2008-02-29', '2026-03-01'),
            })).catch((e) => done(String(e)));
            "#,
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        result,
        json!({
            "date": "21/11/2026",
            "newYear": "01/01/2027",
            "money": "1.234,56\u{a0}€",
            "big": "20.668,26\u{a0}€",
            "cents": "0,10\u{a0}€",
            // Beyond what a double holds exactly: still every digit.
            "huge": "90.071.992.547.409,93\u{a0}€",
            "typedDate": "2026-12-07",
            "badDate": null,
            "typedMoney": "1234.56",
            "age17": 17,
            "age18": 18,
        })
    );
    app.stop().await;
}

#[tokio::test]
async fn a_new_household_form_says_what_is_missing_beside_each_field() {
    let app = App::start().await;
    app.click("nav-nuovo-nucleo").await;
    app.wait_route("/nuclei/nuovo").await;
    assert_eq!(app.text_of("screen-title").await, "Nuovo nucleo familiare");

    app.fill("member-0-birth-date", "31/02/1980").await;
    app.click("household-save").await;
    assert_eq!(app.text_of("error:members[0].last_name").await, "Campo obbligatorio.");
    assert_eq!(app.text_of("error:members[0].birth_date").await, "Data non valida: scrivere gg/mm/aaaa.");
    assert_eq!(app.text_of("error:address").await, "Campo obbligatorio.");
    let invalid = app.el("member-0-last-name").await.attr("aria-invalid").await.unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));

    // Typing in a field clears its message.
    app.fill("member-0-last-name", "Dell'Orto").await;
    app.wait_js(
        r#"return document.querySelector('[data-testid="error:members[0].last_name"]').hidden === true"#,
    )
    .await;

    // A second member, then a minor's guardian choice appears once a birth date says so.
    app.click("member-add").await;
    app.fill_and_leave("member-1-birth-date", "30/09/2015").await;
    app.el("member-1-guardian").await;
    app.click("member-add").await;
    app.click("member-2-remove").await;
    assert!(app.all(r#"[data-testid="member-2"]"#).await.is_empty());

    app.screenshot("nucleo-errori").await;
    app.stop().await;
}

#[tokio::test]
async fn leaving_a_form_with_unsaved_changes_asks_first() {
    let app = App::start().await;
    app.click("nav-nuovo-nucleo").await;
    app.wait_route("/nuclei/nuovo").await;
    app.fill("household-address", "via Padova 12, 20127 Milano").await;

    app.click("nav-scadenze").await;
    app.el("unsaved-dialog").await;
    app.click("unsaved-stay").await;
    assert!(app.all(r#"[data-testid="unsaved-dialog"]"#).await.is_empty());
    let route = app.js("return location.hash", vec![]).await;
    assert_eq!(route, json!("#/nuclei/nuovo"));
    let kept = app.el("household-address").await.prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("via Padova 12, 20127 Milano"));

    app.click("nav-scadenze").await;
    app.click("unsaved-leave").await;
    app.wait_route("/scadenze").await;
    assert_eq!(app.text_of("screen-title").await, "Scadenze");
    app.stop().await;
}
