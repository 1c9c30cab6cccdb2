//! Subcommands, one module each. Shared here: the argument tree, exit codes,
//! JSON printing and atomic output files.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use sportello::Error;

mod agreement;
mod audit;
mod audit_history;
mod backup;
mod cf;
mod deadline;
mod demo;
mod eligibility;
mod encrypt;
mod login;
mod rank;
mod rekey;
mod stress;
mod sync;

#[derive(Parser)]
#[command(name = "sportello", version, about = "Sportello: servizi sociali, da riga di comando")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Verifica un codice fiscale.
    Cf(cf::Args),
    /// Calcola una scadenza (giorni lavorativi o di calendario).
    Deadline(deadline::Args),
    /// Verifica i requisiti delle misure 1-7 per un nucleo.
    Eligibility(eligibility::Args),
    /// Calcola la graduatoria di un avviso (Misura B2).
    Rank(rank::Args),
    /// Stampa il progetto personalizzato da sottoscrivere.
    Agreement(agreement::Args),
    /// Crea un database con dati dimostrativi.
    Demo(demo::Args),
    /// Registro degli accessi (verifica della catena).
    Audit(audit::Args),
    /// Copia di sicurezza del database.
    Backup(backup::BackupArgs),
    /// Ripristina il database da una copia di sicurezza.
    Restore(backup::RestoreArgs),
    /// Cifra un database creato in chiaro da una versione precedente.
    Encrypt(encrypt::Args),
    /// Cambia la chiave del database (dopo una revoca): nuova chiave di recupero e password provvisorie.
    Rekey(rekey::Args),
    /// Sincronizzazione tra dispositivi: pacchetti di cambiamenti e conflitti.
    Sync(sync::Args),
    /// Dispositivi collegati all'ufficio (revoca).
    Device(sync::DeviceArgs),
    /// Scrive in un ciclo per la prova di arresto improvviso (tests/crash_kill.rs).
    #[command(hide = true)]
    StressWrite(stress::Args),
}

pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Cf(a) => cf::run(a),
        Command::Deadline(a) => deadline::run(a),
        Command::Eligibility(a) => eligibility::run(a),
        Command::Rank(a) => rank::run(a),
        Command::Agreement(a) => agreement::run(a),
        Command::Demo(a) => demo::run(a),
        Command::Audit(a) => audit::run(a),
        Command::Backup(a) => backup::backup(a),
        Command::Restore(a) => backup::restore(a),
        Command::Encrypt(a) => encrypt::run(a),
        Command::Rekey(a) => rekey::run(a),
        Command::Sync(a) => sync::run(a),
        Command::Device(a) => sync::device(a),
        Command::StressWrite(a) => stress::run(a),
    }
}

/// An exit-2 failure: the file at fault (if any) and the library error, which
/// names line and field.
#[derive(Debug)]
pub struct CliError {
    pub file: Option<String>,
    pub error: Error,
}

impl CliError {
    pub fn in_file(file: impl AsRef<Path>, error: Error) -> Self {
        CliError { file: Some(file.as_ref().display().to_string()), error }
    }
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        CliError { file: None, error }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(file) => f.write_str(&self.error.located(file)),
            None => f.write_str(self.error.located("").trim_start_matches(": ")),
        }
    }
}

/// Prints one JSON document on stdout, followed by a newline.
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let s = serde_json::to_string(value)
        .map_err(|e| Error::new(sportello::Code::Internal, format!("serializzazione JSON: {e}")))?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{s}");
    Ok(())
}

/// Reads an input file, naming it on failure.
pub fn read_input(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path).map_err(|e| {
        CliError::in_file(path, Error::new(sportello::Code::Io, format!("impossibile leggere il file: {e}")))
    })
}

/// Writes an output file all at once, private to the account (0600): a
/// temporary file beside it, then a rename, so a failure never leaves a
/// half-written file (sportello::fsx::write_private_atomic).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    sportello::fsx::write_private_atomic(path, bytes).map_err(|e| {
        CliError::in_file(path, Error::new(sportello::Code::Io, format!("impossibile scrivere il file: {e}")))
    })
}
