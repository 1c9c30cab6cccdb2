//! Shared by the storage and service tests: a fixed "today", a service on a
//! temporary database, and the family of the project-agreement example
//! (shared/examples/project-agreement.json): Niccolò Dell'Orto, Thị Lan Nguyễn
//! and their daughter Zoë, for whom her mother signs.
#![allow(dead_code)]

pub mod operators;
pub mod replicas;

use chrono::NaiveDate;
use serde_json::{json, Value};
use sportello::domain::household::HouseholdInput;
use sportello::domain::{Household, Id};
use sportello::keyring::KdfParams;
use sportello::service::{Credentials, NewDatabase, OpenOptions, Service};
use tempfile::TempDir;

pub fn d(s: &str) -> NaiveDate {
    sportello::dates::parse_iso("test", s).unwrap()
}

/// Friday 20 November 2026: the analysis date of the example.
pub fn today() -> NaiveDate {
    d("2026-11-20")
}

pub struct Env {
    pub dir: TempDir,
    pub service: Service,
}

impl Env {
    pub fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("sportello.sqlite")
    }
    pub fn docs(&self) -> std::path::PathBuf {
        self.dir.path().join("documenti")
    }
    /// The same database opened again on another day (and operator). An
    /// operator not yet known is registered first by the administrator, as an
    /// operatore with the test password.
    pub fn reopen(&self, operator: &str, on: NaiveDate) -> Service {
        if operator != ADMIN {
            let admin = login(&self.db(), &self.docs(), ADMIN, on).unwrap();
            let account =
                admin.operators_list().unwrap().into_iter().find(|a| a.operator.username == operator);
            if account.is_none() {
                admin.operator_save(operator, operator, sportello::domain::Role::Operatore).unwrap();
            }
            if !account.is_some_and(|a| a.has_password) {
                admin.operator_set_password(operator, PASSWORD).unwrap();
            }
        }
        login(&self.db(), &self.docs(), operator, on).unwrap()
    }
}

/// The administrator of every test database, and everyone's password there.
pub const ADMIN: &str = "averdi";
pub const PASSWORD: &str = "password di prova";

/// Logs in as `operator` with the test password.
pub fn login(
    db: &std::path::Path,
    docs: &std::path::Path,
    operator: &str,
    on: NaiveDate,
) -> sportello::Result<Service> {
    Service::open_with(OpenOptions {
        database: db.to_path_buf(),
        documents_dir: docs.to_path_buf(),
        credentials: Credentials::password(operator, PASSWORD),
        today: Some(on),
    })
}

/// Creates an encrypted database at `db` with the administrator «averdi»
/// (Anna Verdi) and the test password, with a cheap Argon2 cost.
pub fn create(db: &std::path::Path, docs: &std::path::Path, on: NaiveDate) -> Service {
    let (service, _recovery) = Service::create(NewDatabase {
        database: db.to_path_buf(),
        documents_dir: docs.to_path_buf(),
        username: ADMIN.into(),
        name: "Anna Verdi".into(),
        password: PASSWORD.to_string().into(),
        today: Some(on),
        kdf: KdfParams::for_tests(),
    })
    .unwrap();
    service
}

pub fn env() -> Env {
    env_on(today())
}

pub fn env_on(on: NaiveDate) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let service = create(&dir.path().join("sportello.sqlite"), &dir.path().join("documenti"), on);
    Env { dir, service }
}

