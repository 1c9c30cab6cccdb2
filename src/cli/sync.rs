//! `sportello sync export | import | conflicts | serve | now`
//! (shared/spec/sync.md): the package of changes between two replicas of an
//! office database, carried by hand (a USB stick) when there is no network,
//! or over the office network (`serve` on the hub, `now` on a device). Thin:
//! the library makes, checks, carries and applies the package.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use sportello::service::{OpenOptions, Service, SyncServer};

use super::{distinct_files, login, print_json, write_outputs, CliError};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: SyncCommand,
}

#[derive(Subcommand)]
enum SyncCommand {
    /// Scrive in un file i cambiamenti che l'altro dispositivo non ha ancora.
    Export {
        /// Il database (cifrato) di questo dispositivo o dell'ufficio.
        #[arg(long, value_name = "PATH")]
        database: PathBuf,
        /// Il dispositivo a cui è destinato (se ne è registrato uno solo, si può omettere).
        #[arg(long, value_name = "NOME")]
        device: Option<String>,
        /// Il file del pacchetto (.sportello); non deve esistere.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Applica un pacchetto ricevuto da un altro dispositivo.
    Import {
        #[arg(long, value_name = "PATH")]
        database: PathBuf,
        /// Il file del pacchetto (.sportello).
        #[arg(long, value_name = "FILE")]
        from: PathBuf,
        /// Risultato in JSON: {applied, already_applied, conflicts, duplicates}.
        #[arg(long)]
        json: bool,
    },
    /// Elenca i conflitti in attesa di una decisione.
    Conflicts {
        #[arg(long, value_name = "PATH")]
        database: PathBuf,
        /// Risultato in JSON: [{id, table, record, field, ours, theirs, device, operator, changed_at}].
        #[arg(long)]
        json: bool,
    },
    /// Serve i dispositivi dell'ufficio in rete (sul database dell'ufficio).
    Serve {
        #[arg(long, value_name = "PATH")]
        database: PathBuf,
        /// Indirizzo e porta di ascolto (HOST:PORTA; porta 0: una libera).
        #[arg(long, value_name = "HOST:PORTA")]
        listen: String,
    },
    /// Sincronizza ora questo dispositivo con l'ufficio (un giro andata e ritorno).
    Now {
        #[arg(long, value_name = "PATH")]
        database: PathBuf,
        /// L'indirizzo del server dell'ufficio: http://HOST:PORTA.
        #[arg(long, value_name = "URL")]
        hub: String,
        /// Risultato in JSON: {sent, at_hub, received, hub_restored}.
        #[arg(long)]
        json: bool,
    },
}

fn open(database: &PathBuf) -> Result<Service, CliError> {
    Service::open_exclusive(OpenOptions {
        database: database.clone(),
        documents_dir: Service::default_documents_dir()?,
        credentials: login::credentials(database)?,
        today: None,
    })
    .map_err(|e| CliError::in_file(database, e))
}

pub fn run(a: Args) -> Result<ExitCode, CliError> {
    match a.command {
        SyncCommand::Export { database, device, out } => {
            distinct_files(&[("--database", &database)], &[("--out", Some(&out))])?;
            let service = open(&database)?;
            let bytes = service.sync_export(device.as_deref())?;
            write_outputs(vec![(&out, bytes.clone())])?;
            println!("Pacchetto scritto in {} ({} byte)", out.display(), bytes.len());
        }
        SyncCommand::Import { database, from, json } => {
            let bytes = std::fs::read(&from).map_err(|e| {
                CliError::in_file(
                    &from,
                    sportello::Error::new(
                        sportello::Code::Io,
                        format!("impossibile leggere il pacchetto: {e}"),
                    ),
                )
            })?;
            let service = open(&database)?;
            let counts = service.sync_import(&bytes).map_err(|e| CliError::in_file(&from, e))?;
            if json {
                print_json(&counts)?;
            } else {
                println!(
                    "Pacchetto applicato: {} cambiamenti applicati, {} già presenti, {} conflitti, {} probabili doppioni",
                    counts.applied, counts.already_applied, counts.conflicts, counts.duplicates
                );
            }
        }
        SyncCommand::Serve { database, listen } => return serve(database, &listen),
        SyncCommand::Now { database, hub, json } => {
            let service = open(&database)?;
            let r = service.sync_now(Some(&hub))?;
            if json {
                print_json(&r)?;
            } else {
                if r.hub_restored {
                    println!(
                        "L'ufficio era stato ripristinato da una copia: i cambiamenti che aveva perso sono stati inviati di nuovo"
                    );
                }
                println!(
                    "Inviati {} cambiamenti (all'ufficio: {} applicati, {} già presenti, {} conflitti, {} probabili doppioni)",
                    r.sent, r.at_hub.applied, r.at_hub.already_applied, r.at_hub.conflicts, r.at_hub.duplicates
                );
                println!(
                    "Ricevuti dall'ufficio: {} applicati, {} già presenti, {} conflitti, {} probabili doppioni",
                    r.received.applied, r.received.already_applied, r.received.conflicts, r.received.duplicates
                );
            }
        }
        SyncCommand::Conflicts { database, json } => {
            let service = open(&database)?;
            let rows = service.sync_conflicts()?;
            if json {
                print_json(&rows)?;
            } else if rows.is_empty() {
                println!("Nessun conflitto in attesa");
            } else {
                println!("{} conflitti in attesa di una decisione:", rows.len());
                for r in &rows {
                    println!(
                        "{} {} campo {}: qui {} — da «{}» {} ({})",
                        r.table,
                        r.record,
                        r.field,
                        r.ours,
                        r.device,
                        r.theirs,
                        r.changed_at.as_deref().unwrap_or("momento non noto")
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `sportello sync serve`: logs in once, then answers devices until stopped
/// (SIGTERM or SIGINT: the exchange in progress ends first; a kill leaves
/// nothing half applied either, each exchange being one transaction).
fn serve(database: PathBuf, listen: &str) -> Result<ExitCode, CliError> {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let addr: std::net::SocketAddr = listen.parse().map_err(|_| {
        sportello::Error::invalid(
            "--listen",
            format!(
                "indirizzo di ascolto non valido: «{listen}» (atteso HOST:PORTA, per esempio 127.0.0.1:7878)"
            ),
        )
    })?;
    // Before any thread exists: every thread then inherits the blocked
    // signals, and only the waiting thread below receives them.
    let signals = stop_signals::block();
    let server = SyncServer::open(OpenOptions {
        database: database.clone(),
        documents_dir: Service::default_documents_dir()?,
        credentials: login::credentials(&database)?,
        today: None,
    })
    .map_err(|e| CliError::in_file(&database, e))?;
    let listener = std::net::TcpListener::bind(addr).map_err(|e| {
        sportello::Error::new(sportello::Code::Io, format!("impossibile mettersi in ascolto su {addr}: {e}"))
    })?;
    let local =
        listener.local_addr().map_err(|e| sportello::Error::new(sportello::Code::Io, e.to_string()))?;
    let stop = Arc::new(AtomicBool::new(false));
    let log: Arc<sportello::service::SyncLog> = Arc::new(|line: String| {
        eprintln!("{} sync serve: {line}", chrono::Local::now().format("%Y-%m-%d %H:%M:%S"));
    });
    if let Some(signals) = signals {
        let (stop, log) = (Arc::clone(&stop), Arc::clone(&log));
        std::thread::spawn(move || {
            let sig = signals.wait();
            log(format!("segnale {sig} ricevuto: arresto dopo lo scambio in corso"));
            stop.store(true, Ordering::SeqCst);
            // Wakes the loop, which checks `stop` before serving.
            let _ = std::net::TcpStream::connect(local);
        });
    }
    println!("Server di sincronizzazione in ascolto su http://{local}");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let server = Arc::new(server);
    Arc::clone(&server).serve(listener, stop, log);
    server.finish();
    eprintln!("sync serve: arrestato");
    Ok(ExitCode::SUCCESS)
}

#[cfg(unix)]
mod stop_signals {
    /// SIGINT and SIGTERM, blocked in this thread (and the threads it starts).
    pub struct Signals(libc::sigset_t);

    pub fn block() -> Option<Signals> {
        // SAFETY: plain libc calls on a sigset_t owned here.
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGINT);
            libc::sigaddset(&mut set, libc::SIGTERM);
            (libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) == 0).then_some(Signals(set))
        }
    }

    impl Signals {
        /// Waits for one of them; its name.
        pub fn wait(&self) -> &'static str {
            let mut sig: libc::c_int = 0;
            // SAFETY: sigwait on the set blocked by `block`.
            unsafe { libc::sigwait(&self.0, &mut sig) };
            if sig == libc::SIGINT {
                "SIGINT"
            } else {
                "SIGTERM"
            }
        }
    }
}

#[cfg(not(unix))]
mod stop_signals {
    pub struct Signals;
    pub fn block() -> Option<Signals> {
        None
    }
    impl Signals {
        pub fn wait(&self) -> &'static str {
            ""
        }
    }
}

/// `sportello device enroll --database HUB --device NAME --operators U1,U2
/// --out DEVICE_DB`: the device's new database with its operators' scope;
/// `sportello device revoke --database HUB --device NAME`: the device's
/// packages are refused from now on.
#[derive(clap::Args)]
pub struct DeviceArgs {
    #[command(subcommand)]
    command: DeviceCommand,
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Iscrive un dispositivo (amministratore): scrive il suo nuovo database
    /// cifrato con i fascicoli dei suoi operatori.
    Enroll {
        /// Il database dell'ufficio (hub).
        #[arg(long, value_name = "PATH")]
        database: PathBuf,
        /// Il nome del dispositivo (unico nell'ufficio).
        #[arg(long, value_name = "NOME")]
        device: String,
        /// Gli operatori del dispositivo, separati da virgole (U1,U2).
        #[arg(long, value_name = "U1,U2", value_delimiter = ',', required = true)]
        operators: Vec<String>,
        /// Il nuovo database del dispositivo; non deve esistere (accanto, il suo file delle chiavi).
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
    /// Revoca un dispositivo: i suoi pacchetti saranno rifiutati.
    Revoke {
        #[arg(long, value_name = "PATH")]
        database: PathBuf,
        #[arg(long, value_name = "NOME")]
        device: String,
    },
    /// I blocchi di numeri di fascicolo dei dispositivi; con --block e
    /// --refill-below (amministratore, alla sede centrale) cambia quanti
    /// numeri ha un blocco e sotto quanti rimasti la sede ne assegna un altro.
    Numbers {
        #[arg(long, value_name = "PATH")]
        database: PathBuf,
        #[arg(long, value_name = "N", requires = "refill_below")]
        block: Option<i64>,
        #[arg(long, value_name = "N", requires = "block")]
        refill_below: Option<i64>,
        /// Risultato in JSON: {block_size, refill_below, hub, blocks: [{device, device_id,
        /// year, first, last, used}]}.
        #[arg(long)]
        json: bool,
    },
}

pub fn device(a: DeviceArgs) -> Result<ExitCode, CliError> {
    match a.command {
        DeviceCommand::Enroll { database, device, operators, out } => {
            distinct_files(&[("--database", &database)], &[("--out", Some(&out))])?;
            let service = open(&database)?;
            let done = service.device_enroll(&device, &operators, &out)?;
            println!(
                "Dispositivo «{device}» iscritto per {}: {} fascicoli nel suo database {}",
                operators.join(", "),
                done.cases,
                out.display()
            );
        }
        DeviceCommand::Revoke { database, device } => {
            let service = open(&database)?;
            service.device_revoke(&device)?;
            println!("Dispositivo «{device}» revocato: i suoi pacchetti saranno rifiutati");
        }
        DeviceCommand::Numbers { database, block, refill_below, json } => {
            let service = open(&database)?;
            let view = match (block, refill_below) {
                (Some(b), Some(r)) => service.case_numbers_set(b, r)?,
                _ => service.case_numbers()?,
            };
            if json {
                print_json(&view)?;
            } else {
                println!(
                    "Blocchi di {} numeri di fascicolo; un nuovo blocco quando ne restano meno di {}.",
                    view.block_size, view.refill_below
                );
                for b in &view.blocks {
                    println!(
                        "{} «{}»: {}/{:06}-{:06}, usati {}, liberi {}",
                        b.year,
                        b.device,
                        b.year,
                        b.first,
                        b.last,
                        b.used,
                        b.last - b.first + 1 - b.used
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
