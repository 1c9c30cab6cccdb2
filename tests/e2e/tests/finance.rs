//! "Progetti finanziati" in the real window (issue 13 item 2): the
//! coordinatrice opens the demo's funded projects, opens the seed's
//! MI3.1.1.c, records a payment through the form (confirmed first), sees
//! the erogato change, and opens the report; a desk operator does not see
//! the screen in the navigation.

use fantoccini::key::Key;
use serde_json::json;
use sportello_e2e::{App, Setup};

#[tokio::test]
async fn a_payment_recorded_through_the_form_changes_the_erogato() {
    let app =
        App::start_with(Setup { demo: true, login: Some("averdi".to_string()), ..Setup::default() }).await;
    app.wait_route("/scadenze").await;
    app.click("nav-finanziamenti").await;
    app.wait_route("/finanziamenti").await;
    app.el("finance-list").await;
    let codes = app
        .js("return [...document.querySelectorAll('[data-testid=\"finance-row\"]')].map((r) => r.dataset.code);", vec![])
        .await;
    assert_eq!(codes, json!(["AV3-2016-LOM-79", "MI3.1.1.c"]), "by start date");
    let row = app
        .js(
            "return document.querySelector('[data-testid=\"finance-row\"][data-code=\"MI3.1.1.c\"]').textContent;",
            vec![],
        )
        .await;
    let row = row.as_str().unwrap().replace('\u{a0}', " ");
    assert!(
        row.contains("817.000,00 €") && row.contains("748.600,00 €") && row.contains("652.945,00 €"),
        "{row}"
    );

    app.click("finance-open-MI3.1.1.c").await;
    app.el("screen-finanziamento").await;
    assert_eq!(app.text_of("finance-cup").await, "B49J17000130006");
    assert_eq!(app.text_of("finance-rup").await, "Guido Gandino");
    assert_eq!(app.text_of("finance-period").await, "dal 01/09/2017 al 31/12/2019");
    let money = |s: String| s.replace('\u{a0}', " ");
    assert_eq!(money(app.text_of("finance-programmato").await), "817.000,00 €");
    assert_eq!(money(app.text_of("finance-erogato").await), "652.945,00 €");
    // The wrong payment of the demo stays listed, annulled with its reason.
    let annulled = app.text_of("finance-annulled").await;
    assert!(annulled.contains("Importo digitato errato"), "{annulled}");

    // A payment on the works' direction commitment, by keyboard where a desk would.
    let option = app
        .js(
            r#"const s = document.querySelector('[data-testid="finance-p-commitment"]');
               const o = [...s.options].find((x) => x.textContent.startsWith('2018/5544'));
               return o ? o.value : null;"#,
            vec![],
        )
        .await;
    app.choose("finance-p-commitment", option.as_str().unwrap()).await;
    app.fill("finance-p-number", "2019/8120").await;
    app.fill("finance-p-date", "05/11/2019").await;
    app.fill("finance-p-amount", "4.230,00").await;
    app.fill("finance-p-document", "Fattura n. 15/2019 del 31/10/2019 (saldo finale)").await;
    app.el("finance-p-document").await.send_keys(&Key::Enter.to_string()).await.unwrap();
    // A recorded payment is never changed: asked first, the safe answer focused.
    app.el("finance-confirm-dialog").await;
    let body = app.text_of("finance-confirm-body").await.replace('\u{a0}', " ");
    assert!(
        body.contains("2019/8120") && body.contains("4.230,00 €") && body.contains("2018/5544"),
        "{body}"
    );
    app.click("finance-confirm-ok").await;
    app.wait_js(
        r#"const e = document.querySelector('[data-testid="finance-erogato"]');
           return !!e && e.textContent.replace(/\u00a0/g, ' ') === '657.175,00 €';"#,
    )
    .await;
    assert!(app.text_of("finance-progress").await.contains("80,4 %"));
    app.el("finance-payment-row").await;
    let rows = app
        .js("return [...document.querySelectorAll('[data-testid=\"finance-payment-row\"]')].map((r) => r.dataset.number);", vec![])
        .await;
    assert!(rows.as_array().unwrap().contains(&json!("2019/8120")), "{rows}");
    app.screenshot("finanziamenti-progetto").await;
    app.js(
        "document.querySelector('[data-testid=\"finance-payments\"]').scrollIntoView(); return true;",
        vec![],
    )
    .await;
    app.screenshot("finanziamenti-pagamenti").await;

    // The report, opened by the system's program.
    app.click("finance-report-pdf").await;
    let pdf = wait_viewed(&app, "avanzamento-finanziario-MI3-1-1-c-").await;
    // With SPORTELLO_KEEP_PDF=DIR, a copy for a person to look at (`pdftoppm -png`).
    if let Some(dir) = std::env::var_os("SPORTELLO_KEEP_PDF") {
        std::fs::copy(&pdf, std::path::Path::new(&dir).join(pdf.file_name().unwrap())).unwrap();
    }

    // The situation at the end of 2018, as the office's spreadsheet.
    app.fill("finance-report-on", "31/12/2018").await;
    app.click("finance-report-csv").await;
    wait_viewed(&app, "avanzamento-finanziario-MI3-1-1-c-2018-12-31.csv").await;

    // Back to the list: the erogato there changed too.
    app.click("finance-back").await;
    app.wait_route("/finanziamenti").await;
    let row = app
        .js(
            "return document.querySelector('[data-testid=\"finance-row\"][data-code=\"MI3.1.1.c\"] [data-testid=\"finance-row-erogato\"]').textContent;",
            vec![],
        )
        .await;
    assert_eq!(row.as_str().unwrap().replace('\u{a0}', " "), "657.175,00 €");
    app.screenshot("finanziamenti-elenco").await;

    // Traiettorie: its internships paid beyond their commitment, said clearly.
    app.click("finance-open-AV3-2016-LOM-79").await;
    app.el("finance-warnings").await;
    let codes = app
        .js(
            "return [...document.querySelectorAll('[data-testid=\"finance-warnings\"] li')].map((l) => l.dataset.code);",
            vec![],
        )
        .await;
    assert_eq!(codes, json!(["PAYMENTS_OVER_COMMITMENT"]));
    let text = app.text_of("finance-warnings").await.replace('\u{a0}', " ");
    assert!(
        text.contains("54.500,00 €") && text.contains("52.000,00 €") && text.contains("2.500,00 €"),
        "{text}"
    );
    app.js(
        "document.querySelector('[data-testid=\"finance-warnings\"]').scrollIntoView(); return true;",
        vec![],
    )
    .await;
    app.screenshot("finanziamenti-avvertenze").await;
    app.stop().await;
}

