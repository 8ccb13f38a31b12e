// Every feed well-formed in every reader: a property test over the feed route table
// (src/feeds/routes.ts) × query shapes (limit, `before` from real next links, hostile `q`, filters, several
// parameters at once) × the hostile posts imported by global-setup. Each document is checked by
// xmllint (well-formed), jing (Atom against the RFC 4287 RELAX NG schema, when the shared schema
// is present) and Python feedparser (bozo must be 0; JSON Feed, which it cannot read, is parsed
// here). The cross-product is sampled with a seeded
// generator so it stays within seconds and a failure names its seed and URL.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { FEED_ROUTES, type FeedRoute } from "../../src/feeds/routes";
import { ATOM_SCHEMA, NEEDS_ATOM_SCHEMA, hasAtomSchema } from "../shared-material";
import { ROOT, execFileP } from "./server";

const base = inject("baseUrl");
const SEED = Number(process.env.FEED_PROPERTY_SEED ?? 17);

/** mulberry32: a small seeded generator, so a failing sample can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = random(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const sample = <T>(xs: readonly T[], n: number): T[] => [...xs].sort(() => rnd() - 0.5).slice(0, n);

// Search words that match the samples, each wrapped in what breaks careless XML writers: & < ]]>
// quotes, emoji, control characters (removed on the way), and a literal entity.
const HOSTILE_Q = [
  "桂林 & <b>粗</b>",
  "]]>记者",
  `"新闻" 'x'`,
  "社区😀",
  "就业\u0001\u0008\u001f",
  "a&b=c<d>桂林",
  "&amp;&lt;桂林",
];

async function json<T>(path: string): Promise<T> {
  return (await fetch(`${base}${path}`)).json() as Promise<T>;
}

/** The values each route parameter takes: the hostile category and tag among them. */
async function parameterValues(): Promise<Record<string, string[]>> {
  const { items: categories } = await json<{ items: { slug: string }[] }>("/api/v1/categories");
  const { items: tags } = await json<{ items: { name: string }[] }>("/api/v1/tags?limit=100");
  const sitemap = await (await fetch(`${base}/sitemap.xml`)).text();
  const months = [...sitemap.matchAll(/\/sitemaps\/(\d{4}-\d{2})\.xml/g)].map((m) => m[1]!);
  const slugs = [
    "guilinwanbao",
    ...sample(
      categories.map((c) => c.slug).filter((s) => s !== "guilinwanbao"),
      1,
    ),
  ];
  const hostileTag = "C++ & <测试>";
  expect(tags.map((t) => t.name)).toContain(hostileTag);
  const tagNames = [
    hostileTag,
    ...sample(
      tags.map((t) => t.name).filter((t) => t !== hostileTag),
      1,
    ),
  ];
  return {
    slug: slugs,
    tag: tagNames.map(encodeURIComponent),
    month: ["2020-01", ...sample(months, 1)], // the hostile posts' month, and one more
  };
}

/** A route's path with each parameter filled in (a jekyll `:file` is a slug or tag plus ".xml"). */
function instances(route: FeedRoute, values: Record<string, string[]>): string[] {
  // ":name" with an optional "{regex}" (which may hold one level of braces: \d{4}).
  const param = (name: string) => new RegExp(`:${name}(?:\\{(?:[^{}]|\\{[^{}]*\\})*\\})?`);
  let paths = [route.path];
  for (const [, name] of route.path.matchAll(/:(\w+)/g)) {
    const choices =
      name === "file"
        ? (route.path.includes("by_tag") ? values.tag! : values.slug!).map((v) => `${v}.xml`)
        : values[name!];
    if (!choices) throw new Error(`no sample values for :${name} in ${route.path}: add them to this test`);
    paths = paths.flatMap((p) => choices.map((v) => p.replace(param(name!), v)));
  }
  return paths;
}

const query = (params: [string, string][]) =>
  params.length ? `?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}` : "";

/** The rel="next" link of a document in any of the three formats. */
function nextLink(body: string): string | undefined {
  const xml = /<(?:atom:)?link[^>]*rel="next"[^>]*>/.exec(body)?.[0];
  const href = xml ? /href="([^"]*)"/.exec(xml)?.[1]?.replaceAll("&amp;", "&") : undefined;
  if (href) return href;
  try {
    return (JSON.parse(body) as { next_url?: string }).next_url;
  } catch {
    return undefined;
  }
}

interface Doc {
  readonly url: string;
  readonly format: FeedRoute["format"];
  readonly file: string;
}

