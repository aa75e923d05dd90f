-- The agency's shared store on its PostgreSQL (Supabase or any PostgreSQL 14+):
-- the synced tables, mirroring migrations/sqlite, plus who may see them.
-- Applied by `zapdesk-cli remote provision` as the database owner; access
-- rules (row-level security, privileges) are in 0002_access.sql.
--
-- Every synced row carries:
--   account_id  the account it belongs to (accounts carry their own id there),
--   version     stamped by a trigger from the account's counter on every write,
--               so a desktop pulls `version > cursor` per account (never by
--               time: a later commit can carry an earlier timestamp),
--   deleted_at  a tombstone (Unix ms): a deleted row stays, so every desktop
--               learns of the delete by the same pull,
--   hlc         the hybrid logical clock of the write, set by the writing
--               desktop; the sync engine keeps the newest write of a row.
-- Ids are UUIDs chosen by the desktops; times are Unix milliseconds, as locally.
-- Derived local data (contacts.name_folded, the message search index) and
-- per-desktop data (drafts, settings) stay local.

CREATE SCHEMA IF NOT EXISTS zapdesk;
REVOKE ALL ON SCHEMA zapdesk FROM PUBLIC;
-- Functions are callable by PUBLIC unless said otherwise; here they are not.
ALTER DEFAULT PRIVILEGES IN SCHEMA zapdesk REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- Settings of this installation. `operator_group` names the NOLOGIN role every
-- operator's login role is a member of; provisioning passes it in the session
-- setting zapdesk.operator_group, so that several ZapDesk databases on one
-- server (or parallel tests) each have their own group.
CREATE TABLE zapdesk.config (
    key   text PRIMARY KEY,
    value text NOT NULL
);

DO $$
BEGIN
    IF coalesce(current_setting('zapdesk.operator_group', true), '') = '' THEN
        RAISE EXCEPTION 'zapdesk.operator_group is not set'
            USING HINT = 'Apply this schema with `zapdesk-cli remote provision`.';
    END IF;
    INSERT INTO zapdesk.config (key, value)
    VALUES ('operator_group', current_setting('zapdesk.operator_group'));
END
$$;

CREATE FUNCTION zapdesk.operator_group() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
AS $$ SELECT value FROM zapdesk.config WHERE key = 'operator_group' $$;

CREATE FUNCTION zapdesk.now_ms() RETURNS bigint
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$ SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint $$;

-- A hybrid logical clock as fixed-width text, so that comparing two strings
-- byte by byte (collation "C") orders them as clocks:
--   <Unix ms, 13 digits>-<counter, 5 digits>-<node: the writing desktop's id>
CREATE DOMAIN zapdesk.hlc AS text COLLATE "C"
    CHECK (VALUE ~ '^[0-9]{13}-[0-9]{5}-[0-9a-z]{1,32}$');

-- A clock for writes the server makes itself (a DELETE turned into a
-- tombstone, an account published by an invitation): after `previous`, and
-- after now.
CREATE FUNCTION zapdesk.server_hlc(previous text) RETURNS text
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    now_ms  bigint := zapdesk.now_ms();
    prev_ms bigint := coalesce(substr(previous, 1, 13)::bigint, 0);
    prev_n  int    := coalesce(substr(previous, 15, 5)::int, 0);
BEGIN
    IF prev_ms >= now_ms THEN
        IF prev_n >= 99999 THEN
            RETURN lpad((prev_ms + 1)::text, 13, '0') || '-00000-server';
        END IF;
        RETURN lpad(prev_ms::text, 13, '0') || '-' || lpad((prev_n + 1)::text, 5, '0') || '-server';
    END IF;
    RETURN lpad(now_ms::text, 13, '0') || '-00000-server';
END
$$;

-- ---------------------------------------------------------------------------
-- Operators and memberships: who may see which account.

-- One row per operator; each operator is a PostgreSQL LOGIN role of this name.
CREATE TABLE zapdesk.operators (
    role_name    text PRIMARY KEY CHECK (role_name ~ '^[a-z_][a-z0-9_]{0,62}$'),
    -- Referenced by conversations.assignee_id, notes.author_id, audit_log.actor_id.
    id           uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    email        text NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    display_name text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 80),
    created_at   bigint NOT NULL DEFAULT zapdesk.now_ms()
);
CREATE UNIQUE INDEX operators_email ON zapdesk.operators (email);

-- ---------------------------------------------------------------------------
-- The synced tables. Foreign keys are deferred to commit, so a push may write
-- a batch in any order; composite keys keep a row from pointing at another
-- account's row, as locally. Uniqueness that the local store enforces holds
-- for live rows only (a tombstone does not keep its phone or name taken).

