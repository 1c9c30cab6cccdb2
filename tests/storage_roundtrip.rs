//! A household written through the storage layer and read back from the file,
//! field by field, after closing and reopening the database.

use crate::service_support;

use service_support::{d, family_input, today};
use sportello::domain::{CaseNumber, Id, Operator, Role};
use sportello::storage::case_numbers::CaseNumbering;
use sportello::storage::{Stamp, Storage};
use sportello::Money;

#[test]
fn a_household_round_trips_through_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let draft = family_input().validate(today()).unwrap();
    let id = Id::new();
    let op = Operator {
        id: Id::new(),
        username: "averdi".into(),
        name: "Anna Verdi".into(),
        role: Role::Operatore,
    };
    {
        let store = Storage::create(&path, &key()).unwrap();
        store
            .transaction(|tx| {
                tx.operator_insert(&op, "2026-11-20T09:00:00.000Z")?;
                let stamp = Stamp { at: "2026-11-20T09:00:00.000Z".into(), by: op.id };
                let case = tx.next_case_number(2026, "t")?;
                assert_eq!(case, CaseNumbering::Final(CaseNumber { year: 2026, seq: 1 }));
                tx.household_insert(id, &case, &draft, &stamp)
            })
            .unwrap();
    }
    let store = Storage::open(&path, &key()).unwrap();
    let h = store.transaction(|tx| tx.household_get(id)).unwrap().expect("household stored");
    assert_eq!(h.case_number, "2026/000001");
    assert_eq!((h.created_by.as_str(), h.updated_by.as_str()), ("Anna Verdi", "Anna Verdi"));
    assert_eq!(
        (h.created_at.as_str(), h.updated_at.as_str()),
        ("2026-11-20T09:00:00.000Z", "2026-11-20T09:00:00.000Z")
    );
    assert_eq!(h.address, draft.address);
    assert_eq!(h.comune, "F205");
    assert_eq!(h.phone.as_deref(), Some("+39 333 123 4567"));
    assert_eq!(h.notes.as_deref(), Some("Primo accesso allo sportello.\nSegnalati dalla scuola."));
    let isee = h.isee.as_ref().unwrap();
    assert_eq!(isee.value, Money::parse("4800.00").unwrap());
    assert_eq!(isee.expires_on, d("2026-12-31"));
    // Every member, every field, in order: names with accents and apostrophes intact.
    assert_eq!(h.members, draft.members);
    let names: Vec<String> = h.members.iter().map(|m| m.full_name()).collect();
    assert_eq!(names, ["Niccolò Dell'Orto", "Thị Lan Nguyễn", "Zoë Dell'Orto"]);
    assert_eq!(h.members[2].guardian_id, Some(h.members[1].id));
    assert_eq!(h.members[2].codice_fiscale, "DLLZOE15P70F205X", "stored normalised");
    assert!(store.check().unwrap().is_empty());
}

#[test]
fn money_is_stored_as_exact_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let mut draft = family_input().validate(today()).unwrap();
    draft.isee.as_mut().unwrap().value = Money::parse("20668.26").unwrap();
    let id = Id::new();
    let op = Operator { id: Id::new(), username: "x".into(), name: "X".into(), role: Role::Operatore };
    let store = Storage::create(&path, &key()).unwrap();
    store
        .transaction(|tx| {
            tx.operator_insert(&op, "t")?;
            let stamp = Stamp { at: "t".into(), by: op.id };
            let case = tx.next_case_number(2026, "t")?;
            tx.household_insert(id, &case, &draft, &stamp)
        })
        .unwrap();
    drop(store);
    let conn = service_support::keyed(&path, &key());
    let (ty, text): (String, String) = conn
        .query_row("SELECT typeof(isee_value), isee_value FROM households", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((ty.as_str(), text.as_str()), ("text", "20668.26"));
}

#[test]
fn a_failed_transaction_leaves_nothing_behind() {
    let store = Storage::open_in_memory().unwrap();
    let op = Operator { id: Id::new(), username: "x".into(), name: "X".into(), role: Role::Operatore };
    store.transaction(|tx| tx.operator_insert(&op, "t")).unwrap();
    let draft = family_input().validate(today()).unwrap();
    let id = Id::new();
    let err = store
        .transaction(|tx| {
            let stamp = Stamp { at: "t".into(), by: op.id };
            let case = tx.next_case_number(2026, "t")?;
            tx.household_insert(id, &case, &draft, &stamp)?;
            // Same codice fiscale again: the unique index refuses it.
            tx.household_insert(Id::new(), &tx.next_case_number(2026, "t")?, &draft, &stamp)
        })
        .unwrap_err();
    assert_eq!(err.code, sportello::Code::Storage);
    assert!(store.transaction(|tx| tx.household_get(id)).unwrap().is_none());
    // The case counter rolled back with it: the next household is still 000001.
    assert_eq!(store.transaction(|tx| tx.next_case_number(2026, "t")).unwrap().seq(), 1);
}

fn key() -> sportello::keyring::DbKey {
    sportello::keyring::DbKey::from_bytes(&[5u8; 32]).unwrap()
}
