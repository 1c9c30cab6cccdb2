//! `sportello update verify|install` (an update from a USB stick, checked
//! against the publisher's key built into this program) and, hidden, the
//! publisher's `update keygen|sign`.
//!
//! Exit status: 0 verified (or installed), 1 refused with the reason (nothing
//! installed), 2 bad usage, files that cannot be read, or an installer that
//! failed.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use sportello::update::{self, Target, Version};
use sportello::{Code, Error};

use super::{print_json, read_bytes, read_input, write_outputs, CliError};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: UpdateCommand,
}

#[derive(Subcommand)]
enum UpdateCommand {
    /// Verifica un pacchetto di aggiornamento e la sua firma (nulla viene installato).
    Verify(Files),
    /// Verifica il pacchetto e lo passa al programma di installazione del sistema
    /// (pkexec dpkg -i su Debian/Ubuntu, msiexec /i su Windows).
    Install(Files),
    /// Per chi pubblica le versioni: crea una coppia di chiavi di firma.
    #[command(hide = true)]
    Keygen(KeygenArgs),
    /// Per chi pubblica le versioni: scrive la firma (NOME.sig) di un pacchetto.
    #[command(hide = true)]
    Sign(SignArgs),
}

#[derive(clap::Args)]
struct Files {
    /// Il pacchetto (.deb o .msi).
    #[arg(long, value_name = "PACCHETTO")]
    file: PathBuf,
    /// Il file della firma (predefinito: PACCHETTO.sig accanto al pacchetto).
    #[arg(long, value_name = "FIRMA")]
    signature: Option<PathBuf>,
    /// Stampa un documento JSON.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct KeygenArgs {
    /// Dove scrivere la chiave privata (da tenere fuori linea).
    #[arg(long, value_name = "FILE")]
    private: PathBuf,
    /// Dove scrivere la chiave pubblica (da copiare in assets/update/chiave-pubblica.txt).
    #[arg(long, value_name = "FILE")]
    public: PathBuf,
}

#[derive(clap::Args)]
struct SignArgs {
    /// Il pacchetto da firmare.
    #[arg(long, value_name = "PACCHETTO")]
    file: PathBuf,
    /// Il file della chiave privata.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// La versione del pacchetto, 1.2.3.
    #[arg(long = "release", value_name = "VERSIONE")]
    release: String,
    /// Il tipo di pacchetto: deb o msi (predefinito: dall'estensione del file).
    #[arg(long)]
    target: Option<String>,
    /// Dove scrivere la firma (predefinito: PACCHETTO.sig).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode, CliError> {
    match args.command {
        UpdateCommand::Verify(f) => verify(f),
        UpdateCommand::Install(f) => install(f),
        UpdateCommand::Keygen(a) => keygen(a),
        UpdateCommand::Sign(a) => sign(a),
    }
}

fn signature_of(f: &Files) -> PathBuf {
    f.signature.clone().unwrap_or_else(|| update::signature_path(&f.file))
}

fn verify(f: Files) -> Result<ExitCode, CliError> {
    let report = update::report(&f.file, &signature_of(&f))?;
    if f.json {
        print_json(&report)?;
    } else {
        print!("{}", describe(&report));
    }
    Ok(if report.valid { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn describe(r: &update::Report) -> String {
    let mut out = format!("Pacchetto: {}\nFirma: {}\nSHA-256: {}\n", r.file, r.signature, r.sha256);
    if let (Some(v), Some(t)) = (&r.version, r.target) {
        out.push_str(&format!("Versione dichiarata: {v} ({t})\n"));
    }
    out.push_str(&format!("Versione in uso: {}\n", r.running_version));
    match &r.reason {
        None => out.push_str("Esito: firma valida, il pacchetto si può installare\n"),
        Some(reason) => out.push_str(&format!("Esito: rifiutato: {}\n", reason.message)),
    }
    out
}

fn install(f: Files) -> Result<ExitCode, CliError> {
    let checked = match update::check(&f.file, &signature_of(&f)) {
        Ok(c) => c,
        // Refused: the reason, and the installer is never started.
        Err(e) if matches!(e.code, Code::Forbidden | Code::Conflict | Code::Invalid) => {
            eprintln!("sportello: aggiornamento rifiutato: {}", e.message);
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(CliError::in_file(&f.file, e)),
    };
    let s = checked.statement();
    eprintln!(
        "Firma valida: Sportello {} ({}). Avvio del programma di installazione del sistema…",
        s.version,
        s.target.as_str()
    );
    update::install::install(&checked)?;
    if f.json {
        print_json(
            &serde_json::json!({ "installed": true, "version": s.version.to_string(), "target": s.target.as_str() }),
        )?;
    } else {
        println!("Sportello {} installato: la nuova versione si avvia alla prossima apertura.", s.version);
    }
    Ok(ExitCode::SUCCESS)
}

fn keygen(a: KeygenArgs) -> Result<ExitCode, CliError> {
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    getrandom::getrandom(&mut *seed)
        .map_err(|e| Error::new(Code::Internal, format!("numeri casuali non disponibili: {e}")))?;
    let (private, public) = update::key_files(&seed);
    // Never over an existing key: a lost private key cannot be recovered.
    for path in [&a.private, &a.public] {
        if path.exists() {
            return Err(CliError::in_file(
                path,
                Error::new(Code::Conflict, "il file esiste già: non viene sovrascritto"),
            ));
        }
    }
    write_outputs(vec![
        (a.private.as_path(), private.into_bytes()),
        (a.public.as_path(), public.clone().into_bytes()),
    ])?;
    print!("{public}");
    Ok(ExitCode::SUCCESS)
}

fn sign(a: SignArgs) -> Result<ExitCode, CliError> {
    let key =
        update::parse_private_key(&read_input(&a.key, 4096)?).map_err(|e| CliError::in_file(&a.key, e))?;
    let version = Version::parse(&a.release)?;
    let target = match &a.target {
        Some(t) => Target::parse(t)?,
        None => {
            let ext = a.file.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
            Target::parse(&ext).map_err(|e| CliError::in_file(&a.file, e))?
        }
    };
    let package = read_bytes(&a.file, update::PACKAGE_LIMIT)?;
    let text = update::sign(&package, version, target, &key);
    let out = a.out.unwrap_or_else(|| update::signature_path(&a.file));
    write_outputs(vec![(out.as_path(), text.into_bytes())])?;
    println!("{}", out.display());
    Ok(ExitCode::SUCCESS)
}
