//! Who may run which command: the roles × commands matrix of Sportello.
//!
//! Every command of the service (the IPC commands of `docs/ipc.md` and the
//! service's other entry points: office, operators, documents, agreement) has
//! its roles and its audit (whether it reads or writes a person's data, and so
//! leaves an audit row; whether it is limited to the case scope) in its row of
//! the one command table, src/service/commands.rs; [`MATRIX`] is built from
//! it. [`super::Service::authorize_and_audit`] is the only place that reads
//! it; a command missing from the table is refused, never allowed by default.
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
//! - A case whose processing is restricted (GDPR art. 18; an objection
//!   under art. 21 while it is assessed) is out of every operatore's scope,
//!   theirs included: kept, not used. Coordinatore and amministratore open
//!   it (they decide on the restriction, and answer the family's requests).
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

/// Operatore and up (roles are cumulative).
pub const ALL: &[Role] = &[O, C, A];
/// Coordinatore and amministratore.
pub const COORD: &[Role] = &[C, A];
/// Amministratore.
pub const ADMIN: &[Role] = &[A];

/// The roles × commands matrix: a line per row of src/service/commands.rs.
pub const MATRIX: &[Permission] = super::ipc::PERMISSIONS;

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
