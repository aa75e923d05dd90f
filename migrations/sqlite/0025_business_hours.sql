-- Business hours per account (issue 18, item 3): the weekdays and hours the
-- account answers, its holidays, and the away message sent to a contact who
-- writes while it is closed. They live on the account's bot settings row so
-- that they share its time zone (one account, one zone: the flows' time
-- conditions, the business hours and the campaigns' "only inside business
-- hours" read the same `time_zone`) and its sync: `automation_settings` is
-- synced with triggers that record every update (crates/sync/src/tables.rs,
-- `Updates::Every`), so new columns need no new trigger migration, only
-- their entry in the catalog and on the server (postgres/0013).

-- JSON: crates/core/src/business_hours (`week`: seven lists of intervals in
-- minutes of the local day, Monday first; `holidays`: `YYYY-MM-DD` dates).
-- NULL: never configured, the account has no business hours (no away
-- message, nothing follows them).
ALTER TABLE automation_settings ADD COLUMN business_hours TEXT;
-- Business hours in use: off keeps what was typed but nothing follows it.
ALTER TABLE automation_settings ADD COLUMN business_hours_enabled INTEGER NOT NULL DEFAULT 0
    CHECK (business_hours_enabled IN (0, 1));
ALTER TABLE automation_settings ADD COLUMN away_enabled INTEGER NOT NULL DEFAULT 0
    CHECK (away_enabled IN (0, 1));
ALTER TABLE automation_settings ADD COLUMN away_message TEXT NOT NULL DEFAULT '';
-- The account's campaigns send only inside its business hours (as well as
-- inside each campaign's own sending window), read in its time zone by name.
ALTER TABLE automation_settings ADD COLUMN campaigns_in_hours INTEGER NOT NULL DEFAULT 0
    CHECK (campaigns_in_hours IN (0, 1));
