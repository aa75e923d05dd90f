-- A campaign may carry one file (image, audio or document) sent with each
-- message, the rendered text as its caption. The file is stored once under
-- the data folder (media/<account>/campaign-<id>.<ext>) and every message of
-- the campaign points at it, so deleting one recipient must not remove it.

ALTER TABLE campaigns ADD COLUMN media_path TEXT;     -- relative to the data folder
ALTER TABLE campaigns ADD COLUMN media_mime TEXT;
ALTER TABLE campaigns ADD COLUMN media_name TEXT;
ALTER TABLE campaigns ADD COLUMN media_size INTEGER;
