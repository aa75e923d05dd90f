-- Each plan's limits for the whole agency (issue 18, item 4; the desktops'
-- side is migrations/sqlite/0028_plans.sql and 0035): one row per plan,
-- belonging to no account. Until now they stayed on the desktop where the
-- owner typed them, and every other desktop enforced no limit.
--
-- Not an account table: no account_id, no version counter, no tombstones
-- (plans are never deleted), no NOTIFY. The desktops read the four rows at
-- every full sync and write theirs over an older clock only
-- (crates/sync/src/plan_limits.rs). NULL is "no limit", as locally.
--
-- Rights, by the caller's memberships (0002's helpers read them as the
-- login, `session_user`): every member of some account reads the rows (an
-- agent's desktop enforces them too); only an owner or an admin of some
-- account writes them — what the app allows (`plans::set_defaults`, Area
-- Settings). Nobody deletes them.

CREATE TABLE zapdesk.plan_limits (
    plan            text PRIMARY KEY CHECK (plan IN ('free', 'starter', 'pro', 'enterprise')),
    numbers         bigint CHECK (numbers >= 0),
    contacts        bigint CHECK (contacts >= 0),
    messages_month  bigint CHECK (messages_month >= 0),
    operators       bigint CHECK (operators >= 0),
    flows           bigint CHECK (flows >= 0),
    updated_at      bigint NOT NULL,
    hlc             zapdesk.hlc NOT NULL
);

-- Whether the caller is an owner or an admin of some account.
CREATE FUNCTION zapdesk.manages_some_account() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM zapdesk.memberships
                   WHERE operator = session_user AND role IN ('owner', 'admin'))
$$;
REVOKE EXECUTE ON FUNCTION zapdesk.manages_some_account() FROM PUBLIC;

-- 0008: no clock more than ten minutes ahead of the server's.
CREATE TRIGGER refuse_future_clock BEFORE INSERT OR UPDATE ON zapdesk.plan_limits
    FOR EACH ROW EXECUTE FUNCTION zapdesk.refuse_future_clock();

ALTER TABLE zapdesk.plan_limits ENABLE ROW LEVEL SECURITY;
CREATE POLICY members_read ON zapdesk.plan_limits FOR SELECT
    USING (cardinality((SELECT zapdesk.my_accounts())) > 0);
CREATE POLICY managers_insert ON zapdesk.plan_limits FOR INSERT
    WITH CHECK ((SELECT zapdesk.manages_some_account()));
CREATE POLICY managers_update ON zapdesk.plan_limits FOR UPDATE
    USING ((SELECT zapdesk.manages_some_account()))
    WITH CHECK ((SELECT zapdesk.manages_some_account()));

DO $$
DECLARE
    operators text := zapdesk.operator_group();
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE ON zapdesk.plan_limits TO %I', operators);
    EXECUTE format('GRANT EXECUTE ON FUNCTION zapdesk.manages_some_account() TO %I', operators);
END
$$;
