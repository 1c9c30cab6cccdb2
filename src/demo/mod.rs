//! Demonstration data: about thirty fictional households in every state a desk
//! sees (registered only; analysis recorded; project to sign, in scadenza or
//! overdue; signed; in corso; concluso), relative to the "today" given; and
//! the 2019 calls of the Misura B2 with their rankings and appeals (`calls`);
//! the office's funded projects with their commitments and payments (`finance`).
//!
//! Deterministic: the same day gives the same people, dates and texts (record
//! ids and timestamps are UUIDv7 and clock times, by design). Everything goes
//! through the [`Service`], at the date each step would have happened, so the
//! demo exercises the same validation and storage as the desk and its audit
//! log reads like an office's.
//!
//! Names are invented but real in shape: Italian ones with apostrophes and
//! accents (Dell'Orto, D'Angelo, Niccolò) and foreign ones with their letters
//! (Nguyễn Thị Lan, Ștefănescu, Wiśniewska, Núñez). Codici fiscali are computed
//! from them, as the Agenzia delle Entrate would (omocodia on a collision).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Days, NaiveDate};

use crate::calendar::{try_add_working_days, try_is_office_day, Comune, Comuni};
use crate::cf;
use crate::domain::analysis::{AnalysisInput, AreaInput, EmployabilityInput};
use crate::domain::form::Scalar;
use crate::domain::household::{is_adult, HouseholdInput, IseeInput, MemberInput, ADULT_AGE};
use crate::domain::permit::PermitInput;
use crate::domain::project::{CommitmentInput, MeetingInput, ProjectInput, SupportInput};
use crate::domain::{board, procedure, Household, Id, LifeArea, Office, ProjectStatus, Role, StrEnum};
use crate::error::{Code, Error};
use crate::keyring::{DbKey, KdfParams};
use crate::service::{Credentials, NewDatabase, Service};

mod calls;
mod finance;
mod housing;
pub mod office;
mod participants;
mod people;
mod play;
mod programmes;
mod quadro;
mod story;

use people::*;
use play::*;
use story::*;

/// What the demo created.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoReport {
    pub households: usize,
    pub members: usize,
    pub minors: usize,
    pub analyses: usize,
    pub projects: usize,
    /// The 2019 calls of the Misura B2 (none when "today" is before they end),
    /// their applications (`linked`: of members of the demo's households) and
    /// the appeals filed.
    pub calls: usize,
    pub call_applications: usize,
    pub linked_applications: usize,
    pub appeals: usize,
    /// The awards of the funded applications, the claims decided against
    /// them and the elenchi di liquidazione issued (rules.md §7).
    pub awards: usize,
    pub reimbursement_claims: usize,
    pub liquidations: usize,
    /// The funded projects (rules.md §8) with their commitments and payments
    /// recorded (annulled ones included) and the records annulled.
    pub funded_projects: usize,
    pub finance_commitments: usize,
    pub finance_payments: usize,
    pub finance_annulments: usize,
    /// Temporary social housing (seed 004): the units, the stays recorded
    /// (every state), the households still on the waiting list.
    pub housing_units: usize,
    pub stays: usize,
    pub waiting: usize,
    /// The funded programmes (seeds 001 and 003, and one running today) and
    /// the members enrolled in their interventions.
    pub programmes: usize,
    pub enrolments: usize,
    /// The participants of the seeds' two programmes (2018-2021): people,
    /// their households (besides the thirty above, all with the project
    /// closed) and their enrolments.
    pub participants: usize,
    pub programme_households: usize,
    pub participant_enrolments: usize,
    /// Households by situation ("scaduto", "in_scadenza", "in_corso", …).
    pub by_situation: BTreeMap<String, usize>,
    /// The demo database's recovery key.
    pub recovery_key: String,
}

/// The demo's accounts (login, name, role), besides `amministratore`.
pub fn accounts() -> &'static [(&'static str, &'static str, Role)] {
    OPERATORS
}

