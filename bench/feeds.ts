// npm run bench:feeds — feed render time inside workerd, and the 304 / edge-cached paths against
// a bare worker returning the same bytes, side by side in one run (method: README, Benchmarks).
import { Miniflare } from "miniflare";
import { encodeCursor } from "../src/core/ids";
import { d1Runner } from "../src/db/sql";
import { importPosts } from "../src/ingest/import-posts";
import { buildWorker, bundle, measure, migrationsSql, table } from "./lib";

const COMPAT = { compatibilityDate: "2026-04-20", compatibilityFlags: ["nodejs_compat"] };
const ORIGIN = "https://news.test";
const FEED = "/category/guilinwanbao/feed.xml";

function post(i: number): { name: string; text: string } {
  const para = `<p>第${i}条：漓江两岸的社区居民在家门口实现就业，交通、学校和市场的服务不断完善。</p>\n`;
  const day = String(1 + (i % 28)).padStart(2, "0");
  return {
    name: `bench-${i}.txt`,
    text: `---\ntitle: "基准文章 ${i}"\ndate: 2025-10-${day} ${String(i % 24).padStart(2, "0")}:00:00 +0800\ncategories: guilinwanbao\ntags: [桂林晚报新闻, 就业]\n---\n${para.repeat(45)}\n<https://paper.example/a/${i}.html>\n`,
  };
}

/** The app, the app without its isolate memory, the render worker, and a bare worker that
 *  returns `body` with the same headers: the floor any worker response costs. */
function benchWorkers(workerPath: string, renderPath: string, body: string) {
  const app = { modules: true, scriptPath: workerPath, ...COMPAT, d1Databases: { DB: "bench-db" } };
  return [
    { name: "app", ...app, bindings: { BASE_URL: ORIGIN, REFRESH_INTERVAL_MINUTES: "15" } },
    // Every cached answer of this one comes from the Cache API.
    { name: "app-edge", ...app, bindings: { BASE_URL: ORIGIN, REFRESH_INTERVAL_MINUTES: "15", MEMORY_CACHE_MB: "0" } },
    { name: "render", modules: true, scriptPath: renderPath, ...COMPAT },
    {
      name: "bare",
      modules: true,
      ...COMPAT,
      bindings: { BODY: body },
      script: `let body, headers;
        export default { async fetch(req, env) {
          body ??= env.BODY;
          headers ??= { "content-type": "application/atom+xml; charset=utf-8", etag: '"x"', "cache-control": "public, max-age=300" };
          return new Response(body, { headers });
        } };`,
    },
  ];
}

