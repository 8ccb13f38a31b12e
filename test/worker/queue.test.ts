// The refresh fan-out through Cloudflare Queues (Miniflare runs the queue and its consumer):
// the cron claims due sources and enqueues them, the consumer refreshes each exactly once.
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import worker from "../../src/index";
import type { RefreshMessage } from "../../src/ingest/cron";

const fixtures = inject("feedFixtures");
const rss = Uint8Array.from(atob(fixtures["rss20.xml"]!), (c) => c.charCodeAt(0));
let fetched: string[] = [];

beforeEach(async () => {
  fetched = [];
  await env.DB.batch([
    env.DB.prepare("DELETE FROM search_index"),
    env.DB.prepare("DELETE FROM articles"),
    env.DB.prepare("DELETE FROM sources"),
    // The cron's claims of the sources just deleted: the next test's get the same ids and generation.
    env.DB.prepare("UPDATE refresh_claims SET claimed = '[]'"),
  ]);
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    fetched.push(url);
    return url.startsWith("https://q.example.com/")
      ? new Response(rss, { headers: { "content-type": "application/rss+xml" } })
      : new Response("no", { status: 404 });
  });
  for (const slug of ["qa", "qb", "qc"]) {
    await env.DB.prepare("INSERT INTO sources (slug, name, label, feed_url, created_at) VALUES (?1, ?1, ?1, ?2, 0)")
      .bind(slug, `https://q.example.com/${slug}.xml`)
      .run();
  }
});
afterEach(() => vi.restoreAllMocks());

async function tick(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ cron: "*/15 * * * *", scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function statuses(): Promise<Record<string, string | null>> {
  const { results } = await env.DB.prepare("SELECT slug, last_status FROM sources ORDER BY slug").all<{
    slug: string;
    last_status: string | null;
  }>();
  return Object.fromEntries(results.map((r) => [r.slug, r.last_status]));
}

describe("cron with a queue bound", () => {
  it("enqueues every due source once; the consumer refreshes each exactly once", async () => {
    expect(env.REFRESH_QUEUE).toBeDefined();
    await tick();
    for (let i = 0; i < 100 && Object.values(await statuses()).some((s) => s === null); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await statuses()).toEqual({ qa: "200", qb: "200", qc: "200" });
    expect(fetched.sort()).toEqual([
      "https://q.example.com/qa.xml",
      "https://q.example.com/qb.xml",
      "https://q.example.com/qc.xml",
    ]);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n).toBe(9);

    // A second tick right away: nothing is due, nothing is enqueued or fetched again.
    await tick();
    await new Promise((r) => setTimeout(r, 300));
    expect(fetched).toHaveLength(3);
  });

  it("a second tick while the first one's refreshes are still running enqueues nothing: each feed fetched once", async () => {
    let holding = true;
    vi.restoreAllMocks();
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const url = input instanceof Request ? input.url : String(input);
      fetched.push(url);
      for (let i = 0; i < 500 && holding; i++) await new Promise((r) => setTimeout(r, 10));
      return new Response(rss, { headers: { "content-type": "application/rss+xml" } });
    });
    await tick();
    // The consumer has started: one fetch held, the others waiting their turn at the same host.
    for (let i = 0; i < 200 && fetched.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(fetched.length).toBeGreaterThan(0);
    expect(Object.values(await statuses())).toEqual([null, null, null]); // nothing recorded yet
    await tick(); // every source is still due: only the claims keep them from being enqueued again
    holding = false;
    for (let i = 0; i < 100 && Object.values(await statuses()).some((s) => s === null); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await statuses()).toEqual({ qa: "200", qb: "200", qc: "200" });
    expect(fetched).toHaveLength(3);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM articles").first<{ n: number }>())!.n).toBe(9);
  }, 15_000);
});

describe("queue consumer", () => {
  it("acks refreshed sources, and acks a source deleted since it was enqueued", async () => {
    const batch = createMessageBatch<RefreshMessage>("edge-news-refresh-test", [
      { id: "1", timestamp: new Date(), attempts: 1, body: { slug: "qa" } },
      { id: "2", timestamp: new Date(), attempts: 1, body: { slug: "gone" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue!(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["1", "2"]);
    expect(result.retryMessages).toEqual([]);
    expect((await statuses()).qa).toBe("200");
  });

  it("a message for a source refreshed since it was enqueued is acked without fetching it again", async () => {
    const deliver = async (id: string) => {
      const batch = createMessageBatch<RefreshMessage>("edge-news-refresh-test", [
        { id, timestamp: new Date(), attempts: 1, body: { slug: "qa" } },
      ]);
      const ctx = createExecutionContext();
      await worker.queue!(batch, env, ctx);
      return getQueueResult(batch, ctx);
    };
    expect((await deliver("1")).explicitAcks).toEqual(["1"]);
    expect(fetched).toEqual(["https://q.example.com/qa.xml"]);
    // The same source enqueued again by a later tick while the first message waited.
    expect((await deliver("2")).explicitAcks).toEqual(["2"]);
    expect(fetched).toEqual(["https://q.example.com/qa.xml"]);
  });

  it("retries a message when the refresh cannot even be recorded (database unreachable)", async () => {
    const batch = createMessageBatch<RefreshMessage>("edge-news-refresh-test", [
      { id: "1", timestamp: new Date(), attempts: 2, body: { slug: "qa" } },
    ]);
    const ctx = createExecutionContext();
    // MIGRATION_DB is a real, empty D1 database: it has no sources table at all.
    await worker.queue!(batch, { ...env, DB: env.MIGRATION_DB }, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: "1" }]);
  });
});
