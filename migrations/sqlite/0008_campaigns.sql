-- Campaigns get their audience, numbers, pacing and schedule, and one row per
-- recipient. A recipient is claimed by writing its outbound message (the
-- durable outbox of the inbox) in the same transaction that marks it queued,
-- so a crash never queues a contact twice and never skips one; the outbox
-- then sends each message exactly once.

ALTER TABLE campaigns ADD COLUMN audience TEXT NOT NULL DEFAULT '{}';   -- JSON ContactFilter
ALTER TABLE campaigns ADD COLUMN numbers TEXT NOT NULL DEFAULT '[]';    -- JSON [InstanceId]
ALTER TABLE campaigns ADD COLUMN pacing TEXT NOT NULL DEFAULT '{}';     -- JSON Pacing
ALTER TABLE campaigns ADD COLUMN starts_at INTEGER;                     -- NULL: at once
CREATE UNIQUE INDEX campaigns_account_id ON campaigns (account_id, id);

CREATE TABLE campaign_recipients (
    account_id   BLOB NOT NULL,
    campaign_id  BLOB NOT NULL,
    contact_id   BLOB NOT NULL,
    instance_id  BLOB,                      -- the number that sends; NULL when skipped
    position     INTEGER NOT NULL,          -- sending order within the campaign
    state        TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'queued', 'skipped', 'cancelled')),
    reason       TEXT,                      -- why skipped
    message_id   BLOB,                      -- the outbox row once queued
    queued_at    INTEGER,
    PRIMARY KEY (account_id, campaign_id, contact_id),
    FOREIGN KEY (account_id, campaign_id) REFERENCES campaigns (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX campaign_recipients_next ON campaign_recipients (account_id, campaign_id, instance_id, state, position);
-- Pacing counts what a number queued today across campaigns.
CREATE INDEX campaign_recipients_by_number ON campaign_recipients (account_id, instance_id, queued_at);
