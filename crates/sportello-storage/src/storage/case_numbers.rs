//! Case numbers across an office (docs/sync.md, "Case numbers"): the hub
//! grants each replica blocks of numbers ahead of time (`case_blocks`, a
//! table that travels), so a number given on a laptop offline is final; a
//! replica with no number left in the year takes a PROVISIONAL one, which
//! the hub replaces with a final number when the case reaches it.
//!
//! Who is the hub: the replica that has no hub among its peers (a database
//! alone is its own office's hub). Only the hub grants blocks and gives
//! final numbers to provisional cases, so two grants can never overlap.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::search::fold_code;
use super::{db_err, Storage};
use crate::domain::{CaseNumber, Id};
use crate::error::{Code, Error};
use crate::sync::BlockReport;

/// The highest sequence of a year (`AAAA/NNNNNN`).
const LAST_OF_YEAR: i64 = 999_999;

/// The holder of the numbers a restored hub skips (see
/// [`Storage::case_blocks_reserve_after_restore`]): no device has this id.
pub const RESERVED_AFTER_RESTORE: &str = "riservati-dopo-ripristino";

/// The number a new case gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseNumbering {
    /// From a block of this replica: final, printable.
    Final(CaseNumber),
    /// No number left in the year: `2026/P000001-3f9a2c81` (the year, this
    /// replica's count of provisional numbers, the end of its id, so two
    /// devices never write the same text), made final by the hub.
    Provisional { year: i32, text: String },
}

impl CaseNumbering {
    pub fn text(&self) -> String {
        match self {
            CaseNumbering::Final(c) => c.to_string(),
            CaseNumbering::Provisional { text, .. } => text.clone(),
        }
    }
    pub fn year(&self) -> i32 {
        match self {
            CaseNumbering::Final(c) => c.year,
            CaseNumbering::Provisional { year, .. } => *year,
        }
    }
    /// The sequence searched by digits: none (0) for a provisional number,
    /// so typing "1" does not find it as case 1.
    pub fn seq(&self) -> i64 {
        match self {
            CaseNumbering::Final(c) => i64::from(c.seq),
            CaseNumbering::Provisional { .. } => 0,
        }
    }
    pub fn provisional(&self) -> bool {
        matches!(self, CaseNumbering::Provisional { .. })
    }
    pub fn key(&self) -> String {
        fold_code(&self.text())
    }
}

/// The office's setting: how many numbers a block holds, and below how many
/// left the hub grants the next one (the `office` row; schema 9 says why
/// 200 and 50).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct BlockPolicy {
    pub block_size: i64,
    pub refill_below: i64,
}

/// A block as the office sees it (`sportello device numbers`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BlockRow {
    /// The replica's name (this one's, a peer's, or its id when unknown here).
    pub device: String,
    pub device_id: String,
    pub year: i32,
    pub first: i64,
    pub last: i64,
    pub used: i64,
}

/// A block granted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Grant {
    pub device_id: String,
    pub year: i32,
    pub first: i64,
    pub last: i64,
}

pub(super) fn my_device_id(conn: &Connection) -> Result<String, Error> {
    conn.query_row("SELECT device_id FROM sync_device WHERE id = 1", [], |r| r.get(0)).map_err(db_err)
}

/// Whether this replica is its office's hub (no hub among its peers).
pub(super) fn is_hub(conn: &Connection) -> Result<bool, Error> {
    conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM sync_peers WHERE hub = 1)", [], |r| r.get(0))
        .map_err(db_err)
}

pub(super) fn policy(conn: &Connection) -> Result<BlockPolicy, Error> {
    let found = conn
        .query_row("SELECT case_block_size, case_block_refill_below FROM office WHERE id = 1", [], |r| {
            Ok(BlockPolicy { block_size: r.get(0)?, refill_below: r.get(1)? })
        })
        .optional()
        .map_err(db_err)?;
    Ok(found.unwrap_or(BlockPolicy { block_size: 200, refill_below: 50 }))
}

