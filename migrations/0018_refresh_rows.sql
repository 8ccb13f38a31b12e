-- Why: D1 bills every row written, index entries included. A refresh that found nothing new wrote
-- 3 rows (the refresh guard's row, the source's row, its `sources_due` entry) and the cron's claim
-- 2 more per source (the source's row and its `sources_due` entry again). Now it is 1: the
-- source's row.
--
-- 1. The due index goes. `next_fetch_at` moves on every refresh and every claim, so its entry was
--    rewritten each time. The cron finds the due sources by reading the sources table (rows
--    read are a thousandth of the price of rows written; the figures are in docs/operations.md).
DROP INDEX IF EXISTS sources_due;

-- 2. The refresh guard no longer writes its row: it inserts one only when the source is not at
--    the refresh's generation any more, and that row fails the CHECK "superseded", which rolls
--    the whole batch back (src/db/sources.ts, refreshGuardStatement). The table stays empty, so
--    that insert meets the CHECK and never the primary key.
DELETE FROM refresh_guard;

-- 3. The cron's claims, in one row for all sources: `claimed` holds ["id.generation.last_fetch_at",
--    leased until] for every claim whose lease is not over (a claim holds until the source records
--    a refresh or an admin changes it), `latest` the ids the last claiming tick (`tick`) took. A tick writes this row once, whatever the number of sources it claims; it
--    wrote the row of each source (and its index entry) before (src/db/sources.ts, claimDueSources,
--    which also creates the row).
CREATE TABLE refresh_claims (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  tick    TEXT,
  claimed TEXT NOT NULL DEFAULT '[]',
  latest  TEXT NOT NULL DEFAULT '[]'
);
