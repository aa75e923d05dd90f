-- Webhooks reach every desktop of the account (issue 17, item 4;
-- docs/webhooks.md, "Where events are made, and who delivers"): the
-- definition is a synced table (crates/sync/src/tables.rs; its outbox
-- triggers come with the generated 0038), so the desktop that runs a
-- number delivers that number's events to the account's webhooks.
--
-- `failing_since` and `last_failed_at` stay this desktop's (its network,
-- its receiver's answers): not in the catalog, and an update of only them
-- is no change for the server (`Updates::OfSynced`).
--
-- The signing secret never enters this database: each desktop keeps it in
-- its own keyring. `secret_version` (synced) says which secret signs now;
-- it moves at every "rotate secret". The desktop that made the secret
-- publishes it to the agency's server (`zapdesk.webhook_secrets`, postgres
-- 0020); another desktop whose kept version is behind fetches it from there
-- (crates/app/src/webhooks/secret_sync.rs) and sends nothing for the webhook
-- until it has it (never unsigned, never with an older secret).
ALTER TABLE webhooks ADD COLUMN secret_version INTEGER NOT NULL DEFAULT 1
    CHECK (secret_version >= 1);
ALTER TABLE webhooks ADD COLUMN hlc TEXT;
-- `secret_version`'s own clock (crates/sync/src/tables.rs, `own_clock`; as
-- the contacts' opt-out, 0016): the clock of the last rotation. A pulled or
-- pushed row changes the version only with a later `secret_hlc`, and the
-- rest of the row only with a later row clock, so an edit of the URL or the
-- on/off made on a desktop that had not seen a rotation never takes it back.
ALTER TABLE webhooks ADD COLUMN secret_hlc TEXT;

-- Which version of each webhook's secret this desktop keeps in its keyring,
-- and whether the agency's server has it from here (`published`: 0 until
-- the desktop that made it published it; a desktop that fetched it has
-- nothing to publish). No key to `webhooks`: a webhook deleted by a pull
-- (another desktop's delete) leaves its row here, which is how the app
-- finds the keyring entry to forget.
CREATE TABLE webhook_secret_local (
    webhook_id  BLOB PRIMARY KEY NOT NULL,
    account_id  BLOB NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    published   INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
    fetched_at  INTEGER NOT NULL
) STRICT;

-- The webhooks made here before: their secret (version 1) is in this
-- keyring and goes to the server once the account syncs.
INSERT INTO webhook_secret_local (webhook_id, account_id, version, published, fetched_at)
SELECT id, account_id, 1, 0, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)
FROM webhooks;

-- And their definitions go to the server, as 0007 did for the first
-- synced tables: this desktop's clock, one outbox entry each.
UPDATE sync_clock SET
    counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0
                   WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
    ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms
              THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)
              WHEN counter >= 99999 THEN ms + 1 ELSE ms END
WHERE id = 1;
UPDATE webhooks SET hlc = (SELECT hlc FROM sync_clock), secret_hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'webhooks', id, NULL, 'upsert', (SELECT hlc FROM sync_clock)
FROM webhooks ORDER BY rowid;
