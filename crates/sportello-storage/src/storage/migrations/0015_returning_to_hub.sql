-- Schema 15 (issue 11): a hub restored from a backup gets back its own
-- changes made after that backup from the devices that hold them.
--
-- A device that finds its hub went back (docs/sync.md, "The hub restored
-- from a backup") marks the hub's changes it holds and the hub no longer
-- has: its package to the hub then carries them, each in its place among
-- the device's own changes (so a later edit made on the device over one of
-- them still arrives after it), and the hub applies them by the merge rules
-- like any other change. Bookkeeping of this replica: `sync_outbox` is not
-- a synced table.
--
ALTER TABLE sync_outbox ADD COLUMN return_to_hub INTEGER NOT NULL DEFAULT 0 CHECK (return_to_hub IN (0, 1));

-- At the hub: restored from a backup, and this device not yet told. Its
-- next package over the network is answered `resend` whatever it starts
-- from, so that the device, having seen in that answer that the hub went
-- back (and marked what it holds of the hub's lost changes), sends again
-- from what the hub has, in order: its own changes and the hub's returned
-- ones where they stood.
ALTER TABLE sync_peers ADD COLUMN resend_after_restore INTEGER NOT NULL DEFAULT 0
    CHECK (resend_after_restore IN (0, 1));