/// Grants `device` the next `size` numbers of `year` (the hub only: the
/// caller checks). Numbers of a year are handed out from the end of the last
/// block granted, so blocks never overlap.
pub(super) fn grant(conn: &Connection, device: &str, year: i32, size: i64, at: &str) -> Result<Grant, Error> {
    let first: i64 = conn
        .query_row("SELECT coalesce(max(last), 0) + 1 FROM case_blocks WHERE year = ?1", [year], |r| r.get(0))
        .map_err(db_err)?;
    if first > LAST_OF_YEAR {
        return Err(Error::new(
            Code::Conflict,
            format!("I numeri di fascicolo del {year} sono esauriti (fino a {year}/{LAST_OF_YEAR:06})"),
        ));
    }
    let last = (first + size.max(1) - 1).min(LAST_OF_YEAR);
    conn.prepare_cached(
        "INSERT INTO case_blocks (id, device_id, year, first, last, used, granted_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
    )
    .map_err(db_err)?
    .execute(params![Id::new().to_string(), device, year, first, last, at])
    .map_err(db_err)?;
    Ok(Grant { device_id: device.to_string(), year, first, last })
}

/// Numbers of `year` still free in the blocks of `device`, as this replica
/// knows them (at the hub: as of the device's last package).
pub(super) fn remaining(conn: &Connection, device: &str, year: i32) -> Result<i64, Error> {
    conn.query_row(
        "SELECT coalesce(sum(last - first + 1 - used), 0) FROM case_blocks WHERE device_id = ?1 AND year = ?2",
        params![device, year],
        |r| r.get(0),
    )
    .map_err(db_err)
}

/// Takes the next free number of `year` from this replica's blocks; the hub
/// grants itself a new block when its own are used up. `None`: a device
/// with nothing left in the year.
fn take_final(conn: &Connection, year: i32, at: &str) -> Result<Option<CaseNumber>, Error> {
    let me = my_device_id(conn)?;
    let mut block: Option<(String, i64)> = conn
        .prepare_cached(
            "SELECT id, first + used FROM case_blocks WHERE device_id = ?1 AND year = ?2 AND used < last - first + 1
             ORDER BY first LIMIT 1",
        )
        .map_err(db_err)?
        .query_row(params![me, year], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(db_err)?;
    if block.is_none() && is_hub(conn)? {
        let g = grant(conn, &me, year, policy(conn)?.block_size, at)?;
        block = conn
            .query_row(
                "SELECT id, first FROM case_blocks WHERE year = ?1 AND first = ?2",
                params![year, g.first],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(db_err)?;
    }
    let Some((id, n)) = block else { return Ok(None) };
    conn.prepare_cached("UPDATE case_blocks SET used = used + 1 WHERE id = ?1")
        .map_err(db_err)?
        .execute([&id])
        .map_err(db_err)?;
    let seq = u32::try_from(n).map_err(|_| Error::new(Code::Internal, "numero di fascicolo fuori misura"))?;
    Ok(Some(CaseNumber { year, seq }))
}

/// The number of a new case of `year`, taken in the caller's transaction (a
/// rolled-back save gives it back).
pub(super) fn next(conn: &Connection, year: i32, at: &str) -> Result<CaseNumbering, Error> {
    if let Some(c) = take_final(conn, year, at)? {
        return Ok(CaseNumbering::Final(c));
    }
    let n: i64 = conn
        .query_row(
            "INSERT INTO case_counters (year, last) VALUES (?1, 1)
             ON CONFLICT(year) DO UPDATE SET last = last + 1 RETURNING last",
            [year],
            |r| r.get(0),
        )
        .map_err(db_err)?;
    let me = my_device_id(conn)?;
    let tag: String = me.chars().filter(char::is_ascii_hexdigit).collect();
    let tag = &tag[tag.len().saturating_sub(8)..];
    Ok(CaseNumbering::Provisional { year, text: format!("{year:04}/P{n:06}-{tag}") })
}

/// At the hub: every case still under a provisional number gets a final one
/// of its year from the hub's own numbers, oldest case first. The case's
/// `updated_at` is left alone: a renumbering is not an edit of the family's
/// data and must not turn an open form's save into a conflict. Returns how
/// many were renumbered.
pub(super) fn finalize_provisional(conn: &Connection, at: &str) -> Result<u64, Error> {
    let waiting: Vec<(String, i32)> = {
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, case_year FROM households WHERE case_provisional = 1 ORDER BY created_at, id",
            )
            .map_err(db_err)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)?
    };
    let mut done = 0;
    for (id, year) in waiting {
        let Some(c) = take_final(conn, year, at)? else {
            return Err(Error::new(
                Code::Internal,
                "la sede centrale non ha numeri di fascicolo da assegnare",
            ));
        };
        let n = CaseNumbering::Final(c);
        conn.prepare_cached(
            "UPDATE households SET case_number = ?2, case_seq = ?3, case_key = ?4, case_provisional = 0 WHERE id = ?1",
        )
        .map_err(db_err)?
        .execute(params![id, n.text(), n.seq(), n.key()])
        .map_err(db_err)?;
        done += 1;
    }
    Ok(done)
}

