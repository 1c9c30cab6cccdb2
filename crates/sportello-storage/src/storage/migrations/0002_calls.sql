-- Sportello, schema 2: calls ("avvisi/bandi") of the Misura B2, their
-- applications, the published (frozen) versions of the ranking and the appeals.
-- Self-contained: it only refers to tables of schema 1.

-- A call: measure, rule set (id and edition: the call is recomputed only under
-- the same one), budget, the office that runs it; the collection window is the
-- rule set's, copied here so the list of calls can show it.
CREATE TABLE calls (
    id                TEXT PRIMARY KEY,
    title             TEXT NOT NULL,
    measure           TEXT NOT NULL CHECK (measure IN ('b2-anziani', 'b2-disabili')),
    rule_set_id       TEXT NOT NULL,
    rule_set_version  INTEGER NOT NULL,
    budget            TEXT NOT NULL,
    office            TEXT NOT NULL,
    window_from       TEXT NOT NULL,
    window_to         TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL REFERENCES operators(id),
    updated_by        TEXT NOT NULL REFERENCES operators(id)
) STRICT;

-- The applications of a call, with the data the ranking uses (cli.md columns).
-- `seq` keeps the input order (the "non ammesse" are listed in it). An upheld
-- appeal overwrites the row with the corrected data; the original stays in the
-- appeal.
CREATE TABLE call_applications (
    call_id              TEXT NOT NULL REFERENCES calls(id),
    protocol             TEXT NOT NULL,
    seq                  INTEGER NOT NULL,
    household_id         TEXT REFERENCES households(id),
    submitted_on         TEXT NOT NULL,
    birth_date           TEXT NOT NULL,
    isee                 TEXT,
    isee_expires_on      TEXT,
    resident             INTEGER NOT NULL CHECK (resident IN (0, 1)),
    continuation         INTEGER NOT NULL CHECK (continuation IN (0, 1)),
    non_self_sufficient  INTEGER NOT NULL CHECK (non_self_sufficient IN (0, 1)),
    independent_living   INTEGER NOT NULL CHECK (independent_living IN (0, 1)),
    other_interventions  INTEGER NOT NULL CHECK (other_interventions IN (0, 1)),
    amount               TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    created_by           TEXT NOT NULL REFERENCES operators(id),
    updated_by           TEXT NOT NULL REFERENCES operators(id),
    PRIMARY KEY (call_id, protocol),
    UNIQUE (call_id, seq)
) STRICT;
CREATE INDEX call_applications_household ON call_applications(household_id);

-- A published version of the ranking, frozen: the ranking as computed, the rule
-- set it was computed under, the explanation trace of every application, the
-- differences from the previous version and the public PDF as printed.
CREATE TABLE ranking_versions (
    call_id                 TEXT NOT NULL REFERENCES calls(id),
    version                 INTEGER NOT NULL CHECK (version >= 1),
    published_on            TEXT NOT NULL,
    appeal_deadline         TEXT NOT NULL,
    deadline_office_closed  INTEGER NOT NULL CHECK (deadline_office_closed IN (0, 1)),
    rule_set_id             TEXT NOT NULL,
    rule_set_version        INTEGER NOT NULL,
    ranking_json            TEXT NOT NULL,
    upheld_appeals_json     TEXT NOT NULL,
    changes_json            TEXT NOT NULL,
    explanations_json       TEXT NOT NULL,
    pdf_file                TEXT NOT NULL,
    pdf                     BLOB NOT NULL,
    created_at              TEXT NOT NULL,
    created_by              TEXT NOT NULL REFERENCES operators(id),
    PRIMARY KEY (call_id, version)
) STRICT;
CREATE TRIGGER ranking_versions_no_update BEFORE UPDATE ON ranking_versions
BEGIN SELECT RAISE(ABORT, 'ranking_versions: a published version is never changed'); END;
CREATE TRIGGER ranking_versions_no_delete BEFORE DELETE ON ranking_versions
BEGIN SELECT RAISE(ABORT, 'ranking_versions: a published version is never deleted'); END;

-- Appeals, numbered within their call. Decided once: a decided appeal is never
-- changed again.
CREATE TABLE appeals (
    call_id          TEXT NOT NULL REFERENCES calls(id),
    id               INTEGER NOT NULL CHECK (id >= 1),
    protocol         TEXT NOT NULL,
    against_version  INTEGER NOT NULL,
    filed_on         TEXT NOT NULL,
    grounds          TEXT NOT NULL,
    documents_json   TEXT NOT NULL,
    outcome          TEXT NOT NULL CHECK (outcome IN ('pending', 'upheld', 'rejected')),
    decided_on       TEXT,
    note             TEXT,
    original_json    TEXT,
    corrected_json   TEXT,
    filed_at         TEXT NOT NULL,
    filed_by         TEXT NOT NULL REFERENCES operators(id),
    decided_at       TEXT,
    decided_by       TEXT REFERENCES operators(id),
    PRIMARY KEY (call_id, id),
    FOREIGN KEY (call_id, protocol) REFERENCES call_applications(call_id, protocol),
    FOREIGN KEY (call_id, against_version) REFERENCES ranking_versions(call_id, version),
    CHECK ((outcome = 'pending') = (decided_on IS NULL)),
    CHECK ((outcome = 'upheld') = (corrected_json IS NOT NULL))
) STRICT;
CREATE TRIGGER appeals_decided_once BEFORE UPDATE ON appeals
WHEN OLD.outcome <> 'pending'
BEGIN SELECT RAISE(ABORT, 'appeals: a decided appeal is never changed'); END;
CREATE TRIGGER appeals_no_delete BEFORE DELETE ON appeals
BEGIN SELECT RAISE(ABORT, 'appeals: an appeal is never deleted'); END;
