//! The walking skeleton end to end, in the real window: a household of three with
//! a minor (its comune chosen by typing its name, the mother's residence permit,
//! no employment asked of the child) → the analisi preliminare → a project with
//! commitments for two members → the printed patto → the signatures, member by
//! member → the board no longer lists it, only the permit about to lapse. And
//! names that are not what a programmer expects.

use serde_json::json;
use sportello_e2e::{App, Setup};

/// A member as the form is filled in.
struct Person<'a> {
    last: &'a str,
    first: &'a str,
    cf: &'a str,
    relationship: &'a str,
    citizenship: &'a str,
    /// `None` for a child: the field is not there.
    employment: Option<&'a str>,
    education: &'a str,
}

/// Fills the member card `i` (the codice fiscale fills birth date and sex).
async fn member(app: &App, i: usize, p: Person<'_>) {
    let t = |name: &str| format!("member-{i}-{name}");
    app.fill(&t("last-name"), p.last).await;
    app.fill(&t("first-name"), p.first).await;
    app.fill(&t("codice-fiscale"), p.cf).await;
    // Checked as typed: the status beside the field, and the decoded birth date.
    app.wait_js(&format!(
        r#"const s = document.querySelector('[data-testid="member-{i}-cf-status"]');
           return !!s && (s.dataset.state === 'valid' || s.dataset.state === 'warning');"#
    ))
    .await;
    app.wait_js(&format!(
        r#"return document.querySelector('[data-field="members[{i}].birth_date"]').value.length === 10"#
    ))
    .await;
    app.choose(&t("relationship"), p.relationship).await;
    app.choose(&t("citizenship"), p.citizenship).await;
    match p.employment {
        Some(e) => app.choose(&t("employment"), e).await,
        None => {
            // Not asked below 15 (the rule set's age, from the service): the
            // field is hidden and the card says why.
            assert!(!app.el(&t("employment")).await.is_displayed().await.unwrap());
            let note = app.text_of(&t("employment-not-asked")).await;
            assert_eq!(note, "Condizione occupazionale: non si chiede sotto i 15 anni.");
        }
    }
    app.choose(&t("education"), p.education).await;
}