/// The numbers a restored hub skips: see [`Storage::case_blocks_reserve_after_restore`].
fn reserve_after_restore(conn: &Connection, year: i32, at: &str) -> Result<Option<Grant>, Error> {
    if !is_hub(conn)? {
        return Ok(None);
    }
    let p = policy(conn)?;
    let devices: i64 = conn
        .query_row("SELECT count(*) FROM sync_peers WHERE hub = 0 AND revoked_at IS NULL", [], |r| r.get(0))
        .map_err(db_err)?;
    let g = grant(conn, RESERVED_AFTER_RESTORE, year, p.block_size * (devices + 1) * 4, at)?;
    conn.execute(
        "UPDATE case_blocks SET used = last - first + 1 WHERE device_id = ?1 AND year = ?2 AND first = ?3",
        params![RESERVED_AFTER_RESTORE, year, g.first],
    )
    .map_err(db_err)?;
    Ok(Some(g))
}

/// Whether a block as a device reported it can be one the hub granted.
fn well_formed(b: &BlockReport) -> bool {
    b.id.parse::<Id>().is_ok()
        && (1900..=9999).contains(&b.year)
        && 1 <= b.first
        && b.first <= b.last
        && b.last <= LAST_OF_YEAR
        && (0..=b.last - b.first + 1).contains(&b.used)
        && !b.granted_at.is_empty()
}

/// At the hub: the blocks of case numbers the device `device` reports as
/// its own (every package of a device to its hub carries them). A block the
/// hub does not know is one it granted after the backup it was restored
/// from: it is recorded again, as the hub's own change (the grant it was,
/// travelling again to whoever holds that device's blocks), and cut out of
/// the numbers the restore reserved ([`RESERVED_AFTER_RESTORE`], the hub's
/// own bookkeeping, which never travels: not captured). The device's later
/// use of the block then arrives as an ordinary change of a row the hub
/// has. Not recorded: a block the hub knows (by its id), one not well
/// formed, one overlapping another device's block (numbers given twice
/// cannot be made right here: the device's use of it then arrives as a
/// conflict for a person). Returns how many were recorded.
pub(super) fn record_reported(
    conn: &Connection,
    device: &str,
    blocks: &[BlockReport],
    stamp: &super::Stamp,
) -> Result<usize, Error> {
    if blocks.is_empty() || !is_hub(conn)? {
        return Ok(0);
    }
    let mut new = Vec::new();
    for b in blocks.iter().filter(|b| well_formed(b)) {
        let (known, taken): (bool, bool) = conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM case_blocks WHERE id = ?1),
                        EXISTS (SELECT 1 FROM case_blocks WHERE year = ?2 AND device_id <> ?3
                                AND first <= ?5 AND last >= ?4)",
            )
            .map_err(db_err)?
            .query_row(params![b.id, b.year, RESERVED_AFTER_RESTORE, b.first, b.last], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(db_err)?;
        if known || taken {
            continue;
        }
        carve_reserved(conn, b)?;
        new.push(b);
    }
    if new.is_empty() {
        return Ok(0);
    }
    let capture = super::sync::Capture::start(conn)?;
    for b in &new {
        conn.prepare_cached(
            "INSERT INTO case_blocks (id, device_id, year, first, last, used, granted_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .map_err(db_err)?
        .execute(params![b.id, device, b.year, b.first, b.last, b.used, b.granted_at])
        .map_err(db_err)?;
    }
    capture.finish(conn, Some(stamp), None)?;
    Ok(new.len())
}

/// Takes the numbers of `b` out of the reserved blocks of its year: what is
/// left of each on either side stays reserved, all used.
fn carve_reserved(conn: &Connection, b: &BlockReport) -> Result<(), Error> {
    let reserved: Vec<(String, i64, i64, String)> = {
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, first, last, granted_at FROM case_blocks
                 WHERE device_id = ?1 AND year = ?2 AND first <= ?4 AND last >= ?3 ORDER BY first",
            )
            .map_err(db_err)?;
        let rows = stmt
            .query_map(params![RESERVED_AFTER_RESTORE, b.year, b.first, b.last], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .map_err(db_err)?;
        rows.collect::<Result<_, _>>().map_err(db_err)?
    };
    for (id, first, last, granted_at) in reserved {
        conn.execute("DELETE FROM case_blocks WHERE id = ?1", [&id]).map_err(db_err)?;
        for (from, to) in [(first, b.first - 1), (b.last + 1, last)] {
            if from <= to {
                conn.execute(
                    "INSERT INTO case_blocks (id, device_id, year, first, last, used, granted_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?5 - ?4 + 1, ?6)",
                    params![Id::new().to_string(), RESERVED_AFTER_RESTORE, b.year, from, to, granted_at],
                )
                .map_err(db_err)?;
            }
        }
    }
    Ok(())
}

