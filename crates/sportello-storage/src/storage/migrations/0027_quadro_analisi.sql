-- Schema 27 (issue 12 item 0): the quadro di analisi, the équipe
-- multidisciplinare's in-depth assessment of a household the analisi
-- preliminare routed to it (d.lgs. 147/2017 art. 5; domain/quadro.rs).
--
-- One per household, like the analysis it deepens (`household_id` UNIQUE):
-- the current one, corrected in place until the project built on it is
-- signed; the fields' history (schema 22) keeps what it said before.
--
-- Sync (docs/sync.md): the case's rows (sync_scope CASE_TABLES), through
-- `household_id` and, for the parts, `quadro_id`. The parts are keyed by
-- their place in the quadro, as the analysis's areas and the project's
-- texts are: a save rewrites them, and two replicas correcting the same
-- line meet as one row edited twice (a conflict a person resolves), not as
-- two lines.
CREATE TABLE quadri (
    id             TEXT PRIMARY KEY,
    household_id   TEXT NOT NULL UNIQUE REFERENCES households(id),
    analysis_id    TEXT NOT NULL REFERENCES analyses(id),
    meeting_date   TEXT NOT NULL,
    outcome        TEXT NOT NULL CHECK (outcome IN ('patto_inclusione', 'servizi_specialistici', 'centro_impiego')),
    outcome_reason TEXT NOT NULL,
    operator_id    TEXT NOT NULL REFERENCES operators(id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES operators(id),
    updated_by     TEXT NOT NULL REFERENCES operators(id)
) STRICT;
CREATE INDEX quadri_analysis ON quadri(analysis_id);

-- The équipe: people of the services, by name as written (they are not
-- operators of this program, most of them).
CREATE TABLE quadro_equipe (
    quadro_id    TEXT NOT NULL REFERENCES quadri(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    name         TEXT NOT NULL,
    service      TEXT NOT NULL CHECK (service IN ('servizio_sociale', 'centro_impiego', 'servizi_sanitari',
                     'salute_mentale_dipendenze', 'scuola_formazione', 'servizi_abitativi', 'terzo_settore', 'altro')),
    organisation TEXT,
    role         TEXT,
    PRIMARY KEY (quadro_id, position)
) STRICT;

-- Members of the household at the équipe's meeting.
CREATE TABLE quadro_participants (
    quadro_id TEXT NOT NULL REFERENCES quadri(id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES members(id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (quadro_id, member_id)
) STRICT;
CREATE INDEX quadro_participants_member ON quadro_participants(member_id);

-- The six areas in depth.
CREATE TABLE quadro_areas (
    quadro_id TEXT NOT NULL REFERENCES quadri(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    domain    TEXT NOT NULL,
    need      TEXT NOT NULL CHECK (need IN ('nessuno', 'lieve', 'moderato', 'grave')),
    needs     TEXT,
    resources TEXT,
    services  TEXT,
    CHECK (need = 'nessuno' OR needs IS NOT NULL),
    PRIMARY KEY (quadro_id, domain)
) STRICT;

-- The priorities agreed, in order: the project's first objectives.
CREATE TABLE quadro_priorities (
    quadro_id TEXT NOT NULL REFERENCES quadri(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    text      TEXT NOT NULL,
    PRIMARY KEY (quadro_id, position)
) STRICT;
