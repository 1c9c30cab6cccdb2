//! The informativa (GDPR artt. 13-14; issue 16 item 1) and the register of
//! processing (art. 30; item 6).
//!
//! The administrator writes the office's informativa; each save is a new
//! version (`informativa_versions`, schema 21), never rewritten. The desk
//! prints it for a case (filed among its documents), and records the day it
//! was given to each adult member, with the version given and how
//! (`informativa_deliveries`, a record of the case). The patto and the
//! convocation letter carry the version in force on their last pages.
//!
//! The register of processing is printed for the DPO from the same settings
//! (titolare, DPO) and the program's security measures as built.

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::printing::{printed_office, require_final_number};
use super::{not_found, office, Action, Service};
use crate::dates::format_it;
use crate::domain::household::{is_adult, ADULT_AGE};
use crate::domain::informativa::{
    adults_without, check_delivery, Delivery, DeliveryMode, InformativaText, InformativaVersion,
    DEFAULT_BODY, DEFAULT_DPO,
};
use crate::domain::{form, Document, DocumentKind, Id, StrEnum};
use crate::error::{Code, Error};
use crate::print::informativa::{self as printed, Informativa, Printed};
use crate::print::processing_register::{self, ProcessingRegister};
use crate::storage::Tx;

/// A saved version in the list (without its text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionSummary {
    pub id: Id,
    pub version: u32,
    pub created_at: String,
    pub created_by: String,
}

/// What the administrator's form shows (`informativa_get`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InformativaSettings {
    /// The version in force (`None`: none saved yet).
    pub current: Option<InformativaVersion>,
    /// Every version, newest first.
    pub versions: Vec<VersionSummary>,
    /// What the form starts from: the version in force, or the proposed text
    /// (the Comune from the office's data, the DPO to be written).
    pub draft: InformativaText,
    /// The proposed body, for "Ripristina il testo proposto".
    pub default_body: String,
}

/// What the form sends (`informativa_save`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InformativaInput {
    pub controller: Option<String>,
    pub dpo: Option<String>,
    pub body: Option<String>,
}

/// A delivery as recorded at the desk (`informativa_given_record`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InformativaGivenInput {
    pub household_id: Option<String>,
    pub member_id: Option<String>,
    pub given_on: Option<String>,
    /// `a_mano` | `inviata`.
    pub mode: Option<String>,
    /// The version given (missing: the one in force).
    pub version: Option<u32>,
}

/// A member on the household page's card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberInformativa {
    pub member_id: Id,
    /// "Cognome Nome".
    pub name: String,
    pub birth_date: NaiveDate,
    /// An adult today.
    pub adult: bool,
    /// For a minor: the day they turn 18.
    pub adult_from: Option<NaiveDate>,
    /// What they were given, oldest first.
    pub deliveries: Vec<Delivery>,
    /// An adult today with no informativa recorded: flagged.
    pub missing: bool,
}

/// The household page's card (`household_informativa`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseholdInformativa {
    pub household_id: Id,
    /// The version in force (`None`: the administrator has saved none).
    pub current_version: Option<u32>,
    pub members: Vec<MemberInformativa>,
    /// How many adults have not received it.
    pub missing: usize,
}

/// Where the register of processing was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterSaved {
    pub path: String,
}

fn no_informativa() -> Error {
    Error::new(
        Code::Conflict,
        "L'informativa dell'ufficio non è ancora stata scritta: l'amministratore la salva in Operatori › \
         Informativa privacy, poi si stampa e si registra la consegna",
    )
    .with_field("version")
}

/// The version as printed.
fn printed_version(v: &InformativaVersion) -> Printed {
    Printed { text: v.text.clone(), version: v.version, saved_on: v.saved_on().unwrap_or_default() }
}

/// The version in force, as the patto and the convocation append it
/// (`None`: none saved: they print without it).
pub(super) fn informativa_in_force(tx: &Tx<'_>) -> Result<Option<Printed>, Error> {
    Ok(tx.informativa_current()?.as_ref().map(printed_version))
}

/// The 18th birthday (29 February: 1 March in a common year, as `age_on`).
fn eighteenth(birth: NaiveDate) -> NaiveDate {
    let year = chrono::Datelike::year(&birth) + ADULT_AGE as i32;
    NaiveDate::from_ymd_opt(year, chrono::Datelike::month(&birth), chrono::Datelike::day(&birth))
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(year, 3, 1).unwrap_or(birth))
}

