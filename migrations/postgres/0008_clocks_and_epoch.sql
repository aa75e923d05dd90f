-- Clocks and server identity (issue 13, item 12).
--
-- 1. A clock far in the future (a desktop whose date was set a year ahead)
--    used to win over every later edit on every desktop: the newer clock
--    wins, and nothing bounded a client's. The server now refuses a row
--    whose clock is more than ten minutes ahead of its own (an error with
--    the constraint name `hlc_ahead`, which the desktop parks and explains:
--    "acerte a data e a hora"). Ten minutes: desktop clocks drift by
--    seconds, a wrong time zone setting by hours. Only a clock being written
--    is checked, so rows stored before this migration can still be touched.
--
-- 2. A pull cursor is a version number of this server. A re-provisioned
--    server counts from scratch, so a desktop's cursor would skip its rows.
--    `server_epoch()` names this server's lifetime: a desktop that sees
--    another epoch than its cursor's pulls from the start (and a cursor
--    above the account's version, a server restored from a backup, does too).

CREATE FUNCTION zapdesk.refuse_future_clock() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF (TG_OP = 'INSERT' OR NEW.hlc IS DISTINCT FROM OLD.hlc)
       AND substr(NEW.hlc, 1, 13)::bigint > zapdesk.now_ms() + 600000 THEN
        RAISE EXCEPTION 'clock % is more than ten minutes ahead of the server''s', NEW.hlc
            USING ERRCODE = 'check_violation', CONSTRAINT = 'hlc_ahead', TABLE = TG_TABLE_NAME;
    END IF;
    RETURN NEW;
END
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['accounts', 'contacts', 'tags', 'contact_tags', 'custom_fields',
                             'contact_fields', 'segments', 'instances', 'conversations', 'messages',
                             'notes', 'quick_replies', 'audit_log', 'campaigns',
                             'campaign_recipients', 'campaign_files']
    LOOP
        EXECUTE format('CREATE TRIGGER refuse_future_clock BEFORE INSERT OR UPDATE ON zapdesk.%I
                        FOR EACH ROW EXECUTE FUNCTION zapdesk.refuse_future_clock()', t);
    END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION zapdesk.refuse_future_clock() FROM PUBLIC;

INSERT INTO zapdesk.config (key, value) VALUES ('epoch', gen_random_uuid()::text);

CREATE FUNCTION zapdesk.server_epoch() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT value FROM zapdesk.config WHERE key = 'epoch' $$;
REVOKE EXECUTE ON FUNCTION zapdesk.server_epoch() FROM PUBLIC;

DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION zapdesk.server_epoch() TO %I', zapdesk.operator_group());
END
$$;
