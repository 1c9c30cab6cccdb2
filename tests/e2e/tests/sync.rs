//! Sync in the real window (issue 11): a laptop edits a family's phone
//! offline, the office edits the same field in the app; the laptop's package
//! is imported in the app ("Sincronizzazione"), the coordinator sees the
//! conflict on "Conflitti" with both values, chooses the laptop's, and the
//! office's next package, exported from the app, brings the choice to the
//! laptop, whose own conflict closes.
//!
//! The system's file dialogs are outside the web page (GTK), where WebDriver
//! cannot reach: the test answers the window's door to them (`files` of
//! ui/js/api.js) with the files of its folder, and everything else goes
//! through the app's own buttons and commands.

use std::path::Path;

use serde_json::{json, Value};
use sportello::service::{Credentials, OpenOptions, Service};
use sportello_e2e::{App, Setup, PASSWORD, TODAY};

const LAPTOP_PHONE: &str = "+39 333 444 5555";
const OFFICE_PHONE: &str = "+39 02 8888 1234";

fn open(db: &Path, user: &str) -> Service {
    Service::open_with(OpenOptions {
        database: db.to_path_buf(),
        documents_dir: db.parent().unwrap().join("documenti"),
        credentials: Credentials::password(user, PASSWORD),
        today: Some(sportello::dates::parse_iso("oggi", TODAY).unwrap()),
    })
    .unwrap_or_else(|e| panic!("{}: {e:?}", db.display()))
}

/// Before the window: the laptop is made from the office's database, and
/// edits a family's phone with no connection; its package waits on the "USB
/// stick" (the test's folder).
fn laptop_works_offline(office_db: &Path) {
    let dir = office_db.parent().unwrap();
    let household = {
        let office = open(office_db, "amministratore");
        let board = office.call("deadlines_board", Value::Null).unwrap();
        let id = board[0]["household_id"].as_str().expect("a case on the demo's board").to_string();
        office.sync_copy_replica(&dir.join("portatile.sqlite"), "portatile").unwrap();
        id
    };
    std::fs::write(dir.join("caso.txt"), &household).unwrap();
    let laptop = open(&dir.join("portatile.sqlite"), "amministratore");
    let mut v = laptop.call("household_get", json!({ "id": household })).unwrap();
    v["phone"] = json!(LAPTOP_PHONE);
    laptop.call("household_save", json!({ "household": v })).unwrap();
    std::fs::write(dir.join("dal-portatile.sportello"), laptop.sync_export(None).unwrap()).unwrap();
}

/// Answers the app's next file dialog (`files.open` or `files.saveAs` of
/// ui/js/api.js, the window's one door to the system's dialogs) with `path`:
/// the app's button then goes on as after a real choice.
pub(crate) async fn answer_dialog(app: &App, which: &str, path: &Path) {
    let ok = app
        .client
        .execute_async(
            r#"
            const [which, path, done] = arguments;
            import(new URL('js/api.js', document.baseURI).href).then((api) => {
              api.files[which] = async () => path;
              done(true);
            }, (e) => done(String(e)));
            "#,
            vec![json!(which), json!(path.display().to_string())],
        )
        .await
        .unwrap();
    assert_eq!(ok, Value::Bool(true), "the dialog could not be answered: {ok}");
}