impl Service {
    /// The administrator's form: the version in force and the list.
    pub fn informativa_get(&self) -> Result<InformativaSettings, Error> {
        self.run(Action::InformativaGet, None, |tx, _| {
            let versions = tx.informativa_versions()?;
            let current = versions.first().cloned();
            let draft = match &current {
                Some(v) => v.text.clone(),
                None => {
                    let o = office(tx)?;
                    let comune = self.calendar_of(&o.comune).ok().map(|c| c.nome);
                    let mut lines = vec![match &comune {
                        Some(n) => format!("Comune di {n}"),
                        None => "Comune di …".to_string(),
                    }];
                    lines.extend(
                        [o.address.clone(), o.phone.clone(), o.email.clone()]
                            .into_iter()
                            .filter(|l| !l.trim().is_empty()),
                    );
                    InformativaText {
                        controller: lines.join("\n"),
                        dpo: DEFAULT_DPO.into(),
                        body: DEFAULT_BODY.into(),
                    }
                }
            };
            Ok(InformativaSettings {
                versions: versions
                    .iter()
                    .map(|v| VersionSummary {
                        id: v.id,
                        version: v.version,
                        created_at: v.created_at.clone(),
                        created_by: v.created_by.clone(),
                    })
                    .collect(),
                current,
                draft,
                default_body: DEFAULT_BODY.to_string(),
            })
        })
    }

    /// Saves the text as a new version (the earlier ones stay as they were
    /// given). The same text as the version in force saves nothing.
    pub fn informativa_save(&self, input: InformativaInput) -> Result<InformativaVersion, Error> {
        let text =
            InformativaText::new(input.controller.as_deref(), input.dpo.as_deref(), input.body.as_deref())?;
        printed::check(&text)?;
        self.run(Action::InformativaSave, None, |tx, stamp| {
            if let Some(current) = tx.informativa_current()? {
                if current.text == text {
                    return Ok(current);
                }
            }
            let (id, _) = tx.informativa_version_add(&text, stamp)?;
            tx.informativa_version_get(id)?.ok_or_else(|| Error::new(Code::Internal, "versione non salvata"))
        })
    }

    /// The household page's card: each member, what they were given, the
    /// adults without an informativa.
    pub fn household_informativa(&self, household_id: Id) -> Result<HouseholdInformativa, Error> {
        self.run(Action::HouseholdInformativa, Some(household_id), |tx, _| self.card(tx, household_id))
    }

    fn card(&self, tx: &Tx<'_>, household_id: Id) -> Result<HouseholdInformativa, Error> {
        let today = self.today();
        let h = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
        let deliveries = tx.informativa_deliveries(household_id)?;
        let given: Vec<Id> = deliveries.iter().map(|d| d.member_id).collect();
        let births: Vec<(Id, NaiveDate)> = h.members.iter().map(|m| (m.id, m.birth_date)).collect();
        let missing = adults_without(&births, &given, today);
        let members: Vec<MemberInformativa> = h
            .members
            .iter()
            .map(|m| {
                let adult = is_adult(m.birth_date, today);
                MemberInformativa {
                    member_id: m.id,
                    name: m.sort_name(),
                    birth_date: m.birth_date,
                    adult,
                    adult_from: (!adult).then(|| eighteenth(m.birth_date)),
                    deliveries: deliveries.iter().filter(|d| d.member_id == m.id).cloned().collect(),
                    missing: missing.contains(&m.id),
                }
            })
            .collect();
        Ok(HouseholdInformativa {
            household_id,
            current_version: tx.informativa_current()?.map(|v| v.version),
            missing: missing.len(),
            members,
        })
    }

