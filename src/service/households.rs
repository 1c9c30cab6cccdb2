//! Households: search as you type, read, create and edit; the codice fiscale
//! check behind the form.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::stale::FormConflict;
use super::{later_than, not_found, Action, Service};
use crate::domain::household::HouseholdInput;
use crate::domain::place::birthplace;
use crate::domain::{form, Household, HouseholdSummary, Id, Sex, StrEnum};
use crate::error::{Code, Error};
use crate::storage::{SearchQuery, Stamp};

/// Most results a search returns: enough to scan, few enough to stay fast.
pub const SEARCH_LIMIT: usize = 50;
/// At most this many cases of one operator's caseload are listed (a social
/// worker's caseload is a few dozen to a hundred and more families).
pub const CASELOAD_LIMIT: usize = 300;

/// `cf_check` input: the code as typed and what the form knows of the person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CfCheckInput {
    pub code: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub birth_date: Option<String>,
    pub sex: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CfCheck {
    pub valid: bool,
    /// The normalised code (trimmed, upper case).
    pub code: String,
    /// Why it is invalid, in Italian.
    pub reason: Option<String>,
    pub decoded: Option<CfDecoded>,
    /// Where a valid code does not match the person's data.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CfDecoded {
    pub sex: Sex,
    pub birth_date: NaiveDate,
    /// Belfiore code of the birthplace.
    pub birthplace: String,
    /// The birthplace by name on the birth date, "Milano (MI)", "Marocco"
    /// (`None`: no comune or state has the code).
    pub birthplace_name: Option<String>,
}

/// `household_save`'s answer: the household as saved, and the fields the
/// form and someone else both changed (empty when there were none).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HouseholdSaved {
    #[serde(flatten)]
    pub household: Household,
    pub conflicts: Vec<FormConflict>,
}

/// A reason typed for the record: one line, not empty.
fn reason_of(reason: &str, what: &str) -> Result<String, Error> {
    form::required_line("reason", &Some(reason.to_string()), what)
}

impl Service {
    /// Households whose members match what was typed: surname or name (in either
    /// order, accents and apostrophes optional), codice fiscale prefix or case
    /// number. Fewer than two letters find nothing. An operatore finds only
    /// the cases in their scope (access.rs).
    pub fn households_search(&self, query: &str) -> Result<Vec<HouseholdSummary>, Error> {
        let Some(q) = SearchQuery::parse(query) else { return Ok(Vec::new()) };
        self.run(Action::HouseholdsSearch, None, |tx, _| {
            let scope = self.case_filter(tx)?;
            tx.households_search_in(&q, SEARCH_LIMIT, scope.as_ref())
        })
    }

    /// The cases the acting operator is in charge of (their caseload), by the
    /// richiedente's name: what the Nuclei screen opens on before a search.
    pub fn households_caseload(&self) -> Result<Vec<HouseholdSummary>, Error> {
        self.run(Action::HouseholdsCaseload, None, |tx, _| {
            let mut cases = tx.households_of_operator(self.operator.id, CASELOAD_LIMIT)?;
            // A restricted case is not used: not even its own operatore's list shows it.
            if self.case_filter(tx)?.is_some() {
                cases.retain(|c| !c.restricted);
            }
            Ok(cases)
        })
    }

    /// Restricts the processing of a case (GDPR art. 18, or an objection
    /// under art. 21 while it is assessed): kept, not used, opened by the
    /// coordinator only. The reason goes into the audit row as well.
    pub fn household_restrict(&self, household_id: Id, reason: &str) -> Result<Household, Error> {
        let reason =
            reason_of(reason, "il motivo della limitazione (per esempio: richiesta dell'interessato del …)")?;
        let today = self.today();
        self.run_durable_noted(Action::HouseholdRestrict, Some(household_id), |tx, stamp| {
            let h = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            if let Some(r) = &h.restriction {
                return Err(Error::new(
                    Code::Conflict,
                    format!("Il trattamento è già limitato dal {}", crate::dates::format_it(r.since)),
                ));
            }
            tx.household_restrict(household_id, Some((today, &reason, stamp.by)))?;
            let saved = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            Ok((saved, Some(reason)))
        })
    }

