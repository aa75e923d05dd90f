-- The team, managed in the app (issue 18): which accounts each operator may
-- see, and operators removed without losing their history.
--
-- A removed operator keeps their row (`removed_at` set): conversations they
-- resolved and notes they wrote still name them, and re-inviting the same
-- e-mail brings the row back. Their open work goes back to the queue when
-- they are removed (users.rs), not here.
ALTER TABLE users ADD COLUMN removed_at INTEGER;

-- The accounts an operator may see. Owners and admins see every account
-- whatever is listed here; the grants decide for agents (access.rs). Local
-- to this desktop, as `users` is: with sync on, the agency's server keeps
-- its own memberships (migrations/postgres/0001_remote.sql).
CREATE TABLE user_accounts (
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, account_id)
) STRICT;

CREATE INDEX user_accounts_by_account ON user_accounts (account_id);
