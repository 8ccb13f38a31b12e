// Admin changes during a slow refresh, end to end: a real local upstream that takes its time,
// `wrangler dev`, the admin API. The change wins; the refresh reports "superseded" and writes
// nothing. And the outbound policy as deployed locally: loopback allowed by ALLOW_PRIVATE_HOSTS,
// any other private address refused before connecting.
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, freshPersistDir, migrate, startDev } from "./server";

const TOKEN = "e2e-admin-token-0123456789abcdef";
const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>慢</title><link>http://127.0.0.1/</link>
<item><title>慢报的文章一</title><guid>s1</guid><description>一</description></item>
<item><title>慢报的文章二</title><guid>s2</guid><description>二</description></item>
<item><title>慢报的文章三</title><guid>s3</guid><description>三</description></item></channel></rss>`;

let upstream: Server;
let upstreamUrl: string;
let requests = 0;
let site: DevServer;

beforeAll(async () => {
  // Every answer takes 2 s: time for the admin to act while the refresh waits.
  upstream = createServer((_req, res) => {
    requests++;
    setTimeout(() => res.writeHead(200, { "content-type": "application/rss+xml" }).end(RSS), 2000);
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const persistTo = freshPersistDir();
  await migrate(persistTo);
  site = await startDev(persistTo, { ADMIN_TOKEN: TOKEN });
});
afterAll(async () => {
  await site?.stop();
  await new Promise((r) => upstream?.close(r));
});

const admin = (method: string, path: string, body?: unknown) =>
  fetch(`${site.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function untilRequested(before: number): Promise<void> {
  for (let i = 0; i < 100 && requests === before; i++) await new Promise((r) => setTimeout(r, 50));
  expect(requests).toBeGreaterThan(before);
}

async function articlesOf(slug: string): Promise<number> {
  const res = await fetch(`${site.url}/api/v1/articles?category=${slug}&limit=100`);
  return res.status === 200 ? ((await res.json()) as { items: unknown[] }).items.length : 0;
}

describe("a refresh and an admin change", () => {
  it("PATCH during the refresh wins: superseded, still due at once, nothing stored", async () => {
    expect(
      (await admin("POST", "/api/v1/sources", { slug: "slowpaper", name: "慢报", feed_url: `${upstreamUrl}/a.xml` }))
        .status,
    ).toBe(201);
    const before = requests;
    const refreshing = admin("POST", "/api/v1/sources/slowpaper/refresh");
    await untilRequested(before);
    const patched = await admin("PATCH", "/api/v1/sources/slowpaper", { feed_url: `${upstreamUrl}/b.xml` });
    expect(patched.status).toBe(200);
    expect(((await (await refreshing).json()) as { status: string }).status).toBe("superseded");
    const source = (await (await admin("GET", "/api/v1/sources/slowpaper")).json()) as {
      feed_url: string;
      health: { last_result: string | null; next_attempt_at: string | null };
    };
    expect(source.feed_url).toBe(`${upstreamUrl}/b.xml`);
    expect(source.health.last_result).toBeNull();
    expect(Date.parse(source.health.next_attempt_at!)).toBeLessThanOrEqual(Date.now() + 1000);
    expect(await articlesOf("slowpaper")).toBe(0);
  });

  it("DELETE and POST of the same slug during the refresh: the new source inherits nothing", async () => {
    expect(
      (await admin("POST", "/api/v1/sources", { slug: "slowtwo", name: "慢报二", feed_url: `${upstreamUrl}/c.xml` }))
        .status,
    ).toBe(201);
    const before = requests;
    const refreshing = admin("POST", "/api/v1/sources/slowtwo/refresh");
    await untilRequested(before);
    expect((await admin("DELETE", "/api/v1/sources/slowtwo")).status).toBe(204);
    expect(
      (await admin("POST", "/api/v1/sources", { slug: "slowtwo", name: "新慢报", feed_url: `${upstreamUrl}/d.xml` }))
        .status,
    ).toBe(201);
    expect(((await (await refreshing).json()) as { status: string }).status).toBe("superseded");
    const source = (await (await admin("GET", "/api/v1/sources/slowtwo")).json()) as {
      health: { last_result: string | null; last_counts: unknown };
    };
    expect(source.health).toMatchObject({ last_result: null, last_counts: null });
    expect(await articlesOf("slowtwo")).toBe(0);
  });

  it("left alone, the same slow refresh stores its articles from the loopback upstream", async () => {
    expect(
      (await admin("POST", "/api/v1/sources", { slug: "slowthree", name: "慢报三", feed_url: `${upstreamUrl}/e.xml` }))
        .status,
    ).toBe(201);
    expect(await (await admin("POST", "/api/v1/sources/slowthree/refresh")).json()).toMatchObject({
      status: "200",
      new: 3,
    });
  });

  it("a private address other than loopback is refused before connecting, and the source says why", async () => {
    await admin("POST", "/api/v1/sources", { slug: "intranet", name: "内网", feed_url: "http://0xa000001:8080/feed" });
    const started = Date.now();
    const outcome = (await (await admin("POST", "/api/v1/sources/intranet/refresh")).json()) as { error: string };
    expect(outcome.error).toContain("10.0.0.1 是私有网络地址");
    expect(Date.now() - started).toBeLessThan(1500); // no connection attempt to time out
    const status = await (await fetch(`${site.url}/status`)).text();
    expect(status).toContain("出站地址被拒绝");
  });
});
