//! Protecting the families' data in the real window (issue 5): the login, the
//! first run with its recovery key, the idle lock, a forbidden action for an
//! operatore, the operators' screen, and hostile strings shown as text.

use serde_json::{json, Value};
use sportello_e2e::{login, App, Setup, ADMIN, PASSWORD};

/// Calls a command straight through the bridge, as a script in the page could.
async fn invoke(app: &App, command: &str, input: Value) -> Value {
    app.js(
        r#"return window.__TAURI__.core.invoke(arguments[0], { input: arguments[1] })
             .then((ok) => ({ ok }), (err) => ({ err }));"#,
        vec![json!(command), input],
    )
    .await
}

#[tokio::test]
async fn a_wrong_password_is_refused_in_italian_and_the_right_one_opens_the_board() {
    let app = App::start_with(Setup { demo: true, login: None, ..Setup::default() }).await;
    app.el("screen-login").await;
    assert_eq!(app.text_of("login-title").await, "Accesso");
    // Nothing of the office answers before a login: the service is not even open.
    let refused = invoke(&app, "deadlines_board", Value::Null).await;
    assert_eq!(refused["err"]["code"], json!("locked"), "{refused}");

    login(&app.client, "mbianchi", "password sbagliata").await;
    app.el("gate-error").await;
    app.wait_js(
        r#"const e = document.querySelector('[data-testid="gate-error"]'); return !!e && !e.hidden;"#,
    )
    .await;
    assert_eq!(app.text_of("gate-error-message").await, "Nome utente o password non corretti");
    app.screenshot("accesso").await;

    app.login_as("mbianchi", PASSWORD).await;
    app.wait_route("/scadenze").await;
    assert_eq!(app.text_of("user-name").await, "Marco Bianchi");
    assert_eq!(app.text_of("user-role").await, "Operatore");
    // An operatore has no "Operatori" in the sidebar.
    assert!(app.all(r#"[data-testid="nav-operatori"]"#).await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn the_first_run_creates_the_administrator_and_shows_the_recovery_key_once() {
    let app = App::start_with(Setup { fresh: true, login: None, ..Setup::default() }).await;
    app.el("screen-setup").await;
    app.fill("setup-username", "m.rossi").await;
    app.fill("setup-name", "Maria Rossi").await;
    app.fill("setup-password", "una frase lunga").await;
    app.fill("setup-password-repeat", "una frase diversa").await;
    app.click("setup-submit").await;
    assert_eq!(app.text_of("error:password_repeat").await, "Le due password non coincidono.");
    app.fill("setup-password-repeat", "una frase lunga").await;
    app.click("setup-submit").await;

    app.el("screen-recovery-key").await;
    let groups = app
        .js(r#"return [...document.querySelectorAll('[data-testid="recovery-key"] .recovery-group')].map((g) => g.textContent)"#, vec![])
        .await;
    let groups: Vec<String> = serde_json::from_value(groups).unwrap();
    assert!(groups.len() >= 10, "the key in groups: {groups:?}");
    assert!(
        groups.iter().all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_alphanumeric())),
        "{groups:?}"
    );
    let key = groups.join("-");
    // Continuing needs the operator to say the key is kept.
    let next = app.el("recovery-continue").await;
    assert!(!next.is_enabled().await.unwrap(), "disabled until the box is ticked");
    app.screenshot("chiave-di-recupero").await;
    app.tick("recovery-confirm").await;
    app.click("recovery-continue").await;
    app.wait_route("/scadenze").await;
    assert_eq!(app.text_of("user-name").await, "Maria Rossi");
    assert_eq!(app.text_of("user-role").await, "Amministratore");

    // The key just shown opens the database from the login screen ("ho dimenticato la password").
    app.logout().await;
    app.click("login-forgot").await;
    app.fill("login-recovery-key", &key).await;
    app.click("login-submit").await;
    app.wait_route("/operatori").await;
    assert_eq!(app.text_of("user-name").await, "Chiave di recupero dell'ufficio");
    app.stop().await;
}

#[tokio::test]
async fn an_idle_session_locks_refuses_commands_and_comes_back_to_the_same_page() {
    let app = App::start_with(Setup { idle_lock_seconds: Some(5), ..Setup::default() }).await;
    app.click("nav-nuovo-nucleo").await;
    app.wait_route("/nuclei/nuovo").await;
    // Something typed and not saved (typing is no command: the clock runs on).
    app.fill("household-address", "via Padova 21").await;

    app.el("screen-lock").await;
    assert_eq!(app.text_of("lock-message").await, "Sessione bloccata per inattività: accedere di nuovo.");
    app.el("lock-lost-changes").await;
    let refused = invoke(&app, "households_search", json!({"query": "rossi"})).await;
    assert_eq!(refused["err"]["code"], json!("locked"), "{refused}");
    assert_eq!(refused["err"]["message"], json!("Sessione bloccata per inattività: accedere di nuovo"));
    // The username is kept: only the password is asked again.
    let kept = app.el("login-username").await.prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some(ADMIN));
    app.screenshot("sessione-bloccata").await;

    app.login_as(ADMIN, PASSWORD).await;
    app.wait_route("/nuclei/nuovo").await;
    app.stop().await;
}

