-- Generated from crates/sync/src/tables.rs by crates/sync/src/triggers.rs: do not edit.
--
-- The outbox triggers of every synced table, as the catalog describes them
-- (docs/sync.md, "Triggers from the catalog"). Each generated migration drops
-- every sync trigger and creates them all again, so after the newest one the
-- live triggers are the catalog's; the triggers written by hand in earlier
-- migrations (0007, 0010, 0011, 0012, 0016) are history. Regenerate with
-- `cargo run -p zapdesk-sync --example sqlite-triggers -- --new <what>`.

-- accounts
DROP TRIGGER IF EXISTS accounts_sync_insert;
DROP TRIGGER IF EXISTS accounts_sync_update;
DROP TRIGGER IF EXISTS accounts_sync_delete;

CREATE TRIGGER accounts_sync_insert AFTER INSERT ON accounts
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE accounts SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.id, 'accounts', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER accounts_sync_update AFTER UPDATE ON accounts
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE accounts SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.id, 'accounts', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

-- contacts
DROP TRIGGER IF EXISTS contacts_sync_insert;
DROP TRIGGER IF EXISTS contacts_sync_update;
DROP TRIGGER IF EXISTS contacts_sync_delete;

CREATE TRIGGER contacts_sync_insert AFTER INSERT ON contacts
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE contacts SET hlc = (SELECT hlc FROM sync_clock),
        opted_out_hlc = CASE WHEN NEW.opted_out_at IS NOT NULL THEN (SELECT hlc FROM sync_clock) ELSE NEW.opted_out_hlc END
    WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'contacts', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER contacts_sync_update AFTER UPDATE ON contacts
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE contacts SET hlc = (SELECT hlc FROM sync_clock),
        opted_out_hlc = CASE WHEN NEW.opted_out_at IS NOT OLD.opted_out_at THEN (SELECT hlc FROM sync_clock) ELSE NEW.opted_out_hlc END
    WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'contacts', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER contacts_sync_delete AFTER DELETE ON contacts
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'contacts', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- tags
DROP TRIGGER IF EXISTS tags_sync_insert;
DROP TRIGGER IF EXISTS tags_sync_update;
DROP TRIGGER IF EXISTS tags_sync_delete;

CREATE TRIGGER tags_sync_insert AFTER INSERT ON tags
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE tags SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'tags', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER tags_sync_update AFTER UPDATE ON tags
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE tags SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'tags', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER tags_sync_delete AFTER DELETE ON tags
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'tags', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- custom_fields
DROP TRIGGER IF EXISTS custom_fields_sync_insert;
DROP TRIGGER IF EXISTS custom_fields_sync_update;
DROP TRIGGER IF EXISTS custom_fields_sync_delete;

CREATE TRIGGER custom_fields_sync_insert AFTER INSERT ON custom_fields
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE custom_fields SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'custom_fields', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER custom_fields_sync_update AFTER UPDATE ON custom_fields
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE custom_fields SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'custom_fields', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER custom_fields_sync_delete AFTER DELETE ON custom_fields
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'custom_fields', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- segments
DROP TRIGGER IF EXISTS segments_sync_insert;
DROP TRIGGER IF EXISTS segments_sync_update;
DROP TRIGGER IF EXISTS segments_sync_delete;

CREATE TRIGGER segments_sync_insert AFTER INSERT ON segments
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE segments SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'segments', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER segments_sync_update AFTER UPDATE ON segments
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE segments SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'segments', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER segments_sync_delete AFTER DELETE ON segments
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'segments', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- contact_tags
DROP TRIGGER IF EXISTS contact_tags_sync_insert;
DROP TRIGGER IF EXISTS contact_tags_sync_update;
DROP TRIGGER IF EXISTS contact_tags_sync_delete;

CREATE TRIGGER contact_tags_sync_insert AFTER INSERT ON contact_tags
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE contact_tags SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'contact_tags', NEW.contact_id, NEW.tag_id, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER contact_tags_sync_update AFTER UPDATE ON contact_tags
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE contact_tags SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'contact_tags', NEW.contact_id, NEW.tag_id, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER contact_tags_sync_delete AFTER DELETE ON contact_tags
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'contact_tags', OLD.contact_id, OLD.tag_id, 'delete', (SELECT hlc FROM sync_clock));
END;

