//! The viewing area: where a document, decrypted, is written for the system's
//! PDF viewer to open — the one moment a document leaves the encrypted
//! database.
//!
//! It is a private folder (0700) in the user's runtime directory
//! (`XDG_RUNTIME_DIR`, which on Linux is a tmpfs: memory, never the disk),
//! one per database, emptied when the service is dropped (logout, idle lock,
//! exit) and again at the next login in case the program was killed.
//! Where there is no runtime directory (other systems) it falls back to the
//! temporary folder; `SPORTELLO_VIEWING_DIR` names another place.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Code, Error};

#[derive(Debug)]
pub struct ViewingArea {
    dir: PathBuf,
}

impl ViewingArea {
    pub fn for_database(database: &Path) -> ViewingArea {
        let base = std::env::var_os("SPORTELLO_VIEWING_DIR")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("XDG_RUNTIME_DIR")
                    .filter(|d| !d.is_empty())
                    .map(|d| PathBuf::from(d).join("sportello"))
            })
            .unwrap_or_else(|| std::env::temp_dir().join(format!("sportello-{}", user_tag())));
        let area = ViewingArea { dir: base.join(database_tag(database)) };
        area.clear();
        area
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` as `name` in the area (readable by the user only).
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<PathBuf, Error> {
        let path = self.dir.join(name);
        let result = (|| {
            create_private_dir(&self.dir)?;
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            opts.open(&path)?.write_all(bytes)
        })();
        result.map_err(|e| {
            Error::new(Code::Io, format!("impossibile preparare il documento per la visualizzazione: {e}"))
        })?;
        Ok(path)
    }

    /// Removes every document written for viewing.
    pub fn clear(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Drop for ViewingArea {
    fn drop(&mut self) {
        self.clear();
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// A short, stable name for the database's folder (two databases open at
/// once never share one).
fn database_tag(database: &Path) -> String {
    use sha2::{Digest, Sha256};
    let abs = std::path::absolute(database).unwrap_or_else(|_| database.to_path_buf());
    let d = Sha256::digest(abs.as_os_str().as_encoded_bytes());
    d[..6].iter().map(|b| format!("{b:02x}")).collect()
}

fn user_tag() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "utente".into())
}
