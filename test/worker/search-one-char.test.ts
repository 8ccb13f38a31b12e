// A one-character search, as a visitor sees it: exactly the articles holding the character,
// newest first, paged without a gap or a repeat, whether the character starts a handful of index
// terms or thousands (the index's terms are read to expand it: src/db/search-vocab.ts), and a
// character past MAX_EXPANSION_TERMS is still answered in full (FTS5's own prefix query).
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSearchQuery } from "../../src/core/search-tokens";
import { EXPANSION_TTL_MS, MAX_EXPANSION_TERMS, expandedMatch } from "../../src/db/search-vocab";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";

/** The n-th Han character from U+4E00 (every one of the first 20,000 is a Han ideograph). */
const han = (n: number) => String.fromCodePoint(0x4e00 + n);
/** "桂一，桂丁，…": the character before each of `count` others from `from`, each its own run. */
const pairs = (char: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => char + han(from + i)).join("，");

interface Post {
  readonly slug: string;
  readonly title: string;
  readonly body: string;
}

const POSTS: Post[] = [
  // 3,000 terms that start with 桂 (桂一 … ), in one article.
  { slug: "gui-vocabulary", title: "桂字大全", body: pairs("桂", 0, 3000) },
  // 4,100 terms that start with 橘: past MAX_EXPANSION_TERMS.
  { slug: "ju-vocabulary", title: "橘字大全", body: pairs("橘", 0, MAX_EXPANSION_TERMS + 100) },
  // Each holds 桂 in a term no other article has (or one of the 3,000 above), nowhere else.
  ...Array.from({ length: 12 }, (_, k) => ({
    slug: `gui-rare-${k}`,
    title: `第${k}期简报`,
    body: `本期词条：桂${han(k % 2 === 0 ? 3500 + k : 1000 + k)}。`,
  })),
  // 桂 ending a run (the index holds it on its own) and opening or inside common words.
  ...Array.from({ length: 20 }, (_, k) => ({ slug: `gui-common-${k}`, title: `桂林快讯${k}`, body: "山水之间。" })),
  ...Array.from({ length: 10 }, (_, k) => ({ slug: `gui-last-${k}`, title: `秋天的丹桂${k}`, body: "香气扑鼻。" })),
  { slug: "gui-mixed", title: "型号A桂林版上市", body: "新品。" },
  ...Array.from({ length: 3 }, (_, k) => ({
    slug: `ju-rare-${k}`,
    title: `橘园${k}`,
    body: `品种：橘${han(5000 + k)}。`,
  })),
  // Neither character.
  ...Array.from({ length: 8 }, (_, k) => ({ slug: `none-${k}`, title: `漓江夜游${k}`, body: "江上灯火。" })),
];

/** Newest first: the later in POSTS, the newer (one hour apart). */
const dated = POSTS.map((p, i) => ({ ...p, ms: Date.UTC(2025, 8, 1) + i * 3_600_000 }));
const holding = (char: string) =>
  dated
    .filter((p) => p.title.includes(char) || p.body.includes(char))
    .sort((a, b) => b.ms - a.ms)
    .map((p) => p.title);

interface Page {
  items: { title: string }[];
  next_cursor: string | null;
}

