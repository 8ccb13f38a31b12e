// Worker entry: wiring only.
import { createApp } from "./app";
import { parseConfig } from "./config";
import { refreshDeps, refreshDueSources } from "./ingest/cron";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    let config;
    try {
      config = parseConfig(env, "http://localhost");
    } catch (e) {
      console.error(JSON.stringify({ level: "error", msg: "invalid configuration; refresh skipped", error: (e as Error).message }));
      return;
    }
    ctx.waitUntil(refreshDueSources(refreshDeps(env, config), config));
  },
} satisfies ExportedHandler<Env>;
