// The app's commands are declared here so that tauri-build generates one
// permission per command; capabilities/default.json then grants the window
// exactly these and nothing else (no plugin, no core API).
const COMMANDS: &[&str] = &[
    "session",
    "households_search",
    "household_get",
    "household_save",
    "cf_check",
    "analysis_get",
    "analysis_save",
    "project_get",
    "project_save",
    "project_set_status",
    "agreement_print",
    "signature_record",
    "deadlines_board",
    "convocation_print",
    "documents_list",
    "document_open",
    "eligibility_facts_get",
    "eligibility_facts_save",
    "eligibility_check",
    "eligibility_checks_list",
    "esito_print",
    "calls_list",
    "call_get",
    "call_save",
    "applications_import",
    "application_save",
    "ranking_draft",
    "ranking_publish",
    "ranking_versions",
    "ranking_compare",
    "appeal_file",
    "appeal_decide",
    "ranking_export_csv",
    "password_change",
    "operators_list",
    "operator_save",
    "operator_set_password",
    "operator_revoke",
];

// The shell's own commands (login, lock, the window): src-tauri/src/commands.rs.
const SHELL_COMMANDS: &[&str] = &[
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
    let all: &'static [&'static str] = [COMMANDS, SHELL_COMMANDS].concat().leak();
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(all)),
    )
    .expect("tauri-build");
}
