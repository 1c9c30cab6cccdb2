//! Who is acting, and for which office.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::Id;

string_enum!(
    /// Roles, from least to most power (the order matters: `>=` compares them).
    Role {
        Operatore = "operatore": "operatore",
        Coordinatore = "coordinatore": "coordinatore",
        Amministratore = "amministratore": "amministratore",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub id: Id,
    /// Login (the account name on the office computer).
    #[serde(default, skip_serializing)]
    pub username: String,
    pub name: String,
    pub role: Role,
}

/// The office that prints and signs the documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub email: String,
    /// Belfiore code: its calendar (patron day) sets the office days.
    pub comune: String,
}

impl Default for Office {
    /// The office of the seed documents (seed `000_…`): Servizi Sociali
    /// Territoriali, largo Treves 1, Milano. An administrator changes it.
    fn default() -> Self {
        Office {
            name: "Comune di Milano — Servizi Sociali Territoriali".into(),
            address: "largo Treves 1, 20121 Milano".into(),
            phone: "02 884.63068".into(),
            email: "pss.sostegnoalreddito@comune.milano.it".into(),
            comune: "F205".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub operator: Operator,
    pub office: Office,
    pub today: NaiveDate,
    pub database_path: String,
    /// The password was set by an administrator: the operator must choose
    /// their own before working.
    pub must_change_password: bool,
}
