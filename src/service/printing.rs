//! The printing commands: the patto, the convocation letter and the esito of the
//! eligibility check, each rendered from the stored case and filed in the case's
//! folder in the same transaction as the rest of its work; and `document_open`,
//! which gives the shell the file to show.

use std::path::PathBuf;

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::eligibility::{load_rules, role_label};
use super::informativa::informativa_in_force;
use super::projects::load_project;
use super::{not_found, office, Action, Service};
use crate::catalog::places::Places;
use crate::dates::format_it;
use crate::domain::agreement::Patto;
use crate::domain::place::{birthplace, postal_town};
use crate::domain::project::check_ready_to_sign;
use crate::domain::{form, ConvocationPurpose, Document, DocumentKind, Id, Office, ProjectStatus, StrEnum};
use crate::error::{Code, Error};
use crate::print::agreement as patto;
use crate::print::convocation::{self, Convocation};
use crate::print::esito::{self, Esito, EsitoMeasure, EsitoMember, EsitoRuleSet};
use crate::storage::{Stamp, Tx};

/// What the convocation form sends (`docs/ipc.md`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConvocationInput {
    pub household_id: Option<String>,
    pub date: Option<String>,
    pub time: Option<String>,
    pub place: Option<String>,
    pub ask_for: Option<String>,
    /// Why they are called: `analisi_preliminare`, `firma_patto`,
    /// `monitoraggio` or `altro` (then `purpose_other` says it).
    pub purpose: Option<String>,
    /// For `altro`: the reason in the operator's words, as it follows "per"
    /// in the letter ("la consegna dell'attestazione ISEE aggiornata").
    pub purpose_other: Option<String>,
    /// What to bring, one item per entry (blank entries dropped). Missing: the
    /// usual list ([`convocation::default_bring`]); empty: nothing listed.
    pub bring: Option<Vec<Option<String>>>,
    pub notes: Option<String>,
}

/// The office for a printed heading: the stored one (checked when it was
/// saved), whose texts the font must be able to print.
pub(super) fn printed_office(o: &Office) -> Result<Office, Error> {
    crate::print::office::check(o, "office").map(|()| o.clone()).map_err(|e| {
        Error::new(
            e.code,
            format!(
                "Dati dell'ufficio incompleti per la stampa ({}): completarli nelle impostazioni",
                e.message
            ),
        )
    })
}

/// Nothing is printed under a provisional case number: a paper with a
/// number that will change would name two cases, or none, later. The
/// number becomes final at the device's next sync with the office.
pub(super) fn require_final_number(h: &crate::domain::Household) -> Result<(), Error> {
    if !h.case_provisional {
        return Ok(());
    }
    Err(Error::new(
        Code::Conflict,
        format!(
            "Il fascicolo ha un numero provvisorio ({}): non si stampa nulla finché l'ufficio non assegna il \
             numero definitivo. Sincronizzare il dispositivo con l'ufficio, poi stampare.",
            h.case_number
        ),
    )
    .with_field("case_number"))
}

/// A printer's complaint about the case, said as what to fix before printing.
fn cannot_print(what: &str, e: Error) -> Error {
    Error { message: format!("Impossibile stampare {what}: {}", e.message), ..e }
}

