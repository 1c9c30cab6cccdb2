//! The demo's fictional people and texts: names real in shape (Italian with
//! apostrophes and accents, foreign with their letters), codici fiscali computed
//! from them, streets, commitments; a small deterministic generator.

use super::*;

/// The operators of the demo office: (login, name, role).
pub(super) const OPERATORS: &[(&str, &str, Role)] = &[
    ("averdi", "Anna Verdi", Role::Coordinatore),
    ("mbianchi", "Marco Bianchi", Role::Operatore),
    ("lgallo", "Lucia Gallo", Role::Operatore),
    ("kamrani", "Karima El Amrani", Role::Operatore),
];

/// The demo accounts' codici fiscali (the SIUSS flow names who prepared it).
/// The administrator's is the IT officer's who runs the account.
pub(super) const OPERATOR_CFS: &[(&str, &str)] = &[
    ("amministratore", "SLAGRG70A01F205H"),
    ("averdi", "VRDNNA75C41F205R"),
    ("mbianchi", "BNCMRC82H12F205D"),
    ("lgallo", "GLLLCU79S63F205K"),
    ("kamrani", "LMRKRM86B55Z330D"),
];

/// The demo's two équipe, so that the case scope shows: an operatore of one
/// sees the cases of their équipe and not the other's.
pub(super) const EQUIPES: &[(&str, &str)] =
    &[("mbianchi", "Équipe Nord"), ("kamrani", "Équipe Nord"), ("lgallo", "Équipe Sud")];

/// Who takes in charge a case the coordinator registers (the coordinator
/// distributes cases, and follows none).
pub(super) const ASSIGNEE_OF_COORDINATOR_CASES: &str = "lgallo";

/// A small deterministic generator (SplitMix64): no dependency, same numbers
/// on every machine.
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub(super) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Where a family comes from: surnames, given names, birthplace, citizenship.
pub(super) struct Origin {
    pub(super) surnames: &'static [&'static str],
    pub(super) male: &'static [&'static str],
    pub(super) female: &'static [&'static str],
    /// Belfiore code of the country (Z…) or comune of birth of the adults.
    pub(super) birthplace: &'static [&'static str],
    pub(super) citizenship: Citizen,
}

/// A citizenship as the form takes it: the kind and, for a citizen of another
/// country, its ISO 3166-1 numeric code (SIUSS's `CodiceCittadinanza`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Citizen {
    pub(super) kind: &'static str,
    pub(super) country: &'static str,
}

const fn citizen(kind: &'static str, country: &'static str) -> Citizen {
    Citizen { kind, country }
}

pub(super) const ITALIA: Origin = Origin {
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
    citizenship: citizen("italiana", ""),
};

pub(super) const FOREIGN: &[Origin] = &[
    Origin {
        surnames: &["Nguyễn", "Trần", "Phạm", "Đặng"],
        male: &["Văn Hùng", "Minh Đức", "Quang Huy"],
        female: &["Thị Lan", "Thị Hoa", "Ngọc Ánh"],
        birthplace: &["Z251"],
        citizenship: citizen("extra_ue", "704"),
    },
    Origin {
        surnames: &["El Amrani", "Benali", "Aït Lahcen", "Haddad"],
        male: &["Youssef", "Mohamed", "Rachid"],
        female: &["Fatima Zahra", "Khadija", "Salma"],
        birthplace: &["Z330"],
        citizenship: citizen("extra_ue", "504"),
    },
    Origin {
        surnames: &["Popescu", "Ionescu", "Ștefănescu", "Dumitrașcu"],
        male: &["Ștefan", "Ion", "Andrei"],
        female: &["Ioana", "Mădălina", "Ana-Maria"],
        birthplace: &["Z129"],
        citizenship: citizen("ue", "642"),
    },
    Origin {
        surnames: &["Núñez", "Quispe", "García", "Mamani"],
        male: &["José Luis", "Jesús", "Iñaki"],
        female: &["María José", "Rocío", "Begoña"],
        birthplace: &["Z611"],
        citizenship: citizen("extra_ue", "604"),
    },
    Origin {
        surnames: &["Chen", "Wang", "Hu", "Zhou"],
        male: &["Wei", "Jian", "Hao"],
        female: &["Fang", "Xiu Ying", "Li Na"],
        birthplace: &["Z210"],
        citizenship: citizen("extra_ue", "156"),
    },
    Origin {
        surnames: &["Nowak", "Kowalczyk", "Mazur"],
        male: &["Łukasz", "Paweł"],
        female: &["Małgorzata", "Agnieszka"],
        birthplace: &["Z127"],
        citizenship: citizen("ue", "616"),
    },
    Origin {
        surnames: &["Fernando", "Perera", "Jayasuriya"],
        male: &["Nuwan", "Chaminda"],
        female: &["Dilani", "Sachini"],
        birthplace: &["Z209"],
        citizenship: citizen("extra_ue", "144"),
    },
    Origin {
        surnames: &["Kovalenko", "Shevchenko", "Bondarenko"],
        male: &["Oleksandr", "Dmytro"],
        female: &["Oksana", "Nataliia"],
        birthplace: &["Z138"],
        citizenship: citizen("extra_ue", "804"),
    },
    Origin {
        surnames: &["Hoxha", "Shehu", "Dervishi"],
        male: &["Arben", "Ermal"],
        female: &["Elira", "Besa"],
        birthplace: &["Z100"],
        citizenship: citizen("extra_ue", "008"),
    },
];