const docs: Doc[] = [];
const xml = () => docs.filter((d) => d.format !== "json");
/** A tool's complaint with each file named by the URL it came from. */
const named = (out: string) => docs.reduce((o, d) => o.replaceAll(d.file, d.url), out);
const complaint = (e: unknown, stream: "stdout" | "stderr") => named(`${(e as Record<string, string>)[stream] ?? e}`);

describe(`every feed document, every query shape (seed ${SEED})`, () => {
  beforeAll(async () => {
    const started = Date.now();
    const dir = mkdtempSync(join(tmpdir(), "feed-property-"));
    const values = await parameterValues();
    const fetchDoc = async (url: string, format: FeedRoute["format"]): Promise<string> => {
      const res = await fetch(url);
      expect(res.status, url).toBe(200);
      const body = await res.text();
      const file = join(dir, `${docs.length}.${format === "json" ? "json" : "xml"}`);
      writeFileSync(file, body);
      docs.push({ url, format, file });
      return body;
    };
    for (const route of FEED_ROUTES) {
      const search = route.path.startsWith("/search/");
      for (const path of instances(route, values)) {
        const q = (): [string, string][] => (search || rnd() < 0.5 ? [["q", pick(HOSTILE_Q)]] : []);
        const shapes: [string, string][][] = [
          search ? [["q", "桂林"]] : [],
          [...q(), ["limit", String(1 + Math.floor(rnd() * 100))]],
          [["utm_source", "reader"], ...q(), ["limit", String(1 + Math.floor(rnd() * 3))], ["r", "<&>"]],
          // RSSHub's filters (a hostile pattern among them): a filtered document is a document too.
          [
            ...q(),
            ["filter", pick(["新闻|社区|的", "桂林", "^[^<&>]*$"])],
            ["filterout_title", "(a+)+$|<&>"],
            ["filter_case_sensitive", "false"],
            ["filter_time", "3153600000"],
            ["limit", String(1 + Math.floor(rnd() * 5))],
          ],
        ];
        for (const shape of shapes) {
          const body = await fetchDoc(`${base}${path}${query(shape)}`, route.format);
          // Older pages: the document's own rel="next", as a reader follows it (limit & before).
          const next = nextLink(body);
          if (next && shape.some(([k]) => k === "limit")) await fetchDoc(next, route.format);
        }
      }
    }
    console.log(`feed property test: ${docs.length} documents fetched in ${Date.now() - started} ms (seed ${SEED})`);
  }, 120_000);

  it("covers the table: every route, with paging", () => {
    expect(xml().length).toBeGreaterThan(40);
    expect(docs.filter((d) => d.url.includes("before=")).length).toBeGreaterThan(5);
  });

  it("every RSS and Atom document is well-formed XML (xmllint)", async () => {
    const lint = await execFileP("xmllint", ["--noout", ...xml().map((d) => d.file)]).then(
      () => "",
      (e) => complaint(e, "stderr"),
    );
    expect(lint).toBe("");
  });

  it.skipIf(!hasAtomSchema)(`every Atom document is valid against RFC 4287 (${NEEDS_ATOM_SCHEMA})`, async () => {
    const atom = docs.filter((d) => d.format === "atom").map((d) => d.file);
    const jing = await execFileP("jing", ["-c", ATOM_SCHEMA, ...atom]).then(
      () => "",
      (e) => complaint(e, "stdout"),
    );
    expect(jing).toBe("");
  });

  it("feedparser reads every RSS and Atom document without bozo", async () => {
    const { stdout } = await execFileP(
      "/usr/bin/python3",
      [join(ROOT, "test/e2e/feedcheck.py"), ...xml().map((d) => d.url)],
      { maxBuffer: 512 * 1024 * 1024 },
    );
    const parsed = JSON.parse(stdout) as { url: string; version: string; bozo: boolean; bozo_exception: string }[];
    expect(parsed.filter((p) => p.bozo || !p.version).map((p) => `${p.url}: ${p.bozo_exception}`)).toEqual([]);
  });

  // Debian's feedparser 6.0 reads RSS and Atom only: JSON Feed is checked for what 1.1 requires.
  it("every JSON Feed document parses, with its version, title and item ids", () => {
    for (const d of docs.filter((d) => d.format === "json")) {
      const feed = JSON.parse(readFileSync(d.file, "utf8")) as {
        version: string;
        title: string;
        items: { id: string }[];
      };
      expect(feed.version, d.url).toBe("https://jsonfeed.org/version/1.1");
      expect(typeof feed.title, d.url).toBe("string");
      expect(
        feed.items.every((i) => typeof i.id === "string"),
        d.url,
      ).toBe(true);
    }
  });
});
