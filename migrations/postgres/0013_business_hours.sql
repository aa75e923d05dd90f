-- Business hours per account (issue 18, item 3), on the account's bot
-- settings row as locally (migrations/sqlite/0025_business_hours.sql): the
-- row's grants, row-level security (members of the account), version stamp,
-- tombstones and pokes (0010) cover the new columns as they are.
-- Defaults let a desktop that does not know them yet keep pushing its rows.

ALTER TABLE zapdesk.automation_settings
    ADD COLUMN business_hours          text,
    ADD COLUMN business_hours_enabled  bigint NOT NULL DEFAULT 0 CHECK (business_hours_enabled IN (0, 1)),
    ADD COLUMN away_enabled            bigint NOT NULL DEFAULT 0 CHECK (away_enabled IN (0, 1)),
    ADD COLUMN away_message            text NOT NULL DEFAULT '',
    ADD COLUMN campaigns_in_hours      bigint NOT NULL DEFAULT 0 CHECK (campaigns_in_hours IN (0, 1));
