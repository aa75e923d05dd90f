-- Reports and the dashboard (issue 18, items 1 and 2).
--
-- When a conversation was resolved, and who had it then. The conversation row
-- keeps only its current status, and resolution time needs the moment of
-- every resolution. Written by a trigger so every writer (the inbox, the API,
-- a removed operator's chats, a pull of another desktop's change) records it;
-- the time is the row's `updated_at`, which a pull carries from the desktop
-- that resolved it, so each desktop logs the same instant. Local to this
-- desktop (derived from synced rows; never pushed).
CREATE TABLE conversation_resolutions (
    account_id       BLOB NOT NULL,
    conversation_id  BLOB NOT NULL,
    at               INTEGER NOT NULL,
    -- The operator the conversation was assigned to when resolved (per
    -- desktop, as `conversations.assignee_id`).
    assignee_id      BLOB,
    PRIMARY KEY (account_id, conversation_id, at),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX conversation_resolutions_by_time ON conversation_resolutions (account_id, at);

CREATE TRIGGER conversation_resolved AFTER UPDATE OF status ON conversations
WHEN NEW.status = 'resolved' AND OLD.status IS NOT 'resolved'
BEGIN
    INSERT OR IGNORE INTO conversation_resolutions (account_id, conversation_id, at, assignee_id)
    VALUES (NEW.account_id, NEW.id, NEW.updated_at, NEW.assignee_id);
END;

-- A conversation that arrives already resolved (pulled from another desktop
-- for the first time) was resolved at its last change there: every desktop
-- then logs the same resolution.
CREATE TRIGGER conversation_arrived_resolved AFTER INSERT ON conversations
WHEN NEW.status = 'resolved'
BEGIN
    INSERT OR IGNORE INTO conversation_resolutions (account_id, conversation_id, at, assignee_id)
    VALUES (NEW.account_id, NEW.id, NEW.updated_at, NEW.assignee_id);
END;

-- Conversations resolved before this migration: their last change is the
-- best moment known.
INSERT OR IGNORE INTO conversation_resolutions (account_id, conversation_id, at, assignee_id)
SELECT account_id, id, updated_at, assignee_id FROM conversations WHERE status = 'resolved';

-- A message's time in reports is when it was written: WhatsApp's time for
-- what arrived (`sent_at`, so history caught up after the app was closed
-- counts on its day), the moment it was queued for what we send. One index
-- carries every column the dashboard reads from messages, so its scans of a
-- period never touch the table. `sent_at` and `created_at` close it: SQLite
-- calls an index covering only when it holds every column the query names,
-- and the expression names these two (without them each row of a scan was a
-- lookup in the table, most of the dashboard's time).
CREATE INDEX messages_reports ON messages (
    account_id, (CASE WHEN sent_at > 0 THEN sent_at ELSE created_at END),
    direction, instance_id, status, bot_source, conversation_id, id, sent_at, created_at);

-- Campaign messages of a period, to tell them from a person's reply.
CREATE INDEX campaign_recipients_by_queued ON campaign_recipients (account_id, queued_at, message_id)
    WHERE message_id IS NOT NULL;

-- Flow sessions started in a period, for the dashboard's flow counts.
CREATE INDEX flow_sessions_by_start ON flow_sessions (account_id, started_at);
