-- Schema 8: enrolled devices and their scope (issue 11 point 1, docs/sync.md
-- "Enrolment and scope"). New tables only; none of them travels (sync_*).

-- At the hub: the operators a device was enrolled for. The device's scope is
-- the union of theirs (own and équipe cases, cases with nobody in charge;
-- every case for a coordinatore or an amministratore), computed from the
-- hub's current operators and households at every export. A peer with no
-- row here (a whole copy, `sync_copy_replica`) is sent everything.
CREATE TABLE sync_peer_operators (
    device_id   TEXT NOT NULL REFERENCES sync_peers(device_id),
    operator_id TEXT NOT NULL REFERENCES operators(id),
    PRIMARY KEY (device_id, operator_id)
) STRICT;

-- At the hub: the cases a device holds (or will hold once it applies what was
-- sent). `entered_seq`: the hub's change number as of which the device got the
-- case whole (its enrolment, or the entry that brought it into scope); the
-- hub's changes of that case after it are sent, the older ones never.
CREATE TABLE sync_peer_households (
    device_id    TEXT NOT NULL REFERENCES sync_peers(device_id),
    household_id TEXT NOT NULL,
    entered_seq  INTEGER NOT NULL CHECK (entered_seq >= 0),
    PRIMARY KEY (device_id, household_id)
) STRICT;

-- At the hub: changes made for one device alone, numbered among the hub's own
-- (sync_device.last_seq), kept until the device acknowledges them: a case
-- entering its scope (`entra`: the whole case, as inserts) or leaving it
-- (`esce`: the device removes it). Stored, not recomputed, so that a package
-- made again carries the same entry (same number, same content).
CREATE TABLE sync_peer_outbox (
    device_id    TEXT NOT NULL REFERENCES sync_peers(device_id),
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    household_id TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('entra', 'esce')),
    changeset    BLOB NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT;

-- On a device: cases that left its scope while it held changes of them not yet
-- acknowledged by the hub. Removed at the import that acknowledges them
-- (`until_seq`: this device's last change of the case then).
CREATE TABLE sync_leaving (
    household_id TEXT PRIMARY KEY,
    until_seq    INTEGER NOT NULL CHECK (until_seq >= 0)
) STRICT;
