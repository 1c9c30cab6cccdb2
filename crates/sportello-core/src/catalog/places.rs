//! Italian comuni and foreign states with their codice catastale (Belfiore)
//! and their periods of validity: `assets/luoghi/luoghi.tsv` (ANPR/ISTAT data
//! as shipped under MIT by python-codicefiscale; `assets/luoghi/README.md`),
//! compiled in and read once.
//!
//! This is the list of *places*; the office calendar's comuni (patron days,
//! `catalog::comuni`) are another file, kept only where a source gives the day.
//!
//! Lookups: the period of a code in force on a date ([`Places::on`]), every
//! period of a code ([`Places::periods`]), and a search by name, accent-blind,
//! with the province ([`Places::search`]).

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::Serialize;

use crate::cf::is_belfiore;
use crate::cf::letters::plain_letters;
use crate::error::{Code, Error, Result};

const BUILTIN_TSV: &str = include_str!("../../../../assets/luoghi/luoghi.tsv");
const BUILTIN_FILE: &str = "assets/luoghi/luoghi.tsv";

/// The `sigla` of a foreign state.
pub const FOREIGN: &str = "EE";

/// One period of a place: a comune (or a foreign state) with one name and one
/// province between two dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// Codice catastale (Belfiore): `F205`, `Z330`.
    pub code: String,
    /// "Milano", "Reggio nell'Emilia", "Marocco".
    pub name: String,
    /// The name in the other official language ("Bozen"), or another name
    /// of a state.
    pub alt_name: Option<String>,
    /// The province's sigla (`MI`), or `EE` for a foreign state.
    pub province: String,
    /// First day (`None`: the source does not say).
    pub from: Option<NaiveDate>,
    /// Last day (`None`: in force).
    pub to: Option<NaiveDate>,
}

impl Place {
    pub fn is_foreign(&self) -> bool {
        self.province == FOREIGN
    }

    /// Whether this period covers `on`.
    pub fn valid_on(&self, on: NaiveDate) -> bool {
        self.from.is_none_or(|f| f <= on) && self.to.is_none_or(|t| on <= t)
    }

    /// As shown and printed: "Milano (MI)", "Marocco".
    pub fn label(&self) -> String {
        if self.is_foreign() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, self.province)
        }
    }
}

/// Which places a search looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    Comune,
    StatoEstero,
    Any,
}

/// Search keys of a period: its name and alternative name as plain letters
/// ("Sant'Angelo" → `SANTANGELO`), with the offsets where their words start.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Keys {
    names: Vec<(String, Vec<usize>)>,
}

fn keys_of(name: &str) -> (String, Vec<usize>) {
    let mut key = String::new();
    let mut starts = Vec::new();
    for word in name.split([' ', '\'', '-', '/', '’']) {
        let plain = plain_letters(word);
        if plain.is_empty() {
            continue;
        }
        starts.push(key.len());
        key.push_str(&plain);
    }
    (key, starts)
}

/// The list, loaded once: periods sorted by code and start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    periods: Vec<Place>,
    keys: Vec<Keys>,
    by_code: HashMap<String, Range<usize>>,
    provinces: BTreeSet<String>,
}

fn bad(origin: &str, line: u64, field: &str, message: String) -> Error {
    Error::new(Code::BadRuleSet, format!("{origin}: {message}")).with_field(field).at_line(line)
}

fn day(origin: &str, line: u64, field: &str, text: &str) -> Result<Option<NaiveDate>> {
    if text.is_empty() {
        return Ok(None);
    }
    crate::dates::parse_iso(field, text).map(Some).map_err(|e| bad(origin, line, field, e.message))
}

