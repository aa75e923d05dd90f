-- The local API (issue 17): its tokens and the Idempotency-Key of its sends.
-- Both are local to this desktop and not synced: a token opens this
-- desktop's API only, and a retried request comes back to the same desktop.

-- A token is `zdk_<id>_<secret>`; only the SHA-256 of the secret is kept,
-- so a copy of this file opens nothing. `account_id` NULL: the whole agency
-- (made by an owner).
CREATE TABLE api_tokens (
    id           BLOB PRIMARY KEY NOT NULL,
    account_id   BLOB REFERENCES accounts (id) ON DELETE CASCADE,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    scopes       TEXT NOT NULL,            -- JSON array of 'read', 'send', 'manage'
    secret_hash  BLOB NOT NULL CHECK (length(secret_hash) = 32),
    hint         TEXT NOT NULL,            -- the token's first and last characters, to recognise it
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
) STRICT;

-- An `Idempotency-Key` sent with a request: the request it was first used
-- for (a hash of its method, path and body), so the same key with another
-- request is refused instead of answered with the first one's result. The
-- message's id is derived from the key, so a retry after a crash between
-- accepting and answering queues nothing twice; these rows only catch
-- conflicts, and are pruned after a day.
CREATE TABLE api_idempotency (
    account_id   BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_id     BLOB NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    key          TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, token_id, key)
) STRICT, WITHOUT ROWID;

CREATE INDEX api_idempotency_by_age ON api_idempotency (account_id, created_at);

-- The contact list's order (named first, by name, then phone: contacts::list)
-- as an index, so a page of the API (or the Contacts screen) walks it
-- instead of sorting every contact of the account for each page: measured
-- 1.8 s → see docs/benchmarks.md, issue 17, on 100 000 contacts.
CREATE INDEX contacts_listed ON contacts (account_id, name IS NULL, name_folded, phone, id);
