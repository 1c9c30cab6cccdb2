//! Acts with legal weight (issue 15) in the real window: recording a signature
//! asks first and says what will happen (answering "no" records nothing); once
//! someone has signed, the project's fields are read-only with a line at the
//! top saying how to change them; a signature is undone only by annulling it
//! with a reason, which stays on the project and in the case's access history.
//! Printing a draft and going back to bozza ask too; a date the office sets on
//! a day it is closed (a Saturday, Sant'Ambrogio) is said and asked about.

use sportello_e2e::App;

const REASON: &str = "Firmato sul foglio della convocazione, non sul patto";

/// A household of two adults (both sign the patto), taken in charge through
/// the forms, with its analisi preliminare of Friday 20/11/2026 (deadline
/// 22/12/2026).
pub(crate) async fn two_adults_with_analysis(app: &App) {
    app.click("nav-nuovo-nucleo").await;
    app.wait_route("/nuclei/nuovo").await;
    app.fill("household-address", "via Padova 12, 20127 Milano").await;
    app.fill("member-0-last-name", "Dell'Orto").await;
    app.fill("member-0-first-name", "Niccolò").await;
    app.fill("member-0-codice-fiscale", "DLLNCL80A01F205Q").await;
    app.wait_js(
        r#"const s = document.querySelector('[data-testid="member-0-cf-status"]');
           return !!s && (s.dataset.state === 'valid' || s.dataset.state === 'warning');"#,
    )
    .await;
    app.wait_js(
        r#"return document.querySelector('[data-field="members[0].birth_date"]').value.length === 10"#,
    )
    .await;
    app.choose("member-0-relationship", "richiedente").await;
    app.choose("member-0-citizenship", "italiana").await;
    app.choose("member-0-employment", "disoccupato").await;
    app.choose("member-0-education", "isced_3_4").await;
    app.click("member-add").await;
    app.fill("member-1-last-name", "Nguyễn").await;
    app.fill("member-1-first-name", "Thị Lan").await;
    app.fill("member-1-codice-fiscale", "NGYTLN88S60Z251L").await;
    app.wait_js(
        r#"const s = document.querySelector('[data-testid="member-1-cf-status"]');
           return !!s && (s.dataset.state === 'valid' || s.dataset.state === 'warning');"#,
    )
    .await;
    app.wait_js(
        r#"return document.querySelector('[data-field="members[1].birth_date"]').value.length === 10"#,
    )
    .await;
    app.choose("member-1-relationship", "coniuge").await;
    app.choose("member-1-citizenship", "extra_ue").await;
    app.choose("member-1-employment", "occupato").await;
    app.choose("member-1-education", "isced_5_8").await;
    app.click("household-save").await;
    app.wait_js("return /^#\\/nuclei\\/[^/]+$/.test(location.hash) && location.hash !== '#/nuclei/nuovo'")
        .await;
    app.el("case-number").await;

    app.click("tab-analisi").await;
    app.el("analysis-form").await;
    app.fill("analysis-interview-date", "20/11/2026").await;
    app.tick("analysis-participant-0").await;
    app.tick("analysis-participant-1").await;
    for (domain, need) in [
        ("condizioni_personali_sociali", "lieve"),
        ("situazione_economica", "grave"),
        ("situazione_lavorativa", "moderato"),
        ("istruzione_formazione", "lieve"),
        ("condizione_abitativa", "moderato"),
        ("reti_familiari_sociali", "nessuno"),
    ] {
        app.choose(&format!("domain-{domain}-need"), need).await;
    }
    app.choose("employability-0-profile", "occupabile").await;
    app.choose("employability-1-profile", "occupabile_con_supporto").await;
    app.choose("analysis-outcome", "progetto_servizio_sociale").await;
    app.fill("analysis-outcome-reason", "Bisogni economici e lavorativi.").await;
    app.click("analysis-save").await;
    app.el("signing-deadline").await;
}

/// The number of signatures shown as recorded.
async fn signed_count(app: &App) -> u64 {
    app.js(
        r#"return document.querySelectorAll('[data-testid="signer-row"][data-signed="true"]').length"#,
        vec![],
    )
    .await
    .as_u64()
    .unwrap()
}

