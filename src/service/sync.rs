//! Sync between replicas, the service's half (docs/sync.md): making and
//! reading packages, with the acting operator's role and the audit log.
//!
//! [`Service::device_enroll`] makes an enrolled device's database with its
//! operators' scope; [`Service::sync_copy_replica`] a second replica as a
//! whole copy (no scope), which the tests of packages use.
//!
//! Also here: the hub's grants of case-number blocks (made as the package
//! for a device is made, so the package carries them), the travel of a
//! device's audit chain to its hub, and the audit row of a package refused
//! because its device is unknown or revoked (the one place for it: the
//! network transport goes through [`Service::sync_import`] too).
//!
//! The network transport is in `sync_net.rs`.

use std::path::Path;

use chrono::Datelike;

use super::{timestamp, Action, Service};
use crate::domain::Id;
use crate::domain::StrEnum;
use crate::error::{Code, Error};
use crate::storage::case_numbers::{BlockPolicy, BlockRow};
use crate::storage::sync::{Choice, ConflictRow, ConflictView, ImportCounts, ManifestParts, Peer};
use crate::storage::{Enrolled, NewDevice, Stamp, Storage};
use crate::sync::{self as package, DeviceKeys, Manifest};

/// The case numbers of the office as this replica knows them (`sportello
/// device numbers`): the office's block size and refill threshold, and every
/// block granted, with how many of its numbers were used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CaseNumbers {
    pub block_size: i64,
    pub refill_below: i64,
    /// This replica is the office's hub (the one that grants blocks).
    pub hub: bool,
    pub blocks: Vec<BlockRow>,
}

impl Service {
    /// The office's case-number blocks and their setting.
    pub fn case_numbers(&self) -> Result<CaseNumbers, Error> {
        self.run(Action::CaseNumbers, None, |tx, _| {
            let p = tx.case_block_policy()?;
            Ok(CaseNumbers {
                block_size: p.block_size,
                refill_below: p.refill_below,
                hub: tx.sync_is_hub()?,
                blocks: tx.case_blocks()?,
            })
        })
    }

    /// Changes how many numbers a block holds and below how many left the hub
    /// grants the next (amministratore, at the hub: the setting travels to
    /// the devices with the office's row, where it has no use).
    pub fn case_numbers_set(&self, block_size: i64, refill_below: i64) -> Result<CaseNumbers, Error> {
        if !(10..=100_000).contains(&block_size) {
            return Err(Error::invalid("block_size", "Un blocco va da 10 a 100.000 numeri"));
        }
        if refill_below < 1 || refill_below > block_size {
            return Err(Error::invalid(
                "refill_below",
                "La soglia di rinnovo va da 1 alla dimensione del blocco",
            ));
        }
        self.run(Action::CaseNumbersSet, None, |tx, _| {
            if !tx.sync_is_hub()? {
                return Err(Error::new(
                    Code::Conflict,
                    "I blocchi di numeri si impostano alla sede centrale, che li assegna",
                ));
            }
            tx.case_block_policy_set(&BlockPolicy { block_size, refill_below })
        })?;
        self.case_numbers()
    }

    /// At the hub, the exchange with a device (its package applied here, a
    /// package made for it) is the coordinatore's or the amministratore's
    /// (shared/spec/sync.md, "Command line"): it moves the work of every
    /// équipe. On a device, any of its operators syncs with the hub, which
    /// the command table's `ALL` already says.
    fn authorize_at_hub(&self, action: Action) -> Result<(), Error> {
        if self.operator.role >= crate::domain::Role::Coordinatore {
            return Ok(());
        }
        Err(Error::new(
            Code::Forbidden,
            format!(
                "Operazione non consentita: alla sede centrale la {} con un dispositivo spetta al ruolo coordinatore o amministratore (ruolo attuale: {})",
                action.label(),
                self.operator.role.label()
            ),
        ))
    }

    /// The package of this replica's changes that the replica `device` (by
    /// name; with one peer, it may be left out) has not acknowledged yet.
    pub fn sync_export(&self, device: Option<&str>) -> Result<Vec<u8>, Error> {
        // The export reads families' data: on record before anything is read.
        self.run(Action::SyncExport, None, |_, _| Ok(()))?;
        let peer = self.sync_peer(device)?;
        Ok(self.sync_seal_for(&peer, None, false)?.0)
    }

