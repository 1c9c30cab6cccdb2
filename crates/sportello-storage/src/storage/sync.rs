//! Sync between replicas, the database half (docs/sync.md): the replica's
//! identity and peers, the capture of every write transaction as a SQLite
//! changeset, and the field-by-field application of another replica's
//! changesets, with the conflicts it finds.
//!
//! Capture: [`Storage::transaction`] attaches a session (SQLite's session
//! extension) to each write transaction; before the commit, its changeset
//! (old and new value of each changed column of each changed row of a
//! synced table) becomes one numbered row of `sync_outbox`, in the same
//! transaction: there is no change without its record, nor a record of a
//! change rolled back.
//!
//! Apply: the changesets are read, not handed to `sqlite3changeset_apply`,
//! whose unit is the row (a row changed on both sides is one DATA conflict):
//! here each changed column is compared on its own. The old value of the
//! change equals ours → the new value is written; ours already equals the
//! new value → nothing to do; otherwise a conflict row keeps both, and ours
//! stands. Facts (signatures, documents, eligibility checks, published
//! rankings) are never deleted by a merge.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::hooks::Action as Op;
use rusqlite::session::{ChangesetIter, Session};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use zeroize::Zeroizing;

use super::{db_err, Stamp, Storage};
use crate::domain::Id;
use crate::error::{Code, Error};
use crate::sync::{refused, AuditRow, BlockReport, Entry};

mod resolve;
pub use resolve::{Choice, ConflictView, LocalConflict, Resolved};

/// Tables that never travel as changesets: the audit log and the devices'
/// chains kept at the hub (a device's chain travels whole, in the package's
/// manifest), the local count of provisional case numbers (final numbers
/// come in blocks from the hub, `case_blocks`, which travels), SQLite's own,
/// and sync's bookkeeping.
const LOCAL_TABLES: &[&str] = &[
    "audit_log",
    "audit_remote",
    "case_counters",
    "sqlite_sequence",
    "field_history",
    // The access log's anchors (schema 26): local, like the log.
    "audit_anchors",
    "audit_anchor_links",
];

/// Rows that record something that happened on paper or was decided: a
/// merge adds them, never deletes them (a deletion arriving is a conflict).
const FACT_TABLES: &[&str] = &[
    "signatures",
    "signature_annulments",
    "documents",
    "eligibility_checks",
    "eligibility_answers",
    "ranking_versions",
    "reimbursement_claims",
    "reimbursement_documents",
    "liquidations",
    "liquidation_items",
    "finance_commitments",
    "finance_payments",
    "finance_annulments",
    // Monitoring of a project (schema 24): meetings held and their
    // annulments, the versions a re-design replaced, the closure.
    "project_versions",
    "project_version_texts",
    "project_version_commitments",
    "project_version_supports",
    "project_version_signatures",
    "monitoring_meetings",
    "monitoring_participants",
    "monitoring_progress",
    "monitoring_annulments",
    "project_closures",
    "closure_outcomes",
    // The informativa given (schema 21): a delivery on paper, never undone.
    "informativa_deliveries",
    // The verbali of erasures (schema 23).
    "erasures",
    "erasure_counts",
];

/// Whether `table` is one whose changes travel between replicas.
pub fn synced(table: &str) -> bool {
    !table.starts_with("sync_") && !LOCAL_TABLES.contains(&table)
}

/// This replica, as the bookkeeping knows it.
pub struct Identity {
    pub device_id: String,
    pub name: String,
    pub sign_secret: Zeroizing<[u8; 32]>,
    pub box_secret: Zeroizing<[u8; 32]>,
    /// The number of the last change made (or forwarded) here.
    pub last_seq: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub device_id: String,
    pub name: String,
    /// The office's hub: its value stands in a conflict (docs/sync.md).
    pub hub: bool,
    pub sign_public: [u8; 32],
    pub box_public: [u8; 32],
    /// Their last change applied here.
    pub received_seq: i64,
    /// Our last change they have applied (as they told us).
    pub acked_seq: i64,
    pub last_contact: Option<String>,
    pub revoked_at: Option<String>,
    /// Where this replica reaches the peer on the network (`http://HOST:PORT`):
    /// a device's hub, remembered at the first `sync now` that reached it.
    pub address: Option<String>,
}

/// What an import did, counted in row changes (`sync import --json`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub applied: u64,
    pub already_applied: u64,
    pub conflicts: u64,
    pub duplicates: u64,
    /// The package was the hub's fresh answer and showed that the hub went
    /// back (restored from a backup): its numbers after [`ImportCounts`]'s
    /// import were forgotten here, and what the hub lost is sent again.
    #[serde(skip)]
    pub hub_went_back: bool,
}

/// One open conflict (`sync conflicts --json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictRow {
    pub id: String,
    pub table: String,
    pub record: String,
    pub field: String,
    pub kind: String,
    pub ours: serde_json::Value,
    pub theirs: serde_json::Value,
    pub device: String,
    pub operator: Option<String>,
    pub changed_at: Option<String>,
}

/// What a package's manifest carries beside the changes: of the audit
/// chains (docs/sync.md, "Audit"), the sender's own rows (a device to its
/// hub) and how much of the receiver's chain the sender holds (the hub to a
/// device); and a device's own blocks of case numbers, which a hub
/// restored from a backup records again (docs/sync.md, "Case numbers").
#[derive(Debug, Clone, Copy, Default)]
pub struct ManifestParts<'a> {
    pub audit: &'a [AuditRow],
    pub audit_ack: Option<i64>,
    pub blocks: &'a [BlockReport],
}

/// The outgoing changes for one peer.
pub struct Outgoing {
    pub base: i64,
    pub seq: i64,
    pub ack: i64,
    pub entries: Vec<Entry>,
}

// --- Capture -------------------------------------------------------------------

/// A session attached to one write transaction.
pub(super) struct Capture<'c> {
    session: Session<'c>,
}

impl<'c> Capture<'c> {
    pub(super) fn start(conn: &'c Connection) -> Result<Capture<'c>, Error> {
        let mut session = Session::new(conn).map_err(db_err)?;
        session.table_filter(Some(synced));
        session.attach(None::<&str>).map_err(db_err)?;
        Ok(Capture { session })
    }

    /// Stores the transaction's changeset as the replica's next change (none
    /// when nothing synced changed). `origin`: the device and number of the
    /// change this one applies, when it comes from another replica.
    pub(super) fn finish(
        mut self,
        conn: &Connection,
        stamp: Option<&Stamp>,
        origin: Option<(&str, &str, i64)>,
    ) -> Result<Option<i64>, Error> {
        if self.session.is_empty() {
            return Ok(None);
        }
        let mut changeset = Vec::new();
        self.session.changeset_strm(&mut changeset).map_err(db_err)?;
        drop(self);
        // Who and when of a row's last change travel together, always.
        let changeset = super::sync_scope::carry_updated_by(conn, &changeset)?.unwrap_or(changeset);
        // The history of each field (schema 22), from the same changeset.
        super::field_history::record(conn, &read_updates(&changeset)?, stamp, origin.map(|o| o.1))?;
        store_change(conn, &changeset, stamp, origin)
    }
}

/// Stores `changeset` as the replica's next change (none when it is empty).
fn store_change(
    conn: &Connection,
    changeset: &[u8],
    stamp: Option<&Stamp>,
    origin: Option<(&str, &str, i64)>,
) -> Result<Option<i64>, Error> {
    if changeset.is_empty() {
        return Ok(None);
    }
    let seq: i64 = conn
        .query_row(
            "UPDATE sync_device SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq",
            [],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    conn.prepare_cached(
        "INSERT INTO sync_outbox (seq, at, operator_id, origin_device, origin_name, origin_seq, changeset)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .map_err(db_err)?
    .execute(params![
        seq,
        stamp.map(|s| s.at.clone()),
        stamp.map(|s| s.by.to_string()),
        origin.map(|o| o.0),
        origin.map(|o| o.1),
        origin.map(|o| o.2),
        changeset
    ])
    .map_err(db_err)?;
    Ok(Some(seq))
}

/// The changes of the outbox that go to the peer `?2` (`?3`: it is the
/// hub): to the hub only those made here, to a device all but its own.
const GOING_TO_PEER: &str =
    "(origin_device IS NULL OR (?3 = 0 AND origin_device <> ?2) OR (return_to_hub = 1 AND origin_device = ?2))";

// --- Identity and peers ----------------------------------------------------------

impl super::Tx<'_> {
    /// Revokes the peer `name` at `at`: its packages are refused from then
    /// on. `false` when there is no such peer.
    pub fn sync_revoke_peer(&self, name: &str, at: &str) -> Result<bool, Error> {
        let n = self
            .tx
            .execute(
                "UPDATE sync_peers SET revoked_at = coalesce(revoked_at, ?2) WHERE name = ?1",
                params![name, at],
            )
            .map_err(db_err)?;
        Ok(n > 0)
    }
}

impl Storage {
    /// This replica's identity; its key pairs are made (from the operating
    /// system's random source) the first time they are asked for.
    pub fn sync_identity(&self) -> Result<Identity, Error> {
        let mut conn =
            self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
        let has_keys: bool = tx
            .query_row("SELECT sign_secret IS NOT NULL FROM sync_device WHERE id = 1", [], |r| r.get(0))
            .map_err(db_err)?;
        if !has_keys {
            let (sign, boxed) = (random32()?, random32()?);
            tx.execute(
                "UPDATE sync_device SET sign_secret = ?1, box_secret = ?2 WHERE id = 1",
                params![&sign[..], &boxed[..]],
            )
            .map_err(db_err)?;
        }
        let id = read_identity(&tx)?;
        tx.commit().map_err(db_err)?;
        Ok(id)
    }

    pub fn sync_peers(&self) -> Result<Vec<Peer>, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let mut stmt = conn.prepare(&format!("{PEER_SELECT} ORDER BY name")).map_err(db_err)?;
        let rows = stmt.query_map([], peer_row).map_err(db_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
    }

    /// Registers (or replaces the keys of) a peer.
    pub fn sync_add_peer(&self, p: &Peer) -> Result<(), Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        conn.execute(
            "INSERT INTO sync_peers (device_id, name, sign_public, box_public, received_seq, acked_seq, hub)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (device_id) DO UPDATE SET name = excluded.name, sign_public = excluded.sign_public,
                box_public = excluded.box_public, hub = excluded.hub",
            params![
                p.device_id,
                p.name,
                &p.sign_public[..],
                &p.box_public[..],
                p.received_seq,
                p.acked_seq,
                p.hub
            ],
        )
        .map_err(|e| {
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
                Error::new(Code::Conflict, format!("Esiste già un dispositivo di nome «{}»", p.name))
                    .with_field("device")
            } else {
                db_err(e)
            }
        })?;
        Ok(())
    }

