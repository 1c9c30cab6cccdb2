//! Sync (issue 11, "Speed"): two goals.
//!
//! (a) A device that changed 500 households syncs with a hub of 100,000
//!     members in ≤ 2 s end to end: `Service::sync_now` against a hub served
//!     on 127.0.0.1 by `SyncServer` (the code of `sportello sync serve`), so
//!     the time is the device's export, the HTTP round trip, the hub opening
//!     its database and applying the package, the hub's answer and the
//!     device applying it. The package's size is printed.
//! (b) A hub applies a package of 10,000 row changes within 3× of inserting
//!     the same rows with plain SQL in one transaction (prepared INSERTs on
//!     a connection to a copy of the same encrypted hub, same pragmas). The
//!     package's rows are new households and their members made on a device.
//!
//! `cargo bench -p sportello --bench sync`: criterion's report, then the
//! figures against the goals.
//!
//! Quick mode (`SPORTELLO_BENCH_QUICK=1`, see `support/quick.rs`): (a) with
//! 50 then 500 changed households on a hub of 10,000 members, (b) packages
//! of about 1,000 then 10,000 rows; applying is row by row, so ten times the
//! rows must cost about ten times (limit 25×: a lookup gone to a scan of the
//! table for each row is 100× and more). The ratio to plain SQL is printed,
//! not judged, in quick mode: in a debug build the library runs at
//! opt-level 0 and SQLite optimised, which says nothing about the goal.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{criterion_group, Criterion, SamplingMode};
use rusqlite::types::Value;
use serde_json::json;
use sportello::domain::Id;
use sportello::service::{Credentials, OpenOptions, Service, SyncServer};

#[path = "support/population.rs"]
mod population;

use population::Population;

#[path = "support/quick.rs"]
mod quick;

const USER: &str = "bench";
const PASSWORD: &str = "password del benchmark";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).expect("date")
}

fn create(db: &Path) -> Service {
    let (service, _) = Service::create(sportello::service::NewDatabase {
        database: db.to_path_buf(),
        documents_dir: db.with_file_name("docs"),
        username: USER.into(),
        name: "Benchmark".into(),
        password: PASSWORD.to_string().into(),
        today: Some(today()),
        kdf: sportello::keyring::KdfParams::for_tests(),
    })
    .expect("create");
    service
}

fn options(db: &Path) -> OpenOptions {
    OpenOptions {
        database: db.to_path_buf(),
        documents_dir: db.with_file_name("docs"),
        credentials: Credentials::password(USER, PASSWORD),
        today: Some(today()),
    }
}

fn open(db: &Path) -> Service {
    Service::open_with(options(db)).expect("login")
}

/// A plain connection to an encrypted database of the bench (the key from
/// the keys file, as the service gets it).
fn raw(db: &Path) -> rusqlite::Connection {
    let key = Service::database_key(db, &Credentials::password(USER, PASSWORD)).expect("key");
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.execute_batch(&format!(
        "PRAGMA key = \"{}\"; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        &*key.sqlcipher_literal()
    ))
    .expect("key");
    conn
}

fn copy_database(from: &Path, to: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    std::fs::copy(from, to).expect("copy");
    std::fs::copy(sportello::keyring::Keyring::path_for(from), sportello::keyring::Keyring::path_for(to))
        .expect("copy keys");
}

// --- (a) a device's round trip with a large hub ---------------------------------

/// A hub of `members` members served on 127.0.0.1 and a device copied from it.
struct Office {
    _dir: tempfile::TempDir,
    device: Service,
    url: String,
    households: Vec<Id>,
    round: usize,
}

impl Office {
    fn new(members: usize) -> Office {
        let dir = tempfile::tempdir().expect("temp dir");
        let hub_db = dir.path().join("ufficio.sqlite");
        let device_db = dir.path().join("portatile.sqlite");
        {
            let hub = create(&hub_db);
            let t = Instant::now();
            Population::default().grow(&hub, today(), members);
            eprintln!("ufficio: {members} persone scritte in {:.1} s", t.elapsed().as_secs_f64());
            hub.sync_copy_replica(&device_db, "portatile").expect("replica");
        }
        let server = Arc::new(SyncServer::open(options(&hub_db)).expect("server"));
        let listener = TcpListener::bind("127.0.0.1:0").expect("listen");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        std::thread::spawn(move || {
            server.serve(listener, Arc::new(AtomicBool::new(false)), Arc::new(|_| {}))
        });
        let households = {
            let conn = raw(&device_db);
            let mut stmt = conn.prepare("SELECT id FROM households ORDER BY id").expect("select");
            let ids = stmt.query_map([], |r| r.get::<_, String>(0)).expect("ids");
            ids.map(|id| Id::parse("id", &id.expect("id")).expect("uuid")).collect()
        };
        Office { device: open(&device_db), url, households, round: 0, _dir: dir }
    }

