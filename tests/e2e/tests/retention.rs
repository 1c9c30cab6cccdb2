//! Retention and erasure (issue 16 item 4) in the real window: eleven years
//! after the demo's day every demo case is past its term; the coordinatore
//! erases one from the Operatori screen, confirming with its case number
//! (a wrong number is refused), and its verbale is shown and printable.

use sportello_e2e::{App, Setup, TODAY};

#[tokio::test]
async fn the_coordinator_erases_a_case_past_its_term_with_confirmation() {
    let app = App::start_with(Setup {
        demo: true,
        demo_today: Some(TODAY.to_string()),
        today: "2037-12-01".to_string(),
        login: Some("averdi".to_string()),
        ..Setup::default()
    })
    .await;
    app.go("/operatori").await;
    app.wait_route("/operatori").await;
    app.el("retention-table").await;
    let rows_before = app.all(r#"[data-testid="retention-row"]"#).await.len();
    assert!(rows_before > 5, "{rows_before}");
    let case = app
        .js(r#"return document.querySelector('[data-testid="retention-row"]').cells[0].textContent"#, vec![])
        .await;
    let case = case.as_str().unwrap().to_string();

    app.click("retention-erase").await;
    // A wrong number: refused, nothing erased.
    app.fill("retention-erase-input", "1999/0001").await;
    app.click("retention-erase-confirm").await;
    app.wait_js(r#"const b = document.querySelector('[data-testid="error-banner"]'); return !!b && !b.hidden && b.textContent.includes('numero del fascicolo');"#).await;
    app.click("error-close").await;
    assert_eq!(app.all(r#"[data-testid="retention-row"]"#).await.len(), rows_before);

    app.click("retention-erase").await;
    app.fill("retention-erase-input", &case).await;
    app.screenshot("conservazione-conferma").await;
    app.click("retention-erase-confirm").await;
    app.el("retention-report").await;
    let report = app.text_of("retention-report").await;
    assert!(report.contains(&case), "{report}");
    app.wait_js(&format!(
        r#"return document.querySelectorAll('[data-testid="retention-row"]').length === {}"#,
        rows_before - 1
    ))
    .await;
    assert!(app.text_of("retention-report-counts").await.contains("componenti"));
    app.screenshot("conservazione-verbale").await;
    app.stop().await;
}
