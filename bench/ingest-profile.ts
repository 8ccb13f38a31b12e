// npm run bench:ingest-profile [case] [n] — a CPU profile of one bench:ingest case inside workerd
// (bench/ingest-worker.ts; default cpu-new, the "(b) CPU only" row), taken through Miniflare's
// inspector port with the V8 sampling profiler, and the functions that take the most of it:
// where the CPU goes in the runtime that runs the refresh, not in Node. Writes the profile to
// .tmp/bench/<case>.cpuprofile (Chrome DevTools opens it).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { ROOT, bundle } from "./lib";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PORT = 9339;

async function main() {
  const c = process.argv[2] ?? "cpu-new";
  const n = Number(process.argv[3] ?? "100");
  const scriptPath = await bundle("bench/ingest-worker.ts", "ingest-worker-profile");
  const mf = new Miniflare({
    inspectorPort: PORT,
    workers: [
      {
        name: "ingest",
        modules: true,
        scriptPath,
        compatibilityDate: "2026-04-20",
        compatibilityFlags: ["nodejs_compat"],
        d1Databases: { DB: "bench-ingest-profile" },
      },
    ],
  });
  try {
    const worker = await mf.getWorker("ingest");
    const run = async (k: number) => {
      const res = await worker.fetch(`http://bench/?op=run&case=${c}&n=${k}`);
      const text = await res.text();
      if (!res.ok) throw new Error(`${c}: HTTP ${res.status}\n${text}`);
    };
    await run(20); // warm up: JIT, the staged feed
    const targets = (await (await fetch(`http://127.0.0.1:${PORT}/json`)).json()) as {
      title: string;
      webSocketDebuggerUrl: string;
    }[];
    const target = targets.find((t) => t.title.includes("ingest")) ?? targets[0];
    if (!target) throw new Error("no inspector target");
    const ws = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve);
      ws.addEventListener("error", reject);
    });
    let nextId = 0;
    const pending = new Map<number, (result: unknown) => void>();
    ws.addEventListener("message", (e) => {
      const m = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
      if (m.id !== undefined) pending.get(m.id)?.(m.result);
    });
    const send = (method: string, params: Record<string, unknown> = {}) =>
      new Promise<unknown>((resolve) => {
        pending.set(++nextId, resolve);
        ws.send(JSON.stringify({ id: nextId, method, params }));
      });
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: 100 });
    await send("Profiler.start");
    await run(n);
    const { profile } = (await send("Profiler.stop")) as { profile: Profile };
    ws.close();
    const out = join(ROOT, ".tmp/bench");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, `${c}.cpuprofile`), JSON.stringify(profile));
    report(profile, c, n);
  } finally {
    await mf.dispose();
  }
}

/** The functions with the most samples of their own (self) and under them (inclusive). */
function report(p: Profile, c: string, n: number) {
  const byId = new Map(p.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of p.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const name = (node: ProfileNode) =>
    `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.split("/").at(-1) ?? ""}:${node.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    const own = name(byId.get(id)!);
    self.set(own, (self.get(own) ?? 0) + dt);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const k = name(byId.get(at)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  const top = (m: Map<string, number>, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([f, t]) => `${((100 * t) / total).toFixed(1).padStart(5)} %  ${f}`)
      .join("\n");
  console.log(`${c}, ${n} runs: share of the samples (the bundle's line numbers: .tmp/bench/)\n`);
  console.log(`self\n${top(self, 30)}\n\ninclusive\n${top(inclusive, 40)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
