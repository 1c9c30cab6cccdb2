//! 100,000 fictional members, the same on every run: the population of the
//! search and encryption benchmarks.
#![allow(dead_code)]

use std::collections::HashSet;

use chrono::NaiveDate;
use sportello::cf;
use sportello::domain::household::{HouseholdDraft, ADULT_AGE};
use sportello::domain::{Citizenship, Education, Employment, Id, Member, Relationship, Sex};
use sportello::service::Service;
use sportello::storage::Stamp;

pub const MEMBERS: usize = 100_000;

const SURNAMES: &[&str] = &[
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "De Santis",
    "D'Angelo",
    "Marchetti",
    "Parisi",
    "Villa",
    "Conte",
    "Ferraro",
    "Ferri",
    "Fabbri",
    "Bianco",
    "Marini",
    "Grasso",
    "Valentini",
    "Messina",
    "Sala",
    "De Angelis",
    "Gatti",
    "Pellegrini",
    "Palumbo",
    "Sanna",
    "Farina",
    "Rizzi",
    "Monti",
    "Cattaneo",
    "Morelli",
    "Amato",
    "Silvestri",
    "Mazza",
    "Testa",
    "Dell'Orto",
    "Grassi",
    "Pellegrino",
    "Carbone",
    "Giuliani",
    "Benedetti",
    "Barone",
    "Rossetti",
    "Caputo",
    "Montanari",
    "Guerra",
    "Palmieri",
    "Bernardi",
    "Martino",
    "Fiore",
    "De Rosa",
    "Ferretti",
    "Bellini",
    "Basile",
    "Riva",
    "Donati",
    "Piras",
    "Vitali",
    "Battaglia",
    "Sartori",
    "Neri",
    "Costantini",
    "Milani",
    "Pagano",
    "Ruggiero",
    "Sorrentino",
    "D'Amico",
    "Orlando",
    "Damico",
    "Negri",
    "Brambilla",
    "Fumagalli",
    "Cantù",
    "Mazzà",
    "Nguyễn",
    "Trần",
    "Phạm",
    "Lê",
    "Đặng",
    "Chen",
    "Wang",
    "Hu",
    "Zhou",
    "Liu",
    "El Amrani",
    "Benali",
    "Haddad",
    "Popescu",
    "Ionescu",
    "Ștefănescu",
    "Núñez",
    "Quispe",
    "García",
    "Mamani",
    "Fernando",
    "Perera",
    "Santos",
    "Dela Cruz",
    "Reyes",
    "Kovalenko",
    "Shevchenko",
    "Hoxha",
    "Shehu",
    "Nowak",
    "Mazur",
    "Abdelrahman",
    "Mostafa",
];

const MALE: &[&str] = &[
    "Luca",
    "Marco",
    "Giuseppe",
    "Andrea",
    "Francesco",
    "Mattia",
    "Niccolò",
    "Nicolò",
    "Gabriele",
    "Davide",
    "Salvatore",
    "Antonio",
    "Giovanni",
    "Leonardo",
    "Tommaso",
    "Edoardo",
    "Alessandro",
    "Lorenzo",
    "Riccardo",
    "Pietro",
    "Youssef",
    "Mohamed",
    "Wei",
    "Văn Hùng",
    "Ștefan",
    "José Luis",
    "Oleksandr",
    "Arben",
    "Łukasz",
    "Nuwan",
];

const FEMALE: &[&str] = &[
    "Giulia",
    "Chiara",
    "Francesca",
    "Sara",
    "Martina",
    "Anna",
    "Maria",
    "Elena",
    "Noemi",
    "Aurora",
    "Sofia",
    "Ginevra",
    "Beatrice",
    "Alice",
    "Emma",
    "Zoë",
    "Rosalia",
    "Lucia",
    "Paola",
    "Valentina",
    "Thị Lan",
    "Fatima Zahra",
    "Fang",
    "Ioana",
    "María José",
    "Oksana",
    "Elira",
    "Małgorzata",
    "Dilani",
    "Khadija",
];