    /// Makes this database (a fresh copy of another replica) a replica of its
    /// own: a new id, name and keys, no changes of its own yet, and the
    /// replica it was copied from as its one peer, whose changes up to
    /// `source_seq` it already holds (they are in the copy).
    pub fn sync_become_copy_of(&self, name: &str, source: &Peer, source_seq: i64) -> Result<Identity, Error> {
        let mut conn =
            self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
        let (sign, boxed) = (random32()?, random32()?);
        // The copy came with the source's secret keys: overwritten where they
        // lay, not only unlinked.
        tx.execute_batch("PRAGMA secure_delete = ON").map_err(db_err)?;
        tx.execute_batch("DELETE FROM sync_seen; DELETE FROM sync_peers; DELETE FROM sync_outbox; DELETE FROM sync_conflicts;")
            .map_err(db_err)?;
        tx.execute(
            "UPDATE sync_device SET device_id = ?1, name = ?2, sign_secret = ?3, box_secret = ?4, last_seq = 0
             WHERE id = 1",
            params![Id::new().to_string(), name, &sign[..], &boxed[..]],
        )
        .map_err(db_err)?;
        tx.execute(
            "INSERT INTO sync_peers (device_id, name, sign_public, box_public, received_seq, acked_seq, hub)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, 1)",
            params![
                source.device_id,
                source.name,
                &source.sign_public[..],
                &source.box_public[..],
                source_seq
            ],
        )
        .map_err(db_err)?;
        let id = read_identity(&tx)?;
        tx.commit().map_err(db_err)?;
        Ok(id)
    }

    /// The changes `peer` has not told us it has, except those it made
    /// itself (it has them): every change after its last acknowledgement.
    pub fn sync_outgoing(&self, peer: &str) -> Result<Outgoing, Error> {
        let mut conn =
            self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let p = peer_by_id(&conn, peer)?.ok_or_else(|| Error::not_found("Dispositivo non registrato"))?;
        // An enrolled device gets its scope only (docs/sync.md).
        if super::sync_scope::scoped(&conn, peer)? {
            return super::sync_scope::outgoing(&mut conn, &p);
        }
        let me = read_identity(&conn)?;
        // To the hub, only the changes made here: whatever else is here came
        // from the hub (forwarded from another device, perhaps), and sent
        // back it would arrive as edits against values the hub has moved
        // past (a block's count of used numbers, 0→1 when it is at 3).
        let mut stmt = conn
            .prepare(&format!(
                "SELECT seq, at, operator_id, origin_device, origin_name, origin_seq, changeset FROM sync_outbox
                 WHERE seq > ?1 AND {GOING_TO_PEER} ORDER BY seq"
            ))
            .map_err(db_err)?;
        let rows = stmt
            .query_map(params![p.acked_seq, p.device_id, p.hub], |r| outbox_entry(r, &me))
            .map_err(db_err)?;
        let entries = rows.collect::<Result<Vec<_>, _>>().map_err(db_err)?;
        Ok(Outgoing { base: p.acked_seq.min(me.last_seq), seq: me.last_seq, ack: p.received_seq, entries })
    }

