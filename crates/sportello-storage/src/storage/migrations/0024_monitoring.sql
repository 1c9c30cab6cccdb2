-- Schema 24 (issue 12 item 3): the monitoring of a signed progetto
-- personalizzato, its re-design (riprogettazione) and its closure.
--
-- Sync (docs/sync.md): every table here belongs to its household's case,
-- through its project (`project_id`), and travels with the case like the
-- project's own rows (sync_scope CASE_TABLES): an outreach worker records a
-- meeting at the family's home on an enrolled laptop and the hub receives it
-- with the next package. Every row is a fact written once (a UUID key, never
-- updated but by an annulment of its own), so that two replicas recording
-- meetings of the same project each keep theirs and no merge can overwrite
-- one with the other.

-- A commitment may be «sospeso» (put on hold at a monitoring meeting). The
-- status CHECK is part of the table, so the table is rebuilt: migrations run
-- with foreign keys off (migrations.rs), so dropping the old table deletes
-- nothing of `commitment_others`, which keeps naming `commitments`; the
-- references are checked before the migration commits.
CREATE TABLE commitments_new (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    action     TEXT NOT NULL,
    member_id  TEXT NOT NULL REFERENCES members(id),
    due_date   TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('da_avviare', 'in_corso', 'rispettato', 'non_rispettato', 'sospeso'))
) STRICT;
INSERT INTO commitments_new (id, project_id, position, action, member_id, due_date, status)
SELECT id, project_id, position, action, member_id, due_date, status FROM commitments;
DROP TABLE commitments;
ALTER TABLE commitments_new RENAME TO commitments;
CREATE INDEX commitments_project ON commitments(project_id, position);
CREATE INDEX commitments_member ON commitments(member_id);

-- Re-design. Decision: a project keeps ONE row (its id, the household's
-- one project: `projects.household_id` is UNIQUE, and the housing stays,
-- the documents and the other modules name it) and the version in force
-- lives in it and its content tables, as before; a re-design copies the
-- version being replaced into `project_versions` and its content tables
-- (written once, never changed), then opens the next version in bozza with
-- its own signing deadline (20 working days from the re-design). The old
-- versions are read from the copies, the one in force from the usual tables.
-- `version` numbers the version in force; `signing_deadline` is NULL for the
-- first (its deadline is the analysis's) and the re-design's otherwise.
ALTER TABLE projects ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE projects ADD COLUMN signing_deadline TEXT;
-- The day the version in force was opened by a re-design (signatures of it
-- cannot precede it).
ALTER TABLE projects ADD COLUMN version_since TEXT;

CREATE TABLE project_versions (
    id               TEXT PRIMARY KEY,
    project_id       TEXT NOT NULL REFERENCES projects(id),
    number           INTEGER NOT NULL CHECK (number >= 1),
    signed_on        TEXT,
    signing_deadline TEXT NOT NULL,
    -- The patto printed for this version (the last before the re-design).
    document_id      TEXT REFERENCES documents(id),
    reason           TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    replaced_on      TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL REFERENCES operators(id),
    UNIQUE (project_id, number)
) STRICT;

CREATE TABLE project_version_texts (
    id         TEXT PRIMARY KEY,
    version_id TEXT NOT NULL REFERENCES project_versions(id),
    kind       TEXT NOT NULL CHECK (kind IN ('objective', 'expected_result')),
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL
) STRICT;
CREATE INDEX project_version_texts_version ON project_version_texts(version_id);

CREATE TABLE project_version_commitments (
    id            TEXT PRIMARY KEY,
    version_id    TEXT NOT NULL REFERENCES project_versions(id),
    -- The commitment's id in that version (a meeting's progress names it).
    commitment_id TEXT NOT NULL,
    position      INTEGER NOT NULL,
    action        TEXT NOT NULL,
    member_id     TEXT NOT NULL REFERENCES members(id),
    -- Other members involved, their ids separated by a space, in order.
    others        TEXT NOT NULL DEFAULT '',
    due_date      TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('da_avviare', 'in_corso', 'rispettato', 'non_rispettato', 'sospeso'))
) STRICT;
CREATE INDEX project_version_commitments_version ON project_version_commitments(version_id);
CREATE INDEX project_version_commitments_member ON project_version_commitments(member_id);

CREATE TABLE project_version_supports (
    id          TEXT PRIMARY KEY,
    version_id  TEXT NOT NULL REFERENCES project_versions(id),
    position    INTEGER NOT NULL,
    description TEXT NOT NULL,
    provider    TEXT
) STRICT;
CREATE INDEX project_version_supports_version ON project_version_supports(version_id);

