//! A new office's first start, as an IT technician sees it after installing
//! the package: the setup screen, the first administrator, the recovery key,
//! the board. `scripts/test-deb.sh` runs this against the installed
//! `/usr/bin/sportello-app` (`SPORTELLO_APP`), the release build that serves
//! the UI embedded in it; the ordinary runs check the same against the
//! workspace's build.

use sportello_e2e::{App, Setup};

#[tokio::test]
async fn a_new_office_starts_on_the_setup_screen_and_reaches_the_board() {
    let app = App::start_with(Setup { fresh: true, login: None, ..Setup::default() }).await;
    app.el("screen-setup").await;
    if std::env::var_os("SPORTELLO_APP").is_some() {
        app.screenshot("installato-primo-avvio").await;
    }
    app.fill("setup-username", "it.comune").await;
    app.fill("setup-name", "Ufficio Sistemi Informativi").await;
    app.fill("setup-password", "una frase lunga e sicura").await;
    app.fill("setup-password-repeat", "una frase lunga e sicura").await;
    app.click("setup-submit").await;
    app.el("screen-recovery-key").await;
    app.tick("recovery-confirm").await;
    app.click("recovery-continue").await;
    app.wait_route("/scadenze").await;
    assert_eq!(app.text_of("user-role").await, "Amministratore");
    app.stop().await;
}
