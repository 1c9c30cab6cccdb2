//! Versioned migrations: an ordered list, applied in one transaction together
//! with `PRAGMA user_version`, so a database is always at one whole version.
//! A database newer than this program is refused, never touched or deleted.
//!
//! To change the schema, append a migration (never edit a released one) and add
//! a fixture of the previous version to the tests.

use rusqlite::{Connection, TransactionBehavior};

use super::db_err;
use crate::error::{Code, Error};

pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "schema iniziale", sql: include_str!("migrations/0001_initial.sql") },
    Migration { version: 2, name: "avvisi e graduatorie", sql: include_str!("migrations/0002_calls.sql") },
    Migration {
        version: 3,
        name: "registro degli accessi concatenato",
        sql: include_str!("migrations/0003_audit_chain.sql"),
    },
    // Migration 2 (calls) is on its branch; versions only need to increase.
    Migration { version: 4, name: "requisiti misure", sql: include_str!("migrations/0004_eligibility.sql") },
    Migration {
        version: 5,
        name: "documenti nel database cifrato",
        sql: include_str!("migrations/0005_documents_in_database.sql"),
    },
    Migration {
        version: 6,
        name: "responsabile del fascicolo ed équipe",
        sql: include_str!("migrations/0006_case_scope.sql"),
    },
    Migration {
        version: 7,
        name: "sincronizzazione tra copie",
        sql: include_str!("migrations/0007_sync.sql"),
    },
    Migration {
        version: 8,
        name: "dispositivi iscritti e loro ambito",
        sql: include_str!("migrations/0008_sync_scope.sql"),
    },
    Migration {
        version: 9,
        name: "blocchi di numeri di fascicolo e registro dei dispositivi",
        sql: include_str!("migrations/0009_case_blocks_device_audit.sql"),
    },
    Migration {
        version: 10,
        name: "sincronizzazione in rete",
        sql: include_str!("migrations/0010_sync_transport.sql"),
    },
    Migration {
        version: 11,
        name: "scelte sui conflitti di sincronizzazione",
        sql: include_str!("migrations/0011_conflict_resolutions.sql"),
    },
    Migration {
        version: 12,
        name: "firme annullate con un motivo",
        sql: include_str!("migrations/0012_signature_annulments.sql"),
    },
    Migration {
        version: 13,
        name: "permesso di soggiorno, CAP, condizione occupazionale per età",
        sql: include_str!("migrations/0013_people_as_they_are.sql"),
    },
    Migration {
        version: 14,
        name: "domande collegate al componente che le presenta",
        sql: include_str!("migrations/0014_application_member.sql"),
    },
    Migration {
        version: 15,
        name: "cambiamenti restituiti all'ufficio ripristinato",
        sql: include_str!("migrations/0015_returning_to_hub.sql"),
    },
    Migration {
        version: 16,
        name: "contributi assegnati, rimborsi ed elenchi di liquidazione",
        sql: include_str!("migrations/0016_reimbursements.sql"),
    },
    Migration {
        version: 17,
        name: "trattamento limitato di un fascicolo",
        sql: include_str!("migrations/0017_restriction.sql"),
    },
    Migration {
        version: 18,
        name: "codice fiscale dell'operatore e paese di cittadinanza (SIUSS)",
        sql: include_str!("migrations/0018_siuss.sql"),
    },
    Migration {
        version: 19,
        name: "residenzialità temporanea: alloggi, inserimenti, lista d'attesa",
        sql: include_str!("migrations/0019_housing.sql"),
    },
    Migration {
        version: 20,
        name: "finanze dei progetti finanziati: impegni, pagamenti, annullamenti",
        sql: include_str!("migrations/0020_project_finance.sql"),
    },
    Migration {
        version: 21,
        name: "informativa sul trattamento dei dati: versioni e consegne",
        sql: include_str!("migrations/0021_informativa.sql"),
    },
    Migration {
        version: 22,
        name: "richieste degli interessati (accesso, portabilità) e storico dei campi",
        sql: include_str!("migrations/0022_data_requests.sql"),
    },
    Migration {
        version: 23,
        name: "conservazione e cancellazione dei fascicoli (verbali delle cancellazioni)",
        sql: include_str!("migrations/0023_retention.sql"),
    },
    Migration {
        version: 24,
        name: "monitoraggio, riprogettazione e chiusura del progetto personalizzato",
        sql: include_str!("migrations/0024_monitoring.sql"),
    },
    Migration {
        version: 25,
        name: "programmi finanziati: partner, governance, interventi, iscrizioni",
        sql: include_str!("migrations/0025_programmes.sql"),
    },
    Migration {
        version: 26,
        name: "conservazione di domande, graduatorie, rimborsi e registro degli accessi",
        sql: include_str!("migrations/0026_retention_records.sql"),
    },
    Migration {
        version: 27,
        name: "quadro di analisi dell'équipe multidisciplinare",
        sql: include_str!("migrations/0027_quadro_analisi.sql"),
    },
    Migration {
        version: 28,
        name: "indicatori comuni FSE+ 2021-2027: periodo del programma, nuove risposte all'ingresso",
        sql: include_str!("migrations/0028_esf_plus.sql"),
    },
];

/// The version this program writes.
pub fn latest() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

