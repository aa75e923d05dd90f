-- Automation (issue 15): keyword replies and conversation flows, the
-- sessions they run in, and what drives them. The design is in
-- docs/automation.md; the sync triggers of the synced tables come from the
-- catalog (crates/sync/src/tables.rs) in a generated migration after this one.

-- How the bot behaves in one account; a row is written on first save (the
-- defaults below hold until then). Synced.
CREATE TABLE automation_settings (
    account_id              BLOB PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The account's bot as a whole: off, nothing answers on its own.
    enabled                 INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- IANA name: conditions on the time of day, delays' allowed hours.
    time_zone               TEXT NOT NULL DEFAULT 'America/Sao_Paulo',
    -- JSON list of words a contact writes to leave any flow for a person.
    handoff_words           TEXT NOT NULL DEFAULT '["atendente"]',
    -- Sent when a contact asks for a person with one of those words.
    handoff_reply           TEXT NOT NULL DEFAULT 'Certo! Uma pessoa da nossa equipe vai continuar a conversa.',
    -- A session waiting for a reply longer than this is over: the next
    -- message is treated as a new one (keywords, triggers).
    session_expiry_minutes  INTEGER NOT NULL DEFAULT 1440 CHECK (session_expiry_minutes > 0),
    -- HTTP nodes may call private, loopback and link-local addresses.
    allow_private_http      INTEGER NOT NULL DEFAULT 0 CHECK (allow_private_http IN (0, 1)),
    -- The AI node's OpenAI-compatible endpoint; the key is in the OS keyring.
    ai_base_url             TEXT,
    ai_model                TEXT,
    ai_instructions         TEXT NOT NULL DEFAULT '',
    updated_at              INTEGER NOT NULL,
    hlc                     TEXT
) STRICT;

-- Keyword replies: words that fire actions. Synced.
CREATE TABLE keywords (
    id                BLOB PRIMARY KEY NOT NULL,
    account_id        BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name              TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    match_kind        TEXT NOT NULL CHECK (match_kind IN ('exact', 'contains', 'starts_with', 'regex')),
    words             TEXT NOT NULL,                 -- JSON list of strings
    numbers           TEXT NOT NULL DEFAULT '[]',    -- JSON list of instance ids; empty: every number
    priority          INTEGER NOT NULL DEFAULT 0,
    enabled           INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    cooldown_minutes  INTEGER NOT NULL DEFAULT 0 CHECK (cooldown_minutes >= 0),
    actions           TEXT NOT NULL,                 -- JSON: automation::keywords::Actions
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    hlc               TEXT,
    UNIQUE (account_id, id)
) STRICT;

CREATE INDEX keywords_by_account ON keywords (account_id, priority DESC, created_at);

-- Files the bot sends (a flow node's or a keyword's image, audio, document),
-- in the store so that every desktop that runs a number can send them. A
-- file is never changed: a new upload is a new row. Synced (bytes, ≤ 16 MiB).
CREATE TABLE automation_files (
    id          BLOB PRIMARY KEY NOT NULL,
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    mime        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('image', 'audio', 'document')),
    bytes       BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    hlc         TEXT,
    UNIQUE (account_id, id)
) STRICT;

-- Flows: the draft being edited, and which published version new sessions
-- start on. Synced.
CREATE TABLE flows (
    id                    BLOB PRIMARY KEY NOT NULL,
    account_id            BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name                  TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    draft                 TEXT NOT NULL,              -- JSON: automation::flow::FlowDocument
    -- Moved by every save of the draft; a save made from an older revision
    -- is refused (two operators editing one flow never overwrite each other).
    revision              INTEGER NOT NULL DEFAULT 1,
    published_version_id  BLOB,                       -- NULL: never published
    triggers              TEXT NOT NULL DEFAULT '[]', -- JSON list of automation::flows::Trigger
    enabled               INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    hlc                   TEXT,
    UNIQUE (account_id, id)
) STRICT;

CREATE INDEX flows_by_account ON flows (account_id, name);