CREATE TABLE zapdesk.accounts (
    id          uuid PRIMARY KEY,
    -- Same as id: lets every table be pulled and guarded by one column.
    account_id  uuid GENERATED ALWAYS AS (id) STORED,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    phone       text,
    plan        text NOT NULL DEFAULT 'starter' CHECK (plan IN ('free', 'starter', 'pro', 'enterprise')),
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'trial', 'suspended')),
    archived_at bigint,
    created_at  bigint NOT NULL,
    updated_at  bigint NOT NULL,
    version     bigint NOT NULL DEFAULT 0,
    deleted_at  bigint,
    hlc         zapdesk.hlc NOT NULL
);

-- Who is in which account, with which role. Not a synced table: a desktop
-- reads its memberships at each sync, and a removed membership takes effect at
-- once (rows are really deleted).
CREATE TABLE zapdesk.memberships (
    operator    text NOT NULL REFERENCES zapdesk.operators (role_name) ON DELETE CASCADE,
    account_id  uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('owner', 'admin', 'agent')),
    created_at  bigint NOT NULL DEFAULT zapdesk.now_ms(),
    PRIMARY KEY (operator, account_id)
);
CREATE INDEX memberships_by_account ON zapdesk.memberships (account_id);

-- The per-account counter behind `version`. Its row is locked by the writing
-- transaction until commit, so versions of one account commit in order.
CREATE TABLE zapdesk.account_versions (
    account_id uuid PRIMARY KEY,
    version    bigint NOT NULL
);

CREATE TABLE zapdesk.contacts (
    id           uuid PRIMARY KEY,
    account_id   uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    phone        text NOT NULL,             -- E.164; '' once a tombstone
    name         text CHECK (name IS NULL OR length(name) BETWEEN 1 AND 120),
    opted_out_at bigint,
    created_at   bigint NOT NULL,
    updated_at   bigint NOT NULL,
    version      bigint NOT NULL DEFAULT 0,
    deleted_at   bigint,
    hlc          zapdesk.hlc NOT NULL,
    UNIQUE (account_id, id)
);
CREATE UNIQUE INDEX contacts_phone ON zapdesk.contacts (account_id, phone) WHERE deleted_at IS NULL;