impl Storage {
    /// After this database was put back from a backup: if it is the hub,
    /// the blocks it granted after that backup are unknown to it, and
    /// granting those numbers again would give one number to two families
    /// of the office. So the next grants of `year` skip a margin, reserved
    /// here as a block of nobody's, all used ([`RESERVED_AFTER_RESTORE`]):
    /// four blocks for each device and the hub itself, more than a week's
    /// refills of an office between a backup and its restore. A device's
    /// numbers come from the hub: nothing to do there.
    ///
    /// Not captured: the reservation is the hub's own bookkeeping and never
    /// travels. A device holds a block granted after the backup, whose
    /// numbers the reservation covers (and whose first number it may share,
    /// which the table's `UNIQUE (year, first)` refuses); the device reports
    /// it, and the hub cuts it out of the reservation ([`record_reported`]).
    pub fn case_blocks_reserve_after_restore(&self, year: i32, at: &str) -> Result<Option<Grant>, Error> {
        let mut conn =
            self.conn.lock().map_err(|_| Error::new(Code::Internal, "connessione non disponibile"))?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db_err)?;
        let g = reserve_after_restore(&tx, year, at)?;
        // Every device is asked, at its next exchange, to send again from
        // what this hub has (docs/sync.md, "The hub restored from a backup").
        if is_hub(&tx)? {
            tx.execute(
                "UPDATE sync_peers SET resend_after_restore = 1 WHERE hub = 0 AND revoked_at IS NULL",
                [],
            )
            .map_err(db_err)?;
        }
        tx.commit().map_err(db_err)?;
        Ok(g)
    }
}

impl super::Tx<'_> {
    /// The number of a new case opened in `year` ([`next`]).
    pub fn next_case_number(&self, year: i32, at: &str) -> Result<CaseNumbering, Error> {
        next(&self.tx, year, at)
    }

    /// At the hub, before making a package for `device`: a new block of
    /// `year` when the device has fewer numbers left than the office's
    /// threshold (as far as the hub knows: as of the device's last package).
    /// The grant is an ordinary change, so the package carries it. Nothing
    /// on a replica that is not the hub.
    pub fn case_blocks_refill(&self, device: &str, year: i32, at: &str) -> Result<Option<Grant>, Error> {
        if !is_hub(&self.tx)? {
            return Ok(None);
        }
        let p = policy(&self.tx)?;
        if remaining(&self.tx, device, year)? >= p.refill_below {
            return Ok(None);
        }
        grant(&self.tx, device, year, p.block_size, at).map(Some)
    }

    /// Whether this replica is its office's hub.
    pub fn sync_is_hub(&self) -> Result<bool, Error> {
        is_hub(&self.tx)
    }

    /// Every block known here, by year, device and first number.
    pub fn case_blocks(&self) -> Result<Vec<BlockRow>, Error> {
        self.rows(
            "SELECT coalesce(p.name, CASE WHEN b.device_id = d.device_id THEN d.name END, b.device_id),
                    b.device_id, b.year, b.first, b.last, b.used
             FROM case_blocks b JOIN sync_device d ON d.id = 1
             LEFT JOIN sync_peers p ON p.device_id = b.device_id
             ORDER BY b.year, 1, b.first",
            [],
            |r| {
                Ok(BlockRow {
                    device: r.get(0)?,
                    device_id: r.get(1)?,
                    year: r.get(2)?,
                    first: r.get(3)?,
                    last: r.get(4)?,
                    used: r.get(5)?,
                })
            },
        )
    }

    /// The office's block size and refill threshold.
    pub fn case_block_policy(&self) -> Result<BlockPolicy, Error> {
        policy(&self.tx)
    }

    /// Changes the office's block size and refill threshold.
    pub fn case_block_policy_set(&self, p: &BlockPolicy) -> Result<(), Error> {
        self.tx
            .execute(
                "UPDATE office SET case_block_size = ?1, case_block_refill_below = ?2 WHERE id = 1",
                params![p.block_size, p.refill_below],
            )
            .map_err(db_err)?;
        Ok(())
    }
}