/// The example family as the household form would send it. Thị Lan's id is
/// made by the form so that Zoë's guardian can point at her before saving.
pub fn family_json() -> Value {
    let mother = Id::new().to_string();
    json!({
        "id": null,
        "address": "via Padova 21, 20127 Milano",
        "comune": "F205",
        "phone": "+39 333 123 4567",
        "email": "famiglia.dellorto@example.it",
        "notes": "Primo accesso allo sportello.\nSegnalati dalla scuola.",
        "isee": {
            "protocol": "INPS-ISEE-2026-00012345A-00",
            "kind": "ordinario",
            "value": "4800.00",
            "issued_on": "2026-02-10",
            "expires_on": "2026-12-31"
        },
        "members": [
            {
                "first_name": "Niccolò", "last_name": "Dell'Orto", "codice_fiscale": "DLLNCL80A01F205Q",
                "birth_date": "1980-01-01", "sex": "M", "relationship": "richiedente", "citizenship": "italiana",
                "residence_comune": "F205", "resident_since": "2019-04-01", "invalidity_percent": 0,
                "disability_certified": false, "not_self_sufficient": false,
                "employment": "disoccupato_lungo_periodo", "education": "isced_3_4", "guardian_id": null
            },
            {
                "id": mother,
                "first_name": "Thị Lan", "last_name": "Nguyễn", "codice_fiscale": "NGYTLN88S60Z251L",
                "birth_date": "1988-11-20", "sex": "F", "relationship": "coniuge", "citizenship": "extra_ue",
                "residence_comune": "F205", "resident_since": "2019-04-01", "invalidity_percent": "0",
                "disability_certified": false, "not_self_sufficient": false,
                "employment": "inattivo", "education": "isced_0_2", "guardian_id": ""
            },
            {
                "first_name": "Zoë", "last_name": "Dell'Orto", "codice_fiscale": "dllzoe15p70f205x",
                "birth_date": "2015-09-30", "sex": "F", "relationship": "figlio", "citizenship": "italiana",
                "residence_comune": "F205", "resident_since": "2015-09-30", "invalidity_percent": 0,
                "disability_certified": false, "not_self_sufficient": false,
                "employment": "studente", "education": "nessuno", "guardian_id": mother
            }
        ]
    })
}

pub fn family_input() -> HouseholdInput {
    serde_json::from_value(family_json()).unwrap()
}

pub fn create_family(s: &Service) -> Household {
    s.household_save(family_input()).unwrap()
}

/// A one-person household: `n` makes the codice fiscale and name distinct.
pub fn single_json(last: &str, first: &str, birth: &str, sex: &str) -> Value {
    let b = d(birth);
    let sx = if sex == "M" { sportello::cf::Sex::M } else { sportello::cf::Sex::F };
    let code = sportello::cf::encode(last, first, b, sx, "F205").unwrap();
    json!({
        "comune": "F205",
        "members": [{
            "first_name": first, "last_name": last, "codice_fiscale": code, "birth_date": birth,
            "sex": sex, "relationship": "richiedente", "citizenship": "italiana",
            "employment": "disoccupato", "education": "isced_0_2"
        }]
    })
}

/// The analysis form for a household, all six areas, every adult profiled.
pub fn analysis_json(h: &Household, interview: &str, outcome: &str) -> Value {
    // The six areas, in the law's order.
    let areas: Vec<&str> = <sportello::domain::LifeArea as sportello::domain::StrEnum>::ALL
        .iter()
        .map(|a| sportello::domain::StrEnum::as_str(*a))
        .collect();
    let on = d(interview);
    let needs = ["lieve", "grave", "moderato", "nessuno", "moderato", "lieve"];
    json!({
        "household_id": h.id.to_string(),
        "interview_date": interview,
        "participants": h.members.iter().filter(|m| m.is_adult_on(on)).map(|m| m.id.to_string()).collect::<Vec<_>>(),
        "domains": areas.iter().enumerate().map(|(i, a)| json!({
            "domain": a,
            "need": needs[i],
            "resources": "Rete parentale presente a Milano.",
            "notes": ""
        })).collect::<Vec<_>>(),
        "employability": h.members.iter().filter(|m| m.is_adult_on(on)).map(|m| json!({
            "member_id": m.id.to_string(), "profile": "occupabile_con_supporto", "notes": null
        })).collect::<Vec<_>>(),
        "outcome": outcome,
        "outcome_reason": "Bisogni complessi ma risorse attivabili: progetto del servizio sociale."
    })
}

