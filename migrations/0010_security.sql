-- Why: three defences that need state.
--
-- 1. A refresh applies only to the source as it was when the refresh began. Every admin change
--    (PATCH) moves the source's generation on; a created source starts from a random one, so a
--    source deleted and created again under the same slug (or the same reused rowid) never has
--    the generation of the old one. The refresh's write batch begins with the guard below: it
--    fails the CHECK, and so rolls back the whole batch, when the generation is not the one the
--    refresh read.
ALTER TABLE sources ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;

-- One row, rewritten by the first statement of every refresh batch with 1 when the source is
-- still at the refresh's generation, else 0, which the CHECK refuses.
CREATE TABLE refresh_guard (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  current INTEGER NOT NULL CONSTRAINT superseded CHECK (current = 1)
);

-- 2. WebSub request rate limits: a fixed window per key ("client:<ip>", "host:<callback host>"),
--    counted by one atomic upsert (src/db/rate-limits.ts).
CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,  -- ms; the window this count belongs to
  count INTEGER NOT NULL
);

-- 3. The per-callback-host cap compares normalised hosts (no port, loopback spellings as one):
--    existing rows get the port dropped; new rows are written normalised by the hub.
UPDATE websub_subscriptions
SET callback_host = CASE
  WHEN callback_host LIKE '[%' THEN substr(callback_host, 2, instr(callback_host, ']') - 2)
  WHEN instr(callback_host, ':') > 0 THEN substr(callback_host, 1, instr(callback_host, ':') - 1)
  ELSE callback_host END;
UPDATE websub_subscriptions SET callback_host = 'localhost'
WHERE callback_host IN ('127.0.0.1', '::1') OR callback_host LIKE '127.%' OR callback_host LIKE '%.localhost';