    /// How many of this replica's changes `peer` has not acknowledged yet
    /// (those that came from it aside): what waits to go.
    pub fn sync_waiting(&self, peer: &Peer) -> Result<i64, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        conn.query_row(
            &format!("SELECT count(*) FROM sync_outbox WHERE seq > ?1 AND {GOING_TO_PEER}"),
            params![peer.acked_seq, peer.device_id, peer.hub],
            |r| r.get(0),
        )
        .map_err(db_err)
    }

    /// How many conflicts wait for a person.
    pub fn sync_open_conflicts(&self) -> Result<i64, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        conn.query_row("SELECT count(*) FROM sync_conflicts WHERE resolved_at IS NULL", [], |r| r.get(0))
            .map_err(db_err)
    }

    /// Remembers where `peer` is reached on the network.
    pub fn sync_set_address(&self, peer: &str, address: &str) -> Result<(), Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        conn.execute(
            "UPDATE sync_peers SET address = ?2 WHERE device_id = ?1 AND address IS NOT ?2",
            params![peer, address],
        )
        .map_err(db_err)?;
        Ok(())
    }

    /// The open conflicts, oldest first.
    pub fn sync_conflicts(&self) -> Result<Vec<ConflictRow>, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let mut stmt = conn
            .prepare(
                "SELECT id, table_name, record, field, kind, ours, theirs, device_name, operator_id, changed_at
                 FROM sync_conflicts WHERE resolved_at IS NULL ORDER BY detected_at, rowid",
            )
            .map_err(db_err)?;
        let rows = stmt.query_map([], conflict_row).map_err(db_err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(db_err)
    }

    /// Applies the entries of a package from `sender` (already opened and
    /// verified) in one transaction: all of it, or nothing. `base`, `seq`
    /// and `ack` are the manifest's.
    ///
    /// Refused whole: an unknown or revoked sender; a package that starts
    /// after a change not received yet (`base` beyond what we have: one in
    /// between was lost); a change number already applied with another
    /// content (a forgery, or a sender restored from an old copy); a change
    /// of a table or a shape this schema does not have.
    ///
    /// `is_reply`: the package is the hub's answer made just now for this
    /// replica (the network exchange, checked by the caller through the
    /// manifest's `reply_to`). From its hub, a fresh package whose last
    /// number is below what was received, or that numbers a change again
    /// with other content, means the hub went back (restored from a backup):
    /// its numbers after the last one it still has are forgotten here (what
    /// they carried stays applied), and the hub's acknowledgement, lower
    /// now, makes the next package send again what it lost. A package on a
    /// file may be an old one arriving late: there a lower number is only
    /// `already_applied`, and a number with other content refuses it.
    ///
    /// `stamp`: who imports, and when; `audit` (the action and the detail of
    /// the audit row written with the import): `None` when the package carries no change (a network
    /// exchange with nothing to say touches nobody's data; it still counts
    /// as a contact).
    #[allow(clippy::too_many_arguments)]
    pub fn sync_apply(
        &self,
        sender: &str,
        base: i64,
        seq: i64,
        ack: i64,
        entries: &[Entry],
        is_reply: bool,
        stamp: &Stamp,
        audit: Option<(&str, &str)>,
        travel: ManifestParts<'_>,
    ) -> Result<ImportCounts, Error> {
        let now = stamp.at.as_str();
        let mut conn =
            self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
        let mut peer = peer_by_id(&tx, sender)?
            .ok_or_else(|| refused("il dispositivo mittente non è registrato qui"))?;
        if peer.revoked_at.is_some() {
            return Err(refused(&format!("il dispositivo «{}» è stato revocato", peer.name)));
        }
        let mut went_back = false;
        if is_reply && peer.hub {
            if let Some(kept) = hub_went_back(&tx, &peer, base, seq, entries)? {
                mark_lost_by_hub(&tx, &peer, kept, entries)?;
                tx.execute("DELETE FROM sync_seen WHERE device_id = ?1 AND seq > ?2", params![sender, kept])
                    .map_err(db_err)?;
                tx.execute(
                    "UPDATE sync_peers SET received_seq = ?2 WHERE device_id = ?1",
                    params![sender, kept],
                )
                .map_err(db_err)?;
                peer.received_seq = kept;
                went_back = true;
            }
        }
        if base > peer.received_seq {
            return Err(refused(&format!(
                "il pacchetto parte dal cambiamento {} di «{}», ma qui è arrivato solo fino al {}: manca un pacchetto \
                 intermedio. Preparare un nuovo pacchetto dal dispositivo «{}»",
                base + 1,
                peer.name,
                peer.received_seq,
                peer.name
            )));
        }
        // Defer the foreign keys to the end: a changeset lists its tables in
        // the order they were first touched, not parents first.
        tx.execute_batch("PRAGMA defer_foreign_keys = ON").map_err(db_err)?;
        // A device's blocks of case numbers that this hub does not know (it
        // was restored from a backup): recorded before the changes, which
        // may count numbers used from them.
        if !peer.hub {
            super::case_numbers::record_reported(&tx, sender, travel.blocks, stamp)?;
        }
        let mut counts = ImportCounts { hub_went_back: went_back, ..ImportCounts::default() };
        // Where this import's forwarded changes start (erasures: below).
        let seq_before: i64 = tx
            .query_row("SELECT last_seq FROM sync_device WHERE id = 1", [], |r| r.get(0))
            .map_err(db_err)?;
        let erasures_before: i64 =
            tx.query_row("SELECT coalesce(max(rowid), 0) FROM erasures", [], |r| r.get(0)).map_err(db_err)?;
        let mut applied: Vec<&Entry> = Vec::new();
        let mut merge = Merge {
            conn: &tx,
            tables: HashMap::new(),
            inserted: HashSet::new(),
            fks: HashMap::new(),
            detected_at: now,
            theirs_wins: peer.hub,
            new_cases: Vec::new(),
            me: read_identity(&tx)?.device_id,
            echo: false,
        };
        for (n, e) in entries.iter().enumerate() {
            // A kill -9 between two entries of one import (the simulation,
            // tests/sync_simulation.rs): nothing of the package may stay.
            #[cfg(debug_assertions)]
            if n > 0 {
                crate::crashpoint::crashpoint(&format!("sync-apply-entry-{n}"));
            }
            #[cfg(not(debug_assertions))]
            let _ = n;
            let hash = e.seen_hash();
            let seen: Option<String> = tx
                .query_row(
                    "SELECT hash FROM sync_seen WHERE device_id = ?1 AND seq = ?2",
                    params![sender, e.seq],
                    |r| r.get(0),
                )
                .optional()
                .map_err(db_err)?;
            let fresh = seen.is_none() && e.seq > peer.received_seq;
            match seen {
                Some(h) if h != hash => {
                    return Err(refused(&format!(
                        "il cambiamento numero {} di «{}» è già arrivato con un altro contenuto (pacchetto falsificato, \
                         oppure il dispositivo è stato ripristinato da una copia vecchia)",
                        e.seq, peer.name
                    )))
                }
                Some(_) => counts.already_applied += count_changes(&e.changeset)?,
                None if e.seq <= peer.received_seq => counts.already_applied += count_changes(&e.changeset)?,
                None if e.leaves.is_some() || e.enters.is_some() => {
                    // The hub's moves of this device's scope, and nobody
                    // else's: only the hub's package may carry them.
                    if !peer.hub {
                        return Err(refused("un cambiamento dell'ambito di un dispositivo arriva solo dall'ufficio"));
                    }
                    if let Some(h) = &e.leaves {
                        // Not captured: the case leaving is not this
                        // device's deletion and never travels back as one.
                        super::sync_scope::leave(&tx, h, ack)?;
                    }
                    if let Some(h) = &e.enters {
                        super::sync_scope::entered(&tx, h)?;
                        merge.apply_captured(e, &mut counts)?;
                        super::sync_scope::prune_entered(&tx, h, &e.changeset, ack)?;
                    }
                }
                None => {
                    let stamp = match (&e.at, e.operator_id.as_deref().and_then(|o| o.parse::<Id>().ok())) {
                        (Some(at), Some(by)) => Some(Stamp { at: at.clone(), by }),
                        _ => None,
                    };
                    // A change of this hub's own coming back from a device
                    // (the hub lost it to a restore: `mark_lost_by_hub`)
                    // travels on as that device's: every other replica gets
                    // it again, and the device itself only as an echo (were
                    // it the hub's, the device would meet it again as news,
                    // against its own later edit of the same field).
                    let origin = if e.origin_device == merge.me {
                        Some((peer.device_id.as_str(), peer.name.as_str(), e.seq))
                    } else {
                        Some((e.origin_device.as_str(), e.origin_name.as_str(), e.origin_seq))
                    };
                    // New rows only (a family taken in charge, a visit): tried
                    // without a session. When every row went in as it came,
                    // what to forward is the change as it came; otherwise
                    // (a duplicate, a constraint, an orphan) the entry is
                    // rolled back and applied again under a session, which
                    // records what really stood.
                    let changes = read_changes(&e.changeset)?;
                    let mut verbatim = false;
                    if changes.iter().all(|c| c.op == Op::SQLITE_INSERT) {
                        tx.execute_batch("SAVEPOINT verbatim").map_err(db_err)?;
                        let before = counts;
                        merge.inserted.clear();
                        merge.apply(e, &changes, &mut counts)?;
                        merge.settle_foreign_keys(e, &mut counts)?;
                        let n = changes.len() as u64;
                        verbatim = counts.applied - before.applied == n
                            && counts.conflicts == before.conflicts
                            && counts.duplicates == before.duplicates
                            && counts.already_applied == before.already_applied
                            && merge.inserted.len() as u64 == n;
                        if verbatim {
                            tx.execute_batch("RELEASE verbatim").map_err(db_err)?;
                            store_change(&tx, &e.changeset, stamp.as_ref(), origin)?;
                        } else {
                            tx.execute_batch("ROLLBACK TO verbatim; RELEASE verbatim").map_err(db_err)?;
                            counts = before;
                        }
                    }
                    if !verbatim {
                        let capture = Capture::start(&tx)?;
                        merge.inserted.clear();
                        merge.apply(e, &changes, &mut counts)?;
                        merge.settle_foreign_keys(e, &mut counts)?;
                        capture.finish(&tx, stamp.as_ref(), origin)?;
                    }
                    applied.push(e);
                }
            }
            if fresh {
                tx.execute(
                    "INSERT INTO sync_seen (device_id, seq, hash, applied_at) VALUES (?1, ?2, ?3, ?4)",
                    params![sender, e.seq, hash, now],
                )
                .map_err(db_err)?;
            }
        }
        // A case taken in charge on an enrolled device is held there from
        // now on: the hub's later changes of it go to that device, and if it
        // leaves the device's scope the device is told (without this, the
        // hub's next package sent the whole case again as "entering", a
        // snapshot that could overwrite the device's newer edits, and a case
        // reassigned away stayed on the device). Held as of this moment:
        // the final number given just below is sent to it.
        if !merge.new_cases.is_empty() && super::sync_scope::scoped(&tx, sender)? {
            let last: i64 = tx
                .query_row("SELECT last_seq FROM sync_device WHERE id = 1", [], |r| r.get(0))
                .map_err(db_err)?;
            for h in &merge.new_cases {
                tx.execute(
                    "INSERT OR IGNORE INTO sync_peer_households (device_id, household_id, entered_seq) VALUES (?1, ?2, ?3)",
                    params![sender, h, last],
                )
                .map_err(db_err)?;
            }
        }
        // Erased cases (schema 23): the erasure just arrived, or a stale
        // change of an erased case came with the package; purged, never
        // captured, never resurrected (storage::retention).
        let purged = super::retention::purge_erased(&tx, seq_before, erasures_before)?;
        if peer.hub {
            // Cases that waited to leave until the hub had this device's
            // changes of them: the hub has acknowledged up to `ack`.
            super::sync_scope::settle_leaving(&tx, ack)?;
        }
        // The hub gives the final number to every case that came with a
        // provisional one: its own change, so its next package carries it.
        if super::case_numbers::is_hub(&tx)? {
            let capture = Capture::start(&tx)?;
            super::case_numbers::finalize_provisional(&tx, now)?;
            capture.finish(&tx, Some(stamp), None)?;
        }
        // After the final numbers: a whole copy taken now carries them.
        if super::sync_scope::scoped(&tx, sender)? {
            super::sync_scope::refresh_entering(&tx, sender, &applied)?;
        }
        store_device_audit(&tx, &peer, travel.audit, now)?;
        if let Some(a) = travel.audit_ack {
            tx.execute("UPDATE sync_peers SET audit_acked = ?2 WHERE device_id = ?1", params![sender, a])
                .map_err(db_err)?;
        }
        let last_seq: i64 = tx
            .query_row("SELECT last_seq FROM sync_device WHERE id = 1", [], |r| r.get(0))
            .map_err(db_err)?;
        tx.execute(
            "UPDATE sync_peers SET received_seq = max(received_seq, ?2), acked_seq = ?3, last_contact = ?4
             WHERE device_id = ?1",
            params![sender, seq, ack.min(last_seq), now],
        )
        .map_err(db_err)?;
        if let Some((action, detail)) = audit {
            super::audit::append(&tx, &stamp.at, &stamp.by.to_string(), action, None, Some(detail))?;
        }
        crate::crashpoint::crashpoint("sync-apply-before-commit");
        tx.commit().map_err(|e| {
            if is_constraint(&e) {
                refused("applicarlo lascerebbe riferimenti non validi tra i dati già presenti")
            } else {
                db_err(e)
            }
        })?;
        // A case erased here: no page of the file keeps its old bytes.
        if purged > 0 {
            super::retention::scrub(&conn)?;
        }
        Ok(counts)
    }
}

