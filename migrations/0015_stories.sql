-- Why: one story, many papers. Local papers reprint the same story (a Xinhua release, a city
-- notice) on the same day; listings and feeds should show it once, with the other papers linked.
-- At ingest a new article's text is sketched (src/core/story-sketch.ts) and compared only with
-- the articles found through two narrow indexes of one hash value each, published within a few
-- days of it — never a scan. Every column but the two keys is outside any index, so a new article
-- costs at most two extra index rows (D1 counts each index entry as a row written).
--
-- story_id:       the id of the first article of its story (its own id when it heads one); NULL
--                 when the text was too short to judge, or stored before this migration.
-- story_sketch:   "count:base64" of the text's smallest shingle hashes (~270 characters).
-- story_key:      the smallest hash of the whole text; found by articles_by_story_key.
-- story_lead_key: the smallest hash of the lead, on an article that heads its story (NULL when
--                 it equals story_key, and on the others: their story is already found through
--                 its head, and the root's row update below is their second extra row).
-- story_members:  on the head of a story, the ids of the other articles in it, as a JSON array
--                 in the order they joined: the article page and the listings read the story
--                 through it by primary key, so no index on story_id is needed.
ALTER TABLE articles ADD COLUMN story_id TEXT;
ALTER TABLE articles ADD COLUMN story_sketch TEXT;
ALTER TABLE articles ADD COLUMN story_key INTEGER;
ALTER TABLE articles ADD COLUMN story_lead_key INTEGER;
ALTER TABLE articles ADD COLUMN story_members TEXT;
CREATE INDEX articles_by_story_key ON articles (story_key, published_at) WHERE story_key IS NOT NULL;
CREATE INDEX articles_by_story_lead_key ON articles (story_lead_key, published_at) WHERE story_lead_key IS NOT NULL;
