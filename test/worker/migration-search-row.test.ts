// migrations/0019_one_search_row.sql on a database of the layout before it (article tokens in
// search_index with a prefix index, rowid = published_at ms × 1024 + tiebreak; labels in
// search_labels), then the cron's rebuild (src/archive/search-rebuild.ts) in small steps. After
// step 1 every article is listed under the site, its source, each tag and its month in the same
// order as before, though not yet found by its words; after step 2 every article — an archived
// one, whose body is read back from R2, included — is found by its words and by a single
// character, and paged through without a gap or a repeat. Twenty articles published in one second
// (more than its 16 rowids) keep their order; an article with no searchable text is still listed;
// an edit by a refresh during the rebuild is never overwritten with the old text; an archived body
// that R2 does not return holds up nothing else and is indexed once it is back.
import { migrateBefore, migrateFrom } from "./migrate";
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { createApp } from "../../src/app";
import { resetIsolateState } from "../../src/state";
import { describe, expect, it } from "vitest";
import { listArticles } from "../../src/db/articles";
import { listMonthEntries } from "../../src/db/months";
import {
  addWordsStatement,
  indexArticleStatements,
  labelsSql,
  legacyRows,
  pendingWordsRows,
  relabelLegacyStatements,
} from "../../src/db/search";
import { putBody } from "../../src/archive/bodies";
import { searchRebuildTick } from "../../src/archive/search-rebuild";
import { d1Runner, sql } from "../../src/db/sql";
import { buildSearchQuery, indexTokens } from "../../src/core/search-tokens";
import type { Cursor } from "../../src/core/model";

const db = env.SEARCH_MIGRATION_DB;
const runner = d1Runner(db);
const TAGS = ["民生", "就业", "社区"];
const ARTICLES = 40;
const WORDLESS = 37;
const SAME_SECOND = Date.parse("2026-10-05T00:00:00+08:00");
/** An archived article whose body R2 does not hold when the rebuild first reaches it. */
const LATE_BODY = 35;
const rebuild = (d: D1Database, steps: "both" | "labels" = "both") =>
  searchRebuildTick(
    { db: d1Runner(d), bucket: env.ARCHIVE, log: () => undefined },
    { budgetMs: 60_000, relabelBatch: 6, wordsBatch: 7, maxCalls: 1000, maxReads: 1000 },
    steps,
  );

/** Article n as the old layout held it; 10–29 share one second (a feed dating items by day). */
function oldArticle(n: number) {
  const id = n.toString(16).padStart(16, "0");
  const publishedAt =
    n >= 10 && n < 30 ? SAME_SECOND : Date.parse("2026-09-01T08:00:00+08:00") + n * 86_400_000 + (n % 7) * 1000;
  const date = new Date(publishedAt + 8 * 3_600_000).toISOString();
  return {
    n,
    id,
    source: 1 + (n % 2),
    path: `${date.slice(0, 4)}/${date.slice(5, 7)}/${date.slice(8, 10)}`,
    title: n === WORDLESS ? "——" : `旧闻${n}号`,
    body: n === WORDLESS ? "<p>……</p>" : `<p>第${n}篇正文，词qz${n}xk只在这里。</p>`,
    publishedAt,
    // In one second the tiebreaks count up in storage order, as freshSearchRowidSql gave them.
    searchRowid: publishedAt * 1024 + (n >= 10 && n < 30 ? n - 10 : 0),
    tags: n === WORDLESS ? [] : [TAGS[n % 3]!, ...(n % 2 ? [TAGS[(n + 1) % 3]!] : [])],
    archived: n % 5 === 0,
  };
}

/** A database of the layout before 0019 (every migration up to 0018) holding `old`'s articles
 *  as that layout's writer stored them. */
