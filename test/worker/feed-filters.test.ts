// RSSHub's filter parameters on every feed, through the Worker on a real D1.
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { archiveBucket, putBody } from "../../src/archive/bodies";
import { configFor } from "../../src/config";
import { markArchivedStatement, restoreBodyStatement } from "../../src/db/archive";
import { d1Runner } from "../../src/db/sql";
import { SCAN_BATCH } from "../../src/feeds/filtered";
import { renderTopic, resolveTopic, topicVersion } from "../../src/feeds/routes";
import { importPosts } from "../../src/ingest/import-posts";
import { evictFeed } from "../../src/web/feeds";

const BASE = "https://news.test";
const db = d1Runner(env.DB);
const TAG = "过滤测试";
const T = encodeURIComponent(TAG);
const HOUR = 3_600_000;

/** A Jekyll post in the "过滤测试" tag, `agoMs` old (+08:00, as the papers write it). */
function post(
  name: string,
  f: { title: string; body: string; author?: string; tags?: string[]; agoMs: number; tag?: string },
) {
  const d = new Date(Date.now() - f.agoMs + 8 * HOUR).toISOString().replace("T", " ").slice(0, 19);
  const author = f.author ? `author: ${f.author}\n` : "";
  const tags = [f.tag ?? TAG, ...(f.tags ?? [])].join(", ");
  return {
    name,
    text: `---\ntitle: "${f.title}"\ndate: ${d} +0800\ncategories: yangshuoshibao\n${author}tags: [${tags}]\n---\n${f.body}\n`,
  };
}

const POSTS = [
  post("f1.txt", {
    title: "阳朔西街夜市开市",
    body: "<p>夜市有米粉和啤酒鱼。</p>",
    author: "张三",
    tags: ["旅游"],
    agoMs: HOUR,
  }),
  post("f2.txt", {
    title: "Guilin Marathon 报名开始",
    body: "<p>今年的 MARATHON 十二月举行。</p>",
    author: "李四",
    tags: ["体育"],
    agoMs: 2 * 24 * HOUR,
  }),
  post("f3.txt", { title: "漓江水位回落", body: "<p>游船恢复通航，旅游回暖。</p>", agoMs: 3 * 24 * HOUR }),
  post("f4.txt", {
    title: "广告：夜市优惠",
    body: "<p>推广内容。</p>",
    author: "广告部",
    tags: ["广告"],
    agoMs: 4 * 24 * HOUR,
  }),
  post("f5.txt", { title: `${"a".repeat(40)}!`, body: "<p>压力测试。</p>", agoMs: 5 * 24 * HOUR }),
  // Thirty ordinary items, then five rare ones past them: a filtered feed must read beyond its limit.
  ...Array.from({ length: 30 }, (_, i) =>
    post(`o${i}.txt`, { title: `普通新闻${i}`, body: `<p>第${i}条。</p>`, agoMs: (6 + i) * 24 * HOUR }),
  ),
  ...Array.from({ length: 5 }, (_, i) =>
    post(`r${i}.txt`, { title: `稀有消息${i}`, body: "<p>罕见。</p>", agoMs: (40 + i) * 24 * HOUR }),
  ),
];

// Twenty items with titles of 250 characters, in a tag of their own, for the step budget.
const LONG_TAG = "预算测试";
const LONG = Array.from({ length: 20 }, (_, i) =>
  post(`l${i}.txt`, {
    title: `长标题${String(i).padStart(2, "0")}${"漓".repeat(245)}`,
    body: `<p>${"江".repeat(200)}</p>`,
    agoMs: (i + 1) * HOUR,
    tag: LONG_TAG,
  }),
);