/// A project with one commitment for Niccolò, saved as a bozza.
pub(crate) async fn project_in_draft(app: &App) {
    app.click("tab-progetto").await;
    app.click("project-create").await;
    app.fill("objective-0", "Raggiungere l'autonomia economica entro dodici mesi.").await;
    app.click("commitment-add").await;
    app.fill("commitment-0-action", "Presentarsi al Centro per l'impiego per il colloquio di orientamento.")
        .await;
    app.choose_index("commitment-0-member", 1).await;
    app.fill("commitment-0-due-date", "15/12/2026").await;
    app.click("project-save").await;
    app.wait_js(r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'bozza' && document.body.dataset.dirty === 'false'"#).await;
}

/// Sends the bozza to signing: asked, and confirmed.
pub(crate) async fn send_to_signing(app: &App) {
    app.click("status-to-da_firmare").await;
    app.el("to-da-firmare-dialog").await;
    app.click("to-da-firmare-yes").await;
    app.wait_js(
        r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'da_firmare'"#,
    )
    .await;
}

/// Sends the bozza to signing and records every signature on `day`
/// (gg/mm/aaaa), each confirmed: the project is sottoscritto.
pub(crate) async fn sign_all(app: &App, day: &str) {
    send_to_signing(app).await;
    let signers = app.all(r#"[data-testid="signer-row"]"#).await.len();
    for i in 0..signers {
        app.fill(&format!("signer-{i}-date"), day).await;
        app.click(&format!("signer-{i}-record")).await;
        app.click("sign-confirm-yes").await;
        app.el(&format!("signer-{i}-signed")).await;
    }
    app.wait_js(r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'sottoscritto'"#)
        .await;
}

async fn status(app: &App) -> String {
    app.js(r#"return document.querySelector('[data-testid="project-status"]').dataset.status"#, vec![])
        .await
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_signature_is_recorded_after_asking_and_annulled_only_with_a_reason_kept_in_the_history() {
    let app = App::start().await;
    two_adults_with_analysis(&app).await;
    project_in_draft(&app).await;

    // Sent to signing after asking.
    send_to_signing(&app).await;
    // Nobody has signed: the fields are still editable.
    app.el("project-save").await;
    assert_eq!(app.all(r#"[data-testid="signer-row"]"#).await.len(), 2, "both adults sign");

    // ---- recording a signature asks first; "no" records nothing ---------------------
    app.fill("signer-0-date", "21/11/2026").await;
    app.click("signer-0-record").await;
    app.el("sign-confirm-dialog").await;
    let body = app.text_of("sign-confirm-body").await;
    assert!(body.contains("Niccolò Dell'Orto") && body.contains("21/11/2026"), "{body}");
    assert!(body.contains("annullare indicando un motivo"), "{body}");
    // The day is a Saturday (the tests' today): said in the same question.
    assert!(body.contains("Sabato 21/11/2026: l'ufficio è chiuso."), "{body}");
    // The safe answer has the focus: an Enter out of habit does not record.
    assert_eq!(app.focused().await, "sign-confirm-no");
    app.screenshot("firma-conferma").await;
    app.click("sign-confirm-no").await;
    app.wait_js(r#"return !document.querySelector('[data-testid="sign-confirm-dialog"]')"#).await;
    assert_eq!(signed_count(&app).await, 0, "answering no recorded a signature");

    app.click("signer-0-record").await;
    app.click("sign-confirm-yes").await;
    app.el("signer-0-signed").await;
    assert_eq!(app.text_of("signer-0-signed").await, "Firmato il 21/11/2026");
    assert_eq!(status(&app).await, "da_firmare", "one of two signatures");

    // ---- signed: read-only, and the line at the top says why and how ----------------
    let notice = app.text_of("project-readonly").await;
    assert!(notice.contains("riportalo in bozza annullando le firme con un motivo"), "{notice}");
    assert!(app.all(r#"[data-testid="project-save"]"#).await.is_empty(), "Salva is still offered");
    let disabled =
        app.js(r#"return document.querySelector('[data-field="objectives[0]"]').disabled"#, vec![]).await;
    assert_eq!(disabled, true, "the objective can still be typed into");
    app.screenshot("progetto-firmato-sola-lettura").await;

    // ---- annulled, with a reason only ---------------------------------------------------
    app.click("signer-0-annul").await;
    app.el("annul-dialog").await;
    app.click("annul-yes").await;
    app.el("annul-error").await;
    assert!(!app.all(r#"[data-testid="annul-dialog"]"#).await.is_empty(), "closed without a reason");
    app.fill("annul-input", REASON).await;
    app.screenshot("firma-annullamento").await;
    app.click("annul-yes").await;
    app.wait_js(r#"return !document.querySelector('[data-testid="annul-dialog"]')"#).await;
    app.el("annulled-signatures").await;
    assert_eq!(app.text_of("annulled-reason").await, REASON);
    assert_eq!(signed_count(&app).await, 0, "the annulled signature still counts");
    // Nobody's signature counts: the text may change again.
    app.el("project-save").await;

    // ---- and the case's access history keeps the act, with its reason -------------------
    app.click("tab-nucleo").await;
    app.click("access-log-show").await;
    app.el("access-log-table").await;
    let detail = app
        .js(
            r#"const r = document.querySelector('[data-testid="access-log-row"][data-action="signature_annul"]');
               return r ? r.querySelector('[data-testid="access-log-detail"]')?.textContent ?? '' : null"#,
            vec![],
        )
        .await;
    let detail = detail.as_str().expect("no annulment in the access history").to_string();
    assert!(detail.contains(REASON) && detail.contains("Niccolò Dell'Orto"), "{detail}");
    app.screenshot("registro-annullamento").await;
    app.stop().await;
}

#[tokio::test]
async fn printing_a_draft_and_going_back_to_draft_ask_first() {
    let app = App::start().await;
    two_adults_with_analysis(&app).await;
    project_in_draft(&app).await;

    // A monitoring meeting on Monday 7 December, Sant'Ambrogio: the office is
    // closed; said and asked, and "change the date" saves nothing.
    app.click("meeting-add").await;
    app.fill("meeting-0-date", "07/12/2026").await;
    app.fill("meeting-0-time", "10:00").await;
    app.click("project-save").await;
    app.el("closed-day-dialog").await;
    let body = app.text_of("closed-day-body").await;
    assert!(body.contains("Lunedì 07/12/2026: è la festa del santo patrono di Milano"), "{body}");
    app.screenshot("data-ufficio-chiuso").await;
    app.click("closed-day-no").await;
    app.wait_js(r#"return !document.querySelector('[data-testid="closed-day-dialog"]')"#).await;
    assert_eq!(
        app.js("return document.body.dataset.dirty", vec![]).await,
        "true",
        "saved although the date was to be changed"
    );
    app.fill("meeting-0-date", "09/12/2026").await;
    app.click("project-save").await;
    app.wait_js(r#"return document.body.dataset.dirty === 'false'"#).await;
    assert!(
        app.all(r#"[data-testid="closed-day-dialog"]"#).await.is_empty(),
        "an office day was asked about"
    );

    // Printing the draft asks first: it freezes the text as "da firmare". No
    // leaves everything as it was.
    app.click("agreement-print").await;
    app.el("print-draft-dialog").await;
    assert!(app.text_of("print-draft-body").await.contains("da firmare"));
    app.click("print-draft-no").await;
    app.wait_js(r#"return !document.querySelector('[data-testid="print-draft-dialog"]')"#).await;
    assert_eq!(status(&app).await, "bozza");
    assert!(app.all(r#"[data-testid="document-created"]"#).await.is_empty(), "printed anyway");
    app.click("agreement-print").await;
    app.click("print-draft-yes").await;
    app.el("document-created").await;
    app.wait_js(
        r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'da_firmare'"#,
    )
    .await;

    // With a signature in, back to bozza asks for the reason and annuls it.
    app.fill("signer-1-date", "21/11/2026").await;
    app.click("signer-1-record").await;
    app.click("sign-confirm-yes").await;
    app.el("signer-1-signed").await;
    app.click("status-to-bozza").await;
    app.el("to-bozza-dialog").await;
    let body = app.text_of("to-bozza-body").await;
    assert!(body.contains("Thị Lan Nguyễn") && body.contains("annullate"), "{body}");
    app.click("to-bozza-no").await;
    app.wait_js(r#"return !document.querySelector('[data-testid="to-bozza-dialog"]')"#).await;
    assert_eq!(status(&app).await, "da_firmare", "answering no changed the status");
    app.click("status-to-bozza").await;
    app.fill("to-bozza-input", "Impegni da rivedere con la famiglia").await;
    app.click("to-bozza-yes").await;
    app.wait_js(
        r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'bozza'"#,
    )
    .await;
    assert_eq!(app.text_of("annulled-reason").await, "Impegni da rivedere con la famiglia");
    app.el("project-save").await;
    app.stop().await;
}