/// Creates the demo database at `db` (it must not exist yet), encrypted like
/// any other, as of `today`. Every demo account (`amministratore` and the
/// [`OPERATORS`]) gets `password`; the report carries the recovery key. On
/// failure the half-made files are removed. Holds the database's lock
/// meanwhile: a second `demo` or the open app is told at once.
pub fn create(
    db: &Path,
    documents: &Path,
    today: NaiveDate,
    password: &str,
    kdf: KdfParams,
) -> Result<DemoReport, Error> {
    let _lock = crate::storage::lock::DatabaseLock::acquire(db)?;
    refuse_existing(db)?;
    // Built aside and given its name only when complete: a demo cut short
    // never leaves a partly filled database that opens and verifies.
    let aside = aside_path(db);
    remove_aside(&aside);
    let result = fill(&aside, documents, today, password, kdf).and_then(|report| {
        publish(&aside, db)?;
        Ok(report)
    });
    if result.is_err() {
        remove_aside(&aside);
    }
    result
}

/// `.<name>.demo` beside the database: where the demo is built.
pub fn aside_path(db: &Path) -> PathBuf {
    let name = db.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    crate::fsx::parent_dir(db).join(format!(".{name}.demo"))
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Removes a demo left half-built (and the build file of its creation).
pub fn remove_aside(aside: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal", ".keys"] {
        let _ = std::fs::remove_file(with_suffix(aside, suffix));
    }
    let name = aside.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let nuovo = crate::fsx::parent_dir(aside).join(format!(".{name}.nuovo"));
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(with_suffix(&nuovo, suffix));
    }
}

/// Gives the finished demo at `aside` its name `db`: the keys file first
/// (a keys file without its database is a creation to start again), then the
/// database, never over one that appeared meanwhile.
fn publish(aside: &Path, db: &Path) -> Result<(), Error> {
    let wal = with_suffix(aside, "-wal");
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(Error::new(
            Code::Storage,
            format!("la demo {} non è stata chiusa del tutto: non viene usata", aside.display()),
        ));
    }
    let _ = std::fs::remove_file(&wal);
    let _ = std::fs::remove_file(with_suffix(aside, "-shm"));
    crate::crashpoint::crashpoint("demo-filled");
    let keys = crate::keyring::Keyring::path_for(db);
    std::fs::rename(crate::keyring::Keyring::path_for(aside), &keys)
        .map_err(|e| crate::fsx::io_error(&keys, "impossibile salvare il file delle chiavi", e))?;
    crate::fsx::sync_dir(&keys);
    crate::crashpoint::crashpoint("demo-keys-moved");
    crate::fsx::publish_new(aside, db).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::new(
                Code::Conflict,
                format!(
                    "Il database {} è comparso durante la creazione della demo: non viene sostituito",
                    db.display()
                ),
            )
            .with_field("database")
        } else {
            crate::fsx::io_error(db, "impossibile creare il database", e)
        }
    })
}

fn refuse_existing(db: &Path) -> Result<(), Error> {
    if db.exists() {
        return Err(Error::new(
            Code::Conflict,
            format!(
                "Il database {} esiste già: la demo ne crea sempre uno nuovo e non tocca quelli esistenti",
                db.display()
            ),
        )
        .with_field("database"));
    }
    Ok(())
}

