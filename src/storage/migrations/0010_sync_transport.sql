-- The network transport of sync (issue 11, point 5): where a device reaches
-- its hub (`http://HOST:PORT`), remembered at the first `sync now` that
-- reached it, so that the app syncs every few seconds without asking.
ALTER TABLE sync_peers ADD COLUMN address TEXT;

-- The peer a change applied here came from (NULL: made here). A replica
-- never sends a peer back what it received from it: the origin alone did not
-- say that a device's copy of another device's change came from the hub.
ALTER TABLE sync_outbox ADD COLUMN via_device TEXT;
