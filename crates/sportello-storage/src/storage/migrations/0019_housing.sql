-- Schema 19 (issue 13 item 1): temporary social housing (rules.md §8; seed
-- 004, «Residenzialità Temporanea Sociale»): the office's units, the stays
-- of the households placed in them, and the waiting list.
--
-- Whether a stay may be recorded (one guest per bed, never more guests than
-- places on any day, the longest stay of the dated settings) is the pure
-- rule `rules::housing::check_stay`, run by the service before each write:
-- the schema keeps the shape only.
--
-- Sync (docs/sync.md): the units are everyone's, like the calls (an address
-- and a number of beds, nobody's data): copied whole to every device. A stay
-- and a waiting-list entry belong to their household's case
-- (`household_id`) and travel with it, so a restricted case's stays leave a
-- device of operatori with the case.

CREATE TABLE housing_units (
    id             TEXT PRIMARY KEY,
    -- "Via Padova 104, scala B, int. 5": what people call the unit.
    address        TEXT NOT NULL CHECK (length(trim(address)) > 0),
    -- Posti letto, numbered 1..=places.
    places         INTEGER NOT NULL CHECK (places BETWEEN 1 AND 30),
    -- The ente gestore (the Comune itself, a cooperative, a foundation).
    managing_body  TEXT NOT NULL,
    state          TEXT NOT NULL CHECK (state IN ('attivo', 'in_ristrutturazione', 'fuori_uso')),
    note           TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES operators(id),
    updated_by     TEXT NOT NULL REFERENCES operators(id)
) STRICT;

-- A household waiting for a place: its need in words, the priority the
-- office gave it (1 urgente, 2 alta, 3 ordinaria), how many people.
CREATE TABLE housing_waiting (
    id            TEXT PRIMARY KEY,
    household_id  TEXT NOT NULL REFERENCES households(id),
    need          TEXT NOT NULL,
    priority      INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 3),
    people        INTEGER NOT NULL CHECK (people >= 1),
    since         TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('waiting', 'placed', 'withdrawn')),
    -- The day it was placed or withdrawn, and why it was withdrawn.
    closed_on     TEXT,
    close_reason  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES operators(id),
    updated_by    TEXT NOT NULL REFERENCES operators(id),
    CHECK ((state = 'waiting') = (closed_on IS NULL))
) STRICT;
CREATE INDEX housing_waiting_household ON housing_waiting(household_id);

-- An inserimento: a household (or one person of it) in a bed or in a whole
-- unit, from its entry to its exit (the exit day is not occupied).
CREATE TABLE housing_stays (
    id                TEXT PRIMARY KEY,
    household_id      TEXT NOT NULL REFERENCES households(id),
    unit_id           TEXT NOT NULL REFERENCES housing_units(id),
    -- The posto letto; NULL = the whole unit.
    place             INTEGER CHECK (place IS NULL OR place >= 1),
    people            INTEGER NOT NULL CHECK (people >= 1),
    entry_date        TEXT NOT NULL,
    -- Moved by a proroga.
    planned_end       TEXT NOT NULL,
    exit_date         TEXT,
    destination       TEXT CHECK (destination IN ('autonomia_abitativa', 'edilizia_residenziale_pubblica',
                                                  'rientro_in_famiglia', 'altro_servizio', 'abbandono')),
    exit_note         TEXT,
    -- The waiting-list entry it came from.
    waiting_id        TEXT REFERENCES housing_waiting(id),
    -- The individual project towards autonomy: the household's progetto
    -- personalizzato (objectives, commitments, monitoring), when written.
    project_id        TEXT REFERENCES projects(id),
    -- What the guest pays each month, as the settings in force at the entry
    -- said (NULL: nothing), and those settings.
    contribution      TEXT,
    rule_set_id       TEXT NOT NULL,
    rule_set_version  INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    created_by        TEXT NOT NULL REFERENCES operators(id),
    updated_by        TEXT NOT NULL REFERENCES operators(id),
    CHECK ((exit_date IS NULL) = (destination IS NULL)),
    CHECK (planned_end > entry_date),
    CHECK (exit_date IS NULL OR exit_date >= entry_date)
) STRICT;
CREATE INDEX housing_stays_unit ON housing_stays(unit_id);
CREATE INDEX housing_stays_household ON housing_stays(household_id);