async function main() {
  const workerPath = buildWorker();
  const renderPath = await bundle("bench/render-worker.ts", "render-worker");
  const mf = new Miniflare({ workers: benchWorkers(workerPath, renderPath, "") });
  try {
    const db = await mf.getD1Database("DB", "app");
    for (const q of migrationsSql()) await db.prepare(q).run();
    await importPosts(
      d1Runner(db),
      Array.from({ length: 60 }, (_, i) => post(i)),
      { timeZone: "Asia/Shanghai", now: Date.now() },
    );

    // 1. Render time: (time of n renders − time of 0 renders) / n, measured from outside.
    const render = await mf.getWorker("render");
    const renderRows = [];
    // cold: every item rendered through feed (rendered items forgotten before each render);
    // kept: the items rendered before are reused (a re-render of an unchanged listing).
    const renderCases = [
      ["rss", "cold", 2],
      ["rss", "kept", 2],
      ["atom", "cold", 2],
      ["atom", "kept", 2],
      ["json", "", 0.5],
      // Three pictures a body: as they are, then rewritten to the image proxy before each render.
      ["rss", "cold, 3 images", 2],
      ["rss", "cold, 3 images, proxied", 4],
      ["rss", "kept, 3 images, proxied", 2],
    ] as const;
    for (const [format, items, target] of renderCases) {
      const flags = `${items.includes("cold") ? "&cold" : ""}${items.includes("images") ? "&images" : ""}${items.includes("proxied") ? "&proxy" : ""}`;
      const call = (n: number) => render.fetch(`http://bench/?format=${format}&n=${n}${flags}`).then((r) => r.text());
      await call(20); // warm up
      const N = 200;
      const base = await measure(5, 1, () => call(0));
      const loaded = await measure(5, 1, () => call(N));
      const perRender = (loaded.p50 - base.p50) / N;
      const bytes = Number(await call(1));
      renderRows.push({
        format,
        items: `50 ${items}`.trim(),
        "feed KB": Math.round(bytes / 1024),
        "ms per render": perRender,
        "target ms": target,
        ok: perRender <= target ? "yes" : "NO",
      });
    }
    console.log("\nFeed render time inside workerd (50 items, ~5 KB body each)\n");
    table(renderRows);
    if (process.env.BENCH_RENDER_ONLY === "1") return;

    // 2. Throughput: the app's 304 and edge-cached paths against the bare worker, same bytes.
    const app = await mf.getWorker("app");
    const first = await app.fetch(`${ORIGIN}${FEED}`);
    const body = await first.text();
    const etag = first.headers.get("etag")!;
    await mf.setOptions({ workers: benchWorkers(workerPath, renderPath, body) });
    const app2 = await mf.getWorker("app");
    const appEdge = await mf.getWorker("app-edge");
    const bare = await mf.getWorker("bare");
    await app2.fetch(`${ORIGIN}${FEED}`).then((r) => r.arrayBuffer()); // fills both caches
    await new Promise((r) => setTimeout(r, 200)); // the edge copy is written in waitUntil
    let unique = 0;
    const fresh = () => encodeCursor({ ms: 9e12 - unique++, id: "ffffffffffffffff" });
    const status = (p: Promise<{ arrayBuffer(): Promise<ArrayBuffer>; status: number }>) =>
      p.then(async (r) => (await r.arrayBuffer(), r.status));
    // [name, expected status, one request]
    const cases: [string, number, () => Promise<number>][] = [
      ["bare worker, same bytes", 200, () => status(bare.fetch(`${ORIGIN}${FEED}`))],
      ["feed, cached 200 (isolate memory)", 200, () => status(app2.fetch(`${ORIGIN}${FEED}`))],
      ["feed, cached 200 (Cache API)", 200, () => status(appEdge.fetch(`${ORIGIN}${FEED}`))],
      [
        "feed, 304 (isolate memory)",
        304,
        () => status(app2.fetch(`${ORIGIN}${FEED}`, { headers: { "If-None-Match": etag } })),
      ],
      [
        "feed, 304 (Cache API)",
        304,
        () => status(appEdge.fetch(`${ORIGIN}${FEED}`, { headers: { "If-None-Match": etag } })),
      ],
      // A URL no cache has seen (a page cursor never asked for before, above every article): the
      // listing's version is read from D1, nothing is rendered. Each URL has its own self link
      // and so its own ETag; "*" matches any current one.
      [
        "feed, 304 from D1 (uncached URL)",
        304,
        () => status(appEdge.fetch(`${ORIGIN}${FEED}?before=${fresh()}`, { headers: { "If-None-Match": "*" } })),
      ],
      ["feed, rendered 200 (uncached URL)", 200, () => status(appEdge.fetch(`${ORIGIN}${FEED}?before=${fresh()}`))],
    ];
    for (const [name, expected, fn] of cases) {
      const got = await fn();
      if (got !== expected) throw new Error(`${name}: expected ${expected}, got ${got}`);
    }
    const N = Number(process.env.BENCH_N ?? 3000);
    const C = 16;
    for (const [, , fn] of cases) await measure(200, C, fn); // warm up every path first
    const rows = [];
    // Interleave rounds so drift on this shared machine hits every case alike.
    const totals = new Map<string, { n: number; s: number; p50: number[]; p99: number[] }>();
    for (let round = 0; round < 3; round++) {
      for (const [name, , fn] of cases) {
        const t = await measure(N / 3, C, fn);
        const acc = totals.get(name) ?? { n: 0, s: 0, p50: [], p99: [] };
        acc.n += t.n;
        acc.s += t.seconds;
        acc.p50.push(t.p50);
        acc.p99.push(t.p99);
        totals.set(name, acc);
      }
    }
    const bareRps = totals.get(cases[0]![0])!.n / totals.get(cases[0]![0])!.s;
    for (const [name, acc] of totals) {
      const rps = acc.n / acc.s;
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      rows.push({
        case: name,
        requests: acc.n,
        "req/s": Math.round(rps),
        "p50 ms": median(acc.p50),
        "p99 ms": median(acc.p99),
        "× bare": rps / bareRps,
      });
    }
    console.log(
      `\nThroughput through Miniflare's API, ${C} concurrent, ${N} requests per case in 3 interleaved rounds`,
    );
    console.log(
      `(feed body ${Math.round(body.length / 1024)} KB, 20 items; target for the cached and 304 paths: ≥ 0.8× bare)\n`,
    );
    table(rows);
  } finally {
    await mf.dispose();
  }
}

await main();
