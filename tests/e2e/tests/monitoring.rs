//! Monitoring of the signed project (issue 12 item 3) in the real window: the
//! project signed by both adults, a monitoring meeting recorded from the
//! project tab (asked first) moves the commitment to «rispettato» and the
//! project to «in corso», and the meeting is in the history with the next
//! one fixed.

use sportello_e2e::App;

use crate::legal_acts::{project_in_draft, sign_all, two_adults_with_analysis};

#[tokio::test]
async fn a_monitoring_meeting_moves_the_commitment_to_rispettato() {
    let app = App::start().await;
    two_adults_with_analysis(&app).await;
    project_in_draft(&app).await;

    // Sent to signing, signed by both adults on the day of the analysis.
    sign_all(&app, "20/11/2026").await;
    assert_eq!(signed(&app).await, 2, "both adults sign");
    // The patto planned no meeting: nothing fixed yet.
    app.el("next-meeting").await;

    // ---- a meeting held: every commitment with its progress ---------------------------
    app.click("meeting-new").await;
    app.el("meeting-form").await;
    assert_eq!(app.value_of("meeting-held-on").await, "21/11/2026", "today by default");
    assert_eq!(
        app.value_of("meeting-operators").await,
        "Amministratore di sistema",
        "the operator logged in"
    );
    app.fill("meeting-operators", "Amministratore di sistema, Anna Verdi").await;
    app.tick("present-0").await;
    app.fill("other-0-name", "Paola Neri").await;
    app.fill("other-0-role", "Orientatrice del Centro per l'impiego").await;
    // Recording without the commitment's progress: said on its field.
    app.click("meeting-record").await;
    app.wait_js(r#"return !document.querySelector('[data-testid="error:progress[0].progress"]').hidden"#)
        .await;
    app.choose("progress-0-status", "rispettato").await;
    app.fill("progress-0-note", "Colloquio di orientamento svolto il 18/11.").await;
    app.fill("meeting-note", "Il nucleo ha portato la documentazione richiesta.").await;
    app.fill("meeting-next", "19/02/2027").await;
    app.screenshot("monitoraggio-incontro").await;
    app.click("meeting-record").await;
    app.el("meeting-confirm-dialog").await;
    let body = app.text_of("meeting-confirm-body").await;
    assert!(body.contains("21/11/2026") && body.contains("non si modifica"), "{body}");
    assert_eq!(app.focused().await, "meeting-confirm-no", "the safe answer has the focus");
    app.click("meeting-confirm-yes").await;

    // ---- the commitment is rispettato, the project in corso ------------------------------
    app.wait_js(
        r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'in_corso'"#,
    )
    .await;
    assert_eq!(app.value_of("commitment-0-status").await, "rispettato");
    app.el("meeting-held").await;
    let progress = app
        .js(r#"return document.querySelector('[data-testid="meeting-progress"]').dataset.progress"#, vec![])
        .await;
    assert_eq!(progress, "rispettato");
    let who = app.text_of("meeting-held").await;
    assert!(who.contains("Anna Verdi") && who.contains("Paola Neri (Orientatrice"), "{who}");
    let next = app.text_of("next-meeting").await;
    assert!(next.contains("19/02/2027"), "{next}");
    app.js(r#"document.querySelector('[data-testid="monitoring"]').scrollIntoView()"#, vec![]).await;
    app.screenshot("monitoraggio-storia").await;

    // ---- «Riprogetta»: asked with its reason; the signed version stays readable ------------
    app.click("project-redesign").await;
    app.el("redesign-dialog").await;
    app.fill("redesign-input", "Niccolò ha trovato un lavoro a tempo determinato").await;
    app.click("redesign-yes").await;
    app.wait_js(
        r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'bozza'"#,
    )
    .await;
    assert_eq!(app.text_of("project-version-number").await, "Versione 2");
    app.el("project-version").await;
    assert_eq!(signed(&app).await, 0, "the new version is signed again");
    // The text can be written again.
    app.el("project-save").await;

    // ---- «Chiudi il progetto»: each objective's outcome, asked, then read-only -------------
    app.click("project-close").await;
    app.el("closure-form").await;
    app.choose("closure-reason", "rinuncia").await;
    app.choose("closure-objective-0-outcome", "parzialmente_raggiunto").await;
    app.click("closure-confirm").await;
    app.el("close-confirm-dialog").await;
    app.click("close-confirm-yes").await;
    app.wait_js(
        r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'concluso'"#,
    )
    .await;
    app.el("project-closure").await;
    assert!(app.all(r#"[data-testid="project-save"]"#).await.is_empty(), "a concluded project is read-only");
    assert!(app.all(r#"[data-testid="meeting-new"]"#).await.is_empty());
    assert!(app.all(r#"[data-testid="meeting-annul"]"#).await.is_empty());
    app.js(r#"document.querySelector('[data-testid="monitoring"]').scrollIntoView()"#, vec![]).await;
    app.screenshot("progetto-chiuso").await;
    app.stop().await;
}

async fn signed(app: &App) -> u64 {
    app.js(
        r#"return document.querySelectorAll('[data-testid="signer-row"][data-signed="true"]').length"#,
        vec![],
    )
    .await
    .as_u64()
    .unwrap()
}
