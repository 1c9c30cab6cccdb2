//! The form does not fight the hands (issue 15), in the real window and by
//! keyboard only: a project with two commitments typed without the mouse (the
//! text lands where it was typed, choosing a member keeps the focus), errors
//! that all show at once without moving the save button, the banner that goes
//! once they are fixed, Ctrl+S, the dialog's focus; the user menu's keys; and
//! nothing of one operator left for the next one after logout or lock.

use fantoccini::key::Key;
use serde_json::{json, Value};
use sportello_e2e::{App, Setup, PASSWORD};

/// A demo case whose analysis calls for a project not written yet, with at
/// least two members (the board lists it with `project_id` null).
async fn case_without_project(app: &App) -> (String, Vec<String>) {
    let found = app
        .client
        .execute_async(
            r#"
            const done = arguments[arguments.length - 1];
            const call = (c, input) => window.__TAURI__.core.invoke(c, input === undefined ? {} : { input });
            (async () => {
              for (const item of await call('deadlines_board')) {
                // A signature row with no project yet (a permit's row has no project either).
                if (item.kind !== 'firma' || item.project_id !== null) continue;
                const h = await call('household_get', { id: item.household_id });
                if (h.members.length < 2) continue;
                // The project of a household sent to the équipe starts from
                // the quadro's priorities: this test types its own, so the
                // analysis is recorded again as the social service's.
                const a = await call('analysis_get', { household_id: h.id });
                if (a.outcome === 'equipe_multidisciplinare') {
                  await call('analysis_save', { analysis: { ...a, outcome: 'progetto_servizio_sociale' } });
                }
                return { id: h.id, members: h.members.map((m) => m.id) };
              }
              return null;
            })().then(done, (e) => done({ error: String(e && e.message || e) }));
            "#,
            vec![],
        )
        .await
        .unwrap();
    assert!(found.get("id").is_some(), "nessun caso senza progetto nella demo: {found}");
    let members =
        found["members"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_string()).collect();
    (found["id"].as_str().unwrap().to_string(), members)
}

async fn rect_top(app: &App, testid: &str) -> f64 {
    app.js(
        "return document.querySelector(`[data-testid=\"${arguments[0]}\"]`).getBoundingClientRect().top;",
        vec![json!(testid)],
    )
    .await
    .as_f64()
    .unwrap()
}

async fn banner_shown(app: &App) -> bool {
    app.js(
        "const b = document.querySelector('[data-testid=\"error-banner\"]'); return !!b && !b.hidden;",
        vec![],
    )
    .await
        == Value::Bool(true)
}

fn ctrl_s() -> String {
    format!("{}s{}", char::from(Key::Control), char::from(Key::Null))
}

