// The unit tests of the pure modules, in Node, for mutation testing (stryker.config.mjs).
// Stryker's vitest runner replaces the pool with one of Node's own (threads/forks), so the
// workerd pool of vitest.config.ts cannot host it. What the tests need from workerd is
// HTMLRewriter (test/mutation/html-rewriter.ts: lol-html as WASM) and the `inject()` values.
import { defineConfig } from "vitest/config";
import { feedFixtures, samplePosts, seedPost, siteFixtures } from "./test/provide.ts";

export default defineConfig({
  test: {
    name: "mutation",
    environment: "node",
    include: ["test/unit/**/*.test.{ts,tsx}"],
    setupFiles: ["./test/mutation/html-rewriter.ts"],
    // Unit tests that need ../shared skip themselves without it (test/needs-shared.ts).
    // Node's TextDecoder drops bytes workerd's replaces with U+FFFD: that file's expectations are
    // workerd's (it still runs there, under npm test).
    exclude: ["test/unit/real-feed-forms.test.ts"],
    provide: {
      seedPost: seedPost(),
      samplePosts: samplePosts(),
      feedFixtures: feedFixtures(),
      siteFixtures: siteFixtures(),
    },
  },
});
