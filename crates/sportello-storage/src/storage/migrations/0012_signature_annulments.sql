-- Schema 12 (issue 15): a signature is never deleted; it is annulled, with a
-- reason, by an act of its own that stays.
--
-- Decision: the annulment is a row of a new table with a UUID key, not
-- columns on `signatures`. A signature's row is keyed by (project, member),
-- so that two devices recording the same member's signature meet on one row;
-- a new signature after an annulment is written on that same row, which
-- would overwrite columns of the annulment with it. As a row of its own the
-- annulment is an insert that no merge can refuse or overwrite (two replicas
-- annulling the same signature each keep their act: either one annuls it),
-- and it keeps a copy of the signature it annuls, so the annulled
-- signature's date, signer and recording survive the new one.
--
-- `record_id` names one recording of a signature (a UUID per
-- `signature_record`): an annulment names the recording it annuls, so the
-- new signature of the same member, on the same row, is not annulled by it.
-- Rows recorded before this schema keep NULL (a migration run on each
-- replica must not invent a different identifier on each), and an
-- annulment of one of them names NULL.
ALTER TABLE signatures ADD COLUMN record_id TEXT;

CREATE TABLE signature_annulments (
    id               TEXT PRIMARY KEY,
    project_id       TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    member_id        TEXT NOT NULL REFERENCES members(id),
    signature_record TEXT,
    -- The signature annulled, as it was recorded.
    signer_id        TEXT NOT NULL REFERENCES members(id),
    signed_on        TEXT NOT NULL,
    recorded_at      TEXT NOT NULL,
    recorded_by      TEXT NOT NULL REFERENCES operators(id),
    -- The annulment.
    reason           TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    annulled_at      TEXT NOT NULL,
    annulled_by      TEXT NOT NULL REFERENCES operators(id)
) STRICT;
CREATE INDEX signature_annulments_project ON signature_annulments(project_id, member_id);
CREATE INDEX signature_annulments_member ON signature_annulments(member_id);
CREATE INDEX signature_annulments_signer ON signature_annulments(signer_id);
