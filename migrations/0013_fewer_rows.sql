-- Why: D1 bills every row written, index entries included, and the per-article triggers of 0008
-- wrote two summary rows (month, source) for every article stored or updated. The writer now
-- folds each batch into the summaries with one UPSERT per month and per source it touched
-- (statsStatements in src/db/article-writes.ts; every writer goes through planUpsert: the
-- refresh, the admin API, the import CLI). The delete trigger stays: articles are deleted only
-- with their source, and deleteSourceStatements relies on it.
DROP TRIGGER IF EXISTS articles_stats_insert;
DROP TRIGGER IF EXISTS articles_stats_update;
