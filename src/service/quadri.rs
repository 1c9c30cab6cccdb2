//! Quadro di analisi: the équipe multidisciplinare's in-depth assessment,
//! when the analisi preliminare routes the household to it; the progetto
//! personalizzato is then written on it (domain/quadro.rs).

use super::{not_found, Action, Service};
use crate::domain::quadro::{Quadro, QuadroInput};
use crate::domain::{Analysis, Id, Outcome, StrEnum};
use crate::error::{Code, Error};
use crate::storage::Tx;

impl Service {
    pub fn quadro_get(&self, household_id: Id) -> Result<Option<Quadro>, Error> {
        self.run(Action::QuadroGet, Some(household_id), |tx, _| {
            tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            tx.quadro_of_household(household_id)
        })
    }

    /// Records (or corrects) the household's quadro. Like the analysis it
    /// deepens, it stops changing once the project built on it is signed or
    /// has a signature.
    pub fn quadro_save(&self, input: QuadroInput) -> Result<Quadro, Error> {
        let household_id = input.household_id()?;
        let today = self.today();
        self.run(Action::QuadroSave, Some(household_id), |tx, stamp| {
            let household = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            let analysis = tx.analysis_of_household(household_id)?.ok_or_else(|| {
                Error::new(
                    Code::Conflict,
                    "Registrare prima l'analisi preliminare: il quadro di analisi la approfondisce",
                )
            })?;
            let members: Vec<Id> = household.members.iter().map(|m| m.id).collect();
            let draft = input.validate(&analysis, &members, today)?;
            let old = tx.quadro_of_household(household_id)?;
            if let Some(given) = draft.id {
                if old.as_ref().map(|q| q.id) != Some(given) {
                    return Err(not_found("Quadro di analisi"));
                }
            }
            super::analyses::unsigned_project(tx, household_id, "il quadro di analisi")?;
            let id = old.as_ref().map_or_else(Id::new, |q| q.id);
            tx.quadro_write(id, old.is_some(), &draft, stamp)?;
            tx.quadro_get(id)?.ok_or_else(|| not_found("Quadro di analisi"))
        })
    }
}

/// Before a new project is written: when the analysis sent the household to
/// the équipe, the project rests on the équipe's quadro, and only when the
/// équipe agreed on a patto per l'inclusione here. A project written before
/// this rule (schema 27) keeps being edited as it was.
pub(super) fn check_quadro_for_project(tx: &Tx<'_>, analysis: &Analysis) -> Result<(), Error> {
    if analysis.outcome != Outcome::EquipeMultidisciplinare {
        return Ok(());
    }
    let quadro = tx.quadro_of_household(analysis.household_id)?.ok_or_else(|| {
        Error::new(
            Code::Conflict,
            "L'analisi preliminare ha inviato il nucleo all'équipe multidisciplinare: registrare prima il quadro di analisi, su cui si costruisce il progetto",
        )
        .with_field("quadro")
    })?;
    if !quadro.outcome.needs_project() {
        return Err(Error::new(
            Code::Conflict,
            format!(
                "L'équipe multidisciplinare ha concordato «{}»: il progetto personalizzato non si scrive qui",
                quadro.outcome.label()
            ),
        )
        .with_field("quadro"));
    }
    Ok(())
}
