// What both test configs hand the tests through `inject()` (vitest.config.ts for workerd,
// vitest.mutation.config.ts for Node): upstream and site fixtures as base64, since some are not
// UTF-8 on purpose; the sample posts; and the seed post from the shared material, or null without it.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { SEED_FILE, hasSeed } from "./shared-material.ts";

const ROOT = join(import.meta.dirname, "..");

/** The real seed post; null without ../shared (the tests that need it skip themselves). */
export function seedPost(): { name: string; text: string } | null {
  return hasSeed ? { name: "000_fef703573001e7bd.txt", text: readFileSync(SEED_FILE, "utf8") } : null;
}

/** The sample posts shipped with the repository (samples/posts), as the import reads them. */
export function samplePosts(): { name: string; text: string }[] {
  const dir = join(ROOT, "samples/posts");
  return readdirSync(dir)
    .filter((f) => /\.(txt|md|markdown|html)$/.test(f))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));
}

/** Upstream feed fixtures, file name → base64. */
export function feedFixtures(): Record<string, string> {
  const dir = join(ROOT, "test/fixtures/feeds");
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => !f.endsWith(".md"))
      .map((f) => [f, readFileSync(join(dir, f)).toString("base64")]),
  );
}

/** The local fixture site for page sources (a GBK page among them), path → base64. */
export function siteFixtures(): Record<string, string> {
  const dir = join(ROOT, "test/fixtures/site");
  return Object.fromEntries(
    (readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => /\.(html|json|xml|txt)$/.test(f))
      .map((f) => [f, readFileSync(join(dir, f)).toString("base64")]),
  );
}