    /// The package of this replica's changes for `peer` and how many changes
    /// it carries. `reply_to`: the digest of the package it answers (the
    /// hub's answer on the network). `on_record`: the audit row of the export
    /// is written here, when the package carries a change (the caller has
    /// written it otherwise).
    pub(super) fn sync_seal_for(
        &self,
        peer: &Peer,
        reply_to: Option<String>,
        on_record: bool,
    ) -> Result<(Vec<u8>, usize), Error> {
        self.authorize(Action::SyncExport)?;
        if !peer.hub {
            self.authorize_at_hub(Action::SyncExport)?;
        }
        if !peer.hub {
            // At the hub, every package for a device refills its case
            // numbers when they run low (nothing on a device: only the hub
            // grants). The grant is a change of its own, carried below.
            let year = self.today().year();
            let stamp = Stamp { at: timestamp(self.clock), by: self.operator.id };
            self.store.transaction(|tx| {
                tx.note_stamp(&stamp);
                tx.case_blocks_refill(&peer.device_id, year, &stamp.at)
            })?;
        }
        let me = self.store.sync_identity()?;
        let out = self.store.sync_outgoing(&peer.device_id)?;
        if on_record && !out.entries.is_empty() {
            let detail = format!("pacchetto per «{}», {} cambiamenti", peer.name, out.entries.len());
            self.store.transaction(|tx| {
                tx.audit_append(
                    &Stamp { at: timestamp(self.clock), by: self.operator.id },
                    Action::SyncExport.as_str(),
                    None,
                    Some(&detail),
                )
            })?;
        }
        let manifest = Manifest {
            format: package::FORMAT,
            device: me.device_id.clone(),
            device_name: me.name.clone(),
            receiver: peer.device_id.clone(),
            schema_version: crate::storage::migrations::latest(),
            base: out.base,
            seq: out.seq,
            ack: out.ack,
            created_at: timestamp(self.clock),
            reply_to,
            audit: self.store.sync_audit_outgoing(&peer.device_id)?,
            audit_ack: self.store.sync_audit_ack(&peer.device_id)?,
            blocks: self.store.sync_blocks_outgoing(&peer.device_id)?,
            ..Manifest::default()
        };
        let keys = DeviceKeys { sign_secret: me.sign_secret, box_secret: me.box_secret };
        let mut ephemeral = zeroize::Zeroizing::new([0u8; 32]);
        let mut nonce = [0u8; 24];
        for buf in [&mut ephemeral[..], &mut nonce[..]] {
            getrandom::getrandom(buf).map_err(|e| {
                Error::new(Code::Internal, format!("generatore casuale non disponibile: {e}"))
            })?;
        }
        let sealed = package::seal(&manifest, &out.entries, &keys, &peer.box_public, ephemeral, nonce)?;
        Ok((sealed, out.entries.len()))
    }

    /// Applies a package from another replica: refused whole (nothing
    /// applied) when it is not for this replica, not from a registered one,
    /// altered, of another schema, or reuses a change number with another
    /// content; otherwise applied in one transaction, field by field.
    pub fn sync_import(&self, bytes: &[u8]) -> Result<ImportCounts, Error> {
        let (peer, p) = self.sync_open(bytes)?;
        self.sync_apply(&peer, &p, false, false)
    }

