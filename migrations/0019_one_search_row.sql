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
-- This migration only sets the new table up; it does no work that grows with the articles, so
-- it runs in a moment on any database (D1 stops a single query at 30 s). The cron fills the new
-- table in bounded steps (src/archive/search-rebuild.ts; docs/operations.md says what to expect),
-- and so does the first request an isolate serves while step 1 has work (a deploy is followed by
-- a visit long before the next cron tick):
--  1. every article of the old layout (a search rowid of 1e13 or more, or -1e13 or less) gets
--     its new rowid and a row of its labels, newest first: listings, feeds and sitemaps are
--     whole again after the first ticks;
--  2. then its words, read again from its body (from R2 when archived), newest first: until an
--     article's words are in, search does not find it (a label-only row carries the "words
--     pending" token, by which step 2 finds them).
-- Who runs the rebuild (a lease) is 0020's table, which a database that applied an earlier form
-- of this migration (the whole rebuild in one go, too slow for a large database) gets too.
--
-- The old index is dropped: nothing reads it (the words are read again from the bodies). The
-- old label table stays until step 1 is done, so the code deployed before this migration keeps
-- listing articles in the seconds until the new code is live (its searches find nothing then).

DROP TABLE search_index;
CREATE VIRTUAL TABLE search_index USING fts5(
  tokens,
  content = '',
  contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 0'
);

-- Old rowids within 1e13 of zero (articles dated within ~113 days of 1970-01-01, as a broken
-- CMS's "1970-01-01 08:00" is) look like new ones: they move, in order, far below any old or new
-- rowid (−8e15), where step 1 finds them. An index range: it touches only those rows. (One such
-- article stored by the code before 0019 in the seconds between this migration and the new code
-- going live would keep its old rowid, and is found again only when an edit reindexes it.)
UPDATE articles SET search_rowid = search_rowid - 8000000000000000
  WHERE search_rowid > -10000000000000 AND search_rowid < 10000000000000;

-- The archive's walk (0017) keeps its place as a search rowid; the rowids change, so its next
-- tick starts a pass from the beginning (a pass only re-reads: nothing is archived twice). An
-- article the rebuild renumbers below the walk's place after it passed waits for the next pass.
UPDATE archive_state SET sweep_after = NULL;
