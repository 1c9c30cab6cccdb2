-- The network transport of sync (issue 11, point 5): where a device reaches
-- its hub (`http://HOST:PORT`), remembered at the first `sync now` that
-- reached it, so that the app syncs every few seconds without asking.
ALTER TABLE sync_peers ADD COLUMN address TEXT;
