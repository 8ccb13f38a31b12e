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

-- Why: filing an article wrote two rows per tag (article_tags and its index) and four index
-- entries for its listings (time, source and time, path date, source and path date). Now an
-- article's tags are a JSON array in its row (read with it: no join per listed article), and
-- every listing it is in — the site, its source, each tag, its permalink month, its source's
-- month — is a token of one row of a second contentless FTS5 table with the search index's
-- time-ordered rowid (src/core/search-tokens.ts spells the tokens; labelsSql in
-- src/db/search.ts builds them from a row, as below). A listing reads one posting list newest
-- first, as a search does.
-- detail=none: a label is matched alone, never as a phrase, so no positions are kept.
ALTER TABLE articles ADD COLUMN tags TEXT;
UPDATE articles SET tags = (
  SELECT json_group_array(name) FROM (
    SELECT t.name FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id = articles.id ORDER BY x.position))
WHERE id IN (SELECT article_id FROM article_tags);

CREATE VIRTUAL TABLE search_labels USING fts5(
  labels,
  content = '',
  contentless_delete = 1,
  detail = none,
  tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO search_labels (rowid, labels)
  SELECT a.search_rowid,
    char(57344) || 'all ' || char(57346) || a.source_id || ' ' || char(57347) || substr(a.path_date, 1, 4) || substr(a.path_date, 6, 2) || ' ' || char(57348) || a.source_id || 'm'
      || substr(a.path_date, 1, 4) || substr(a.path_date, 6, 2)
      || coalesce((SELECT ' ' || group_concat(char(57345) || hex(value), ' ') FROM json_each(a.tags)), '')
  FROM articles a WHERE a.search_rowid IS NOT NULL;

DROP TABLE article_tags;
-- Every listing now reads a label (the site's, a source's, a tag's, a month's): the time and
-- path-date indexes of articles have no reader left.
DROP INDEX articles_by_time;
DROP INDEX articles_by_source_time;
DROP INDEX articles_by_path_date;
DROP INDEX articles_by_source_path_date;

-- A category's archive months (the RFC 5005 chain's neighbours), which the path-date index
-- answered: counted per source and month like month_stats, folded in per batch by the writer.
CREATE TABLE source_month_stats (
  source_id INTEGER NOT NULL,
  month TEXT NOT NULL,                 -- "yyyy/mm" of path_date
  article_count INTEGER NOT NULL,
  PRIMARY KEY (source_id, month)
) WITHOUT ROWID;
INSERT INTO source_month_stats (source_id, month, article_count)
  SELECT source_id, substr(path_date, 1, 7), count(*) FROM articles GROUP BY source_id, substr(path_date, 1, 7);

DROP TRIGGER IF EXISTS articles_stats_delete;
CREATE TRIGGER articles_stats_delete AFTER DELETE ON articles
BEGIN
  UPDATE month_stats SET article_count = article_count - 1 WHERE month = substr(OLD.path_date, 1, 7);
  UPDATE source_stats SET article_count = article_count - 1 WHERE source_id = OLD.source_id;
  UPDATE source_month_stats SET article_count = article_count - 1
    WHERE source_id = OLD.source_id AND month = substr(OLD.path_date, 1, 7);
END;
