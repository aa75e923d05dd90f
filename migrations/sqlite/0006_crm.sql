-- Contacts as a CRM base: typed custom fields, saved segments, and the audit
-- log of LGPD requests (exports and erasures).

CREATE TABLE custom_fields (
    id          BLOB PRIMARY KEY NOT NULL,
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The name in message variables ({{key}}) and CSV headers: lower case ASCII.
    key         TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 40),
    label       TEXT NOT NULL CHECK (length(label) BETWEEN 1 AND 40),
    kind        TEXT NOT NULL CHECK (kind IN ('text', 'number', 'date', 'yes_no', 'choice')),
    choices     TEXT NOT NULL DEFAULT '[]',   -- JSON array of strings, for 'choice'
    created_at  INTEGER NOT NULL,
    UNIQUE (account_id, key),
    UNIQUE (account_id, id)
) STRICT;

-- One value per contact and field, stored in a canonical text form
-- (number: decimal; date: YYYY-MM-DD; yes_no: 'true'/'false') so that
-- equality and ordering work on it, with `num` for numeric comparisons.
CREATE TABLE contact_fields (
    account_id  BLOB NOT NULL,
    contact_id  BLOB NOT NULL,
    field_id    BLOB NOT NULL,
    value       TEXT NOT NULL CHECK (length(value) BETWEEN 1 AND 500),
    num         REAL,
    PRIMARY KEY (account_id, contact_id, field_id),
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, field_id) REFERENCES custom_fields (account_id, id) ON DELETE CASCADE
) STRICT;

-- Filters look values up by field; the contact id in the index spares a
-- lookup of the row per match (segment counts over 100k contacts).
CREATE INDEX contact_fields_by_value ON contact_fields (account_id, field_id, value, contact_id);
CREATE INDEX contact_fields_by_num ON contact_fields (account_id, field_id, num, contact_id);
-- Filters on tags start from the tag.
CREATE INDEX contact_tags_by_tag ON contact_tags (account_id, tag_id, contact_id);

CREATE TABLE segments (
    id          BLOB PRIMARY KEY NOT NULL,
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    filter      TEXT NOT NULL,                -- JSON of the core's ContactFilter
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (account_id, name COLLATE NOCASE),
    UNIQUE (account_id, id)
) STRICT;

-- Who did what to whose data. Rows outlive the contact they name (that is the
-- point), so there is no foreign key to contacts.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    actor_id    BLOB,                         -- the operator, when one is chosen
    actor_name  TEXT NOT NULL,                -- as it was at the time
    action      TEXT NOT NULL CHECK (action IN ('contact_exported', 'contact_erased')),
    contact_id  BLOB NOT NULL,
    at          INTEGER NOT NULL
) STRICT;

CREATE INDEX audit_log_by_account ON audit_log (account_id, at DESC);

-- Segments on "last message before/after" look up a contact's conversations.
CREATE INDEX conversations_by_contact ON conversations (account_id, contact_id, last_message_at);
-- Segments on "created before/after".
CREATE INDEX contacts_by_created ON contacts (account_id, created_at);
