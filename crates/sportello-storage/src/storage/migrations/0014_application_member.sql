-- Schema 14 (issue 15): an application of a call names the person who applied,
-- when the office knows them: a member of the household it is linked to. The
-- service checks the application's birth date against that member's (the
-- ranking's age bonus and its tie-break read it). NULL: not linked to a
-- person (imported from a file, or an applicant the office has no case for).
--
-- No foreign key: a member removed from a household later must not make the
-- call's frozen history unwritable; the service resolves the id when it reads.
ALTER TABLE call_applications ADD COLUMN member_id TEXT;
CREATE INDEX call_applications_member ON call_applications(member_id);
