//! Rule-set files: the built-in `assets/rules/*.toml` (compiled in) plus the
//! administrator's directory `<data dir>/rules/*.toml`, read without a rebuild.
//!
//! A file in the data directory with the id of a built-in set replaces it (the
//! administrator corrects or closes a set: e.g. adds `valido_al`); any other id
//! adds a set (a new call, next year's maternity cap). A broken file is refused
//! with its name and the line at fault, and nothing is loaded: a half-read set of
//! rules would decide on the wrong law.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use super::rule_set::{self, RuleSet, RuleSets};
use crate::error::{Code, Error, Result};

/// The environment variable naming the data directory (rules under `rules/`).
pub const DATA_DIR_ENV: &str = "SPORTELLO_DATA_DIR";

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../../assets/rules/", $name, ".toml")))),*]
    };
}

/// (id, text) of every built-in file.
pub const BUILTIN: &[(&str, &str)] = builtin![
    "milano-sostegno-reddito-2019",
    "milano-b2-2019",
    "assegno-maternita-2025",
    "assegno-maternita-2026",
    "assegno-tre-figli-2019",
    "assegno-tre-figli-2020",
    "assegno-tre-figli-2021",
    "assegno-tre-figli-2022",
    "assegno-tre-figli-abolizione",
    "milano-rimborso-b2-2019",
    "fse-indicatori-2014",
    "fse-indicatori-2018-omnibus",
    "fse-plus-indicatori-2021",
    "milano-residenzialita-temporanea-2017",
    "gdpr-diritti-interessato-2018",
    "conservazione-2018",
];

/// A rule-set file that could not be used: which file, and the error (with line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub file: String,
    pub error: Error,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.error.located(&self.file))
    }
}

impl From<FileError> for Error {
    /// For the app: the file goes into the message, the line stays.
    fn from(e: FileError) -> Error {
        Error { message: format!("{}: {}", e.file, e.error.message), ..e.error }
    }
}

fn parse_builtin() -> Result<Vec<RuleSet>, FileError> {
    BUILTIN
        .iter()
        .map(|(id, text)| {
            rule_set::parse(text, Some(id))
                .map_err(|error| FileError { file: format!("assets/rules/{id}.toml"), error })
        })
        .collect()
}

static BUILTIN_SETS: LazyLock<RuleSets> = LazyLock::new(|| {
    let sets = parse_builtin().unwrap_or_else(|e| panic!("built-in rule set broken: {e}"));
    RuleSets::new(sets).unwrap_or_else(|e| panic!("built-in rule sets conflict: {}", e.message))
});

/// The built-in rule sets (parsed once; a test guarantees they parse).
pub fn builtin() -> &'static RuleSets {
    &BUILTIN_SETS
}

/// The data directory from `SPORTELLO_DATA_DIR`, if set and not empty.
pub fn data_dir_from_env() -> Option<PathBuf> {
    std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// Parses one file the way [`load`] does (the file's name must match its id): for
/// the app's "check a new rule-set file" action.
pub fn check_file(path: &Path) -> Result<RuleSet, FileError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| FileError {
        file: file.clone(),
        error: Error::new(Code::Io, format!("impossibile leggere il file: {e}")),
    })?;
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    rule_set::parse(&text, Some(&stem)).map_err(|error| FileError { file, error })
}

/// Built-in sets plus `<data_dir>/rules/*.toml` (if the directory exists), checked
/// together for duplicates and overlapping periods.
pub fn load(data_dir: Option<&Path>) -> Result<RuleSets, FileError> {
    let mut sets = parse_builtin()?;
    let mut origin: Vec<String> = BUILTIN.iter().map(|(id, _)| format!("assets/rules/{id}.toml")).collect();
    if let Some(dir) = data_dir {
        // A mistyped directory must not silently drop the administrator's rules.
        if !dir.is_dir() {
            return Err(FileError {
                file: dir.display().to_string(),
                error: Error::new(Code::Io, "la cartella dati non esiste"),
            });
        }
        let rules_dir = dir.join("rules");
        if rules_dir.is_dir() {
            let entries = std::fs::read_dir(&rules_dir).map_err(|e| FileError {
                file: rules_dir.display().to_string(),
                error: Error::new(Code::Io, format!("impossibile leggere la cartella: {e}")),
            })?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                .collect();
            files.sort();
            for path in files {
                let set = check_file(&path)?;
                let file = path.display().to_string();
                match sets.iter().position(|s| s.id == set.id) {
                    Some(i) => {
                        sets[i] = set;
                        origin[i] = file;
                    }
                    None => {
                        sets.push(set);
                        origin.push(file);
                    }
                }
            }
        }
    }
    RuleSets::new(sets).map_err(|error| {
        // Name a file the conflict involves: the last one loaded among those cited.
        let file = origin
            .iter()
            .rev()
            .find(|f| {
                let stem =
                    Path::new(f).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                error.message.contains(&format!("«{stem}»"))
            })
            .cloned()
            .unwrap_or_else(|| "regole".to_string());
        FileError { file, error }
    })
}

/// [`load`] with the directory from the environment.
pub fn load_from_env() -> Result<RuleSets, FileError> {
    load(data_dir_from_env().as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_sets_parse_and_do_not_conflict() {
        let sets = builtin();
        assert_eq!(sets.iter().count(), BUILTIN.len());
        assert!(sets.get("milano-b2-2019").unwrap().b2().is_some());
        assert!(sets.get("milano-rimborso-b2-2019").unwrap().rimborso_b2().is_some());
        assert!(sets
            .get("milano-residenzialita-temporanea-2017")
            .unwrap()
            .residenzialita_temporanea()
            .is_some());
    }
}
