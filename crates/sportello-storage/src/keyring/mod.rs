//! The keys of an encrypted database: who can open it, and how the office gets
//! back in when every password is forgotten.
//!
//! The database is encrypted by SQLCipher with one random 256-bit key
//! ([`DbKey`]), never typed by anyone. Each operator holds a copy of it wrapped
//! (XChaCha20-Poly1305) by a key derived from their password with Argon2id; the
//! copies live in a small file beside the database, `<database>.keys`
//! ([`Keyring`]). So:
//! - changing a password rewrites one entry, never the database;
//! - an administrator adds an operator by wrapping the key they already hold
//!   in memory, and revokes one by deleting the entry (and deactivating the
//!   account in the database, which refuses the login even from an old copy
//!   of the file);
//! - the recovery key printed once at creation ([`RecoveryCode`]) *is* the
//!   database key, written for humans: it opens the database and its backups
//!   even if the keys file is lost, and lets an administrator set new
//!   passwords. It belongs in the office safe.
//!
//! A wrong password fails the authentication tag before the database file is
//! touched at all: it can never open the data nor damage it.
//!
//! Revoking an operator removes their entry, but an old copy of the keys file
//! still unwraps the same database key. The re-key (`Service::database_rekey`,
//! `sportello rekey`, an administrator's) gives the database a new key, so
//! that nothing a revoked operator kept opens it or its new backups any more:
//! - the administrator's own entry wraps the new key with their password,
//!   asked again;
//! - every other active operator with a password gets a one-time password
//!   ([`one_time_password`], must be changed at the first login), shown once
//!   to the administrator, who hands it over in person. Why not keep their
//!   passwords: an entry can only be made by someone who knows the password
//!   or something derived from it; anything the administrator could use to
//!   wrap the new key without the operator (a per-operator key stored under
//!   the old database key, say) the revoked operator could have read with the
//!   old key too, and would unwrap the new key with it. Per-operator public
//!   keys (the private half wrapped by the password) would avoid the
//!   hand-over, at the price of a new keys-file format: a re-key is rare
//!   (someone left on bad terms, a laptop lost with a keys file), and after
//!   it everyone choosing a new password is good practice anyway;
//! - a new recovery key, shown once: the old one no longer opens the
//!   database nor its new backups (the backups taken before keep the old
//!   key: see `storage::backup`).
//!
//! The new keys are written first to a pending file
//! ([`Keyring::pending_path_for`], `<database>.keys.nuove`), then the database
//! takes the new key, then the pending file becomes the keys file. A crash at
//! any point leaves a database that one of the two files opens: the next login
//! tries both and finishes (or drops) the pending file
//! (`Service::database_key`).
//!
//! An enrolled device (`sportello device enroll`, docs/sync.md) gets a keys
//! file of its own, [`Keyring::only`]: the hub's entries of the device's
//! operators, copied as they are. Decision: the keyring wraps one database
//! key per operator password, and a new entry needs the password; for the
//! operators to log in on the laptop with their usual passwords, without
//! typing them at the hub, the device's database is encrypted with the hub's
//! key. Its keys file holds no one else's entry, so nobody else logs in
//! there; a lost laptop exposes the families of its scope (what it holds),
//! and the office re-keys the hub (`sportello rekey`) if the laptop's keys
//! file could be attacked offline. From enrolment on the two keys files are
//! separate: a password changed on the laptop is changed there only, and a
//! re-key of the hub leaves the laptop's database under the old key (its
//! packages are sealed with the device's own keys, not the database key, so
//! sync goes on; a device re-enrolled after a re-key gets the new one).
//!
//! Architecture invariant: no SQLite here (the key reaches SQLite through
//! [`crate::storage`]); key material lives in [`zeroize::Zeroizing`] buffers
//! and is wiped when dropped.

mod file;
mod recovery;

use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::error::{Code, Error};

pub use file::{Entry, KdfParams};
pub use recovery::RecoveryCode;

/// Length of the database key and of every derived key, in bytes.
const KEY_LEN: usize = 32;

/// The fewest characters a password may have (AgID's minimum is 8; an office
/// laptop that travels deserves a little more).
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The key SQLCipher encrypts the database with.
pub struct DbKey(Zeroizing<[u8; KEY_LEN]>);

