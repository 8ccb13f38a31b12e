-- Why: the operator's console. Failed sign-ins are counted per client address so guessing the
-- token is slow; each refresh leaves one row in a short per-source log (the newest 20 are kept)
-- so the console can show a source's recent fetches.

CREATE TABLE console_signin_failures (
  client       TEXT    PRIMARY KEY,                 -- the client's address (CF-Connecting-IP)
  failures     INTEGER NOT NULL,
  window_start INTEGER NOT NULL                     -- ms; the count restarts after the window
) WITHOUT ROWID;

CREATE TABLE source_fetches (
  id         INTEGER PRIMARY KEY,
  source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  fetched_at INTEGER NOT NULL,                      -- ms
  status     TEXT    NOT NULL,                      -- '200' | '304' | 'error'
  new        INTEGER NOT NULL DEFAULT 0,
  updated    INTEGER NOT NULL DEFAULT 0,
  unchanged  INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER,
  error      TEXT
);
CREATE INDEX source_fetches_by_source ON source_fetches (source_id, id DESC);
