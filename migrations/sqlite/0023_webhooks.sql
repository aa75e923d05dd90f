-- Outgoing webhooks (issue 17, docs/webhooks.md): an account subscribes URLs
-- to events; every change that makes an event writes it here, in the
-- writer's own transaction, so a crash can lose a change and its event only
-- together; the app's sender turns each event into one delivery per
-- subscribed webhook and delivers them, signed, retrying for a day.
--
-- Local to this desktop, not synced (nothing in crates/sync): a webhook, its
-- events and its delivery log exist on the desktop where it was created.
-- Events are made by triggers, so every writer is covered (ingest, the
-- outbox's acks, the bot, campaigns, imports, the CLI) and none can forget
-- one. Each trigger writes only when
--   (a) the account has an enabled webhook subscribed to the event (an
--       account without webhooks pays one indexed lookup per write), and
--   (b) the change is made here: not a pull applying another desktop's rows
--       (`sync_apply.applying`, 0007). The desktop where a change happens
--       delivers its event; for messages and a number's status that is the
--       desktop that runs the number. No event exists on two desktops.
-- A trigger never fails its writer: the data is read from the rows just
-- written, JSON from other columns is read only when valid.
--
-- Ids are 16-byte UUID blobs, as everywhere; in an event's JSON they are
-- written as text (lower case, hyphenated), as the API and the UI show them.

CREATE TABLE webhooks (
    id               BLOB PRIMARY KEY NOT NULL,
    account_id       BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    url              TEXT NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    -- JSON array of event names ("message.received", …); the triggers
    -- match the quoted name in it.
    events           TEXT NOT NULL,
    format           TEXT NOT NULL DEFAULT 'zapdesk' CHECK (format IN ('zapdesk', 'evolution')),
    enabled          INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- First failed attempt of the current run of failures: since the last
    -- delivered automatic attempt, with no gap between two failures longer
    -- than the backoff allows (queue::record); NULL while it works.
    failing_since    INTEGER,
    -- The latest failed automatic attempt (how long the run has been quiet).
    last_failed_at   INTEGER,
    disabled_at      INTEGER,
    -- 'failing' (turned off after failing for a day) or 'manual'.
    disabled_reason  TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (account_id, id)
) STRICT;

-- The outbox of events. `seq` orders them (AUTOINCREMENT: never reused, so
-- a later event always has a larger seq); `id` is the event's UUID (v4)
-- that receivers dedupe on. A contact's or a number's events go with it
-- when it is deleted (an LGPD erasure leaves nothing here).
CREATE TABLE webhook_events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- A random UUID (version 4): 32 hex digits with the version's and the
    -- variant's, made into 16 bytes at once (`||` of blobs makes text).
    id           BLOB NOT NULL UNIQUE DEFAULT (unhex(
                     hex(randomblob(6)) || '4' || substr(hex(randomblob(2)), 2)
                     || substr('89ab', 1 + abs(random() % 4), 1) || substr(hex(randomblob(8)), 2))),
    account_id   BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    instance_id  BLOB,
    contact_id   BLOB,
    type         TEXT NOT NULL CHECK (type IN (
                     'message.received', 'message.sent', 'message.status',
                     'contact.created', 'contact.updated', 'tag.added', 'tag.removed',
                     'conversation.assigned', 'conversation.resolved', 'conversation.handed_off',
                     'campaign.finished', 'flow.completed', 'number.status', 'number.qr', 'test')),
    data         TEXT NOT NULL,                 -- JSON: the envelope's `data`
    created_at   INTEGER NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)),
    -- 1 once the sender made its deliveries.
    fanned_out   INTEGER NOT NULL DEFAULT 0 CHECK (fanned_out IN (0, 1)),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, instance_id) REFERENCES instances (account_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX webhook_events_unfanned ON webhook_events (seq) WHERE fanned_out = 0;
-- Deleting a contact or a number finds its events without a scan.
CREATE INDEX webhook_events_by_contact ON webhook_events (account_id, contact_id);
CREATE INDEX webhook_events_by_number ON webhook_events (account_id, instance_id);

-- One event to one webhook. `order_key` is the contact (else the number) of
-- the event: a webhook gets one key's events in order, a later one waiting
-- while an earlier one is pending or retrying; NULL for events of neither
-- and for `manual` deliveries ("send again", "send test event": one attempt
-- at once, outside the order, even while the webhook is off).
CREATE TABLE webhook_deliveries (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,  -- the log's order and page cursor
    id                BLOB NOT NULL UNIQUE,
    account_id        BLOB NOT NULL,
    webhook_id        BLOB NOT NULL,
    event_seq         INTEGER NOT NULL REFERENCES webhook_events (seq) ON DELETE CASCADE,
    order_key         BLOB,
    manual            INTEGER NOT NULL DEFAULT 0 CHECK (manual IN (0, 1)),
    status            TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'retrying', 'delivered', 'failed')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER,                  -- NULL once delivered or failed
    give_up_at        INTEGER NOT NULL,         -- no attempt is planned after this
    last_status_code  INTEGER,
    last_error        TEXT,
    last_duration_ms  INTEGER,
    created_at        INTEGER NOT NULL,
    delivered_at      INTEGER,
    FOREIGN KEY (account_id, webhook_id) REFERENCES webhooks (account_id, id) ON DELETE CASCADE
) STRICT;