impl DbKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<DbKey, Error> {
        let mut k = Zeroizing::new([0u8; KEY_LEN]);
        random(&mut k[..])?;
        Ok(DbKey(k))
    }

    /// A key from its 32 bytes (tests, and the recovery code).
    pub fn from_bytes(bytes: &[u8]) -> Option<DbKey> {
        let mut k = Zeroizing::new([0u8; KEY_LEN]);
        if bytes.len() != KEY_LEN {
            return None;
        }
        k.copy_from_slice(bytes);
        Some(DbKey(k))
    }

    pub fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The value of `PRAGMA key`: a raw key (`x'…'`), so SQLCipher uses it as it
    /// is instead of running its own passphrase derivation on every open.
    pub fn sqlcipher_literal(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(2 * KEY_LEN + 3));
        s.push_str("x'");
        for b in self.0.iter() {
            s.push(char::from(HEX[usize::from(b >> 4)]));
            s.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        s.push('\'');
        s
    }

    /// A short fingerprint stored in the keys file: tells a mistyped recovery
    /// key from a damaged database, and reveals nothing of a 256-bit key.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(b"sportello-impronta-chiave/1\0");
        h.update(&self.0[..]);
        let d = h.finalize();
        d[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn recovery_code(&self) -> RecoveryCode {
        RecoveryCode::of(self)
    }

    pub fn duplicate(&self) -> DbKey {
        DbKey(Zeroizing::new(*self.0))
    }
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DbKey(…{})", self.fingerprint())
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn random(buf: &mut [u8]) -> Result<(), Error> {
    getrandom::getrandom(buf)
        .map_err(|e| Error::new(Code::Internal, format!("generatore di numeri casuali non disponibile: {e}")))
}

/// The same answer for an unknown user and a wrong password: the login
/// screen must not tell which accounts exist.
pub fn wrong_credentials() -> Error {
    Error::new(Code::Unauthorized, "Nome utente o password non corretti")
}

/// Checks a new password against the office's minimum.
pub fn check_new_password(password: &str) -> Result<(), Error> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::invalid(
            "password",
            format!("La password deve avere almeno {MIN_PASSWORD_CHARS} caratteri"),
        ));
    }
    if password.trim() != password {
        return Err(Error::invalid("password", "La password non può iniziare o finire con uno spazio"));
    }
    Ok(())
}

/// The keys file of a database, loaded in memory.
#[derive(Debug, Clone)]
pub struct Keyring {
    path: PathBuf,
    file: file::KeyFile,
}

impl Keyring {
    /// `<database>.keys`.
    pub fn path_for(database: &Path) -> PathBuf {
        let mut p = database.as_os_str().to_owned();
        p.push(".keys");
        PathBuf::from(p)
    }

    /// The keys file of `database`, or `None` if it has none (a new database).
    pub fn load(database: &Path) -> Result<Option<Keyring>, Error> {
        Keyring::load_file(&Keyring::path_for(database))
    }

    /// `<database>.keys.nuove`: the keys of a re-key in progress, written
    /// before the database takes the new key (see the module's notes).
    pub fn pending_path_for(database: &Path) -> PathBuf {
        let mut p = database.as_os_str().to_owned();
        p.push(".keys.nuove");
        PathBuf::from(p)
    }

    /// The keys of a re-key cut short, if there are any.
    pub fn load_pending(database: &Path) -> Result<Option<Keyring>, Error> {
        Keyring::load_file(&Keyring::pending_path_for(database))
    }

    /// A new, empty pending keys file for `database`, bound to `key`.
    pub fn new_pending(database: &Path, key: &DbKey) -> Keyring {
        Keyring { path: Keyring::pending_path_for(database), file: file::KeyFile::new(key.fingerprint()) }
    }

    /// Makes these keys the keys file of `database` (written whole, by a
    /// rename) and removes the pending file. Written from memory rather than
    /// by renaming the pending file: a read-only tool that dropped the pending
    /// file meanwhile cannot make the new key disappear.
    pub fn install(&mut self, database: &Path) -> Result<(), Error> {
        let path = Keyring::path_for(database);
        self.save_to(&path)?;
        self.path = path;
        Keyring::remove_pending(database)
    }

    /// Removes the pending keys file of `database` (absent is fine).
    pub fn remove_pending(database: &Path) -> Result<(), Error> {
        let pending = Keyring::pending_path_for(database);
        match std::fs::remove_file(&pending) {
            Ok(()) => {
                file::sync_parent(&pending);
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::new(
                Code::Io,
                format!("impossibile eliminare il file delle chiavi {}: {e}", pending.display()),
            )),
        }
    }

