//! GDPR issue 16 in the real window: the coordinator records a request of
//! access and portability for a demo family's member, sees it on the Scadenze
//! board, prepares the answer (the ZIP with the PDF for the person) and the
//! request shows answered; then the case's "Storico modifiche".

use sportello_e2e::{App, Setup};

#[tokio::test]
async fn an_access_request_from_the_desk_to_the_answer() {
    let app =
        App::start_with(Setup { demo: true, login: Some("averdi".to_string()), ..Setup::default() }).await;
    app.click("nav-richieste").await;
    app.wait_route("/richieste").await;
    app.el("data-request-form").await;

    // The person: a member of a demo family, found by surname.
    app.fill("dr-search", "colombo").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="dr-member"] option').length > 1"#).await;
    app.choose_index("dr-member", 1).await;
    let who = app
        .js(r#"const s = document.querySelector('[data-testid="dr-member"]'); return s.options[s.selectedIndex].textContent"#, vec![])
        .await;
    let who = who.as_str().unwrap().split(" — ").next().unwrap().to_string();
    app.choose("dr-kind", "accesso_portabilita").await;
    app.fill("dr-received", "18/11/2026").await;
    app.choose("dr-channel", "sportello").await;
    app.click("data-request-submit").await;
    app.el("data-request-row").await;
    let state = app
        .js(r#"return document.querySelector('[data-testid="data-request-row"]').dataset.state"#, vec![])
        .await;
    assert_eq!(state, "nei_termini");
    assert_eq!(app.text_of("data-request-due").await.get(..10), Some("18/12/2026"));
    app.screenshot("richieste-gdpr").await;

    // On the board, with its deadline.
    app.click("nav-scadenze").await;
    app.wait_route("/scadenze").await;
    app.wait_js(r#"return !!document.querySelector('[data-testid="deadline-row"][data-kind="richiesta"]')"#)
        .await;
    let detail = app
        .js(
            r#"return document.querySelector('[data-testid="deadline-row"][data-kind="richiesta"] [data-testid="deadline-detail"]').textContent"#,
            vec![],
        )
        .await;
    assert!(detail.as_str().unwrap().contains(&who), "{detail} / {who}");

    // The answer, saved where the coordinator chooses (the system's dialog
    // cannot be driven under Xvfb: its answer is given as it would come).
    let out = app.dir.path().join("risposta-gdpr.zip");
    app.click("nav-richieste").await;
    app.wait_route("/richieste").await;
    app.el("data-request-answer").await;
    crate::sync::answer_dialog(&app, "saveAs", &out).await;
    app.click("data-request-answer").await;
    app.wait_js(r#"const r = document.querySelector('[data-testid="data-request-row"]'); return !!r && r.dataset.state === 'evasa'"#).await;
    let summary = app.text_of("data-request-summary").await;
    assert!(summary.contains("risposta.pdf") && summary.contains("dati.json"), "{summary}");
    let bytes = std::fs::read(&out).expect("the ZIP written");
    assert!(bytes.starts_with(b"PK"), "a ZIP");
    app.click("nav-scadenze").await;
    app.wait_route("/scadenze").await;
    app.el("deadlines-body").await;
    app.wait_js(r#"return !document.querySelector('[data-testid="deadline-row"][data-kind="richiesta"]')"#)
        .await;

    // The case's history of changes, from the household page.
    app.click("nav-nuclei").await;
    app.wait_route("/nuclei").await;
    app.fill("households-search", "colombo").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="household-row"]').length > 0"#).await;
    app.click("household-link").await;
    app.click("field-history-show").await;
    app.wait_js(r#"return !!document.querySelector('[data-testid="field-history-table"], [data-testid="field-history-empty"]')"#).await;
    app.js(
        r#"document.querySelector('[data-testid="field-history"]').scrollIntoView(); return true"#,
        vec![],
    )
    .await;
    app.screenshot("storico-modifiche").await;
    app.stop().await;
}
