-- Plans per account (issue 18, item 4): an account's own limits, overriding
-- its plan's (migrations/sqlite/0028_plans.sql). JSON, as locally; on the
-- account's row so it syncs with the plan it overrides. Only owners and
-- admins update accounts (0002's `managers_edit`), so an agent cannot raise
-- their own account's limits on the server either.
--
-- Each plan's limits (the local `plan_limits`) are not on the server yet:
-- the sync engine pulls account by account, and they belong to no account.

ALTER TABLE zapdesk.accounts ADD COLUMN plan_overrides text;

DO $$
BEGIN
    EXECUTE format('GRANT UPDATE (plan_overrides) ON zapdesk.accounts TO %I', zapdesk.operator_group());
END
$$;
