-- Who may read and write what. Each operator connects as their own LOGIN role
-- (created by `zapdesk-cli remote invite`), a member of the operator group;
-- row-level security admits the rows of the accounts that role is a member of.
-- Nothing a client sets on its session (a setting, a claim) counts: the login
-- role is the identity.
--
-- The owner of these tables (the role that provisions) bypasses row-level
-- security, as PostgreSQL's table owners do: it is the agency's administration
-- login, never shipped to a desktop.

-- The helpers below are SECURITY DEFINER so that policies can read memberships
-- without running into memberships' own policy (which would recurse). Inside
-- them current_user is their owner, so the caller is `session_user`: the role
-- the desktop logged in as, which the client cannot change (SET ROLE changes
-- current_user only; SET SESSION AUTHORIZATION is for superusers).

-- The accounts the caller is a member of. Policies call it as
-- `(SELECT zapdesk.my_accounts())::uuid[]`, which PostgreSQL evaluates once per
-- statement instead of once per row.
CREATE FUNCTION zapdesk.my_accounts() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(array_agg(account_id), '{}')
    FROM zapdesk.memberships WHERE operator = session_user
$$;

-- The caller's role in an account: 'owner', 'admin', 'agent', or NULL.
CREATE FUNCTION zapdesk.role_in(account uuid) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT role FROM zapdesk.memberships WHERE operator = session_user AND account_id = account
$$;

CREATE FUNCTION zapdesk.is_member(account uuid) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$ SELECT zapdesk.role_in(account) IS NOT NULL $$;

-- Whether the caller may add, change or remove a membership with this role in
-- this account: owners manage all of their accounts' memberships, admins
-- those of admins and agents (an admin cannot make an owner, or unmake one).
CREATE FUNCTION zapdesk.may_manage(account uuid, member_role text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$
    SELECT CASE zapdesk.role_in(account)
        WHEN 'owner' THEN true
        WHEN 'admin' THEN member_role <> 'owner'
        ELSE false
    END
$$;

-- The newest migration applied, for a desktop to check it speaks this schema.
CREATE FUNCTION zapdesk.schema_version() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT max(version) FROM zapdesk._sqlx_migrations WHERE success $$;

-- ---------------------------------------------------------------------------
-- Row-level security on every table of the schema. A table with RLS on and no
-- policy for a command admits no row for it.

ALTER TABLE zapdesk.config ENABLE ROW LEVEL SECURITY;
ALTER TABLE zapdesk.account_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE zapdesk.operators ENABLE ROW LEVEL SECURITY;
ALTER TABLE zapdesk.memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE zapdesk.accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE zapdesk.audit_log ENABLE ROW LEVEL SECURITY;

-- The account data tables: members read and write their accounts' rows,
-- whatever their role.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['contacts', 'tags', 'contact_tags', 'custom_fields', 'contact_fields',
                             'segments', 'instances', 'conversations', 'messages', 'notes',
                             'quick_replies']
    LOOP
        EXECUTE format('ALTER TABLE zapdesk.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY members ON zapdesk.%I
                            USING (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]))
                            WITH CHECK (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]))', t);
    END LOOP;
END
$$;

-- Counters: members read theirs (a desktop can tell that nothing changed).
CREATE POLICY members_read ON zapdesk.account_versions FOR SELECT
    USING (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]));

-- Accounts: members read them; owners and admins edit them (name, phone,
-- plan, status, archiving: column privileges below). Nobody but the database
-- owner creates or deletes one.
CREATE POLICY members_read ON zapdesk.accounts FOR SELECT
    USING (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]));
CREATE POLICY managers_edit ON zapdesk.accounts FOR UPDATE
    USING (zapdesk.role_in(id) IN ('owner', 'admin'))
    WITH CHECK (zapdesk.role_in(id) IN ('owner', 'admin'));

-- The audit log: members read it and add to it.
CREATE POLICY members_read ON zapdesk.audit_log FOR SELECT
    USING (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]));
CREATE POLICY members_append ON zapdesk.audit_log FOR INSERT
    WITH CHECK (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]));

-- Memberships: members see who else is in their accounts; owners and admins
-- manage them within zapdesk.may_manage.
CREATE POLICY members_read ON zapdesk.memberships FOR SELECT
    USING (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]));
CREATE POLICY managers_add ON zapdesk.memberships FOR INSERT
    WITH CHECK (zapdesk.may_manage(account_id, role));
CREATE POLICY managers_change ON zapdesk.memberships FOR UPDATE
    USING (zapdesk.may_manage(account_id, role))
    WITH CHECK (zapdesk.may_manage(account_id, role));
CREATE POLICY managers_remove ON zapdesk.memberships FOR DELETE
    USING (zapdesk.may_manage(account_id, role));

-- Operators: each sees themself and the operators they share an account with
-- (the subquery runs under memberships' policy); each edits their own display
-- name. Operators are created only by the database owner, with their login.
CREATE POLICY colleagues_read ON zapdesk.operators FOR SELECT
    USING (role_name = session_user
           OR role_name IN (SELECT m.operator FROM zapdesk.memberships m));
CREATE POLICY self_edit ON zapdesk.operators FOR UPDATE
    USING (role_name = session_user)
    WITH CHECK (role_name = session_user);

-- ---------------------------------------------------------------------------
-- Privileges, granted to the operator group (its name is this installation's
-- setting, hence the dynamic SQL). What is not granted here is refused with
-- "permission denied" before any policy is looked at.

-- The default privileges of 0001 already keep new functions from PUBLIC; this
-- also covers a schema provisioned by a role whose defaults differ.
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA zapdesk FROM PUBLIC;

DO $$
DECLARE
    operators text := zapdesk.operator_group();
BEGIN
    EXECUTE format('GRANT USAGE ON SCHEMA zapdesk TO %I', operators);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON
                        zapdesk.contacts, zapdesk.tags, zapdesk.contact_tags, zapdesk.custom_fields,
                        zapdesk.contact_fields, zapdesk.segments, zapdesk.instances,
                        zapdesk.conversations, zapdesk.messages, zapdesk.notes, zapdesk.quick_replies
                    TO %I', operators);
    EXECUTE format('GRANT SELECT, INSERT ON zapdesk.audit_log TO %I', operators);
    -- Not deleted_at, not id: deleting an account is the database owner's.
    EXECUTE format('GRANT SELECT, UPDATE (name, phone, plan, status, archived_at, updated_at, hlc)
                    ON zapdesk.accounts TO %I', operators);
    EXECUTE format('GRANT SELECT ON zapdesk.account_versions TO %I', operators);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (role), DELETE ON zapdesk.memberships TO %I', operators);
    EXECUTE format('GRANT SELECT, UPDATE (display_name) ON zapdesk.operators TO %I', operators);
    EXECUTE format('GRANT EXECUTE ON FUNCTION
                        zapdesk.my_accounts(), zapdesk.role_in(uuid), zapdesk.is_member(uuid),
                        zapdesk.may_manage(uuid, text), zapdesk.schema_version(),
                        zapdesk.is_operator(), zapdesk.server_hlc(text), zapdesk.now_ms()
                    TO %I', operators);
END
$$;
