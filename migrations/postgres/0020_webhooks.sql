-- Webhooks on the agency's server (issue 17, item 4; docs/webhooks.md,
-- "Where events are made, and who delivers"; the desktops' side is
-- migrations/sqlite/0037_webhooks_synced.sql).
--
-- 1. `zapdesk.webhooks`: the definition, synced like the rest of an
--    account's data (0001: version stamp, tombstones; 0002: members only;
--    0003/0007: NOTIFY per account; 0005: one counter write per statement;
--    0008: no clock far ahead). Every member reads it: the desktop that
--    runs a number delivers its events, and that may be an agent's. Who may
--    change a webhook is decided on the desktop (Settings is an admin's),
--    as for the business hours (0013). Without `failing_since` and
--    `last_failed_at`: each desktop's delivery health stays its own.
-- 2. `zapdesk.webhook_secrets`: the signing secret, server-only (not in the
--    sync catalog, never pulled). Written by the account's owners and admins
--    (the desktop that created or rotated it publishes it); read only
--    through `zapdesk.webhook_secret(webhook)`, which answers an owner or
--    admin of the account, or a member holding a live lease of one of the
--    account's numbers (the desktop that must sign that number's events).
--    A tombstoned webhook takes its secret with it.

CREATE TABLE zapdesk.webhooks (
    id               uuid PRIMARY KEY,
    account_id       uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    url              text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
    events           text NOT NULL,
    format           text NOT NULL DEFAULT 'zapdesk' CHECK (format IN ('zapdesk', 'evolution')),
    enabled          bigint NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    disabled_at      bigint,
    disabled_reason  text,
    secret_version   bigint NOT NULL DEFAULT 1 CHECK (secret_version >= 1),
    created_at       bigint NOT NULL,
    updated_at       bigint NOT NULL,
    version          bigint NOT NULL DEFAULT 0,
    deleted_at       bigint,
    hlc              zapdesk.hlc NOT NULL,
    -- `secret_version`'s own clock (merge_secret_version below).
    secret_hlc       zapdesk.hlc,
    -- The secrets' key names the webhook's own account.
    UNIQUE (account_id, id)
);

DO $$
DECLARE
    t record;
    operators text := zapdesk.operator_group();
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('webhooks', 'id')
    ) AS synced (name, primary_key)
    LOOP
        -- As 0018 (and 0001 … 0008 before it) for every synced table.
        EXECUTE format('CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON zapdesk.%I
                        FOR EACH ROW EXECUTE FUNCTION zapdesk.stamp_version()', t.name);
        EXECUTE format('CREATE INDEX %I ON zapdesk.%I (account_id, version)', t.name || '_pull', t.name);
        EXECUTE format('CREATE TRIGGER delete_as_tombstone BEFORE DELETE ON zapdesk.%I
                        FOR EACH ROW EXECUTE FUNCTION zapdesk.delete_as_tombstone(%L)',
                       t.name, t.primary_key);
        EXECUTE format('CREATE TRIGGER store_versions_insert AFTER INSERT ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.store_versions()', t.name);
        EXECUTE format('CREATE TRIGGER store_versions_update AFTER UPDATE ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.store_versions()', t.name);
        EXECUTE format('CREATE TRIGGER notify_insert AFTER INSERT ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.notify_changes()', t.name);
        EXECUTE format('CREATE TRIGGER notify_update AFTER UPDATE ON zapdesk.%I
                        REFERENCING NEW TABLE AS changed
                        FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.notify_changes()', t.name);
        EXECUTE format('CREATE TRIGGER refuse_future_clock BEFORE INSERT OR UPDATE ON zapdesk.%I
                        FOR EACH ROW EXECUTE FUNCTION zapdesk.refuse_future_clock()', t.name);
        EXECUTE format('ALTER TABLE zapdesk.%I ENABLE ROW LEVEL SECURITY', t.name);
        EXECUTE format('CREATE POLICY members ON zapdesk.%I
                            USING (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]))
                            WITH CHECK (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]))', t.name);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON zapdesk.%I TO %I', t.name, operators);
    END LOOP;
END
$$;

-- `secret_version` has its own clock, `secret_hlc` (as the contacts'
-- opt-out, 0009; crates/sync/src/tables.rs, `own_clock`): whatever a writer
-- sends, the pair changes only with a later `secret_hlc`, and the rest of
-- the row only with a later row clock. A whole-row write with a later row
-- clock from a desktop that had not seen a rotation (its URL or on/off
-- edited, or its sender turning the webhook off) used to take the version
-- back: that desktop then signed with the old secret, and the next rotation
-- reused a version number. Not SECURITY DEFINER (only the row written);
-- named to run before refuse_future_clock and stamp_version (BEFORE
-- triggers fire in name order), so those see the merged row.
CREATE FUNCTION zapdesk.merge_secret_version() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    kept_version bigint;
    kept_hlc     text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A writer that sends no clock for the version: the row's.
        IF NEW.secret_hlc IS NULL THEN
            NEW.secret_hlc := NEW.hlc;
        END IF;
    ELSE
        IF coalesce(NEW.secret_hlc, '') COLLATE "C" <= coalesce(OLD.secret_hlc, '') COLLATE "C" THEN
            -- No later rotation in this write: the stored version stays.
            NEW.secret_version := OLD.secret_version;
            NEW.secret_hlc := OLD.secret_hlc;
        END IF;
        IF NEW.hlc COLLATE "C" < OLD.hlc COLLATE "C" THEN
            -- An older row let through for its later rotation: only that.
            kept_version := NEW.secret_version;
            kept_hlc := NEW.secret_hlc;
            NEW := OLD;
            NEW.secret_version := kept_version;
            NEW.secret_hlc := kept_hlc;
        END IF;
    END IF;
    IF NEW.secret_hlc IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.secret_hlc IS DISTINCT FROM OLD.secret_hlc)
       AND substr(NEW.secret_hlc, 1, 13)::bigint > zapdesk.now_ms() + 600000 THEN
        -- As refuse_future_clock (0008) for the row's clock.
        RAISE EXCEPTION 'clock % is more than ten minutes ahead of the server''s', NEW.secret_hlc
            USING ERRCODE = 'check_violation', CONSTRAINT = 'hlc_ahead', TABLE = TG_TABLE_NAME;
    END IF;
    RETURN NEW;
