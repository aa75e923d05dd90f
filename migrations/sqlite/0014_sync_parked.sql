-- Outbox entries the agency's server refused for good (issue 13, item 11):
-- a key another row holds there that no merge resolves, a value its checks
-- refuse. Before, one such row failed every push, and since each session
-- pushes before it pulls, the desktop stopped syncing altogether. Now the
-- row is set aside here with the server's reason, the rest of the account
-- flows, and Settings → Sincronização lists it: an edit of the row (a new
-- outbox entry) or "Tentar de novo" pushes it again; when that goes
-- through, its entry here is removed.
CREATE TABLE sync_parked (
    account_id BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,           -- its place in the outbox when parked
    table_name TEXT NOT NULL,
    key1       BLOB,
    key2       BLOB,
    op         TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    hlc        TEXT NOT NULL,
    reason     TEXT NOT NULL,              -- the server's constraint, for the UI's words
    detail     TEXT NOT NULL,              -- the server's own message
    parked_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX sync_parked_account ON sync_parked (account_id, table_name);

-- The server's lifetime (remote 0008, `server_epoch()`) a cursor counts in:
-- a cursor of another epoch (a re-provisioned server) means nothing there,
-- and the account is pulled from the start. NULL: not known yet (a cursor
-- from before 0014), taken from the next pull.
ALTER TABLE sync_cursor ADD COLUMN epoch TEXT;
