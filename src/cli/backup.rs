//! `sportello backup --database PATH --out FILE` and
//! `sportello restore --from FILE --database PATH`: copies through SQLite's
//! backup API, checked before they are trusted, each on the audit log
//! (`Service::backup_file`, `Service::restore_file`).

use std::path::PathBuf;
use std::process::ExitCode;

use sportello::service::{FileError, Service};

use super::{login, CliError};

fn located(e: FileError) -> CliError {
    CliError::in_file(&e.file, e.error)
}

#[derive(clap::Args)]
pub struct BackupArgs {
    /// Il database da copiare (anche mentre il programma è aperto).
    #[arg(long, value_name = "PATH")]
    database: PathBuf,
    /// La copia da creare (non deve esistere).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// La copia di sicurezza da ripristinare (verificata prima di usarla).
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
    /// Il database da sostituire (quello attuale resta in PATH.prima-del-ripristino, o .2, .3… se già usato).
    #[arg(long, value_name = "PATH")]
    database: PathBuf,
}

pub fn backup(a: BackupArgs) -> Result<ExitCode, CliError> {
    let keys = sportello::keyring::Keyring::path_for(&a.database);
    super::distinct_files(
        &[("--database", a.database.as_path()), ("--database", keys.as_path())],
        &[("--out", Some(a.out.as_path()))],
    )?;
    // The database's own key: the copy is encrypted like the database, and
    // the same passwords (or the recovery key) open it.
    let info =
        Service::backup_file(&a.database, &a.out, &login::credentials(&a.database)?).map_err(located)?;
    println!(
        "Copia di sicurezza creata e verificata: {} ({} byte, schema {}).",
        info.path, info.size_bytes, info.schema_version
    );
    for w in &info.warnings {
        println!("Attenzione: {w}");
    }
    Ok(ExitCode::SUCCESS)
}

pub fn restore(a: RestoreArgs) -> Result<ExitCode, CliError> {
    // Restoring a file over itself would keep it as the "replaced" copy and
    // then lose it.
    super::distinct_files(&[("--from", a.from.as_path())], &[("--database", Some(a.database.as_path()))])?;
    let credentials = login::credentials(&a.database)?;
    let info = Service::restore_file(&a.from, &a.database, &credentials).map_err(located)?;
    println!(
        "Database {} ripristinato dalla copia {} (schema {}).",
        info.path,
        a.from.display(),
        info.schema_version
    );
    if let Some(kept) = &info.kept {
        println!("Il database sostituito è conservato in {kept}.");
    }
    for w in &info.warnings {
        println!("Attenzione: {w}.");
    }
    Ok(ExitCode::SUCCESS)
}
