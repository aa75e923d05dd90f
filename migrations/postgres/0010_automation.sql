-- Automation on the server (issue 15; the desktops' side is
-- migrations/sqlite/0018, the design docs/automation.md): the account's bot
-- settings, keywords, the files the bot sends, flows, their published
-- versions and the sessions running in conversations, synced like the rest
-- of an account's data (0001: version stamped on every write, tombstones;
-- 0002: members only; 0003/0007: NOTIFY per account; 0005: one counter
-- write per statement; 0008: no clock far ahead). Only the desktop that
-- holds a number's lease (0004) steps that number's sessions; a takeover
-- pulls the session and goes on where it was (docs/sync.md, "Automation on
-- several desktops").
--
-- What each desktop keeps to itself is not here: the bot's queue, its
-- cooldowns and its log (automation_queue, automation_marks,
-- automation_log, automation_apply) and a message's typing pause
-- (messages.send_after).
--
-- Columns mirror the local tables (ints for the local 0/1 flags, so a
-- desktop's values travel as they are) with the same checks, so a row the
-- desktop accepted the server accepts.

-- One row per account, keyed by the account itself.
CREATE TABLE zapdesk.automation_settings (
    account_id              uuid PRIMARY KEY REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    enabled                 bigint NOT NULL CHECK (enabled IN (0, 1)),
    time_zone               text NOT NULL,
    handoff_words           text NOT NULL,        -- JSON list of strings, as locally
    handoff_reply           text NOT NULL,
    session_expiry_minutes  bigint NOT NULL CHECK (session_expiry_minutes > 0),
    allow_private_http      bigint NOT NULL CHECK (allow_private_http IN (0, 1)),
    ai_base_url             text,
    ai_model                text,
    ai_instructions         text NOT NULL,
    updated_at              bigint NOT NULL,
    version                 bigint NOT NULL DEFAULT 0,
    deleted_at              bigint,
    hlc                     zapdesk.hlc NOT NULL
);

CREATE TABLE zapdesk.keywords (
    id                uuid PRIMARY KEY,
    account_id        uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    match_kind        text NOT NULL CHECK (match_kind IN ('exact', 'contains', 'starts_with', 'regex')),
    words             text NOT NULL,          -- JSON list of strings
    numbers           text NOT NULL,          -- JSON list of instance ids; empty: every number
    priority          bigint NOT NULL,
    enabled           bigint NOT NULL CHECK (enabled IN (0, 1)),
    cooldown_minutes  bigint NOT NULL CHECK (cooldown_minutes >= 0),
    actions           text NOT NULL,          -- JSON of the core's keywords::Actions
    created_at        bigint NOT NULL,
    updated_at        bigint NOT NULL,
    version           bigint NOT NULL DEFAULT 0,
    deleted_at        bigint,
    hlc               zapdesk.hlc NOT NULL,
    UNIQUE (account_id, id)
);

-- The bot's files, at most 16 MiB (as campaign files since 0007); never
-- changed (a new upload is a new row). A tombstone keeps no bytes.
CREATE TABLE zapdesk.automation_files (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    mime        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('image', 'audio', 'document')),
    bytes       bytea NOT NULL
                CONSTRAINT automation_files_at_most_16_mib CHECK (octet_length(bytes) <= 16777216),
    created_at  bigint NOT NULL,
    version     bigint NOT NULL DEFAULT 0,
    deleted_at  bigint,
    hlc         zapdesk.hlc NOT NULL,
    UNIQUE (account_id, id)
);

-- A flow's draft and which version new sessions start on. No key on
-- published_version_id: the version is written after its flow (it points
-- at the flow), as locally.
CREATE TABLE zapdesk.flows (
    id                    uuid PRIMARY KEY,
    account_id            uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    draft                 text NOT NULL,      -- JSON of the core's flow::FlowDocument
    revision              bigint NOT NULL,
    published_version_id  uuid,
    triggers              text NOT NULL,      -- JSON list of the core's flows::Trigger
    enabled               bigint NOT NULL CHECK (enabled IN (0, 1)),
    created_at            bigint NOT NULL,
    updated_at            bigint NOT NULL,
    version               bigint NOT NULL DEFAULT 0,
    deleted_at            bigint,
    hlc                   zapdesk.hlc NOT NULL,
    UNIQUE (account_id, id)
);

-- Published versions: immutable. `number` is for people and not unique:
-- two desktops publishing offline may both write v3, and both are kept.
-- A deleted flow is one tombstone (the flow's); its versions stay here as
-- they are, and no desktop applies a version whose flow it does not have.
CREATE TABLE zapdesk.flow_versions (
    id            uuid PRIMARY KEY,
    account_id    uuid NOT NULL,
    flow_id       uuid NOT NULL,
    number        bigint NOT NULL,
    document      text NOT NULL,
    published_at  bigint NOT NULL,
    version       bigint NOT NULL DEFAULT 0,
    deleted_at    bigint,
    hlc           zapdesk.hlc NOT NULL,
    UNIQUE (account_id, id),
    FOREIGN KEY (account_id, flow_id) REFERENCES zapdesk.flows (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);

-- A flow running in one conversation. No unique "one active session per
-- conversation": a pushed row must never be refused for it (two desktops
-- may each have started one); the runner ends the older one locally.
CREATE TABLE zapdesk.flow_sessions (
    id               uuid PRIMARY KEY,
    account_id       uuid NOT NULL,
    conversation_id  uuid NOT NULL,
    flow_id          uuid NOT NULL,
    version_id       uuid NOT NULL,
    state            text NOT NULL,           -- JSON of the core's engine::Session; '' once a tombstone
    status           text NOT NULL CHECK (status IN ('active', 'ended')),
    wake_at          bigint,
    ended_reason     text,
    started_by       text NOT NULL,
    started_at       bigint NOT NULL,
    updated_at       bigint NOT NULL,
    ended_at         bigint,
    version          bigint NOT NULL DEFAULT 0,
    deleted_at       bigint,
    hlc              zapdesk.hlc NOT NULL,
    FOREIGN KEY (account_id, conversation_id) REFERENCES zapdesk.conversations (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (account_id, flow_id) REFERENCES zapdesk.flows (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    FOREIGN KEY (account_id, version_id) REFERENCES zapdesk.flow_versions (account_id, id)
        ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);

-- Which flow node or keyword sent a message ('flow', 'keyword', 'system';
-- NULL: a person or the phone), and the flow a campaign's replies start. No
-- keys: a deleted flow or keyword leaves what it sent as it was.
ALTER TABLE zapdesk.messages
    ADD COLUMN bot_source text CHECK (bot_source IS NULL OR bot_source IN ('flow', 'keyword', 'system')),
    ADD COLUMN bot_ref uuid,
    ADD COLUMN bot_node text;
ALTER TABLE zapdesk.campaigns ADD COLUMN reply_flow_id uuid;

-- A tombstone keeps no personal data: a session's state holds what the
-- contact answered (a name, an e-mail, a CPF), a bot file's bytes may be
-- anything. The other tables' cases are 0001's and 0006's.
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
        WHEN 'automation_files' THEN
            NEW.bytes := ''::bytea;
        WHEN 'flow_sessions' THEN
            NEW.state := '';
    END CASE;
    RETURN NEW;
END
$$;
CREATE TRIGGER scrub_tombstone BEFORE INSERT OR UPDATE ON zapdesk.automation_files
    FOR EACH ROW EXECUTE FUNCTION zapdesk.scrub_tombstone();
CREATE TRIGGER scrub_tombstone BEFORE INSERT OR UPDATE ON zapdesk.flow_sessions
    FOR EACH ROW EXECUTE FUNCTION zapdesk.scrub_tombstone();

DO $$
DECLARE
    t record;
    operators text := zapdesk.operator_group();
BEGIN
    FOR t IN SELECT * FROM (VALUES
        ('automation_settings', 'account_id'),
        ('keywords', 'id'),
        ('automation_files', 'id'),
        ('flows', 'id'),
        ('flow_versions', 'id'),
        ('flow_sessions', 'id')
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
