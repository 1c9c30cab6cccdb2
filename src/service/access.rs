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
//! - "Own and team cases" of an operatore: there is no team model yet, and one
//!   database belongs to one office (the `office` table has one row), whose
//!   social workers are one équipe that covers for each other. So the team is
//!   the office and an operatore sees every case of the database; the audit
//!   log records each look. When teams (équipes within an office) are modelled,
//!   the scope check belongs in [`case_scope`].

use super::{Action, Service};
use crate::domain::{Id, Role};
use crate::error::Error;
use crate::storage::AuditEntry;

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
}

const ALL: &[Role] = &[O, C, A];
const COORD: &[Role] = &[C, A];
const ADMIN: &[Role] = &[A];

const fn p(command: &'static str, roles: &'static [Role], personal_data: bool) -> Permission {
    Permission { command, roles, personal_data }
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
    p("backup", ADMIN, true),
    p("audit_verify", COORD, false),
    p("office_set", ADMIN, true),
    p("operator_save", ADMIN, true),
    // Households.
    p("households_search", ALL, true),
    p("household_get", ALL, true),
    p("household_save", ALL, true),
    // A typed code checked against nothing stored: no one's record is touched.
    p("cf_check", ALL, false),
    // Analysis, project, signatures, deadlines.
    p("analysis_get", ALL, true),
    p("analysis_save", ALL, true),
    p("project_get", ALL, true),
    p("project_save", ALL, true),
    p("project_set_status", ALL, true),
    p("signature_record", ALL, true),
    p("deadlines_board", ALL, true),
    p("agreement_data", ALL, true),
    // Case folder.
    p("document_add", ALL, true),
    p("documents_list", ALL, true),
    p("document_open", ALL, true),
    // Printing from the case (the PDF goes into the case folder).
    p("agreement_print", ALL, true),
    p("convocation_print", ALL, true),
    p("esito_print", ALL, true),
    // Eligibility for misure 1-7: the desk's daily work.
    p("eligibility_facts_get", ALL, true),
    p("eligibility_facts_save", ALL, true),
    p("eligibility_check", ALL, true),
    p("eligibility_checks_list", ALL, true),
    // Who looked at a case: the coordinator answers for the office.
    p("audit_history", COORD, true),
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
];

/// The row of `command`, if it has one.
pub fn permission(command: &str) -> Option<&'static Permission> {
    MATRIX.iter().find(|p| p.command == command)
}

/// Whether `role` may run `command` (false for a command not in the table).
pub fn allowed(command: &str, role: Role) -> bool {
    permission(command).is_some_and(|p| p.roles.contains(&role))
}

impl Service {
    /// The access history of a record (a household, a project, a document),
    /// oldest first: who read or changed it, and when. Coordinators and
    /// administrators only; looking is itself recorded.
    pub fn audit_history(&self, record: Id) -> Result<Vec<AuditEntry>, Error> {
        self.run(Action::AuditHistory, Some(record), |tx, _| {
            let mut rows = tx.audit_entries(Some(record))?;
            // Not the row of this very look: the history is of the others.
            rows.pop();
            Ok(rows)
        })
    }
}

/// Which cases an operator with `role` sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseScope {
    /// Every case of the office (= of the database): see the module's notes.
    Office,
}

pub fn case_scope(_role: Role) -> CaseScope {
    CaseScope::Office
}

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