// More items than one scan read holds, in a tag of their own: the three that pass are the oldest.
const BATCH_TAG = "分批测试";
const BATCH = Array.from({ length: SCAN_BATCH + 30 }, (_, i) =>
  post(`b${i}.txt`, {
    title: i >= SCAN_BATCH + 27 ? `分批命中${i}` : `分批普通${i}`,
    body: "<p>分批。</p>",
    agoMs: (i + 1) * 60_000,
    tag: BATCH_TAG,
  }),
);

beforeAll(async () => {
  const s = await importPosts(db, [...POSTS, ...LONG, ...BATCH], { timeZone: "Asia/Shanghai", now: Date.now() });
  expect(s.rejected).toEqual([]);
  expect(s.imported).toBe(POSTS.length + LONG.length + BATCH.length);
});

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers });
interface JsonFeed {
  feed_url: string;
  id?: string;
  next_url?: string;
  items: { title: string; id: string }[];
}
const json = async (query: string) => {
  const res = await get(`/tag/${T}/feed.json?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<JsonFeed>();
};
const titles = async (query: string) => (await json(`limit=100&${query}`)).items.map((i) => i.title);

describe("filters on feeds", () => {
  it("filter matches title or description (the summary)", async () => {
    expect(await titles("filter=夜市")).toEqual(["阳朔西街夜市开市", "广告：夜市优惠"]);
    expect(await titles("filter=啤酒鱼")).toEqual(["阳朔西街夜市开市"]); // in the description only
    expect(await titles(`filter=${encodeURIComponent("张三")}`)).toEqual([]); // not the author
  });

  it("each filter_<field> reads its own field", async () => {
    expect(await titles("filter_title=回落")).toEqual(["漓江水位回落"]);
    expect(await titles("filter_title=啤酒鱼")).toEqual([]);
    expect(await titles("filter_description=啤酒鱼")).toEqual(["阳朔西街夜市开市"]);
    expect(await titles("filter_author=^李四$")).toEqual(["Guilin Marathon 报名开始"]);
    // No byline: the author is the paper, as the feed writes it.
    const paper = (await json("filter_title=回落")) as unknown as { items: { authors: { name: string }[] }[] };
    const name = paper.items[0]!.authors[0]!.name;
    expect(name).not.toBe("");
    expect(await titles(`filter_author=^${encodeURIComponent(name)}$&filter_title=漓江`)).toEqual(["漓江水位回落"]);
    expect(await titles(`filter_category=${encodeURIComponent("^(体育|旅游)$")}`)).toEqual([
      "阳朔西街夜市开市",
      "Guilin Marathon 报名开始",
    ]);
  });

  it("filterout and its field forms drop what matches", async () => {
    const all = await titles("");
    expect(all).toHaveLength(POSTS.length);
    expect(await titles("filterout=夜市")).toEqual(all.filter((t) => !t.includes("夜市")));
    expect(await titles("filterout_title=普通|稀有|a{40}")).toEqual([
      "阳朔西街夜市开市",
      "Guilin Marathon 报名开始",
      "漓江水位回落",
      "广告：夜市优惠",
    ]);
    expect(await titles(`filterout_description=${encodeURIComponent("啤酒鱼|罕见|第\\d+条|压力")}`)).toEqual([
      "Guilin Marathon 报名开始",
      "漓江水位回落",
      "广告：夜市优惠",
    ]);
    expect((await titles("filterout_author=广告部")).includes("广告：夜市优惠")).toBe(false);
    expect((await titles("filterout_category=广告")).length).toBe(POSTS.length - 1);
  });

  it("combines as RSSHub does: every filter_<field> must match, filter overrides them, filterout wins", async () => {
    expect(await titles("filter_title=夜市&filter_author=张三")).toEqual(["阳朔西街夜市开市"]);
    expect(await titles("filter_title=夜市&filter_author=李四")).toEqual([]);
    expect(await titles("filter=夜市&filter_author=李四")).toEqual(["阳朔西街夜市开市", "广告：夜市优惠"]);
    expect(await titles("filter=夜市&filterout_category=广告")).toEqual(["阳朔西街夜市开市"]);
    // filterout_title replaces filterout for titles; filterout still reads descriptions.
    expect(await titles("filter=夜市&filterout=推广&filterout_title=西街")).toEqual([]);
  });

  it("is case-sensitive unless filter_case_sensitive=false", async () => {
    expect(await titles("filter=marathon")).toEqual([]);
    expect(await titles("filter=marathon&filter_case_sensitive=false")).toEqual(["Guilin Marathon 报名开始"]);
    expect(await titles("filterout=GUILIN&filter_title=Guilin&filter_case_sensitive=false")).toEqual([]);
    expect(await titles("filter=marathon&filter_case_sensitive=true")).toEqual([]);
  });

  it("filter_time keeps the items of the last N seconds", async () => {
    expect(await titles("filter_time=7200")).toEqual(["阳朔西街夜市开市"]);
    expect(await titles(`filter_time=${3 * 86_400 + 60}`)).toEqual([
      "阳朔西街夜市开市",
      "Guilin Marathon 报名开始",
      "漓江水位回落",
    ]);
  });

  it("fills the feed up to limit from beyond the first rows, and pages on without gaps or repeats", async () => {
    expect(await titles("filter_title=稀有&limit=5")).toEqual([0, 1, 2, 3, 4].map((i) => `稀有消息${i}`));
    const first = await json("filter_title=普通|稀有&limit=20");
    expect(first.items.map((i) => i.title)).toEqual(Array.from({ length: 20 }, (_, i) => `普通新闻${i}`));
    expect(first.next_url).toMatch(/filter_title=.*&before=/);
    const next = await (await get(first.next_url!.slice(BASE.length))).json<JsonFeed>();
    expect(next.items.map((i) => i.title)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `普通新闻${i + 20}`),
      ...[0, 1, 2, 3, 4].map((i) => `稀有消息${i}`),
    ]);
    expect(next.next_url).toBeUndefined();
  });

  it("reads the listing on past its first read, each read continuing after the last row checked", async () => {
    const feed = async (query: string) =>
      (await (await get(`/tag/${encodeURIComponent(BATCH_TAG)}/feed.json?${query}`)).json<JsonFeed>()).items.map(
        (i) => i.title,
      );
    const hits = [27, 28, 29].map((i) => `分批命中${SCAN_BATCH + i}`);
    expect(await feed(`filter_title=${encodeURIComponent("命中")}&limit=10`)).toEqual(hits);
    // The rows on both sides of the seam between two reads, each once, in the listing's order.
    const seam = Array.from({ length: 10 }, (_, i) => SCAN_BATCH - 5 + i);
    const pattern = `^分批普通(${seam.join("|")})$`;
    expect(await feed(`filter_title=${encodeURIComponent(pattern)}&limit=100`)).toEqual(
      seam.map((i) => `分批普通${i}`),
    );
  });

  it("gives RSS, Atom and the jekyll-feed path the same items as JSON Feed", async () => {
    const q = "filter=夜市&filterout_author=广告部";
    const rss = await (await get(`/tag/${T}/rss.xml?${q}`)).text();
    const atom = await (await get(`/tag/${T}/feed.xml?${q}`)).text();
    const legacy = await (await get(`/feed/by_tag/${T}.xml?${q}`)).text();
    for (const xml of [rss, atom, legacy]) {
      expect((xml.match(/<(item|entry)>/g) ?? []).length).toBe(1);
      expect(xml).toContain("阳朔西街夜市开市");
      expect(xml).not.toContain("广告：夜市优惠");
    }
    const site = await (await get(`/feed.json?filter_title=${encodeURIComponent("^广告：")}`)).json<JsonFeed>();
    expect(site.items.map((i) => i.title)).toEqual(["广告：夜市优惠"]);
    const source = await (await get("/category/yangshuoshibao/rss.xml?filter_title=回落")).text();
    expect((source.match(/<item>/g) ?? []).length).toBe(1);
  });

  it("answers a catastrophic-backtracking pattern, and correctly", async () => {
    // (a+)+$ against forty a's and a "!" takes a backtracking engine 2^40 steps.
    expect(await titles(`filter_title=${encodeURIComponent("(a+)+$")}`)).toEqual([]);
    expect(await titles(`filter_title=${encodeURIComponent("(a+)+!$")}`)).toEqual([`${"a".repeat(40)}!`]);
  });

  it("stops at the step budget with a next-page link, and paging on still lists every item once", async () => {
    // Never matches, so nothing is dropped, but on a long title each position keeps ~240 states
    // alive: each item costs tens of thousands of steps, and a page ends when 500,000 are spent.
    const costly = `filterout=${encodeURIComponent("[^z]{0,240}q")}`;
    const feed = (query: string) => get(`/tag/${encodeURIComponent(LONG_TAG)}/feed.json?${query}`);
    const all = (await (await feed("limit=100")).json<JsonFeed>()).items.map((i) => i.title);
    expect(all).toHaveLength(LONG.length);
    const first = await (await feed(`${costly}&limit=100`)).json<JsonFeed>();
    expect(first.items.length).toBeGreaterThan(0);
    expect(first.items.length).toBeLessThan(all.length);
    expect(first.next_url).toBeDefined();
    const seen = first.items.map((i) => i.title);
    let next = first.next_url;
    for (let pages = 0; next && pages < 20; pages++) {
      const page = await (await get(next.slice(BASE.length))).json<JsonFeed>();
      seen.push(...page.items.map((i) => i.title));
      next = page.next_url;
    }
    expect(seen).toEqual(all);
  });

  it.each([
    ["a 10 KB pattern", `filter=${"x".repeat(10_240)}`, "过长"],
    ["a backreference", `filter_title=${encodeURIComponent("(a)\\1")}`, "backreference"],
    ["a lookahead", `filterout=${encodeURIComponent("(?=a)")}`, "lookaround"],
    ["a repetition too large", `filter_description=${encodeURIComponent("(x{900}){900}")}`, "过大"],
    ["filter_case_sensitive=no", "filter=a&filter_case_sensitive=no", "filter_case_sensitive"],
    ["filter_time=-1", "filter_time=-1", "filter_time"],
  ])("answers %s with a plain-text 400", async (_label, query, reason) => {
    const res = await get(`/tag/${T}/rss.xml?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await res.text()).toContain(reason);
  });
});

