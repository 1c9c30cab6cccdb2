//! Who is acting, and for which office.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{form, Id};
use crate::error::Error;

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

/// The office that prints and signs the documents: the heading of every
/// printout, checked once by [`OfficeInput::validate`] (the settings form, the
/// `sportello agreement` file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    pub name: String,
    pub address: String,
    /// Empty: not printed.
    pub phone: String,
    /// Empty: not printed.
    pub email: String,
    /// Belfiore code: its calendar (patron day) sets the office days.
    pub comune: String,
}

/// The office as typed: in the settings, or as the `office` object of the
/// `sportello agreement` file (cli.md).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OfficeInput {
    pub name: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl From<&Office> for OfficeInput {
    fn from(o: &Office) -> Self {
        OfficeInput {
            name: Some(o.name.clone()),
            address: Some(o.address.clone()),
            phone: Some(o.phone.clone()),
            email: Some(o.email.clone()),
        }
    }
}

impl OfficeInput {
    /// Name and address are required; phone and e-mail are printed when given.
    /// `prefix` is where the office stands in the input (`office` in the
    /// command line's file, empty in the settings form); `comune` is its
    /// Belfiore code, checked by the caller against the calendars.
    pub fn validate(&self, prefix: &str, comune: &str) -> Result<Office, Error> {
        let at = |f: &str| if prefix.is_empty() { f.to_string() } else { format!("{prefix}.{f}") };
        Ok(Office {
            name: form::required_line(&at("name"), &self.name, "il nome dell'ufficio")?,
            address: form::required_line(&at("address"), &self.address, "l'indirizzo dell'ufficio")?,
            phone: form::optional_line(&at("phone"), &self.phone)?.unwrap_or_default(),
            email: form::optional_line(&at("email"), &self.email)?.unwrap_or_default(),
            comune: crate::domain::household::belfiore("comune", &Some(comune.to_string()), true)?
                .unwrap_or_default(),
        })
    }
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
