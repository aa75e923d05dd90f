-- WhatsApp numbers at work: numbers remember whether they should run,
-- messages know their number, carry media, and double as the durable outbox
-- (an outbound message is pending → sending → sent → delivered → read, or failed).

ALTER TABLE instances ADD COLUMN autostart INTEGER NOT NULL DEFAULT 0;  -- run when the app starts
ALTER TABLE instances ADD COLUMN status_detail TEXT;                     -- the reason of failed / disconnected

CREATE TABLE messages_v3 (
    id               BLOB PRIMARY KEY NOT NULL,
    account_id       BLOB NOT NULL,
    conversation_id  BLOB NOT NULL,
    instance_id      BLOB NOT NULL,
    wa_message_id    TEXT,                  -- WhatsApp's id; chosen by us before sending
    direction        TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    kind             TEXT NOT NULL DEFAULT 'text'
                     CHECK (kind IN ('text', 'image', 'audio', 'document', 'location', 'contact')),
    body             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'played',
                                       'failed', 'received')),
    error            TEXT,                  -- why it failed
    media_path       TEXT,                  -- relative to the data folder
    media_mime       TEXT,
    media_name       TEXT,
    media_size       INTEGER,
    media_error      TEXT,                  -- 'too_large', 'download_failed'
    sent_at          INTEGER,               -- WhatsApp's time of the message
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, instance_id) REFERENCES instances (account_id, id) ON DELETE CASCADE
) STRICT;

INSERT INTO messages_v3 (id, account_id, conversation_id, instance_id, wa_message_id, direction, kind,
                         body, status, created_at, updated_at)
SELECT m.id, m.account_id, m.conversation_id, c.instance_id, m.wa_message_id, m.direction, m.kind,
       m.body, m.status, m.created_at, m.created_at
FROM messages m JOIN conversations c ON c.account_id = m.account_id AND c.id = m.conversation_id;

DROP TABLE messages;
ALTER TABLE messages_v3 RENAME TO messages;

CREATE INDEX messages_thread ON messages (account_id, conversation_id, created_at);
-- A message WhatsApp delivers twice (history sync, a reconnect) is stored once.
CREATE UNIQUE INDEX messages_wa_id ON messages (account_id, instance_id, wa_message_id);
-- The outbox of one number: what still has to go out, oldest first.
CREATE INDEX messages_outbox ON messages (account_id, instance_id, created_at)
    WHERE direction = 'outbound' AND status IN ('pending', 'sending');
