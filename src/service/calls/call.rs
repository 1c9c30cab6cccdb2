//! The call itself: the list, one call with what this operator may do, and
//! saving a call (before its ranking is published).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{load, load_rules, Loaded};
use crate::domain::{form, Id};
use crate::error::{Code, Error};
use crate::money::Money;
use crate::rules::appeals::{Appeal, AppealOutcome, Call};
use crate::rules::applications::Application;
use crate::rules::b2::{new_call_rules, NewCallRules};
use crate::rules::rule_set::{RuleSet, RuleSetRef, RuleSets};
use crate::service::{Action, Service};
use crate::storage::{ApplicationRow, CallRow};

/// The measures a call may run (the schema's CHECK says the same).
pub const MEASURES: [&str; 2] = ["b2-anziani", "b2-disabili"];

/// The call form as the UI sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CallInput {
    /// Absent for a new call.
    pub id: Option<String>,
    pub title: Option<String>,
    pub measure: Option<String>,
    pub rule_set: Option<String>,
    pub budget: Option<String>,
    /// Empty: the issuing office of the rule set.
    pub office: Option<String>,
}

/// A call in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallSummary {
    pub id: Id,
    pub title: String,
    pub measure: String,
    pub measure_title: String,
    pub rule_set: RuleSetRef,
    /// The rule set in words ("Misura B2 anziani e disabili — raccolta 2019"):
    /// what the screens show, never the file's id.
    pub rule_set_title: String,
    pub budget: Money,
    pub office: String,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    pub applications: usize,
    /// Published versions (0: still a draft).
    pub versions: u32,
    pub published_on: Option<NaiveDate>,
    pub appeal_deadline: Option<NaiveDate>,
    pub pending_appeals: usize,
    pub created_at: String,
    pub updated_at: String,
}

/// A call with its applications and appeals, and what this operator may do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallDetail {
    #[serde(flatten)]
    pub summary: CallSummary,
    pub applications: Vec<ApplicationRow>,
    pub appeals: Vec<Appeal>,
    /// Upheld appeals not yet in a published version: a new version is due.
    pub upheld_not_published: Vec<u32>,
    /// Applications can still be added or changed (nothing published yet).
    pub editable: bool,
    /// Publishing and deciding appeals belong to coordinatore/amministratore.
    pub can_publish: bool,
    pub can_decide: bool,
}

fn summary(l: &Loaded, set: Option<&RuleSet>) -> CallSummary {
    let measure_title = set
        .and_then(|s| s.b2())
        .and_then(|b| b.measures.get(&l.row.measure))
        .map_or_else(|| l.row.measure.clone(), |m| m.title.clone());
    let rule_set_title = set.map_or_else(|| l.row.rule_set.id.clone(), |s| s.title.clone());
    let last = l.versions.last().map(|v| &v.version);
    CallSummary {
        id: l.row.id,
        title: l.row.title.clone(),
        measure: l.row.measure.clone(),
        measure_title,
        rule_set: l.row.rule_set.clone(),
        rule_set_title,
        budget: l.row.budget,
        office: l.row.office.clone(),
        window_from: l.row.window_from,
        window_to: l.row.window_to,
        applications: l.apps.len(),
        versions: l.versions.len() as u32,
        published_on: last.map(|v| v.published_on),
        appeal_deadline: last.map(|v| v.appeal_deadline),
        pending_appeals: l.call.appeals().iter().filter(|a| a.outcome == AppealOutcome::Pending).count(),
        created_at: l.row.created_at.clone(),
        updated_at: l.row.updated_at.clone(),
    }
}

fn upheld_not_published(call: &Call) -> Vec<u32> {
    let applied: Vec<u32> = call.versions().iter().flat_map(|v| v.upheld_appeals.iter().copied()).collect();
    call.appeals()
        .iter()
        .filter(|a| matches!(a.outcome, AppealOutcome::Upheld { .. }) && !applied.contains(&a.id))
        .map(|a| a.id)
        .collect()
}

