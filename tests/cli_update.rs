//! `sportello update verify|install` through the built binary: exit 0 for a
//! package the built-in keys accept, 1 for a refusal with its reason, 2 for
//! bad usage; `install` of a refused package never starts the installer
//! (a stand-in `dpkg` and `pkexec` first on PATH would leave a mark).

use std::path::Path;
use std::process::{Command, Output};

use crate::update_support::{forged_package, signed_package};

fn this_target() -> &'static str {
    sportello::update::this_target().as_str()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sportello")).args(args).output().expect("the sportello binary runs")
}

fn out(o: &Output) -> (Option<i32>, String, String) {
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn verify_answers_0_for_a_signed_newer_package_and_1_with_the_reason_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let (package, _) = signed_package(dir.path(), "0.2.0", this_target());
    let (code, stdout, _) = out(&run(&["update", "verify", "--file", path(&package)]));
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("Versione dichiarata: 0.2.0") && stdout.contains("firma valida"), "{stdout}");
    let (code, stdout, _) = out(&run(&["update", "verify", "--file", path(&package), "--json"]));
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((v["valid"].as_bool(), v["version"].as_str()), (Some(true), Some("0.2.0")));

    // One byte changed.
    let mut bytes = std::fs::read(&package).unwrap();
    bytes[3] ^= 1;
    std::fs::write(&package, bytes).unwrap();
    let (code, stdout, _) = out(&run(&["update", "verify", "--file", path(&package), "--json"]));
    assert_eq!(code, Some(1), "{stdout}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((v["valid"].as_bool(), v["reason"]["field"].as_str()), (Some(false), Some("file")));

    // Another key; an older version; another system's package.
    let (forged, _) = forged_package(dir.path());
    let (code, stdout, _) = out(&run(&["update", "verify", "--file", path(&forged)]));
    assert_eq!(code, Some(1));
    assert!(stdout.contains("rifiutato") && stdout.contains("non è dell'editore"), "{stdout}");
    let (old, _) = signed_package(dir.path(), "0.1.0", this_target());
    let (code, stdout, _) = out(&run(&["update", "verify", "--file", path(&old)]));
    assert_eq!(code, Some(1));
    assert!(stdout.contains("non è più recente"), "{stdout}");
    let other = if this_target() == "deb" { "msi" } else { "deb" };
    let (foreign, _) = signed_package(dir.path(), "0.2.0", other);
    assert_eq!(run(&["update", "verify", "--file", path(&foreign)]).status.code(), Some(1));
}

#[test]
fn verify_answers_2_for_bad_usage_and_files_that_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(&["update", "verify"]).status.code(), Some(2));
    let missing = dir.path().join("nessuno.deb");
    let (code, stdout, stderr) = out(&run(&["update", "verify", "--file", path(&missing)]));
    assert_eq!((code, stdout.as_str()), (Some(2), ""));
    assert!(stderr.contains("impossibile aprire il pacchetto"), "{stderr}");
    // The package without its signature beside it.
    std::fs::write(&missing, b"x").unwrap();
    let (code, _, stderr) = out(&run(&["update", "verify", "--file", path(&missing)]));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("file della firma"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn install_refuses_before_starting_the_installer() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let mark = dir.path().join("installer-ran");
    for name in ["dpkg", "pkexec"] {
        let script = bin.join(name);
        std::fs::write(&script, format!("#!/bin/sh\ntouch '{}'\n", mark.display())).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path_var = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let install = |package: &Path| {
        Command::new(env!("CARGO_BIN_EXE_sportello"))
            .args(["update", "install", "--file", path(package)])
            .env("PATH", &path_var)
            .output()
            .unwrap()
    };
    let (forged, _) = forged_package(dir.path());
    let (code, _, stderr) = out(&install(&forged));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("aggiornamento rifiutato"), "{stderr}");
    let (old, _) = signed_package(dir.path(), "0.1.0", "deb");
    assert_eq!(install(&old).status.code(), Some(1));
    assert!(!mark.exists(), "the installer ran on a refused package");

    // The stand-in proves the other way round too: a verified package reaches it.
    let (good, _) = signed_package(dir.path(), "0.2.0", "deb");
    let (code, stdout, stderr) = out(&install(&good));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("0.2.0 installato"), "{stdout}");
    assert!(mark.exists());
}

#[test]
fn the_publishers_tools_make_keys_and_signatures_the_verifier_reads() {
    let dir = tempfile::tempdir().unwrap();
    let private = dir.path().join("privata.txt");
    let public = dir.path().join("pubblica.txt");
    let (code, stdout, stderr) =
        out(&run(&["update", "keygen", "--private", path(&private), "--public", path(&public)]));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("public-key: "));
    assert_eq!(
        run(&["update", "keygen", "--private", path(&private), "--public", path(&public)]).status.code(),
        Some(2)
    );

    let package = dir.path().join(format!("sportello_0.3.0.{}", this_target()));
    std::fs::write(&package, b"pacchetto").unwrap();
    let (code, _, stderr) = out(&run(&[
        "update",
        "sign",
        "--file",
        path(&package),
        "--key",
        path(&private),
        "--release",
        "0.3.0",
    ]));
    assert_eq!(code, Some(0), "{stderr}");
    let sig = std::fs::read_to_string(sportello::update::signature_path(&package)).unwrap();
    let key = sportello::update::parse_public_key(&std::fs::read_to_string(&public).unwrap()).unwrap();
    let keys = [key];
    let expected = sportello::update::Expected {
        keys: &keys,
        running: sportello::update::Version(0, 1, 0),
        target: sportello::update::this_target(),
    };
    let s = sportello::update::verify(b"pacchetto", &sig, &expected).unwrap();
    assert_eq!(s.version.to_string(), "0.3.0");
    // A new key is nobody's until it is built in.
    assert_eq!(run(&["update", "verify", "--file", path(&package)]).status.code(), Some(1));
}
