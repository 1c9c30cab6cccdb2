-- Schema 28 (issue 12 item 4): the ESF+ 2021-2027 common indicators
-- (Reg. UE 2021/1057, Allegato I) next to the 2014-2020 ones.
--
-- The set of indicators is the programme's, by its programming period, not
-- the entry date's: a 2014-2020 programme's participants are read under the
-- 2014-2020 sets even when they enter in 2022. Every programme recorded so
-- far is a PON Inclusione FSE 2014-2020 project (seeds 001 and 003), so the
-- existing rows take '2014-2020'.
--
-- The enrolment's answers at entry gain the two that ESF+ asks and 2014-2020
-- did not: third-country national (EECO13) and minority (EECO15); NULL is
-- "non noto", as for the other answers. Both tables are already synced
-- (0025_programmes.sql): the new columns travel with their rows.

ALTER TABLE programmes ADD COLUMN esf_period TEXT NOT NULL DEFAULT '2014-2020'
    CHECK (esf_period IN ('2014-2020', '2021-2027'));

ALTER TABLE enrolments ADD COLUMN third_country_national INTEGER
    CHECK (third_country_national IN (0, 1));
ALTER TABLE enrolments ADD COLUMN minority INTEGER CHECK (minority IN (0, 1));
