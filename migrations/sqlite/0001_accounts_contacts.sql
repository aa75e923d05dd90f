-- Accounts (the agency's client businesses), their contacts, and local settings.
-- Ids are UUIDv7 stored as 16-byte BLOBs; times are Unix milliseconds.

CREATE TABLE accounts (
    id          BLOB PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    phone       TEXT,                       -- E.164, the business's own number
    plan        TEXT NOT NULL DEFAULT 'starter'
                CHECK (plan IN ('free', 'starter', 'pro', 'enterprise')),
    status      TEXT NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'trial', 'suspended')),
    archived_at INTEGER,                    -- NULL while the account is in use
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE contacts (
    id          BLOB PRIMARY KEY NOT NULL,
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    phone       TEXT NOT NULL,              -- E.164
    name        TEXT CHECK (name IS NULL OR length(name) BETWEEN 1 AND 120),
    name_folded TEXT NOT NULL DEFAULT '',   -- lower case without accents, for search
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (account_id, phone)
) STRICT;

CREATE INDEX contacts_by_name ON contacts (account_id, name_folded, id);

-- Desktop-wide preferences (language, ...). Not account data.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
