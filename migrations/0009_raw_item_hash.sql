-- Why: when a feed's bytes change, usually one item is new and the other 49 are as they were.
-- A hash of each stored article's upstream item as parsed (salted with the pipeline's version,
-- the feed's base URLs and the source's label and zone: everything its normalized form depends
-- on) lets the refresh skip normalize, sanitize and planning for the items that did not change.
-- NULL (imported posts, rows from before this migration): the item is normalized as before.
ALTER TABLE articles ADD COLUMN raw_hash TEXT;
