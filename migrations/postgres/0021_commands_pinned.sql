-- "Run again" of a cloud command whose outcome only one desktop knows
-- (issue 17, item 5).
--
-- What a desktop does for a row lives first in its own store: the message
-- queued in its outbox, the flow session started. Until its sync pushes
-- them, no other desktop can find them by the ids derived from the command.
-- A row the desktop gave up on with `database_failed` (its own store
-- failed, at the fifth claim: cloud_commands.rs) may have failed after the
-- message was queued there. "Run again" (Settings → Comandos da nuvem)
-- inserts a new row whose message and session ids are the chain's first
-- row's; run by another desktop, it would not find that message and would
-- send it a second time. So the new row is pinned to the desktop that ran
-- the failed one: only that desktop claims it (pending, given back, or
-- after the ten-minute takeover), finds what it queued, and writes the
-- outcome. A retry of a pinned row stays pinned. Any other failure code is
-- a refusal made before anything was done (what an earlier attempt queued
-- is found before refusing), and its retry runs wherever the number runs.
--
-- A pinned row waits for that desktop (running the number) and the app says
-- so. A member may delete it to give up, also once it is stuck `running`
-- on a desktop silent for ten minutes (no other desktop takes it over).

ALTER TABLE zapdesk.commands ADD COLUMN pinned_to text;

-- As 0012, and: the pin is the server's (an insert cannot set it); a row
-- naming a failed row of the account as its `retry_parent` (what "run
-- again" writes) is pinned as said above. A payload copied by an
-- integration with the field in it is pinned too: that only narrows who
-- executes it.
CREATE OR REPLACE FUNCTION zapdesk.new_command() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    parent text;
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
    NEW.pinned_to := NULL;
    IF jsonb_typeof(NEW.payload) = 'object' THEN
        parent := NEW.payload ->> 'retry_parent';
    END IF;
    IF parent ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
        -- The inserter's own rights: a row of an account it is no member of
        -- is not seen (and its insert is refused by the policy anyway).
        SELECT CASE WHEN p.error_code = 'database_failed'
                    THEN coalesce(p.pinned_to, p.claimed_by)
                    ELSE p.pinned_to END
        INTO NEW.pinned_to
        FROM zapdesk.commands p
        WHERE p.account_id = NEW.account_id AND p.id = parent::uuid
          AND p.status = 'failed';
    END IF;
    RETURN NEW;
END
$$;

-- As 0012, and: a pinned row only for its desktop, whether pending or
-- running (the ten-minute takeover included).
CREATE OR REPLACE FUNCTION zapdesk.claim_commands(node text, numbers uuid[], local_ms bigint,
                                                  max_rows integer)
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
          AND (c.pinned_to IS NULL OR c.pinned_to = node)
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

-- A row pinned to a desktop that never comes back would otherwise stay
-- forever, undeletable once it is stuck `running`: a member may give up on
-- a running row once its desktop has been silent for ten minutes.
DROP POLICY members_clear ON zapdesk.commands;
CREATE POLICY members_clear ON zapdesk.commands FOR DELETE
    USING (account_id = ANY ((SELECT zapdesk.my_accounts())::uuid[])
           AND (status <> 'running' OR claimed_at < now() - interval '10 minutes'));
