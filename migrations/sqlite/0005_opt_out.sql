-- Contacts who asked not to receive messages (LGPD, WhatsApp's own rules):
-- campaigns skip them; an operator can see it and undo it.
ALTER TABLE contacts ADD COLUMN opted_out_at INTEGER;  -- NULL while the contact accepts messages