END
$$;
REVOKE EXECUTE ON FUNCTION zapdesk.merge_secret_version() FROM PUBLIC;

CREATE TRIGGER merge_secret_version BEFORE INSERT OR UPDATE ON zapdesk.webhooks
    FOR EACH ROW EXECUTE FUNCTION zapdesk.merge_secret_version();

-- Server-only: never pulled, never in the sync catalog. One row per
-- webhook: the secret that signs now and its version (the webhook's
-- `secret_version` when it was published).
CREATE TABLE zapdesk.webhook_secrets (
    account_id  uuid NOT NULL,
    webhook_id  uuid NOT NULL,
    version     bigint NOT NULL CHECK (version >= 1),
    secret      text NOT NULL CHECK (length(secret) BETWEEN 32 AND 256),
    set_by      text NOT NULL DEFAULT session_user,
    set_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, webhook_id),
    FOREIGN KEY (account_id, webhook_id) REFERENCES zapdesk.webhooks (account_id, id)
        ON DELETE CASCADE
);

ALTER TABLE zapdesk.webhook_secrets ENABLE ROW LEVEL SECURITY;
-- The account's owners and admins (who may manage webhooks) write it, and
-- may read back what they wrote; an agent sees no row at all.
CREATE POLICY admins_write ON zapdesk.webhook_secrets FOR ALL
    USING (zapdesk.role_in(account_id) IN ('owner', 'admin'))
    WITH CHECK (zapdesk.role_in(account_id) IN ('owner', 'admin'));
REVOKE ALL ON zapdesk.webhook_secrets FROM PUBLIC;

-- Whoever publishes names themself, whatever they sent.
CREATE FUNCTION zapdesk.webhook_secret_set_by() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.set_by := session_user;
    NEW.set_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER set_by BEFORE INSERT OR UPDATE ON zapdesk.webhook_secrets
    FOR EACH ROW EXECUTE FUNCTION zapdesk.webhook_secret_set_by();

-- A webhook deleted (a tombstone: operators' deletes are updates, 0001)
-- takes its secret along: the cascade above only covers the database
-- owner's real deletes.
CREATE FUNCTION zapdesk.forget_webhook_secret() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM zapdesk.webhook_secrets WHERE account_id = NEW.account_id AND webhook_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER forget_secret AFTER UPDATE OF deleted_at ON zapdesk.webhooks
    FOR EACH ROW WHEN (NEW.deleted_at IS NOT NULL)
    EXECUTE FUNCTION zapdesk.forget_webhook_secret();

-- The secret for delivery: to an owner or admin of the webhook's account,
-- or to a member who holds a live lease (by the server's clock) of one of
-- the account's numbers — the desktop that runs a number makes and
-- delivers its events, and may be an agent's (docs/webhooks.md). The lease
-- must be of a number the account has (not deleted), as in 0012's
-- claim_commands: take_lease (0004) lets any member lease any id, and a
-- lease of a made-up number must not open the account's secrets. Anyone
-- else, and a deleted webhook: no row.
CREATE FUNCTION zapdesk.webhook_secret(webhook uuid)
RETURNS TABLE (version bigint, secret text)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.version, s.secret
    FROM zapdesk.webhook_secrets s
    JOIN zapdesk.webhooks w
      ON w.account_id = s.account_id AND w.id = s.webhook_id AND w.deleted_at IS NULL
    WHERE s.webhook_id = webhook
      AND (zapdesk.role_in(s.account_id) IN ('owner', 'admin')
           OR (zapdesk.role_in(s.account_id) IS NOT NULL
               AND EXISTS (SELECT 1 FROM zapdesk.number_leases l
                           WHERE l.account_id = s.account_id
                             AND l.operator = session_user
                             AND l.expires_at > zapdesk.now_ms()
                             AND EXISTS (SELECT 1 FROM zapdesk.instances i
                                         WHERE i.account_id = l.account_id
                                           AND i.id = l.instance_id
                                           AND i.deleted_at IS NULL))))
$$;

REVOKE EXECUTE ON FUNCTION zapdesk.webhook_secret(uuid), zapdesk.forget_webhook_secret(),
    zapdesk.webhook_secret_set_by() FROM PUBLIC;

DO $$
DECLARE
    operators text := zapdesk.operator_group();
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON zapdesk.webhook_secrets TO %I', operators);
    EXECUTE format('GRANT EXECUTE ON FUNCTION zapdesk.webhook_secret(uuid) TO %I', operators);
END
$$;
