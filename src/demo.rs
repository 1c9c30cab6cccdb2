//! Demonstration data: about thirty fictional households in every state a desk
//! sees (registered only; analysis recorded; project to sign, in scadenza or
//! overdue; signed; in corso; concluso), relative to the "today" given.
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
use crate::domain::project::{CommitmentInput, MeetingInput, ProjectInput, SupportInput};
use crate::domain::{board, procedure, Household, Id, LifeArea, Office, ProjectStatus, Role, StrEnum};
use crate::error::{Code, Error};
use crate::keyring::{DbKey, KdfParams};
use crate::service::{Credentials, NewDatabase, Service};

/// What the demo created.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DemoReport {
    pub households: usize,
    pub members: usize,
    pub minors: usize,
    pub analyses: usize,
    pub projects: usize,
    /// Households by situation ("scaduto", "in_scadenza", "in_corso", …).
    pub by_situation: BTreeMap<String, usize>,
    /// The demo database's recovery key.
    pub recovery_key: String,
}

/// The demo's accounts (login, name, role), besides `amministratore`.
pub fn accounts() -> &'static [(&'static str, &'static str, Role)] {
    OPERATORS
}

/// Where a household stands on the demo's "today".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Situation {
    /// Registered, no analysis yet.
    Registrato,
    /// Analysis sent the household elsewhere (Centro per l'impiego, specialists).
    Inviato,
    /// Analysis recorded, project still to write.
    DaScrivere,
    /// Project waiting for signatures, well within the deadline.
    NeiTermini,
    /// Waiting for signatures, 5 office days or fewer left.
    InScadenza,
    /// Waiting for signatures past the deadline.
    Scaduto,
    Sottoscritto,
    InCorso,
    Concluso,
}

impl Situation {
    fn name(self) -> &'static str {
        match self {
            Situation::Registrato => "registrato",
            Situation::Inviato => "inviato_ad_altri_servizi",
            Situation::DaScrivere => "progetto_da_scrivere",
            Situation::NeiTermini => "nei_termini",
            Situation::InScadenza => "in_scadenza",
            Situation::Scaduto => "scaduto",
            Situation::Sottoscritto => "sottoscritto",
            Situation::InCorso => "in_corso",
            Situation::Concluso => "concluso",
        }
    }
}

/// The thirty households: situation and shape, in a fixed order.
const PLAN: &[(Situation, Shape)] = &[
    (Situation::Scaduto, Shape::CoupleWithChildren),
    (Situation::Scaduto, Shape::SingleParent),
    (Situation::Scaduto, Shape::Single),
    (Situation::Scaduto, Shape::CoupleWithChildren),
    (Situation::InScadenza, Shape::SingleParent),
    (Situation::InScadenza, Shape::CoupleWithChildren),
    (Situation::InScadenza, Shape::CarerAndParent),
    (Situation::InScadenza, Shape::Single),
    (Situation::NeiTermini, Shape::CoupleWithChildren),
    (Situation::NeiTermini, Shape::Single),
    (Situation::NeiTermini, Shape::SingleParent),
    (Situation::NeiTermini, Shape::AdultChildAndMinor),
    (Situation::DaScrivere, Shape::CoupleWithChildren),
    (Situation::DaScrivere, Shape::Single),
    (Situation::Inviato, Shape::Single),
    (Situation::Inviato, Shape::ElderlyAlone),
    (Situation::Sottoscritto, Shape::CoupleWithChildren),
    (Situation::Sottoscritto, Shape::SingleParent),
    (Situation::Sottoscritto, Shape::ElderlyCouple),
    (Situation::InCorso, Shape::CoupleWithChildren),
    (Situation::InCorso, Shape::Single),
    (Situation::InCorso, Shape::SingleParent),
    (Situation::InCorso, Shape::AdultChildAndMinor),
    (Situation::Concluso, Shape::CoupleWithChildren),
    (Situation::Concluso, Shape::Single),
    (Situation::Registrato, Shape::ElderlyAlone),
    (Situation::Registrato, Shape::CoupleWithChildren),
    (Situation::Registrato, Shape::Single),
    (Situation::Registrato, Shape::CarerAndParent),
    (Situation::Registrato, Shape::SingleParent),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    CoupleWithChildren,
    SingleParent,
    Single,
    ElderlyAlone,
    ElderlyCouple,
    /// An adult who cares for an elderly, disabled parent.
    CarerAndParent,
    /// A parent with an adult child still studying and a minor.
    AdultChildAndMinor,
}

