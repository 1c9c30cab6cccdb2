// The app's commands are declared here so that tauri-build generates one
// permission per command; capabilities/default.json then grants the window
// exactly these and nothing else (no plugin, no core API).
//
// The service's commands come from the one list the library reads too
// (src/service/commands.txt, also `sportello::service::ipc::COMMANDS`), so that
// a new command is a line there and not three copies to keep in step.
const SERVICE_COMMANDS: &str = include_str!("../src/service/commands.txt");

/// The shell's own commands (login, lock, the window): src-tauri/src/commands.rs.
const APP_COMMANDS: &[&str] = &[
    "app_state",
    "setup_create",
    "login",
    "restore_backups",
    "restore_backup",
    "lock",
    "logout",
    "ui_dirty",
    "app_quit",
    "ui_ready",
];

fn main() {
    println!("cargo:rerun-if-changed=../src/service/commands.txt");
    let mut commands: Vec<&'static str> =
        SERVICE_COMMANDS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    commands.extend_from_slice(APP_COMMANDS);
    // tauri-build keeps the list for the rest of the build.
    let commands: &'static [&'static str] = commands.leak();
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri-build");
}