CREATE TABLE project_version_signatures (
    id         TEXT PRIMARY KEY,
    version_id TEXT NOT NULL REFERENCES project_versions(id),
    member_id  TEXT NOT NULL REFERENCES members(id),
    signer_id  TEXT NOT NULL REFERENCES members(id),
    signed_on  TEXT NOT NULL
) STRICT;
CREATE INDEX project_version_signatures_version ON project_version_signatures(version_id);
CREATE INDEX project_version_signatures_member ON project_version_signatures(member_id);
CREATE INDEX project_version_signatures_signer ON project_version_signatures(signer_id);

-- A monitoring meeting held: never edited; a wrong one is annulled with a
-- reason (`monitoring_annulments`) and recorded again.
CREATE TABLE monitoring_meetings (
    id              TEXT PRIMARY KEY,
    project_id      TEXT NOT NULL REFERENCES projects(id),
    version         INTEGER NOT NULL CHECK (version >= 1),
    held_on         TEXT NOT NULL,
    note            TEXT,
    next_meeting_on TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES operators(id),
    CHECK (next_meeting_on IS NULL OR next_meeting_on > held_on)
) STRICT;
CREATE INDEX monitoring_meetings_project ON monitoring_meetings(project_id, held_on);

-- Who was there: a member of the household, an operator (by name, as
-- written), or someone of another service with their role.
CREATE TABLE monitoring_participants (
    id         TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES monitoring_meetings(id),
    position   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('componente', 'operatore', 'altro')),
    member_id  TEXT REFERENCES members(id),
    name       TEXT,
    role       TEXT,
    CHECK ((kind = 'componente') = (member_id IS NOT NULL)),
    CHECK (kind = 'componente' OR name IS NOT NULL),
    CHECK ((kind = 'altro') = (role IS NOT NULL))
) STRICT;
CREATE INDEX monitoring_participants_meeting ON monitoring_participants(meeting_id);
CREATE INDEX monitoring_participants_member ON monitoring_participants(member_id);

-- Each commitment's progress at the meeting, with the commitment's text and
-- member copied (a re-design may remove the commitment) and its status
-- before (what an annulment of the meeting restores).
CREATE TABLE monitoring_progress (
    id            TEXT PRIMARY KEY,
    meeting_id    TEXT NOT NULL REFERENCES monitoring_meetings(id),
    position      INTEGER NOT NULL,
    commitment_id TEXT NOT NULL,
    action        TEXT NOT NULL,
    member_id     TEXT NOT NULL REFERENCES members(id),
    progress      TEXT NOT NULL CHECK (progress IN ('rispettato', 'in_corso', 'non_rispettato', 'sospeso')),
    previous      TEXT NOT NULL CHECK (previous IN ('da_avviare', 'in_corso', 'rispettato', 'non_rispettato', 'sospeso')),
    note          TEXT
) STRICT;
CREATE INDEX monitoring_progress_meeting ON monitoring_progress(meeting_id);
CREATE INDEX monitoring_progress_commitment ON monitoring_progress(commitment_id);
CREATE INDEX monitoring_progress_member ON monitoring_progress(member_id);

CREATE TABLE monitoring_annulments (
    id          TEXT PRIMARY KEY,
    meeting_id  TEXT NOT NULL REFERENCES monitoring_meetings(id),
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    annulled_at TEXT NOT NULL,
    annulled_by TEXT NOT NULL REFERENCES operators(id)
) STRICT;
CREATE INDEX monitoring_annulments_meeting ON monitoring_annulments(meeting_id);

-- The closure: the day, the reason, each objective's outcome. Written once;
-- the project is concluso and read-only from then on.
CREATE TABLE project_closures (
    id          TEXT PRIMARY KEY,
    -- Not UNIQUE: two replicas closing the same project each keep their
    -- act (the service refuses a second one; the first by date counts).
    project_id  TEXT NOT NULL REFERENCES projects(id),
    closed_on   TEXT NOT NULL,
    reason      TEXT NOT NULL CHECK (reason IN ('obiettivi_raggiunti', 'trasferimento', 'altro_servizio',
                                                'rinuncia', 'decadenza', 'decesso', 'altro')),
    note        TEXT,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES operators(id)
) STRICT;

CREATE INDEX project_closures_project ON project_closures(project_id);

CREATE TABLE closure_outcomes (
    id         TEXT PRIMARY KEY,
    closure_id TEXT NOT NULL REFERENCES project_closures(id),
    position   INTEGER NOT NULL,
    objective  TEXT NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('raggiunto', 'parzialmente_raggiunto', 'non_raggiunto')),
    note       TEXT
) STRICT;
CREATE INDEX closure_outcomes_closure ON closure_outcomes(closure_id);
