//! "Aggiornamento da chiavetta" in the real window (issue 14 item 2): a
//! package whose signature is not the publisher's is refused with the reason;
//! a signed newer one is shown as valid, and the administrator is asked to
//! confirm before anything is installed (here the answer is no: a test never
//! runs the system's installer); an operatore sees the verdict, not the button.
//!
//! The window is a debug build, which trusts the test-only key
//! (tests/fixtures/update/) beside the publisher's: the "stick" is the test's
//! folder, and the system's file dialog is answered as in sync.rs.

use std::path::Path;

use sportello::update::{self, Target, Version};
use sportello_e2e::{App, Setup, PASSWORD};

use crate::sync::answer_dialog;

const TEST_PRIVATE_KEY: &str = include_str!("../../fixtures/update/SOLO-PROVE-chiave-privata.txt");

/// Two packages on the "stick": one signed with the test key, one by a stranger.
fn packages_on_the_stick(db: &Path) {
    let dir = db.parent().unwrap();
    let write = |name: &str, key: &update::PrivateKey| {
        let bytes = format!("!<arch>\nnon un vero pacchetto: {name}\n").into_bytes();
        let package = dir.join(name);
        std::fs::write(&package, &bytes).unwrap();
        std::fs::write(
            update::signature_path(&package),
            update::sign(&bytes, Version(0, 2, 0), Target::Deb, key),
        )
        .unwrap();
    };
    write("sportello_0.2.0_amd64.deb", &update::parse_private_key(TEST_PRIVATE_KEY).unwrap());
    let (stranger, _) = update::key_files(&[42; 32]);
    write("falso_0.2.0_amd64.deb", &update::parse_private_key(&stranger).unwrap());
}

#[tokio::test]
async fn a_package_from_the_stick_is_checked_and_installed_only_after_a_confirmation() {
    let app = App::start_with(Setup {
        demo: true,
        login: Some("amministratore".to_string()),
        prepare: Some(packages_on_the_stick),
        ..Setup::default()
    })
    .await;
    let dir = app.dir.path().to_path_buf();
    app.click("nav-informazioni").await;
    app.wait_route("/informazioni").await;

    answer_dialog(&app, "open", &dir.join("falso_0.2.0_amd64.deb")).await;
    app.click("update-choose").await;
    app.wait_js(r#"return !!document.querySelector('[data-testid="update-verdict"]')"#).await;
    let verdict = app.text_of("update-verdict").await;
    assert!(
        verdict.starts_with("Pacchetto rifiutato") && verdict.contains("non è dell'editore"),
        "{verdict}"
    );
    assert!(app.all(&App::sel("update-install")).await.is_empty(), "a refused package offers Installa");

    answer_dialog(&app, "open", &dir.join("sportello_0.2.0_amd64.deb")).await;
    app.click("update-choose").await;
    app.wait_js(r#"return document.querySelector('[data-testid="update-verdict"]')?.textContent.startsWith('Firma valida')"#)
        .await;
    assert_eq!(app.text_of("update-version").await, "0.2.0 (deb)");
    assert_eq!(app.text_of("update-running").await, env!("CARGO_PKG_VERSION"));
    app.screenshot("aggiornamento").await;
    app.click("update-install").await;
    let body = app.text_of("update-body").await;
    assert!(body.contains("versione 0.2.0"), "{body}");
    app.click("update-no").await;
    assert_eq!(app.text_of("update-status").await, "", "nothing is installed without a yes");

    // An operatore sees what the package is, and that it is not theirs to install.
    app.logout().await;
    app.login_as("mbianchi", PASSWORD).await;
    app.go("#/informazioni").await;
    app.wait_route("/informazioni").await;
    answer_dialog(&app, "open", &dir.join("sportello_0.2.0_amd64.deb")).await;
    app.click("update-choose").await;
    app.wait_js(r#"return document.querySelector('[data-testid="update-verdict"]')?.textContent.startsWith('Firma valida')"#)
        .await;
    assert!(app.all(&App::sel("update-install")).await.is_empty());
    app.stop().await;
}