#[tokio::test]
async fn a_project_with_two_commitments_is_typed_by_keyboard_only_and_the_text_lands_where_it_was_typed() {
    let app = App::start_with(Setup { demo: true, ..Setup::default() }).await;
    let (household, members) = case_without_project(&app).await;
    app.go(&format!("#/nuclei/{household}/progetto")).await;
    app.wait_route(&format!("/nuclei/{household}/progetto")).await;

    // From the page's title to "Crea il progetto" with Tab, then Enter.
    app.tab_to("project-create", 40).await;
    app.key(Key::Enter).await;
    app.wait_js("return document.activeElement?.dataset.testid === 'objective-0'").await;
    const OBJECTIVE: &str = "Autonomia economica del nucleo entro dodici mesi.";
    app.keys(OBJECTIVE).await;

    // First commitment: the action, then the member chosen with the arrow key.
    app.tab_to("commitment-add", 10).await;
    app.key(Key::Enter).await;
    app.wait_js("return document.activeElement?.dataset.testid === 'commitment-0-action'").await;
    const ACTION_0: &str = "Iscriversi al Centro per l'impiego.";
    app.keys(ACTION_0).await;
    app.key(Key::Tab).await;
    assert_eq!(app.focused().await, "commitment-0-member");
    app.key(Key::Down).await;
    app.wait_js(&format!(
        "return document.querySelector('[data-testid=\"commitment-0-member\"]').value === {}",
        json!(members[0])
    ))
    .await;
    // The choice redraws nothing: the focus is still on the list, and the next
    // Tab goes to the due date, not to the top of the form.
    assert_eq!(app.focused().await, "commitment-0-member", "il fuoco è rimasto sulla scelta del componente");
    app.key(Key::Tab).await;
    assert_eq!(app.focused().await, "commitment-0-due-date");
    app.keys("15/12/2026").await;

    // Second commitment: the action only, then Ctrl+S with two fields missing.
    app.tab_to("commitment-add", 12).await;
    app.key(Key::Enter).await;
    app.wait_js("return document.activeElement?.dataset.testid === 'commitment-1-action'").await;
    const ACTION_1: &str = "Frequentare regolarmente la scuola.";
    app.keys(ACTION_1).await;
    let save_before = rect_top(&app, "project-save").await;
    app.keys(&ctrl_s()).await;
    // Every error at once, the save button where it was, the focus on the first.
    app.el("error:commitments[1].member_id").await;
    let errors = app
        .js(
            "return [...document.querySelectorAll('.field-error')].filter((e) => !e.hidden).map((e) => e.dataset.testid)",
            vec![],
        )
        .await;
    assert_eq!(
        errors,
        json!(["error:commitments[1].member_id", "error:commitments[1].due_date"]),
        "tutti gli errori insieme"
    );
    assert!(banner_shown(&app).await);
    assert_eq!(app.text_of("error-message").await, "Correggere i campi segnalati.");
    assert_eq!(rect_top(&app, "project-save").await, save_before, "il pulsante Salva non si è spostato");
    assert_eq!(app.focused().await, "commitment-1-member");
    app.screenshot("progetto-errori").await;

    // Fixing one field leaves the banner (one still to fix); fixing both clears it.
    app.key(Key::Down).await;
    app.key(Key::Down).await;
    app.wait_js(&format!(
        "return document.querySelector('[data-testid=\"commitment-1-member\"]').value === {}",
        json!(members[1])
    ))
    .await;
    assert_eq!(app.focused().await, "commitment-1-member");
    assert!(banner_shown(&app).await, "resta un campo da correggere");
    app.key(Key::Tab).await;
    assert_eq!(app.focused().await, "commitment-1-due-date");
    app.keys("10/06/2027").await;
    app.wait_js("const b = document.querySelector('[data-testid=\"error-banner\"]'); return b.hidden;").await;

    // The text is where it was typed.
    assert_eq!(app.value_of("objective-0").await, OBJECTIVE);
    assert_eq!(app.value_of("commitment-0-action").await, ACTION_0);
    assert_eq!(app.value_of("commitment-1-action").await, ACTION_1);
    assert_eq!(app.value_of("commitment-0-due-date").await, "15/12/2026");
    assert_eq!(app.value_of("commitment-1-due-date").await, "10/06/2027");

    // The save bar is in sight on this long page, wherever the focus is.
    app.js("window.scrollTo(0, 0); return true;", vec![]).await;
    let bar = app
        .js(
            "const r = document.querySelector('[data-testid=\"save-bar\"]').getBoundingClientRect(); \
             return { top: r.top, bottom: r.bottom, h: innerHeight, page: document.documentElement.scrollHeight };",
            vec![],
        )
        .await;
    assert!(bar["page"].as_f64().unwrap() > bar["h"].as_f64().unwrap(), "la pagina è lunga: {bar}");
    assert!(bar["bottom"].as_f64().unwrap() <= bar["h"].as_f64().unwrap() + 0.5, "{bar}");
    assert!(bar["top"].as_f64().unwrap() >= 0.0, "{bar}");
    app.screenshot("progetto-tastiera").await;

    // Ctrl+S saves, from the field being typed in.
    app.el("commitment-1-due-date").await;
    app.keys(&ctrl_s()).await;
    app.wait_js(
        "return document.querySelector('[data-testid=\"project-status\"]')?.dataset.status === 'bozza' && document.body.dataset.dirty === 'false'",
    )
    .await;
    let saved = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             window.__TAURI__.core.invoke('project_get', { input: { household_id: arguments[0] } }).then(done, (e) => done({ error: e }));",
            vec![json!(household)],
        )
        .await
        .unwrap();
    assert_eq!(saved["objectives"], json!([OBJECTIVE]), "{saved}");
    let commitments: Vec<(Value, Value, Value)> = saved["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["action"].clone(), c["member_id"].clone(), c["due_date"].clone()))
        .collect();
    assert_eq!(
        commitments,
        vec![
            (json!(ACTION_0), json!(members[0]), json!("2026-12-15")),
            (json!(ACTION_1), json!(members[1]), json!("2027-06-10")),
        ]
    );

    // The dialog keeps the focus inside and gives it back: an edit, then leaving.
    // (Element Send Keys focuses the field with the caret at its end.)
    app.el("objective-0").await.send_keys(" Con il CPI.").await.unwrap();
    app.go("#/scadenze").await;
    app.el("unsaved-dialog").await;
    assert_eq!(app.focused().await, "unsaved-stay", "il pulsante sicuro ha il fuoco");
    app.key(Key::Tab).await;
    assert_eq!(app.focused().await, "unsaved-leave");
    app.key(Key::Tab).await;
    assert_eq!(app.focused().await, "unsaved-stay", "Tab resta nella finestra di dialogo");
    app.key(Key::Escape).await;
    app.wait_js("return !document.querySelector('[data-testid=\"unsaved-dialog\"]')").await;
    assert_eq!(app.focused().await, "objective-0", "il fuoco torna dove era");
    assert_eq!(app.value_of("objective-0").await, format!("{OBJECTIVE} Con il CPI."));
    app.stop().await;
}

