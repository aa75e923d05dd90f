-- The decision about opt-out has its own clock (issue 13, item 6; the
-- desktops' side is migrations/sqlite/0016). A whole-row write with a later
-- row clock used to replace `opted_out_at` too, so a name edited on a
-- desktop that had not seen the contact's SAIR opted them back in, on every
-- desktop. An opt-out must never be lost to an unrelated edit (LGPD).
--
-- `opted_out_hlc` is the clock of the last write that decided about opt-out
-- (an opt-out, or an operator's opt-in). Whatever a writer sends, the pair
-- (`opted_out_at`, `opted_out_hlc`) changes only with a later opt-out clock,
-- and the rest of the row only with a later row clock: a push may carry an
-- older row with a newer opt-out (the desktop was offline when the contact
-- wrote SAIR), and then only the opt-out is taken. So the later decision
-- about opt-out wins, apart from every other column; docs/sync.md.

ALTER TABLE zapdesk.contacts ADD COLUMN opted_out_hlc zapdesk.hlc;

-- Rows already opted out: their row's clock, the latest write the opt-out
-- can have been (a desktop's migration takes its copy's, the same one).
UPDATE zapdesk.contacts SET opted_out_hlc = hlc WHERE opted_out_at IS NOT NULL;

-- Not SECURITY DEFINER: it only looks at the row being written, with the
-- writer's own rights. Named to run before refuse_future_clock and
-- stamp_version (BEFORE triggers fire in name order), so those see the
-- merged row.
CREATE FUNCTION zapdesk.merge_opt_out() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    decided_at  bigint;
    decided_hlc text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A writer that sends no clock for an opt-out: the row's.
        IF NEW.opted_out_at IS NOT NULL AND NEW.opted_out_hlc IS NULL THEN
            NEW.opted_out_hlc := NEW.hlc;
        END IF;
    ELSE
        IF coalesce(NEW.opted_out_hlc, '') COLLATE "C" <= coalesce(OLD.opted_out_hlc, '') COLLATE "C" THEN
            -- No later decision about opt-out in this write: the stored one stays.
            NEW.opted_out_at := OLD.opted_out_at;
            NEW.opted_out_hlc := OLD.opted_out_hlc;
        END IF;
        IF NEW.hlc COLLATE "C" < OLD.hlc COLLATE "C" THEN
            -- An older row let through for its later opt-out: only that.
            decided_at := NEW.opted_out_at;
            decided_hlc := NEW.opted_out_hlc;
            NEW := OLD;
            NEW.opted_out_at := decided_at;
            NEW.opted_out_hlc := decided_hlc;
        END IF;
    END IF;
    IF NEW.opted_out_hlc IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.opted_out_hlc IS DISTINCT FROM OLD.opted_out_hlc)
       AND substr(NEW.opted_out_hlc, 1, 13)::bigint > zapdesk.now_ms() + 600000 THEN
        -- As refuse_future_clock (0008) for the row's clock.
        RAISE EXCEPTION 'clock % is more than ten minutes ahead of the server''s', NEW.opted_out_hlc
            USING ERRCODE = 'check_violation', CONSTRAINT = 'hlc_ahead', TABLE = TG_TABLE_NAME;
    END IF;
    RETURN NEW;
END
$$;
REVOKE EXECUTE ON FUNCTION zapdesk.merge_opt_out() FROM PUBLIC;

CREATE TRIGGER merge_opt_out BEFORE INSERT OR UPDATE ON zapdesk.contacts
    FOR EACH ROW EXECUTE FUNCTION zapdesk.merge_opt_out();
