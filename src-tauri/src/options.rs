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
}

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
    fn today_is_a_strict_iso_day() {
        assert_eq!(parse(&["--today", "2026-11-21"]).today, NaiveDate::from_ymd_opt(2026, 11, 21));
        assert!(Options::try_parse_from(["sportello-app", "--today", "21/11/2026"]).is_err());
        assert!(Options::try_parse_from(["sportello-app", "--today", "2026-02-30"]).is_err());
    }
}