/// The operators of the demo office: (login, name, role).
const OPERATORS: &[(&str, &str, Role)] = &[
    ("averdi", "Anna Verdi", Role::Coordinatore),
    ("mbianchi", "Marco Bianchi", Role::Operatore),
    ("lgallo", "Lucia Gallo", Role::Operatore),
    ("kamrani", "Karima El Amrani", Role::Operatore),
];

/// The demo's two équipe, so that the case scope shows: an operatore of one
/// sees the cases of their équipe and not the other's.
const EQUIPES: &[(&str, &str)] =
    &[("mbianchi", "Équipe Nord"), ("kamrani", "Équipe Nord"), ("lgallo", "Équipe Sud")];

/// Who takes in charge a case the coordinator registers (the coordinator
/// distributes cases, and follows none).
const ASSIGNEE_OF_COORDINATOR_CASES: &str = "lgallo";

/// A small deterministic generator (SplitMix64): no dependency, same numbers
/// on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Where a family comes from: surnames, given names, birthplace, citizenship.
struct Origin {
    surnames: &'static [&'static str],
    male: &'static [&'static str],
    female: &'static [&'static str],
    /// Belfiore code of the country (Z…) or comune of birth of the adults.
    birthplace: &'static [&'static str],
    citizenship: &'static str,
}

const ITALIA: Origin = Origin {
    surnames: &[
        "Rossi",
        "Esposito",
        "Colombo",
        "Brambilla",
        "Fumagalli",
        "Dell'Orto",
        "D'Angelo",
        "De Luca",
        "Sant'Ambrogio",
        "Lo Russo",
        "D'Amico",
        "Cantù",
        "Dall'Ara",
        "Mazzà",
        "Ferrari",
        "Galli",
        "Marino",
        "Greco",
        "Villa",
        "Sala",
    ],
    male: &[
        "Niccolò",
        "Luca",
        "Giuseppe",
        "Andrea",
        "Salvatore",
        "Nicolò",
        "Davide",
        "Gabriele",
        "Antonio",
        "Mattia",
    ],
    female: &[
        "Giulia",
        "Chiara",
        "Francesca",
        "Rosalia",
        "Maria Grazia",
        "Noemi",
        "Elena",
        "Anna",
        "Lucia",
        "Beatrice",
    ],
    birthplace: &["F205", "F205", "F205", "I690", "C895", "F839", "G273", "A662"],
    citizenship: "italiana",
};

const FOREIGN: &[Origin] = &[
    Origin {
        surnames: &["Nguyễn", "Trần", "Phạm", "Đặng"],
        male: &["Văn Hùng", "Minh Đức", "Quang Huy"],
        female: &["Thị Lan", "Thị Hoa", "Ngọc Ánh"],
        birthplace: &["Z251"],
        citizenship: "extra_ue",
    },
    Origin {
        surnames: &["El Amrani", "Benali", "Aït Lahcen", "Haddad"],
        male: &["Youssef", "Mohamed", "Rachid"],
        female: &["Fatima Zahra", "Khadija", "Salma"],
        birthplace: &["Z330"],
        citizenship: "extra_ue",
    },
    Origin {
        surnames: &["Popescu", "Ionescu", "Ștefănescu", "Dumitrașcu"],
        male: &["Ștefan", "Ion", "Andrei"],
        female: &["Ioana", "Mădălina", "Ana-Maria"],
        birthplace: &["Z129"],
        citizenship: "ue",
    },
    Origin {
        surnames: &["Núñez", "Quispe", "García", "Mamani"],
        male: &["José Luis", "Jesús", "Iñaki"],
        female: &["María José", "Rocío", "Begoña"],
        birthplace: &["Z611"],
        citizenship: "extra_ue",
    },
    Origin {
        surnames: &["Chen", "Wang", "Hu", "Zhou"],
        male: &["Wei", "Jian", "Hao"],
        female: &["Fang", "Xiu Ying", "Li Na"],
        birthplace: &["Z210"],
        citizenship: "extra_ue",
    },
    Origin {
        surnames: &["Nowak", "Kowalczyk", "Mazur"],
        male: &["Łukasz", "Paweł"],
        female: &["Małgorzata", "Agnieszka"],
        birthplace: &["Z127"],
        citizenship: "ue",
    },
    Origin {
        surnames: &["Fernando", "Perera", "Jayasuriya"],
        male: &["Nuwan", "Chaminda"],
        female: &["Dilani", "Sachini"],
        birthplace: &["Z209"],
        citizenship: "extra_ue",
    },
    Origin {
        surnames: &["Kovalenko", "Shevchenko", "Bondarenko"],
        male: &["Oleksandr", "Dmytro"],
        female: &["Oksana", "Nataliia"],
        birthplace: &["Z138"],
        citizenship: "extra_ue",
    },
    Origin {
        surnames: &["Hoxha", "Shehu", "Dervishi"],
        male: &["Arben", "Ermal"],
        female: &["Elira", "Besa"],
        birthplace: &["Z100"],
        citizenship: "extra_ue",
    },
];

