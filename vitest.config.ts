// Two projects: "worker" runs inside workerd on a real local D1 (migrations applied);
// "e2e" runs in Node against `wrangler dev`: the import CLI, a real browser, real feed clients.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { SHARED_DIR, missingShared } from "./test/shared-material.ts";
import { SkippedReporter } from "./test/skipped-reporter.ts";
import { feedFixtures, samplePosts, seedPost, siteFixtures } from "./test/provide.ts";

// Material from outside the repository (../shared or SHARED_DIR): tests that need it are skipped,
// each naming why, when it is absent; REQUIRE_SHARED=1 makes its absence an error instead.
const missing = missingShared();
if (missing.length > 0) {
  const list = missing.map((m) => `  ${m}`).join("\n");
  if (process.env.REQUIRE_SHARED === "1") {
    throw new Error(`REQUIRE_SHARED=1 but the shared material is missing (set SHARED_DIR to its folder):\n${list}`);
  }
  console.warn(`shared material not found; the tests that need it are skipped (set SHARED_DIR to run them):\n${list}`);
}
process.env.SHARED_DIR = SHARED_DIR;
export default defineConfig({
  test: {
    reporters: ["default", new SkippedReporter()],
    projects: [
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // Tests never reach the internet: a request that no test stubbed answers 502 here,
              // before any name is resolved; loopback servers a test starts stay reachable.
              outboundService: (request: Request) => {
                const host = new URL(request.url).hostname;
                if (host === "127.0.0.1" || host === "localhost" || host === "[::1]") return fetch(request);
                return new Response(`outbound request blocked in tests: ${host}`, { status: 502 });
              },
              // An empty database for the migration test, apart from the one tests share.
              // (Tests share storage: each migration test has a database of its own.)
              d1Databases: {
                MIGRATION_DB: "migration-test-db",
                LABELS_MIGRATION_DB: "labels-migration-test-db",
                SEARCH_MIGRATION_DB: "search-migration-test-db",
                SEARCH_MIGRATION_EPOCH_DB: "search-migration-epoch-test-db",
                SEARCH_KICK_DB: "search-kick-test-db",
                STORY_KEYS_MIGRATION_DB: "story-keys-migration-test-db",
              },
              // The queue fan-out path, as production has it (local development refreshes inline).
              queueProducers: { REFRESH_QUEUE: { queueName: "edge-news-refresh-test" } },
              queueConsumers: {
                "edge-news-refresh-test": {
                  maxBatchSize: 10,
                  maxBatchTimeout: 0.1,
                  maxRetries: 2,
                  deadLetterQueue: "edge-news-refresh-test-dlq",
                },
              },
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(join(import.meta.dirname, "migrations")),
                // Tests pin their own origin so absolute links are predictable.
                BASE_URL: "https://news.test",
                ADMIN_TOKEN: "test-admin-token-0123456789abcdef",
                // Signs the image proxy's addresses; tests that need it unset pass their own env.
                IMAGE_PROXY_KEY: "test-image-proxy-key-0123456789abcdef",
                // Manners stay on, with a short gap so the fixture site's pages do not take seconds.
                HOST_MIN_DELAY_MS: "20",
                // The tests' own servers listen on loopback; nothing else private is fetched.
                ALLOW_PRIVATE_HOSTS: "loopback",
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/unit/**/*.test.{ts,tsx}", "test/worker/**/*.test.{ts,tsx}"],
          setupFiles: ["./test/worker/apply-migrations.ts"],
          provide: {
            // null without ../shared: the tests that need it skip themselves (test/needs-shared.ts).
            seedPost: seedPost(),
            samplePosts: samplePosts(),
            // Upstream fixtures and the local fixture site, as base64 (test/provide.ts).
            feedFixtures: feedFixtures(),
            siteFixtures: siteFixtures(),
            migrationFiles: readdirSync(join(import.meta.dirname, "migrations"))
              .filter((f) => f.endsWith(".sql"))
              .sort()
              .map((name) => ({ name, text: readFileSync(join(import.meta.dirname, "migrations", name), "utf8") })),
          },
        },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["./test/e2e/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