impl Service {
    /// Every call, newest first.
    pub fn calls_list(&self) -> Result<Vec<CallSummary>, Error> {
        let rules = load_rules()?;
        self.run(Action::CallsList, None, |tx, _| {
            tx.calls_list()?
                .into_iter()
                .map(|row| {
                    let l = load(tx, row.id)?;
                    Ok(summary(&l, rules.get(&l.row.rule_set.id).ok()))
                })
                .collect()
        })
    }

    /// What the new-call form starts from: the B2 rule sets of the office's
    /// comune, the one in force today proposed (none when no set covers today,
    /// with a note saying so: see [`new_call_rules`]).
    pub fn call_template(&self) -> Result<NewCallRules, Error> {
        let rules = load_rules()?;
        let today = self.today();
        self.run(Action::CallTemplate, None, |tx, _| {
            let comune = crate::service::office(tx)?.comune;
            Ok(new_call_rules(&rules, &comune, today))
        })
    }

    pub fn call_get(&self, id: Id) -> Result<CallDetail, Error> {
        let rules = load_rules()?;
        self.run(Action::CallGet, Some(id), |tx, _| {
            let l = load(tx, id)?;
            Ok(self.detail(&l, &rules))
        })
    }

    fn detail(&self, l: &Loaded, rules: &RuleSets) -> CallDetail {
        let role = self.operator.role;
        CallDetail {
            summary: summary(l, rules.get(&l.row.rule_set.id).ok()),
            applications: l.apps.clone(),
            appeals: l.call.appeals().to_vec(),
            upheld_not_published: upheld_not_published(&l.call),
            editable: l.versions.is_empty(),
            can_publish: crate::service::access::allowed("ranking_publish", role),
            can_decide: crate::service::access::allowed("appeal_decide", role),
        }
    }

    /// Creates a call or changes one not yet published. The collection window
    /// is the rule set's; the office defaults to the rule set's issuing office.
    pub fn call_save(&self, input: CallInput) -> Result<CallDetail, Error> {
        let rules = load_rules()?;
        let title = form::required_line("title", &input.title, "il titolo dell'avviso")?;
        let measure = form::required_line("measure", &input.measure, "la misura")?;
        if !MEASURES.contains(&measure.as_str()) {
            return Err(Error::invalid(
                "measure",
                format!("misura «{measure}» non gestita: indicare b2-anziani oppure b2-disabili"),
            ));
        }
        let rule_set = form::required_line("rule_set", &input.rule_set, "l'insieme di regole")?;
        let (set, b2rules) = rules.b2(&rule_set)?;
        b2rules.measure(&measure)?;
        let budget_text = form::required_line("budget", &input.budget, "lo stanziamento")?;
        let budget = Money::parse(&budget_text).map_err(|e| e.with_field("budget"))?;
        if budget.is_negative() {
            return Err(Error::invalid("budget", "lo stanziamento non può essere negativo"));
        }
        let office = form::optional_text("office", &input.office)?.unwrap_or_else(|| b2rules.office.clone());
        let id = form::optional_id("id", &input.id)?;
        let (from, to) = b2rules.window.value;
        let record = id.unwrap_or_else(Id::new);
        self.run(Action::CallSave, Some(record), |tx, stamp| {
            let mut row = CallRow {
                id: record,
                title: title.clone(),
                measure: measure.clone(),
                rule_set: set.reference(),
                budget,
                office: office.clone(),
                window_from: from,
                window_to: to,
                created_at: stamp.at.clone(),
                updated_at: stamp.at.clone(),
            };
            match id {
                None => tx.call_insert(&row, stamp)?,
                Some(id) => {
                    let l = load(tx, id)?;
                    if !l.versions.is_empty() {
                        return Err(Error::new(
                            Code::Conflict,
                            "L'avviso ha una graduatoria pubblicata: non si può più modificare",
                        ));
                    }
                    // The applications must still rank under the new measure/rules.
                    let apps: Vec<Application> = l.apps.iter().map(|a| a.application.clone()).collect();
                    Call::new(set, &measure, budget, apps)?;
                    row.created_at = l.row.created_at.clone();
                    row.updated_at = crate::service::later_than(&stamp.at, &l.row.updated_at);
                    tx.call_update(&row, stamp)?;
                }
            }
            let l = load(tx, record)?;
            Ok(self.detail(&l, &rules))
        })
    }
}