#[tokio::test]
async fn from_a_new_household_to_a_signed_agreement() {
    let app = App::start().await;

    // ---- the household -----------------------------------------------------------
    app.click("nav-nuovo-nucleo").await;
    app.wait_route("/nuclei/nuovo").await;
    app.fill("household-address", "via Padova 12").await;
    app.fill("household-cap", "20127").await;
    // The comune by name: the office's (Milano) is there already; typing part
    // of another name, without its accents, lists the comuni in force, and
    // choosing one by keyboard puts its name in the box.
    app.wait_js(
        r#"return document.querySelector('[data-testid="household-comune"]').value === 'Milano (MI)'"#,
    )
    .await;
    app.fill("household-comune", "cassano dad").await;
    app.wait_js(
        r#"const l = document.querySelector('[data-testid="household-comune-list"]');
                   return !!l && !l.hidden && l.querySelectorAll('[data-testid="place-option"]').length > 0"#,
    )
    .await;
    let first = app.all(r#"[data-testid="household-comune-list"] [data-testid="place-option"]"#).await;
    assert_eq!(first[0].text().await.unwrap(), "Cassano d'Adda (MI)");
    app.screenshot("nucleo-comune").await;
    app.key(fantoccini::key::Key::Enter).await;
    assert_eq!(app.value_of("household-comune").await, "Cassano d'Adda (MI)");
    let code = app.el("household-comune").await.attr("data-code").await.unwrap();
    assert_eq!(code.as_deref(), Some("C003"));
    // Back to Milano, typed the way people type it.
    app.fill("household-comune", "milano").await;
    app.wait_js(r#"const o = document.querySelector('[data-testid="household-comune-list"] [data-testid="place-option"]');
                   return !!o && o.textContent === 'Milano (MI)'"#)
        .await;
    app.key(fantoccini::key::Key::Enter).await;
    assert_eq!(app.value_of("household-comune").await, "Milano (MI)");
    app.fill("household-phone", "02 1234567").await;
    member(
        &app,
        0,
        Person {
            last: "Dell'Orto",
            first: "Niccolò",
            cf: "DLLNCL80A01F205Q",
            relationship: "richiedente",
            citizenship: "italiana",
            employment: Some("disoccupato"),
            education: "isced_3_4",
        },
    )
    .await;
    app.click("member-add").await;
    member(
        &app,
        1,
        Person {
            last: "Nguyễn",
            first: "Thị Lan",
            cf: "NGYTLN88S60Z251L",
            relationship: "coniuge",
            citizenship: "extra_ue",
            employment: Some("occupato"),
            education: "isced_5_8",
        },
    )
    .await;
    // From outside the EU: the permit's fields, the expiry only for the kinds that end.
    assert!(app.all(r#"[data-testid="member-0-permit-kind"]"#).await.is_empty(), "an Italian has no permit");
    app.choose("member-1-permit-kind", "ue_lungo_periodo").await;
    assert!(!app.el("member-1-permit-expires-on").await.is_displayed().await.unwrap());
    assert_eq!(app.text_of("member-1-permit-no-expiry").await, "Questo titolo non ha scadenza.");
    app.choose("member-1-permit-kind", "lavoro_subordinato").await;
    app.fill("member-1-permit-number", "i0123456").await;
    // 55 days from today: the Scadenze board shows it (60 days ahead).
    app.fill("member-1-permit-expires-on", "15/01/2027").await;
    // The codice fiscale names her birthplace.
    assert_eq!(app.text_of("member-1-birthplace").await, "Luogo di nascita: Vietnam.");
    app.click("member-add").await;
    member(
        &app,
        2,
        Person {
            last: "Dell'Orto",
            first: "Zoë",
            cf: "DLLZOE15P70F205X",
            relationship: "figlio",
            citizenship: "italiana",
            employment: None,
            education: "isced_0_2",
        },
    )
    .await;
    app.tick("isee-present").await;
    app.fill("isee-protocol", "INPS-ISEE-2026-000123456-00").await;
    app.fill("isee-value", "4.800,00").await;
    app.fill("isee-issued-on", "15/01/2026").await;
    app.fill("isee-expires-on", "31/12/2026").await;
    app.screenshot("nucleo").await;
    app.js(
        r#"document.querySelector('[data-testid="member-1-permit"]').scrollIntoView({block: 'center'}); return true;"#,
        vec![],
    )
    .await;
    app.screenshot("nucleo-permesso").await;
    app.click("household-save").await;
    app.wait_js("return /^#\\/nuclei\\/[^/]+$/.test(location.hash) && location.hash !== '#/nuclei/nuovo'")
        .await;
    app.el("case-number").await;
    assert_eq!(app.text_of("case-name").await, "Dell'Orto Niccolò");
    let case_number = app.text_of("case-number").await;
    assert!(case_number.starts_with("Fascicolo 2026/"), "{case_number}");
    // The minor is marked, and her guardian can now be chosen among the saved adults.
    app.el("member-2-guardian").await;

    // ---- the analisi preliminare ------------------------------------------------------
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
    app.fill(
        "domain-situazione_economica-resources",
        "Reddito saltuario della signora Nguyễn; nessun risparmio.",
    )
    .await;
    app.choose("employability-0-profile", "occupabile").await;
    app.choose("employability-1-profile", "occupabile_con_supporto").await;
    assert!(
        app.all(r#"[data-testid="employability-2"]"#).await.is_empty(),
        "Zoë is a minor: no employability profile"
    );
    app.choose("analysis-outcome", "progetto_servizio_sociale").await;
    app.fill(
        "analysis-outcome-reason",
        "Bisogni prevalentemente economici e lavorativi; rete familiare presente.",
    )
    .await;
    app.click("analysis-save").await;
    // 20 working days from Fri 20/11/2026 in Milano: 7 and 8 December closed.
    assert_eq!(
        app.text_of("signing-deadline").await,
        "Il progetto personalizzato va sottoscritto entro il 22/12/2026."
    );
    app.screenshot("analisi").await;

    // ---- the project ------------------------------------------------------------------
    app.click("tab-progetto").await;
    app.click("project-create").await;
    app.fill("objective-0", "Raggiungere l'autonomia economica del nucleo entro dodici mesi.").await;
    app.fill("result-0", "Un contratto di lavoro per Niccolò entro giugno 2027.").await;
    app.click("commitment-add").await;
    app.fill(
        "commitment-0-action",
        "Presentarsi al Centro per l'impiego (AFOL Metropolitana) per il colloquio di orientamento.",
    )
    .await;
    app.choose_index("commitment-0-member", 1).await; // Niccolò
    app.fill("commitment-0-due-date", "15/12/2026").await;
    app.click("commitment-add").await;
    app.fill("commitment-1-action", "Frequentare regolarmente la scuola primaria.").await;
    app.choose_index("commitment-1-member", 3).await; // Zoë
    app.tick("commitment-1-other-1").await; // her mother is involved
    app.fill("commitment-1-due-date", "10/06/2027").await;
    app.click("support-add").await;
    app.fill("support-0-description", "Colloqui di monitoraggio con l'assistente sociale ogni 90 giorni.")
        .await;
    app.fill("support-0-provider", "Servizio sociale professionale").await;
    app.click("project-save").await;
    app.wait_js(r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'bozza' && document.body.dataset.dirty === 'false'"#).await;
    app.click("status-to-da_firmare").await;
    // Sending the text to signing freezes it: asked first (issue 15).
    app.click("to-da-firmare-yes").await;
    app.wait_js(
        r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'da_firmare'"#,
    )
    .await;

    // Adults sign for themselves; Zoë's commitment is signed by the richiedente.
    let signers = app.all(r#"[data-testid="signer-row"]"#).await;
    assert_eq!(signers.len(), 3);
    assert_eq!(app.text_of("signer-0-name").await, "Niccolò Dell'Orto");

    // ---- printing the patto -----------------------------------------------------------
    app.click("agreement-print").await;
    let created = app.text_of("document-created").await;
    assert!(created.contains("Patto stampato"), "{created}");
    app.screenshot("progetto").await;

    // ---- the board lists it while signatures are missing --------------------------------
    app.click("nav-scadenze").await;
    app.wait_route("/scadenze").await;
    let rows = app.all(r#"[data-testid="deadline-row"]"#).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(app.text_of("deadline-date").await, "22/12/2026");
    assert_eq!(app.text_of("deadline-household").await, "Dell'Orto Niccolò");
    // And Thị Lan's permit, 55 days from its expiry.
    let permit = app.all(r#"[data-testid="deadline-row"][data-kind="permesso"]"#).await;
    assert_eq!(permit.len(), 1);
    let text = permit[0].text().await.unwrap();
    for want in [
        "In scadenza",
        "Permesso di soggiorno",
        "15/01/2027",
        "scade tra 55 giorni",
        "Thị Lan Nguyễn — per lavoro subordinato, n. I0123456",
    ] {
        assert!(text.contains(want), "«{want}» not in the permit's row: {text}");
    }
    app.screenshot("scadenze-in-attesa").await;

    // ---- the signatures, one by one ---------------------------------------------------------
    app.click("deadline-household").await;
    app.el("signers-table").await;
    for i in 0..3 {
        app.fill(&format!("signer-{i}-date"), "21/11/2026").await;
        app.click(&format!("signer-{i}-record")).await;
        // A signature is an act with legal weight: confirmed first.
        app.click("sign-confirm-yes").await;
        app.el(&format!("signer-{i}-signed")).await;
    }
    app.wait_js(r#"return document.querySelector('[data-testid="project-status"]')?.dataset.status === 'sottoscritto'"#).await;
    assert_eq!(app.text_of("signer-2-signed").await, "Firmato il 21/11/2026");
    app.el("all-signed").await;
    app.screenshot("firme").await;

    // ---- and the board no longer lists it ----------------------------------------------------
    app.click("nav-scadenze").await;
    app.wait_route("/scadenze").await;
    let rows = app.all(r#"[data-testid="deadline-row"]"#).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].attr("data-kind").await.unwrap().as_deref(), Some("permesso"));

    // The printed patto is in the case's documents.
    app.click("nav-nuclei").await;
    app.wait_route("/nuclei").await;
    app.fill("households-search", "dellorto").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="household-row"]').length === 1"#).await;
    app.click("household-link").await;
    app.click("tab-documenti").await;
    // The list arrives after the tab opens: waited for, not read at once.
    app.wait_js(r#"return document.querySelectorAll('[data-testid="document-row"]').length > 0"#).await;
    let docs = app.all(r#"[data-testid="document-row"][data-kind="patto"]"#).await;
    assert_eq!(docs.len(), 1);
    // "Apri" shows it inside the app.
    app.click("document-open").await;
    app.el("screen-visualizzatore").await;
    app.el("viewer-page").await;
    app.stop().await;
}

#[tokio::test]
async fn hostile_and_foreign_names_are_shown_exactly_as_typed() {
    let app = App::start().await;
    let hostile = "<img src=x onerror=alert(1)>";
    app.click("nav-nuovo-nucleo").await;
    app.wait_route("/nuclei/nuovo").await;
    app.fill("household-address", "via <b>Padova</b> 12").await;
    member(
        &app,
        0,
        Person {
            last: hostile,
            first: "Nguyễn Thị Dell'Orto",
            cf: "RSSMRA80A01F205X",
            relationship: "richiedente",
            citizenship: "extra_ue",
            employment: Some("inattivo"),
            education: "nessuno",
        },
    )
    .await;
    // The code does not match these names: a warning, not a refusal.
    app.el("member-0-cf-warnings").await;
    app.click("household-save").await;
    app.wait_js("return location.hash !== '#/nuclei/nuovo' && !!document.querySelector('[data-testid=\"case-name\"]')").await;

    assert_eq!(app.text_of("case-name").await, format!("{hostile} Nguyễn Thị Dell'Orto"));
    let value = app.el("member-0-last-name").await.prop("value").await.unwrap();
    assert_eq!(value.as_deref(), Some(hostile));
    let address = app.el("household-address").await.prop("value").await.unwrap();
    assert_eq!(address.as_deref(), Some("via <b>Padova</b> 12"));

    // Found by the folded name, and listed literally.
    app.click("nav-nuclei").await;
    app.wait_route("/nuclei").await;
    app.fill("households-search", "nguyen").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="household-row"]').length === 1"#).await;
    assert_eq!(app.text_of("household-link").await, format!("{hostile} Nguyễn Thị Dell'Orto"));

    // Nothing was ever parsed as markup: no image, no bold, no alert.
    let parsed = app.js("return document.querySelectorAll('img, b').length", vec![]).await;
    assert_eq!(parsed, json!(0));
    assert!(app.client.get_alert_text().await.is_err(), "an alert was opened");
    app.screenshot("nomi").await;
    app.stop().await;
}

#[tokio::test]
async fn the_service_refusal_appears_beside_the_field_at_fault() {
    let app = App::start().await;
    app.click("nav-nuovo-nucleo").await;
    app.wait_route("/nuclei/nuovo").await;
    app.fill("household-address", "via Padova 12, 20127 Milano").await;
    app.fill("member-0-last-name", "Rossi").await;
    app.fill("member-0-first-name", "Mario").await;
    app.fill("member-0-codice-fiscale", "RSSMRA80A01F205Y").await;
    // Checked as typed: the reason, in Italian, beside the field.
    app.wait_js(
        r#"return document.querySelector('[data-testid="member-0-cf-status"]').dataset.state === 'invalid'"#,
    )
    .await;
    let reason = app.text_of("member-0-cf-status").await;
    assert!(!reason.is_empty());
    app.fill("member-0-birth-date", "01/01/1980").await;
    app.choose("member-0-sex", "M").await;
    app.choose("member-0-citizenship", "italiana").await;
    app.choose("member-0-employment", "occupato").await;
    app.choose("member-0-education", "isced_3_4").await;
    app.click("household-save").await;
    // The service refuses it and names the field: the message lands beside it.
    app.wait_js(
        r#"const e = document.querySelector('[data-testid="error:members[0].codice_fiscale"]');
           return !!e && !e.hidden && e.textContent.length > 0"#,
    )
    .await;
    let invalid = app.el("member-0-codice-fiscale").await.attr("aria-invalid").await.unwrap();
    assert_eq!(invalid.as_deref(), Some("true"));
    assert_eq!(app.text_of("error-message").await, "Correggere i campi segnalati.");
    let route = app.js("return location.hash", vec![]).await;
    assert_eq!(route, json!("#/nuclei/nuovo"), "nothing was created");
    app.screenshot("nucleo-rifiutato").await;
    app.stop().await;
}

#[tokio::test]
async fn a_convocation_letter_is_printed_into_the_case_folder() {
    let app = App::start_with(Setup { demo: true, ..Setup::default() }).await;
    app.click("nav-nuclei").await;
    app.wait_route("/nuclei").await;
    // A surname the seeded demo has (its families are drawn: there is no Rossi).
    app.fill("households-search", "colombo").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="household-row"]').length > 0"#).await;
    app.click("household-link").await;
    app.click("tab-convocazione").await;
    app.el("convocation-form").await;
    // Place and whom to ask for come from the office and the operator.
    let place = app.el("convocation-place").await.prop("value").await.unwrap().unwrap_or_default();
    assert!(place.contains("largo Treves"), "{place}");
    // The purpose is chosen (issue 15): not always the preliminary analysis.
    app.choose("convocation-purpose", "firma_patto").await;
    app.fill("convocation-date", "30/11/2026").await;
    app.fill("convocation-time", "9:30").await;
    app.click("convocation-print").await;
    let created = app.text_of("document-created").await;
    assert!(created.contains("30/11/2026") && created.contains("09:30"), "{created}");
    assert!(created.contains("firma del patto"), "{created}");
    app.screenshot("convocazione").await;

    app.click("tab-documenti").await;
    app.el("documents-table").await;
    let rows = app.all(r#"[data-testid="document-row"][data-kind="convocazione"]"#).await;
    assert_eq!(rows.len(), 1);

    // The PDF is kept in the encrypted database: opening it with the computer's
    // program (from the app's viewer) writes it, decrypted, into the private
    // viewing area for that program — a real PDF with real text.
    app.js(
        r#"document.querySelector('[data-testid="document-row"][data-kind="convocazione"] [data-testid="document-open"]').click(); return true;"#,
        vec![],
    )
    .await;
    app.click("viewer-system-open").await;
    let mut pdf = None;
    for _ in 0..100 {
        pdf = find_pdf(&app.viewing_dir(), "convocazione");
        if pdf.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let pdf = pdf.expect("il PDF della convocazione");
    let text = std::process::Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("30 novembre 2026") || text.contains("30/11/2026"), "{text}");
    assert!(text.contains("09:30"), "{text}");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("per la firma del progetto personalizzato"), "{flat}");
    assert!(!flat.contains("analisi preliminare"), "{flat}");
    app.stop().await;
}

fn find_pdf(dir: &std::path::Path, prefix: &str) -> Option<std::path::PathBuf> {
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if let Some(found) = find_pdf(&path, prefix) {
                return Some(found);
            }
        } else if path.file_name()?.to_string_lossy().starts_with(prefix) {
            return Some(path);
        }
    }
    None
}
