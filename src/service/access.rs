//! Who may run which command: the one roles × commands table of Sportello.
//!
//! Every command of the service (the IPC commands of `docs/ipc.md` and the
//! service's other entry points: office, operators, documents, agreement) is a
//! row here, with the roles allowed and whether it reads or writes a person's
//! data (and so leaves an audit row). [`super::Service::authorize_and_audit`] is
//! the only place that reads it; a command missing from the table is refused,
//! never allowed by default, and `tests/security_access.rs` fails when an IPC
//! command is added without a row.
//!
//! Decisions where the issue is silent:
//! - Roles are cumulative: a coordinatore can do all an operatore can, an
//!   amministratore all a coordinatore can. In the offices this is for, the
//!   administrator is a coordinator or a senior social worker who also
//!   handles accounts and backups, and the first account of a new database
//!   (an amministratore) must be able to work on cases.
//! - "Own and team cases" of an operatore (the case scope): a case is in
//!   scope when its responsabile (`households.responsabile_id`) is the
//!   operatore, or an operator of the operatore's équipe (same non-empty
//!   `operators.equipe`). An operatore with no équipe sees their own cases.
//!   Coordinatore and amministratore see every case of the office (= of the
//!   database). The check is made in one place, [`super::Service::run`]'s gate,
//!   for every command marked `case` below, on the household its record is or
//!   belongs to (project, analysis, document, eligibility check).
//! - Cases with nobody in charge (`responsabile_id` NULL: only possible for
//!   data written outside the app, since a new case gets its creator and
//!   migration 6 gave old cases theirs) are in scope for everyone: a case
//!   nobody may open would be a family nobody follows; the coordinator
//!   assigns it, and the audit log records who looked meanwhile.
//! - Lists (`households_search`, `deadlines_board`) are filtered, not
//!   refused. Calls and rankings (Misura B2) stay office-level: applications
//!   are the office's, ranked together.
//! - A refused attempt on a case out of scope IS logged (one row, detail
//!   `rifiutato`, in its own committed transaction): "who tried to open this
//!   family's file" is what a coordinator must be able to answer. A refusal by
//!   role (the command itself is not the role's) leaves nothing: it names no
//!   family, and the UI does not offer it.

use crate::domain::Role;

use Role::{Amministratore as A, Coordinatore as C, Operatore as O};

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permission {
    /// The command's name (`docs/ipc.md`, or the service method's name).
    pub command: &'static str,
    /// The roles allowed to run it.
    pub roles: &'static [Role],
    /// Reads or writes someone's data: one audit row per run.
    pub personal_data: bool,
    /// Its record is a household or belongs to one: an operatore runs it only
    /// on a case in scope.
    pub case: bool,
}

const ALL: &[Role] = &[O, C, A];
const COORD: &[Role] = &[C, A];
const ADMIN: &[Role] = &[A];

const fn p(command: &'static str, roles: &'static [Role], personal_data: bool) -> Permission {
    Permission { command, roles, personal_data, case: false }
}

/// A command about one case (audited, and limited to the case scope).
const fn case(command: &'static str, roles: &'static [Role]) -> Permission {
    Permission { command, roles, personal_data: true, case: true }
}