    /// Changes `n` households on the device, as the form saves them.
    fn change(&mut self, n: usize) {
        self.round += 1;
        for id in self.households.iter().take(n) {
            let mut v = serde_json::to_value(self.device.household_get(*id).expect("get")).expect("json");
            v["notes"] = json!(format!("Visita a domicilio, giro {}", self.round));
            self.device.call("household_save", json!({ "household": v })).expect("save");
        }
    }

    /// The size of the package the device would send now.
    fn package_size(&self) -> usize {
        self.device.sync_export(None).expect("export").len()
    }

    fn sync(&self, changed: usize) -> Duration {
        let t = Instant::now();
        let r = self.device.sync_now(Some(&self.url)).expect("sync");
        let took = t.elapsed();
        assert_eq!(r.at_hub.applied as usize, changed, "{r:?}");
        took
    }
}

// --- (b) a hub applying 10,000 row changes ---------------------------------------

/// A pristine hub, the package of a device that took in charge new
/// households, and the same rows to insert with plain SQL.
struct Apply {
    dir: tempfile::TempDir,
    hub: PathBuf,
    package: Vec<u8>,
    rows: Vec<(String, Vec<String>, Vec<Vec<Value>>)>,
    row_count: usize,
}

impl Apply {
    /// New households on a device until about `target` rows (households and members).
    fn new(target: usize) -> Apply {
        let dir = tempfile::tempdir().expect("temp dir");
        let hub = dir.path().join("ufficio.sqlite");
        let device_db = dir.path().join("portatile.sqlite");
        create(&hub).sync_copy_replica(&device_db, "portatile").expect("replica");
        let device = open(&device_db);
        // Households of one to five: about three members each, so rows ≈ members × 4/3.
        Population::default().grow(&device, today(), target * 3 / 4);
        let package = device.sync_export(None).expect("export");
        drop(device);
        let conn = raw(&device_db);
        let mut rows = Vec::new();
        let mut row_count = 0;
        for table in ["households", "members"] {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).expect("select");
            let cols: Vec<String> = stmt.column_names().map(String::from).collect();
            let n = cols.len();
            let data: Vec<Vec<Value>> = stmt
                .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
                .expect("rows")
                .collect::<Result<_, _>>()
                .expect("rows");
            row_count += data.len();
            rows.push((table.to_string(), cols, data));
        }
        Apply { dir, hub, package, rows, row_count }
    }

    fn fresh_hub(&self, name: &str) -> PathBuf {
        let db = self.dir.path().join(name);
        copy_database(&self.hub, &db);
        db
    }

    /// The package applied by the hub (`sync import`), timed alone.
    fn import(&self) -> Duration {
        let db = self.fresh_hub("import.sqlite");
        let hub = open(&db);
        let t = Instant::now();
        let counts = hub.sync_import(&self.package).expect("import");
        let took = t.elapsed();
        assert_eq!(counts.applied as usize, self.row_count, "{counts:?}");
        took
    }

    /// The same rows inserted with plain SQL in one transaction.
    fn plain(&self) -> Duration {
        let db = self.fresh_hub("sql.sqlite");
        let mut conn = raw(&db);
        let t = Instant::now();
        let tx = conn.transaction().expect("tx");
        for (table, cols, data) in &self.rows {
            let marks = vec!["?"; cols.len()].join(", ");
            let names: Vec<String> = cols.iter().map(|c| format!("\"{c}\"")).collect();
            let mut stmt = tx
                .prepare(&format!("INSERT INTO {table} ({}) VALUES ({marks})", names.join(", ")))
                .expect("insert");
            for row in data {
                stmt.execute(rusqlite::params_from_iter(row.iter())).expect("row");
            }
        }
        tx.commit().expect("commit");
        t.elapsed()
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn bench_sync(c: &mut Criterion) {
    let mut office = Office::new(population::MEMBERS);
    let mut group = c.benchmark_group("sync");
    group.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("device_500_households_hub_100k", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    office.change(500);
                    office.sync(500)
                })
                .sum()
        })
    });
    let apply = Apply::new(10_000);
    group.bench_function("hub_applies_10k_rows", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| apply.import()).sum())
    });
    group.bench_function("plain_sql_10k_rows", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| apply.plain()).sum())
    });
    group.finish();

    // The goals, measured directly.
    office.change(500);
    let size = office.package_size();
    let times: Vec<Duration> = (0..5)
        .map(|i| {
            if i > 0 {
                office.change(500);
            }
            office.sync(500)
        })
        .collect();
    eprintln!(
        "\n(a) 500 nuclei cambiati su un dispositivo, ufficio di {} persone: sincronizzazione completa \
         (export, rete, import, risposta) mediana {:.0} ms, migliore {:.0} ms (obiettivo ≤ 2000 ms); \
         pacchetto {} byte ({:.1} KiB)",
        population::MEMBERS,
        ms(median(times.clone())),
        ms(*times.iter().min().expect("runs")),
        size,
        size as f64 / 1024.0
    );
    let imports: Vec<Duration> = (0..5).map(|_| apply.import()).collect();
    let plains: Vec<Duration> = (0..5).map(|_| apply.plain()).collect();
    let (imp, pl) = (median(imports), median(plains));
    eprintln!(
        "(b) pacchetto di {} righe ({} byte): applicato dall'ufficio in {:.0} ms, le stesse righe con SQL \
         semplice in una transazione {:.0} ms: rapporto {:.2}× (obiettivo ≤ 3×)",
        apply.row_count,
        apply.package.len(),
        ms(imp),
        ms(pl),
        imp.as_secs_f64() / pl.as_secs_f64()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = bench_sync
}

