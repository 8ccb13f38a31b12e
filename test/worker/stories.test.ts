// One story, many papers, through the real refresh on a real local D1: three papers carry the
// same story (verbatim, re-headlined, cut), a fourth a different story of the same topic. The home
// page shows the story once with "另有 2 家来源", the article pages link each other, a feed with
// ?dedupe=1 carries it once with the others linked, and paging across the story loses and repeats
// nothing.
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { BRIEF_COLUMNS, listStatement } from "../../src/db/articles";
import { readListingPage } from "../../src/db/page-reads";
import { deleteSourceStatements, getSourceWithState } from "../../src/db/sources";
import {
  MAX_STORY_MEMBERS,
  storyCandidatesStatement,
  storyOthersManyStatement,
  storyOthersStatement,
} from "../../src/db/stories";
import { type SearchableRow, labelsSql, searchTextOfRow } from "../../src/db/search";
import { d1Runner } from "../../src/db/sql";
import { indexTokens } from "../../src/core/search-tokens";
import type { RefreshDeps } from "../../src/ingest/gather";
import { refreshSource } from "../../src/ingest/refresh";
import { evictPage } from "../../src/web/cached-page";
import { random } from "../../bench/random";

const BASE = "https://news.test";
const db = d1Runner(env.DB);
const get = (path: string, headers: Record<string, string> = {}) =>
  SELF.fetch(`${BASE}${path}`, { redirect: "manual", headers });

// The story: a flood warning, ~600 characters in six paragraphs.
const STORY = [
  "新华社南宁12月5日电 记者从广西壮族自治区水利厅获悉，受持续强降雨影响，漓江桂林段水位持续上涨，12月5日14时水位达到146.2米，超过警戒水位0.7米。",
  "桂林市防汛抗旱指挥部已于5日10时启动防汛四级应急响应，组织沿江各县区对低洼地带群众进行转移安置，截至目前共转移群众1260人，未发现人员伤亡。",
  "据气象部门预计，未来48小时桂林北部仍有大到暴雨，局地特大暴雨，山洪地质灾害风险较高。防汛指挥部要求各地加强巡堤查险，落实值班值守制度。",
  "灵川县、兴安县等地已组织抢险队伍120支，储备沙袋3万余条、冲锋舟45艘，随时准备投入抢险救援。市应急管理局派出工作组赶赴一线指导。",
  "桂林市交通运输局提醒，部分沿江道路可能临时封闭，请市民出行前关注路况信息，不要在河边、桥下逗留，遇到险情及时拨打119或110求助。",
  "水文部门表示，此次洪峰预计于6日凌晨通过桂林市区，峰值水位约147米。相关部门将根据水情变化及时发布预警信息，请沿江群众做好防范准备。",
];

// A different story of the same topic: the same kind of flood news, other facts and wording.
const OTHER_STORY = [
  "本报讯 受强降雨影响，柳江柳州段水位12月5日上涨明显，柳州市水文中心发布洪水蓝色预警，提醒沿江单位和居民注意防范，做好转移准备。",
  "柳州市防汛指挥部表示，已安排鱼峰区、柳南区对沿江商铺和地下停车场开展排查，共排查隐患点38处，整改完成21处，其余正在整改之中。",
  "气象台预计未来三天柳州仍将出现分散性阵雨，降雨强度较前几日有所减弱。市民如需出行，请关注天气预报，雨天驾车注意减速慢行保持车距。",
  "柳州市民政局已在城区设置临时避险安置点6个，准备棉被、饮用水和方便食品等物资，可容纳800余人临时安置，安置点实行24小时值守服务。",
];

interface Item {
  guid: string;
  title: string;
  at: number;
  paragraphs: readonly string[];
}

