//! Command-line options of the app: where the database and the documents are,
//! and (for tests and demos) which day is "today".

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "sportello-app",
    version,
    about = "Sportello: l'applicazione per lo sportello dei servizi sociali"
)]
pub struct Options {
    /// File del database (SQLite). Anche da SPORTELLO_DATABASE.
    #[arg(long, value_name = "PATH")]
    pub database: Option<PathBuf>,
    /// Cartella dei documenti stampati (una sottocartella per fascicolo). Anche da SPORTELLO_DOCUMENTS.
    #[arg(long, value_name = "DIR")]
    pub documents: Option<PathBuf>,
    /// Data da usare come "oggi" (AAAA-MM-GG), per prove e dimostrazioni.
    #[arg(long, value_name = "AAAA-MM-GG", value_parser = parse_day)]
    pub today: Option<NaiveDate>,
    /// Minuti di inattività dopo cui la sessione si blocca (predefinito 10). Anche da SPORTELLO_IDLE_LOCK_MINUTES.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=480))]
    pub idle_lock_minutes: Option<u32>,
    /// Only for the real-window tests, which cannot wait minutes.
    #[arg(long, value_name = "N", hide = true, value_parser = clap::value_parser!(u32).range(1..))]
    pub idle_lock_seconds: Option<u32>,
}

/// What an office expects: the screen locks after ten minutes away from the desk.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    sportello::dates::parse_iso("--today", s).map_err(|e| e.message)
}

/// Where things are, once options, environment and defaults are weighed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Places {
    pub database: PathBuf,
    pub documents: PathBuf,
}

impl Options {
    /// An option beats the environment, which beats the user's data directory.
    /// The documents go beside the database unless told otherwise, so a test or
    /// demo database never writes into the office's real folder.
    pub fn places(&self, env: impl Fn(&str) -> Option<String>, data_dir: impl FnOnce() -> PathBuf) -> Places {
        let from_env = |k: &str| env(k).filter(|v| !v.trim().is_empty()).map(PathBuf::from);
        let database = self
            .database
            .clone()
            .or_else(|| from_env("SPORTELLO_DATABASE"))
            .unwrap_or_else(|| data_dir().join("sportello.sqlite"));
        let documents =
            self.documents.clone().or_else(|| from_env("SPORTELLO_DOCUMENTS")).unwrap_or_else(|| {
                database
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(PathBuf::from)
                    .unwrap_or_default()
                    .join("documenti")
            });
        Places { database, documents }
    }
}

impl Options {
    /// How long without a command before the session locks: the option, else
    /// `SPORTELLO_IDLE_LOCK_MINUTES`, else ten minutes. A malformed variable is
    /// an error, not a silent default: an office that set it wants it honoured.
    pub fn idle_lock(&self, env: impl Fn(&str) -> Option<String>) -> Result<std::time::Duration, String> {
        if let Some(s) = self.idle_lock_seconds {
            return Ok(std::time::Duration::from_secs(u64::from(s)));
        }
        let minutes = match self.idle_lock_minutes {
            Some(m) => m,
            None => match env("SPORTELLO_IDLE_LOCK_MINUTES").filter(|v| !v.trim().is_empty()) {
                Some(v) => {
                    v.trim().parse::<u32>().ok().filter(|m| (1..=480).contains(m)).ok_or_else(|| {
                        format!("SPORTELLO_IDLE_LOCK_MINUTES: «{v}» non è un numero di minuti tra 1 e 480")
                    })?
                }
                None => DEFAULT_IDLE_LOCK_MINUTES,
            },
        };
        Ok(std::time::Duration::from_secs(u64::from(minutes) * 60))
    }
}

/// The user's data directory (`~/.local/share/sportello` on Linux).
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("it", "Sportello", "sportello")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Options {
        Options::try_parse_from(std::iter::once("sportello-app").chain(args.iter().copied())).unwrap()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn options_beat_environment_beats_data_dir() {
        let env = |k: &str| match k {
            "SPORTELLO_DATABASE" => Some("/env/db.sqlite".to_string()),
            "SPORTELLO_DOCUMENTS" => Some("/env/docs".to_string()),
            _ => None,
        };
        let o = parse(&["--database", "/opt/x.sqlite", "--documents", "/opt/docs"]);
        assert_eq!(
            o.places(env, || PathBuf::from("/data")),
            Places { database: "/opt/x.sqlite".into(), documents: "/opt/docs".into() }
        );
        let o = parse(&[]);
        assert_eq!(
            o.places(env, || PathBuf::from("/data")),
            Places { database: "/env/db.sqlite".into(), documents: "/env/docs".into() }
        );
        assert_eq!(
            o.places(no_env, || PathBuf::from("/data")),
            Places { database: "/data/sportello.sqlite".into(), documents: "/data/documenti".into() }
        );
    }

    #[test]
    fn documents_default_to_beside_the_database() {
        let o = parse(&["--database", "/tmp/prova/demo.sqlite"]);
        assert_eq!(
            o.places(no_env, || PathBuf::from("/data")).documents,
            PathBuf::from("/tmp/prova/documenti")
        );
    }

    #[test]
    fn idle_lock_option_beats_environment_beats_ten_minutes() {
        use std::time::Duration;
        let env = |k: &str| (k == "SPORTELLO_IDLE_LOCK_MINUTES").then(|| "3".to_string());
        assert_eq!(parse(&[]).idle_lock(no_env), Ok(Duration::from_secs(600)));
        assert_eq!(parse(&[]).idle_lock(env), Ok(Duration::from_secs(180)));
        assert_eq!(parse(&["--idle-lock-minutes", "15"]).idle_lock(env), Ok(Duration::from_secs(900)));
        assert_eq!(parse(&["--idle-lock-seconds", "3"]).idle_lock(env), Ok(Duration::from_secs(3)));
        let bad = |_: &str| Some("dieci".to_string());
        assert!(parse(&[]).idle_lock(bad).unwrap_err().contains("SPORTELLO_IDLE_LOCK_MINUTES"));
        assert!(Options::try_parse_from(["sportello-app", "--idle-lock-minutes", "0"]).is_err());
    }

    #[test]
    fn today_is_a_strict_iso_day() {
        assert_eq!(parse(&["--today", "2026-11-21"]).today, NaiveDate::from_ymd_opt(2026, 11, 21));
        assert!(Options::try_parse_from(["sportello-app", "--today", "21/11/2026"]).is_err());
        assert!(Options::try_parse_from(["sportello-app", "--today", "2026-02-30"]).is_err());
    }
}
