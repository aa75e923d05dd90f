-- Actions from the cloud (issue 17, part 5; docs/integrations.md). Zapier,
-- Make or n8n cannot reach a desktop (it sits behind the agency's router on
-- 127.0.0.1), but they can write to the agency's PostgreSQL: an action
-- (send a text, add or remove a tag, start a flow) is a row of
-- `zapdesk.commands`. The desktop that runs the number claims the row,
-- executes it once and writes the result back to it
-- (crates/sync/src/commands.rs, crates/app/src/cloud_commands.rs).
--
-- Who may do what:
--   * members of the account (any role: the integration logs in as an
--     operator invited for it) insert and read the account's commands, and
--     delete those not being executed (the texts are personal data: the
--     agency clears what it no longer needs);
--   * nobody changes a command by hand: a desktop claims, renews, gives
--     back and finishes rows through the SECURITY DEFINER functions below, as leases (0004)
--     are taken, so a member cannot mark someone else's command done or
--     take it without holding the number's lease.
--
-- Not a synced table: no version, no tombstone, no hlc; a command is
-- executed on one desktop and its effects (the message, the tag, the
-- session) are synced like any other write of that desktop.

CREATE TABLE zapdesk.commands (
    -- The writer may choose it (a retried insert with the same id is then
    -- refused instead of queued twice); otherwise the server does.
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id        uuid NOT NULL REFERENCES zapdesk.accounts (id) ON DELETE CASCADE,
    -- Which number executes it; NULL: the contact's usual number, or any
    -- number of the account (a desktop that runs one of them claims it).
    instance_id       uuid,
    kind              text NOT NULL
                      CHECK (kind IN ('send_text', 'add_tag', 'remove_tag', 'start_flow')),
    -- {"phone": "+55…", "text": "…"}, {"phone", "tag"}, {"phone", "flow"}.
    payload           jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- The same fields as plain columns, merged into `payload` on insert
    -- (columns win). Zapier's and Make's "new row" forms map one field per
    -- column; building JSON by hand there breaks on the first quote or line
    -- break in a customer's message.
    phone             text,
    text              text,
    tag               text,
    flow              text,
    status            text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'running', 'done', 'failed')),
    -- What the desktop did ('done': the message, tag or session ids).
    result            jsonb,
    -- Why it failed ('failed'): ZapDesk's stable error code
    -- (`command_invalid`, `phone_invalid`, …) and a text for a person in the
    -- desktop's language.
    error_code        text,
    error_message     text,
    -- The desktop that claimed it (its node id, as in number_leases.holder)
    -- and the login it claimed with: "this desktop" is both, as for leases.
    claimed_by        text,
    claimed_operator  text,
    claimed_at        timestamptz,
    -- The claiming desktop's own clock (Unix ms) when it first claimed the
    -- row, for people reading the table (a desktop whose clock is off).
    -- Nothing relies on it: executing a row again is harmless because
    -- what it writes has ids derived from the command's id (the message,
    -- the flow session), which sync carries to every desktop.
    claimed_local_ms  bigint,
    -- How many times it was claimed (more than 1: executed again after a
    -- crash, a lost connection or a failure that may pass; the execution is
    -- idempotent). The desktop gives up on a row at its fifth claim.
    attempts          integer NOT NULL DEFAULT 0,
    -- timestamptz, unlike the synced tables' Unix ms: these columns are read
    -- by people in Zapier, Make and SQL editors.
    created_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    -- A number of this account (an unknown one is refused at once, where
    -- the person writing the row sees it, instead of waiting forever).
    FOREIGN KEY (account_id, instance_id) REFERENCES zapdesk.instances (account_id, id)
        ON DELETE CASCADE
);

-- What the desktops look for: an account's waiting rows, oldest first.
CREATE INDEX commands_waiting ON zapdesk.commands (account_id, created_at)
    WHERE status IN ('pending', 'running');

-- A new row is pending, whatever the writer sent for the columns the
-- desktops own: an insert cannot claim, finish or fake a result. Empty
-- strings count as absent (forms send "" for a field left blank).
CREATE FUNCTION zapdesk.new_command() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    NEW.id := coalesce(NEW.id, gen_random_uuid());
    NEW.payload := coalesce(NEW.payload, '{}'::jsonb);
    NEW.phone := nullif(btrim(NEW.phone), '');
    NEW.text := nullif(NEW.text, '');
    NEW.tag := nullif(btrim(NEW.tag), '');
    NEW.flow := nullif(btrim(NEW.flow), '');
    IF num_nonnulls(NEW.phone, NEW.text, NEW.tag, NEW.flow) > 0 THEN
        NEW.payload := NEW.payload || jsonb_strip_nulls(jsonb_build_object(
            'phone', NEW.phone, 'text', NEW.text, 'tag', NEW.tag, 'flow', NEW.flow));
    END IF;
    NEW.status := 'pending';
    NEW.result := NULL;
    NEW.error_code := NULL;
    NEW.error_message := NULL;
    NEW.claimed_by := NULL;
    NEW.claimed_operator := NULL;
    NEW.claimed_at := NULL;
    NEW.claimed_local_ms := NULL;
    NEW.attempts := 0;
    NEW.created_at := now();
    NEW.finished_at := NULL;
    RETURN NEW;
