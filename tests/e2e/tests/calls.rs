//! A call in the real window: create it → import the example CSV → see the
//! ranking (the CLI's) → publish version 1 → file an appeal and uphold it →
//! publish version 2, shown beside version 1 with what changed and why → the
//! award of a funded application, a claim entered at the desk and decided,
//! the elenco di liquidazione issued.

use fantoccini::key::Key;
use serde_json::json;
use sportello_e2e::{App, Setup};

const EXAMPLE_CSV: &str = include_str!("../../scenari/esempi/b2-anziani-applications.csv");

/// The system's file dialog cannot be driven under Xvfb: the test gives the
/// (hidden) input the file the operator would choose, as the dialog does
/// (with its `change`), and the screen reads it as it would.
async fn choose_file(app: &App, testid: &str, name: &str, text: &str) {
    app.el(&format!("{testid}-button")).await;
    app.js(
        r#"const input = document.querySelector(`[data-testid="${arguments[0]}"]`);
           const dt = new DataTransfer();
           dt.items.add(new File([arguments[2]], arguments[1], { type: 'text/csv' }));
           input.files = dt.files;
           input.dispatchEvent(new Event('change', { bubbles: true }));
           return input.files.length === 1;"#,
        vec![json!(testid), json!(name), json!(text)],
    )
    .await;
    assert_eq!(app.text_of(&format!("{testid}-name")).await, name, "the name of the file chosen is shown");
}

async fn rows(app: &App, css: &str) -> Vec<String> {
    let v = app
        .js(
            "return [...document.querySelectorAll(arguments[0])].map((r) => r.dataset.protocol);",
            vec![json!(css)],
        )
        .await;
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect()
}

