-- A number per account that moves in the transaction of every change to
-- what a contact filter reads (contacts, contact_tags, contact_fields),
-- whichever connection or process writes: this app, a sync pull, a CLI.
-- The in-memory segment-count index (crates/core/src/contact_index) is
-- kept under it and rebuilt when it moved, so a count is exact while
-- unrelated writes (messages, conversations) leave the index alone.
-- Local to this desktop, derived, not synced (not in crates/sync/src/tables.rs).
CREATE TABLE contact_index_gen (
    account_id BLOB PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    gen        INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Starts at a random number, not 0: a cache kept for another file
-- (restored, copied) is unlikely to meet the same number with other data.
INSERT INTO contact_index_gen (account_id, gen) SELECT id, random() FROM accounts;

CREATE TRIGGER contact_index_gen_account AFTER INSERT ON accounts BEGIN
    INSERT INTO contact_index_gen (account_id, gen) VALUES (NEW.id, random())
    ON CONFLICT (account_id) DO NOTHING;
END;

CREATE TRIGGER contact_index_gen_contact_insert AFTER INSERT ON contacts BEGIN
    UPDATE contact_index_gen SET gen = gen + 1 WHERE account_id = NEW.account_id;
END;

CREATE TRIGGER contact_index_gen_contact_delete AFTER DELETE ON contacts BEGIN
    UPDATE contact_index_gen SET gen = gen + 1 WHERE account_id = OLD.account_id;
END;

-- Only the columns a filter reads: the sync triggers rewrite `hlc` after
-- every insert and update, and `updated_at`/`name` edits that leave
-- `name_folded` alone must not throw the index away.
CREATE TRIGGER contact_index_gen_contact_update AFTER UPDATE ON contacts
WHEN NEW.id IS NOT OLD.id OR NEW.account_id IS NOT OLD.account_id
  OR NEW.phone IS NOT OLD.phone OR NEW.name_folded IS NOT OLD.name_folded
  OR NEW.created_at IS NOT OLD.created_at OR NEW.opted_out_at IS NOT OLD.opted_out_at
BEGIN
    UPDATE contact_index_gen SET gen = gen + 1 WHERE account_id IN (OLD.account_id, NEW.account_id);
END;

CREATE TRIGGER contact_index_gen_tag_insert AFTER INSERT ON contact_tags BEGIN
    UPDATE contact_index_gen SET gen = gen + 1 WHERE account_id = NEW.account_id;
END;

CREATE TRIGGER contact_index_gen_tag_delete AFTER DELETE ON contact_tags BEGIN
    UPDATE contact_index_gen SET gen = gen + 1 WHERE account_id = OLD.account_id;
END;

CREATE TRIGGER contact_index_gen_tag_update AFTER UPDATE ON contact_tags
WHEN NEW.account_id IS NOT OLD.account_id OR NEW.contact_id IS NOT OLD.contact_id
  OR NEW.tag_id IS NOT OLD.tag_id
BEGIN
    UPDATE contact_index_gen SET gen = gen + 1 WHERE account_id IN (OLD.account_id, NEW.account_id);
END;

CREATE TRIGGER contact_index_gen_field_insert AFTER INSERT ON contact_fields BEGIN
    UPDATE contact_index_gen SET gen = gen + 1 WHERE account_id = NEW.account_id;
END;

CREATE TRIGGER contact_index_gen_field_delete AFTER DELETE ON contact_fields BEGIN
    UPDATE contact_index_gen SET gen = gen + 1 WHERE account_id = OLD.account_id;
END;

CREATE TRIGGER contact_index_gen_field_update AFTER UPDATE ON contact_fields
WHEN NEW.account_id IS NOT OLD.account_id OR NEW.contact_id IS NOT OLD.contact_id
  OR NEW.field_id IS NOT OLD.field_id OR NEW.value IS NOT OLD.value OR NEW.num IS NOT OLD.num
BEGIN
    UPDATE contact_index_gen SET gen = gen + 1 WHERE account_id IN (OLD.account_id, NEW.account_id);
END;
