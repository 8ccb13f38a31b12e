-- Why: the worker is a WebSub hub (W3C WebSub, 2018) for its own feeds. A subscription exists
-- only once its callback has confirmed the intent (the challenge GET), so there is no pending
-- state here: an unverified request never becomes a row. One row per (topic, callback): a
-- renewal replaces the lease and the secret in place.
CREATE TABLE websub_subscriptions (
  id INTEGER PRIMARY KEY,
  topic TEXT NOT NULL,              -- the feed URL as subscribed (only the parameters a feed reads)
  callback TEXT NOT NULL,
  callback_host TEXT NOT NULL,      -- for the per-host cap on subscriptions
  secret TEXT,                      -- hub.secret: deliveries carry X-Hub-Signature when set
  lease_seconds INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,      -- ms since epoch; an expired row gets nothing and is purged
  created_at INTEGER NOT NULL,
  verified_at INTEGER NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,  -- failed delivery attempts in a row
  failing_since INTEGER,            -- first failure of the current streak; dropped after a day of it
  last_delivery_at INTEGER,
  last_delivery_status TEXT,
  UNIQUE (topic, callback)
);
CREATE INDEX websub_subscriptions_expiry ON websub_subscriptions (expires_at);
CREATE INDEX websub_subscriptions_host ON websub_subscriptions (callback_host);

-- The version of each subscribed topic last announced to its subscribers: a publish check
-- compares it with the listing's current version (the same cheap query a 304 answers from).
CREATE TABLE websub_topics (
  topic TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  checked_at INTEGER NOT NULL
);
CREATE INDEX websub_topics_checked ON websub_topics (checked_at);