async function loadOldLayout(d: D1Database) {
  await migrateBefore(d, "0019");

  const old = Array.from({ length: ARTICLES }, (_, n) => oldArticle(n));
  const writes: D1PreparedStatement[] = [
    d.prepare(
      `INSERT INTO sources (slug, name, label, created_at) VALUES ('guilinwanbao', '桂林晚报', '桂林晚报新闻', 0),
         ('lijiang', '漓江日报', '漓江日报新闻', 0)`,
    ),
  ];
  for (const a of old) {
    writes.push(
      d
        .prepare(
          `INSERT INTO articles (id, source_id, guid, path_date, title, published_at, published_offset, updated_at, updated_offset,
             content_hash, first_seen_at, summary, content_html, search_rowid, tags, archived_at)
           VALUES (?1, ?2, ?1, ?3, ?4, ?5, 480, ?5, 480, 'h', 0, '摘要', ?6, ?7, ?8, ?9)`,
        )
        .bind(
          a.id,
          a.source,
          a.path,
          a.title,
          a.publishedAt,
          a.archived ? "" : a.body,
          a.searchRowid,
          JSON.stringify(a.tags),
          a.archived ? 1 : null,
        ),
      d
        .prepare("INSERT INTO search_index (rowid, tokens) VALUES (?1, ?2)")
        .bind(a.searchRowid, indexTokens(`${a.title} ${a.tags.join(" ")} ${a.body}`)),
      d
        .prepare(
          `INSERT INTO search_labels (rowid, labels) SELECT a.search_rowid, ${labelsSql("a", { stories: false })} FROM articles a WHERE a.id = ?1`,
        )
        .bind(a.id),
    );
  }
  await d.batch(writes);
  return old;
}