/// The équipe's quadro di analisi for a household whose analysis (of
/// `interview`) routed it to the équipe, agreeing on a patto here.
pub fn quadro_json(h: &Household, meeting: &str) -> Value {
    let areas: Vec<&str> = <sportello::domain::LifeArea as sportello::domain::StrEnum>::ALL
        .iter()
        .map(|a| sportello::domain::StrEnum::as_str(*a))
        .collect();
    let needs = ["moderato", "grave", "grave", "nessuno", "moderato", "lieve"];
    json!({
        "household_id": h.id.to_string(),
        "meeting_date": meeting,
        "equipe": [
            { "name": "Anna Verdi", "service": "servizio_sociale", "organisation": "Comune di Milano", "role": "assistente sociale" },
            { "name": "Luca D'Amico", "service": "centro_impiego", "organisation": "AFOL Metropolitana", "role": "operatore" },
            { "name": "Zoë Ngũgĩ", "service": "servizi_sanitari", "organisation": "ASST Santi Paolo e Carlo", "role": "psicologa" }
        ],
        "participants": h.members.iter().filter(|m| m.is_adult_on(d(meeting))).map(|m| m.id.to_string()).collect::<Vec<_>>(),
        "areas": areas.iter().enumerate().map(|(i, a)| json!({
            "domain": a,
            "need": needs[i],
            "needs": if needs[i] == "nessuno" { Value::Null } else { json!("Bisogno approfondito dall'équipe.") },
            "resources": "Rete parentale presente a Milano.",
            "services": "Servizio sociale"
        })).collect::<Vec<_>>(),
        "priorities": ["Un lavoro stabile per la richiedente entro un anno.", "Regolarità della frequenza scolastica."],
        "outcome": "patto_inclusione",
        "outcome_reason": "Bisogni su più aree che chiedono il lavoro comune dei servizi."
    })
}

/// A project with a commitment for each adult and one for every minor.
pub fn project_json(h: &Household) -> Value {
    json!({
        "household_id": h.id.to_string(),
        "objectives": ["Raggiungere l'autonomia economica del nucleo entro dodici mesi.", ""],
        "expected_results": ["Un contratto di lavoro per almeno un adulto."],
        "commitments": h.members.iter().map(|m| json!({
            "action": format!("Impegno di {}: colloquio al Centro per l'impiego (AFOL Metropolitana).", m.first_name),
            "member_id": m.id.to_string(),
            "other_member_ids": [],
            "due_date": "2027-03-31",
            "status": ""
        })).collect::<Vec<_>>(),
        "supports": [{"description": "Colloqui di monitoraggio ogni 90 giorni", "provider": "Servizio sociale"}],
        "meetings": [{"date": "2027-02-15", "time": "09:30", "duration_minutes": "45", "place": "largo Treves 1", "notes": "", "evaluation": ""}]
    })
}

/// A raw SQLite connection to the encrypted test database at `db` (keyed
/// through the administrator's password), for tests that look under the
/// service.
pub fn raw(db: &std::path::Path) -> rusqlite::Connection {
    keyed(db, &key(db))
}

/// The key of the encrypted test database at `db`.
/// A file with no keys of its own (a backup) is taken to be a copy of the
/// test database `sportello.sqlite` of its folder.
pub fn key(db: &std::path::Path) -> sportello::keyring::DbKey {
    let creds = Credentials::password(ADMIN, PASSWORD);
    let own = sportello::keyring::Keyring::path_for(db);
    let of = if own.exists() { db.to_path_buf() } else { db.parent().unwrap().join("sportello.sqlite") };
    Service::database_key(&of, &creds).unwrap()
}

/// A raw connection to `db` with `key` (the file may not exist yet).
pub fn keyed(db: &std::path::Path, key: &sportello::keyring::DbKey) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"{}\";", &*key.sqlcipher_literal())).unwrap();
    conn
}

/// The environment of a `sportello` command run as the test administrator.
pub fn cli_login(cmd: &mut std::process::Command) -> &mut std::process::Command {
    cmd.env("SPORTELLO_OPERATOR", ADMIN)
        .env("SPORTELLO_PASSWORD", PASSWORD)
        .env("SPORTELLO_KDF_MEMORY_KIB", "256")
        .env_remove("SPORTELLO_RECOVERY_KEY")
}

/// Runs the `sportello` command line logged in as [`cli_login`] does:
/// exit code, standard output, standard error.
pub fn sportello(args: &[&str]) -> (i32, String, String) {
    let out = cli_login(&mut std::process::Command::new(env!("CARGO_BIN_EXE_sportello")))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The key and keys file for a database a test builds by hand at `db` (an
/// old schema, say), where «averdi» logs in with the test password.
pub fn hand_made_keys(db: &std::path::Path) -> sportello::keyring::DbKey {
    let key = sportello::keyring::DbKey::generate().unwrap();
    let mut ring = sportello::keyring::Keyring::new(db, &key);
    ring.set_password(&key, ADMIN, PASSWORD, &KdfParams::for_tests(), false).unwrap();
    ring.save().unwrap();
    key
}
