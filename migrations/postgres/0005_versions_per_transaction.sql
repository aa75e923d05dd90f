-- Version stamping that costs one counter write per statement, not per row.
--
-- 0001's stamp_version upserted zapdesk.account_versions for every row: a
-- push of 5 000 rows updated the same counter row 5 000 times in one
-- transaction, and each update walks the chain of that row's versions the
-- transaction already made, so a batch cost grew with its square (measured:
-- 100 000 contacts pushed in 15 s, most of it there; docs/benchmarks.md).
--
-- Now the first row of an account in a transaction still takes the counter
-- row (upsert: locked until commit, so versions of one account still commit
-- in order) and the transaction keeps counting in a transaction-local
-- setting; at the end of each statement, a statement trigger writes the
-- highest version it used back to the counter. A rolled-back savepoint
-- rolls the setting and the counter back together.

CREATE OR REPLACE FUNCTION zapdesk.stamp_version() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    account uuid;
    counter text;
    last    text;
    next    bigint;
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
    counter := 'zapdesk.v' || replace(account::text, '-', '');
    last := current_setting(counter, true);
    IF last IS NULL OR last = '' THEN
        INSERT INTO zapdesk.account_versions AS v (account_id, version) VALUES (account, 1)
        ON CONFLICT (account_id) DO UPDATE SET version = v.version + 1
        RETURNING v.version INTO next;
    ELSE
        next := last::bigint + 1;
    END IF;
    -- Local to the transaction: it is gone at commit or rollback.
    PERFORM set_config(counter, next::text, true);
    NEW.version := next;
    RETURN NEW;
END
$$;

-- Writes the highest version a statement used back to each account's counter.
-- SECURITY DEFINER: operators may not write the counters themselves.
CREATE FUNCTION zapdesk.store_versions() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE zapdesk.account_versions v SET version = c.top
    FROM (SELECT account_id, max(version) AS top FROM changed GROUP BY account_id) c
    WHERE v.account_id = c.account_id AND v.version < c.top;
    RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION zapdesk.store_versions() FROM PUBLIC;

-- On every table stamp_version runs on (0001), for both events: an
-- `INSERT … ON CONFLICT DO UPDATE` fires the statement triggers of both.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['accounts', 'contacts', 'tags', 'contact_tags', 'custom_fields',
                             'contact_fields', 'segments', 'instances', 'conversations',
                             'messages', 'notes', 'quick_replies', 'audit_log']
    LOOP
        EXECUTE format('CREATE TRIGGER store_versions_insert AFTER INSERT ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.store_versions()', t);
        EXECUTE format('CREATE TRIGGER store_versions_update AFTER UPDATE ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.store_versions()', t);
    END LOOP;
END
$$;