#[tokio::test]
async fn the_shell_locks_even_when_the_window_does_not_ask() {
    let app = App::start_with(Setup { idle_lock_seconds: Some(2), ..Setup::default() }).await;
    app.wait_route("/scadenze").await;
    // The window's script is frozen for four seconds, so its own timer cannot
    // fire; the first thing it does afterwards is a command, sent before that
    // timer's turn comes. Only the shell's idle thread can have locked.
    let refused = app
        .js(
            r#"const t = Date.now(); while (Date.now() - t < 4000) {}
               return window.__TAURI__.core.invoke('deadlines_board').then((ok) => ({ ok }), (err) => ({ err }));"#,
            vec![],
        )
        .await;
    assert_eq!(refused["err"]["code"], json!("locked"), "{refused}");
    app.stop().await;
}

#[tokio::test]
async fn an_operatore_is_refused_the_operators_screen_and_an_administrator_manages_it() {
    let app = App::start_with(Setup { demo: true, login: Some("kamrani".into()), ..Setup::default() }).await;
    app.wait_route("/scadenze").await;
    app.go("#/operatori").await;
    // A page that says what was refused, whom to ask, and leads back.
    app.el("screen-denied").await;
    let message = app.text_of("denied-message").await;
    assert!(message.starts_with("Operazione non consentita"), "{message}");
    assert_eq!(
        app.js(r#"return document.querySelector('[data-testid="screen-denied"]').dataset.code"#, vec![])
            .await,
        json!("forbidden")
    );
    let whom = app.text_of("denied-whom").await;
    assert!(whom.contains("coordinatore") && whom.contains("amministratore"), "{whom}");
    app.screenshot("accesso-negato").await;
    app.click("denied-back").await;
    app.wait_route("/scadenze").await;
    // Publishing a ranking is a coordinatore's: refused by the service, not only hidden.
    let publish = invoke(
        &app,
        "ranking_publish",
        json!({"call_id": "0190d2c4-0000-7000-8000-000000000001", "published_on": "2026-11-21"}),
    )
    .await;
    assert_eq!(publish["err"]["code"], json!("forbidden"), "{publish}");

    // The administrator: add a colleague, who must change the password at first login.
    app.click("user-button").await;
    app.click("user-logout").await;
    app.login_as(ADMIN, PASSWORD).await;
    app.click("nav-operatori").await;
    app.wait_route("/operatori").await;
    app.fill("operator-username", "gferrari").await;
    app.fill("operator-name-input", "Giulia Ferrari").await;
    app.choose("operator-role", "operatore").await;
    app.fill("operator-password", "benvenuta-2026").await;
    app.click("operator-add-submit").await;
    app.wait_js(
        r#"return !!document.querySelector('[data-testid="operator-row"][data-username="gferrari"]')"#,
    )
    .await;
    let must = app
        .js(
            r#"return document.querySelector('[data-testid="operator-row"][data-username="gferrari"] [data-testid="operator-must-change"]').textContent"#,
            vec![],
        )
        .await;
    assert_eq!(must, json!("Sì"));
    app.screenshot("operatori").await;

    // Revoking asks first.
    app.js(
        r#"document.querySelector('[data-testid="operator-row"][data-username="lgallo"] [data-testid="operator-revoke"]').click(); return true;"#,
        vec![],
    )
    .await;
    app.el("revoke-dialog").await;
    app.click("revoke-yes").await;
    app.wait_js(r#"const r = document.querySelector('[data-testid="operator-row"][data-username="lgallo"]'); return !!r && r.dataset.active === 'false';"#).await;

    // The new colleague's first login: only "Scegli la tua password", then the app.
    app.click("user-button").await;
    app.click("user-logout").await;
    login(&app.client, "gferrari", "benvenuta-2026").await;
    app.el("screen-password-forced").await;
    app.fill("password-old", "benvenuta-2026").await;
    app.fill("password-new", "la mia password nuova").await;
    app.fill("password-repeat", "la mia password nuova").await;
    app.click("password-submit").await;
    app.wait_route("/scadenze").await;
    assert_eq!(app.text_of("user-name").await, "Giulia Ferrari");
    app.stop().await;
}

const HOSTILE_NAME: &str = "<img src=x onerror=alert(1)>";

#[tokio::test]
async fn hostile_strings_are_shown_as_text() {
    let app = App::start().await;
    app.wait_route("/scadenze").await;
    let rtl = "\u{202E}Nadia Bianchi";
    let note: String = "Nota lunga <b>non in grassetto</b> ".repeat(400).chars().take(10_000).collect();
    let household = |notes: &str| {
        json!({"household": {
        "id": null, "address": "via Padova 21, 20127 Milano", "comune": "F205", "notes": notes,
        "members": [
            {"first_name": HOSTILE_NAME, "last_name": "Rossi", "codice_fiscale": "DLLNCL80A01F205Q",
             "birth_date": "1980-01-01", "sex": "M", "relationship": "richiedente", "citizenship": "italiana",
             "residence_comune": "F205", "resident_since": "2010-01-01", "invalidity_percent": 0,
             "disability_certified": false, "not_self_sufficient": false,
             "employment": "disoccupato", "education": "isced_3_4", "guardian_id": null},
            {"first_name": rtl, "last_name": "Rossi", "codice_fiscale": "NGYTLN88S60Z251L",
             "birth_date": "1988-11-20", "sex": "F", "relationship": "coniuge", "citizenship": "extra_ue",
             "residence_comune": "F205", "resident_since": "2012-01-01", "invalidity_percent": 0,
             "disability_certified": false, "not_self_sufficient": false,
             "employment": "occupato", "education": "isced_5_8", "guardian_id": null}
        ]}})
    };
    // Ten thousand characters are more than a note may hold: refused in Italian, whole.
    let too_long = invoke(&app, "household_save", household(&note)).await;
    assert_eq!(too_long["err"]["field"], json!("notes"), "{too_long}");
    assert!(too_long["err"]["message"].as_str().unwrap().contains("10000 caratteri"), "{too_long}");
    let kept: String = note.chars().take(5_000).collect();
    let saved = invoke(&app, "household_save", household(&kept)).await;
    let id = saved["ok"]["id"].as_str().unwrap_or_else(|| panic!("{saved}")).to_string();

    // The list, the case header and the form: the names as typed, no element made of them.
    app.click("nav-nuclei").await;
    app.fill("households-search", "rossi").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="household-row"]').length > 0"#).await;
    let row_text =
        app.js(r#"return document.querySelector('[data-testid="household-row"]').textContent"#, vec![]).await;
    assert!(row_text.as_str().unwrap().contains(HOSTILE_NAME), "{row_text}");
    app.screenshot("ostili-elenco").await;

    app.go(&format!("#/nuclei/{id}")).await;
    app.wait_route(&format!("/nuclei/{id}")).await;
    let values = app
        .js(r#"return [...document.querySelectorAll('input, textarea')].map((i) => i.value)"#, vec![])
        .await;
    let values: Vec<String> = serde_json::from_value(values).unwrap();
    assert!(values.iter().any(|v| v == HOSTILE_NAME), "{values:?}");
    assert!(values.iter().any(|v| v == rtl), "the right-to-left override is kept");
    assert!(values.iter().any(|v| v == &kept), "the 5,000-character note whole");
    let header = app.js("return document.querySelector('main').textContent", vec![]).await;
    assert!(header.as_str().unwrap().contains(HOSTILE_NAME), "the case header shows it as text");
    assert_eq!(app.js("return document.querySelectorAll('img, b').length", vec![]).await, json!(0));
    app.screenshot("ostili").await;
    app.stop().await;
}