const CHILDREN_M: &[&str] =
    &["Leonardo", "Tommaso", "Edoardo", "Noè", "Gioele", "Karim", "Minh", "Mateo", "Ilyas"];
const CHILDREN_F: &[&str] =
    &["Zoë", "Sofia", "Aurora", "Ginevra", "Matilde", "Amira", "Linh", "Chloé", "Maëlle"];

const STREETS: &[&str] = &[
    "via Padova",
    "viale Monza",
    "via Gallarate",
    "via dei Cinquecento",
    "via Giambellino",
    "via Lorenteggio",
    "piazzale Selinunte",
    "via Quarto Oggiaro",
    "via Ornato",
    "viale Famagosta",
    "via San Dionigi",
    "via Mecenate",
];

/// Commitments an adult may take on (action, months to the due date).
const ADULT_COMMITMENTS: &[&str] = &[
    "Presentarsi al Centro per l'impiego (AFOL Metropolitana) per il colloquio di orientamento e sottoscrivere il patto di servizio.",
    "Frequentare il corso di lingua italiana livello A2, almeno l'80% delle ore previste.",
    "Partecipare al percorso di educazione finanziaria «Bilancio di casa» (6 incontri).",
    "Svolgere il tirocinio di inclusione presso la cooperativa sociale indicata dal servizio.",
    "Partecipare ai progetti utili alla collettività (PUC) del Municipio, 8 ore settimanali.",
    "Iscriversi al corso di formazione per addetto/a alla logistica e frequentarlo con regolarità.",
    "Prendere contatto con il consultorio familiare e partecipare agli incontri concordati.",
    "Presentare la domanda di invalidità civile con l'aiuto del patronato.",
    "Cercare attivamente lavoro: almeno due candidature alla settimana, documentate.",
];

const MINOR_COMMITMENTS: &[&str] = &[
    "Frequentare regolarmente la scuola; i genitori mantengono i contatti con gli insegnanti.",
    "Partecipare al doposcuola del centro di aggregazione giovanile due pomeriggi a settimana.",
    "Frequentare il centro estivo comunale nei mesi di luglio e agosto.",
];

const OBJECTIVES: &[&str] = &[
    "Raggiungere l'autonomia economica del nucleo entro dodici mesi.",
    "Garantire la frequenza scolastica regolare dei figli.",
    "Stabilizzare la situazione abitativa ed evitare lo sfratto.",
    "Rafforzare la rete di sostegno familiare e di vicinato.",
    "Migliorare la conoscenza della lingua italiana per l'accesso ai servizi.",
    "Assicurare l'assistenza domiciliare e la cura della persona non autosufficiente.",
];

const RESULTS: &[&str] = &[
    "Almeno un adulto del nucleo con un contratto di lavoro o un tirocinio retribuito.",
    "Frequenza scolastica dei minori superiore al 90% dei giorni.",
    "Piano di rientro del debito di affitto concordato con il proprietario.",
    "Certificazione di lingua italiana livello A2 conseguita.",
    "Attivazione del servizio di assistenza domiciliare (SAD).",
];

const SUPPORTS: &[(&str, &str)] = &[
    ("Colloqui di monitoraggio con l'assistente sociale ogni 90 giorni", "Servizio Sociale Territoriale"),
    ("Orientamento e ricerca attiva del lavoro", "AFOL Metropolitana — Centro per l'impiego"),
    ("Sostegno socio-educativo ai minori", "Cooperativa sociale incaricata dal Comune"),
    ("Contributo economico per il pagamento dell'affitto", "Comune di Milano — Direzione Politiche Sociali"),
    ("Corso di lingua italiana", "CPIA 3 Milano"),
    ("Servizio di assistenza domiciliare (SAD)", "Comune di Milano"),
];

const AREA_NOTES: &[[&str; 2]; 6] = &[
    [
        "Buone capacità relazionali; stanchezza e sfiducia dopo mesi senza lavoro.",
        "Nessuna criticità sanitaria riferita.",
    ],
    ["Entrate saltuarie, arretrati di affitto di tre mensilità.", "Unico reddito: pensione minima."],
    ["Esperienza nella ristorazione e nelle pulizie, senza contratti regolari.", "Disponibilità a formarsi."],
    ["Licenza media; nessun titolo riconosciuto in Italia.", "Minori iscritti alla scuola del quartiere."],
    ["Alloggio in affitto privato sovraffollato.", "Casa popolare ALER con problemi di umidità."],
    [
        "Parenti a Milano disponibili ad aiutare con i figli.",
        "Rete di vicinato scarsa; contatti con la parrocchia.",
    ],
];

