-- Why: a one-character query ("桂") is a prefix of every token that starts with the character
-- (src/core/search-tokens.ts), and the index has no prefix index (0019). FTS5 answers a prefix
-- query without one by merging the whole posting list of every matching term before the first
-- row: at 100,000 articles 15–90 ms for a common character. An OR of those terms is read lazily,
-- newest first, and stops at the page's end. This table lists the index's terms (one row per
-- term; a range of terms, `term >= '桂' AND term < '桃'`, reads only those), so a search can
-- expand the character into them (src/db/search-vocab.ts). A view over search_index: no bytes
-- stored, nothing to keep in step.
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_index, 'row');
