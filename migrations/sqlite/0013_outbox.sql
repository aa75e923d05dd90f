-- The outbox, made unjammable (issue 13, items 1 and 3).
--
-- `attempts`: how many times this desktop handed the row to WhatsApp without
-- an answer. The claim takes the fewest attempts first, so a row whose send
-- keeps timing out goes behind the others instead of blocking the number.
-- It is this desktop's own bookkeeping: not a synced column.
ALTER TABLE messages ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;

-- What still has to be handed to WhatsApp: a row WhatsApp already has (it
-- carries WhatsApp's id while it waits for the server's ack) is not claimed
-- again; the ack moves it on.
DROP INDEX messages_outbox;
CREATE INDEX messages_outbox ON messages (account_id, instance_id, attempts, created_at)
    WHERE direction = 'outbound' AND status IN ('pending', 'sending') AND wa_message_id IS NULL;
