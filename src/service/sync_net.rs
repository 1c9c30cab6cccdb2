//! Sync over the office network (issue 11, point 5; docs/sync.md
//! "Transport"): the hub's server (`sportello sync serve`), a device's round
//! trip with it ([`Service::sync_now`], `sportello sync now`, the app's
//! `sync_now`) and where a replica stands ([`Service::sync_status`]).
//!
//! One exchange: the device sends its package (sealed for the hub); the hub
//! opens and applies it, then answers with its own package for that device,
//! which names the package it answers (`reply_to`); the device applies it.
//! A refused package is an error answer (`{code, message, field}`) and
//! nothing is applied on either side.
//!
//! On the hub, the server holds the database key in memory and opens the
//! database for each exchange, holding its lock only for that exchange:
//! other commands on the hub's file wait for the exchange to end
//! (`storage::lock`), and the server waits a bounded time for them. Opening
//! per exchange also means a database restored from a backup under the
//! server is the one the next exchange sees.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use super::{Action, Clock, Service};
use crate::calendar::Comuni;
use crate::domain::Role;
use crate::error::{Code, Error};
use crate::keyring::DbKey;
use crate::storage::lock::DatabaseLock;
use crate::storage::sync::{ImportCounts, Peer};
use crate::storage::Storage;
use crate::sync::{self as package};
use crate::sync_http::{self as http, HubAddress, Message};

/// How long a device waits to connect to the hub.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Every read and write of an exchange, on both sides: the hub may wait for
/// its database ([`LOCK_WAIT`]) and then apply a large package.
const SOCKET_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the hub waits for a command that holds its database.
const LOCK_WAIT: Duration = Duration::from_secs(10);
/// Connections served at once; more are answered "busy" at once.
const MAX_CONNECTIONS: usize = 32;

/// What one `sync now` did (`sync now --json`, the app's `sync_now`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Changes (one per saved form or command) this replica sent to the hub.
    pub sent: u64,
    /// What the hub did with them, counted in row changes as `sync import`.
    pub at_hub: ImportCounts,
    /// What the hub sent, and what was done with it here.
    pub received: ImportCounts,
    /// The hub had gone back (restored from a backup): what it had lost of
    /// this replica's changes was sent again.
    pub hub_restored: bool,
}

/// Where this replica stands (the app's frame shows it on every screen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    /// `dispositivo` (syncs with an office hub), `ufficio` (devices sync
    /// with it) or `nessuno` (a database on its own).
    pub role: &'static str,
    /// The hub's name, on a device.
    pub hub: Option<String>,
    /// Where the hub was reached last (`http://HOST:PORT`), on a device.
    pub address: Option<String>,
    /// The last exchange with the hub (on the hub: with any device), RFC 3339 UTC.
    pub last_contact: Option<String>,
    /// Changes made here that the hub has not received yet (on the hub: the
    /// most that any active device has not).
    pub waiting: i64,
    /// Conflicts waiting for a person.
    pub conflicts: i64,
}

fn add(a: &mut ImportCounts, b: ImportCounts) {
    a.applied += b.applied;
    a.already_applied += b.already_applied;
    a.conflicts += b.conflicts;
    a.duplicates += b.duplicates;
}

fn schema_refusal(device: u32, hub: u32) -> Error {
    let who = if device < hub { "sul dispositivo" } else { "sul computer dell'ufficio" };
    package::refused(&format!(
        "il dispositivo usa lo schema {device} del database e l'ufficio lo schema {hub}: aggiornare Sportello \
         {who} prima di sincronizzare"
    ))
}