describe("filters in the feed's identity", () => {
  const etag = async (query: string) => (await get(`/tag/${T}/feed.json?${query}`)).headers.get("etag");

  it("self URL, id and ETag differ per filter and are equal for reordered or extra parameters", async () => {
    const a = await json("filter=夜市&filterout_author=广告部&limit=5");
    const b = await json("utm_source=x&filterout_author=广告部&limit=5&filter=夜市&filter_title=ignored");
    const c = await json("filter=回落&limit=5");
    expect(a.feed_url).toBe(
      `${BASE}/tag/${T}/feed.json?limit=5&filter=${encodeURIComponent("夜市")}&filterout_author=${encodeURIComponent("广告部")}`,
    );
    expect(b.feed_url).toBe(a.feed_url);
    expect(c.feed_url).not.toBe(a.feed_url);
    const plain = await json("limit=5");
    expect(plain.feed_url).toBe(`${BASE}/tag/${T}/feed.json?limit=5`);
    const e1 = await etag("filter=夜市&filterout_author=广告部&limit=5");
    expect(await etag("limit=5&filterout_author=广告部&filter=夜市")).toBe(e1);
    expect(await etag("filter=回落&limit=5")).not.toBe(e1);
    expect(await etag("limit=5")).not.toBe(e1);
    // Atom: rel=self and the feed id carry the filters.
    const atom = await (await get(`/tag/${T}/feed.xml?filter=${encodeURIComponent("夜市")}`)).text();
    expect(atom).toContain(`<id>${BASE}/tag/${T}/feed.xml?filter=${encodeURIComponent("夜市")}</id>`);
    expect(atom).toMatch(/<link rel="self" href="[^"]*filter=/);
  });

  it("the cache holds one copy per canonical filter, and If-None-Match is answered without rendering", async () => {
    const path = `/tag/${T}/rss.xml?filter_title=${encodeURIComponent("稀有")}&limit=3`;
    await evictFeed(`${BASE}${path}`, "reader");
    const first = await get(path);
    expect(first.headers.get("x-cache")).toBeNull();
    const tag = first.headers.get("etag")!;
    await first.text();
    const reordered = await get(`/tag/${T}/rss.xml?limit=3&utm_medium=a&filter_title=${encodeURIComponent("稀有")}`);
    expect(reordered.headers.get("x-cache")).toBe("memory");
    await reordered.text();
    // Past the caches, the version read from the filtered scan matches the rendered one: 304.
    await evictFeed(`${BASE}${path}`, "reader");
    const revalidated = await get(path, { "If-None-Match": tag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get("etag")).toBe(tag);
  });
});

