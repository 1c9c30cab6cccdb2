//! Restoring a damaged database from the login screen (src/service/restore.rs):
//! which automatic backups are offered, to whom, and the restore itself.

use crate::service_support;

use service_support::*;
use sportello::domain::Role;
use sportello::service::{Credentials, Service};
use sportello::Code;

fn skip_configured_backups() -> bool {
    std::env::var_os("SPORTELLO_BACKUP_KEEP").is_some() || std::env::var_os("SPORTELLO_BACKUP_DIR").is_some()
}

#[test]
fn a_damaged_database_is_restored_by_an_administrator_from_the_newest_backup() {
    if skip_configured_backups() {
        return;
    }
    let e = env();
    e.service.operator_save("mbianchi", "Marco Bianchi", Role::Operatore).unwrap();
    e.service.operator_set_password("mbianchi", PASSWORD).unwrap();
    let family = create_family(&e.service);
    let (db, docs) = (e.db(), e.docs());
    let dir = e.dir;
    drop(e.service);
    // The next day's login takes the backup that holds the family.
    drop(login(&db, &docs, ADMIN, d("2026-11-23")).unwrap());

    let bytes = std::fs::read(&db).unwrap();
    std::fs::write(&db, &bytes[..bytes.len() / 2]).unwrap();
    let err = login(&db, &docs, ADMIN, d("2026-11-24")).err().expect("a damaged file never opens");
    assert_eq!(err.code, Code::Corrupt, "{err:?}");

    let admin = Credentials::password(ADMIN, PASSWORD);
    let offered = Service::restorable_backups(&db, &admin).unwrap();
    assert_eq!(offered.len(), 2, "{offered:?}");
    assert!(offered[0].file_name > offered[1].file_name, "newest first: {offered:?}");
    assert!(offered[0].taken_at.as_deref().unwrap().starts_with("2026-11-23T"), "{offered:?}");

    let wrong = Credentials::password(ADMIN, "non è la password");
    assert_eq!(Service::restorable_backups(&db, &wrong).unwrap_err().code, Code::Unauthorized);
    let operatore = Credentials::password("mbianchi", PASSWORD);
    let refused = Service::restorable_backups(&db, &operatore).unwrap_err();
    assert_eq!(refused.code, Code::Forbidden, "{refused:?}");
    assert_eq!(
        Service::restore_from_backup(&db, &offered[0].file_name, &operatore).unwrap_err().code,
        Code::Forbidden
    );
    // Only the automatic backups' names: never a path to another file.
    let elsewhere = Service::restore_from_backup(&db, "../sportello.sqlite.keys", &admin).unwrap_err();
    assert_eq!(elsewhere.code, Code::NotFound);

    Service::restore_from_backup(&db, &offered[0].file_name, &admin).unwrap();
    let back = login(&db, &docs, ADMIN, d("2026-11-24")).unwrap();
    let found = back.household_get(family.id).unwrap();
    assert_eq!(found.members.len(), family.members.len());
    assert_eq!(sportello::storage::backup::replaced_copies(&db).len(), 1, "the damaged file is kept aside");
    drop(dir);
}

#[test]
fn the_recovery_key_may_restore_too() {
    if skip_configured_backups() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sportello.sqlite");
    let (service, recovery) = Service::create(sportello::service::NewDatabase {
        database: db.clone(),
        documents_dir: dir.path().join("documenti"),
        username: ADMIN.into(),
        name: "Anna Verdi".into(),
        password: PASSWORD.to_string().into(),
        today: Some(today()),
        kdf: sportello::keyring::KdfParams::for_tests(),
    })
    .unwrap();
    drop(service);
    std::fs::write(&db, b"non sono un database").unwrap();
    let key = Credentials::recovery(recovery.to_string());
    let offered = Service::restorable_backups(&db, &key).unwrap();
    assert_eq!(offered.len(), 1);
    Service::restore_from_backup(&db, &offered[0].file_name, &key).unwrap();
    login(&db, &dir.path().join("documenti"), ADMIN, today()).unwrap();
}
