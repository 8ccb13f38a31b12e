-- Why: feeds that send items without titles (photo posts, microblogs), media of every type
-- (podcasts, video) and bodies in no recognisable encoding.
-- title_derived: the upstream item had no title and `title` was made by us, so the feeds can
--   leave the RSS <title> (and the JSON Feed title) out, as the upstream did.
-- enclosures: the item's media as a JSON array of {url, type, length}; NULL when it has none.
-- decode_warning: the last body fetched could not be decoded in any encoding tried and was read
--   as UTF-8 with replacement characters; shown in the health view; NULL when decoding worked.
ALTER TABLE articles ADD COLUMN title_derived INTEGER NOT NULL DEFAULT 0 CHECK (title_derived IN (0, 1));
ALTER TABLE articles ADD COLUMN enclosures TEXT;
ALTER TABLE sources ADD COLUMN decode_warning TEXT;
