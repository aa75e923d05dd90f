-- As locally (migrations/sqlite/0031_campaign_unanswered.sql): a
-- conversation a campaign opened and nobody answered yet. The table's
-- grants, row-level security, version stamps and pokes cover the column as
-- it is; the default lets a desktop that does not know it keep pushing.
ALTER TABLE zapdesk.conversations
    ADD COLUMN campaign_unanswered bigint NOT NULL DEFAULT 0 CHECK (campaign_unanswered IN (0, 1));