    /// Whether the entries of this file wrap `key`.
    pub fn wraps(&self, key: &DbKey) -> bool {
        key.fingerprint() == self.file.fingerprint
    }

    /// Reads a keys file at `path` (a backup's, for instance).
    pub fn load_file(path: &Path) -> Result<Option<Keyring>, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::new(
                    Code::Io,
                    format!("impossibile leggere il file delle chiavi {}: {e}", path.display()),
                ))
            }
        };
        let file = file::KeyFile::parse(&text)
            .map_err(|e| Error { message: format!("{}: {}", path.display(), e.message), ..e })?;
        Ok(Some(Keyring { path: path.to_path_buf(), file }))
    }

    /// A new, empty keys file for `database`, bound to `key` (not yet saved).
    pub fn new(database: &Path, key: &DbKey) -> Keyring {
        Keyring { path: Keyring::path_for(database), file: file::KeyFile::new(key.fingerprint()) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The database key, if `password` is `username`'s.
    pub fn unlock(&self, username: &str, password: &str) -> Result<DbKey, Error> {
        let Some(entry) = self.file.entry(username) else {
            // Spend the same time as a real attempt: no timing oracle for
            // which usernames exist.
            let _ = derive(password, &[0u8; 16], &KdfParams::default());
            return Err(wrong_credentials());
        };
        let kek = derive(password, &entry.salt()?, &entry.kdf)?;
        let cipher = XChaCha20Poly1305::new_from_slice(&kek[..])
            .map_err(|_| Error::new(Code::Internal, "chiave derivata di lunghezza errata"))?;
        let plain = Zeroizing::new(
            cipher
                .decrypt(
                    XNonce::from_slice(&entry.nonce()?),
                    Payload { msg: &entry.wrapped()?, aad: &aad(username) },
                )
                .map_err(|_| wrong_credentials())?,
        );
        let key = DbKey::from_bytes(&plain).ok_or_else(wrong_credentials)?;
        self.check_fingerprint(&key)?;
        Ok(key)
    }

    /// The database key from the recovery code (checked against the file's
    /// fingerprint, so a typo is told as such).
    pub fn unlock_recovery(&self, code: &str) -> Result<DbKey, Error> {
        let key = RecoveryCode::parse(code)?;
        self.check_fingerprint(&key).map_err(|_| {
            Error::new(Code::Unauthorized, "La chiave di recupero non è quella di questo database")
        })?;
        Ok(key)
    }

    fn check_fingerprint(&self, key: &DbKey) -> Result<(), Error> {
        if key.fingerprint() != self.file.fingerprint {
            return Err(Error::new(
                Code::Unauthorized,
                "La chiave non corrisponde a questo database: il file delle chiavi è di un altro database",
            ));
        }
        Ok(())
    }

    /// Adds `username` or replaces their password. `must_change`: the operator
    /// must choose their own password at the next login (a password set by the
    /// administrator is known to two people).
    pub fn set_password(
        &mut self,
        key: &DbKey,
        username: &str,
        password: &str,
        params: &KdfParams,
        must_change: bool,
    ) -> Result<(), Error> {
        check_new_password(password)?;
        // Every entry of a file wraps the one key of its fingerprint: an entry
        // of another key (an old one, across a re-key) would open nothing.
        if !self.wraps(key) {
            return Err(Error::new(
                Code::Conflict,
                "La chiave del database è cambiata nel frattempo: uscire, accedere di nuovo e riprovare",
            ));
        }
        let mut salt = [0u8; 16];
        random(&mut salt)?;
        let mut nonce = [0u8; 24];
        random(&mut nonce)?;
        let kek = derive(password, &salt, params)?;
        let cipher = XChaCha20Poly1305::new_from_slice(&kek[..])
            .map_err(|_| Error::new(Code::Internal, "chiave derivata di lunghezza errata"))?;
        let wrapped = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &key.bytes()[..], aad: &aad(username) })
            .map_err(|_| Error::new(Code::Internal, "cifratura della chiave non riuscita"))?;
        self.file.put(Entry::new(username, *params, &salt, &nonce, &wrapped, must_change));
        Ok(())
    }

    /// The keys file of the enrolled device `database`: this file's entries of
    /// `usernames` only, each as it is (the same wrapped key, the same
    /// password), so those operators log in there as here and nobody else can
    /// (docs/sync.md, "Enrolment and scope"). Usernames without an entry
    /// are skipped: the caller checks them first.
    pub fn only(&self, database: &Path, usernames: &[String]) -> Keyring {
        let mut file = file::KeyFile::new(self.file.fingerprint.clone());
        for u in usernames {
            if let Some(e) = self.file.entry(u) {
                file.put(e.clone());
            }
        }
        Keyring { path: Keyring::path_for(database), file }
    }

    /// Writes the file at its path, which must not exist (0600; a file that
    /// appeared meanwhile is not replaced).
    pub fn save_new(&self) -> Result<(), Error> {
        crate::fsx::write_private_new(&self.path, self.file.to_text().as_bytes()).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Error::new(
                    Code::Conflict,
                    format!("Il file {} esiste già: non viene sostituito", self.path.display()),
                )
            } else {
                crate::fsx::io_error(&self.path, "impossibile scrivere il file delle chiavi", e)
            }
        })
    }

    /// Whether `username` has an entry (a password) in this file.
    pub fn has(&self, username: &str) -> bool {
        self.file.entry(username).is_some()
    }

    /// Whether `username` must choose a new password at the next login.
    pub fn must_change(&self, username: &str) -> bool {
        self.file.entry(username).is_some_and(|e| e.must_change)
    }

    /// Removes `username`'s entry; true if there was one.
    pub fn remove(&mut self, username: &str) -> bool {
        self.file.remove(username)
    }

    pub fn usernames(&self) -> Vec<String> {
        self.file.entries.iter().map(|e| e.username.clone()).collect()
    }

    pub fn fingerprint(&self) -> &str {
        &self.file.fingerprint
    }

    /// Writes the file whole (temporary file, flush, rename), readable by its
    /// owner only.
    pub fn save(&self) -> Result<(), Error> {
        self.save_to(&self.path)
    }

    /// Writes a copy at `path` (beside a backup).
    pub fn save_to(&self, path: &Path) -> Result<(), Error> {
        file::write_private(path, self.file.to_text().as_bytes())
    }
}