/// The roles × commands matrix.
pub const MATRIX: &[Permission] = &[
    // Session and office.
    p("session", ALL, false),
    // Logins are on record (who opened the database, and how).
    p("login", ALL, true),
    p("password_change", ALL, true),
    // Accounts, backups, verification of the log: the administrator's.
    p("operators_list", COORD, false),
    p("operator_set_password", ADMIN, true),
    p("operator_revoke", ADMIN, true),
    // A new database key (after a revocation): every family's data rewritten.
    p("database_rekey", ADMIN, true),
    p("backup", ADMIN, true),
    p("audit_verify", COORD, false),
    p("office_set", ADMIN, true),
    p("operator_save", ADMIN, true),
    // Households.
    p("households_search", ALL, true),
    case("household_get", ALL),
    case("household_save", ALL),
    // A typed code checked against nothing stored: no one's record is touched.
    p("cf_check", ALL, false),
    // Analysis, project, signatures, deadlines.
    case("analysis_get", ALL),
    case("analysis_save", ALL),
    case("project_get", ALL),
    case("project_save", ALL),
    case("project_set_status", ALL),
    case("signature_record", ALL),
    p("deadlines_board", ALL, true),
    case("agreement_data", ALL),
    // Case folder.
    case("document_add", ALL),
    case("documents_list", ALL),
    case("document_open", ALL),
    // Printing from the case (the PDF goes into the case folder).
    case("agreement_print", ALL),
    case("convocation_print", ALL),
    case("esito_print", ALL),
    // Eligibility for misure 1-7: the desk's daily work.
    case("eligibility_facts_get", ALL),
    case("eligibility_facts_save", ALL),
    case("eligibility_check", ALL),
    case("eligibility_checks_list", ALL),
    // Who looked at a case: the coordinator answers for the office.
    case("audit_history", COORD),
    case("audit_history_print", COORD),
    // Who is in charge of a case: the coordinator distributes the cases.
    case("household_assign", COORD),
    // Calls of the Misura B2 (applications carry birth dates, ISEE, household
    // links). Publishing a ranking and deciding an appeal are acts of the
    // office's head (rules.md §4), not of the desk; the desk files appeals.
    p("calls_list", ALL, true),
    p("call_get", ALL, true),
    p("call_save", ALL, true),
    p("applications_import", ALL, true),
    p("application_save", ALL, true),
    p("ranking_draft", ALL, true),
    p("ranking_publish", COORD, true),
    p("ranking_versions", ALL, true),
    p("ranking_compare", ALL, true),
    p("ranking_export_csv", ALL, true),
    p("appeal_file", ALL, true),
    p("appeal_decide", COORD, true),
    // Sync between replicas (docs/sync.md): on a device any of its operators
    // syncs; the conflicts (both values of a family's field) are the
    // coordinator's to decide. The hub-side limit of `sync export --device`
    // and `sync import` to coordinatore and amministratore comes with the
    // hub and device roles of enrolment (issue 11).
    p("sync_export", ALL, true),
    p("sync_import", ALL, true),
    p("sync_conflicts", COORD, true),
    p("device_revoke", ADMIN, true),
];

/// The row of `command`, if it has one.
pub fn permission(command: &str) -> Option<&'static Permission> {
    MATRIX.iter().find(|p| p.command == command)
}

/// Whether `role` may run `command` (false for a command not in the table).
pub fn allowed(command: &str, role: Role) -> bool {
    permission(command).is_some_and(|p| p.roles.contains(&role))
}

/// Which cases an operator with `role` sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseScope {
    /// Every case of the office (= of the database).
    Office,
    /// Their own cases, their équipe's, and those with nobody in charge: see
    /// the module's notes.
    Team,
}

pub fn case_scope(role: Role) -> CaseScope {
    match role {
        Role::Operatore => CaseScope::Team,
        Role::Coordinatore | Role::Amministratore => CaseScope::Office,
    }
}

/// The detail of the audit row of an attempt refused because the case is out
/// of the operator's scope.
pub const REFUSED: &str = "rifiutato";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_command_appears_once_and_someone_may_run_it() {
        for (i, a) in MATRIX.iter().enumerate() {
            assert!(!a.roles.is_empty(), "{} has no role", a.command);
            assert!(MATRIX[i + 1..].iter().all(|b| b.command != a.command), "{} twice", a.command);
            // Cumulative roles: whatever a lower role may do, a higher one may too.
            for r in a.roles {
                assert!(ALL.iter().filter(|h| *h > r).all(|h| a.roles.contains(h)), "{}", a.command);
            }
        }
        assert!(!allowed("household_delete", Role::Amministratore), "unknown commands are refused");
    }

    #[test]
    fn every_action_of_the_service_has_a_row() {
        use crate::domain::StrEnum;
        for a in super::super::Action::ALL {
            assert!(
                permission(a.command()).is_some(),
                "{} → «{}» missing from MATRIX",
                a.as_str(),
                a.command()
            );
        }
    }
}
