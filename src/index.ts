// Worker entry: wiring only.
import { createApp } from "./app";
import { type Config, parseConfig } from "./config";
import { type RefreshMessage, consumeRefreshBatch, refreshDeps, refreshDueSources, refreshQueue } from "./ingest/cron";

const app = createApp();

function configOrLog(env: Env): Config | null {
  try {
    return parseConfig(env, "http://localhost");
  } catch (e) {
    console.error(JSON.stringify({ level: "error", msg: "invalid configuration; refresh skipped", error: (e as Error).message }));
    return null;
  }
}

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    const config = configOrLog(env);
    if (config) ctx.waitUntil(refreshDueSources(refreshDeps(env, config), config, refreshQueue(env)));
  },
  async queue(batch, env, _ctx) {
    const config = configOrLog(env);
    if (!config) return batch.retryAll({ delaySeconds: 300 });
    await consumeRefreshBatch(refreshDeps(env, config), batch as MessageBatch<RefreshMessage>, config.refreshConcurrency);
  },
} satisfies ExportedHandler<Env, RefreshMessage>;
