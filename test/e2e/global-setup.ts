// One local site for every e2e test: fresh D1, migrations, our sample posts plus the real seed
// post (through the import CLI), served by `wrangler dev`.
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { SHARED, freshPersistDir, migrate, runImport, startDev } from "./server";

export default async function setup(project: TestProject) {
  const persistTo = freshPersistDir();
  await migrate(persistTo);
  const seed = join(SHARED, "seed/000_fef703573001e7bd.txt");
  const imported = await runImport(["samples/posts", seed, "test/fixtures/hostile", "--persist-to", persistTo, "--quiet"]);
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