/// Where the hub went back to, if its fresh package (`base`, `seq`,
/// `entries`) shows that it did: `base`, what the hub knows this replica
/// has (its numbers after it are then taken as new).
///
/// The signs, each impossible unless the hub lost part of its history: its
/// last number is below one already received here; or the package carries
/// a number already received here whose change was not applied here (the
/// hub never sends back a replica's own changes, and sends only after what
/// it knows this replica has) or was applied with another content.
fn hub_went_back(
    conn: &Connection,
    peer: &Peer,
    base: i64,
    seq: i64,
    entries: &[Entry],
) -> Result<Option<i64>, Error> {
    if seq < peer.received_seq {
        return Ok(Some(base));
    }
    for e in entries.iter().filter(|e| e.seq <= peer.received_seq) {
        let seen: Option<String> = conn
            .query_row(
                "SELECT hash FROM sync_seen WHERE device_id = ?1 AND seq = ?2",
                params![peer.device_id, e.seq],
                |r| r.get(0),
            )
            .optional()
            .map_err(db_err)?;
        if seen.is_none_or(|h| h != e.seen_hash()) {
            return Ok(Some(base));
        }
    }
    Ok(None)
}

/// Marks the hub's own changes that this replica holds and the hub, gone
/// back to `kept`, no longer has: those seen here after `kept` that its
/// fresh package (`entries`) does not carry as they came. They travel back
/// with this replica's next package to it, each in its place among this
/// replica's changes (`GOING_TO_PEER`). A change the hub forwarded from
/// another device is not marked: that device sends it again itself.
fn mark_lost_by_hub(conn: &Connection, hub: &Peer, kept: i64, entries: &[Entry]) -> Result<usize, Error> {
    let fresh: HashMap<i64, String> = entries.iter().map(|e| (e.seq, e.seen_hash())).collect();
    let lost: HashSet<i64> = {
        let mut stmt = conn
            .prepare("SELECT seq, hash FROM sync_seen WHERE device_id = ?1 AND seq > ?2")
            .map_err(db_err)?;
        let rows = stmt
            .query_map(params![hub.device_id, kept], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(db_err)?;
        let seen = rows.collect::<Result<Vec<_>, _>>().map_err(db_err)?;
        seen.into_iter().filter(|(seq, hash)| fresh.get(seq) != Some(hash)).map(|(seq, _)| seq).collect()
    };
    if lost.is_empty() {
        return Ok(0);
    }
    let held: Vec<(i64, i64)> = {
        let mut stmt = conn
            .prepare("SELECT seq, origin_seq FROM sync_outbox WHERE origin_device = ?1 AND origin_seq > ?2")
            .map_err(db_err)?;
        let rows =
            stmt.query_map(params![hub.device_id, kept], |r| Ok((r.get(0)?, r.get(1)?))).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)?
    };
    let mut marked = 0;
    for (seq, _) in held.iter().filter(|(_, origin)| lost.contains(origin)) {
        marked += conn
            .prepare_cached("UPDATE sync_outbox SET return_to_hub = 1 WHERE seq = ?1")
            .map_err(db_err)?
            .execute([seq])
            .map_err(db_err)?;
    }
    Ok(marked)
}

/// Appends the rows of `peer`'s own audit chain that continue what is kept
/// here of it (`audit_remote`), unchanged: the chain is checked by `audit
/// verify`, not here, so a device whose log was tampered with still syncs
/// and is named by the check. A row already here with another content
/// refuses the package (a forgery, or a device restored from an old copy
/// that wrote new rows under old numbers). Rows after a gap wait: the ack
/// of our next package tells the device where to start again. Rows up to
/// `audit_from` are the ones the device's database shares with ours (it was
/// made as a copy of this one): they are ours already.
fn store_device_audit(conn: &Connection, peer: &Peer, rows: &[AuditRow], now: &str) -> Result<u64, Error> {
    if rows.is_empty() {
        return Ok(0);
    }
    let from: i64 = conn
        .query_row("SELECT audit_from FROM sync_peers WHERE device_id = ?1", [&peer.device_id], |r| r.get(0))
        .map_err(db_err)?;
    let mut head: i64 = conn
        .query_row(
            "SELECT coalesce(max(seq), ?2) FROM audit_remote WHERE device_id = ?1",
            params![peer.device_id, from],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    let mut rows: Vec<&AuditRow> = rows.iter().collect();
    rows.sort_by_key(|r| r.seq);
    let mut stored = 0;
    for r in rows {
        if r.seq <= from {
            continue;
        }
        if r.seq <= head {
            let here: Option<String> = conn
                .prepare_cached("SELECT hash FROM audit_remote WHERE device_id = ?1 AND seq = ?2")
                .map_err(db_err)?
                .query_row(params![peer.device_id, r.seq], |x| x.get(0))
                .optional()
                .map_err(db_err)?;
            if here.as_deref() != Some(r.hash.as_str()) {
                return Err(refused(&format!(
                    "la riga {} del registro degli accessi di «{}» è già arrivata con un altro contenuto \
                     (pacchetto falsificato, oppure il dispositivo è stato ripristinato da una copia vecchia)",
                    r.seq, peer.name
                )));
            }
            continue;
        }
        if r.seq != head + 1 {
            break;
        }
        conn.prepare_cached(
            "INSERT INTO audit_remote (device_id, seq, at, operator_id, action, record_id, detail, prev_hash, hash,
                received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )
        .map_err(db_err)?
        .execute(params![
            peer.device_id,
            r.seq,
            r.at,
            r.operator_id,
            r.action,
            r.record_id,
            r.detail,
            r.prev_hash,
            r.hash,
            now
        ])
        .map_err(db_err)?;
        head = r.seq;
        stored += 1;
    }
    Ok(stored)
}

impl Storage {
    /// At the hub, the blocks of case numbers that the device `sender`
    /// reports in a package the hub does not apply (it starts after what a
    /// hub restored from a backup has: the device is asked to send again),
    /// recorded as [`Storage::sync_apply`] records them, in a transaction
    /// of their own, before the hub's answer is made: the answer then
    /// refills the device's numbers as they really are. Returns how many.
    pub fn sync_record_blocks(
        &self,
        sender: &str,
        blocks: &[BlockReport],
        stamp: &Stamp,
    ) -> Result<usize, Error> {
        let mut conn =
            self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
        let peer = peer_by_id(&tx, sender)?
            .ok_or_else(|| refused("il dispositivo mittente non è registrato qui"))?;
        if peer.revoked_at.is_some() || peer.hub {
            return Ok(0);
        }
        let n = super::case_numbers::record_reported(&tx, sender, blocks, stamp)?;
        tx.commit().map_err(db_err)?;
        Ok(n)
    }

    /// At a hub restored from a backup: whether `peer`'s next package is to
    /// be answered `resend` (and, `clear`, it is being answered so now).
    pub fn sync_resend_after_restore(&self, peer: &str, clear: bool) -> Result<bool, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let due: bool = conn
            .query_row("SELECT resend_after_restore FROM sync_peers WHERE device_id = ?1", [peer], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db_err)?
            .unwrap_or(false);
        if due && clear {
            conn.execute("UPDATE sync_peers SET resend_after_restore = 0 WHERE device_id = ?1", [peer])
                .map_err(db_err)?;
        }
        Ok(due)
    }

    /// This replica's own blocks of case numbers, when `peer` is its hub
    /// (the hub records again those it lost to a restore); none otherwise.
    pub fn sync_blocks_outgoing(&self, peer: &str) -> Result<Vec<BlockReport>, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let hub: bool = conn
            .query_row("SELECT hub FROM sync_peers WHERE device_id = ?1", [peer], |r| r.get(0))
            .map_err(db_err)?;
        if !hub {
            return Ok(Vec::new());
        }
        let mut stmt = conn
            .prepare(
                "SELECT b.id, b.year, b.first, b.last, b.used, b.granted_at FROM case_blocks b
                 JOIN sync_device d ON d.id = 1 AND b.device_id = d.device_id ORDER BY b.year, b.first",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(BlockReport {
                    id: r.get(0)?,
                    year: r.get(1)?,
                    first: r.get(2)?,
                    last: r.get(3)?,
                    used: r.get(4)?,
                    granted_at: r.get(5)?,
                })
            })
            .map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    }

    /// This replica's own audit rows that `peer` does not hold yet, when
    /// `peer` is its hub (the hub keeps every device's chain; a device keeps
    /// nobody's, and the hub forwards none).
    pub fn sync_audit_outgoing(&self, peer: &str) -> Result<Vec<AuditRow>, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let (hub, acked): (bool, i64) = conn
            .query_row("SELECT hub, audit_acked FROM sync_peers WHERE device_id = ?1", [peer], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(db_err)?;
        if !hub {
            return Ok(Vec::new());
        }
        let mut stmt = conn
            .prepare(
                "SELECT seq, at, operator_id, action, record_id, detail, prev_hash, hash FROM audit_log
                 WHERE seq > ?1 ORDER BY seq",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map([acked], |r| {
                Ok(AuditRow {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    operator_id: r.get(2)?,
                    action: r.get(3)?,
                    record_id: r.get(4)?,
                    detail: r.get(5)?,
                    prev_hash: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                    hash: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                })
            })
            .map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)
    }

    /// How much of `peer`'s audit chain is here (its last row), when `peer`
    /// is a device of this hub: the ack its next package from us carries.
    pub fn sync_audit_ack(&self, peer: &str) -> Result<Option<i64>, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let (hub, from): (bool, i64) = conn
            .query_row("SELECT hub, audit_from FROM sync_peers WHERE device_id = ?1", [peer], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(db_err)?;
        if hub {
            return Ok(None);
        }
        conn.query_row(
            "SELECT coalesce(max(seq), ?2) FROM audit_remote WHERE device_id = ?1",
            params![peer, from],
            |r| r.get(0),
        )
        .map(Some)
        .map_err(db_err)
    }

    /// Where a device's audit chain leaves ours (at the hub), and how much
    /// of ours the hub holds (on the device): both the last row of the log
    /// they share when the device's database is made as a copy of the hub's.
    pub fn sync_set_audit_anchor(&self, peer: &str, audit_from: i64, audit_acked: i64) -> Result<(), Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        conn.execute(
            "UPDATE sync_peers SET audit_from = ?2, audit_acked = ?3 WHERE device_id = ?1",
            params![peer, audit_from, audit_acked],
        )
        .map_err(db_err)?;
        Ok(())
    }

    /// The number of the last row of this replica's own audit log (0: empty).
    pub fn audit_head(&self) -> Result<i64, Error> {
        let conn = self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        conn.query_row("SELECT coalesce(max(seq), 0) FROM audit_log", [], |r| r.get(0)).map_err(db_err)
    }
}