#[tokio::test]
async fn a_conflict_between_laptop_and_office_is_resolved_in_the_app_and_the_choice_reaches_the_laptop() {
    let app = App::start_with(Setup {
        demo: true,
        login: Some("averdi".into()),
        prepare: Some(laptop_works_offline),
        ..Setup::default()
    })
    .await;
    let dir = app.dir.path().to_path_buf();
    let household = std::fs::read_to_string(dir.join("caso.txt")).unwrap();

    // At the office, the same family's phone, in the form.
    app.go(&format!("#/nuclei/{household}")).await;
    app.wait_route(&format!("/nuclei/{household}")).await;
    app.fill("household-phone", OFFICE_PHONE).await;
    app.click("household-save").await;
    app.wait_js("return document.querySelector('[data-testid=\"toast\"]')?.hidden === false").await;

    // The laptop's package, from the "USB stick", through Sincronizzazione.
    app.go("#/sincronizzazione").await;
    app.wait_route("/sincronizzazione").await;
    answer_dialog(&app, "open", &dir.join("dal-portatile.sportello")).await;
    app.click("sync-import").await;
    let imported = app.text_of("sync-imported").await;
    assert!(imported.contains("1 conflitti"), "{imported}");
    // The frame of every screen says it too, the office being the hub.
    assert_eq!(app.text_of("sync-role").await, "Sede centrale dell’ufficio");
    app.wait_js("return document.querySelector('[data-testid=\"sync-conflicts\"]')?.textContent === 'Conflitti aperti: 1'").await;

    // The case says it is in conflict, and leads the coordinator there.
    app.go(&format!("#/nuclei/{household}")).await;
    app.wait_route(&format!("/nuclei/{household}")).await;
    let badge = app.text_of("case-sync-conflicts").await;
    assert_eq!(badge, "In conflitto (1)");
    app.click("case-sync-conflicts").await;
    app.wait_route(&format!("/conflitti/{household}")).await;

    // Both values side by side, the office's standing, who and where the other came from.
    app.el("conflict").await;
    assert_eq!(app.text_of("conflict-field").await, "Telefono");
    assert_eq!(app.text_of("conflict-ours-value").await, OFFICE_PHONE);
    assert_eq!(app.text_of("conflict-theirs-value").await, LAPTOP_PHONE);
    app.el("conflict-ours-standing").await;
    let theirs = app.text_of("conflict-theirs").await;
    assert!(theirs.contains("«portatile»") && theirs.contains("Amministratore"), "{theirs}");
    let shot = app.screenshot("conflitti").await;
    eprintln!("schermata: {}", shot.display());

    // The coordinator keeps the laptop's value, after confirming.
    app.click("conflict-choose-theirs").await;
    app.el("resolve-dialog").await;
    app.click("resolve-yes").await;
    app.wait_js("return document.querySelector('[data-testid=\"conflicts-summary\"]')?.textContent === 'Nessun conflitto da decidere.'")
        .await;
    app.wait_js("return document.querySelector('[data-testid=\"sync-conflicts\"]')?.textContent === 'Conflitti aperti: 0'").await;
    app.click("conflicts-show-resolved").await;
    let resolution = app.text_of("conflict-resolution").await;
    assert!(resolution.contains("Anna Verdi") && resolution.contains(LAPTOP_PHONE), "{resolution}");
    app.screenshot("conflitti-deciso").await;

    app.go(&format!("#/nuclei/{household}")).await;
    app.wait_route(&format!("/nuclei/{household}")).await;
    assert_eq!(app.value_of("household-phone").await, LAPTOP_PHONE);

    // The office's package for the laptop, exported from the app.
    app.go("#/sincronizzazione").await;
    app.wait_route("/sincronizzazione").await;
    let to_laptop = dir.join("per-il-portatile.sportello");
    answer_dialog(&app, "saveAs", &to_laptop).await;
    app.click("sync-export").await;
    app.wait_js("return (document.querySelector('[data-testid=\"sync-result\"]')?.textContent || '').includes('Pacchetto salvato')")
        .await;
    // The laptop's files outlive the app's folder.
    let usb = tempfile::tempdir().unwrap();
    let laptop_db = usb.path().join("portatile.sqlite");
    for (from, to) in [
        (dir.join("portatile.sqlite"), laptop_db.clone()),
        (
            sportello::keyring::Keyring::path_for(&dir.join("portatile.sqlite")),
            sportello::keyring::Keyring::path_for(&laptop_db),
        ),
        (to_laptop.clone(), usb.path().join("per-il-portatile.sportello")),
    ] {
        std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    }
    let wal = dir.join("portatile.sqlite-wal");
    if wal.exists() {
        std::fs::copy(&wal, usb.path().join("portatile.sqlite-wal")).unwrap();
    }
    let to_laptop = usb.path().join("per-il-portatile.sportello");
    app.stop().await;

    // Back at the laptop: the choice arrives with the office's edit, and the
    // laptop's own conflict on the field (its value against the office's)
    // closes with it.
    let laptop = open(&laptop_db, "amministratore");
    let n = laptop.sync_import(&std::fs::read(&to_laptop).unwrap()).unwrap();
    assert!(n.applied >= 1, "{n:?}");
    let h = laptop.call("household_get", json!({ "id": household })).unwrap();
    assert_eq!(h["phone"], json!(LAPTOP_PHONE));
    assert!(laptop.sync_conflicts().unwrap().is_empty(), "{:?}", laptop.sync_conflicts());
    let closed = laptop.sync_conflicts_list(None, true).unwrap();
    assert_eq!(closed.len(), 1, "{closed:?}");
    assert_eq!(closed[0].resolved_by.as_deref(), Some("Anna Verdi"));
    assert_eq!(closed[0].resolution.as_ref().unwrap()["choice"], json!("ours"), "the laptop's own value");
}

