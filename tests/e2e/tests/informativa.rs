//! The informativa (GDPR artt. 13-14) in the real window: the administrator
//! saves the office's text (the proposed one, with the DPO written in) on
//! Operatori; an operatore opens a case of theirs, sees the adults without
//! the informativa flagged, records the one handed to an adult (not before
//! the version existed), and the day appears on the household page as
//! gg/mm/aaaa.

use sportello_e2e::{App, Setup, PASSWORD};

#[tokio::test]
async fn an_operator_records_the_informativa_given_to_an_adult() {
    let app =
        App::start_with(Setup { demo: true, login: Some("amministratore".to_string()), ..Setup::default() })
            .await;
    app.wait_route("/scadenze").await;
    app.go("/operatori").await;
    app.el("informativa-settings-form").await;
    assert!(app.text_of("informativa-current").await.contains("Nessuna versione"));
    // The proposed text is there; the DPO is the administrator's to write.
    let body = app.value_of("informativa-body").await;
    assert!(body.contains("art. 6, par. 1, lett. e"), "{body}");
    app.fill("informativa-dpo", "Avv. Paola Neri, dpo@comune.milano.it").await;
    app.click("informativa-save").await;
    app.wait_js(r#"const t = document.querySelector('[data-testid="toast"]'); return t && t.textContent.includes('versione 1');"#)
        .await;
    app.el("informativa-version").await;
    app.el("processing-register-save").await;
    app.screenshot("informativa-impostazioni").await;

    // The operatore at the desk, on a case of theirs.
    app.logout().await;
    app.login_as("mbianchi", PASSWORD).await;
    app.wait_route("/scadenze").await;
    app.click("deadline-household").await;
    app.click("tab-nucleo").await;
    app.el("screen-nucleo").await;
    app.el("informativa-form").await;
    let missing = app.text_of("informativa-missing-count").await;
    assert!(missing.contains("non hanno ancora ricevuto"), "{missing}");
    // The first adult without it is proposed; today is proposed as the day.
    let member =
        app.js(r#"return document.querySelector('[data-testid="informativa-member"]').value"#, vec![]).await;
    let member = member.as_str().unwrap().to_string();
    let flagged = app
        .js(
            r#"const r = document.querySelector(`[data-testid="informativa-row"][data-member="${arguments[0]}"]`);
               return r.dataset.missing;"#,
            vec![serde_json::json!(member)],
        )
        .await;
    assert_eq!(flagged, "true");
    assert_eq!(app.value_of("informativa-date").await, "21/11/2026");
    // Not before the version existed (saved today): said on the date.
    app.fill("informativa-date", "20/11/2026").await;
    app.choose("informativa-mode", "a_mano").await;
    app.click("informativa-record").await;
    let err = app.text_of("error:given_on").await;
    assert!(err.contains("del 21/11/2026"), "{err}");
    app.fill("informativa-date", "21/11/2026").await;
    app.click("informativa-record").await;
    app.wait_js(&format!(
        r#"const r = document.querySelector('[data-testid="informativa-row"][data-member="{member}"]');
           return r && r.dataset.missing === 'false'
               && r.querySelector('[data-testid="informativa-delivery"]').textContent.includes('21/11/2026');"#
    ))
    .await;
    let delivery = app.text_of("informativa-delivery").await;
    assert!(delivery.contains("Versione 1 consegnata a mano il 21/11/2026"), "{delivery}");
    assert!(delivery.contains("Marco Bianchi"), "{delivery}");
    app.js(
        r#"document.querySelector('[data-testid="household-informativa"]').scrollIntoView(); return true;"#,
        vec![],
    )
    .await;
    app.screenshot("informativa-nucleo").await;
    app.stop().await;
}
