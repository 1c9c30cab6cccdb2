-- Documents move into the (encrypted) database: a PDF of a case is personal
-- data and must never lie on the disk in clear. `content` holds the PDF; rows
-- of earlier versions keep NULL until the service imports their file from the
-- case folder (and removes it). The kind `registro_accessi` is the exported
-- access history of a case.
CREATE TABLE documents_new (
    id           TEXT PRIMARY KEY,
    household_id TEXT NOT NULL REFERENCES households(id),
    kind         TEXT NOT NULL CHECK (kind IN ('patto', 'convocazione', 'esito_requisiti', 'registro_accessi')),
    title        TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES operators(id),
    content      BLOB,
    UNIQUE (household_id, file_name)
) STRICT;

INSERT INTO documents_new (id, household_id, kind, title, file_name, size_bytes, created_at, created_by)
SELECT id, household_id, kind, title, file_name, size_bytes, created_at, created_by FROM documents;

DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
