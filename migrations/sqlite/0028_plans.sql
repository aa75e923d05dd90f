-- Plans per account (issue 18, item 4): limits on an account's numbers,
-- contacts, messages sent per calendar month, operators and flows.
--
-- The agency sets each plan's limits once (`plan_limits`, one row per plan);
-- an account may override any of them (`accounts.plan_overrides`). NULL is
-- "no limit". Every plan starts without limits: an agency that upgrades keeps
-- working as before until its owner writes the numbers it sells.

CREATE TABLE plan_limits (
    plan            TEXT PRIMARY KEY NOT NULL
                    CHECK (plan IN ('free', 'starter', 'pro', 'enterprise')),
    numbers         INTEGER CHECK (numbers >= 0),
    contacts        INTEGER CHECK (contacts >= 0),
    messages_month  INTEGER CHECK (messages_month >= 0),
    operators       INTEGER CHECK (operators >= 0),
    flows           INTEGER CHECK (flows >= 0),
    updated_at      INTEGER NOT NULL
) STRICT;

INSERT INTO plan_limits (plan, updated_at)
VALUES ('free', 0), ('starter', 0), ('pro', 0), ('enterprise', 0);

-- JSON (crates/core/src/plans): per limit, absent = the plan's, a number or
-- "unlimited". On the account's row so that it syncs with the plan it
-- overrides (crates/sync/src/tables.rs, postgres/0014).
ALTER TABLE accounts ADD COLUMN plan_overrides TEXT;

-- Messages sent in a month are counted before every send: the account's
-- outbound rows by time, without reading its inbound ones.
CREATE INDEX messages_outbound_by_time ON messages (account_id, created_at)
    WHERE direction = 'outbound';
