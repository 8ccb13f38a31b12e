// npm run check:bundle — build the Worker as `wrangler deploy` would (dry run) and fail when the
// gzipped bundle exceeds the budget. Prints the size on every run.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const ROOT = join(import.meta.dirname, "..");
const BUDGET_KIB = Number(process.env.BUNDLE_BUDGET_KIB ?? 200);
const out = join(ROOT, ".tmp/bundle");

rmSync(out, { recursive: true, force: true });
execFileSync(
  join(ROOT, "node_modules/.bin/wrangler"),
  ["deploy", "--dry-run", "--env", "production", "--outdir", out],
  {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  },
);

let raw = 0;
let gz = 0;
for (const name of readdirSync(out)) {
  if (!/\.(m?js|wasm)$/.test(name)) continue;
  const bytes = readFileSync(join(out, name));
  raw += statSync(join(out, name)).size;
  gz += gzipSync(bytes, { level: 9 }).length;
}
const kib = (n: number) => (n / 1024).toFixed(1);
console.log(`worker bundle: ${kib(raw)} KiB, gzipped ${kib(gz)} KiB (budget ${BUDGET_KIB} KiB)`);
if (gz > BUDGET_KIB * 1024) {
  console.error(`bundle over budget by ${kib(gz - BUDGET_KIB * 1024)} KiB`);
  process.exit(1);
}
