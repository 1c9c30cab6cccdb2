-- Schema 4: eligibility for misure 1-7 in the app (issue 4).
--
-- What the household form does not hold but the rules need: whether the household
-- receives or applied for another subsidy of the Direzione Politiche Sociali, and
-- the social worker's account of an extraordinary and urgent need (misura 5).
-- Kept beside the household, one row per household, changed by its own command.
CREATE TABLE eligibility_facts (
    household_id    TEXT PRIMARY KEY REFERENCES households(id),
    other_subsidies INTEGER NOT NULL CHECK (other_subsidies IN (0, 1)),
    urgent_need     TEXT,
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL REFERENCES operators(id)
) STRICT;

-- Every check made, never changed: what was decided, on which data, under which
-- rule sets, when and by whom (an appeal asks exactly this).
CREATE TABLE eligibility_checks (
    id             TEXT PRIMARY KEY,
    household_id   TEXT NOT NULL REFERENCES households(id),
    reference_date TEXT NOT NULL,
    comune         TEXT NOT NULL,
    -- The rules' input as evaluated (JSON): the household as it was that day.
    input          TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES operators(id)
) STRICT;

CREATE INDEX eligibility_checks_by_household ON eligibility_checks (household_id, created_at);

CREATE TABLE eligibility_answers (
    check_id  TEXT NOT NULL REFERENCES eligibility_checks(id),
    position  INTEGER NOT NULL,
    measure   TEXT NOT NULL,
    eligible  INTEGER NOT NULL CHECK (eligible IN (0, 1)),
    -- JSON: [{code, text}], [{id, version}], [{outcome, code, text, source}].
    reasons   TEXT NOT NULL,
    rule_sets TEXT NOT NULL,
    trace     TEXT NOT NULL,
    PRIMARY KEY (check_id, measure)
) STRICT;