describe("migration 0019 on a database of the layout before it", () => {
  it("keeps every article found and listed in its order, archived ones included", async () => {
    const old = await loadOldLayout(db);
    const before = (
      await db.prepare("SELECT id FROM articles ORDER BY search_rowid DESC").all<{ id: string }>()
    ).results.map((r) => r.id);

    // A reader's next-page link issued before the migration: the old rowid of the 7th article.
    const seventh = old.find((a) => a.id === before[6])!;
    const oldCursor: Cursor = { ms: seventh.searchRowid, id: seventh.id };

    for (const a of old.filter((a) => a.archived && a.n !== LATE_BODY)) await putBody(env.ARCHIVE, a.id, a.body, "h");

    await migrateFrom(db, "0019");

    const search = async (q: string) =>
      (
        await listArticles(runner, { kind: "search", query: q, match: buildSearchQuery(q)!.match }, { limit: 100 })
      ).items.map((i) => i.id);
    const listedOf = async (scope: Parameters<typeof listArticles>[1]) =>
      (await listArticles(runner, scope, { limit: 100 })).items.map((i) => i.id);

    /** A refresh edits article `a`: a new body holding `word`, indexed at once (a new version). */
    const edit = (a: (typeof old)[number], word: string) =>
      db.batch(
        [
          sql(
            "UPDATE articles SET content_html = ?2, content_hash = 'h2' WHERE id = ?1",
            a.id,
            `<p>改写后的正文 ${word}</p>`,
          ),
          ...indexArticleStatements(a.id, `${a.title} ${a.tags.join(" ")} 改写后的正文 ${word}`),
        ].map((s) => db.prepare(s.sql).bind(...s.params)),
      );

    // A refresh edits an article after step 1 read it as of the old layout: the late step-1 write
    // changes nothing, and the article keeps its new words.
    const early = old[3]!;
    const legacy = (await legacyRows(runner, 100)).filter((r) => r.id === early.id);
    expect(legacy).toHaveLength(1);
    await edit(early, "nw3xk");
    await runner.batch(relabelLegacyStatements(legacy[0]!));
    expect(await search("nw3xk")).toEqual([early.id]);

    // Step 1 only (as a request's kick runs it): every article has its labels.
    const first = await rebuild(db, "labels");
    expect(first).toMatchObject({ relabelled: ARTICLES - 1, worded: 0, listed: true, done: false });
    expect(await listedOf({ kind: "all" })).toEqual(before);
    // … but not yet its words.
    expect(await search("qz29xk")).toEqual([]);

    // A refresh edits an article while step 2 has read its old text and not yet written it: the
    // edit's text is indexed at once, and the late write of the old one changes nothing (the
    // article, the newest of its crowded second, keeps its rowid, so only its version tells them
    // apart).
    const edited = old[29]!;
    const read = (await pendingWordsRows(runner, null, 100)).filter((r) => r.id === edited.id);
    expect(read).toHaveLength(1);
    await edit(edited, "nw29xk");
    await runner.batch([addWordsStatement(read[0]!, `${edited.title} ${edited.body}`)]);
    expect(await search("nw29xk")).toEqual([edited.id]);
    expect(await search("qz29xk")).toEqual([]);

    // Step 2 in small batches; the archived body R2 lacks is passed over, the rest go on.
    const second = await rebuild(db);
    expect(second).toMatchObject({ relabelled: 0, worded: ARTICLES - 3, skipped: 1, done: false });
    expect(await search(`qz${LATE_BODY}xk`)).toEqual([]);
    const late = old[LATE_BODY]!;
    await putBody(env.ARCHIVE, late.id, late.body, "h");
    expect(await rebuild(db)).toMatchObject({ worded: 1, skipped: 0, done: true });
    expect(await rebuild(db)).toEqual({ relabelled: 0, worded: 0, skipped: 0, listed: true, done: true, busy: false });
    expect(await db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'search_labels'").first()).toBeNull();
    expect(await search("nw29xk")).toEqual([edited.id]);
    expect(await search("qz29xk")).toEqual([]);

    // That link still leads to the articles after the 7th, not back to the newest page.
    const resumed = await listArticles(runner, { kind: "all" }, { limit: 100, before: oldCursor });
    expect(resumed.items.map((i) => i.id)).toEqual(before.slice(7));

    // "Published since" the crowded second holds all twenty of it, the four that overflowed below
    // its sixteen rowids included.
    const since = await listArticles(runner, { kind: "all" }, { limit: 100, filters: { sinceMs: SAME_SECOND } });
    expect(since.items.map((i) => i.id)).toEqual(
      before.filter((id) => old.find((a) => a.id === id)!.publishedAt >= SAME_SECOND),
    );
    expect(since.items.length).toBeGreaterThanOrEqual(20);

    // One index table, one row per article; the old label table is gone.
    expect((await db.prepare("SELECT count(*) AS n FROM search_index").first<{ n: number }>())!.n).toBe(ARTICLES);
    expect(await db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'search_labels'").first()).toBeNull();
    const rowids = await db
      .prepare("SELECT count(DISTINCT search_rowid) AS uniq, max(search_rowid) AS top FROM articles")
      .first<{ uniq: number; top: number }>();
    expect(rowids!.uniq).toBe(ARTICLES);
    expect(rowids!.top).toBeLessThan((Date.parse("2027-01-01") / 1000) * 16);

    for (const a of old.filter((a) => a.n !== WORDLESS && a !== edited && a !== early)) {
      // By its own word, by its title, and by its tags; the archived ones too.
      expect(await search(`qz${a.n}xk`), a.title).toEqual([a.id]);
      expect(await search(a.title), a.title).toContain(a.id);
    }
    // A single character: every article with words holds 旧 (in its title) and 篇 (in its body).
    const worded = before.filter((id) => id !== old[WORDLESS]!.id);
    expect(await search("旧")).toEqual(worded);
    expect(await search("篇")).toEqual(worded.filter((id) => id !== edited.id && id !== early.id));

    // The site's listing: the same articles in the same order as before, paged without a gap
    // or a repeat across the second holding twenty of them.
    const paged: string[] = [];
    let cursor: Cursor | undefined;
    do {
      const page = await listArticles(runner, { kind: "all" }, { limit: 7, before: cursor });
      paged.push(...page.items.map((i) => i.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(paged).toEqual(before);
    expect(paged).toContain(old[WORDLESS]!.id);

    for (const tag of TAGS) {
      const listed = await listArticles(runner, { kind: "tag", tag }, { limit: 100 });
      expect(
        listed.items.map((i) => i.id),
        tag,
      ).toEqual(before.filter((id) => old.find((a) => a.id === id)!.tags.includes(tag)));
    }
    const lijiang = { id: 2 } as const;
    const bySource = await listArticles(runner, { kind: "source", source: lijiang }, { limit: 100 });
    expect(bySource.items.map((i) => i.id)).toEqual(before.filter((id) => old.find((a) => a.id === id)!.source === 2));
    expect((await listMonthEntries(runner, "2026/10", 100)).map((e) => e.id)).toEqual(
      before.filter((id) => old.find((a) => a.id === id)!.path.startsWith("2026/10")),
    );
  }, 60_000);
});

describe("migration 0019 where old and new rowids meet", () => {
  // A broken CMS dates items "1970-01-01 08:00" (+08:00): published_at 0, where the old rowids
  // (ms × 1024 + tiebreak: 0, 1, 2, …) and the new ones (second × 16 + tiebreak) are the same
  // numbers. Seventeen such items, one of them edited after the others (an edit takes the top
  // tiebreak, 17, while its row stays early in the table). The rebuild must tell them from rows of
  // the present layout, and renumber them without a uniqueness failure; and one dated 2999, whose
  // old rowid JavaScript cannot hold exactly.
  it("renumbers them without a uniqueness failure and keeps their order", async () => {
    const epochDb = env.SEARCH_MIGRATION_EPOCH_DB;
    await migrateBefore(epochDb, "0019");
    const writes: D1PreparedStatement[] = [
      epochDb.prepare(
        "INSERT INTO sources (slug, name, label, created_at) VALUES ('guilinwanbao', '桂林晚报', '桂林晚报新闻', 0)",
      ),
    ];
    for (let n = 0; n < 17; n++) {
      const id = (0x70 + n).toString(16).padStart(16, "0");
      const rowid = n === 3 ? 17 : n;
      writes.push(
        epochDb
          .prepare(
            `INSERT INTO articles (id, source_id, guid, path_date, title, published_at, published_offset, updated_at, updated_offset,
               content_hash, first_seen_at, summary, content_html, search_rowid, tags)
             VALUES (?1, 1, ?1, '1970/01/01', ?2, 0, 480, 0, 480, 'h', 0, '', '<p>纪元</p>', ?3, '[]')`,
          )
          .bind(id, `纪元${n}号`, rowid),
        epochDb
          .prepare("INSERT INTO search_index (rowid, tokens) VALUES (?1, ?2)")
          .bind(rowid, indexTokens(`纪元${n}号`)),
        epochDb
          .prepare(
            `INSERT INTO search_labels (rowid, labels) SELECT a.search_rowid, ${labelsSql("a", { stories: false })} FROM articles a WHERE a.id = ?1`,
          )
          .bind(id),
      );
    }
    // And a feed that dates an item in the year 2999: its old rowid (ms × 1024, computed in SQL)
    // is past 2^53, more than a JavaScript number holds exactly.
    const far = "00000000000000ff";
    writes.push(
      epochDb
        .prepare(
          `INSERT INTO articles (id, source_id, guid, path_date, title, published_at, published_offset, updated_at, updated_offset,
             content_hash, first_seen_at, summary, content_html, search_rowid, tags)
           VALUES (?1, 1, ?1, '2999/01/01', '远年纪元', ?2, 480, ?2, 480, 'h', 0, '', '<p>纪元</p>', ?2 * 1024 + 3, '[]')`,
        )
        .bind(far, Date.parse("2999-01-01T00:00:00+08:00")),
      epochDb
        .prepare("INSERT INTO search_index (rowid, tokens) SELECT search_rowid, ?2 FROM articles WHERE id = ?1")
        .bind(far, indexTokens("远年纪元")),
    );
    await epochDb.batch(writes);
    expect(
      (await epochDb
        .prepare("SELECT search_rowid > 9007199254740992 AS big FROM articles WHERE id = ?1")
        .bind(far)
        .first())!.big,
    ).toBe(1);
    const before = (
      await epochDb.prepare("SELECT id FROM articles ORDER BY search_rowid DESC").all<{ id: string }>()
    ).results.map((r) => r.id);

    await migrateFrom(epochDb, "0019");
    expect(await rebuild(epochDb)).toMatchObject({ relabelled: 18, worded: 18, done: true });

    const epochRunner = d1Runner(epochDb);
    const listed = await listArticles(epochRunner, { kind: "all" }, { limit: 100 });
    expect(listed.items.map((i) => i.id)).toEqual(before);
    const found = await listArticles(
      epochRunner,
      { kind: "search", query: "纪元", match: buildSearchQuery("纪元")!.match },
      { limit: 100 },
    );
    expect(found.items.map((i) => i.id)).toEqual(before);
  }, 60_000);
});

describe("the rebuild after a deploy", () => {
  it("lists every article after the first request, before any cron tick; one tick at a time", async () => {
    resetIsolateState();
    const kickDb = env.SEARCH_KICK_DB;
    const kickRunner = d1Runner(kickDb);
    const old = await loadOldLayout(kickDb);
    const before = (
      await kickDb.prepare("SELECT id FROM articles ORDER BY search_rowid DESC").all<{ id: string }>()
    ).results.map((r) => r.id);
    await migrateFrom(kickDb, "0019");
    const listed = async () => (await listArticles(kickRunner, { kind: "all" }, { limit: 100 })).items.map((i) => i.id);
    expect(await listed()).toEqual([]);

    // A visitor's first request: its response first, then step 1 of the rebuild.
    const visit = async (path: string) => {
      const ctx = createExecutionContext();
      const res = await createApp().fetch(
        new Request(`https://news.test${path}`),
        { ...env, DB: kickDb, MEMORY_CACHE_MB: "0" },
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    expect((await visit("/about.html")).status).toBeLessThan(500);
    expect(await listed()).toEqual(before);
    const page = await visit("/");
    expect(await page.text()).toContain(old[ARTICLES - 1]!.title);

    // Listed, but not yet found by their words: the search page says so.
    const NOTICE = "搜索索引正在更新";
    const searching = await (await visit(`/search?q=${encodeURIComponent("旧闻")}`)).text();
    expect(searching).toContain(NOTICE);
    expect(searching).toContain("没有找到");

    // Two ticks at once (a cron tick and a kick, or two isolates' kicks): one does the work, the
    // other finds it taken and does nothing.
    const [a, b] = await Promise.all([
      searchRebuildTick({ db: kickRunner, bucket: env.ARCHIVE, log: () => undefined }),
      searchRebuildTick({ db: kickRunner, bucket: env.ARCHIVE, log: () => undefined }),
    ]);
    expect([a.busy, b.busy].sort()).toEqual([false, true]);
    expect(a.worded + b.worded).toBeGreaterThan(0);
    expect(a.relabelled + b.relabelled).toBe(0);

    // Once the rebuild is done (an isolate looks again after a minute; a new one at once), the
    // notice is gone and the words are found.
    resetIsolateState();
    const found = await (await visit(`/search?q=${encodeURIComponent("旧闻")}`)).text();
    expect(found).not.toContain(NOTICE);
    expect(found).not.toContain("没有找到");
    expect(found).toContain(`<mark>旧闻</mark>${ARTICLES - 1}号`);
  });
});
