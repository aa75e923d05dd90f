-- Fair assignment's roster in its own synced table, one row per operator and
-- account (issue 18, item 6, finished for several desktops).
--
-- Until now the roster was one JSON column of the account's bot settings row
-- (`automation_settings.assign_team`, 0029). Sync merges row by row, the
-- later clock winning: two desktops where two operators said "available" at
-- once sent two versions of the whole roster, and one of the two changes was
-- lost; a desktop that never pulled the settings row made one to save its
-- operator's status, and pushed the schema's defaults of every other column
-- (the bot switched off, default business hours) over the account's.
-- One row per operator merges each operator on their own.
--
-- `id` is a UUIDv5 of the account and the e-mail (crates/core/src/assignment):
-- two desktops that write the same operator first give it the same id, so
-- sync merges them as one row. The e-mail is who the operator is on every
-- desktop (`users` ids are each desktop's own).
--
-- The rows of the JSON column are copied in by the core at open
-- (`assignment::adopt_json_rosters`), not here: the id is a hash SQLite does
-- not have. Copied rows take the smallest clock there is, older than any
-- row written in the new table anywhere, so a desktop updated late only
-- fills gaps and never brings back, over the server's rows, what its old
-- JSON said. `assign_team` stays (a desktop on an older ZapDesk still syncs
-- it) but is no longer written.

CREATE TABLE assignment_operators (
    id          BLOB PRIMARY KEY NOT NULL,
    account_id  BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email       TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    -- Their name when it was written, for desktops without their `users` row.
    name        TEXT NOT NULL DEFAULT '',
    available   INTEGER NOT NULL DEFAULT 0 CHECK (available IN (0, 1)),
    -- NULL: the account's default cap (automation_settings.assign_cap).
    cap         INTEGER CHECK (cap IS NULL OR cap BETWEEN 1 AND 999),
    updated_at  INTEGER NOT NULL,
    hlc         TEXT
) STRICT;

-- Not unique: the id is already one per account and e-mail (the same hash
-- on every desktop), and a second unique key would need the push's and
-- pull's merging of rows that collide on it (crates/sync/src/merge.rs).
CREATE INDEX assignment_operators_by_account ON assignment_operators (account_id, email);

-- Each account's JSON roster as it was when copied, on this desktop only
-- (not synced): a store open that finds every roster here copies nothing
-- and takes no write transaction. A JSON pulled since from a desktop on an
-- older ZapDesk differs, and is copied again (filling only gaps).
CREATE TABLE assignment_adopted (
    account_id  BLOB PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    assign_team TEXT NOT NULL
) STRICT;

-- Their outbox triggers come with the generated migration that follows
-- (0036, `cargo run -p zapdesk-sync --example sqlite-triggers -- --new`).

-- Each plan's limits reach every desktop of the agency (issue 18, item 4):
-- the row's clock, set by the core at every local write of a plan's limits
-- (`plans::set_defaults`, which ticks `sync_clock` as the sync triggers do),
-- and whether that write still has to go to the server. The sync engine
-- pushes and pulls the four rows apart from the per-account tables
-- (crates/sync/src/plan_limits.rs): they belong to no account, so no outbox
-- entry (keyed by account) and no catalog trigger. NULL clock: never
-- written here, any server row is later.
ALTER TABLE plan_limits ADD COLUMN hlc TEXT;
ALTER TABLE plan_limits ADD COLUMN unpushed INTEGER NOT NULL DEFAULT 0
    CHECK (unpushed IN (0, 1));

-- Limits saved here before this upgrade go to the server too: a NULL clock
-- and `unpushed = 0` would keep them on this desktop for good. Their clock
-- is the one this desktop's clock had when they were written (`updated_at`,
-- counter 0, this node), so an agency that set limits on two desktops keeps
-- the later edit, as if both had synced then. Rows never written (the
-- defaults of 0028, updated_at 0) keep NULL: any server row wins over them.
UPDATE plan_limits
SET hlc = printf('%013d-%05d-%s', updated_at, 0, (SELECT node FROM sync_clock WHERE id = 1)),
    unpushed = 1
WHERE updated_at > 0;
-- This desktop's clock never runs behind a clock it gave (a wall clock set
-- back since): the next local write of a plan is later than these.
UPDATE sync_clock
SET ms = (SELECT max(updated_at) FROM plan_limits), counter = 0
WHERE id = 1 AND ms < (SELECT max(updated_at) FROM plan_limits);
