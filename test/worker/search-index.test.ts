// What the search index holds, seen from a visitor's search box: a single character is found
// wherever it stands in a Han run (first, inside, last, alone), and the labels that share each
// article's index row (the site, source, tag and month listings) are never matched by any query.
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSearchQuery } from "../../src/core/search-tokens";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";

const POSTS = [
  { slug: "first", title: "桂林山水甲天下", body: "山水之间。" }, // 桂 opens a run
  { slug: "inside", title: "月桂树下的午后", body: "树荫很凉。" }, // inside one
  { slug: "last", title: "秋天的丹桂", body: "香气扑鼻。" }, // ends one
  { slug: "alone", title: "花名一览", body: "花名：桂。其他从略。" }, // a run of its own
  { slug: "none", title: "漓江夜游", body: "江上灯火。" }, // no 桂 at all
];

async function search(q: string): Promise<{ status: number; titles: string[] }> {
  const res = await SELF.fetch(`https://news.test/api/v1/articles?q=${encodeURIComponent(q)}&limit=50`);
  if (res.status !== 200) return { status: res.status, titles: [] };
  const { items } = (await res.json()) as { items: { title: string }[] };
  return { status: 200, titles: items.map((i) => i.title).sort() };
}

beforeAll(async () => {
  const summary = await importPosts(
    d1Runner(env.DB),
    POSTS.map((p, i) => ({
      name: `2025-11-2${i}-${p.slug}.txt`,
      text: `---\ntitle: "${p.title}"\ndate: 2025-11-2${i} 09:00:00 +0800\ncategories: onecharpaper\ntags: [就业, all]\n---\n<p>${p.body}</p>\n`,
    })),
    { timeZone: "Asia/Shanghai", now: Date.now() },
  );
  expect(summary.rejected).toEqual([]);
});

describe("a one-character query", () => {
  it("finds the character at the start of a run, inside one, at its end and alone, and nothing else", async () => {
    const found = await search("桂");
    expect(found.status).toBe(200);
    expect(found.titles).toEqual(
      POSTS.filter((p) => p.slug !== "none")
        .map((p) => p.title)
        .sort(),
    );
    // Another character, to show the first was not a fluke of one posting list.
    expect((await search("江")).titles).toEqual(["漓江夜游"]);
  });
});

describe("labels in the index row", () => {
  it("are never matched by a visitor's query, though the listings they serve hold every article", async () => {
    const titles = POSTS.map((p) => p.title).sort();
    // The tag's listing reads its label: every article is there.
    const tagged = await SELF.fetch(`https://news.test/api/v1/articles?tag=${encodeURIComponent("就业")}&limit=50`);
    expect(((await tagged.json()) as { items: { title: string }[] }).items.map((i) => i.title).sort()).toEqual(
      expect.arrayContaining(titles),
    );
    // The label tokens spelled out (site, tag "就业" as UTF-8 hex, month) find nothing: no article
    // holds those words in its text.
    const labelWords = ["all", "e5b0b1e4b89a", "202511", "1m202511"];
    for (const q of labelWords) {
      const found = await search(q);
      // "all" is also a tag of these articles, spelled as a word: the tag name is searchable text.
      if (q === "all") expect(found.titles).toEqual(titles);
      else expect(found.titles, q).toEqual([]);
    }
    // With their private-use marks, the marks are not searchable: only the words around them are.
    for (const mark of ["\uE000", "\uE001", "\uE002", "\uE003", "\uE004"]) {
      expect((await search(mark)).status, `only ${mark.codePointAt(0)!.toString(16)}`).toBe(400);
      expect((await search(`${mark}e5b0b1e4b89a`)).titles).toEqual([]);
      expect((await search(`${mark}202511`)).titles).toEqual([]);
      const query = buildSearchQuery(`${mark}all ${mark}桂`);
      expect(query!.match).not.toMatch(/\p{Co}/u);
    }
  });
});
