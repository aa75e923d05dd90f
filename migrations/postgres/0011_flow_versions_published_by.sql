-- Who published a flow version (issue 16): the desktops' column of
-- migrations/sqlite/0020, synced with the rest of the row. Text, not a
-- reference to an operator: the name as it was when the version was
-- published, as the audit log keeps its actor's.
ALTER TABLE zapdesk.flow_versions ADD COLUMN published_by text;
