//! Comuni and their patron days (rules.md §1.2): the built-in
//! `assets/calendar/comuni.toml`, plus an administrator's `comuni.toml` in the data
//! directory that adds entries or replaces them by Belfiore code, without a
//! rebuild. An unknown comune is an error (`Code::UnknownComune`), never a default.
//!
//! OWNER: issue 2.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::line_of;
use crate::error::{Code, Error, Result};

const BUILTIN_TOML: &str = include_str!("../../../../assets/calendar/comuni.toml");
const BUILTIN_FILE: &str = "assets/calendar/comuni.toml";

/// The name of the override file inside the data directory.
pub const OVERRIDES_FILE: &str = "comuni.toml";

/// The environment variable naming the data directory.
pub const DATA_DIR_ENV: &str = "SPORTELLO_DATA_DIR";

/// A comune as the office calendar needs it (rules.md §1.2): a record of the
/// comuni file, read by the calendar as `crate::calendar::Comune`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Comune {
    /// Belfiore code, e.g. `F205`.
    pub belfiore: String,
    pub nome: String,
    /// Patron saint's day: (month, day). An office-closing day, not a legal holiday.
    pub patrono: (u32, u32),
}

/// A comune with what the data file says about its patron day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComuneInfo {
    pub comune: Comune,
    /// The patron saint, e.g. "Sant'Ambrogio".
    pub santo: String,
    /// Where the patron day comes from.
    pub fonte: String,
    /// The file the entry was read from (built-in or the administrator's).
    pub origine: String,
}

