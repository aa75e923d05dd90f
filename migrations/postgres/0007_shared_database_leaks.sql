-- Closes the ways across accounts found by probing the schema as operators
-- (issue 13, items 13–16). Each part says what it closes; the tests are
-- crates/sync/tests/leaks.rs. docs/remote-store.md explains the decisions.

-- ---------------------------------------------------------------------------
-- Functions the owner adds later are not callable by PUBLIC (so not by
-- operators) unless a migration grants them. 0001's
-- `ALTER DEFAULT PRIVILEGES IN SCHEMA zapdesk REVOKE …` did nothing: a
-- schema's defaults only add to the global ones, and PUBLIC's EXECUTE comes
-- from the global ones. Per database and for the provisioning role only.
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- ---------------------------------------------------------------------------
-- Versions (item 15). 0005 kept a transaction's count in the setting
-- `zapdesk.v<account>`, which any session may set: a stale value stamped rows
-- below every desktop's cursor, a huge one overflowed every later write.
-- Nothing the client sets is read now. Each row takes its version from a
-- sequence only the owner may use, while its transaction holds the lock on
-- the account's counter row (taken by the row's own trigger, kept until
-- commit). So versions of one account still commit in order: a transaction
-- waiting for the lock takes its numbers after the holder committed. The
-- counter row is still written once per statement (store_versions, 0005),
-- so the cost stays linear in the rows; re-locking a row this transaction
-- already locked writes nothing. Versions now have gaps across accounts
-- (one sequence for all), which a pull (`version > cursor`) never minded.
CREATE SEQUENCE zapdesk.version_clock AS bigint;
REVOKE ALL ON SEQUENCE zapdesk.version_clock FROM PUBLIC;
SELECT setval('zapdesk.version_clock',
              coalesce((SELECT max(version) FROM zapdesk.account_versions), 0) + 1, false);

CREATE OR REPLACE FUNCTION zapdesk.stamp_version() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    account uuid;
BEGIN
    IF TG_TABLE_NAME = 'accounts' THEN
        account := NEW.id;
        IF TG_OP = 'UPDATE' AND NEW.id <> OLD.id THEN
            RAISE EXCEPTION 'an account keeps its id' USING ERRCODE = 'check_violation';
        END IF;
    ELSE
        account := NEW.account_id;
        IF TG_OP = 'UPDATE' AND NEW.account_id <> OLD.account_id THEN
            RAISE EXCEPTION 'a row of % cannot move to another account', TG_TABLE_NAME
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    PERFORM 1 FROM zapdesk.account_versions v WHERE v.account_id = account FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        INSERT INTO zapdesk.account_versions (account_id, version) VALUES (account, 0)
        ON CONFLICT (account_id) DO NOTHING;
        PERFORM 1 FROM zapdesk.account_versions v WHERE v.account_id = account FOR NO KEY UPDATE;
    END IF;
    NEW.version := nextval('zapdesk.version_clock');
    RETURN NEW;
END
$$;

