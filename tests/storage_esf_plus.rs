//! Schema 28: a programme recorded before it (every one a PON Inclusione FSE
//! 2014-2020 project) reads as a 2014-2020 programme; the period is one of the
//! two; the enrolments' new answers start unknown.

#[test]
fn schema_28_makes_the_existing_programmes_2014_2020() {
    use sportello::storage::migrations::{migrate, MIGRATIONS};
    let before = MIGRATIONS.iter().take_while(|m| m.version < 28).count();
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "foreign_keys", "ON").unwrap();
    migrate(&mut conn, &MIGRATIONS[..before]).unwrap();
    conn.execute_batch(
        "INSERT INTO operators (id, username, name, role, created_at)
           VALUES ('o1', 'averdi', 'Anna Verdi', 'coordinatore', '2026-11-20T09:00:00Z');
         INSERT INTO programmes (id, title, fund, programme, convention, cup, start_on, end_on, budget,
           lead_body, target, esf, funded_project_id, created_at, updated_at, created_by, updated_by)
           VALUES ('pr1', 'Traiettorie', 'Fondo Sociale Europeo 2014-2020', 'PON Inclusione', 'AV3-2016-LOM-79',
             '', '2017-01-01', '2019-12-31', NULL, 'Ambito di Sesto San Giovanni', '', 1, NULL, 't', 't', 'o1', 'o1');",
    )
    .unwrap();
    migrate(&mut conn, MIGRATIONS).unwrap();
    let period: String =
        conn.query_row("SELECT esf_period FROM programmes WHERE id = 'pr1'", [], |r| r.get(0)).unwrap();
    assert_eq!(period, "2014-2020");
    assert!(conn.execute("UPDATE programmes SET esf_period = '2028-2034'", []).is_err());
    conn.execute("UPDATE programmes SET esf_period = '2021-2027'", []).unwrap();
    // The enrolments' columns are there, unknown = NULL, only 0 or 1 otherwise.
    let cols: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('enrolments')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(cols.iter().any(|c| c == "third_country_national") && cols.iter().any(|c| c == "minority"));
    assert_eq!(sportello::storage::migrations::check(&conn).unwrap(), Vec::<String>::new());
}
