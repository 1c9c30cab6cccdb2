-- Schema 7: the bookkeeping of sync between replicas (issue 11, docs/sync.md).
-- Self-contained: new tables only; no existing table changes.

-- This replica. One row. `device_id` is a UUID made here (not secret); the
-- key pair halves are made by the program the first time they are needed
-- (storage/sync.rs, from the operating system's random source) and never
-- leave this encrypted file. `last_seq` numbers the changes made here.
CREATE TABLE sync_device (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    device_id   TEXT NOT NULL,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    sign_secret BLOB CHECK (sign_secret IS NULL OR length(sign_secret) = 32),
    box_secret  BLOB CHECK (box_secret IS NULL OR length(box_secret) = 32),
    last_seq    INTEGER NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    CHECK ((sign_secret IS NULL) = (box_secret IS NULL))
) STRICT;
INSERT INTO sync_device (id, device_id, name)
SELECT 1,
       lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
       substr(lower(hex(randomblob(2))), 2) || '-' ||
       substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' ||
       lower(hex(randomblob(6))),
       'ufficio';

-- The replicas this one exchanges packages with, by their public keys.
-- `received_seq`: their last change applied here; `acked_seq`: our last
-- change they said they applied (what the next package to them starts after).
-- `hub`: the office's replica, whose value stands in a same-field conflict
-- until a person chooses (on a device, the hub's value replaces its own,
-- which stays in the conflict row).
CREATE TABLE sync_peers (
    device_id    TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    hub          INTEGER NOT NULL DEFAULT 0 CHECK (hub IN (0, 1)),
    sign_public  BLOB NOT NULL CHECK (length(sign_public) = 32),
    box_public   BLOB NOT NULL CHECK (length(box_public) = 32),
    received_seq INTEGER NOT NULL DEFAULT 0 CHECK (received_seq >= 0),
    acked_seq    INTEGER NOT NULL DEFAULT 0 CHECK (acked_seq >= 0),
    last_contact TEXT,
    revoked_at   TEXT
) STRICT;

-- Every change of another replica applied here, with its hash: the same
-- sequence number arriving again with other content is a forgery (or a
-- replica restored from an old copy) and its package is refused whole.
CREATE TABLE sync_seen (
    device_id  TEXT NOT NULL REFERENCES sync_peers(device_id),
    seq        INTEGER NOT NULL CHECK (seq >= 1),
    hash       TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT;

-- The changes made in this replica (or applied here from another, then
-- `origin_*` names where they were made), one SQLite changeset per write
-- transaction, numbered by `sync_device.last_seq`.
CREATE TABLE sync_outbox (
    seq           INTEGER PRIMARY KEY CHECK (seq >= 1),
    at            TEXT,
    operator_id   TEXT,
    origin_device TEXT,
    origin_name   TEXT,
    origin_seq    INTEGER,
    changeset     BLOB NOT NULL,
    CHECK ((origin_device IS NULL) = (origin_seq IS NULL))
) STRICT;
CREATE INDEX sync_outbox_origin ON sync_outbox(origin_device);

-- Disagreements found while applying another replica's changes: both values
-- (JSON), where the other one came from, who made it and when. The value
-- here stands until a person chooses. `kind`: campo (the same field changed
-- on both sides), eliminato (a change to a row deleted here, or a deletion
-- of a row changed here), fatto (a merge would drop a fact: a signature, a
-- document), duplicato (the same codice fiscale in another record), vincolo
-- (a rule of the schema refused the row: kept here whole).
CREATE TABLE sync_conflicts (
    id          TEXT PRIMARY KEY,
    table_name  TEXT NOT NULL,
    record      TEXT NOT NULL,
    field       TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('campo', 'eliminato', 'fatto', 'duplicato', 'vincolo')),
    ours        TEXT,
    theirs      TEXT,
    device_id   TEXT NOT NULL,
    device_name TEXT NOT NULL,
    origin_seq  INTEGER NOT NULL,
    operator_id TEXT,
    changed_at  TEXT,
    detected_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT,
    resolution  TEXT
) STRICT;
CREATE INDEX sync_conflicts_open ON sync_conflicts(resolved_at, table_name, record);
