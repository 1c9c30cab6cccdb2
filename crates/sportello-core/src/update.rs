//! An update brought on a USB stick: is this package one the publisher
//! signed, for this product and this system, and newer than the program
//! running? (issue 14 item 2; the format is in ARCHITECTURE.md, "Updates").
//!
//! Pure: the package's bytes, the signature file's text, the trusted public
//! keys and the running version come in as values; nothing here reads a file,
//! the clock or a database. Reading the stick and running the system's
//! installer are the library's (`sportello::update`).
//!
//! The signature covers a short statement, not the package alone: product,
//! version, target and the package's SHA-256. So a genuine signature cannot be
//! moved to another file (the hash), to another product or system (named),
//! and an old genuine package cannot be brought back (the version must be
//! newer than the running one).

use std::fmt;

use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// The keys under the words used here, so the crates above need no Ed25519 crate.
pub use ed25519_dalek::{SigningKey as PrivateKey, VerifyingKey as PublicKey};

use crate::error::{Code, Error, Result};

/// The first line of a signature file: its format and version.
pub const FORMAT: &str = "sportello-update-signature 1";
/// The only product this program installs.
pub const PRODUCT: &str = "sportello";

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// What kind of installer a package is; each system takes its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Debian and Ubuntu (`dpkg -i`).
    Deb,
    /// Windows (`msiexec /i`).
    Msi,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Deb => "deb",
            Target::Msi => "msi",
        }
    }

    pub fn parse(s: &str) -> Result<Target> {
        match s {
            "deb" => Ok(Target::Deb),
            "msi" => Ok(Target::Msi),
            other => Err(Error::invalid(
                "target",
                format!("tipo di pacchetto sconosciuto «{other}»: sono ammessi solo deb e msi"),
            )),
        }
    }

    /// The system's name, for a message.
    fn system(self) -> &'static str {
        match self {
            Target::Deb => "Debian/Ubuntu",
            Target::Msi => "Windows",
        }
    }
}

/// A release number, MAJOR.MINOR.PATCH, compared number by number (0.10.0 is
/// newer than 0.9.0). Pre-releases are not published, so not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(pub u64, pub u64, pub u64);

impl Version {
    pub fn parse(s: &str) -> Result<Version> {
        let bad = || Error::invalid("version", format!("versione «{s}» non valida: è attesa la forma 1.2.3"));
        let parts: Vec<&str> = s.split('.').collect();
        if parts.len() != 3 {
            return Err(bad());
        }
        let mut n = [0u64; 3];
        for (slot, part) in n.iter_mut().zip(&parts) {
            // Digits only: `parse` alone would take "+1".
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            *slot = part.parse().map_err(|_| bad())?;
        }
        Ok(Version(n[0], n[1], n[2]))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.0, self.1, self.2)
    }
}

/// What a signature file states about its package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub product: String,
    pub version: Version,
    pub target: Target,
    pub sha256: [u8; 32],
}

impl Statement {
    /// The bytes signed: rebuilt from the parsed values, so two spellings of
    /// one statement cannot carry different meanings.
    fn message(&self) -> String {
        format!(
            "{FORMAT}\nproduct: {}\nversion: {}\ntarget: {}\nsha256: {}\n",
            self.product,
            self.version,
            self.target.as_str(),
            hex(&self.sha256)
        )
    }

    pub fn sha256_hex(&self) -> String {
        hex(&self.sha256)
    }
}

/// A signature file read: the statement and its signature, not yet checked.
#[derive(Debug, Clone)]
pub struct SignatureFile {
    pub statement: Statement,
    signature: Signature,
}

/// What a program checks an update against: the keys it trusts, the version
/// it is, the kind of package its system installs.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    pub keys: &'a [VerifyingKey],
    pub running: Version,
    pub target: Target,
}

/// The package's SHA-256.
pub fn sha256(package: &[u8]) -> [u8; 32] {
    Sha256::digest(package).into()
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)] as char, DIGITS[usize::from(b & 15)] as char])
        .collect()
}

fn bad_file(message: impl Into<String>) -> Error {
    Error::invalid("signature", format!("file della firma non valido: {}", message.into()))
}

