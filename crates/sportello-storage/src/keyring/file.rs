//! The keys file on disk: JSON, one entry per operator, nothing secret in
//! clear (salts, nonces and wrapped keys only), written whole or not at all.

use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::{Code, Error};

/// The format tag: a file of another format is refused, never guessed at.
const FORMAT: &str = "sportello-chiavi/1";

/// Argon2id's cost. The defaults take about half a second and 64 MiB on an
/// office laptop: nothing at a login, a great deal for someone trying
/// passwords against a stolen file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub memory_kib: u32,
    pub passes: u32,
    pub parallelism: u32,
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams { memory_kib: 64 * 1024, passes: 3, parallelism: 1 }
    }
}

impl KdfParams {
    /// Largest memory a keys file may ask for: 256 MiB (4 times the default).
    pub const MAX_MEMORY_KIB: u32 = 256 * 1024;
    /// Most passes: 10.
    pub const MAX_PASSES: u32 = 10;
    /// Most lanes: 8 (this build computes them one after the other: more lanes
    /// do not make a login faster, only the file stranger).
    pub const MAX_PARALLELISM: u32 = 8;
    /// Most memory × passes, in KiB: 4 times the default (64 MiB × 3). Argon2's
    /// time grows with the product: the default takes about half a second on an
    /// office laptop, so no file can make a login take more than about two
    /// seconds (256 MiB × 10 passes, each bound alone, would be 7 seconds).
    pub const MAX_WORK_KIB: u64 = 4 * 64 * 1024 * 3;

    /// Bounds a file may ask for: a damaged or hostile keys file must not
    /// make the program allocate gigabytes (an abort, not an error) or spin
    /// for a minute at every login (1 GiB × 64 passes was accepted once).
    pub fn check(&self) -> Result<(), Error> {
        let ok = (8..=Self::MAX_MEMORY_KIB).contains(&self.memory_kib)
            && (1..=Self::MAX_PASSES).contains(&self.passes)
            && (1..=Self::MAX_PARALLELISM).contains(&self.parallelism)
            && u64::from(self.memory_kib) * u64::from(self.passes) <= Self::MAX_WORK_KIB;
        if !ok {
            return Err(Error::new(
                Code::Storage,
                format!(
                    "file delle chiavi danneggiato: parametri Argon2 fuori dai limiti ({} KiB, {} passaggi, {} thread; al massimo {} MiB, {} passaggi, {} thread, {} MiB × passaggi)",
                    self.memory_kib,
                    self.passes,
                    self.parallelism,
                    Self::MAX_MEMORY_KIB / 1024,
                    Self::MAX_PASSES,
                    Self::MAX_PARALLELISM,
                    Self::MAX_WORK_KIB / 1024
                ),
            ));
        }
        Ok(())
    }

    /// A cheap cost for tests: never for a real database.
    pub fn for_tests() -> Self {
        KdfParams { memory_kib: 256, passes: 1, parallelism: 1 }
    }

    /// The default, unless `SPORTELLO_KDF_MEMORY_KIB` lowers the memory (the
    /// test suite and throwaway demo databases only: a lower cost is stored
    /// in the file and makes its passwords cheaper to guess).
    pub fn from_env() -> Result<Self, Error> {
        match std::env::var("SPORTELLO_KDF_MEMORY_KIB") {
            Ok(v) if !v.trim().is_empty() => {
                let memory_kib: u32 = v.trim().parse().map_err(|_| {
                    Error::invalid("SPORTELLO_KDF_MEMORY_KIB", format!("«{v}» non è un numero di KiB"))
                })?;
                Ok(KdfParams { memory_kib: memory_kib.max(64), passes: 1, parallelism: 1 })
            }
            _ => Ok(KdfParams::default()),
        }
    }
}

/// One operator's wrapped copy of the database key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub username: String,
    pub kdf: KdfParams,
    salt: String,
    nonce: String,
    wrapped_key: String,
    /// A password set by an administrator: to be replaced at the next login.
    #[serde(default)]
    pub must_change: bool,
}

impl Entry {
    pub(super) fn new(
        username: &str,
        kdf: KdfParams,
        salt: &[u8],
        nonce: &[u8],
        wrapped: &[u8],
        must_change: bool,
    ) -> Entry {
        Entry {
            username: username.to_string(),
            kdf,
            salt: B64.encode(salt),
            nonce: B64.encode(nonce),
            wrapped_key: B64.encode(wrapped),
            must_change,
        }
    }

