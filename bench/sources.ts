// npm run bench:sources — 10,000 sources on a local upstream (bench/upstream.ts: that many small RSS
// feeds), the production worker in Miniflare with the refresh queue bound: one cron tick claims and
// enqueues every due source, the queue consumers drain them. Checks that each feed was fetched
// exactly once, that a second tick enqueues nothing, and that the health view says every source
// succeeded; reports the cycle time and the CPU per refresh (workerd's process CPU over the drain,
// local D1 included: an upper bound). Env: SOURCES (10000), ITEMS (2 per feed).
import { readFileSync, readdirSync } from "node:fs";
import { Miniflare } from "miniflare";
import { ensureSourceFeedStatement } from "../src/db/sources";
import { d1Runner } from "../src/db/sql";
import { buildWorker, migrationsSql, table } from "./lib";
import { Upstream } from "./upstream";

const COMPAT = { compatibilityDate: "2026-04-20", compatibilityFlags: ["nodejs_compat"] };
const SOURCES = Number(process.env.SOURCES ?? 10_000);
const ITEMS = Number(process.env.ITEMS ?? 2);
const quantile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const slugOf = (s: number) => `src-${String(s).padStart(5, "0")}`;

/** CPU seconds (user + system) of the workerd processes this one started. */
function workerdCpuSeconds(): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (stat.includes("(workerd)") && Number(fields[1]) === process.pid)
        ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100; // USER_HZ
}