pub fn user_version(conn: &Connection) -> Result<u32, Error> {
    let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(db_err)?;
    u32::try_from(v).map_err(|_| Error::new(Code::Storage, format!("versione dello schema non valida: {v}")))
}

/// Brings the database to the last version of `migrations`; returns it.
///
/// Foreign keys are off while the migrations run (a pragma that cannot change
/// inside a transaction), so that a migration may rebuild a table the way
/// SQLite documents (new table, copy, drop, rename) without the drop
/// cascading to the rows that name it; every reference is checked before
/// the commit, and the setting is put back as it was.
pub fn migrate(conn: &mut Connection, migrations: &[Migration]) -> Result<u32, Error> {
    let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).map_err(db_err)?;
    if fk != 0 {
        conn.pragma_update(None, "foreign_keys", "OFF").map_err(db_err)?;
    }
    let out = migrate_inner(conn, migrations);
    if fk != 0 {
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db_err)?;
    }
    out
}

fn migrate_inner(conn: &mut Connection, migrations: &[Migration]) -> Result<u32, Error> {
    let target = migrations.last().map_or(0, |m| m.version);
    // Strictly increasing (versions are developed on parallel branches, so one
    // branch alone may miss a number that another branch fills).
    debug_assert!(migrations.windows(2).all(|w| w[1].version > w[0].version));
    // Immediate: two processes opening an old file at once do not both migrate it.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
    let current = user_version(&tx)?;
    if current > target {
        return Err(Error::new(
            Code::Storage,
            format!(
                "Il database è stato creato da una versione più recente di Sportello (schema {current}, \
                 questa versione arriva allo schema {target}): aggiornare il programma. Il database non è stato modificato."
            ),
        ));
    }
    for m in migrations.iter().filter(|m| m.version > current) {
        tx.execute_batch(m.sql).map_err(|e| {
            let inner = db_err(e);
            Error::new(
                inner.code,
                format!(
                    "aggiornamento del database allo schema {} ({}) non riuscito: {}",
                    m.version, m.name, inner.message
                ),
            )
        })?;
    }
    if target != current {
        tx.pragma_update(None, "user_version", target).map_err(db_err)?;
        // A migration that breaks a reference must not be committed.
        let broken = foreign_key_problems(&tx)?;
        if !broken.is_empty() {
            return Err(Error::new(
                Code::Storage,
                format!(
                    "aggiornamento del database non riuscito: riferimenti non validi ({})",
                    broken.join("; ")
                ),
            ));
        }
    }
    tx.commit().map_err(db_err)?;
    Ok(target)
}

fn foreign_key_problems(conn: &Connection) -> Result<Vec<String>, Error> {
    let mut stmt = conn.prepare("PRAGMA foreign_key_check").map_err(db_err)?;
    let rows = stmt
        .query_map([], |r| {
            let table: String = r.get(0)?;
            let rowid: Option<i64> = r.get(1)?;
            let parent: String = r.get(2)?;
            Ok(format!("{table} riga {} → {parent}", rowid.unwrap_or_default()))
        })
        .map_err(db_err)?;
    rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
}

/// SQLite's integrity check plus every foreign key: the problems found.
pub fn check(conn: &Connection) -> Result<Vec<String>, Error> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare("PRAGMA integrity_check").map_err(db_err)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(db_err)?;
    for r in rows {
        let r = r.map_err(db_err)?;
        if r != "ok" {
            problems.push(r);
        }
    }
    problems.extend(foreign_key_problems(conn)?);
    Ok(problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROKEN: &[Migration] = &[
        Migration { version: 1, name: "uno", sql: "CREATE TABLE a (x INTEGER) STRICT;" },
        Migration {
            version: 2,
            name: "due",
            sql: "CREATE TABLE b (y INTEGER) STRICT; INSERT INTO nowhere VALUES (1);",
        },
    ];

    #[test]
    fn a_failing_migration_leaves_the_database_as_it_was() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, &BROKEN[..1]).unwrap();
        assert_eq!(user_version(&conn).unwrap(), 1);
        let e = migrate(&mut conn, BROKEN).unwrap_err();
        assert_eq!(e.code, Code::Storage);
        assert!(e.message.contains("schema 2 (due)"), "{}", e.message);
        assert_eq!(user_version(&conn).unwrap(), 1);
        let b: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'b'", [], |r| r.get(0)).unwrap();
        assert_eq!(b, 0, "table b of the failed migration must have been rolled back");
    }

    #[test]
    fn migrations_apply_in_order_from_any_version() {
        let ok: &[Migration] = &[
            Migration { version: 1, name: "uno", sql: "CREATE TABLE a (x INTEGER) STRICT;" },
            Migration { version: 2, name: "due", sql: "ALTER TABLE a ADD COLUMN y INTEGER;" },
        ];
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn, &ok[..1]).unwrap(), 1);
        conn.execute("INSERT INTO a (x) VALUES (7)", []).unwrap();
        assert_eq!(migrate(&mut conn, ok).unwrap(), 2);
        let (x, y): (i64, Option<i64>) =
            conn.query_row("SELECT x, y FROM a", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_eq!((x, y), (7, None));
        // Running again is a no-op.
        assert_eq!(migrate(&mut conn, ok).unwrap(), 2);
    }
}
