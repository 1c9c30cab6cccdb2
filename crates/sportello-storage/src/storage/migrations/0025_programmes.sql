-- Schema 25 (issue 12 items 1-2): the funded programmes the office works in
-- (seed 001 «Traiettorie per l'inclusione socio lavorativa», PON Inclusione
-- FSE 2014-2020, convenzione AV3-2016-LOM-79; seed 003 «CIAO!», ASSEMI
-- capofila with 13 third-sector partners), their partners and governance,
-- the catalogue of their interventions, and the members of households
-- enrolled in one of them from their progetto personalizzato.
--
-- Sync (docs/sync.md): a programme, its partners, bodies and interventions
-- are everyone's (a title, organisations, a catalogue: nobody's data), copied
-- whole to every device like the calls and the housing units, so that an
-- operator on a laptop enrols a member in a tirocinio. Its finances stay in
-- `funded_projects` at the hub (`funded_project_id` names it, without a
-- foreign key: a device has no such table's rows). An enrolment belongs to
-- its household's case and travels with it.

CREATE TABLE programmes (
    id                 TEXT PRIMARY KEY,
    title              TEXT NOT NULL CHECK (length(trim(title)) > 0),
    -- "Fondo Sociale Europeo 2014-2020".
    fund               TEXT NOT NULL,
    -- "PON Inclusione", "Avviso 3/2016".
    programme          TEXT NOT NULL,
    -- Convenzione di sovvenzione or other act: "AV3-2016-LOM-79" ('' unknown).
    convention         TEXT NOT NULL,
    -- Codice Unico di Progetto ('' when it has none).
    cup                TEXT NOT NULL CHECK (cup = '' OR (length(cup) = 15 AND cup NOT GLOB '*[^A-Z0-9]*')),
    start_on           TEXT NOT NULL,
    end_on             TEXT NOT NULL,
    -- The project's value as its act says; NULL when the office does not have it.
    budget             TEXT,
    -- Ente capofila: "Ambito di Sesto San Giovanni", "A.S.S.E.MI".
    lead_body          TEXT NOT NULL CHECK (length(trim(lead_body)) > 0),
    -- Destinatari, in the call's words.
    target             TEXT NOT NULL,
    -- The funder asks for the ESF common indicators of its participants.
    esf                INTEGER NOT NULL CHECK (esf IN (0, 1)),
    funded_project_id  TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL REFERENCES operators(id),
    updated_by         TEXT NOT NULL REFERENCES operators(id),
    CHECK (start_on <= end_on)
) STRICT;

CREATE TABLE programme_partners (
    id            TEXT PRIMARY KEY,
    programme_id  TEXT NOT NULL REFERENCES programmes(id),
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kind          TEXT NOT NULL CHECK (kind IN ('pubblico', 'terzo_settore', 'privato')),
    role          TEXT NOT NULL CHECK (role IN ('capofila', 'partner', 'attuatore', 'sostenitore', 'referente')),
    -- Still in the partnership (a partner that leaves is kept: its
    -- interventions and their participants still name it).
    active        INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES operators(id),
    updated_by    TEXT NOT NULL REFERENCES operators(id)
) STRICT;
CREATE INDEX programme_partners_programme ON programme_partners(programme_id, position);

-- A governance body: the cabina di regia, the coordinamento operativo, a
-- comunità di pratica; its members in one text, a line each ("Maria Rossi —
-- A.S.S.E.MI, coordinatrice"): who sits there changes with the people, and
-- nothing computes on it.
CREATE TABLE programme_bodies (
    id            TEXT PRIMARY KEY,
    programme_id  TEXT NOT NULL REFERENCES programmes(id),
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('cabina_di_regia', 'coordinamento_operativo',
                                                'comunita_di_pratica', 'altro')),
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    remit         TEXT NOT NULL,
    members       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES operators(id),
    updated_by    TEXT NOT NULL REFERENCES operators(id)
) STRICT;
CREATE INDEX programme_bodies_programme ON programme_bodies(programme_id, position);

-- The programme's catalogue: what it offers, run by a partner or by the
-- service itself (partner_id NULL).
CREATE TABLE interventions (
    id             TEXT PRIMARY KEY,
    programme_id   TEXT NOT NULL REFERENCES programmes(id),
    position       INTEGER NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('tirocinio', 'corso', 'orientamento', 'bene_comune',
                                                 'socio_educativo', 'consulenza')),
    title          TEXT NOT NULL CHECK (length(trim(title)) > 0),
    partner_id     TEXT REFERENCES programme_partners(id),
    -- A course's hours (NULL for the other kinds).
    hours_planned  INTEGER CHECK (hours_planned IS NULL OR hours_planned > 0),
    description    TEXT NOT NULL,
    active         INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES operators(id),
    updated_by     TEXT NOT NULL REFERENCES operators(id),
    CHECK ((kind = 'corso') = (hours_planned IS NOT NULL))
) STRICT;
CREATE INDEX interventions_programme ON interventions(programme_id, position);

