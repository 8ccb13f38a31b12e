-- Why: sitemaps list articles by the month of their permalink date; this index makes a month's
-- sitemap one index range instead of a scan of every article.
CREATE INDEX articles_by_path_date ON articles (path_date, id);
-- A category's archive months (RFC 5005 archive feeds) likewise.
CREATE INDEX articles_by_source_path_date ON articles (source_id, path_date, id);