    /// Opens and checks a package (see [`Service::sync_import`]). A package
    /// of an unknown or revoked device is refused and that refusal is on
    /// record here (committed alone): who tried to send what.
    pub(super) fn sync_open(&self, bytes: &[u8]) -> Result<(Peer, package::Package), Error> {
        self.authorize(Action::SyncImport)?;
        let head = package::header(bytes)?;
        let me = self.store.sync_identity()?;
        let peer = self.store.sync_peers()?.into_iter().find(|p| p.device_id == head.sender.to_string());
        // A package from a device unknown here or revoked is refused, and the
        // attempt is on record (a lost laptop trying to sync is news for the
        // office), in a row committed alone; nothing of the package is read.
        let peer = match peer {
            Some(p) if p.revoked_at.is_none() => p,
            other => {
                let why = match &other {
                    Some(p) => format!("il dispositivo «{}» è stato revocato", p.name),
                    None => "il dispositivo mittente non è registrato qui".to_string(),
                };
                let detail = match &other {
                    Some(p) => format!(
                        "rifiutato: pacchetto del dispositivo revocato «{}» ({})",
                        p.name, p.device_id
                    ),
                    None => format!("rifiutato: pacchetto di un dispositivo sconosciuto ({})", head.sender),
                };
                let stamp = Stamp { at: timestamp(self.clock), by: self.operator.id };
                self.store.transaction(|tx| {
                    tx.audit_append(
                        &stamp,
                        crate::domain::StrEnum::as_str(Action::SyncImport),
                        None,
                        Some(&detail),
                    )
                })?;
                return Err(package::refused(&why));
            }
        };
        if !peer.hub {
            // A device's package, applied here at the hub.
            self.authorize_at_hub(Action::SyncImport)?;
        }
        let keys = DeviceKeys { sign_secret: me.sign_secret, box_secret: me.box_secret };
        let p = package::open(bytes, &keys, &me.device_id, &peer.sign_public)?;
        let ours = crate::storage::migrations::latest();
        if p.manifest.schema_version != ours {
            let who = if p.manifest.schema_version < ours { "il mittente" } else { "questo dispositivo" };
            return Err(package::refused(&format!(
                "il pacchetto è dello schema {} e questo database dello schema {ours}: aggiornare Sportello ({who})",
                p.manifest.schema_version
            )));
        }
        Ok((peer, p))
    }

    /// Applies a package opened by [`Service::sync_open`]. `fresh`: the hub's
    /// answer to this replica's package on the network (docs/sync.md, the
    /// hub restored from a backup). `quiet`: a package with no change leaves
    /// no audit row (the exchanges every few seconds of a desk).
    pub(super) fn sync_apply(
        &self,
        peer: &Peer,
        p: &package::Package,
        fresh: bool,
        quiet: bool,
    ) -> Result<ImportCounts, Error> {
        let stamp = Stamp { at: timestamp(self.clock), by: self.operator.id };
        let detail =
            format!("pacchetto di «{}», cambiamenti {}-{}", peer.name, p.manifest.base + 1, p.manifest.seq);
        let audit =
            (!(quiet && p.entries.is_empty())).then_some((Action::SyncImport.as_str(), detail.as_str()));
        // The audit row goes in the import's own transaction: a refused
        // package leaves neither changes nor a row.
        self.store.sync_apply(
            &peer.device_id,
            p.manifest.base,
            p.manifest.seq,
            p.manifest.ack,
            &p.entries,
            fresh,
            &stamp,
            audit,
            ManifestParts {
                audit: &p.manifest.audit,
                audit_ack: p.manifest.audit_ack,
                blocks: &p.manifest.blocks,
            },
        )
    }

    /// The conflicts waiting for a person, oldest first.
    pub fn sync_conflicts(&self) -> Result<Vec<ConflictRow>, Error> {
        self.run(Action::SyncConflicts, None, |_, _| Ok(()))?;
        self.store.sync_conflicts()
    }

    /// The conflicts as the "Conflitti" screen shows them (coordinatore,
    /// amministratore): the open ones, or all (`resolved`), of one case or of
    /// every case, each with the value standing now and the case it is about.
    pub fn sync_conflicts_list(
        &self,
        household: Option<Id>,
        resolved: bool,
    ) -> Result<Vec<ConflictView>, Error> {
        self.run(Action::SyncConflictsList, household, |tx, _| tx.sync_conflict_views(household, resolved))
    }

    /// A case's own sync state, for its header: how many of its conflicts
    /// are open here (shown to everyone who may open the case; the
    /// coordinator decides them) and, on a replica that syncs with a hub, how
    /// many of its changes made here the hub has not acknowledged yet.
    pub fn household_sync_state(&self, household: Id) -> Result<HouseholdSyncState, Error> {
        self.run(Action::HouseholdSyncState, Some(household), |tx, _| {
            tx.household_get(household)?.ok_or_else(|| super::not_found("Nucleo"))?;
            Ok(HouseholdSyncState {
                open_conflicts: tx.household_open_conflicts(household)?,
                waiting: tx.household_waiting(household)?,
            })
        })
    }

