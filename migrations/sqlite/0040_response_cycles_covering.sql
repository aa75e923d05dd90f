-- The dashboard's read of the kept response cycles (issue 18,
-- crates/core/src/reports/kept.rs) names `resolved_by` and `resolved_to`
-- too; 0033's two indexes did not hold them, so every cycle of the periods
-- (about 6 600 per account and 60 days in the bench) was a second search in
-- the table for those two columns. These two hold every column the read
-- names, so it never touches the table (measured: docs/benchmarks.md,
-- "Issue 18", last sub-section). They replace 0033's, so a write still
-- keeps two indexes on the table.
--
-- Indexes of the LOCAL table `response_cycles` (derived per desktop, never
-- synced, see 0033): nothing here for the sync triggers, on purpose — an
-- index is not a row, and the table itself is not synced.
DROP INDEX response_cycles_opened;
DROP INDEX response_cycles_resolved;

CREATE INDEX response_cycles_opened_all ON response_cycles (
    account_id, opened_at, conversation_id, first_response_at, resolved_at, resolved_by, resolved_to);
CREATE INDEX response_cycles_resolved_all ON response_cycles (
    account_id, resolved_at, opened_at, conversation_id, first_response_at, resolved_by, resolved_to)
    WHERE resolved_at IS NOT NULL;