#[tokio::test]
async fn a_new_project_with_a_bad_cup_is_refused_beside_the_field_then_saved() {
    // An empty database, as its administrator.
    let app = App::start().await;
    app.click("nav-finanziamenti").await;
    app.wait_route("/finanziamenti").await;
    app.el("finance-empty").await;
    app.click("finance-new").await;
    app.wait_route("/finanziamenti/nuovo").await;
    app.fill("finance-f-title", "Residenzialità Temporanea Sociale").await;
    app.fill("finance-f-programme", "PON Città Metropolitane 2014-2020").await;
    app.fill("finance-f-azione", "Azione 3.1.1").await;
    app.fill("finance-f-code", "MI3.1.1.c").await;
    app.fill("finance-f-cup", "B49J1700013000").await;
    app.fill("finance-f-rup", "Guido Gandino").await;
    app.fill("finance-f-attuatore", "Comune di Milano").await;
    app.fill("finance-f-start", "01/09/2017").await;
    app.fill("finance-f-end", "31/12/2019").await;
    app.fill("finance-f-programmato", "817.000,00").await;
    app.fill("finance-f-ammesso", "0").await;
    app.click("finance-project-save").await;
    // The service's refusal, on its field.
    app.wait_js(
        r#"const e = document.querySelector('[data-testid="error:cup"]');
           return !!e && !e.hidden && e.textContent.includes('14 caratteri invece di 15')"#,
    )
    .await;
    let invalid = app.el("finance-f-cup").await.attr("aria-invalid").await.unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));
    app.fill("finance-f-cup", "b49j17000130006").await;
    app.click("finance-project-save").await;
    app.el("screen-finanziamento").await;
    assert_eq!(app.text_of("finance-cup").await, "B49J17000130006");
    assert_eq!(app.text_of("finance-erogato").await.replace('\u{a0}', " "), "0,00 €");
    // No commitment yet: no payment can be recorded, and the form says why.
    app.el("finance-payment-needs-commitment").await;
    app.stop().await;
}

#[tokio::test]
async fn a_desk_operator_does_not_see_the_finances() {
    let app =
        App::start_with(Setup { demo: true, login: Some("mbianchi".to_string()), ..Setup::default() }).await;
    app.wait_route("/scadenze").await;
    let nav = app.js("return !!document.querySelector('[data-testid=\"nav-finanziamenti\"]');", vec![]).await;
    assert_eq!(nav, json!(false));
    // Typed in the address bar: the service's refusal, in words.
    app.go("#/finanziamenti").await;
    app.el("screen-denied").await;
    app.stop().await;
}

/// Waits (bounded) for a file named `prefix…` in the private viewing area; its path.
async fn wait_viewed(app: &App, prefix: &str) -> std::path::PathBuf {
    let viewing = app.viewing_dir();
    let start = std::time::Instant::now();
    loop {
        let files: Vec<std::path::PathBuf> = std::fs::read_dir(&viewing)
            .into_iter()
            .flatten()
            .flatten()
            .flat_map(|account| std::fs::read_dir(account.path()).into_iter().flatten().flatten())
            .map(|e| e.path())
            .collect();
        let names: Vec<String> =
            files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        if let Some(i) = names.iter().position(|n| n.starts_with(prefix)) {
            return files[i].clone();
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "«{prefix}…» not opened: {names:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