pub(super) const CHILDREN_M: &[&str] =
    &["Leonardo", "Tommaso", "Edoardo", "Noè", "Gioele", "Karim", "Minh", "Mateo", "Ilyas"];
pub(super) const CHILDREN_F: &[&str] =
    &["Zoë", "Sofia", "Aurora", "Ginevra", "Matilde", "Amira", "Linh", "Chloé", "Maëlle"];

pub(super) const STREETS: &[&str] = &[
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
pub(super) const ADULT_COMMITMENTS: &[&str] = &[
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

pub(super) const MINOR_COMMITMENTS: &[&str] = &[
    "Frequentare regolarmente la scuola; i genitori mantengono i contatti con gli insegnanti.",
    "Partecipare al doposcuola del centro di aggregazione giovanile due pomeriggi a settimana.",
    "Frequentare il centro estivo comunale nei mesi di luglio e agosto.",
];

pub(super) const OBJECTIVES: &[&str] = &[
    "Raggiungere l'autonomia economica del nucleo entro dodici mesi.",
    "Garantire la frequenza scolastica regolare dei figli.",
    "Stabilizzare la situazione abitativa ed evitare lo sfratto.",
    "Rafforzare la rete di sostegno familiare e di vicinato.",
    "Migliorare la conoscenza della lingua italiana per l'accesso ai servizi.",
    "Assicurare l'assistenza domiciliare e la cura della persona non autosufficiente.",
];

pub(super) const RESULTS: &[&str] = &[
    "Almeno un adulto del nucleo con un contratto di lavoro o un tirocinio retribuito.",
    "Frequenza scolastica dei minori superiore al 90% dei giorni.",
    "Piano di rientro del debito di affitto concordato con il proprietario.",
    "Certificazione di lingua italiana livello A2 conseguita.",
    "Attivazione del servizio di assistenza domiciliare (SAD).",
];

pub(super) const SUPPORTS: &[(&str, &str)] = &[
    ("Colloqui di monitoraggio con l'assistente sociale ogni 90 giorni", "Servizio Sociale Territoriale"),
    ("Orientamento e ricerca attiva del lavoro", "AFOL Metropolitana — Centro per l'impiego"),
    ("Sostegno socio-educativo ai minori", "Cooperativa sociale incaricata dal Comune"),
    ("Contributo economico per il pagamento dell'affitto", "Comune di Milano — Direzione Politiche Sociali"),
    ("Corso di lingua italiana", "CPIA 3 Milano"),
    ("Servizio di assistenza domiciliare (SAD)", "Comune di Milano"),
];

pub(super) const AREA_NOTES: &[[&str; 2]; 6] = &[
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

/// One fictional person, with the codice fiscale the Agenzia would give them.
#[allow(clippy::too_many_arguments)]
pub(super) fn person(
    rng: &mut Rng,
    on: NaiveDate,
    first: &str,
    last: &str,
    birth: NaiveDate,
    sex: &str,
    rel: &str,
    birthplace: &str,
    citizenship: Citizen,
    used: &mut HashSet<String>,
) -> Result<PlannedMember, Error> {
    let code = unique_code(last, first, birth, sex, birthplace, used)?;
    let age = crate::calendar::age_on(birth, on);
    let (employment, education) = if age < ADULT_AGE {
        // Below the age it is asked from (the rule set's), none at all.
        let asked = crate::domain::household::employment_asked(birth, on)?;
        (if asked { "studente" } else { "" }, if age < 11 { "nessuno" } else { "isced_0_2" })
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
            citizenship: Some(citizenship.kind.to_string()),
            citizenship_country: (!citizenship.country.is_empty()).then(|| citizenship.country.to_string()),
            permit: None,
            residence_comune: Some("F205".into()),
            resident_since: Some(since.min(on).to_string()),
            invalidity_percent: Some(Scalar::Int(0)),
            disability_certified: Some(false),
            not_self_sufficient: Some(false),
            employment: (!employment.is_empty()).then(|| employment.to_string()),
            education: Some(education.to_string()),
            guardian_id: None,
        },
        birth,
    })
}

pub(super) fn unique_code(
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

/// A residence permit for a member from outside the EU, expiring around
/// `today` (some lapsed, some within the board's window, most later): the
/// board's permits. A child has a permit for family reasons, or the
/// long-term one of the parents.
pub(super) fn permit(rng: &mut Rng, adult: bool, long_term_family: bool, today: NaiveDate) -> PermitInput {
    let kind = if long_term_family {
        "ue_lungo_periodo"
    } else if adult {
        *rng.pick(&[
            "lavoro_subordinato",
            "lavoro_subordinato",
            "famiglia",
            "ue_lungo_periodo",
            "protezione_sussidiaria",
            "attesa_occupazione",
        ])
    } else {
        "famiglia"
    };
    let expires = crate::domain::PermitKind::parse(kind)
        .is_some_and(|k| k.expires())
        .then(|| (today + chrono::Duration::days(rng.range(-40, 720))).to_string());
    PermitInput {
        kind: Some(kind.to_string()),
        number: Some(format!("{}{:07}", *rng.pick(&["I", "H", "L"]), rng.below(10_000_000))),
        expires_on: expires,
    }
}
