-- Why: the foundation of the site. Sources are the upstream newspapers and double as the site's
-- categories; articles are stored once, sanitized, with their published instant in UTC *and* the
-- UTC offset the source wrote, so pages and feeds can show "+08:00" as the paper did. Tags are
-- many-to-many. Every listing is read newest-first with keyset pagination, so each has an index
-- ending in (published_at DESC, id DESC); no query pages with OFFSET.

CREATE TABLE sources (
  id               INTEGER PRIMARY KEY,
  slug             TEXT    NOT NULL UNIQUE,            -- "guilinwanbao"; also the category path
  name             TEXT    NOT NULL,                   -- 桂林晚报
  label            TEXT    NOT NULL,                   -- 桂林晚报新闻, used as the source's tag
  homepage         TEXT,
  feed_url         TEXT,
  timezone         TEXT    NOT NULL DEFAULT 'Asia/Shanghai',
  enabled          INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  interval_minutes INTEGER NOT NULL DEFAULT 30 CHECK (interval_minutes > 0),
  -- Fetch state the refresh keeps (conditional GET, scheduling, health).
  etag             TEXT,
  last_modified    TEXT,
  next_fetch_at    INTEGER NOT NULL DEFAULT 0,         -- ms since epoch; 0 = due now
  last_fetch_at    INTEGER,
  last_status      TEXT,                               -- '200' | '304' | 'error'
  error_count      INTEGER NOT NULL DEFAULT 0,
  last_error       TEXT,
  created_at       INTEGER NOT NULL
);

CREATE TABLE articles (
  id               TEXT    PRIMARY KEY,                -- stable public id (16 hex), in the permalink
  source_id        INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  guid             TEXT    NOT NULL,                   -- upstream identity: guid, else link, else hash
  path_date        TEXT    NOT NULL,                   -- "2022/02/21", fixed at first insert
  original_url     TEXT,
  title            TEXT    NOT NULL,
  published_at     INTEGER NOT NULL,                   -- ms since epoch, UTC
  published_offset INTEGER NOT NULL,                   -- minutes east of UTC as written (+480)
  updated_at       INTEGER NOT NULL,
  updated_offset   INTEGER NOT NULL,
  author           TEXT,
  image            TEXT,
  content_hash     TEXT    NOT NULL,                   -- of every stored field; skips unchanged items
  first_seen_at    INTEGER NOT NULL,
  -- The large columns last: SQLite reads a row's columns in order, so validators and listings
  -- (content_hash, dates) never walk the overflow pages of a long body.
  summary          TEXT    NOT NULL DEFAULT '',
  content_html     TEXT    NOT NULL DEFAULT '',        -- sanitized at ingest, never re-sanitized
  UNIQUE (source_id, guid)
);
CREATE INDEX articles_by_time        ON articles (published_at DESC, id DESC);
CREATE INDEX articles_by_source_time ON articles (source_id, published_at DESC, id DESC);

CREATE TABLE tags (
  id   INTEGER PRIMARY KEY,
  name TEXT    NOT NULL UNIQUE
);

-- published_at is copied here so a tag listing is one index range, not a join-then-sort.
CREATE TABLE article_tags (
  article_id   TEXT    NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  tag_id       INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  position     INTEGER NOT NULL DEFAULT 0,            -- the tag's place in the article's own order
  published_at INTEGER NOT NULL,
  PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX article_tags_by_tag_time ON article_tags (tag_id, published_at DESC, article_id DESC);
