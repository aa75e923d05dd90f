-- The pipeline on the server (issue 18, item 7; the desktops' side is
-- migrations/sqlite/0030_pipeline.sql): an account's stages and the cards on
-- them, synced like the rest of an account's data (0001: version stamped on
-- every write, tombstones; 0002: members only; 0003/0007: NOTIFY per
-- account; 0005: one counter write per statement; 0008: no clock far ahead).
--
-- A card's place is a fractional key (text compared byte by byte, hence
-- COLLATE "C"): a move rewrites only the moved card, so two desktops moving
-- cards at once merge row by row (the later clock wins per card).
--
-- Columns mirror the local tables with the same checks, so a row the
-- desktop accepted the server accepts.

CREATE TABLE zapdesk.pipeline_stages (
    id             uuid PRIMARY KEY,
    account_id     uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
    color          text NOT NULL,
    position       bigint NOT NULL,
    -- Not foreign keys, as locally: a stage outlives its tag or flow, whose
    -- action is then skipped.
    add_tag_id     uuid,
    start_flow_id  uuid,
    created_at     bigint NOT NULL,
    updated_at     bigint NOT NULL,
    version        bigint NOT NULL DEFAULT 0,
    deleted_at     bigint,
    hlc            zapdesk.hlc NOT NULL,
    UNIQUE (account_id, id)
);

CREATE TABLE zapdesk.pipeline_cards (
    id           uuid PRIMARY KEY,
    account_id   uuid NOT NULL,
    contact_id   uuid NOT NULL,
    stage_id     uuid NOT NULL,
    title        text CHECK (title IS NULL OR length(title) BETWEEN 1 AND 120),
    value_cents  bigint NOT NULL CHECK (value_cents >= 0),
    -- The owner operator by e-mail (the desktops' operators are local rows).
    owner_email  text,
    position     text COLLATE "C" NOT NULL,
    created_at   bigint NOT NULL,
    updated_at   bigint NOT NULL,
    version      bigint NOT NULL DEFAULT 0,
    deleted_at   bigint,
    hlc          zapdesk.hlc NOT NULL,
    FOREIGN KEY (account_id, contact_id) REFERENCES zapdesk.contacts (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (account_id, stage_id) REFERENCES zapdesk.pipeline_stages (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);

-- A tombstoned card keeps nothing its title said about the person.
CREATE FUNCTION zapdesk.scrub_card_tombstone() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.deleted_at IS NOT NULL THEN
        NEW.title := NULL;
        NEW.owner_email := NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER scrub_tombstone BEFORE INSERT OR UPDATE ON zapdesk.pipeline_cards
    FOR EACH ROW EXECUTE FUNCTION zapdesk.scrub_card_tombstone();

DO $$
DECLARE
    t record;
    operators text := zapdesk.operator_group();
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('pipeline_stages', 'id'),
        ('pipeline_cards', 'id')
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
