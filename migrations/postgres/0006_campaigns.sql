-- Campaigns on the server: the campaign, one row per recipient (pinned to
-- the number that sends to it) and the campaign's file, synced like the rest
-- of an account's data (0001: version stamped on every write, tombstones;
-- 0002: members only; 0003: NOTIFY; 0005: one counter write per statement).
-- Only the desktop that holds a number's lease (0004) claims that number's
-- recipients; docs/sync.md, "Campaigns on several desktops".

CREATE TABLE zapdesk.campaigns (
    id               uuid PRIMARY KEY,
    account_id       uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    name             text NOT NULL,
    message          text NOT NULL,
    status           text NOT NULL
                     CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'done', 'cancelled')),
    audience         text NOT NULL,
    numbers          text NOT NULL,
    pacing           text NOT NULL,
    starts_at        bigint,
    media_path       text,
    media_mime       text,
    media_name       text,
    media_size       bigint,
    recipients_total bigint NOT NULL,
    created_at       bigint NOT NULL,
    updated_at       bigint NOT NULL,
    version          bigint NOT NULL DEFAULT 0,
    deleted_at       bigint,
    hlc              zapdesk.hlc NOT NULL,
    UNIQUE (account_id, id)
);

CREATE TABLE zapdesk.campaign_recipients (
    account_id   uuid NOT NULL,
    campaign_id  uuid NOT NULL,
    contact_id   uuid NOT NULL,
    instance_id  uuid,
    position     bigint NOT NULL,
    state        text NOT NULL CHECK (state IN ('pending', 'queued', 'skipped', 'cancelled')),
    reason       text,
    message_id   uuid,
    queued_at    bigint,
    version      bigint NOT NULL DEFAULT 0,
    deleted_at   bigint,
    hlc          zapdesk.hlc NOT NULL,
    PRIMARY KEY (account_id, campaign_id, contact_id),
    FOREIGN KEY (account_id, campaign_id) REFERENCES zapdesk.campaigns (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (account_id, contact_id) REFERENCES zapdesk.contacts (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);

-- At most 16 MiB (the app's file limit); written once, when the campaign is.
CREATE TABLE zapdesk.campaign_files (
    account_id   uuid NOT NULL,
    campaign_id  uuid NOT NULL,
    mime         text NOT NULL,
    name         text NOT NULL,
    bytes        bytea NOT NULL,
    created_at   bigint NOT NULL,
    version      bigint NOT NULL DEFAULT 0,
    deleted_at   bigint,
    hlc          zapdesk.hlc NOT NULL,
    PRIMARY KEY (account_id, campaign_id),
    FOREIGN KEY (account_id, campaign_id) REFERENCES zapdesk.campaigns (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);

-- A file's tombstone keeps no bytes; the other tables' cases are 0001's.
CREATE OR REPLACE FUNCTION zapdesk.scrub_tombstone() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.deleted_at IS NULL THEN
        RETURN NEW;
    END IF;
    CASE TG_TABLE_NAME
        WHEN 'contacts' THEN
            NEW.phone := '';
            NEW.name := NULL;
        WHEN 'contact_fields' THEN
            NEW.value := '';
            NEW.num := NULL;
        WHEN 'messages' THEN
            NEW.body := '';
            NEW.error := NULL;
            NEW.media_path := NULL;
            NEW.media_name := NULL;
        WHEN 'notes' THEN
            NEW.body := '';
        WHEN 'campaign_files' THEN
            NEW.bytes := ''::bytea;
    END CASE;
    RETURN NEW;
END
$$;
CREATE TRIGGER scrub_tombstone BEFORE INSERT OR UPDATE ON zapdesk.campaign_files
    FOR EACH ROW EXECUTE FUNCTION zapdesk.scrub_tombstone();

DO $$
DECLARE
    t record;
    operators text := zapdesk.operator_group();
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('campaigns', 'id'),
        ('campaign_recipients', 'account_id, campaign_id, contact_id'),
        ('campaign_files', 'account_id, campaign_id')
    ) AS synced (name, primary_key)
    LOOP
        -- 0001: the stamp, the index a pull walks, deletes as tombstones.
        EXECUTE format('CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON zapdesk.%I
                        FOR EACH ROW EXECUTE FUNCTION zapdesk.stamp_version()', t.name);
        EXECUTE format('CREATE INDEX %I ON zapdesk.%I (account_id, version)', t.name || '_pull', t.name);
        EXECUTE format('CREATE TRIGGER delete_as_tombstone BEFORE DELETE ON zapdesk.%I
                        FOR EACH ROW EXECUTE FUNCTION zapdesk.delete_as_tombstone(%s)',
                       t.name, (SELECT string_agg(quote_literal(trim(k)), ', ')
                                FROM unnest(string_to_array(t.primary_key, ',')) AS k));
        -- 0005: the counter written back once per statement.
        EXECUTE format('CREATE TRIGGER store_versions_insert AFTER INSERT ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.store_versions()', t.name);
        EXECUTE format('CREATE TRIGGER store_versions_update AFTER UPDATE ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.store_versions()', t.name);
        -- 0003: the poke that makes other desktops pull.
        EXECUTE format('CREATE TRIGGER notify_insert AFTER INSERT ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.notify_changes()', t.name);
        EXECUTE format('CREATE TRIGGER notify_update AFTER UPDATE ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.notify_changes()', t.name);
        -- 0002: members read and write their accounts' rows, whatever their role.
        EXECUTE format('ALTER TABLE zapdesk.%I ENABLE ROW LEVEL SECURITY', t.name);
        EXECUTE format('CREATE POLICY members ON zapdesk.%I
                            USING (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]))
                            WITH CHECK (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]))', t.name);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON zapdesk.%I TO %I', t.name, operators);
    END LOOP;
END
$$;
