-- Schema 18 (issue 14, the SIUSS flow of benefits paid): what INPS's schema
-- asks that the records lacked.
-- - The operator's codice fiscale: the flow's `CFOperatore` is who prepared it.
--   NULL: not recorded yet (the flow is refused until it is).
-- - A member's country of citizenship as its ISO 3166-1 numeric code (the
--   flow's `CodiceCittadinanza`); NULL: not recorded (the flow says 990, "non
--   disponibile"). An Italian citizen's is 380 whatever this column holds: the
--   service keeps it NULL for them.
ALTER TABLE operators ADD COLUMN codice_fiscale TEXT;
ALTER TABLE members ADD COLUMN citizenship_country TEXT
    CHECK (citizenship_country IS NULL OR citizenship_country GLOB '[0-9][0-9][0-9]');
