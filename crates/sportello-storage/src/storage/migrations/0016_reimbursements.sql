-- Schema 16 (issue 13): paying the contributions a published ranking
-- awarded (rules.md §7; seed 002: «ai beneficiari ammessi verranno erogati i
-- contributi a rimborso degli interventi richiesti, a fronte della relativa
-- documentazione di rendicontazione della spesa»).
--
-- An award is what one funded application of a call gets: the amount of the
-- published version that funded it, for consecutive months, paid to an IBAN.
-- The family hands in claims with expense documents; each claim is decided
-- when it is recorded (the pure rule `rules::reimbursement`, the same as
-- `sportello reimburse`) and kept as decided: a later rule set never
-- rewrites what was told to the family. The finance office is sent the
-- elenco di liquidazione, a published record like a ranking version: never
-- changed, never deleted; a correction is a new list.
--
-- Like the applications and rankings, these rows stay at the hub (sync_scope
-- HUB_TABLES): a device does not need them to work on its cases.

CREATE TABLE awards (
    id               TEXT PRIMARY KEY,
    call_id          TEXT NOT NULL REFERENCES calls(id),
    protocol         TEXT NOT NULL,
    -- The published version whose funded amount this is.
    ranking_version  INTEGER NOT NULL,
    amount           TEXT NOT NULL,
    -- AAAA-MM, both included.
    first_month      TEXT NOT NULL CHECK (first_month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    last_month       TEXT NOT NULL CHECK (last_month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    -- Where the reimbursements are credited (checked: ISO 13616, mod 97), and
    -- the account's holder when it is not the applicant the application is
    -- linked to (an application of someone the office has no case for; a
    -- relative or an amministratore di sostegno who holds the account).
    iban             TEXT,
    holder_name      TEXT,
    holder_cf        TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL REFERENCES operators(id),
    updated_by       TEXT NOT NULL REFERENCES operators(id),
    UNIQUE (call_id, protocol),
    CHECK (first_month <= last_month),
    FOREIGN KEY (call_id, protocol) REFERENCES call_applications(call_id, protocol),
    FOREIGN KEY (call_id, ranking_version) REFERENCES ranking_versions(call_id, version)
) STRICT;

-- A claim, decided as recorded: numbered within its award.
CREATE TABLE reimbursement_claims (
    id                TEXT PRIMARY KEY,
    award_id          TEXT NOT NULL REFERENCES awards(id),
    number            INTEGER NOT NULL CHECK (number >= 1),
    -- The day the family handed it in.
    received_on       TEXT NOT NULL,
    rule_set_id       TEXT NOT NULL,
    rule_set_version  INTEGER NOT NULL,
    -- What this claim reimburses (the sum of its documents' accepted amounts).
    reimbursed        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL REFERENCES operators(id),
    UNIQUE (award_id, number)
) STRICT;

-- The documents of a claim as handed in, with the decision on each.
CREATE TABLE reimbursement_documents (
    id         TEXT PRIMARY KEY,
    claim_id   TEXT NOT NULL REFERENCES reimbursement_claims(id),
    seq        INTEGER NOT NULL CHECK (seq >= 1),
    kind       TEXT NOT NULL,
    -- The rule set's label for the type (NULL: a type it does not list).
    kind_label TEXT,
    issuer     TEXT NOT NULL,
    number     TEXT NOT NULL,
    issued_on  TEXT NOT NULL,
    month      TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    amount     TEXT NOT NULL,
    accepted   TEXT NOT NULL,
    -- The reasons' stable codes, sorted, space-separated ('' when reimbursed
    -- whole), and their Italian sentences as the family was told them, one a
    -- line, in the same order.
    reasons      TEXT NOT NULL,
    reason_texts TEXT NOT NULL,
    UNIQUE (claim_id, seq)
) STRICT;
CREATE INDEX reimbursement_documents_issuer ON reimbursement_documents(issuer, number);

-- The elenco di liquidazione of a call, numbered within it, with its PDF as issued.
CREATE TABLE liquidations (
    id          TEXT PRIMARY KEY,
    call_id     TEXT NOT NULL REFERENCES calls(id),
    number      INTEGER NOT NULL CHECK (number >= 1),
    issued_on   TEXT NOT NULL,
    total       TEXT NOT NULL,
    pdf_file    TEXT NOT NULL,
    pdf         BLOB NOT NULL,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES operators(id),
    UNIQUE (call_id, number)
) STRICT;

-- What a list pays: each claim at most once, in any list.
CREATE TABLE liquidation_items (
    id              TEXT PRIMARY KEY,
    liquidation_id  TEXT NOT NULL REFERENCES liquidations(id),
    position        INTEGER NOT NULL CHECK (position >= 1),
    claim_id        TEXT NOT NULL UNIQUE REFERENCES reimbursement_claims(id),
    amount          TEXT NOT NULL,
    UNIQUE (liquidation_id, position)
) STRICT;

-- An award's amount and period may be corrected until the first claim is
-- decided against it: after that, the caps the family was told are fixed.
-- Where the money goes (IBAN, holder) decides nothing and stays correctable.
CREATE TRIGGER awards_fixed_once_claimed BEFORE UPDATE ON awards
WHEN (NEW.amount IS NOT OLD.amount OR NEW.first_month IS NOT OLD.first_month
      OR NEW.last_month IS NOT OLD.last_month OR NEW.ranking_version IS NOT OLD.ranking_version
      OR NEW.call_id IS NOT OLD.call_id OR NEW.protocol IS NOT OLD.protocol)
 AND EXISTS (SELECT 1 FROM reimbursement_claims WHERE award_id = OLD.id)
BEGIN SELECT RAISE(ABORT, 'awards: the amount and period of an award with a decided claim are never changed'); END;
CREATE TRIGGER awards_no_delete BEFORE DELETE ON awards
BEGIN SELECT RAISE(ABORT, 'awards: an award is never deleted'); END;

CREATE TRIGGER reimbursement_claims_no_update BEFORE UPDATE ON reimbursement_claims
BEGIN SELECT RAISE(ABORT, 'reimbursement_claims: a decided claim is never changed'); END;
CREATE TRIGGER reimbursement_claims_no_delete BEFORE DELETE ON reimbursement_claims
BEGIN SELECT RAISE(ABORT, 'reimbursement_claims: a decided claim is never deleted'); END;
CREATE TRIGGER reimbursement_documents_no_update BEFORE UPDATE ON reimbursement_documents
BEGIN SELECT RAISE(ABORT, 'reimbursement_documents: a decided document is never changed'); END;
CREATE TRIGGER reimbursement_documents_no_delete BEFORE DELETE ON reimbursement_documents
BEGIN SELECT RAISE(ABORT, 'reimbursement_documents: a decided document is never deleted'); END;
CREATE TRIGGER liquidations_no_update BEFORE UPDATE ON liquidations
BEGIN SELECT RAISE(ABORT, 'liquidations: an issued list is never changed'); END;
CREATE TRIGGER liquidations_no_delete BEFORE DELETE ON liquidations
BEGIN SELECT RAISE(ABORT, 'liquidations: an issued list is never deleted'); END;
CREATE TRIGGER liquidation_items_no_update BEFORE UPDATE ON liquidation_items
BEGIN SELECT RAISE(ABORT, 'liquidation_items: an issued list is never changed'); END;
CREATE TRIGGER liquidation_items_no_delete BEFORE DELETE ON liquidation_items
BEGIN SELECT RAISE(ABORT, 'liquidation_items: an issued list is never changed'); END;
