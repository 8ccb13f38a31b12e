-- Why: the search index was ~5 KB per article (2.5× the text it indexes), most of an article's
-- bytes, and each new article wrote two FTS rows (its tokens, its labels). One table now holds
-- both, built to be smaller (bench/README.md, Search, measures each option):
--  * no prefix index (prefix='1' was ~40 % of the index). A one-character query is a prefix
--    query ("桂" *) that FTS5 answers by merging the posting lists of the tokens starting with
--    that character;
--  * the rowid is published_at's second × 16 + a tiebreak (was the millisecond × 1024): the
--    rowid deltas stored in every posting are two or three bytes shorter. Still time-ordered, so
--    every listing and search reads one posting list newest first (src/db/search.ts
--    freshSearchRowidSql, searchRowidAt);
--  * an article's labels (0013) are tokens after its own, in the same row: a new article writes
--    one FTS row. Labels start with a private-use character, which no visitor's query holds.
--
-- A contentless index cannot give its text back, and archived articles have no body in D1 to
-- tokenize again, so the new table is filled from the old one's own tokens: fts5vocab's
-- 'instance' view lists (term, doc, offset); each article's tokens in offset order are exactly
-- the text indexTokens wrote. Labels are built from the row (labelsSql in src/db/search.ts).
-- One migration, so search and listings switch at once and are never half-built. Its time grows
-- with the index (bench/README.md, Search, measures it); docs/operations.md says what to expect.

CREATE VIRTUAL TABLE search_text USING fts5(
  tokens,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 0'
);

-- The new rowids, in the old order (old rowids are unique and time-ordered). In a second the
-- articles take base + 0, 1, … 15; past 16 in one second the rest go just below, as the app's
-- freshSearchRowidSql places them: walking newest first, new = min(target, previous new − 1),
-- which is min over the articles so far of (target_j + j) − i, a running minimum.
CREATE TABLE search_rowid_moves (old INTEGER PRIMARY KEY, new INTEGER NOT NULL);
INSERT INTO search_rowid_moves (old, new)
  SELECT old, min(target + i) OVER (ORDER BY old DESC ROWS UNBOUNDED PRECEDING) - i
  FROM (
    SELECT old, target, row_number() OVER (ORDER BY old DESC) AS i
    FROM (
      SELECT search_rowid AS old,
        second * 16 + min(row_number() OVER (PARTITION BY second ORDER BY search_rowid) - 1, 15) AS target
      FROM (SELECT search_rowid, (published_at - ((published_at % 1000) + 1000) % 1000) / 1000 AS second
            FROM articles WHERE search_rowid IS NOT NULL)));

-- Each article's old tokens, gathered once (a table keyed by the old rowid, so the insert below
-- reads each by its key).
CREATE VIRTUAL TABLE search_index_instances USING fts5vocab(search_index, 'instance');
CREATE TABLE search_old_tokens (doc INTEGER PRIMARY KEY, tokens TEXT NOT NULL);
INSERT INTO search_old_tokens (doc, tokens)
  SELECT doc, group_concat(term, ' ' ORDER BY offset) FROM search_index_instances GROUP BY doc;
DROP TABLE search_index_instances;

INSERT INTO search_text (rowid, tokens)
  SELECT m.new, coalesce((SELECT t.tokens || ' ' FROM search_old_tokens t WHERE t.doc = a.search_rowid), '')
    || char(57344) || 'all ' || char(57346) || a.source_id || ' ' || char(57347) || substr(a.path_date, 1, 4) || substr(a.path_date, 6, 2) || ' ' || char(57348) || a.source_id || 'm'
      || substr(a.path_date, 1, 4) || substr(a.path_date, 6, 2)
      || coalesce((SELECT ' ' || group_concat(char(57345) || hex(value), ' ') FROM json_each(a.tags)), '')
  FROM articles a
  JOIN search_rowid_moves m ON m.old = a.search_rowid;
DROP TABLE search_old_tokens;

-- The unique index is dropped for the renumbering and built again after it: SQLite checks it row by
-- row in the table's order, not the search rowid's, so a row could be moved onto a value another
-- row still holds (possible where old and new values meet: articles dated near 1970, as a broken
-- CMS's "1970-01-01 08:00" is). The moves themselves are unique.
DROP INDEX articles_search_rowid;
UPDATE articles SET search_rowid = (SELECT new FROM search_rowid_moves WHERE old = articles.search_rowid)
  WHERE search_rowid IS NOT NULL;
CREATE UNIQUE INDEX articles_search_rowid ON articles (search_rowid);
DROP TABLE search_rowid_moves;

DROP TABLE search_index;
DROP TABLE search_labels;
ALTER TABLE search_text RENAME TO search_index;

-- The archive's walk (0017) keeps its place as a search rowid; the rowids were renumbered above,
-- so its next tick starts a pass from the beginning (a pass only re-reads: nothing is archived
-- twice or skipped).
UPDATE archive_state SET sweep_after = NULL;
