-- Why: not every paper has a feed. A source's `kind` says how its refresh reads it: 'feed' (RSS,
-- Atom, JSON Feed), 'html' (list and article pages read with CSS selectors) or 'json' (an app's
-- JSON API read with a field mapping). `rules` holds that configuration as JSON (for a feed,
-- optionally the selector that fetches full text for summary-only items); it is data, not code.
ALTER TABLE sources ADD COLUMN kind TEXT NOT NULL DEFAULT 'feed' CHECK (kind IN ('feed', 'html', 'json'));
ALTER TABLE sources ADD COLUMN rules TEXT;

-- Pages a refresh fetched besides the source's own URL: article pages of html sources and the
-- item pages of summary-only feeds. Their validators make the next visit a conditional GET, and
-- `status` remembers a page that did not match the rules, so it is not fetched again every run.
CREATE TABLE source_pages (
  source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  etag TEXT,
  last_modified TEXT,
  status TEXT NOT NULL,          -- 'ok' | 'unmatched' | 'error'
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER NOT NULL,
  checked_at INTEGER NOT NULL,
  PRIMARY KEY (source_id, url)
) WITHOUT ROWID;
