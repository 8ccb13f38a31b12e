// npm start: local D1 migrated, sample posts imported, sample sources pointed at a local upstream,
// then the upstream and `wrangler dev --test-scheduled` side by side until Ctrl-C.
import { spawn, spawnSync } from "node:child_process";
import { startUpstream } from "./sample-upstream.mjs";

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run("node", ["scripts/dev-vars.mjs"]);
run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"]);
run("npx", ["tsx", "scripts/import.ts", "samples/posts", "--quiet"]);
const upstream = await startUpstream("samples/upstream", Number(process.env.UPSTREAM_PORT ?? 8790));
console.log(`sample upstream feeds at ${upstream.url}`);
run("npx", ["tsx", "scripts/seed-sources.ts", "--upstream", upstream.url]);
const dev = spawn("npx", ["wrangler", "dev", "--test-scheduled", ...process.argv.slice(2)], { stdio: "inherit" });
const stop = () => dev.kill("SIGINT");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", async (code) => {
  await upstream.close();
  process.exit(code ?? 0);
});