const rss = (items: readonly Item[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>https://paper.test/</link><description>d</description>${items
    .map(
      (i) =>
        `<item><title>${i.title}</title><link>https://paper.test/${i.guid}</link><guid>${i.guid}</guid><pubDate>${rfc822(i.at)}</pubDate><description><![CDATA[${i.paragraphs.map((p) => `<p>${p}</p>`).join("")}]]></description></item>`,
    )
    .join("")}</channel></rss>`;

/** An RFC 822 date in +08:00, as the papers write them. */
function rfc822(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000).toUTCString(); // "Sat, 05 Dec 2026 09:00:00 GMT" in wall time
  return d.replace("GMT", "+0800");
}

async function publish(slug: string, name: string, items: readonly Item[], existing = false, fresh = items.length) {
  if (!existing)
    await env.DB.prepare(
      "INSERT INTO sources (slug, name, label, feed_url, timezone, created_at) VALUES (?1, ?2, ?3, ?4, 'Asia/Shanghai', 0)",
    )
      .bind(slug, name, `${name}新闻`, `https://${slug}.test/feed.xml`)
      .run();
  const body = rss(items);
  const deps: RefreshDeps = {
    db,
    fetch: async () => new Response(body, { headers: { "content-type": "application/rss+xml" } }),
    now: () => Date.UTC(2026, 11, 5, 12, 0, 0),
    limits: { userAgent: "edge-news-test", timeoutMs: 1000, maxBytes: 1024 * 1024, maxRedirects: 0 },
    log: () => undefined,
  };
  const outcome = await refreshSource(deps, (await getSourceWithState(db, slug))!);
  expect(outcome.status, JSON.stringify(outcome)).toBe("200");
  expect(outcome.new).toBe(fresh);
}

/** Unrelated filler news: random characters never make a story with anything. */
function filler(seed: number): string[] {
  const r = random(seed);
  const han = "城市道路学校医院公园社区市场企业工厂农村文化体育旅游交通环境卫生教育科技经济发展建设服务管理工作";
  return Array.from({ length: 3 }, () => {
    let p = "";
    for (let i = 0; i < 80; i++) p += han[Math.floor(r() * han.length)];
    return `${p}。`;
  });
}

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 5, 1, 0, 0); // 09:00 in +08:00

// Times chosen so that, newest first, the home page's first page ends right before the two
// reprints (11:00, 10:00), and the head of the story (09:00) comes on the second page after 11
// more: the page boundary falls inside the story.
const FILLERS = Array.from({ length: 30 }, (_, i) => ({
  guid: `filler-${i}`,
  title: `其他新闻第${i}条`,
  // 19 from 21:00 down to 18:00, then 11 from 09:55 down to 09:05.
  at: i < 19 ? T0 + 12 * H - i * 10 * 60_000 : T0 + H - 5 * 60_000 - (i - 19) * 5 * 60_000,
  paragraphs: filler(i + 1),
}));
const EARLY_FILLERS = Array.from({ length: 5 }, (_, i) => ({
  guid: `early-${i}`,
  title: `早间新闻第${i}条`,
  at: T0 - (i + 1) * H,
  paragraphs: filler(100 + i),
}));

beforeAll(async () => {
  await publish("guilinwanbao", "桂林晚报", [
    { guid: "gl-1", title: "漓江桂林段水位超警戒 启动防汛四级应急响应", at: T0, paragraphs: STORY },
  ]);
  await publish("lijiangribao", "漓江日报", [
    // Re-headlined, a dateline and credit added.
    {
      guid: "lj-1",
      title: "关注：漓江水位上涨，沿江群众请注意",
      at: T0 + H,
      paragraphs: ["本报记者 黄晓东", ...STORY, "（来源：新华社）"],
    },
  ]);
  await publish("yangshuoshibao", "阳朔时报", [
    // Cut from the end: the first half.
    { guid: "ys-1", title: "漓江桂林段水位超警戒", at: T0 + 2 * H, paragraphs: STORY.slice(0, 3) },
  ]);
  await publish("liuzhouribao", "柳州日报", [
    { guid: "lz-1", title: "柳江柳州段发布洪水蓝色预警", at: T0 + 3 * H, paragraphs: OTHER_STORY },
    ...FILLERS,
    ...EARLY_FILLERS,
  ]);
});

async function row(guid: string) {
  return (await env.DB.prepare("SELECT id, story_id, story_members FROM articles WHERE guid = ?1")
    .bind(guid)
    .first<{ id: string; story_id: string | null; story_members: string | null }>())!;
}

