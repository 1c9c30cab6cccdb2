-- Resolving a sync conflict (issue 11, docs/sync.md "Resolving a conflict").
--
-- A person's choice is a row of its own, and the table travels like any other
-- (text UUID key, captured by the session): the replica where the conflict was
-- resolved sends it with the field's new value, and every replica that holds
-- an open conflict on the same (table, record, field) closes it when the row
-- arrives. `sync_conflicts` itself never travels: each replica finds its own
-- conflicts (a device keeps its own value in one when the hub's stands), so it
-- is the choice that travels, not the conflict.
CREATE TABLE conflict_resolutions (
    id          TEXT PRIMARY KEY,
    -- The conflict row chosen on, on the replica where the choice was made.
    conflict_id TEXT NOT NULL,
    table_name  TEXT NOT NULL,
    record      TEXT NOT NULL,
    field       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    -- The case the record belongs to (null: an office-level record, an
    -- operator or a call): an enrolled device gets the choices of the cases
    -- in its scope, as it gets their rows (storage/sync_scope.rs).
    household_id TEXT,
    -- Relative to that conflict row: 'ours' = the value of that replica.
    choice      TEXT NOT NULL CHECK (choice IN ('ours', 'theirs')),
    -- JSON: the value (or, for a whole row, the row or null) that stands.
    chosen      TEXT,
    -- JSON: what stood there before the choice, when it was neither side
    -- (the field changed again): kept, never lost.
    replaced    TEXT,
    device_id   TEXT NOT NULL,
    device_name TEXT NOT NULL,
    resolved_at TEXT NOT NULL,
    resolved_by TEXT NOT NULL
) STRICT;
CREATE INDEX conflict_resolutions_record ON conflict_resolutions(table_name, record, field);
CREATE INDEX conflict_resolutions_household ON conflict_resolutions(household_id);

-- The choice closes every open conflict on the same field here, whether it
-- was made here or arrived in a package: the losing value stays in the
-- closed conflict row. `resolution` says which side of that row won.
CREATE TRIGGER conflict_resolutions_close AFTER INSERT ON conflict_resolutions
BEGIN
    UPDATE sync_conflicts
    SET resolved_at = NEW.resolved_at,
        resolved_by = NEW.resolved_by,
        resolution = json_object(
            'id', NEW.id,
            'choice', CASE
                WHEN NEW.chosen IS ours THEN 'ours'
                WHEN NEW.chosen IS theirs THEN 'theirs'
                ELSE 'altro' END,
            'chosen', json(coalesce(NEW.chosen, 'null')),
            'device', NEW.device_name)
    WHERE table_name = NEW.table_name AND record = NEW.record AND field = NEW.field
      AND resolved_at IS NULL;
END;