impl Service {
    /// One round trip with the office hub at `hub` (`http://HOST:PORT`; when
    /// `None`, where it was reached last): this replica's changes go, the
    /// hub's come back. Nothing is read or written before the hub answers
    /// the connection: an unreachable hub is an error that changed nothing.
    pub fn sync_now(&self, hub: Option<&str>) -> Result<SyncReport, Error> {
        self.authorize(Action::SyncExport)?;
        self.authorize(Action::SyncImport)?;
        let Some(peer) = self.store.sync_peers()?.into_iter().find(|p| p.hub) else {
            return Err(Error::new(
                Code::Conflict,
                "Questo database non è un dispositivo collegato a un ufficio: non c'è un ufficio con cui sincronizzarsi",
            ));
        };
        let address = match hub.map(str::trim).filter(|h| !h.is_empty()) {
            Some(h) => HubAddress::parse(h)?,
            None => match &peer.address {
                Some(a) => HubAddress::parse(a)?,
                None => {
                    return Err(Error::invalid(
                        "hub",
                        "L'indirizzo dell'ufficio non è ancora noto: indicarlo (per esempio http://192.168.1.10:7878)",
                    ))
                }
            },
        };
        let ours = crate::storage::migrations::latest();
        let mut report = SyncReport::default();
        // A second round only when the hub asks for it (it went back).
        for _round in 0..2 {
            let stream = address.connect(CONNECT_TIMEOUT)?;
            http::bound(&stream, SOCKET_TIMEOUT).map_err(|e| {
                Error::new(Code::Io, format!("connessione con l'ufficio non utilizzabile: {e}"))
            })?;
            let peer = self.sync_peer_by_id(&peer.device_id)?;
            let (sent_package, sent) = self.sync_seal_for(&peer, None, true)?;
            let answer =
                http::post(stream, &address, &[(http::SCHEMA_HEADER, ours.to_string())], &sent_package)?;
            if answer.status != 200 {
                return Err(http::error_of(&answer));
            }
            if let Some(theirs) = answer.header(http::SCHEMA_HEADER).and_then(|v| v.parse::<u32>().ok()) {
                if theirs != ours {
                    return Err(schema_refusal(ours, theirs));
                }
            }
            let (from, p) = self.sync_open(&answer.body)?;
            if from.device_id != peer.device_id {
                return Err(package::refused("la risposta non viene dall'ufficio di questo dispositivo"));
            }
            if p.manifest.reply_to.as_deref() != Some(package::digest(&sent_package).as_str()) {
                return Err(package::refused(
                    "la risposta dell'ufficio non corrisponde al pacchetto appena inviato (risposta ripetuta?)",
                ));
            }
            let received = self.sync_apply(&from, &p, true, true)?;
            report.hub_restored |= received.hub_went_back;
            add(&mut report.received, received);
            match answer.header(http::RESULT_HEADER) {
                Some("resend") => {
                    report.hub_restored = true;
                    continue;
                }
                Some(json) => {
                    let at_hub: HubCounts = serde_json::from_str(json).map_err(|_| {
                        Error::new(
                            Code::Io,
                            "L'ufficio ha dato una risposta non valida (esito dell'importazione)",
                        )
                    })?;
                    report.sent += sent as u64;
                    add(&mut report.at_hub, at_hub.into());
                    self.store.sync_set_address(&peer.device_id, &address.url())?;
                    return Ok(report);
                }
                None => {
                    return Err(Error::new(
                        Code::Io,
                        "L'ufficio ha dato una risposta non valida (esito mancante)",
                    ))
                }
            }
        }
        Err(Error::new(
            Code::Conflict,
            "L'ufficio non ha accettato i cambiamenti inviati di nuovo: riprovare; se si ripete, avvisare l'amministratore",
        ))
    }

    /// Where this replica stands: last contact, changes waiting, conflicts.
    pub fn sync_status(&self) -> Result<SyncStatus, Error> {
        let peers = self.store.sync_peers()?;
        let conflicts = self.store.sync_open_conflicts()?;
        if let Some(hub) = peers.iter().find(|p| p.hub) {
            return Ok(SyncStatus {
                role: "dispositivo",
                hub: Some(hub.name.clone()),
                address: hub.address.clone(),
                last_contact: hub.last_contact.clone(),
                waiting: self.store.sync_waiting(hub)?,
                conflicts,
            });
        }
        let devices: Vec<&Peer> = peers.iter().filter(|p| p.revoked_at.is_none()).collect();
        let mut waiting = 0;
        for d in &devices {
            waiting = waiting.max(self.store.sync_waiting(d)?);
        }
        Ok(SyncStatus {
            role: if devices.is_empty() { "nessuno" } else { "ufficio" },
            hub: None,
            address: None,
            last_contact: devices.iter().filter_map(|d| d.last_contact.clone()).max(),
            waiting,
            conflicts,
        })
    }

    fn sync_peer_by_id(&self, id: &str) -> Result<Peer, Error> {
        self.store
            .sync_peers()?
            .into_iter()
            .find(|p| p.device_id == id)
            .ok_or_else(|| Error::not_found("Dispositivo non registrato"))
    }

    /// The hub's side of one exchange: applies the device's package (or, when
    /// it starts after what the hub has, because the hub went back, asks for
    /// it again: `None`) and seals the hub's answer for that device.
    fn sync_answer(&self, body: &[u8]) -> Result<(Peer, Option<ImportCounts>, Vec<u8>, usize), Error> {
        let (peer, p) = self.sync_open(body)?;
        // A package starting after what this hub has, or the first one of
        // this device since the hub was restored from a backup, is not
        // applied: the device is asked to send again from what the hub has
        // (having seen in this answer that the hub went back, it sends its
        // own changes and the hub's lost ones it holds, in their order).
        let restored = self.store.sync_resend_after_restore(&peer.device_id, true)?;
        let applied = if p.manifest.base > peer.received_seq || restored {
            // The blocks of case numbers it reports are recorded now: this
            // hub lost those it granted after its backup, and its answer
            // refills them.
            let stamp = crate::storage::Stamp { at: super::timestamp(self.clock), by: self.operator.id };
            self.store.sync_record_blocks(&peer.device_id, &p.manifest.blocks, &stamp)?;
            None
        } else {
            Some(self.sync_apply(&peer, &p, false, true)?)
        };
        let peer = self.sync_peer_by_id(&peer.device_id)?;
        let (answer, sent) = self.sync_seal_for(&peer, Some(package::digest(body)), true)?;
        Ok((peer, applied, answer, sent))
    }
}

