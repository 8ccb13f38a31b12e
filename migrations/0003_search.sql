-- Why: search that works for Chinese. Chinese has no spaces and most words are two characters,
-- which FTS5's trigram tokenizer cannot match at all. Like Lucene's CJK analyzer, the app writes
-- each Han run as overlapping bigrams plus its last character ("桂林市" → 桂林 林市 市), other
-- words as themselves, and FTS5 (unicode61) indexes those tokens: a 2-, 3- or 4-character word
-- is a phrase of bigrams, a single character a 1-character prefix (prefix='1' indexes those).
-- Contentless: the text lives in articles; the index keeps only tokens. The rowid is
-- published_at × 1024 + a small tiebreak, so "newest first" is the index's own order and a
-- common word never needs a sort; articles.search_rowid links each article to its row.

ALTER TABLE articles ADD COLUMN search_rowid INTEGER;
CREATE UNIQUE INDEX articles_search_rowid ON articles (search_rowid);

CREATE VIRTUAL TABLE search_index USING fts5(
  tokens,
  content = '',
  contentless_delete = 1,
  prefix = '1',
  tokenize = 'unicode61 remove_diacritics 0'
);
