//! Funded programmes in the real window (issue 12): the Programmi screen with
//! the seeds' programmes, their partners and governance; and a member enrolled
//! in a tirocinio from the signed patto, with its terms and the ESF answers,
//! shown on the project tab and on the household page.

use serde_json::{json, Value};
use sportello_e2e::{App, Setup};

/// A demo case with a signed patto and an adult who is not in a tirocinio now.
async fn case_for_tirocinio(app: &App) -> Value {
    app.client
        .execute_async(
            r#"
            const done = arguments[arguments.length - 1];
            const call = (c, input) => window.__TAURI__.core.invoke(c, input === undefined ? {} : { input });
            (async () => {
              const ids = new Set();
              for (const p of (await call('programme_list')).filter((p) => p.running)) {
                for (const x of (await call('programme_get', { id: p.id })).participants) ids.add(x.household_id);
              }
              for (const id of ids) {
                const row = { id };
                const x = await call('household_enrolments', { household_id: row.id });
                if (!x.project_signed) continue;
                const h = await call('household_get', { id: row.id });
                const busy = new Set(x.enrolments.filter((e) => !e.enrolment.exit && e.kind === 'tirocinio').map((e) => e.enrolment.member_id));
                const adult = h.members.find((m) => !busy.has(m.id) && m.birth_date <= '2008-11-21');
                if (adult) return { id: h.id, member: adult.id, name: `${adult.first_name} ${adult.last_name}`, before: x.enrolments.length };
              }
              return null;
            })().then(done, (e) => done({ error: String(e && e.message || e) }));
            "#,
            vec![],
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn the_programmes_screen_shows_the_seeds_partnership_and_governance() {
    let app = App::start_with(Setup { demo: true, ..Setup::default() }).await;
    app.click("nav-programmi").await;
    app.wait_route("/programmi").await;
    let rows = app.all(r#"[data-testid="programme-row"]"#).await;
    assert_eq!(rows.len(), 3);
    app.screenshot("programmi").await;
    let ciao = app
        .js(
            r#"return [...document.querySelectorAll('[data-testid="programme-open"]')].findIndex((a) => a.textContent.startsWith('CIAO!'))"#,
            vec![],
        )
        .await;
    let i = ciao.as_u64().expect("CIAO! listed") as usize;
    app.all(r#"[data-testid="programme-open"]"#).await[i].click().await.unwrap();
    app.el("screen-programma").await;
    let partners = app.all(r#"[data-testid="partner-row"]"#).await;
    assert_eq!(partners.len(), 22, "7 public, 13 third sector, 2 supporting networks");
    let bodies = app.text_of("programme-bodies").await;
    for want in [
        "Cabina di Regia (CdR)",
        "Gruppo di coordinamento operativo di progetto",
        "Comunità di pratica per azione",
    ] {
        assert!(bodies.contains(want), "«{want}» in {bodies}");
    }
    assert!(app.text_of("screen-programma").await.contains("dal 16/07/2020 al 31/12/2021"));
    // Its hundred-odd participants (issue 12 item 5), fifty rows at a time.
    let summary = app.text_of("participants-summary").await;
    assert!(summary.contains("iscrizioni di") && summary.contains("0 in corso"), "{summary}");
    assert_eq!(app.all(r#"[data-testid="participant-row"]"#).await.len(), 50);
    assert!(app.text_of("participants-page").await.starts_with("Righe 1–50 di "));
    app.click("participants-next").await;
    assert!(app.text_of("participants-page").await.starts_with("Righe 51–100 di "));
    app.screenshot("programma-ciao").await;
    app.axe_check("programma").await;
    app.stop().await;
}

#[tokio::test]
async fn a_member_is_enrolled_in_a_tirocinio_from_the_signed_patto() {
    let app = App::start_with(Setup { demo: true, ..Setup::default() }).await;
    let case = case_for_tirocinio(&app).await;
    assert!(case.get("id").is_some(), "nessun caso adatto nella demo: {case}");
    let hid = case["id"].as_str().unwrap();
    app.go(&format!("#/nuclei/{hid}/progetto")).await;
    app.wait_route(&format!("/nuclei/{hid}/progetto")).await;
    app.click("enrol-open").await;
    app.choose("enrol-member", case["member"].as_str().unwrap()).await;
    let tirocinio = app
        .js(
            r#"const o = [...document.querySelectorAll('[data-testid="enrol-intervention"] option')]
                 .find((o) => o.textContent.startsWith('Tirocinio di inclusione') && o.textContent.includes('Percorsi di inclusione attiva'));
               return o ? o.value : null"#,
            vec![],
        )
        .await;
    app.choose("enrol-intervention", tirocinio.as_str().expect("the tirocinio is offered")).await;
    // The tirocinio's own terms appear; the member chosen stays chosen.
    app.el("enrol-terms").await;
    assert_eq!(app.value_of("enrol-member").await, case["member"].as_str().unwrap());
    app.fill("enrol-host", "Falegnameria sociale Il Ponte, via Padova 120, Milano").await;
    app.fill("enrol-tutor", "Giorgio Brambilla").await;
    app.fill("enrol-planned-end", "20/05/2027").await;
    app.fill("enrol-hours-week", "20").await;
    app.fill("enrol-allowance", "500,00").await;
    app.fill("enrol-allowance-payer", "Comune di Milano, con i fondi del programma").await;
    app.choose("enrol-labour-status", "disoccupato").await;
    app.fill("enrol-unemployed-since", "01/03/2025").await;
    app.choose("enrol-isced", "2").await;
    app.screenshot("iscrizione-tirocinio").await;
    app.click("enrol-save").await;
    app.wait_js(&format!(
        "return document.querySelectorAll('[data-testid=\"enrolment-row\"]').length === {}",
        case["before"].as_u64().unwrap() + 1
    ))
    .await;
    // The newest first: the tirocinio with its terms in words.
    assert_eq!(app.text_of("enrolment-0-member").await, case["name"].as_str().unwrap());
    let terms = app.text_of("enrolment-0-terms").await;
    for want in [
        "Falegnameria sociale Il Ponte",
        "tutor Giorgio Brambilla",
        "20 ore a settimana",
        "500,00",
        "20/05/2027",
    ] {
        assert!(terms.contains(want), "«{want}» in {terms}");
    }
    assert_eq!(app.text_of("enrolment-0-status").await, "In corso");
    // Stored as typed, with the unknown answers left unknown.
    let saved = app
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             window.__TAURI__.core.invoke('household_enrolments', { input: { household_id: arguments[0] } }).then(done, (e) => done({ error: e }));",
            vec![json!(hid)],
        )
        .await
        .unwrap();
    let e = &saved["enrolments"][0]["enrolment"];
    assert_eq!(e["esf"]["labour_status"], "disoccupato");
    assert_eq!(e["esf"]["unemployed_since"], "2025-03-01");
    assert_eq!(e["esf"]["isced"], 2);
    assert_eq!(e["esf"]["rural"], Value::Null);
    assert_eq!(e["terms"]["allowance"], "500.00");
    app.screenshot("iscrizione-salvata").await;

    // The household page shows it too.
    app.click("tab-nucleo").await;
    app.wait_js(r#"return document.querySelectorAll('[data-testid="enrolments"] [data-testid="enrolment-row"]').length > 0"#).await;
    app.stop().await;
}

/// A 2021-2027 programme (issue 12 item 4): the sheet says its programming
/// period, the form keeps it, and the indicators card counts the ESF+ codes
/// (EECO01-EECO17, EECR01-EECR04) of Reg. UE 2021/1057.
#[tokio::test]
async fn a_2021_2027_programme_shows_the_esf_plus_indicators() {
    let app = App::start_with(Setup { demo: true, login: Some("averdi".into()), ..Setup::default() }).await;
    let saved = app
        .client
        .execute_async(
            r#"
            const done = arguments[arguments.length - 1];
            window.__TAURI__.core.invoke('programme_save', { input: { programme: {
              title: 'Percorsi di autonomia FSE+', fund: 'Fondo Sociale Europeo Plus 2021-2027',
              programme: 'PN Inclusione e lotta alla povertà', convention: '', cup: '',
              start_on: '2022-01-01', end_on: '2027-12-31', lead_body: 'Ambito di Sesto San Giovanni',
              target: '', esf: true, esf_period: '2021-2027', partners: [], bodies: [],
              interventions: [{ kind: 'orientamento', title: 'Orientamento al lavoro', partner_id: null, description: '' }] } } })
              .then(done, (e) => done({ error: String(e && e.message || e) }));
            "#,
            vec![],
        )
        .await
        .unwrap();
    let id = saved["programme"]["id"].as_str().unwrap_or_else(|| panic!("{saved}")).to_string();
    app.go(&format!("#/programmi/{id}")).await;
    app.el("screen-programma").await;
    assert!(app.text_of("screen-programma").await.contains("FSE+ 2021-2027 (Reg. UE 2021/1057)"));
    app.click("indicators-show").await;
    app.wait_js(r#"return document.querySelector('[data-testid="indicator-EECO17"]') !== null"#).await;
    let period = app.text_of("indicators-period").await;
    assert!(period.contains("FSE+ 2021-2027") && period.contains("2021/1057"), "{period}");
    let codes = app
        .js(
            r#"return [...document.querySelectorAll('[data-testid^="indicator-"] td:first-child')].map((td) => td.textContent)"#,
            vec![],
        )
        .await;
    let codes: Vec<&str> = codes.as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(codes.len(), 21, "{codes:?}");
    assert!(codes.iter().all(|c| c.starts_with("EECO") || c.starts_with("EECR")), "{codes:?}");
    app.screenshot("programma-fse-plus").await;
    // The form keeps the period.
    app.click("programme-edit").await;
    app.el("programme-form").await;
    let value = app
        .js(r#"return document.querySelector('[data-testid="programme-f-esf-period"]').value"#, vec![])
        .await;
    assert_eq!(value, "2021-2027");
    app.axe_check("programma-fse-plus").await;
    app.stop().await;
}
