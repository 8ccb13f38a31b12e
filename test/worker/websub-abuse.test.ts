// The hub cannot be aimed: requests are rate-limited per client and per callback host (429 with
// Retry-After), the per-host cap holds under 200 concurrent verifications, hosts compare after
// normalisation, and a private callback is refused before anything is sent. Real D1.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import worker from "../../src/index";
import { d1Runner } from "../../src/db/sql";
import { importPosts } from "../../src/ingest/import-posts";
import {
  MAX_REQUESTS_PER_CALLBACK_HOST,
  MAX_REQUESTS_PER_CLIENT,
  MAX_SUBSCRIPTIONS_PER_HOST,
  RATE_WINDOW_MS,
  verifyAndApply,
} from "../../src/websub/hub";
import { hubDeps } from "../../src/websub/wiring";

const BASE = "https://news.test";
const TOPIC = `${BASE}/feed.xml`;
const db = d1Runner(env.DB);
let verifications: string[] = [];

beforeAll(async () => {
  await importPosts(db, inject("samplePosts"), { timeZone: "Asia/Shanghai", now: Date.now() });
});

beforeEach(async () => {
  verifications = [];
  await env.DB.batch(
    ["websub_subscriptions", "websub_topics", "rate_limits"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)),
  );
  // The subscriber echoes every challenge.
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(new Request(input, init).url);
    verifications.push(url.href);
    return new Response(url.searchParams.get("hub.challenge"));
  });
});
afterEach(() => vi.restoreAllMocks());

async function hub(fields: Record<string, string>, client = "203.0.113.9"): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch!(
    new Request(`${BASE}/websub`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": client },
      body: new URLSearchParams(fields).toString(),
    }) as never,
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}
const subscribe = (callback: string, client?: string, topic = TOPIC) =>
  hub({ "hub.mode": "subscribe", "hub.topic": topic, "hub.callback": callback }, client);

describe("rate limits", () => {
  // The limits count per fixed window (RATE_WINDOW_MS, aligned to the clock): each test holds the
  // clock 1 s into a fresh window, so a slow run cannot straddle a window's end and reset a count.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], now: Math.ceil(Date.now() / RATE_WINDOW_MS) * RATE_WINDOW_MS + 1_000 });
  });
  afterEach(() => vi.useRealTimers());

  it("per callback host: the request past the limit is 429 with Retry-After, and no GET is sent", async () => {
    for (let i = 0; i < MAX_REQUESTS_PER_CALLBACK_HOST; i++) {
      // Spread over clients: only the callback host's limit is in play.
      expect((await subscribe(`https://target.example/cb/${i}`, `198.51.100.${i}`)).status).toBe(202);
    }
    const sent = verifications.length;
    // Another spelling of the same host (case, trailing dot, default port) counts against it too.
    const refused = await subscribe("https://TARGET.example.:443/cb/x", "198.51.100.200");
    expect(refused.status).toBe(429);
    const retry = Number(refused.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(await refused.text()).toContain("target.example");
    expect(verifications.length).toBe(sent);
    // Other hosts are not held up.
    expect((await subscribe("https://other.example/cb", "198.51.100.201")).status).toBe(202);
  });

  it("per client: one address cannot spread a flood over many callback hosts", async () => {
    for (let i = 0; i < MAX_REQUESTS_PER_CLIENT; i++)
      expect((await subscribe(`https://host${i}.example/cb`, "192.0.2.77")).status).toBe(202);
    const refused = await subscribe("https://one-more.example/cb", "192.0.2.77");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await subscribe("https://one-more.example/cb", "192.0.2.78")).status).toBe(202);
  });

  it("unsubscribe requests count too", async () => {
    for (let i = 0; i < MAX_REQUESTS_PER_CALLBACK_HOST; i++)
      await hub(
        { "hub.mode": "unsubscribe", "hub.topic": TOPIC, "hub.callback": `https://victim.example/${i}` },
        `198.51.100.${i}`,
      );
    const refused = await hub(
      { "hub.mode": "unsubscribe", "hub.topic": TOPIC, "hub.callback": "https://victim.example/x" },
      "198.51.100.99",
    );
    expect(refused.status).toBe(429);
  });
});

describe("the per-host cap", () => {
  it("holds under 200 concurrent verifications at one host", async () => {
    const deps = hubDeps(env);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        verifyAndApply(deps, {
          mode: "subscribe",
          topic: `${BASE}/search/feed.xml?q=${i}`,
          // Loopback in several spellings and ports: one host.
          callback: [`http://127.0.0.1:8102/cb/${i}`, `http://localhost:8103/cb/${i}`, `http://[::1]/cb/${i}`][i % 3]!,
          leaseSeconds: 3600,
          secret: null,
        }),
      ),
    );
    const live = await env.DB.prepare(
      "SELECT count(*) AS n, count(DISTINCT callback_host) AS hosts FROM websub_subscriptions",
    ).first<{ n: number; hosts: number }>();
    expect(live!.n).toBeLessThanOrEqual(MAX_SUBSCRIPTIONS_PER_HOST);
    expect(live!.n).toBe(results.filter(Boolean).length);
    expect(live!.n).toBeGreaterThan(0);
    expect(live!.hosts).toBe(1);
  });
});

describe("callbacks the hub will not call", () => {
  it.each([
    "http://10.0.0.1/cb",
    "http://169.254.169.254/latest/meta-data/",
    "http://2852039166/",
    "http://[fd00:ec2::254]/",
    "http://[::ffff:10.0.0.1]/cb",
    "http://100.64.0.1/cb",
  ])("refuses %s with 400 and a reason, sending nothing", async (callback) => {
    const res = await subscribe(callback);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("出站地址被拒绝");
    expect(verifications).toEqual([]);
  });
});
