// Shared benchmark plumbing: build the worker, start Miniflare, time requests, print tables.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

export const ROOT = join(import.meta.dirname, "..");
const OUT = join(ROOT, ".tmp/bench");

/** A bench worker's JSON answer to `http://bench/?<query>`; a non-2xx answer throws with its text. */
export function benchGet(worker: {
  fetch: (url: string) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;
}) {
  return async <T>(query: string): Promise<T> => {
    const res = await worker.fetch(`http://bench/?${query}`);
    const text = await res.text();
    if (!res.ok) throw new Error(`${query}: HTTP ${res.status}\n${text}`);
    return JSON.parse(text) as T;
  };
}

/** The deployable worker bundle, built by wrangler exactly as `wrangler deploy` would. */
export function buildWorker(): string {
  mkdirSync(OUT, { recursive: true });
  execFileSync(join(ROOT, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", join(OUT, "worker")], {
    cwd: ROOT,
    stdio: "ignore",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  return join(OUT, "worker/index.js");
}

/** Bundle a bench-only worker entry with esbuild. */
export async function bundle(entry: string, name: string): Promise<string> {
  const outfile = join(OUT, `${name}.js`);
  await build({
    entryPoints: [join(ROOT, entry)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    outfile,
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "import"],
    logLevel: "silent",
    external: ["node:*"],
  });
  return outfile;
}

/** Every migration's statements, in order (comments removed first: they may contain ";"). */
export function migrationsSql(which: (file: string) => boolean = () => true): string[] {
  return readdirSync(join(ROOT, "migrations"))
    .filter((f) => f.endsWith(".sql") && which(f))
    .sort()
    .flatMap((f) =>
      readFileSync(join(ROOT, "migrations", f), "utf8")
        .replace(/--.*$/gm, "")
        .split(/;\s*\n/)
        .map((s) => s.trim())
        .filter(Boolean)
        // A trigger's body is statements too: keep CREATE TRIGGER … END whole.
        .reduce<string[]>((out, s) => {
          const last = out[out.length - 1];
          if (last !== undefined && /^CREATE TRIGGER/i.test(last) && !/\bEND$/i.test(last))
            out[out.length - 1] = `${last};\n${s}`;
          else out.push(s);
          return out;
        }, []),
    );
}

export interface Timing {
  n: number;
  seconds: number;
  p50: number;
  p99: number;
  rps: number;
}

/** `n` requests, `concurrency` at a time; latencies in ms. */
export async function measure(n: number, concurrency: number, once: () => Promise<unknown>): Promise<Timing> {
  const lat: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        const t = performance.now();
        await once();
        lat.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!;
  return { n, seconds, p50: q(0.5), p99: q(0.99), rps: n / seconds };
}

export function table(rows: Record<string, string | number>[]): void {
  const cols = Object.keys(rows[0]!);
  const cell = (v: string | number) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]!).length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(line(cols));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]!))));
}

/** The cron's merge of the search index's segments, tick after tick (`tick`: one request to a
 *  bench worker running searchMergeTick) until nothing is left to merge; throws if 100 ticks do
 *  not get there. */
export async function mergeUntilSettled(
  tick: () => Promise<{ calls: number; settled: boolean }>,
): Promise<{ ticks: number; calls: number }> {
  let calls = 0;
  for (let ticks = 1; ticks <= 100; ticks++) {
    const o = await tick();
    calls += o.calls;
    if (o.settled) return { ticks, calls };
  }
  throw new Error("merge: not settled after 100 ticks");
}