    /// Lifts the restriction of a case (the request was answered, the
    /// objection assessed): the reason is on record in the audit row.
    pub fn household_restriction_lift(&self, household_id: Id, reason: &str) -> Result<Household, Error> {
        let reason = reason_of(reason, "il motivo della revoca")?;
        self.run_durable_noted(Action::HouseholdRestrictionLift, Some(household_id), |tx, _| {
            let h = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            if h.restriction.is_none() {
                return Err(Error::new(Code::Conflict, "Il trattamento di questo nucleo non è limitato"));
            }
            tx.household_restrict(household_id, None)?;
            let saved = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            Ok((saved, Some(reason)))
        })
    }

    /// Puts an operator in charge of a case (coordinators): the case is then
    /// in the scope of that operator and of their équipe.
    pub fn household_assign(&self, household_id: Id, operator_id: Id) -> Result<Household, Error> {
        self.run(Action::HouseholdAssign, Some(household_id), |tx, _| {
            tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            let op = tx.operator_get(operator_id)?.filter(|o| o.username != super::RECOVERY_USERNAME);
            let active = match &op {
                Some(o) => tx.operator_active(o.id)?,
                None => false,
            };
            if !active {
                return Err(Error::invalid(
                    "operator_id",
                    "L'operatore scelto non esiste o non è più attivo: sceglierne un altro",
                ));
            }
            tx.household_assign(household_id, operator_id)?;
            tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))
        })
    }

    pub fn household_get(&self, id: Id) -> Result<Household, Error> {
        self.run(Action::HouseholdGet, Some(id), |tx, _| {
            tx.household_get(id)?.ok_or_else(|| not_found("Nucleo"))
        })
    }

    /// Creates (no id: a new case number) or updates a household.
    pub fn household_save(&self, input: HouseholdInput) -> Result<Household, Error> {
        self.household_save_merged(input, None).map(|s| s.household)
    }

    /// As [`Service::household_save`], with the household as the form loaded
    /// it (`base`): a save on a stale copy is merged field by field
    /// (service/stale.rs) instead of refused, and the fields both changed are
    /// answered as `conflicts` (each a conflict row, what stands standing).
    /// Without `base`, a stale `updated_at` is refused whole (`conflict`): a
    /// caller that cannot say what it loaded cannot be merged for.
    pub fn household_save_merged(
        &self,
        input: HouseholdInput,
        base: Option<HouseholdInput>,
    ) -> Result<HouseholdSaved, Error> {
        let today = self.today();
        let draft = input.validate(today)?;
        let base = match base {
            Some(b) if draft.id.is_some() => {
                let b = b.validate(today).map_err(|e| {
                    Error::invalid(
                        "base",
                        format!("La scheda caricata dal modulo non è leggibile: {}", e.message),
                    )
                })?;
                if b.id != draft.id {
                    return Err(Error::invalid("base", "La scheda caricata è di un altro nucleo"));
                }
                Some(b)
            }
            _ => None,
        };
        let (id, action) = match draft.id {
            Some(id) => (id, Action::HouseholdUpdate),
            None => (Id::new(), Action::HouseholdCreate),
        };
        self.run(action, Some(id), |tx, stamp| {
            let old = match draft.id {
                Some(id) => Some(tx.household_get(id)?.ok_or_else(|| not_found("Nucleo"))?),
                None => None,
            };
            let mut found = Vec::new();
            let merged;
            let draft = match (&old, &base) {
                (Some(old), Some(base)) => {
                    let (m, f) = super::stale::merge(base, &draft, &super::stale::draft_of(old))?;
                    merged = m;
                    found = f;
                    &merged
                }
                (Some(old), None) => {
                    if let Some(seen) = &draft.updated_at {
                        if old.updated_at != *seen {
                            return Err(Error::new(
                                Code::Conflict,
                                format!(
                                    "Il nucleo {} è stato modificato da {} nel frattempo: ricaricare la scheda prima di salvare",
                                    old.case_number, old.updated_by
                                ),
                            ));
                        }
                    }
                    &draft
                }
                (None, _) => &draft,
            };
            for (i, m) in draft.members.iter().enumerate() {
                if let Some(h) = tx.member_household(m.id)? {
                    if Some(h) != draft.id {
                        return Err(Error::invalid(format!("members[{i}].id"), "Il componente appartiene a un altro nucleo"));
                    }
                }
                if let Some(case) = tx.codice_fiscale_elsewhere(&m.codice_fiscale, draft.id)? {
                    return Err(Error::new(
                        Code::Conflict,
                        format!("Il codice fiscale {} è già registrato nel nucleo {case}", m.codice_fiscale),
                    )
                    .with_field(format!("members[{i}].codice_fiscale")));
                }
            }
            match &old {
                None => {
                    // From this replica's block; a device with none left in
                    // the year gets a provisional number (docs/sync.md).
                    let case = tx.next_case_number(today.year(), &stamp.at)?;
                    tx.household_insert(id, &case, draft, stamp)?;
                }
                Some(old) => {
                    for m in old.members.iter().filter(|m| !draft.members.iter().any(|n| n.id == m.id)) {
                        if let Some(why) = tx.member_references(m.id)? {
                            return Err(Error::new(
                                Code::Conflict,
                                format!("{} non può essere tolto dal nucleo: {why}", m.full_name()),
                            )
                            .with_field("members"));
                        }
                    }
                    let stamp = Stamp { at: later_than(&stamp.at, &old.updated_at), by: stamp.by };
                    tx.household_update(old, draft, &stamp)?;
                }
            }
            let mut conflicts = Vec::new();
            for f in found {
                let row = tx.sync_record_conflict(
                    &crate::storage::sync::LocalConflict {
                        table: f.table,
                        record: &f.record,
                        field: &f.column,
                        kind: f.kind,
                        ours: &f.ours,
                        theirs: &f.theirs,
                    },
                    stamp,
                )?;
                conflicts.push(FormConflict {
                    id: row,
                    field: f.field,
                    table: f.table.to_string(),
                    record: f.record,
                    column: f.column,
                    ours: f.ours,
                    theirs: f.theirs,
                });
            }
            let household = tx.household_get(id)?.ok_or_else(|| not_found("Nucleo"))?;
            Ok(HouseholdSaved { household, conflicts })
        })
    }

    /// Checks a codice fiscale as it is typed. An invalid code is an answer
    /// (`valid: false` with the reason), not an error; a valid code that does
    /// not match the person's names, birth date or sex gives warnings.
    pub fn cf_check(&self, input: CfCheckInput) -> Result<CfCheck, Error> {
        self.run(Action::CfCheck, None, |_, _| Ok(()))?;
        let typed = form::clean(&input.code).unwrap_or_default();
        match crate::cf::parse(&typed, self.today()) {
            Err(e) => Ok(CfCheck {
                valid: false,
                code: e.code,
                reason: Some(e.messaggio),
                decoded: None,
                warnings: Vec::new(),
            }),
            Ok(cf) => {
                let sex = match cf.sex {
                    crate::cf::Sex::M => Sex::M,
                    crate::cf::Sex::F => Sex::F,
                };
                // Only what was typed correctly is compared: a half-typed date
                // is the form's business, not a mismatch.
                let birth = form::clean(&input.birth_date)
                    .and_then(|s| crate::dates::parse_iso("birth_date", &s).ok());
                let given_sex = form::clean(&input.sex).and_then(|s| Sex::parse(&s)).map(|s| match s {
                    Sex::M => crate::cf::Sex::M,
                    Sex::F => crate::cf::Sex::F,
                });
                let mut warnings = crate::cf::check_against(
                    &cf,
                    input.first_name.as_deref().unwrap_or(""),
                    input.last_name.as_deref().unwrap_or(""),
                    birth,
                    given_sex,
                );
                // The place is looked up on the birth date typed when it is
                // the code's (it says the century), else on the code's own.
                let same_day = |b: NaiveDate| {
                    (b.year() % 100, b.month(), b.day())
                        == (cf.birth_date.year() % 100, cf.birth_date.month(), cf.birth_date.day())
                };
                let born = birth.filter(|b| same_day(*b)).unwrap_or(cf.birth_date);
                let place = birthplace(&cf.birthplace, born);
                warnings.extend(place.warning);
                Ok(CfCheck {
                    valid: true,
                    code: cf.code.clone(),
                    reason: None,
                    decoded: Some(CfDecoded {
                        sex,
                        birth_date: cf.birth_date,
                        birthplace: cf.birthplace,
                        birthplace_name: place.name,
                    }),
                    warnings,
                })
            }
        }
    }
}
