-- What the bot reads before each message's transaction — the account's bot
-- settings, custom fields, keywords and flows — changes rarely, and reading
-- it costs four round trips per message (docs/benchmarks.md, issue 15). The
-- runner keeps it in memory (automation/run/config.rs) while this clock has
-- not moved. Every change moves it: any connection, any process on this file
-- (zapdesk-cli), a pull from the agency's server. `epoch` names this file,
-- so a copy kept for another store (a restored backup, a test's folder
-- reused) is never taken for this one's. Local; one row.
CREATE TABLE automation_config_clock (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    epoch    BLOB NOT NULL,
    version  INTEGER NOT NULL
) STRICT;
INSERT INTO automation_config_clock (id, epoch, version) VALUES (1, randomblob(16), 0);

CREATE TRIGGER automation_config_settings_insert AFTER INSERT ON automation_settings
BEGIN UPDATE automation_config_clock SET version = version + 1; END;
CREATE TRIGGER automation_config_settings_update AFTER UPDATE ON automation_settings
BEGIN UPDATE automation_config_clock SET version = version + 1; END;
CREATE TRIGGER automation_config_settings_delete AFTER DELETE ON automation_settings
BEGIN UPDATE automation_config_clock SET version = version + 1; END;

CREATE TRIGGER automation_config_fields_insert AFTER INSERT ON custom_fields
BEGIN UPDATE automation_config_clock SET version = version + 1; END;
CREATE TRIGGER automation_config_fields_update AFTER UPDATE ON custom_fields
BEGIN UPDATE automation_config_clock SET version = version + 1; END;
CREATE TRIGGER automation_config_fields_delete AFTER DELETE ON custom_fields
BEGIN UPDATE automation_config_clock SET version = version + 1; END;

CREATE TRIGGER automation_config_keywords_insert AFTER INSERT ON keywords
BEGIN UPDATE automation_config_clock SET version = version + 1; END;
CREATE TRIGGER automation_config_keywords_update AFTER UPDATE ON keywords
BEGIN UPDATE automation_config_clock SET version = version + 1; END;
CREATE TRIGGER automation_config_keywords_delete AFTER DELETE ON keywords
BEGIN UPDATE automation_config_clock SET version = version + 1; END;

CREATE TRIGGER automation_config_flows_insert AFTER INSERT ON flows
BEGIN UPDATE automation_config_clock SET version = version + 1; END;
CREATE TRIGGER automation_config_flows_update AFTER UPDATE ON flows
BEGIN UPDATE automation_config_clock SET version = version + 1; END;
CREATE TRIGGER automation_config_flows_delete AFTER DELETE ON flows
BEGIN UPDATE automation_config_clock SET version = version + 1; END;
