-- Sportello, schema 3: the audit log becomes a hash chain (issue 5).
-- Each row carries the hash of the previous row and its own hash, SHA-256 over a
-- canonical serialisation of the row plus `prev_hash` (computed in Rust,
-- storage/audit.rs): changing, removing or reordering a row breaks the chain at
-- that row, and `sportello audit verify` names it.
-- Self-contained: touches only audit_log.

ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;

-- Rows written before this schema have no hash yet: they may be sealed once
-- (hash and prev_hash set, nothing else changed) when the database is opened;
-- after that a row can never change again.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.hash IS NOT NULL
  OR NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at OR NEW.operator_id IS NOT OLD.operator_id
  OR NEW.action IS NOT OLD.action OR NEW.record_id IS NOT OLD.record_id OR NEW.detail IS NOT OLD.detail
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- New rows arrive sealed: a writer that forgets the chain is refused.
CREATE TRIGGER audit_log_sealed BEFORE INSERT ON audit_log
WHEN NEW.hash IS NULL OR NEW.prev_hash IS NULL
BEGIN SELECT RAISE(ABORT, 'audit_log rows must carry prev_hash and hash'); END;
