-- The decision about opt-out has its own clock (issue 13, item 6). Contacts
-- sync as whole rows, last writer wins (0007): a name edited on another
-- desktop, later but without having seen Maria's SAIR, carried her old
-- `opted_out_at` (empty) and set it back everywhere. An opt-out must never
-- be lost to an unrelated edit (LGPD), so `opted_out_at` now merges by
-- `opted_out_hlc`, the clock of the last write that changed it (an opt-out,
-- or an operator's opt-in), and the rest of the row by `hlc` as before. The
-- sync engine merges both ways (crates/sync tables.rs `own_clock`), and so
-- does the server (remote 0009). docs/sync.md, "Opt-out".
--
-- NULL: no decision known (a contact that never opted out). Rows already
-- opted out take their row's clock, the latest write the opt-out can have
-- been; the server's rows take theirs the same way, so desktops in sync
-- agree. The backfill runs with the sync triggers off, as a pull does: it
-- changes no contact for the server.
ALTER TABLE contacts ADD COLUMN opted_out_hlc TEXT;
UPDATE sync_apply SET applying = 1;
UPDATE contacts SET opted_out_hlc = hlc WHERE opted_out_at IS NOT NULL;
UPDATE sync_apply SET applying = 0;

-- 0007's triggers, stamping the opt-out's clock too: with the write's clock
-- when the write changes `opted_out_at`, else left as it was.
DROP TRIGGER contacts_sync_insert;
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

DROP TRIGGER contacts_sync_update;
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
