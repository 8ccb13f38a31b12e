// What a deployment relies on: every migration applies on an empty database and the app works
// after each one; a bad setting is refused with a message that names it.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { createApp } from "../../src/app";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";

async function request(path: string, overrides: Partial<Env>): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(new Request(`https://news.test${path}`), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("migrations", () => {
  it("apply one by one from empty, and the site works after each", async () => {
    const db = env.MIGRATION_DB;
    expect((await db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'articles'").first<{ n: number }>())!.n).toBe(0);
    expect(env.TEST_MIGRATIONS.length).toBeGreaterThan(0);
    for (const migration of env.TEST_MIGRATIONS) {
      const file = inject("migrationFiles").find((f) => f.name === migration.name);
      expect(file?.text, `${migration.name} opens with a comment saying why`).toMatch(/^-- Why: \S/);
      for (const q of migration.queries) await db.prepare(q).run();
      await importPosts(d1Runner(db), inject("samplePosts").slice(0, 3), { timeZone: "Asia/Shanghai", now: Date.now() });
      for (const path of ["/", "/category/guilinwanbao.html", "/feed.json?limit=3"]) {
        const res = await request(path, { DB: db, MEMORY_CACHE_MB: "0" });
        expect(res.status, `${path} after ${migration.name}`).toBe(200);
      }
    }
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
  ])("refuses %s=%s with a clear message, not a stack trace", async (name, value, message) => {
    const res = await request("/", { [name]: value } as Partial<Env>);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).toMatch(message);
    expect(text).not.toMatch(/at \w+ \(|\.ts:\d+/);
  });

  it("uses defaults for settings left empty", async () => {
    const res = await request("/", { SITE_TITLE: "", PAGE_SIZE: "", BASE_URL: "" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<title>本地新闻聚合</title>");
    expect(html).toContain('<link rel="canonical" href="https://news.test/"/>');
  });
});
