-- The pipeline (issue 18, item 7): per account, stages in order and a card
-- per contact or deal on one of them, as Botconversa's CRM board. Both are
-- synced (crates/sync/src/tables.rs; the server's side is
-- migrations/postgres/0016_pipeline.sql).
--
-- A card's place within its stage is a fractional key (`position`, text
-- compared byte by byte; crates/core/src/pipeline/position.rs): a move
-- writes one row, the moved card, with a key between its new neighbours, so
-- two desktops moving cards at once never rewrite each other's rows and
-- sync merges them row by row. Equal keys (two desktops dropping two cards
-- in the same gap with the same random tail) sort by id, the same on every
-- desktop.
--
-- A contact's deletion, and the LGPD erasure (lgpd.rs, which deletes the
-- contact row), takes their cards with it through the foreign key.

CREATE TABLE pipeline_stages (
    id             BLOB PRIMARY KEY NOT NULL,
    account_id     BLOB NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name           TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 40),
    color          TEXT NOT NULL,
    -- Left to right; a reorder writes every stage of the account (a handful).
    position       INTEGER NOT NULL,
    -- What entering the stage does: a tag put on the card's contact, a flow
    -- started in the contact's conversation. Not foreign keys: a tag or flow
    -- deleted (here or on another desktop) leaves the stage as it was and
    -- the action is skipped, rather than a pulled stage refused.
    add_tag_id     BLOB,
    start_flow_id  BLOB,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    hlc            TEXT,
    UNIQUE (account_id, id)
) STRICT;

CREATE INDEX pipeline_stages_by_account ON pipeline_stages (account_id, position);

CREATE TABLE pipeline_cards (
    id           BLOB PRIMARY KEY NOT NULL,
    account_id   BLOB NOT NULL,
    contact_id   BLOB NOT NULL,
    stage_id     BLOB NOT NULL,
    title        TEXT CHECK (title IS NULL OR length(title) BETWEEN 1 AND 120),
    -- Brazilian reais in cents (R$ 1.234,56 is 123456): no floating point.
    value_cents  INTEGER NOT NULL DEFAULT 0 CHECK (value_cents >= 0),
    -- The owner operator by e-mail: operators are rows of each desktop
    -- (`users`, not synced), the e-mail is who they are on every desktop.
    owner_email  TEXT,
    position     TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    hlc          TEXT,
    FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE,
    FOREIGN KEY (account_id, stage_id) REFERENCES pipeline_stages (account_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX pipeline_cards_by_stage ON pipeline_cards (account_id, stage_id, position, id);
CREATE INDEX pipeline_cards_by_contact ON pipeline_cards (account_id, contact_id);

-- Their outbox triggers come with the generated migration that follows
-- (0032, `cargo run -p zapdesk-sync --example sqlite-triggers -- --new`).
