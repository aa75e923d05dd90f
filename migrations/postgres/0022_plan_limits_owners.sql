-- Each plan's limits are written by owners only (issue 18, item 4, review).
--
-- 0019 let an owner or an admin of SOME account write them. The rows are
-- the agency's, whatever the account: an operator made admin of one client's
-- account could then change what every other account may hold and send —
-- accounts they have no role in. On this server a role is per account, and
-- nothing tells an agency-wide admin from an admin of one account; an owner
-- is the agency's top role (only owners make owners, 0002's `may_manage`).
--
-- The app's own rule is the same: a desktop's operator with sync on takes
-- the strongest role of the login's memberships (`App::adopt_login`), and
-- `plans::set_defaults` admits owners only (and a desktop without a team).
-- So a login that owns some account writes the plans, on the desktop and
-- here; an admin is refused on both. An account's own limits (its row's
-- `plan_overrides`) stay with that account's owners and admins (0002's
-- `managers_edit`, 0014): those reach no other account.
--
-- Members still read the rows (0019's `members_read`); nobody deletes them.

CREATE FUNCTION zapdesk.owns_some_account() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT EXISTS (SELECT 1 FROM zapdesk.memberships
                   WHERE operator = session_user AND role = 'owner')
$$;
REVOKE EXECUTE ON FUNCTION zapdesk.owns_some_account() FROM PUBLIC;

DROP POLICY managers_insert ON zapdesk.plan_limits;
DROP POLICY managers_update ON zapdesk.plan_limits;
CREATE POLICY owners_insert ON zapdesk.plan_limits FOR INSERT
    WITH CHECK ((SELECT zapdesk.owns_some_account()));
CREATE POLICY owners_update ON zapdesk.plan_limits FOR UPDATE
    USING ((SELECT zapdesk.owns_some_account()))
    WITH CHECK ((SELECT zapdesk.owns_some_account()));
-- No policy reads it any more.
DROP FUNCTION zapdesk.manages_some_account();

DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION zapdesk.owns_some_account() TO %I',
                   zapdesk.operator_group());
END
$$;