    /// Records that a member was given the informativa (the version in force,
    /// or the one named) on a day, by hand or sent.
    pub fn informativa_given_record(
        &self,
        input: InformativaGivenInput,
    ) -> Result<HouseholdInformativa, Error> {
        let household_id = form::required_id("household_id", &input.household_id, "il nucleo")?;
        let member_id = form::required_id("member_id", &input.member_id, "il componente")?;
        let given_on = form::required_date("given_on", &input.given_on, "la data di consegna")?;
        let mode = form::required_choice::<DeliveryMode>("mode", &input.mode, "come è stata data")?;
        let today = self.today();
        self.run_durable_noted(Action::InformativaGivenRecord, Some(household_id), |tx, stamp| {
            let h = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            let member = h
                .member(member_id)
                .ok_or_else(|| Error::invalid("member_id", "Il componente non fa parte di questo nucleo"))?;
            let version = match input.version {
                None => tx.informativa_current()?.ok_or_else(no_informativa)?,
                Some(n) => {
                    tx.informativa_versions()?.into_iter().find(|v| v.version == n).ok_or_else(|| {
                        Error::invalid("version", format!("La versione {n} dell'informativa non esiste"))
                    })?
                }
            };
            check_delivery(member.birth_date, given_on, today, version.version, version.saved_on())?;
            let deliveries = tx.informativa_deliveries(household_id)?;
            if let Some(d) =
                deliveries.iter().find(|d| d.member_id == member_id && d.version_id == version.id)
            {
                return Err(Error::new(
                    Code::Conflict,
                    format!(
                        "La versione {} dell'informativa risulta già data a {} il {}",
                        version.version,
                        member.full_name(),
                        format_it(d.given_on)
                    ),
                )
                .with_field("member_id"));
            }
            tx.informativa_delivery_add(household_id, member_id, version.id, given_on, mode, stamp)?;
            // The audit log is never rewritten, nor erased with the case
            // (retention): it names the member by id, never by name.
            let detail = format!(
                "versione {} {} il {} al componente {}",
                version.version,
                mode.label(),
                format_it(given_on),
                member_id
            );
            Ok((self.card(tx, household_id)?, Some(detail)))
        })
    }

    /// Prints the informativa in force for a case, with a receipt line for
    /// each adult member, and files it among the case's documents.
    pub fn informativa_print(&self, household_id: Id) -> Result<Document, Error> {
        let today = self.today();
        self.run(Action::InformativaPrint, Some(household_id), |tx, stamp| {
            let h = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            require_final_number(&h)?;
            let version = tx.informativa_current()?.ok_or_else(no_informativa)?;
            let office = office(tx)?;
            let page = Informativa {
                office: printed_office(&office)?,
                comune_name: self.calendar_of(&office.comune).ok().map(|c| c.nome),
                case_number: h.case_number.clone(),
                issued_on: today,
                printed: printed_version(&version),
                adults: h.members.iter().filter(|m| m.is_adult_on(today)).map(|m| m.full_name()).collect(),
                operator: self.operator.name.clone(),
            };
            let bytes = printed::render(&page).map_err(|e| Error {
                message: format!("Impossibile stampare l'informativa: {}", e.message),
                ..e
            })?;
            let title =
                format!("Informativa privacy (versione {}) del {}", version.version, format_it(today));
            self.document_store(tx, stamp, household_id, DocumentKind::Informativa, &title, &bytes)
        })
    }

    /// Writes the register of processing (art. 30) as a new PDF file `out`.
    pub fn processing_register_save(&self, out: &Path) -> Result<RegisterSaved, Error> {
        let today = self.today();
        self.save_new_file(
            Action::ProcessingRegisterSave,
            None,
            out,
            "impossibile salvare il registro dei trattamenti",
            |tx| {
                let bytes = self.processing_register_pdf(tx, today)?;
                Ok((RegisterSaved { path: out.display().to_string() }, bytes))
            },
        )
    }

    fn processing_register_pdf(&self, tx: &Tx<'_>, today: NaiveDate) -> Result<Vec<u8>, Error> {
        let office = office(tx)?;
        let current = tx.informativa_current()?;
        let register = ProcessingRegister {
            office: printed_office(&office)?,
            comune_name: self.calendar_of(&office.comune).ok().map(|c| c.nome),
            controller: current.as_ref().map(|v| v.text.controller.clone()),
            dpo: current.as_ref().map(|v| v.text.dpo.clone()),
            informativa: current.as_ref().and_then(|v| v.saved_on().map(|d| (v.version, d))),
            retention: Vec::new(),
            issued_on: today,
            operator: self.operator.name.clone(),
        };
        processing_register::render(&register).map_err(|e| Error {
            message: format!("Impossibile stampare il registro dei trattamenti: {}", e.message),
            ..e
        })
    }
}
