// The WebSub hub inside workerd on a real D1, with the delivery queue Miniflare runs: requests,
// intent verification, leases, change detection, signed deliveries, failing subscribers.
// The subscriber here is a stand-in behind fetch; test/e2e/websub.test.ts uses a real one.
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import worker from "../../src/index";
import { importPosts } from "../../src/ingest/import-posts";
import { d1Runner } from "../../src/db/sql";
import {
  DROP_AFTER_FAILING_MS,
  MAX_DELIVERY_FAILURES,
  MAX_SUBSCRIPTIONS_PER_HOST,
  deliver,
  hmacSha256Hex,
  parseHubRequest,
} from "../../src/websub/hub";
import { deleteSourceStatements } from "../../src/db/sources";
import { hubDeps } from "../../src/websub/wiring";

const BASE = "https://news.test";
const TOPIC = `${BASE}/category/guilinwanbao/feed.xml`;
const CALLBACK = "https://sub.example/push?feed=guilin";
const db = d1Runner(env.DB);

interface Call {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}
let calls: Call[] = [];
/** How the stand-in subscriber answers: echo the challenge (or not), accept pushes (or not). */
let answer: { verify: "echo" | "wrong" | 404; push: number } = { verify: "echo", push: 204 };

beforeAll(async () => {
  await importPosts(db, inject("samplePosts"), { timeZone: "Asia/Shanghai", now: Date.now() });
});

beforeEach(async () => {
  calls = [];
  answer = { verify: "echo", push: 204 };
  await env.DB.batch([
    env.DB.prepare("DELETE FROM websub_subscriptions"),
    env.DB.prepare("DELETE FROM websub_topics"),
    env.DB.prepare("DELETE FROM rate_limits"),
  ]);
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    const call = { method: req.method, url: new URL(req.url), headers: req.headers, body: await req.text() };
    calls.push(call);
    if (call.method === "GET") {
      if (answer.verify === 404) return new Response("no", { status: 404 });
      return new Response(answer.verify === "echo" ? call.url.searchParams.get("hub.challenge") : "not the challenge");
    }
    return new Response(null, { status: answer.push });
  });
});
afterEach(() => vi.restoreAllMocks());

/** A hub request through the worker, waiting for the verification it starts. */
async function hub(
  fields: Record<string, string>,
  contentType = "application/x-www-form-urlencoded",
): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch!(
    new Request(`${BASE}/websub`, {
      method: "POST",
      headers: { "content-type": contentType },
      body: new URLSearchParams(fields).toString(),
    }) as never,
    env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}
const subscribe = (extra: Record<string, string> = {}) =>
  hub({
    "hub.mode": "subscribe",
    "hub.topic": TOPIC,
    "hub.callback": CALLBACK,
    "hub.secret": "s3cret-for-hmac",
    ...extra,
  });