/// The comuni known to the office calendar, by Belfiore code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comuni {
    entries: BTreeMap<String, ComuneInfo>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRaw {
    #[serde(default)]
    comune: Vec<toml::Spanned<RecordRaw>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordRaw {
    belfiore: String,
    nome: String,
    patrono: PatronoRaw,
    santo: String,
    fonte: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatronoRaw {
    mese: u32,
    giorno: u32,
}

// The shape of a Belfiore code is the codice fiscale's, kept there; re-exported
// for the callers that look for it beside the comuni.
pub use crate::cf::is_belfiore;

fn parse_entries(text: &str, origine: &str) -> Result<Vec<ComuneInfo>> {
    let raw: FileRaw = toml::from_str(text).map_err(|e| {
        let err = Error::new(Code::BadRuleSet, format!("file dei comuni non valido: {}", e.message().trim()));
        match e.span() {
            Some(span) => err.at_line(line_of(text, span.start)),
            None => err,
        }
    })?;
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    let mut out = Vec::with_capacity(raw.comune.len());
    for spanned in raw.comune {
        let line = line_of(text, spanned.span().start);
        let r = spanned.into_inner();
        let fail = |field: &str, message: String| {
            Err(Error::new(Code::BadRuleSet, message).with_field(field).at_line(line))
        };
        let belfiore = r.belfiore.trim().to_uppercase();
        if !is_belfiore(&belfiore) {
            return fail(
                "belfiore",
                format!("codice Belfiore non valido: «{}» (una lettera e tre cifre)", r.belfiore),
            );
        }
        if let Some(first) = seen.insert(belfiore.clone(), line) {
            return fail("belfiore", format!("comune {belfiore} già presente alla riga {first}"));
        }
        if r.nome.trim().is_empty() {
            return fail("nome", "nome del comune mancante".to_string());
        }
        // 2001 is a common year: a patron day on 29 February would vanish three years in four.
        if chrono::NaiveDate::from_ymd_opt(2001, r.patrono.mese, r.patrono.giorno).is_none() {
            return fail(
                "patrono",
                format!(
                    "giorno del patrono inesistente: giorno {} del mese {}",
                    r.patrono.giorno, r.patrono.mese
                ),
            );
        }
        if r.fonte.trim().is_empty() {
            return fail("fonte", "indicare la fonte del giorno del patrono".to_string());
        }
        out.push(ComuneInfo {
            comune: Comune {
                belfiore,
                nome: r.nome.trim().to_string(),
                patrono: (r.patrono.mese, r.patrono.giorno),
            },
            santo: r.santo.trim().to_string(),
            fonte: r.fonte.trim().to_string(),
            origine: origine.to_string(),
        });
    }
    Ok(out)
}

static BUILTIN: LazyLock<Comuni> = LazyLock::new(|| {
    // The file is compiled in and checked by the tests: failing here is a build defect.
    Comuni::from_toml(BUILTIN_TOML, BUILTIN_FILE)
        .unwrap_or_else(|e| panic!("{BUILTIN_FILE}: {}", e.located("")))
});

impl Comuni {
    /// The comuni compiled into the program (`assets/calendar/comuni.toml`).
    pub fn builtin() -> &'static Comuni {
        &BUILTIN
    }

    /// Reads a comuni file. `origine` names it in [`ComuneInfo::origine`].
    /// Errors carry the line and the field at fault.
    pub fn from_toml(text: &str, origine: &str) -> Result<Comuni> {
        Ok(Comuni::default().merged(parse_entries(text, origine)?))
    }

    /// These comuni with the entries of another file added; an entry with a
    /// Belfiore code already present replaces it.
    pub fn with_overrides(&self, text: &str, origine: &str) -> Result<Comuni> {
        Ok(self.clone().merged(parse_entries(text, origine)?))
    }

    fn merged(mut self, entries: Vec<ComuneInfo>) -> Comuni {
        for e in entries {
            self.entries.insert(e.comune.belfiore.clone(), e);
        }
        self
    }

    /// The override file inside a data directory.
    pub fn overrides_path(data_dir: &Path) -> PathBuf {
        data_dir.join(OVERRIDES_FILE)
    }

    /// The data directory named by `SPORTELLO_DATA_DIR`, if set and not empty.
    pub fn data_dir_from_env() -> Option<PathBuf> {
        std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()).map(PathBuf::from)
    }

    /// The built-in comuni, plus `<data_dir>/comuni.toml` when there is one.
    /// A data directory that does not exist is an error (a mistyped path would
    /// otherwise silently drop the administrator's comuni); errors in the
    /// override file are about [`Comuni::overrides_path`].
    pub fn load(data_dir: Option<&Path>) -> Result<Comuni> {
        let builtin = Comuni::builtin();
        let Some(dir) = data_dir else {
            return Ok(builtin.clone());
        };
        if !dir.is_dir() {
            return Err(Error::new(Code::Io, format!("la cartella dati non esiste: {}", dir.display())));
        }
        let path = Comuni::overrides_path(dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => builtin.with_overrides(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(builtin.clone()),
            Err(e) => Err(Error::new(Code::Io, format!("impossibile leggere il file dei comuni: {e}"))),
        }
    }

    /// The comune with this Belfiore code (trimmed, case-insensitive).
    pub fn get(&self, belfiore: &str) -> Result<&Comune> {
        self.info(belfiore).map(|i| &i.comune)
    }

    /// The comune with its patron saint and source.
    pub fn info(&self, belfiore: &str) -> Result<&ComuneInfo> {
        let code = belfiore.trim().to_uppercase();
        if !is_belfiore(&code) {
            return Err(Error::new(
                Code::UnknownComune,
                format!(
                    "codice Belfiore non valido: «{}» (una lettera e tre cifre, es. F205)",
                    belfiore.trim()
                ),
            )
            .with_field("comune"));
        }
        self.entries.get(&code).ok_or_else(|| {
            Error::new(
                Code::UnknownComune,
                format!(
                    "comune sconosciuto: {code}; l'amministratore può aggiungerlo al file {OVERRIDES_FILE} nella cartella dati"
                ),
            )
            .with_field("comune")
        })
    }

    /// All comuni, by Belfiore code.
    pub fn iter(&self) -> impl Iterator<Item = &ComuneInfo> {
        self.entries.values()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_milano_and_sesto_with_sources() {
        let c = Comuni::builtin();
        assert_eq!(c.get("F205").unwrap().patrono, (12, 7));
        assert_eq!(c.get("f205 ").unwrap().nome, "Milano");
        assert_eq!(c.get("I690").unwrap().patrono, (6, 24));
        assert_eq!(c.get("I690").unwrap().nome, "Sesto San Giovanni");
        for info in c.iter() {
            assert!(!info.fonte.is_empty() && !info.santo.is_empty(), "{}", info.comune.belfiore);
            assert_eq!(info.origine, BUILTIN_FILE);
        }
    }

    #[test]
    fn unknown_or_malformed_comune_is_an_error() {
        let c = Comuni::builtin();
        for code in ["Z999", "A000", "F20", "", "F2055", "1205"] {
            let e = c.get(code).unwrap_err();
            assert_eq!(e.code, Code::UnknownComune, "{code}");
            assert_eq!(e.field.as_deref(), Some("comune"));
        }
    }

    const ROZZANO: &str = "[[comune]]\nbelfiore = \"H623\"\nnome = \"Rozzano\"\npatrono = { mese = 9, giorno = 8 }\nsanto = \"Prova\"\nfonte = \"delibera di prova\"\n";

    #[test]
    fn overrides_add_and_replace() {
        let replace_milano = "[[comune]]\nbelfiore = \"f205\"\nnome = \"Milano\"\npatrono = { mese = 12, giorno = 6 }\nsanto = \"Prova\"\nfonte = \"prova\"\n";
        let c =
            Comuni::builtin().with_overrides(&format!("{ROZZANO}\n{replace_milano}"), "over.toml").unwrap();
        assert_eq!(c.get("H623").unwrap().nome, "Rozzano");
        assert_eq!(c.get("F205").unwrap().patrono, (12, 6));
        assert_eq!(c.info("F205").unwrap().origine, "over.toml");
        assert_eq!(c.get("I690").unwrap().patrono, (6, 24));
        assert_eq!(c.len(), Comuni::builtin().len() + 1);
    }

    #[test]
    fn broken_override_names_line_and_field() {
        let cases = [
            (format!("{ROZZANO}\n[[comune]]\nbelfiore = \"XX\"\nnome = \"A\"\npatrono = {{ mese = 1, giorno = 2 }}\nsanto = \"s\"\nfonte = \"f\"\n"), 8, Some("belfiore")),
            (format!("{ROZZANO}\n{ROZZANO}"), 8, Some("belfiore")),
            ("[[comune]]\nbelfiore = \"H623\"\nnome = \"R\"\npatrono = { mese = 2, giorno = 30 }\nsanto = \"s\"\nfonte = \"f\"\n".to_string(), 1, Some("patrono")),
            ("[[comune]]\nbelfiore = \"H623\"\nnome = \"R\"\npatrono = { mese = 2, giorno = 3 }\nsanto = \"s\"\nfonte = \" \"\n".to_string(), 1, Some("fonte")),
            ("[[comune]]\nbelfiore = \"H623\"\nnome = \"R\"\npatrono = { mese = \"dodici\", giorno = 3 }\nsanto = \"s\"\nfonte = \"f\"\n".to_string(), 4, None),
            ("[[comune]]\nbelfiore = \"H623\"\nnome = \"R\"\npatrona = { mese = 1, giorno = 3 }\n".to_string(), 4, None),
            ("[[comune]\n".to_string(), 1, None),
        ];
        for (text, line, field) in cases {
            let e = Comuni::builtin().with_overrides(&text, "x").unwrap_err();
            assert_eq!(e.code, Code::BadRuleSet, "{text}");
            assert_eq!(e.line, Some(line), "{text}: {e:?}");
            assert_eq!(e.field.as_deref(), field, "{text}");
        }
    }

    #[test]
    fn load_from_data_dir() {
        let dir = tempfile::tempdir().unwrap();
        // No file: the built-in list.
        assert_eq!(&Comuni::load(Some(dir.path())).unwrap(), Comuni::builtin());
        std::fs::write(Comuni::overrides_path(dir.path()), ROZZANO).unwrap();
        assert_eq!(Comuni::load(Some(dir.path())).unwrap().get("H623").unwrap().patrono, (9, 8));
        assert_eq!(Comuni::load(None).unwrap().get("H623").unwrap_err().code, Code::UnknownComune);
        let missing = dir.path().join("non-esiste");
        assert_eq!(Comuni::load(Some(&missing)).unwrap_err().code, Code::Io);
    }
}
