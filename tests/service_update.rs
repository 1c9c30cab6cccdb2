//! `update_check` and `update_install` through the service: who may do
//! what, and that the installer is handed exactly the verified bytes, or
//! never started.

use std::cell::RefCell;

use serde_json::json;
use sportello::domain::Role;
use sportello::Code;

use crate::service_support::{env, today};
use crate::update_support::{forged_package, package_bytes, signed_package};

fn this_target() -> &'static str {
    sportello::update::this_target().as_str()
}

#[test]
fn anyone_sees_what_a_package_is_and_a_refusal_is_an_answer() {
    let e = env();
    e.service.operator_save("mrossi", "Mario Rossi", Role::Operatore).unwrap();
    let operatore = e.reopen("mrossi", today());
    let files = tempfile::tempdir().unwrap();
    let (package, _) = signed_package(files.path(), "0.2.0", this_target());

    let r = operatore.call("update_check", json!({ "path": package.display().to_string() })).unwrap();
    assert_eq!(r["valid"], true, "{r}");
    assert_eq!(r["version"], "0.2.0");
    assert_eq!(r["target"], this_target());
    assert_eq!(r["running_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(r["sha256"], sportello::update::hex(&sportello::update::sha256(&package_bytes("0.2.0"))));
    assert!(r["reason"].is_null());

    let (forged, _) = forged_package(files.path());
    let r = operatore.call("update_check", json!({ "path": forged.display().to_string() })).unwrap();
    assert_eq!(r["valid"], false);
    assert_eq!(r["reason"]["code"], "forbidden");
    assert!(r["reason"]["message"].as_str().unwrap().contains("non è dell'editore"), "{r}");

    // A signature elsewhere than beside the package, when named.
    let moved = files.path().join("firma.txt");
    std::fs::rename(sportello::update::signature_path(&package), &moved).unwrap();
    let e2 = operatore.call("update_check", json!({ "path": package.display().to_string() })).unwrap_err();
    assert_eq!((e2.code, e2.field.as_deref()), (Code::NotFound, Some("signature")));
    let r = operatore
        .call(
            "update_check",
            json!({ "path": package.display().to_string(), "signature": moved.display().to_string() }),
        )
        .unwrap();
    assert_eq!(r["valid"], true);

    // A path from the dialog is whole.
    let e3 = operatore.call("update_check", json!({ "path": "sportello.deb" })).unwrap_err();
    assert_eq!((e3.code, e3.field.as_deref()), (Code::Invalid, Some("path")));
}

#[test]
fn only_an_administrator_installs_and_only_what_was_verified() {
    let e = env();
    e.service.operator_save("mrossi", "Mario Rossi", Role::Operatore).unwrap();
    e.service.operator_save("lbianchi", "Lucia Bianchi", Role::Coordinatore).unwrap();
    let files = tempfile::tempdir().unwrap();
    let (package, _) = signed_package(files.path(), "0.2.0", this_target());
    let handed = RefCell::new(Vec::new());
    let installer = |c: &sportello::update::Checked| {
        handed.borrow_mut().push(c.package().to_vec());
        Ok(())
    };

    for user in ["mrossi", "lbianchi"] {
        let s = e.reopen(user, today());
        let err = s.update_install_with(&package, None, installer).unwrap_err();
        assert_eq!(err.code, Code::Forbidden, "{user}");
        let err = s.call("update_install", json!({ "path": package.display().to_string() })).unwrap_err();
        assert_eq!(err.code, Code::Forbidden, "{user}");
    }
    assert!(handed.borrow().is_empty());

    let admin = &e.service;
    let (forged, _) = forged_package(files.path());
    let err = admin.update_install_with(&forged, None, installer).unwrap_err();
    assert_eq!((err.code, err.field.as_deref()), (Code::Forbidden, Some("signature")));
    let (old, _) = signed_package(files.path(), "0.1.0", this_target());
    let err = admin.update_install_with(&old, None, installer).unwrap_err();
    assert_eq!(err.code, Code::Conflict);
    assert!(handed.borrow().is_empty(), "the installer ran on a refused package");

    let done = admin.update_install_with(&package, None, installer).unwrap();
    assert_eq!((done.version.as_str(), done.target), ("0.2.0", this_target()));
    assert_eq!(*handed.borrow(), vec![package_bytes("0.2.0")]);
}
