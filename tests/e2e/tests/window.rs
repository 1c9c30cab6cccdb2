//! The app starts in a real window and shows its first screen.

use sportello_e2e::App;

#[tokio::test]
async fn the_app_opens_on_the_deadlines_board() {
    let app = App::start().await;

    assert_eq!(app.client.title().await.unwrap(), "Sportello");
    app.wait_route("/scadenze").await;
    assert_eq!(app.text_of("screen-title").await, "Scadenze");

    // The sidebar leads to the three places of the skeleton, the board marked current.
    assert_eq!(app.text_of("nav-scadenze").await, "Scadenze");
    assert_eq!(app.text_of("nav-nuclei").await, "Nuclei");
    assert_eq!(app.text_of("nav-nuovo-nucleo").await, "Nuovo nucleo");
    let current = app.el("nav-scadenze").await.attr("aria-current").await.unwrap();
    assert_eq!(current.as_deref(), Some("page"));

    // The window is the size the desk screens were designed for.
    let (w, h) = app.client.get_window_size().await.unwrap();
    assert!(w >= 1000 && h >= 700, "finestra {w}×{h}");

    app.screenshot("scadenze").await;
    app.stop().await;
}
