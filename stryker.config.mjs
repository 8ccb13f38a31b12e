// Mutation testing of the pure modules (docs/mutation-testing.md): `npm run test:mutation`.
// Stryker's vitest runner can only use Node's pools, so it runs vitest.mutation.config.ts (the
// unit tests, in Node), never the workerd project of vitest.config.ts.
import { resolve } from "node:path";

// The tests run in a sandbox copy (.stryker-tmp/sandbox-*): the shared material is found from here.
process.env.SHARED_DIR ??= resolve(import.meta.dirname, "../shared");

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutation.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: [
    "src/core/**/*.ts",
    "src/ingest/{decode,parse,dates,normalize,sanitize,schedule,rules,extract-html}.ts",
    "src/render/**/*.{ts,tsx}",
  ],
  coverageAnalysis: "perTest",
  // Static mutants (values computed when a module loads: the sanitizer's allowlist, zone and
  // charset tables) each need the whole unit suite, once per mutant: 40 % of the mutants, 95 % of
  // the time (hours here). Left out by default; `-- --ignoreStatic false` runs them too. The
  // tables are pinned entry by entry by the unit tests instead.
  ignoreStatic: true,
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 90, low: 85, break: null },
  concurrency: 2,
  tempDirName: ".stryker-tmp",
  ignorePatterns: ["bench", "public", "reports", ".wrangler"],
};
