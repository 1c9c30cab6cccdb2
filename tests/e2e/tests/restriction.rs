//! GDPR art. 18 in the real window: the coordinatrice restricts a case with
//! its reason, every tab of the case says so, and lifting it is the same
//! gesture back; an operatore no longer finds it.

use sportello_e2e::{App, Setup, PASSWORD};

#[tokio::test]
async fn the_coordinator_restricts_a_case_and_lifts_it() {
    let app =
        App::start_with(Setup { demo: true, login: Some("averdi".to_string()), ..Setup::default() }).await;
    app.wait_route("/scadenze").await;
    app.click("deadline-household").await;
    app.click("tab-nucleo").await;
    app.el("screen-nucleo").await;
    let name = app.text_of("case-name").await;
    assert!(app.all(r#"[data-testid="case-restricted"]"#).await.is_empty());

    app.click("case-restrict").await;
    // The reason is asked, and required.
    app.click("restriction-yes").await;
    app.el("restriction-error").await;
    app.fill("restriction-input", "Richiesta dell'interessata del 19/11/2026").await;
    app.click("restriction-yes").await;
    let banner = app.text_of("case-restricted").await;
    assert!(
        banner.contains("Trattamento limitato") && banner.contains("Richiesta dell'interessata"),
        "{banner}"
    );
    // Every tab of the case says so.
    app.click("tab-progetto").await;
    assert!(app.text_of("case-restricted").await.contains("art. 18"));
    app.click("tab-nucleo").await;
    app.el("case-restriction-lift").await;
    app.screenshot("trattamento-limitato").await;

    // The operatore in charge no longer finds it.
    app.logout().await;
    app.login_as("mbianchi", PASSWORD).await;
    app.go("/nuclei").await;
    app.el("households-search").await;
    app.fill("households-search", &name).await;
    app.wait_js(r#"return !document.querySelector('[data-testid="household-row"]')"#).await;

    app.logout().await;
    app.login_as("averdi", PASSWORD).await;
    app.go("/nuclei").await;
    app.fill("households-search", &name).await;
    app.el("household-restricted").await;
    app.click("household-link").await;
    app.click("case-restriction-lift").await;
    app.fill("restriction-input", "Richiesta evasa il 27/11/2026").await;
    app.click("restriction-yes").await;
    app.el("case-restrict").await;
    assert!(app.all(r#"[data-testid="case-restricted"]"#).await.is_empty());

    app.stop().await;
}
