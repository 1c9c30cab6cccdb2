-- Schema 9 (issue 11, docs/sync.md): case numbers in blocks granted by the hub,
-- provisional numbers, and the audit chain of every device kept at the hub.

-- Blocks of case numbers: the numbers `first`..`last` of `year` belong to the
-- replica `device_id` (its `sync_device.device_id`), which has used the first
-- `used` of them. Only the hub writes new rows (it grants its own blocks and
-- the devices'); only the owner raises `used`. The table travels like the
-- families' data: a grant reaches the device as an ordinary change, and the
-- device's use reaches the hub the same way, which is how the hub knows
-- when a device is running low. Blocks of one year never overlap: the hub
-- hands out each year's numbers from the end of the last block it granted.
CREATE TABLE case_blocks (
    id         TEXT PRIMARY KEY,
    device_id  TEXT NOT NULL,
    year       INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    first      INTEGER NOT NULL CHECK (first >= 1),
    last       INTEGER NOT NULL CHECK (last >= first AND last <= 999999),
    used       INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= last - first + 1),
    granted_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX case_blocks_range ON case_blocks(year, first);
CREATE INDEX case_blocks_device ON case_blocks(device_id, year);

-- The numbers given so far become a block of this replica, all used: before
-- this schema every database numbered alone (no device was enrolled yet).
INSERT INTO case_blocks (id, device_id, year, first, last, used, granted_at)
SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
       substr(lower(hex(randomblob(2))), 2) || '-' ||
       substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' ||
       lower(hex(randomblob(6))),
       (SELECT device_id FROM sync_device WHERE id = 1), year, 1, last, last,
       strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM case_counters WHERE last >= 1;

-- From now on `case_counters` counts this replica's PROVISIONAL numbers of
-- each year (a device with no block left): they never leave the replica as
-- a count, only as the numbers written on its households.
DELETE FROM case_counters;

-- A provisional case number (`2026/P000001-3f9a2c81`: the year, this device's
-- count, the end of its id) is shown as provvisorio, replaced by the hub's
-- final number at the next contact, and nothing is printed with it. Its text
-- keeps `case_number` UNIQUE across the office (two devices never write the
-- same one), so that constraint stays as it is.
ALTER TABLE households ADD COLUMN case_provisional INTEGER NOT NULL DEFAULT 0
    CHECK (case_provisional IN (0, 1));

-- How many numbers the hub grants at a time, and below how many left it
-- grants the next block: the office's setting (it travels with the office's
-- row). Why 200 and 50: an outreach worker takes in charge a few families a
-- week, so 200 numbers last months offline, and a refill at 50 left comes
-- weeks before the end; a year has 999,999 numbers, so a dozen devices
-- holding 200-400 each waste nothing that matters (unused numbers are gaps,
-- as a cancelled case leaves).
ALTER TABLE office ADD COLUMN case_block_size INTEGER NOT NULL DEFAULT 200
    CHECK (case_block_size BETWEEN 10 AND 100000);
ALTER TABLE office ADD COLUMN case_block_refill_below INTEGER NOT NULL DEFAULT 50
    CHECK (case_block_refill_below >= 1);

-- The audit chain of each device, as it arrived at the hub: the device's own
-- rows (seq, hashes) unchanged, keyed by device and row, so two devices'
-- rows never collide and a row arriving twice is stored once. Append-only
-- like audit_log. `sportello audit verify` walks each device's chain.
CREATE TABLE audit_remote (
    device_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    at          TEXT NOT NULL,
    operator_id TEXT NOT NULL,
    action      TEXT NOT NULL,
    record_id   TEXT,
    detail      TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT;
CREATE INDEX audit_remote_record ON audit_remote(record_id);
CREATE TRIGGER audit_remote_no_update BEFORE UPDATE ON audit_remote
BEGIN SELECT RAISE(ABORT, 'audit_remote is append-only'); END;
CREATE TRIGGER audit_remote_no_delete BEFORE DELETE ON audit_remote
BEGIN SELECT RAISE(ABORT, 'audit_remote is append-only'); END;

-- Per peer: `audit_acked`, the last row of our audit chain the peer said it
-- holds (what our next package to it starts after); `audit_from`, the row
-- of our own chain where that device's chain leaves ours (a device made as
-- a copy of this database shares its first rows with us: its chain is
-- checked from there, anchored to our row; 0 for a device that started
-- with an empty log).
ALTER TABLE sync_peers ADD COLUMN audit_acked INTEGER NOT NULL DEFAULT 0 CHECK (audit_acked >= 0);
ALTER TABLE sync_peers ADD COLUMN audit_from INTEGER NOT NULL DEFAULT 0 CHECK (audit_from >= 0);
