-- Sync of campaigns: a campaign, its recipients and its file ride on the
-- outbox of 0007_sync.sql like the inbox does (0010), so every desktop of an
-- account sees the same campaigns and their progress (docs/sync.md,
-- "Campaigns on several desktops").
--
-- Who sends: each recipient is pinned to one number when the campaign is
-- created, and only the desktop that runs that number (it holds the number's
-- lease, migrations/postgres/0004) claims its recipients. The claimed
-- message's id is derived from the campaign and the recipient
-- (crates/core's ids::campaign_message), so two desktops that claim the same
-- recipient (a lease taken over before the last holder's push arrived) write
-- one message, and WhatsApp is asked for that message id before it is sent.
--
-- campaigns.recipients_total (synced) is how many recipients the campaign was
-- created with; recipients_removed (this desktop's own count of recipient
-- rows deleted here, by a deleted contact) lets the sender tell "all
-- recipients are done" from "the rest has not been pulled yet": a campaign
-- pushed in several batches arrives in several pulls.
--
-- campaign_files keeps the campaign's file in the store so that it reaches
-- the other desktops (the file under media/ stays the one that is sent; a
-- desktop that lacks it writes it from here). Campaigns created before this
-- migration keep their file on their desktop only.
--
-- Deletes of recipients and files are recorded only when they are deleted on
-- their own: a deleted campaign or contact is one tombstone, and each desktop
-- cascades it locally.

ALTER TABLE campaigns ADD COLUMN hlc TEXT;
ALTER TABLE campaigns ADD COLUMN recipients_total INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN recipients_removed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE campaign_recipients ADD COLUMN hlc TEXT;

UPDATE campaigns SET recipients_total = (
    SELECT count(*) FROM campaign_recipients r
    WHERE r.account_id = campaigns.account_id AND r.campaign_id = campaigns.id);

CREATE TABLE campaign_files (
    account_id  BLOB NOT NULL,
    campaign_id BLOB NOT NULL,
    mime        TEXT NOT NULL,
    name        TEXT NOT NULL,
    bytes       BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    hlc         TEXT,
    PRIMARY KEY (account_id, campaign_id),
    FOREIGN KEY (account_id, campaign_id) REFERENCES campaigns (account_id, id) ON DELETE CASCADE
) STRICT;

-- Rows written before this migration: local changes not pushed yet.

UPDATE campaigns SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'campaigns', id, NULL, 'upsert', (SELECT hlc FROM sync_clock) FROM campaigns ORDER BY rowid;

UPDATE campaign_recipients SET hlc = (SELECT hlc FROM sync_clock);
INSERT INTO sync_outbox (account_id, table_name, key1, key2, op, hlc)
SELECT account_id, 'campaign_recipients', campaign_id, contact_id, 'upsert', (SELECT hlc FROM sync_clock) FROM campaign_recipients ORDER BY rowid;



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
     AND (NEW.name IS NOT OLD.name OR NEW.message IS NOT OLD.message OR NEW.status IS NOT OLD.status OR NEW.audience IS NOT OLD.audience OR NEW.numbers IS NOT OLD.numbers OR NEW.pacing IS NOT OLD.pacing OR NEW.starts_at IS NOT OLD.starts_at OR NEW.media_path IS NOT OLD.media_path OR NEW.media_mime IS NOT OLD.media_mime OR NEW.media_name IS NOT OLD.media_name OR NEW.media_size IS NOT OLD.media_size OR NEW.recipients_total IS NOT OLD.recipients_total OR NEW.created_at IS NOT OLD.created_at OR NEW.updated_at IS NOT OLD.updated_at)
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

-- Counts recipients deleted here (a contact deleted on this desktop, or its
-- tombstone pulled): not a synced column, so no clock tick and no outbox
-- entry (the campaigns update trigger above lists the synced columns).
CREATE TRIGGER campaign_recipients_removed AFTER DELETE ON campaign_recipients
BEGIN
    UPDATE campaigns SET recipients_removed = recipients_removed + 1
    WHERE account_id = OLD.account_id AND id = OLD.campaign_id;
END;
