//! Updates from a USB stick, at the program's edge: the publisher's public
//! key built in, the package and its signature file read from the stick, and
//! (`install`) the system's installer run on what was verified.
//!
//! The checking itself is the core's (`sportello_core::update`, re-exported
//! here): pure, over the bytes read once. Nothing can reach the installer
//! without passing it: [`install::install`] takes a [`Checked`], which only
//! [`check`] makes.

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use sportello_core::update::{
    hex, key_files, parse_private_key, parse_public_key, parse_signature_file, sha256, sign, verify,
    Expected, PrivateKey, PublicKey, Statement, Target, Version, FORMAT, PRODUCT,
};

use crate::error::{Code, Error, Result};

pub mod install;

/// The publisher's key: the program trusts a package signed with it, and
/// nothing else.
const PUBLIC_KEY: &str = include_str!("../../assets/update/chiave-pubblica.txt");

/// The test key pair's public half, trusted by debug builds only so that the
/// tests can sign a package the program accepts. Its private half is in the
/// repository, known to all: a release build (`cargo build --release`, which
/// every package is made from) does not contain this key.
#[cfg(debug_assertions)]
const TEST_PUBLIC_KEY: &str = include_str!("../../tests/fixtures/update/SOLO-PROVE-chiave-pubblica.txt");

/// Largest package read: a release is tens of MB; a bigger file is not one.
pub const PACKAGE_LIMIT: u64 = 1 << 30;
/// Largest signature file: six short lines.
const SIGNATURE_LIMIT: u64 = 4096;

/// The keys this build trusts.
pub fn trusted_keys() -> Result<Vec<PublicKey>> {
    let builtin = |text: &str| {
        parse_public_key(text)
            .map_err(|e| Error::new(Code::Internal, format!("chiave pubblica incorporata: {}", e.message)))
    };
    #[allow(unused_mut)] // a release build has one key
    let mut keys = vec![builtin(PUBLIC_KEY)?];
    #[cfg(debug_assertions)]
    keys.push(builtin(TEST_PUBLIC_KEY)?);
    Ok(keys)
}

/// This program's version, the one an update must exceed.
pub fn running_version() -> Result<Version> {
    Version::parse(env!("CARGO_PKG_VERSION"))
}

/// The package kind this system installs.
pub fn this_target() -> Target {
    if cfg!(windows) {
        Target::Msi
    } else {
        Target::Deb
    }
}

/// Where a package's signature is by default: beside it, `NAME.sig`.
pub fn signature_path(package: &Path) -> PathBuf {
    let mut name = package.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

/// A package whose signature was verified, with the very bytes verified: the
/// installer gets these, never the file on the stick again (which could be
/// swapped in between).
#[derive(Debug)]
pub struct Checked {
    package: Vec<u8>,
    statement: Statement,
}

impl Checked {
    pub fn package(&self) -> &[u8] {
        &self.package
    }
    pub fn statement(&self) -> &Statement {
        &self.statement
    }
}

/// Reads both files and verifies the package against this program.
pub fn check(package: &Path, signature: &Path) -> Result<Checked> {
    let (bytes, text) = read(package, signature)?;
    let statement = verify(&bytes, &text, &expected(&trusted_keys()?)?)?;
    Ok(Checked { package: bytes, statement })
}

fn expected(keys: &[PublicKey]) -> Result<Expected<'_>> {
    Ok(Expected { keys, running: running_version()?, target: this_target() })
}

/// What the files on the stick are, for a person to read before installing.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub file: String,
    pub signature: String,
    /// The package's own hash, computed here.
    pub sha256: String,
    /// What the signature file states, when it can be read (believed only
    /// when `valid`).
    pub version: Option<String>,
    pub target: Option<&'static str>,
    pub running_version: String,
    pub valid: bool,
    /// Why it is refused.
    pub reason: Option<Reason>,
}

/// A refusal as the window shows any error: stable code, Italian message, field.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
}

/// The verdict on the files as a [`Report`]: a refused package is an answer
/// here, not an error; files that cannot be read are an error.
pub fn report(package: &Path, signature: &Path) -> Result<Report> {
    let (bytes, text) = read(package, signature)?;
    let stated = parse_signature_file(&text).ok().map(|f| f.statement);
    let verdict = verify(&bytes, &text, &expected(&trusted_keys()?)?);
    Ok(Report {
        file: package.display().to_string(),
        signature: signature.display().to_string(),
        sha256: hex(&sha256(&bytes)),
        version: stated.as_ref().map(|s| s.version.to_string()),
        target: stated.as_ref().map(|s| s.target.as_str()),
        running_version: env!("CARGO_PKG_VERSION").to_string(),
        valid: verdict.is_ok(),
        reason: verdict.err().map(|e| Reason { code: e.code.as_str(), message: e.message, field: e.field }),
    })
}

fn read(package: &Path, signature: &Path) -> Result<(Vec<u8>, String)> {
    let bytes = read_capped(package, PACKAGE_LIMIT, "file", "il pacchetto")?;
    let text = read_capped(signature, SIGNATURE_LIMIT, "signature", "il file della firma")?;
    let text = String::from_utf8(text)
        .map_err(|_| Error::invalid("signature", "il file della firma non è testo UTF-8"))?;
    Ok((bytes, text))
}

fn read_capped(path: &Path, limit: u64, field: &str, what: &str) -> Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| {
        let code = if e.kind() == std::io::ErrorKind::NotFound { Code::NotFound } else { Code::Io };
        Error::new(code, format!("impossibile aprire {what} «{}»: {e}", path.display())).with_field(field)
    })?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::new(Code::Io, format!("impossibile leggere {what}: {e}")).with_field(field))?;
    if bytes.len() as u64 > limit {
        return Err(Error::invalid(
            field,
            format!("{what} è troppo grande per essere un aggiornamento di Sportello"),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_key_is_the_publishers_and_a_debug_build_adds_the_test_key() {
        let keys = trusted_keys().unwrap();
        assert_eq!(keys[0], parse_public_key(PUBLIC_KEY).unwrap());
        assert_eq!(keys.len(), if cfg!(debug_assertions) { 2 } else { 1 });
    }

    #[test]
    fn the_signature_is_looked_for_beside_the_package() {
        assert_eq!(
            signature_path(Path::new("/media/chiavetta/sportello_0.2.0_amd64.deb")),
            Path::new("/media/chiavetta/sportello_0.2.0_amd64.deb.sig")
        );
    }
}