-- contact_fields
DROP TRIGGER IF EXISTS contact_fields_sync_insert;
DROP TRIGGER IF EXISTS contact_fields_sync_update;
DROP TRIGGER IF EXISTS contact_fields_sync_delete;

CREATE TRIGGER contact_fields_sync_insert AFTER INSERT ON contact_fields
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE contact_fields SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'contact_fields', NEW.contact_id, NEW.field_id, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER contact_fields_sync_update AFTER UPDATE ON contact_fields
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE contact_fields SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'contact_fields', NEW.contact_id, NEW.field_id, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER contact_fields_sync_delete AFTER DELETE ON contact_fields
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'contact_fields', OLD.contact_id, OLD.field_id, 'delete', (SELECT hlc FROM sync_clock));
END;

-- instances
DROP TRIGGER IF EXISTS instances_sync_insert;
DROP TRIGGER IF EXISTS instances_sync_update;
DROP TRIGGER IF EXISTS instances_sync_delete;

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

-- conversations
DROP TRIGGER IF EXISTS conversations_sync_insert;
DROP TRIGGER IF EXISTS conversations_sync_update;
DROP TRIGGER IF EXISTS conversations_sync_delete;

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

-- messages
DROP TRIGGER IF EXISTS messages_sync_insert;
DROP TRIGGER IF EXISTS messages_sync_update;
DROP TRIGGER IF EXISTS messages_sync_delete;

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

-- notes
DROP TRIGGER IF EXISTS notes_sync_insert;
DROP TRIGGER IF EXISTS notes_sync_update;
DROP TRIGGER IF EXISTS notes_sync_delete;

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

-- quick_replies
DROP TRIGGER IF EXISTS quick_replies_sync_insert;
DROP TRIGGER IF EXISTS quick_replies_sync_update;
DROP TRIGGER IF EXISTS quick_replies_sync_delete;

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

-- audit_log
DROP TRIGGER IF EXISTS audit_log_sync_insert;
DROP TRIGGER IF EXISTS audit_log_sync_update;
DROP TRIGGER IF EXISTS audit_log_sync_delete;

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

-- campaigns
DROP TRIGGER IF EXISTS campaigns_sync_insert;
DROP TRIGGER IF EXISTS campaigns_sync_update;
DROP TRIGGER IF EXISTS campaigns_sync_delete;

