-- Schema 13 (issue 15, "The people as they are"): the residence permit of a
-- member from a country outside the EU, the CAP of the household's address,
-- and no employment status for a child.
--
-- The permit: its kind (a word of `domain::PermitKind`), its number and, for
-- the titles that end, its expiry. NULL for members without one. The service
-- sets and clears the three together (the permit is checked whole where it
-- enters, `domain::permit`). Decision: no CHECK ties the three columns to each
-- other: the sync merges column by column, and two replicas' edits of one
-- permit (one clearing it, the other changing its number) would otherwise be
-- refused whole by the schema; the storage reads a row without a kind as no
-- permit. Synced like every column of `members`: the session's changesets
-- carry new columns as they carry the others (docs/sync.md "Which tables
-- travel").
ALTER TABLE members ADD COLUMN permit_kind TEXT
    CHECK (permit_kind IS NULL OR permit_kind IN (
        'lavoro_subordinato', 'lavoro_autonomo', 'attesa_occupazione', 'famiglia', 'studio',
        'asilo', 'protezione_sussidiaria', 'protezione_speciale', 'richiesta_asilo', 'minore_eta',
        'ue_lungo_periodo', 'carta_familiare_ue', 'carta_permanente_familiare_ue', 'in_rinnovo', 'altro'));
ALTER TABLE members ADD COLUMN permit_number TEXT;
ALTER TABLE members ADD COLUMN permit_expires_on TEXT;

-- The deadlines board reads the permits that end, by expiry.
CREATE INDEX members_permit_expiry ON members(permit_expires_on) WHERE permit_expires_on IS NOT NULL;

-- Codice di avviamento postale of the household's address (five digits), for letters.
ALTER TABLE households ADD COLUMN cap TEXT
    CHECK (cap IS NULL OR (length(cap) = 5 AND cap NOT GLOB '*[^0-9]*'));

-- Employment: not asked below the age of `assets/procedure/componenti.toml`.
-- Decision: the column stays as schema 1 made it (NOT NULL) and a member with
-- none holds the empty text "". Making it nullable would mean rebuilding
-- `members`, which seven tables refer to, inside the migration's transaction
-- with foreign keys on; the storage reads "" (and NULL) as "not asked".
-- Nothing to change in the rows: a child recorded before keeps the value
-- typed then until the form is saved again.
