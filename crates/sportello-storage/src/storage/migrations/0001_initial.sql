-- Sportello, schema 1. Applied in one transaction with `PRAGMA user_version = 1`.
-- Ids are UUIDv7 text; dates ISO `YYYY-MM-DD`; timestamps UTC RFC 3339;
-- money TEXT `1234.56` (never REAL). Every table is STRICT: a wrong type is an
-- error, not a silent conversion.

-- Who may act (issue 5 adds login and permissions on top of the role).
CREATE TABLE operators (
    id          TEXT PRIMARY KEY,
    username    TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('operatore', 'coordinatore', 'amministratore')),
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL
) STRICT;

-- The office this database belongs to (one row).
CREATE TABLE office (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    phone       TEXT NOT NULL,
    email       TEXT NOT NULL,
    comune      TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT REFERENCES operators(id)
) STRICT;

-- Who read or changed whose data, and when. Append-only; hash chaining comes later.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    operator_id TEXT NOT NULL REFERENCES operators(id),
    action      TEXT NOT NULL,
    record_id   TEXT,
    detail      TEXT
) STRICT;
CREATE INDEX audit_log_record ON audit_log(record_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Last case number given in each year.
CREATE TABLE case_counters (
    year        INTEGER PRIMARY KEY,
    last        INTEGER NOT NULL
) STRICT;

CREATE TABLE households (
    id              TEXT PRIMARY KEY,
    case_number     TEXT NOT NULL UNIQUE,
    case_year       INTEGER NOT NULL,
    case_seq        INTEGER NOT NULL,
    -- Year and sequence as digits only (`2026000123`): "2026/0001" finds it by prefix.
    case_key        TEXT NOT NULL,
    address         TEXT,
    comune          TEXT NOT NULL,
    phone           TEXT,
    email           TEXT,
    notes           TEXT,
    isee_protocol   TEXT,
    isee_kind       TEXT CHECK (isee_kind IN ('ordinario', 'sociosanitario', 'minorenni', 'corrente')),
    isee_value      TEXT,
    isee_issued_on  TEXT,
    isee_expires_on TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES operators(id),
    updated_by      TEXT NOT NULL REFERENCES operators(id),
    CHECK ((isee_protocol IS NULL) = (isee_value IS NULL))
) STRICT;
CREATE INDEX households_case_key ON households(case_key);
CREATE INDEX households_case_seq ON households(case_seq);

CREATE TABLE members (
    id                   TEXT PRIMARY KEY,
    household_id         TEXT NOT NULL REFERENCES households(id),
    position             INTEGER NOT NULL,
    first_name           TEXT NOT NULL,
    last_name            TEXT NOT NULL,
    -- A person belongs to one household at a time.
    codice_fiscale       TEXT NOT NULL UNIQUE,
    birth_date           TEXT NOT NULL,
    sex                  TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    relationship         TEXT NOT NULL,
    citizenship          TEXT NOT NULL,
    residence_comune     TEXT,
    resident_since       TEXT,
    invalidity_percent   INTEGER NOT NULL CHECK (invalidity_percent BETWEEN 0 AND 100),
    disability_certified INTEGER NOT NULL CHECK (disability_certified IN (0, 1)),
    not_self_sufficient  INTEGER NOT NULL CHECK (not_self_sufficient IN (0, 1)),
    employment           TEXT NOT NULL,
    education            TEXT NOT NULL,
    guardian_id          TEXT REFERENCES members(id) DEFERRABLE INITIALLY DEFERRED,
    -- Search keys: lower case, accents folded, only letters and digits
    -- ("Dell'Orto Niccolò" → "dellortoniccolo"), surname first and name first.
    last_first_key       TEXT NOT NULL,
    first_last_key       TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    created_by           TEXT NOT NULL REFERENCES operators(id),
    updated_by           TEXT NOT NULL REFERENCES operators(id)
) STRICT;
CREATE INDEX members_household ON members(household_id, position);
CREATE INDEX members_last_first ON members(last_first_key);
CREATE INDEX members_first_last ON members(first_last_key);

-- One analisi preliminare per household (the current one).
CREATE TABLE analyses (
    id               TEXT PRIMARY KEY,
    household_id     TEXT NOT NULL UNIQUE REFERENCES households(id),
    interview_date   TEXT NOT NULL,
    outcome          TEXT NOT NULL,
    outcome_reason   TEXT NOT NULL,
    -- Computed when recorded, with the calendar of that day: what the family was told.
    signing_deadline TEXT NOT NULL,
    operator_id      TEXT NOT NULL REFERENCES operators(id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL REFERENCES operators(id),
    updated_by       TEXT NOT NULL REFERENCES operators(id)
) STRICT;
CREATE INDEX analyses_deadline ON analyses(signing_deadline);

CREATE TABLE analysis_participants (
    analysis_id TEXT NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    member_id   TEXT NOT NULL REFERENCES members(id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (analysis_id, member_id)
) STRICT;
CREATE INDEX analysis_participants_member ON analysis_participants(member_id);

CREATE TABLE analysis_areas (
    analysis_id TEXT NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    domain      TEXT NOT NULL,
    need        TEXT NOT NULL CHECK (need IN ('nessuno', 'lieve', 'moderato', 'grave')),
    resources   TEXT,
    notes       TEXT,
    PRIMARY KEY (analysis_id, domain)
) STRICT;

CREATE TABLE analysis_employability (
    analysis_id TEXT NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
    member_id   TEXT NOT NULL REFERENCES members(id),
    position    INTEGER NOT NULL,
    profile     TEXT NOT NULL,
    notes       TEXT,
    PRIMARY KEY (analysis_id, member_id)
) STRICT;
CREATE INDEX analysis_employability_member ON analysis_employability(member_id);

CREATE TABLE projects (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL UNIQUE REFERENCES households(id),
    analysis_id  TEXT NOT NULL UNIQUE REFERENCES analyses(id),
    status       TEXT NOT NULL CHECK (status IN ('bozza', 'da_firmare', 'sottoscritto', 'in_corso', 'concluso')),
    signed_on    TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES operators(id),
    updated_by   TEXT NOT NULL REFERENCES operators(id)
) STRICT;
CREATE INDEX projects_status ON projects(status);

-- Objectives and expected results, in order.
CREATE TABLE project_texts (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('objective', 'expected_result')),
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (project_id, kind, position)
) STRICT;

CREATE TABLE commitments (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    action     TEXT NOT NULL,
    member_id  TEXT NOT NULL REFERENCES members(id),
    due_date   TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('da_avviare', 'in_corso', 'rispettato', 'non_rispettato'))
) STRICT;
CREATE INDEX commitments_project ON commitments(project_id, position);
CREATE INDEX commitments_member ON commitments(member_id);

CREATE TABLE commitment_others (
    commitment_id TEXT NOT NULL REFERENCES commitments(id) ON DELETE CASCADE,
    member_id     TEXT NOT NULL REFERENCES members(id),
    position      INTEGER NOT NULL,
    PRIMARY KEY (commitment_id, member_id)
) STRICT;
CREATE INDEX commitment_others_member ON commitment_others(member_id);

CREATE TABLE supports (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    description TEXT NOT NULL,
    provider    TEXT
) STRICT;
CREATE INDEX supports_project ON supports(project_id, position);

CREATE TABLE meetings (
    id               TEXT PRIMARY KEY,
    project_id       TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    date             TEXT NOT NULL,
    time             TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
    place            TEXT,
    notes            TEXT,
    evaluation       TEXT
) STRICT;
CREATE INDEX meetings_project ON meetings(project_id, date, time);

-- Paper signatures, recorded member by member (member_id = whom it is for).
CREATE TABLE signatures (
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    member_id   TEXT NOT NULL REFERENCES members(id),
    signer_id   TEXT NOT NULL REFERENCES members(id),
    signed_on   TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES operators(id),
    PRIMARY KEY (project_id, member_id)
) STRICT;
CREATE INDEX signatures_member ON signatures(member_id);
CREATE INDEX signatures_signer ON signatures(signer_id);

CREATE TABLE documents (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households(id),
    kind         TEXT NOT NULL CHECK (kind IN ('patto', 'convocazione', 'esito_requisiti')),
    title        TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES operators(id),
    UNIQUE (household_id, file_name)
) STRICT;