/// The columns `SELECT seq, at, operator_id, origin_device, origin_name,
/// origin_seq, changeset FROM sync_outbox` as an entry to send: a change
/// made here names this replica as its origin.
pub(super) fn outbox_entry(r: &rusqlite::Row<'_>, me: &Identity) -> rusqlite::Result<Entry> {
    let seq: i64 = r.get(0)?;
    Ok(Entry {
        seq,
        at: r.get(1)?,
        operator_id: r.get(2)?,
        origin_device: r.get::<_, Option<String>>(3)?.unwrap_or_else(|| me.device_id.clone()),
        origin_name: r.get::<_, Option<String>>(4)?.unwrap_or_else(|| me.name.clone()),
        origin_seq: r.get::<_, Option<i64>>(5)?.unwrap_or(seq),
        changeset: r.get(6)?,
        enters: None,
        leaves: None,
        source_hash: None,
    })
}

/// The first ten columns `c.id, c.table_name, c.record, c.field, c.kind,
/// c.ours, c.theirs, c.device_name, c.operator_id, c.changed_at` of
/// `sync_conflicts` as a conflict (both values stored as JSON text).
pub(super) fn conflict_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConflictRow> {
    let json =
        |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(serde_json::Value::Null);
    Ok(ConflictRow {
        id: r.get(0)?,
        table: r.get(1)?,
        record: r.get(2)?,
        field: r.get(3)?,
        kind: r.get(4)?,
        ours: json(r.get(5)?),
        theirs: json(r.get(6)?),
        device: r.get(7)?,
        operator: r.get(8)?,
        changed_at: r.get(9)?,
    })
}

const PEER_SELECT: &str =
    "SELECT device_id, name, sign_public, box_public, received_seq, acked_seq, last_contact,
    revoked_at, hub, address FROM sync_peers";

fn peer_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Peer> {
    let key = |i: usize| -> rusqlite::Result<[u8; 32]> {
        let v: Vec<u8> = r.get(i)?;
        v.try_into()
            .map_err(|_| rusqlite::Error::InvalidColumnType(i, "key".into(), rusqlite::types::Type::Blob))
    };
    Ok(Peer {
        device_id: r.get(0)?,
        name: r.get(1)?,
        sign_public: key(2)?,
        box_public: key(3)?,
        received_seq: r.get(4)?,
        acked_seq: r.get(5)?,
        last_contact: r.get(6)?,
        revoked_at: r.get(7)?,
        hub: r.get(8)?,
        address: r.get(9)?,
    })
}

pub(super) fn peer_by_id(conn: &Connection, id: &str) -> Result<Option<Peer>, Error> {
    conn.query_row(&format!("{PEER_SELECT} WHERE device_id = ?1"), [id], peer_row).optional().map_err(db_err)
}

pub(super) fn read_identity(conn: &Connection) -> Result<Identity, Error> {
    conn.query_row(
        "SELECT device_id, name, sign_secret, box_secret, last_seq FROM sync_device WHERE id = 1",
        [],
        |r| {
            let secret = |i: usize| -> rusqlite::Result<Zeroizing<[u8; 32]>> {
                let v: Option<Vec<u8>> = r.get(i)?;
                let v = Zeroizing::new(v.unwrap_or_default());
                let mut out = Zeroizing::new([0u8; 32]);
                if v.len() == 32 {
                    out.copy_from_slice(&v);
                }
                Ok(out)
            };
            Ok(Identity {
                device_id: r.get(0)?,
                name: r.get(1)?,
                sign_secret: secret(2)?,
                box_secret: secret(3)?,
                last_seq: r.get(4)?,
            })
        },
    )
    .map_err(db_err)
}

pub(super) fn random32() -> Result<Zeroizing<[u8; 32]>, Error> {
    let mut b = Zeroizing::new([0u8; 32]);
    getrandom::getrandom(&mut b[..]).map_err(|e| {
        Error::new(Code::Internal, format!("generatore casuale del sistema non disponibile: {e}"))
    })?;
    Ok(b)
}

// --- Apply -----------------------------------------------------------------------

/// The columns of a table as SQLite lists them (the changeset's order).
struct TableInfo {
    cols: Vec<String>,
    pk: Vec<bool>,
    /// `INSERT INTO table (every column) VALUES (?1, …)`.
    insert: String,
}

/// A table's columns in SQLite's order (a changeset's order), and which of
/// them make its primary key; none: no such table here.
pub(super) fn table_columns(conn: &Connection, table: &str) -> Result<(Vec<String>, Vec<bool>), Error> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT name, pk FROM pragma_table_info({})", quote_literal(table)))
        .map_err(db_err)?;
    let cols: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(db_err)?
        .collect::<Result<_, _>>()
        .map_err(db_err)?;
    Ok(cols.into_iter().map(|(name, pk)| (name, pk > 0)).unzip())
}

/// A reference of a table: (parent table, child columns, parent columns).
type ForeignKey = (String, Vec<String>, Vec<String>);

/// One row change read from a changeset.
pub(super) struct Change {
    pub(super) table: String,
    pub(super) op: Op,
    pub(super) pk: Vec<bool>,
    pub(super) old: Vec<Option<Value>>,
    pub(super) new: Vec<Option<Value>>,
}

/// Whether the transaction has foreign-key violations waiting for the
/// commit (deferred): SQLite keeps the count, `sqlite3_db_status`'s
/// `SQLITE_DBSTATUS_DEFERRED_FKS` tells whether it is zero.
fn deferred_violations(conn: &Connection) -> bool {
    let (mut current, mut high) = (0, 0);
    // SAFETY: a status read on the connection's own open handle, into two
    // integers owned here; it changes nothing.
    let rc = unsafe {
        rusqlite::ffi::sqlite3_db_status(
            conn.handle(),
            rusqlite::ffi::SQLITE_DBSTATUS_DEFERRED_FKS,
            &mut current,
            &mut high,
            0,
        )
    };
    // Unknown: check row by row, as if there were.
    rc != rusqlite::ffi::SQLITE_OK || current != 0
}

fn bad_changeset(e: rusqlite::Error) -> Error {
    refused(&format!("un insieme di cambiamenti non è leggibile ({e})"))
}

pub(super) fn read_changes(changeset: &[u8]) -> Result<Vec<Change>, Error> {
    read_changes_of(changeset, |_| true)
}

/// The UPDATEs of `changeset` only: the others are skipped before their
/// values are read (a package of new households is all INSERTs, and the
/// fields' history wants none of them).
pub(super) fn read_updates(changeset: &[u8]) -> Result<Vec<Change>, Error> {
    read_changes_of(changeset, |op| op == Op::SQLITE_UPDATE)
}

