-- Sync with the agency's PostgreSQL: every local change of a synced table is
-- recorded in an outbox by triggers, in the same transaction as the change, so
-- no write path of the core can forget it and a crash cannot separate a change
-- from its record. The sync engine (crates/sync) pushes the outbox and pulls
-- the server's changes; see docs/sync.md.
--
-- Clock: each synced row carries `hlc`, the hybrid logical clock of its last
-- write, in the server's format `<Unix ms, 13 digits>-<counter, 5>-<node>`, so
-- text comparison orders clocks. A trigger cannot call Rust, so the clock
-- lives in the one-row table sync_clock: every recorded write ticks it (wall
-- time if it moved ahead, else counter + 1) and reads it back. The puller
-- moves it past every clock it receives, so an edit made after seeing another
-- desktop's edit always wins over it.
--
-- Guard: rows the puller writes must not come back as local changes. It sets
-- sync_apply.applying = 1 inside its own write transaction and back to 0
-- before committing; SQLite has one writer at a time, so no other connection
-- ever writes while the flag is 1, and a crash rolls the flag back with the
-- rest of the transaction.
--
-- Deletes stay real deletes locally; the outbox keeps the key (and the clock
-- of the delete) for the server's tombstone. Deleting an account locally is
-- "this desktop stops holding it": its cascaded rows are not recorded (the
-- delete triggers skip rows whose account is already gone) and accounts have
-- no delete trigger, since operators cannot delete accounts on the server.

-- This desktop's clock; `node` is its random id in the clocks it writes.
CREATE TABLE sync_clock (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    node    TEXT NOT NULL,
    ms      INTEGER NOT NULL,
    counter INTEGER NOT NULL,
    hlc     TEXT GENERATED ALWAYS AS (printf('%013d-%05d-%s', ms, counter, node)) VIRTUAL
) STRICT;
INSERT INTO sync_clock (id, node, ms, counter)
VALUES (1, lower(hex(randomblob(8))), CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER), 0);

CREATE TABLE sync_apply (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    applying INTEGER NOT NULL CHECK (applying IN (0, 1))
) STRICT;
INSERT INTO sync_apply (id, applying) VALUES (1, 0);

-- Changes not pushed yet, in the order they were made. The row's key is
-- key1 (its id, or contact_id for the link tables) and key2 (tag_id or
-- field_id for the link tables), so the pusher joins the current row by its
-- primary key. Several entries for one row are pushed as one (its current
-- state, or its tombstone when the last entry is a delete).
CREATE TABLE sync_outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BLOB NOT NULL,
    table_name TEXT NOT NULL,
    key1       BLOB NOT NULL,
    key2       BLOB,
    op         TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    hlc        TEXT NOT NULL
) STRICT;
CREATE INDEX sync_outbox_by_account ON sync_outbox (account_id, seq);
-- The puller asks whether a row has a local delete not pushed yet.
CREATE INDEX sync_outbox_by_row ON sync_outbox (table_name, key1, key2);

-- How far this desktop has pulled each account: the server's per-account
-- version of the last change applied.
CREATE TABLE sync_cursor (
    account_id BLOB PRIMARY KEY NOT NULL,
    version    INTEGER NOT NULL
) STRICT;

-- Synced tables get their clock column (NULL only before the backfill below).
ALTER TABLE accounts ADD COLUMN hlc TEXT;
ALTER TABLE contacts ADD COLUMN hlc TEXT;
ALTER TABLE tags ADD COLUMN hlc TEXT;
ALTER TABLE contact_tags ADD COLUMN hlc TEXT;
ALTER TABLE custom_fields ADD COLUMN hlc TEXT;
ALTER TABLE contact_fields ADD COLUMN hlc TEXT;
ALTER TABLE segments ADD COLUMN hlc TEXT;

-- Rows written before this migration are local changes not pushed yet, all with the
-- migration's clock.
UPDATE accounts SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT id, 'accounts', id, NULL, 'upsert', (SELECT hlc FROM sync_clock) FROM accounts ORDER BY rowid;
UPDATE contacts SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'contacts', id, NULL, 'upsert', (SELECT hlc FROM sync_clock) FROM contacts ORDER BY rowid;
UPDATE tags SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'tags', id, NULL, 'upsert', (SELECT hlc FROM sync_clock) FROM tags ORDER BY rowid;
UPDATE contact_tags SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'contact_tags', contact_id, tag_id, 'upsert', (SELECT hlc FROM sync_clock) FROM contact_tags ORDER BY rowid;
UPDATE custom_fields SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'custom_fields', id, NULL, 'upsert', (SELECT hlc FROM sync_clock) FROM custom_fields ORDER BY rowid;
UPDATE contact_fields SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'contact_fields', contact_id, field_id, 'upsert', (SELECT hlc FROM sync_clock) FROM contact_fields ORDER BY rowid;
UPDATE segments SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'segments', id, NULL, 'upsert', (SELECT hlc FROM sync_clock) FROM segments ORDER BY rowid;

-- The triggers. An UPDATE that leaves hlc as it was is the core's write; the
-- trigger's own UPDATE of hlc (and the puller's, which writes hlc) is not recorded.

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

CREATE TRIGGER contacts_sync_insert AFTER INSERT ON contacts
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE contacts SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
    INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
    VALUES (NEW.account_id, 'contacts', NEW.id, NULL, 'upsert', (SELECT hlc FROM sync_clock));
END;

CREATE TRIGGER contacts_sync_update AFTER UPDATE ON contacts
WHEN (SELECT applying FROM sync_apply) = 0 AND NEW.hlc IS OLD.hlc
BEGIN
    UPDATE sync_clock SET
        counter = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN 0 WHEN counter >= 99999 THEN 0 ELSE counter + 1 END,
        ms = CASE WHEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) > ms THEN CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) WHEN counter >= 99999 THEN ms + 1 ELSE ms END;
    UPDATE contacts SET hlc = (SELECT hlc FROM sync_clock) WHERE rowid = NEW.rowid;
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