-- ---------------------------------------------------------------------------
-- Leases (items 13 and 16). A lease is for its number's own account: a
-- number the server knows under another account is not the caller's to
-- lease, and a lease left under another account for a number of this one
-- (or expired, whatever its account) is taken back. "Mine" is this desktop
-- *and* this login: naming another desktop's node renews or releases nothing.
-- A number not pushed yet is leased under the account the caller names, as
-- before (it may start before its row reaches the server).
CREATE OR REPLACE FUNCTION zapdesk.take_lease(account uuid, instance uuid, node text, ttl_ms bigint)
RETURNS TABLE (shared boolean, holder text, holder_name text, left_ms bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    t_now bigint := zapdesk.now_ms();
    me    text;
    home  uuid;
BEGIN
    IF ttl_ms NOT BETWEEN 1000 AND 600000 THEN
        RAISE EXCEPTION 'lease duration % ms out of range', ttl_ms USING ERRCODE = '22023';
    END IF;
    IF zapdesk.role_in(account) IS NULL THEN
        RETURN QUERY SELECT false, NULL::text, NULL::text, NULL::bigint;
        RETURN;
    END IF;
    SELECT i.account_id INTO home FROM zapdesk.instances i WHERE i.id = instance;
    IF home IS NOT NULL AND home <> account THEN
        RETURN QUERY SELECT false, NULL::text, NULL::text, NULL::bigint;
        RETURN;
    END IF;
    IF home IS NOT NULL THEN
        DELETE FROM zapdesk.number_leases l WHERE l.instance_id = instance AND l.account_id <> account;
    END IF;
    SELECT coalesce(o.display_name, session_user) INTO me
    FROM (SELECT 1) one LEFT JOIN zapdesk.operators o ON o.role_name = session_user;

    INSERT INTO zapdesk.number_leases AS l
        (instance_id, account_id, holder, operator, holder_name, acquired_at, expires_at)
    VALUES (instance, account, node, session_user, me, t_now, t_now + ttl_ms)
    ON CONFLICT (instance_id) DO UPDATE SET
        account_id  = EXCLUDED.account_id,
        holder      = EXCLUDED.holder,
        operator    = EXCLUDED.operator,
        holder_name = EXCLUDED.holder_name,
        acquired_at = CASE WHEN l.holder = EXCLUDED.holder AND l.operator = EXCLUDED.operator
                           THEN l.acquired_at ELSE EXCLUDED.acquired_at END,
        expires_at  = EXCLUDED.expires_at
    -- Expired means strictly past: a lease is good up to its last millisecond.
    WHERE (l.account_id = EXCLUDED.account_id AND l.holder = EXCLUDED.holder
           AND l.operator = EXCLUDED.operator)
       OR l.expires_at < t_now;

    RETURN QUERY
        SELECT true, l.holder, l.holder_name, l.expires_at - t_now
        FROM zapdesk.number_leases l
        WHERE l.instance_id = instance AND l.account_id = account;
END
$$;

CREATE OR REPLACE FUNCTION zapdesk.release_lease(account uuid, instance uuid, node text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF zapdesk.role_in(account) IS NULL THEN
        RETURN false;
    END IF;
    DELETE FROM zapdesk.number_leases l
    WHERE l.instance_id = instance AND l.account_id = account AND l.holder = node
      AND l.operator = session_user;
    RETURN FOUND;
END
$$;

-- ---------------------------------------------------------------------------
-- Memberships by invitation (item 14). Inserting a membership for any role
-- name and then reading `operators` (visible to colleagues) revealed anyone's
-- e-mail and name. Managers may now add only operators they already share an
-- account with; anyone else joins through the owner's `zapdesk-cli remote
-- invite` (the owner sees every operator anyway).
CREATE FUNCTION zapdesk.is_colleague(other text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT other = session_user OR EXISTS (
        SELECT 1 FROM zapdesk.memberships mine
        JOIN zapdesk.memberships theirs ON theirs.account_id = mine.account_id
        WHERE mine.operator = session_user AND theirs.operator = other)
$$;
DROP POLICY managers_add ON zapdesk.memberships;
CREATE POLICY managers_add ON zapdesk.memberships FOR INSERT
    WITH CHECK (zapdesk.may_manage(account_id, role) AND zapdesk.is_colleague(operator));

-- ---------------------------------------------------------------------------
-- The audit log names its writer (item 16): an operator's entry carries the
-- operator's own id or none (a desktop without a chosen operator sends none;
-- rewriting that would make the writer's copy differ from everyone else's),
-- never someone else's. actor_name stays the label
-- the desktop gave (its local user's name, shown as is on every desktop);
-- the id is what the server vouches for.
CREATE FUNCTION zapdesk.sign_audit_entry() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    signer zapdesk.operators%ROWTYPE;
BEGIN
    SELECT * INTO signer FROM zapdesk.operators WHERE role_name = session_user;
    IF FOUND AND NEW.actor_id IS DISTINCT FROM signer.id AND NEW.actor_id IS NOT NULL THEN
        NEW.actor_id := signer.id;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER sign_audit_entry BEFORE INSERT OR UPDATE ON zapdesk.audit_log
    FOR EACH ROW EXECUTE FUNCTION zapdesk.sign_audit_entry();

-- ---------------------------------------------------------------------------
-- A campaign's file is at most 16 MiB (item 16; 0006 only said so). NOT VALID:
-- rows already stored are not re-read, every new write is checked.
ALTER TABLE zapdesk.campaign_files ADD CONSTRAINT campaign_files_at_most_16_mib
    CHECK (octet_length(bytes) <= 16777216) NOT VALID;

-- ---------------------------------------------------------------------------
-- A server clock is always after the one it follows (item 16): 0001 cut a
-- time of 14 digits to 13 (an older clock). After the largest clock there is
-- none: refused.
CREATE OR REPLACE FUNCTION zapdesk.server_hlc(previous text) RETURNS text
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    now_ms  bigint := zapdesk.now_ms();
    prev_ms bigint := coalesce(substr(previous, 1, 13)::bigint, 0);
    prev_n  int    := coalesce(substr(previous, 15, 5)::int, 0);
BEGIN
    IF prev_ms >= now_ms THEN
        IF prev_n >= 99999 THEN
            IF prev_ms >= 9999999999999 THEN
                RAISE EXCEPTION 'no clock after %', previous USING ERRCODE = '22003';
            END IF;
            RETURN lpad((prev_ms + 1)::text, 13, '0') || '-00000-server';
        END IF;
        RETURN lpad(prev_ms::text, 13, '0') || '-' || lpad((prev_n + 1)::text, 5, '0') || '-server';
    END IF;
    RETURN lpad(now_ms::text, 13, '0') || '-00000-server';
END
$$;

-- ---------------------------------------------------------------------------
-- Pokes per account (item 16). 0003 notified one channel, `zapdesk`, that any
-- login may LISTEN to, with every account's id and version. Each account now
-- has its own channel with a random name that only its members can read
-- (`my_channels()`); nothing goes to `zapdesk` any more. A member can still
-- NOTIFY their own account's channel: the desktop only pulls (never trusts
-- the payload), so a forged poke costs one pull.
CREATE TABLE zapdesk.account_channels (
    account_id uuid PRIMARY KEY,
    channel    text NOT NULL UNIQUE
               DEFAULT 'zapdesk_' || replace(gen_random_uuid()::text, '-', '')
);
ALTER TABLE zapdesk.account_channels ENABLE ROW LEVEL SECURITY;
INSERT INTO zapdesk.account_channels (account_id) SELECT id FROM zapdesk.accounts;

-- The caller's accounts and their channels, made on first use.
CREATE FUNCTION zapdesk.my_channels() RETURNS TABLE (account_id uuid, channel text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    INSERT INTO zapdesk.account_channels (account_id)
    SELECT unnest(zapdesk.my_accounts()) ON CONFLICT DO NOTHING;
    RETURN QUERY SELECT c.account_id, c.channel FROM zapdesk.account_channels c
                 WHERE c.account_id = ANY (zapdesk.my_accounts()) ORDER BY 1;
END
$$;

-- SECURITY DEFINER now: it reads (and makes) channels, which operators cannot.
CREATE OR REPLACE FUNCTION zapdesk.notify_changes() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO zapdesk.account_channels (account_id)
    SELECT DISTINCT account_id FROM changed ON CONFLICT DO NOTHING;
    PERFORM pg_notify(c.channel, w.account_id::text || ':' || w.top)
    FROM (SELECT account_id, max(version) AS top FROM changed GROUP BY account_id) w
    JOIN zapdesk.account_channels c ON c.account_id = w.account_id;
    RETURN NULL;
END
$$;

-- ---------------------------------------------------------------------------
-- Who may connect (item 16). CONNECT and TEMP were PUBLIC's (PostgreSQL's
-- default), so any login on the server could connect here and LISTEN, and
-- operators could make temp tables. Now: the operator group connects; logins
-- that already reach this database keep CONNECT and TEMP (on Supabase the
-- database is shared with its own services), except ZapDesk operators of
-- other databases on this server (`zd_…`), who have no business here.
DO $$
DECLARE
    db    text := current_database();
    group_name text := zapdesk.operator_group();
    r     record;
BEGIN
    FOR r IN SELECT rolname FROM pg_roles
             WHERE rolcanlogin AND NOT rolsuper AND rolname <> current_user
               AND rolname NOT LIKE 'zd\_%'
               AND NOT pg_has_role(rolname, group_name, 'MEMBER')
    LOOP
        BEGIN
            EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', db, r.rolname);
        EXCEPTION WHEN undefined_object THEN
            NULL; -- dropped meanwhile
        END;
    END LOOP;
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', db);
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', db, group_name);
    EXECUTE format('GRANT EXECUTE ON FUNCTION zapdesk.is_colleague(text), zapdesk.my_channels() TO %I',
                   group_name);
END
$$;
-- Not callable directly: triggers run whatever the writer's privileges.
REVOKE EXECUTE ON FUNCTION zapdesk.sign_audit_entry(), zapdesk.notify_changes() FROM PUBLIC;