    pub(super) fn salt(&self) -> Result<Vec<u8>, Error> {
        decode("salt", &self.salt, 16)
    }

    pub(super) fn nonce(&self) -> Result<Vec<u8>, Error> {
        decode("nonce", &self.nonce, 24)
    }

    pub(super) fn wrapped(&self) -> Result<Vec<u8>, Error> {
        // 32 bytes of key + 16 of authentication tag.
        decode("wrapped_key", &self.wrapped_key, 48)
    }
}

fn decode(field: &str, text: &str, len: usize) -> Result<Vec<u8>, Error> {
    match B64.decode(text) {
        Ok(b) if b.len() == len => Ok(b),
        _ => Err(Error::new(
            Code::Storage,
            format!("file delle chiavi danneggiato: campo «{field}» non valido"),
        )),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct KeyFile {
    format: String,
    /// [`super::DbKey::fingerprint`] of the key every entry wraps.
    pub fingerprint: String,
    pub entries: Vec<Entry>,
}

impl KeyFile {
    pub fn new(fingerprint: String) -> KeyFile {
        KeyFile { format: FORMAT.to_string(), fingerprint, entries: Vec::new() }
    }

    pub fn parse(text: &str) -> Result<KeyFile, Error> {
        let f: KeyFile = serde_json::from_str(text).map_err(|e| {
            Error::new(Code::Storage, format!("file delle chiavi illeggibile: {e}")).at_line(e.line() as u64)
        })?;
        if f.format != FORMAT {
            return Err(Error::new(
                Code::Storage,
                format!("file delle chiavi di formato «{}», atteso «{FORMAT}»", f.format),
            ));
        }
        for e in &f.entries {
            e.kdf.check()?;
            e.salt()?;
            e.nonce()?;
            e.wrapped()?;
        }
        Ok(f)
    }

    pub fn to_text(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    pub fn entry(&self, username: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.username == username)
    }

    pub fn put(&mut self, entry: Entry) {
        self.entries.retain(|e| e.username != entry.username);
        self.entries.push(entry);
        self.entries.sort_by(|a, b| a.username.cmp(&b.username));
    }

    pub fn remove(&mut self, username: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.username != username);
        self.entries.len() != before
    }
}

/// Writes `bytes` at `path` whole: a temporary file beside it (mode 0600 on
/// Unix), flushed, renamed, and the directory flushed.
pub(super) fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        std::fs::create_dir_all(dir)?;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        sync_parent(path);
        Ok(())
    })();
    result.map_err(|e: std::io::Error| {
        let _ = std::fs::remove_file(&tmp);
        if e.raw_os_error() == Some(28) {
            return Error::new(Code::DiskFull, "Il disco è pieno: il file delle chiavi non è stato scritto");
        }
        Error::new(Code::Io, format!("impossibile scrivere il file delle chiavi {}: {e}", path.display()))
    })
}

/// Flushes the directory holding `path`, so a rename or removal in it survives
/// a power cut (best effort: not every system can open a directory).
pub(super) fn sync_parent(path: &Path) {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::KdfParams;

    fn p(memory_kib: u32, passes: u32, parallelism: u32) -> KdfParams {
        KdfParams { memory_kib, passes, parallelism }
    }

    #[test]
    fn a_keys_file_cannot_make_a_login_slow() {
        for ok in [KdfParams::default(), KdfParams::for_tests(), p(256 * 1024, 3, 1), p(64 * 1024, 10, 8)] {
            ok.check().unwrap_or_else(|e| panic!("{ok:?}: {e}"));
        }
        // Each bound alone, and the product (256 MiB × 10 passes is 7 seconds).
        for bad in [
            p(1024 * 1024, 64, 1),
            p(256 * 1024 + 1, 1, 1),
            p(64 * 1024, 11, 1),
            p(64 * 1024, 3, 9),
            p(256 * 1024, 4, 1),
            p(128 * 1024, 10, 1),
            p(4, 1, 1),
            p(64 * 1024, 0, 1),
        ] {
            let e = bad.check().unwrap_err();
            assert!(e.message.contains("fuori dai limiti"), "{bad:?}: {}", e.message);
        }
    }
}