async function tick(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ cron: "*/15 * * * *", scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const rows = async () =>
  (
    await env.DB.prepare(
      "SELECT topic, callback, secret, lease_seconds, expires_at, failures FROM websub_subscriptions",
    ).all<Record<string, unknown>>()
  ).results;

let postNo = 0;
/** A new article in 桂林晚报, written the way the import CLI writes. */
async function newArticle(): Promise<string> {
  const title = `新闻推送测试第${++postNo}条：漓江两岸新添观景步道`;
  await importPosts(
    db,
    [
      {
        name: `900_push_${postNo}.txt`,
        text: `---\ntitle: "${title}"\ndate: 2026-11-2${postNo} 09:00:00 +0800\ncategories: guilinwanbao\ntags: [桂林晚报新闻]\n---\n<p>正文 ${postNo}</p>\n`,
      },
    ],
    {
      timeZone: "Asia/Shanghai",
      now: Date.now(),
    },
  );
  return title;
}

async function pushes(expected: number): Promise<Call[]> {
  for (let i = 0; i < 100 && calls.filter((c) => c.method === "POST").length < expected; i++)
    await new Promise((r) => setTimeout(r, 50));
  return calls.filter((c) => c.method === "POST");
}

describe("hub requests", () => {
  it.each([
    [{ "hub.mode": "watch", "hub.topic": TOPIC, "hub.callback": CALLBACK }, 400, /hub\.mode/],
    [{ "hub.mode": "subscribe", "hub.topic": TOPIC }, 400, /hub\.callback is required/],
    [
      { "hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": "javascript:alert(1)" },
      400,
      /hub\.callback must be an absolute http/,
    ],
    [
      { "hub.mode": "subscribe", "hub.topic": "https://elsewhere.example/feed.xml", "hub.callback": CALLBACK },
      400,
      /one of this site's feeds/,
    ],
    [
      { "hub.mode": "subscribe", "hub.topic": `${BASE}/archive/2025-09/feed.xml`, "hub.callback": CALLBACK },
      400,
      /archives/,
    ],
    [{ "hub.mode": "subscribe", "hub.topic": `${BASE}/feed.xml?limit=500`, "hub.callback": CALLBACK }, 400, /limit/],
    [
      { "hub.mode": "subscribe", "hub.topic": `${BASE}/category/nosuchpaper/feed.xml`, "hub.callback": CALLBACK },
      404,
      /没有这个新闻来源/,
    ],
    [
      { "hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": CALLBACK, "hub.secret": "x".repeat(200) },
      400,
      /hub\.secret/,
    ],
    [
      { "hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": CALLBACK, "hub.lease_seconds": "soon" },
      400,
      /lease_seconds/,
    ],
  ])("%j → %i with a reason, and no verification", async (fields, status, reason) => {
    const res = await hub(fields as Record<string, string>);
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(reason);
    expect(calls).toHaveLength(0);
  });

  it("wants a form, and GET explains itself", async () => {
    expect((await hub({ "hub.mode": "subscribe" }, "application/json")).status).toBe(400);
    const res = await worker.fetch!(new Request(`${BASE}/websub`) as never, env, createExecutionContext());
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("clamps the lease to the hub's bounds", () => {
    const base = { "hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": CALLBACK };
    expect(parseHubRequest(base, 3600).leaseSeconds).toBe(864_000);
    expect(parseHubRequest({ ...base, "hub.lease_seconds": "5" }, 3600).leaseSeconds).toBe(3600);
    expect(parseHubRequest({ ...base, "hub.lease_seconds": "99999999" }, 3600).leaseSeconds).toBe(2_592_000);
  });
});

describe("subscription and intent verification", () => {
  it("answers 202, verifies with the challenge GET, then stores the subscription with its lease", async () => {
    const res = await subscribe({ "hub.lease_seconds": "7200" });
    expect(res.status).toBe(202);
    expect(calls).toHaveLength(1);
    const check = calls[0]!;
    expect(check.method).toBe("GET");
    // The callback's own query is kept; the hub's parameters are added (§5.3).
    expect(check.url.searchParams.get("feed")).toBe("guilin");
    expect(check.url.searchParams.get("hub.mode")).toBe("subscribe");
    expect(check.url.searchParams.get("hub.topic")).toBe(TOPIC);
    expect(check.url.searchParams.get("hub.lease_seconds")).toBe("7200");
    expect(check.url.searchParams.get("hub.challenge")).toMatch(/^[0-9a-f-]{36}$/);
    const [row] = await rows();
    expect(row).toMatchObject({ topic: TOPIC, callback: CALLBACK, secret: "s3cret-for-hmac", lease_seconds: 7200 });
    expect(Math.abs((row!.expires_at as number) - (Date.now() + 7200_000))).toBeLessThan(10_000);
  });

  it.each([
    ["a wrong challenge", "wrong"],
    ["a 404", 404],
  ] as const)("stores nothing when the callback answers %s", async (_name, verify) => {
    answer.verify = verify;
    expect((await subscribe()).status).toBe(202);
    expect(calls).toHaveLength(1);
    expect(await rows()).toHaveLength(0);
  });

  it("renews in place: a second subscribe replaces lease and secret, one row", async () => {
    await subscribe({ "hub.lease_seconds": "7200" });
    await subscribe({ "hub.lease_seconds": "86400", "hub.secret": "a-new-secret" });
    const all = await rows();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ lease_seconds: 86400, secret: "a-new-secret" });
  });

  it("unsubscribes only after the subscriber confirms", async () => {
    await subscribe();
    answer.verify = "wrong";
    await hub({ "hub.mode": "unsubscribe", "hub.topic": TOPIC, "hub.callback": CALLBACK });
    expect(await rows()).toHaveLength(1);
    answer.verify = "echo";
    await hub({ "hub.mode": "unsubscribe", "hub.topic": TOPIC, "hub.callback": CALLBACK });
    expect(calls.at(-1)!.url.searchParams.get("hub.mode")).toBe("unsubscribe");
    expect(await rows()).toHaveLength(0);
  });
});

describe("content distribution", () => {
  it("after a change, POSTs the topic's new feed, signed with the subscriber's secret", async () => {
    await subscribe();
    await tick(); // nothing changed since the subscription: nothing is sent
    expect(await pushes(0)).toHaveLength(0);

    const title = await newArticle();
    await tick();
    const [push, ...more] = await pushes(1);
    expect(more).toHaveLength(0);
    expect(push!.url.href).toBe(CALLBACK);
    expect(push!.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    expect(push!.headers.get("link")).toBe(`<${BASE}/websub>; rel="hub", <${TOPIC}>; rel="self"`);
    expect(push!.body).toContain(title);
    expect(push!.body).toContain(`<link rel="hub" href="${BASE}/websub"/>`);
    expect(push!.headers.get("x-hub-signature")).toBe(`sha256=${await hmacSha256Hex("s3cret-for-hmac", push!.body)}`);

    // The next tick with no further change sends nothing again.
    await tick();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await pushes(1)).toHaveLength(1);
  });

  it("sends no signature without a secret, and nothing for other topics' changes", async () => {
    await hub({
      "hub.mode": "subscribe",
      "hub.topic": `${BASE}/category/lijiangribao/feed.json`,
      "hub.callback": CALLBACK,
    });
    expect(await rows()).toHaveLength(1);
    await newArticle(); // a 桂林晚报 article: not in 漓江日报's feed
    await tick();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await pushes(0)).toHaveLength(0);

    await hub({ "hub.mode": "subscribe", "hub.topic": `${BASE}/feed.json`, "hub.callback": CALLBACK });
    const title = await newArticle();
    await tick();
    const [push] = await pushes(1);
    expect(push!.headers.get("content-type")).toBe("application/feed+json; charset=utf-8");
    expect(push!.headers.has("x-hub-signature")).toBe(false);
    const feed = JSON.parse(push!.body) as { hubs: { type: string; url: string }[]; items: { title: string }[] };
    expect(feed.hubs).toEqual([{ type: "WebSub", url: `${BASE}/websub` }]);
    expect(feed.items[0]!.title).toBe(title);
  });

  it("gives an expired subscription nothing, and forgets it", async () => {
    await subscribe();
    await env.DB.prepare("UPDATE websub_subscriptions SET expires_at = ?1")
      .bind(Date.now() - 1000)
      .run();
    await newArticle();
    await tick();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await pushes(0)).toHaveLength(0);
    expect(await rows()).toHaveLength(0);
  });

  it("retries a failing subscriber, drops it only after a day of failures; 410 ends it at once", async () => {
    await subscribe();
    answer.push = 503;
    const { id } = (await env.DB.prepare("SELECT id FROM websub_subscriptions").first<{ id: number }>())!;
    const deps = hubDeps(env);
    const message = { kind: "websub-deliver", subscription: id, topic: TOPIC } as const;
    expect(await deliver(deps, message, 1)).toBe("retry");
    expect((await rows())[0]!.failures).toBe(1);
    answer.push = 200; // a success resets the count
    expect(await deliver(deps, message, 2)).toBe("delivered");
    expect((await rows())[0]!.failures).toBe(0);

    // Many failures within minutes (several deliveries in flight over an outage): kept.
    answer.push = 500;
    const results = [];
    for (let i = 1; i <= MAX_DELIVERY_FAILURES + 2; i++) results.push(await deliver(deps, message, Math.min(i, 5)));
    expect(results.slice(0, 5)).toEqual(["retry", "retry", "retry", "retry", "failed"]);
    expect(results).not.toContain("dropped");
    expect(await rows()).toHaveLength(1);
    // Still failing a day after the first failure: dropped.
    await env.DB.prepare("UPDATE websub_subscriptions SET failing_since = ?1")
      .bind(Date.now() - DROP_AFTER_FAILING_MS - 1000)
      .run();
    expect(await deliver(deps, message, 1)).toBe("dropped");
    expect(await rows()).toHaveLength(0);

    await subscribe();
    answer.push = 410;
    const again = (await env.DB.prepare("SELECT id FROM websub_subscriptions").first<{ id: number }>())!.id;
    expect(await deliver(deps, { ...message, subscription: again }, 1)).toBe("dropped");
    expect(await rows()).toHaveLength(0);
  });

  it("forgets the subscriptions of a topic whose listing is gone; unsubscribing from it still works", async () => {
    await hub({
      "hub.mode": "subscribe",
      "hub.topic": `${BASE}/tag/${encodeURIComponent("推送测试专用")}/feed.xml`,
      "hub.callback": CALLBACK,
    });
    expect(await rows()).toHaveLength(0); // no such tag: 404, nothing stored
    await env.DB.prepare(
      "INSERT INTO sources (slug, name, label, created_at) VALUES ('gonepaper', '将删除', '将删除', 0)",
    ).run();
    await importPosts(
      db,
      [
        {
          name: "gone.txt",
          text: '---\ntitle: "即将删除的来源"\ndate: 2025-11-01 08:00:00 +0800\ncategories: gonepaper\n---\n<p>x</p>\n',
        },
      ],
      { timeZone: "Asia/Shanghai", now: Date.now() },
    );
    const topic = `${BASE}/category/gonepaper/feed.xml`;
    expect((await hub({ "hub.mode": "subscribe", "hub.topic": topic, "hub.callback": CALLBACK })).status).toBe(202);
    expect(await rows()).toHaveLength(1);
    await db.batch(deleteSourceStatements("gonepaper"));
    expect(
      (await hub({ "hub.mode": "unsubscribe", "hub.topic": topic, "hub.callback": "https://other.example/cb" })).status,
    ).toBe(202);
    await tick();
    expect(await rows()).toHaveLength(0);
  });

  it("caps subscriptions per callback host, but never refuses a renewal", async () => {
    await subscribe();
    const insert = env.DB.prepare(
      "INSERT INTO websub_subscriptions (topic, callback, callback_host, lease_seconds, expires_at, created_at, verified_at) VALUES (?1, ?2, 'sub.example', 3600, ?3, 0, 0)",
    );
    await env.DB.batch(
      Array.from({ length: MAX_SUBSCRIPTIONS_PER_HOST }, (_, i) =>
        insert.bind(`${BASE}/search/feed.xml?q=${i}`, `https://sub.example/cb/${i}`, Date.now() + 3600_000),
      ),
    );
    const refused = await hub({
      "hub.mode": "subscribe",
      "hub.topic": `${BASE}/feed.json`,
      "hub.callback": "https://sub.example/new",
    });
    expect(refused.status).toBe(429);
    expect(await refused.text()).toMatch(/sub\.example has 100 subscriptions/);
    expect((await subscribe()).status).toBe(202); // the existing (topic, callback): a renewal
  });

  it("keeps the callback's own query byte for byte", async () => {
    await hub({ "hub.mode": "subscribe", "hub.topic": TOPIC, "hub.callback": "https://sub.example/push?a=b%20c&flag" });
    expect(calls[0]!.url.href.startsWith("https://sub.example/push?a=b%20c&flag&hub.mode=subscribe")).toBe(true);
  });
});

describe("discovery", () => {
  const get = (path: string) => worker.fetch!(new Request(`${BASE}${path}`) as never, env, createExecutionContext());

  it.each([
    ["/feed.xml", `<link rel="hub" href="${BASE}/websub"/>`],
    ["/category/guilinwanbao/rss.xml", `<atom:link href="${BASE}/websub" rel="hub"/>`],
    ["/feed.json", `"hubs":[{"type":"WebSub","url":"${BASE}/websub"}]`],
  ])("%s names the hub in the document and in a Link header", async (path, marker) => {
    const res = await get(path);
    expect(await res.text()).toContain(marker);
    expect(res.headers.get("link")).toBe(`<${BASE}/websub>; rel="hub", <${BASE}${path}>; rel="self"`);
  });

  it("archive documents and older pages are not topics: no hub", async () => {
    const res = await get("/archive/2025-09/feed.xml");
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('rel="hub"');
    expect(res.headers.has("link")).toBe(false);
  });
});
