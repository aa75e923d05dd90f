-- Messages and new contacts per quarter hour, kept by triggers (issue 18: the
-- agency's dashboard counted every message of two periods per local day and
-- per number, about a third of its time). A report adds up the quarter hours
-- of each local day: every time zone in use today starts its days on a
-- quarter hour, and a report whose day bounds are not (a zone's historical
-- offset) counts the messages instead (crates/core/src/reports/counts.rs).
--
-- `slot` is the start of the quarter hour (Unix ms, rounded down) of the
-- reports' message time (`CASE WHEN sent_at > 0 THEN sent_at ELSE created_at
-- END`) or of the contact's `created_at`. A contact's row has the empty
-- `instance_id` (no number has it). Rows that went back to zero stay.
--
-- LOCAL to this desktop, never synced (no sync triggers, not in
-- crates/sync/src/tables.rs, on purpose): every row is derived from synced
-- rows (messages, contacts), and a pull writing those fires these triggers,
-- so each desktop counts what it holds. Synced too, a pulled message would
-- be counted twice (once by the pulled counts, once by its own trigger), and
-- two desktops adding to the same quarter hour would overwrite each other.
-- Rebuilt from scratch by the backfill below (0.8 s on 1 000 000 messages,
-- docs/benchmarks.md).
CREATE TABLE report_counts (
    account_id    BLOB NOT NULL,
    slot          INTEGER NOT NULL,
    instance_id   BLOB NOT NULL,
    messages_in   INTEGER NOT NULL DEFAULT 0,
    messages_out  INTEGER NOT NULL DEFAULT 0,
    -- Outbound messages that failed.
    failed_out    INTEGER NOT NULL DEFAULT 0,
    contacts      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, slot, instance_id)
) STRICT, WITHOUT ROWID;

INSERT INTO report_counts (account_id, slot, instance_id, messages_in, messages_out, failed_out)
SELECT account_id, at - ((at % 900000) + 900000) % 900000, instance_id,
       sum(direction = 'inbound'), sum(direction <> 'inbound'),
       sum(direction <> 'inbound' AND status = 'failed')
FROM (SELECT account_id, instance_id, direction, status,
             CASE WHEN sent_at > 0 THEN sent_at ELSE created_at END AS at
      FROM messages)
GROUP BY 1, 2, 3;

INSERT INTO report_counts (account_id, slot, instance_id, contacts)
SELECT account_id, created_at - ((created_at % 900000) + 900000) % 900000, x'', count(*)
FROM contacts
GROUP BY 1, 2;

CREATE TRIGGER report_counts_message_added AFTER INSERT ON messages
BEGIN
    INSERT INTO report_counts (account_id, slot, instance_id, messages_in, messages_out, failed_out)
    VALUES (NEW.account_id,
            (CASE WHEN NEW.sent_at > 0 THEN NEW.sent_at ELSE NEW.created_at END)
            - (((CASE WHEN NEW.sent_at > 0 THEN NEW.sent_at ELSE NEW.created_at END) % 900000) + 900000) % 900000,
            NEW.instance_id, NEW.direction = 'inbound', NEW.direction <> 'inbound',
            NEW.direction <> 'inbound' AND NEW.status = 'failed')
    ON CONFLICT (account_id, slot, instance_id) DO UPDATE SET
        messages_in = messages_in + excluded.messages_in,
        messages_out = messages_out + excluded.messages_out,
        failed_out = failed_out + excluded.failed_out;
END;

CREATE TRIGGER report_counts_message_removed AFTER DELETE ON messages
BEGIN
    INSERT INTO report_counts (account_id, slot, instance_id, messages_in, messages_out, failed_out)
    VALUES (OLD.account_id,
            (CASE WHEN OLD.sent_at > 0 THEN OLD.sent_at ELSE OLD.created_at END)
            - (((CASE WHEN OLD.sent_at > 0 THEN OLD.sent_at ELSE OLD.created_at END) % 900000) + 900000) % 900000,
            OLD.instance_id, -(OLD.direction = 'inbound'), -(OLD.direction <> 'inbound'),
            -(OLD.direction <> 'inbound' AND OLD.status = 'failed'))
    ON CONFLICT (account_id, slot, instance_id) DO UPDATE SET
        messages_in = messages_in + excluded.messages_in,
        messages_out = messages_out + excluded.messages_out,
        failed_out = failed_out + excluded.failed_out;
END;

-- A status change (most updates: sent, delivered, read) moves nothing unless
-- it fails or stops failing.
CREATE TRIGGER report_counts_message_changed
AFTER UPDATE OF direction, status, sent_at, created_at, instance_id, account_id ON messages
WHEN NEW.direction IS NOT OLD.direction
  OR (NEW.status = 'failed') IS NOT (OLD.status = 'failed')
  OR (CASE WHEN NEW.sent_at > 0 THEN NEW.sent_at ELSE NEW.created_at END)
     IS NOT (CASE WHEN OLD.sent_at > 0 THEN OLD.sent_at ELSE OLD.created_at END)
  OR NEW.instance_id IS NOT OLD.instance_id
  OR NEW.account_id IS NOT OLD.account_id
BEGIN
    INSERT INTO report_counts (account_id, slot, instance_id, messages_in, messages_out, failed_out)
    VALUES (OLD.account_id,
            (CASE WHEN OLD.sent_at > 0 THEN OLD.sent_at ELSE OLD.created_at END)
            - (((CASE WHEN OLD.sent_at > 0 THEN OLD.sent_at ELSE OLD.created_at END) % 900000) + 900000) % 900000,
            OLD.instance_id, -(OLD.direction = 'inbound'), -(OLD.direction <> 'inbound'),
            -(OLD.direction <> 'inbound' AND OLD.status = 'failed'))
    ON CONFLICT (account_id, slot, instance_id) DO UPDATE SET
        messages_in = messages_in + excluded.messages_in,
        messages_out = messages_out + excluded.messages_out,
        failed_out = failed_out + excluded.failed_out;
    INSERT INTO report_counts (account_id, slot, instance_id, messages_in, messages_out, failed_out)
    VALUES (NEW.account_id,
            (CASE WHEN NEW.sent_at > 0 THEN NEW.sent_at ELSE NEW.created_at END)
            - (((CASE WHEN NEW.sent_at > 0 THEN NEW.sent_at ELSE NEW.created_at END) % 900000) + 900000) % 900000,
            NEW.instance_id, NEW.direction = 'inbound', NEW.direction <> 'inbound',
            NEW.direction <> 'inbound' AND NEW.status = 'failed')
    ON CONFLICT (account_id, slot, instance_id) DO UPDATE SET
        messages_in = messages_in + excluded.messages_in,
        messages_out = messages_out + excluded.messages_out,
        failed_out = failed_out + excluded.failed_out;
END;

CREATE TRIGGER report_counts_contact_added AFTER INSERT ON contacts
BEGIN
    INSERT INTO report_counts (account_id, slot, instance_id, contacts)
    VALUES (NEW.account_id,
            NEW.created_at - ((NEW.created_at % 900000) + 900000) % 900000, x'', 1)
    ON CONFLICT (account_id, slot, instance_id) DO UPDATE SET contacts = contacts + 1;
END;

CREATE TRIGGER report_counts_contact_removed AFTER DELETE ON contacts
BEGIN
    INSERT INTO report_counts (account_id, slot, instance_id, contacts)
    VALUES (OLD.account_id,
            OLD.created_at - ((OLD.created_at % 900000) + 900000) % 900000, x'', -1)
    ON CONFLICT (account_id, slot, instance_id) DO UPDATE SET contacts = contacts - 1;
END;

CREATE TRIGGER report_counts_contact_changed AFTER UPDATE OF created_at, account_id ON contacts
WHEN NEW.created_at IS NOT OLD.created_at OR NEW.account_id IS NOT OLD.account_id
BEGIN
    INSERT INTO report_counts (account_id, slot, instance_id, contacts)
    VALUES (OLD.account_id,
            OLD.created_at - ((OLD.created_at % 900000) + 900000) % 900000, x'', -1)
    ON CONFLICT (account_id, slot, instance_id) DO UPDATE SET contacts = contacts - 1;
    INSERT INTO report_counts (account_id, slot, instance_id, contacts)
    VALUES (NEW.account_id,
            NEW.created_at - ((NEW.created_at % 900000) + 900000) % 900000, x'', 1)
    ON CONFLICT (account_id, slot, instance_id) DO UPDATE SET contacts = contacts + 1;
END;