const PLACES: &[&str] =
    &["F205", "F205", "F205", "I690", "C895", "F839", "G273", "Z251", "Z330", "Z129", "Z611", "Z210"];

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() % v.len() as u64) as usize]
    }
}

fn member(
    rng: &mut Rng,
    used: &mut HashSet<String>,
    rel: Relationship,
    last: &str,
    today: NaiveDate,
) -> Member {
    loop {
        let female = rng.next().is_multiple_of(2);
        let first = if female { rng.pick(FEMALE) } else { rng.pick(MALE) };
        let birth = today - chrono::Days::new(365 * u64::from(ADULT_AGE) + rng.next() % (365 * 60));
        let sex = if female { cf::Sex::F } else { cf::Sex::M };
        let base = cf::encode(last, first, birth, sex, rng.pick(PLACES)).expect("valid data");
        for n in 0..=7 {
            let code = if n == 0 { base.clone() } else { cf::with_omocodia(&base, n).expect("omocodia") };
            if used.insert(code.clone()) {
                return Member {
                    id: Id::new(),
                    first_name: first.to_string(),
                    last_name: last.to_string(),
                    codice_fiscale: cf::Cf::check(&code).expect("a code encode made"),
                    birth_date: birth,
                    sex: if female { Sex::F } else { Sex::M },
                    relationship: rel,
                    citizenship: Citizenship::Italiana,
                    citizenship_country: None,
                    permit: None,
                    residence_comune: Some("F205".into()),
                    resident_since: None,
                    invalidity_percent: 0,
                    disability_certified: false,
                    not_self_sufficient: false,
                    employment: Some(Employment::Disoccupato),
                    education: Education::Isced34,
                    guardian_id: None,
                };
            }
        }
    }
}

/// A database of 100,000 members in households of one to five.
pub fn populate(service: &Service, today: NaiveDate) {
    Population::default().grow(service, today, MEMBERS);
}

/// The same population, written in steps: the first `n` members are the same
/// whatever the steps (the quick search bench times 10,000 then 100,000).
pub struct Population {
    rng: Rng,
    used: HashSet<String>,
    count: usize,
}

impl Default for Population {
    fn default() -> Population {
        Population { rng: Rng(2026), used: HashSet::new(), count: 0 }
    }
}

impl Population {
    /// Members written so far (a household is never split: may pass a target by up to four).
    pub fn members(&self) -> usize {
        self.count
    }

    /// Adds households until the database holds at least `members` members.
    pub fn grow(&mut self, service: &Service, today: NaiveDate, members: usize) {
        let by = service.operator().id;
        let Population { rng, used, count } = self;
        service
            .storage()
            .transaction(|tx| {
                let stamp = Stamp { at: "2026-11-20T09:00:00.000Z".into(), by };
                while *count < members {
                    let size = 1 + (rng.next() % 5) as usize;
                    let last = rng.pick(SURNAMES);
                    let mut list = vec![member(rng, used, Relationship::Richiedente, last, today)];
                    for _ in 1..size {
                        let other = if rng.next().is_multiple_of(3) { rng.pick(SURNAMES) } else { last };
                        list.push(member(rng, used, Relationship::Figlio, other, today));
                    }
                    *count += list.len();
                    let draft = HouseholdDraft {
                        id: None,
                        updated_at: None,
                        address: Some("via Padova 1, Milano".into()),
                        cap: None,
                        comune: "F205".into(),
                        phone: None,
                        email: None,
                        notes: None,
                        isee: None,
                        members: list,
                    };
                    let case = tx.next_case_number(2026, &stamp.at)?;
                    tx.household_insert(Id::new(), &case, &draft, &stamp)?;
                }
                Ok(())
            })
            .expect("populate");
    }
}