/// Ten times the work over the smaller size; linear is 10×, less with the
/// fixed costs of an exchange (connections, opening the hub's database).
const MAX_GROWTH: f64 = 25.0;
const QUICK_REPS: usize = 3;

fn quick_check() -> ExitCode {
    let mut checks = quick::Checks::new("sincronizzazione (sync_now, applicazione di un pacchetto)");
    let mut office = Office::new(10_000);
    let mut times = Vec::new();
    for n in [50, 500] {
        let best = (0..QUICK_REPS)
            .map(|_| {
                office.change(n);
                office.sync(n)
            })
            .min()
            .expect("runs");
        checks.figure(&format!("sync di {n} nuclei cambiati (ufficio di 10.000)"), quick::ms(best));
        times.push(best);
    }
    checks.ratio("500 nuclei rispetto a 50", quick::Timed::Done(times[1]), times[0], MAX_GROWTH);

    let small = Apply::new(1_000);
    let large = Apply::new(10_000);
    let t_small = (0..QUICK_REPS).map(|_| small.import()).min().expect("runs");
    let t_large = (0..QUICK_REPS).map(|_| large.import()).min().expect("runs");
    let plain = (0..QUICK_REPS).map(|_| large.plain()).min().expect("runs");
    checks.figure(&format!("pacchetto di {} righe applicato", small.row_count), quick::ms(t_small));
    checks.figure(&format!("pacchetto di {} righe applicato", large.row_count), quick::ms(t_large));
    checks.figure(
        "stesse righe con SQL semplice (non giudicato)",
        format!("{} ({:.1}×)", quick::ms(plain), t_large.as_secs_f64() / plain.as_secs_f64()),
    );
    let ratio_rows = large.row_count as f64 / small.row_count as f64;
    checks.ratio(
        &format!("{} righe rispetto a {} ({ratio_rows:.1}× le righe)", large.row_count, small.row_count),
        quick::Timed::Done(t_large),
        t_small,
        MAX_GROWTH,
    );
    checks.finish()
}

fn main() -> ExitCode {
    // No automatic daily backup at every login of the bench's databases.
    std::env::set_var("SPORTELLO_BACKUP_KEEP", "0");
    quick::main(quick_check, benches)
}
