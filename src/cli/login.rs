//! How the command line logs in to an encrypted database: the operator from
//! `SPORTELLO_OPERATOR` (or the computer's login), the password from
//! `SPORTELLO_PASSWORD` or asked on the terminal without echo; or the office's
//! recovery key from `SPORTELLO_RECOVERY_KEY`. Never from an argument: the
//! command line of a process is visible to every user of the computer.

use std::path::Path;

use sportello::service::{Credentials, Service};
use sportello::{Code, Error};

/// The credentials for `database`.
///
/// Both a recovery key and a password are refused: which one opened the
/// database (and whose name the audit log records) must not depend on a rule
/// the operator cannot see.
pub fn credentials(database: &Path) -> Result<Credentials, Error> {
    if let Some(code) = env("SPORTELLO_RECOVERY_KEY") {
        if env("SPORTELLO_PASSWORD").is_some() {
            return Err(Error::invalid(
                "SPORTELLO_RECOVERY_KEY",
                "Indicare la chiave di recupero (SPORTELLO_RECOVERY_KEY) oppure la password (SPORTELLO_PASSWORD), non entrambe",
            ));
        }
        return Ok(Credentials::recovery(code));
    }
    let username = env("SPORTELLO_OPERATOR").unwrap_or_else(Service::system_operator);
    let password = match env("SPORTELLO_PASSWORD") {
        Some(p) => p,
        None => ask(&format!("Password di {username} per {}: ", database.display()))?,
    };
    Ok(Credentials::password(username, password))
}

/// A new password (demo, first administrator): `SPORTELLO_PASSWORD` or asked
/// twice on the terminal.
pub fn new_password(what: &str) -> Result<zeroize::Zeroizing<String>, Error> {
    if let Some(p) = env("SPORTELLO_PASSWORD") {
        return Ok(zeroize::Zeroizing::new(p));
    }
    let first = zeroize::Zeroizing::new(ask(&format!("Nuova password {what}: "))?);
    let again = zeroize::Zeroizing::new(ask("Ripetere la password: ")?);
    if first != again {
        return Err(Error::invalid("password", "Le due password non coincidono"));
    }
    Ok(first)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn ask(prompt: &str) -> Result<String, Error> {
    rpassword::prompt_password(prompt).map_err(|_| {
        Error::new(
            Code::Unauthorized,
            "Password non indicata: impostare SPORTELLO_PASSWORD (o SPORTELLO_RECOVERY_KEY) oppure eseguire il comando da un terminale",
        )
    })
}
