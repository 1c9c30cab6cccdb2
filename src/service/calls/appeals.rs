//! Appeals against a published ranking: filed within the deadline, decided
//! (an upheld appeal corrects the application; a new version is then due).

use serde::Deserialize;

use super::applications::{applicant_link, parse_one, used_flags, ApplicationInput};
use super::{load, load_rules};
use crate::domain::form;
use crate::error::Error;
use crate::rules::appeals::{Appeal, AppealOutcome, Decision};
use crate::service::{not_found, Action, Service};
use crate::storage::ApplicationRow;

/// An appeal as filed at the desk.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppealInput {
    pub call_id: Option<String>,
    pub protocol: Option<String>,
    pub filed_on: Option<String>,
    pub grounds: Option<String>,
    pub documents: Vec<Option<String>>,
}

/// The decision on an appeal. `corrected`: for an upheld appeal, the fields of
/// the application that change (the others keep their value).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppealDecisionInput {
    pub call_id: Option<String>,
    pub appeal_id: Option<u32>,
    pub decided_on: Option<String>,
    /// `upheld` (accolto) or `rejected` (respinto).
    pub outcome: Option<String>,
    pub note: Option<String>,
    pub corrected: Option<ApplicationInput>,
}

impl Service {
    /// Files an appeal against the latest version, within its deadline.
    pub fn appeal_file(&self, input: AppealInput) -> Result<Appeal, Error> {
        let call_id = form::required_id("call_id", &input.call_id, "l'avviso")?;
        let protocol = form::required_line("protocol", &input.protocol, "il protocollo della domanda")?;
        let filed_on = form::required_date("filed_on", &input.filed_on, "la data di presentazione")?;
        let grounds = form::required_text("grounds", &input.grounds, "i motivi del ricorso")?;
        let documents = form::text_list("documents", &input.documents)?;
        self.run(Action::AppealFile, Some(call_id), |tx, stamp| {
            let mut l = load(tx, call_id)?;
            let id = l.call.file_appeal(&protocol, filed_on, &grounds, documents.clone())?;
            let appeal = l.call.appeals().iter().find(|a| a.id == id).expect("just filed").clone();
            tx.appeal_insert(call_id, &appeal, stamp)?;
            Ok(appeal)
        })
    }

    /// Decides a pending appeal. Upheld: the application takes the corrected
    /// data (the original is kept in the appeal); a new version is then due.
    pub fn appeal_decide(&self, input: AppealDecisionInput) -> Result<Appeal, Error> {
        let rules = load_rules()?;
        let call_id = form::required_id("call_id", &input.call_id, "l'avviso")?;
        let appeal_id = input.appeal_id.ok_or_else(|| Error::invalid("appeal_id", "Indicare il ricorso"))?;
        let decided_on = form::required_date("decided_on", &input.decided_on, "la data della decisione")?;
        let note = form::required_text("note", &input.note, "la motivazione della decisione")?;
        let outcome = form::required_line("outcome", &input.outcome, "l'esito")?;
        self.run(Action::AppealDecide, Some(call_id), |tx, stamp| {
            let mut l = load(tx, call_id)?;
            let set = rules.get(&l.row.rule_set.id)?;
            let decision = match outcome.as_str() {
                "rejected" => Decision::Rejected { note: note.clone() },
                "upheld" => {
                    let appeal = l
                        .call
                        .appeals()
                        .iter()
                        .find(|a| a.id == appeal_id)
                        .ok_or_else(|| Error::not_found(format!("ricorso n. {appeal_id} non trovato")))?;
                    let current = l
                        .call
                        .applications()
                        .iter()
                        .find(|a| a.protocol == appeal.protocol)
                        .ok_or_else(|| not_found("Domanda"))?;
                    let given = input.corrected.clone().unwrap_or_default();
                    let mut cells = given.over(current);
                    // The protocol is the appeal's: a correction cannot move it.
                    cells[0] = current.protocol.clone();
                    let corrected = parse_one(&cells, &used_flags(set, &l.row.measure)?)
                        .map_err(|e| Error { field: e.field.map(|f| format!("corrected.{f}")), ..e })?;
                    if &corrected == current {
                        return Err(Error::invalid(
                            "corrected",
                            "Ricorso accolto senza correzioni: indicare i dati della domanda che cambiano",
                        ));
                    }
                    Decision::Upheld { corrected, note: note.clone() }
                }
                other => {
                    return Err(Error::invalid(
                        "outcome",
                        format!("esito «{other}» non valido: accolto (upheld) oppure respinto (rejected)"),
                    ))
                }
            };
            let appeal = l.call.decide_appeal(appeal_id, decided_on, decision)?.clone();
            tx.appeal_decide(call_id, &appeal, stamp)?;
            if let AppealOutcome::Upheld { corrected, .. } = &appeal.outcome {
                let linked = l.apps.iter().find(|a| a.application.protocol == corrected.protocol);
                let household_id = linked.and_then(|a| a.household_id);
                let member_id = linked.and_then(|a| a.member_id);
                // A correction keeps the application and its applicant's record in agreement.
                applicant_link(tx, corrected, household_id, member_id, set.comune.as_deref())
                    .map_err(|e| Error { field: e.field.map(|f| format!("corrected.{f}")), ..e })?;
                tx.application_update(
                    call_id,
                    &ApplicationRow { application: (**corrected).clone(), household_id, member_id },
                    stamp,
                )?;
            }
            Ok(appeal)
        })
    }
}
