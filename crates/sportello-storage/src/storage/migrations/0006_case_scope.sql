-- Case scope (issue 5): an operatore sees the cases in their charge and those
-- of their équipe. `operators.equipe` names the team (operators with the same
-- name are one team; NULL = no team). `households.responsabile_id` is the
-- operator in charge of the case: for the cases already in the database, the
-- operator who opened them (what the office did so far: who takes a family in
-- charge follows it). A coordinator reassigns.
ALTER TABLE operators ADD COLUMN equipe TEXT CHECK (equipe IS NULL OR length(trim(equipe)) > 0);
ALTER TABLE households ADD COLUMN responsabile_id TEXT REFERENCES operators(id);
UPDATE households SET responsabile_id = created_by;
CREATE INDEX households_responsabile ON households(responsabile_id);
CREATE INDEX operators_equipe ON operators(equipe);
