-- Why: D1 bills every index entry a new article writes as a row. Two of them had no reader that
-- needed them at write time.
--
-- articles_to_archive (0014) put every new article into a partial index only for the archive's
-- cron to find old bodies. The cron now walks the articles in the search rowid's order (the
-- existing, time-ordered articles_search_rowid) from a cursor kept here, a bounded window per
-- tick (src/db/archive.ts archiveWindow). An article the walk has passed and that holds its body
-- again (an edit by a refresh, an old item stored late) is archived by the next pass: the walk
-- starts again from the beginning once it has reached the cutoff and a day has passed since its
-- pass began. Rows read cost ~1/1000 of rows written (docs/archive.md has the arithmetic).
DROP INDEX IF EXISTS articles_to_archive;

-- sweep_after:      the search rowid the walk has examined up to; NULL = the next tick starts
--                   from the beginning (a migration that renumbers search rowids sets it NULL:
--                   a pass from the start only re-reads, it never archives twice or loses one).
-- sweep_started_at: ms when the current pass began.
ALTER TABLE archive_state ADD COLUMN sweep_after INTEGER;
ALTER TABLE archive_state ADD COLUMN sweep_started_at INTEGER;

-- Story members: from now on an article that joins a story stores no story_key (its story is
-- found through the head's keys, and the head lists it in story_members), so joining writes one
-- row (the head's list) instead of two. Members stored before keep their key: they stay
-- candidates, whose story_id leads to the same head, and clearing them would write two rows each.
