-- A poke for the desktops: every statement that writes a synced table sends
-- NOTIFY zapdesk '<account_id>:<highest version written>' per account it
-- touched, delivered at commit (so never before the rows are visible). A
-- desktop that LISTENs pulls that account when the version is past its
-- cursor; one that was disconnected pulls everything when it reconnects,
-- since notifications are not queued for absent listeners.
--
-- Statement-level with transition tables: one notification per account and
-- statement, not per row (a push of 5,000 rows sends one). PostgreSQL allows
-- a transition table only on a single-event trigger, hence one trigger for
-- INSERT and one for UPDATE; an operator's DELETE is an UPDATE (a tombstone).
--
-- The payload carries an account id and a counter, no row data. LISTEN is
-- not subject to row-level security: an operator could see that some other
-- account changed, not what (docs/sync.md).

CREATE FUNCTION zapdesk.notify_changes() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM pg_notify('zapdesk', account_id::text || ':' || max(version))
    FROM changed GROUP BY account_id;
    RETURN NULL;
END
$$;
-- A trigger fires whatever the writer's privileges; nobody calls it directly.
REVOKE EXECUTE ON FUNCTION zapdesk.notify_changes() FROM PUBLIC;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['accounts', 'contacts', 'tags', 'contact_tags', 'custom_fields',
                             'contact_fields', 'segments', 'instances', 'conversations',
                             'messages', 'notes', 'quick_replies', 'audit_log']
    LOOP
        EXECUTE format('CREATE TRIGGER notify_insert AFTER INSERT ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.notify_changes()', t);
        EXECUTE format('CREATE TRIGGER notify_update AFTER UPDATE ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.notify_changes()', t);
    END LOOP;
END
$$;
