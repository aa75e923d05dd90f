-- Who published a flow version (issue 16, the version history): the display
-- name of the operator chosen at the desktop that published it
-- (`users::me`), kept as text, as the audit log keeps its actor's name, so
-- the history reads the same on every desktop and after the operator is
-- renamed or removed. NULL: no operator was chosen there, or the version
-- was published before this column. Synced (crates/sync/src/tables.rs;
-- the server's column is migrations/postgres/0011).
ALTER TABLE flow_versions ADD COLUMN published_by TEXT;
