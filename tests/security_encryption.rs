//! A lost laptop reveals nothing: a sentinel family is written, printed,
//! opened in the viewer and backed up; then every file the program wrote —
//! database, WAL, SHM, keys file, backups, the viewing area, the temporary
//! folder — is scanned for the sentinel's name and codice fiscale and for
//! SQLite's plain header. Wrong passwords are refused and change nothing.
//!
//! One test in its own binary: it points TMPDIR and the viewing area at
//! folders of its own before anything runs.

mod service_support;

use std::path::{Path, PathBuf};

use serde_json::json;
use service_support::{analysis_json, login, project_json, today, ADMIN, PASSWORD};
use sportello::domain::household::HouseholdInput;
use sportello::service::{Credentials, OpenOptions, Service};
use sportello::Code;

const SURNAME: &str = "Quattrocchizzyzx";
const NAME: &str = "Sentinella";
const PLAIN_HEADER: &[u8] = b"SQLite format 3";

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Every file under `dirs`: none holds a sentinel or the plain header.
fn scan(dirs: &[&Path], sentinels: &[&str], when: &str) -> usize {
    let mut files = Vec::new();
    for d in dirs {
        if d.exists() {
            files_under(d, &mut files);
        }
    }
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        for s in sentinels {
            let utf16: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            assert!(!contains(&bytes, s.as_bytes()), "{when}: «{s}» in clear in {}", f.display());
            assert!(!contains(&bytes, &utf16), "{when}: «{s}» (UTF-16) in clear in {}", f.display());
            assert!(
                !contains(&bytes, s.to_uppercase().as_bytes()),
                "{when}: «{s}» in clear in {}",
                f.display()
            );
        }
        assert!(!contains(&bytes, PLAIN_HEADER), "{when}: plain SQLite header in {}", f.display());
    }
    files.len()
}

#[test]
fn the_files_on_disk_reveal_nothing_and_wrong_passwords_open_nothing() {
    let root = tempfile::tempdir().unwrap();
    let tmp = root.path().join("tmp");
    let viewing = root.path().join("visualizzazione");
    std::fs::create_dir_all(&tmp).unwrap();
    // Before any thread of this binary reads them.
    std::env::set_var("TMPDIR", &tmp);
    std::env::set_var("SPORTELLO_VIEWING_DIR", &viewing);
    std::env::remove_var("SPORTELLO_BACKUP_DIR");
    std::env::remove_var("SPORTELLO_BACKUP_KEEP");

    let work = root.path().join("ufficio");
    let db = work.join("sportello.sqlite");
    let docs = work.join("documenti");
    let s = service_support::create(&db, &docs, today());

    // The sentinel family, with a codice fiscale that matches its names.
    let cf =
        sportello::cf::encode(SURNAME, NAME, service_support::d("1971-03-04"), sportello::cf::Sex::F, "F205")
            .unwrap();
    let mut family = service_support::single_json(SURNAME, NAME, "1971-03-04", "F");
    family["members"][0]["codice_fiscale"] = json!(cf);
    family["notes"] = json!(format!("Nota riservata su {NAME} {SURNAME}"));
    let input: HouseholdInput = serde_json::from_value(family).unwrap();
    let h = s.household_save(input).unwrap();
    s.analysis_save(
        serde_json::from_value(analysis_json(&h, "2026-11-20", "progetto_servizio_sociale")).unwrap(),
    )
    .unwrap();
    let p = s.project_save(serde_json::from_value(project_json(&h)).unwrap()).unwrap();
    let doc = s.agreement_print(p.id).unwrap();
    // The printed agreement names the family: it is stored encrypted, and
    // written in clear only into the viewing area while it is open.
    let shown = s.document_path(doc.id).unwrap();
    assert!(shown.starts_with(&viewing), "{}", shown.display());
    let text = String::from_utf8_lossy(&std::fs::read(&shown).unwrap()).into_owned();
    assert!(text.starts_with("%PDF-"));
    let backup = work.join("copia-manuale.sqlite");
    s.backup_to(&backup).unwrap();
    assert!(work.join("copie-di-sicurezza").read_dir().unwrap().count() >= 1, "the day's automatic backup");

    let sentinels = [SURNAME, cf.as_str()];
    // While the app is open: the WAL and SHM hold the last commits.
    assert!(work.join("sportello.sqlite-wal").exists());
    let n = scan(&[&work, &tmp], &sentinels, "aperto");
    assert!(n >= 5, "database, WAL, SHM, keys, backups: {n} files");
    // Logging out empties the viewing area.
    drop(s);
    assert!(!shown.exists(), "the decrypted copy is gone at logout");
    scan(&[&work, &tmp, &viewing], &sentinels, "chiuso");

    // Wrong passwords: refused, the same answer for a wrong user; nothing changes.
    let before = std::fs::read(&db).unwrap();
    for (user, pw) in [(ADMIN, "password sbagliata"), ("nessuno", PASSWORD), (ADMIN, "")] {
        let err = Service::open_with(OpenOptions {
            database: db.clone(),
            documents_dir: docs.clone(),
            credentials: Credentials::password(user, pw),
            today: Some(today()),
        })
        .err()
        .expect("refused");
        assert_eq!(err.code, Code::Unauthorized, "{err:?}");
        assert_eq!(err.message, "Nome utente o password non corretti");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "a refused login leaves the file as it was");
    // The right one opens, and the data is there.
    let s = login(&db, &docs, ADMIN, today()).unwrap();
    assert_eq!(s.households_search(SURNAME).unwrap().len(), 1);
    // The backup opens with the same key, and holds the family too.
    let key = service_support::key(&db);
    let copy = sportello::storage::Storage::open(&backup, &key).unwrap();
    let q = sportello::storage::SearchQuery::parse(SURNAME).unwrap();
    assert_eq!(copy.transaction(|tx| tx.households_search(&q, 10)).unwrap().len(), 1);
}
