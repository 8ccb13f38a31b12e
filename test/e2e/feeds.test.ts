// Feeds as real clients see them: xmllint, jing (Atom RELAX NG schema) and Debian's feedparser,
// over HTTP from `wrangler dev`, including hostile content imported from test/fixtures/hostile.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeHTML } from "entities";
import { describe, expect, inject, it } from "vitest";
import { ATOM_SCHEMA, NEEDS_ATOM_SCHEMA, hasAtomSchema } from "../shared-material";
import { ROOT, execFileP } from "./server";

const base = inject("baseUrl");
const dir = mkdtempSync(join(tmpdir(), "feeds-"));

interface Parsed {
  version: string;
  bozo: boolean;
  bozo_exception: string;
  title: string;
  language: string | null;
  links: { rel: string; href: string }[];
  entries: {
    id: string;
    title: string;
    link: string;
    published: string;
    updated: string;
    author: string;
    tags: string[];
    summary: string | null;
    content: string[];
  }[];
}

async function feedparser(url: string): Promise<Parsed> {
  const { stdout } = await execFileP("/usr/bin/python3", [join(ROOT, "test/e2e/feedcheck.py"), url], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return (JSON.parse(stdout) as Parsed[])[0]!;
}

async function save(path: string): Promise<string> {
  const res = await fetch(`${base}${path}`);
  expect(res.status).toBe(200);
  const file = join(dir, `${path.replace(/[^a-z0-9]+/gi, "_")}.xml`);
  writeFileSync(file, Buffer.from(await res.arrayBuffer()));
  return file;
}

interface JsonFeed {
  items: { id: string; url: string; title: string; date_published: string; tags?: string[]; summary?: string }[];
}

const LISTINGS = [
  { name: "site", prefix: "" },
  { name: "category", prefix: "/category/guilinwanbao" },
  { name: "tag", prefix: `/tag/${encodeURIComponent("桂林晚报新闻")}` },
];

describe.each(LISTINGS)("$name feeds", ({ prefix }) => {
  const q = "?limit=100";

  it.skipIf(!hasAtomSchema)(`Atom is valid against the RFC 4287 schema (${NEEDS_ATOM_SCHEMA})`, async () => {
    await execFileP("jing", ["-c", ATOM_SCHEMA, await save(`${prefix}/feed.xml${q}`)]);
  });

  it("Atom is well-formed and parsed by feedparser as sent", async () => {
    const file = await save(`${prefix}/feed.xml${q}`);
    await execFileP("xmllint", ["--noout", file]);

    const json = (await (await fetch(`${base}${prefix}/feed.json${q}`)).json()) as JsonFeed;
    const atom = await feedparser(`${base}${prefix}/feed.xml${q}`);
    expect(atom.bozo_exception).toBe("");
    expect(atom.bozo).toBe(false);
    expect(atom.version).toBe("atom10");
    expect(atom.language).toBe("zh-CN");
    expect(atom.links).toContainEqual({ rel: "self", href: `${base}${prefix}/feed.xml${q}` });
    expect(atom.entries).toHaveLength(json.items.length);
    expect(json.items.length).toBeGreaterThan(2);
    atom.entries.forEach((e, i) => {
      const item = json.items[i]!;
      expect(e.link).toBe(item.url);
      expect(e.id).toBe(item.id);
      // type="html" titles: feedparser hands back the HTML; decoded, it is the stored title.
      expect(decodeHTML(e.title)).toBe(item.title);
      expect(e.published).toBe(item.date_published);
      expect(e.published).toMatch(/\+08:00$/);
      expect(e.tags).toEqual(item.tags ?? []);
    });
  });

  it("RSS is well-formed and parsed by feedparser with titles, links and +0800 dates", async () => {
    const file = await save(`${prefix}/rss.xml${q}`);
    await execFileP("xmllint", ["--noout", file]);
    const json = (await (await fetch(`${base}${prefix}/feed.json${q}`)).json()) as JsonFeed;
    const rss = await feedparser(`${base}${prefix}/rss.xml${q}`);
    expect(rss.bozo_exception).toBe("");
    expect(rss.bozo).toBe(false);
    expect(rss.version).toBe("rss20");
    expect(rss.entries).toHaveLength(json.items.length);
    rss.entries.forEach((e, i) => {
      const item = json.items[i]!;
      expect(e.link).toBe(item.url);
      expect(e.id).toBe(item.url);
      expect(e.published).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0800$/);
      expect(new Date(e.published).getTime()).toBe(new Date(item.date_published).getTime());
      expect(e.content[0]?.length).toBeGreaterThan(0);
    });
  });
});