impl Places {
    /// The list compiled into the program, parsed at its first use.
    pub fn builtin() -> &'static Places {
        &BUILTIN
    }

    /// Reads a list in the format of `assets/luoghi/luoghi.tsv`: `codice`,
    /// `nome`, `nome_alt`, `sigla`, `dal`, `al`, tab-separated, `#` comments.
    /// An error names the line and the field.
    pub fn parse(text: &str, origin: &str) -> Result<Places> {
        let mut periods: Vec<Place> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i as u64 + 1;
            if raw.trim().is_empty() || raw.starts_with('#') {
                continue;
            }
            let cells: Vec<&str> = raw.split('\t').collect();
            if cells.len() != 6 {
                return Err(bad(origin, line, "riga", format!("attesi 6 campi, trovati {}", cells.len())));
            }
            let code = cells[0].trim();
            if !is_belfiore(code) {
                return Err(bad(origin, line, "codice", format!("codice catastale non valido: «{code}»")));
            }
            let name = cells[1].trim();
            if name.is_empty() {
                return Err(bad(origin, line, "nome", "nome mancante".to_string()));
            }
            let province = cells[3].trim();
            let sigla_ok = province.len() == 2 && province.bytes().all(|b| b.is_ascii_uppercase());
            if !sigla_ok {
                return Err(bad(origin, line, "sigla", format!("sigla non valida: «{province}»")));
            }
            if (province == FOREIGN) != code.starts_with('Z') {
                return Err(bad(
                    origin,
                    line,
                    "sigla",
                    format!("{code}: gli stati esteri (codice Z…) e solo loro hanno la sigla EE"),
                ));
            }
            let from = day(origin, line, "dal", cells[4].trim())?;
            let to = day(origin, line, "al", cells[5].trim())?;
            if let (Some(f), Some(t)) = (from, to) {
                if t < f {
                    return Err(bad(origin, line, "al", "«al» precede «dal»".to_string()));
                }
            }
            let alt = cells[2].trim();
            periods.push(Place {
                code: code.to_string(),
                name: name.to_string(),
                alt_name: (!alt.is_empty()).then(|| alt.to_string()),
                province: province.to_string(),
                from,
                to,
            });
        }
        // Stable: the file's order within a code and a start.
        periods.sort_by(|a, b| (&a.code, a.from).cmp(&(&b.code, b.from)));
        let mut by_code: HashMap<String, Range<usize>> = HashMap::new();
        for (i, p) in periods.iter().enumerate() {
            by_code.entry(p.code.clone()).and_modify(|r| r.end = i + 1).or_insert(i..i + 1);
        }
        let keys = periods
            .iter()
            .map(|p| Keys {
                names: std::iter::once(&p.name).chain(&p.alt_name).map(|n| keys_of(n)).collect(),
            })
            .collect();
        let provinces = periods.iter().filter(|p| !p.is_foreign()).map(|p| p.province.clone()).collect();
        Ok(Places { periods, keys, by_code, provinces })
    }

    /// Every period of a code, oldest first (empty: no such code).
    pub fn periods(&self, code: &str) -> &[Place] {
        let code = code.trim().to_uppercase();
        self.by_code.get(&code).map_or(&[], |r| &self.periods[r.clone()])
    }

    /// The period of `code` in force on `on` (the first, when the source has two).
    pub fn on(&self, code: &str, on: NaiveDate) -> Option<&Place> {
        self.periods(code).iter().find(|p| p.valid_on(on))
    }

    /// The most recent period of `code`.
    pub fn latest(&self, code: &str) -> Option<&Place> {
        self.periods(code).last()
    }

    /// Places whose name (or other-language name) matches `query`, accents,
    /// apostrophes and case aside: the whole name first, then names starting
    /// with it, then names with a word starting with it ("giovanni" finds Sesto
    /// San Giovanni), then names containing it; places in force before the
    /// others, then by name. A last word that is a province's sigla ("castro
    /// le", "monza (mb)") keeps that province's places. A codice catastale
    /// ("F205") finds its place. With `on`, only the periods in force that day;
    /// without, the most recent matching period of each code. At most `limit`.
    pub fn search(&self, query: &str, kind: PlaceKind, on: Option<NaiveDate>, limit: usize) -> Vec<&Place> {
        let cleaned: String = query.chars().map(|c| if "()[],;.".contains(c) { ' ' } else { c }).collect();
        let mut words: Vec<&str> = cleaned.split_whitespace().collect();
        let mut province = None;
        if words.len() >= 2 {
            let last = words[words.len() - 1].to_uppercase();
            if self.provinces.contains(&last) || last == FOREIGN {
                province = Some(last);
                words.pop();
            }
        }
        let kind_ok = |p: &Place| match kind {
            PlaceKind::Comune => !p.is_foreign(),
            PlaceKind::StatoEstero => p.is_foreign(),
            PlaceKind::Any => true,
        };
        let date_ok = |p: &Place| on.is_none_or(|d| p.valid_on(d));
        let province_ok = |p: &Place| province.as_deref().is_none_or(|s| p.province == s);

        let joined = words.join(" ");
        if words.len() == 1 && is_belfiore(&joined.to_uppercase()) {
            return self.periods(&joined).iter().rev().filter(|p| kind_ok(p) && date_ok(p)).take(1).collect();
        }
        let q = plain_letters(&joined);
        if q.len() < 2 {
            return Vec::new();
        }
        // (rank, not in force, name, index): the best match of each code.
        let mut best: HashMap<&str, (u8, bool, usize)> = HashMap::new();
        for (i, p) in self.periods.iter().enumerate() {
            if !(kind_ok(p) && date_ok(p) && province_ok(p)) {
                continue;
            }
            let rank = self.keys[i]
                .names
                .iter()
                .filter_map(|(key, starts)| {
                    if *key == q {
                        Some(0)
                    } else if key.starts_with(&q) {
                        Some(1)
                    } else if starts.iter().any(|&s| key[s..].starts_with(&q)) {
                        Some(2)
                    } else if key.contains(&q) {
                        Some(3)
                    } else {
                        None
                    }
                })
                .min();
            let Some(rank) = rank else { continue };
            let ended = p.to.is_some();
            let entry = (rank, ended, i);
            best.entry(p.code.as_str())
                .and_modify(|e| {
                    // The better match; between equals, the later period.
                    if (rank, ended) < (e.0, e.1) || ((rank, ended) == (e.0, e.1) && i > e.2) {
                        *e = entry;
                    }
                })
                .or_insert(entry);
        }
        let mut found: Vec<(u8, bool, usize)> = best.into_values().collect();
        found.sort_by(|a, b| {
            let (pa, pb) = (&self.periods[a.2], &self.periods[b.2]);
            (a.0, a.1, plain_letters(&pa.name), &pa.province).cmp(&(
                b.0,
                b.1,
                plain_letters(&pb.name),
                &pb.province,
            ))
        });
        found.into_iter().take(limit).map(|(_, _, i)| &self.periods[i]).collect()
    }

    /// Number of periods.
    pub fn len(&self) -> usize {
        self.periods.len()
    }

    pub fn is_empty(&self) -> bool {
        self.periods.is_empty()
    }

    /// Every period, by code and start.
    pub fn iter(&self) -> impl Iterator<Item = &Place> {
        self.periods.iter()
    }
}

