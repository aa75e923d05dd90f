-- Sync of the inbox: numbers, conversations, messages, notes and quick
-- replies ride on the outbox of 0007_sync.sql exactly as contacts do (same
-- clock, same guard, same triggers), so every desktop of an account shows the
-- same conversations, and a reply typed on one desktop reaches the desktop
-- that runs the number as a pending outbound message, which that desktop
-- sends (docs/sync.md, "Numbers and replies").
--
-- What stays on this desktop (not in the synced columns of crates/sync's
-- tables.rs, so not pushed, and kept as they are when a row is pulled):
--   instances.status, status_detail, autostart: where this desktop's browser
--       for the number stands; which desktop runs a number is the server's
--       lease (migrations/postgres/0004_leases.sql), not a column;
--   conversations.assignee_id, notes.author_id: they point at this desktop's
--       users table, whose ids other desktops do not have.
-- An instance's update is recorded only when a synced column changed: its
-- status changes many times an hour and other desktops do not see it.

ALTER TABLE instances ADD COLUMN hlc TEXT;
ALTER TABLE conversations ADD COLUMN hlc TEXT;
ALTER TABLE messages ADD COLUMN hlc TEXT;
ALTER TABLE notes ADD COLUMN hlc TEXT;
ALTER TABLE quick_replies ADD COLUMN hlc TEXT;

-- Rows written before this migration: local changes not pushed yet.
UPDATE instances SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'instances', id, NULL, 'upsert', (SELECT hlc FROM sync_clock) FROM instances ORDER BY rowid;
UPDATE conversations SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'conversations', id, NULL, 'upsert', (SELECT hlc FROM sync_clock) FROM conversations ORDER BY rowid;
UPDATE messages SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'messages', id, NULL, 'upsert', (SELECT hlc FROM sync_clock) FROM messages ORDER BY rowid;
UPDATE notes SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'notes', id, NULL, 'upsert', (SELECT hlc FROM sync_clock) FROM notes ORDER BY rowid;
UPDATE quick_replies SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'quick_replies', id, NULL, 'upsert', (SELECT hlc FROM sync_clock) FROM quick_replies ORDER BY rowid;

CREATE TRIGGER instances_sync_insert AFTER INSERT ON instances
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE instances SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'instances', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER instances_sync_update AFTER UPDATE ON instances
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
     AND (NEW.name IS NOT OLD.name OR NEW.kind IS NOT OLD.kind OR NEW.phone IS NOT OLD.phone)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE instances SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'instances', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER instances_sync_delete AFTER DELETE ON instances
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'instances', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER conversations_sync_insert AFTER INSERT ON conversations
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE conversations SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'conversations', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER conversations_sync_update AFTER UPDATE ON conversations
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE conversations SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'conversations', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER conversations_sync_delete AFTER DELETE ON conversations
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'conversations', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER messages_sync_insert AFTER INSERT ON messages
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE messages SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'messages', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER messages_sync_update AFTER UPDATE ON messages
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE messages SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'messages', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER messages_sync_delete AFTER DELETE ON messages
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'messages', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER notes_sync_insert AFTER INSERT ON notes
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE notes SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'notes', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER notes_sync_update AFTER UPDATE ON notes
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE notes SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'notes', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER notes_sync_delete AFTER DELETE ON notes
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'notes', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER quick_replies_sync_insert AFTER INSERT ON quick_replies
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE quick_replies SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'quick_replies', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER quick_replies_sync_update AFTER UPDATE ON quick_replies
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE quick_replies SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'quick_replies', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER quick_replies_sync_delete AFTER DELETE ON quick_replies
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'quick_replies', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;
