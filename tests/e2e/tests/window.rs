//! The app starts in a real window and shows its first screen.

use sportello_e2e::{App, Setup};

#[tokio::test]
async fn the_app_opens_on_the_deadlines_board() {
    let app = App::start().await;

    assert_eq!(app.client.title().await.unwrap(), "Sportello");
    app.wait_route("/scadenze").await;
    assert_eq!(app.text_of("screen-title").await, "Scadenze");

    // The sidebar leads to the three places of the skeleton, the board marked current.
    assert_eq!(app.text_of("nav-scadenze").await, "Scadenze");
    assert_eq!(app.text_of("nav-nuclei").await, "Nuclei");
    assert_eq!(app.text_of("nav-nuovo-nucleo").await, "Nuovo nucleo");
    let current = app.el("nav-scadenze").await.attr("aria-current").await.unwrap();
    assert_eq!(current.as_deref(), Some("page"));

    // The window is the size the desk screens were designed for.
    let (w, h) = app.client.get_window_size().await.unwrap();
    assert!(w >= 1000 && h >= 700, "finestra {w}×{h}");

    app.screenshot("scadenze").await;
    app.stop().await;
}

#[tokio::test]
async fn a_demo_office_sees_late_agreements_first_in_red() {
    let app = App::start_with(Setup { demo: true, ..Setup::default() }).await;
    app.wait_route("/scadenze").await;
    app.el("deadlines-table").await;
    let states = app
        .js(
            r#"return [...document.querySelectorAll('[data-testid="deadline-row"]')].map((r) => r.dataset.state)"#,
            vec![],
        )
        .await;
    let states: Vec<String> = serde_json::from_value(states).unwrap();
    assert!(states.iter().any(|s| s == "scaduto"), "the demo has overdue agreements: {states:?}");
    let first_not_late = states.iter().position(|s| s != "scaduto").unwrap_or(states.len());
    assert!(states[first_not_late..].iter().all(|s| s != "scaduto"), "overdue first: {states:?}");

    // Late rows are red, close ones amber: the colour of the row says it, and the words too.
    let colour = |state: &str| {
        format!(
            // A row the pointer is not resting on (the filters above the
            // table can put the first row under the login's last click).
            r#"const r = [...document.querySelectorAll('[data-testid="deadline-row"][data-state="{state}"]')]
                 .find((r) => !r.matches(':hover'));
               return r ? getComputedStyle(r).backgroundColor : null"#
        )
    };
    assert_eq!(app.js(&colour("scaduto"), vec![]).await, serde_json::json!("rgb(253, 236, 236)"));
    if states.iter().any(|s| s == "in_scadenza") {
        assert_eq!(app.js(&colour("in_scadenza"), vec![]).await, serde_json::json!("rgb(255, 243, 214)"));
    }
    let badge = app.js(
        r#"return document.querySelector('[data-testid="deadline-row"][data-state="scaduto"] [data-testid="deadline-state"]').textContent"#,
        vec![],
    ).await;
    assert_eq!(badge, serde_json::json!("Scaduto"));
    let days = app.js(
        r#"return document.querySelector('[data-testid="deadline-row"][data-state="scaduto"] [data-testid="deadline-days"]').textContent"#,
        vec![],
    ).await;
    assert!(days.as_str().unwrap().starts_with("scaduto da"), "{days}");

    app.screenshot("scadenze-demo").await;

    // Search as you type, accents optional.
    app.click("nav-nuclei").await;
    app.wait_route("/nuclei").await;
    app.el("households-hint").await;
    app.fill("households-search", "ro").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="household-row"]').length > 0"#).await;
    app.screenshot("nuclei-demo").await;
    app.stop().await;
}

/// "Informazioni" (issue 14): program and schema, where the database and the
/// log are, the rule sets with their periods; the administrator writes the IT
/// office's diagnostics bundle and is told where it is.
#[tokio::test]
async fn the_administrator_reads_informazioni_and_writes_the_diagnostics_bundle() {
    let app =
        App::start_with(Setup { demo: true, login: Some("amministratore".to_string()), ..Setup::default() })
            .await;
    app.click("nav-informazioni").await;
    app.wait_route("/informazioni").await;
    let version = app.text_of("about-version").await;
    assert!(version.starts_with("Sportello "), "{version}");
    let schema = app.text_of("about-schema").await;
    assert!(schema.parse::<u32>().is_ok_and(|n| n >= 15), "{schema}");
    assert!(app.text_of("about-log").await.ends_with("log"));
    let rules = app.text_of("about-rules").await;
    assert!(rules.contains("dal 01/01/2019") && rules.contains("milano-b2-2019 v"), "{rules}");
    app.click("diagnostics-export").await;
    app.wait_js(r#"return document.querySelector('[data-testid="diagnostics-result"]').textContent.includes('diagnostica-')"#)
        .await;
    app.screenshot("informazioni").await;
    app.stop().await;
}
