// One local site for every e2e test: fresh D1, migrations, our sample posts (plus the real seed
// post when ../shared is there), the hostile fixtures and one article from the last hour (for the
// news sitemap), all through the import CLI, served by `wrangler dev`.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { SEED_FILE, hasSeed } from "../shared-material";
import { freshPersistDir, migrate, runImport, startDev } from "./server";

export default async function setup(project: TestProject) {
  const persistTo = freshPersistDir();
  await migrate(persistTo);
  const recent = mkdtempSync(join(tmpdir(), "recent-"));
  const hourAgo = new Date(Date.now() - 3600_000 + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
  writeFileSync(
    join(recent, "999_recent.txt"),
    `---\ntitle: "阳朔西街夜市延长营业时间"\ndate: ${hourAgo} +0800\ncategories: yangshuoshibao\ntags: [阳朔时报新闻]\n---\n<p>夜市营业至凌晨一点。</p>\n`,
  );
  const imported = await runImport([
    "samples/posts",
    ...(hasSeed ? [SEED_FILE] : []),
    "test/fixtures/hostile",
    recent,
    "--persist-to",
    persistTo,
    "--quiet",
  ]);
  if (imported.code !== 0) throw new Error(`sample import failed:\n${imported.stdout}\n${imported.stderr}`);
  const server = await startDev(persistTo);
  project.provide("baseUrl", server.url);
  return () => server.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