-- What is due, soonest first.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, event_seq)
    WHERE status IN ('pending', 'retrying');
-- Each webhook's waiting deliveries (what is due, per webhook; ending those
-- of a webhook turned off).
CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries (webhook_id, next_attempt_at, event_seq)
    WHERE status IN ('pending', 'retrying');
-- The log's upkeep: old finished lines, oldest first.
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at)
    WHERE status IN ('delivered', 'failed');
-- Whether an earlier delivery of the same contact still waits.
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, order_key, event_seq)
    WHERE status IN ('pending', 'retrying');
-- A webhook's log, newest first.
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (account_id, webhook_id, seq);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_seq);

-- The JSON of a row as events carry it. Views, so each trigger below reads
-- one row by its key and the shapes are written once (docs/webhooks.md
-- lists them; `webhooks::sample` mirrors them, and a test compares).
CREATE VIEW webhook_json_contact (account_id, id, j) AS
SELECT account_id, id, json_object(
    'id', lower(substr(hex(id), 1, 8) || '-' || substr(hex(id), 9, 4) || '-' || substr(hex(id), 13, 4)
                || '-' || substr(hex(id), 17, 4) || '-' || substr(hex(id), 21)),
    'phone', phone,
    'name', name,
    'opted_out', json(iif(opted_out_at IS NULL, 'false', 'true')),
    'created_at', created_at,
    'updated_at', updated_at)
FROM contacts;

CREATE VIEW webhook_json_number (account_id, id, j) AS
SELECT account_id, id, json_object(
    'id', lower(substr(hex(id), 1, 8) || '-' || substr(hex(id), 9, 4) || '-' || substr(hex(id), 13, 4)
                || '-' || substr(hex(id), 17, 4) || '-' || substr(hex(id), 21)),
    'name', name,
    'phone', phone)
FROM instances;

CREATE VIEW webhook_json_tag (account_id, id, j) AS
SELECT account_id, id, json_object(
    'id', lower(substr(hex(id), 1, 8) || '-' || substr(hex(id), 9, 4) || '-' || substr(hex(id), 13, 4)
                || '-' || substr(hex(id), 17, 4) || '-' || substr(hex(id), 21)),
    'name', name,
    'color', color)
FROM tags;

