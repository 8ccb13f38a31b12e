-- Why: /sitemap.xml (articles per permalink month) and /api/v1/categories (articles per source)
-- aggregated over every article: a full scan per request, ~1 s at a million articles. These
-- summaries are kept in step by triggers, so every writer (the refresh, the admin API, the import
-- CLI through wrangler) updates them in the same transaction as the article, and a read is a
-- few rows. path_date and source_id never change after an article's first insert.
CREATE TABLE month_stats (
  month TEXT PRIMARY KEY,             -- "yyyy/mm" of path_date
  article_count INTEGER NOT NULL,
  last_updated INTEGER NOT NULL       -- max(updated_at) of the month's articles
) WITHOUT ROWID;

CREATE TABLE source_stats (
  source_id INTEGER PRIMARY KEY,
  article_count INTEGER NOT NULL,
  last_updated INTEGER                -- max(updated_at) of the source's articles
);

INSERT INTO month_stats (month, article_count, last_updated)
  SELECT substr(path_date, 1, 7), count(*), max(updated_at) FROM articles GROUP BY substr(path_date, 1, 7);
INSERT INTO source_stats (source_id, article_count, last_updated)
  SELECT source_id, count(*), max(updated_at) FROM articles GROUP BY source_id;

CREATE TRIGGER articles_stats_insert AFTER INSERT ON articles
BEGIN
  INSERT INTO month_stats (month, article_count, last_updated) VALUES (substr(NEW.path_date, 1, 7), 1, NEW.updated_at)
    ON CONFLICT (month) DO UPDATE SET article_count = article_count + 1, last_updated = max(last_updated, excluded.last_updated);
  INSERT INTO source_stats (source_id, article_count, last_updated) VALUES (NEW.source_id, 1, NEW.updated_at)
    ON CONFLICT (source_id) DO UPDATE SET article_count = article_count + 1, last_updated = max(coalesce(last_updated, 0), excluded.last_updated);
END;

CREATE TRIGGER articles_stats_update AFTER UPDATE OF updated_at ON articles
BEGIN
  UPDATE month_stats SET last_updated = max(last_updated, NEW.updated_at) WHERE month = substr(NEW.path_date, 1, 7);
  UPDATE source_stats SET last_updated = max(coalesce(last_updated, 0), NEW.updated_at) WHERE source_id = NEW.source_id;
END;

-- A delete (only when a source is deleted) only counts down: the newest update of what is left
-- cannot be derived from the old maximum, and recomputing it per deleted row would be quadratic.
-- deleteSourceStatements (src/db/sources.ts) recomputes last_updated once for the months it
-- touched, after the delete.
CREATE TRIGGER articles_stats_delete AFTER DELETE ON articles
BEGIN
  UPDATE month_stats SET article_count = article_count - 1 WHERE month = substr(OLD.path_date, 1, 7);
  UPDATE source_stats SET article_count = article_count - 1 WHERE source_id = OLD.source_id;
END;
