// migrations/0020_story_keys_in_search.sql on a database whose story heads keep their keys in the
// indexed columns of the layout before it (the search index already one row per article, as the
// earlier form of 0019 left it, with no label table), and a member stored before 0017 that kept
// keys of its own. Until the rebuild moves a head's keys into its search row, a new article is not
// compared with it; after one cron tick of the rebuild every head is found again through its keys
// (whole text and lead), is still found by its words, and the two old indexes are gone.
import { migrateBefore, migrateFrom } from "./migrate";
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { searchRebuildTick } from "../../src/archive/search-rebuild";
import { buildSearchQuery, indexTokens } from "../../src/core/search-tokens";
import { encodeSketch, storySketch } from "../../src/core/story-sketch";
import { listArticles } from "../../src/db/articles";
import { freshSearchRowidSql, labelsSql } from "../../src/db/search";
import { d1Runner } from "../../src/db/sql";
import { readStoryCandidates } from "../../src/db/stories";

const db = env.STORY_KEYS_MIGRATION_DB;
const runner = d1Runner(db);
const DAY = 86_400_000;
const NOW = Date.parse("2026-11-20T09:00:00+08:00");

/** A long text of its own per story (a sketch needs enough shingles to judge). */
function storyText(n: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 30; i++)
    parts.push(`第${n}号新闻的第${i}句话讲述漓江沿岸第${n * 7 + i}户人家的生活变化与社区建设进展。`);
  return parts.join("");
}

describe("migration 0020 on heads that keep their keys in the old columns", () => {
  it("finds every head through its keys after the rebuild's tick, by its words too", async () => {
    await migrateBefore(db, "0020");

    await db
      .prepare("INSERT INTO sources (slug, name, label, created_at) VALUES ('guilinwanbao', '桂林晚报', '桂林晚报', 0)")
      .run();
    const heads = [0, 1, 2, 3].map((n) => {
      const text = storyText(n);
      return { n, id: `head${n}`.padStart(16, "0"), text, sketch: storySketch(text)!, at: NOW - n * 3_600_000 };
    });
    expect(heads.some((h) => h.sketch.leadKey !== null)).toBe(true);
    for (const h of heads) {
      await db.batch([
        db
          .prepare(
            `INSERT INTO articles (id, source_id, guid, path_date, title, published_at, published_offset, updated_at, updated_offset,
               content_hash, first_seen_at, summary, content_html, tags, story_id, story_sketch, story_key, story_lead_key, search_rowid)
             VALUES (?1, 1, ?1, '2026/11/20', ?2, ?3, 480, ?3, 480, 'h', 0, '', ?4, NULL, ?1, ?5, ?6, ?7, ${freshSearchRowidSql("?3")})`,
          )
          .bind(h.id, `头条${h.n}`, h.at, `<p>${h.text}</p>`, encodeSketch(h.sketch), h.sketch.key, h.sketch.leadKey),
        db
          .prepare(
            `INSERT INTO search_index (rowid, tokens) SELECT a.search_rowid, ?2 || ' ' || ${labelsSql("a", { stories: false })}
             FROM articles a WHERE a.id = ?1`,
          )
          .bind(h.id, indexTokens(`头条${h.n} ${h.text}`)),
      ]);
    }
    // A member of head 0's story stored before 0017, which still kept its own keys.
    const member = { id: "member0".padStart(16, "0"), key: 12345, at: NOW - 1_800_000 };
    await db.batch([
      db
        .prepare(
          `INSERT INTO articles (id, source_id, guid, path_date, title, published_at, published_offset, updated_at, updated_offset,
             content_hash, first_seen_at, summary, content_html, tags, story_id, story_sketch, story_key, search_rowid)
           VALUES (?1, 1, ?1, '2026/11/20', '转载', ?2, 480, ?2, 480, 'h', 0, '', '<p>成员独有词</p>', NULL, ?3, ?4, ?5, ${freshSearchRowidSql("?2")})`,
        )
        .bind(member.id, member.at, heads[0]!.id, encodeSketch(heads[0]!.sketch), member.key),
      db
        .prepare(
          `INSERT INTO search_index (rowid, tokens) SELECT a.search_rowid, ?2 || ' ' || ${labelsSql("a", { stories: false })}
           FROM articles a WHERE a.id = ?1`,
        )
        .bind(member.id, indexTokens("转载 成员独有词")),
    ]);
    // As a database that applied the earlier form of 0019 (the whole rebuild in one go) has it:
    // no label table of the layout before.
    await db.prepare("DROP TABLE search_labels").run();
    await migrateFrom(db, "0020");

    const candidatesOf = async (probes: readonly number[]) =>
      (await readStoryCandidates(runner, probes, NOW - 3 * DAY, NOW + DAY)).map((c) => c.id).sort();
    // Before: the heads' keys are not in their search rows yet.
    expect(await candidatesOf(heads.flatMap((h) => h.sketch.probes))).toEqual([]);

    const tick = await searchRebuildTick({ db: runner, bucket: null, log: () => undefined });
    expect(tick).toMatchObject({ relabelled: heads.length + 1, worded: heads.length, done: true });
    // The member's keys are gone (it is found through its head), its words never left.
    expect(await candidatesOf([member.key])).toEqual([]);
    const memberFound = await listArticles(
      runner,
      { kind: "search", query: "成员独有词", match: buildSearchQuery("成员独有词")!.match },
      { limit: 10 },
    );
    expect(memberFound.items.map((i) => i.id)).toEqual([member.id]);

    // Each head through its own probes, and through its lead key alone where it has one.
    for (const h of heads) {
      expect(await candidatesOf(h.sketch.probes), `head ${h.n}`).toContain(h.id);
      const found = (await readStoryCandidates(runner, [h.sketch.key], NOW - DAY, NOW + DAY)).find(
        (c) => c.id === h.id,
      );
      expect(found).toMatchObject({ key: h.sketch.key, leadKey: h.sketch.leadKey });
      if (h.sketch.leadKey !== null) expect(await candidatesOf([h.sketch.leadKey])).toContain(h.id);
    }
    // Outside the window, none.
    expect((await readStoryCandidates(runner, heads[0]!.sketch.probes, NOW + DAY, NOW + 2 * DAY)).length).toBe(0);
    // Still found by their words.
    const q = "漓江沿岸";
    const found = await listArticles(
      runner,
      { kind: "search", query: q, match: buildSearchQuery(q)!.match },
      { limit: 10 },
    );
    expect(found.items.map((i) => i.id).sort()).toEqual(heads.map((h) => h.id).sort());
    // The old key indexes are gone, and the keys left their columns.
    expect(
      (await db.prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'articles_by_story_%'").all()).results,
    ).toEqual([]);
    const left = await db
      .prepare("SELECT count(story_key) AS k, count(story_keys) AS ks FROM articles")
      .first<{ k: number; ks: number }>();
    expect(left).toEqual({ k: 0, ks: heads.length });
  });
});