END
$$;
CREATE TRIGGER new_command BEFORE INSERT ON zapdesk.commands
    FOR EACH ROW EXECUTE FUNCTION zapdesk.new_command();

-- A poke per account and statement on `<the account's channel>_commands`
-- (0007's random per-account channel, readable only by members through
-- my_channels()), so the desktop that runs the number claims at once.
-- Another channel than the sync engine's: a command is not a pull.
CREATE FUNCTION zapdesk.notify_commands() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO zapdesk.account_channels (account_id)
    SELECT DISTINCT account_id FROM added ON CONFLICT DO NOTHING;
    PERFORM pg_notify(c.channel || '_commands', c.account_id::text)
    FROM zapdesk.account_channels c
    WHERE c.account_id IN (SELECT account_id FROM added);
    RETURN NULL;
END
$$;
CREATE TRIGGER notify_insert AFTER INSERT ON zapdesk.commands
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION zapdesk.notify_commands();

-- Claims up to `max_rows` commands for the desktop `node` of the caller's
-- login, oldest first, and returns them. A command is this desktop's when
-- it holds, by the server's clock, the lease of the command's number (or,
-- without a number, of any number of the account) and says it runs that
-- number (`numbers`: a desktop whose number stopped but whose lease has not
-- expired yet claims nothing for it). The lease must be of a number the
-- account has (not deleted): leases are taken by any member, for any id,
-- and one on a made-up number must not make its holder the executor of the
-- account's commands without a number. Rows it claimed before and never
-- finished (a crash, a lost connection) are claimed again; another
-- desktop's unfinished rows only after ten minutes (that desktop is gone).
-- SKIP LOCKED: two desktops claiming at once never take the same row.
CREATE FUNCTION zapdesk.claim_commands(node text, numbers uuid[], local_ms bigint, max_rows integer)
RETURNS TABLE (id uuid, account_id uuid, instance_id uuid, kind text, payload jsonb,
               attempts integer, claimed_local_ms bigint, created_ms bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    t_now bigint := zapdesk.now_ms();
BEGIN
    IF max_rows NOT BETWEEN 1 AND 100 THEN
        RAISE EXCEPTION 'max_rows % out of range', max_rows USING ERRCODE = '22023';
    END IF;
    RETURN QUERY
    WITH held AS (
        SELECT l.account_id, l.instance_id FROM zapdesk.number_leases l
        WHERE l.holder = node AND l.operator = session_user AND l.expires_at >= t_now
          AND l.instance_id = ANY (numbers)
          AND l.account_id = ANY (zapdesk.my_accounts())
          AND EXISTS (SELECT 1 FROM zapdesk.instances i
                      WHERE i.account_id = l.account_id AND i.id = l.instance_id
                        AND i.deleted_at IS NULL)
    ), picked AS (
        SELECT c.id FROM zapdesk.commands c
        WHERE c.account_id IN (SELECT h.account_id FROM held h)
          AND (c.instance_id IS NULL
               OR (c.account_id, c.instance_id) IN (SELECT h.account_id, h.instance_id FROM held h))
          AND (c.status = 'pending'
               OR (c.status = 'running'
                   AND ((c.claimed_by = node AND c.claimed_operator = session_user)
                        OR c.claimed_at < now() - interval '10 minutes')))
        ORDER BY c.created_at, c.id
        LIMIT max_rows
        FOR UPDATE OF c SKIP LOCKED
    )
    UPDATE zapdesk.commands c SET
        status = 'running',
        claimed_local_ms = CASE WHEN c.claimed_by = node AND c.claimed_operator = session_user
                                THEN coalesce(c.claimed_local_ms, local_ms) ELSE local_ms END,
        claimed_by = node,
        claimed_operator = session_user,
        claimed_at = now(),
        attempts = c.attempts + 1
    FROM picked p
    WHERE c.id = p.id
    RETURNING c.id, c.account_id, c.instance_id, c.kind, c.payload, c.attempts, c.claimed_local_ms,
              (extract(epoch FROM c.created_at) * 1000)::bigint;
END
$$;

-- Writes a claimed command's outcome, if this desktop (node and login)
-- still holds the claim; whether it did. Not taken back once written.
CREATE FUNCTION zapdesk.finish_command(command uuid, node text, succeeded boolean, outcome jsonb,
                                       code text, message text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE zapdesk.commands c SET
        status = CASE WHEN succeeded THEN 'done' ELSE 'failed' END,
        result = outcome,
        error_code = code,
        error_message = message,
        finished_at = now()
    WHERE c.id = command AND c.status = 'running'
      AND c.claimed_by = node AND c.claimed_operator = session_user
      AND c.account_id = ANY (zapdesk.my_accounts());
    RETURN FOUND;
END
$$;

-- Whether this desktop (node and login) still holds the claim of a
-- command, and if so renews it (claimed_at: another desktop takes a row
-- over only ten minutes after its last renewal). Asked before executing
-- each claimed row: a desktop that slept, or whose connection was down,
-- for longer than that may have lost it, and must not execute it again
-- beside the desktop that took it over.
CREATE FUNCTION zapdesk.hold_command(command uuid, node text)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    UPDATE zapdesk.commands c SET claimed_at = now()
    WHERE c.id = command AND c.status = 'running'
      AND c.claimed_by = node AND c.claimed_operator = session_user
      AND c.account_id = ANY (zapdesk.my_accounts());
    RETURN FOUND;
END
$$;

-- Gives back the commands this desktop (node and login) claimed and has not
-- finished: pending again, at once claimable by whichever desktop runs
-- their number (a desktop closing does not leave them waiting ten
-- minutes). `commands` NULL: all of them. How many were given back.
CREATE FUNCTION zapdesk.release_commands(node text, commands uuid[] DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    released integer;
BEGIN
    UPDATE zapdesk.commands c SET
        status = 'pending',
        claimed_by = NULL,
        claimed_operator = NULL,
        claimed_at = NULL,
        claimed_local_ms = NULL
    WHERE c.status = 'running'
      AND (commands IS NULL OR c.id = ANY (commands))
      AND c.claimed_by = node AND c.claimed_operator = session_user
      AND c.account_id = ANY (zapdesk.my_accounts());
    GET DIAGNOSTICS released = ROW_COUNT;
    RETURN released;
END
$$;

-- One command in one call, for tools that run a database function rather
-- than insert a row (Make's PostgreSQL app; `SELECT zapdesk.queue_command(…)`
-- from n8n or any SQL client). The caller's own rights: the same policy
-- and trigger as an insert. Returns the command's id.
--
-- `id`: chosen by the caller (Make's and n8n's retries run the same call
-- again after a timeout whose insert went through): a call with an id
-- already queued queues nothing and returns that id — the command is
-- queued once. NULL (the default): a new id each call. An id the caller
-- cannot see (another account's) returns NULL, queueing nothing.
CREATE FUNCTION zapdesk.queue_command(account_id uuid, kind text, phone text,
                                      text text DEFAULT NULL, tag text DEFAULT NULL,
                                      flow text DEFAULT NULL, instance_id uuid DEFAULT NULL,
                                      id uuid DEFAULT NULL)
RETURNS uuid
LANGUAGE sql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
    WITH added AS (
        INSERT INTO zapdesk.commands (id, account_id, kind, phone, text, tag, flow, instance_id)
        VALUES (coalesce($8, gen_random_uuid()), $1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT (id) DO NOTHING
        RETURNING id
    )
    SELECT coalesce((SELECT a.id FROM added a),
                    (SELECT c.id FROM zapdesk.commands c WHERE c.id = $8))
$$;

ALTER TABLE zapdesk.commands ENABLE ROW LEVEL SECURITY;
CREATE POLICY members_read ON zapdesk.commands FOR SELECT
    USING (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]));
CREATE POLICY members_add ON zapdesk.commands FOR INSERT
    WITH CHECK (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]));
CREATE POLICY members_clear ON zapdesk.commands FOR DELETE
    USING (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[]) AND status <> 'running');

REVOKE EXECUTE ON FUNCTION zapdesk.new_command(), zapdesk.notify_commands(),
    zapdesk.claim_commands(text, uuid[], bigint, integer),
    zapdesk.finish_command(uuid, text, boolean, jsonb, text, text),
    zapdesk.hold_command(uuid, text),
    zapdesk.release_commands(text, uuid[]),
    zapdesk.queue_command(uuid, text, text, text, text, text, uuid, uuid)
    FROM PUBLIC;

DO $$
DECLARE
    operators text := zapdesk.operator_group();
BEGIN
    -- No UPDATE: claims and outcomes go through the functions.
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON zapdesk.commands TO %I', operators);
    EXECUTE format('GRANT EXECUTE ON FUNCTION
                        zapdesk.claim_commands(text, uuid[], bigint, integer),
                        zapdesk.finish_command(uuid, text, boolean, jsonb, text, text),
                        zapdesk.hold_command(uuid, text),
                        zapdesk.release_commands(text, uuid[]),
                        zapdesk.queue_command(uuid, text, text, text, text, text, uuid, uuid)
                    TO %I', operators);
END
$$;
