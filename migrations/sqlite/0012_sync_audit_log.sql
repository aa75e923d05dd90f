-- Sync of the audit log: who exported or erased whose data reaches every
-- desktop of the account (and the agency's server), so an LGPD request can be
-- answered from any of them. The server's table is append-only with a UUID
-- id (postgres 0001, 0002: operators may only add to it); here the id was an
-- integer, so the table is rebuilt with a UUID id every desktop can choose on
-- its own. Entries written before this migration get random ids (128 random
-- bits: PostgreSQL's uuid takes them as they are) and are pushed like any
-- other change not pushed yet. Only inserts are recorded: an entry never
-- changes, and it goes only with its account.

CREATE TABLE audit_log_new (
    id          BLOB PRIMARY KEY NOT NULL,    -- a UUID
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    actor_id    BLOB,                         -- the operator, when one is chosen
    actor_name  TEXT NOT NULL,                -- as it was at the time
    action      TEXT NOT NULL CHECK (action IN ('contact_exported', 'contact_erased')),
    contact_id  BLOB NOT NULL,
    at          INTEGER NOT NULL,
    hlc         TEXT
) STRICT;

INSERT INTO audit_log_new (id, account_id, actor_id, actor_name, action, contact_id, at, hlc)
SELECT randomblob(16), account_id, actor_id, actor_name, action, contact_id, at, (SELECT hlc FROM sync_clock)
FROM audit_log ORDER BY id;

DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_by_account ON audit_log (account_id, at DESC);

INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'audit_log', id, NULL, 'upsert', hlc FROM audit_log ORDER BY rowid;

CREATE TRIGGER audit_log_sync_insert AFTER INSERT ON audit_log
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE audit_log SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'audit_log', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;
