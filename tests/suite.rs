//! The library's integration tests, one executable: each file of tests/ is a
//! module here (its name says what it covers: `cli_*` the command line,
//! `service_*` the service and its JSON contract, `security_*`, `storage_*`,
//! `sync_*`, `print_*`, `rules_*`). One executable instead of forty links the
//! library, SQLCipher and the PDF writer once: a clean CI build was spending
//! minutes and gigabytes on the forty links. Run one file's tests with
//! `cargo test --test suite service_calls::`.
//!
//! Three stay on their own, because they act on the whole process:
//! `security_encryption` (sets TMPDIR and the viewing folder for everything
//! in it), `crash_kill` (kills its children 200 times) and `sync_simulation`
//! (the seeded simulation that scripts/sync-simulation.sh runs long).

mod print_support;
mod service_support;
mod update_support;

mod basics_calendar;
mod basics_cf;
mod cli_agreement;
mod cli_basics;
mod cli_call;
mod cli_crash_outputs;
mod cli_outputs;
mod cli_rules;
mod cli_update;
mod fuzz_parsers;
mod layering;
mod print_agreement;
mod print_convocation;
mod print_layout;
mod print_patto_one_way;
mod print_ranking;
mod rules_appeals;
mod rules_coverage;
mod rules_props;
mod rules_scenari;
mod security_access;
mod security_audit;
mod security_backup;
mod security_encrypt_plain;
mod security_rekey;
mod security_scope;
mod security_store;
mod service_calls;
mod service_demo;
mod service_documents;
mod service_documents_print;
mod service_eligibility;
mod service_households;
mod service_housing;
// Issue 12 item 3: monitoring, re-design and closure of the project.
mod service_informativa;
mod service_ipc;
mod service_ipc_strict;
mod service_monitoring;
mod service_people;
mod service_programmes;
mod service_project_finance;
mod service_quadro;
mod service_reimbursements;
// GDPR issue 16 items 2-3 (branch h2): access, portability, field history.
mod service_data_requests;
mod service_restore;
mod service_restriction;
// Retention and erasure (issue 16 item 4).
mod service_retention;
mod service_retention_records;
mod service_signing;
mod service_siuss;
mod service_update;
mod storage_migrations;
mod storage_roundtrip;
mod sync_enrol;
mod sync_network;
mod sync_numbers_audit;
mod sync_replicas;
mod sync_resolve;
// h3: the ESF+ 2021-2027 indicators (issue 12 item 4).
mod cli_esf_plus;
mod service_esf_plus;
mod storage_esf_plus;