CREATE TRIGGER campaigns_sync_insert AFTER INSERT ON campaigns
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE campaigns SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'campaigns', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER campaigns_sync_update AFTER UPDATE ON campaigns
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
     AND (NEW.name IS NOT OLD.name OR NEW.message IS NOT OLD.message OR NEW.status IS NOT OLD.status OR NEW.audience IS NOT OLD.audience OR NEW.numbers IS NOT OLD.numbers OR NEW.pacing IS NOT OLD.pacing OR NEW.starts_at IS NOT OLD.starts_at OR NEW.media_path IS NOT OLD.media_path OR NEW.media_mime IS NOT OLD.media_mime OR NEW.media_name IS NOT OLD.media_name OR NEW.media_size IS NOT OLD.media_size OR NEW.recipients_total IS NOT OLD.recipients_total OR NEW.created_at IS NOT OLD.created_at OR NEW.updated_at IS NOT OLD.updated_at OR NEW.reply_flow_id IS NOT OLD.reply_flow_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE campaigns SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'campaigns', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER campaigns_sync_delete AFTER DELETE ON campaigns
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'campaigns', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- campaign_recipients
DROP TRIGGER IF EXISTS campaign_recipients_sync_insert;
DROP TRIGGER IF EXISTS campaign_recipients_sync_update;
DROP TRIGGER IF EXISTS campaign_recipients_sync_delete;

CREATE TRIGGER campaign_recipients_sync_insert AFTER INSERT ON campaign_recipients
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE campaign_recipients SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'campaign_recipients', NEW.campaign_id, NEW.contact_id, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER campaign_recipients_sync_update AFTER UPDATE ON campaign_recipients
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE campaign_recipients SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'campaign_recipients', NEW.campaign_id, NEW.contact_id, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER campaign_recipients_sync_delete AFTER DELETE ON campaign_recipients
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
     AND EXISTS (SELECT 1 FROM campaigns WHERE id = OLD.campaign_id)
     AND EXISTS (SELECT 1 FROM contacts WHERE id = OLD.contact_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'campaign_recipients', OLD.campaign_id, OLD.contact_id, 'delete', (SELECT hlc FROM sync_clock));
END;

-- campaign_files
DROP TRIGGER IF EXISTS campaign_files_sync_insert;
DROP TRIGGER IF EXISTS campaign_files_sync_update;
DROP TRIGGER IF EXISTS campaign_files_sync_delete;

CREATE TRIGGER campaign_files_sync_insert AFTER INSERT ON campaign_files
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE campaign_files SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'campaign_files', NEW.campaign_id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER campaign_files_sync_update AFTER UPDATE ON campaign_files
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE campaign_files SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'campaign_files', NEW.campaign_id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER campaign_files_sync_delete AFTER DELETE ON campaign_files
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
     AND EXISTS (SELECT 1 FROM campaigns WHERE id = OLD.campaign_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'campaign_files', OLD.campaign_id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- automation_settings
DROP TRIGGER IF EXISTS automation_settings_sync_insert;
DROP TRIGGER IF EXISTS automation_settings_sync_update;
DROP TRIGGER IF EXISTS automation_settings_sync_delete;

CREATE TRIGGER automation_settings_sync_insert AFTER INSERT ON automation_settings
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE automation_settings SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'automation_settings', NEW.account_id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER automation_settings_sync_update AFTER UPDATE ON automation_settings
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE automation_settings SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'automation_settings', NEW.account_id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER automation_settings_sync_delete AFTER DELETE ON automation_settings
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'automation_settings', OLD.account_id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- assignment_operators
DROP TRIGGER IF EXISTS assignment_operators_sync_insert;
DROP TRIGGER IF EXISTS assignment_operators_sync_update;
DROP TRIGGER IF EXISTS assignment_operators_sync_delete;

CREATE TRIGGER assignment_operators_sync_insert AFTER INSERT ON assignment_operators
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE assignment_operators SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'assignment_operators', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER assignment_operators_sync_update AFTER UPDATE ON assignment_operators
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE assignment_operators SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'assignment_operators', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER assignment_operators_sync_delete AFTER DELETE ON assignment_operators
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'assignment_operators', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- keywords
DROP TRIGGER IF EXISTS keywords_sync_insert;
DROP TRIGGER IF EXISTS keywords_sync_update;
DROP TRIGGER IF EXISTS keywords_sync_delete;

CREATE TRIGGER keywords_sync_insert AFTER INSERT ON keywords
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE keywords SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'keywords', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER keywords_sync_update AFTER UPDATE ON keywords
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE keywords SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'keywords', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER keywords_sync_delete AFTER DELETE ON keywords
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'keywords', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- automation_files
DROP TRIGGER IF EXISTS automation_files_sync_insert;
DROP TRIGGER IF EXISTS automation_files_sync_update;
DROP TRIGGER IF EXISTS automation_files_sync_delete;

CREATE TRIGGER automation_files_sync_insert AFTER INSERT ON automation_files
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE automation_files SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'automation_files', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER automation_files_sync_update AFTER UPDATE ON automation_files
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE automation_files SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'automation_files', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER automation_files_sync_delete AFTER DELETE ON automation_files
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'automation_files', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- flows
DROP TRIGGER IF EXISTS flows_sync_insert;
DROP TRIGGER IF EXISTS flows_sync_update;
DROP TRIGGER IF EXISTS flows_sync_delete;

CREATE TRIGGER flows_sync_insert AFTER INSERT ON flows
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE flows SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'flows', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER flows_sync_update AFTER UPDATE ON flows
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE flows SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'flows', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER flows_sync_delete AFTER DELETE ON flows
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'flows', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- flow_versions
DROP TRIGGER IF EXISTS flow_versions_sync_insert;
DROP TRIGGER IF EXISTS flow_versions_sync_update;
DROP TRIGGER IF EXISTS flow_versions_sync_delete;

CREATE TRIGGER flow_versions_sync_insert AFTER INSERT ON flow_versions
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE flow_versions SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'flow_versions', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER flow_versions_sync_update AFTER UPDATE ON flow_versions
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE flow_versions SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'flow_versions', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER flow_versions_sync_delete AFTER DELETE ON flow_versions
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
     AND EXISTS (SELECT 1 FROM flows WHERE id = OLD.flow_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'flow_versions', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- flow_sessions
DROP TRIGGER IF EXISTS flow_sessions_sync_insert;
DROP TRIGGER IF EXISTS flow_sessions_sync_update;
DROP TRIGGER IF EXISTS flow_sessions_sync_delete;

CREATE TRIGGER flow_sessions_sync_insert AFTER INSERT ON flow_sessions
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE flow_sessions SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'flow_sessions', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER flow_sessions_sync_update AFTER UPDATE ON flow_sessions
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE flow_sessions SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'flow_sessions', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER flow_sessions_sync_delete AFTER DELETE ON flow_sessions
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'flow_sessions', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- pipeline_stages
DROP TRIGGER IF EXISTS pipeline_stages_sync_insert;
DROP TRIGGER IF EXISTS pipeline_stages_sync_update;
DROP TRIGGER IF EXISTS pipeline_stages_sync_delete;

CREATE TRIGGER pipeline_stages_sync_insert AFTER INSERT ON pipeline_stages
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE pipeline_stages SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'pipeline_stages', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER pipeline_stages_sync_update AFTER UPDATE ON pipeline_stages
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE pipeline_stages SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'pipeline_stages', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER pipeline_stages_sync_delete AFTER DELETE ON pipeline_stages
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'pipeline_stages', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- pipeline_cards
DROP TRIGGER IF EXISTS pipeline_cards_sync_insert;
DROP TRIGGER IF EXISTS pipeline_cards_sync_update;
DROP TRIGGER IF EXISTS pipeline_cards_sync_delete;

CREATE TRIGGER pipeline_cards_sync_insert AFTER INSERT ON pipeline_cards
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE pipeline_cards SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'pipeline_cards', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER pipeline_cards_sync_update AFTER UPDATE ON pipeline_cards
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE pipeline_cards SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'pipeline_cards', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER pipeline_cards_sync_delete AFTER DELETE ON pipeline_cards
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'pipeline_cards', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;

-- webhooks
DROP TRIGGER IF EXISTS webhooks_sync_insert;
DROP TRIGGER IF EXISTS webhooks_sync_update;
DROP TRIGGER IF EXISTS webhooks_sync_delete;

CREATE TRIGGER webhooks_sync_insert AFTER INSERT ON webhooks
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE webhooks SET hlc = (SELECT hlc FROM sync_clock),
        secret_hlc = CASE WHEN NEW.secret_version IS NOT NULL THEN (SELECT hlc FROM sync_clock) ELSE NEW.secret_hlc END
    WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'webhooks', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER webhooks_sync_update AFTER UPDATE ON webhooks
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
     AND (NEW.url IS NOT OLD.url OR NEW.events IS NOT OLD.events OR NEW.format IS NOT OLD.format OR NEW.enabled IS NOT OLD.enabled OR NEW.disabled_at IS NOT OLD.disabled_at OR NEW.disabled_reason IS NOT OLD.disabled_reason OR NEW.secret_version IS NOT OLD.secret_version OR NEW.created_at IS NOT OLD.created_at OR NEW.updated_at IS NOT OLD.updated_at OR NEW.secret_hlc IS NOT OLD.secret_hlc)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE webhooks SET hlc = (SELECT hlc FROM sync_clock),
        secret_hlc = CASE WHEN NEW.secret_version IS NOT OLD.secret_version THEN (SELECT hlc FROM sync_clock) ELSE NEW.secret_hlc END
    WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'webhooks', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER webhooks_sync_delete AFTER DELETE ON webhooks
WHEN (SELECT applying FROM sync_apply) = 0
     AND EXISTS (SELECT 1 FROM accounts WHERE id = OLD.account_id)
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (OLD.account_id, 'webhooks', OLD.id, NULL, 'delete', (SELECT hlc FROM sync_clock));
END;
