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
    "household_assign",
    "audit_history",
    "audit_history_print",
    "operators_list",
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
    "ui_ready",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build");
}
