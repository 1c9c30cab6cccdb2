//! Places by name and the rules of the household form: what the window asks
//! while a household is typed in, touching nobody's data (not audited).
//!
//! - `places_search`: the comuni (and foreign states) whose name matches what
//!   is typed, accent-blind, with the province (`catalog::places`);
//! - `member_rules`: the rules in force today that the form follows, so the
//!   window holds no copy of them: the age from which the employment status is
//!   asked, the permit's warning window, which kinds of permit end.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Action, Service};
use crate::catalog::places::{Place, PlaceKind, Places};
use crate::domain::household::employment_age;
use crate::domain::{form, permit, PermitKind, StrEnum};
use crate::error::Error;

/// Most places a search answers: enough to choose from while typing.
pub const PLACES_LIMIT: usize = 20;

/// `places_search` input (docs/ipc.md).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlacesSearch {
    pub query: Option<String>,
    /// `comune` (the default), `stato` or `tutti`.
    pub kind: Option<String>,
    /// The day the places must be in force (default: today); `tutti` for any day.
    pub on: Option<String>,
}

/// One place found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlaceFound {
    pub code: String,
    pub name: String,
    pub alt_name: Option<String>,
    pub province: String,
    /// As shown: "Rozzano (MI)", "Marocco".
    pub label: String,
    pub foreign: bool,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl From<&Place> for PlaceFound {
    fn from(p: &Place) -> Self {
        PlaceFound {
            code: p.code.clone(),
            name: p.name.clone(),
            alt_name: p.alt_name.clone(),
            province: p.province.clone(),
            label: p.label(),
            foreign: p.is_foreign(),
            from: p.from,
            to: p.to,
        }
    }
}

/// A kind of permit, as the form needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PermitKindRule {
    pub kind: PermitKind,
    /// Whether it has an expiry (the form asks for it only then).
    pub expires: bool,
}

/// `member_rules` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberRules {
    pub today: NaiveDate,
    /// Age from which the employment status is asked.
    pub employment_age: u32,
    /// Where that age comes from.
    pub employment_age_act: String,
    /// Calendar days before a permit's expiry that it is on the board.
    pub permit_warning_days: u32,
    pub permit_warning_act: String,
    pub permit_kinds: Vec<PermitKindRule>,
    /// The countries a citizenship is chosen from (ISO 3166-1 numeric, by
    /// Italian name; Italy left out: "italiana" says it).
    pub countries: Vec<&'static crate::catalog::siuss_codes::Country>,
}

impl Service {
    /// The places whose name matches `input.query` (at most [`PLACES_LIMIT`]).
    pub fn places_search(&self, input: PlacesSearch) -> Result<Vec<PlaceFound>, Error> {
        self.run(Action::PlacesSearch, None, |_, _| Ok(()))?;
        let kind = match form::clean(&input.kind).as_deref() {
            None | Some("comune") => PlaceKind::Comune,
            Some("stato") => PlaceKind::StatoEstero,
            Some("tutti") => PlaceKind::Any,
            Some(other) => {
                return Err(Error::invalid(
                    "kind",
                    format!("tipo di luogo non valido: «{other}» (comune, stato o tutti)"),
                ))
            }
        };
        let on = match form::clean(&input.on).as_deref() {
            None => Some(self.today()),
            Some("tutti") => None,
            Some(_) => Some(form::required_date("on", &input.on, "la data")?),
        };
        let query = form::clean(&input.query).unwrap_or_default();
        Ok(Places::builtin()
            .search(&query, kind, on, PLACES_LIMIT)
            .into_iter()
            .map(PlaceFound::from)
            .collect())
    }

    /// The rules in force today that the household form follows.
    pub fn member_rules(&self) -> Result<MemberRules, Error> {
        self.run(Action::MemberRules, None, |_, _| Ok(()))?;
        let today = self.today();
        let age = employment_age(today)?;
        let warning = permit::warning_window(today)?;
        Ok(MemberRules {
            today,
            employment_age: age.value,
            employment_age_act: age.act.clone(),
            permit_warning_days: warning.value,
            permit_warning_act: warning.act.clone(),
            permit_kinds: PermitKind::ALL
                .iter()
                .map(|&kind| PermitKindRule { kind, expires: kind.expires() })
                .collect(),
            countries: crate::catalog::siuss_codes::countries()
                .into_iter()
                .filter(|c| c.code != crate::catalog::siuss_codes::ITALY)
                .collect(),
        })
    }
}