describe("one story, many papers", () => {
  it("groups the three papers' story under the first article, and leaves the other flood story alone", async () => {
    const head = await row("gl-1");
    expect(head.story_id).toBe(head.id);
    for (const guid of ["lj-1", "ys-1"]) expect((await row(guid)).story_id).toBe(head.id);
    // The head itself is not rewritten: each member carries the head's id as a label of its own
    // search row, which finds the two in the order they joined.
    expect(head.story_members).toBeNull();
    expect((await db.all<{ id: string }>(storyOthersStatement(head.id))).map((r) => r.id)).toEqual([
      (await row("lj-1")).id,
      (await row("ys-1")).id,
    ]);
    const other = await row("lz-1");
    expect(other.story_id).toBe(other.id);
  });

  it("shows the story once on the home page, with 另有 2 家来源", async () => {
    const pages = await walk("/");
    const html = pages.join("\n");
    expect(html.match(/漓江桂林段水位超警戒 启动防汛四级应急响应/g)).toHaveLength(1);
    expect(html).not.toContain("关注：漓江水位上涨");
    expect(html).not.toContain(">漓江桂林段水位超警戒<");
    expect(html).toMatch(
      /class="story-others" href="\/guilinwanbao\/2026\/12\/05\/[0-9a-f]{16}\.html#others">另有 2 家来源</,
    );
    expect(html).toContain("柳江柳州段发布洪水蓝色预警");
  });

  it("pages across the story without losing or repeating an article", async () => {
    const pages = await walk("/");
    expect(pages).toHaveLength(2);
    expect(pages[0]).toContain("柳江柳州段发布洪水蓝色预警");
    expect(pages[1]).toContain("漓江桂林段水位超警戒 启动防汛四级应急响应");
    const ids = pages.flatMap((html) =>
      [...html.matchAll(/<h2><a href="[^"]*\/([0-9a-f]{16})\.html"/g)].map((m) => m[1]!),
    );
    const { results } = await env.DB.prepare(
      "SELECT id FROM articles WHERE story_id IS NULL OR story_id = id ORDER BY published_at DESC, id DESC",
    ).all<{ id: string }>();
    // 30 + 5 fillers, the other flood story and the head: 37 heads, the two reprints left out.
    expect(results).toHaveLength(37);
    expect(ids).toEqual(results.map((r) => r.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("links the other papers from each article page, with their times in +08:00", async () => {
    const res = await get(await articleUrl("lj-1"));
    expect(res.status).toBe(200);
    const html = await res.text();
    const section = html.slice(html.indexOf('id="others"'));
    expect(section).toContain("其他来源的同题报道");
    expect(section).toContain("桂林晚报");
    expect(section).toContain("阳朔时报");
    expect(section).toContain('<time datetime="2026-12-05T09:00:00+08:00">2026-12-05 09:00 (+08:00)</time>');
    expect(section).toContain(await articleUrl("gl-1"));
    expect(section).toContain(await articleUrl("ys-1"));
    // The other flood story is no reprint, and has no such list.
    const other = await (await get(await articleUrl("lz-1"))).text();
    expect(other).not.toContain("其他来源的同题报道");
  });

  it("a feed with ?dedupe=1 carries the story once, the other papers linked in it; without, all three", async () => {
    const grouped = await (await get("/feed.xml?dedupe=1&limit=100")).text();
    expect(grouped.match(/<entry>/g)?.length).toBe(37);
    expect(grouped.match(/漓江桂林段水位超警戒 启动防汛四级应急响应\]\]><\/title>/g)).toHaveLength(1);
    expect(grouped).not.toContain("关注：漓江水位上涨，沿江群众请注意]]></title>");
    expect(grouped).toContain("漓江日报：关注：漓江水位上涨，沿江群众请注意");
    expect(grouped).toContain("其他来源的同题报道");
    expect(grouped).toContain(`${BASE}${await articleUrl("lj-1")}`);
    const all = await (await get("/feed.xml?limit=100")).text();
    expect(all.match(/<entry>/g)?.length).toBe(39);
    expect(all).not.toContain("其他来源的同题报道");
    const json = (await (await get("/feed.json?dedupe=1&limit=100")).json()) as { items: { content_html: string }[] };
    expect(json.items).toHaveLength(37);
    expect(json.items.filter((i) => i.content_html.includes("其他来源的同题报道"))).toHaveLength(1);
  });

  it("lists every article when grouping is off (STORY_GROUPING=off)", async () => {
    const grouped = await readListingPage(db, { kind: "all" }, { limit: 100, grouped: true });
    const plain = await readListingPage(db, { kind: "all" }, { limit: 100, grouped: false });
    expect(grouped.page.items).toHaveLength(37);
    expect(plain.page.items).toHaveLength(39);
    expect(plain.page.items.every((a) => a.storyOthers === undefined)).toBe(true);
  });

  it("refuses a dedupe value other than 0 or 1 with 400", async () => {
    const res = await get("/feed.xml?dedupe=yes");
    expect(res.status).toBe(400);
  });
});

async function articleUrl(guid: string): Promise<string> {
  const r = await env.DB.prepare(
    "SELECT a.id, a.path_date, s.slug FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.guid = ?1",
  )
    .bind(guid)
    .first<{ id: string; path_date: string; slug: string }>();
  return `/${r!.slug}/${r!.path_date}/${r!.id}.html`;
}

/** Every page of a listing, following its next link. */
async function walk(path: string): Promise<string[]> {
  const pages: string[] = [];
  let next: string | undefined = path;
  while (next) {
    const res = await get(next);
    expect(res.status, next).toBe(200);
    const html = await res.text();
    pages.push(html);
    next = /<a rel="next" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
    expect(pages.length).toBeLessThan(10);
  }
  return pages;
}

describe("the story lookups use their indexes", () => {
  const planOf = async (stmt: { sql: string; params: readonly (string | number | null)[] }) =>
    (
      await env.DB.prepare(`EXPLAIN QUERY PLAN ${stmt.sql}`)
        .bind(...stmt.params)
        .all<{ detail: string }>()
    ).results.map((r) => r.detail);

  it("finds candidates through the search index's key tokens, never a scan of the articles", async () => {
    const plan = await planOf(storyCandidatesStatement([1, 2, 3], 0, Date.now())!);
    expect(plan.some((d) => /VIRTUAL TABLE INDEX/.test(d))).toBe(true);
    expect(plan.filter((d) => /^SCAN a\b/.test(d))).toEqual([]);
    expect(storyCandidatesStatement([-1, 2 ** 33, 1.5], 0, Date.now())).toBeNull();
  });

  it("a grouped listing still walks its index in order: no sort of its own, whatever the scope", async () => {
    for (const scope of [
      { kind: "all" as const },
      { kind: "source" as const, source: { slug: "guilinwanbao" } },
      { kind: "tag" as const, tag: "桂林晚报新闻" },
    ]) {
      // The listing is the label's posting list in rowid order (tags are in the row): grouped or
      // not, nothing is sorted and no table of articles is scanned.
      const plan = await planOf(listStatement(scope, { limit: 20, grouped: true }, BRIEF_COLUMNS));
      expect(
        plan.some((d) => /VIRTUAL TABLE INDEX/.test(d) && d.includes("l")),
        plan.join("\n"),
      ).toBe(true);
      expect(
        plan.filter((d) => d.includes("TEMP B-TREE") || /^SCAN (a|r|m)\b/.test(d)),
        plan.join("\n"),
      ).toEqual([]);
    }
  });

  it("reads a story's other articles by primary key", async () => {
    for (const stmt of [storyOthersStatement((await row("lj-1")).id), storyOthersManyStatement(["a", "b"])]) {
      const plan = await planOf(stmt);
      expect(
        plan.filter((d) => /^SCAN (a|o|r|m)\b/.test(d)),
        plan.join("\n"),
      ).toEqual([]);
    }
  });
});

describe("a reprint after the pages were cached", () => {
  it("changes the head's category page and article page: a new validator, the new paper shown, never a stale 304", async () => {
    const paths = ["/category/guilinwanbao.html", await articleUrl("gl-1")];
    const etags = new Map<string, string>();
    for (const path of paths) {
      await evictPage(`${BASE}${path}`);
      const res = await get(path);
      expect(res.status, path).toBe(200);
      const html = await res.text();
      if (path.startsWith("/category/")) expect(html).toContain("另有 2 家来源");
      expect(html, path).not.toContain("漓江水位超警戒 桂林转移群众1260人");
      etags.set(path, res.headers.get("etag")!);
    }
    // A paper already listed (a new one would change every page's header anyway).
    await publish(
      "liuzhouribao",
      "柳州日报",
      [{ guid: "bh-1", title: "漓江水位超警戒 桂林转移群众1260人", at: T0 + 4 * H, paragraphs: STORY }],
      true,
    );
    expect((await row("bh-1")).story_id).toBe((await row("gl-1")).id);
    for (const path of paths) {
      // What the cache layers would keep within max-age is gone: the page is read and made anew.
      await evictPage(`${BASE}${path}`);
      const res = await get(path, { "If-None-Match": etags.get(path)! });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("etag"), path).not.toBe(etags.get(path));
      const html = await res.text();
      expect(html, path).toContain(
        path.startsWith("/category/") ? "另有 3 家来源" : "漓江水位超警戒 桂林转移群众1260人",
      );
    }
  });
});

describe("a stored sketch that cannot be read", () => {
  it("is passed over: the reprint heads its own story, and the next paper joins that one", async () => {
    const text = filler(500);
    const item = (guid: string, hours: number) => ({
      guid,
      title: `同一篇稿件${guid}`,
      at: T0 + hours * H,
      paragraphs: text,
    });
    await publish("damaged-a", "甲报", [item("dm-a", 5)]);
    await env.DB.prepare("UPDATE articles SET story_sketch = 'not a sketch' WHERE guid = 'dm-a'").run();
    await publish("damaged-b", "乙报", [item("dm-b", 6)]);
    const b = await row("dm-b");
    expect(b.story_id).toBe(b.id);
    await publish("damaged-c", "丙报", [item("dm-c", 7)]);
    expect((await row("dm-c")).story_id).toBe(b.id);
    // The damaged article stays where it was, on its own.
    const a = await row("dm-a");
    expect(a.story_id).toBe(a.id);
  });
});

describe("a story reprinted by more papers than a page lists", () => {
  const n = MAX_STORY_MEMBERS + 5;
  const ids = (from: number, count: number) =>
    Promise.all(Array.from({ length: count }, async (_, i) => (await row(`mp-${from + i}`)).id));

  it("is read bounded: its article page links and its listing row counts MAX_STORY_MEMBERS of them", async () => {
    const text = filler(900);
    const item = (i: number) => ({
      guid: `mp-${i}`,
      title: `转载稿件第${i}次`,
      at: T0 - 10 * H + i * 60_000,
      paragraphs: text,
    });
    await publish("head-paper", "首发报", [item(0)]);
    await publish(
      "many-papers",
      "转载报",
      Array.from({ length: n }, (_, i) => item(i + 1)),
    );
    const head = await row("mp-0");
    expect(head.story_id).toBe(head.id);
    expect((await row(`mp-${n}`)).story_id).toBe(head.id);
    // Joining rewrote nothing of the head: each member is found by the label of its own row.
    expect(head.story_members).toBeNull();
    const links = await db.all<{ id: string }>(storyOthersStatement(head.id, 1000));
    expect(links.map((l) => l.id)).toEqual(await ids(1, MAX_STORY_MEMBERS));
    const html = await (await get("/category/head-paper.html")).text();
    expect(html).toContain(`另有 ${MAX_STORY_MEMBERS} 家来源`);
  });

  it("stays bounded when the head also lists members stored before the label", async () => {
    const head = await row("mp-0");
    const listed = await env.DB.prepare(
      "SELECT json_group_array(id) AS ids FROM articles WHERE guid LIKE 'filler-%'",
    ).first<{ ids: string }>();
    expect(JSON.parse(listed!.ids)).toHaveLength(30);
    await env.DB.prepare("UPDATE articles SET story_members = ?2 WHERE id = ?1").bind(head.id, listed!.ids).run();
    // 30 listed and 55 labelled: the head and MAX_STORY_MEMBERS others, the listed ones first.
    const links = await db.all<{ id: string }>(storyOthersStatement(head.id, 1000));
    expect(links).toHaveLength(MAX_STORY_MEMBERS);
    expect(links.map((l) => l.id)).toEqual(expect.arrayContaining(JSON.parse(listed!.ids)));
    await evictPage(`${BASE}/category/head-paper.html`);
    expect(await (await get("/category/head-paper.html")).text()).toContain(`另有 ${MAX_STORY_MEMBERS} 家来源`);
    await env.DB.prepare("UPDATE articles SET story_members = NULL WHERE id = ?1").bind(head.id).run();
  });

  it("keeps its other papers together when the head's source is deleted", async () => {
    await db.batch(deleteSourceStatements("head-paper"));
    expect(await env.DB.prepare("SELECT id FROM articles WHERE guid = 'mp-0'").first()).toBeNull();
    // The label's oldest MAX_STORY_MEMBERS, the member itself among them.
    const links = await db.all<{ id: string }>(storyOthersStatement((await row("mp-1")).id, 1000));
    expect(links.map((l) => l.id)).toEqual(await ids(2, MAX_STORY_MEMBERS - 1));
    const html = await (await get("/category/many-papers.html")).text();
    // Listed, as they were (their head was never in this listing), each with its count.
    expect(html).toContain(`转载稿件第${n}次`);
    expect(html).toContain(`另有 ${MAX_STORY_MEMBERS - 1} 家来源`);
  });
});

describe("a story whose head lists members stored before the member label", () => {
  it("counts and links each member once, whether the head's list, its label, or both name it", async () => {
    const head = await row("gl-1");
    const [lj, ys] = [await row("lj-1"), await row("ys-1")];
    const [bh] = [await row("bh-1")];
    // ys-1 as the layout before the label stored it: its index row without the member label
    // (words and the other labels as before), and the head's list naming it; lj-1 in both.
    const text = await env.DB.prepare(
      "SELECT title, summary, content_html, tags AS tags_json FROM articles WHERE id = ?1",
    )
      .bind(ys.id)
      .first<SearchableRow>();
    await env.DB.batch([
      env.DB.prepare(
        `INSERT OR REPLACE INTO search_index (rowid, tokens) SELECT a.search_rowid, ?2 || ' ' || ${labelsSql("a", { stories: false })}
         FROM articles a WHERE a.id = ?1`,
      ).bind(ys.id, indexTokens(searchTextOfRow(text!))),
      env.DB.prepare("UPDATE articles SET story_members = ?2 WHERE id = ?1").bind(
        head.id,
        JSON.stringify([lj.id, ys.id, "0000000000000000"]),
      ),
    ]);
    // The label alone no longer finds ys-1: only the head's list does.
    const labelled = await env.DB.prepare("SELECT count(*) AS n FROM search_index WHERE search_index MATCH ?1")
      .bind(`"\uE007${head.id}"`)
      .first<{ n: number }>();
    expect(labelled!.n).toBe(2); // lj-1 and bh-1
    const links = await db.all<{ id: string }>(storyOthersStatement(head.id));
    expect(links.map((l) => l.id).sort()).toEqual([lj.id, ys.id, bh.id].sort());
    const fromMember = await db.all<{ id: string }>(storyOthersStatement(bh.id));
    expect(fromMember.map((l) => l.id).sort()).toEqual([head.id, lj.id, ys.id].sort());
    const many = await db.all<{ of_id: string; id: string }>(storyOthersManyStatement([head.id, ys.id]));
    expect(many.filter((r) => r.of_id === head.id)).toHaveLength(3);
    expect(
      many
        .filter((r) => r.of_id === ys.id)
        .map((r) => r.id)
        .sort(),
    ).toEqual([head.id, lj.id, bh.id].sort());
    await evictPage(`${BASE}/category/guilinwanbao.html`);
    expect(await (await get("/category/guilinwanbao.html")).text()).toContain("另有 3 家来源");
  });

  it("keeps a member in its story when an edit upstream rewrites its search row", async () => {
    const head = await row("gl-1");
    const bh = await row("bh-1");
    await publish(
      "liuzhouribao",
      "柳州日报",
      [{ guid: "bh-1", title: "漓江水位超警戒（更新）", at: T0 + 4 * H, paragraphs: STORY }],
      true,
      0,
    );
    expect((await row("bh-1")).story_id).toBe(head.id);
    const links = await db.all<{ id: string; title: string }>(storyOthersStatement(head.id));
    expect(links.find((l) => l.id === bh.id)?.title).toBe("漓江水位超警戒（更新）");
  });
});
