-- How many contacts each account has, kept by triggers in the transaction
-- of every insert and delete (sync pulls, imports, LGPD erasure and an
-- account's cascade included), so a page of the contact list (the API's
-- `total`, the Contacts screen) without a filter reads one row instead of
-- counting the account's index: 2.4 ms on 100 000 contacts, measured in
-- docs/benchmarks.md (issue 17). Local to this desktop, derived, not synced.
CREATE TABLE contact_counts (
    account_id BLOB PRIMARY KEY NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    contacts   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO contact_counts (account_id, contacts)
SELECT id, (SELECT count(*) FROM contacts c WHERE c.account_id = a.id) FROM accounts a;

CREATE TRIGGER contact_counts_account AFTER INSERT ON accounts BEGIN
    INSERT INTO contact_counts (account_id, contacts) VALUES (NEW.id, 0)
    ON CONFLICT (account_id) DO NOTHING;
END;

CREATE TRIGGER contact_counts_insert AFTER INSERT ON contacts BEGIN
    UPDATE contact_counts SET contacts = contacts + 1 WHERE account_id = NEW.account_id;
END;

-- During an account's cascade its row may already be gone: nothing to
-- update. Never below zero: a count off by one must not refuse a delete.
CREATE TRIGGER contact_counts_delete AFTER DELETE ON contacts BEGIN
    UPDATE contact_counts SET contacts = max(contacts - 1, 0) WHERE account_id = OLD.account_id;
END;