-- A published flow: immutable. A session runs on the version it started on
-- to its end, whatever is published after. `number` is for people (v1, v2,
-- …): two desktops publishing offline may both write the same number, and
-- both versions are kept. Synced.
CREATE TABLE flow_versions (
    id            BLOB PRIMARY KEY NOT NULL,
    account_id    BLOB NOT NULL,
    flow_id       BLOB NOT NULL,
    number        INTEGER NOT NULL,
    document      TEXT NOT NULL,
    published_at  INTEGER NOT NULL,
    hlc           TEXT,
    UNIQUE (account_id, id),
    FOREIGN KEY (account_id, flow_id) REFERENCES flows (account_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX flow_versions_by_flow ON flow_versions (account_id, flow_id, number);

-- A flow running in one conversation. At most one is active per
-- conversation: starting one ends the other in the same transaction, and
-- the runner ends the older of two that sync brought together (no unique
-- index: a pulled row must never be refused for it). Only the desktop that
-- holds the conversation's number's lease steps it. Synced.
CREATE TABLE flow_sessions (
    id               BLOB PRIMARY KEY NOT NULL,
    account_id       BLOB NOT NULL,
    conversation_id  BLOB NOT NULL,
    flow_id          BLOB NOT NULL,
    version_id       BLOB NOT NULL,
    -- JSON: automation::engine::Session (node, what it waits for, tries,
    -- variables, turn).
    state            TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('active', 'ended')),
    -- When it must be stepped without a message: now (a session started by
    -- hand, or by a tag), a delay's end, an answer's time limit.
    wake_at          INTEGER,
    ended_reason     TEXT,                            -- automation::engine::EndReason, snake_case
    started_by       TEXT NOT NULL,                   -- automation::sessions::StartedBy as JSON
    started_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    ended_at         INTEGER,
    hlc              TEXT,
    UNIQUE (account_id, id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, flow_id) REFERENCES flows (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, version_id) REFERENCES flow_versions (account_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX flow_sessions_active ON flow_sessions (account_id, conversation_id) WHERE status = 'active';
CREATE INDEX flow_sessions_due ON flow_sessions (wake_at) WHERE status = 'active' AND wake_at IS NOT NULL;
CREATE INDEX flow_sessions_by_flow ON flow_sessions (account_id, flow_id, status);

-- What the bot has to look at, in order: messages contacts sent (written by
-- ingest in the transaction that stores the message, so nothing is looked
-- at twice or never), and tags added by a person. Local to this desktop.
CREATE TABLE automation_queue (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       BLOB NOT NULL,
    contact_id       BLOB NOT NULL,
    event            TEXT NOT NULL CHECK (event IN ('message', 'tag_added')),
    conversation_id  BLOB,                            -- 'message'
    message_id       BLOB,                            -- 'message'
    tag_id           BLOB,                            -- 'tag_added'
    created_at       INTEGER NOT NULL,
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
) STRICT;

-- Set to 1 inside a transaction that applies the bot's own actions, so a tag
-- the bot adds never starts another flow (no bot ping-pong); back to 0 before
-- the commit. Like sync_apply.
CREATE TABLE automation_apply (
    applying INTEGER NOT NULL
) STRICT;
INSERT INTO automation_apply (applying) VALUES (0);

-- A tag added by a person (not the bot, not a pull: the desktop where it was
-- added starts the flow, and sync carries the session to the number's desktop).
CREATE TRIGGER automation_tag_added AFTER INSERT ON contact_tags
WHEN (SELECT applying FROM automation_apply) = 0
 AND (SELECT applying FROM sync_apply) = 0
 AND EXISTS (SELECT 1 FROM flows f
             WHERE f.account_id = NEW.account_id AND f.enabled = 1
               AND f.published_version_id IS NOT NULL AND f.triggers LIKE '%"tag_added"%')
BEGIN
    INSERT INTO automation_queue (account_id, contact_id, event, tag_id, created_at)
    VALUES (NEW.account_id, NEW.contact_id, 'tag_added', NEW.tag_id,
            CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER));
END;

-- When a keyword last fired for a contact (its cooldown), when the default
-- reply last went to them, which campaign replies started a flow. Local.
CREATE TABLE automation_marks (
    account_id  BLOB NOT NULL,
    contact_id  BLOB NOT NULL,
    what        TEXT NOT NULL,                        -- 'keyword:<id>', 'no_match', 'campaign:<id>'
    at          INTEGER NOT NULL,
    PRIMARY KEY (account_id, contact_id, what),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- What the bot did and why, per conversation: the path through a flow, a
-- keyword fired, a session ended and its reason. Local; for the contact
-- panel and for finding out why the bot said something.
CREATE TABLE automation_log (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       BLOB NOT NULL,
    conversation_id  BLOB NOT NULL,
    session_id       BLOB,
    at               INTEGER NOT NULL,
    what             TEXT NOT NULL,
    detail           TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX automation_log_by_conversation ON automation_log (account_id, conversation_id, seq);

-- Who sent an outbound message, when it was the bot: 'flow' (bot_ref the
-- flow, bot_node the node), 'keyword' (bot_ref the keyword) or 'system' (the
-- reply to a hand-off word). NULL: a person or the phone. Synced.
ALTER TABLE messages ADD COLUMN bot_source TEXT CHECK (bot_source IS NULL OR bot_source IN ('flow', 'keyword', 'system'));
ALTER TABLE messages ADD COLUMN bot_ref BLOB;
ALTER TABLE messages ADD COLUMN bot_node TEXT;
-- Not sent before this time (the bot's "typing" pause). Local: only the
-- desktop that queued it waits.
ALTER TABLE messages ADD COLUMN send_after INTEGER;

-- "When a recipient replies, start this flow." Synced.
ALTER TABLE campaigns ADD COLUMN reply_flow_id BLOB;
