//! The whole path by keyboard alone (issue 14, item 6): an operatore logs
//! in, takes a new household in charge, records the analisi preliminare,
//! writes the progetto personalizzato, sends it to signing, prints the patto
//! and records the family's signatures — with Tab, the arrow keys, Space,
//! Enter and typed text only. Nothing here clicks, fills a field by script or
//! sets a value: the page is only read, to know where the focus is and that
//! what was typed landed where it was typed.

use fantoccini::key::Key;
use serde_json::json;
use sportello_e2e::{App, Setup, PASSWORD};

/// Tab to a field and type into it.
async fn type_in(app: &App, testid: &str, text: &str) {
    app.tab_to(testid, 60).await;
    app.keys(text).await;
    assert_eq!(app.value_of(testid).await, text, "{testid}: il testo è dove è stato scritto");
}

/// Tab to a list and choose `value` with the arrow keys, as a person does
/// on a closed list: the page is read only to count the presses.
async fn pick(app: &App, testid: &str, value: &str) {
    app.tab_to(testid, 60).await;
    let at = app
        .js(
            r#"const s = document.querySelector(`[data-testid="${arguments[0]}"]`);
               return [s.selectedIndex, [...s.options].findIndex((o) => o.value === arguments[1])];"#,
            vec![json!(testid), json!(value)],
        )
        .await;
    let (now, want) = (at[0].as_i64().unwrap(), at[1].as_i64().unwrap());
    assert!(want >= 0, "{testid}: nessuna opzione {value}");
    let key = if want > now { Key::Down } else { Key::Up };
    for _ in 0..(want - now).abs() {
        app.key(key).await;
    }
    assert_eq!(app.value_of(testid).await, value, "{testid}");
    assert_eq!(app.focused().await, testid, "{testid}: la scelta non sposta il fuoco");
}

/// Tab to the member list of a commitment and choose the `nth` member of
/// the household (the list's first option is the empty one).
async fn pick_member(app: &App, testid: &str, nth: usize) {
    app.tab_to(testid, 60).await;
    for _ in 0..=nth {
        app.key(Key::Down).await;
    }
    let index = app
        .js(
            r#"return document.querySelector(`[data-testid="${arguments[0]}"]`).selectedIndex"#,
            vec![json!(testid)],
        )
        .await;
    assert_eq!(index, json!(nth + 1), "{testid}");
    assert_eq!(app.focused().await, testid, "{testid}: la scelta non sposta il fuoco");
}

/// Tab to a checkbox and tick it with Space.
async fn tick(app: &App, testid: &str) {
    app.tab_to(testid, 60).await;
    assert!(!app.checked(testid).await, "{testid} era già spuntata");
    app.key(Key::Space).await;
    assert!(app.checked(testid).await, "{testid}: Spazio la spunta");
}

/// Tab to a button or link and press Enter.
async fn press(app: &App, testid: &str) {
    app.tab_to(testid, 80).await;
    app.key(Key::Enter).await;
}

async fn wait_focus(app: &App, testid: &str) {
    app.wait_js(&format!("return document.activeElement?.dataset.testid === {}", json!(testid))).await;
}