    /// A person's choice on a conflict (coordinatore, amministratore):
    /// `ours` keeps the value of this replica, `theirs` takes the other one
    /// (for a whole row: the row as that side has it, restored, or deleted
    /// when that side deleted it; a fact is never deleted). The choice is
    /// written like any edit, so it travels; the choice itself travels too,
    /// and closes the same conflict wherever it is open. One audit row.
    pub fn sync_conflict_resolve(&self, id: &str, choice: &str) -> Result<ConflictView, Error> {
        self.authorize(Action::SyncConflictResolve)?;
        let choice = Choice::parse(choice).ok_or_else(|| {
            Error::invalid(
                "choice",
                "Scegliere quale valore tenere: «ours» (questa copia) o «theirs» (l'altra)",
            )
        })?;
        let stamp = Stamp { at: timestamp(self.clock), by: self.operator.id };
        self.store.transaction(|tx| {
            tx.note_stamp(&stamp);
            let done = tx.sync_conflict_resolve(id, choice, &stamp)?;
            tx.audit_append(
                &stamp,
                crate::domain::StrEnum::as_str(Action::SyncConflictResolve),
                done.household_id,
                Some(&done.detail),
            )?;
            tx.sync_conflict_views(None, true)?
                .into_iter()
                .find(|c| c.row.id == id)
                .ok_or_else(|| Error::new(Code::Internal, "conflitto risolto ma non più trovato"))
        })
    }

    /// [`Service::sync_export`] written to the file `path` (chosen by the
    /// operator in the system's dialog): whole or not at all, readable by
    /// this user only. The package is encrypted for its receiver.
    pub fn sync_export_file(&self, device: Option<&str>, path: &Path) -> Result<ExportedPackage, Error> {
        self.authorize(Action::SyncExportFile)?;
        let bytes = self.sync_export(device)?;
        crate::fsx::write_private_atomic(path, &bytes)
            .map_err(|e| crate::fsx::io_error(path, "impossibile scrivere il pacchetto", e))?;
        Ok(ExportedPackage { path: path.display().to_string(), bytes: bytes.len() as u64 })
    }

    /// [`Service::sync_import`] of the package file at `path`.
    pub fn sync_import_file(&self, path: &Path) -> Result<ImportCounts, Error> {
        self.authorize(Action::SyncImportFile)?;
        // A package is a regular file of reasonable size: not a device, a
        // directory or a pipe that would never end.
        let meta = std::fs::metadata(path)
            .map_err(|e| crate::fsx::io_error(path, "impossibile leggere il pacchetto", e))?;
        if !meta.is_file() {
            return Err(Error::invalid("path", format!("{} non è un file di pacchetto", path.display())));
        }
        if meta.len() > MAX_PACKAGE_BYTES {
            return Err(Error::invalid(
                "path",
                format!("{} è troppo grande per essere un pacchetto di Sportello", path.display()),
            ));
        }
        let bytes = std::fs::read(path)
            .map_err(|e| crate::fsx::io_error(path, "impossibile leggere il pacchetto", e))?;
        self.sync_import(&bytes)
    }

    /// Writes at `out` a second replica of this database, named `name`: a
    /// backup copy (same key, keys file copied beside it) given its own
    /// identity and keys, each replica registered as the other's peer.
    ///
    /// The copy holds every case and is sent every change (no scope): not an
    /// enrolment ([`Service::device_enroll`]); what the tests and a trial of
    /// packages between two databases use.
    pub fn sync_copy_replica(&self, out: &Path, name: &str) -> Result<(), Error> {
        let name =
            crate::domain::form::required_line("device", &Some(name.to_string()), "il nome del dispositivo")?;
        // A whole copy of the office's data: on record, as a backup is.
        self.run(Action::Backup, None, |_, _| Ok(()))?;
        let Some(db) = self.store.path() else {
            return Err(Error::new(Code::Conflict, "Un database in memoria non si copia"));
        };
        let me = self.store.sync_identity()?;
        if self.store.sync_peers()?.iter().any(|p| p.name == name) || me.name == name {
            return Err(Error::new(Code::Conflict, format!("Esiste già un dispositivo di nome «{name}»"))
                .with_field("device"));
        }
        let keys_file = crate::keyring::Keyring::path_for(db);
        let out_keys = crate::keyring::Keyring::path_for(out);
        self.store.backup_to(out)?;
        std::fs::copy(&keys_file, &out_keys)
            .map_err(|e| crate::fsx::io_error(&out_keys, "impossibile copiare il file delle chiavi", e))?;
        let mine =
            DeviceKeys { sign_secret: me.sign_secret.clone(), box_secret: me.box_secret.clone() }.public();
        let hub = Peer {
            device_id: me.device_id.clone(),
            name: me.name.clone(),
            hub: true,
            sign_public: mine.sign,
            box_public: mine.encrypt,
            received_seq: me.last_seq,
            acked_seq: 0,
            last_contact: None,
            revoked_at: None,
            address: None,
        };
        let copy = Storage::open(out, &self.key())?;
        let new = copy.sync_become_copy_of(&name, &hub, me.last_seq)?;
        // The copy's audit log starts as ours: its own chain goes on from
        // our last row at the copy, which is where the hub checks it from
        // (and what it already holds).
        let shared_audit = copy.audit_head()?;
        copy.sync_set_audit_anchor(&me.device_id, 0, shared_audit)?;
        copy.close()?;
        let theirs = DeviceKeys { sign_secret: new.sign_secret, box_secret: new.box_secret }.public();
        let device_id = new.device_id.clone();
        self.store.sync_add_peer(&Peer {
            device_id: new.device_id,
            name: new.name,
            hub: false,
            sign_public: theirs.sign,
            box_public: theirs.encrypt,
            received_seq: 0,
            // The copy holds every change of this replica made so far.
            acked_seq: me.last_seq,
            last_contact: None,
            revoked_at: None,
            address: None,
        })?;
        self.store.sync_set_audit_anchor(&device_id, shared_audit, 0)
    }