/// The hub's counts as they travel (the header of the answer).
#[derive(serde::Deserialize)]
struct HubCounts {
    applied: u64,
    already_applied: u64,
    conflicts: u64,
    duplicates: u64,
}

impl From<HubCounts> for ImportCounts {
    fn from(c: HubCounts) -> Self {
        ImportCounts {
            applied: c.applied,
            already_applied: c.already_applied,
            conflicts: c.conflicts,
            duplicates: c.duplicates,
            hub_went_back: false,
        }
    }
}

/// The office hub's sync server: the database, its key and who started it.
pub struct SyncServer {
    database: PathBuf,
    documents_dir: PathBuf,
    key: DbKey,
    username: String,
    clock: Clock,
    comuni: Comuni,
    /// One exchange at a time in this process (the lock file orders the others).
    exchange: Mutex<()>,
    connections: AtomicUsize,
}

/// One line of the server's log (standard error of `sync serve`).
pub type SyncLog = dyn Fn(String) + Send + Sync;

impl SyncServer {
    /// Logs in once (the login row, the migrations, the day's backup) as a
    /// coordinatore or amministratore of the office's database, keeps the
    /// key, and lets go of the database until the first exchange.
    pub fn open(o: super::OpenOptions) -> Result<SyncServer, Error> {
        let s = Service::open_exclusive(o.clone())?;
        if !matches!(s.operator.role, Role::Coordinatore | Role::Amministratore) {
            return Err(Error::new(
                Code::Forbidden,
                "Il server di sincronizzazione dell'ufficio si avvia come coordinatore o amministratore",
            ));
        }
        if s.store.sync_peers()?.iter().any(|p| p.hub) {
            return Err(Error::new(
                Code::Conflict,
                "Questo database è un dispositivo collegato a un ufficio: il server di sincronizzazione si avvia \
                 sul database dell'ufficio",
            ));
        }
        Ok(SyncServer {
            database: o.database.clone(),
            documents_dir: o.documents_dir.clone(),
            key: s.key(),
            username: s.operator.username.clone(),
            clock: s.clock,
            comuni: s.comuni.clone(),
            exchange: Mutex::new(()),
            connections: AtomicUsize::new(0),
        })
    }

    /// The service for one exchange: the lock (waiting at most
    /// [`LOCK_WAIT`] for a command that holds it), the database opened with
    /// the key in hand, the account checked again (it may have been revoked).
    fn session(&self) -> Result<Service, Error> {
        let lock = DatabaseLock::acquire_for_exchange(&self.database, LOCK_WAIT).map_err(|e| {
            if e.code == Code::Conflict {
                Error::new(
                    Code::Locked,
                    "L'ufficio è occupato: il suo database è aperto da un altro programma. Riprovare tra poco",
                )
            } else {
                e
            }
        })?;
        let store = Storage::open_for_exchange(&self.database, &self.key)?;
        let operator = store.transaction(|tx| tx.operator_by_username_any(&self.username))?;
        let Some((operator, true)) = operator else {
            return Err(Error::new(
                Code::Unauthorized,
                "L'account che ha avviato il server di sincronizzazione non è più attivo: riavviare il server",
            ));
        };
        Ok(Service {
            store,
            _lock: Some(lock),
            documents_dir: self.documents_dir.clone(),
            operator,
            clock: self.clock,
            comuni: self.comuni.clone(),
            key: std::sync::RwLock::new(self.key.duplicate()),
            must_change_password: false,
            viewing: super::viewing::ViewingArea::for_database(&self.database),
        })
    }

