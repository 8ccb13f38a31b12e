import { writeFileSync, mkdirSync } from "node:fs";
import { Miniflare } from "miniflare";
import { bundle } from "./lib";
const c = process.argv[2] ?? "cpu-new";
const n = Number(process.argv[3] ?? "100");
const scriptPath = await bundle("bench/ingest-worker.ts", "ingest-worker-prof");
const mf = new Miniflare({
  inspectorPort: 9339,
  workers: [
    {
      name: "ingest",
      modules: true,
      scriptPath,
      compatibilityDate: "2026-04-20",
      compatibilityFlags: ["nodejs_compat"],
      d1Databases: { DB: "x" },
    },
  ],
});
const worker = await mf.getWorker("ingest");
await (await worker.fetch(`http://bench/?op=run&case=${c}&n=20`)).text();
const list = (await (await fetch("http://127.0.0.1:9339/json")).json()) as {
  webSocketDebuggerUrl: string;
  title: string;
}[];
const ws = new WebSocket(
  list.find((l) => l.title.includes("ingest"))?.webSocketDebuggerUrl ?? list[0]!.webSocketDebuggerUrl,
);
await new Promise((r) => ws.addEventListener("open", r));
let id = 0;
const pending = new Map<number, (v: unknown) => void>();
ws.addEventListener("message", (e) => {
  const m = JSON.parse(String(e.data));
  if (m.id && pending.has(m.id)) pending.get(m.id)!(m.result);
});
const send = (method: string, params = {}) =>
  new Promise<any>((r) => {
    pending.set(++id, r);
    ws.send(JSON.stringify({ id, method, params }));
  });
await send("Profiler.enable");
await send("Profiler.setSamplingInterval", { interval: 100 });
await send("Profiler.start");
console.log(await (await worker.fetch(`http://bench/?op=run&case=${c}&n=${n}`)).text());
const { profile } = await send("Profiler.stop");
mkdirSync("/tmp/wprof", { recursive: true });
writeFileSync(`/tmp/wprof/${c}.cpuprofile`, JSON.stringify(profile));
ws.close();
await mf.dispose();