CREATE VIEW webhook_json_message (account_id, id, contact_id, instance_id, j) AS
SELECT m.account_id, m.id, c.contact_id, m.instance_id, json_object(
    'id', lower(substr(hex(m.id), 1, 8) || '-' || substr(hex(m.id), 9, 4) || '-' || substr(hex(m.id), 13, 4)
                || '-' || substr(hex(m.id), 17, 4) || '-' || substr(hex(m.id), 21)),
    'wa_id', m.wa_message_id,
    'conversation_id', lower(substr(hex(m.conversation_id), 1, 8) || '-' || substr(hex(m.conversation_id), 9, 4)
                || '-' || substr(hex(m.conversation_id), 13, 4) || '-' || substr(hex(m.conversation_id), 17, 4)
                || '-' || substr(hex(m.conversation_id), 21)),
    'direction', m.direction,
    'kind', m.kind,
    'body', m.body,
    'status', m.status,
    'error', m.error,
    'media', json(iif(m.media_path IS NULL AND m.media_mime IS NULL AND m.media_name IS NULL, NULL,
                      json_object('mime', m.media_mime, 'name', m.media_name, 'size', m.media_size))),
    'sent_at', m.sent_at,
    'created_at', m.created_at,
    'bot', m.bot_source)
FROM messages m
JOIN conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id;

CREATE VIEW webhook_json_conversation (account_id, id, contact_id, instance_id, j) AS
SELECT v.account_id, v.id, v.contact_id, v.instance_id, json_object(
    'id', lower(substr(hex(v.id), 1, 8) || '-' || substr(hex(v.id), 9, 4) || '-' || substr(hex(v.id), 13, 4)
                || '-' || substr(hex(v.id), 17, 4) || '-' || substr(hex(v.id), 21)),
    'status', v.status,
    'owner', v.owner,
    'assignee', json(iif(u.id IS NULL, NULL, json_object(
        'id', lower(substr(hex(u.id), 1, 8) || '-' || substr(hex(u.id), 9, 4) || '-' || substr(hex(u.id), 13, 4)
                    || '-' || substr(hex(u.id), 17, 4) || '-' || substr(hex(u.id), 21)),
        'name', u.name))),
    'unread_count', v.unread_count,
    'last_message_at', v.last_message_at,
    'created_at', v.created_at)
FROM conversations v
LEFT JOIN users u ON u.id = v.assignee_id;

-- Messages: one a contact sent, or one sent from the phone itself (stored
-- already sent).
CREATE TRIGGER webhook_message_inserted AFTER INSERT ON messages
WHEN (SELECT applying FROM sync_apply) = 0
 AND (NEW.direction = 'inbound' OR NEW.status IN ('sent', 'delivered', 'read', 'played'))
 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = NEW.account_id AND w.enabled = 1
             AND w.events LIKE iif(NEW.direction = 'inbound', '%"message.received"%', '%"message.sent"%'))
BEGIN
    INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
    SELECT v.account_id, v.instance_id, v.contact_id,
           iif(NEW.direction = 'inbound', 'message.received', 'message.sent'),
           json_object('message', json(v.j), 'contact', json(c.j), 'number', json(n.j))
    FROM webhook_json_message v
    LEFT JOIN webhook_json_contact c ON c.account_id = v.account_id AND c.id = v.contact_id
    LEFT JOIN webhook_json_number n ON n.account_id = v.account_id AND n.id = v.instance_id
    WHERE v.account_id = NEW.account_id AND v.id = NEW.id;
END;

-- An outgoing message WhatsApp took (the outbox's ack, an echo adopted).
CREATE TRIGGER webhook_message_sent AFTER UPDATE OF status ON messages
WHEN (SELECT applying FROM sync_apply) = 0
 AND NEW.direction = 'outbound'
 AND NEW.status IN ('sent', 'delivered', 'read', 'played')
 AND OLD.status NOT IN ('sent', 'delivered', 'read', 'played')
 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = NEW.account_id AND w.enabled = 1
             AND w.events LIKE '%"message.sent"%')
BEGIN
    INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
    SELECT v.account_id, v.instance_id, v.contact_id, 'message.sent',
           json_object('message', json(v.j), 'contact', json(c.j), 'number', json(n.j))
    FROM webhook_json_message v
    LEFT JOIN webhook_json_contact c ON c.account_id = v.account_id AND c.id = v.contact_id
    LEFT JOIN webhook_json_number n ON n.account_id = v.account_id AND n.id = v.instance_id
    WHERE v.account_id = NEW.account_id AND v.id = NEW.id;
END;

