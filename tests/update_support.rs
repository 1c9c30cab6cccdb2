//! Update packages for the tests, signed with the test-only key pair
//! (tests/fixtures/update/SOLO-PROVE-*), which debug builds trust beside the
//! publisher's key (src/update/mod.rs).

use std::path::{Path, PathBuf};

use sportello::update::{self, Target, Version};

const TEST_PRIVATE_KEY: &str = include_str!("fixtures/update/SOLO-PROVE-chiave-privata.txt");

/// A package's stand-in: bytes a real installer would refuse, so that even a
/// mistake could not install anything.
pub fn package_bytes(version: &str) -> Vec<u8> {
    format!("!<arch>\nnon un vero pacchetto: Sportello {version} per le prove\n").into_bytes()
}

/// `sportello_VERSION.TARGET` and its `.sig` beside it, signed with the test key.
pub fn signed_package(dir: &Path, version: &str, target: &str) -> (PathBuf, PathBuf) {
    let package = dir.join(format!("sportello_{version}.{target}"));
    let bytes = package_bytes(version);
    std::fs::write(&package, &bytes).unwrap();
    let key = update::parse_private_key(TEST_PRIVATE_KEY).unwrap();
    let sig = update::sign(&bytes, Version::parse(version).unwrap(), Target::parse(target).unwrap(), &key);
    let signature = update::signature_path(&package);
    std::fs::write(&signature, sig).unwrap();
    (package, signature)
}

/// A newer package signed by a key nobody trusts.
pub fn forged_package(dir: &Path) -> (PathBuf, PathBuf) {
    let package = dir.join("sportello_9.9.9.deb");
    let bytes = package_bytes("9.9.9");
    std::fs::write(&package, &bytes).unwrap();
    let (private, _) = update::key_files(&[42; 32]);
    let key = update::parse_private_key(&private).unwrap();
    let signature = update::signature_path(&package);
    std::fs::write(&signature, update::sign(&bytes, Version(9, 9, 9), Target::Deb, &key)).unwrap();
    (package, signature)
}
