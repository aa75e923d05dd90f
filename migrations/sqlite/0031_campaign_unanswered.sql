-- Campaign messages that got no reply do not fill the open conversations
-- (issue 18, item 8). A conversation a campaign opened — new, or one that
-- never had a message, or one still waiting for the reply to an earlier
-- campaign — is marked until anything else happens in it: the contact
-- writes, an operator, the bot or the phone itself sends. The chat list's
-- "Abertas" leaves marked ones out; "Campanhas sem resposta" shows them.
-- Synced as a column of conversations (every update recorded).
ALTER TABLE conversations ADD COLUMN campaign_unanswered INTEGER NOT NULL DEFAULT 0
    CHECK (campaign_unanswered IN (0, 1));

-- Any message clears the mark: the campaign sender writes its messages
-- first and marks after, so its own messages never clear it. Another
-- desktop's messages arrive with that desktop's conversation row, which
-- already says whether the mark is still there.
CREATE TRIGGER conversations_campaign_answered AFTER INSERT ON messages
WHEN (SELECT applying FROM sync_apply) = 0
BEGIN
    UPDATE conversations SET campaign_unanswered = 0
    WHERE account_id = NEW.account_id AND id = NEW.conversation_id AND campaign_unanswered = 1;
END;