static BUILTIN: LazyLock<Places> = LazyLock::new(|| {
    // Compiled in and checked by the tests: failing here is a build defect.
    Places::parse(BUILTIN_TSV, BUILTIN_FILE).unwrap_or_else(|e| panic!("{BUILTIN_FILE}: {}", e.located("")))
});

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::dates::parse_iso("d", s).unwrap()
    }

    fn names(found: &[&Place]) -> Vec<String> {
        found.iter().map(|p| p.label()).collect()
    }

    #[test]
    fn the_builtin_list_has_every_comune_and_state() {
        let p = Places::builtin();
        let today = d("2026-06-15");
        let in_force: Vec<&Place> = p.iter().filter(|x| x.valid_on(today)).collect();
        let comuni = in_force.iter().filter(|x| !x.is_foreign()).count();
        // ISTAT: 7,894 comuni in 2025; the foreign states about two hundred.
        assert!((7800..8000).contains(&comuni), "{comuni}");
        assert!(in_force.iter().filter(|x| x.is_foreign()).count() > 190);
        assert_eq!(p.on("F205", today).unwrap().label(), "Milano (MI)");
        assert_eq!(p.on("z330", today).unwrap().label(), "Marocco");
        assert_eq!(p.on("H223", today).unwrap().name, "Reggio nell'Emilia");
        assert!(p.on("Z999", today).is_none());
        assert!(p.periods("XXXX").is_empty());
    }

    #[test]
    fn lookup_by_name_is_accent_blind_and_names_the_province() {
        let p = Places::builtin();
        let today = Some(d("2026-06-15"));
        let first = |q: &str| p.search(q, PlaceKind::Any, today, 10).first().map(|x| x.label());
        assert_eq!(first("milano").as_deref(), Some("Milano (MI)"));
        assert_eq!(first("  MILANO ").as_deref(), Some("Milano (MI)"));
        assert_eq!(first("forli").as_deref(), Some("Forlì (FC)"));
        assert_eq!(first("reggio nell emilia").as_deref(), Some("Reggio nell'Emilia (RE)"));
        assert_eq!(first("cassano dadda").as_deref(), Some("Cassano d'Adda (MI)"));
        assert_eq!(first("peru").as_deref(), Some("Perù"));
        assert_eq!(first("bozen").as_deref(), Some("Bolzano (BZ)"));
        // A word inside the name.
        assert!(names(&p.search("giovanni", PlaceKind::Comune, today, 50))
            .contains(&"Sesto San Giovanni (MI)".into()));
        // Two comuni with one name: the province tells them apart.
        let castro = names(&p.search("castro", PlaceKind::Comune, today, 5));
        assert_eq!(&castro[..2], ["Castro (BG)", "Castro (LE)"]);
        assert_eq!(names(&p.search("castro le", PlaceKind::Comune, today, 5)), ["Castro (LE)"]);
        assert_eq!(names(&p.search("Monza (MB)", PlaceKind::Comune, today, 5))[0], "Monza (MB)");
        // Kinds, codes, too little to search for.
        assert!(p.search("marocco", PlaceKind::Comune, today, 5).is_empty());
        assert_eq!(names(&p.search("f205", PlaceKind::Comune, today, 5)), ["Milano (MI)"]);
        assert!(p.search("m", PlaceKind::Any, today, 5).is_empty());
        assert_eq!(p.search("san", PlaceKind::Comune, today, 7).len(), 7);
    }

    #[test]
    fn validity_dates_follow_the_history() {
        let p = Places::builtin();
        // Monza moved from the province of Milano to Monza e Brianza on 30 June 2009.
        assert_eq!(p.on("F704", d("2009-06-29")).unwrap().label(), "Monza (MI)");
        assert_eq!(p.on("F704", d("2009-06-30")).unwrap().label(), "Monza (MB)");
        // Czechoslovakia ended on 1 January 1993 (its last day in the list).
        assert_eq!(p.on("Z105", d("1985-03-01")).unwrap().name, "Cecoslovacchia");
        assert!(p.on("Z105", d("1993-01-02")).is_none());
        // A search on a date finds the names of that date only.
        let then = p.search("monza", PlaceKind::Comune, Some(d("2000-01-01")), 3);
        assert_eq!(then[0].label(), "Monza (MI)");
        assert!(p.search("cecoslovacchia", PlaceKind::StatoEstero, Some(d("2026-01-01")), 3).is_empty());
        // Without a date: the state, as it was last.
        assert_eq!(names(&p.search("cecoslovacchia", PlaceKind::Any, None, 3)), ["Cecoslovacchia"]);
    }

    #[test]
    fn a_suppressed_comune_is_found_only_where_it_existed() {
        let p = Places::builtin();
        // Cinisello (C706) was joined with Balsamo into Cinisello Balsamo (C707) in 1928.
        let cinisello = p.periods("C706");
        assert_eq!(cinisello.last().unwrap().name, "Cinisello");
        assert_eq!(cinisello.last().unwrap().to, Some(d("1928-11-02")));
        assert!(p.on("C706", d("1920-05-01")).is_some());
        assert!(p.on("C706", d("1950-05-01")).is_none());
        assert_eq!(p.on("C707", d("1950-05-01")).unwrap().name, "Cinisello Balsamo");
        let today = Some(d("2026-06-15"));
        assert!(
            !names(&p.search("cinisello", PlaceKind::Comune, today, 10)).contains(&"Cinisello (MI)".into())
        );
        let any_time = p.search("cinisello", PlaceKind::Comune, None, 10);
        // The whole name first, then the names that start with it.
        assert_eq!(names(&any_time), ["Cinisello (MI)", "Cinisello Balsamo (MI)"]);
        // Castelmola (ME) was suppressed from 1928 to 1947, then restored.
        assert!(p.on("C210", d("1935-01-01")).is_none());
        assert!(p.on("C210", d("1950-01-01")).is_some());
    }

    #[test]
    fn the_patron_days_comuni_are_in_the_list_by_the_same_name() {
        let places = Places::builtin();
        let today = d("2026-06-15");
        for c in crate::catalog::comuni::Comuni::builtin().iter() {
            let p = places.on(&c.comune.belfiore, today).unwrap_or_else(|| panic!("{}", c.comune.belfiore));
            assert_eq!(p.name, c.comune.nome, "{}", c.comune.belfiore);
        }
    }

    #[test]
    fn a_broken_file_names_line_and_field() {
        let ok = "# commento\nF205\tMilano\t\tMI\t1873-06-23\t\n";
        assert_eq!(Places::parse(ok, "x").unwrap().len(), 1);
        let cases = [
            ("F205\tMilano\t\tMI\t1873-06-23\n", "riga"),
            ("F20\tMilano\t\tMI\t1873-06-23\t\n", "codice"),
            ("F205\t \t\tMI\t1873-06-23\t\n", "nome"),
            ("F205\tMilano\t\tmi\t1873-06-23\t\n", "sigla"),
            ("Z330\tMarocco\t\tMA\t1900-01-01\t\n", "sigla"),
            ("F205\tMilano\t\tEE\t1900-01-01\t\n", "sigla"),
            ("F205\tMilano\t\tMI\t1873-06-31\t\n", "dal"),
            ("F205\tMilano\t\tMI\t1873-06-23\t1800-01-01\n", "al"),
        ];
        for (text, field) in cases {
            let e = Places::parse(&format!("# a\n{text}"), "x.tsv").unwrap_err();
            assert_eq!(e.code, Code::BadRuleSet, "{text}");
            assert_eq!(e.line, Some(2), "{text}");
            assert_eq!(e.field.as_deref(), Some(field), "{text}");
        }
    }
}