-- An outgoing message's status moved: sent, delivered, read, played, failed.
CREATE TRIGGER webhook_message_status AFTER UPDATE OF status ON messages
WHEN (SELECT applying FROM sync_apply) = 0
 AND NEW.direction = 'outbound'
 AND NEW.status IS NOT OLD.status
 AND NEW.status IN ('sent', 'delivered', 'read', 'played', 'failed')
 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = NEW.account_id AND w.enabled = 1
             AND w.events LIKE '%"message.status"%')
BEGIN
    INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
    SELECT v.account_id, v.instance_id, v.contact_id, 'message.status',
           json_object('message', json(v.j), 'contact', json(c.j), 'number', json(n.j),
                       'status', NEW.status, 'previous_status', OLD.status)
    FROM webhook_json_message v
    LEFT JOIN webhook_json_contact c ON c.account_id = v.account_id AND c.id = v.contact_id
    LEFT JOIN webhook_json_number n ON n.account_id = v.account_id AND n.id = v.instance_id
    WHERE v.account_id = NEW.account_id AND v.id = NEW.id;
END;

CREATE TRIGGER webhook_contact_created AFTER INSERT ON contacts
WHEN (SELECT applying FROM sync_apply) = 0
 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = NEW.account_id AND w.enabled = 1
             AND w.events LIKE '%"contact.created"%')
BEGIN
    INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
    SELECT c.account_id, NULL, c.id, 'contact.created', json_object('contact', json(c.j))
    FROM webhook_json_contact c
    WHERE c.account_id = NEW.account_id AND c.id = NEW.id;
END;

-- What a person sees of a contact changed: phone, name, opt-out. (The sync
-- triggers' own write of the clock columns lists none of them.)
CREATE TRIGGER webhook_contact_updated AFTER UPDATE OF phone, name, opted_out_at ON contacts
WHEN (SELECT applying FROM sync_apply) = 0
 AND (NEW.phone IS NOT OLD.phone OR NEW.name IS NOT OLD.name OR NEW.opted_out_at IS NOT OLD.opted_out_at)
 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = NEW.account_id AND w.enabled = 1
             AND w.events LIKE '%"contact.updated"%')
BEGIN
    INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
    SELECT c.account_id, NULL, c.id, 'contact.updated',
           json_object('contact', json(c.j),
                       'previous', json_object('phone', OLD.phone, 'name', OLD.name,
                                               'opted_out', json(iif(OLD.opted_out_at IS NULL, 'false', 'true'))))
    FROM webhook_json_contact c
    WHERE c.account_id = NEW.account_id AND c.id = NEW.id;
END;

CREATE TRIGGER webhook_tag_added AFTER INSERT ON contact_tags
WHEN (SELECT applying FROM sync_apply) = 0
 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = NEW.account_id AND w.enabled = 1
             AND w.events LIKE '%"tag.added"%')
BEGIN
    INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
    SELECT c.account_id, NULL, c.id, 'tag.added', json_object('contact', json(c.j), 'tag', json(t.j))
    FROM webhook_json_contact c
    JOIN webhook_json_tag t ON t.account_id = NEW.account_id AND t.id = NEW.tag_id
    WHERE c.account_id = NEW.account_id AND c.id = NEW.contact_id;
END;

-- A tag taken off a contact. Not when the contact or the tag itself is
-- deleted (then the link goes by cascade and one of them is gone already):
-- the join finds nothing.
CREATE TRIGGER webhook_tag_removed AFTER DELETE ON contact_tags
WHEN (SELECT applying FROM sync_apply) = 0
 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = OLD.account_id AND w.enabled = 1
             AND w.events LIKE '%"tag.removed"%')
BEGIN
    INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
    SELECT c.account_id, NULL, c.id, 'tag.removed', json_object('contact', json(c.j), 'tag', json(t.j))
    FROM webhook_json_contact c
    JOIN webhook_json_tag t ON t.account_id = OLD.account_id AND t.id = OLD.tag_id
    WHERE c.account_id = OLD.account_id AND c.id = OLD.contact_id;
END;