CREATE TABLE zapdesk.tags (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
    color       text NOT NULL DEFAULT '#64748b',
    created_at  bigint NOT NULL,
    version     bigint NOT NULL DEFAULT 0,
    deleted_at  bigint,
    hlc         zapdesk.hlc NOT NULL,
    UNIQUE (account_id, id)
);
CREATE UNIQUE INDEX tags_name ON zapdesk.tags (account_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE zapdesk.contact_tags (
    account_id  uuid NOT NULL,
    contact_id  uuid NOT NULL,
    tag_id      uuid NOT NULL,
    created_at  bigint NOT NULL,
    version     bigint NOT NULL DEFAULT 0,
    deleted_at  bigint,
    hlc         zapdesk.hlc NOT NULL,
    PRIMARY KEY (account_id, contact_id, tag_id),
    FOREIGN KEY (account_id, contact_id) REFERENCES zapdesk.contacts (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (account_id, tag_id) REFERENCES zapdesk.tags (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE zapdesk.custom_fields (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 40),
    label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 40),
    kind        text NOT NULL CHECK (kind IN ('text', 'number', 'date', 'yes_no', 'choice')),
    choices     text NOT NULL DEFAULT '[]',   -- JSON array of strings, as locally
    created_at  bigint NOT NULL,
    version     bigint NOT NULL DEFAULT 0,
    deleted_at  bigint,
    hlc         zapdesk.hlc NOT NULL,
    UNIQUE (account_id, id)
);
CREATE UNIQUE INDEX custom_fields_key ON zapdesk.custom_fields (account_id, key) WHERE deleted_at IS NULL;

CREATE TABLE zapdesk.contact_fields (
    account_id  uuid NOT NULL,
    contact_id  uuid NOT NULL,
    field_id    uuid NOT NULL,
    value       text NOT NULL CHECK (deleted_at IS NOT NULL OR length(value) BETWEEN 1 AND 500),
    num         double precision,
    version     bigint NOT NULL DEFAULT 0,
    deleted_at  bigint,
    hlc         zapdesk.hlc NOT NULL,
    PRIMARY KEY (account_id, contact_id, field_id),
    FOREIGN KEY (account_id, contact_id) REFERENCES zapdesk.contacts (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (account_id, field_id) REFERENCES zapdesk.custom_fields (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE zapdesk.segments (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    filter      text NOT NULL,                -- JSON of the core's ContactFilter
    created_at  bigint NOT NULL,
    updated_at  bigint NOT NULL,
    version     bigint NOT NULL DEFAULT 0,
    deleted_at  bigint,
    hlc         zapdesk.hlc NOT NULL,
    UNIQUE (account_id, id)
);
CREATE UNIQUE INDEX segments_name ON zapdesk.segments (account_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE zapdesk.instances (
    id            uuid PRIMARY KEY,
    account_id    uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    kind          text NOT NULL DEFAULT 'whatsapp' CHECK (kind IN ('whatsapp', 'sandbox')),
    status        text NOT NULL DEFAULT 'stopped'
                  CHECK (status IN ('stopped', 'starting', 'awaiting_qr', 'pairing',
                                    'connected', 'disconnected', 'failed')),
    status_detail text,
    phone         text,
    autostart     boolean NOT NULL DEFAULT false,
    created_at    bigint NOT NULL,
    updated_at    bigint NOT NULL,
    version       bigint NOT NULL DEFAULT 0,
    deleted_at    bigint,
    hlc           zapdesk.hlc NOT NULL,
    UNIQUE (account_id, id)
);

CREATE TABLE zapdesk.conversations (
    id               uuid PRIMARY KEY,
    account_id       uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    contact_id       uuid NOT NULL,
    instance_id      uuid NOT NULL,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'resolved')),
    owner            text NOT NULL DEFAULT 'bot' CHECK (owner IN ('bot', 'human')),
    assignee_id      uuid,                  -- an operator's id; no key: local users map to operators later
    unread_count     integer NOT NULL DEFAULT 0,
    last_message_at  bigint,
    last_message_id  uuid,
    created_at       bigint NOT NULL,
    updated_at       bigint NOT NULL,
    version          bigint NOT NULL DEFAULT 0,
    deleted_at       bigint,
    hlc              zapdesk.hlc NOT NULL,
    UNIQUE (account_id, id),
    FOREIGN KEY (account_id, contact_id) REFERENCES zapdesk.contacts (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (account_id, instance_id) REFERENCES zapdesk.instances (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE UNIQUE INDEX conversations_thread ON zapdesk.conversations (account_id, instance_id, contact_id)
    WHERE deleted_at IS NULL;

CREATE TABLE zapdesk.messages (
    id               uuid PRIMARY KEY,
    account_id       uuid NOT NULL,
    conversation_id  uuid NOT NULL,
    instance_id      uuid NOT NULL,
    wa_message_id    text,
    direction        text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    kind             text NOT NULL DEFAULT 'text'
                     CHECK (kind IN ('text', 'image', 'audio', 'document', 'location', 'contact')),
    body             text NOT NULL DEFAULT '',
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'played',
                                       'failed', 'received')),
    error            text,
    media_path       text,                  -- relative to the writing desktop's data folder
    media_mime       text,
    media_name       text,
    media_size       bigint,
    media_error      text,
    sent_at          bigint,
    created_at       bigint NOT NULL,
    updated_at       bigint NOT NULL,
    version          bigint NOT NULL DEFAULT 0,
    deleted_at       bigint,
    hlc              zapdesk.hlc NOT NULL,
    FOREIGN KEY (account_id, conversation_id) REFERENCES zapdesk.conversations (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (account_id, instance_id) REFERENCES zapdesk.instances (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE UNIQUE INDEX messages_wa_id ON zapdesk.messages (account_id, instance_id, wa_message_id)
    WHERE deleted_at IS NULL;

CREATE TABLE zapdesk.notes (
    id               uuid PRIMARY KEY,
    account_id       uuid NOT NULL,
    conversation_id  uuid NOT NULL,
    author_id        uuid,                  -- an operator's id
    body             text NOT NULL CHECK (deleted_at IS NOT NULL OR length(body) BETWEEN 1 AND 4096),
    created_at       bigint NOT NULL,
    version          bigint NOT NULL DEFAULT 0,
    deleted_at       bigint,
    hlc              zapdesk.hlc NOT NULL,
    FOREIGN KEY (account_id, conversation_id) REFERENCES zapdesk.conversations (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE zapdesk.quick_replies (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    shortcut    text NOT NULL CHECK (length(shortcut) BETWEEN 1 AND 32),
    body        text NOT NULL CHECK (length(body) BETWEEN 1 AND 4096),
    created_at  bigint NOT NULL,
    updated_at  bigint NOT NULL,
    version     bigint NOT NULL DEFAULT 0,
    deleted_at  bigint,
    hlc         zapdesk.hlc NOT NULL
);
CREATE UNIQUE INDEX quick_replies_shortcut ON zapdesk.quick_replies (account_id, shortcut)
    WHERE deleted_at IS NULL;

-- Append-only: operators add entries and read them, nobody edits or deletes
-- one (no tombstone column). Locally the id is an integer; the remote needs an
-- id every desktop can choose on its own.
CREATE TABLE zapdesk.audit_log (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    actor_id    uuid,
    actor_name  text NOT NULL,
    action      text NOT NULL CHECK (action IN ('contact_exported', 'contact_erased')),
    contact_id  uuid NOT NULL,
    at          bigint NOT NULL,
    version     bigint NOT NULL DEFAULT 0,
    hlc         zapdesk.hlc NOT NULL
);

-- ---------------------------------------------------------------------------
-- Version stamping, tombstones.

-- Whether the session's login role is an operator (and not the owner doing
-- maintenance). SECURITY DEFINER: it reads operators whatever the caller may see.
CREATE FUNCTION zapdesk.is_operator() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$ SELECT EXISTS (SELECT 1 FROM zapdesk.operators WHERE role_name = session_user) $$;

-- Stamps the row with the next version of its account. SECURITY DEFINER
-- because operators may not touch the counters themselves; whatever version a
-- client writes is overwritten. A row never moves to another account: its old
-- account's desktops would never learn that it left.
CREATE FUNCTION zapdesk.stamp_version() RETURNS trigger
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
    INSERT INTO zapdesk.account_versions AS v (account_id, version) VALUES (account, 1)
    ON CONFLICT (account_id) DO UPDATE SET version = v.version + 1
    RETURNING v.version INTO NEW.version;
    RETURN NEW;
END
$$;

-- An operator's DELETE becomes a tombstone: the row stays with deleted_at set
-- (and a new version), so other desktops pull the delete like any change, and
-- the statement reports no deleted row. The trigger's arguments name the
-- primary key columns. The owner's DELETE (purging an account, collecting
-- tombstones every desktop has pulled) really deletes.
CREATE FUNCTION zapdesk.delete_as_tombstone() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    same_key text;
BEGIN
    IF NOT zapdesk.is_operator() THEN
        RETURN OLD;
    END IF;
    SELECT string_agg(format('%I = ($1).%I', k, k), ' AND ') INTO same_key FROM unnest(TG_ARGV) AS k;
    EXECUTE format(
        'UPDATE %I.%I SET deleted_at = $2, hlc = zapdesk.server_hlc(hlc) WHERE %s AND deleted_at IS NULL',
        TG_TABLE_SCHEMA, TG_TABLE_NAME, same_key)
    USING OLD, zapdesk.now_ms();
    RETURN NULL;
END
$$;

-- A tombstone keeps no personal data: deleting a contact or erasing it for
-- the LGPD must not leave its phone, name, field values or message texts on
-- the server.
CREATE FUNCTION zapdesk.scrub_tombstone() RETURNS trigger
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
    END CASE;
    RETURN NEW;
END
$$;

-- Each synced table: the stamp, the index a pull walks, and (for all but the
-- append-only audit log) deletes as tombstones.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('accounts', 'id'),
        ('contacts', 'id'),
        ('tags', 'id'),
        ('contact_tags', 'account_id, contact_id, tag_id'),
        ('custom_fields', 'id'),
        ('contact_fields', 'account_id, contact_id, field_id'),
        ('segments', 'id'),
        ('instances', 'id'),
        ('conversations', 'id'),
        ('messages', 'id'),
        ('notes', 'id'),
        ('quick_replies', 'id'),
        ('audit_log', NULL)
    ) AS synced (name, primary_key)
    LOOP
        EXECUTE format('CREATE TRIGGER stamp_version BEFORE INSERT OR UPDATE ON zapdesk.%I
                        FOR EACH ROW EXECUTE FUNCTION zapdesk.stamp_version()', t.name);
        EXECUTE format('CREATE INDEX %I ON zapdesk.%I (account_id, version)', t.name || '_pull', t.name);
        IF t.primary_key IS NOT NULL THEN
            EXECUTE format('CREATE TRIGGER delete_as_tombstone BEFORE DELETE ON zapdesk.%I
                            FOR EACH ROW EXECUTE FUNCTION zapdesk.delete_as_tombstone(%s)',
                           t.name, (SELECT string_agg(quote_literal(trim(k)), ', ')
                                    FROM unnest(string_to_array(t.primary_key, ',')) AS k));
        END IF;
    END LOOP;
END
$$;

CREATE TRIGGER scrub_tombstone BEFORE INSERT OR UPDATE ON zapdesk.contacts
    FOR EACH ROW EXECUTE FUNCTION zapdesk.scrub_tombstone();
CREATE TRIGGER scrub_tombstone BEFORE INSERT OR UPDATE ON zapdesk.contact_fields
    FOR EACH ROW EXECUTE FUNCTION zapdesk.scrub_tombstone();
CREATE TRIGGER scrub_tombstone BEFORE INSERT OR UPDATE ON zapdesk.messages
    FOR EACH ROW EXECUTE FUNCTION zapdesk.scrub_tombstone();
CREATE TRIGGER scrub_tombstone BEFORE INSERT OR UPDATE ON zapdesk.notes
    FOR EACH ROW EXECUTE FUNCTION zapdesk.scrub_tombstone();
