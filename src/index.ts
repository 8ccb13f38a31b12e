// Worker entry: wiring only.
import { createApp } from "./app";

const app = createApp();

export default {
  fetch: app.fetch,
  // The cron trigger is declared in wrangler.toml. The upstream refresh (fetch → parse →
  // sanitize → store) is its own piece of work and not written yet: this handler only logs.
  async scheduled(controller) {
    console.log(JSON.stringify({ level: "info", msg: "scheduled tick", cron: controller.cron, refresh: "not implemented" }));
  },
} satisfies ExportedHandler<Env>;
