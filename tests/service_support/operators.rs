//! Operators with a role and an équipe, and the service opened as them: for
//! the tests of the case scope. Built on `Service::operator_save_in` (by the
//! administrator of the test database) and `Env::reopen` (the login), so it
//! follows however the service is opened.

use sportello::domain::{Operator, Role};
use sportello::service::Service;

use super::{today, Env};

/// Registers (or updates) `username` with `role` and `equipe` as the
/// environment's administrator.
pub fn register(e: &Env, username: &str, name: &str, role: Role, equipe: Option<&str>) -> Operator {
    e.service.operator_save_in(username, name, role, Some(equipe)).unwrap()
}

/// As [`register`], then logged in as them (on the tests' "today").
pub fn as_operator(e: &Env, username: &str, name: &str, role: Role, equipe: Option<&str>) -> Service {
    register(e, username, name, role, equipe);
    e.reopen(username, today())
}