async function main() {
  const t0 = performance.now();
  const upstream = new Upstream(SOURCES, ITEMS, 1);
  await upstream.listen();
  console.log(
    `upstream: ${SOURCES} feeds of ${ITEMS} items at ${upstream.url} (${((performance.now() - t0) / 1000).toFixed(0)} s to generate)`,
  );
  // The worker logs one JSON line per refresh: keep their durations, print only warnings and errors.
  const refreshMs: number[] = [];
  const mf = new Miniflare({
    handleStructuredLogs: ({ message, level }: { message: string; level: string }) => {
      if (level === "error" || level === "warn") console.error(message);
      const m = /"msg":"refresh".*"ms":(\d+)/.exec(message);
      if (m) refreshMs.push(Number(m[1]));
    },
    workers: [
      {
        name: "app",
        modules: true,
        scriptPath: buildWorker(),
        ...COMPAT,
        d1Databases: { DB: "sources-db" },
        // The local upstream listens on 127.0.0.1: allowed as local development allows it.
        bindings: {
          BASE_URL: "https://news.test",
          REFRESH_ENQUEUE_MAX: "10000",
          REFRESH_CONCURRENCY: "4",
          ALLOW_PRIVATE_HOSTS: "loopback",
        },
        // As staging and production have it (wrangler.toml), with a short batch timeout.
        queueProducers: { REFRESH_QUEUE: { queueName: "refresh" } },
        queueConsumers: {
          refresh: { maxBatchSize: 10, maxBatchTimeout: 0.1, maxRetries: 3, deadLetterQueue: "refresh-dlq" },
        },
      },
    ],
  });
  try {
    const d1 = await mf.getD1Database("DB", "app");
    for (const q of migrationsSql()) await d1.prepare(q).run();
    const db = d1Runner(d1);
    const now = Date.now();
    for (let s = 0; s < SOURCES; s += 500) {
      await db.batch(
        Array.from({ length: Math.min(500, SOURCES - s) }, (_, k) =>
          ensureSourceFeedStatement(
            { slug: slugOf(s + k), name: `测试报${s + k}`, label: `测试报${s + k}新闻` },
            upstream.feedUrl(s + k),
            "Asia/Shanghai",
            now,
          ),
        ),
      );
    }
    const app = await mf.getWorker("app");
    const progress = () =>
      d1
        .prepare(
          "SELECT count(*) AS done, sum(last_status = '200') AS ok, sum(last_status = 'error') AS failed FROM sources WHERE last_fetch_at IS NOT NULL",
        )
        .first<{ done: number; ok: number; failed: number }>();

    // One tick: claim + enqueue. Then the consumers drain the queue.
    const cpu0 = workerdCpuSeconds();
    const start = performance.now();
    await app.scheduled({ cron: "*/15 * * * *" });
    const tickMs = performance.now() - start;
    const cpuTick = workerdCpuSeconds() - cpu0;
    let p = (await progress())!;
    while (p.done < SOURCES) {
      await new Promise((r) => setTimeout(r, 500));
      const q = (await progress())!;
      if (q.done === p.done && performance.now() - start > 600_000)
        throw new Error(`stalled at ${q.done} of ${SOURCES}`);
      p = q;
    }
    const cycleS = (performance.now() - start) / 1000;
    const cpuDrain = workerdCpuSeconds() - cpu0 - cpuTick;

    // Exactly once: every feed fetched once; a second tick finds nothing due.
    const fetched = upstream.served.ok + upstream.served.notModified;
    await app.scheduled({ cron: "*/15 * * * *" });
    await new Promise((r) => setTimeout(r, 2000));
    const fetchedAfter = upstream.served.ok + upstream.served.notModified;
    const articles = (await d1
      .prepare("SELECT count(*) AS n, count(DISTINCT source_id) AS s FROM articles")
      .first<{ n: number; s: number }>())!;
    const health = (await (await app.fetch("https://news.test/api/v1/sources/health")).json()) as {
      sources: { last_result: string | null; error_streak: number; paused: boolean; next_attempt_at: string | null }[];
    };
    const healthy = health.sources.filter(
      (s) => s.last_result === "200" && s.error_streak === 0 && !s.paused && s.next_attempt_at !== null,
    ).length;
    const nextMin = (await d1.prepare("SELECT min(next_fetch_at) AS m FROM sources").first<{ m: number }>())!.m;

    console.log(
      `\n${SOURCES} sources, one cron tick → Queues (batches of 10, 4 refreshes at a time per batch) → consumers, in Miniflare\n`,
    );
    table([
      { what: "cron tick: claim + enqueue (wall)", value: `${tickMs.toFixed(0)} ms` },
      { what: "cron tick: workerd CPU", value: `${(cpuTick * 1000).toFixed(0)} ms` },
      {
        what: "subrequests in the tick",
        value: `${1 + 1 + Math.ceil(SOURCES / 100)} (search backfill read, claim, ${Math.ceil(SOURCES / 100)} sendBatch)`,
      },
      { what: "full cycle: tick to last source refreshed", value: `${cycleS.toFixed(1)} s` },
      { what: "refreshes per second", value: (SOURCES / cycleS).toFixed(0) },
      {
        what: "one refresh, as the worker logs it (wall, p50 / p99)",
        value: `${quantile(refreshMs, 0.5)} / ${quantile(refreshMs, 0.99)} ms`,
      },
      { what: "workerd CPU per refresh (incl. local D1)", value: `${((cpuDrain * 1000) / SOURCES).toFixed(2)} ms` },
      { what: "upstream fetches in the cycle", value: `${fetched} (${upstream.served.ok} × 200)` },
      { what: "fetches caused by a second tick right after", value: String(fetchedAfter - fetched) },
      { what: "articles stored", value: `${articles.n} from ${articles.s} sources` },
      {
        what: "health view: last result 200, no error streak, next attempt set",
        value: `${healthy} of ${health.sources.length}`,
      },
      { what: "earliest next fetch", value: `${((nextMin - Date.now()) / 60_000).toFixed(1)} min from now` },
    ]);
    const problems = [
      fetched !== SOURCES && `fetched ${fetched} times for ${SOURCES} sources`,
      fetchedAfter !== fetched && `a second tick fetched ${fetchedAfter - fetched} feeds`,
      articles.n !== SOURCES * ITEMS && `stored ${articles.n} articles, expected ${SOURCES * ITEMS}`,
      healthy !== SOURCES && `health: ${healthy} of ${SOURCES} healthy`,
      p.failed > 0 && `${p.failed} refreshes failed`,
    ].filter(Boolean);
    if (problems.length) {
      const errors = await d1
        .prepare(
          "SELECT last_error AS e, count(*) AS n FROM sources WHERE last_status = 'error' GROUP BY e ORDER BY n DESC LIMIT 5",
        )
        .all<{ e: string; n: number }>();
      for (const r of errors.results) console.log(`- ${r.n} sources: ${r.e}`);
      console.log(`\nFAILED:\n${problems.map((x) => `- ${x}`).join("\n")}`);
      process.exitCode = 1;
    } else
      console.log("\nOK: every source refreshed exactly once, the second tick found none due, health view all green");
  } finally {
    await mf.dispose();
    await upstream.close();
  }
}

await main();
