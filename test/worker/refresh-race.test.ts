// A refresh applies only to the source as it was when it began: an admin PATCH, or a DELETE and
// a new source under the same slug, made while the upstream is slow to answer, wins; the
// refresh's outcome is dropped and reported as superseded. Real D1, upstream held behind fetch.
import { SELF, env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const BASE = "https://news.test";
const OLD = "https://slow.example/old.xml";
const NEW = "https://slow.example/new.xml";

const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://slow.example/</link>
  <item><title>旧地址的文章一</title><guid>o1</guid><description>一</description></item>
  <item><title>旧地址的文章二</title><guid>o2</guid><description>二</description></item>
  <item><title>旧地址的文章三</title><guid>o3</guid><description>三</description></item></channel></rss>`;

/** The upstream answers only when released: a refresh in flight for as long as a test wants.
 *  Flags polled on both sides, not promises: workerd does not let one request's promise be
 *  resolved from another's context (the test's), so a shared promise would hang. */
let askedFlag = false;
let released = false;
/** Only the refresh is held: creating a source fetches its address too (feed discovery), and
 *  that answers at once. */
let holding = false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const release = () => {
  released = true;
};
async function untilAsked(): Promise<void> {
  for (let i = 0; i < 500 && !askedFlag; i++) await sleep(10);
  expect(askedFlag).toBe(true);
}
async function slowAnswer(): Promise<void> {
  if (!holding) return;
  askedFlag = true;
  for (let i = 0; i < 500 && !released; i++) await sleep(10);
}

beforeEach(async () => {
  await env.DB.batch(
    ["search_index", "articles", "source_pages", "sources"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)),
  );
  askedFlag = false;
  released = false;
  holding = false;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    if (req.url !== OLD) return new Response("not found", { status: 404 });
    await slowAnswer();
    return new Response(rss, { headers: { "content-type": "application/rss+xml", "cache-control": "max-age=3600" } });
  });
});
afterEach(() => vi.restoreAllMocks());

const admin = (method: string, path: string, body?: unknown) =>
  SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const row = () =>
  env.DB.prepare(
    "SELECT feed_url, next_fetch_at, last_body_hash, last_status, last_counts, etag FROM sources WHERE slug = 'slow'",
  ).first<Record<string, string | number | null>>();
const articleCount = async () => (await env.DB.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n;

describe("an admin change during a refresh wins", () => {
  it("PATCH of feed_url: the source stays due at once, with no old hash, counts or articles", async () => {
    expect((await admin("POST", "/api/v1/sources", { slug: "slow", name: "慢报", feed_url: OLD })).status).toBe(201);
    holding = true;
    const refreshing = admin("POST", "/api/v1/sources/slow/refresh");
    await untilAsked(); // the refresh has read the source and is waiting on the old URL
    const patched = await admin("PATCH", "/api/v1/sources/slow", { feed_url: NEW });
    expect(patched.status).toBe(200);
    release();
    const outcome = (await (await refreshing).json()) as { status: string; new: number };
    expect(outcome).toMatchObject({ status: "superseded", new: 0 });
    const r = (await row())!;
    expect(r.feed_url).toBe(NEW);
    expect(r.next_fetch_at).toBe(0); // "due now", as the PATCH said
    expect(r.last_body_hash).toBeNull();
    expect(r.last_status).toBeNull();
    expect(await articleCount()).toBe(0);
    // The health view tells nothing of a fetch the new address never had.
    const health = (await (await SELF.fetch(`${BASE}/api/v1/sources/health`)).json()) as {
      sources: { slug: string; last_result: string | null; last_counts: unknown }[];
    };
    expect(health.sources.find((s) => s.slug === "slow")).toMatchObject({ last_result: null, last_counts: null });
  });

  it("DELETE then POST of the same slug: the new source inherits nothing", async () => {
    expect((await admin("POST", "/api/v1/sources", { slug: "slow", name: "慢报", feed_url: OLD })).status).toBe(201);
    holding = true;
    const refreshing = admin("POST", "/api/v1/sources/slow/refresh");
    await untilAsked();
    expect((await admin("DELETE", "/api/v1/sources/slow")).status).toBe(204);
    expect((await admin("POST", "/api/v1/sources", { slug: "slow", name: "新慢报", feed_url: NEW })).status).toBe(201);
    release();
    expect(((await (await refreshing).json()) as { status: string }).status).toBe("superseded");
    const r = (await row())!;
    expect(r).toMatchObject({ feed_url: NEW, last_status: null, last_counts: null, last_body_hash: null, etag: null });
    expect(await articleCount()).toBe(0);
  });

  it("without a change the same refresh stores its articles (the guard lets it through)", async () => {
    expect((await admin("POST", "/api/v1/sources", { slug: "slow", name: "慢报", feed_url: OLD })).status).toBe(201);
    holding = true;
    const refreshing = admin("POST", "/api/v1/sources/slow/refresh");
    await untilAsked();
    release();
    expect(await (await refreshing).json()).toMatchObject({ status: "200", new: 3 });
    expect(await articleCount()).toBe(3);
  });

  it("a failing refresh superseded by a PATCH records no failure on the changed source", async () => {
    vi.restoreAllMocks();
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => {
      await slowAnswer();
      return new Response("down", { status: 503 });
    });
    expect((await admin("POST", "/api/v1/sources", { slug: "slow", name: "慢报", feed_url: OLD })).status).toBe(201);
    holding = true;
    const refreshing = admin("POST", "/api/v1/sources/slow/refresh");
    await untilAsked();
    expect((await admin("PATCH", "/api/v1/sources/slow", { feed_url: NEW })).status).toBe(200);
    release();
    expect(((await (await refreshing).json()) as { status: string }).status).toBe("superseded");
    const r = (await env.DB.prepare("SELECT error_count, last_error FROM sources WHERE slug = 'slow'").first())!;
    expect(r).toMatchObject({ error_count: 0, last_error: null });
  });
});
