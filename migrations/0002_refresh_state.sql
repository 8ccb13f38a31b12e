-- Why: the cron refresh. A source that keeps failing is paused (and the health view says so);
-- each fetch records how long it took and what it stored, for the health view and the logs.
-- An item that carries no date gets its first-seen time, marked so the next fetch keeps that
-- time instead of replacing it (and so readers can be told the date is ours, not the paper's).

ALTER TABLE sources ADD COLUMN paused_at INTEGER;           -- ms; set after too many failures
ALTER TABLE sources ADD COLUMN last_duration_ms INTEGER;
ALTER TABLE sources ADD COLUMN last_counts TEXT;            -- JSON {"new":n,"updated":n,"unchanged":n}

ALTER TABLE articles ADD COLUMN date_source TEXT NOT NULL DEFAULT 'feed'
  CHECK (date_source IN ('feed', 'first_seen'));

-- The cron asks "which enabled sources are due?" every tick.
CREATE INDEX sources_due ON sources (enabled, next_fetch_at);
