//! Subcommands, one module each. Shared here: the argument tree, exit codes,
//! JSON printing and atomic output files.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use sportello::Error;

mod agreement;
mod audit;
mod audit_history;
mod backup;
mod call;
mod cf;
mod deadline;
mod demo;
mod document;
mod eligibility;
mod encrypt;
mod indicators;
mod login;
mod rank;
mod registro;
mod reimburse;
mod rekey;
mod siuss;
mod stress;
mod sync;
mod update;

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
    /// Indicatori comuni del Fondo sociale europeo dei partecipanti (CO01-CO19, CR01-CR05).
    Indicators(indicators::Args),
    /// Rimborso di un contributo B2 assegnato, documento per documento.
    Reimburse(reimburse::Args),
    /// Flusso SIUSS (INPS) delle prestazioni sociali pagate in un periodo.
    Siuss(siuss::Args),
    /// Registro delle attività di trattamento (art. 30 GDPR) in PDF, per il DPO.
    #[command(name = "registro-trattamenti")]
    RegistroTrattamenti(registro::Args),
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
    /// Esegue un comando dell'applicazione (docs/ipc.md) con il suo input JSON.
    Call(call::Args),
    /// Documenti del fascicolo: salvarne una copia in un file.
    Document(document::Args),
    /// Sincronizzazione tra dispositivi: pacchetti di cambiamenti e conflitti.
    Sync(sync::Args),
    /// Dispositivi collegati all'ufficio (revoca).
    Device(sync::DeviceArgs),
    /// Aggiornamento da chiavetta: verifica della firma e installazione.
    Update(update::Args),
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
        Command::Indicators(a) => indicators::run(a),
        Command::Reimburse(a) => reimburse::run(a),
        Command::Siuss(a) => siuss::run(a),
        Command::RegistroTrattamenti(a) => registro::run(a),
        Command::Agreement(a) => agreement::run(a),
        Command::Demo(a) => demo::run(a),
        Command::Audit(a) => audit::run(a),
        Command::Backup(a) => backup::backup(a),
        Command::Restore(a) => backup::restore(a),
        Command::Encrypt(a) => encrypt::run(a),
        Command::Rekey(a) => rekey::run(a),
        Command::Call(a) => call::run(a),
        Command::Document(a) => document::run(a),
        Command::Sync(a) => sync::run(a),
        Command::Device(a) => sync::device(a),
        Command::Update(a) => update::run(a),
        Command::StressWrite(a) => stress::run(a),
    }
}

/// The options of the commands that answer one JSON file (`eligibility`,
/// `indicators`, `reimburse`): the file, the output form, the rules' folder.
#[derive(clap::Args)]
pub struct JsonInput {
    /// Il file JSON in ingresso (il formato è in cli.md).
    #[arg(long)]
    pub input: PathBuf,
    /// Stampa un documento JSON invece del testo.
    #[arg(long)]
    pub json: bool,
    /// Cartella dei dati: regole aggiuntive in <cartella>/rules/*.toml
    /// (predefinita: la variabile SPORTELLO_DATA_DIR).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

impl JsonInput {
    /// The whole of such a command: the file read (at most `limit` bytes),
    /// parsed, decided under the rule sets, printed as JSON or as text. Every
    /// error names the file.
    pub fn answer<I, O, J: serde::Serialize>(
        self,
        limit: u64,
        parse: impl FnOnce(&str) -> sportello::Result<I>,
        decide: impl FnOnce(&I, &sportello::rules::RuleSets) -> sportello::Result<O>,
        json: impl FnOnce(&O) -> J,
        text: impl FnOnce(&O) -> String,
    ) -> Result<ExitCode, CliError> {
        let input = read_input(&self.input, limit)?;
        let parsed = parse(&input).map_err(|e| CliError::in_file(&self.input, e))?;
        let rules = eligibility::load_rules(self.data_dir)?;
        let answer = decide(&parsed, &rules).map_err(|e| CliError::in_file(&self.input, e))?;
        if self.json {
            print_json(&json(&answer))?;
        } else {
            print!("{}", text(&answer));
        }
        Ok(ExitCode::SUCCESS)
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

/// Largest JSON input file (`eligibility`, `agreement`): 1 MiB. A household or a
/// project is a few kilobytes; a bigger file is a mistake (or an attack: serde
/// builds a 30 MB text into gigabytes of values), refused before it is parsed.
pub const JSON_LIMIT: u64 = 1 << 20;

/// Largest applications CSV (`rank`): 64 MiB. A row of the contract's columns is
/// about 100 bytes, 300 with the optional name and codice fiscale columns, so
/// 100,000 applications (the benchmark's call, more than any Municipio receives)
/// take at most 30 MB, with room to spare.
pub const CSV_LIMIT: u64 = 64 << 20;

/// Reads an input file of at most `limit` bytes, naming it on failure. The file is
/// read through a cap, never whole first: a 2 GB file (or `/dev/zero`) costs
/// `limit` bytes of memory, then a refusal.
pub fn read_input(path: &Path, limit: u64) -> Result<String, CliError> {
    let bytes = read_bytes(path, limit)?;
    String::from_utf8(bytes).map_err(|_| {
        CliError::in_file(
            path,
            Error::invalid(
                "--input",
                "il file non è testo UTF-8 (salvarlo come UTF-8 dal foglio di calcolo)",
            ),
        )
    })
}

/// The file's bytes, refused past `limit` (a file that large is not one of ours).
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, CliError> {
    use std::io::Read;
    let io = |e: std::io::Error| {
        CliError::in_file(path, Error::new(sportello::Code::Io, format!("impossibile leggere il file: {e}")))
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(CliError::in_file(
            path,
            Error::invalid(
                "--input",
                format!(
                    "il file è troppo grande: il limite è {} MiB (un file così grande non è un file di questo tipo)",
                    limit >> 20
                ),
            ),
        ));
    }
    Ok(bytes)
}

/// Refuses an output file that is one of the command's inputs, or another of its
/// outputs (same file, whatever the spelling: sportello::outputs).
pub fn distinct_files(inputs: &[(&str, &Path)], outputs: &[(&str, Option<&Path>)]) -> Result<(), CliError> {
    let outs: Vec<(&str, &Path)> = outputs.iter().filter_map(|(o, p)| p.map(|p| (*o, p))).collect();
    sportello::outputs::refuse_same_files(inputs, &outs).map_err(CliError::from)
}

/// Writes every output of a command or none (sportello::outputs), mode 0600.
pub fn write_outputs(files: Vec<(&Path, Vec<u8>)>) -> Result<(), CliError> {
    let mut out = sportello::outputs::Outputs::new();
    for (path, bytes) in files {
        out.add(path, bytes);
    }
    out.commit().map_err(CliError::from)
}
