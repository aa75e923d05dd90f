-- Fair assignment (issue 18, item 6), as locally
-- (migrations/sqlite/0029_assignment.sql): the account's switch, default cap
-- and operators' states on its bot settings row; who answers a conversation
-- (the operator's e-mail), since when, and since when it waits in the queue;
-- a note's author's name. The tables' grants, row-level security (members
-- of the account), version stamps, tombstones and pokes cover the new
-- columns as they are. Defaults let a desktop that does not know them yet
-- keep pushing its rows.

ALTER TABLE zapdesk.automation_settings
    ADD COLUMN assign_auto  bigint NOT NULL DEFAULT 0 CHECK (assign_auto IN (0, 1)),
    ADD COLUMN assign_cap   bigint NOT NULL DEFAULT 5 CHECK (assign_cap BETWEEN 1 AND 999),
    ADD COLUMN assign_team  text NOT NULL DEFAULT '{}';

ALTER TABLE zapdesk.conversations
    ADD COLUMN assigned_to    text,
    ADD COLUMN assigned_at    bigint,
    ADD COLUMN waiting_since  bigint;

ALTER TABLE zapdesk.notes ADD COLUMN author_name text;