fn read_changes_of(changeset: &[u8], keep: impl Fn(Op) -> bool) -> Result<Vec<Change>, Error> {
    let mut input: &[u8] = changeset;
    let reader: &mut dyn Read = &mut input;
    let mut it = ChangesetIter::start_strm(&reader).map_err(bad_changeset)?;
    let mut out = Vec::new();
    while let Some(item) = it.next().map_err(bad_changeset)? {
        let op = item.op().map_err(bad_changeset)?;
        let code = op.code();
        if !keep(code) {
            continue;
        }
        let n = usize::try_from(op.number_of_columns()).unwrap_or(0);
        let table = op.table_name().to_string();
        let pk = item.pk().map_err(bad_changeset)?.iter().map(|b| *b != 0).collect();
        let mut old = Vec::with_capacity(n);
        let mut new = Vec::with_capacity(n);
        for i in 0..n {
            old.push(if code == Op::SQLITE_INSERT {
                None
            } else {
                item.old_value(i).ok().and_then(|v| Value::try_from(v).ok())
            });
            new.push(if code == Op::SQLITE_DELETE {
                None
            } else {
                item.new_value(i).ok().and_then(|v| Value::try_from(v).ok())
            });
        }
        out.push(Change { table, op: code, pk, old, new });
    }
    Ok(out)
}

fn count_changes(changeset: &[u8]) -> Result<u64, Error> {
    let mut input: &[u8] = changeset;
    let reader: &mut dyn Read = &mut input;
    let mut it = ChangesetIter::start_strm(&reader).map_err(bad_changeset)?;
    let mut n = 0;
    while it.next().map_err(bad_changeset)?.is_some() {
        n += 1;
    }
    Ok(n)
}

/// Columns that never conflict: who and when of the last change (the later
/// pair of the two stays, so replicas agree); search keys follow the names.
fn bookkeeping(col: &str) -> bool {
    matches!(col, "updated_at" | "updated_by")
}

/// Counts that only grow: how many numbers of a block of case numbers were
/// used (only the block's holder uses them, one at a time). A hub restored
/// from a backup records a device's block as the device has it now, and the
/// device then sends again each use it had made, older counts arriving over
/// a greater one (docs/sync.md, "Case numbers").
fn counter(table: &str, col: &str) -> bool {
    table == "case_blocks" && col == "used"
}

fn derived(table: &str, col: &str) -> bool {
    table == "members" && matches!(col, "last_first_key" | "first_last_key")
}

pub(super) fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

fn to_json(v: &Value) -> serde_json::Value {
    use base64::Engine;
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => (*i).into(),
        Value::Real(f) => serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into),
        Value::Text(s) => s.clone().into(),
        Value::Blob(b) => {
            serde_json::json!({ "base64": base64::engine::general_purpose::STANDARD.encode(b) })
        }
    }
}

pub(super) fn text(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s.clone()),
        Value::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

struct Merge<'a> {
    conn: &'a Connection,
    tables: HashMap<String, std::rc::Rc<TableInfo>>,
    /// Rows inserted by this import (table, rowid): what may be set aside
    /// as a conflict if it depends on a row that did not come.
    inserted: HashSet<(String, i64)>,
    fks: HashMap<String, Vec<ForeignKey>>,
    detected_at: &'a str,
    /// The sender is the hub: in a conflict its value replaces ours (kept in
    /// the conflict row), so every replica shows what the office has.
    theirs_wins: bool,
    /// Households inserted by this import (cases taken in charge there).
    new_cases: Vec<String>,
    /// This replica's id, and whether the entry being applied is one of
    /// its own changes coming back from the hub (an echo: applied only
    /// where our value is still the one it replaced, never a conflict).
    me: String,
    echo: bool,
}

/// A record's place in a conflict row: the entry its change came with,
/// its table and its key as people read it.
#[derive(Clone, Copy)]
struct Place<'r> {
    entry: &'r Entry,
    table: &'r str,
    record: &'r str,
}

/// One row change being merged, with what each step needs of it: where it
/// is (for a conflict), the change, the table's columns and the row's key.
#[derive(Clone, Copy)]
struct RowChange<'r> {
    at: Place<'r>,
    change: &'r Change,
    cols: &'r [String],
    keys: &'r [(String, Value)],
    /// The table's `INSERT` of every column (`TableInfo::insert`).
    insert: &'r str,
}

