-- Why: D1 bills every row written, index entries included, and the per-article triggers of 0008
-- wrote two summary rows (month, source) for every article stored or updated. The writer now
-- folds each batch into the summaries with one UPSERT per month and per source it touched
-- (statsStatements in src/db/article-writes.ts; every writer goes through planUpsert: the
-- refresh, the admin API, the import CLI). The delete trigger stays: articles are deleted only
-- with their source, and deleteSourceStatements relies on it.
DROP TRIGGER IF EXISTS articles_stats_insert;
DROP TRIGGER IF EXISTS articles_stats_update;

-- Why: each refresh appended a row to source_fetches (and its index) and deleted the oldest: four
-- more rows written for a refresh that changed nothing. The newest 20 fetches now live in the
-- source's row as a JSON array (newest first), written by the same UPDATE that records the
-- outcome (src/db/fetch-log.ts).
ALTER TABLE sources ADD COLUMN fetch_log TEXT;
UPDATE sources SET fetch_log = (
  SELECT json_group_array(json_object('t', f.fetched_at, 's', f.status, 'n', f.new, 'u', f.updated, 'k', f.unchanged,
                                      'd', f.duration_ms, 'e', f.error))
  FROM (SELECT * FROM source_fetches WHERE source_id = sources.id ORDER BY id DESC LIMIT 20) f);
DROP TABLE source_fetches;
