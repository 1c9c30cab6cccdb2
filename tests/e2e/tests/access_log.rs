//! The coordinator's "Registro accessi" (issue 5) in the real window: on a demo
//! case, who is in charge and in which équipe, the select to reassign it, the
//! access history with its filter by operator, and the export filed among the
//! case's documents.

use sportello_e2e::{App, Setup};

/// The demo's coordinator (src/demo.rs): sees every case of the office.
const COORDINATOR: &str = "averdi";

#[tokio::test]
async fn a_coordinator_reads_and_exports_the_access_log_of_a_demo_case() {
    // The shared login: the harness logs in through the login screen with the
    // demo's password, as for every other test.
    let app =
        App::start_with(Setup { demo: true, login: Some(COORDINATOR.to_string()), ..Setup::default() }).await;
    assert_eq!(app.text_of("user-role").await, "Coordinatore");
    app.click("nav-nuclei").await;
    app.wait_route("/nuclei").await;
    // A surname the seeded demo has (its families are drawn: there is no Rossi).
    app.fill("households-search", "colombo").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="household-row"]').length > 0"#).await;
    app.click("household-link").await;

    // Who is in charge: a demo operatore of one of the two équipe.
    let owner = app.text_of("case-responsabile").await;
    assert!(owner.starts_with("Operatore responsabile: "), "{owner}");
    assert!(owner.contains("Équipe Nord") || owner.contains("Équipe Sud"), "{owner}");
    app.wait_js(
        r#"return document.querySelectorAll('[data-testid="case-assign-select"] option').length > 3"#,
    )
    .await;

    // The register loads on request, oldest first, dates as gg/mm/aaaa hh:mm.
    app.click("access-log-show").await;
    app.el("access-log-table").await;
    let rows = app
        .js(
            r#"return [...document.querySelectorAll('[data-testid="access-log-row"]')].map((r) => ({
                 action: r.dataset.action, when: r.cells[0].textContent, who: r.cells[1].textContent }))"#,
            vec![],
        )
        .await;
    let rows = rows.as_array().unwrap().clone();
    assert!(rows.len() >= 2, "{rows:?}");
    assert_eq!(rows[0]["action"], "household_create", "{rows:?}");
    let when = rows[0]["when"].as_str().unwrap();
    let shape: Vec<usize> = when.split(|c: char| !c.is_ascii_digit()).map(str::len).collect();
    assert_eq!(shape, [2, 2, 4, 2, 2], "gg/mm/aaaa hh:mm: {when}");
    // This very look is on record: the coordinator's household_get is the last row.
    assert!(rows.last().unwrap()["who"].as_str().unwrap().contains("(averdi)"), "{rows:?}");
    app.screenshot("registro-accessi").await;

    // Filtered by operator: only the coordinator's rows.
    app.choose("access-log-operator", "averdi").await;
    app.wait_js(
        r#"return [...document.querySelectorAll('[data-testid="access-log-row"]')].every((r) => r.cells[1].textContent.endsWith('(averdi)'))"#,
    )
    .await;

    // Exported: filed among the documents of the case.
    app.click("access-log-export").await;
    app.wait_js(r#"const t = document.querySelector('[data-testid="toast"]'); return !!t && !t.hidden && t.textContent.includes('Registro')"#).await;
    app.click("tab-documenti").await;
    app.el("documents-table").await;
    let filed = app.all(r#"[data-testid="document-row"][data-kind="registro_accessi"]"#).await;
    assert_eq!(filed.len(), 1);
    app.stop().await;
}

/// After a lost laptop: the coordinator lists whose files an account opened in
/// a period (GDPR art. 33-34), from the Operatori screen.
#[tokio::test]
async fn a_coordinator_lists_whose_files_an_account_opened() {
    let app =
        App::start_with(Setup { demo: true, login: Some(COORDINATOR.to_string()), ..Setup::default() }).await;
    // She opens a demo family's file: an access of hers in the log.
    app.click("nav-nuclei").await;
    app.wait_route("/nuclei").await;
    app.fill("households-search", "colombo").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="household-row"]').length > 0"#).await;
    app.click("household-link").await;
    app.el("case-responsabile").await;

    app.click("nav-operatori").await;
    app.wait_route("/operatori").await;
    app.choose("exposure-operator", COORDINATOR).await;
    app.fill("exposure-from", "01/01/2000").await;
    app.fill("exposure-to", "31/12/2099").await;
    app.click("exposure-run").await;
    app.el("exposure-table").await;
    let summary = app.text_of("exposure-summary").await;
    assert!(summary.starts_with("Dal 01/01/2000 al 31/12/2099: "), "{summary}");
    let people = app
        .js(r#"return [...document.querySelectorAll('[data-testid="exposure-row"]')].map((r) => r.cells[1].textContent).join(' | ')"#, vec![])
        .await;
    assert!(people.as_str().unwrap().to_lowercase().contains("colombo"), "{people}");
    app.screenshot("violazione-dati").await;
    app.stop().await;
}
