-- Why: the two story key indexes (0015) cost a new article that heads a story 1.78 rows written
-- (D1 counts each index entry as a row), most of what it wrote past its row and its search row.
-- A story's keys are now label tokens of its head's search index row (like its tags and months,
-- 0013/0019), which a new article writes anyway: finding the candidates of a new article is one
-- MATCH of its probes' tokens within the story window's rowids (src/db/stories.ts), and filing a
-- head writes no index entry.
--
-- story_keys: the head's whole-text key, then its lead key when that differs ("123 456"), as its
--             search row's tokens spell them; kept in the row so a candidate read tells which of
--             a new article's probes it matched. NULL on the others, as the keys were.
--
-- Heads stored before keep their keys in story_key / story_lead_key, in the old indexes, until
-- the search index's rebuild (src/archive/search-rebuild.ts, step 1) moves each into story_keys
-- and its search row (whose words step 2 then puts back), a bounded batch at a time; members'
-- keys (stored before 0017) are dropped. It drops the two indexes once they are empty (a moment
-- then). Until a head's turn a new article is not compared with it: step 1
-- runs on the first request after a deploy, at thousands of articles a second. The two old
-- columns then stay NULL (dropping a column rewrites the table).
ALTER TABLE articles ADD COLUMN story_keys TEXT;

-- Who runs the search index's rebuild until when: a cron tick or a request's kick
-- (src/web/search-rebuild-kick.ts) takes it, so two never do the same batches at once; taken
-- only while there is work. Here and not in 0019, so that a database which applied an earlier
-- form of 0019 gets it too.
CREATE TABLE search_rebuild (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  lease_until INTEGER NOT NULL
);
INSERT INTO search_rebuild (id, lease_until) VALUES (1, 0);
