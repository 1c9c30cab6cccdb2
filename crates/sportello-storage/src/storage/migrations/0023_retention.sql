-- Schema 23 (issue 16 item 4, GDPR art. 5(1)(e) and 17): retention and
-- erasure. One row of `erasures` for each case the coordinatore erased
-- past its term under the retention schedule (assets/rules/conservazione-*):
-- the verbale of the erasure. It holds no personal data: the case's ids and
-- number, the schedule's entry, the dates, who decided; what was removed is
-- counted by kind in `erasure_counts`, never listed.
--
-- Synced, and everyone's (sync_scope OFFICE_TABLES): the erasure record
-- travels to every enrolled device, whose import purges the case there
-- without capturing the purge as a change of its own (storage::retention),
-- and a change of an erased case arriving later is purged again, never
-- applied (docs/sync.md, "Erasure").
CREATE TABLE erasures (
    id               TEXT PRIMARY KEY,
    household_id     TEXT NOT NULL UNIQUE,
    case_number      TEXT NOT NULL,
    -- cancellazione: everything goes; anonimizzazione: everything goes too,
    -- after the case's statistical, non-identifying data were added to
    -- `retention_statistics` (not linked to the case).
    mode             TEXT NOT NULL CHECK (mode IN ('cancellazione', 'anonimizzazione')),
    record_kind      TEXT NOT NULL,
    schedule_id      TEXT NOT NULL,
    schedule_version INTEGER NOT NULL CHECK (schedule_version >= 1),
    schedule_entry   TEXT NOT NULL,
    closed_on        TEXT NOT NULL,
    kept_until       TEXT NOT NULL,
    decided_on       TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL REFERENCES operators(id),
    updated_by       TEXT NOT NULL REFERENCES operators(id)
) STRICT;

CREATE TABLE erasure_counts (
    id          TEXT PRIMARY KEY,
    erasure_id  TEXT NOT NULL REFERENCES erasures(id),
    -- A table of the case (`members`, `documents` …): what kind of record.
    what        TEXT NOT NULL,
    count       INTEGER NOT NULL CHECK (count >= 0),
    UNIQUE (erasure_id, what)
) STRICT;
CREATE INDEX erasure_counts_erasure ON erasure_counts(erasure_id);

-- What an anonymisation keeps: counts by (year of the decision, what,
-- value) — the members' sex, five-year band of birth and comune of
-- residence, the household's comune, size and ISEE band — never linked to
-- the case (no case id, no time finer than the year): anonymous data, out
-- of the GDPR's scope (recital 26). Hub-only: the office's statistics.
CREATE TABLE retention_statistics (
    id      TEXT PRIMARY KEY,
    year    INTEGER NOT NULL,
    what    TEXT NOT NULL,
    value   TEXT NOT NULL,
    count   INTEGER NOT NULL CHECK (count >= 0),
    UNIQUE (year, what, value)
) STRICT;

-- A verbale is a fact: never edited, never deleted.
CREATE TRIGGER erasures_no_update BEFORE UPDATE ON erasures
BEGIN SELECT RAISE(ABORT, 'erasures are recorded once'); END;
CREATE TRIGGER erasures_no_delete BEFORE DELETE ON erasures
BEGIN SELECT RAISE(ABORT, 'erasures are recorded once'); END;
CREATE TRIGGER erasure_counts_no_update BEFORE UPDATE ON erasure_counts
BEGIN SELECT RAISE(ABORT, 'erasures are recorded once'); END;
CREATE TRIGGER erasure_counts_no_delete BEFORE DELETE ON erasure_counts
BEGIN SELECT RAISE(ABORT, 'erasures are recorded once'); END;
