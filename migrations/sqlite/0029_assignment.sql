-- Fair assignment (issue 18, item 6): round-robin among the available
-- operators of an account, a cap of open chats per operator, a queue of
-- conversations waiting for a person (oldest first), transfers with a note.
--
-- Everything here syncs through columns of tables that already sync with
-- triggers recording every update (`Updates::Every` in
-- crates/sync/src/tables.rs): new columns need their catalog entry and the
-- server's columns (postgres/0015), no new trigger migration.

-- The account's switch, its default cap, and its operators' states: JSON
-- object keyed by the operator's e-mail (the one identity every desktop
-- shares: local `users` ids differ between desktops, `team::adopt_login`
-- finds a login by e-mail), each `{"name", "available", "cap"}` with `cap`
-- null for the account's default (crates/core/src/assignment). Kept on the
-- bot's settings row, one per account, like the business hours (0025).
ALTER TABLE automation_settings ADD COLUMN assign_auto INTEGER NOT NULL DEFAULT 0
    CHECK (assign_auto IN (0, 1));
ALTER TABLE automation_settings ADD COLUMN assign_cap INTEGER NOT NULL DEFAULT 5
    CHECK (assign_cap BETWEEN 1 AND 999);
ALTER TABLE automation_settings ADD COLUMN assign_team TEXT NOT NULL DEFAULT '{}';

-- Who answers the conversation, for every desktop: the operator's e-mail.
-- `assignee_id` stays this desktop's `users` row (its key keeps history and
-- the "mine" filter), set with it by the core and from it on a pull (below).
ALTER TABLE conversations ADD COLUMN assigned_to TEXT;
-- When it was given to them: the rotation's order (whoever got a chat
-- longest ago is next).
ALTER TABLE conversations ADD COLUMN assigned_at INTEGER;
-- Waiting in the account's queue for a person since then; NULL: not waiting.
ALTER TABLE conversations ADD COLUMN waiting_since INTEGER;

-- Who wrote an internal note, for desktops that do not have their `users` row.
ALTER TABLE notes ADD COLUMN author_name TEXT;

UPDATE conversations SET
    assigned_to = (SELECT u.email FROM users u WHERE u.id = conversations.assignee_id),
    assigned_at = updated_at
WHERE assignee_id IS NOT NULL;

UPDATE notes SET author_name = (SELECT u.name FROM users u WHERE u.id = notes.author_id)
WHERE author_id IS NOT NULL;

CREATE INDEX conversations_waiting ON conversations (account_id, waiting_since, id)
    WHERE waiting_since IS NOT NULL;
CREATE INDEX conversations_by_assigned ON conversations (account_id, assigned_to, status);

-- A pulled assignment names this desktop's operator when it has one with that
-- e-mail. Only while a pull applies rows (`sync_apply.applying`): the core
-- writes both columns itself.
CREATE TRIGGER conversations_assigned_pulled_insert AFTER INSERT ON conversations
WHEN (SELECT applying FROM sync_apply) = 1
BEGIN
    UPDATE conversations SET assignee_id =
        (SELECT u.id FROM users u WHERE u.email = NEW.assigned_to AND u.removed_at IS NULL)
    WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER conversations_assigned_pulled_update AFTER UPDATE OF assigned_to ON conversations
WHEN (SELECT applying FROM sync_apply) = 1
BEGIN
    UPDATE conversations SET assignee_id =
        (SELECT u.id FROM users u WHERE u.email = NEW.assigned_to AND u.removed_at IS NULL)
    WHERE rowid = NEW.rowid;
END;
