// The WebSub hub end to end: `wrangler dev` (with its local queue), a real upstream, and real
// subscribers listening on their own ports. subscribe → verify → new article upstream → cron →
// a signed delivery; an unverified and an expired subscription get nothing.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- a plain .mjs script without type declarations
import { startUpstream } from "../../scripts/sample-upstream.mjs";
// @ts-expect-error -- a plain .mjs script without type declarations
import { discoverHub, hubRequest, startSubscriber } from "../../scripts/websub-subscriber.mjs";
import { ROOT, type DevServer, freshPersistDir, migrate, runImport, startDev } from "./server";

const TOKEN = "e2e-admin-token-0123456789abcdef";
const SECRET = "e2e-websub-secret";
const dir = mkdtempSync(join(tmpdir(), "upstream-"));
let upstream: { url: string; close(): Promise<void> };
let site: DevServer;
let persistTo: string;

interface Subscriber {
  url: string;
  verifications: Record<string, string>[];
  deliveries: {
    contentType: string;
    link: string;
    signature: string | null;
    signatureValid: boolean | null;
    body: string;
  }[];
  until(probe: () => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}
const subscribers: Subscriber[] = [];
async function subscriber(opts: { secret?: string; answer?: "echo" | "refuse" } = {}): Promise<Subscriber> {
  const s = (await startSubscriber(opts)) as Subscriber;
  subscribers.push(s);
  return s;
}

beforeAll(async () => {
  copyFileSync(join(ROOT, "samples/upstream/lingchuan.xml"), join(dir, "feed.xml"));
  upstream = await startUpstream(dir, 0);
  persistTo = freshPersistDir();
  await migrate(persistTo);
  // A one-second minimum lease, so a lease can run out during the test.
  site = await startDev(persistTo, { ADMIN_TOKEN: TOKEN, MEMORY_CACHE_MB: "0", WEBSUB_MIN_LEASE_SECONDS: "1" });
});
afterAll(async () => {
  if (process.env.E2E_LOG) console.log(site?.log());
  await Promise.all(subscribers.map((s) => s.close()));
  await site?.stop();
  await upstream?.close();
});

const cron = () => fetch(`${site.url}/__scheduled?cron=${encodeURIComponent("*/15 * * * *")}`);
const refresh = async () =>
  (
    await fetch(`${site.url}/api/v1/sources/lingchuanribao/refresh`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    })
  ).json() as Promise<{ new: number }>;

describe("WebSub hub with real subscribers", () => {
  it("verifies intent, pushes a signed update after a refresh and after an import, never to the unverified or expired", async () => {
    const created = await fetch(`${site.url}/api/v1/sources`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ slug: "lingchuanribao", name: "灵川日报", feed_url: `${upstream.url}/feed.xml` }),
    });
    expect(created.status).toBe(201);
    expect((await refresh()).new).toBe(3);

    const topic = `${site.url}/category/lingchuanribao/feed.xml`;
    const hub = await discoverHub(topic); // from the feed's Link header, as a subscriber finds it
    expect(hub).toBe(`${site.url}/websub`);

    const good = await subscriber({ secret: SECRET });
    const refusing = await subscriber({ answer: "refuse" });
    const brief = await subscriber();
    for (const [s, extra] of [
      [good, { "hub.secret": SECRET }],
      [refusing, {}],
      [brief, { "hub.lease_seconds": "1" }],
    ] as const) {
      const res = await hubRequest(hub, {
        "hub.mode": "subscribe",
        "hub.topic": topic,
        "hub.callback": s.url,
        ...extra,
      });
      expect(res.status).toBe(202);
      await s.until(() => s.verifications.length === 1);
      expect(s.verifications[0]).toMatchObject({ "hub.mode": "subscribe", "hub.topic": topic });
    }
    expect(good.verifications[0]!["hub.lease_seconds"]).toBe("864000");
    expect(brief.verifications[0]!["hub.lease_seconds"]).toBe("1");
    await new Promise((r) => setTimeout(r, 2000)); // the brief lease runs out

    // A new article upstream; the cron refreshes the source and the hub announces the change.
    const xml = readFileSync(join(dir, "feed.xml"), "utf8").replace(
      "<item>",
      `<item>
      <title>灵川县新建三座乡村候车亭</title>
      <link>https://lingchuan.example.com/2025/11/21/shelter.html</link>
      <guid isPermaLink="false">lcrb-20251121-04</guid>
      <pubDate>Fri, 21 Nov 2025 09:00:00 +0800</pubDate>
      <description>三座乡村候车亭建成使用。</description>
    </item>
    <item>`,
    );
    writeFileSync(join(dir, "feed.xml"), xml);
    expect((await refresh()).new).toBe(1); // a refresh that changed the feed publishes
    await good.until(() => good.deliveries.length === 1);
    const [push] = good.deliveries;
    expect(push!.contentType).toBe("application/atom+xml; charset=utf-8");
    expect(push!.link).toContain(`<${topic}>; rel="self"`);
    expect(push!.signatureValid).toBe(true);
    expect(push!.body).toContain("灵川县新建三座乡村候车亭");
    expect(push!.body.indexOf("灵川县新建三座乡村候车亭")).toBeLessThan(
      push!.body.indexOf("灵川县城至大圩古镇公交加密班次"),
    );

    // The cron after it finds nothing new to announce.
    await cron();
    await new Promise((r) => setTimeout(r, 3000));
    expect(good.deliveries).toHaveLength(1);

    // The import CLI writes to D1 behind the worker's back: the next cron tick notices.
    const posts = mkdtempSync(join(tmpdir(), "posts-"));
    writeFileSync(
      join(posts, "001_import.txt"),
      `---\ntitle: "灵川县图书馆延长周末开放时间"\ndate: 2025-11-22 10:00:00 +0800\ncategories: lingchuanribao\ntags: [灵川日报]\n---\n<p>周末开放到晚上九点。</p>\n`,
    );
    expect((await runImport([posts, "--persist-to", persistTo, "--quiet"])).code).toBe(0);
    await cron();
    await good.until(() => good.deliveries.length === 2);
    expect(good.deliveries[1]!.body).toContain("灵川县图书馆延长周末开放时间");
    expect(good.deliveries[1]!.signatureValid).toBe(true);

    // Nobody else ever got a delivery.
    expect(refusing.deliveries).toHaveLength(0);
    expect(brief.deliveries).toHaveLength(0);
  });
});
