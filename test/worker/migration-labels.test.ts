// migrations/0013_fewer_rows.sql on a database written the way the schema before it was: tag
// links in article_tags, a search index row per article, the fetch log as rows. After it, every
// article is still found by search, listed under each of its tags and its month, and rendered;
// the fetch log and the listing summaries carry over; an article stored before the search index
// existed is found and listed once the cron's backfill reaches it.
import { migrateBefore, migrateFrom } from "./migrate";
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { listArticles } from "../../src/db/articles";
import { listFetchLog } from "../../src/db/fetch-log";
import { getArchiveNeighbours, listMonthEntries } from "../../src/db/months";
import { indexMissing } from "../../src/db/search";
import { searchRebuildTick } from "../../src/archive/search-rebuild";
import { getSourceBySlug } from "../../src/db/sources";
import { d1Runner } from "../../src/db/sql";
import { listTagStats } from "../../src/db/tags";
import { buildSearchQuery, indexTokens } from "../../src/core/search-tokens";

const db = env.LABELS_MIGRATION_DB;
const runner = d1Runner(db);
const TAGS = ["民生", "就业", "社区", "教育"];
const ARTICLES = 24;

async function request(path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(
    new Request(`https://news.test${path}`),
    { ...env, DB: db, MEMORY_CACHE_MB: "0" },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

/** Article n as the old schema held it: two sources, three months, two or three tags each, a word
 *  of its own in its body; the last one never indexed (stored before search existed). */
function oldArticle(n: number) {
  const id = n.toString(16).padStart(16, "0");
  const month = ["2026/09", "2026/10", "2026/11"][n % 3]!;
  const day = String(1 + (n % 27)).padStart(2, "0");
  const publishedAt = Date.parse(`${month.replace("/", "-")}-${day}T08:00:00+08:00`) + n;
  const tags = [TAGS[n % 4]!, TAGS[(n + 1) % 4]!, ...(n % 2 ? [TAGS[(n + 2) % 4]!] : [])];
  return {
    n,
    id,
    source: 1 + (n % 2),
    path: `${month}/${day}`,
    title: `旧文章${n}号`,
    body: `<p>第${n}篇正文，词xq${n}zz只在这里。</p>`,
    publishedAt,
    tags,
    searchRowid: n === ARTICLES - 1 ? null : publishedAt * 1024,
  };
}

describe("migration 0013 on a database of the earlier layout", () => {
  it("keeps every article found by search, under each tag and month, rendered; the fetch log and summaries too", async () => {
    await migrateBefore(db, "0013");

    const old = Array.from({ length: ARTICLES }, (_, n) => oldArticle(n));
    const writes: D1PreparedStatement[] = [
      db.prepare(
        `INSERT INTO sources (slug, name, label, created_at) VALUES ('guilinwanbao', '桂林晚报', '桂林晚报新闻', 0),
           ('lijiang', '漓江日报', '漓江日报新闻', 0)`,
      ),
      db.prepare(`INSERT INTO tags (name) SELECT value FROM json_each(?1)`).bind(JSON.stringify(TAGS)),
    ];
    for (const a of old) {
      writes.push(
        db
          .prepare(
            `INSERT INTO articles (id, source_id, guid, path_date, title, published_at, published_offset, updated_at, updated_offset,
               content_hash, first_seen_at, summary, content_html, search_rowid)
             VALUES (?1, ?2, ?1, ?3, ?4, ?5, 480, ?5, 480, 'h', 0, '摘要', ?6, ?7)`,
          )
          .bind(a.id, a.source, a.path, a.title, a.publishedAt, a.body, a.searchRowid),
        ...a.tags.map((t, position) =>
          db
            .prepare(
              `INSERT INTO article_tags (article_id, tag_id, position, published_at) SELECT ?1, id, ?2, ?3 FROM tags WHERE name = ?4`,
            )
            .bind(a.id, position, a.publishedAt, t),
        ),
      );
      if (a.searchRowid !== null)
        writes.push(
          db
            .prepare("INSERT INTO search_index (rowid, tokens) VALUES (?1, ?2)")
            .bind(a.searchRowid, indexTokens(`${a.title} ${a.tags.join(" ")} ${a.body}`)),
        );
    }
    for (let i = 0; i < 3; i++)
      writes.push(
        db
          .prepare(
            "INSERT INTO source_fetches (source_id, fetched_at, status, new, unchanged, duration_ms) VALUES (1, ?1, '200', ?2, 0, 12)",
          )
          .bind(1000 + i, i),
      );
    await db.batch(writes);

    await migrateFrom(db, "0013");
    // And the cron's rebuild of the search index into 0019's layout (one tick holds it all).
    expect(await searchRebuildTick({ db: runner, bucket: null, log: () => undefined })).toMatchObject({ done: true });

    expect((await db.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n).toBe(ARTICLES);
    // The article never indexed is reached by the cron's backfill, labels included.
    expect(await indexMissing(runner, 100)).toBe(1);

    for (const a of old) {
      // Found by its own word and by a word of its title.
      for (const q of [`xq${a.n}zz`, a.title]) {
        const match = buildSearchQuery(q)!.match;
        const found = await listArticles(runner, { kind: "search", query: q, match }, { limit: 50 });
        expect(
          found.items.map((i) => i.id),
          q,
        ).toContain(a.id);
      }
      // Rendered, with its tags in their order.
      const source = a.source === 1 ? "guilinwanbao" : "lijiang";
      const res = await request(`/${source}/${a.path}/${a.id}.html`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain(`<h1>${a.title}</h1>`);
      const positions = a.tags.map((t) => html.indexOf(`/tag/${encodeURIComponent(t)}`));
      expect(positions.every((p) => p > 0)).toBe(true);
      expect([...positions].sort((x, y) => x - y)).toEqual(positions);
    }

    // Each tag lists exactly the articles article_tags linked to it, newest first.
    for (const tag of TAGS) {
      const want = old
        .filter((a) => a.tags.includes(tag))
        .sort((x, y) => y.publishedAt - x.publishedAt)
        .map((a) => a.id);
      const listed = await listArticles(runner, { kind: "tag", tag }, { limit: 50 });
      expect(
        listed.items.map((i) => i.id),
        tag,
      ).toEqual(want);
    }
    expect(Object.fromEntries((await listTagStats(runner)).map((t) => [t.name, t.articleCount]))).toEqual(
      Object.fromEntries(TAGS.map((t) => [t, old.filter((a) => a.tags.includes(t)).length])),
    );

    // Each month lists exactly its articles (sitemap and archive), and the archive chain links.
    const lijiang = (await getSourceBySlug(runner, "lijiang"))!;
    expect(lijiang.id).toBe(2);
    for (const month of ["2026/09", "2026/10", "2026/11"]) {
      const want = old.filter((a) => a.path.startsWith(month)).map((a) => a.id);
      expect((await listMonthEntries(runner, month, 100)).map((e) => e.id).sort()).toEqual([...want].sort());
      const bySource = await listArticles(runner, { kind: "month", month, source: lijiang }, { limit: 100 });
      expect(bySource.items.map((i) => i.id).sort()).toEqual(
        old
          .filter((a) => a.path.startsWith(month) && a.source === 2)
          .map((a) => a.id)
          .sort(),
      );
    }
    expect(await getArchiveNeighbours(runner, "2026/10", 2)).toEqual({ older: "2026/09", newer: "2026/11" });
    expect(await getArchiveNeighbours(runner, null, null)).toEqual({ older: "2026/11", newer: null });

    // The fetch log, newest first, now in the source's row.
    expect((await listFetchLog(runner, 1)).map((e) => [e.at, e.new])).toEqual([
      [1002, 2],
      [1001, 1],
      [1000, 0],
    ]);
    // A source's archive months were counted from its articles.
    const counts = await db
      .prepare("SELECT source_id, month, article_count FROM source_month_stats ORDER BY source_id, month")
      .all<{ source_id: number; month: string; article_count: number }>();
    expect(counts.results.reduce((n, r) => n + r.article_count, 0)).toBe(ARTICLES);
  }, 60_000);
});