impl<'a> Merge<'a> {
    fn info(&mut self, table: &str) -> Result<std::rc::Rc<TableInfo>, Error> {
        if !self.tables.contains_key(table) {
            let (cols, pk) = table_columns(self.conn, table)?;
            if cols.is_empty() {
                return Err(refused(&format!(
                    "la tabella «{table}» non esiste in questa versione del database"
                )));
            }
            let insert = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                quote(table),
                cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", "),
                (1..=cols.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
            );
            let info = TableInfo { cols, pk, insert };
            self.tables.insert(table.to_string(), std::rc::Rc::new(info));
        }
        Ok(std::rc::Rc::clone(&self.tables[table]))
    }

    /// Applies one entry of another replica, captured as this replica's
    /// change with its origin (the hub forwards a device's changes).
    fn apply_captured(&mut self, e: &Entry, counts: &mut ImportCounts) -> Result<(), Error> {
        let capture = Capture::start(self.conn)?;
        self.inserted.clear();
        self.apply(e, &read_changes(&e.changeset)?, counts)?;
        self.settle_foreign_keys(e, counts)?;
        let stamp = match (&e.at, e.operator_id.as_deref().and_then(|o| o.parse::<Id>().ok())) {
            (Some(at), Some(by)) => Some(Stamp { at: at.clone(), by }),
            _ => None,
        };
        capture.finish(
            self.conn,
            stamp.as_ref(),
            Some((e.origin_device.as_str(), e.origin_name.as_str(), e.origin_seq)),
        )?;
        Ok(())
    }

    fn apply(&mut self, e: &Entry, changes: &[Change], counts: &mut ImportCounts) -> Result<(), Error> {
        // Only the hub sends a replica its own changes back (an echo); a
        // change of the hub's own arriving at the hub is one it lost to a
        // restore, returned by a device: applied as any other.
        self.echo = e.origin_device == self.me && self.theirs_wins;
        let returned = e.origin_device == self.me && !self.theirs_wins;
        for c in changes {
            if !synced(&c.table) {
                return Err(refused(&format!(
                    "cambiamento di una tabella che non si sincronizza («{}»)",
                    c.table
                )));
            }
            let info = self.info(&c.table)?;
            if info.cols.len() != c.pk.len() || info.pk != c.pk {
                return Err(refused(&format!(
                    "la tabella «{}» ha una forma diversa da quella del mittente: aggiornare Sportello su entrambi",
                    c.table
                )));
            }
            // (An echo never inserts: see `insert`.)
            // A restored hub's own change that a device gives back: its
            // blocks of case numbers come back only as the devices report
            // them (`case_numbers::record_reported`), cut out of the
            // reservation; a grant given back would meet the reservation.
            if returned && c.table == "case_blocks" {
                counts.already_applied += 1;
                continue;
            }
            if c.op == Op::SQLITE_INSERT && !self.echo {
                // The common case first: a row new here goes in as it came.
                // A row already here (its key) or a person already here (the
                // codice fiscale is UNIQUE) fails a constraint, which undoes
                // that statement alone; the careful path below then decides.
                let row = c.new.iter().map(|v| v.as_ref().unwrap_or(&Value::Null));
                match self
                    .conn
                    .prepare_cached(&info.insert)
                    .map_err(db_err)?
                    .execute(rusqlite::params_from_iter(row))
                {
                    Ok(_) => {
                        self.inserted.insert((c.table.clone(), self.conn.last_insert_rowid()));
                        if c.table == "households" {
                            let id = c.new.iter().zip(&c.pk).find(|(_, k)| **k).and_then(|(v, _)| v.as_ref());
                            if let Some(id) = id.and_then(text) {
                                self.new_cases.push(id);
                            }
                        }
                        counts.applied += 1;
                        continue;
                    }
                    Err(e) if is_constraint(&e) => {}
                    Err(e) => return Err(db_err(e)),
                }
            }
            let cols = info.cols.clone();
            let keys: Vec<(String, Value)> = (0..cols.len())
                .filter(|i| c.pk[*i])
                .map(|i| {
                    let v = if c.op == Op::SQLITE_INSERT { &c.new[i] } else { &c.old[i] };
                    v.clone()
                        .map(|v| (cols[i].clone(), v))
                        .ok_or_else(|| refused("chiave di una riga mancante"))
                })
                .collect::<Result<_, _>>()?;
            let record = match keys.as_slice() {
                [(_, v)] => text(v).unwrap_or_else(|| to_json(v).to_string()),
                many => serde_json::Value::Array(many.iter().map(|(_, v)| to_json(v)).collect()).to_string(),
            };
            let here = self.select(&c.table, &cols, &keys)?;
            let row = RowChange {
                at: Place { entry: e, table: &c.table, record: &record },
                change: c,
                cols: &cols,
                keys: &keys,
                insert: &info.insert,
            };
            match c.op {
                Op::SQLITE_INSERT => self.insert(row, here, counts)?,
                Op::SQLITE_UPDATE => match here {
                    Some(here) => self.update(row, &here, counts)?,
                    None if self.echo => counts.already_applied += 1,
                    None => {
                        // An edit of a row that is not here: deleted here (or
                        // never arrived). Kept, whole, for a person.
                        let theirs = changed_object(&cols, &c.new);
                        self.conflict(row.at, "*", "eliminato", &serde_json::Value::Null, &theirs)?;
                        counts.conflicts += 1;
                    }
                },
                Op::SQLITE_DELETE => self.delete(row, here, counts)?,
                _ => return Err(refused("tipo di cambiamento sconosciuto")),
            }
        }
        Ok(())
    }

    fn select(
        &self,
        table: &str,
        cols: &[String],
        keys: &[(String, Value)],
    ) -> Result<Option<Vec<Value>>, Error> {
        let sql = format!(
            "SELECT {} FROM {} WHERE {}",
            cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", "),
            quote(table),
            where_keys(keys, 1)
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(db_err)?;
        stmt.query_row(rusqlite::params_from_iter(keys.iter().map(|k| &k.1)), |r| {
            (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()
        })
        .optional()
        .map_err(db_err)
    }

    fn insert(
        &mut self,
        row: RowChange<'_>,
        here: Option<Vec<Value>>,
        counts: &mut ImportCounts,
    ) -> Result<(), Error> {
        let (c, cols) = (row.change, row.cols);
        let new: Vec<Value> = c.new.iter().map(|v| v.clone().unwrap_or(Value::Null)).collect();
        if self.echo {
            // Our own row: here as we left it, or deleted by us since.
            counts.already_applied += 1;
            return Ok(());
        }
        if let Some(here) = here {
            if here == new {
                counts.already_applied += 1;
                return Ok(());
            }
            // The same record made on both sides (a signature recorded at
            // the desk and on the laptop): every differing field is a
            // disagreement, there is no common old value to decide by.
            let unknown = vec![None; cols.len()];
            let change = Change {
                table: c.table.clone(),
                op: Op::SQLITE_UPDATE,
                pk: c.pk.clone(),
                old: unknown,
                new: c.new.clone(),
            };
            return self.update(RowChange { change: &change, ..row }, &here, counts);
        }
        // The same person (codice fiscale) in another record here: a probable
        // duplicate for a person to merge, never a second silent copy.
        if c.table == "members" {
            if let Some(cf) = cols.iter().position(|n| n == "codice_fiscale").and_then(|i| text(&new[i])) {
                let other: Option<Vec<Value>> = {
                    let sql = format!(
                        "SELECT {} FROM members WHERE codice_fiscale = ?1",
                        cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ")
                    );
                    self.conn
                        .prepare_cached(&sql)
                        .map_err(db_err)?
                        .query_row([cf], |r| (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect())
                        .optional()
                        .map_err(db_err)?
                };
                if let Some(other) = other {
                    let (ours, theirs) = (row_object(cols, &other), row_object(cols, &new));
                    self.conflict(row.at, "codice_fiscale", "duplicato", &ours, &theirs)?;
                    counts.duplicates += 1;
                    return Ok(());
                }
            }
        }
        let done = self
            .conn
            .prepare_cached(row.insert)
            .map_err(db_err)?
            .execute(rusqlite::params_from_iter(new.iter()));
        match done {
            Ok(_) => {
                self.inserted.insert((c.table.clone(), self.conn.last_insert_rowid()));
                if c.table == "households" {
                    self.new_cases.push(row.at.record.to_string());
                }
                counts.applied += 1;
            }
            Err(e) if is_constraint(&e) => {
                let why = serde_json::Value::String(e.to_string());
                self.conflict(row.at, "*", "vincolo", &why, &row_object(cols, &new))?;
                counts.conflicts += 1;
            }
            Err(e) => return Err(db_err(e)),
        }
        Ok(())
    }

    fn update(&mut self, row: RowChange<'_>, here: &[Value], counts: &mut ImportCounts) -> Result<(), Error> {
        let (c, cols, keys) = (row.change, row.cols, row.keys);
        let mut sets: Vec<(usize, Value)> = Vec::new();
        let mut conflicts = 0u64;
        for i in 0..cols.len() {
            let Some(new) = &c.new[i] else { continue };
            if c.pk[i] || bookkeeping(&cols[i]) || derived(&c.table, &cols[i]) || &here[i] == new {
                continue;
            }
            if counter(&c.table, &cols[i]) {
                // A count that only grows: the greater value stands, never
                // a conflict (replicas agree whatever the order of arrival).
                if let (Value::Integer(theirs), Value::Integer(ours)) = (new, &here[i]) {
                    if theirs > ours {
                        sets.push((i, new.clone()));
                    }
                    continue;
                }
            }
            if c.old[i].as_ref() == Some(&here[i]) {
                sets.push((i, new.clone()));
            } else if self.echo {
                // Our own change, here since replaced by a newer one of ours.
                continue;
            } else {
                self.conflict(row.at, &cols[i], "campo", &to_json(&here[i]), &to_json(new))?;
                conflicts += 1;
                if self.theirs_wins {
                    sets.push((i, new.clone()));
                }
            }
        }
        // Who and when of the last change never conflict: each replica keeps
        // the later pair of the two (a register of the greatest value), so
        // every replica ends with the same, whatever the order of arrival.
        if let (Some(at), Some(by)) =
            (cols.iter().position(|n| n == "updated_at"), cols.iter().position(|n| n == "updated_by"))
        {
            if let Some(new_at) = &c.new[at] {
                let new_by = c.new[by].clone().unwrap_or_else(|| here[by].clone());
                let theirs = (text(new_at), text(&new_by));
                let ours = (text(&here[at]), text(&here[by]));
                if theirs > ours {
                    sets.push((at, new_at.clone()));
                    sets.push((by, new_by));
                }
            }
        }
        let mut merged: Vec<Value> = here.to_vec();
        for (i, v) in &sets {
            merged[*i] = v.clone();
        }
        if c.table == "members" {
            let get = |n: &str| cols.iter().position(|c| c == n);
            if let (Some(f), Some(l), Some(lf), Some(fl)) =
                (get("first_name"), get("last_name"), get("last_first_key"), get("first_last_key"))
            {
                let (first, last) =
                    (text(&merged[f]).unwrap_or_default(), text(&merged[l]).unwrap_or_default());
                for (i, key) in [
                    (lf, super::search::fold(&format!("{last}{first}"))),
                    (fl, super::search::fold(&format!("{first}{last}"))),
                ] {
                    if merged[i] != Value::Text(key.clone()) {
                        sets.push((i, Value::Text(key)));
                    }
                }
            }
        }
        let fields_applied =
            sets.iter().any(|(i, _)| !bookkeeping(&cols[*i]) && !derived(&c.table, &cols[*i]));
        if !sets.is_empty() {
            let sql = format!(
                "UPDATE {} SET {} WHERE {}",
                quote(&c.table),
                sets.iter()
                    .enumerate()
                    .map(|(n, (i, _))| format!("{} = ?{}", quote(&cols[*i]), n + 1))
                    .collect::<Vec<_>>()
                    .join(", "),
                where_keys(keys, sets.len() + 1)
            );
            let values = sets.iter().map(|(_, v)| v).chain(keys.iter().map(|k| &k.1));
            match self.conn.prepare_cached(&sql).map_err(db_err)?.execute(rusqlite::params_from_iter(values))
            {
                Ok(_) => {}
                Err(e) if is_constraint(&e) => {
                    let theirs = changed_object(cols, &c.new);
                    let kind = if c.table == "members" && e.to_string().contains("codice_fiscale") {
                        "duplicato"
                    } else {
                        "vincolo"
                    };
                    self.conflict(row.at, "*", kind, &row_object(cols, here), &theirs)?;
                    if kind == "duplicato" {
                        counts.duplicates += 1;
                    } else {
                        counts.conflicts += 1;
                    }
                    counts.conflicts += conflicts;
                    return Ok(());
                }
                Err(e) => return Err(db_err(e)),
            }
        }
        counts.conflicts += conflicts;
        if fields_applied {
            counts.applied += 1;
        } else if conflicts == 0 {
            counts.already_applied += 1;
        }
        Ok(())
    }

    fn delete(
        &mut self,
        row: RowChange<'_>,
        here: Option<Vec<Value>>,
        counts: &mut ImportCounts,
    ) -> Result<(), Error> {
        let (c, cols, keys) = (row.change, row.cols, row.keys);
        let Some(here) = here else {
            counts.already_applied += 1;
            return Ok(());
        };
        if self.echo {
            // Our own deletion, the row made again here since.
            counts.already_applied += 1;
            return Ok(());
        }
        let gone = serde_json::Value::Null;
        if FACT_TABLES.contains(&c.table.as_str()) {
            self.conflict(row.at, "*", "fatto", &row_object(cols, &here), &gone)?;
            counts.conflicts += 1;
            return Ok(());
        }
        let unchanged = (0..cols.len()).all(|i| {
            bookkeeping(&cols[i]) || derived(&c.table, &cols[i]) || c.old[i].as_ref() == Some(&here[i])
        });
        if !unchanged {
            // Deleted there, changed here: kept in the conflict row; the row
            // stays unless the hub deleted it (the hub's state stands).
            self.conflict(row.at, "*", "eliminato", &row_object(cols, &here), &gone)?;
            counts.conflicts += 1;
            if !self.theirs_wins {
                return Ok(());
            }
        }
        let sql = format!("DELETE FROM {} WHERE {}", quote(&c.table), where_keys(keys, 1));
        match self
            .conn
            .prepare_cached(&sql)
            .map_err(db_err)?
            .execute(rusqlite::params_from_iter(keys.iter().map(|k| &k.1)))
        {
            Ok(_) if unchanged => counts.applied += 1,
            Ok(_) => {}
            Err(e) if is_constraint(&e) => {
                self.conflict(row.at, "*", "vincolo", &row_object(cols, &here), &gone)?;
                counts.conflicts += 1;
            }
            Err(e) => return Err(db_err(e)),
        }
        Ok(())
    }

    fn conflict(
        &self,
        at: Place<'_>,
        field: &str,
        kind: &str,
        ours: &serde_json::Value,
        theirs: &serde_json::Value,
    ) -> Result<(), Error> {
        let e = at.entry;
        self.conn
            .prepare_cached(
                "INSERT INTO sync_conflicts (id, table_name, record, field, kind, ours, theirs, device_id, device_name,
                    origin_seq, operator_id, changed_at, detected_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )
            .map_err(db_err)?
            .execute(params![
                Id::new().to_string(),
                at.table,
                at.record,
                field,
                kind,
                ours.to_string(),
                theirs.to_string(),
                e.origin_device,
                e.origin_name,
                e.origin_seq,
                e.operator_id,
                e.at,
                self.detected_at
            ])
            .map_err(db_err)?;
        Ok(())
    }

    /// Rows inserted by this entry whose parent did not come (set aside as a
    /// duplicate or a conflict) are set aside too, whole, as conflicts:
    /// nothing is lost and nothing dangles. Checked row by row through the
    /// parents' keys (never a scan of a whole table), inside the entry's
    /// capture, so what is forwarded is what stood. A broken reference left
    /// in rows that were here already fails the commit (deferred foreign
    /// keys), and the package is refused.
    fn settle_foreign_keys(&mut self, entry: &Entry, counts: &mut ImportCounts) -> Result<(), Error> {
        // No reference outstanding in the whole transaction: no inserted row
        // is an orphan, and the checks row by row are not needed.
        if self.inserted.is_empty() || !deferred_violations(self.conn) {
            return Ok(());
        }
        loop {
            let mut orphans = Vec::new();
            let inserted: Vec<(String, i64)> = self.inserted.iter().cloned().collect();
            for (table, rowid) in &inserted {
                for (parent, from, to) in self.foreign_keys(table)? {
                    let sql = format!(
                        "SELECT NOT EXISTS (SELECT 1 FROM {p} WHERE {cond}) FROM {t} AS c WHERE c.rowid = ?1 AND {notnull}",
                        p = quote(&parent),
                        cond = from.iter().zip(&to).map(|(f, t)| format!("{}.{} = c.{}", quote(&parent), quote(t), quote(f))).collect::<Vec<_>>().join(" AND "),
                        t = quote(table),
                        notnull = from.iter().map(|f| format!("c.{} IS NOT NULL", quote(f))).collect::<Vec<_>>().join(" AND "),
                    );
                    let missing: Option<bool> = self
                        .conn
                        .prepare_cached(&sql)
                        .map_err(db_err)?
                        .query_row([rowid], |r| r.get(0))
                        .optional()
                        .map_err(db_err)?;
                    if missing == Some(true) {
                        orphans.push((table.clone(), *rowid, parent));
                        break;
                    }
                }
            }
            if orphans.is_empty() {
                return Ok(());
            }
            // The other rows of this import, read before the deletions below:
            // a row set aside takes with it the rows that refer to it (ON
            // DELETE CASCADE: a project's commitments), which must be set
            // aside too, not vanish (found by the simulation).
            let mut others = Vec::new();
            for (table, rowid) in self.inserted.iter().cloned().collect::<Vec<_>>() {
                if orphans.iter().any(|o| o.0 == table && o.1 == rowid) {
                    continue;
                }
                let row = self.row_by_rowid(&table, rowid)?;
                others.push((table, rowid, row));
            }
            let first_parent = orphans[0].0.clone();
            // Every orphan read before any is deleted: deleting one may take
            // another with it (ON DELETE CASCADE), which is still set aside
            // with the row it had.
            let mut read = Vec::new();
            for (table, rowid, parent) in orphans {
                let row = self.row_by_rowid(&table, rowid)?;
                read.push((table, rowid, parent, row));
            }
            for (table, rowid, parent, row) in read {
                self.inserted.remove(&(table.clone(), rowid));
                let cols = self.info(&table)?.cols.clone();
                self.conn
                    .execute(&format!("DELETE FROM {} WHERE rowid = ?1", quote(&table)), [rowid])
                    .map_err(db_err)?;
                counts.applied = counts.applied.saturating_sub(1);
                counts.conflicts += 1;
                let record = self.record_of(&table, &cols, &row)?;
                let why = serde_json::Value::String(format!("manca la riga di {parent} a cui si riferisce"));
                let at = Place { entry, table: &table, record: &record };
                self.conflict(at, "*", "vincolo", &why, &row_object(&cols, &row))?;
            }
            for (table, rowid, row) in others {
                let gone: bool = self
                    .conn
                    .query_row(
                        &format!("SELECT NOT EXISTS (SELECT 1 FROM {} WHERE rowid = ?1)", quote(&table)),
                        [rowid],
                        |r| r.get(0),
                    )
                    .map_err(db_err)?;
                if !gone {
                    continue;
                }
                self.inserted.remove(&(table.clone(), rowid));
                counts.applied = counts.applied.saturating_sub(1);
                counts.conflicts += 1;
                let cols = self.info(&table)?.cols.clone();
                let record = self.record_of(&table, &cols, &row)?;
                let why = serde_json::Value::String(format!(
                    "manca la riga di {first_parent} (o di una tabella collegata) a cui si riferisce"
                ));
                let at = Place { entry, table: &table, record: &record };
                self.conflict(at, "*", "vincolo", &why, &row_object(&cols, &row))?;
            }
        }
    }

    fn row_by_rowid(&mut self, table: &str, rowid: i64) -> Result<Vec<Value>, Error> {
        let cols = self.info(table)?.cols.clone();
        self.conn
            .query_row(
                &format!(
                    "SELECT {} FROM {} WHERE rowid = ?1",
                    cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", "),
                    quote(table)
                ),
                [rowid],
                |r| (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect(),
            )
            .map_err(db_err)
    }

    /// The foreign keys of `table`: (parent, child columns, parent columns).
    fn foreign_keys(&mut self, table: &str) -> Result<Vec<ForeignKey>, Error> {
        if let Some(f) = self.fks.get(table) {
            return Ok(f.clone());
        }
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list({}) ORDER BY id, seq",
                quote_literal(table)
            ))
            .map_err(db_err)?;
        let rows: Vec<(i64, String, String, Option<String>)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(db_err)?
            .collect::<Result<_, _>>()
            .map_err(db_err)?;
        let mut out: Vec<(i64, String, Vec<String>, Vec<String>)> = Vec::new();
        for (id, parent, from, to) in rows {
            // A reference without named columns is to the parent's primary key.
            let to = match to {
                Some(t) => t,
                None => {
                    let info = self.info(&parent)?;
                    let n = out.iter().find(|o| o.0 == id).map_or(0, |o| o.2.len());
                    info.cols
                        .iter()
                        .zip(&info.pk)
                        .filter(|(_, k)| **k)
                        .nth(n)
                        .map(|(c, _)| c.clone())
                        .unwrap_or_default()
                }
            };
            match out.iter_mut().find(|o| o.0 == id) {
                Some(o) => {
                    o.2.push(from);
                    o.3.push(to);
                }
                None => out.push((id, parent, vec![from], vec![to])),
            }
        }
        let out: Vec<_> = out.into_iter().map(|(_, p, f, t)| (p, f, t)).collect();
        self.fks.insert(table.to_string(), out.clone());
        Ok(out)
    }

    fn record_of(&mut self, table: &str, cols: &[String], row: &[Value]) -> Result<String, Error> {
        let pk = self.info(table)?.pk.clone();
        let keys: Vec<&Value> = (0..cols.len()).filter(|i| pk[*i]).map(|i| &row[i]).collect();
        Ok(match keys.as_slice() {
            [v] => text(v).unwrap_or_else(|| to_json(v).to_string()),
            many => serde_json::Value::Array(many.iter().map(|v| to_json(v)).collect()).to_string(),
        })
    }
}

fn where_keys(keys: &[(String, Value)], first: usize) -> String {
    keys.iter()
        .enumerate()
        .map(|(n, (c, _))| format!("{} = ?{}", quote(c), first + n))
        .collect::<Vec<_>>()
        .join(" AND ")
}

fn quote_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn row_object(cols: &[String], row: &[Value]) -> serde_json::Value {
    serde_json::Value::Object(cols.iter().zip(row).map(|(c, v)| (c.clone(), to_json(v))).collect())
}

fn changed_object(cols: &[String], new: &[Option<Value>]) -> serde_json::Value {
    serde_json::Value::Object(
        cols.iter().zip(new).filter_map(|(c, v)| v.as_ref().map(|v| (c.clone(), to_json(v)))).collect(),
    )
}

fn is_constraint(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
}
