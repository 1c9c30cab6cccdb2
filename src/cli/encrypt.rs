//! `sportello encrypt --database PATH`: encrypts a database of an earlier,
//! unencrypted version (and its automatic backups) and creates its keys file.
//! The amministratore is `SPORTELLO_OPERATOR` (or the computer's login); the
//! password comes from `SPORTELLO_PASSWORD` or is asked twice.

use std::path::PathBuf;
use std::process::ExitCode;

use sportello::service::Service;

use super::CliError;

#[derive(clap::Args)]
pub struct Args {
    /// Il database in chiaro da cifrare.
    #[arg(long, value_name = "PATH")]
    database: PathBuf,
}

pub fn run(a: Args) -> Result<ExitCode, CliError> {
    let in_db = |e| CliError::in_file(&a.database, e);
    let username = std::env::var("SPORTELLO_OPERATOR")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(Service::system_operator);
    let password = super::login::new_password(&format!("di {username}"))?;
    let kdf = sportello::keyring::KdfParams::from_env()?;
    let code = Service::encrypt_plain_database(&a.database, &username, &password, kdf).map_err(in_db)?;
    println!("Database {} cifrato. Accesso: {username} con la password indicata.", a.database.display());
    println!("Chiave di recupero (stamparla o ricopiarla e chiuderla nella cassaforte dell'ufficio):");
    println!("  {code}");
    Ok(ExitCode::SUCCESS)
}
