-- Schema 20 (issue 13, item 2): the finances of a funded project (rules.md §8;
-- seed 004: «Residenzialità Temporanea Sociale», PON Metro azione 3.1.1,
-- codice MI3.1.1.c, CUP B49J17000130006).
--
-- A project carries its codes and the two amounts the acts set
-- (programmato, ammesso a finanziamento). The other two amounts OpenCoesione
-- shows are never stored: *giuridicamente vincolante* is the sum of the
-- commitments (impegni), *erogato* the sum of the payments (mandati), both
-- computed by `rules::project_finance::amounts` from the rows below.
--
-- Commitments and payments are accounting records: once recorded they are
-- never changed nor deleted (triggers). A wrong one is annulled with a reason
-- (`finance_annulments`, one row per annulled record, itself never changed)
-- and, if needed, recorded again right: the annulled row stays, and is shown
-- and printed as annulled, so every euro of the report can be traced.
--
-- Like the awards and the elenchi di liquidazione these rows are the office's
-- and stay at the hub (sync_scope HUB_TABLES).

CREATE TABLE funded_projects (
    id           TEXT PRIMARY KEY,
    -- Codice progetto: MI3.1.1.c.
    code         TEXT NOT NULL UNIQUE CHECK (length(trim(code)) > 0),
    title        TEXT NOT NULL CHECK (length(trim(title)) > 0),
    -- Programme or fund: "PON Città Metropolitane 2014-2020".
    programme    TEXT NOT NULL CHECK (length(trim(programme)) > 0),
    -- "Azione 3.1.1" ('' when the programme has no actions).
    azione       TEXT NOT NULL,
    -- Codice Unico di Progetto: 15 capital letters and digits.
    cup          TEXT NOT NULL UNIQUE
                 CHECK (length(cup) = 15 AND cup NOT GLOB '*[^A-Z0-9]*'),
    rup          TEXT NOT NULL,
    attuatore    TEXT NOT NULL,
    start_on     TEXT NOT NULL,
    end_on       TEXT NOT NULL,
    programmato  TEXT NOT NULL,
    ammesso      TEXT NOT NULL,
    -- The act that set the amounts (decreto di ammissione, convenzione di
    -- sovvenzione AV3-2016-LOM-79): '' when not yet known.
    act          TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES operators(id),
    updated_by   TEXT NOT NULL REFERENCES operators(id),
    CHECK (start_on <= end_on)
) STRICT;

-- An impegno: the number the ragioneria gave it, its act (determina), the
-- creditor, the amount. The number is unique among a project's records that
-- are not annulled (checked by the service: an annulled one may be recorded
-- again under the same number).
CREATE TABLE finance_commitments (
    id           TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL REFERENCES funded_projects(id),
    number       TEXT NOT NULL CHECK (length(trim(number)) > 0),
    date         TEXT NOT NULL,
    act          TEXT NOT NULL CHECK (length(trim(act)) > 0),
    creditor     TEXT NOT NULL CHECK (length(trim(creditor)) > 0),
    amount       TEXT NOT NULL,
    description  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES operators(id)
) STRICT;
CREATE INDEX finance_commitments_project ON finance_commitments(project_id, date);

-- A mandato di pagamento on one commitment, with the expense document it pays
-- (fattura n. 12/2018 del 15/03/2018).
CREATE TABLE finance_payments (
    id             TEXT PRIMARY KEY,
    project_id     TEXT NOT NULL REFERENCES funded_projects(id),
    commitment_id  TEXT NOT NULL REFERENCES finance_commitments(id),
    number         TEXT NOT NULL CHECK (length(trim(number)) > 0),
    date           TEXT NOT NULL,
    amount         TEXT NOT NULL,
    document       TEXT NOT NULL CHECK (length(trim(document)) > 0),
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES operators(id)
) STRICT;
CREATE INDEX finance_payments_project ON finance_payments(project_id, date);
CREATE INDEX finance_payments_commitment ON finance_payments(commitment_id);

-- The annulment of one commitment or payment, with its reason.
CREATE TABLE finance_annulments (
    id           TEXT PRIMARY KEY,
    project_id   TEXT NOT NULL REFERENCES funded_projects(id),
    kind         TEXT NOT NULL CHECK (kind IN ('commitment', 'payment')),
    record_id    TEXT NOT NULL UNIQUE,
    reason       TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    annulled_on  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES operators(id)
) STRICT;

CREATE TRIGGER funded_projects_no_delete BEFORE DELETE ON funded_projects
BEGIN SELECT RAISE(ABORT, 'funded_projects: a funded project is never deleted'); END;
CREATE TRIGGER finance_commitments_no_update BEFORE UPDATE ON finance_commitments
BEGIN SELECT RAISE(ABORT, 'finance_commitments: a recorded commitment is never changed (annul it)'); END;
CREATE TRIGGER finance_commitments_no_delete BEFORE DELETE ON finance_commitments
BEGIN SELECT RAISE(ABORT, 'finance_commitments: a recorded commitment is never deleted (annul it)'); END;
CREATE TRIGGER finance_payments_no_update BEFORE UPDATE ON finance_payments
BEGIN SELECT RAISE(ABORT, 'finance_payments: a recorded payment is never changed (annul it)'); END;
CREATE TRIGGER finance_payments_no_delete BEFORE DELETE ON finance_payments
BEGIN SELECT RAISE(ABORT, 'finance_payments: a recorded payment is never deleted (annul it)'); END;
CREATE TRIGGER finance_annulments_no_update BEFORE UPDATE ON finance_annulments
BEGIN SELECT RAISE(ABORT, 'finance_annulments: an annulment is never changed'); END;
CREATE TRIGGER finance_annulments_no_delete BEFORE DELETE ON finance_annulments
BEGIN SELECT RAISE(ABORT, 'finance_annulments: an annulment is never deleted'); END;
-- A payment of a project is on a commitment of the same project.
CREATE TRIGGER finance_payments_same_project BEFORE INSERT ON finance_payments
WHEN NOT EXISTS (SELECT 1 FROM finance_commitments WHERE id = NEW.commitment_id AND project_id = NEW.project_id)
BEGIN SELECT RAISE(ABORT, 'finance_payments: the commitment belongs to another project'); END;