/// A password an administrator hands over for one login: 16 characters of
/// Crockford's base32 (80 random bits, no letter to misread) in groups of
/// four. The operator must replace it at that login.
pub fn one_time_password() -> Result<Zeroizing<String>, Error> {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut bytes = Zeroizing::new([0u8; 16]);
    random(&mut bytes[..])?;
    let mut out = Zeroizing::new(String::with_capacity(19));
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        // 256 is a multiple of 32: every character is equally likely.
        out.push(char::from(ALPHABET[usize::from(b % 32)]));
    }
    Ok(out)
}

/// Binds a wrapped key to its username: an entry copied under another name
/// fails its authentication tag.
fn aad(username: &str) -> Vec<u8> {
    let mut a = b"sportello-chiavi/1\0".to_vec();
    a.extend_from_slice(username.as_bytes());
    a
}

fn derive(password: &str, salt: &[u8], p: &KdfParams) -> Result<Zeroizing<[u8; KEY_LEN]>, Error> {
    let params = Params::new(p.memory_kib, p.passes, p.parallelism, Some(KEY_LEN))
        .map_err(|e| Error::new(Code::Invalid, format!("parametri Argon2 non validi: {e}")))?;
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, &mut out[..])
        .map_err(|e| Error::new(Code::Internal, format!("derivazione della chiave non riuscita: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> KdfParams {
        KdfParams::for_tests()
    }

    #[test]
    fn the_right_password_gives_the_key_a_wrong_one_the_same_error_as_an_unknown_user() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.sqlite");
        let key = DbKey::generate().unwrap();
        let mut ring = Keyring::new(&db, &key);
        ring.set_password(&key, "averdi", "correct horse battery", &fast(), false).unwrap();
        ring.save().unwrap();
        let ring = Keyring::load(&db).unwrap().unwrap();
        assert_eq!(ring.unlock("averdi", "correct horse battery").unwrap().bytes(), key.bytes());
        let wrong = ring.unlock("averdi", "correct horse batterY").unwrap_err();
        let unknown = ring.unlock("nessuno", "correct horse battery").unwrap_err();
        assert_eq!(wrong.code, Code::Unauthorized);
        assert_eq!((wrong.code, wrong.message), (unknown.code, unknown.message));
    }

    #[test]
    fn an_entry_moved_to_another_username_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.sqlite");
        let key = DbKey::generate().unwrap();
        let mut ring = Keyring::new(&db, &key);
        ring.set_password(&key, "averdi", "password di anna", &fast(), false).unwrap();
        ring.save().unwrap();
        let text = std::fs::read_to_string(ring.path()).unwrap().replace("\"averdi\"", "\"mrossi\"");
        std::fs::write(ring.path(), text).unwrap();
        let ring = Keyring::load(&db).unwrap().unwrap();
        assert_eq!(ring.unlock("mrossi", "password di anna").unwrap_err().code, Code::Unauthorized);
    }

    #[test]
    fn the_recovery_code_opens_and_a_typo_in_it_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let key = DbKey::generate().unwrap();
        let ring = Keyring::new(&dir.path().join("s.sqlite"), &key);
        let code = key.recovery_code().to_string();
        assert_eq!(ring.unlock_recovery(&code).unwrap().bytes(), key.bytes());
        let other = DbKey::generate().unwrap().recovery_code().to_string();
        assert_eq!(ring.unlock_recovery(&other).unwrap_err().code, Code::Unauthorized);
    }

    #[test]
    fn one_time_passwords_are_long_enough_and_differ() {
        let a = one_time_password().unwrap();
        let b = one_time_password().unwrap();
        assert_ne!(*a, *b);
        assert_eq!(a.len(), 19);
        check_new_password(&a).unwrap();
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase()), "{}", *a);
    }

    #[test]
    fn installing_pending_keys_replaces_the_keys_file_and_removes_the_pending_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.sqlite");
        let old = DbKey::generate().unwrap();
        let mut ring = Keyring::new(&db, &old);
        ring.set_password(&old, "averdi", "password di anna", &fast(), false).unwrap();
        ring.save().unwrap();
        let new = DbKey::generate().unwrap();
        let mut pending = Keyring::new_pending(&db, &new);
        pending.set_password(&new, "averdi", "password di anna", &fast(), false).unwrap();
        pending.save().unwrap();
        assert!(Keyring::pending_path_for(&db).exists());
        assert!(
            Keyring::load(&db).unwrap().unwrap().wraps(&old),
            "the keys file is untouched until installed"
        );
        pending.install(&db).unwrap();
        assert!(!Keyring::pending_path_for(&db).exists());
        let ring = Keyring::load(&db).unwrap().unwrap();
        assert!(ring.wraps(&new) && !ring.wraps(&old));
        assert_eq!(ring.unlock("averdi", "password di anna").unwrap().bytes(), new.bytes());
    }

    #[test]
    fn short_passwords_are_refused_with_the_field() {
        let e = check_new_password("corta").unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (Code::Invalid, Some("password")));
        assert!(check_new_password("abbastanza lunga").is_ok());
    }

    #[test]
    fn the_sqlcipher_literal_is_the_hex_of_the_key() {
        let key = DbKey::from_bytes(&[0xab; 32]).unwrap();
        let lit = key.sqlcipher_literal();
        assert_eq!(lit.len(), 67);
        assert!(lit.starts_with("x'abab") && lit.ends_with("ab'"));
    }
}

