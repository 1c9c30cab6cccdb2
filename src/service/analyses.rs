//! Analisi preliminare: recording it starts the signing clock.

use super::{not_found, office, Action, Service};
use crate::calendar::try_add_working_days;
use crate::domain::analysis::AnalysisInput;
use crate::domain::{procedure, Analysis, Id, StrEnum};
use crate::error::{Code, Error};

/// What the project rests on (the analysis, the équipe's quadro) changes
/// only while nobody has signed the project: once a signature is in, the
/// text on paper is what was signed, and what it was built on with it.
pub(super) fn unsigned_project(
    tx: &crate::storage::Tx<'_>,
    household_id: Id,
    basis: &str,
) -> Result<(), Error> {
    let Some(p) = tx.project_of_household(household_id)? else { return Ok(()) };
    if !p.status.editable() {
        return Err(Error::new(
            Code::Conflict,
            format!("Il progetto è «{}»: {basis} su cui si basa non si può più modificare", p.status.label()),
        ));
    }
    if !p.signatures.is_empty() {
        return Err(Error::new(
            Code::Conflict,
            format!("Sono già state registrate firme del progetto: riportare il progetto in bozza prima di modificare {basis}"),
        ));
    }
    Ok(())
}

impl Service {
    pub fn analysis_get(&self, household_id: Id) -> Result<Option<Analysis>, Error> {
        self.run(Action::AnalysisGet, Some(household_id), |tx, _| {
            tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            tx.analysis_of_household(household_id)
        })
    }

    /// Records (or corrects) the household's analysis. The signing deadline is
    /// the interview date plus the window in force that day, in office days of
    /// the office's comune; it is stored, since it is what the family was told.
    /// Once the project is signed, or someone has signed it, the analysis it
    /// rests on no longer changes.
    pub fn analysis_save(&self, input: AnalysisInput) -> Result<Analysis, Error> {
        let household_id = input.household_id()?;
        let today = self.today();
        self.run(Action::AnalysisSave, Some(household_id), |tx, stamp| {
            let household = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            let draft = input.validate(&household, today)?;
            let old = tx.analysis_of_household(household_id)?;
            if let Some(given) = draft.id {
                if old.as_ref().map(|a| a.id) != Some(given) {
                    return Err(not_found("Analisi preliminare"));
                }
            }
            unsigned_project(tx, household_id, "l'analisi preliminare")?;
            let window = procedure::signing_window(draft.interview_date)?;
            let comune = self.calendar_of(&office(tx)?.comune)?;
            let deadline = try_add_working_days(draft.interview_date, window.working_days, &comune)?;
            let id = old.as_ref().map_or_else(Id::new, |a| a.id);
            tx.analysis_write(id, old.as_ref(), &draft, deadline, stamp)?;
            tx.analysis_get(id)?.ok_or_else(|| not_found("Analisi preliminare"))
        })
    }
}
