-- Tag names that fold equal are one tag (issue 13 item 20): "vip", "VIP" and
-- "Víp" name the same thing for a person, but 0002's UNIQUE (account_id, name)
-- is case-sensitive, so both were accepted.
--
-- name_folded is written by the core (tags.rs, with text::fold) and by the
-- sync engine for pulled rows (crates/sync tables.rs `folded`), as
-- contacts.name_folded is. Here existing rows get it in SQL, which cannot call
-- text::fold: lower() for ASCII, then each accented letter text::fold knows,
-- in both cases (lower() leaves non-ASCII alone), one letter family per
-- statement (SQLite's parser refuses 48 nested replace()). That agrees with
-- text::fold on names in Latin letters; a Greek or Cyrillic capital keeps its
-- case here, and tags::create, which compares with text::fold in Rust, still
-- refuses the duplicate.
--
-- The backfill runs with the sync triggers off (sync_apply.applying, as a
-- pull does): name_folded is local-only, so no tag changed for the server.
ALTER TABLE tags ADD COLUMN name_folded TEXT;
UPDATE sync_apply SET applying = 1;
UPDATE tags SET name_folded = lower(name);
UPDATE tags SET name_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name_folded, 'á', 'a'), 'à', 'a'), 'â', 'a'), 'ã', 'a'), 'ä', 'a'), 'Á', 'a'), 'À', 'a'), 'Â', 'a'), 'Ã', 'a'), 'Ä', 'a');
UPDATE tags SET name_folded = replace(replace(replace(replace(replace(replace(replace(replace(name_folded, 'é', 'e'), 'è', 'e'), 'ê', 'e'), 'ë', 'e'), 'É', 'e'), 'È', 'e'), 'Ê', 'e'), 'Ë', 'e');
UPDATE tags SET name_folded = replace(replace(replace(replace(replace(replace(replace(replace(name_folded, 'í', 'i'), 'ì', 'i'), 'î', 'i'), 'ï', 'i'), 'Í', 'i'), 'Ì', 'i'), 'Î', 'i'), 'Ï', 'i');
UPDATE tags SET name_folded = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(name_folded, 'ó', 'o'), 'ò', 'o'), 'ô', 'o'), 'õ', 'o'), 'ö', 'o'), 'Ó', 'o'), 'Ò', 'o'), 'Ô', 'o'), 'Õ', 'o'), 'Ö', 'o');
UPDATE tags SET name_folded = replace(replace(replace(replace(replace(replace(replace(replace(name_folded, 'ú', 'u'), 'ù', 'u'), 'û', 'u'), 'ü', 'u'), 'Ú', 'u'), 'Ù', 'u'), 'Û', 'u'), 'Ü', 'u');
UPDATE tags SET name_folded = replace(replace(name_folded, 'ç', 'c'), 'Ç', 'c');
UPDATE tags SET name_folded = replace(replace(name_folded, 'ñ', 'n'), 'Ñ', 'n');
UPDATE sync_apply SET applying = 0;

-- Databases may already hold such twins. Each group keeps its oldest tag
-- (created_at, then id); the others ("losers") give it their contacts and
-- the filters that name them, then go. Every step runs through the sync
-- triggers, so other desktops and the server see the same merge.
CREATE TEMP TABLE tag_merge AS
SELECT t.account_id,
       t.id AS loser,
       (SELECT k.id FROM tags k
        WHERE k.account_id = t.account_id AND k.name_folded = t.name_folded
        ORDER BY k.created_at, k.id LIMIT 1) AS keeper
FROM tags t;
DELETE FROM tag_merge WHERE loser = keeper;

-- No contact loses a tag: a contact on both keeps one link (OR IGNORE).
INSERT OR IGNORE INTO contact_tags (account_id, contact_id, tag_id, created_at)
SELECT ct.account_id, ct.contact_id, m.keeper, ct.created_at
FROM contact_tags ct
JOIN tag_merge m ON m.account_id = ct.account_id AND m.loser = ct.tag_id;

-- Segment filters and campaign audiences are JSON naming tags by hyphenated
-- lower-case id; ids are unique, so replacing the text is exact (as the sync
-- engine's merge.rs does). One pass per loser, applied in turn.
CREATE TEMP TABLE tag_merge_text AS
SELECT row_number() OVER (ORDER BY loser) AS n,
       account_id,
       lower(substr(hex(loser), 1, 8) || '-' || substr(hex(loser), 9, 4) || '-' || substr(hex(loser), 13, 4)
             || '-' || substr(hex(loser), 17, 4) || '-' || substr(hex(loser), 21, 12)) AS loser,
       lower(substr(hex(keeper), 1, 8) || '-' || substr(hex(keeper), 9, 4) || '-' || substr(hex(keeper), 13, 4)
             || '-' || substr(hex(keeper), 17, 4) || '-' || substr(hex(keeper), 21, 12)) AS keeper
FROM tag_merge;

UPDATE segments SET filter = (
    WITH RECURSIVE step (n, f) AS (
        SELECT 0, segments.filter
        UNION ALL
        SELECT step.n + 1, replace(step.f, m.loser, m.keeper)
        FROM step JOIN tag_merge_text m ON m.n = step.n + 1
    )
    SELECT f FROM step ORDER BY n DESC LIMIT 1
)
WHERE EXISTS (SELECT 1 FROM tag_merge_text m
              WHERE m.account_id = segments.account_id AND instr(segments.filter, m.loser) > 0);

UPDATE campaigns SET audience = (
    WITH RECURSIVE step (n, f) AS (
        SELECT 0, campaigns.audience
        UNION ALL
        SELECT step.n + 1, replace(step.f, m.loser, m.keeper)
        FROM step JOIN tag_merge_text m ON m.n = step.n + 1
    )
    SELECT f FROM step ORDER BY n DESC LIMIT 1
)
WHERE EXISTS (SELECT 1 FROM tag_merge_text m
              WHERE m.account_id = campaigns.account_id AND instr(campaigns.audience, m.loser) > 0);

-- Explicit rather than by cascade, so it holds whatever the connection's
-- foreign_keys setting.
DELETE FROM contact_tags
WHERE EXISTS (SELECT 1 FROM tag_merge m WHERE m.account_id = contact_tags.account_id AND m.loser = contact_tags.tag_id);
DELETE FROM tags
WHERE EXISTS (SELECT 1 FROM tag_merge m WHERE m.account_id = tags.account_id AND m.loser = tags.id);

DROP TABLE tag_merge_text;
DROP TABLE tag_merge;

CREATE UNIQUE INDEX tags_by_folded_name ON tags (account_id, name_folded);