struct PlannedMember {
    input: MemberInput,
    birth: NaiveDate,
}

/// Creates the demo database at `db` (it must not exist yet), encrypted like
/// any other, as of `today`. Every demo account (`amministratore` and the
/// [`OPERATORS`]) gets `password`; the report carries the recovery key. On
/// failure the half-made files are removed.
pub fn create(
    db: &Path,
    documents: &Path,
    today: NaiveDate,
    password: &str,
    kdf: KdfParams,
) -> Result<DemoReport, Error> {
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
    for (login, name, role) in OPERATORS {
        let equipe = EQUIPES.iter().find(|(l, _)| l == login).map(|(_, e)| *e);
        admin.operator_save_in(login, name, *role, Some(equipe))?;
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
    for story in &stories {
        play(db, documents, &key, story, &mut rng, today, &mut report)?;
    }
    Ok(report)
}

struct Story {
    situation: Situation,
    operator: &'static str,
    registered: NaiveDate,
    household: HouseholdInput,
    /// Interview date of the analysis, if there is one.
    interview: Option<NaiveDate>,
    minors_at_interview: usize,
}

fn office_day_on_or_before(mut d: NaiveDate, comune: &Comune) -> Result<NaiveDate, Error> {
    while !try_is_office_day(d, comune)? {
        d = d.pred_opt().expect("date in range");
    }
    Ok(d)
}

fn days_before(d: NaiveDate, n: i64) -> NaiveDate {
    d.checked_sub_days(Days::new(n.max(0) as u64)).expect("date in range")
}

fn days_after(d: NaiveDate, n: i64) -> NaiveDate {
    d.checked_add_days(Days::new(n.max(0) as u64)).expect("date in range")
}

fn deadline_of(interview: NaiveDate, comune: &Comune) -> Result<NaiveDate, Error> {
    try_add_working_days(interview, procedure::signing_window(interview)?.working_days, comune)
}

/// The interview date that puts the household in its situation on `today`.
fn interview_for(
    rng: &mut Rng,
    s: Situation,
    today: NaiveDate,
    comune: &Comune,
) -> Result<Option<NaiveDate>, Error> {
    let warn = procedure::warning_window(today)?.working_days;
    let start = office_day_on_or_before(today, comune)?;
    let pick = |rng: &mut Rng, back_lo: i64, back_hi: i64| -> Result<NaiveDate, Error> {
        office_day_on_or_before(days_before(start, rng.range(back_lo, back_hi)), comune)
    };
    let d = match s {
        Situation::Registrato => return Ok(None),
        Situation::InScadenza => {
            // Walk back from today to the interview that leaves 1..=warn office days.
            let target = rng.range(1, warn as i64) as u32;
            let mut d = start;
            loop {
                let deadline = deadline_of(d, comune)?;
                if deadline >= today && board::office_days_left(today, deadline, comune)? <= target {
                    break d;
                }
                d = office_day_on_or_before(d.pred_opt().expect("date in range"), comune)?;
            }
        }
        Situation::NeiTermini | Situation::DaScrivere => pick(rng, 0, 10)?,
        Situation::Scaduto => {
            let mut d = pick(rng, 35, 75)?;
            while deadline_of(d, comune)? >= today {
                d = days_before(d, 7);
            }
            d
        }
        Situation::Inviato => pick(rng, 5, 60)?,
        Situation::Sottoscritto => pick(rng, 12, 25)?,
        Situation::InCorso => pick(rng, 100, 300)?,
        Situation::Concluso => pick(rng, 420, 560)?,
    };
    Ok(Some(d))
}

fn plan_story(
    rng: &mut Rng,
    index: usize,
    situation: Situation,
    shape: Shape,
    today: NaiveDate,
    comune: &Comune,
    used: &mut HashSet<String>,
) -> Result<Story, Error> {
    let interview = interview_for(rng, situation, today, comune)?;
    let registered = match interview {
        Some(d) => days_before(d, rng.range(0, 12)),
        None => days_before(today, rng.range(0, 40)),
    };
    // Roughly two households in five come from abroad.
    let origin = if index % 5 == 1 || index % 5 == 3 { &FOREIGN[index % FOREIGN.len()] } else { &ITALIA };
    let surname = *rng.pick(origin.surnames);
    let on = registered;
    let age_date = |rng: &mut Rng, lo: i64, hi: i64| -> NaiveDate {
        let years = rng.range(lo, hi);
        let back = years * 365 + rng.range(10, 350);
        days_before(on, back)
    };

    let mut members: Vec<PlannedMember> = Vec::new();
    macro_rules! add {
        ($first:expr, $last:expr, $birth:expr, $sex:expr, $rel:expr, $place:expr, $cit:expr) => {{
            let (first, last, birth, place) = ($first, $last, $birth, $place);
            let m = person(rng, on, first, last, birth, $sex, $rel, place, $cit, used)?;
            members.push(m);
        }};
    }
    let place = *rng.pick(origin.birthplace);
    let child_place = "F205";
    let partner_surname = |rng: &mut Rng| *rng.pick(origin.surnames);
    match shape {
        Shape::CoupleWithChildren | Shape::SingleParent | Shape::AdultChildAndMinor => {
            let mother_first = *rng.pick(origin.female);
            let father_first = *rng.pick(origin.male);
            let mother_birth = age_date(rng, 28, 46);
            let father_birth = age_date(rng, 30, 50);
            let applicant_is_mother = shape == Shape::SingleParent || rng.chance(40);
            let mother_last = if origin.citizenship == "italiana" { partner_surname(rng) } else { surname };
            if applicant_is_mother {
                add!(mother_first, mother_last, mother_birth, "F", "richiedente", place, origin.citizenship);
                if shape != Shape::SingleParent {
                    add!(father_first, surname, father_birth, "M", "coniuge", place, origin.citizenship);
                }
            } else {
                add!(father_first, surname, father_birth, "M", "richiedente", place, origin.citizenship);
                add!(mother_first, mother_last, mother_birth, "F", "coniuge", place, origin.citizenship);
            }
            let children = match shape {
                Shape::AdultChildAndMinor => 1,
                _ => rng.range(1, 3) as usize,
            };
            if shape == Shape::AdultChildAndMinor {
                let first = *rng.pick(origin.male);
                let birth = age_date(rng, 19, 23);
                add!(first, surname, birth, "M", "figlio", child_place, origin.citizenship);
                members.last_mut().expect("just added").input.employment = Some("studente".into());
            }
            let child_surname =
                if applicant_is_mother && shape == Shape::SingleParent { mother_last } else { surname };
            for _ in 0..children {
                let girl = rng.chance(50);
                let first = if girl { *rng.pick(CHILDREN_F) } else { *rng.pick(CHILDREN_M) };
                if members.iter().any(|m| m.input.first_name.as_deref() == Some(first)) {
                    continue;
                }
                let birth = age_date(rng, 1, 15);
                let sex = if girl { "F" } else { "M" };
                add!(first, child_surname, birth, sex, "figlio", child_place, origin.citizenship);
            }
        }
        Shape::Single => {
            let male = rng.chance(55);
            let first = if male { *rng.pick(origin.male) } else { *rng.pick(origin.female) };
            let birth = age_date(rng, 24, 60);
            add!(
                first,
                surname,
                birth,
                if male { "M" } else { "F" },
                "richiedente",
                place,
                origin.citizenship
            );
        }
        Shape::ElderlyAlone | Shape::ElderlyCouple => {
            let female_first = *rng.pick(origin.female);
            let birth = age_date(rng, 72, 91);
            add!(female_first, surname, birth, "F", "richiedente", place, origin.citizenship);
            let m = members.last_mut().expect("just added");
            m.input.invalidity_percent = Some(Scalar::Int(100));
            m.input.disability_certified = Some(true);
            m.input.not_self_sufficient = Some(true);
            if shape == Shape::ElderlyCouple {
                let first = *rng.pick(origin.male);
                let birth = age_date(rng, 74, 90);
                add!(first, partner_surname(rng), birth, "M", "coniuge", place, origin.citizenship);
                members.last_mut().expect("just added").input.invalidity_percent = Some(Scalar::Int(67));
            }
        }
        Shape::CarerAndParent => {
            let first = *rng.pick(origin.female);
            let birth = age_date(rng, 42, 58);
            add!(first, surname, birth, "F", "richiedente", place, origin.citizenship);
            let parent_first = *rng.pick(origin.male);
            let parent_birth = age_date(rng, 76, 88);
            add!(parent_first, surname, parent_birth, "M", "genitore", place, origin.citizenship);
            let p = members.last_mut().expect("just added");
            p.input.invalidity_percent = Some(Scalar::Int(80));
            p.input.disability_certified = Some(true);
            p.input.not_self_sufficient = Some(rng.chance(50));
        }
    }

    // Some minors are signed for by the other parent rather than the richiedente.
    let other_parent = members
        .iter()
        .find(|m| m.input.relationship.as_deref() == Some("coniuge"))
        .and_then(|m| m.input.id.clone());
    let check_on = interview.unwrap_or(registered);
    let mut minors = 0;
    for m in &mut members {
        if !is_adult(m.birth, check_on) {
            minors += 1;
            if other_parent.is_some() && rng.chance(50) {
                m.input.guardian_id = other_parent.clone();
            }
        }
    }

    let isee_year = registered.year();
    let isee = IseeInput {
        protocol: Some(format!("INPS-ISEE-{isee_year}-{:09}-00", rng.below(1_000_000_000))),
        kind: Some(
            if shape == Shape::ElderlyAlone || shape == Shape::CarerAndParent {
                "sociosanitario"
            } else {
                "ordinario"
            }
            .into(),
        ),
        value: Some(format!("{}.{:02}", rng.range(1_500, 14_000), rng.below(100))),
        issued_on: Some(
            NaiveDate::from_ymd_opt(isee_year, 1, 1)
                .expect("date")
                .max(days_before(registered, rng.range(5, 40)))
                .to_string(),
        ),
        expires_on: Some(NaiveDate::from_ymd_opt(isee_year, 12, 31).expect("date").to_string()),
    };
    let street = *rng.pick(STREETS);
    let household = HouseholdInput {
        id: None,
        updated_at: None,
        address: Some(format!("{street} {}, Milano", rng.range(1, 180))),
        comune: Some("F205".into()),
        phone: Some(format!("+39 3{:02} {:03} {:04}", rng.range(20, 99), rng.below(1000), rng.below(10_000))),
        email: None,
        notes: None,
        isee: Some(isee),
        members: members.into_iter().map(|m| m.input).collect(),
    };
    let operator = OPERATORS[index % OPERATORS.len()].0;
    Ok(Story { situation, operator, registered, household, interview, minors_at_interview: minors })
}

/// One fictional person, with the codice fiscale the Agenzia would give them.
#[allow(clippy::too_many_arguments)]
fn person(
    rng: &mut Rng,
    on: NaiveDate,
    first: &str,
    last: &str,
    birth: NaiveDate,
    sex: &str,
    rel: &str,
    birthplace: &str,
    citizenship: &str,
    used: &mut HashSet<String>,
) -> Result<PlannedMember, Error> {
    let code = unique_code(last, first, birth, sex, birthplace, used)?;
    let age = crate::calendar::age_on(birth, on);
    let (employment, education) = if age < ADULT_AGE {
        ("studente", if age < 11 { "nessuno" } else { "isced_0_2" })
    } else if age >= 67 {
        ("pensionato", *rng.pick(&["nessuno", "isced_0_2", "isced_0_2", "isced_3_4"]))
    } else {
        (
            *rng.pick(&["disoccupato", "disoccupato_lungo_periodo", "occupato", "inattivo", "disoccupato"]),
            *rng.pick(&["isced_0_2", "isced_3_4", "isced_0_2", "isced_5_8", "nessuno"]),
        )
    };
    let since = if birthplace.starts_with('Z') {
        // Came to Italy as an adult.
        days_after(birth, i64::from(ADULT_AGE) * 365 + rng.range(0, 3000)).min(on)
    } else {
        birth
    };
    let since = since.max(birth);
    Ok(PlannedMember {
        input: MemberInput {
            id: Some(Id::new().to_string()),
            first_name: Some(first.to_string()),
            last_name: Some(last.to_string()),
            codice_fiscale: Some(code),
            birth_date: Some(birth.to_string()),
            sex: Some(sex.to_string()),
            relationship: Some(rel.to_string()),
            citizenship: Some(citizenship.to_string()),
            residence_comune: Some("F205".into()),
            resident_since: Some(since.min(on).to_string()),
            invalidity_percent: Some(Scalar::Int(0)),
            disability_certified: Some(false),
            not_self_sufficient: Some(false),
            employment: Some(employment.to_string()),
            education: Some(education.to_string()),
            guardian_id: None,
        },
        birth,
    })
}

fn unique_code(
    last: &str,
    first: &str,
    birth: NaiveDate,
    sex: &str,
    place: &str,
    used: &mut HashSet<String>,
) -> Result<String, Error> {
    let sx = if sex == "F" { cf::Sex::F } else { cf::Sex::M };
    let base = cf::encode(last, first, birth, sx, place)?;
    // Two people with the same code: the Agenzia assigns omocodia letters.
    for n in 0..=7 {
        let code = if n == 0 { base.clone() } else { cf::with_omocodia(&base, n)? };
        if used.insert(code.clone()) {
            return Ok(code);
        }
    }
    Err(Error::new(Code::Internal, format!("codice fiscale ripetuto: {base}")))
}

fn analysis_input(rng: &mut Rng, h: &Household, interview: NaiveDate, situation: Situation) -> AnalysisInput {
    let adults: Vec<_> = h.members.iter().filter(|m| m.is_adult_on(interview)).collect();
    let outcome = match situation {
        Situation::Inviato => {
            if h.members.iter().any(|m| m.not_self_sufficient) {
                "servizi_specialistici"
            } else {
                "centro_impiego"
            }
        }
        _ if h.members.len() >= 4 || rng.chance(25) => "equipe_multidisciplinare",
        _ => "progetto_servizio_sociale",
    };
    let reason = match outcome {
        "centro_impiego" => "Bisogno legato solo alla mancanza di lavoro: invio al Centro per l'impiego per il patto di servizio.",
        "servizi_specialistici" => "Bisogno prevalentemente sanitario e di cura: invio ai servizi specialistici dell'ASST.",
        "equipe_multidisciplinare" => "Bisogni complessi su più aree: quadro di analisi con l'équipe multidisciplinare.",
        _ => "Bisogni definiti e risorse attivabili: progetto a cura del servizio sociale.",
    };
    let needs = ["nessuno", "lieve", "moderato", "grave"];
    AnalysisInput {
        id: None,
        household_id: Some(h.id.to_string()),
        interview_date: Some(interview.to_string()),
        participants: adults.iter().map(|m| Some(m.id.to_string())).collect(),
        domains: LifeArea::ALL
            .iter()
            .enumerate()
            .map(|(i, area)| AreaInput {
                domain: Some(area.as_str().into()),
                need: Some((*rng.pick(&needs)).into()),
                resources: Some(AREA_NOTES[i][rng.below(2) as usize].into()),
                notes: None,
            })
            .collect(),
        employability: adults
            .iter()
            .map(|m| EmployabilityInput {
                member_id: Some(m.id.to_string()),
                profile: Some(
                    if m.not_self_sufficient || crate::calendar::age_on(m.birth_date, interview) >= 67 {
                        "non_occupabile"
                    } else {
                        *rng.pick(&["occupabile", "occupabile_con_supporto", "occupabile_con_supporto"])
                    }
                    .into(),
                ),
                notes: None,
            })
            .collect(),
        outcome: Some(outcome.into()),
        outcome_reason: Some(reason.into()),
    }
}

fn project_input(rng: &mut Rng, h: &Household, interview: NaiveDate) -> ProjectInput {
    let adults: Vec<_> = h.members.iter().filter(|m| m.is_adult_on(interview)).collect();
    let minors: Vec<_> = h.members.iter().filter(|m| !m.is_adult_on(interview)).collect();
    let mut commitments = Vec::new();
    for m in &adults {
        let action = if m.not_self_sufficient {
            "Accettare l'attivazione del servizio di assistenza domiciliare e la visita dell'infermiere di comunità."
        } else {
            *rng.pick(ADULT_COMMITMENTS)
        };
        commitments.push(CommitmentInput {
            id: None,
            action: Some(action.into()),
            member_id: Some(m.id.to_string()),
            other_member_ids: Vec::new(),
            due_date: Some(days_after(interview, rng.range(30, 200)).to_string()),
            status: None,
        });
    }
    // School-age children commit to school; their parents are involved.
    for m in minors.iter().filter(|m| crate::calendar::age_on(m.birth_date, interview) >= 6) {
        commitments.push(CommitmentInput {
            id: None,
            action: Some((*rng.pick(MINOR_COMMITMENTS)).into()),
            member_id: Some(m.id.to_string()),
            other_member_ids: adults.iter().take(2).map(|a| Some(a.id.to_string())).collect(),
            due_date: Some(days_after(interview, rng.range(150, 300)).to_string()),
            status: None,
        });
    }
    let first_objective =
        if adults.iter().any(|m| m.not_self_sufficient) { OBJECTIVES[5] } else { OBJECTIVES[0] };
    let mut objectives = vec![Some(first_objective.to_string())];
    if !minors.is_empty() {
        objectives.push(Some(OBJECTIVES[1].into()));
    } else {
        objectives.push(Some((*rng.pick(&OBJECTIVES[2..5])).into()));
    }
    let supports = {
        let a = rng.below(SUPPORTS.len() as u64) as usize;
        let b = (a + 1 + rng.below(SUPPORTS.len() as u64 - 1) as usize) % SUPPORTS.len();
        [SUPPORTS[0], SUPPORTS[a.max(1)], SUPPORTS[b.max(1)]]
    };
    let mut support_inputs: Vec<SupportInput> = Vec::new();
    for (d, p) in supports {
        if !support_inputs.iter().any(|s| s.description.as_deref() == Some(d)) {
            support_inputs.push(SupportInput {
                id: None,
                description: Some(d.into()),
                provider: Some(p.into()),
            });
        }
    }
    // The first meeting within 120 days, then every 90 (as under the ADI).
    let meetings = [30, 120, 210]
        .iter()
        .map(|days| MeetingInput {
            id: None,
            date: Some(days_after(interview, *days + rng.range(0, 4)).to_string()),
            time: Some((*rng.pick(&["09:30", "10:00", "11:15", "14:30"])).into()),
            duration_minutes: Some(Scalar::Int(*rng.pick(&[45, 60, 60, 90]))),
            place: Some("largo Treves 1, 4° piano".into()),
            notes: None,
            evaluation: None,
        })
        .collect();
    ProjectInput {
        id: None,
        household_id: Some(h.id.to_string()),
        objectives,
        expected_results: vec![Some((*rng.pick(RESULTS)).into())],
        commitments,
        supports: support_inputs,
        meetings,
    }
}

/// Plays one household's story through the service, each step on its day.
fn play(
    db: &Path,
    documents: &Path,
    key: &DbKey,
    story: &Story,
    rng: &mut Rng,
    today: NaiveDate,
    report: &mut DemoReport,
) -> Result<(), Error> {
    // The key is in hand: each step opens as the story's operator on its day
    // without paying Argon2 again.
    let at = |day: NaiveDate| {
        Service::unlocked(
            db,
            documents,
            key.duplicate(),
            Credentials::password(story.operator, ""),
            Some(day.min(today)),
        )
    };
    let registrar = at(story.registered)?;
    let mut h = registrar.household_save(story.household.clone())?;
    if registrar.operator().role == Role::Coordinatore {
        let to = registrar
            .operators_list()?
            .into_iter()
            .find(|a| a.operator.username == ASSIGNEE_OF_COORDINATOR_CASES)
            .ok_or_else(|| Error::new(crate::error::Code::Internal, "operatore della demo mancante"))?;
        h = registrar.household_assign(h.id, to.operator.id)?;
    }
    report.households += 1;
    report.members += h.members.len();
    report.minors += story.minors_at_interview;
    *report.by_situation.entry(story.situation.name().to_string()).or_default() += 1;
    let Some(interview) = story.interview else { return Ok(()) };

    let s = at(interview)?;
    let analysis = s.analysis_save(analysis_input(rng, &h, interview, story.situation))?;
    report.analyses += 1;
    if matches!(story.situation, Situation::Inviato | Situation::DaScrivere) {
        return Ok(());
    }
    let p = s.project_save(project_input(rng, &h, interview))?;
    report.projects += 1;
    if story.situation == Situation::NeiTermini && rng.chance(50) {
        return Ok(()); // still a bozza
    }
    let ready = days_after(interview, rng.range(1, 4)).min(today);
    let p = at(ready)?.project_set_status(p.id, ProjectStatus::DaFirmare)?;
    let signed_by = match story.situation {
        Situation::NeiTermini | Situation::InScadenza | Situation::Scaduto => {
            // Some have signed, not everyone: the board shows who is missing.
            let n = rng.below(p.required_signers.len() as u64) as usize;
            n.min(p.required_signers.len().saturating_sub(1))
        }
        _ => p.required_signers.len(),
    };
    let last_day = analysis.signing_deadline.min(today);
    let mut day = ready;
    for r in p.required_signers.iter().take(signed_by) {
        day = days_after(day, rng.range(0, 3)).min(last_day).max(ready);
        at(day)?.signature_record(p.id, r.member_id, day)?;
    }
    match story.situation {
        Situation::InCorso | Situation::Concluso => {
            let start = days_after(day, rng.range(3, 10)).min(today);
            at(start)?.project_set_status(p.id, ProjectStatus::InCorso)?;
            if story.situation == Situation::Concluso {
                let end = days_after(start, rng.range(300, 380)).min(today);
                at(end)?.project_set_status(p.id, ProjectStatus::Concluso)?;
            }
        }
        _ => {}
    }
    Ok(())
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
