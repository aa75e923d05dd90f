-- Response cycles kept as messages arrive (issue 18: the dashboard read every
-- message of three months to find first responses and resolutions; now it
-- reads these finished rows). The rules are crates/core/src/reports/cycles.rs:
-- a cycle opens with the contact's message while none is open, its first
-- response is the first message a person sent from then on (outbound, no
-- `bot_source`, not failed, not a campaign's), it ends at the conversation's
-- next resolution (`conversation_resolutions`). Times are the reports' message
-- time (`CASE WHEN sent_at > 0 THEN sent_at ELSE created_at END`).
--
-- LOCAL to this desktop, never synced: every row is derived from synced rows
-- (messages, conversations' resolutions, campaign recipients), so each desktop
-- keeps its own, rebuilt from what it holds. Not in crates/sync/src/tables.rs
-- on purpose.
CREATE TABLE response_cycles (
    account_id         BLOB NOT NULL,
    conversation_id    BLOB NOT NULL,
    -- The contact's message that opened it.
    opened_at          INTEGER NOT NULL,
    -- NULL: nobody answered yet (or before it was resolved).
    first_response_at  INTEGER,
    -- NULL: still open.
    resolved_at        INTEGER,
    -- Who had it when resolved: this desktop's user, and the operator's
    -- e-mail for a resolution made elsewhere whose user this desktop did not
    -- know then (`conversations.assigned_to`, issue 18 item 6).
    resolved_by        BLOB,
    resolved_to        TEXT,
    PRIMARY KEY (account_id, conversation_id, opened_at),
    -- An erased contact's conversations take their cycles with them (LGPD).
    FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The dashboard reads a period's openings and a period's resolutions.
CREATE INDEX response_cycles_opened ON response_cycles (
    account_id, opened_at, conversation_id, first_response_at, resolved_at);
CREATE INDEX response_cycles_resolved ON response_cycles (
    account_id, resolved_at, opened_at, conversation_id, first_response_at)
    WHERE resolved_at IS NOT NULL;

-- A conversation's messages of one direction in time order: a recount reads
-- only the open cycle's messages through it (the reports' index starts with
-- the account's time, and read that way every recount would walk the whole
-- account's later messages; `messages_thread` orders by `created_at`, not by
-- the reports' time, so it would read the whole conversation).
CREATE INDEX messages_cycles ON messages (
    account_id, conversation_id, direction, (CASE WHEN sent_at > 0 THEN sent_at ELSE created_at END));

-- Whether a message is a campaign's, per message (the recount below asks it
-- for each reply of one conversation).
CREATE INDEX campaign_recipients_by_message ON campaign_recipients (account_id, message_id)
    WHERE message_id IS NOT NULL;

-- Who had a resolved conversation by e-mail too: a pull that resolves a
-- conversation of an operator this desktop has no user for yet leaves
-- `assignee_id` NULL, and the reports then find the user by this e-mail.
ALTER TABLE conversation_resolutions ADD COLUMN assigned_to TEXT;

DROP TRIGGER conversation_resolved;
CREATE TRIGGER conversation_resolved AFTER UPDATE OF status ON conversations
WHEN NEW.status = 'resolved' AND OLD.status IS NOT 'resolved'
BEGIN
    INSERT OR IGNORE INTO conversation_resolutions (account_id, conversation_id, at, assignee_id, assigned_to)
    VALUES (NEW.account_id, NEW.id, NEW.updated_at, NEW.assignee_id, NEW.assigned_to);
END;

DROP TRIGGER conversation_arrived_resolved;
CREATE TRIGGER conversation_arrived_resolved AFTER INSERT ON conversations
WHEN NEW.status = 'resolved'
BEGIN
    INSERT OR IGNORE INTO conversation_resolutions (account_id, conversation_id, at, assignee_id, assigned_to)
    VALUES (NEW.account_id, NEW.id, NEW.updated_at, NEW.assignee_id, NEW.assigned_to);
END;

-- Resolutions logged before: the e-mail the conversation has now is the best
-- known for its last resolution.
UPDATE conversation_resolutions SET assigned_to =
    (SELECT c.assigned_to FROM conversations c
     WHERE c.account_id = conversation_resolutions.account_id
       AND c.id = conversation_resolutions.conversation_id)
WHERE assignee_id IS NULL
  AND at = (SELECT max(r.at) FROM conversation_resolutions r
            WHERE r.account_id = conversation_resolutions.account_id
              AND r.conversation_id = conversation_resolutions.conversation_id);

-- A change to a conversation's cycles from instant `since` on. The cycles
-- resolved before `since` cannot change (they depend only on what happened up
-- to their resolution); the others are counted again from the messages. The
-- triggers below write a row here; the trigger on this table does the work
-- and removes the row, so the rules live in one place. Always empty between
-- statements.
CREATE TABLE response_cycles_changed (
    account_id       BLOB NOT NULL,
    conversation_id  BLOB NOT NULL,
    since            INTEGER NOT NULL
) STRICT;

CREATE TRIGGER response_cycles_recount AFTER INSERT ON response_cycles_changed
BEGIN
    DELETE FROM response_cycles
    WHERE account_id = NEW.account_id AND conversation_id = NEW.conversation_id
      AND (resolved_at IS NULL OR resolved_at >= NEW.since);
    -- An inbound message opens a cycle when it is the first after the last
    -- kept cycle's resolution, or the first after a later resolution (the
    -- same millisecond: the message first, so a message and a resolution at
    -- once leave the cycle closed). Found by one index seek each, from the
    -- last kept resolution and from each resolution since: a conversation
    -- never resolved is not read message by message on every insert (its
    -- open stretch has one opening; reading all of it made each insert
    -- cost more as the conversation grew). Its resolution is the first at
    -- or after it; its first response the first person's message from it up
    -- to that resolution.
    INSERT INTO response_cycles (account_id, conversation_id, opened_at, first_response_at,
                                 resolved_at, resolved_by, resolved_to)
    SELECT NEW.account_id, NEW.conversation_id, o.at,
           (SELECT min(CASE WHEN m.sent_at > 0 THEN m.sent_at ELSE m.created_at END)
            FROM messages m INDEXED BY messages_cycles
            WHERE m.account_id = NEW.account_id AND m.conversation_id = NEW.conversation_id
              AND m.direction = 'outbound' AND m.bot_source IS NULL AND m.status <> 'failed'
              AND (CASE WHEN m.sent_at > 0 THEN m.sent_at ELSE m.created_at END) >= o.at
              AND (r.at IS NULL OR (CASE WHEN m.sent_at > 0 THEN m.sent_at ELSE m.created_at END) <= r.at)
              AND NOT EXISTS (SELECT 1 FROM campaign_recipients cr
                              WHERE cr.account_id = m.account_id AND cr.message_id = m.id)),
           r.at, r.assignee_id, r.assigned_to
    FROM (SELECT DISTINCT
                 (SELECT min(CASE WHEN m.sent_at > 0 THEN m.sent_at ELSE m.created_at END)
                  FROM messages m INDEXED BY messages_cycles
                  WHERE m.account_id = NEW.account_id AND m.conversation_id = NEW.conversation_id
                    AND m.direction = 'inbound'
                    AND (CASE WHEN m.sent_at > 0 THEN m.sent_at ELSE m.created_at END) > b.after) AS at
          FROM (SELECT l.kept AS after FROM (
                    SELECT coalesce(max(k.resolved_at), -9223372036854775808) AS kept
                    FROM response_cycles k
                    WHERE k.account_id = NEW.account_id AND k.conversation_id = NEW.conversation_id) l
                UNION
                SELECT x.at FROM conversation_resolutions x
                WHERE x.account_id = NEW.account_id AND x.conversation_id = NEW.conversation_id
                  AND x.at >= (SELECT coalesce(max(k.resolved_at), -9223372036854775808)
                               FROM response_cycles k
                               WHERE k.account_id = NEW.account_id
                                 AND k.conversation_id = NEW.conversation_id)) b) o
    LEFT JOIN conversation_resolutions r
      ON r.account_id = NEW.account_id AND r.conversation_id = NEW.conversation_id
     AND r.at = (SELECT min(x.at) FROM conversation_resolutions x
                 WHERE x.account_id = NEW.account_id AND x.conversation_id = NEW.conversation_id
                   AND x.at >= o.at)
    WHERE o.at IS NOT NULL
      -- A conversation being deleted (an erased contact) keeps nothing.
      AND EXISTS (SELECT 1 FROM conversations c
                  WHERE c.account_id = NEW.account_id AND c.id = NEW.conversation_id);
    DELETE FROM response_cycles_changed WHERE rowid = NEW.rowid;
END;

-- What changes cycles: a contact's message, a message that may be a person's
-- reply (bot and failed messages never are), its time, its direction, its
-- failure or bot mark, its removal; a resolution; a message found to be a
-- campaign's (its recipient row may come after it, as on a pull).
CREATE TRIGGER response_cycles_message_added AFTER INSERT ON messages
WHEN NEW.direction = 'inbound' OR (NEW.bot_source IS NULL AND NEW.status <> 'failed')
BEGIN
    INSERT INTO response_cycles_changed (account_id, conversation_id, since)
    VALUES (NEW.account_id, NEW.conversation_id,
            CASE WHEN NEW.sent_at > 0 THEN NEW.sent_at ELSE NEW.created_at END);
END;

CREATE TRIGGER response_cycles_message_changed
AFTER UPDATE OF direction, status, bot_source, sent_at, created_at, conversation_id, account_id ON messages
WHEN NEW.direction IS NOT OLD.direction
  OR (NEW.status = 'failed') IS NOT (OLD.status = 'failed')
  OR NEW.bot_source IS NOT OLD.bot_source
  OR (CASE WHEN NEW.sent_at > 0 THEN NEW.sent_at ELSE NEW.created_at END)
     IS NOT (CASE WHEN OLD.sent_at > 0 THEN OLD.sent_at ELSE OLD.created_at END)
  OR NEW.conversation_id IS NOT OLD.conversation_id
  OR NEW.account_id IS NOT OLD.account_id
BEGIN
    INSERT INTO response_cycles_changed (account_id, conversation_id, since)
    VALUES (OLD.account_id, OLD.conversation_id,
            CASE WHEN OLD.sent_at > 0 THEN OLD.sent_at ELSE OLD.created_at END);
    INSERT INTO response_cycles_changed (account_id, conversation_id, since)
    VALUES (NEW.account_id, NEW.conversation_id,
            CASE WHEN NEW.sent_at > 0 THEN NEW.sent_at ELSE NEW.created_at END);
END;

CREATE TRIGGER response_cycles_message_removed AFTER DELETE ON messages
BEGIN
    INSERT INTO response_cycles_changed (account_id, conversation_id, since)
    VALUES (OLD.account_id, OLD.conversation_id,
            CASE WHEN OLD.sent_at > 0 THEN OLD.sent_at ELSE OLD.created_at END);
END;

CREATE TRIGGER response_cycles_resolution_added AFTER INSERT ON conversation_resolutions
BEGIN
    INSERT INTO response_cycles_changed (account_id, conversation_id, since)
    VALUES (NEW.account_id, NEW.conversation_id, NEW.at);
END;

CREATE TRIGGER response_cycles_resolution_changed AFTER UPDATE ON conversation_resolutions
BEGIN
    INSERT INTO response_cycles_changed (account_id, conversation_id, since)
    VALUES (OLD.account_id, OLD.conversation_id, min(OLD.at, NEW.at));
    INSERT INTO response_cycles_changed (account_id, conversation_id, since)
    VALUES (NEW.account_id, NEW.conversation_id, min(OLD.at, NEW.at));
END;

CREATE TRIGGER response_cycles_resolution_removed AFTER DELETE ON conversation_resolutions
BEGIN
    INSERT INTO response_cycles_changed (account_id, conversation_id, since)
    VALUES (OLD.account_id, OLD.conversation_id, OLD.at);
END;

CREATE TRIGGER response_cycles_campaign_added AFTER INSERT ON campaign_recipients
WHEN NEW.message_id IS NOT NULL
BEGIN
    INSERT INTO response_cycles_changed (account_id, conversation_id, since)
    SELECT m.account_id, m.conversation_id, CASE WHEN m.sent_at > 0 THEN m.sent_at ELSE m.created_at END
    FROM messages m WHERE m.account_id = NEW.account_id AND m.id = NEW.message_id;
END;

CREATE TRIGGER response_cycles_campaign_changed AFTER UPDATE OF message_id, account_id ON campaign_recipients
WHEN NEW.message_id IS NOT OLD.message_id OR NEW.account_id IS NOT OLD.account_id
BEGIN
    INSERT INTO response_cycles_changed (account_id, conversation_id, since)
    SELECT m.account_id, m.conversation_id, CASE WHEN m.sent_at > 0 THEN m.sent_at ELSE m.created_at END
    FROM messages m
    WHERE (m.account_id = OLD.account_id AND m.id = OLD.message_id)
       OR (m.account_id = NEW.account_id AND m.id = NEW.message_id);
END;

CREATE TRIGGER response_cycles_campaign_removed AFTER DELETE ON campaign_recipients
WHEN OLD.message_id IS NOT NULL
BEGIN
    INSERT INTO response_cycles_changed (account_id, conversation_id, since)
    SELECT m.account_id, m.conversation_id, CASE WHEN m.sent_at > 0 THEN m.sent_at ELSE m.created_at END
    FROM messages m WHERE m.account_id = OLD.account_id AND m.id = OLD.message_id;
END;

-- The cycles of what is already stored.
INSERT INTO response_cycles_changed (account_id, conversation_id, since)
SELECT account_id, id, -9223372036854775808 FROM conversations;