/// Reads a signature file. Strict: the lines in their order, one space after
/// the colon, nothing else (a Windows line end is tolerated: the stick may
/// have passed through a Windows machine).
pub fn parse_signature_file(text: &str) -> Result<SignatureFile> {
    let mut lines = text.lines().map(|l| l.strip_suffix('\r').unwrap_or(l));
    if lines.next() != Some(FORMAT) {
        return Err(bad_file(format!("la prima riga deve essere «{FORMAT}»")));
    }
    let mut value = |key: &str| -> Result<&str> {
        let line = lines.next().ok_or_else(|| bad_file(format!("manca la riga «{key}»")))?;
        line.strip_prefix(key)
            .and_then(|rest| rest.strip_prefix(": "))
            .ok_or_else(|| bad_file(format!("attesa la riga «{key}: …», trovato «{}»", shorten(line))))
    };
    let product = value("product")?.to_string();
    let version = Version::parse(value("version")?)?;
    let target = Target::parse(value("target")?)?;
    let sha = value("sha256")?;
    let signature = value("signature")?;
    if let Some(extra) = lines.find(|l| !l.is_empty()) {
        return Err(bad_file(format!("riga in più «{}»", shorten(extra))));
    }
    let sha256 =
        parse_sha256(sha).ok_or_else(|| bad_file("sha256: attese 64 cifre esadecimali minuscole"))?;
    let signature = B64
        .decode(signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
        .ok_or_else(|| bad_file("signature: attesa una firma Ed25519 in base64 (64 byte)"))?;
    Ok(SignatureFile { statement: Statement { product, version, target, sha256 }, signature })
}

fn parse_sha256(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

fn shorten(s: &str) -> String {
    s.chars().take(60).collect()
}

/// Checks a package against its signature file. The order matters for what
/// the operator is told: first that the publisher signed the statement (so
/// nothing else a forger writes is believed), then that the statement is
/// about these bytes, then that it is for this system and a newer version.
pub fn verify(package: &[u8], signature_text: &str, expected: &Expected<'_>) -> Result<Statement> {
    let file = parse_signature_file(signature_text)?;
    let statement = file.statement;
    let message = statement.message();
    // `verify_strict`: no malleable signature, no weak key.
    let signed = expected.keys.iter().any(|k| k.verify_strict(message.as_bytes(), &file.signature).is_ok());
    if !signed {
        return Err(Error::new(
            Code::Forbidden,
            "La firma non è dell'editore di Sportello (chiave pubblica diversa o firma alterata): il pacchetto non viene installato",
        )
        .with_field("signature"));
    }
    if sha256(package) != statement.sha256 {
        return Err(Error::new(
            Code::Forbidden,
            "Il pacchetto non corrisponde alla firma (file modificato, danneggiato o firma di un altro file): il pacchetto non viene installato",
        )
        .with_field("file"));
    }
    if statement.product != PRODUCT {
        return Err(Error::invalid(
            "product",
            format!(
                "Il pacchetto è di un altro prodotto («{}»), non di Sportello",
                shorten(&statement.product)
            ),
        ));
    }
    if statement.target != expected.target {
        return Err(Error::invalid(
            "target",
            format!(
                "Il pacchetto è per {} ({}), questo computer installa pacchetti {}",
                statement.target.system(),
                statement.target.as_str(),
                expected.target.as_str()
            ),
        ));
    }
    if statement.version <= expected.running {
        return Err(Error::new(
            Code::Conflict,
            format!(
                "La versione del pacchetto ({}) non è più recente di quella in uso ({}): un aggiornamento non torna indietro",
                statement.version, expected.running
            ),
        )
        .with_field("version"));
    }
    Ok(statement)
}

/// A public key file: `#` comments and one line `public-key: BASE64` (the
/// 32 bytes of an Ed25519 public key).
pub fn parse_public_key(text: &str) -> Result<VerifyingKey> {
    let bytes = key_line(text, "public-key")?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| Error::new(Code::Invalid, "chiave pubblica non valida").with_field("public-key"))
}

/// A private key file: `#` comments and one line `private-key: BASE64` (the
/// 32-byte Ed25519 seed). Kept offline by whoever publishes releases.
pub fn parse_private_key(text: &str) -> Result<SigningKey> {
    Ok(SigningKey::from_bytes(&key_line(text, "private-key")?))
}

/// The text of a key pair's two files, from a 32-byte random seed.
pub fn key_files(seed: &[u8; 32]) -> (String, String) {
    let key = SigningKey::from_bytes(seed);
    let private = format!(
        "# Chiave privata per firmare gli aggiornamenti di Sportello: da tenere fuori linea.\nprivate-key: {}\n",
        B64.encode(seed)
    );
    let public = format!(
        "# Chiave pubblica degli aggiornamenti di Sportello.\npublic-key: {}\n",
        B64.encode(key.verifying_key().to_bytes())
    );
    (private, public)
}

fn key_line(text: &str, name: &str) -> Result<[u8; 32]> {
    let mut found = None;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let value = line.strip_prefix(name).and_then(|r| r.strip_prefix(':')).map(str::trim);
        match (value, found) {
            (Some(v), None) => found = Some(v),
            _ => {
                return Err(Error::invalid(
                    name,
                    format!("file della chiave: attesa una sola riga «{name}: …»"),
                ))
            }
        }
    }
    found.and_then(|v| B64.decode(v).ok()).and_then(|b| <[u8; 32]>::try_from(b).ok()).ok_or_else(|| {
        Error::invalid(name, format!("file della chiave: «{name}» deve essere 32 byte in base64"))
    })
}

