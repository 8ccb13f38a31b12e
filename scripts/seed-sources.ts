// npm run db:sources — give the sample sources their feeds on the local upstream (samples/upstream),
// so `npm start` can show a real refresh with no internet. Idempotent.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ensureSourceFeedStatement } from "../src/db/sources";
import { wranglerRunner } from "./wrangler-runner";

const { values } = parseArgs({
  options: {
    upstream: { type: "string", default: "http://127.0.0.1:8790" },
    "persist-to": { type: "string" },
  },
});
const sources = JSON.parse(readFileSync(join(import.meta.dirname, "../samples/sources.json"), "utf8")) as {
  slug: string;
  name: string;
  label: string;
  feed_path: string;
}[];
const db = wranglerRunner({ database: "DB", remote: false, persistTo: values["persist-to"] });
await db.batch(
  sources.map((s) => ensureSourceFeedStatement(s, `${values.upstream}${s.feed_path}`, "Asia/Shanghai", Date.now())),
);
await db.flush();
console.log(`sample sources: ${sources.map((s) => s.slug).join(", ")} → ${values.upstream}`);