describe("filtered feeds and archived bodies", () => {
  it("a kept item whose body is archived to R2 is served with its body, read back from the bucket", async () => {
    const [row] = await db.all<{ id: string; content_html: string; content_hash: string }>({
      sql: "SELECT id, content_html, content_hash FROM articles WHERE title = ?1",
      params: ["漓江水位回落"],
    });
    expect(row!.content_html).toContain("游船恢复通航");
    await putBody(archiveBucket(env)!, row!.id, row!.content_html, row!.content_hash);
    expect(await db.all(markArchivedStatement(row!.id, row!.content_hash, Date.now()))).toHaveLength(1);
    try {
      const [inD1] = await db.all<{ content_html: string }>({
        sql: "SELECT content_html FROM articles WHERE id = ?1",
        params: [row!.id],
      });
      expect(inD1!.content_html).toBe(""); // the body now lives only in R2
      const path = `/tag/${T}/feed.json?filter_title=${encodeURIComponent("回落")}`;
      await evictFeed(`${BASE}${path}`, "reader");
      const res = await get(path);
      expect(res.status).toBe(200);
      const feed = await res.json<{ items: { title: string; content_html: string }[] }>();
      expect(feed.items.map((i) => i.title)).toEqual(["漓江水位回落"]);
      expect(feed.items[0]!.content_html).toContain("游船恢复通航，旅游回暖。");
    } finally {
      await db.all(restoreBodyStatement(row!.id, row!.content_hash, row!.content_html));
    }
  });
});

describe("filtered feeds as WebSub topics", () => {
  it("a subscriber to a filtered feed gets the filtered document, and its version follows the filter", async () => {
    const config = configFor(env, BASE);
    const url = `${BASE}/tag/${T}/feed.json?utm_source=x&filter=${encodeURIComponent("夜市")}`;
    const topic = (await resolveTopic(db, config, url))!;
    expect(topic.url.href).toBe(`${BASE}/tag/${T}/feed.json?filter=${encodeURIComponent("夜市")}`);
    const { body } = await renderTopic(db, config, topic, archiveBucket(env));
    expect((JSON.parse(body) as JsonFeed).items.map((i) => i.title)).toEqual(["阳朔西街夜市开市", "广告：夜市优惠"]);
    const plain = (await resolveTopic(db, config, `${BASE}/tag/${T}/feed.json`))!;
    expect(await topicVersion(db, topic)).not.toBe(await topicVersion(db, plain));
    // A filter this site does not run is no topic.
    expect(
      await resolveTopic(db, config, `${BASE}/tag/${T}/feed.json?filter=${encodeURIComponent("(a)\\1")}`),
    ).toBeNull();
  });
});
