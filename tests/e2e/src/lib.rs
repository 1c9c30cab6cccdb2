//! The harness of the real-window tests: the real `sportello-app` binary, in a
//! real WebKitGTK window, driven through tauri-driver (WebDriver) under Xvfb.
//!
//! Each test gets its own temporary database and documents folder and a fixed
//! "today" (`--today`), so what it sees does not depend on the calendar. Tests
//! take turns (one tauri-driver on 127.0.0.1:4444 at a time). tauri-driver is
//! stopped with SIGTERM, never SIGKILL, so it can close the native driver and
//! the app behind it.
//!
//! Run with: `cargo build -p sportello-app && xvfb-run -a cargo test -p sportello-e2e`
//! (scripts/test-all.sh does both).

use std::io::Read;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

pub use fantoccini;

/// Argon2's memory for the tests' accounts, in KiB: fast, and stored in the
/// keys file, so only ever for throwaway databases.
const KDF_MEMORY_KIB: &str = "256";

/// The day the tests live in: a Saturday, with Milano's patron day (7 Dec) and
/// the Immacolata ahead, so the 20-working-day clock is not trivial.
pub const TODAY: &str = "2026-11-21";

const DRIVER_PORT: u16 = 4444;
const NATIVE_PORT: u16 = 4445;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
const WAIT: Duration = Duration::from_secs(15);

/// axe-core, for the accessibility checks only (tests/e2e/vendor/axe-core/README.md).
const AXE_SOURCE: &str = include_str!("../vendor/axe-core/axe.min.js");

// Async-aware: the turn is held for the whole test, across awaits.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

/// The app binary: `SPORTELLO_APP`, or the workspace's debug build.
fn app_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("SPORTELLO_APP") {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    let target = if target.is_absolute() { target } else { workspace_root().join(target) };
    target.join("debug").join("sportello-app")
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

fn port_open(port: u16) -> bool {
    TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_millis(200)).is_ok()
}

/// Sends SIGTERM to a process we started and waits for it (up to `grace`).
fn terminate(child: &mut Child, grace: Duration) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    // SAFETY: kill(2) with a pid we own and a plain signal number.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let start = Instant::now();
    while start.elapsed() < grace {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("e2e: tauri-driver (pid {}) non si è fermato entro {grace:?}", child.id());
}

fn wait_ports_free(grace: Duration) {
    let start = Instant::now();
    while (port_open(DRIVER_PORT) || port_open(NATIVE_PORT)) && start.elapsed() < grace {
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Processes whose command line mentions `needle` (our own temporary directory):
/// the app instances this test started, if the driver left any behind.
fn pids_mentioning(needle: &str) -> Vec<libc::pid_t> {
    let mut pids = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else { return pids };
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<libc::pid_t>() else { continue };
        let mut cmdline = Vec::new();
        if let Ok(mut f) = std::fs::File::open(entry.path().join("cmdline")) {
            let _ = f.read_to_end(&mut cmdline);
        }
        if String::from_utf8_lossy(&cmdline).contains(needle) && pid != std::process::id() as libc::pid_t {
            pids.push(pid);
        }
    }
    pids
}

/// The administrator of every test database, and everyone's password there
/// (the demo's accounts too: `sportello demo` is given it).
pub const ADMIN: &str = "amministratore";
pub const PASSWORD: &str = "sportello-prova";

/// How a test wants its app.
#[derive(Clone, Debug)]
pub struct Setup {
    pub today: String,
    /// Fill the database with `sportello demo` first.
    pub demo: bool,
    /// Leave the first-run screen on (no database yet). Otherwise a test
    /// without the demo gets an empty database made through that screen, and
    /// is logged in as [`ADMIN`].
    pub fresh: bool,
    /// With the demo: log in as this account (with [`PASSWORD`]) once the
    /// window is up; `None` leaves the login screen on.
    pub login: Option<String>,
    /// `--idle-lock-seconds`: the idle lock, in seconds, for the tests that wait for it.
    pub idle_lock_seconds: Option<u32>,
    /// Work on the database before the window opens it (after the demo):
    /// given the database's path; its folder is the test's own.
    pub prepare: Option<fn(&Path)>,
    /// The system's program that opens files (`SPORTELLO_VIEWER`): `true`
    /// unless a test wants another (e.g. one that is not there).
    pub viewer: Option<String>,
    /// The demo's own "today", when the window opens it on another day
    /// (`today`): years later, for the retention screen (issue 16 item 4).
    pub demo_today: Option<String>,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            today: TODAY.to_string(),
            demo: false,
            fresh: false,
            login: Some(ADMIN.to_string()),
            idle_lock_seconds: None,
            prepare: None,
            viewer: None,
            demo_today: None,
        }
    }
}