#[tokio::test]
async fn a_call_from_the_csv_to_the_second_version_of_its_ranking() {
    let app = App::start().await;

    // ---- the call -------------------------------------------------------------
    app.click("nav-avvisi").await;
    app.wait_route("/avvisi").await;
    app.el("calls-empty").await;
    app.click("call-new").await;
    app.wait_route("/avvisi/nuovo").await;
    // No B2 rules are in force today: nothing is proposed, and the form says why.
    let note = app.text_of("call-rules-note").await;
    assert!(note.contains("Nessun insieme di regole della Misura B2 è in vigore"), "{note}");
    assert_eq!(app.value_of("call-rule-set").await, "", "no rules chosen for the coordinator");
    app.fill("call-title-input", "Avviso Misura B2 anziani 2019 — Municipio 2").await;
    app.choose("call-measure", "b2-anziani").await;
    // A past call is recorded under its rules, chosen on purpose.
    app.choose("call-rule-set", "milano-b2-2019").await;
    assert!(app.text_of("call-window").await.contains("dal 01/02/2019 al 31/05/2019"));
    app.fill("call-budget", "20.000,00").await;
    app.click("call-save").await;
    app.wait_js("return /^#\\/avvisi\\/[0-9a-f-]{36}$/.test(location.hash)").await;
    app.el("call-body-domande").await;
    assert!(app.text_of("call-head").await.contains("20.000,00"), "budget in the heading");
    assert!(app.text_of("call-head").await.contains("01/02/2019"), "window from the rule set");

    // ---- the file picker speaks Italian ------------------------------------------
    assert_eq!(app.text_of("import-file-button").await, "Scegli file");
    assert_eq!(app.text_of("import-file-name").await, "Nessun file scelto");
    // No file yet: "Importa" says what to do.
    app.click("import-run").await;
    let message = app.text_of("error-message").await;
    assert!(message.contains("Scegli file"), "{message}");
    app.click("error-close").await;

    // ---- a bad file is refused whole, with line and column ----------------------
    let bad = EXAMPLE_CSV.replacen("2019-02-05", "2019-02-30", 1);
    choose_file(&app, "import-file", "domande.csv", &bad).await;
    app.click("import-run").await;
    app.el("import-refused").await;
    let line = app
        .js(r#"return document.querySelector('[data-testid="import-refused-row"]').dataset.line"#, vec![])
        .await;
    assert_eq!(line, json!("4"));
    app.el("applications-empty").await;

    // ---- the good file goes in whole ------------------------------------------------
    choose_file(&app, "import-file", "domande.csv", EXAMPLE_CSV).await;
    app.click("import-run").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="application-row"]').length === 13"#).await;

    // ---- the ranking: the CLI's answer (shared/examples/b2-anziani-expected.json) ----
    app.click("call-tab-graduatoria").await;
    app.el("call-body-graduatoria").await;
    app.el("ranking-funded").await;
    let funded = rows(&app, r#"[data-testid="ranking-funded"] [data-testid="ranking-row"]"#).await;
    assert_eq!(funded, ["2019/000101", "2019/000106", "2019/000102", "2019/000107"]);
    let not_admitted =
        rows(&app, r#"[data-testid="ranking-not_admitted"] [data-testid="ranking-row"]"#).await;
    assert_eq!(not_admitted, ["2019/000104", "2019/000105", "2019/000110", "2019/000111", "2019/000112"]);
    // The filter, and the explanation of one application.
    app.fill("draft-filter", "000105").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="ranking-row"]').length === 1"#).await;
    app.click("ranking-explain").await;
    assert!(app.text_of("explanation").await.contains("ISEE"), "the explanation names the ISEE condition");
    app.fill("draft-filter", "").await;

    // ---- publish version 1: "Pubblica" comes after the ranking it publishes -----------
    let after = app
        .js(
            r#"const lists = document.querySelector('[data-testid="ranking-not_admitted"]');
               const form = document.querySelector('[data-testid="publish-form"]');
               return !!(lists.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING);"#,
            vec![],
        )
        .await;
    assert_eq!(after, json!(true), "the publish form follows the lists");
    app.fill("publish-date", "10/06/2019").await;
    app.click("publish").await;
    app.click("confirm-ok").await;
    app.el("call-body-versioni").await;
    let deadline = app.text_of("version-deadline").await;
    assert!(deadline.contains("10/07/2019"), "{deadline}");

    // ---- an appeal: 2019/000105 brings the valid ISEE ---------------------------------
    app.click("call-tab-ricorsi").await;
    app.el("appeal-form").await;
    app.choose("appeal-protocol", "2019/000105").await;
    app.fill("appeal-filed-on", "20/06/2019").await;
    app.fill(
        "appeal-grounds",
        "L'attestazione ISEE valida era stata consegnata allo sportello con la domanda.",
    )
    .await;
    app.fill("appeal-documents", "Attestazione ISEE INPS-ISEE-2019-000000123-00, valida al 31/12/2019").await;
    app.click("appeal-file").await;
    app.el("appeal-1-decide-form").await;
    app.choose("appeal-1-outcome", "upheld").await;
    app.fill("appeal-1-decided-on", "15/07/2019").await;
    app.fill("appeal-1-note", "ISEE valido alla data della domanda, verificato sulla banca dati INPS.").await;
    app.fill("appeal-1-corrected-isee", "5.000,00").await;
    app.fill("appeal-1-corrected-isee-expires-on", "31/12/2019").await;
    app.click("appeal-1-decide").await;
    app.wait_js(r#"const r = document.querySelector('[data-testid="appeal-row"]'); return !!r && r.dataset.outcome === 'upheld'"#).await;

    // ---- version 2 -------------------------------------------------------------------
    app.click("call-tab-graduatoria").await;
    app.el("upheld-pending").await;
    app.fill("publish-date", "20/07/2019").await;
    app.click("publish").await;
    app.click("confirm-ok").await;
    app.el("call-body-versioni").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="version-card"]').length === 2"#).await;
    let why = app
        .js(
            r#"const r = document.querySelector('[data-testid="change-row"][data-protocol="2019/000105"]');
               return r ? r.querySelector('[data-testid="change-why"]').textContent : null;"#,
            vec![],
        )
        .await;
    assert!(why.as_str().unwrap_or_default().starts_with("Ricorso n. 1 accolto il 15/07/2019"), "{why}");
    // Version 1 still shows 2019/000105 as not admitted; version 2 ranks it.
    let v1 = app
        .js(
            r#"return document.querySelector('[data-testid="version-card"][data-version="1"] [data-testid="version-row"][data-protocol="2019/000105"]').dataset.status"#,
            vec![],
        )
        .await;
    assert_eq!(v1, json!("not_admitted"));
    let v2 = app
        .js(
            r#"return document.querySelector('[data-testid="version-card"][data-version="2"] [data-testid="version-row"][data-protocol="2019/000105"]').dataset.status"#,
            vec![],
        )
        .await;
    assert_ne!(v2, json!("not_admitted"));
    app.screenshot("graduatoria").await;

    // ---- paying the award: the award, a claim from the desk, the elenco ----------------
    app.click("call-tab-rimborsi").await;
    app.el("reimb-awards").await;
    app.choose("reimb-award-protocol", "2019/000101").await;
    app.fill("reimb-award-first", "07/2019").await;
    app.fill("reimb-award-last", "06/2020").await;
    app.fill("reimb-award-iban", "IT60 X054 2811 1010 0000 0123 465").await;
    app.click("reimb-award-save").await;
    // A transposed digit of the IBAN is caught beside the field.
    let err = app.text_of("error:iban").await;
    assert!(err.contains("cifre di controllo"), "{err}");
    app.fill("reimb-award-iban", "IT60 X054 2811 1010 0000 0123 456").await;
    // The application is of someone the office has no case for: the account's holder.
    app.fill("reimb-award-holder-name", "Brunetti Giovanna").await;
    app.fill("reimb-award-holder-cf", "BRNGNN45C52F205Y").await;
    app.click("reimb-award-save").await;
    app.click("reimb-open-2019/000101").await;
    app.el("reimb-claim-form").await;
    assert!(app.text_of("reimb-award-summary").await.contains("4.800,00"), "the ranking's amount");
    app.fill("reimb-received-on", "05/08/2019").await;
    app.choose("reimb-doc-0-type", "busta_paga").await;
    app.fill("reimb-doc-0-issuer", "brngnn45c12f205u").await;
    app.fill("reimb-doc-0-number", "7").await;
    app.fill("reimb-doc-0-date", "31/07/2019").await;
    app.fill("reimb-doc-0-month", "07/2019").await;
    app.fill("reimb-doc-0-amount", "520,00").await;
    // By keyboard: from the amount, Tab to "Aggiungi un documento", Enter,
    // and the new document's first field has the focus.
    app.tab_to("reimb-add-doc", 3).await;
    assert_eq!(app.focused().await, "reimb-add-doc");
    app.key(Key::Enter).await;
    assert_eq!(app.focused().await, "reimb-doc-1-type", "the focus goes to the new document");
    // The same payslip again: refused as a duplicate.
    app.choose("reimb-doc-1-type", "busta_paga").await;
    app.fill("reimb-doc-1-issuer", "BRNGNN45C12F205U").await;
    app.fill("reimb-doc-1-number", "7").await;
    app.fill("reimb-doc-1-date", "31/07/2019").await;
    app.fill("reimb-doc-1-month", "07/2019").await;
    app.fill("reimb-doc-1-amount", "520,00").await;
    assert_eq!(app.value_of("reimb-doc-0-amount").await, "520,00", "the first document kept its values");
    app.click("reimb-preview-button").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="reimb-preview-docs"] [data-testid="reimb-doc-row"]').length === 2"#).await;
    let decided =
        data_of(&app, r#"[data-testid="reimb-preview-docs"] [data-testid="reimb-doc-row"]"#, "codes").await;
    assert_eq!(decided, ["OVER_MONTHLY_CAP", "DUPLICATE"]);
    app.click("reimb-record").await;
    app.click("confirm-ok").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="reimb-claim"]').length === 1"#).await;
    assert!(app.text_of("reimb-claim-list").await.contains("Non ancora"), "waiting for a list");
    app.screenshot("rimborsi-contributo").await;
    app.click("reimb-statement").await;
    wait_viewed(&app, "rimborsi-2019-000101-").await;

    app.click("reimb-back").await;
    app.el("reimb-issue-form").await;
    assert!(app.text_of("reimb-to-liquidate").await.contains("400,00"), "one claim, 400,00 €");
    app.fill("reimb-issue-date", "20/08/2019").await;
    app.click("reimb-issue").await;
    app.click("confirm-ok").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="reimb-list-row"]').length === 1"#).await;
    app.click("reimb-list-1-pdf").await;
    wait_viewed(&app, "elenco-liquidazione-1-").await;
    app.screenshot("rimborsi").await;

    app.stop().await;
}

