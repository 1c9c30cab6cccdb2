//! `sportello backup --database PATH --out FILE` and
//! `sportello restore --from FILE --database PATH`: copies through SQLite
//! (`VACUUM INTO`), checked before they are trusted (storage/backup.rs).

use std::path::PathBuf;
use std::process::ExitCode;

use sportello::storage::backup;
use sportello::storage::lock::DatabaseLock;

use super::CliError;

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
    /// Il database da sostituire (quello attuale resta in PATH.prima-del-ripristino).
    #[arg(long, value_name = "PATH")]
    database: PathBuf,
}

pub fn backup(a: BackupArgs) -> Result<ExitCode, CliError> {
    let info = backup::backup_file(&a.database, &a.out).map_err(|e| CliError::in_file(&a.database, e))?;
    println!(
        "Copia di sicurezza creata e verificata: {} ({} byte, schema {}).",
        info.path, info.size_bytes, info.schema_version
    );
    Ok(ExitCode::SUCCESS)
}

pub fn restore(a: RestoreArgs) -> Result<ExitCode, CliError> {
    let _lock = DatabaseLock::acquire(&a.database).map_err(|e| CliError::in_file(&a.database, e))?;
    let existed = a.database.exists();
    let info = backup::restore(&a.from, &a.database).map_err(|e| CliError::in_file(&a.from, e))?;
    println!(
        "Database {} ripristinato dalla copia {} (schema {}).",
        info.path,
        a.from.display(),
        info.schema_version
    );
    if existed {
        println!("Il database sostituito è conservato in {}.", backup::replaced_path(&a.database).display());
    }
    Ok(ExitCode::SUCCESS)
}
