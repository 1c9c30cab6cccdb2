//! The app's own document viewer (issue 15, "Documents") in the real window:
//! a patto printed from a demo case opens inside the app, every page drawn
//! (not blank), with its number of pages, the zoom, "Stampa" (only the pages
//! go to the printer) and the system's viewer as an option; when the computer
//! has no program for PDFs, the message says so in words and what to do, and
//! no decrypted copy is left behind.

use serde_json::json;
use sportello_e2e::{App, Setup};

/// The demo's coordinator (src/demo.rs): sees every case of the office.
const COORDINATOR: &str = "averdi";

/// From the board, the first project waiting for signatures: its patto
/// printed, and opened with "Apri" beside the message that it was printed.
async fn print_a_patto_and_open_it(app: &App) {
    app.wait_route("/scadenze").await;
    app.el("deadlines-table").await;
    // A row with its project written (the board also lists analyses whose project is not).
    app.js(
        r#"document.querySelector('[data-testid="deadline-row"][data-project-id] [data-testid="deadline-household"]').click();
           return true;"#,
        vec![],
    )
    .await;
    app.wait_js(r#"return /^#\/nuclei\/[^/]+\/progetto$/.test(location.hash)"#).await;
    app.el("project-status").await;
    app.wait_js(
        r#"const b = document.querySelector('[data-testid="agreement-print"]'); return !!b && !b.disabled;"#,
    )
    .await;
    app.click("agreement-print").await;
    // A draft asks before it is frozen; a project already waiting for signatures does not.
    if app.js(r#"return !!document.querySelector('[data-testid="print-draft-dialog"]')"#, vec![]).await
        == json!(true)
    {
        app.click("print-draft-yes").await;
    }
    app.el("document-created").await;
    app.click("document-open").await;
    app.wait_js(r#"return /^#\/nuclei\/[^/]+\/documenti\/[^/]+$/.test(location.hash)"#).await;
    app.el("screen-visualizzatore").await;
}

/// Waits until every page is drawn.
async fn drawn(app: &App) {
    app.wait_js(
        r#"const v = document.querySelector('[data-testid="screen-visualizzatore"]');
           return !!v && v.closest('.screen').dataset.drawn === 'true';"#,
    )
    .await;
}

/// For each canvas matching `css`: its width in pixels and the share of its
/// pixels that are not white (text, lines).
async fn inked(app: &App, css: &str) -> Vec<(u64, f64)> {
    let v = app
        .js(
            r#"return [...document.querySelectorAll(arguments[0])].map((c) => {
                 const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                 let ink = 0;
                 for (let i = 0; i < d.length; i += 4) if (d[i] < 160 && d[i + 1] < 160 && d[i + 2] < 160) ink += 1;
                 return [c.width, ink / (c.width * c.height)];
               });"#,
            vec![json!(css)],
        )
        .await;
    v.as_array().unwrap().iter().map(|p| (p[0].as_u64().unwrap(), p[1].as_f64().unwrap())).collect()
}

fn pdf_pages(pdf: &std::path::Path) -> usize {
    let out = std::process::Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo: {info}"))
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(files_under(&p));
            } else if p.extension().is_some_and(|x| x == "pdf") {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test]
async fn a_printed_patto_is_shown_in_the_app_page_by_page_and_printed_from_there() {
    let app =
        App::start_with(Setup { demo: true, login: Some(COORDINATOR.to_string()), ..Setup::default() }).await;
    print_a_patto_and_open_it(&app).await;
    drawn(&app).await;
    // Shown from memory: nothing decrypted was written to open it.
    assert!(files_under(&app.viewing_dir()).is_empty(), "{:?}", files_under(&app.viewing_dir()));

    // Every page drawn, and not blank.
    let pages = inked(&app, r#"[data-testid="viewer-page"]"#).await;
    let count = app.text_of("viewer-page-count").await;
    assert_eq!(count, format!("{} pagine", pages.len()), "{count}");
    assert!(pages.len() >= 2, "a patto has more than one page: {pages:?}");
    for (i, (_, ink)) in pages.iter().enumerate() {
        assert!(*ink > 0.002, "page {} is blank ({ink})", i + 1);
        assert!(*ink < 0.5, "page {} is dark all over ({ink})", i + 1);
    }
    let title = app.text_of("screen-title").await;
    assert!(title.starts_with("Progetto personalizzato (patto)"), "{title}");
    app.screenshot("visualizzatore").await;

    // The system's viewer is still an option: the same PDF, with as many pages.
    app.click("viewer-system-open").await;
    app.wait_js(r#"return document.querySelector('[data-testid="toast"]')?.hidden === false"#).await;
    let written = files_under(&app.viewing_dir());
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(pdf_pages(&written[0]), pages.len(), "the viewer shows every page of the PDF");

    // Zoom: the pages are drawn again, larger.
    assert_eq!(app.value_of("viewer-zoom").await, "100");
    app.click("viewer-zoom-in").await;
    assert_eq!(app.value_of("viewer-zoom").await, "125");
    drawn(&app).await;
    let larger = inked(&app, r#"[data-testid="viewer-page"]"#).await;
    let ratio = larger[0].0 as f64 / pages[0].0 as f64;
    assert!((ratio - 1.25).abs() < 0.02, "{} → {}", pages[0].0, larger[0].0);
    app.choose("viewer-zoom", "100").await;
    drawn(&app).await;

    // "Stampa": the system's print dialog (stood in for here: under Xvfb it
    // would wait for a person), with every page drawn for the printer and the
    // app hidden from the sheet.
    app.js(
        r#"window.print = () => {
             window.__printed = {
               pages: document.querySelectorAll('body > .print-pages > canvas').length,
               printing: document.body.classList.contains('printing-document'),
             };
           };
           return true;"#,
        vec![],
    )
    .await;
    app.click("viewer-print").await;
    app.wait_js("return !!window.__printed").await;
    let printed = app.js("return window.__printed", vec![]).await;
    assert_eq!(printed, json!({ "pages": pages.len(), "printing": true }));
    let sheets = inked(&app, "body > .print-pages > canvas").await;
    assert!(sheets.iter().all(|(w, ink)| *w > 1000 && *ink > 0.002), "{sheets:?}");
    // On the screen nothing changes; after the dialog the pages for the printer go.
    let shown =
        app.js("return getComputedStyle(document.querySelector('.print-pages')).display", vec![]).await;
    assert_eq!(shown, json!("none"));
    app.js("window.dispatchEvent(new Event('afterprint')); return true;", vec![]).await;
    app.wait_js(
        "return !document.querySelector('.print-pages') && !document.body.classList.contains('printing-document')",
    )
    .await;

    // Back to the list of the case's documents.
    app.click("viewer-back").await;
    app.wait_js(r#"return /^#\/nuclei\/[^/]+\/documenti$/.test(location.hash)"#).await;
    app.el("documents-table").await;
    app.stop().await;
}

#[tokio::test]
async fn without_a_pdf_program_the_message_says_what_to_do_and_leaves_no_copy() {
    let app = App::start_with(Setup {
        demo: true,
        login: Some(COORDINATOR.to_string()),
        viewer: Some("/nonexistent/sportello/xdg-open".into()),
        ..Setup::default()
    })
    .await;
    print_a_patto_and_open_it(&app).await;
    drawn(&app).await;
    app.click("viewer-system-open").await;
    app.wait_js(
        r#"const b = document.querySelector('[data-testid="error-banner"]'); return !!b && !b.hidden;"#,
    )
    .await;
    let message = app.text_of("error-message").await;
    assert!(message.contains("non c'è un programma per aprire i PDF"), "{message}");
    assert!(message.contains("qui in Sportello") && message.contains("Salva una copia"), "{message}");
    for technical in ["os error", "No such file", "xdg-open", "nonexistent"] {
        assert!(!message.contains(technical), "«{technical}» in: {message}");
    }
    // The copy written for the program that is not there is gone at once.
    assert!(files_under(&app.viewing_dir()).is_empty(), "{:?}", files_under(&app.viewing_dir()));
    // And the document is still on screen.
    assert!(!inked(&app, r#"[data-testid="viewer-page"]"#).await.is_empty());
    app.screenshot("visualizzatore-senza-programma").await;
    app.stop().await;
}
