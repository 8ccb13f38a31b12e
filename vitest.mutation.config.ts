// The unit tests of the pure modules, in Node, for mutation testing (stryker.config.mjs).
// Stryker's vitest runner replaces the pool with one of Node's own (threads/forks), so the
// workerd pool of vitest.config.ts cannot host it. What the tests need from workerd is
// HTMLRewriter (test/mutation/html-rewriter.ts: lol-html as WASM) and the `inject()` values.
import { defineConfig } from "vitest/config";
import { feedFixtures, seedPost, siteFixtures } from "./test/provide.ts";

export default defineConfig({
  test: {
    name: "mutation",
    environment: "node",
    include: ["test/unit/**/*.test.{ts,tsx}"],
    setupFiles: ["./test/mutation/html-rewriter.ts"],
    // Unit tests that need ../shared skip themselves without it (test/needs-shared.ts).
    provide: { seedPost: seedPost(), feedFixtures: feedFixtures(), siteFixtures: siteFixtures() },
  },
});
