-- Number leases: a WhatsApp number runs on one desktop at a time. Two desktops
-- running the same number would both receive its messages and both answer them
-- (keyword replies, flows, campaign sends), so a desktop starts a number only
-- while it holds the number's lease, renews it every few seconds, and stops the
-- number when it cannot. A lease left by a desktop that crashed or lost its
-- connection expires and another desktop may take it over.
--
-- Time is the server's (zapdesk.now_ms()), never a desktop's: desktops' clocks
-- differ, and a lease decided by the caller's clock could be taken too early.
--
-- Not a synced table: desktops read and change leases through the two
-- functions below (SECURITY DEFINER: the decision "free, expired or mine" and
-- the write happen in one statement, under the row's lock), and read them
-- directly to show who runs a number.

CREATE TABLE zapdesk.number_leases (
    instance_id  uuid PRIMARY KEY,
    -- No key to instances: a number created a moment ago may start before its
    -- row is pushed.
    account_id   uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE,
    -- The holding desktop's node id (the one in its clocks).
    holder       text NOT NULL CHECK (holder ~ '^[0-9a-z]{1,32}$'),
    -- Who logged in on that desktop, to show other operators.
    operator     text NOT NULL,
    holder_name  text NOT NULL,
    acquired_at  bigint NOT NULL,
    expires_at   bigint NOT NULL
);
CREATE INDEX number_leases_by_account ON zapdesk.number_leases (account_id);

ALTER TABLE zapdesk.number_leases ENABLE ROW LEVEL SECURITY;
CREATE POLICY members_read ON zapdesk.number_leases FOR SELECT
    USING (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]));

-- Takes or renews the lease of a number for `ttl_ms` from now, if it is free,
-- expired, or already this desktop's. Returns the lease as it stands after the
-- call (this desktop's, or the other holder's) with the milliseconds it has
-- left by the server's clock; `shared` is false, and nothing is written, when
-- the caller is not a member of the account (it is not shared with this
-- operator: no other desktop of theirs can run it).
CREATE FUNCTION zapdesk.take_lease(account uuid, instance uuid, node text, ttl_ms bigint)
RETURNS TABLE (shared boolean, holder text, holder_name text, left_ms bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    t_now bigint := zapdesk.now_ms();
    me  text;
BEGIN
    IF ttl_ms NOT BETWEEN 1000 AND 600000 THEN
        RAISE EXCEPTION 'lease duration % ms out of range', ttl_ms USING ERRCODE = '22023';
    END IF;
    IF zapdesk.role_in(account) IS NULL THEN
        RETURN QUERY SELECT false, NULL::text, NULL::text, NULL::bigint;
        RETURN;
    END IF;
    SELECT coalesce(o.display_name, session_user) INTO me
    FROM (SELECT 1) one LEFT JOIN zapdesk.operators o ON o.role_name = session_user;

    INSERT INTO zapdesk.number_leases AS l
        (instance_id, account_id, holder, operator, holder_name, acquired_at, expires_at)
    VALUES (instance, account, node, session_user, me, t_now, t_now + ttl_ms)
    ON CONFLICT (instance_id) DO UPDATE SET
        holder      = EXCLUDED.holder,
        operator    = EXCLUDED.operator,
        holder_name = EXCLUDED.holder_name,
        acquired_at = CASE WHEN l.holder = EXCLUDED.holder THEN l.acquired_at ELSE EXCLUDED.acquired_at END,
        expires_at  = EXCLUDED.expires_at
    -- Expired means strictly past: a lease is good up to its last millisecond.
    WHERE l.account_id = EXCLUDED.account_id
      AND (l.holder = EXCLUDED.holder OR l.expires_at < t_now);

    RETURN QUERY
        SELECT true, l.holder, l.holder_name, l.expires_at - t_now
        FROM zapdesk.number_leases l
        WHERE l.instance_id = instance AND l.account_id = account;
END
$$;

-- Gives a lease up (the number stopped here), if this desktop holds it.
CREATE FUNCTION zapdesk.release_lease(account uuid, instance uuid, node text) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF zapdesk.role_in(account) IS NULL THEN
        RETURN false;
    END IF;
    DELETE FROM zapdesk.number_leases l
    WHERE l.instance_id = instance AND l.account_id = account AND l.holder = node;
    RETURN FOUND;
END
$$;

REVOKE EXECUTE ON FUNCTION zapdesk.take_lease(uuid, uuid, text, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION zapdesk.release_lease(uuid, uuid, text) FROM PUBLIC;

DO $$
DECLARE
    operators text := zapdesk.operator_group();
BEGIN
    -- Reading only: writes go through the functions.
    EXECUTE format('GRANT SELECT ON zapdesk.number_leases TO %I', operators);
    EXECUTE format('GRANT EXECUTE ON FUNCTION
                        zapdesk.take_lease(uuid, uuid, text, bigint),
                        zapdesk.release_lease(uuid, uuid, text)
                    TO %I', operators);
END
$$;
