-- Schema 22 (issue 16, items 2 and 3): the data subjects' requests (GDPR
-- art. 15 access, art. 20 portability) and the history of each field.
--
-- A request is the office's record of what a person asked, when and how it
-- arrived, the deadline of art. 12(3) (one month from receipt; three with an
-- extension, whose reason is kept), and when and what the office answered.
-- Like the calls and the reimbursements, the requests stay at the hub
-- (sync_scope HUB_TABLES): the coordinator answers them for the office, and a
-- person with no case (an applicant of a call) has no case a device holds.

CREATE TABLE data_requests (
    id                   TEXT PRIMARY KEY,
    kind                 TEXT NOT NULL CHECK (kind IN ('accesso', 'portabilita', 'accesso_portabilita')),
    -- Whose data: a household member, or (member_id NULL) an applicant known
    -- by their applications (data_request_applications).
    member_id            TEXT,
    person_name          TEXT NOT NULL,
    codice_fiscale       TEXT NOT NULL,
    requester            TEXT NOT NULL CHECK (requester IN ('interessato', 'rappresentante')),
    representative_name  TEXT,
    representative_role  TEXT,
    received_on          TEXT NOT NULL,
    channel              TEXT NOT NULL CHECK (channel IN ('sportello', 'posta', 'pec', 'email', 'protocollo')),
    notes                TEXT,
    -- The rule set of the terms (diritti-interessato), as of the receipt.
    rule_set_id          TEXT NOT NULL,
    rule_set_version     INTEGER NOT NULL,
    due_on               TEXT NOT NULL,
    extended_on          TEXT,
    extension_reason     TEXT,
    answered_on          TEXT,
    -- What was given, in words ("risposta in PDF (4 pagine), pacchetto ZIP …").
    answer_summary       TEXT,
    -- SHA-256 of the ZIP handed over: which copy the person received.
    answer_sha256        TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    created_by           TEXT NOT NULL REFERENCES operators(id),
    updated_by           TEXT NOT NULL REFERENCES operators(id),
    CHECK (requester = 'interessato' OR representative_name IS NOT NULL),
    CHECK ((extended_on IS NULL) = (extension_reason IS NULL)),
    CHECK ((answered_on IS NULL) = (answer_summary IS NULL))
) STRICT;
CREATE INDEX data_requests_open ON data_requests(answered_on, due_on);

-- The applications a request of an applicant without a case covers.
CREATE TABLE data_request_applications (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES data_requests(id),
    call_id     TEXT NOT NULL REFERENCES calls(id),
    protocol    TEXT NOT NULL,
    position    INTEGER NOT NULL,
    UNIQUE (request_id, position)
) STRICT;

-- The history of each field (art. 16, what a rectification changed): one
-- row per column a write transaction changed, with the old and the new
-- value, who and when, written by the storage layer from the same session
-- changeset the transaction stores in sync_outbox (storage::sync, Capture).
-- Derived here rather than read back from sync_outbox: the outbox of an
-- enrolled device starts empty (`sync_become_copy_of` clears it), a case
-- entering a device's scope arrives whole without its past, and the outbox
-- is bookkeeping of the exchange, not a record kept for the person. Each
-- replica writes its own rows, for its own changes and for those it applies
-- from others (with their operator and time), so it is never a synced table
-- (storage::sync LOCAL_TABLES). Append-only: no row is ever changed; an
-- erasure of a case (art. 17) removes its rows.
CREATE TABLE field_history (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT,
    operator_id  TEXT,
    -- The replica the change was made on, when not this one.
    origin_name  TEXT,
    tbl          TEXT NOT NULL,
    row_id       TEXT NOT NULL,
    col          TEXT NOT NULL,
    old_value    ANY,
    new_value    ANY
) STRICT;
CREATE INDEX field_history_row ON field_history(tbl, row_id, seq);
CREATE TRIGGER field_history_no_update BEFORE UPDATE ON field_history
BEGIN
    SELECT RAISE(ABORT, 'field_history è a sola aggiunta');
END;
