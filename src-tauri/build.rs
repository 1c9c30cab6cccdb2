// The app's commands are declared here so that tauri-build generates one
// permission per command; capabilities/default.json then grants the window
// exactly these and, of the plugins, only the file dialogs (no core API).
//
// The service's commands are the rows of the library's one command table
// (src/service/commands.rs: `sportello::service::ipc::COMMANDS`, and the
// `#[tauri::command]`s through `sportello::for_each_command!`), read here as
// text, so that a new command is a row there and not copies to keep in step.
include!("table_names.rs");

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
    println!("cargo:rerun-if-changed=../src/service/commands.rs");
    println!("cargo:rerun-if-changed=table_names.rs");
    // Read when the script runs, not built into it: `rerun-if-changed` above
    // re-runs the script when the table changes, but an `include_str!` of a
    // file outside this package was seen not to rebuild the script, which
    // then declared the commands of an old table.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../src/service/commands.rs");
    let table: &'static str =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).leak();
    let mut commands: Vec<&'static str> = ipc_names(table);
    assert!(!commands.is_empty(), "no command read from src/service/commands.rs");
    commands.extend_from_slice(APP_COMMANDS);
    // tauri-build keeps the list for the rest of the build.
    let commands: &'static [&'static str] = commands.leak();
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri-build");
}