impl Service {
    /// Runs a printing command: one transaction, in which the PDF is filed
    /// in the database with the rest of the command's work.
    fn filing<T>(
        &self,
        action: Action,
        record: Option<Id>,
        f: impl FnOnce(&Tx<'_>, &Stamp) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.run(action, record, f)
    }

    /// Prints the project's agreement (the patto) and files it. A project still
    /// in bozza becomes «da firmare»: the printed text is the one the family
    /// signs. The deadline printed is the stored one (the deadlines board's).
    pub fn agreement_print(&self, project_id: Id) -> Result<Document, Error> {
        self.filing(Action::AgreementPrint, Some(project_id), |tx, stamp| {
            let p = load_project(tx, project_id)?;
            if p.status == ProjectStatus::Bozza {
                check_ready_to_sign(&p)?;
            }
            let household = tx.household_get(p.household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            require_final_number(&household)?;
            let analysis = tx.analysis_get(p.analysis_id)?.ok_or_else(|| not_found("Analisi preliminare"))?;
            let office = printed_office(&office(tx)?)?;
            let comune = self.calendar_of(&office.comune)?;
            let doc = Patto::from_case(
                &office,
                &comune.nome,
                &household,
                &p,
                analysis.interview_date,
                &analysis.operator,
            )
            .map_err(|e| cannot_print("il patto", e))?;
            // The informativa in force follows the patto, from a new page.
            patto::check(&doc).map_err(|e| cannot_print("il patto", e))?;
            let mut layout = patto::document(&doc);
            if let Some(text) = informativa_in_force(tx)? {
                crate::print::informativa::append(&mut layout, &text);
            }
            let bytes = layout.render().map_err(|e| cannot_print("il patto", e))?;
            // Printed again after the signatures, it says how far it got.
            let state = match (&doc.follow_up.closure, doc.follow_up.meetings.last()) {
                (Some(c), _) => format!("concluso il {}", format_it(c.closed_on)),
                (None, Some(m)) => format!("con il monitoraggio al {}", format_it(m.held_on)),
                (None, None) => format!("da firmare entro il {}", format_it(p.signing_deadline)),
            };
            let title = format!(
                "Progetto personalizzato (patto) — analisi del {}, {state}",
                format_it(analysis.interview_date)
            );
            let filed = self.document_store(tx, stamp, household.id, DocumentKind::Patto, &title, &bytes)?;
            if p.status == ProjectStatus::Bozza {
                tx.project_set_status(project_id, ProjectStatus::DaFirmare, None, stamp)?;
            }
            Ok(filed)
        })
    }

    /// Prints a convocation letter to the richiedente and files it.
    pub fn convocation_print(&self, input: ConvocationInput) -> Result<Document, Error> {
        let household_id = form::required_id("household_id", &input.household_id, "il nucleo")?;
        let date = form::required_date("date", &input.date, "la data dell'appuntamento")?;
        let time_text = form::time_of_day("time", &input.time, "l'ora dell'appuntamento")?;
        let time = NaiveTime::parse_from_str(&time_text, "%H:%M")
            .map_err(|_| Error::invalid("time", "ora non valida"))?;
        let place = form::required_line("place", &input.place, "il luogo dell'appuntamento")?;
        let ask_for = form::required_line("ask_for", &input.ask_for, "chi chiedere all'arrivo")?;
        let bring = match &input.bring {
            None => convocation::default_bring(),
            Some(items) => form::text_list("bring", items)?,
        };
        let notes = form::optional_text("notes", &input.notes)?;
        let purpose = form::required_choice::<ConvocationPurpose>(
            "purpose",
            &input.purpose,
            "il motivo della convocazione",
        )?;
        // The letter's words after "per", and the purpose in short for the
        // case folder's title and the history.
        let (phrase, short) = match purpose.phrase() {
            Some(p) => (p.to_string(), purpose.label().to_string()),
            None => {
                let other = form::required_line(
                    "purpose_other",
                    &input.purpose_other,
                    "il motivo della convocazione (completa la frase «…presso l'ufficio per …»)",
                )?;
                (other.clone(), other)
            }
        };
        let today = self.today();
        if date < today {
            return Err(Error::invalid("date", "La data dell'appuntamento è già passata"));
        }
        self.run_durable_noted(Action::ConvocationPrint, Some(household_id), |tx, stamp| {
            let household = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            require_final_number(&household)?;
            let applicant = household
                .applicant()
                .ok_or_else(|| Error::new(Code::Internal, "nucleo senza richiedente"))?;
            let address = household.address.clone().ok_or_else(|| {
                Error::invalid(
                    "address",
                    "Il nucleo non ha un indirizzo: indicarlo nella scheda del nucleo prima di stampare la convocazione",
                )
            })?;
            // The envelope needs the CAP and the town: "20089 Rozzano MI" under
            // the street; without a CAP, the town only where the address does
            // not name it already.
            let town = postal_town(household.cap.as_deref(), &household.comune, today);
            let town_named = Places::builtin()
                .on(&household.comune, today)
                .is_some_and(|p| address.to_lowercase().contains(&p.name.to_lowercase()));
            let address = match town {
                Some(line) if household.cap.is_some() || !town_named => format!("{address}\n{line}"),
                _ => address,
            };
            let office = office(tx)?;
            let comune_name = self.calendar_of(&office.comune).ok().map(|c| c.nome);
            let letter = Convocation {
                office: printed_office(&office)?,
                comune_name,
                case_number: household.case_number.clone(),
                issued_on: today,
                recipient_name: applicant.full_name(),
                recipient_address: address,
                date,
                time,
                place: place.clone(),
                ask_for: ask_for.clone(),
                bring: bring.clone(),
                purpose: Some(phrase.clone()),
                notes: notes.clone(),
                operator: self.operator.name.clone(),
            };
            // The informativa in force follows the letter, from a new page.
            letter.check().map_err(|e| cannot_print("la convocazione", e))?;
            let mut layout = convocation::document(&letter);
            if let Some(text) = informativa_in_force(tx)? {
                crate::print::informativa::append(&mut layout, &text);
            }
            let bytes = layout.render().map_err(|e| cannot_print("la convocazione", e))?;
            let title = format!("Convocazione per il {} alle ore {time_text} — {short}", format_it(date));
            let doc = self.document_store(tx, stamp, household_id, DocumentKind::Convocazione, &title, &bytes)?;
            // The case's history says why the household was called.
            let detail = format!("{} ore {time_text}, motivo: {short}", format_it(date));
            Ok((doc, Some(detail)))
        })
    }

    /// Checks the requirements on `reference_date` (the check is kept, as by
    /// [`Service::eligibility_check`]) and prints the esito for the case file.
    pub fn esito_print(&self, household_id: Id, reference_date: NaiveDate) -> Result<Document, Error> {
        let rules = load_rules()?;
        let today = self.today();
        self.filing(Action::EsitoPrint, Some(household_id), |tx, stamp| {
            let check = self.check_in(tx, stamp, &rules, household_id, reference_date)?;
            let household = tx.household_get(household_id)?.ok_or_else(|| not_found("Nucleo"))?;
            require_final_number(&household)?;
            let office = office(tx)?;
            let page = Esito {
                office: printed_office(&office)?,
                comune_name: self.calendar_of(&office.comune).ok().map(|c| c.nome),
                case_number: household.case_number.clone(),
                issued_on: today,
                reference_date,
                members: household
                    .members
                    .iter()
                    .filter(|m| m.birth_date <= reference_date)
                    .map(|m| EsitoMember {
                        name: m.full_name(),
                        codice_fiscale: m.codice_fiscale.to_string(),
                        birth_date: m.birth_date,
                        birthplace: birthplace(&m.codice_fiscale.birthplace(), m.birth_date).name,
                        role: role_label(m),
                    })
                    .collect(),
                measures: check
                    .measures
                    .iter()
                    .map(|m| EsitoMeasure {
                        title: m.title.clone(),
                        eligible: m.eligible,
                        reasons: m.reasons.iter().map(|r| r.text.clone()).collect(),
                    })
                    .collect(),
                rule_sets: check
                    .rule_sets
                    .iter()
                    .map(|r| EsitoRuleSet {
                        id: r.id.clone(),
                        version: r.version,
                        title: r.title.clone(),
                        acts: r.acts.clone(),
                    })
                    .collect(),
                notes: check.notes.clone(),
                operator: self.operator.name.clone(),
            };
            let bytes = esito::render(&page).map_err(|e| cannot_print("l'esito", e))?;
            let title = format!("Esito verifica requisiti al {}", format_it(reference_date));
            self.document_store(tx, stamp, household_id, DocumentKind::EsitoRequisiti, &title, &bytes)
        })
    }

    /// The file of a document, for the shell to open in the system viewer.
    /// Goes through the same gate as every command: an operator who may not see
    /// the case does not get its documents.
    pub fn document_open(&self, id: Id) -> Result<PathBuf, Error> {
        self.document_path(id)
    }
}