/// Waits (bounded) for a file named `prefix…` in the private viewing area:
/// what the system's viewer was handed.
async fn wait_viewed(app: &App, prefix: &str) {
    let viewing = app.viewing_dir();
    let start = std::time::Instant::now();
    loop {
        // The area holds one folder per account.
        let names: Vec<String> = std::fs::read_dir(&viewing)
            .into_iter()
            .flatten()
            .flatten()
            .flat_map(|account| std::fs::read_dir(account.path()).into_iter().flatten().flatten())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if names.iter().any(|n| n.starts_with(prefix)) {
            return;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "«{prefix}…» not opened: {names:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Protocols or texts of the elements matching `css`, by a data attribute.
async fn data_of(app: &App, css: &str, key: &str) -> Vec<String> {
    let v = app
        .js(
            "return [...document.querySelectorAll(arguments[0])].map((r) => r.dataset[arguments[1]] ?? r.textContent);",
            vec![json!(css), json!(key)],
        )
        .await;
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap_or_default().to_string()).collect()
}

/// Chooses the option of a select by its visible text.
async fn choose_text(app: &App, testid: &str, text: &str) {
    let value = app
        .js(
            r#"const s = document.querySelector(`[data-testid="${arguments[0]}"]`);
               const o = [...s.options].find((x) => x.textContent === arguments[1]);
               return o ? o.value : null;"#,
            vec![json!(testid), json!(text)],
        )
        .await;
    let value =
        value.as_str().unwrap_or_else(|| panic!("«{text}» not among the options of {testid}")).to_string();
    app.choose(testid, &value).await;
}

#[tokio::test]
async fn the_demo_calls_fit_the_window_and_the_board_is_filtered_by_operator_and_equipe() {
    let app =
        App::start_with(Setup { demo: true, login: Some("averdi".to_string()), ..Setup::default() }).await;

    // ---- the board: filtered by équipe, then by operator, and sorted ---------------
    app.wait_route("/scadenze").await;
    app.el("deadlines-filters").await;
    let all = data_of(&app, r#"[data-testid="deadline-row"]"#, "equipe").await;
    assert!(all.iter().any(|e| e == "Équipe Nord") && all.iter().any(|e| e == "Équipe Sud"), "{all:?}");
    choose_text(&app, "deadlines-equipe", "Équipe Nord").await;
    let nord = data_of(&app, r#"[data-testid="deadline-row"]"#, "equipe").await;
    assert!(!nord.is_empty() && nord.len() < all.len(), "{nord:?}");
    assert!(nord.iter().all(|e| e == "Équipe Nord"), "{nord:?}");
    choose_text(&app, "deadlines-operator", "Marco Bianchi").await;
    let names = data_of(&app, r#"[data-testid="deadline-operator"]"#, "none").await;
    assert!(!names.is_empty(), "Marco Bianchi has cases waiting for signatures");
    assert!(names.iter().all(|n| n.starts_with("Marco Bianchi")), "{names:?}");
    // Sorted by household, A to Z (the service's order is by urgency).
    app.choose("deadlines-operator", "").await;
    app.choose("deadlines-sort", "household").await;
    let households = data_of(&app, r#"[data-testid="deadline-household"]"#, "none").await;
    let mut sorted = households.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(households, sorted);
    let summary = app.text_of("deadlines-summary").await;
    assert!(summary.contains("scadut"), "{summary}");
    app.screenshot("scadenze-filtri").await;

    // ---- the calls of 2019: listed in the window's width ----------------------------
    app.click("nav-avvisi").await;
    app.wait_route("/avvisi").await;
    app.el("calls-table").await;
    assert_eq!(app.all(r#"[data-testid="call-row"]"#).await.len(), 2);
    let fits = app
        .js(
            r#"const t = document.querySelector('[data-testid="calls-table"]');
               const main = document.querySelector('main');
               return [window.innerWidth, document.documentElement.scrollWidth, t.getBoundingClientRect().right,
                       main.getBoundingClientRect().right];"#,
            vec![],
        )
        .await;
    let [inner, scroll, table_right, main_right] =
        [0, 1, 2, 3].map(|i| fits[i].as_f64().unwrap_or_else(|| panic!("{fits}")));
    assert!(inner <= 1280.0, "the window is the app's 1280 px: {fits}");
    assert!(scroll <= inner, "no horizontal scroll: {fits}");
    assert!(table_right <= main_right + 0.5, "the table stays inside the page: {fits}");
    let states = data_of(&app, r#"[data-testid="call-state"]"#, "none").await;
    assert!(states.iter().all(|s| s.contains("Pubblicata") && !s.contains("istruttoria")), "{states:?}");
    assert!(!app.all(r#"[data-testid="call-new"]"#).await.is_empty(), "the coordinatrice opens calls");
    app.screenshot("avvisi-elenco").await;

    // ---- a published call: the heading says so, the ranking in force is shown -------
    app.js(
        r#"[...document.querySelectorAll('[data-testid="call-link"]')].find((a) => a.textContent.includes('anziani')).click(); return true;"#,
        vec![],
    )
    .await;
    app.el("call-body-domande").await;
    let head = app.text_of("call-state-head").await;
    assert!(head.contains("Graduatoria pubblicata il 22/07/2019 (versione 2)"), "{head}");
    let header = app.text_of("call-head").await;
    assert!(header.contains("Misura B2 anziani e disabili — raccolta 2019"), "{header}");
    assert!(!header.contains("milano-b2-2019"), "{header}");
    // Applications of the demo's families, linked.
    assert!(app.all(r#"[data-testid="application-row"] a"#).await.len() >= 2);
    app.click("call-tab-graduatoria").await;
    app.el("call-body-graduatoria").await;
    let title = app.text_of("ranking-title").await;
    assert!(title.starts_with("Graduatoria pubblicata: versione 2") && !title.contains("bozza"), "{title}");
    assert!(app.all(r#"[data-testid="publish-form"]"#).await.is_empty(), "nothing new to publish");
    app.fill("published-filter", "000103").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="ranking-row"]').length === 1"#).await;
    app.click("ranking-explain").await;
    let explanation = app.text_of("explanation").await;
    assert!(explanation.contains("Deliberazione di Giunta comunale di Milano n. 1354/2018"), "{explanation}");
    for id in ["tetto_isee", "punti_aggiuntivi", "milano-b2-2019", "b2-anziani"] {
        assert!(!explanation.contains(id), "«{id}» in {explanation}");
    }
    app.screenshot("avviso-pubblicato").await;

    // ---- the desk: no "Nuovo avviso" --------------------------------------------------
    app.logout().await;
    app.login_as("mbianchi", sportello_e2e::PASSWORD).await;
    app.wait_route("/scadenze").await;
    app.click("nav-avvisi").await;
    app.wait_route("/avvisi").await;
    app.el("calls-table").await;
    assert!(app.all(r#"[data-testid="call-new"]"#).await.is_empty(), "an operatore does not open calls");
    app.stop().await;
}