fn fill(
    db: &Path,
    documents: &Path,
    today: NaiveDate,
    password: &str,
    kdf: KdfParams,
) -> Result<DemoReport, Error> {
    let comune = Comuni::builtin().get(&Office::default().comune)?.clone();
    let (admin, recovery) = Service::create(NewDatabase {
        database: db.to_path_buf(),
        documents_dir: documents.to_path_buf(),
        username: "amministratore".into(),
        name: "Amministratore di sistema".into(),
        password: zeroize::Zeroizing::new(password.to_string()),
        today: Some(today),
        kdf,
    })?;
    let key = admin.key();
    let mut ring = admin.keyring()?;
    let cf_of = |login: &str| -> Result<Option<crate::cf::Cf>, Error> {
        OPERATOR_CFS
            .iter()
            .find(|(l, _)| *l == login)
            .map(|(_, c)| crate::cf::Cf::check(c).map_err(|e| e.to_error("codice_fiscale")))
            .transpose()
    };
    let admin_cf = cf_of("amministratore")?;
    admin.operator_save_with(
        "amministratore",
        "Amministratore di sistema",
        Role::Amministratore,
        None,
        Some(admin_cf.as_ref()),
    )?;
    for (login, name, role) in OPERATORS {
        let equipe = EQUIPES.iter().find(|(l, _)| l == login).map(|(_, e)| *e);
        let cf = cf_of(login)?;
        admin.operator_save_with(login, name, *role, Some(equipe), Some(cf.as_ref()))?;
        // Demo accounts are ready to use: no forced change at the first login.
        ring.set_password(&key, login, password, &kdf, false)?;
    }
    ring.save()?;
    drop(admin);

    let mut rng = Rng(0x5350_5254_2026);
    let mut used_codes = HashSet::new();
    // Each household's story, planned first and then played in order of the
    // day it was registered, so case numbers follow the calendar.
    let mut stories = Vec::new();
    for (i, (situation, shape)) in PLAN.iter().enumerate() {
        let story = plan_story(&mut rng, i, *situation, *shape, today, &comune, &mut used_codes)?;
        stories.push(story);
    }
    stories.sort_by_key(|s| s.registered);

    let mut report = DemoReport { recovery_key: recovery.to_string(), ..DemoReport::default() };
    let mut households = Vec::with_capacity(stories.len());
    for story in &stories {
        households.push(play(db, documents, &key, story, &mut rng, today, &mut report)?);
    }
    // Temporary housing: stays of some of these households around today.
    if today >= housing::first_day() {
        let played = housing::play_housing(db, documents, &key, &households, today)?;
        report.housing_units = played.units;
        report.stays = played.stays;
        report.waiting = played.waiting;
    }
    // The calls of 2019, with applications of some of these households'
    // members: played after them, so the links have someone to point at.
    if today > calls::last_day() {
        let played = calls::play_calls(db, documents, &key, &households)?;
        report.calls = played.calls;
        report.call_applications = played.applications;
        report.linked_applications = played.linked;
        report.appeals = played.appeals;
        report.awards = played.awards;
        report.reimbursement_claims = played.claims;
        report.liquidations = played.liquidations;
    }
    // The office's funded projects (seeds 004 and 001), 2017-2019.
    if today > finance::last_day() {
        let played = finance::play_finance(db, documents, &key)?;
        report.funded_projects = played.projects;
        report.finance_commitments = played.commitments;
        report.finance_payments = played.payments;
        report.finance_annulments = played.annulments;
    }
    // The programmes and the members enrolled from their signed patti.
    if today >= programmes::first_day() {
        let played = programmes::play_programmes(db, documents, &key, &households, today)?;
        report.programmes = played.programmes;
        report.enrolments = played.enrolments;
        // The seeds' programmes with their participants of 2018-2021.
        let played = participants::play_participants(
            db,
            documents,
            &key,
            &played.seeds,
            &mut rng,
            &mut used_codes,
            &comune,
            today,
        )?;
        report.participants = played.participants;
        report.programme_households = played.households;
        report.participant_enrolments = played.enrolments;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic() {
        let mut a = Rng(7);
        let mut b = Rng(7);
        let xs: Vec<u64> = (0..10).map(|_| a.below(1000)).collect();
        let ys: Vec<u64> = (0..10).map(|_| b.below(1000)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().any(|x| *x != xs[0]));
    }

    #[test]
    fn the_plan_has_thirty_households_in_every_situation() {
        assert_eq!(PLAN.len(), 30);
        for s in [
            Situation::Registrato,
            Situation::Inviato,
            Situation::DaScrivere,
            Situation::NeiTermini,
            Situation::InScadenza,
            Situation::Scaduto,
            Situation::Sottoscritto,
            Situation::InCorso,
            Situation::Concluso,
        ] {
            assert!(PLAN.iter().any(|(p, _)| *p == s), "{}", s.name());
        }
    }
}
