-- Schema 26 (issue 16 item 4): retention of what is not a case — the
-- applications to a call, the published rankings, the reimbursement files
-- and the access log's rows past their term (assets/rules/conservazione-*).
--
-- `record_erasures`: the verbale of each erasure or anonymisation the
-- coordinatore approved, one per call and kind (or one per cut of the access
-- log). No personal data: the call's id and title, the schedule's entry, the
-- dates, who decided; what was removed is counted by kind in
-- `record_erasure_counts`, never listed. Synced to everyone (sync_scope
-- OFFICE_TABLES), like the verbali of cases: the records it names are
-- hub-only (HUB_TABLES) or local (the access log), so a device purges
-- nothing, but every copy of the office's database carries the verbale.
CREATE TABLE record_erasures (
    id               TEXT PRIMARY KEY,
    record_kind      TEXT NOT NULL CHECK (record_kind IN ('domanda', 'graduatoria', 'rimborso', 'registro_accessi')),
    -- cancellazione: the rows go; anonimizzazione (a published ranking):
    -- positions, scores and amounts stay, what links them to a person goes.
    mode             TEXT NOT NULL CHECK (mode IN ('cancellazione', 'anonimizzazione')),
    -- The call (NULL for the access log). No foreign key: the call itself
    -- (title, budget, window) is the office's act and stays.
    call_id          TEXT,
    subject          TEXT NOT NULL,
    schedule_id      TEXT NOT NULL,
    schedule_version INTEGER NOT NULL CHECK (schedule_version >= 1),
    schedule_entry   TEXT NOT NULL,
    closed_on        TEXT NOT NULL,
    kept_until       TEXT NOT NULL,
    decided_on       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL REFERENCES operators(id),
    updated_by       TEXT NOT NULL REFERENCES operators(id),
    CHECK ((call_id IS NULL) = (record_kind = 'registro_accessi'))
) STRICT;

CREATE TABLE record_erasure_counts (
    id          TEXT PRIMARY KEY,
    erasure_id  TEXT NOT NULL REFERENCES record_erasures(id),
    what        TEXT NOT NULL,
    count       INTEGER NOT NULL CHECK (count >= 0),
    UNIQUE (erasure_id, what)
) STRICT;
CREATE INDEX record_erasure_counts_erasure ON record_erasure_counts(erasure_id);

-- The access log's anchors (storage::audit): the rows of the log up to
-- `through_seq` were removed past their term; `last_hash` is the hash of the
-- last of them, which the first row kept names as its `prev_hash`, and from
-- which `audit verify` starts. An anchor is only believed when a row of the
-- kept chain, written in the same transaction as the removal, states it
-- (`detail` carries its token): a forged anchor would need a forged row,
-- which breaks the chain. Local, like the log (sync LOCAL_TABLES).
CREATE TABLE audit_anchors (
    id           TEXT PRIMARY KEY,
    through_seq  INTEGER NOT NULL CHECK (through_seq >= 1),
    removed      INTEGER NOT NULL CHECK (removed >= 1),
    last_hash    TEXT NOT NULL,
    before_day   TEXT NOT NULL,
    -- The verbale (record_erasures.id), written in the same transaction.
    erasure_id   TEXT NOT NULL,
    at           TEXT NOT NULL,
    by           TEXT NOT NULL REFERENCES operators(id)
) STRICT;
-- The hashes of removed rows a device's chain hangs from (sync_peers.audit_from).
CREATE TABLE audit_anchor_links (
    id         TEXT PRIMARY KEY,
    anchor_id  TEXT NOT NULL REFERENCES audit_anchors(id),
    seq        INTEGER NOT NULL UNIQUE,
    hash       TEXT NOT NULL
) STRICT;

CREATE TRIGGER record_erasures_no_update BEFORE UPDATE ON record_erasures
BEGIN SELECT RAISE(ABORT, 'erasures are recorded once'); END;
CREATE TRIGGER record_erasures_no_delete BEFORE DELETE ON record_erasures
BEGIN SELECT RAISE(ABORT, 'erasures are recorded once'); END;
CREATE TRIGGER record_erasure_counts_no_update BEFORE UPDATE ON record_erasure_counts
BEGIN SELECT RAISE(ABORT, 'erasures are recorded once'); END;
CREATE TRIGGER record_erasure_counts_no_delete BEFORE DELETE ON record_erasure_counts
BEGIN SELECT RAISE(ABORT, 'erasures are recorded once'); END;
CREATE TRIGGER audit_anchors_no_update BEFORE UPDATE ON audit_anchors
BEGIN SELECT RAISE(ABORT, 'audit_anchors are recorded once'); END;
CREATE TRIGGER audit_anchors_no_delete BEFORE DELETE ON audit_anchors
BEGIN SELECT RAISE(ABORT, 'audit_anchors are recorded once'); END;
CREATE TRIGGER audit_anchor_links_no_update BEFORE UPDATE ON audit_anchor_links
BEGIN SELECT RAISE(ABORT, 'audit_anchors are recorded once'); END;
CREATE TRIGGER audit_anchor_links_no_delete BEFORE DELETE ON audit_anchor_links
BEGIN SELECT RAISE(ABORT, 'audit_anchors are recorded once'); END;