/** Every page of the API's search for `q`, `limit` at a time, followed to the end. */
async function allPages(q: string, limit: number): Promise<{ titles: string[]; pages: number }> {
  const titles: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const url = `https://news.test/api/v1/articles?q=${encodeURIComponent(q)}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const res = await SELF.fetch(url);
    expect(res.status, url).toBe(200);
    const page = (await res.json()) as Page;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    titles.push(...page.items.map((i) => i.title));
    cursor = page.next_cursor;
    pages++;
  } while (cursor !== null && pages < 100);
  return { titles, pages };
}

beforeAll(async () => {
  const summary = await importPosts(
    d1Runner(env.DB),
    dated.map((p) => {
      const at = new Date(p.ms + 8 * 3_600_000).toISOString().replace("T", " ").slice(0, 19);
      return {
        name: `${at.slice(0, 10)}-${p.slug}.txt`,
        text: `---\ntitle: "${p.title}"\ndate: ${at} +0800\ncategories: onecharpaper\n---\n<p>${p.body}</p>\n`,
      };
    }),
    { timeZone: "Asia/Shanghai", now: Date.now() },
  );
  expect(summary.rejected).toEqual([]);
  expect(summary.imported).toBe(POSTS.length);
});

describe("a one-character search", () => {
  it("pages through exactly the articles holding the character, newest first, none twice", async () => {
    const expected = holding("桂");
    expect(expected.length).toBe(44);
    const { titles, pages } = await allPages("桂", 20);
    expect(titles).toEqual(expected);
    expect(pages).toBe(3);
    // A page size that divides the total: the last full page says there is no next one.
    const even = await allPages("桂", 11);
    expect(even.titles).toEqual(expected);
    expect(even.pages).toBe(4);
  });

  it("finds a character that starts thousands of terms, and one past the expansion's limit", async () => {
    // 桂 starts 3,000 + 12 + 2 terms: the search is an OR of them all.
    const gui = await expandedMatch(d1Runner(env.DB), buildSearchQuery("桂")!);
    expect(gui.split(" OR ").length).toBeGreaterThan(3000);
    expect(gui).not.toMatch(/\p{Co}/u);
    // 橘 starts more than MAX_EXPANSION_TERMS: FTS5's prefix query, with the same answer.
    const ju = await expandedMatch(d1Runner(env.DB), buildSearchQuery("橘")!);
    expect(ju).toBe('"橘" *');
    expect((await allPages("橘", 2)).titles).toEqual(holding("橘"));
    // After other tokens ("A桂", as "2026年" would be) the character stays a prefix query: an OR of
    // thousands of phrases would check each against the index before the first row.
    expect(await expandedMatch(d1Runner(env.DB), buildSearchQuery("A桂")!)).toBe('"a 桂" *');
  });

  it("matches the character inside a longer word and next to letters, as the search page and feed show it", async () => {
    // "A桂": the letter, then a term starting with 桂 right after it.
    expect((await allPages("A桂", 20)).titles).toEqual(["型号A桂林版上市"]);
    // With another word: both must occur.
    expect((await allPages("桂 山水", 50)).titles).toEqual(holding("桂").filter((t) => t.startsWith("桂林快讯")));
    // A character no article holds finds nothing (no term starts with it).
    expect((await allPages(han(9000), 20)).titles).toEqual([]);
    // The search page: the 20 newest, the character highlighted in each title.
    const html = await (await SELF.fetch(`https://news.test/search?q=${encodeURIComponent("桂")}`)).text();
    const shown = [...html.matchAll(/<h2><a [^>]*>(.*?)<\/a><\/h2>/g)].map((m) => m[1]!.replace(/<\/?mark>/g, ""));
    expect(shown).toEqual(holding("桂").slice(0, 20));
    const feed = await (await SELF.fetch(`https://news.test/search/feed.xml?q=${encodeURIComponent("桂")}`)).text();
    expect(feed).toContain(holding("桂")[0]);
  });

  it("reads a character's terms again once they are a minute old, so a new term is found then", async () => {
    const db = d1Runner(env.DB);
    const query = buildSearchQuery("桂")!;
    const t0 = Date.now() + 10 * EXPANSION_TTL_MS;
    const before = await expandedMatch(db, query, t0);
    const fresh = han(7000);
    const summary = await importPosts(
      db,
      [
        {
          name: "2025-10-01-gui-new.txt",
          text: `---\ntitle: "新词条"\ndate: 2025-10-01 09:00:00 +0800\ncategories: onecharpaper\n---\n<p>桂${fresh}。</p>\n`,
        },
      ],
      { timeZone: "Asia/Shanghai", now: Date.now() },
    );
    expect(summary.imported).toBe(1);
    // Within the minute: the terms read before (the new one is not among them yet).
    expect(await expandedMatch(db, query, t0 + EXPANSION_TTL_MS - 1)).toBe(before);
    expect(before).not.toContain(`"桂${fresh}"`);
    // After it: read again, with the new term.
    expect(await expandedMatch(db, query, t0 + EXPANSION_TTL_MS)).toContain(`"桂${fresh}"`);
  });
});
