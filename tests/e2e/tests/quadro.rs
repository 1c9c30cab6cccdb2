//! The équipe's quadro di analisi (issue 12 item 0) in the real window: an
//! analysis that sends the household to the équipe leads to the quadro, the
//! project tab waits for it, a quadro missing a need's description says so
//! on the field, and once saved the project starts from the priorities the
//! équipe agreed.

use sportello_e2e::App;

use crate::legal_acts::two_adults_with_analysis;

const FIRST: &str = "Un lavoro stabile per Niccolò entro un anno.";
const SECOND: &str = "Un piano di rientro dell'affitto con il proprietario.";

#[tokio::test]
async fn the_equipe_writes_its_quadro_and_the_project_starts_from_its_priorities() {
    let app = App::start().await;
    two_adults_with_analysis(&app).await;

    // The analysis sends the household to the équipe: the next step is shown.
    app.choose("analysis-outcome", "equipe_multidisciplinare").await;
    app.fill("analysis-outcome-reason", "Lavoro, casa e debiti insieme: serve l'équipe.").await;
    app.click("analysis-save").await;
    app.el("analysis-to-quadro").await;

    // The project tab waits for the quadro.
    app.click("tab-progetto").await;
    app.el("project-needs-quadro").await;
    app.click("go-to-quadro").await;
    app.el("quadro-form").await;
    assert_eq!(app.value_of("equipe-0-name").await, "Amministratore di sistema", "the operator logged in");
    assert_eq!(app.value_of("quadro-area-situazione_economica-need").await, "grave", "from the analysis");

    app.fill("quadro-meeting-date", "20/11/2026").await;
    app.tick("quadro-participant-0").await;
    app.fill("equipe-1-name", "Luca D'Amico").await;
    app.choose("equipe-1-service", "centro_impiego").await;
    app.fill("equipe-1-organisation", "AFOL Metropolitana").await;
    app.fill("equipe-1-role", "Operatore della mediazione al lavoro").await;
    app.fill("priority-0", FIRST).await;
    app.click("priority-add").await;
    app.fill("priority-1", SECOND).await;
    app.choose("quadro-outcome", "patto_inclusione").await;
    app.fill("quadro-outcome-reason", "Bisogni su più aree: patto con i sostegni di più servizi.").await;

    // A grave need with no description: said on its field, nothing saved.
    app.click("quadro-save").await;
    app.wait_js(r#"const e = document.querySelector('[data-testid="error:areas[0].needs"]'); return !!e && !e.hidden"#)
        .await;
    for (domain, text) in [
        ("condizioni_personali_sociali", "Stanchezza e isolamento dopo la perdita del lavoro."),
        ("situazione_economica", "Tre mesi di affitto arretrati."),
        ("situazione_lavorativa", "Niccolò disoccupato da quattordici mesi."),
        ("istruzione_formazione", "Competenze informatiche da aggiornare."),
        ("condizione_abitativa", "Sfratto per morosità annunciato dal proprietario."),
    ] {
        app.fill(&format!("quadro-area-{domain}-needs"), text).await;
    }
    app.fill("quadro-area-situazione_lavorativa-services", "Centro per l'impiego").await;
    app.click("quadro-save").await;
    app.el("quadro-to-project").await;
    app.wait_js("return document.body.dataset.dirty === 'false'").await;
    app.screenshot("quadro-di-analisi").await;
    app.axe_check("quadro di analisi").await;

    // The project starts from the priorities agreed.
    app.click("quadro-to-project").await;
    app.el("project-quadro-basis").await;
    app.click("project-create").await;
    assert_eq!(app.value_of("objective-0").await, FIRST);
    assert_eq!(app.value_of("objective-1").await, SECOND);
    app.stop().await;
}
