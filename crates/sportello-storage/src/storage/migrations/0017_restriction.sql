-- Schema 17 (issue 16, GDPR art. 18 and 21): a case whose processing is
-- restricted. It is kept, not used: only a coordinatore or an
-- amministratore opens it (an operatore's attempt is refused and logged),
-- it leaves the operatori's lists, and, being columns of the case's own row,
-- the mark travels with sync like any other field; a device of operatori
-- only no longer holds the case (sync_scope's scope excludes it).
ALTER TABLE households ADD COLUMN restricted_on TEXT;
ALTER TABLE households ADD COLUMN restriction_reason TEXT;
ALTER TABLE households ADD COLUMN restricted_by TEXT REFERENCES operators(id);