CREATE TRIGGER webhook_conversation_assigned AFTER UPDATE OF assignee_id ON conversations
WHEN (SELECT applying FROM sync_apply) = 0
 AND NEW.assignee_id IS NOT NULL AND NEW.assignee_id IS NOT OLD.assignee_id
 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = NEW.account_id AND w.enabled = 1
             AND w.events LIKE '%"conversation.assigned"%')
BEGIN
    INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
    SELECT v.account_id, v.instance_id, v.contact_id, 'conversation.assigned',
           json_object('conversation', json(v.j), 'contact', json(c.j), 'number', json(n.j))
    FROM webhook_json_conversation v
    LEFT JOIN webhook_json_contact c ON c.account_id = v.account_id AND c.id = v.contact_id
    LEFT JOIN webhook_json_number n ON n.account_id = v.account_id AND n.id = v.instance_id
    WHERE v.account_id = NEW.account_id AND v.id = NEW.id;
END;

CREATE TRIGGER webhook_conversation_resolved AFTER UPDATE OF status ON conversations
WHEN (SELECT applying FROM sync_apply) = 0
 AND NEW.status = 'resolved' AND OLD.status IS NOT 'resolved'
 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = NEW.account_id AND w.enabled = 1
             AND w.events LIKE '%"conversation.resolved"%')
BEGIN
    INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
    SELECT v.account_id, v.instance_id, v.contact_id, 'conversation.resolved',
           json_object('conversation', json(v.j), 'contact', json(c.j), 'number', json(n.j))
    FROM webhook_json_conversation v
    LEFT JOIN webhook_json_contact c ON c.account_id = v.account_id AND c.id = v.contact_id
    LEFT JOIN webhook_json_number n ON n.account_id = v.account_id AND n.id = v.instance_id
    WHERE v.account_id = NEW.account_id AND v.id = NEW.id;
END;

-- A person took the conversation from the bot: the bot's hand-off (a flow's
-- node, the contact's hand-off word, the AI) or an operator taking over or
-- being assigned (conversations.owner 'bot' → 'human', 0004).
CREATE TRIGGER webhook_conversation_handed_off AFTER UPDATE OF owner ON conversations
WHEN (SELECT applying FROM sync_apply) = 0
 AND NEW.owner = 'human' AND OLD.owner = 'bot'
 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = NEW.account_id AND w.enabled = 1
             AND w.events LIKE '%"conversation.handed_off"%')
BEGIN
    INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
    SELECT v.account_id, v.instance_id, v.contact_id, 'conversation.handed_off',
           json_object('conversation', json(v.j), 'contact', json(c.j), 'number', json(n.j))
    FROM webhook_json_conversation v
    LEFT JOIN webhook_json_contact c ON c.account_id = v.account_id AND c.id = v.contact_id
    LEFT JOIN webhook_json_number n ON n.account_id = v.account_id AND n.id = v.instance_id
    WHERE v.account_id = NEW.account_id AND v.id = NEW.id;
END;

-- Every recipient queued or skipped (campaigns/sender.rs); the messages
-- themselves may still be going out.
CREATE TRIGGER webhook_campaign_finished AFTER UPDATE OF status ON campaigns
WHEN (SELECT applying FROM sync_apply) = 0
 AND NEW.status = 'done' AND OLD.status IS NOT 'done'
 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = NEW.account_id AND w.enabled = 1
             AND w.events LIKE '%"campaign.finished"%')
BEGIN
    INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
    VALUES (NEW.account_id, NULL, NULL, 'campaign.finished', json_object('campaign', json_object(
        'id', lower(substr(hex(NEW.id), 1, 8) || '-' || substr(hex(NEW.id), 9, 4) || '-' || substr(hex(NEW.id), 13, 4)
                    || '-' || substr(hex(NEW.id), 17, 4) || '-' || substr(hex(NEW.id), 21)),
        'name', NEW.name,
        'status', NEW.status,
        'recipients', NEW.recipients_total,
        'queued', (SELECT count(*) FROM campaign_recipients r
                   WHERE r.account_id = NEW.account_id AND r.campaign_id = NEW.id AND r.state = 'queued'),
        'skipped', (SELECT count(*) FROM campaign_recipients r
                    WHERE r.account_id = NEW.account_id AND r.campaign_id = NEW.id AND r.state = 'skipped'),
        'created_at', NEW.created_at,
        'finished_at', NEW.updated_at)));