/// Before the window: the demo's database becomes the office's hub
/// (`ufficio.sqlite`), and the window's database is the demo's laptop,
/// enrolled there for mbianchi (src/demo/office.rs): one family taken in
/// charge offline, waiting to be sent, and one in conflict (its note).
fn the_window_is_the_demo_laptop(db: &Path) {
    let dir = db.parent().unwrap();
    let hub = dir.join("ufficio.sqlite");
    let side = |p: &Path, suffix: &str| {
        let mut s = p.as_os_str().to_owned();
        s.push(suffix);
        std::path::PathBuf::from(s)
    };
    for suffix in ["", "-wal", "-shm"] {
        if side(db, suffix).exists() {
            std::fs::rename(side(db, suffix), side(&hub, suffix)).unwrap();
        }
    }
    std::fs::rename(sportello::keyring::Keyring::path_for(db), sportello::keyring::Keyring::path_for(&hub))
        .unwrap();
    let today = sportello::dates::parse_iso("oggi", TODAY).unwrap();
    let demo =
        sportello::demo::office::add_laptop(&hub, db, &dir.join("documenti"), today, PASSWORD).unwrap();
    let laptop = open(db, sportello::demo::office::LAPTOP_OPERATOR);
    let offline = laptop.households_search(&demo.offline_case).unwrap();
    // The demo's conflict is on a family's note: its record is the family.
    let conflicts = laptop.storage().sync_conflicts().unwrap();
    assert_eq!((conflicts.len(), conflicts[0].table.as_str()), (1, "households"), "{conflicts:?}");
    let conflicted = conflicts[0].record.clone();
    std::fs::write(dir.join("casi.txt"), format!("{}\n{conflicted}", offline[0].id)).unwrap();
}

#[tokio::test]
async fn on_a_laptop_the_case_header_says_what_waits_to_be_sent() {
    let app = App::start_with(Setup {
        demo: true,
        login: Some(sportello::demo::office::LAPTOP_OPERATOR.into()),
        prepare: Some(the_window_is_the_demo_laptop),
        ..Setup::default()
    })
    .await;
    let dir = app.dir.path().to_path_buf();
    let ids = std::fs::read_to_string(dir.join("casi.txt")).unwrap();
    let (offline, conflicted) = ids.split_once('\n').unwrap();

    // The family taken in charge offline: its one change waits to be sent.
    app.go(&format!("#/nuclei/{offline}")).await;
    app.wait_route(&format!("/nuclei/{offline}")).await;
    assert_eq!(app.text_of("case-sync-waiting").await, "Modifiche in attesa di invio (1)");
    assert_eq!(app.text_of("sync-role").await, "Collegato alla sede «ufficio»");

    // The family in conflict: everything sent, nothing waits; an edit here
    // waits, beside the conflict.
    app.go(&format!("#/nuclei/{conflicted}")).await;
    app.wait_route(&format!("/nuclei/{conflicted}")).await;
    assert_eq!(app.text_of("case-sync-conflicts").await, "In conflitto (1)");
    let waiting =
        app.js("return document.querySelector('[data-testid=\"case-sync-waiting\"]') === null", vec![]).await;
    assert_eq!(waiting, Value::Bool(true), "nothing of this family waits");
    app.fill("household-phone", "+39 333 777 8888").await;
    app.click("household-save").await;
    app.wait_js("return document.querySelector('[data-testid=\"toast\"]')?.hidden === false").await;
    app.go(&format!("#/nuclei/{offline}")).await;
    app.wait_route(&format!("/nuclei/{offline}")).await;
    app.go(&format!("#/nuclei/{conflicted}")).await;
    app.wait_route(&format!("/nuclei/{conflicted}")).await;
    assert_eq!(app.text_of("case-sync-waiting").await, "Modifiche in attesa di invio (1)");
    assert_eq!(app.text_of("case-sync-conflicts").await, "In conflitto (1)");
    let shot = app.screenshot("caso-in-attesa-di-invio").await;
    eprintln!("schermata: {}", shot.display());
    app.stop().await;
}
