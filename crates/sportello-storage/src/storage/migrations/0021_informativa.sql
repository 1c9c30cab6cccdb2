-- Schema 21 (issue 16 item 1): the informativa (GDPR artt. 13-14) of the
-- office, in versions, and the day it was given to each adult member of a
-- case.
--
-- The text is the administrator's: each save is a new version, never
-- rewritten, so that what a family was given can always be printed again as
-- it was. Each delivery names the version given.
--
-- Sync (docs/sync.md): the versions are everyone's, like the office and the
-- calls (the office's own text, nobody's data): copied whole to every
-- device, so a device prints and records the same versions. A delivery
-- belongs to its household's case (`household_id`) and travels with it; it
-- records something that happened on paper (FACT_TABLES: a merge adds it,
-- never deletes it).

-- The «controller» and the DPO are kept apart from the body: the printed
-- informativa heads with them, and the register of processing (art. 30)
-- names them from here.
CREATE TABLE informativa_versions (
    id          TEXT PRIMARY KEY,
    -- 1, 2, 3 …: the next of the highest known.
    version     INTEGER NOT NULL CHECK (version >= 1),
    -- The titolare del trattamento: "Comune di Rozzano, piazza Foglia 1, …".
    controller  TEXT NOT NULL CHECK (length(trim(controller)) > 0),
    -- The Responsabile della protezione dei dati and how to reach them.
    dpo         TEXT NOT NULL CHECK (length(trim(dpo)) > 0),
    -- The informativa's text: paragraphs separated by a blank line.
    body        TEXT NOT NULL CHECK (length(trim(body)) > 0),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES operators(id)
) STRICT;
CREATE INDEX informativa_versions_version ON informativa_versions(version);

CREATE TABLE informativa_deliveries (
    id            TEXT PRIMARY KEY,
    household_id  TEXT NOT NULL REFERENCES households(id),
    member_id     TEXT NOT NULL REFERENCES members(id),
    version_id    TEXT NOT NULL REFERENCES informativa_versions(id),
    -- The day it was given or sent.
    given_on      TEXT NOT NULL,
    -- How: handed over at the desk or sent (post, e-mail).
    mode          TEXT NOT NULL CHECK (mode IN ('a_mano', 'inviata')),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES operators(id)
) STRICT;
CREATE INDEX informativa_deliveries_household ON informativa_deliveries(household_id);

CREATE TRIGGER informativa_versions_no_update BEFORE UPDATE ON informativa_versions
BEGIN SELECT RAISE(ABORT, 'informativa_versions: a version of the informativa is never changed'); END;
CREATE TRIGGER informativa_versions_no_delete BEFORE DELETE ON informativa_versions
BEGIN SELECT RAISE(ABORT, 'informativa_versions: a version of the informativa is never deleted'); END;
CREATE TRIGGER informativa_deliveries_no_update BEFORE UPDATE ON informativa_deliveries
BEGIN SELECT RAISE(ABORT, 'informativa_deliveries: a recorded delivery is never changed'); END;

-- The printed informativa is filed among the case's documents: a new kind.
-- SQLite changes a CHECK only by copying the table (as schema 5 did).
CREATE TABLE documents_new (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households(id),
    kind         TEXT NOT NULL CHECK (kind IN ('patto', 'convocazione', 'esito_requisiti', 'registro_accessi',
                                               'informativa')),
    title        TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES operators(id),
    content      BLOB,
    UNIQUE (household_id, file_name)
) STRICT;
INSERT INTO documents_new (id, household_id, kind, title, file_name, size_bytes, created_at, created_by, content)
SELECT id, household_id, kind, title, file_name, size_bytes, created_at, created_by, content FROM documents;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
