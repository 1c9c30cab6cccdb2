//! `sportello backup --database PATH --out FILE` and
//! `sportello restore --from FILE --database PATH`: copies through SQLite's
//! backup API, checked before they are trusted, each on the audit log
//! (storage/backup.rs).

use std::path::PathBuf;
use std::process::ExitCode;

use sportello::domain::Operator;
use sportello::service::{access, Credentials, Service};
use sportello::storage::backup;
use sportello::storage::lock::DatabaseLock;
use sportello::{Code, Error};

use sportello::domain::StrEnum;

use super::{login, CliError};

/// The role check of the file-level commands (the service's table decides).
pub fn require(op: &Operator, command: &str) -> Result<(), Error> {
    if access::allowed(command, op.role) {
        return Ok(());
    }
    Err(Error::new(
        Code::Forbidden,
        format!("Operazione non consentita al ruolo {} ({})", op.role.label(), op.username),
    ))
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
    let in_db = |e| CliError::in_file(&a.database, e);
    let keys = sportello::keyring::Keyring::path_for(&a.database);
    super::distinct_files(
        &[("--database", a.database.as_path()), ("--database", keys.as_path())],
        &[("--out", Some(a.out.as_path()))],
    )?;
    // The database's own key: the copy is encrypted like the database, and
    // the same passwords (or the recovery key) open it.
    let (key, operator) =
        Service::authenticate(&a.database, &login::credentials(&a.database)?).map_err(in_db)?;
    require(&operator, "backup").map_err(in_db)?;
    let info =
        backup::backup_file(&a.database, &a.out, Some(&key)).map_err(|e| CliError::in_file(&a.out, e))?;
    println!(
        "Copia di sicurezza creata e verificata: {} ({} byte, schema {}).",
        info.path, info.size_bytes, info.schema_version
    );
    let detail = format!("copia di sicurezza creata in {}", absolute(&a.out).display());
    let at = sportello::service::timestamp_now();
    if let Err(e) = backup::record(&a.database, &key, &at, &operator, "backup", &detail) {
        println!("Attenzione: la copia non è stata registrata nel registro degli accessi: {}", e.message);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn restore(a: RestoreArgs) -> Result<ExitCode, CliError> {
    // Restoring a file over itself would keep it as the "replaced" copy and
    // then lose it.
    super::distinct_files(&[("--from", a.from.as_path())], &[("--database", Some(a.database.as_path()))])?;
    let _lock = DatabaseLock::acquire(&a.database).map_err(|e| CliError::in_file(&a.database, e))?;
    let credentials = login::credentials(&a.database)?;
    // The database may be the damaged file being replaced: the account is
    // checked in the copy about to become the database.
    let key =
        Service::database_key(&a.database, &credentials).map_err(|e| CliError::in_file(&a.database, e))?;
    backup::validate(&a.from, Some(&key)).map_err(|e| CliError::in_file(&a.from, e))?;
    let operator = match &credentials {
        Credentials::Password { username, .. } => {
            let op = sportello::storage::peek_operator(&a.from, &key, username)
                .map_err(|e| CliError::in_file(&a.from, e))?
                .ok_or_else(|| CliError::in_file(&a.from, sportello::keyring::wrong_credentials()))?;
            require(&op, "backup").map_err(|e| CliError::in_file(&a.from, e))?;
            op
        }
        Credentials::Recovery { .. } => sportello::service::recovery_administrator(),
    };
    let info =
        backup::restore(&a.from, &a.database, Some(&key)).map_err(|e| CliError::in_file(&a.from, e))?;
    let info =
        sportello::service::restore::record_restore(&a.database, &key, &operator, &absolute(&a.from), info);
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

/// The path as recorded on the audit log: absolute, so that it says where.
fn absolute(p: &std::path::Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}