#[cfg(test)]
mod fuzz {
    //! The keys file and the recovery code come from outside (a disk, a
    //! person typing): whatever they hold, an error, never a panic.
    use proptest::prelude::*;

    use super::*;

    fn valid_file() -> String {
        static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        TEXT.get_or_init(make_valid_file).clone()
    }

    fn make_valid_file() -> String {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.sqlite");
        let key = DbKey::generate().unwrap();
        let mut ring = Keyring::new(&db, &key);
        ring.set_password(&key, "averdi", "password di prova", &KdfParams::for_tests(), true).unwrap();
        ring.save().unwrap();
        std::fs::read_to_string(ring.path()).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_text_as_a_recovery_code_is_an_answer(s in "\\PC{0,80}") {
            let _ = RecoveryCode::parse(&s);
        }

        #[test]
        fn a_mutated_keys_file_is_refused_or_read_never_a_panic(
            cut in 0usize..2000, insert in "\\PC{0,6}", drop_n in 0usize..8
        ) {
            let text = valid_file();
            let at = text.char_indices().map(|(i, _)| i).nth(cut % text.chars().count()).unwrap_or(0);
            let end = text[at..].char_indices().map(|(i, _)| at + i).nth(drop_n).unwrap_or(text.len());
            let mutated = format!("{}{}{}", &text[..at], insert, &text[end..]);
            if let Ok(f) = file::KeyFile::parse(&mutated) {
                // Whatever was read must still refuse a wrong password cleanly.
                let ring = Keyring { path: "x".into(), file: f };
                let _ = ring.unlock("averdi", "non è questa");
            }
        }
    }
}
