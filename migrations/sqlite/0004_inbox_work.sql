-- Working a conversation: who owns it (a bot or a person), internal notes,
-- quick replies per account, unsent drafts, and full-text search.

-- 'bot' while automation answers; 'human' once an operator takes it over
-- (automation then stays quiet until it is handed back or resolved).
ALTER TABLE conversations ADD COLUMN owner TEXT NOT NULL DEFAULT 'bot' CHECK (owner IN ('bot', 'human'));

-- The chat list walks one of these newest first and stops after a page.
DROP INDEX conversations_recent;
CREATE INDEX conversations_recent ON conversations (account_id, last_message_at DESC, id DESC);
CREATE INDEX conversations_by_status ON conversations (account_id, status, last_message_at DESC, id DESC);
CREATE INDEX conversations_by_assignee ON conversations (account_id, assignee_id, last_message_at DESC, id DESC);
CREATE INDEX conversations_by_number ON conversations (account_id, instance_id, last_message_at DESC, id DESC);

-- Notes operators leave on a conversation; never sent to WhatsApp.
CREATE TABLE notes (
    id               BLOB PRIMARY KEY NOT NULL,
    account_id       BLOB NOT NULL,
    conversation_id  BLOB NOT NULL,
    author_id        BLOB REFERENCES users (id) ON DELETE SET NULL,
    body             TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4096),
    created_at       INTEGER NOT NULL,
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX notes_by_conversation ON notes (account_id, conversation_id, created_at);

-- Canned answers, inserted in the composer by typing /shortcut.
CREATE TABLE quick_replies (
    id          BLOB PRIMARY KEY NOT NULL,
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    shortcut    TEXT NOT NULL CHECK (length(shortcut) BETWEEN 1 AND 32),
    body        TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 4096),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (account_id, shortcut)
) STRICT;

-- What an operator typed and did not send yet, so closing the app loses nothing.
CREATE TABLE drafts (
    account_id       BLOB NOT NULL,
    conversation_id  BLOB NOT NULL,
    body             TEXT NOT NULL,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (account_id, conversation_id),
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT;

-- Full-text search over message text, case- and accent-insensitive
-- ("acao" finds "ação"). An FTS row has the rowid of its message, so the
-- triggers find it directly. Never run a plain VACUUM on this database: it may
-- renumber the messages' rowids (they have no INTEGER PRIMARY KEY); rebuild
-- the index after one (INSERT INTO messages_fts(messages_fts) VALUES('rebuild')
-- does not apply to this contentful table: delete all rows and re-insert).
CREATE VIRTUAL TABLE messages_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO messages_fts (rowid, body) SELECT rowid, body FROM messages WHERE body <> '';

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.body <> '' BEGIN
    INSERT INTO messages_fts (rowid, body) VALUES (new.rowid, new.body);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.rowid;
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
    DELETE FROM messages_fts WHERE rowid = old.rowid;
    INSERT INTO messages_fts (rowid, body) SELECT new.rowid, new.body WHERE new.body <> '';
END;

-- The chat list pages by (last_message_at, id): a conversation always has a time.
UPDATE conversations SET last_message_at = created_at WHERE last_message_at IS NULL;

-- The newest message of each conversation, kept on the conversation so the
-- chat list joins one row by primary key instead of searching every thread.
ALTER TABLE conversations ADD COLUMN last_message_id BLOB;
UPDATE conversations SET last_message_id = (
    SELECT id FROM messages
    WHERE messages.account_id = conversations.account_id AND messages.conversation_id = conversations.id
    ORDER BY created_at DESC, id DESC LIMIT 1);
