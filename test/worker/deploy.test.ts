// What a deployment relies on: every migration applies on an empty database and the app works
// after each one; a bad setting is refused with a message that names it.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { createApp } from "../../src/app";
import { parseConfig } from "../../src/config";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";
import { indexMissing } from "../../src/db/search";

async function request(path: string, overrides: Partial<Env>): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(new Request(`https://news.test${path}`), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("migrations", () => {
  // Deploys apply migrations before the new code goes live, so each migration must apply on the
  // data the previous ones left, losing none of it; the current code then runs on the result.
  it("apply one by one from empty, keep the data each step had, and the site shows the pre-migration article on the result", async () => {
    const db = env.MIGRATION_DB;
    expect(
      (await db
        .prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'articles'")
        .first<{ n: number }>())!.n,
    ).toBe(0);
    expect(env.TEST_MIGRATIONS.length).toBeGreaterThan(1);
    const count = async () => (await db.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n;
    let rows = 0;
    for (const [i, migration] of env.TEST_MIGRATIONS.entries()) {
      const file = inject("migrationFiles").find((f) => f.name === migration.name);
      expect(file?.text, `${migration.name} opens with a comment saying why`).toMatch(/^-- Why: \S/);
      for (const q of migration.queries) await db.prepare(q).run();
      expect(await count(), `rows kept by ${migration.name}`).toBe(rows);
      if (i === 0) {
        // Data as the first schema held it, written with that schema's columns.
        await db.batch([
          db.prepare(
            "INSERT INTO sources (slug, name, label, created_at) VALUES ('guilinwanbao', '桂林晚报', '桂林晚报新闻', 0)",
          ),
          db.prepare(`INSERT INTO articles (id, source_id, guid, path_date, original_url, title, published_at, published_offset,
            updated_at, updated_offset, content_hash, first_seen_at, summary, content_html)
            VALUES ('00000000000000aa', 1, 'g', '2022/02/21', NULL, '旧文章', 1645410470000, 480, 1645410470000, 480, 'h', 0, '摘要', '<p>正文</p>')`),
        ]);
        rows = 1;
      }
    }
    await importPosts(d1Runner(db), inject("samplePosts").slice(0, 3), { timeZone: "Asia/Shanghai", now: Date.now() });
    const page = async (path: string) => {
      const res = await request(path, { DB: db, MEMORY_CACHE_MB: "0" });
      expect(res.status, path).toBe(200);
      return res.text();
    };
    // The article written before the first migration is still there, whole, after the last.
    const old = await page("/guilinwanbao/2022/02/21/00000000000000aa.html");
    expect(old).toContain("<h1>旧文章</h1>");
    expect(old).toContain("<p>正文</p>");
    expect(old).toContain('<time datetime="2022-02-21T10:27:50+08:00">');
    // Written before the search index existed, it enters the listings (all of which read the
    // index's labels) when the cron's backfill indexes it: the first tick after the deploy.
    expect(await indexMissing(d1Runner(db), 100)).toBe(1);
    for (const path of ["/", "/category/guilinwanbao.html"]) {
      const listing = await page(path);
      expect(listing, path).toContain('<a href="/guilinwanbao/2022/02/21/00000000000000aa.html">旧文章</a>');
      expect(listing, path).toContain('<p class="excerpt">摘要</p>');
    }
    const feed = JSON.parse(await page("/feed.json?limit=5")) as { items: { title: string; content_html: string }[] };
    expect(feed.items.find((i) => i.title === "旧文章")?.content_html).toContain("正文");
  });
});

describe("configuration", () => {
  it.each([
    ["PAGE_SIZE", "abc", /PAGE_SIZE must be an integer from 1 to 100/],
    ["PAGE_SIZE", "0", /PAGE_SIZE must be an integer from 1 to 100/],
    ["BASE_URL", "news.example.com", /BASE_URL must be an absolute http\(s\) URL/],
    ["DEFAULT_TIMEZONE", "Mars/Olympus", /DEFAULT_TIMEZONE must be an IANA zone/],
    ["REFRESH_INTERVAL_MINUTES", "-5", /REFRESH_INTERVAL_MINUTES must be an integer/],
    ["MEMORY_CACHE_MB", "1000", /MEMORY_CACHE_MB must be an integer from 0 to 64/],
    ["WEBSUB_MIN_LEASE_SECONDS", "0", /WEBSUB_MIN_LEASE_SECONDS must be an integer from 1 to 86400/],
    ["HOST_CONCURRENCY", "9", /HOST_CONCURRENCY must be an integer from 1 to 6/],
    ["CONTACT_URL", "call us", /CONTACT_URL must be an http\(s\) URL or a mailto: address/],
  ])("refuses %s=%s with a clear message, not a stack trace", async (name, value, message) => {
    const res = await request("/", { [name]: value } as Partial<Env>);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).toMatch(message);
    expect(text).not.toMatch(/at \w+ \(|\.ts:\d+/);
  });

  it("names a contact in the crawler's User-Agent only when one is configured", () => {
    expect(parseConfig({ BASE_URL: "https://news.example.com" }, "http://localhost").userAgent).toBe(
      "edge-news/1.0 (+https://news.example.com/status)",
    );
    expect(parseConfig({ CONTACT_URL: "mailto:ops@news.example.com" }, "http://localhost").userAgent).toBe(
      "edge-news/1.0 (+mailto:ops@news.example.com)",
    );
    // The cron has no request origin: without BASE_URL or CONTACT_URL it names nobody, not localhost.
    expect(parseConfig({ BASE_URL: "" }, "http://localhost").userAgent).toBe("edge-news/1.0");
  });

  it("uses defaults for settings left empty", async () => {
    const res = await request("/", { SITE_TITLE: "", PAGE_SIZE: "", BASE_URL: "" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<title>本地新闻聚合</title>");
    expect(html).toContain('<link rel="canonical" href="https://news.test/"/>');
  });
});
