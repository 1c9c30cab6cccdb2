//! Hands a verified package to the system's installer: `dpkg -i` on Debian
//! and Ubuntu (through `pkexec`, which asks for an administrator's password,
//! unless already root), `msiexec /i` on Windows (which asks for elevation
//! itself). The program never installs files on its own: the system's
//! installer knows the package's dependencies and how to replace a running
//! program.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{Checked, Target};
use crate::error::{Code, Error, Result};

/// Writes the verified bytes to a private folder and runs the installer on
/// that copy: the file on the stick is not read again.
pub fn install(checked: &Checked) -> Result<()> {
    let statement = checked.statement();
    let dir = private_dir()?;
    let file = dir.join(format!("sportello-{}.{}", statement.version, statement.target.as_str()));
    let outcome = write_private(&file, checked.package()).and_then(|()| run(statement.target, &file));
    // The copy is not needed after the installer, whatever its outcome.
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

/// The installer's command line for a package file.
pub fn command(target: Target, file: &Path) -> Command {
    match target {
        Target::Deb => {
            let mut c = if is_root() {
                Command::new("dpkg")
            } else {
                let mut c = Command::new("pkexec");
                c.arg("dpkg");
                c
            };
            c.arg("-i").arg(file);
            c
        }
        Target::Msi => {
            let mut c = Command::new("msiexec");
            c.arg("/i").arg(file);
            c
        }
    }
}

fn run(target: Target, file: &Path) -> Result<()> {
    let status = command(target, file).status().map_err(|e| {
        Error::new(Code::Io, format!("impossibile avviare il programma di installazione del sistema: {e}"))
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::new(
            Code::Io,
            format!(
                "il programma di installazione del sistema non ha completato l'aggiornamento ({status}): il programma in uso non è cambiato"
            ),
        ))
    }
}

#[cfg(unix)]
fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(not(unix))]
fn is_root() -> bool {
    false
}

fn private_dir() -> Result<PathBuf> {
    let mut random = [0u8; 8];
    getrandom::getrandom(&mut random)
        .map_err(|e| Error::new(Code::Internal, format!("numeri casuali non disponibili: {e}")))?;
    let dir = std::env::temp_dir().join(format!("sportello-aggiornamento-{}", super::hex(&random)));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    // `create`, not `create_all`: a folder already there (someone else's) is refused.
    builder
        .create(&dir)
        .map_err(|e| Error::new(Code::Io, format!("cartella temporanea per l'aggiornamento: {e}")))?;
    Ok(dir)
}

fn write_private(file: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let io = |e: std::io::Error| Error::new(Code::Io, format!("copia del pacchetto da installare: {e}"));
    let mut out = options.open(file).map_err(io)?;
    out.write_all(bytes).map_err(io)?;
    out.sync_all().map_err(io)
}