describe("hostile content survives as valid feeds", () => {
  it("keeps the hostile title intact (minus forbidden characters) and its body without script", async () => {
    const path = "/category/guilinwanbao/rss.xml?limit=100";
    const rss = await feedparser(`${base}${path}`);
    const json = (await (await fetch(`${base}/category/guilinwanbao/feed.json?limit=100`)).json()) as JsonFeed;
    // RSS titles are read as text by some readers and as HTML by others: only a "<" that would
    // start markup (and an "&" that would start a reference) is written full-width, so both show
    // the same, none is a tag, and the rest of the title is the same text as in JSON Feed.
    const hostile = rss.entries.find((e) => e.title.startsWith("坏]]>标题"));
    expect(hostile).toBeDefined();
    expect(hostile!.title).toContain("& ＜b>粗＜/b>");
    expect(hostile!.title).not.toMatch(/<[A-Za-z/!?]/); // feedparser kept no markup to sanitize
    expect(decodeHTML(hostile!.title)).toBe(hostile!.title); // read as HTML: the same text
    const stored = json.items.find((i) => i.title.startsWith("坏]]>标题"))!.title;
    expect(hostile!.title).toBe(stored.replace(/<(?=[A-Za-z/!?])/g, "＜"));
    expect(hostile!.title).toContain("😀");
    expect(hostile!.title).not.toMatch(/[\u0000-\u0008]/);
    expect(hostile!.title.length).toBeGreaterThan(500);
    expect(hostile!.tags).toContain("C++ & <测试>");
    expect(decodeHTML(hostile!.content[0]!)).toContain("一 ]]> 二 ]]> 三 & 😀");
    expect(hostile!.content[0]).not.toMatch(/script|onerror|javascript:/);
    const noSummary = json.items.find((i) => i.title === "只有图片，没有摘要");
    expect(noSummary).toBeDefined();
    expect(noSummary!.summary).toBeUndefined();
    const rssNoSummary = rss.entries.find((e) => e.title === "只有图片，没有摘要");
    expect(rssNoSummary!.content[0]).toContain(`src="${base}/assets/samples/bus.svg"`);
  });
});

// Schemas we wrote from the protocols' text (test/fixtures/schemas): jing checks structure and
// datatypes, xmllint well-formedness; the entry limits are counted here.
const SCHEMAS = join(ROOT, "test/fixtures/schemas");
async function validDiscovery(path: string, schema: "sitemap.rnc" | "opml2.rnc"): Promise<string> {
  const file = await save(path);
  await execFileP("xmllint", ["--noout", file]);
  await execFileP("jing", ["-c", join(SCHEMAS, schema), file]);
  return readFileSync(file, "utf8");
}

describe("discovery documents are valid", () => {
  it("the sitemap index and every monthly sitemap it names, within the protocol's limits", async () => {
    const index = await validDiscovery("/sitemap.xml", "sitemap.rnc");
    const months = [...index.matchAll(/\/sitemaps\/(\d{4}-\d{2})\.xml/g)].map((m) => m[1]!);
    expect(months.length).toBeGreaterThan(0);
    let urls = 0;
    for (const m of months) {
      const xml = await validDiscovery(`/sitemaps/${m}.xml`, "sitemap.rnc");
      const n = xml.match(/<url>/g)!.length;
      expect(n).toBeLessThanOrEqual(50_000);
      expect(Buffer.byteLength(xml)).toBeLessThanOrEqual(50 * 1024 * 1024);
      urls += n;
    }
    // Every article is in exactly one monthly sitemap.
    const all = ((await (await fetch(`${base}/api/v1/articles?limit=100`)).json()) as { items: unknown[] }).items
      .length;
    expect(urls).toBe(all);
  });

  it("the news sitemap (last 48 hours) and the OPML subscription list", async () => {
    const news = await validDiscovery("/sitemap-news.xml", "sitemap.rnc");
    expect(news).toContain("<news:title>阳朔西街夜市延长营业时间</news:title>");
    const opml = await validDiscovery("/opml.xml", "opml2.rnc");
    expect(opml.match(/type="rss"/g)!.length).toBeGreaterThanOrEqual(4);
  });

  it("the schemas reject what the protocols forbid (they are not rubber stamps)", async () => {
    const bad = join(mkdtempSync(join(tmpdir(), "bad-")), "bad.xml");
    writeFileSync(
      bad,
      '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/relative</loc><lastmod>yesterday</lastmod></url></urlset>',
    );
    await expect(execFileP("jing", ["-c", join(SCHEMAS, "sitemap.rnc"), bad])).rejects.toMatchObject({
      stdout: expect.stringMatching(/"loc"[\s\S]*"lastmod"/),
    });
    writeFileSync(
      bad,
      '<?xml version="1.0"?><opml version="2.0"><head/><body><outline text="x" type="rss"/></body></opml>',
    );
    await expect(execFileP("jing", ["-c", join(SCHEMAS, "opml2.rnc"), bad])).rejects.toMatchObject({
      stdout: expect.stringMatching(/missing required attribute "xmlUrl"/),
    });
  });
});

describe("RFC 5005 archives, as feedparser reads them", () => {
  it("walking prev-archive from the site feed reaches every article once", async () => {
    const total = ((await (await fetch(`${base}/feed.json?limit=100`)).json()) as JsonFeed).items.length;
    const current = await feedparser(`${base}/feed.xml?limit=5`);
    let url = current.links.find((l) => l.rel === "prev-archive")?.href;
    const seen: string[] = [];
    let archives = 0;
    while (url) {
      const parsed = await feedparser(url);
      expect(parsed.bozo_exception).toBe("");
      seen.push(...parsed.entries.map((e) => e.id));
      archives++;
      url = parsed.links.find((l) => l.rel === "prev-archive")?.href;
    }
    expect(archives).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(total);
  });

  it.skipIf(!hasAtomSchema)(`an archive page is valid against the RFC 4287 schema (${NEEDS_ATOM_SCHEMA})`, async () => {
    const current = await feedparser(`${base}/feed.xml?limit=5`);
    const url = current.links.find((l) => l.rel === "prev-archive")?.href;
    expect(url).toBeDefined();
    await execFileP("jing", ["-c", ATOM_SCHEMA, await save(new URL(url!).pathname)]);
  });
});
