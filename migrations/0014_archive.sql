-- Why: an archive tier. Once ARCHIVE_AFTER_DAYS is set (and an ARCHIVE R2 bucket is bound) the
-- cron moves old articles' bodies to R2: the row keeps every listing column, its content hash and
-- its search index row, content_html becomes '' and archived_at says where the body is. A refresh
-- that changes the article writes its new body to D1 again and clears archived_at.

ALTER TABLE articles ADD COLUMN archived_at INTEGER;   -- ms; NULL = the body is in content_html

-- The cron's candidates, oldest first: only rows still holding their body are in this index, so
-- finding the next batch never walks the rows archived before it, however many they are.
CREATE INDEX articles_to_archive ON articles (published_at) WHERE archived_at IS NULL;

-- The archive's last tick, for the status page: what it did, and its last failure (retried on the
-- next tick, never lost: a body leaves D1 only after R2 has it).
CREATE TABLE archive_state (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  last_run_at   INTEGER NOT NULL,                  -- ms
  last_archived INTEGER NOT NULL DEFAULT 0,        -- bodies moved by that tick
  last_error    TEXT,                              -- NULL when that tick had no failure
  last_error_at INTEGER
);