#[tokio::test]
async fn the_whole_path_from_a_new_household_to_the_signatures_by_keyboard_alone() {
    let app = App::start_with(Setup { demo: true, login: None, ..Setup::default() }).await;

    // ---- logging in: the login screen has the focus on the user name ---------------
    wait_focus(&app, "login-username").await;
    app.keys("mbianchi").await;
    app.key(Key::Tab).await;
    assert_eq!(app.focused().await, "login-password");
    app.keys(PASSWORD).await;
    app.key(Key::Enter).await;
    app.wait_route("/scadenze").await;

    // ---- the household -------------------------------------------------------------
    press(&app, "nav-nuovo-nucleo").await;
    app.wait_route("/nuclei/nuovo").await;
    type_in(&app, "household-address", "via Padova 12").await;
    type_in(&app, "household-cap", "20127").await;
    type_in(&app, "household-phone", "02 1234567").await;
    type_in(&app, "member-0-last-name", "Dell'Orto").await;
    type_in(&app, "member-0-first-name", "Niccolò").await;
    type_in(&app, "member-0-codice-fiscale", "DLLNCL80A01F205Q").await;
    // The code fills the birth date and the sex as it is typed.
    app.wait_js(
        r#"return document.querySelector('[data-field="members[0].birth_date"]').value === '01/01/1980'"#,
    )
    .await;
    pick(&app, "member-0-relationship", "richiedente").await;
    pick(&app, "member-0-citizenship", "italiana").await;
    pick(&app, "member-0-employment", "disoccupato").await;
    pick(&app, "member-0-education", "isced_3_4").await;
    press(&app, "member-add").await;
    // The new card takes the focus on its first field.
    wait_focus(&app, "member-1-last-name").await;
    app.keys("Nguyễn").await;
    type_in(&app, "member-1-first-name", "Thị Lan").await;
    type_in(&app, "member-1-codice-fiscale", "NGYTLN88S60Z251L").await;
    app.wait_js(
        r#"return document.querySelector('[data-field="members[1].birth_date"]').value === '20/11/1988'"#,
    )
    .await;
    pick(&app, "member-1-relationship", "coniuge").await;
    pick(&app, "member-1-citizenship", "italiana").await;
    pick(&app, "member-1-employment", "occupato").await;
    pick(&app, "member-1-education", "isced_5_8").await;
    assert_eq!(app.value_of("member-1-last-name").await, "Nguyễn");
    press(&app, "household-save").await;
    app.wait_js("return /^#\\/nuclei\\/[^/]+$/.test(location.hash) && location.hash !== '#/nuclei/nuovo'")
        .await;
    assert_eq!(app.text_of("case-name").await, "Dell'Orto Niccolò");
    app.screenshot("tastiera-nucleo").await;

    // ---- the analisi preliminare ------------------------------------------------------
    press(&app, "tab-analisi").await;
    app.el("analysis-form").await;
    type_in(&app, "analysis-interview-date", "20/11/2026").await;
    tick(&app, "analysis-participant-0").await;
    tick(&app, "analysis-participant-1").await;
    for (domain, need) in [
        ("condizioni_personali_sociali", "lieve"),
        ("situazione_economica", "grave"),
        ("situazione_lavorativa", "moderato"),
        ("istruzione_formazione", "lieve"),
        ("condizione_abitativa", "moderato"),
        ("reti_familiari_sociali", "nessuno"),
    ] {
        pick(&app, &format!("domain-{domain}-need"), need).await;
        if domain == "situazione_economica" {
            type_in(&app, "domain-situazione_economica-resources", "Reddito saltuario della signora Nguyễn.")
                .await;
        }
    }
    pick(&app, "employability-0-profile", "occupabile").await;
    pick(&app, "employability-1-profile", "occupabile_con_supporto").await;
    pick(&app, "analysis-outcome", "progetto_servizio_sociale").await;
    type_in(&app, "analysis-outcome-reason", "Bisogni economici e lavorativi; rete familiare presente.")
        .await;
    press(&app, "analysis-save").await;
    // 20 working days from Fri 20/11/2026 in Milano: 7 and 8 December closed.
    app.wait_js(r#"return !!document.querySelector('[data-testid="signing-deadline"]')"#).await;
    assert_eq!(
        app.text_of("signing-deadline").await,
        "Il progetto personalizzato va sottoscritto entro il 22/12/2026."
    );
    app.screenshot("tastiera-analisi").await;

    // ---- the project ------------------------------------------------------------------
    press(&app, "tab-progetto").await;
    app.el("project-create").await;
    press(&app, "project-create").await;
    wait_focus(&app, "objective-0").await;
    app.keys("Raggiungere l'autonomia economica del nucleo entro dodici mesi.").await;
    type_in(&app, "result-0", "Un contratto di lavoro per Niccolò entro giugno 2027.").await;
    press(&app, "commitment-add").await;
    wait_focus(&app, "commitment-0-action").await;
    app.keys("Presentarsi al Centro per l'impiego per il colloquio di orientamento.").await;
    pick_member(&app, "commitment-0-member", 0).await;
    type_in(&app, "commitment-0-due-date", "15/12/2026").await;
    press(&app, "commitment-add").await;
    wait_focus(&app, "commitment-1-action").await;
    app.keys("Frequentare il corso di italiano L2 del CPIA.").await;
    pick_member(&app, "commitment-1-member", 1).await;
    type_in(&app, "commitment-1-due-date", "10/06/2027").await;
    press(&app, "support-add").await;
    wait_focus(&app, "support-0-description").await;
    app.keys("Colloqui di monitoraggio con l'assistente sociale ogni 90 giorni.").await;
    type_in(&app, "support-0-provider", "Servizio sociale professionale").await;
    press(&app, "project-save").await;
    app.wait_js(r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'bozza' && document.body.dataset.dirty === 'false'"#).await;
    press(&app, "status-to-da_firmare").await;
    app.wait_js("return !!document.querySelector('[role=alertdialog], [role=dialog]')").await;
    // Sending it to signing freezes the text: asked first, the safe answer focused.
    assert_eq!(app.focused().await, "to-da-firmare-no");
    app.key(Key::Tab).await;
    assert_eq!(app.focused().await, "to-da-firmare-yes");
    app.key(Key::Enter).await;
    app.wait_js(
        r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'da_firmare'"#,
    )
    .await;

    // ---- printing the patto -----------------------------------------------------------
    press(&app, "agreement-print").await;
    app.el("document-created").await;
    assert!(app.text_of("document-created").await.contains("Patto stampato"));

    // ---- the signatures, one by one, each confirmed --------------------------------------
    for i in 0..2 {
        type_in(&app, &format!("signer-{i}-date"), "21/11/2026").await;
        press(&app, &format!("signer-{i}-record")).await;
        app.wait_js("return !!document.querySelector('[role=alertdialog]')").await;
        assert_eq!(
            app.focused().await,
            "sign-confirm-no",
            "una firma non si registra con un Invio di troppo"
        );
        app.key(Key::Tab).await;
        assert_eq!(app.focused().await, "sign-confirm-yes");
        app.key(Key::Enter).await;
        app.el(&format!("signer-{i}-signed")).await;
    }
    app.wait_js(r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'sottoscritto'"#)
        .await;
    assert_eq!(app.text_of("signer-1-signed").await, "Firmato il 21/11/2026");
    app.el("all-signed").await;
    app.screenshot("tastiera-firme").await;

    // ---- the board no longer waits for it ----------------------------------------------
    press(&app, "nav-scadenze").await;
    app.wait_route("/scadenze").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="deadline-row"]').length > 0"#).await;
    let waiting = app
        .js(
            r#"return [...document.querySelectorAll('[data-testid="deadline-row"]')]
                 .filter((r) => r.textContent.includes("Dell'Orto Niccolò")).length"#,
            vec![],
        )
        .await;
    assert_eq!(waiting, json!(0), "il patto firmato non è più in attesa");
    app.stop().await;
}