-- A member in an intervention, from the patto: the project and the support
-- of it that the intervention carries out. The kind's own terms (a
-- tirocinio's host, tutor, hours, indennità and who pays it; the Centro per
-- l'impiego of an orientamento; the place and hours of an activity di bene
-- comune; the specialist of a consultation) are columns checked by kind in
-- `domain::programme::Terms`. The participant's situation at entry (the ESF
-- common indicators' data, rules.md §6: unknown = NULL) is kept with it, as
-- the funder reads it on the entry day.
CREATE TABLE enrolments (
    id                   TEXT PRIMARY KEY,
    household_id         TEXT NOT NULL REFERENCES households(id),
    member_id            TEXT NOT NULL REFERENCES members(id),
    intervention_id      TEXT NOT NULL REFERENCES interventions(id),
    project_id           TEXT NOT NULL REFERENCES projects(id),
    support_id           TEXT REFERENCES supports(id),
    entry_date           TEXT NOT NULL,
    planned_end          TEXT,
    host                 TEXT,
    tutor                TEXT,
    hours_week           INTEGER CHECK (hours_week IS NULL OR hours_week BETWEEN 1 AND 40),
    allowance            TEXT,
    allowance_payer      TEXT,
    agency               TEXT,
    hours_attended       INTEGER CHECK (hours_attended IS NULL OR hours_attended >= 0),
    -- ESF data at entry.
    labour_status        TEXT CHECK (labour_status IN ('occupato', 'disoccupato', 'inattivo')),
    unemployed_since     TEXT,
    in_education         INTEGER CHECK (in_education IN (0, 1)),
    isced                INTEGER CHECK (isced BETWEEN 0 AND 8),
    foreign_background   INTEGER CHECK (foreign_background IN (0, 1)),
    disability           INTEGER CHECK (disability IN (0, 1)),
    other_disadvantaged  INTEGER CHECK (other_disadvantaged IN (0, 1)),
    homeless             INTEGER CHECK (homeless IN (0, 1)),
    rural                INTEGER CHECK (rural IN (0, 1)),
    household_jobless    INTEGER CHECK (household_jobless IN (0, 1)),
    dependent_children   INTEGER CHECK (dependent_children IN (0, 1)),
    single_adult         INTEGER CHECK (single_adult IN (0, 1)),
    -- The exit: when, how it ended, and the ESF result situation.
    exit_date            TEXT,
    outcome              TEXT CHECK (outcome IN ('completato', 'ritirato', 'assunto', 'altro_servizio')),
    outcome_note         TEXT,
    exit_status          TEXT CHECK (exit_status IN ('in_cerca_di_lavoro', 'in_istruzione_formazione',
                                                     'qualifica_ottenuta', 'occupato', 'altro')),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    created_by           TEXT NOT NULL REFERENCES operators(id),
    updated_by           TEXT NOT NULL REFERENCES operators(id),
    CHECK ((exit_date IS NULL) = (outcome IS NULL)),
    CHECK (exit_date IS NULL OR exit_date >= entry_date),
    CHECK (exit_status IS NULL OR exit_date IS NOT NULL)
) STRICT;
CREATE INDEX enrolments_household ON enrolments(household_id);
CREATE INDEX enrolments_intervention ON enrolments(intervention_id);
