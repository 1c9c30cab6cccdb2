//! Retention and erasure (issue 16 item 4) in the real window: eleven years
//! after the demo's day every demo case is past its term; the coordinatore
//! erases one from the Operatori screen, confirming with its case number
//! (a wrong number is refused), and its verbale is shown and printable.
//! Beside the cases, what is not a case (schema 26): the demo's calls of
//! 2019 (applications, published rankings, reimbursement files) and the
//! access log's rows of the demo's days; the access log's old rows are
//! erased with the day of the cut typed again, and the log still verifies.

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

    // What is not a case, listed with its term's start and its act.
    app.el("retention-records-table").await;
    let kinds = app
        .js(
            r#"return Array.from(document.querySelectorAll('[data-testid="retention-record-row"]')).map((r) => r.dataset.kind).join(' ')"#,
            vec![],
        )
        .await;
    let kinds = kinds.as_str().unwrap().to_string();
    for kind in ["domanda", "graduatoria", "rimborso", "registro_accessi"] {
        assert!(kinds.contains(kind), "{kind} in {kinds}");
    }
    let log_row = r#"[data-testid="retention-record-row"][data-kind="registro_accessi"]"#;
    let text = app.js(&format!(r#"return document.querySelector('{log_row}').textContent"#), vec![]).await;
    assert!(text.as_str().unwrap().contains("01/12/2035"), "{text}");
    app.js(
        r#"document.querySelector('[data-testid="retention-records-table"]').scrollIntoView(); return true"#,
        vec![],
    )
    .await;
    app.screenshot("conservazione-atti").await;
    // The access log's rows before 01/12/2035 (today less two years): a
    // wrong confirmation is refused, the right one erases them.
    let click = format!(r#"document.querySelector('{log_row} button').click(); return true"#);
    app.js(&click, vec![]).await;
    app.fill("retention-erase-records-input", "2035-12-01").await;
    app.click("retention-erase-records-confirm").await;
    app.wait_js(r#"const b = document.querySelector('[data-testid="error-banner"]'); return !!b && !b.hidden && b.textContent.includes('01/12/2035');"#).await;
    app.click("error-close").await;
    app.js(&click, vec![]).await;
    app.fill("retention-erase-records-input", "01/12/2035").await;
    app.click("retention-erase-records-confirm").await;
    app.el("retention-record-report").await;
    let report = app.text_of("retention-record-report").await;
    assert!(report.contains("Registro degli accessi"), "{report}");
    assert!(app.text_of("retention-record-report-counts").await.contains("righe del registro degli accessi"));
    app.wait_js(&format!(r#"return !document.querySelector('{log_row}')"#)).await;
    app.js(
        r#"document.querySelector('[data-testid="retention-record-report"]').scrollIntoView(); return true"#,
        vec![],
    )
    .await;
    app.screenshot("conservazione-atti-verbale").await;
    app.stop().await;
}
