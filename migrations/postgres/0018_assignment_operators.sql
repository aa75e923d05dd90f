-- The fair assignment roster on the server (issue 18, item 6; the desktops'
-- side is migrations/sqlite/0035_assignment_operators.sql): one row per
-- operator and account, synced like the rest of an account's data (0001:
-- version stamped on every write, tombstones; 0002: members only; 0003/0007:
-- NOTIFY per account; 0005: one counter write per statement; 0008: no clock
-- far ahead). Before, the roster was JSON on the account's bot settings row
-- (`automation_settings.assign_team`, 0015): two desktops changing two
-- operators at once sent two whole rosters, and the later clock dropped the
-- other's change. The desktops copy their JSON into the new table when they
-- open their store (with the settings row's clock, so the copy never wins
-- over a change made since); nothing to copy here.
--
-- Every member of the account reads and writes its rows, whatever their
-- role, as locally: an agent says "available" or "away" for themselves.
-- Columns mirror the local table with the same checks, so a row the desktop
-- accepted the server accepts.

CREATE TABLE zapdesk.assignment_operators (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    email       text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name        text NOT NULL DEFAULT '',
    available   bigint NOT NULL DEFAULT 0 CHECK (available IN (0, 1)),
    cap         bigint CHECK (cap IS NULL OR cap BETWEEN 1 AND 999),
    updated_at  bigint NOT NULL,
    version     bigint NOT NULL DEFAULT 0,
    deleted_at  bigint,
    hlc         zapdesk.hlc NOT NULL
);

DO $$
DECLARE
    t record;
    operators text := zapdesk.operator_group();
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('assignment_operators', 'id')
    ) AS synced (name, primary_key)
    LOOP
        -- 0001: the stamp, the index a pull walks, deletes as tombstones.
        EXECUTE format('CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON zapdesk.%I
                        FOR EACH ROW EXECUTE FUNCTION zapdesk.stamp_version()', t.name);
        EXECUTE format('CREATE INDEX %I ON zapdesk.%I (account_id, version)', t.name || '_pull', t.name);
        EXECUTE format('CREATE TRIGGER delete_as_tombstone BEFORE DELETE ON zapdesk.%I
                        FOR EACH ROW EXECUTE FUNCTION zapdesk.delete_as_tombstone(%L)',
                       t.name, t.primary_key);
        -- 0005: the counter written back once per statement.
        EXECUTE format('CREATE TRIGGER store_versions_insert AFTER INSERT ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.store_versions()', t.name);
        EXECUTE format('CREATE TRIGGER store_versions_update AFTER UPDATE ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.store_versions()', t.name);
        -- 0003 (per-account channels since 0007): the poke that makes other desktops pull.
        EXECUTE format('CREATE TRIGGER notify_insert AFTER INSERT ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.notify_changes()', t.name);
        EXECUTE format('CREATE TRIGGER notify_update AFTER UPDATE ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.notify_changes()', t.name);
        -- 0008: no clock more than ten minutes ahead of the server's.
        EXECUTE format('CREATE TRIGGER refuse_future_clock BEFORE INSERT OR UPDATE ON zapdesk.%I
                        FOR EACH ROW EXECUTE FUNCTION zapdesk.refuse_future_clock()', t.name);
        -- 0002: members read and write their accounts' rows, whatever their role.
        EXECUTE format('ALTER TABLE zapdesk.%I ENABLE ROW LEVEL SECURITY', t.name);
        EXECUTE format('CREATE POLICY members ON zapdesk.%I
                            USING (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]))
                            WITH CHECK (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]))', t.name);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON zapdesk.%I TO %I', t.name, operators);
    END LOOP;
END
$$;