/// Logs in through the login screen (or the lock screen) and waits for the app.
pub async fn login(client: &Client, user: &str, password: &str) {
    let wait = |css: &'static str| async move {
        client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    };
    let username = wait(r#"[data-testid="login-username"]"#).await;
    username.clear().await.unwrap();
    username.send_keys(user).await.unwrap();
    let pw = wait(r#"[data-testid="login-password"]"#).await;
    pw.clear().await.unwrap();
    pw.send_keys(password).await.unwrap();
    wait(r#"[data-testid="login-submit"]"#).await.click().await.unwrap();
}

/// A running app in its window, with the WebDriver session that drives it.
pub struct App {
    pub client: Client,
    pub dir: tempfile::TempDir,
    driver: Child,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl App {
    pub async fn start() -> App {
        App::start_with(Setup::default()).await
    }

    // The guard is meant to live as long as the App: it serialises the real-window
    // tests of one binary (one tauri-driver port, one display), across their awaits.
    #[allow(clippy::await_holding_lock)]
    pub async fn start_with(setup: Setup) -> App {
        let turn = TURN.lock().await;
        assert!(
            std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some(),
            "le prove nella finestra vera hanno bisogno di uno schermo: lanciarle con `xvfb-run -a cargo test -p sportello-e2e`"
        );
        let app = app_binary();
        assert!(
            app.is_file(),
            "manca {}: prima `cargo build -p sportello-app` (scripts/test-all.sh lo fa)",
            app.display()
        );
        let driver_bin = find_in_path("tauri-driver")
            .expect("manca tauri-driver: `cargo install tauri-driver --locked --version ^2` (scripts/test-all.sh lo fa)");
        // The previous test's driver and native driver may still be letting go of their ports.
        wait_ports_free(Duration::from_secs(15));
        assert!(
            !port_open(DRIVER_PORT),
            "la porta {DRIVER_PORT} è già occupata: un altro tauri-driver è in esecuzione?"
        );

        let dir = tempfile::Builder::new().prefix("sportello-e2e-").tempdir().expect("cartella temporanea");
        let database = dir.path().join("sportello.sqlite");
        let documents = dir.path().join("documenti");
        std::fs::create_dir_all(&documents).unwrap();
        if setup.demo {
            let cli = app.with_file_name("sportello");
            let status = Command::new(&cli)
                .args(["demo", "--database"])
                .arg(&database)
                .args(["--today", setup.demo_today.as_deref().unwrap_or(&setup.today)])
                .env("SPORTELLO_PASSWORD", PASSWORD)
                .env("SPORTELLO_KDF_MEMORY_KIB", KDF_MEMORY_KIB)
                .stdout(Stdio::null())
                .status()
                .unwrap_or_else(|e| panic!("{}: {e}", cli.display()));
            assert!(status.success(), "sportello demo non è riuscito");
        }
        if let Some(prepare) = setup.prepare {
            prepare(&database);
        }

        let log = std::fs::File::create(dir.path().join("tauri-driver.log")).unwrap();
        let mut cmd = Command::new(&driver_bin);
        cmd.args(["--port", &DRIVER_PORT.to_string(), "--native-port", &NATIVE_PORT.to_string()]);
        if let Some(native) = find_in_path("WebKitWebDriver") {
            cmd.arg("--native-driver").arg(native);
        }
        // No PDF viewer pops up under Xvfb when a test opens a document; what
        // it would have shown is in the test's own viewing area.
        cmd.env("SPORTELLO_VIEWER", setup.viewer.as_deref().unwrap_or("true"));
        cmd.env("SPORTELLO_VIEWING_DIR", dir.path().join("visualizzazione"));
        // A cheap Argon2 for the accounts the tests create (never for a real database).
        cmd.env("SPORTELLO_KDF_MEMORY_KIB", KDF_MEMORY_KIB);
        let mut driver = cmd
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", driver_bin.display()));

        let started = Instant::now();
        while !port_open(DRIVER_PORT) {
            if let Ok(Some(status)) = driver.try_wait() {
                panic!(
                    "tauri-driver è uscito subito ({status}); vedere {}",
                    dir.path().join("tauri-driver.log").display()
                );
            }
            if started.elapsed() > Duration::from_secs(20) {
                terminate(&mut driver, Duration::from_secs(5));
                panic!("tauri-driver non ascolta sulla porta {DRIVER_PORT}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }

        let mut caps = serde_json::Map::new();
        let mut args = vec![
            "--database".to_string(),
            database.to_string_lossy().into_owned(),
            "--documents".to_string(),
            documents.to_string_lossy().into_owned(),
            "--today".to_string(),
            setup.today.clone(),
        ];
        if let Some(s) = setup.idle_lock_seconds {
            args.extend(["--idle-lock-seconds".to_string(), s.to_string()]);
        }
        caps.insert("tauri:options".into(), json!({ "application": app.to_string_lossy(), "args": args }));
        let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps);
        // tauri-driver listens before its native driver does: a refused first
        // session is tried again, within the same overall timeout.
        let connect = async {
            let mut last = None;
            for _ in 0..20 {
                match builder.connect(&format!("http://127.0.0.1:{DRIVER_PORT}")).await {
                    Ok(c) => return Ok(c),
                    Err(e) => {
                        last = Some(e);
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            }
            Err(last.unwrap())
        };
        let connected = tokio::time::timeout(CONNECT_TIMEOUT, connect).await;
        let client = match connected {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => {
                terminate(&mut driver, Duration::from_secs(5));
                panic!("sessione WebDriver non aperta: {e}");
            }
            Err(_) => {
                terminate(&mut driver, Duration::from_secs(5));
                panic!("nessuna risposta da tauri-driver entro {CONNECT_TIMEOUT:?}");
            }
        };
        let app = App { client, dir, driver, _turn: turn };
        app.wait_js("return document.body && document.body.dataset.ready === 'true'").await;
        if !setup.demo && !setup.fresh {
            // An empty database is made the way an office makes one: the
            // first-run screen, as the administrator.
            app.first_run(ADMIN, "Amministratore di sistema", PASSWORD).await;
        } else if let Some(user) = &setup.login {
            app.login_as(user, PASSWORD).await;
        }
        app
    }

    /// The first-run screen: creates the database with its administrator,
    /// passes the recovery key sheet, and waits for the app.
    pub async fn first_run(&self, user: &str, name: &str, password: &str) {
        self.el("screen-setup").await;
        self.fill("setup-username", user).await;
        self.fill("setup-name", name).await;
        self.fill("setup-password", password).await;
        self.fill("setup-password-repeat", password).await;
        self.click("setup-submit").await;
        self.el("screen-recovery-key").await;
        self.tick("recovery-confirm").await;
        self.click("recovery-continue").await;
        self.wait_js(
            "return !!document.querySelector('main') && !!document.querySelector('main').dataset.route",
        )
        .await;
    }

    /// Logs in and waits until the app's first screen is drawn.
    /// "Esci" from the user menu, back to the login screen.
    pub async fn logout(&self) {
        self.click("user-button").await;
        self.click("user-logout").await;
        self.el("screen-login").await;
    }

    pub async fn login_as(&self, user: &str, password: &str) {
        login(&self.client, user, password).await;
        self.wait_js(
            "return !!document.querySelector('main') && !!document.querySelector('main').dataset.route",
        )
        .await;
    }

    /// Where `document_open` and `ranking_export_csv` put the files they open.
    pub fn viewing_dir(&self) -> PathBuf {
        self.dir.path().join("visualizzazione")
    }

    /// Closes the session (the app with it) and stops tauri-driver with SIGTERM.
    pub async fn stop(mut self) {
        let client = self.client.clone();
        let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        terminate(&mut self.driver, Duration::from_secs(10));
        self.reap_apps();
        wait_ports_free(Duration::from_secs(10));
    }

    fn reap_apps(&self) {
        // The app's command line carries our temporary directory: any instance
        // still alive is ours. SIGTERM, as for the driver.
        for pid in pids_mentioning(&self.dir.path().to_string_lossy()) {
            // SAFETY: kill(2) on a process this test started.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
        }
    }

    // ---- finding things ----------------------------------------------------------

    pub fn sel(testid: &str) -> String {
        format!("[data-testid=\"{testid}\"]")
    }

    /// Waits for an element by its `data-testid`.
    pub async fn el(&self, testid: &str) -> Element {
        let css = App::sel(testid);
        match self.client.wait().at_most(WAIT).for_element(Locator::Css(&css)).await {
            Ok(e) => e,
            Err(e) => {
                self.screenshot_debug(testid).await;
                panic!("elemento {css} non trovato: {e}");
            }
        }
    }

    pub async fn all(&self, css: &str) -> Vec<Element> {
        self.client.find_all(Locator::Css(css)).await.unwrap_or_default()
    }

    pub async fn text_of(&self, testid: &str) -> String {
        self.el(testid).await.text().await.expect("testo")
    }

    /// Runs a script until it returns true (or fails the test after a while).
    pub async fn wait_js(&self, script: &str) {
        let start = Instant::now();
        loop {
            if let Ok(Value::Bool(true)) = self.client.execute(script, vec![]).await {
                return;
            }
            if start.elapsed() > WAIT {
                self.screenshot_debug("wait").await;
                panic!("condizione mai vera: {script}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client.execute(script, args).await.unwrap_or_else(|e| panic!("script {script}: {e}"))
    }

    // ---- acting --------------------------------------------------------------------

    /// Brings an element to the middle of the window: WebDriver's own scrolling
    /// puts it at the bottom edge, where the sticky save bar covers it.
    async fn centre(&self, e: &Element) {
        let _ = self
            .client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'}); return true;",
                vec![serde_json::to_value(e).unwrap()],
            )
            .await;
    }

    pub async fn click(&self, testid: &str) {
        // A list drawn again between finding the element and clicking it (the
        // caseload replaced by the search's answer) leaves a stale node: find
        // it again, a bounded number of times.
        for attempt in 1..=5 {
            let e = self.el(testid).await;
            self.centre(&e).await;
            match e.click().await {
                Ok(_) => return,
                Err(fantoccini::error::CmdError::Standard(w))
                    if w.error == fantoccini::error::ErrorStatus::StaleElementReference && attempt < 5 =>
                {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(err) => panic!("clic su {testid}: {err:?}"),
            }
        }
    }

    /// Types into an input, after clearing it.
    pub async fn fill(&self, testid: &str, text: &str) {
        let e = self.el(testid).await;
        self.centre(&e).await;
        if let Err(err) = e.clear().await {
            self.screenshot_debug(testid).await;
            panic!("svuotare {testid}: {err:?}");
        }
        if text.is_empty() {
            // WebKitWebDriver refuses empty keys; clearing fires no `input`, so say it.
            let arg = vec![serde_json::to_value(&e).unwrap()];
            let js = "arguments[0].dispatchEvent(new Event('input', {bubbles: true})); return true;";
            self.client.execute(js, arg).await.unwrap_or_else(|err| panic!("svuotare {testid}: {err}"));
            return;
        }
        e.send_keys(text).await.unwrap_or_else(|err| panic!("scrivere in {testid}: {err}"));
    }

    pub async fn choose(&self, testid: &str, value: &str) {
        let e = self.el(testid).await;
        self.centre(&e).await;
        e.select_by_value(value).await.unwrap_or_else(|err| panic!("scegliere {value} in {testid}: {err}"));
        let selected = e.prop("value").await.ok().flatten();
        assert_eq!(selected.as_deref(), Some(value), "{testid}: valore scelto");
    }

    /// Types into an input and leaves it with Tab (so its `change` fires).
    pub async fn fill_and_leave(&self, testid: &str, text: &str) {
        self.fill(testid, text).await;
        let tab = char::from(fantoccini::key::Key::Tab).to_string();
        self.el(testid).await.send_keys(&tab).await.unwrap_or_else(|err| panic!("Tab in {testid}: {err}"));
    }

    /// Chooses the option at `index` (0 is the empty "— scegliere —" where there is one).
    pub async fn choose_index(&self, testid: &str, index: usize) {
        let e = self.el(testid).await;
        self.centre(&e).await;
        e.select_by_index(index)
            .await
            .unwrap_or_else(|err| panic!("scegliere l'opzione {index} in {testid}: {err}"));
    }

    // ---- the keyboard -----------------------------------------------------------------

    /// Types keys (text and `fantoccini::key::Key` characters) into whatever
    /// has the focus, as a person at the keyboard would: no element is chosen.
    pub async fn keys(&self, keys: &str) {
        let active = self.client.active_element().await.expect("elemento attivo");
        active.send_keys(keys).await.unwrap_or_else(|err| panic!("tasti {keys:?}: {err}"));
    }

    /// One key, e.g. `app.key(Key::Tab)`.
    pub async fn key(&self, key: fantoccini::key::Key) {
        self.keys(&char::from(key).to_string()).await;
    }

    /// The `data-testid` of the element with the focus ("" when it has none).
    pub async fn focused(&self) -> String {
        let v = self
            .js(
                "const a = document.activeElement; return a && a.dataset ? (a.dataset.testid || '') : '';",
                vec![],
            )
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// Presses Tab until the focus is on `testid`, at most `max` times.
    pub async fn tab_to(&self, testid: &str, max: usize) {
        for _ in 0..=max {
            if self.focused().await == testid {
                return;
            }
            self.key(fantoccini::key::Key::Tab).await;
        }
        self.screenshot_debug(testid).await;
        panic!("{testid} non raggiunto con {max} Tab (fuoco su {:?})", self.focused().await);
    }

    /// The current value of a control found by its `data-testid`.
    pub async fn value_of(&self, testid: &str) -> String {
        let e = self.el(testid).await;
        e.prop("value").await.ok().flatten().unwrap_or_default()
    }

    pub async fn checked(&self, testid: &str) -> bool {
        self.el(testid).await.is_selected().await.unwrap_or(false)
    }

    /// Ticks a checkbox if it is not ticked yet.
    pub async fn tick(&self, testid: &str) {
        if !self.checked(testid).await {
            self.click(testid).await;
        }
    }

    pub async fn go(&self, hash: &str) {
        self.js("location.hash = arguments[0]; return true;", vec![json!(hash)]).await;
    }

    /// Waits until the router shows `route` (e.g. "/scadenze") and the screen is drawn.
    pub async fn wait_route(&self, route: &str) {
        self.wait_js(&format!(
            "const m = document.querySelector('main'); return !!m && m.dataset.route === {} && !m.querySelector('.screen > p.muted');",
            serde_json::to_string(route).unwrap()
        ))
        .await;
    }

    // ---- accessibility ---------------------------------------------------------------

    /// Runs axe-core (vendored in tests/e2e/vendor/axe-core, never shipped in
    /// the app) on the page as it is now, against WCAG 2.0 and 2.1, levels A
    /// and AA, and fails the test with every violation of impact "serious" or
    /// "critical" (rule, impact, help, the first elements' selectors); the
    /// minor and moderate ones, and axe's best practices beyond WCAG, are
    /// printed. `screen` names the page in the messages.
    pub async fn axe_check(&self, screen: &str) {
        let blocking = self.axe_serious(screen).await;
        if !blocking.is_empty() {
            self.screenshot_debug(&format!("axe-{screen}")).await;
            panic!(
                "axe: {} violazioni gravi o critiche in «{screen}»:\n  {}",
                blocking.len(),
                blocking.join("\n  ")
            );
        }
    }

    /// axe-core on the page as it is now: its serious and critical violations
    /// of WCAG 2.x A/AA, one line each (the rest is printed, not returned).
    pub async fn axe_serious(&self, screen: &str) -> Vec<String> {
        let violations = self.axe_violations().await;
        let mut blocking = Vec::new();
        for v in &violations {
            let impact = v["impact"].as_str().unwrap_or("?");
            let mut line = format!(
                "[{impact}] {} — {} ({} elementi)",
                v["id"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or(""),
                v["count"]
            );
            for n in v["nodes"].as_array().into_iter().flatten() {
                line.push_str(&format!("\n      {} {}", n["target"], n["html"].as_str().unwrap_or("")));
                if let Some(summary) = n["summary"].as_str() {
                    line.push_str(&format!("\n        {}", summary.replace('\n', " | ")));
                }
            }
            let wcag = v["wcag"] == Value::Bool(true);
            if !wcag {
                // axe's best practices beyond WCAG: shown, not failed.
                eprintln!("axe {screen} (pratica consigliata, non WCAG): {line}");
            } else if impact == "serious" || impact == "critical" {
                blocking.push(line);
            } else {
                eprintln!("axe {screen}: {line}");
            }
        }
        blocking
    }

    /// axe-core's violations on the page as it is now (each with id, impact,
    /// help, count and its first nodes), axe injected first if the page does
    /// not have it yet (a hash change keeps it; a reload does not).
    pub async fn axe_violations(&self) -> Vec<Value> {
        let present = self.js("return typeof window.axe === 'object';", vec![]).await;
        if present != Value::Bool(true) {
            let script = format!("{AXE_SOURCE}\n;return typeof window.axe === 'object';");
            let injected =
                self.client.execute(&script, vec![]).await.unwrap_or_else(|e| panic!("axe-core: {e}"));
            assert_eq!(injected, Value::Bool(true), "axe-core non caricato nella pagina");
        }
        // A long page in a debug build: give axe more than WebDriver's default 30 s.
        let _ = self
            .client
            .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
                Some(Duration::from_secs(120)),
                None,
                None,
            ))
            .await;
        let answer = self
            .client
            .execute_async(
                r#"
                const done = arguments[arguments.length - 1];
                axe.run(document, {
                  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
                  resultTypes: ['violations'],
                }).then((r) => done({
                  incomplete: r.incomplete.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} [${(n.any[0] || {}).message || ''}]`).join('; ')}`),
                  violations: r.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
                    wcag: v.tags.some((t) => /^wcag2/.test(t)),
                    nodes: v.nodes.slice(0, 4).map((n) => ({
                      target: n.target, html: n.html.slice(0, 240), summary: n.failureSummary,
                    })),
                  })),
                }), (e) => done({ error: String(e && e.stack || e) }));
                "#,
                vec![],
            )
            .await
            .unwrap_or_else(|e| panic!("axe.run: {e}"));
        if let Some(error) = answer.get("error") {
            panic!("axe.run: {error}");
        }
        if let Some(unsure) = answer["incomplete"].as_array().filter(|a| !a.is_empty()) {
            // What axe could not decide by itself (e.g. a contrast over a gradient): to be seen by a person.
            let list: Vec<&str> = unsure.iter().filter_map(Value::as_str).collect();
            eprintln!("axe: da verificare a mano: {}", list.join(", "));
        }
        answer["violations"].as_array().cloned().unwrap_or_default()
    }

    /// Text at 200 % (the root's font size doubled, as a browser's text zoom
    /// does) must lose nothing: the page does not scroll sideways, nothing in
    /// the content is clipped by a box that hides its overflow, and whatever
    /// reaches past the content's right edge sits in a box of its own that
    /// scrolls. Returns what is wrong ("" when nothing); the font size is put
    /// back afterwards.
    pub async fn text_at_200_percent_problems(&self) -> String {
        let v = self
            .js(
                r#"
                const root = document.documentElement;
                root.style.fontSize = '200%';
                void root.offsetWidth;
                const problems = [];
                const main = document.querySelector('main') || document.body;
                const vw = window.innerWidth;
                const page = document.scrollingElement.scrollWidth;
                if (page > vw + 1) problems.push(`la pagina scorre di lato: ${page} px su ${vw}`);
                const mainRight = main.getBoundingClientRect().right;
                const name = (el) => (el.dataset && el.dataset.testid) || el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : '');
                // A box of its own that scrolls (a table's), not the whole screen.
                const scroller = (el) => {
                  for (let a = el.parentElement; a && a !== main && a.parentElement !== main; a = a.parentElement) {
                    const ox = getComputedStyle(a).overflowX;
                    if (ox === 'auto' || ox === 'scroll') return a;
                  }
                  return null;
                };
                // The navigation keeps its links inside its own width.
                const nav = document.querySelector('nav.sidebar');
                if (nav) {
                  const navRight = nav.getBoundingClientRect().right;
                  const oy = getComputedStyle(nav).overflowY;
                  if (nav.scrollHeight > nav.clientHeight + 1 && oy !== 'auto' && oy !== 'scroll') {
                    problems.push(`la barra di navigazione è più alta della finestra e non scorre (${nav.scrollHeight} px in ${nav.clientHeight})`);
                  }
                  for (const el of nav.querySelectorAll('a, button, span, p, div')) {
                    if (el.closest('.visually-hidden')) continue;
                    const r = el.getBoundingClientRect();
                    if (r.width > 0 && r.right > navRight + 1) {
                      problems.push(`${name(el)} esce dalla barra di navigazione (${Math.round(r.right)} px oltre ${Math.round(navRight)})`);
                    }
                    if (getComputedStyle(el).overflowX === 'hidden' && el.scrollWidth > el.clientWidth + 1) {
                      problems.push(`${name(el)} taglia il suo contenuto (${el.scrollWidth} px in ${el.clientWidth})`);
                    }
                  }
                }
                for (const el of main.querySelectorAll('*')) {
                  if (el.closest('.visually-hidden')) continue;
                  const cs = getComputedStyle(el);
                  if (cs.display === 'none' || cs.visibility === 'hidden') continue;
                  const r = el.getBoundingClientRect();
                  if (r.width === 0 && r.height === 0) continue;
                  if ((cs.overflowX === 'hidden' || cs.overflowX === 'clip') && el.scrollWidth > el.clientWidth + 1) {
                    problems.push(`${name(el)} taglia il suo contenuto (${el.scrollWidth} px in ${el.clientWidth})`);
                  }
                  if (r.right > mainRight + 1) {
                    const s = scroller(el);
                    if (!s || s.getBoundingClientRect().right > mainRight + 1) {
                      problems.push(`${name(el)} esce dal contenuto (${Math.round(r.right)} px oltre ${Math.round(mainRight)})`);
                    }
                  }
                }
                root.style.fontSize = '';
                return [...new Set(problems)].slice(0, 20).join('\n');
                "#,
                vec![],
            )
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// Walks the page with Tab from where the focus is, as a keyboard-only
    /// operator does, until the focus comes back round (or `max` presses), and
    /// returns what is wrong ("" when nothing): a stop that is not drawn (no
    /// size, hidden), or one without a visible focus ring (an outline of at
    /// least 2 px, or a box shadow). Also returns how many stops it saw.
    pub async fn focus_walk_problems(&self, max: usize) -> (usize, String) {
        let mut seen: Vec<String> = Vec::new();
        let mut problems: Vec<String> = Vec::new();
        for _ in 0..max {
            self.key(fantoccini::key::Key::Tab).await;
            let v = self
                .js(
                    r#"
                    const a = document.activeElement;
                    if (!a || a === document.body) return null;
                    if (!a.dataset.focusWalk) a.dataset.focusWalk = String(Math.random()).slice(2);
                    const cs = getComputedStyle(a);
                    const r = a.getBoundingClientRect();
                    const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2)
                      || (cs.boxShadow && cs.boxShadow !== 'none');
                    const name = a.dataset.testid || (a.tagName.toLowerCase() + (a.id ? '#' + a.id : '')
                      + (a.getAttribute('href') ? `[href="${a.getAttribute('href')}"]` : ''));
                    return { key: a.dataset.focusWalk, name, ring: !!ring,
                             drawn: r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' };
                    "#,
                    vec![],
                )
                .await;
            let Some(key) = v["key"].as_str() else { continue };
            if seen.iter().any(|k| k == key) {
                break;
            }
            seen.push(key.to_string());
            let name = v["name"].as_str().unwrap_or("?");
            if v["drawn"] != Value::Bool(true) {
                problems.push(format!("il fuoco va su {name}, che non si vede"));
            } else if v["ring"] != Value::Bool(true) {
                problems.push(format!("{name} ha il fuoco senza un segno visibile"));
            }
        }
        (seen.len(), problems.join("\n"))
    }

    // ---- looking -------------------------------------------------------------------

    /// Saves a screenshot of the window into docs/screenshots/NAME.png.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        // Let fonts, layout and transitions settle.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = workspace_root().join("docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    async fn screenshot_debug(&self, what: &str) {
        if let Ok(url) = self.client.current_url().await {
            eprintln!("e2e: pagina {url}");
        }
        if let Ok(v) =
            self.client.execute("return document.documentElement.outerHTML.slice(0, 400)", vec![]).await
        {
            eprintln!("e2e: DOM {v}");
        }
        let safe: String = what.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
        if let Ok(png) = self.client.screenshot().await {
            let path = std::env::temp_dir().join(format!("sportello-e2e-fallito-{safe}.png"));
            let _ = std::fs::write(&path, png);
            eprintln!("e2e: schermata al momento dell'errore: {}", path.display());
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // A test that panicked never reached stop(): still never leave a driver behind.
        terminate(&mut self.driver, Duration::from_secs(10));
        self.reap_apps();
    }
}