/// The signature file of a package, as the publisher writes it.
pub fn sign(package: &[u8], version: Version, target: Target, key: &SigningKey) -> String {
    let statement = Statement { product: PRODUCT.to_string(), version, target, sha256: sha256(package) };
    let message = statement.message();
    let signature = key.sign(message.as_bytes());
    format!("{message}signature: {}\n", B64.encode(signature.to_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACKAGE: &[u8] = b"!<arch>\nun pacchetto di prova\n";

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    fn expected(keys: &[VerifyingKey]) -> Expected<'_> {
        Expected { keys, running: Version(0, 1, 0), target: Target::Deb }
    }

    #[test]
    fn a_signed_newer_package_for_this_system_is_accepted() {
        let sig = sign(PACKAGE, Version(0, 2, 0), Target::Deb, &key(1));
        let keys = [key(1).verifying_key()];
        let s = verify(PACKAGE, &sig, &expected(&keys)).unwrap();
        assert_eq!(s.version, Version(0, 2, 0));
        assert_eq!(s.target, Target::Deb);
        assert_eq!(s.sha256_hex(), hex(&sha256(PACKAGE)));
        // Any of the trusted keys will do (a key being replaced).
        let keys = [key(9).verifying_key(), key(1).verifying_key()];
        assert!(verify(PACKAGE, &sig, &expected(&keys)).is_ok());
        // A file that passed through Windows.
        assert!(verify(PACKAGE, &sig.replace('\n', "\r\n"), &expected(&keys)).is_ok());
    }

    #[test]
    fn one_byte_changed_in_the_package_is_refused() {
        let sig = sign(PACKAGE, Version(0, 2, 0), Target::Deb, &key(1));
        let mut tampered = PACKAGE.to_vec();
        tampered[10] ^= 1;
        let keys = [key(1).verifying_key()];
        let e = verify(&tampered, &sig, &expected(&keys)).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (Code::Forbidden, Some("file")));
    }

    #[test]
    fn a_signature_by_another_key_is_refused() {
        let sig = sign(PACKAGE, Version(0, 2, 0), Target::Deb, &key(2));
        let keys = [key(1).verifying_key()];
        let e = verify(PACKAGE, &sig, &expected(&keys)).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (Code::Forbidden, Some("signature")));
        assert!(e.message.contains("non è dell'editore"), "{}", e.message);
    }

    #[test]
    fn a_genuine_signature_of_another_file_is_refused() {
        let other = sign(b"un altro pacchetto", Version(0, 2, 0), Target::Deb, &key(1));
        let keys = [key(1).verifying_key()];
        let e = verify(PACKAGE, &other, &expected(&keys)).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (Code::Forbidden, Some("file")));
        // Nor can the hash line be rewritten to this package's: the statement is signed.
        let moved = other.replace(&hex(&sha256(b"un altro pacchetto")), &hex(&sha256(PACKAGE)));
        let e = verify(PACKAGE, &moved, &expected(&keys)).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (Code::Forbidden, Some("signature")));
    }

    #[test]
    fn a_version_not_newer_than_the_running_one_is_refused() {
        let keys = [key(1).verifying_key()];
        for old in [Version(0, 1, 0), Version(0, 0, 9)] {
            let sig = sign(PACKAGE, old, Target::Deb, &key(1));
            let e = verify(PACKAGE, &sig, &expected(&keys)).unwrap_err();
            assert_eq!((e.code, e.field.as_deref()), (Code::Conflict, Some("version")), "{old}");
        }
        // Nor can an old genuine file claim a newer version: the line is signed.
        let sig = sign(PACKAGE, Version(0, 1, 0), Target::Deb, &key(1));
        let e =
            verify(PACKAGE, &sig.replace("version: 0.1.0", "version: 9.0.0"), &expected(&keys)).unwrap_err();
        assert_eq!(e.code, Code::Forbidden);
        // Numbers, not text: 0.10.0 is newer than 0.9.0.
        assert!(Version::parse("0.10.0").unwrap() > Version::parse("0.9.0").unwrap());
    }

    #[test]
    fn a_package_for_another_system_or_product_is_refused() {
        let keys = [key(1).verifying_key()];
        let sig = sign(PACKAGE, Version(0, 2, 0), Target::Msi, &key(1));
        let e = verify(PACKAGE, &sig, &expected(&keys)).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (Code::Invalid, Some("target")));
        let sig = sign(PACKAGE, Version(0, 2, 0), Target::Deb, &key(1)).replace("target: deb", "target: rpm");
        let e = verify(PACKAGE, &sig, &expected(&keys)).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (Code::Invalid, Some("target")));
        assert!(e.message.contains("rpm"), "{}", e.message);
        // Another product signed by the same publisher.
        let statement = Statement {
            product: "altro".into(),
            version: Version(0, 2, 0),
            target: Target::Deb,
            sha256: sha256(PACKAGE),
        };
        let text = format!(
            "{}signature: {}\n",
            statement.message(),
            B64.encode(key(1).sign(statement.message().as_bytes()).to_bytes())
        );
        let e = verify(PACKAGE, &text, &expected(&keys)).unwrap_err();
        assert_eq!((e.code, e.field.as_deref()), (Code::Invalid, Some("product")));
    }

    #[test]
    fn a_malformed_signature_file_is_refused_with_what_is_wrong() {
        let keys = [key(1).verifying_key()];
        let good = sign(PACKAGE, Version(0, 2, 0), Target::Deb, &key(1));
        let cases = [
            ("", "prima riga"),
            ("firma\n", "prima riga"),
            (&good[..good.find("signature:").unwrap()], "manca la riga «signature»"),
            (&good.replace("version: ", "versione: "), "version: …"),
            (&good.replace("version: 0.2.0", "version: 0.2"), "versione «0.2»"),
            (&good.replace("version: 0.2.0", "version: 0.2.0-beta"), "forma 1.2.3"),
            (&good.replace("sha256: ", "sha256: A"), "esadecimali"),
            (&format!("{good}altro\n"), "riga in più"),
            (&good.replace("signature: ", "signature: AAAA"), "64 byte"),
        ];
        for (text, expected_part) in cases {
            let e = verify(PACKAGE, text, &expected(&keys)).unwrap_err();
            assert_eq!(e.code, Code::Invalid, "{text:?}");
            assert!(e.message.contains(expected_part), "{text:?}: {}", e.message);
        }
    }

    #[test]
    fn key_files_round_trip_and_are_not_confused() {
        let (private, public) = key_files(&[7; 32]);
        let signing = parse_private_key(&private).unwrap();
        assert_eq!(parse_public_key(&public).unwrap(), signing.verifying_key());
        assert!(parse_public_key(&private).is_err());
        assert!(parse_private_key(&public).is_err());
        assert!(parse_public_key(&format!("{public}{public}")).is_err());
    }
}