/// The search has answered (with cases of the operator's scope, or none).
const ANSWERED: &str =
    r#"return !!document.querySelector('[data-testid="households-results"][data-list="search"]')"#;

/// Nuclei shows the operator's own cases (issue 15), not a search.
const CASELOAD: &str = r#"return document.querySelector('[data-testid="households-results"]')?.dataset.list === 'caseload' && !!document.querySelector('[data-testid="households-caseload-title"]')"#;

/// Text of the whole window, for "nothing of the previous operator".
async fn page_text(app: &App) -> String {
    app.js("return document.body.innerText", vec![]).await.as_str().unwrap().to_string()
}

#[tokio::test]
async fn logout_and_lock_leave_nothing_of_one_operator_for_the_next() {
    let app =
        App::start_with(Setup { demo: true, login: Some("mbianchi".to_string()), ..Setup::default() }).await;
    app.click("nav-nuclei").await;
    app.wait_route("/nuclei").await;
    app.fill("households-search", "ro").await;
    app.wait_js(ANSWERED).await;

    // The user menu by keyboard (ARIA menu button): ↓ opens on the first item,
    // End/Home go to the ends, Escape closes and gives the focus back.
    app.el("user-button").await;
    app.js("document.querySelector('[data-testid=\"user-button\"]').focus(); return true;", vec![]).await;
    app.key(Key::Down).await;
    assert_eq!(app.focused().await, "user-change-password");
    assert_eq!(
        app.js(
            "return document.querySelector('[data-testid=\"user-button\"]').getAttribute('aria-expanded')",
            vec![]
        )
        .await,
        json!("true")
    );
    app.key(Key::End).await;
    assert_eq!(app.focused().await, "user-logout");
    app.screenshot("menu-utente").await;
    app.key(Key::Down).await;
    assert_eq!(app.focused().await, "user-change-password", "la freccia gira in tondo");
    app.key(Key::Up).await;
    assert_eq!(app.focused().await, "user-logout");
    app.key(Key::Home).await;
    assert_eq!(app.focused().await, "user-change-password");
    app.key(Key::Escape).await;
    assert_eq!(app.focused().await, "user-button");
    assert!(app.el("user-menu").await.attr("hidden").await.unwrap().is_some());
    // ↑ opens on the last item: "Esci", and Enter logs out.
    app.key(Key::Up).await;
    assert_eq!(app.focused().await, "user-logout");
    app.key(Key::Enter).await;
    app.el("screen-login").await;
    assert_eq!(app.value_of("login-username").await, "", "il nome utente di chi è uscito non resta");
    assert!(!page_text(&app).await.contains("Marco Bianchi"));

    // Another operator of the same équipe: the search box is empty, and the
    // list is her own caseload, not the previous operator's search.
    app.login_as("kamrani", PASSWORD).await;
    app.wait_route("/scadenze").await;
    app.click("nav-nuclei").await;
    app.wait_route("/nuclei").await;
    assert_eq!(app.value_of("households-search").await, "", "la ricerca di chi è uscito non resta");
    app.el("households-hint").await;
    app.wait_js(CASELOAD).await;
    assert!(!page_text(&app).await.contains("Marco Bianchi"), "{}", page_text(&app).await);

    // Locking is the same: a search typed, "Blocca", someone else comes in.
    app.fill("households-search", "ro").await;
    app.wait_js(ANSWERED).await;
    app.click("user-button").await;
    app.click("user-lock").await;
    app.el("screen-lock").await;
    assert!(
        app.all(r#"[data-testid="households-search"]"#).await.is_empty(),
        "nulla della pagina dietro il blocco"
    );
    app.login_as("lgallo", PASSWORD).await;
    app.wait_route("/scadenze").await;
    app.click("nav-nuclei").await;
    app.wait_route("/nuclei").await;
    assert_eq!(app.value_of("households-search").await, "");
    app.wait_js(CASELOAD).await;
    app.stop().await;
}
