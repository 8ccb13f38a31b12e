// npm run load — autocannon against `wrangler dev` for LOAD_SECONDS (default 60) at LOAD_CONNECTIONS
// (default 32) over a mix of pages, feeds, API and search, while a local upstream of LOAD_SOURCES
// newspapers keeps publishing and editing items and refreshes run all the time (the cron through
// /__scheduled, and "refresh now" through the admin API, overlapping it). Afterwards every source
// is refreshed once more and the API must hold every upstream item exactly once, with its latest
// title. Prints req/s, latency percentiles and status counts; exits 1 on any error, timeout, 5xx,
// unexpected status, lost, duplicated or stale article (method: README, Benchmarks).
import autocannon from "autocannon";
import { freshPersistDir, migrate, runImport, startDev } from "../test/e2e/server";
import { table } from "./lib";
import { Upstream } from "./upstream";

const env = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} wants a positive number`);
  return v;
};
const SECONDS = env("LOAD_SECONDS", 60);
const CONNECTIONS = env("LOAD_CONNECTIONS", 32);
const SOURCES = env("LOAD_SOURCES", 12);
/** Upstream publishes one item (on a source in turn) this often, and edits one every 8th time. */
const PUBLISH_MS = env("LOAD_PUBLISH_MS", 250);
/** The cron fires this often; a manual refresh of the next source in turn runs as often. */
const CRON_MS = env("LOAD_CRON_MS", 1000);
const REFRESH_MS = env("LOAD_REFRESH_MS", 500);
const ADMIN_TOKEN = "load-admin-token-0123456789abcdef";
const slugOf = (s: number) => `load-${String(s).padStart(3, "0")}`;

interface ApiArticle {
  id: string;
  title: string;
  original_url: string;
}

async function main() {
  const persistTo = freshPersistDir();
  await migrate(persistTo);
  const imported = await runImport(["samples/posts", "--persist-to", persistTo, "--quiet"]);
  if (imported.code !== 0) throw new Error(`sample import failed:\n${imported.stdout}\n${imported.stderr}`);
  const upstream = new Upstream(SOURCES, 5);
  await upstream.listen();
  const server = await startDev(persistTo, { ADMIN_TOKEN });
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" };
  const problems: string[] = [];
  try {
    for (let s = 0; s < SOURCES; s++) {
      const res = await fetch(`${server.url}/api/v1/sources`, {
        method: "POST",
        headers: admin,
        body: JSON.stringify({
          slug: slugOf(s),
          name: `压测报${s}`,
          feed_url: upstream.feedUrl(s),
          interval_minutes: 5,
        }),
      });
      if (res.status !== 201) throw new Error(`creating ${slugOf(s)}: ${res.status} ${await res.text()}`);
    }

    // The mix: what readers, feed readers and API clients ask for.
    const home = await (await fetch(`${server.url}/`)).text();
    const article = /<article class="summary">[\s\S]*?<a href="([^"]+)"/.exec(home)?.[1];
    const older = /href="(\/\?before=[^"]+)"/.exec(home)?.[1]?.replace(/&amp;/g, "&");
    if (!article || !older) throw new Error("home page: no article link or no older-page link");
    const apiArticle = (
      (await (await fetch(`${server.url}/api/v1/articles?limit=1`)).json()) as { items: ApiArticle[] }
    ).items[0]!.id;
    const q = encodeURIComponent;
    const paths = [
      "/",
      older,
      "/category/guilinwanbao.html",
      article,
      `/tag/${q("就业")}`,
      "/feed.xml",
      "/rss.xml",
      "/feed.json",
      "/category/guilinwanbao/feed.xml",
      `/tag/${q("就业")}/rss.xml`,
      "/api/v1/articles",
      "/api/v1/articles?category=guilinwanbao&limit=50",
      `/api/v1/articles/${apiArticle}`,
      "/api/v1/categories",
      `/search?q=${q("桂林")}`,
      `/api/v1/articles?q=${q("就业")}`,
      `/search/feed.xml?q=${q("漓江")}`,
      "/sitemap.xml",
      "/status",
    ];
    for (const p of paths) {
      const res = await fetch(`${server.url}${p}`);
      if (res.status !== 200) throw new Error(`${p}: ${res.status} before the run`);
      await res.arrayBuffer();
    }

    // While the load runs: upstream publishes and edits; the cron fires; manual refreshes overlap it.
    let running = true;
    const refreshes = { cron: 0, manual: 0, failed: 0, new: 0, updated: 0 };
    let published = 0;
    const publisher = (async () => {
      while (running) {
        const s = published % SOURCES;
        if (published % 8 === 7) upstream.editItem(s, Math.floor(Math.random() * upstream.items(s).length));
        else upstream.addItem(s);
        published++;
        await sleep(PUBLISH_MS);
      }
    })();
    const cron = (async () => {
      while (running) {
        const res = await fetch(`${server.url}/__scheduled?cron=${q("*/15 * * * *")}`);
        if (res.status >= 500) problems.push(`cron: HTTP ${res.status}`);
        await res.arrayBuffer();
        refreshes.cron++;
        await sleep(CRON_MS);
      }
    })();
    const manual = (async () => {
      for (let i = 0; running; i++) {
        const outcome = await refreshNow(server.url, slugOf(i % SOURCES), admin);
        refreshes.manual++;
        if (outcome.status === "error")
          refreshes.failed++, problems.push(`refresh during the load: ${JSON.stringify(outcome)}`);
        refreshes.new += outcome.new ?? 0;
        refreshes.updated += outcome.updated ?? 0;
        await sleep(REFRESH_MS);
      }
    })();

    console.log(
      `load: ${SECONDS} s, ${CONNECTIONS} connections, ${paths.length} URLs in turn; ${SOURCES} upstream sources`,
    );
    const result = await autocannon({
      url: server.url,
      connections: CONNECTIONS,
      duration: SECONDS,
      timeout: 30,
      requests: paths.map((path) => ({ method: "GET", path })),
    });
    running = false;
    await Promise.all([publisher, cron, manual]);

    // Settle: a cron run started last may still be writing (its waitUntil); then one refresh of
    // every source from the now-still upstream.
    await sleep(3000);
    for (let s = 0; s < SOURCES; s++) {
      const outcome = await refreshNow(server.url, slugOf(s), admin);
      if (outcome.status === "error") problems.push(`final refresh of ${slugOf(s)}: ${JSON.stringify(outcome)}`);
    }

    // Compare the API with the upstream, source by source.
    let expected = 0,
      stored = 0,
      lost = 0,
      duplicated = 0,
      stale = 0,
      extra = 0,
      edited = 0;
    for (let s = 0; s < SOURCES; s++) {
      const got: ApiArticle[] = [];
      let cursor: string | null = "";
      while (cursor !== null) {
        const res = await fetch(
          `${server.url}/api/v1/articles?category=${slugOf(s)}&limit=100${cursor ? `&cursor=${q(cursor)}` : ""}`,
        );
        if (res.status !== 200) throw new Error(`API listing of ${slugOf(s)}: ${res.status}`);
        const page = (await res.json()) as { items: ApiArticle[]; next_cursor: string | null };
        got.push(...page.items);
        cursor = page.next_cursor;
      }
      const byUrl = new Map<string, ApiArticle[]>();
      for (const a of got) byUrl.set(a.original_url, [...(byUrl.get(a.original_url) ?? []), a]);
      const items = upstream.items(s);
      expected += items.length;
      stored += got.length;
      for (const it of items) {
        const found = byUrl.get(it.link) ?? [];
        if (it.edits > 0) edited++;
        if (found.length === 0) lost++, problems.push(`lost: ${it.link}`);
        else if (found.length > 1) duplicated++, problems.push(`duplicated ×${found.length}: ${it.link}`);
        else if (found[0]!.title !== it.title)
          stale++, problems.push(`stale: ${it.link} "${found[0]!.title}" ≠ "${it.title}"`);
      }
      const links = new Set(items.map((it) => it.link));
      for (const a of got) if (!links.has(a.original_url)) extra++, problems.push(`not upstream: ${a.original_url}`);
      if (new Set(got.map((a) => a.id)).size !== got.length) problems.push(`${slugOf(s)}: an id listed twice`);
    }

    const codes = Object.entries(result.statusCodeStats as Record<string, { count: number }>).map(
      ([code, { count }]) => `${code}: ${count}`,
    );
    const fivexx = Object.entries(result.statusCodeStats as Record<string, { count: number }>)
      .filter(([c]) => c.startsWith("5"))
      .reduce((n, [, v]) => n + v.count, 0);
    const other = Object.entries(result.statusCodeStats as Record<string, { count: number }>)
      .filter(([c]) => c !== "200")
      .reduce((n, [, v]) => n + v.count, 0);
    if (result.errors > 0 || result.timeouts > 0)
      problems.push(`${result.errors} connection errors, ${result.timeouts} timeouts`);
    if (fivexx > 0) problems.push(`${fivexx} responses 5xx`);
    if (other > 0) problems.push(`${other} responses other than 200 (${codes.join(", ")})`);

    const lat = result.latency;
    console.log(
      `\nLoad: ${result.duration} s, ${CONNECTIONS} connections against wrangler dev (local), ${paths.length} URLs in turn\n`,
    );
    table([
      {
        requests: result.requests.total,
        "req/s": Math.round(result.requests.average),
        "p50 ms": lat.p50,
        "p90 ms": lat.p90,
        "p99 ms": lat.p99,
        "p99.9 ms": lat.p99_9,
        "max ms": lat.max,
        errors: result.errors,
        timeouts: result.timeouts,
        "5xx": fivexx,
        "non-2xx": result.non2xx,
      },
    ]);
    console.log(`\nstatus codes: ${codes.join(", ")}`);
    console.log(
      `during the load: upstream published ${published - Math.floor(published / 8)} items and edited ${Math.floor(published / 8)} times ` +
        `(served ${upstream.served.ok} × 200, ${upstream.served.notModified} × 304); cron fired ${refreshes.cron} times; ` +
        `${refreshes.manual} manual refreshes (${refreshes.new} new, ${refreshes.updated} updated, ${refreshes.failed} failed)`,
    );
    console.log(
      `afterwards: upstream holds ${expected} items (${edited} of them edited) on ${SOURCES} sources; the API lists ${stored}: ` +
        `${lost} lost, ${duplicated} duplicated, ${stale} stale, ${extra} not upstream`,
    );
  } finally {
    await server.stop();
    await upstream.close();
  }
  if (problems.length > 0) {
    console.log(
      `\nFAILED:\n${problems
        .slice(0, 30)
        .map((p) => `- ${p}`)
        .join("\n")}${problems.length > 30 ? `\n… and ${problems.length - 30} more` : ""}`,
    );
    process.exit(1);
  }
  console.log("\nOK: zero errors, zero 5xx, every upstream item stored exactly once with its latest title");
}

interface Outcome {
  status: string;
  new?: number;
  updated?: number;
}

async function refreshNow(base: string, slug: string, headers: Record<string, string>): Promise<Outcome> {
  const res = await fetch(`${base}/api/v1/sources/${slug}/refresh`, { method: "POST", headers });
  if (res.status !== 200)
    return { status: "error", new: 0, updated: 0, ...{ http: res.status, body: await res.text() } };
  return (await res.json()) as Outcome;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

await main();