    /// Answers one request: the answer (status, headers, body) and the line
    /// of the log.
    pub fn answer(&self, request: &Message) -> (u16, Vec<(&'static str, String)>, Vec<u8>, String) {
        let ours = crate::storage::migrations::latest();
        let refuse = |status: u16, e: &Error| {
            (status, vec![(http::SCHEMA_HEADER, ours.to_string())], http::error_body(e), e.message.clone())
        };
        if request.path != http::PATH {
            return refuse(404, &Error::not_found("Indirizzo sconosciuto al server di sincronizzazione"));
        }
        if request.method != "POST" {
            return refuse(405, &Error::invalid("method", "Il server di sincronizzazione accetta solo POST"));
        }
        match request.header(http::SCHEMA_HEADER).map(|v| v.parse::<u32>()) {
            Some(Ok(v)) if v == ours => {}
            Some(Ok(v)) => return refuse(426, &schema_refusal(v, ours)),
            _ => {
                return refuse(
                    400,
                    &package::refused(
                        "manca la versione dello schema del dispositivo (intestazione X-Sportello-Schema)",
                    ),
                )
            }
        }
        let _one = self.exchange.lock().unwrap_or_else(|e| e.into_inner());
        let outcome = self.session().and_then(|s| s.sync_answer(&request.body));
        match outcome {
            Ok((peer, applied, package, sent)) => {
                let (result, line) = match applied {
                    Some(c) => (
                        serde_json::to_string(&c).unwrap_or_default(),
                        format!(
                            "«{}»: applicati {}, già presenti {}, conflitti {}, probabili doppioni {}; inviati {} cambiamenti ({} byte)",
                            peer.name, c.applied, c.already_applied, c.conflicts, c.duplicates, sent, package.len()
                        ),
                    ),
                    None => (
                        "resend".to_string(),
                        format!(
                            "«{}»: il pacchetto parte da cambiamenti che l'ufficio non ha più (ripristino da una copia?): \
                             chiesto di inviarli di nuovo; inviati {} cambiamenti",
                            peer.name, sent
                        ),
                    ),
                };
                let headers = vec![(http::SCHEMA_HEADER, ours.to_string()), (http::RESULT_HEADER, result)];
                (200, headers, package, line)
            }
            Err(e) => {
                let status = if e.code == Code::Locked { 503 } else { http::status_of(e.code) };
                let (status, headers, body, _) = refuse(status, &e);
                (status, headers, body, format!("rifiutato: {}", e.message))
            }
        }
    }

    /// Serves devices on `listener` until `stop` is set (checked between
    /// connections: whoever sets it then connects once to wake the loop).
    /// Each connection is served on its own thread, bounded by timeouts; a
    /// failure (or a panic) of one never stops the server.
    pub fn serve(self: Arc<Self>, listener: TcpListener, stop: Arc<AtomicBool>, log: Arc<SyncLog>) {
        for conn in listener.incoming() {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            let stream = match conn {
                Ok(s) => s,
                Err(e) => {
                    log(format!("connessione non accettata: {e}"));
                    // A descriptor shortage passes; do not spin on it.
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                }
            };
            if self.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                self.connections.fetch_sub(1, Ordering::SeqCst);
                let _ = http::bound(&stream, Duration::from_secs(2));
                let e = Error::new(Code::Locked, "L'ufficio è occupato: riprovare tra poco");
                let _ = http::respond(&mut &stream, 503, "application/json", &[], &http::error_body(&e));
                continue;
            }
            let server = Arc::clone(&self);
            let log_line = Arc::clone(&log);
            let spawned = std::thread::Builder::new().name("sync-exchange".into()).spawn(move || {
                let peer = stream.peer_addr().map(|a| a.to_string()).unwrap_or_default();
                let line =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.connection(stream)))
                        .unwrap_or_else(|_| {
                            "errore interno durante lo scambio (scambio annullato)".to_string()
                        });
                server.connections.fetch_sub(1, Ordering::SeqCst);
                log_line(format!("{peer} {line}"));
            });
            if let Err(e) = spawned {
                self.connections.fetch_sub(1, Ordering::SeqCst);
                log(format!("connessione non servita: {e}"));
            }
        }
    }

    /// Waits for the exchange in progress, if any, to end (a graceful stop).
    pub fn finish(&self) {
        drop(self.exchange.lock().unwrap_or_else(|e| e.into_inner()));
    }

    /// One connection: one request read (bounded), one answer written.
    fn connection(&self, stream: TcpStream) -> String {
        if let Err(e) = http::bound(&stream, SOCKET_TIMEOUT) {
            return format!("connessione non utilizzabile: {e}");
        }
        let mut reader = std::io::BufReader::new(&stream);
        let request = match http::read_message(&mut reader, true) {
            Ok(r) => r,
            Err(http::ReadError::Io(e)) => return format!("richiesta interrotta: {e}"),
            Err(http::ReadError::Bad(why)) => {
                let e = Error::invalid("request", format!("Richiesta non valida: {why}"));
                let status = if why.contains("limite") { 413 } else { 400 };
                let _ = http::respond(&mut &stream, status, "application/json", &[], &http::error_body(&e));
                return format!("rifiutato: {}", e.message);
            }
        };
        let (status, headers, body, line) = self.answer(&request);
        let kind = if status == 200 { "application/octet-stream" } else { "application/json" };
        let headers: Vec<(&str, String)> = headers.into_iter().collect();
        match http::respond(&mut &stream, status, kind, &headers, &body) {
            Ok(()) => line,
            Err(e) => format!("{line} (risposta non consegnata: {e})"),
        }
    }
}