    /// Enrols the device `name` for the operators `usernames` (amministratore):
    /// writes at `out` its new encrypted database holding their scope, with
    /// its keys file `<out>.keys`, and registers it here (docs/sync.md,
    /// "Enrolment and scope").
    ///
    /// Decision (the keyring wraps one database key per operator password):
    /// for the operators to keep their passwords, the device's database is
    /// encrypted with this database's key, and its keys file holds only
    /// their entries, copied from this one. A lost laptop exposes its scope;
    /// the office then re-keys this database (`sportello rekey`) if it must.
    ///
    /// Refused, with nothing written: a file at `out` or `<out>.keys` (never
    /// overwritten), an unknown or inactive operator, one without a password
    /// here, a device name already registered. Built beside `out` and
    /// published whole (never a half-written database under its name).
    pub fn device_enroll(&self, name: &str, usernames: &[String], out: &Path) -> Result<Enrolled, Error> {
        self.authorize(Action::DeviceEnroll)?;
        let name =
            crate::domain::form::required_line("device", &Some(name.to_string()), "il nome del dispositivo")?;
        let mut wanted: Vec<String> = Vec::new();
        for u in usernames.iter().map(|u| u.trim()).filter(|u| !u.is_empty()) {
            if !wanted.iter().any(|w| w == u) {
                wanted.push(u.to_string());
            }
        }
        if wanted.is_empty() {
            return Err(Error::invalid("operators", "Indicare almeno un operatore del dispositivo"));
        }
        if self.store.path().is_none() {
            return Err(Error::new(Code::Conflict, "Un database in memoria non iscrive dispositivi"));
        }
        let out_keys = crate::keyring::Keyring::path_for(out);
        for f in [out, out_keys.as_path()] {
            if f.exists() {
                return Err(Error::new(
                    Code::Conflict,
                    format!("Il file {} esiste già: non viene sostituito", f.display()),
                )
                .with_field("out"));
            }
        }
        let key = self.key_guard().duplicate();
        let ring = self.keyring_for(&key)?;
        let mut ids = Vec::new();
        for u in &wanted {
            let found = self.store.transaction(|tx| tx.operator_by_username_any(u))?;
            let op = match found {
                None => {
                    return Err(Error::not_found(format!("Nessun operatore «{u}» in questo database"))
                        .with_field("operators"))
                }
                Some((_, false)) => {
                    return Err(Error::invalid(
                        "operators",
                        format!("L'operatore «{u}» è revocato: non può lavorare su un dispositivo"),
                    ))
                }
                Some((op, true)) => op,
            };
            if !ring.has(u) {
                return Err(Error::invalid(
                    "operators",
                    format!("L'operatore «{u}» non ha una password in questo database: impostarla prima"),
                ));
            }
            ids.push(op.id);
        }
        let me = self.store.sync_identity()?;
        if me.name == name || self.store.sync_peers()?.iter().any(|p| p.name == name) {
            return Err(Error::new(Code::Conflict, format!("Esiste già un dispositivo di nome «{name}»"))
                .with_field("device"));
        }
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(
                    Error::not_found(format!("La cartella {} non esiste", dir.display())).with_field("out")
                );
            }
        }
        // What an enrolment to the same name killed midway left.
        if let Some(file) = out.file_name() {
            crate::fsx::remove_stale_temporaries(
                crate::fsx::parent_dir(out),
                &format!("{}.", file.to_string_lossy()),
            );
        }
        let tmp = crate::fsx::temp_beside(out);
        let remove_tmp = || {
            for suffix in ["", "-journal", "-wal", "-shm"] {
                let mut p = tmp.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(std::path::PathBuf::from(p));
            }
        };
        remove_tmp();
        Storage::create(&tmp, &key)?.close()?;
        let stamp = Stamp { at: timestamp(self.clock), by: self.operator.id };
        let detail = format!("dispositivo «{name}» per {}", wanted.join(", "));
        let enrolled = match self.store.sync_enrol(
            &tmp,
            &key,
            &NewDevice { name: &name, operators: &ids },
            (&stamp, crate::domain::StrEnum::as_str(Action::DeviceEnroll), &detail),
        ) {
            Ok(e) => e,
            Err(e) => {
                remove_tmp();
                return Err(e);
            }
        };
        let published = (|| {
            crate::storage::backup::validate(&tmp, Some(&key))?;
            crate::crashpoint::crashpoint("enroll-before-publish");
            let device_ring = ring.only(out, &wanted);
            device_ring.save_new()?;
            crate::fsx::publish_new(&tmp, out).map_err(|e| {
                let _ = std::fs::remove_file(&out_keys);
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    Error::new(
                        Code::Conflict,
                        format!("Il file {} esiste già: non viene sostituito", out.display()),
                    )
                    .with_field("out")
                } else {
                    crate::fsx::io_error(out, "impossibile scrivere il database del dispositivo", e)
                }
            })
        })();
        // SQLite's side files of the temporary name, if any are left.
        remove_tmp();
        if let Err(e) = published {
            // Not published: the device does not exist (the audit row of
            // the attempt stays).
            self.store.sync_forget_device(&enrolled.device_id)?;
            return Err(e);
        }
        Ok(enrolled)
    }

    /// Revokes the device `name` (amministratore): its packages are refused
    /// from now on, whatever they carry. Its database is not reached from
    /// here; what it holds is what a lost laptop holds (its scope).
    pub fn device_revoke(&self, name: &str) -> Result<(), Error> {
        self.run(Action::DeviceRevoke, None, |tx, stamp| {
            if tx.sync_revoke_peer(name, &stamp.at)? {
                Ok(())
            } else {
                Err(Error::not_found(format!(
                    "Nessun dispositivo di nome «{name}» è registrato in questo database"
                ))
                .with_field("device"))
            }
        })
    }

    fn sync_peer(&self, device: Option<&str>) -> Result<Peer, Error> {
        let peers = self.store.sync_peers()?;
        match device {
            Some(name) => peers.into_iter().find(|p| p.name == name).ok_or_else(|| {
                Error::not_found(format!(
                    "Nessun dispositivo di nome «{name}» è registrato in questo database"
                ))
                .with_field("device")
            }),
            None if peers.len() == 1 => Ok(peers.into_iter().next().expect("one")),
            None if peers.is_empty() => {
                Err(Error::not_found("Questo database non ha dispositivi con cui sincronizzarsi")
                    .with_field("device"))
            }
            None => Err(Error::invalid("device", "Più dispositivi registrati: indicare quale con --device")),
        }
    }
}

/// Larger than any package a device makes in weeks offline (a laptop that
/// changed 500 households makes a few megabytes), small enough to read whole.
const MAX_PACKAGE_BYTES: u64 = 1 << 30;

/// `household_sync_state`: what the case's header says of its sync.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HouseholdSyncState {
    pub open_conflicts: usize,
    /// On a device: its changes of the case that the hub has not
    /// acknowledged yet (0: all sent). `None` (null) on the hub and on a
    /// database on its own, where nothing waits to be sent.
    pub waiting: Option<usize>,
}

/// `sync_export_file`: where the package went and its size.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExportedPackage {
    pub path: String,
    pub bytes: u64,
}