END;

-- A flow session that reached its end or handed off (automation's EndReason
-- `done`, `handoff`); other endings (stopped, replaced, expired, …) are not
-- a completed flow.
CREATE TRIGGER webhook_flow_completed AFTER UPDATE OF status ON flow_sessions
WHEN (SELECT applying FROM sync_apply) = 0
 AND NEW.status = 'ended' AND OLD.status = 'active'
 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = NEW.account_id AND w.enabled = 1
             AND w.events LIKE '%"flow.completed"%')
 -- After the indexed lookup: an account without webhooks never parses JSON.
 AND (CASE WHEN json_valid(NEW.ended_reason) THEN json_extract(NEW.ended_reason, '$.reason') END) IN ('done', 'handoff')
BEGIN
    INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
    SELECT v.account_id, v.instance_id, v.contact_id, 'flow.completed', json_object(
        'flow', json_object(
            'id', lower(substr(hex(NEW.flow_id), 1, 8) || '-' || substr(hex(NEW.flow_id), 9, 4)
                        || '-' || substr(hex(NEW.flow_id), 13, 4) || '-' || substr(hex(NEW.flow_id), 17, 4)
                        || '-' || substr(hex(NEW.flow_id), 21)),
            'name', f.name),
        'session', json_object(
            'id', lower(substr(hex(NEW.id), 1, 8) || '-' || substr(hex(NEW.id), 9, 4) || '-' || substr(hex(NEW.id), 13, 4)
                        || '-' || substr(hex(NEW.id), 17, 4) || '-' || substr(hex(NEW.id), 21)),
            'reason', json_extract(NEW.ended_reason, '$.reason'),
            -- Nested CASEs: json_type would fail on text that is no JSON.
            'answers', json(coalesce(CASE WHEN json_valid(NEW.state) THEN
                                          CASE WHEN json_type(NEW.state, '$.vars') = 'object'
                                               THEN json_extract(NEW.state, '$.vars') END END, '{}')),
            'started_at', NEW.started_at,
            'ended_at', NEW.ended_at),
        'conversation', json(v.j), 'contact', json(c.j), 'number', json(n.j))
    FROM webhook_json_conversation v
    LEFT JOIN flows f ON f.account_id = NEW.account_id AND f.id = NEW.flow_id
    LEFT JOIN webhook_json_contact c ON c.account_id = v.account_id AND c.id = v.contact_id
    LEFT JOIN webhook_json_number n ON n.account_id = v.account_id AND n.id = v.instance_id
    WHERE v.account_id = NEW.account_id AND v.id = NEW.conversation_id;
END;

-- A number's status here: connected, waiting for its QR to be scanned, or
-- down (disconnected, failed, stopped). Starting and pairing are steps on
-- the way, not news. The QR itself is not stored: the app writes
-- `number.qr` events from the fleet's events.
CREATE TRIGGER webhook_number_status AFTER UPDATE OF status ON instances
WHEN (SELECT applying FROM sync_apply) = 0
 AND NEW.status IS NOT OLD.status
 AND NEW.status IN ('connected', 'awaiting_qr', 'disconnected', 'failed', 'stopped')
 AND EXISTS (SELECT 1 FROM webhooks w WHERE w.account_id = NEW.account_id AND w.enabled = 1
             AND w.events LIKE '%"number.status"%')
BEGIN
    INSERT INTO webhook_events (account_id, instance_id, contact_id, type, data)
    SELECT n.account_id, n.id, NULL, 'number.status', json_object(
        'number', json(n.j),
        'status', iif(NEW.status = 'awaiting_qr', 'qr_needed', NEW.status),
        'previous_status', iif(OLD.status = 'awaiting_qr', 'qr_needed', OLD.status),
        'detail', NEW.status_detail)
    FROM webhook_json_number n
    WHERE n.account_id = NEW.account_id AND n.id = NEW.id;
END;
