// Worker entry: wiring only.
import { createApp } from "./app";
import { archiveBucket } from "./archive/bodies";
import { searchMergeTick } from "./archive/search-merge";
import { searchRebuildTick } from "./archive/search-rebuild";
import { archiveTick } from "./archive/tick";
import { type Config, parseConfig } from "./config";
import { type RefreshMessage, consumeRefreshBatch, refreshDeps, refreshDueSources, refreshQueue } from "./ingest/cron";
import type { DeliveryMessage } from "./websub/hub";
import { consumeDeliveryBatch, hubDeps, isDeliveryMessage, publishToSubscribers } from "./websub/wiring";

const app = createApp();

function configOrLog(env: Env): Config | null {
  try {
    return parseConfig(env, "http://localhost");
  } catch (e) {
    console.error(
      JSON.stringify({ level: "error", msg: "invalid configuration; refresh skipped", error: (e as Error).message }),
    );
    return null;
  }
}

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    const config = configOrLog(env);
    if (!config) return;
    // Then tell WebSub subscribers what changed: this refresh, or anything since the last tick
    // (the import CLI writes to D1 directly). The archive step runs after the refresh, so an old
    // article a refresh just changed is archived with its new body.
    // Last, the search index's rebuild, while one is under way (migrations/0019_one_search_row.sql),
    // and the merge of its segments (migrations/0022_search_merge.sql).
    const deps = refreshDeps(env, config);
    const bucket = archiveBucket(env);
    ctx.waitUntil(
      refreshDueSources(deps, config, refreshQueue(env))
        .then(() => publishToSubscribers(env))
        .finally(() => archiveTick({ ...deps, bucket }, config))
        .finally(() => searchRebuildTick({ ...deps, bucket }))
        .finally(() => searchMergeTick(deps)),
    );
  },
  async queue(batch, env, _ctx) {
    const config = configOrLog(env);
    if (!config) return batch.retryAll({ delaySeconds: 300 });
    if (batch.messages.length > 0 && isDeliveryMessage(batch.messages[0]!.body)) {
      return consumeDeliveryBatch(hubDeps(env), batch as MessageBatch<DeliveryMessage>);
    }
    const outcomes = await consumeRefreshBatch(
      refreshDeps(env, config),
      batch as MessageBatch<RefreshMessage>,
      config.refreshConcurrency,
    );
    if (outcomes.some((o) => o.new + o.updated > 0)) await publishToSubscribers(env);
  },
} satisfies ExportedHandler<Env, RefreshMessage | DeliveryMessage>;
