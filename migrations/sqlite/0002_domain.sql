-- The rest of the seed domain: numbers (instances), tags, conversations,
-- messages, campaigns and the agency's operators. Every account-owned table
-- carries account_id; composite foreign keys make a row of one account unable
-- to point at a row of another.

CREATE UNIQUE INDEX contacts_account_id ON contacts (account_id, id);

CREATE TABLE instances (
    id          BLOB PRIMARY KEY NOT NULL,
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    kind        TEXT NOT NULL DEFAULT 'whatsapp' CHECK (kind IN ('whatsapp', 'sandbox')),
    status      TEXT NOT NULL DEFAULT 'stopped'
                CHECK (status IN ('stopped', 'starting', 'awaiting_qr', 'pairing',
                                  'connected', 'disconnected', 'failed')),
    phone       TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (account_id, id)
) STRICT;

CREATE TABLE tags (
    id          BLOB PRIMARY KEY NOT NULL,
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
    color       TEXT NOT NULL DEFAULT '#64748b',
    created_at  INTEGER NOT NULL,
    UNIQUE (account_id, name),
    UNIQUE (account_id, id)
) STRICT;

CREATE TABLE contact_tags (
    account_id  BLOB NOT NULL,
    contact_id  BLOB NOT NULL,
    tag_id      BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, contact_id, tag_id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, tag_id) REFERENCES tags (account_id, id) ON DELETE CASCADE
) STRICT;

CREATE TABLE users (
    id          BLOB PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    email       TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL DEFAULT 'agent' CHECK (role IN ('owner', 'admin', 'agent')),
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE conversations (
    id               BLOB PRIMARY KEY NOT NULL,
    account_id       BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contact_id       BLOB NOT NULL,
    instance_id      BLOB NOT NULL,
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'resolved')),
    assignee_id      BLOB REFERENCES users (id) ON DELETE SET NULL,
    unread_count     INTEGER NOT NULL DEFAULT 0,
    last_message_at  INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (account_id, id),
    UNIQUE (account_id, instance_id, contact_id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, instance_id) REFERENCES instances (account_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX conversations_recent ON conversations (account_id, last_message_at DESC);

CREATE TABLE messages (
    id               BLOB PRIMARY KEY NOT NULL,
    account_id       BLOB NOT NULL,
    conversation_id  BLOB NOT NULL,
    wa_message_id    TEXT,                  -- WhatsApp's id, once known
    direction        TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    kind             TEXT NOT NULL DEFAULT 'text'
                     CHECK (kind IN ('text', 'image', 'audio', 'document', 'location', 'contact')),
    body             TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sent', 'delivered', 'read', 'played', 'failed', 'received')),
    created_at       INTEGER NOT NULL,
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX messages_thread ON messages (account_id, conversation_id, created_at);

CREATE TABLE campaigns (
    id          BLOB PRIMARY KEY NOT NULL,
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    message     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'done', 'cancelled')),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX campaigns_by_account ON campaigns (account_id, created_at);
