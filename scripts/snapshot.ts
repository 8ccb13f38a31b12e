// npm run snapshot -- <out-dir>: every page and feed the site renders over the samples and the hostile
// fixtures, written byte for byte to <out-dir> (one file per URL: status, content type, body), so two
// trees can be compared with `diff -r`. A fresh local D1: the sample posts and the hostile posts
// imported, the hostile upstream feed added through the admin API and refreshed from a loopback
// server. URLs: a fixed list (every feed format of the site, each source, each tag and a search,
// with and without ?limit) plus every same-origin link found in what was fetched.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error -- a plain .mjs script without type declarations
import { startUpstream } from "./sample-upstream.mjs";
import { ROOT, freshPersistDir, migrate, runImport, startDev } from "../test/e2e/server";

const out = process.argv[2];
if (!out) {
  console.error("usage: npm run snapshot -- <out-dir>");
  process.exit(2);
}
// A fixed public origin, so the port wrangler happens to get never shows in the bytes.
const BASE = "https://news.example.com";
const TOKEN = "snapshot-admin-token-0123456789abcdef";
const MAX_URLS = 1500;

/** The two readings of the wall clock (when the OPML was made, when the hostile source was fetched
 *  and is due) differ between any two runs; they are masked so that a diff shows real changes. */
function maskClock(path: string, body: string): string {
  if (path === "/opml.xml")
    return body.replace(/<dateCreated>[^<]*<\/dateCreated>/, "<dateCreated>(clock)</dateCreated>");
  if (path === "/status") return body.replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} \(\+08:00\)/g, "(clock)");
  return body;
}

const upDir = mkdtempSync(join(tmpdir(), "snapshot-upstream-"));
copyFileSync(join(ROOT, "test/fixtures/feeds/hostile.xml"), join(upDir, "hostile.xml"));
const upstream: { url: string; close(): Promise<void> } = await startUpstream(upDir, 0);
const persistTo = freshPersistDir();
await migrate(persistTo);
for (const dir of ["samples/posts", "test/fixtures/hostile"]) {
  const r = await runImport([join(ROOT, dir), "--persist-to", persistTo, "--quiet"]);
  if (r.code !== 0) throw new Error(`import ${dir} failed:\n${r.stderr}`);
}
const site = await startDev(persistTo, { BASE_URL: BASE, ADMIN_TOKEN: TOKEN, MEMORY_CACHE_MB: "0" });

try {
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${site.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const created = await admin("POST", "/api/v1/sources", {
    slug: "hostile",
    name: "恶意内容测试源",
    label: "恶意内容测试源新闻",
    feed_url: `${upstream.url}/hostile.xml`,
  });
  if (created.status !== 201) throw new Error(`creating the hostile source: ${created.status} ${await created.text()}`);
  const refreshed = await admin("POST", "/api/v1/sources/hostile/refresh");
  if (!refreshed.ok) throw new Error(`refreshing the hostile source: ${refreshed.status} ${await refreshed.text()}`);

  const queue: string[] = [];
  const seen = new Set<string>();
  const add = (path: string) => {
    if (!seen.has(path)) seen.add(path), queue.push(path);
  };
  const json = async <T>(path: string): Promise<T> => (await fetch(`${site.url}${path}`)).json() as Promise<T>;
  const { items: categories } = await json<{ items: { slug: string }[] }>("/api/v1/categories");
  const { items: tags } = await json<{ items: { name: string }[] }>("/api/v1/tags");
  const feedFiles = ["feed.xml", "rss.xml", "feed.json"];
  const listings = [
    "",
    ...categories.map((c) => `/category/${c.slug}`),
    ...tags.map((t) => `/tag/${encodeURIComponent(t.name)}`),
  ];
  for (const p of ["/", "/search?q=%E6%A1%82%E6%9E%97", "/search?q=", "/search?q=%3Cb%3E", "/category/"]) add(p);
  for (const p of ["/sitemap.xml", "/sitemap-news.xml", "/opml.xml", "/robots.txt", "/status"]) add(p);
  for (const p of ["/api/v1/articles", "/api/v1/categories", "/api/v1/tags", "/api/v1/sources"]) add(p);
  for (const prefix of [...listings, "/search"]) {
    const q = prefix === "/search" ? "q=%E6%A1%82%E6%9E%97" : "";
    for (const file of feedFiles) {
      add(`${prefix}/${file}${q ? `?${q}` : ""}`);
      add(`${prefix}/${file}?${q ? `${q}&` : ""}limit=2`);
      add(`${prefix}/${file}?${q ? `${q}&` : ""}limit=0`);
    }
  }
  for (const c of categories) add(`/feed/${c.slug}.xml`);
  if (tags[0]) add(`/feed/by_tag/${encodeURIComponent(tags[0].name)}.xml`);

  mkdirSync(out, { recursive: true });
  const linkPattern = /(?:href="|<loc>|"(?:url|next_url|feed_url|home_page_url|id)":\s*")([^"<]+)/g;
  while (queue.length > 0 && seen.size < MAX_URLS) {
    const path = queue.shift()!;
    const res = await fetch(`${site.url}${path}`, { redirect: "manual" });
    const body = await res.text();
    const head = `${res.status} ${res.headers.get("content-type") ?? ""}${res.headers.get("location") ? ` → ${res.headers.get("location")}` : ""}\n\n`;
    const name = path === "/" ? "_root" : path.replace(/[^A-Za-z0-9._-]/g, (ch) => `%${ch.charCodeAt(0).toString(16)}`);
    writeFileSync(join(out, name.slice(0, 200)), head + maskClock(path, body));
    for (const m of body.matchAll(linkPattern)) {
      const raw = m[1]!.replace(/&amp;/g, "&");
      if (raw.startsWith(`${BASE}/`)) add(raw.slice(BASE.length));
      else if (raw.startsWith("/") && !raw.startsWith("//") && !raw.startsWith("/styles")) add(raw);
    }
  }
  console.log(`snapshot: ${seen.size} URLs → ${out}`);
} finally {
  await site.stop();
  await upstream.close();
  rmSync(persistTo, { recursive: true, force: true });
  rmSync(upDir, { recursive: true, force: true });
}
